// The route qf's GPU programs take, with upstream MLIR passes only: a
// gpu.launch kernel (c = a * b + 1 over 10 elements, 3 blocks of 4 threads
// with a bounds check) outlined, compiled to PTX for the GPU's chip, run
// through mlir-runner with qf's CUDA runtime. The driver JIT-compiles the
// PTX (format=isa); with ptxas the same program runs from a cubin.
// REQUIRES: cuda
// RUN: mlir-opt %s -pass-pipeline="builtin.module(gpu-kernel-outlining, \
// RUN:   nvvm-attach-target{chip=%cuda_chip}, gpu.module(convert-gpu-to-nvvm), \
// RUN:   %gpu_host_lowering, gpu-module-to-binary{format=isa})" \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:   -shared-libs=%qf_cuda_runtime,%mlir_runner_utils \
// RUN: | FileCheck %s

func.func private @printMemrefF32(memref<*xf32>)

func.func @main() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %n = arith.constant 10 : index
  %one = arith.constant 1.0 : f32
  %ha = memref.alloc() : memref<10xf32>
  %hb = memref.alloc() : memref<10xf32>
  %hc = memref.alloc() : memref<10xf32>
  scf.for %i = %c0 to %n step %c1 {
    %ii = arith.index_cast %i : index to i32
    %f = arith.sitofp %ii : i32 to f32
    %g = arith.subf %f, %one : f32
    memref.store %f, %ha[%i] : memref<10xf32>
    memref.store %g, %hb[%i] : memref<10xf32>
    memref.store %one, %hc[%i] : memref<10xf32>
  }
  %t0 = gpu.wait async
  %da, %t1 = gpu.alloc async [%t0] () : memref<10xf32>
  %db, %t2 = gpu.alloc async [%t1] () : memref<10xf32>
  %dc, %t3 = gpu.alloc async [%t2] () : memref<10xf32>
  %t4 = gpu.memcpy async [%t3] %da, %ha : memref<10xf32>, memref<10xf32>
  %t5 = gpu.memcpy async [%t4] %db, %hb : memref<10xf32>, memref<10xf32>
  // -7.0 everywhere first: an element the kernel misses shows up.
  %m7 = arith.constant -7.0 : f32
  %t6 = gpu.memset async [%t5] %dc, %m7 : memref<10xf32>, f32
  %t7 = gpu.launch async [%t6] blocks(%bx, %by, %bz) in (%gx = %c3, %gy = %c1, %gz = %c1)
      threads(%tx, %ty, %tz) in (%sx = %c4, %sy = %c1, %sz = %c1) {
    %base = arith.muli %bx, %sx : index
    %i = arith.addi %base, %tx : index
    %in = arith.cmpi ult, %i, %n : index
    scf.if %in {
      %a = memref.load %da[%i] : memref<10xf32>
      %b = memref.load %db[%i] : memref<10xf32>
      %p = arith.mulf %a, %b : f32
      %s = arith.addf %p, %one : f32
      memref.store %s, %dc[%i] : memref<10xf32>
    }
    gpu.terminator
  }
  %t8 = gpu.memcpy async [%t7] %hc, %dc : memref<10xf32>, memref<10xf32>
  %t9 = gpu.dealloc async [%t8] %da : memref<10xf32>
  %t10 = gpu.dealloc async [%t9] %db : memref<10xf32>
  %t11 = gpu.dealloc async [%t10] %dc : memref<10xf32>
  gpu.wait [%t11]
  %u = memref.cast %hc : memref<10xf32> to memref<*xf32>
  // i * (i - 1) + 1
  // CHECK: [1, 1, 3, 7, 13, 21, 31, 43, 57, 73]
  call @printMemrefF32(%u) : (memref<*xf32>) -> ()
  memref.dealloc %ha : memref<10xf32>
  memref.dealloc %hb : memref<10xf32>
  memref.dealloc %hc : memref<10xf32>
  return
}
