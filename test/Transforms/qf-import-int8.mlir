// RUN: qf-opt %s --split-input-file --qf-import-int8 2>/dev/null | FileCheck %s
// RUN: qf-opt %s --split-input-file --qf-import-int8 2>&1 >/dev/null | FileCheck %s --check-prefix=REMARK
// qf-quantize-model alone leaves i8 contractions in place and points here.
// RUN: qf-opt %s --split-input-file --qf-quantize-model 2>&1 >/dev/null | FileCheck %s --check-prefix=QM
// QM: remark: qf-quantize-model: {{linalg\.[a-z_]+}}: not quantized: operands must be f32 tensors (int8 contractions: run qf-import-int8 first)

// quantized_matmul with both zero points: the i8 operands become the codes of
// per-channel int8 tensors with unit scales (A and B blocked along K); the
// zero-point terms are i32 row and column sums.
// CHECK-LABEL: func.func @qmm
// CHECK-SAME: (%[[A:.*]]: tensor<4x64xi8>, %[[B:.*]]: tensor<64x16xi8>, %[[ZA:.*]]: i32, %[[ZB:.*]]: i32, %[[C:.*]]: tensor<4x16xi32>)
// CHECK: %[[ONES_A:.*]] = arith.constant dense<1.000000e+00> : tensor<4x1xf32>
// CHECK: %[[QA:.*]] = qf.unpack %[[A]], %[[ONES_A]] : tensor<4x64xi8>, tensor<4x1xf32> -> !qf.tensor<4x64xf32, #qf.format<elem = i8, block = channel, scale = f32, {{.*}}range = full>, axis = 1>
// CHECK: %[[ONES_B:.*]] = arith.constant dense<1.000000e+00> : tensor<16x1xf32>
// CHECK: %[[QB:.*]] = qf.unpack %[[B]], %[[ONES_B]] : tensor<64x16xi8>, tensor<16x1xf32> -> !qf.tensor<64x16xf32, #qf.format<elem = i8, block = channel, scale = f32, {{.*}}range = full>, axis = 0>
// CHECK: %[[P:.*]] = qf.matmul %[[QA]], %[[QB]] : {{.*}} -> tensor<4x16xf32>
// CHECK: %[[ROW:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]} ins(%[[A]] : tensor<4x64xi8>) outs(%{{.*}} : tensor<4xi32>)
// CHECK: %[[COL:.*]] = linalg.generic {{.*}} iterator_types = ["reduction", "parallel"]} ins(%[[B]] : tensor<64x16xi8>) outs(%{{.*}} : tensor<16xi32>)
// CHECK: %[[KZZ:.*]] = arith.muli %{{.*}}, %[[ZB]] : i32
// CHECK: linalg.generic {{.*}} ins(%[[P]], %[[ROW]], %[[COL]] : tensor<4x16xf32>, tensor<4xi32>, tensor<16xi32>) outs(%[[C]] : tensor<4x16xi32>)
// CHECK: arith.fptosi
// CHECK: arith.muli %[[ZB]]
// CHECK: arith.muli %[[ZA]]
// CHECK: arith.addi %{{.*}}, %[[KZZ]]
// CHECK-NOT: linalg.quantized_matmul
func.func @qmm(%a: tensor<4x64xi8>, %b: tensor<64x16xi8>, %za: i32, %zb: i32, %c: tensor<4x16xi32>) -> tensor<4x16xi32> {
  %r = linalg.quantized_matmul ins(%a, %b, %za, %zb : tensor<4x64xi8>, tensor<64x16xi8>, i32, i32) outs(%c : tensor<4x16xi32>) -> tensor<4x16xi32>
  return %r : tensor<4x16xi32>
}

// -----

// A constant zero B zero point (TFLite's symmetric weights) drops the row
// sums and the K za zb term; batch dimensions stay in front.
// CHECK-LABEL: func.func @qbmm_symmetric_weight
// CHECK: qf.unpack {{.*}} -> !qf.tensor<2x4x64xf32, {{.*}}, axis = 2>
// CHECK: qf.unpack {{.*}} -> !qf.tensor<2x64x16xf32, {{.*}}, axis = 1>
// CHECK: qf.matmul
// CHECK-COUNT-1: iterator_types = ["parallel", "reduction", "parallel"]
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}} : tensor<2x4x16xf32>, tensor<2x16xi32>)
// CHECK-NOT: linalg.quantized_batch_matmul
func.func @qbmm_symmetric_weight(%a: tensor<2x4x64xi8>, %b: tensor<2x64x16xi8>, %c: tensor<2x4x16xi32>) -> tensor<2x4x16xi32> {
  %za = arith.constant -3 : i32
  %zb = arith.constant 0 : i32
  %r = linalg.quantized_batch_matmul ins(%a, %b, %za, %zb : tensor<2x4x64xi8>, tensor<2x64x16xi8>, i32, i32) outs(%c : tensor<2x4x16xi32>) -> tensor<2x4x16xi32>
  return %r : tensor<2x4x16xi32>
}

// -----

// i8 matmul without zero points: only the product and the accumulator.
// CHECK-LABEL: func.func @i8_matmul
// CHECK: %[[P:.*]] = qf.matmul
// CHECK: linalg.generic {{.*}} ins(%[[P]] : tensor<4x16xf32>) outs(%{{.*}} : tensor<4x16xi32>)
// CHECK-NOT: linalg.matmul
func.func @i8_matmul(%a: tensor<4x64xi8>, %b: tensor<64x16xi8>, %c: tensor<4x16xi32>) -> tensor<4x16xi32> {
  %r = linalg.matmul ins(%a, %b : tensor<4x64xi8>, tensor<64x16xi8>) outs(%c : tensor<4x16xi32>) -> tensor<4x16xi32>
  return %r : tensor<4x16xi32>
}

// -----

// K > 1024: one qf.matmul per chunk of at most 1024, summed in i32.
// REMARK: remark: qf-import-int8: K = 2500 is summed in 3 chunks of at most 1024 (f32 sums of i8 products are exact up to 2^24)
// CHECK-LABEL: func.func @long_k
// CHECK: tensor.extract_slice %{{.*}}[0, 0] [2, 1024] [1, 1]
// CHECK: tensor.extract_slice %{{.*}}[0, 0] [1024, 3] [1, 1]
// CHECK: tensor.extract_slice %{{.*}}[0, 2048] [2, 452] [1, 1]
// CHECK: tensor.extract_slice %{{.*}}[2048, 0] [452, 3] [1, 1]
// CHECK: linalg.generic {{.*}} ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<2x3xf32>, tensor<2x3xf32>, tensor<2x3xf32>)
func.func @long_k(%a: tensor<2x2500xi8>, %b: tensor<2500x3xi8>, %c: tensor<2x3xi32>) -> tensor<2x3xi32> {
  %r = linalg.matmul ins(%a, %b : tensor<2x2500xi8>, tensor<2500x3xi8>) outs(%c : tensor<2x3xi32>) -> tensor<2x3xi32>
  return %r : tensor<2x3xi32>
}

// -----

// Left alone with a remark each: depthwise int8 convolutions (convolutions:
// qf-import-int8-conv.mlir), transposed and unsigned integer matmuls, other
// integer types, dynamic shapes.
// REMARK: remark: qf-import-int8: not imported: linalg.depthwise_conv_2d_nhwc_hwcm_q: depthwise convolution: each channel reduces over its kernel window (9 elements) only, one GEMM column per channel; its upstream lowering is kept
// REMARK: remark: qf-import-int8: not imported: linalg.matmul: a transposed (indexing_maps) or unsigned (cast_unsigned) integer matmul
// REMARK: remark: qf-import-int8: not imported: linalg.matmul: a transposed (indexing_maps) or unsigned (cast_unsigned) integer matmul
// REMARK: remark: qf-import-int8: not imported: linalg.matmul: operands must be static i8 tensors with a static i32 accumulator
// REMARK: remark: qf-import-int8: not imported: linalg.quantized_matmul: operands must be static i8 tensors with a static i32 accumulator
// CHECK-LABEL: func.func @left_alone
// CHECK: linalg.depthwise_conv_2d_nhwc_hwcm_q
// CHECK-COUNT-3: linalg.matmul
// CHECK: linalg.quantized_matmul
// CHECK-NOT: qf.matmul
func.func @left_alone(%img: tensor<1x8x8x4xi8>, %dw: tensor<3x3x4x1xi8>, %zp: i32,
                      %dwo: tensor<1x6x6x4x1xi32>,
                      %a: tensor<4x64xi8>, %bt: tensor<16x64xi8>, %b: tensor<64x16xi8>, %c: tensor<4x16xi32>,
                      %a16: tensor<4x64xi16>, %b16: tensor<64x16xi16>, %ad: tensor<?x64xi8>, %cd: tensor<?x16xi32>)
    -> (tensor<1x6x6x4x1xi32>, tensor<4x16xi32>, tensor<4x16xi32>, tensor<4x16xi32>, tensor<?x16xi32>) {
  %1 = linalg.depthwise_conv_2d_nhwc_hwcm_q {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
         ins(%img, %dw, %zp, %zp : tensor<1x8x8x4xi8>, tensor<3x3x4x1xi8>, i32, i32) outs(%dwo : tensor<1x6x6x4x1xi32>) -> tensor<1x6x6x4x1xi32>
  %2 = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
         ins(%a, %bt : tensor<4x64xi8>, tensor<16x64xi8>) outs(%c : tensor<4x16xi32>) -> tensor<4x16xi32>
  %3 = linalg.matmul {cast = #linalg.type_fn<cast_unsigned>} ins(%a, %b : tensor<4x64xi8>, tensor<64x16xi8>) outs(%c : tensor<4x16xi32>) -> tensor<4x16xi32>
  %4 = linalg.matmul ins(%a16, %b16 : tensor<4x64xi16>, tensor<64x16xi16>) outs(%c : tensor<4x16xi32>) -> tensor<4x16xi32>
  %5 = linalg.quantized_matmul ins(%ad, %b, %zp, %zp : tensor<?x64xi8>, tensor<64x16xi8>, i32, i32) outs(%cd : tensor<?x16xi32>) -> tensor<?x16xi32>
  return %1, %2, %3, %4, %5 : tensor<1x6x6x4x1xi32>, tensor<4x16xi32>, tensor<4x16xi32>, tensor<4x16xi32>, tensor<?x16xi32>
}
