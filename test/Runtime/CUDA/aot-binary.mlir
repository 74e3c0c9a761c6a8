// A GPU program compiled ahead of time and linked with libqf_cuda_runtime.so
// (no mlir-runner): the linker resolves every mgpu* call, the kernels load
// from the binary's global constructor and unload from its destructor. The
// fake driver stands in for libcuda.so.1 (kernels do not run; the memset
// and the copies are real).
// UNSUPPORTED: asan
// RUN: mlir-opt %s -pass-pipeline="builtin.module(gpu-kernel-outlining, \
// RUN:   nvvm-attach-target{chip=sm_90}, gpu.module(convert-gpu-to-nvvm), \
// RUN:   %gpu_host_lowering, gpu-module-to-binary{format=isa})" \
// RUN: | mlir-translate --mlir-to-llvmir -o %t.ll
// RUN: llc -filetype=obj -relocation-model=pic %t.ll -o %t.o
// RUN: %host_cxx %t.o -o %t.exe %qf_cuda_runtime -Wl,-rpath,%qf_lib_dir
// RUN: env QF_CUDA_DRIVER_LIBRARY=%fake_cuda_driver FAKE_CUDA_TRACE=1 %t.exe \
// RUN:   2>&1 | FileCheck %s
// In a linked binary the driver's exit handlers run before the module
// destructor; the unload then finds the driver gone, which is no error.
// RUN: env QF_CUDA_DRIVER_LIBRARY=%fake_cuda_driver FAKE_CUDA_FAIL=cuModuleUnload \
// RUN:   %t.exe 2>&1 | FileCheck %s --check-prefix=EXIT --allow-empty

// CHECK: fake-cuda: cuModuleLoadDataEx ptx
// CHECK: fake-cuda: cuMemsetD32Async 0x40a00000 x 16
// CHECK: fake-cuda: cuModuleGetFunction main_kernel
// CHECK-NEXT: fake-cuda: cuLaunchKernel main_kernel grid (1, 1, 1) block (16, 1, 1) smem 0 with parameters
// CHECK-NEXT: fake-cuda: cuMemcpyAsync 64 bytes
// CHECK: fake-cuda: cuModuleUnload
// EXIT-NOT: qf_cuda_runtime

func.func @main() -> i32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %five = arith.constant 5.0 : f32
  %h = memref.alloc() : memref<16xf32>
  %t0 = gpu.wait async
  %d, %t1 = gpu.alloc async [%t0] () : memref<16xf32>
  %t2 = gpu.memset async [%t1] %d, %five : memref<16xf32>, f32
  %t3 = gpu.launch async [%t2] blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
      threads(%tx, %ty, %tz) in (%sx = %c16, %sy = %c1, %sz = %c1) {
    %v = memref.load %d[%tx] : memref<16xf32>
    %w = arith.addf %v, %v : f32
    memref.store %w, %d[%tx] : memref<16xf32>
    gpu.terminator
  }
  %t4 = gpu.memcpy async [%t3] %h, %d : memref<16xf32>, memref<16xf32>
  %t5 = gpu.dealloc async [%t4] %d : memref<16xf32>
  gpu.wait [%t5]
  // The exit status is the first element minus 5: 0 through the fake
  // driver (the memset, copied back), 5 on a GPU (the kernel doubles it).
  %v = memref.load %h[%c0] : memref<16xf32>
  %i = arith.fptosi %v : f32 to i32
  %c5 = arith.constant 5 : i32
  %r = arith.subi %i, %c5 : i32
  memref.dealloc %h : memref<16xf32>
  return %r : i32
}
