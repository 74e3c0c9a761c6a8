// qf-quantize-model on convolutions: im2col (a copying linalg.generic, or a
// reshape for 1x1 windows over [rows, channels] inputs) + qf.matmul with the
// weight as [groups, F, KH*KW*C] blocked along the reduction; the result is
// moved back to the op's output layout.
// RUN: qf-opt %s --qf-quantize-model 2>/dev/null | FileCheck %s
// RUN: qf-opt %s --qf-quantize-model 2>&1 >/dev/null | FileCheck %s --check-prefix=REMARK
// RUN: qf-opt %s --qf-quantize-model="activation-format=none" 2>&1 | FileCheck %s --check-prefix=WONLY
// RUN: qf-opt %s --qf-quantize-model="pad-k=false" 2>&1 | FileCheck %s --check-prefix=NOPAD
// RUN: qf-opt %s --qf-quantize-model="weight-format=nvfp4 activation-format=nvfp4" 2>/dev/null | FileCheck %s --check-prefix=NVFP4
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false" 2>/dev/null | FileCheck %s --check-prefix=NOFOLD
// RUN: qf-opt %s --qf-quantize-model="min-size=5000" 2>&1 | FileCheck %s --check-prefix=MIN
// RUN: qf-opt %s --qf-quantize-model="exclude=conv_2d_nhwc" 2>&1 | FileCheck %s --check-prefix=EXCL

// The gather reads input[n, oh + kh, ow + kw, c] into [n, oh, ow, kh, kw, c];
// K = 3*3*32 = 288 is a multiple of 32, so each block is one channel block of
// one input pixel.
// CHECK-DAG: #[[NHWC:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 + d3, d2 + d4, d5)>
// CHECK-DAG: #[[ID6:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d3, d4, d5)>
// CHECK-DAG: #[[STRIDED:.*]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d5, d1 * 2 + d3 * 2, d2 * 2 + d4 * 2)>
// CHECK-DAG: #[[GROUPED:.*]] = affine_map<(d0, d1, d2, d3, d4, d5, d6) -> (d1, d0, d6, d2 + d4, d3 + d5)>
// CHECK-DAG: #[[CONV1D:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1 + d2, d3)>

// CHECK-LABEL: func.func @nhwc_hwcf(
// CHECK-SAME: %[[X:.*]]: tensor<1x10x10x32xf32>
// CHECK: %[[P:.*]] = linalg.generic {indexing_maps = [#[[NHWC]], #[[ID6]]]{{.*}} ins(%[[X]] : tensor<1x10x10x32xf32>) outs(%{{.*}} : tensor<1x8x8x3x3x32xf32>)
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[P]] {{\[}}[0, 1, 2], [3, 4, 5]] : tensor<1x8x8x3x3x32xf32> into tensor<64x288xf32>
// CHECK: %[[A:.*]] = qf.quantize %[[C]] : tensor<64x288xf32> -> !qf.tensor<64x288xf32, mxfp8, axis = 1>
// CHECK: %[[W:.*]] = qf.constant {{.*}} : !qf.tensor<16x288xf32, mxfp4, axis = 1>
// CHECK: %[[M:.*]] = qf.matmul %[[A]], %[[W]] transpose_b : {{.*}} -> tensor<64x16xf32>
// CHECK: %[[Y:.*]] = tensor.expand_shape %[[M]] {{\[}}[0, 1, 2], [3]] output_shape [1, 8, 8, 16]
// CHECK-NOT: linalg.transpose
// CHECK: return %[[Y]]
func.func @nhwc_hwcf(%x: tensor<1x10x10x32xf32>) -> tensor<1x8x8x16xf32> {
  %w = arith.constant dense<0.5> : tensor<3x3x32x16xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x8x8x16xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x10x10x32xf32>, tensor<3x3x32x16xf32>) outs(%f : tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32>
  return %y : tensor<1x8x8x16xf32>
}

// torch-mlir's form: NCHW, strides and dilations 2, a bias as accumulator.
// K = 3*3*3 = 27 is zero-padded to 32; the [n, oh, ow, f] product is
// transposed to NCHW and the accumulator added.
// CHECK-LABEL: func.func @nchw_fchw(
// CHECK-SAME: %[[X:.*]]: tensor<1x3x12x12xf32>, %[[B:.*]]: tensor<1x8x4x4xf32>
// CHECK: linalg.generic {indexing_maps = [#[[STRIDED]], #[[ID6]]]{{.*}} ins(%[[X]] : tensor<1x3x12x12xf32>) outs(%{{.*}} : tensor<1x4x4x3x3x3xf32>)
// CHECK: tensor.collapse_shape {{.*}} into tensor<16x27xf32>
// CHECK: tensor.pad {{.*}} low[0, 0] high[0, 5]
// CHECK: qf.quantize {{.*}} -> !qf.tensor<16x32xf32, mxfp8, axis = 1>
// CHECK: qf.constant {{.*}} : !qf.tensor<8x32xf32, mxfp4, axis = 1>
// CHECK: %[[M:.*]] = qf.matmul {{.*}} transpose_b {{.*}} -> tensor<16x8xf32>
// CHECK: %[[E:.*]] = tensor.expand_shape %[[M]] {{.*}} : tensor<16x8xf32> into tensor<1x4x4x8xf32>
// CHECK: %[[T:.*]] = linalg.transpose ins(%[[E]] : tensor<1x4x4x8xf32>) outs(%{{.*}} : tensor<1x8x4x4xf32>) permutation = [0, 3, 1, 2]
// CHECK: %[[S:.*]] = linalg.add ins(%[[T]], %[[B]] :
// CHECK: return %[[S]]
// REMARK: remark: qf-quantize-model: linalg.conv_2d_nchw_fchw: K = 27 is zero-padded to 32 for blocks of 32
// NOPAD: remark: qf-quantize-model: linalg.conv_2d_nchw_fchw: not quantized: block size 32 does not divide K = 27 (pad-k=false keeps such contractions in f32)
// NVFP4-LABEL: func.func @nchw_fchw(
// NVFP4: qf.quantize {{.*}} -> !qf.tensor<16x32xf32, nvfp4, axis = 1>
// NVFP4: qf.constant {{.*}} : !qf.tensor<8x32xf32, nvfp4, axis = 1>
func.func @nchw_fchw(%x: tensor<1x3x12x12xf32>, %b: tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
  %w = arith.constant dense<0.5> : tensor<8x3x3x3xf32>
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<2> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %w : tensor<1x3x12x12xf32>, tensor<8x3x3x3xf32>) outs(%b : tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  return %y : tensor<1x8x4x4xf32>
}

// Padding is the tensor.pad before the op; im2col reads the padded tensor.
// CHECK-LABEL: func.func @nhwc_fhwc_pad(
// CHECK: %[[PAD:.*]] = tensor.pad
// CHECK: linalg.generic {indexing_maps = [#[[NHWC]], #[[ID6]]]{{.*}} ins(%[[PAD]] : tensor<1x10x10x32xf32>)
// CHECK: qf.constant {{.*}} : !qf.tensor<16x288xf32, mxfp4, axis = 1>
// CHECK-NOT: linalg.transpose
// CHECK: return
// NOFOLD-LABEL: func.func @nhwc_fhwc_pad(
// NOFOLD: %[[W:.*]] = arith.constant dense<2.500000e-01> : tensor<16x288xf32>
// NOFOLD: qf.quantize %[[W]] : tensor<16x288xf32> -> !qf.tensor<16x288xf32, mxfp4, axis = 1>
// MIN: remark: qf-quantize-model: linalg.conv_2d_nhwc_fhwc: not quantized: the weight has 4608 elements, below min-size=5000
// EXCL: remark: qf-quantize-model: linalg.conv_2d_nhwc_fhwc: not quantized: matches exclude='conv_2d_nhwc'
func.func @nhwc_fhwc_pad(%x: tensor<1x8x8x32xf32>) -> tensor<1x8x8x16xf32> {
  %w = arith.constant dense<0.25> : tensor<16x3x3x32xf32>
  %z = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index, %l: index):
    tensor.yield %z : f32
  } : tensor<1x8x8x32xf32> to tensor<1x10x10x32xf32>
  %e = tensor.empty() : tensor<1x8x8x16xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32>
  %y = linalg.conv_2d_nhwc_fhwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%p, %w : tensor<1x10x10x32xf32>, tensor<16x3x3x32xf32>) outs(%f : tensor<1x8x8x16xf32>) -> tensor<1x8x8x16xf32>
  return %y : tensor<1x8x8x16xf32>
}

// Groups are the batch of a rank-3 qf.matmul.
// CHECK-LABEL: func.func @grouped(
// CHECK: linalg.generic {indexing_maps = [#[[GROUPED]], {{.*}} outs(%{{.*}} : tensor<2x2x4x4x3x3x32xf32>)
// CHECK: tensor.collapse_shape {{.*}} {{\[}}[0], [1, 2, 3], [4, 5, 6]] : tensor<2x2x4x4x3x3x32xf32> into tensor<2x32x288xf32>
// CHECK: qf.quantize {{.*}} -> !qf.tensor<2x32x288xf32, mxfp8, axis = 2>
// CHECK: qf.constant {{.*}} : !qf.tensor<2x8x288xf32, mxfp4, axis = 2>
// CHECK: qf.matmul {{.*}} transpose_b {{.*}} -> tensor<2x32x8xf32>
// CHECK: linalg.transpose {{.*}} permutation = [1, 0, 4, 2, 3]
func.func @grouped(%x: tensor<2x2x32x6x6xf32>) -> tensor<2x2x8x4x4xf32> {
  %w = arith.constant dense<0.25> : tensor<8x2x32x3x3xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x2x8x4x4xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x2x8x4x4xf32>) -> tensor<2x2x8x4x4xf32>
  %y = linalg.conv_2d_ngchw_fgchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<2x2x32x6x6xf32>, tensor<8x2x32x3x3xf32>) outs(%f : tensor<2x2x8x4x4xf32>) -> tensor<2x2x8x4x4xf32>
  return %y : tensor<2x2x8x4x4xf32>
}

// A 1x1 window over NHWC: the patches are the input itself.
// CHECK-LABEL: func.func @pointwise(
// CHECK-SAME: %[[X:.*]]: tensor<1x4x4x64xf32>
// CHECK-NOT: linalg.generic
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[X]] {{\[}}[0, 1, 2], [3]] : tensor<1x4x4x64xf32> into tensor<16x64xf32>
// CHECK: qf.quantize %[[C]]
// CHECK: qf.matmul
func.func @pointwise(%x: tensor<1x4x4x64xf32>) -> tensor<1x4x4x32xf32> {
  %w = arith.constant dense<0.125> : tensor<1x1x64x32xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<1x4x4x32xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<1x4x4x32xf32>) -> tensor<1x4x4x32xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x4x4x64xf32>, tensor<1x1x64x32xf32>) outs(%f : tensor<1x4x4x32xf32>) -> tensor<1x4x4x32xf32>
  return %y : tensor<1x4x4x32xf32>
}

// The same code path takes 1-D (and 3-D) convolutions.
// CHECK-LABEL: func.func @conv1d(
// CHECK: linalg.generic {indexing_maps = [#[[CONV1D]], {{.*}} outs(%{{.*}} : tensor<2x14x3x32xf32>)
// CHECK: qf.matmul {{.*}} -> tensor<28x16xf32>
func.func @conv1d(%x: tensor<2x16x32xf32>) -> tensor<2x14x16xf32> {
  %w = arith.constant dense<0.25> : tensor<3x32x16xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x14x16xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x14x16xf32>) -> tensor<2x14x16xf32>
  %y = linalg.conv_1d_nwc_wcf {dilations = dense<1> : tensor<1xi64>, strides = dense<1> : tensor<1xi64>} ins(%x, %w : tensor<2x16x32xf32>, tensor<3x32x16xf32>) outs(%f : tensor<2x14x16xf32>) -> tensor<2x14x16xf32>
  return %y : tensor<2x14x16xf32>
}

// A filter without data (here an argument) is rearranged and quantized at run
// time, in the weight format.
// CHECK-LABEL: func.func @filter_arg(
// CHECK-SAME: %{{.*}}: tensor<1x32x6x6xf32>, %[[W:.*]]: tensor<8x32x3x3xf32>
// CHECK: %[[T:.*]] = linalg.transpose ins(%[[W]] : tensor<8x32x3x3xf32>) outs(%{{.*}} : tensor<8x3x3x32xf32>) permutation = [0, 2, 3, 1]
// CHECK: %[[C:.*]] = tensor.collapse_shape %[[T]] {{\[}}[0], [1, 2, 3]] : tensor<8x3x3x32xf32> into tensor<8x288xf32>
// CHECK: %[[Q:.*]] = qf.quantize %[[C]] : tensor<8x288xf32> -> !qf.tensor<8x288xf32, mxfp4, axis = 1>
// CHECK: qf.matmul %{{.*}}, %[[Q]] transpose_b
// REMARK: remark: qf-quantize-model: linalg.conv_2d_nchw_fchw: the filter is not a constant with data; it is rearranged and quantized at run time in weight-format
// WONLY: remark: qf-quantize-model: linalg.conv_2d_nchw_fchw: not quantized: no constant weight and activation-format=none (weight-only)
func.func @filter_arg(%x: tensor<1x32x6x6xf32>, %w: tensor<8x32x3x3xf32>, %o: tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32> {
  %y = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x32x6x6xf32>, tensor<8x32x3x3xf32>) outs(%o : tensor<1x8x4x4xf32>) -> tensor<1x8x4x4xf32>
  return %y : tensor<1x8x4x4xf32>
}

// Depthwise convolutions stay in f32, with a remark saying why.
// CHECK-LABEL: func.func @depthwise(
// CHECK: linalg.depthwise_conv_2d_nchw_chw
// CHECK: linalg.depthwise_conv_2d_nhwc_hwc
// REMARK: remark: qf-quantize-model: linalg.depthwise_conv_2d_nchw_chw: not quantized: depthwise convolution: each channel reduces over its kernel window (9 elements) only, one GEMM column per channel; it stays in f32
// REMARK: remark: qf-quantize-model: linalg.depthwise_conv_2d_nhwc_hwc: not quantized: depthwise convolution: each channel reduces over its kernel window (9 elements) only, one GEMM column per channel; it stays in f32
func.func @depthwise(%x: tensor<1x32x10x10xf32>, %w: tensor<32x3x3xf32>, %o: tensor<1x32x8x8xf32>,
                     %x2: tensor<1x10x10x32xf32>, %w2: tensor<3x3x32xf32>, %o2: tensor<1x8x8x32xf32>) -> (tensor<1x32x8x8xf32>, tensor<1x8x8x32xf32>) {
  %y = linalg.depthwise_conv_2d_nchw_chw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x32x10x10xf32>, tensor<32x3x3xf32>) outs(%o : tensor<1x32x8x8xf32>) -> tensor<1x32x8x8xf32>
  %y2 = linalg.depthwise_conv_2d_nhwc_hwc {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x2, %w2 : tensor<1x10x10x32xf32>, tensor<3x3x32xf32>) outs(%o2 : tensor<1x8x8x32xf32>) -> tensor<1x8x8x32xf32>
  return %y, %y2 : tensor<1x32x8x8xf32>, tensor<1x8x8x32xf32>
}

// REMARK: remark: qf-quantize-model: linalg.conv_2d: not quantized: single-channel convolution: each channel reduces over its kernel window (9 elements) only, one GEMM column per channel; it stays in f32
func.func @single_channel(%x: tensor<10x10xf32>, %w: tensor<3x3xf32>, %o: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %y = linalg.conv_2d ins(%x, %w : tensor<10x10xf32>, tensor<3x3xf32>) outs(%o : tensor<8x8xf32>) -> tensor<8x8xf32>
  return %y : tensor<8x8xf32>
}

// REMARK: remark: qf-quantize-model: linalg.conv_2d_nhwc_hwcf: not quantized: dynamic shapes; im2col and blocks need static ones
func.func @dynamic(%x: tensor<?x10x10x32xf32>, %o: tensor<?x8x8x16xf32>) -> tensor<?x8x8x16xf32> {
  %w = arith.constant dense<0.5> : tensor<3x3x32x16xf32>
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<?x10x10x32xf32>, tensor<3x3x32x16xf32>) outs(%o : tensor<?x8x8x16xf32>) -> tensor<?x8x8x16xf32>
  return %y : tensor<?x8x8x16xf32>
}

// REMARK: remark: qf-quantize-model: linalg.conv_2d_nhwc_hwcf: not quantized: operands must be f32 tensors
func.func @f16(%x: tensor<1x10x10x32xf16>, %w: tensor<3x3x32x16xf16>, %o: tensor<1x8x8x16xf16>) -> tensor<1x8x8x16xf16> {
  %y = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%x, %w : tensor<1x10x10x32xf16>, tensor<3x3x32x16xf16>) outs(%o : tensor<1x8x8x16xf16>) -> tensor<1x8x8x16xf16>
  return %y : tensor<1x8x8x16xf16>
}

// Pooling is not a contraction: no remark, not counted.
// CHECK-LABEL: func.func @pool(
// CHECK: linalg.pooling_nchw_sum
func.func @pool(%x: tensor<1x32x6x6xf32>, %o: tensor<1x32x3x3xf32>) -> tensor<1x32x3x3xf32> {
  %k = tensor.empty() : tensor<2x2xf32>
  %y = linalg.pooling_nchw_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%x, %k : tensor<1x32x6x6xf32>, tensor<2x2xf32>) outs(%o : tensor<1x32x3x3xf32>) -> tensor<1x32x3x3xf32>
  return %y : tensor<1x32x3x3xf32>
}

// The summaries.
// REMARK: remark: qf-quantize-model: @nhwc_hwcf: 1 of 1 contractions quantized (1 of 1 convolutions)
// REMARK: remark: qf-quantize-model: @depthwise: 0 of 2 contractions quantized (0 of 2 convolutions); left in f32: 1 linalg.depthwise_conv_2d_nchw_chw, 1 linalg.depthwise_conv_2d_nhwc_hwc
// REMARK: remark: qf-quantize-model: @f16: 0 of 1 contractions quantized (0 of 1 convolutions); left in f32: 1 linalg.conv_2d_nhwc_hwcf
// REMARK-NOT: @pool
// WONLY-LABEL: func.func @nhwc_hwcf(
// WONLY-NOT: qf.quantize
// WONLY: qf.matmul %{{.*}}, %{{.*}} transpose_b : tensor<64x288xf32>, !qf.tensor<16x288xf32, mxfp4, axis = 1>
