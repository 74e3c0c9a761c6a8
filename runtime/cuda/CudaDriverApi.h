//===- CudaDriverApi.h - The CUDA driver API subset qf's runtime uses -*- C++
//-*-===//
//
// qf's CUDA runtime loads libcuda.so.1 at run time (dlopen), so it builds and
// links on machines without a GPU, a driver or the CUDA toolkit. This header
// declares the few driver types, constants and entry points it needs, with
// the values of cuda.h (CUDA 12/13 ABI). CudaDriverApiCheck.cpp compares
// every one of them with cuda.h whenever the toolkit is found at configure
// time, so a wrong value fails the build rather than a GPU run.
//
// QF_CUDA_DRIVER_FUNCTIONS lists each entry point once as
// X(member, exported symbol, parameter list): the runtime dlsym()s the
// symbol (cuda.h maps several names to versioned symbols, e.g. cuMemAlloc
// to cuMemAlloc_v2), and the test driver of test/lib defines exactly these
// symbols with these signatures.
//
//===----------------------------------------------------------------------===//
#ifndef QF_RUNTIME_CUDA_CUDADRIVERAPI_H
#define QF_RUNTIME_CUDA_CUDADRIVERAPI_H

#include <cstddef>
#include <cstdint>

// The driver's handle types, at global scope as in cuda.h, so that
// QFCudaRuntime.h, cuda.h and this header name the same types.
struct CUctx_st;
struct CUmod_st;
struct CUfunc_st;
struct CUstream_st;
struct CUevent_st;

namespace qf::cuda {

using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = ::CUctx_st *;
using CUmodule = ::CUmod_st *;
using CUfunction = ::CUfunc_st *;
using CUstream = ::CUstream_st *;
using CUevent = ::CUevent_st *;

// CUresult values the runtime and the test driver name.
constexpr CUresult CUDA_SUCCESS = 0;
constexpr CUresult CUDA_ERROR_INVALID_VALUE = 1;
constexpr CUresult CUDA_ERROR_OUT_OF_MEMORY = 2;
constexpr CUresult CUDA_ERROR_NOT_INITIALIZED = 3;
constexpr CUresult CUDA_ERROR_DEINITIALIZED = 4;
constexpr CUresult CUDA_ERROR_STUB_LIBRARY = 34;
constexpr CUresult CUDA_ERROR_NO_DEVICE = 100;
constexpr CUresult CUDA_ERROR_INVALID_DEVICE = 101;
constexpr CUresult CUDA_ERROR_INVALID_IMAGE = 200;
constexpr CUresult CUDA_ERROR_NO_BINARY_FOR_GPU = 209;
constexpr CUresult CUDA_ERROR_INVALID_PTX = 218;
constexpr CUresult CUDA_ERROR_UNSUPPORTED_PTX_VERSION = 222;
constexpr CUresult CUDA_ERROR_INVALID_HANDLE = 400;
constexpr CUresult CUDA_ERROR_NOT_FOUND = 500;
constexpr CUresult CUDA_ERROR_ILLEGAL_ADDRESS = 700;
constexpr CUresult CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES = 701;
constexpr CUresult CUDA_ERROR_LAUNCH_FAILED = 719;

// CUdevice_attribute
constexpr int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
constexpr int CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;
constexpr int CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN = 97;
// CUfunction_attribute
constexpr int CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8;
// CUjit_option
constexpr int CU_JIT_ERROR_LOG_BUFFER = 5;
constexpr int CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES = 6;
constexpr int CU_JIT_OPTIMIZATION_LEVEL = 7;
// Flags
constexpr unsigned CU_STREAM_NON_BLOCKING = 0x1;
constexpr unsigned CU_EVENT_DISABLE_TIMING = 0x2;
constexpr unsigned CU_MEM_ATTACH_GLOBAL = 0x1;
constexpr unsigned CU_MEMHOSTREGISTER_PORTABLE = 0x1;
// CUlaunchAttributeID
constexpr int CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION = 4;
// CUtensorMapDataType: FLOAT16 is 6, the sub-byte types start at 13.
constexpr int CU_TENSOR_MAP_DATA_TYPE_FLOAT16 = 6;
constexpr int CU_TENSOR_MAP_DATA_TYPE_16U4_ALIGN8B = 13;
constexpr int CU_TENSOR_MAP_DATA_TYPE_16U6_ALIGN16B = 15;

/// The driver's opaque 128-byte TMA descriptor (CU_TENSOR_MAP_NUM_QWORDS).
struct alignas(128) CUtensorMap {
  uint64_t opaque[16];
};

struct CUlaunchAttribute {
  int id;
  char pad[8 - sizeof(int)];
  union {
    char pad[64];
    struct {
      unsigned x, y, z;
    } clusterDim;
  } value;
};

struct CUlaunchConfig {
  unsigned gridDimX, gridDimY, gridDimZ;
  unsigned blockDimX, blockDimY, blockDimZ;
  unsigned sharedMemBytes;
  CUstream hStream;
  CUlaunchAttribute *attrs;
  unsigned numAttrs;
};

#define QF_CUDA_DRIVER_FUNCTIONS(X)                                            \
  X(cuInit, cuInit, (unsigned flags))                                          \
  X(cuDriverGetVersion, cuDriverGetVersion, (int *version))                    \
  X(cuGetErrorName, cuGetErrorName, (CUresult error, const char **str))        \
  X(cuGetErrorString, cuGetErrorString, (CUresult error, const char **str))    \
  X(cuDeviceGetCount, cuDeviceGetCount, (int *count))                          \
  X(cuDeviceGet, cuDeviceGet, (CUdevice * device, int ordinal))                \
  X(cuDeviceGetName, cuDeviceGetName, (char *name, int len, CUdevice dev))     \
  X(cuDeviceGetAttribute, cuDeviceGetAttribute,                                \
    (int *value, int attrib, CUdevice dev))                                    \
  X(cuDevicePrimaryCtxRetain, cuDevicePrimaryCtxRetain,                        \
    (CUcontext * ctx, CUdevice dev))                                           \
  X(cuCtxSetCurrent, cuCtxSetCurrent, (CUcontext ctx))                         \
  X(cuModuleLoadDataEx, cuModuleLoadDataEx,                                    \
    (CUmodule * module, const void *image, unsigned numOptions, int *options,  \
     void **optionValues))                                                     \
  X(cuModuleUnload, cuModuleUnload, (CUmodule module))                         \
  X(cuModuleGetFunction, cuModuleGetFunction,                                  \
    (CUfunction * function, CUmodule module, const char *name))                \
  X(cuFuncSetAttribute, cuFuncSetAttribute,                                    \
    (CUfunction function, int attrib, int value))                              \
  X(cuLaunchKernel, cuLaunchKernel,                                            \
    (CUfunction f, unsigned gridX, unsigned gridY, unsigned gridZ,             \
     unsigned blockX, unsigned blockY, unsigned blockZ, unsigned smem,         \
     CUstream stream, void **params, void **extra))                            \
  X(cuLaunchKernelEx, cuLaunchKernelEx,                                        \
    (const CUlaunchConfig *config, CUfunction f, void **params, void **extra)) \
  X(cuStreamCreate, cuStreamCreate, (CUstream * stream, unsigned flags))       \
  X(cuStreamDestroy, cuStreamDestroy_v2, (CUstream stream))                    \
  X(cuStreamSynchronize, cuStreamSynchronize, (CUstream stream))               \
  X(cuStreamWaitEvent, cuStreamWaitEvent,                                      \
    (CUstream stream, CUevent event, unsigned flags))                          \
  X(cuEventCreate, cuEventCreate, (CUevent * event, unsigned flags))           \
  X(cuEventDestroy, cuEventDestroy_v2, (CUevent event))                        \
  X(cuEventSynchronize, cuEventSynchronize, (CUevent event))                   \
  X(cuEventRecord, cuEventRecord, (CUevent event, CUstream stream))            \
  X(cuMemAlloc, cuMemAlloc_v2, (CUdeviceptr * ptr, size_t bytes))              \
  X(cuMemAllocManaged, cuMemAllocManaged,                                      \
    (CUdeviceptr * ptr, size_t bytes, unsigned flags))                         \
  X(cuMemFree, cuMemFree_v2, (CUdeviceptr ptr))                                \
  X(cuMemcpy, cuMemcpy, (CUdeviceptr dst, CUdeviceptr src, size_t bytes))      \
  X(cuMemcpyAsync, cuMemcpyAsync,                                              \
    (CUdeviceptr dst, CUdeviceptr src, size_t bytes, CUstream stream))         \
  X(cuMemsetD32Async, cuMemsetD32Async,                                        \
    (CUdeviceptr dst, unsigned value, size_t count, CUstream stream))          \
  X(cuMemsetD16Async, cuMemsetD16Async,                                        \
    (CUdeviceptr dst, unsigned short value, size_t count, CUstream stream))    \
  X(cuMemHostRegister, cuMemHostRegister_v2,                                   \
    (void *ptr, size_t bytes, unsigned flags))                                 \
  X(cuMemHostUnregister, cuMemHostUnregister, (void *ptr))                     \
  X(cuTensorMapEncodeTiled, cuTensorMapEncodeTiled,                            \
    (CUtensorMap * map, int dataType, uint32_t rank, void *address,            \
     const uint64_t *globalDim, const uint64_t *globalStrides,                 \
     const uint32_t *boxDim, const uint32_t *elementStrides, int interleave,   \
     int swizzle, int l2Promotion, int oobFill))

} // namespace qf::cuda

#endif // QF_RUNTIME_CUDA_CUDADRIVERAPI_H
