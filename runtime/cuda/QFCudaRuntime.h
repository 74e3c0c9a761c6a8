/*===- QFCudaRuntime.h - qf's CUDA runtime: device queries -------*- C -*-===//
 *
 * libqf_cuda_runtime.so implements the host functions that MLIR's GPU
 * lowering (gpu-to-llvm) calls (mgpuModuleLoad, mgpuLaunchKernel, ...) on the
 * CUDA driver API, loading libcuda.so.1 at run time; docs/gpu-lowering.md
 * ("Running on a GPU"). Those functions report every driver error on stderr
 * and end the process with exit status 1, as the generated code cannot handle
 * an error. The device queries never end the process: tools and test
 * configurations use them to ask whether a GPU is there.
 *
 * QF_CUDA_DRIVER_LIBRARY in the environment names another driver library
 * than libcuda.so.1 (the tests use a fake one).
 *
 *===----------------------------------------------------------------------===*/
#ifndef QF_RUNTIME_QFCUDARUNTIME_H
#define QF_RUNTIME_QFCUDARUNTIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* The functions MLIR 22's gpu-to-llvm lowering calls, for host programs
 * that drive kernels themselves (benchmarks, checkers). Handles are the CUDA
 * driver's (CUmodule, CUfunction, CUstream, CUevent). Memory comes from
 * cuMemAlloc; copies take any unified address. */
typedef struct CUmod_st *mgpuModule;
typedef struct CUfunc_st *mgpuFunction;
typedef struct CUstream_st *mgpuStream;
typedef struct CUevent_st *mgpuEvent;

/* A cubin or fatbin image (size is not needed by the driver). */
mgpuModule mgpuModuleLoad(void *data, size_t size);
/* NUL-terminated PTX text, compiled by the driver at optLevel 0..4. */
mgpuModule mgpuModuleLoadJIT(void *data, int optLevel);
void mgpuModuleUnload(mgpuModule module);
mgpuFunction mgpuModuleGetFunction(mgpuModule module, const char *name);
/* params: one pointer per kernel parameter, to its value. */
void mgpuLaunchKernel(mgpuFunction f, intptr_t gridX, intptr_t gridY,
                      intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                      intptr_t blockZ, int32_t smem, mgpuStream stream,
                      void **params, void **extra, size_t paramsCount);
void mgpuLaunchClusterKernel(mgpuFunction f, intptr_t clusterX,
                             intptr_t clusterY, intptr_t clusterZ,
                             intptr_t gridX, intptr_t gridY, intptr_t gridZ,
                             intptr_t blockX, intptr_t blockY, intptr_t blockZ,
                             int32_t smem, mgpuStream stream, void **params,
                             void **extra);
mgpuStream mgpuStreamCreate(void);
void mgpuStreamDestroy(mgpuStream stream);
void mgpuStreamSynchronize(mgpuStream stream);
void mgpuStreamWaitEvent(mgpuStream stream, mgpuEvent event);
mgpuEvent mgpuEventCreate(void);
void mgpuEventDestroy(mgpuEvent event);
void mgpuEventSynchronize(mgpuEvent event);
void mgpuEventRecord(mgpuEvent event, mgpuStream stream);
void *mgpuMemAlloc(uint64_t bytes, mgpuStream stream, bool hostShared);
void mgpuMemFree(void *ptr, mgpuStream stream);
void mgpuMemcpy(void *dst, void *src, size_t bytes, mgpuStream stream);
void mgpuMemset32(void *dst, unsigned value, size_t count, mgpuStream stream);
void mgpuMemset16(void *dst, unsigned short value, size_t count,
                  mgpuStream stream);
void mgpuMemHostRegister(void *ptr, uint64_t bytes);
void mgpuMemHostRegisterMemRef(int64_t rank, void *descriptor,
                               int64_t elementBytes);
void mgpuMemHostUnregister(void *ptr);
void mgpuMemHostUnregisterMemRef(int64_t rank, void *descriptor,
                                 int64_t elementBytes);
void mgpuSetDefaultDevice(int32_t device);
void *mgpuTensorMapEncodeTiledMemref(int64_t rank, void *descriptor,
                                     int64_t dataType, int64_t interleave,
                                     int64_t swizzle, int64_t l2Promotion,
                                     int64_t oobFill, int64_t *boxDims);

#ifdef __cplusplus
}
#endif

#endif /* QF_RUNTIME_QFCUDARUNTIME_H */
