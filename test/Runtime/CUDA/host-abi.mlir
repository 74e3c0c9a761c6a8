// The host side of GPU programs through qf's CUDA runtime, on any machine:
// the fake driver of test/lib stands in for libcuda.so.1, keeps memory on
// the host and traces every driver call, so this checks the mgpu* ABI that
// MLIR 22's gpu-to-llvm emits (each call resolves, with the right
// arguments) and the runtime's messages when the driver is missing or fails.
// Kernels do not run: test/Integration/NVVM runs them on a GPU.
//
// RUN: mlir-opt %s -pass-pipeline="builtin.module(gpu-kernel-outlining, \
// RUN:   nvvm-attach-target{chip=sm_90}, gpu.module(convert-gpu-to-nvvm), \
// RUN:   %gpu_host_lowering, gpu-module-to-binary{format=isa})" -o %t.mlir
// RUN: env QF_CUDA_DRIVER_LIBRARY=%fake_cuda_driver FAKE_CUDA_TRACE=1 \
// RUN:   mlir-runner %t.mlir -e main -entry-point-result=void \
// RUN:   -shared-libs=%qf_cuda_runtime,%mlir_runner_utils 2> %t.trace \
// RUN: | FileCheck %s --check-prefix=OUT
// RUN: FileCheck %s --check-prefix=TRACE < %t.trace
//
// No driver: one message, exit status 1, no crash.
// RUN: not env QF_CUDA_DRIVER_LIBRARY=%t.missing/libcuda.so.1 \
// RUN:   mlir-runner %t.mlir -e main -entry-point-result=void \
// RUN:   -shared-libs=%qf_cuda_runtime,%mlir_runner_utils 2>&1 \
// RUN: | FileCheck %s --check-prefix=NODRIVER
// RUN: not env QF_CUDA_DRIVER_LIBRARY=%fake_cuda_driver FAKE_CUDA_FAIL=cuInit \
// RUN:   mlir-runner %t.mlir -e main -entry-point-result=void \
// RUN:   -shared-libs=%qf_cuda_runtime,%mlir_runner_utils 2>&1 \
// RUN: | FileCheck %s --check-prefix=NODEVICE
// RUN: not env QF_CUDA_DRIVER_LIBRARY=%fake_cuda_driver FAKE_CUDA_DEVICES=0 \
// RUN:   mlir-runner %t.mlir -e main -entry-point-result=void \
// RUN:   -shared-libs=%qf_cuda_runtime,%mlir_runner_utils 2>&1 \
// RUN: | FileCheck %s --check-prefix=NOORDINAL
//
// Driver errors name the call, the error and what was being done.
// RUN: not env QF_CUDA_DRIVER_LIBRARY=%fake_cuda_driver FAKE_CUDA_FAIL=cuModuleLoadDataEx \
// RUN:   mlir-runner %t.mlir -e main -entry-point-result=void \
// RUN:   -shared-libs=%qf_cuda_runtime,%mlir_runner_utils 2>&1 \
// RUN: | FileCheck %s --check-prefix=LOAD
// RUN: not env QF_CUDA_DRIVER_LIBRARY=%fake_cuda_driver FAKE_CUDA_FAIL=cuLaunchKernel \
// RUN:   mlir-runner %t.mlir -e main -entry-point-result=void \
// RUN:   -shared-libs=%qf_cuda_runtime,%mlir_runner_utils 2>&1 \
// RUN: | FileCheck %s --check-prefix=LAUNCH
// RUN: not env QF_CUDA_DRIVER_LIBRARY=%fake_cuda_driver FAKE_CUDA_FAIL=cuStreamSynchronize \
// RUN:   mlir-runner %t.mlir -e main -entry-point-result=void \
// RUN:   -shared-libs=%qf_cuda_runtime,%mlir_runner_utils 2>&1 \
// RUN: | FileCheck %s --check-prefix=SYNC
// RUN: not env QF_CUDA_DRIVER_LIBRARY=%fake_cuda_driver FAKE_CUDA_FAIL=cuMemAlloc_v2 \
// RUN:   mlir-runner %t.mlir -e main -entry-point-result=void \
// RUN:   -shared-libs=%qf_cuda_runtime,%mlir_runner_utils 2>&1 \
// RUN: | FileCheck %s --check-prefix=ALLOC
// RUN: not env QF_CUDA_DRIVER_LIBRARY=%fake_cuda_driver FAKE_CUDA_FAIL=cuTensorMapEncodeTiled \
// RUN:   mlir-runner %t.mlir -e main -entry-point-result=void \
// RUN:   -shared-libs=%qf_cuda_runtime,%mlir_runner_utils 2>&1 \
// RUN: | FileCheck %s --check-prefix=TMA

// NODRIVER: qf_cuda_runtime: no CUDA driver: cannot load {{.*}}missing/libcuda.so.1 ({{.*}}); running GPU code needs an NVIDIA GPU and its driver
// NODRIVER-NOT: {{.}}
// NODEVICE: qf_cuda_runtime: no CUDA driver: cuInit failed: CUDA_ERROR_NO_DEVICE (fake driver error, code 100)
// NOORDINAL: qf_cuda_runtime: there is no CUDA device 0 (the driver reports 0)
// LOAD: qf_cuda_runtime: cuModuleLoadDataEx failed: CUDA_ERROR_NO_BINARY_FOR_GPU (fake driver error, code 209); loading PTX (gpu-module-to-binary format=isa) on device 0 (Fake GPU 0, sm_90); driver log:
// LOAD-NEXT: fake ptxas: no code for this chip
// LAUNCH: qf_cuda_runtime: cuLaunchKernel failed: CUDA_ERROR_LAUNCH_OUT_OF_RESOURCES (fake driver error, code 701); grid (2, 1, 1), block (8, 1, 1), 65536 bytes of dynamic shared memory on device 0 (Fake GPU 0, sm_90)
// SYNC: qf_cuda_runtime: cuStreamSynchronize failed: CUDA_ERROR_ILLEGAL_ADDRESS (fake driver error, code 700); the error may come from a kernel or copy queued before this call
// ALLOC: qf_cuda_runtime: cuMemAlloc failed: CUDA_ERROR_OUT_OF_MEMORY (fake driver error, code 2); 32 bytes on device 0 (Fake GPU 0, sm_90)
// TMA: qf_cuda_runtime: cuTensorMapEncodeTiled failed: CUDA_ERROR_INVALID_VALUE (fake driver error, code 1); rank 2, data type 6 (the global address and strides must be multiples of 16 bytes)

!tm = !nvgpu.tensormap.descriptor<tensor = memref<32x64xf16, 3>, swizzle = swizzle_128b, l2promo = none, oob = zero, interleave = none>
func.func private @printMemrefF32(memref<*xf32>)

func.func @main() {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c8 = arith.constant 8 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %dev = arith.constant 0 : i32
  %smem = arith.constant 65536 : i32
  %two = arith.constant 2.0 : f16
  %m7 = arith.constant -7.0 : f32
  // Both PTX modules load before main runs (global constructors).
  // TRACE: fake-cuda: cuInit 0
  // TRACE-NEXT: fake-cuda: cuDevicePrimaryCtxRetain device 0
  // TRACE-NEXT: fake-cuda: cuModuleLoadDataEx ptx, {{[0-9]+}} bytes, optimization level 2
  // TRACE-NEXT: fake-cuda: cuModuleLoadDataEx ptx, {{[0-9]+}} bytes, optimization level 2
  gpu.set_default_device %dev
  %h = memref.alloc() : memref<2x4xf32>
  %hu = memref.cast %h : memref<2x4xf32> to memref<*xf32>
  // TRACE-NEXT: fake-cuda: cuMemHostRegister 32 bytes flags 1
  gpu.host_register %hu : memref<*xf32>
  // Managed memory, visible to host and device.
  // TRACE-NEXT: fake-cuda: cuMemAllocManaged 16 bytes flags 1
  %shared = gpu.alloc host_shared () : memref<4xf32>
  memref.store %m7, %shared[%c1] : memref<4xf32>
  // Joining two streams: events.
  // TRACE-NEXT: fake-cuda: cuStreamCreate flags 1
  // TRACE-NEXT: fake-cuda: cuEventCreate flags 2
  // TRACE-NEXT: fake-cuda: cuEventRecord
  // TRACE-NEXT: fake-cuda: cuStreamCreate flags 1
  // TRACE-NEXT: fake-cuda: cuEventCreate flags 2
  // TRACE-NEXT: fake-cuda: cuEventRecord
  // TRACE-NEXT: fake-cuda: cuStreamCreate flags 1
  // TRACE-NEXT: fake-cuda: cuStreamWaitEvent
  // TRACE-NEXT: fake-cuda: cuStreamWaitEvent
  // TRACE-NEXT: fake-cuda: cuEventDestroy
  // TRACE-NEXT: fake-cuda: cuEventDestroy
  %a = gpu.wait async
  %b = gpu.wait async
  %c = gpu.wait async [%a, %b]
  // TRACE-NEXT: fake-cuda: cuMemAlloc 32 bytes
  // TRACE-NEXT: fake-cuda: cuMemAlloc 16 bytes
  // TRACE-NEXT: fake-cuda: cuMemsetD32Async 0xc0e00000 x 8
  // TRACE-NEXT: fake-cuda: cuMemsetD16Async 0x4000 x 8
  %d, %t1 = gpu.alloc async [%c] () : memref<2x4xf32>
  %d16, %t2 = gpu.alloc async [%t1] () : memref<8xf16>
  %t3 = gpu.memset async [%t2] %d, %m7 : memref<2x4xf32>, f32
  %t4 = gpu.memset async [%t3] %d16, %two : memref<8xf16>, f16
  // Over 48 KiB of dynamic shared memory: the function opts in first.
  // TRACE-NEXT: fake-cuda: cuModuleGetFunction main_kernel
  // TRACE-NEXT: fake-cuda: cuFuncSetAttribute main_kernel attribute 8 = 65536
  // TRACE-NEXT: fake-cuda: cuLaunchKernel main_kernel grid (2, 1, 1) block (8, 1, 1) smem 65536 with parameters
  %t5 = gpu.launch async [%t4] blocks(%bx, %by, %bz) in (%gx = %c2, %gy = %c1, %gz = %c1)
      threads(%tx, %ty, %tz) in (%sx = %c8, %sy = %c1, %sz = %c1)
      dynamic_shared_memory_size %smem {
    gpu.terminator
  }
  // TRACE-NEXT: fake-cuda: cuModuleGetFunction main_kernel
  // TRACE-NEXT: fake-cuda: cuLaunchKernelEx main_kernel cluster (2, 1, 1) grid (2, 1, 1) block (32, 1, 1) smem 0
  %t6 = gpu.launch async [%t5] clusters(%cx, %cy, %cz) in (%ncx = %c2, %ncy = %c1, %ncz = %c1)
      blocks(%bx2, %by2, %bz2) in (%gx2 = %c2, %gy2 = %c1, %gz2 = %c1)
      threads(%tx2, %ty2, %tz2) in (%sx2 = %c32, %sy2 = %c1, %sz2 = %c1) {
    gpu.terminator
  }
  // gpu.dealloc async waits for its stream before freeing.
  // TRACE-NEXT: fake-cuda: cuMemcpyAsync 32 bytes
  // TRACE-NEXT: fake-cuda: cuStreamSynchronize
  // TRACE-NEXT: fake-cuda: cuMemFree
  // TRACE-NEXT: fake-cuda: cuStreamSynchronize
  // TRACE-NEXT: fake-cuda: cuMemFree
  // TRACE-NEXT: fake-cuda: cuStreamSynchronize
  // TRACE-NEXT: fake-cuda: cuStreamDestroy
  %t7 = gpu.memcpy async [%t6] %h, %d : memref<2x4xf32>, memref<2x4xf32>
  %t8 = gpu.dealloc async [%t7] %d : memref<2x4xf32>
  %t9 = gpu.dealloc async [%t8] %d16 : memref<8xf16>
  gpu.wait [%t9]
  // A TMA descriptor: dimensions innermost first, byte strides, box
  // reversed, then copied to device memory.
  // TRACE-NEXT: fake-cuda: cuTensorMapEncodeTiled type 6 rank 2 dims 128 64 strides 256 box 64 32 interleave 0 swizzle 3 l2 0 oob 0
  // TRACE-NEXT: fake-cuda: cuMemAlloc 128 bytes
  // TRACE-NEXT: fake-cuda: cuMemcpy 128 bytes
  %g = memref.alloc() : memref<64x128xf16>
  %gu = memref.cast %g : memref<64x128xf16> to memref<*xf16>
  %map = nvgpu.tma.create.descriptor %gu box[%c32, %c64] : memref<*xf16> -> !tm
  // TRACE-NEXT: fake-cuda: cuMemHostUnregister
  // TRACE-NEXT: fake-cuda: cuModuleUnload
  // TRACE-NEXT: fake-cuda: cuModuleUnload
  // TRACE-NOT: fake-cuda
  gpu.host_unregister %hu : memref<*xf32>
  // The memset and the copy back are real (host memory).
  // OUT: [-7, -7, -7, -7],
  // OUT-NEXT: [-7, -7, -7, -7]
  call @printMemrefF32(%hu) : (memref<*xf32>) -> ()
  return
}
