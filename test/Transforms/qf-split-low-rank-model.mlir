// qf-split-low-rank after qf-quantize-model on linalg IR: the normalized
// forms it leaves (a [K, N] weight in [N, K] layout, zero-padded K, a
// multi-dimensional contraction collapsed to one product), MSE-searched
// weight scales searched again on the residual, and weights that are
// function arguments.
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false" --qf-split-low-rank=rank=1 2>/dev/null | FileCheck %s
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false" --qf-split-low-rank=rank=1 2>&1 >/dev/null | FileCheck %s --check-prefix=REM
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false weight-scale-search=mse" --qf-split-low-rank=rank=1 2>/dev/null | FileCheck %s --check-prefix=MSE
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false pad-k=false" --qf-split-low-rank=rank=1 2>&1 >/dev/null | FileCheck %s --check-prefix=PADK
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false weights-as-arguments" --qf-split-low-rank=rank=1 2>&1 >/dev/null | FileCheck %s --check-prefix=WARG
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false" --qf-split-low-rank=rank=1 --canonicalize --qf-cpu-pipeline 2>/dev/null | FileCheck %s --check-prefix=LLVM

// CHECK-LABEL: func.func @proj(
// CHECK-SAME: %[[X:.*]]: tensor<4x32xf32>
// CHECK: %[[XQ:.*]] = qf.quantize %[[X]]
// CHECK: %[[RQ:.*]] = qf.quantize %{{.*}} {qf.low_rank = {factors = "f32", rank = 1 : i64}} : tensor<8x32xf32>
// CHECK: %[[Y:.*]] = qf.matmul %[[XQ]], %[[RQ]] transpose_b
// CHECK: linalg.matmul ins(%[[X]], %{{.*}} : tensor<4x32xf32>, tensor<32x1xf32>)
// CHECK: linalg.add ins(%[[Y]],
// MSE-LABEL: func.func @proj(
// MSE: %[[S:.*]] = arith.constant dense<{{.*}}> : tensor<8x1xi8>
// MSE: qf.quantize %{{.*}} scales(%[[S]] : tensor<8x1xi8>) {qf.low_rank = {factors = "f32", rank = 1 : i64}}
// REM: remark: qf-split-low-rank: qf.matmul split: rank 1 of the 8x32 weight
// LLVM: llvm.func @proj(
func.func @proj(%x: tensor<4x32xf32>) -> tensor<4x8xf32> {
  %w = arith.constant dense<[[-1.25, -0.50, 0.25, 1.00, -1.00, -0.25, 0.50, 1.25], [-1.50, 3.25, -2.75, 2.00, -1.25, 0.75, -2.50, 2.25], [-0.50, 0.25, 1.00, -1.00, -0.25, 0.50, 1.25, -0.75], [1.25, -0.75, 0.00, 0.75, -1.25, -0.50, 0.25, 1.00], [0.25, 1.00, -1.00, -0.25, 0.50, 1.25, -0.75, 0.00], [-2.75, 2.00, -1.25, 0.75, -2.50, 2.25, -1.00, 1.00], [1.00, -1.00, -0.25, 0.50, 1.25, -0.75, 0.00, 0.75], [0.00, 0.75, -1.25, -0.50, 0.25, 1.00, -1.00, -0.25], [-1.00, -0.25, 0.50, 1.25, -0.75, 0.00, 0.75, -1.25], [-1.25, 0.75, -2.50, 2.25, -1.00, 1.00, -2.25, 2.50], [-0.25, 0.50, 1.25, -0.75, 0.00, 0.75, -1.25, -0.50], [-1.25, -0.50, 0.25, 1.00, -1.00, -0.25, 0.50, 1.25], [0.50, 1.25, -0.75, 0.00, 0.75, -1.25, -0.50, 0.25], [-2.50, 2.25, -1.00, 1.00, -2.25, 2.50, -0.75, 1.25], [1.25, -0.75, 0.00, 0.75, -1.25, -0.50, 0.25, 1.00], [0.25, 1.00, -1.00, -0.25, 0.50, 1.25, -0.75, 0.00], [-0.75, 0.00, 0.75, -1.25, -0.50, 0.25, 1.00, -1.00], [-1.00, 1.00, -2.25, 2.50, -0.75, 1.25, -2.00, 2.75], [0.00, 0.75, -1.25, -0.50, 0.25, 1.00, -1.00, -0.25], [-1.00, -0.25, 0.50, 1.25, -0.75, 0.00, 0.75, -1.25], [0.75, -1.25, -0.50, 0.25, 1.00, -1.00, -0.25, 0.50], [-2.25, 2.50, -0.75, 1.25, -2.00, 2.75, -3.25, 1.50], [-1.25, -0.50, 0.25, 1.00, -1.00, -0.25, 0.50, 1.25], [0.50, 1.25, -0.75, 0.00, 0.75, -1.25, -0.50, 0.25], [-0.50, 0.25, 1.00, -1.00, -0.25, 0.50, 1.25, -0.75], [-0.75, 1.25, -2.00, 2.75, -3.25, 1.50, -1.75, 3.00], [0.25, 1.00, -1.00, -0.25, 0.50, 1.25, -0.75, 0.00], [-0.75, 0.00, 0.75, -1.25, -0.50, 0.25, 1.00, -1.00], [1.00, -1.00, -0.25, 0.50, 1.25, -0.75, 0.00, 0.75], [-2.00, 2.75, -3.25, 1.50, -1.75, 3.00, -3.00, 1.75], [-1.00, -0.25, 0.50, 1.25, -0.75, 0.00, 0.75, -1.25], [0.75, -1.25, -0.50, 0.25, 1.00, -1.00, -0.25, 0.50]]> : tensor<32x8xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = linalg.matmul ins(%x, %w : tensor<4x32xf32>, tensor<32x8xf32>) outs(%f : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// K = 40 is zero-padded to 64: the first factor has 64 rows (zero in the
// padding) and reads the padded activation.
// CHECK-LABEL: func.func @padk(
// CHECK: %[[P:.*]] = tensor.pad
// CHECK: qf.quantize %{{.*}} {qf.low_rank = {factors = "f32", rank = 1 : i64}} : tensor<8x64xf32>
// CHECK: linalg.matmul ins(%[[P]], %{{.*}} : tensor<4x64xf32>, tensor<64x1xf32>)
// REM: remark: qf-split-low-rank: qf.matmul split: rank 1 of the 8x64 weight
// PADK: remark: qf-quantize-model: {{linalg\.[a-z_]+}}: not quantized: block size 32 does not divide K = 40
// LLVM: llvm.func @padk(
func.func @padk(%x: tensor<4x40xf32>) -> tensor<4x8xf32> {
  %w = arith.constant dense<[[-1.25, -0.50, 0.25, 1.00, -1.00, -0.25, 0.50, 1.25], [-1.50, 3.25, -2.75, 2.00, -1.25, 0.75, -2.50, 2.25], [-0.50, 0.25, 1.00, -1.00, -0.25, 0.50, 1.25, -0.75], [1.25, -0.75, 0.00, 0.75, -1.25, -0.50, 0.25, 1.00], [0.25, 1.00, -1.00, -0.25, 0.50, 1.25, -0.75, 0.00], [-2.75, 2.00, -1.25, 0.75, -2.50, 2.25, -1.00, 1.00], [1.00, -1.00, -0.25, 0.50, 1.25, -0.75, 0.00, 0.75], [0.00, 0.75, -1.25, -0.50, 0.25, 1.00, -1.00, -0.25], [-1.00, -0.25, 0.50, 1.25, -0.75, 0.00, 0.75, -1.25], [-1.25, 0.75, -2.50, 2.25, -1.00, 1.00, -2.25, 2.50], [-0.25, 0.50, 1.25, -0.75, 0.00, 0.75, -1.25, -0.50], [-1.25, -0.50, 0.25, 1.00, -1.00, -0.25, 0.50, 1.25], [0.50, 1.25, -0.75, 0.00, 0.75, -1.25, -0.50, 0.25], [-2.50, 2.25, -1.00, 1.00, -2.25, 2.50, -0.75, 1.25], [1.25, -0.75, 0.00, 0.75, -1.25, -0.50, 0.25, 1.00], [0.25, 1.00, -1.00, -0.25, 0.50, 1.25, -0.75, 0.00], [-0.75, 0.00, 0.75, -1.25, -0.50, 0.25, 1.00, -1.00], [-1.00, 1.00, -2.25, 2.50, -0.75, 1.25, -2.00, 2.75], [0.00, 0.75, -1.25, -0.50, 0.25, 1.00, -1.00, -0.25], [-1.00, -0.25, 0.50, 1.25, -0.75, 0.00, 0.75, -1.25], [0.75, -1.25, -0.50, 0.25, 1.00, -1.00, -0.25, 0.50], [-2.25, 2.50, -0.75, 1.25, -2.00, 2.75, -3.25, 1.50], [-1.25, -0.50, 0.25, 1.00, -1.00, -0.25, 0.50, 1.25], [0.50, 1.25, -0.75, 0.00, 0.75, -1.25, -0.50, 0.25], [-0.50, 0.25, 1.00, -1.00, -0.25, 0.50, 1.25, -0.75], [-0.75, 1.25, -2.00, 2.75, -3.25, 1.50, -1.75, 3.00], [0.25, 1.00, -1.00, -0.25, 0.50, 1.25, -0.75, 0.00], [-0.75, 0.00, 0.75, -1.25, -0.50, 0.25, 1.00, -1.00], [1.00, -1.00, -0.25, 0.50, 1.25, -0.75, 0.00, 0.75], [-2.00, 2.75, -3.25, 1.50, -1.75, 3.00, -3.00, 1.75], [-1.00, -0.25, 0.50, 1.25, -0.75, 0.00, 0.75, -1.25], [0.75, -1.25, -0.50, 0.25, 1.00, -1.00, -0.25, 0.50], [-0.25, 0.50, 1.25, -0.75, 0.00, 0.75, -1.25, -0.50], [-3.25, 1.50, -1.75, 3.00, -3.00, 1.75, -1.50, 3.25], [0.50, 1.25, -0.75, 0.00, 0.75, -1.25, -0.50, 0.25], [-0.50, 0.25, 1.00, -1.00, -0.25, 0.50, 1.25, -0.75], [1.25, -0.75, 0.00, 0.75, -1.25, -0.50, 0.25, 1.00], [-1.75, 3.00, -3.00, 1.75, -1.50, 3.25, -2.75, 2.00], [-0.75, 0.00, 0.75, -1.25, -0.50, 0.25, 1.00, -1.00], [1.00, -1.00, -0.25, 0.50, 1.25, -0.75, 0.00, 0.75]]> : tensor<40x8xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = linalg.matmul ins(%x, %w : tensor<4x40xf32>, tensor<40x8xf32>) outs(%f : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// [M1, M2, K] x [K, N1, N2]: qf-quantize-model collapses it to one [6, 32] x
// [32, 8] product; the low-rank sum is added before the result is expanded.
// CHECK-LABEL: func.func @multi(
// CHECK: %[[C:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2]] : tensor<2x3x32xf32> into tensor<6x32xf32>
// CHECK: %[[Y:.*]] = qf.matmul
// CHECK: linalg.matmul ins(%[[C]], %{{.*}} : tensor<6x32xf32>, tensor<32x1xf32>)
// CHECK: %[[S:.*]] = linalg.add ins(%[[Y]],
// CHECK: tensor.expand_shape %[[S]] {{\[\[}}0, 1], [2, 3]] {{.*}} : tensor<6x8xf32> into tensor<2x3x2x4xf32>
// LLVM: llvm.func @multi(
func.func @multi(%x: tensor<2x3x32xf32>) -> tensor<2x3x2x4xf32> {
  %w = arith.constant dense<[[[-1.25, -0.50, 0.25, 1.00], [-1.00, -0.25, 0.50, 1.25]], [[-1.50, 3.25, -2.75, 2.00], [-1.25, 0.75, -2.50, 2.25]], [[-0.50, 0.25, 1.00, -1.00], [-0.25, 0.50, 1.25, -0.75]], [[1.25, -0.75, 0.00, 0.75], [-1.25, -0.50, 0.25, 1.00]], [[0.25, 1.00, -1.00, -0.25], [0.50, 1.25, -0.75, 0.00]], [[-2.75, 2.00, -1.25, 0.75], [-2.50, 2.25, -1.00, 1.00]], [[1.00, -1.00, -0.25, 0.50], [1.25, -0.75, 0.00, 0.75]], [[0.00, 0.75, -1.25, -0.50], [0.25, 1.00, -1.00, -0.25]], [[-1.00, -0.25, 0.50, 1.25], [-0.75, 0.00, 0.75, -1.25]], [[-1.25, 0.75, -2.50, 2.25], [-1.00, 1.00, -2.25, 2.50]], [[-0.25, 0.50, 1.25, -0.75], [0.00, 0.75, -1.25, -0.50]], [[-1.25, -0.50, 0.25, 1.00], [-1.00, -0.25, 0.50, 1.25]], [[0.50, 1.25, -0.75, 0.00], [0.75, -1.25, -0.50, 0.25]], [[-2.50, 2.25, -1.00, 1.00], [-2.25, 2.50, -0.75, 1.25]], [[1.25, -0.75, 0.00, 0.75], [-1.25, -0.50, 0.25, 1.00]], [[0.25, 1.00, -1.00, -0.25], [0.50, 1.25, -0.75, 0.00]], [[-0.75, 0.00, 0.75, -1.25], [-0.50, 0.25, 1.00, -1.00]], [[-1.00, 1.00, -2.25, 2.50], [-0.75, 1.25, -2.00, 2.75]], [[0.00, 0.75, -1.25, -0.50], [0.25, 1.00, -1.00, -0.25]], [[-1.00, -0.25, 0.50, 1.25], [-0.75, 0.00, 0.75, -1.25]], [[0.75, -1.25, -0.50, 0.25], [1.00, -1.00, -0.25, 0.50]], [[-2.25, 2.50, -0.75, 1.25], [-2.00, 2.75, -3.25, 1.50]], [[-1.25, -0.50, 0.25, 1.00], [-1.00, -0.25, 0.50, 1.25]], [[0.50, 1.25, -0.75, 0.00], [0.75, -1.25, -0.50, 0.25]], [[-0.50, 0.25, 1.00, -1.00], [-0.25, 0.50, 1.25, -0.75]], [[-0.75, 1.25, -2.00, 2.75], [-3.25, 1.50, -1.75, 3.00]], [[0.25, 1.00, -1.00, -0.25], [0.50, 1.25, -0.75, 0.00]], [[-0.75, 0.00, 0.75, -1.25], [-0.50, 0.25, 1.00, -1.00]], [[1.00, -1.00, -0.25, 0.50], [1.25, -0.75, 0.00, 0.75]], [[-2.00, 2.75, -3.25, 1.50], [-1.75, 3.00, -3.00, 1.75]], [[-1.00, -0.25, 0.50, 1.25], [-0.75, 0.00, 0.75, -1.25]], [[0.75, -1.25, -0.50, 0.25], [1.00, -1.00, -0.25, 0.50]]]> : tensor<32x2x4xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x3x2x4xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x3x2x4xf32>) -> tensor<2x3x2x4xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(a, b, c, d, k) -> (a, b, k)>, affine_map<(a, b, c, d, k) -> (k, c, d)>, affine_map<(a, b, c, d, k) -> (a, b, c, d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%x, %w : tensor<2x3x32xf32>, tensor<32x2x4xf32>) outs(%f : tensor<2x3x2x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %o, %m : f32
    linalg.yield %s : f32
  } -> tensor<2x3x2x4xf32>
  return %y : tensor<2x3x2x4xf32>
}

// REM: remark: qf-split-low-rank: qf.matmul not split: the weight is not a compile-time constant
// WARG: remark: qf-split-low-rank: qf.matmul not split: the weight is a function argument (weights-as-arguments); its values are not known at compile time
func.func @arg(%x: tensor<4x32xf32>, %w: tensor<32x8xf32>) -> tensor<4x8xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = linalg.matmul ins(%x, %w : tensor<4x32xf32>, tensor<32x8xf32>) outs(%f : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}
// REM: remark: qf-split-low-rank: split 3 of 4 contractions (ranks 1, 1, 1; f32 factors
// PADK: remark: qf-split-low-rank: split 2 of 3 contractions
// WARG: remark: qf-split-low-rank: split 3 of 4 contractions
