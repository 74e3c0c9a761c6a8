//===- FakeCudaDriver.cpp - A CUDA driver stand-in for tests without a GPU
//-===//
//
// libqf_fake_cuda_driver.so exports the driver entry points qf's runtime
// loads (CudaDriverApi.h) and lets tests run the host side of a GPU program
// on any machine: QF_CUDA_DRIVER_LIBRARY=<this library> makes the runtime use
// it. Memory is host memory (so copies and memsets are real), kernels are
// looked up by name in the loaded image but never run, and every call can be
// traced and made to fail:
//   FAKE_CUDA_TRACE=1        one line per call on stderr ("fake-cuda: ...")
//   FAKE_CUDA_FAIL=<symbol>  that entry point returns an error
//   FAKE_CUDA_DEVICES=<n>    device count (default 1)
//   FAKE_CUDA_SM=<nn>        compute capability of every device (default 90)
//
//===----------------------------------------------------------------------===//
#include "CudaDriverApi.h"

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

using namespace qf::cuda;

// Declares every entry point with the runtime's signature, so that a
// definition below that does not match fails to compile.
#define FAKE_DECLARE(member, symbol, params)                                   \
  extern "C" __attribute__((visibility("default"))) CUresult symbol params;
QF_CUDA_DRIVER_FUNCTIONS(FAKE_DECLARE)
#undef FAKE_DECLARE

namespace {

void trace(const char *fmt, ...) {
  const char *on = std::getenv("FAKE_CUDA_TRACE");
  if (!on || std::strcmp(on, "1") != 0)
    return;
  std::va_list args;
  va_start(args, fmt);
  std::fputs("fake-cuda: ", stderr);
  std::vfprintf(stderr, fmt, args);
  std::fputc('\n', stderr);
  va_end(args);
}

/// The error `symbol` returns when FAKE_CUDA_FAIL names it.
CUresult failure(const char *symbol) {
  const char *fail = std::getenv("FAKE_CUDA_FAIL");
  if (!fail || std::strcmp(fail, symbol) != 0)
    return CUDA_SUCCESS;
  if (!std::strcmp(symbol, "cuInit"))
    return CUDA_ERROR_NO_DEVICE;
  if (!std::strcmp(symbol, "cuModuleLoadDataEx"))
    return CUDA_ERROR_NO_BINARY_FOR_GPU;
  if (!std::strcmp(symbol, "cuLaunchKernel"))
    return CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES;
  if (!std::strcmp(symbol, "cuStreamSynchronize"))
    return CUDA_ERROR_ILLEGAL_ADDRESS;
  if (!std::strcmp(symbol, "cuMemAlloc_v2"))
    return CUDA_ERROR_OUT_OF_MEMORY;
  if (!std::strcmp(symbol, "cuModuleUnload"))
    return CUDA_ERROR_DEINITIALIZED; // the driver's exit handlers ran first
  return CUDA_ERROR_INVALID_VALUE;
}
#define FAKE_MAY_FAIL(symbol)                                                  \
  if (CUresult r = failure(#symbol))                                           \
    return r;

int envInt(const char *name, int fallback) {
  const char *v = std::getenv(name);
  return v && *v ? std::atoi(v) : fallback;
}

constexpr uint32_t kElfMagic = 0x464c457f;    // "\x7fELF"
constexpr uint32_t kFatbinMagic = 0xba55ed50; // fatbinary header

uint32_t magicOf(const void *image) {
  uint32_t magic;
  std::memcpy(&magic, image, 4);
  return magic;
}

const char *imageKind(const void *image) {
  uint32_t magic = magicOf(image);
  return magic == kElfMagic      ? "cubin"
         : magic == kFatbinMagic ? "fatbin"
                                 : "ptx";
}

/// Bytes of a loaded image: PTX text, an ELF cubin or a fatbin.
size_t imageSize(const void *image) {
  const auto *b = static_cast<const unsigned char *>(image);
  uint32_t magic = magicOf(image);
  if (magic == kElfMagic) { // ELF64: section headers end the file
    uint64_t shoff;
    uint16_t shentsize, shnum;
    std::memcpy(&shoff, b + 0x28, 8);
    std::memcpy(&shentsize, b + 0x3a, 2);
    std::memcpy(&shnum, b + 0x3c, 2);
    return shoff + size_t(shentsize) * shnum;
  }
  if (magic == kFatbinMagic) { // fatbin: header size (u16 at 6) + payload
    uint16_t header;
    uint64_t payload;
    std::memcpy(&header, b + 6, 2);
    std::memcpy(&payload, b + 8, 8);
    return header + payload;
  }
  return std::strlen(static_cast<const char *>(image));
}

struct FakeModule {
  const char *image;
  size_t size;
};
struct FakeFunction {
  std::string name;
};

const char *errorName(CUresult r) {
  switch (r) {
  case CUDA_SUCCESS:
    return "CUDA_SUCCESS";
  case CUDA_ERROR_INVALID_VALUE:
    return "CUDA_ERROR_INVALID_VALUE";
  case CUDA_ERROR_OUT_OF_MEMORY:
    return "CUDA_ERROR_OUT_OF_MEMORY";
  case CUDA_ERROR_DEINITIALIZED:
    return "CUDA_ERROR_DEINITIALIZED";
  case CUDA_ERROR_NO_DEVICE:
    return "CUDA_ERROR_NO_DEVICE";
  case CUDA_ERROR_INVALID_DEVICE:
    return "CUDA_ERROR_INVALID_DEVICE";
  case CUDA_ERROR_NO_BINARY_FOR_GPU:
    return "CUDA_ERROR_NO_BINARY_FOR_GPU";
  case CUDA_ERROR_NOT_FOUND:
    return "CUDA_ERROR_NOT_FOUND";
  case CUDA_ERROR_ILLEGAL_ADDRESS:
    return "CUDA_ERROR_ILLEGAL_ADDRESS";
  case CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES:
    return "CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES";
  default:
    return nullptr;
  }
}

} // namespace

extern "C" {

CUresult cuInit(unsigned flags) {
  trace("cuInit %u", flags);
  FAKE_MAY_FAIL(cuInit)
  return CUDA_SUCCESS;
}

CUresult cuDriverGetVersion(int *version) {
  *version = 13000;
  return CUDA_SUCCESS;
}

CUresult cuGetErrorName(CUresult error, const char **str) {
  *str = errorName(error);
  return *str ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

CUresult cuGetErrorString(CUresult error, const char **str) {
  *str = errorName(error) ? "fake driver error" : nullptr;
  return *str ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

CUresult cuDeviceGetCount(int *count) {
  *count = envInt("FAKE_CUDA_DEVICES", 1);
  return CUDA_SUCCESS;
}

CUresult cuDeviceGet(CUdevice *device, int ordinal) {
  if (ordinal < 0 || ordinal >= envInt("FAKE_CUDA_DEVICES", 1))
    return CUDA_ERROR_INVALID_DEVICE;
  *device = ordinal;
  return CUDA_SUCCESS;
}

CUresult cuDeviceGetName(char *name, int len, CUdevice dev) {
  std::snprintf(name, len, "Fake GPU %d", dev);
  return CUDA_SUCCESS;
}

CUresult cuDeviceGetAttribute(int *value, int attrib, CUdevice) {
  int sm = envInt("FAKE_CUDA_SM", 90);
  if (attrib == CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR)
    *value = sm / 10;
  else if (attrib == CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR)
    *value = sm % 10;
  else if (attrib == CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN)
    *value = 227 * 1024;
  else
    return CUDA_ERROR_INVALID_VALUE;
  return CUDA_SUCCESS;
}

CUresult cuDevicePrimaryCtxRetain(CUcontext *ctx, CUdevice dev) {
  trace("cuDevicePrimaryCtxRetain device %d", dev);
  static int contexts[64];
  *ctx = reinterpret_cast<CUcontext>(&contexts[dev & 63]);
  return CUDA_SUCCESS;
}

CUresult cuCtxSetCurrent(CUcontext) { return CUDA_SUCCESS; }

CUresult cuModuleLoadDataEx(CUmodule *module, const void *image,
                            unsigned numOptions, int *options, void **values) {
  size_t size = imageSize(image);
  const char *kind = imageKind(image);
  int optLevel = -1;
  for (unsigned i = 0; i < numOptions; ++i)
    if (options[i] == CU_JIT_OPTIMIZATION_LEVEL)
      optLevel = static_cast<int>(reinterpret_cast<uintptr_t>(values[i]));
  trace("cuModuleLoadDataEx %s, %zu bytes, optimization level %d", kind, size,
        optLevel);
  if (CUresult r = failure("cuModuleLoadDataEx")) {
    for (unsigned i = 0; i < numOptions; ++i)
      if (options[i] == CU_JIT_ERROR_LOG_BUFFER)
        std::snprintf(static_cast<char *>(values[i]), 64,
                      "fake ptxas: no code for this chip");
    return r;
  }
  *module = reinterpret_cast<CUmodule>(
      new FakeModule{static_cast<const char *>(image), size});
  return CUDA_SUCCESS;
}

CUresult cuModuleUnload(CUmodule module) {
  trace("cuModuleUnload");
  FAKE_MAY_FAIL(cuModuleUnload)
  delete reinterpret_cast<FakeModule *>(module);
  return CUDA_SUCCESS;
}

CUresult cuModuleGetFunction(CUfunction *function, CUmodule module,
                             const char *name) {
  auto *m = reinterpret_cast<FakeModule *>(module);
  bool found = memmem(m->image, m->size, name, std::strlen(name)) != nullptr;
  trace("cuModuleGetFunction %s%s", name, found ? "" : " (not found)");
  if (!found)
    return CUDA_ERROR_NOT_FOUND;
  *function = reinterpret_cast<CUfunction>(new FakeFunction{name});
  return CUDA_SUCCESS;
}

CUresult cuFuncSetAttribute(CUfunction f, int attrib, int value) {
  trace("cuFuncSetAttribute %s attribute %d = %d",
        reinterpret_cast<FakeFunction *>(f)->name.c_str(), attrib, value);
  return CUDA_SUCCESS;
}

CUresult cuLaunchKernel(CUfunction f, unsigned gx, unsigned gy, unsigned gz,
                        unsigned bx, unsigned by, unsigned bz, unsigned smem,
                        CUstream, void **params, void **) {
  trace("cuLaunchKernel %s grid (%u, %u, %u) block (%u, %u, %u) smem %u%s",
        reinterpret_cast<FakeFunction *>(f)->name.c_str(), gx, gy, gz, bx, by,
        bz, smem, params ? " with parameters" : "");
  FAKE_MAY_FAIL(cuLaunchKernel)
  return CUDA_SUCCESS;
}

CUresult cuLaunchKernelEx(const CUlaunchConfig *c, CUfunction f, void **,
                          void **) {
  unsigned cx = 1, cy = 1, cz = 1;
  for (unsigned i = 0; i < c->numAttrs; ++i)
    if (c->attrs[i].id == CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION) {
      cx = c->attrs[i].value.clusterDim.x;
      cy = c->attrs[i].value.clusterDim.y;
      cz = c->attrs[i].value.clusterDim.z;
    }
  trace("cuLaunchKernelEx %s cluster (%u, %u, %u) grid (%u, %u, %u) "
        "block (%u, %u, %u) smem %u",
        reinterpret_cast<FakeFunction *>(f)->name.c_str(), cx, cy, cz,
        c->gridDimX, c->gridDimY, c->gridDimZ, c->blockDimX, c->blockDimY,
        c->blockDimZ, c->sharedMemBytes);
  FAKE_MAY_FAIL(cuLaunchKernelEx)
  return CUDA_SUCCESS;
}

CUresult cuStreamCreate(CUstream *stream, unsigned flags) {
  trace("cuStreamCreate flags %u", flags);
  *stream = reinterpret_cast<CUstream>(new int(0));
  return CUDA_SUCCESS;
}

CUresult cuStreamDestroy_v2(CUstream stream) {
  trace("cuStreamDestroy");
  delete reinterpret_cast<int *>(stream);
  return CUDA_SUCCESS;
}

CUresult cuStreamSynchronize(CUstream) {
  trace("cuStreamSynchronize");
  FAKE_MAY_FAIL(cuStreamSynchronize)
  return CUDA_SUCCESS;
}

CUresult cuStreamWaitEvent(CUstream, CUevent, unsigned) {
  trace("cuStreamWaitEvent");
  return CUDA_SUCCESS;
}

CUresult cuEventCreate(CUevent *event, unsigned flags) {
  trace("cuEventCreate flags %u", flags);
  *event = reinterpret_cast<CUevent>(new int(0));
  return CUDA_SUCCESS;
}

CUresult cuEventDestroy_v2(CUevent event) {
  trace("cuEventDestroy");
  delete reinterpret_cast<int *>(event);
  return CUDA_SUCCESS;
}

CUresult cuEventSynchronize(CUevent) {
  trace("cuEventSynchronize");
  return CUDA_SUCCESS;
}

CUresult cuEventRecord(CUevent, CUstream) {
  trace("cuEventRecord");
  return CUDA_SUCCESS;
}

CUresult cuMemAlloc_v2(CUdeviceptr *ptr, size_t bytes) {
  trace("cuMemAlloc %zu bytes", bytes);
  FAKE_MAY_FAIL(cuMemAlloc_v2)
  *ptr = reinterpret_cast<CUdeviceptr>(
      std::aligned_alloc(256, (bytes + 255) / 256 * 256));
  return CUDA_SUCCESS;
}

CUresult cuMemAllocManaged(CUdeviceptr *ptr, size_t bytes, unsigned flags) {
  trace("cuMemAllocManaged %zu bytes flags %u", bytes, flags);
  *ptr = reinterpret_cast<CUdeviceptr>(
      std::aligned_alloc(256, (bytes + 255) / 256 * 256));
  return CUDA_SUCCESS;
}

CUresult cuMemFree_v2(CUdeviceptr ptr) {
  trace("cuMemFree");
  std::free(reinterpret_cast<void *>(ptr));
  return CUDA_SUCCESS;
}

CUresult cuMemcpy(CUdeviceptr dst, CUdeviceptr src, size_t bytes) {
  trace("cuMemcpy %zu bytes", bytes);
  std::memcpy(reinterpret_cast<void *>(dst), reinterpret_cast<void *>(src),
              bytes);
  return CUDA_SUCCESS;
}

CUresult cuMemcpyAsync(CUdeviceptr dst, CUdeviceptr src, size_t bytes,
                       CUstream) {
  trace("cuMemcpyAsync %zu bytes", bytes);
  std::memcpy(reinterpret_cast<void *>(dst), reinterpret_cast<void *>(src),
              bytes);
  return CUDA_SUCCESS;
}

CUresult cuMemsetD32Async(CUdeviceptr dst, unsigned value, size_t count,
                          CUstream) {
  trace("cuMemsetD32Async 0x%08x x %zu", value, count);
  for (size_t i = 0; i < count; ++i)
    std::memcpy(reinterpret_cast<char *>(dst) + 4 * i, &value, 4);
  return CUDA_SUCCESS;
}

CUresult cuMemsetD16Async(CUdeviceptr dst, unsigned short value, size_t count,
                          CUstream) {
  trace("cuMemsetD16Async 0x%04x x %zu", value, count);
  for (size_t i = 0; i < count; ++i)
    std::memcpy(reinterpret_cast<char *>(dst) + 2 * i, &value, 2);
  return CUDA_SUCCESS;
}

CUresult cuMemHostRegister_v2(void *, size_t bytes, unsigned flags) {
  trace("cuMemHostRegister %zu bytes flags %u", bytes, flags);
  return CUDA_SUCCESS;
}

CUresult cuMemHostUnregister(void *) {
  trace("cuMemHostUnregister");
  return CUDA_SUCCESS;
}

CUresult cuTensorMapEncodeTiled(CUtensorMap *map, int dataType, uint32_t rank,
                                void *, const uint64_t *globalDim,
                                const uint64_t *globalStrides,
                                const uint32_t *boxDim, const uint32_t *,
                                int interleave, int swizzle, int l2, int oob) {
  std::string dims, strides, box;
  for (uint32_t i = 0; i < rank; ++i) {
    dims += " " + std::to_string(globalDim[i]);
    box += " " + std::to_string(boxDim[i]);
    if (i + 1 < rank)
      strides += " " + std::to_string(globalStrides[i]);
  }
  trace("cuTensorMapEncodeTiled type %d rank %u dims%s strides%s box%s "
        "interleave %d swizzle %d l2 %d oob %d",
        dataType, rank, dims.c_str(), strides.c_str(), box.c_str(), interleave,
        swizzle, l2, oob);
  FAKE_MAY_FAIL(cuTensorMapEncodeTiled)
  std::memset(map, 0, sizeof(*map));
  return CUDA_SUCCESS;
}

} // extern "C"
