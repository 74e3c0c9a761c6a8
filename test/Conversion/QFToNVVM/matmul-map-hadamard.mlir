// RUN: qf-opt %s --convert-qf-to-nvvm --split-input-file | FileCheck %s

// qf.matmul: the kernel library's block-scaled GEMM tiles (the CPU target's,
// so every f32 product and partial sum is the CPU's), one register tile per
// thread; here 4 x 6 outputs in tiles of 4 x 2 rows: 3 threads. The 4-bit
// weights' tiles read the lhs decoded and split into even and odd halves,
// which a launch of its own (one thread per row) writes first.
// CHECK-LABEL: func.func @matmul
// CHECK: gpu.launch
// CHECK: vector.shuffle {{.*}} [0, 2, 4, 6, 8, 10, 12, 14]
// CHECK: gpu.terminator
// CHECK: %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<4x6xf32>
// CHECK: gpu.launch {{.*}} threads({{.*}}) in (%{{.*}} = %[[T:.*]], %{{.*}} = %{{.*}}, %{{.*}} = %{{.*}})
// CHECK: vector.fma
// CHECK: memref.store {{.*}}, %[[OUT]]
// CHECK: gpu.terminator
// CHECK-NOT: scf.parallel
// CHECK: bufferization.to_tensor %[[OUT]]
func.func @matmul(%a: !qf.tensor<4x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<6x64xf32, nvfp4, axis = 1>) -> tensor<4x6xf32> {
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<4x64xf32, mxfp8, axis = 1>, !qf.tensor<6x64xf32, nvfp4, axis = 1> -> tensor<4x6xf32>
  return %c : tensor<4x6xf32>
}

// -----

// qf.fused_matmul with a softmax epilogue: one band of rows per thread; the
// band buffer and the row stash are per-thread stack buffers (memref.alloca
// at the kernel's entry), the row reductions sequential loops, exp a scalar
// math.exp (libdevice after convert-gpu-to-nvvm).
// CHECK-LABEL: func.func @softmax
// CHECK: gpu.launch
// CHECK-NEXT: %[[BAND:.*]] = memref.alloca() {alignment = 64 : i64} : memref<32xf32>
// CHECK-NEXT: %[[STASH:.*]] = memref.alloca() {alignment = 64 : i64} : memref<32xf32>
// CHECK-NOT: memref.alloc(
// CHECK: memref.store {{.*}}, %[[BAND]]
// CHECK: scf.for
// CHECK: arith.maximumf {{.*}} : f32
// CHECK: math.exp {{.*}} : f32
// CHECK: memref.store {{.*}}, %[[STASH]]
// CHECK: vector.maskedload %[[STASH]]
// CHECK: gpu.terminator
// CHECK-NOT: memref.dealloc
func.func @softmax(%q: !qf.tensor<2x8x32xf32, mxfp8, axis = 2>,
                   %k: !qf.tensor<2x8x32xf32, mxfp8, axis = 2>)
    -> !qf.tensor<2x8x32xf32, mxfp8, axis = 2> {
  %p = qf.fused_matmul %q, %k transpose_b
         : !qf.tensor<2x8x32xf32, mxfp8, axis = 2>, !qf.tensor<2x8x32xf32, mxfp8, axis = 2>
         -> !qf.tensor<2x8x32xf32, mxfp8, axis = 2> {
  ^bb0(%s: f32):
    %ninf = arith.constant -3.0e38 : f32
    %m = qf.row_reduce %s init(%ninf) {
    ^bb0(%v: f32, %acc: f32):
      %r = arith.maximumf %v, %acc : f32
      qf.yield %r : f32
    }
    %d = arith.subf %s, %m : f32
    %e = math.exp %d : f32
    %zero = arith.constant 0.0 : f32
    %sum = qf.row_reduce %e init(%zero) {
    ^bb0(%v: f32, %acc: f32):
      %r = arith.addf %v, %acc : f32
      qf.yield %r : f32
    }
    %y = arith.divf %e, %sum : f32
    qf.yield %y : f32
  }
  return %p : !qf.tensor<2x8x32xf32, mxfp8, axis = 2>
}

// -----

// qf.map quantized to quantized: decode, body, encode in registers, a
// thread per row and block.
// CHECK-LABEL: func.func @map_q_to_q
// CHECK-NOT: linalg.generic
// CHECK: gpu.launch
// CHECK: arith.maximumf {{.*}} : vector<4xf32>
// CHECK: math.ctlz
// CHECK: gpu.terminator
func.func @map_q_to_q(%a: !qf.tensor<8x64xf32, mxfp8, axis = 1>)
    -> !qf.tensor<8x64xf32, mxfp4, axis = 1> {
  %r = qf.map(%a) : (!qf.tensor<8x64xf32, mxfp8, axis = 1>)
                    -> !qf.tensor<8x64xf32, mxfp4, axis = 1> {
  ^bb0(%x: f32):
    %z = arith.constant 0.0 : f32
    %y = arith.maximumf %x, %z : f32
    qf.yield %y : f32
  }
  return %r : !qf.tensor<8x64xf32, mxfp4, axis = 1>
}

// -----

// A qf.map the kernels do not run in one piece (rows of 6 elements are not
// whole vectors of 4) is decomposed first; the unfused linalg.generic stays
// for qf-gpu-pipeline, which runs it as a parallel loop on the GPU too.
// CHECK-LABEL: func.func @map_decomposed
// CHECK-NOT: gpu.launch
// CHECK: linalg.generic
// CHECK: arith.mulf
func.func @map_decomposed(%a: tensor<4x6xf32>, %c: tensor<4x6xf32>) -> tensor<4x6xf32> {
  %r = qf.map(%a, %c) : (tensor<4x6xf32>, tensor<4x6xf32>) -> tensor<4x6xf32> {
  ^bb0(%x: f32, %y: f32):
    %s = arith.mulf %x, %y : f32
    qf.yield %s : f32
  }
  return %r : tensor<4x6xf32>
}

// -----

// qf.hadamard: the FWHT kernel (butterflies as shuffles inside a thread's
// vectors, the library's stage order), a thread per row and block.
// CHECK-LABEL: func.func @hadamard
// CHECK: gpu.launch
// CHECK: vector.shuffle {{.*}} [1, 0, 3, 2]
// CHECK: arith.subf
// CHECK: arith.addf
// CHECK: gpu.terminator
func.func @hadamard(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %r = qf.hadamard %x axis = 1 block = 16 : tensor<4x64xf32>
  return %r : tensor<4x64xf32>
}
