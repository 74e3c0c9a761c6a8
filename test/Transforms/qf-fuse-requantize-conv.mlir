// Convolutions from qf-quantize-model: the product is expanded to the image
// layout ([N*H*W, F] -> [N, H, W, F]) before its elementwise consumers. The
// normalization runs those generics on the product's shape (upstream
// fold-reshape-by-collapsing, restricted to expanded qf.matmul results), so
// bias + ReLU meet the GEMM: a quantizing epilogue for a following 1x1
// conv, an f32 one at the end.
// RUN: qf-opt %s --qf-quantize-model --qf-fuse-requantize 2>/dev/null | FileCheck %s

// CHECK-LABEL: func.func @pointwise(
// CHECK: %[[A:.*]] = qf.reshape %{{.*}} -> !qf.tensor<16x64xf32, mxfp8, axis = 1>
// CHECK: %[[H:.*]] = qf.fused_matmul %[[A]], %{{.*}} transpose_b epilogue(%{{.*}} : tensor<64xf32>) {{.*}} -> !qf.tensor<16x64xf32, mxfp8, axis = 1> {
// CHECK: arith.addf
// CHECK: arith.maximumf
// CHECK: %[[Y:.*]] = qf.fused_matmul %[[H]], %{{.*}} transpose_b : {{.*}} -> tensor<16x32xf32> {
// CHECK: arith.maximumf
// CHECK: tensor.expand_shape %[[Y]] {{\[}}[0, 1, 2], [3]] output_shape [1, 4, 4, 32]
// CHECK-NOT: linalg.generic
#id = affine_map<(n, h, w, c) -> (n, h, w, c)>
#bc = affine_map<(n, h, w, c) -> (c)>
func.func @pointwise(%x: tensor<1x4x4x64xf32>) -> tensor<1x4x4x32xf32> {
  %w1 = arith.constant dense<0.25> : tensor<1x1x64x64xf32>
  %b1 = arith.constant dense<0.5> : tensor<64xf32>
  %w2 = arith.constant dense<0.125> : tensor<1x1x64x32xf32>
  %z = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<1x4x4x64xf32>
  %f1 = linalg.fill ins(%z : f32) outs(%e1 : tensor<1x4x4x64xf32>) -> tensor<1x4x4x64xf32>
  %c1 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w1 : tensor<1x4x4x64xf32>, tensor<1x1x64x64xf32>) outs(%f1 : tensor<1x4x4x64xf32>) -> tensor<1x4x4x64xf32>
  %a1 = linalg.generic {indexing_maps = [#id, #bc, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c1, %b1 : tensor<1x4x4x64xf32>, tensor<64xf32>) outs(%e1 : tensor<1x4x4x64xf32>) {
  ^bb0(%v: f32, %b: f32, %o: f32):
    %s = arith.addf %v, %b : f32
    %r = arith.maximumf %s, %z : f32
    linalg.yield %r : f32
  } -> tensor<1x4x4x64xf32>
  %e2 = tensor.empty() : tensor<1x4x4x32xf32>
  %f2 = linalg.fill ins(%z : f32) outs(%e2 : tensor<1x4x4x32xf32>) -> tensor<1x4x4x32xf32>
  %c2 = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%a1, %w2 : tensor<1x4x4x64xf32>, tensor<1x1x64x32xf32>) outs(%f2 : tensor<1x4x4x32xf32>) -> tensor<1x4x4x32xf32>
  %e3 = tensor.empty() : tensor<1x4x4x32xf32>
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%c2 : tensor<1x4x4x32xf32>) outs(%e3 : tensor<1x4x4x32xf32>) {
  ^bb0(%v: f32, %o: f32):
    %r = arith.maximumf %v, %z : f32
    linalg.yield %r : f32
  } -> tensor<1x4x4x32xf32>
  return %y : tensor<1x4x4x32xf32>
}
