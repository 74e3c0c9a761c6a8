// RUN: qf-opt %s --convert-qf-to-vector -split-input-file -verify-diagnostics | FileCheck %s

// Sparse-quantized (SQ) tensors lower as their two parts: the storage of an
// SQ value is the low part's (packed codes, scales), the high part's, then
// the positions; the matmul is the low part's GEMM plus a banked correction
// (a linalg.generic reducing over the high slots).

!w = !qf.tensor<64x8xf32, #qf.format<mxint4, bank = 32, outliers = 2>, axis = 0>

// CHECK-LABEL: func.func @matmul
// CHECK-SAME: (%{{.*}}: tensor<4x64xf32>, %{{.*}}: tensor<64x4xi8>, %{{.*}}: tensor<8x2xi8>, %{{.*}}: tensor<4x8xi8>, %{{.*}}: tensor<8x2xi8>, %{{.*}}: tensor<4x8xi8>) -> tensor<4x8xf32>
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: tensor.extract
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK-NOT: qf.
func.func @matmul(%a: tensor<4x64xf32>, %w: !w) -> tensor<4x8xf32> {
  %c = qf.matmul %a, %w : tensor<4x64xf32>, !w -> tensor<4x8xf32>
  return %c : tensor<4x8xf32>
}

// -----

!w = !qf.tensor<64x8xf32, #qf.format<mxint4, bank = 32, outliers = 2>, axis = 0>

// The SQ result of a run-time quantize is its five storage tensors.
// CHECK-LABEL: func.func @quantize
// CHECK-SAME: -> (tensor<64x4xi8>, tensor<8x2xi8>, tensor<4x8xi8>, tensor<8x2xi8>, tensor<4x8xi8>)
// CHECK-NOT: qf.
func.func @quantize(%x: tensor<64x8xf32>) -> !w {
  %q = qf.quantize %x : tensor<64x8xf32> -> !w
  return %q : !w
}

// -----

!w = !qf.tensor<2x64x8xf32, #qf.format<mxint4, bank = 32, outliers = 2>, axis = 1>

// A batched matmul: the correction loops gain the batch dimension.
// CHECK-LABEL: func.func @batched
// CHECK: linalg.generic
// CHECK-SAME: iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK-NOT: qf.
func.func @batched(%a: tensor<2x4x64xf32>, %w: !w) -> tensor<2x4x8xf32> {
  %c = qf.matmul %a, %w : tensor<2x4x64xf32>, !w -> tensor<2x4x8xf32>
  return %c : tensor<2x4x8xf32>
}

// -----

!a = !qf.tensor<4x64xf32, #qf.format<mxint4, bank = 32, outliers = 2>, axis = 1>

// Static outlier channels: the positions are the mask broadcast over the
// rows (a linalg.generic reading a 4-entry constant), no selection loops.
// CHECK-LABEL: func.func @sparse_quantize
// CHECK-SAME: -> (tensor<4x32xi8>, tensor<4x2xi8>, tensor<4x4xi8>, tensor<4x2xi8>, tensor<4x4xi8>)
// CHECK: %[[M:.*]] = arith.constant dense<[3, 20, 8, 18]> : tensor<4xi8>
// CHECK: linalg.generic {{.*}} ins(%[[M]] : tensor<4xi8>) outs(%{{.*}} : tensor<4x4xi8>)
// CHECK-NOT: arith.cmpf oeq
// CHECK-NOT: qf.
func.func @sparse_quantize(%x: tensor<4x64xf32>) -> !a {
  %q = qf.sparse_quantize %x outlier_channels [3, 20, 40, 50] : tensor<4x64xf32> -> !a
  return %q : !a
}
