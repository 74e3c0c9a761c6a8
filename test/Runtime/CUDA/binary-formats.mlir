// Kernels compiled ahead of time (gpu-module-to-binary format=bin: a cubin
// from ptxas; fatbin: cubin and PTX in one) load through mgpuModuleLoad;
// PTX (format=isa) through mgpuModuleLoadJIT (host-abi.mlir). The fake
// driver finds the kernel by name in the image.
// REQUIRES: ptxas
// RUN: mlir-opt %s -pass-pipeline="builtin.module(gpu-kernel-outlining, \
// RUN:   nvvm-attach-target{chip=sm_90}, gpu.module(convert-gpu-to-nvvm), \
// RUN:   %gpu_host_lowering, gpu-module-to-binary{format=bin toolkit=%cuda_toolkit})" \
// RUN: | env QF_CUDA_DRIVER_LIBRARY=%fake_cuda_driver FAKE_CUDA_TRACE=1 \
// RUN:   mlir-runner -e main -entry-point-result=void \
// RUN:   -shared-libs=%qf_cuda_runtime 2>&1 | FileCheck %s --check-prefix=BIN
// RUN: mlir-opt %s -pass-pipeline="builtin.module(gpu-kernel-outlining, \
// RUN:   nvvm-attach-target{chip=sm_90}, gpu.module(convert-gpu-to-nvvm), \
// RUN:   %gpu_host_lowering, gpu-module-to-binary{format=fatbin toolkit=%cuda_toolkit})" \
// RUN: | env QF_CUDA_DRIVER_LIBRARY=%fake_cuda_driver FAKE_CUDA_TRACE=1 \
// RUN:   mlir-runner -e main -entry-point-result=void \
// RUN:   -shared-libs=%qf_cuda_runtime 2>&1 | FileCheck %s --check-prefix=FATBIN
// BIN: fake-cuda: cuModuleLoadDataEx cubin, {{[1-9][0-9]+}} bytes, optimization level 4
// BIN: fake-cuda: cuModuleGetFunction scale_kernel{{$}}
// BIN-NEXT: fake-cuda: cuLaunchKernel scale_kernel grid (1, 1, 1) block (64, 1, 1) smem 0 with parameters
// FATBIN: fake-cuda: cuModuleLoadDataEx fatbin, {{[1-9][0-9]+}} bytes, optimization level 4
// FATBIN: fake-cuda: cuModuleGetFunction scale_kernel{{$}}
// FATBIN-NEXT: fake-cuda: cuLaunchKernel scale_kernel grid (1, 1, 1) block (64, 1, 1) smem 0 with parameters

func.func @scale() {
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %two = arith.constant 2.0 : f32
  %t0 = gpu.wait async
  %d, %t1 = gpu.alloc async [%t0] () : memref<64xf32>
  %t2 = gpu.launch async [%t1] blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
      threads(%tx, %ty, %tz) in (%sx = %c64, %sy = %c1, %sz = %c1) {
    %v = memref.load %d[%tx] : memref<64xf32>
    %w = arith.mulf %v, %two : f32
    memref.store %w, %d[%tx] : memref<64xf32>
    gpu.terminator
  }
  %t3 = gpu.dealloc async [%t2] %d : memref<64xf32>
  gpu.wait [%t3]
  return
}

func.func @main() {
  call @scale() : () -> ()
  return
}
