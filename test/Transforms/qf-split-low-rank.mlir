// qf-split-low-rank on qf IR (the form qf-quantize-model="fold-weights=false"
// writes): every option, every kind of weight, and the remarks. The 8x32
// weight is 4 a b^T + 2 c d^T with +-1 Hadamard rows a, c (8) and b, d (32):
// singular values 64 and 32, 80% and 20% of the energy.
// RUN: qf-opt %s --qf-split-low-rank=rank=1 2>/dev/null | FileCheck %s
// RUN: qf-opt %s --qf-split-low-rank=rank=1 2>&1 >/dev/null | FileCheck %s --check-prefix=REM
// RUN: qf-opt %s --qf-split-low-rank=energy=0.7 2>&1 >/dev/null | FileCheck %s --check-prefix=E07
// RUN: qf-opt %s --qf-split-low-rank=energy=0.9 2>&1 >/dev/null | FileCheck %s --check-prefix=E09
// RUN: qf-opt %s --qf-split-low-rank="energy=0.9 max-rank=1" 2>&1 >/dev/null | FileCheck %s --check-prefix=CAP
// RUN: qf-opt %s --qf-split-low-rank=rank=7 2>&1 >/dev/null | FileCheck %s --check-prefix=BIG
// RUN: qf-opt %s --qf-split-low-rank=rank=6 2>&1 >/dev/null | FileCheck %s --check-prefix=R6
// RUN: qf-opt %s --qf-split-low-rank="rank=1 min-size=300" 2>&1 >/dev/null | FileCheck %s --check-prefix=MIN
// RUN: qf-opt %s --qf-split-low-rank="rank=1 factor-type=bf16" 2>/dev/null | FileCheck %s --check-prefix=BF16
// RUN: qf-opt %s --qf-split-low-rank=rank=1 --qf-split-low-rank=rank=1 2>&1 >/dev/null | FileCheck %s --check-prefix=AGAIN
// RUN: qf-opt %s --canonicalize --qf-split-low-rank=rank=1 2>&1 >/dev/null | FileCheck %s --check-prefix=FOLD
// The same seed gives the same bits; another sketch (oversample, power
// iterations) still finds the exact directions.
// RUN: qf-opt %s --qf-split-low-rank="rank=2 seed=3" -o %t.a.mlir 2>/dev/null
// RUN: qf-opt %s --qf-split-low-rank="rank=2 seed=3" -o %t.b.mlir 2>/dev/null
// RUN: diff %t.a.mlir %t.b.mlir
// RUN: qf-opt %s --qf-split-low-rank="rank=2 oversample=0 power-iterations=0 seed=9" 2>&1 >/dev/null | FileCheck %s --check-prefix=E09
// RUN: qf-opt %s --qf-split-low-rank="rank=1 factor-input=decoded" 2>/dev/null | FileCheck %s --check-prefix=DEC
// Everything the pass writes compiles with the CPU pipeline.
// RUN: qf-opt %s --qf-split-low-rank="rank=2 factor-type=bf16" --canonicalize --qf-cpu-pipeline 2>/dev/null | FileCheck %s --check-prefix=LLVM
// RUN: qf-opt %s --qf-split-low-rank="rank=2 factor-input=decoded" --canonicalize --qf-cpu-pipeline 2>/dev/null | FileCheck %s --check-prefix=LLVM

// CHECK-LABEL: func.func @nk(
// CHECK-SAME: %[[X:.*]]: tensor<4x32xf32>
// CHECK: %[[XQ:.*]] = qf.quantize %[[X]]
// CHECK: %[[R:.*]] = arith.constant dense<{{.*}}> : tensor<8x32xf32>
// CHECK: %[[RQ:.*]] = qf.quantize %[[R]] {qf.low_rank = {factors = "f32", rank = 1 : i64}} : tensor<8x32xf32> -> !qf.tensor<8x32xf32, mxfp4, axis = 1>
// CHECK: %[[Y:.*]] = qf.matmul %[[XQ]], %[[RQ]] transpose_b
// CHECK: %[[F1:.*]] = arith.constant dense<{{.*}}> : tensor<32x1xf32>
// CHECK: %[[F2:.*]] = arith.constant dense<{{.*}}> : tensor<1x8xf32>
// CHECK: %[[T:.*]] = linalg.matmul ins(%[[X]], %[[F1]] : tensor<4x32xf32>, tensor<32x1xf32>)
// CHECK: %[[L:.*]] = linalg.matmul ins(%[[T]], %[[F2]] : tensor<4x1xf32>, tensor<1x8xf32>)
// CHECK: %[[S:.*]] = linalg.add ins(%[[Y]], %[[L]] : tensor<4x8xf32>, tensor<4x8xf32>)
// CHECK: return %[[S]]
// REM: remark: qf-split-low-rank: qf.matmul split: rank 1 of the 8x32 weight, 80.0% of its energy, f32 factors (+5.00 bits per element)
// E07: remark: qf-split-low-rank: qf.matmul split: rank 1 of the 8x32 weight, 80.0% of its energy
// E09: remark: qf-split-low-rank: qf.matmul split: rank 2 of the 8x32 weight, 100.0% of its energy
// CAP: remark: qf-split-low-rank: qf.matmul split: rank 1 of the 8x32 weight, 80.0% of its energy, f32 factors (+5.00 bits per element); energy=0.9 is not reached below rank 1 (max-rank, or the largest useful rank)
// BIG: remark: qf-split-low-rank: qf.matmul not split: rank=7 is above 6, the largest rank whose factors (rank x (8 + 32) numbers) are smaller than the 8x32 weight
// R6: remark: qf-split-low-rank: qf.matmul split: rank 6 of the 8x32 weight, 100.0% of its energy, f32 factors (+30.00 bits per element)
// MIN: remark: qf-split-low-rank: qf.matmul not split: the weight has 256 elements, below min-size=300
// BF16-LABEL: func.func @nk(
// BF16: %[[F1:.*]] = arith.constant dense<{{.*}}> : tensor<32x1xbf16>
// BF16: %[[F2:.*]] = arith.constant dense<{{.*}}> : tensor<1x8xbf16>
// BF16: linalg.matmul ins(%{{.*}}, %[[F1]] : tensor<4x32xf32>, tensor<32x1xbf16>) outs(%{{.*}} : tensor<4x1xf32>)
// BF16: linalg.matmul ins(%{{.*}}, %[[F2]] : tensor<4x1xf32>, tensor<1x8xbf16>) outs(%{{.*}} : tensor<4x8xf32>)
// With factor-input=decoded the first factor product reads the codes.
// DEC-LABEL: func.func @nk(
// DEC: %[[XQ:.*]] = qf.quantize
// DEC: %[[Y:.*]] = qf.matmul %[[XQ]], %{{.*}} transpose_b
// DEC: %[[F1:.*]] = arith.constant dense<{{.*}}> : tensor<32x1xf32>
// DEC: %[[T:.*]] = qf.matmul %[[XQ]], %[[F1]] : !qf.tensor<4x32xf32, mxfp8, axis = 1>, tensor<32x1xf32> -> tensor<4x1xf32>
// DEC: %[[L:.*]] = linalg.matmul ins(%[[T]], %{{.*}} : tensor<4x1xf32>, tensor<1x8xf32>)
// DEC: linalg.add ins(%[[Y]], %[[L]]
// DEC-LABEL: func.func @dyn(
// DEC: %[[T:.*]] = qf.matmul %{{.*}}, %{{.*}} : !qf.tensor<?x32xf32, mxfp8, axis = 1>, tensor<32x1xf32> -> tensor<?x1xf32>
// DEC: tensor.dim %[[T]], %{{.*}} : tensor<?x1xf32>
// Weight-only: the activation is f32 either way.
// DEC-LABEL: func.func @weight_only(
// DEC-SAME: %[[X:.*]]: tensor<4x32xf32>
// DEC: linalg.matmul ins(%[[X]], %{{.*}} : tensor<4x32xf32>, tensor<32x1xf32>)
// AGAIN: remark: qf-split-low-rank: qf.matmul not split: its weight is already the residual of a low-rank split
// FOLD: remark: qf-split-low-rank: qf.matmul not split: the weight is already folded into qf.constant and its f32 values are gone; run qf-quantize-model with fold-weights=false before qf-split-low-rank
// LLVM: llvm.func @nk(
func.func @nk(%x: tensor<4x32xf32>) -> tensor<4x8xf32> {
  %w = arith.constant dense<[[6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0], [-2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0], [2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0], [-6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0], [6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0], [-2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0], [2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0], [-6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0]]> : tensor<8x32xf32>
  %xq = qf.quantize %x : tensor<4x32xf32> -> !qf.tensor<4x32xf32, mxfp8, axis = 1>
  %wq = qf.quantize %w : tensor<8x32xf32> -> !qf.tensor<8x32xf32, mxfp4, axis = 1>
  %y = qf.matmul %xq, %wq transpose_b : !qf.tensor<4x32xf32, mxfp8, axis = 1>, !qf.tensor<8x32xf32, mxfp4, axis = 1> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// A [K, N] weight blocked along axis 0 (no transpose_b): x L R.
// CHECK-LABEL: func.func @kn(
// CHECK: qf.quantize %{{.*}} {qf.low_rank = {factors = "f32", rank = 1 : i64}} : tensor<32x8xf32> -> !qf.tensor<32x8xf32, mxfp4, axis = 0>
// CHECK: %[[Y:.*]] = qf.matmul %{{.*}}, %{{.*}} : !qf.tensor<4x32xf32, mxfp8, axis = 1>, !qf.tensor<32x8xf32, mxfp4, axis = 0> -> tensor<4x8xf32>
// CHECK: linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x32xf32>, tensor<32x1xf32>)
// CHECK: %[[L:.*]] = linalg.matmul ins(%{{.*}}, %{{.*}} : tensor<4x1xf32>, tensor<1x8xf32>)
// CHECK: linalg.add ins(%[[Y]], %[[L]]
// REM: remark: qf-split-low-rank: qf.matmul split: rank 1 of the 32x8 weight, 80.0% of its energy
// LLVM: llvm.func @kn(
func.func @kn(%x: tensor<4x32xf32>) -> tensor<4x8xf32> {
  %w = arith.constant dense<[[6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0], [-6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0], [2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0], [-2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0], [6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0], [-6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0], [2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0], [-2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0], [6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0], [-6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0], [2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0], [-2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0], [6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0], [-6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0], [2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0], [-2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0], [6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0], [-6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0], [2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0], [-2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0], [6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0], [-6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0], [2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0], [-2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0], [6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0], [-6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0], [2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0], [-2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0], [6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0], [-6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0], [2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0], [-2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0]]> : tensor<32x8xf32>
  %xq = qf.quantize %x : tensor<4x32xf32> -> !qf.tensor<4x32xf32, mxfp8, axis = 1>
  %wq = qf.quantize %w : tensor<32x8xf32> -> !qf.tensor<32x8xf32, mxfp4, axis = 0>
  %y = qf.matmul %xq, %wq : !qf.tensor<4x32xf32, mxfp8, axis = 1>, !qf.tensor<32x8xf32, mxfp4, axis = 0> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// A dynamic M: the factor products take their sizes from the activation.
// CHECK-LABEL: func.func @dyn(
// CHECK-SAME: %[[X:.*]]: tensor<?x32xf32>
// CHECK: %[[Y:.*]] = qf.matmul
// CHECK: %[[M:.*]] = tensor.dim %[[X]], %{{.*}} : tensor<?x32xf32>
// CHECK: tensor.empty(%[[M]]) : tensor<?x1xf32>
// CHECK: linalg.matmul ins(%[[X]], %{{.*}} : tensor<?x32xf32>, tensor<32x1xf32>)
// CHECK: linalg.add ins(%[[Y]], %{{.*}} : tensor<?x8xf32>, tensor<?x8xf32>)
// LLVM: llvm.func @dyn(
func.func @dyn(%x: tensor<?x32xf32>) -> tensor<?x8xf32> {
  %w = arith.constant dense<[[6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0], [-2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0], [2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0], [-6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0], [6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0], [-2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0], [2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0], [-6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0]]> : tensor<8x32xf32>
  %xq = qf.quantize %x : tensor<?x32xf32> -> !qf.tensor<?x32xf32, mxfp8, axis = 1>
  %wq = qf.quantize %w : tensor<8x32xf32> -> !qf.tensor<8x32xf32, mxfp4, axis = 1>
  %y = qf.matmul %xq, %wq transpose_b : !qf.tensor<?x32xf32, mxfp8, axis = 1>, !qf.tensor<8x32xf32, mxfp4, axis = 1> -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// Weight-only quantization: the activation is f32 already.
// CHECK-LABEL: func.func @weight_only(
// CHECK-SAME: %[[X:.*]]: tensor<4x32xf32>
// CHECK: qf.matmul %[[X]], %{{.*}} transpose_b : tensor<4x32xf32>
// CHECK: linalg.matmul ins(%[[X]], %{{.*}} : tensor<4x32xf32>, tensor<32x1xf32>)
func.func @weight_only(%x: tensor<4x32xf32>) -> tensor<4x8xf32> {
  %w = arith.constant dense<[[6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0], [-2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0], [2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0], [-6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0], [6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0], [-2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0], [2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0], [-6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0]]> : tensor<8x32xf32>
  %wq = qf.quantize %w : tensor<8x32xf32> -> !qf.tensor<8x32xf32, mxfp4, axis = 1>
  %y = qf.matmul %x, %wq transpose_b : tensor<4x32xf32>, !qf.tensor<8x32xf32, mxfp4, axis = 1> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// A quantized activation from elsewhere: the factors read its decoded value.
// CHECK-LABEL: func.func @quantized_lhs(
// CHECK-SAME: %[[XQ:.*]]: !qf.tensor<4x32xf32, mxfp8, axis = 1>
// CHECK: %[[D:.*]] = qf.dequantize %[[XQ]] : !qf.tensor<4x32xf32, mxfp8, axis = 1> -> tensor<4x32xf32>
// CHECK: qf.matmul %[[XQ]]
// CHECK: linalg.matmul ins(%[[D]], %{{.*}} : tensor<4x32xf32>, tensor<32x1xf32>)
func.func @quantized_lhs(%xq: !qf.tensor<4x32xf32, mxfp8, axis = 1>) -> tensor<4x8xf32> {
  %w = arith.constant dense<[[6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0], [-2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0], [2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0], [-6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0], [6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0], [-2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0], [2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0], [-6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0]]> : tensor<8x32xf32>
  %wq = qf.quantize %w : tensor<8x32xf32> -> !qf.tensor<8x32xf32, mxfp4, axis = 1>
  %y = qf.matmul %xq, %wq transpose_b : !qf.tensor<4x32xf32, mxfp8, axis = 1>, !qf.tensor<8x32xf32, mxfp4, axis = 1> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// Not split, each with its reason.
// CHECK-LABEL: func.func @runtime(
// CHECK-NOT: linalg.matmul
// CHECK: return
// REM: remark: qf-split-low-rank: qf.matmul not split: the weight is not a compile-time constant
func.func @runtime(%x: tensor<4x32xf32>, %w: tensor<8x32xf32>) -> tensor<4x8xf32> {
  %xq = qf.quantize %x : tensor<4x32xf32> -> !qf.tensor<4x32xf32, mxfp8, axis = 1>
  %wq = qf.quantize %w : tensor<8x32xf32> -> !qf.tensor<8x32xf32, mxfp4, axis = 1>
  %y = qf.matmul %xq, %wq transpose_b : !qf.tensor<4x32xf32, mxfp8, axis = 1>, !qf.tensor<8x32xf32, mxfp4, axis = 1> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// REM: remark: qf-split-low-rank: qf.matmul not split: the weight is an f32 constant, not quantized: a split only reduces quantization error
func.func @f32_weight(%x: tensor<4x32xf32>) -> tensor<4x8xf32> {
  %w = arith.constant dense<[[6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0], [-2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0], [2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0], [-6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0], [6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0], [-2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0], [2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0, 2.0, -2.0, 6.0, -6.0], [-6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0, -6.0, 6.0, -2.0, 2.0]]> : tensor<8x32xf32>
  %xq = qf.quantize %x : tensor<4x32xf32> -> !qf.tensor<4x32xf32, mxfp8, axis = 1>
  %y = qf.matmul %xq, %w transpose_b : !qf.tensor<4x32xf32, mxfp8, axis = 1>, tensor<8x32xf32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// REM: remark: qf-split-low-rank: qf.matmul not split: the weight is zero
func.func @zero(%x: tensor<4x32xf32>) -> tensor<4x8xf32> {
  %w = arith.constant dense<0.0> : tensor<8x32xf32>
  %xq = qf.quantize %x : tensor<4x32xf32> -> !qf.tensor<4x32xf32, mxfp8, axis = 1>
  %wq = qf.quantize %w : tensor<8x32xf32> -> !qf.tensor<8x32xf32, mxfp4, axis = 1>
  %y = qf.matmul %xq, %wq transpose_b : !qf.tensor<4x32xf32, mxfp8, axis = 1>, !qf.tensor<8x32xf32, mxfp4, axis = 1> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// REM: remark: qf-split-low-rank: qf.matmul not split: the 1x32 weight is too small: factors of rank 1 hold as many numbers as it does
func.func @tiny(%x: tensor<4x32xf32>) -> tensor<4x1xf32> {
  %w = arith.constant dense<1.0> : tensor<1x32xf32>
  %xq = qf.quantize %x : tensor<4x32xf32> -> !qf.tensor<4x32xf32, mxfp8, axis = 1>
  %wq = qf.quantize %w : tensor<1x32xf32> -> !qf.tensor<1x32xf32, mxfp4, axis = 1>
  %y = qf.matmul %xq, %wq transpose_b : !qf.tensor<4x32xf32, mxfp8, axis = 1>, !qf.tensor<1x32xf32, mxfp4, axis = 1> -> tensor<4x1xf32>
  return %y : tensor<4x1xf32>
}

// REM: remark: qf-split-low-rank: qf.matmul not split: the weight constant has no readable data (an elided resource, or over the compile-time size limit)
func.func @elided(%x: tensor<4x32xf32>) -> tensor<4x8xf32> {
  %w = arith.constant dense_resource<__elided__> : tensor<8x32xf32>
  %xq = qf.quantize %x : tensor<4x32xf32> -> !qf.tensor<4x32xf32, mxfp8, axis = 1>
  %wq = qf.quantize %w : tensor<8x32xf32> -> !qf.tensor<8x32xf32, mxfp4, axis = 1>
  %y = qf.matmul %xq, %wq transpose_b : !qf.tensor<4x32xf32, mxfp8, axis = 1>, !qf.tensor<8x32xf32, mxfp4, axis = 1> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// REM: remark: qf-split-low-rank: qf.matmul not split: the weight is a function argument (weights-as-arguments); its values are not known at compile time
func.func @argument(%x: tensor<4x32xf32>, %codes: tensor<8x16xi8>, %sc: tensor<8x1xi8>) -> tensor<4x8xf32> {
  %wq = qf.unpack %codes, %sc : tensor<8x16xi8>, tensor<8x1xi8> -> !qf.tensor<8x32xf32, mxfp4, axis = 1>
  %xq = qf.quantize %x : tensor<4x32xf32> -> !qf.tensor<4x32xf32, mxfp8, axis = 1>
  %y = qf.matmul %xq, %wq transpose_b : !qf.tensor<4x32xf32, mxfp8, axis = 1>, !qf.tensor<8x32xf32, mxfp4, axis = 1> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}
// REM: remark: qf-split-low-rank: split 5 of 11 contractions (ranks 1, 1, 1, 1, 1; f32 factors, +5.00 bits per element of the split weights)
// BIG: remark: qf-split-low-rank: split 0 of 11 contractions
// BIG-NOT: (rank
// MIN: remark: qf-split-low-rank: split 0 of 11 contractions
