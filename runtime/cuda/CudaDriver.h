//===- CudaDriver.h - Loading the CUDA driver and reporting its errors -*- C++
//-*-===//
//
// Internal to libqf_cuda_runtime.so. driver() loads libcuda.so.1 once (or
// the library named by QF_CUDA_DRIVER_LIBRARY), resolves the entry points of
// CudaDriverApi.h and calls cuInit; when any of that fails it ends the
// process with one clear message. check() turns a failed driver call into a
// message naming the call, the error name and the driver's description.
//
//===----------------------------------------------------------------------===//
#ifndef QF_RUNTIME_CUDA_CUDADRIVER_H
#define QF_RUNTIME_CUDA_CUDADRIVER_H

#include "CudaDriverApi.h"

#include <string>
#include <utility>

/// The library hides everything but the mgpu* ABI and QFCudaRuntime.h.
#define QF_CUDA_EXPORT extern "C" __attribute__((visibility("default")))

namespace qf::cuda {

struct Driver {
#define QF_CUDA_MEMBER(member, symbol, params)                                 \
  CUresult(*member) params = nullptr;
  QF_CUDA_DRIVER_FUNCTIONS(QF_CUDA_MEMBER)
#undef QF_CUDA_MEMBER
};

/// The loaded driver, or the reason there is none (empty when loaded).
const Driver *tryDriver(std::string *whyNot = nullptr);
/// The loaded driver; ends the process when there is none.
const Driver &driver();

/// Prints "qf_cuda_runtime: <message>" on stderr, flushes stdout (so what the
/// program printed before stays in order) and exits with status 1 without
/// running exit handlers (the module destructors MLIR emits would call the
/// driver again).
[[noreturn]] void fatal(const std::string &message);

/// Ends the process unless `result` is CUDA_SUCCESS: "<call> failed:
/// <CUDA_ERROR_X> (<description>)" followed by `detail` when given.
void check(CUresult result, const char *call, const std::string &detail = "");
/// As check(), for details that cost something to build (strings, device
/// queries) or that the failed call itself fills in (the JIT log): `detail`
/// runs only after the call failed.
template <typename DetailFn,
          typename = decltype(std::string(std::declval<DetailFn>()()))>
void check(CUresult result, const char *call, DetailFn &&detail) {
  if (result != CUDA_SUCCESS)
    check(result, call, std::string(detail()));
}

/// The primary context of the calling thread's default device, made current
/// on this thread (mgpuSetDefaultDevice picks the device).
void makeCurrent();
int currentDevice();
void setCurrentDevice(int ordinal);
/// "device 0 (NVIDIA H100, sm_90)" for messages.
std::string describeDevice(int ordinal);

} // namespace qf::cuda

#endif // QF_RUNTIME_CUDA_CUDADRIVER_H
