//===- MgpuWrappers.cpp - The host functions MLIR's gpu-to-llvm calls -----===//
//
// MLIR's GPU host lowering (gpu-to-llvm, and the gpu.binary translation)
// emits calls to mgpu* functions; upstream implements them in
// libmlir_cuda_runtime.so, which Debian's LLVM packages do not ship. These
// are qf's own, on the driver API loaded at run time (CudaDriver.cpp). The
// signatures are those MLIR 22 emits (checked against the declarations in
// lowered IR by test/Runtime). A failed driver call ends the process with a
// message: the generated code has no way to look at an error.
//
//===----------------------------------------------------------------------===//
#include "CudaDriver.h"
#include "QFCudaRuntime.h"

#include <cstdint>
#include <iterator>
#include <string>

using namespace qf::cuda;

namespace {

/// Driver JIT options that capture the error log, so that a module that does
/// not load says why (ptxas errors of PTX, the wrong chip of a cubin).
struct JitLog {
  char text[8192] = "";
  int options[3] = {CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES,
                    CU_JIT_OPTIMIZATION_LEVEL};
  void *values[3];
  JitLog(int optLevel) {
    values[0] = text;
    values[1] = reinterpret_cast<void *>(static_cast<uintptr_t>(sizeof(text)));
    values[2] = reinterpret_cast<void *>(static_cast<uintptr_t>(optLevel));
  }
  std::string detail(const char *what) const {
    std::string d = std::string("loading ") + what + " on " +
                    describeDevice(currentDevice());
    if (text[0])
      d += "; driver log:\n" + std::string(text);
    return d;
  }
};

CUmodule loadModule(const void *image, int optLevel, const char *what) {
  makeCurrent();
  JitLog log(optLevel);
  CUmodule module = nullptr;
  // The optimization level only applies to PTX; cubins ignore it.
  check(driver().cuModuleLoadDataEx(&module, image, 3, log.options, log.values),
        "cuModuleLoadDataEx", [&] { return log.detail(what); });
  return module;
}

unsigned launchDim(intptr_t v, const char *what) {
  if (v <= 0 || v > 0x7fffffff)
    fatal(std::string("mgpuLaunchKernel: ") + what + " " + std::to_string(v) +
          " is not a valid launch dimension");
  return static_cast<unsigned>(v);
}

/// Kernels asking for more than the default 48 KiB of dynamic shared memory
/// must opt in per function, up to the device's limit.
void prepareSharedMemory(CUfunction f, int32_t smem) {
  constexpr int32_t kDefaultLimit = 48 * 1024;
  if (smem < 0)
    fatal("mgpuLaunchKernel: negative dynamic shared memory size " +
          std::to_string(smem));
  if (smem <= kDefaultLimit)
    return;
  const Driver &d = driver();
  CUdevice dev = 0;
  check(d.cuDeviceGet(&dev, currentDevice()), "cuDeviceGet");
  int optin = 0;
  check(d.cuDeviceGetAttribute(
            &optin, CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN, dev),
        "cuDeviceGetAttribute");
  if (smem > optin)
    fatal("mgpuLaunchKernel: the kernel asks for " + std::to_string(smem) +
          " bytes of dynamic shared memory; " +
          describeDevice(currentDevice()) + " allows at most " +
          std::to_string(optin));
  check(d.cuFuncSetAttribute(f, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                             smem),
        "cuFuncSetAttribute", [&] {
          return "max dynamic shared memory " + std::to_string(smem) + " bytes";
        });
}

std::string launchDetail(intptr_t gx, intptr_t gy, intptr_t gz, intptr_t bx,
                         intptr_t by, intptr_t bz, int32_t smem) {
  return "grid (" + std::to_string(gx) + ", " + std::to_string(gy) + ", " +
         std::to_string(gz) + "), block (" + std::to_string(bx) + ", " +
         std::to_string(by) + ", " + std::to_string(bz) + "), " +
         std::to_string(smem) + " bytes of dynamic shared memory on " +
         describeDevice(currentDevice());
}

/// Errors of work queued earlier (a kernel's illegal address, ...) surface
/// at the next synchronizing call; say so, or the message blames the wrong
/// call.
const char *kAsyncHint =
    "the error may come from a kernel or copy queued before this call";

/// A ranked memref descriptor as MLIR lays it out: allocated and aligned
/// pointers, offset, then `rank` sizes and `rank` strides.
struct MemRefView {
  char *aligned;
  int64_t offset;
  const int64_t *sizes;
  const int64_t *strides;
  MemRefView(int64_t rank, void *descriptor) {
    auto *words = static_cast<int64_t *>(descriptor);
    aligned = reinterpret_cast<char *>(words[1]);
    offset = words[2];
    sizes = words + 3;
    strides = words + 3 + rank;
  }
};

} // namespace

QF_CUDA_EXPORT CUmodule mgpuModuleLoad(void *data, size_t /*size*/) {
  return loadModule(data, 4,
                    "a GPU binary (gpu-module-to-binary format=bin or "
                    "fatbin)");
}

QF_CUDA_EXPORT CUmodule mgpuModuleLoadJIT(void *data, int optLevel) {
  if (optLevel < 0 || optLevel > 4)
    optLevel = optLevel < 0 ? 0 : 4;
  return loadModule(data, optLevel, "PTX (gpu-module-to-binary format=isa)");
}

QF_CUDA_EXPORT void mgpuModuleUnload(CUmodule module) {
  CUresult r = driver().cuModuleUnload(module);
  // MLIR unloads modules from global destructors. In a linked binary the
  // driver's own exit handlers (registered later, by cuInit) have run by
  // then and took the modules with them: nothing is left to unload.
  if (r == CUDA_ERROR_DEINITIALIZED)
    return;
  check(r, "cuModuleUnload");
}

QF_CUDA_EXPORT CUfunction mgpuModuleGetFunction(CUmodule module,
                                                const char *name) {
  CUfunction f = nullptr;
  check(driver().cuModuleGetFunction(&f, module, name), "cuModuleGetFunction",
        [&] { return std::string("kernel '") + name + "'"; });
  return f;
}

QF_CUDA_EXPORT void mgpuLaunchKernel(CUfunction f, intptr_t gx, intptr_t gy,
                                     intptr_t gz, intptr_t bx, intptr_t by,
                                     intptr_t bz, int32_t smem, CUstream stream,
                                     void **params, void **extra,
                                     size_t /*paramsCount*/) {
  makeCurrent();
  prepareSharedMemory(f, smem);
  check(driver().cuLaunchKernel(
            f, launchDim(gx, "grid x"), launchDim(gy, "grid y"),
            launchDim(gz, "grid z"), launchDim(bx, "block x"),
            launchDim(by, "block y"), launchDim(bz, "block z"), smem, stream,
            params, extra),
        "cuLaunchKernel",
        [&] { return launchDetail(gx, gy, gz, bx, by, bz, smem); });
}

QF_CUDA_EXPORT void
mgpuLaunchClusterKernel(CUfunction f, intptr_t cx, intptr_t cy, intptr_t cz,
                        intptr_t gx, intptr_t gy, intptr_t gz, intptr_t bx,
                        intptr_t by, intptr_t bz, int32_t smem, CUstream stream,
                        void **params, void **extra) {
  makeCurrent();
  prepareSharedMemory(f, smem);
  CUlaunchAttribute cluster{};
  cluster.id = CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION;
  cluster.value.clusterDim.x = launchDim(cx, "cluster x");
  cluster.value.clusterDim.y = launchDim(cy, "cluster y");
  cluster.value.clusterDim.z = launchDim(cz, "cluster z");
  CUlaunchConfig config{};
  config.gridDimX = launchDim(gx, "grid x");
  config.gridDimY = launchDim(gy, "grid y");
  config.gridDimZ = launchDim(gz, "grid z");
  config.blockDimX = launchDim(bx, "block x");
  config.blockDimY = launchDim(by, "block y");
  config.blockDimZ = launchDim(bz, "block z");
  config.sharedMemBytes = static_cast<unsigned>(smem);
  config.hStream = stream;
  config.attrs = &cluster;
  config.numAttrs = 1;
  check(driver().cuLaunchKernelEx(&config, f, params, extra),
        "cuLaunchKernelEx", [&] {
          return "cluster (" + std::to_string(cx) + ", " + std::to_string(cy) +
                 ", " + std::to_string(cz) + "), " +
                 launchDetail(gx, gy, gz, bx, by, bz, smem);
        });
}

QF_CUDA_EXPORT CUstream mgpuStreamCreate(void) {
  makeCurrent();
  CUstream stream = nullptr;
  check(driver().cuStreamCreate(&stream, CU_STREAM_NON_BLOCKING),
        "cuStreamCreate");
  return stream;
}

QF_CUDA_EXPORT void mgpuStreamDestroy(CUstream stream) {
  check(driver().cuStreamDestroy(stream), "cuStreamDestroy");
}

QF_CUDA_EXPORT void mgpuStreamSynchronize(CUstream stream) {
  check(driver().cuStreamSynchronize(stream), "cuStreamSynchronize",
        kAsyncHint);
}

QF_CUDA_EXPORT void mgpuStreamWaitEvent(CUstream stream, CUevent event) {
  check(driver().cuStreamWaitEvent(stream, event, 0), "cuStreamWaitEvent");
}

QF_CUDA_EXPORT CUevent mgpuEventCreate(void) {
  makeCurrent();
  CUevent event = nullptr;
  check(driver().cuEventCreate(&event, CU_EVENT_DISABLE_TIMING),
        "cuEventCreate");
  return event;
}

QF_CUDA_EXPORT void mgpuEventDestroy(CUevent event) {
  check(driver().cuEventDestroy(event), "cuEventDestroy");
}

QF_CUDA_EXPORT void mgpuEventSynchronize(CUevent event) {
  check(driver().cuEventSynchronize(event), "cuEventSynchronize", kAsyncHint);
}

QF_CUDA_EXPORT void mgpuEventRecord(CUevent event, CUstream stream) {
  check(driver().cuEventRecord(event, stream), "cuEventRecord");
}

QF_CUDA_EXPORT void *mgpuMemAlloc(uint64_t bytes, CUstream /*stream*/,
                                  bool hostShared) {
  // A memref with no elements is legal; the driver rejects 0-byte requests.
  if (bytes == 0)
    return nullptr;
  makeCurrent();
  CUdeviceptr ptr = 0;
  auto detail = [&] {
    return std::to_string(bytes) + " bytes on " +
           describeDevice(currentDevice());
  };
  if (hostShared)
    check(driver().cuMemAllocManaged(&ptr, bytes, CU_MEM_ATTACH_GLOBAL),
          "cuMemAllocManaged", detail);
  else
    check(driver().cuMemAlloc(&ptr, bytes), "cuMemAlloc", detail);
  return reinterpret_cast<void *>(ptr);
}

QF_CUDA_EXPORT void mgpuMemFree(void *ptr, CUstream stream) {
  if (!ptr)
    return;
  // gpu.dealloc async frees memory that work queued on `stream` may still
  // use; cuMemFree does not wait for that stream.
  if (stream)
    check(driver().cuStreamSynchronize(stream), "cuStreamSynchronize",
          kAsyncHint);
  check(driver().cuMemFree(reinterpret_cast<CUdeviceptr>(ptr)), "cuMemFree");
}

QF_CUDA_EXPORT void mgpuMemcpy(void *dst, void *src, size_t bytes,
                               CUstream stream) {
  if (bytes == 0)
    return;
  check(driver().cuMemcpyAsync(reinterpret_cast<CUdeviceptr>(dst),
                               reinterpret_cast<CUdeviceptr>(src), bytes,
                               stream),
        "cuMemcpyAsync",
        [&] { return std::to_string(bytes) + " bytes; " + kAsyncHint; });
}

QF_CUDA_EXPORT void mgpuMemset32(void *dst, unsigned value, size_t count,
                                 CUstream stream) {
  if (count == 0)
    return;
  check(driver().cuMemsetD32Async(reinterpret_cast<CUdeviceptr>(dst), value,
                                  count, stream),
        "cuMemsetD32Async");
}

QF_CUDA_EXPORT void mgpuMemset16(void *dst, unsigned short value, size_t count,
                                 CUstream stream) {
  if (count == 0)
    return;
  check(driver().cuMemsetD16Async(reinterpret_cast<CUdeviceptr>(dst), value,
                                  count, stream),
        "cuMemsetD16Async");
}

QF_CUDA_EXPORT void mgpuMemHostRegister(void *ptr, uint64_t bytes) {
  if (bytes == 0)
    return;
  makeCurrent();
  check(driver().cuMemHostRegister(ptr, bytes, CU_MEMHOSTREGISTER_PORTABLE),
        "cuMemHostRegister", [&] { return std::to_string(bytes) + " bytes"; });
}

QF_CUDA_EXPORT void mgpuMemHostRegisterMemRef(int64_t rank, void *descriptor,
                                              int64_t elementBytes) {
  MemRefView m(rank, descriptor);
  // Registration covers one contiguous range: only identity layouts.
  int64_t expected = 1;
  for (int64_t i = rank - 1; i >= 0; --i) {
    if (m.sizes[i] != 1 && m.strides[i] != expected)
      fatal("mgpuMemHostRegisterMemRef: only contiguous memrefs can be "
            "registered (dimension " +
            std::to_string(i) + " has stride " + std::to_string(m.strides[i]) +
            ", expected " + std::to_string(expected) + ")");
    expected *= m.sizes[i];
  }
  mgpuMemHostRegister(m.aligned + m.offset * elementBytes,
                      static_cast<uint64_t>(expected * elementBytes));
}

QF_CUDA_EXPORT void mgpuMemHostUnregister(void *ptr) {
  makeCurrent();
  check(driver().cuMemHostUnregister(ptr), "cuMemHostUnregister");
}

QF_CUDA_EXPORT void mgpuMemHostUnregisterMemRef(int64_t rank, void *descriptor,
                                                int64_t elementBytes) {
  MemRefView m(rank, descriptor);
  int64_t elements = 1;
  for (int64_t i = 0; i < rank; ++i)
    elements *= m.sizes[i];
  if (elements != 0)
    mgpuMemHostUnregister(m.aligned + m.offset * elementBytes);
}

QF_CUDA_EXPORT void mgpuSetDefaultDevice(int32_t device) {
  setCurrentDevice(device);
}

/// A TMA descriptor for a memref (nvgpu.tma.create.descriptor), encoded on
/// the host and copied to device memory, where the kernel reads it.
QF_CUDA_EXPORT void *mgpuTensorMapEncodeTiledMemref(
    int64_t rank, void *descriptor, int64_t dataType, int64_t interleave,
    int64_t swizzle, int64_t l2Promotion, int64_t oobFill, int64_t *boxDims) {
  // Bits per element of each CUtensorMapDataType (the packed sub-byte types
  // 13..15 count 4, 4 and 6 bits).
  static constexpr int kBits[] = {8,  16, 32, 32, 64, 64, 16, 32,
                                  64, 16, 32, 32, 32, 4,  4,  6};
  if (rank < 1 || rank > 5)
    fatal("mgpuTensorMapEncodeTiledMemref: rank " + std::to_string(rank) +
          " is outside the 1..5 a tensor map supports");
  if (dataType < 0 || dataType >= static_cast<int64_t>(std::size(kBits)))
    fatal("mgpuTensorMapEncodeTiledMemref: unknown tensor map data type " +
          std::to_string(dataType));
  MemRefView m(rank, descriptor);
  int64_t bits = kBits[dataType];
  // The driver numbers dimensions innermost first; strides exclude the
  // innermost (unit) one and are in bytes.
  uint64_t globalDim[5], globalStrides[4];
  uint32_t box[5], elementStrides[5];
  for (int64_t i = 0; i < rank; ++i) {
    int64_t src = rank - 1 - i;
    globalDim[i] = static_cast<uint64_t>(m.sizes[src]);
    box[i] = static_cast<uint32_t>(boxDims[src]);
    elementStrides[i] = 1;
    if (i > 0)
      globalStrides[i - 1] = static_cast<uint64_t>(m.strides[src] * bits / 8);
  }
  if (m.strides[rank - 1] != 1)
    fatal("mgpuTensorMapEncodeTiledMemref: the innermost dimension must have "
          "stride 1, not " +
          std::to_string(m.strides[rank - 1]));
  void *address = m.aligned + m.offset * bits / 8;
  makeCurrent();
  const Driver &d = driver();
  CUtensorMap map;
  check(d.cuTensorMapEncodeTiled(
            &map, static_cast<int>(dataType), static_cast<uint32_t>(rank),
            address, globalDim, globalStrides, box, elementStrides,
            static_cast<int>(interleave), static_cast<int>(swizzle),
            static_cast<int>(l2Promotion), static_cast<int>(oobFill)),
        "cuTensorMapEncodeTiled", [&] {
          return "rank " + std::to_string(rank) + ", data type " +
                 std::to_string(dataType) +
                 " (the global address and strides must be multiples of 16 "
                 "bytes)";
        });
  CUdeviceptr onDevice = 0;
  check(d.cuMemAlloc(&onDevice, sizeof(map)), "cuMemAlloc", "a tensor map");
  check(d.cuMemcpy(onDevice, reinterpret_cast<CUdeviceptr>(&map), sizeof(map)),
        "cuMemcpy", "a tensor map");
  return reinterpret_cast<void *>(onDevice);
}
