//===- CudaDriverApiCheck.cpp - CudaDriverApi.h against the toolkit's cuda.h
//-===//
//
// Compiled only when CMake finds cuda.h; it has no code, only compile-time
// checks that the values and layouts qf's runtime declares itself are the
// driver's, and that every symbol it loads exists under that name.
//
//===----------------------------------------------------------------------===//
#include "CudaDriverApi.h"

// cuda.h defines this one as a macro, which would rename ours below.
static constexpr unsigned kHostRegisterPortable =
    qf::cuda::CU_MEMHOSTREGISTER_PORTABLE;

#include <cuda.h>

#include <cstddef>

namespace q = qf::cuda;

#define QF_SAME(name)                                                          \
  static_assert(q::name == ::name, #name " differs from cuda.h");
QF_SAME(CUDA_SUCCESS)
QF_SAME(CUDA_ERROR_INVALID_VALUE)
QF_SAME(CUDA_ERROR_OUT_OF_MEMORY)
QF_SAME(CUDA_ERROR_NOT_INITIALIZED)
QF_SAME(CUDA_ERROR_DEINITIALIZED)
QF_SAME(CUDA_ERROR_STUB_LIBRARY)
QF_SAME(CUDA_ERROR_NO_DEVICE)
QF_SAME(CUDA_ERROR_INVALID_DEVICE)
QF_SAME(CUDA_ERROR_INVALID_IMAGE)
QF_SAME(CUDA_ERROR_NO_BINARY_FOR_GPU)
QF_SAME(CUDA_ERROR_INVALID_PTX)
QF_SAME(CUDA_ERROR_UNSUPPORTED_PTX_VERSION)
QF_SAME(CUDA_ERROR_INVALID_HANDLE)
QF_SAME(CUDA_ERROR_NOT_FOUND)
QF_SAME(CUDA_ERROR_ILLEGAL_ADDRESS)
QF_SAME(CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES)
QF_SAME(CUDA_ERROR_LAUNCH_FAILED)
QF_SAME(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR)
QF_SAME(CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR)
QF_SAME(CU_DEVICE_ATTRIBUTE_MAX_SHARED_MEMORY_PER_BLOCK_OPTIN)
QF_SAME(CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES)
QF_SAME(CU_JIT_ERROR_LOG_BUFFER)
QF_SAME(CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES)
QF_SAME(CU_JIT_OPTIMIZATION_LEVEL)
QF_SAME(CU_STREAM_NON_BLOCKING)
QF_SAME(CU_EVENT_DISABLE_TIMING)
QF_SAME(CU_MEM_ATTACH_GLOBAL)
QF_SAME(CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION)
QF_SAME(CU_TENSOR_MAP_DATA_TYPE_FLOAT16)
QF_SAME(CU_TENSOR_MAP_DATA_TYPE_16U4_ALIGN8B)
QF_SAME(CU_TENSOR_MAP_DATA_TYPE_16U6_ALIGN16B)
#undef QF_SAME
static_assert(kHostRegisterPortable == CU_MEMHOSTREGISTER_PORTABLE,
              "CU_MEMHOSTREGISTER_PORTABLE differs from cuda.h");

static_assert(sizeof(q::CUdeviceptr) == sizeof(::CUdeviceptr), "CUdeviceptr");
static_assert(sizeof(q::CUdevice) == sizeof(::CUdevice), "CUdevice");
static_assert(sizeof(q::CUresult) == sizeof(::CUresult), "CUresult");
static_assert(sizeof(q::CUtensorMap) == sizeof(::CUtensorMap) &&
                  alignof(q::CUtensorMap) == alignof(::CUtensorMap),
              "CUtensorMap");
static_assert(sizeof(q::CUlaunchAttribute) == sizeof(::CUlaunchAttribute) &&
                  offsetof(q::CUlaunchAttribute, value) ==
                      offsetof(::CUlaunchAttribute, value),
              "CUlaunchAttribute");
#define QF_FIELD(field)                                                        \
  static_assert(offsetof(q::CUlaunchConfig, field) ==                          \
                    offsetof(::CUlaunchConfig, field),                         \
                "CUlaunchConfig::" #field);
QF_FIELD(gridDimX)
QF_FIELD(blockDimZ)
QF_FIELD(sharedMemBytes)
QF_FIELD(hStream)
QF_FIELD(attrs)
QF_FIELD(numAttrs)
#undef QF_FIELD
static_assert(sizeof(q::CUlaunchConfig) == sizeof(::CUlaunchConfig),
              "CUlaunchConfig");

// cuda.h's own macros map the API names onto the exported, versioned
// symbols; the runtime's X-macro names those symbols itself. Each symbol
// must exist, and be the one cuda.h picks for the API name.
#define QF_SYMBOL(member, symbol, params)                                      \
  static_assert(&::member == &::symbol, #member " is not " #symbol);
QF_CUDA_DRIVER_FUNCTIONS(QF_SYMBOL)
#undef QF_SYMBOL
