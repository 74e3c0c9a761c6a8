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

// -----

!sq = !qf.tensor<2x3x64xf32, #qf.format<mxint4, bank = 32, outliers = 2>, axis = 2>
!sqt = !qf.tensor<3x2x64xf32, #qf.format<mxint4, bank = 32, outliers = 2>, axis = 2>

// A transpose of an SQ tensor permutes each of its five storage tensors
// (low codes and scales, outlier codes and scales, positions) the same way.
// CHECK-LABEL: func.func @transpose
// CHECK-SAME: (%[[C:.*]]: tensor<2x3x32xi8>, %[[S:.*]]: tensor<2x3x2xi8>, %[[OC:.*]]: tensor<2x3x4xi8>, %[[OS:.*]]: tensor<2x3x2xi8>, %[[P:.*]]: tensor<2x3x4xi8>)
// CHECK-SAME: -> (tensor<3x2x32xi8>, tensor<3x2x2xi8>, tensor<3x2x4xi8>, tensor<3x2x2xi8>, tensor<3x2x4xi8>)
// CHECK: linalg.transpose ins(%[[C]] : tensor<2x3x32xi8>) {{.*}} permutation = [1, 0, 2]
// CHECK: linalg.transpose ins(%[[S]] : tensor<2x3x2xi8>) {{.*}} permutation = [1, 0, 2]
// CHECK: linalg.transpose ins(%[[OC]] : tensor<2x3x4xi8>) {{.*}} permutation = [1, 0, 2]
// CHECK: linalg.transpose ins(%[[OS]] : tensor<2x3x2xi8>) {{.*}} permutation = [1, 0, 2]
// CHECK: linalg.transpose ins(%[[P]] : tensor<2x3x4xi8>) {{.*}} permutation = [1, 0, 2]
// CHECK-NOT: qf.
func.func @transpose(%q: !sq) -> !sqt {
  %t = qf.transpose %q permutation = [1, 0, 2] : !sq -> !sqt
  return %t : !sqt
}

// -----

!sq = !qf.tensor<2x3x64xf32, #qf.format<mxint4, bank = 32, outliers = 2>, axis = 2>
!sqr = !qf.tensor<6x64xf32, #qf.format<mxint4, bank = 32, outliers = 2>, axis = 1>

// A reshape reshapes each storage tensor through 1-D.
// CHECK-LABEL: func.func @reshape
// CHECK-SAME: -> (tensor<6x32xi8>, tensor<6x2xi8>, tensor<6x4xi8>, tensor<6x2xi8>, tensor<6x4xi8>)
// CHECK-COUNT-5: tensor.expand_shape
// CHECK-NOT: qf.
func.func @reshape(%q: !sq) -> !sqr {
  %r = qf.reshape %q : !sq -> !sqr
  return %r : !sqr
}
