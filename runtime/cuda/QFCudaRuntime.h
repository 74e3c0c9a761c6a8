/*===- QFCudaRuntime.h - qf's CUDA runtime: device queries -------*- C -*-===//
 *
 * libqf_cuda_runtime.so implements the host functions that MLIR's GPU
 * lowering (gpu-to-llvm) calls (mgpuModuleLoad, mgpuLaunchKernel, ...) on the
 * CUDA driver API, loading libcuda.so.1 at run time; docs/gpu-lowering.md
 * ("Running on a GPU"). Those functions report every driver error on stderr
 * and end the process with exit status 1, as the generated code cannot handle
 * an error. The queries below never end the process: tools and test
 * configurations use them to ask whether a GPU is there.
 *
 * QF_CUDA_DRIVER_LIBRARY in the environment names another driver library
 * than libcuda.so.1 (the tests use a fake one).
 *
 *===----------------------------------------------------------------------===*/
#ifndef QF_RUNTIME_QFCUDARUNTIME_H
#define QF_RUNTIME_QFCUDARUNTIME_H

#ifdef __cplusplus
extern "C" {
#endif

/* Null when the driver loaded and cuInit succeeded, else a one-line reason
 * ("no CUDA driver: ..."). */
const char *qfCudaDriverStatus(void);

/* Number of CUDA devices; 0 when there is no usable driver. */
int qfCudaDeviceCount(void);

/* Compute capability and name of device `ordinal`; returns 0 on success. */
int qfCudaDeviceInfo(int ordinal, int *major, int *minor, char *name,
                     int nameSize);

#ifdef __cplusplus
}
#endif

#endif /* QF_RUNTIME_QFCUDARUNTIME_H */
