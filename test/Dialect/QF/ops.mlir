// RUN: qf-opt %s | qf-opt | FileCheck %s
// RUN: qf-opt %s --mlir-print-op-generic | qf-opt | FileCheck %s

// Every op, every preset and the written-out format syntax round-trip through
// the custom and the generic form.

// CHECK-LABEL: func.func @presets
func.func @presets(%x: tensor<4x64xf32>) {
  // CHECK: qf.quantize %{{.*}} : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp8, axis = 1>
  %0 = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp8, axis = 1>
  // CHECK: !qf.tensor<4x64xf32, mxfp8_e5m2, axis = 1>
  %1 = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp8_e5m2, axis = 1>
  // CHECK: !qf.tensor<4x64xf32, mxfp6, axis = 1>
  %2 = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp6, axis = 1>
  // CHECK: !qf.tensor<4x64xf32, mxfp6_e3m2, axis = 1>
  %3 = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp6_e3m2, axis = 1>
  // CHECK: !qf.tensor<4x64xf32, mxfp4, axis = 1>
  %4 = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp4, axis = 1>
  // CHECK: !qf.tensor<4x64xf32, mxint8, axis = 1>
  %5 = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxint8, axis = 1>
  // CHECK: !qf.tensor<4x64xf32, mxint6, axis = 1>
  %6 = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxint6, axis = 1>
  // CHECK: !qf.tensor<4x64xf32, mxint4, axis = 1>
  %7 = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxint4, axis = 1>
  // CHECK: !qf.tensor<4x64xf32, nvfp4, axis = 1>
  %8 = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, nvfp4, axis = 1>
  // CHECK: !qf.tensor<4x64xf32, nvint4, axis = 1>
  %9 = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, nvint4, axis = 1>
  // CHECK: !qf.tensor<4x64xf32, int8_channel, axis = 0>
  %10 = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, int8_channel, axis = 0>
  // CHECK: !qf.tensor<4x64xf32, fp8_tensor>
  %11 = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, fp8_tensor>
  // The #qf.format<name> spelling is the same attribute as the bare name.
  // CHECK: !qf.tensor<4x64xf32, mxfp4, axis = 1>
  %12 = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, #qf.format<mxfp4>, axis = 1>
  // Omitting the axis means the last one.
  // CHECK: !qf.tensor<4x64xf32, mxfp4, axis = 1>
  %13 = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp4>
  return
}

// A preset with overrides prints written out, unless it equals a preset.
#e3m2 = #qf.format<elem = f6E3M2FN, block = 16, scale = f8E8M0FNU, rule = ceil>
#fp4ceil = #qf.format<mxfp4, rule = ceil>
#asmxfp8 = #qf.format<elem = f8E4M3FN, block = 32, scale = f8E8M0FNU>
#int5 = #qf.format<elem = i5, block = 8, scale = bf16, rounding = away, range = full>
#fp4f16 = #qf.format<elem = f4E2M1FN, block = 16, scale = f16, tensor_scale = f32>
#chan = #qf.format<elem = f8E5M2, block = channel, scale = f8E8M0FNU, rule = even>

// CHECK-LABEL: func.func @written_out
func.func @written_out(%x: tensor<4x64xf32>) {
  // CHECK: #qf.format<elem = f6E3M2FN, block = 16, scale = f8E8M0FNU, rule = ceil, rounding = even>, axis = 1>
  %0 = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, #e3m2, axis = 1>
  // CHECK: #qf.format<elem = f4E2M1FN, block = 32, scale = f8E8M0FNU, rule = ceil, rounding = even>, axis = 1>
  %1 = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, #fp4ceil, axis = 1>
  // CHECK: !qf.tensor<4x64xf32, mxfp8, axis = 1>
  %2 = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, #asmxfp8, axis = 1>
  // CHECK: #qf.format<elem = i5, block = 8, scale = bf16, rounding = away, range = full>, axis = 1>
  %3 = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, #int5, axis = 1>
  // CHECK: #qf.format<elem = f4E2M1FN, block = 16, scale = f16, rounding = even, tensor_scale = f32>, axis = 1>
  %4 = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, #fp4f16, axis = 1>
  // CHECK: #qf.format<elem = f8E5M2, block = channel, scale = f8E8M0FNU, rule = even, rounding = even>, axis = 0>
  %5 = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, #chan, axis = 0>
  return
}

// CHECK-LABEL: func.func @all_ops
func.func @all_ops(%x: tensor<?x64xf32>, %w: tensor<64x16xf32>,
                   %codes: tensor<16x32xi8>, %sc: tensor<16x4xi8>,
                   %g: tensor<f32>, %s8: tensor<?x2xi8>) -> tensor<?x16xf32> {
  // Dynamic non-blocked dimension.
  // CHECK: %[[Q:.*]] = qf.quantize %{{.*}} : tensor<?x64xf32> -> !qf.tensor<?x64xf32, mxfp8, axis = 1>
  %q = qf.quantize %x : tensor<?x64xf32> -> !qf.tensor<?x64xf32, mxfp8, axis = 1>
  // CHECK: qf.quantize %{{.*}} scales(%{{.*}} : tensor<?x2xi8>) : tensor<?x64xf32> -> !qf.tensor<?x64xf32, mxfp8, axis = 1>
  %qs = qf.quantize %x scales(%s8 : tensor<?x2xi8>) : tensor<?x64xf32> -> !qf.tensor<?x64xf32, mxfp8, axis = 1>
  // CHECK: qf.dequantize %[[Q]] : !qf.tensor<?x64xf32, mxfp8, axis = 1> -> tensor<?x64xf32>
  %d = qf.dequantize %q : !qf.tensor<?x64xf32, mxfp8, axis = 1> -> tensor<?x64xf32>
  // CHECK: qf.requantize %[[Q]] : !qf.tensor<?x64xf32, mxfp8, axis = 1> -> !qf.tensor<?x64xf32, mxfp4, axis = 1>
  %r = qf.requantize %q : !qf.tensor<?x64xf32, mxfp8, axis = 1> -> !qf.tensor<?x64xf32, mxfp4, axis = 1>
  // CHECK: %{{.*}}, %{{.*}} = qf.pack %{{.*}} : !qf.tensor<?x64xf32, mxfp4, axis = 1> -> tensor<?x32xi8>, tensor<?x2xi8>
  %p:2 = qf.pack %r : !qf.tensor<?x64xf32, mxfp4, axis = 1> -> tensor<?x32xi8>, tensor<?x2xi8>
  // CHECK: %[[U:.*]] = qf.unpack %{{.*}}, %{{.*}}, %{{.*}} : tensor<16x32xi8>, tensor<16x4xi8>, tensor<f32> -> !qf.tensor<16x64xf32, nvfp4, axis = 1>
  %u = qf.unpack %codes, %sc, %g : tensor<16x32xi8>, tensor<16x4xi8>, tensor<f32> -> !qf.tensor<16x64xf32, nvfp4, axis = 1>
  // CHECK: %{{.*}}, %{{.*}}, %{{.*}} = qf.pack %[[U]] : !qf.tensor<16x64xf32, nvfp4, axis = 1> -> tensor<16x32xi8>, tensor<16x4xi8>, tensor<f32>
  %p3:3 = qf.pack %u : !qf.tensor<16x64xf32, nvfp4, axis = 1> -> tensor<16x32xi8>, tensor<16x4xi8>, tensor<f32>
  // CHECK: %[[H:.*]] = qf.hadamard %{{.*}} axis = 1 block = 32 : tensor<?x64xf32>
  %h = qf.hadamard %d axis = 1 block = 32 : tensor<?x64xf32>
  // CHECK: qf.hadamard %{{.*}} axis = 1 block = 64 seed = 7 : tensor<?x64xf32>
  %h2 = qf.hadamard %h axis = 1 block = 64 seed = 7 : tensor<?x64xf32>
  // CHECK: %[[O:.*]] = qf.observe "layer0.input" %{{.*}} : tensor<?x64xf32>
  %o = qf.observe "layer0.input" %h2 : tensor<?x64xf32>
  // CHECK: qf.matmul %[[Q]], %{{.*}} : !qf.tensor<?x64xf32, mxfp8, axis = 1>, tensor<64x16xf32> -> tensor<?x16xf32>
  %m = qf.matmul %q, %w : !qf.tensor<?x64xf32, mxfp8, axis = 1>, tensor<64x16xf32> -> tensor<?x16xf32>
  // CHECK: qf.matmul %[[O]], %[[U]] transpose_b : tensor<?x64xf32>, !qf.tensor<16x64xf32, nvfp4, axis = 1> -> tensor<?x16xf32>
  %m2 = qf.matmul %o, %u transpose_b : tensor<?x64xf32>, !qf.tensor<16x64xf32, nvfp4, axis = 1> -> tensor<?x16xf32>
  return %m2 : tensor<?x16xf32>
}

// CHECK-LABEL: func.func @matmul_forms
func.func @matmul_forms(%a: !qf.tensor<2x8x64xf32, mxfp8, axis = 2>,
                        %b: !qf.tensor<2x64x16xf32, mxint8, axis = 1>,
                        %c: !qf.tensor<64x16xf32, int8_channel, axis = 0>,
                        %x: tensor<8x64xbf16>,
                        %t: !qf.tensor<8x64xf32, fp8_tensor>) {
  // CHECK: qf.matmul %{{.*}}, %{{.*}} : !qf.tensor<2x8x64xf32, mxfp8, axis = 2>, !qf.tensor<2x64x16xf32, mxint8, axis = 1> -> tensor<2x8x16xf32>
  %0 = qf.matmul %a, %b : !qf.tensor<2x8x64xf32, mxfp8, axis = 2>, !qf.tensor<2x64x16xf32, mxint8, axis = 1> -> tensor<2x8x16xf32>
  // CHECK: qf.matmul %{{.*}}, %{{.*}} : tensor<8x64xbf16>, !qf.tensor<64x16xf32, int8_channel, axis = 0> -> tensor<8x16xf32>
  %1 = qf.matmul %x, %c : tensor<8x64xbf16>, !qf.tensor<64x16xf32, int8_channel, axis = 0> -> tensor<8x16xf32>
  // CHECK: qf.matmul %{{.*}}, %{{.*}} : !qf.tensor<8x64xf32, fp8_tensor>, !qf.tensor<64x16xf32, int8_channel, axis = 0> -> tensor<8x16xf32>
  %2 = qf.matmul %t, %c : !qf.tensor<8x64xf32, fp8_tensor>, !qf.tensor<64x16xf32, int8_channel, axis = 0> -> tensor<8x16xf32>
  return
}

// Expressed types other than f32, and storage types of f16/bf16/f32 scales.
// CHECK-LABEL: func.func @storage_types
func.func @storage_types(%x: tensor<4x32xbf16>, %s: tensor<4x1xf32>,
                         %h: tensor<4x2xf16>, %g: tensor<f32>) {
  // CHECK: qf.quantize %{{.*}} : tensor<4x32xbf16> -> !qf.tensor<4x32xbf16, mxfp4, axis = 1>
  %0 = qf.quantize %x : tensor<4x32xbf16> -> !qf.tensor<4x32xbf16, mxfp4, axis = 1>
  // CHECK: qf.dequantize %{{.*}} : !qf.tensor<4x32xbf16, mxfp4, axis = 1> -> tensor<4x32xbf16>
  %1 = qf.dequantize %0 : !qf.tensor<4x32xbf16, mxfp4, axis = 1> -> tensor<4x32xbf16>
  %f = arith.extf %x : tensor<4x32xbf16> to tensor<4x32xf32>
  // CHECK: qf.quantize %{{.*}} scales(%{{.*}} : tensor<4x1xf32>) : tensor<4x32xf32> -> !qf.tensor<4x32xf32, int8_channel, axis = 1>
  %2 = qf.quantize %f scales(%s : tensor<4x1xf32>) : tensor<4x32xf32> -> !qf.tensor<4x32xf32, int8_channel, axis = 1>
  // CHECK: qf.quantize %{{.*}} scales(%{{.*}} : tensor<4x2xf16>) tensor_scale(%{{.*}} : tensor<f32>) : tensor<4x32xf32> -> !qf.tensor<4x32xf32, #qf.format<elem = f4E2M1FN, block = 16, scale = f16, rounding = even, tensor_scale = f32>, axis = 1>
  %3 = qf.quantize %f scales(%h : tensor<4x2xf16>) tensor_scale(%g : tensor<f32>) : tensor<4x32xf32> -> !qf.tensor<4x32xf32, #qf.format<elem = f4E2M1FN, block = 16, scale = f16, tensor_scale = f32>, axis = 1>
  // A given tensor scale alone: the block scales stay data-dependent (D28).
  // CHECK: qf.quantize %{{.*}} tensor_scale(%{{.*}} : tensor<f32>) : tensor<4x32xf32> -> !qf.tensor<4x32xf32, nvfp4, axis = 1>
  %4 = qf.quantize %f tensor_scale(%g : tensor<f32>) : tensor<4x32xf32> -> !qf.tensor<4x32xf32, nvfp4, axis = 1>
  return
}

// CHECK-LABEL: func.func @constants
func.func @constants() -> (!qf.tensor<2x32xf32, mxfp4, axis = 1>, !qf.tensor<16xf32, nvfp4, axis = 0>, !qf.tensor<2x4xf32, int8_channel, axis = 1>) {
  // CHECK: qf.constant codes {{\[}}[0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F,
  // CHECK-SAME: scales {{\[}}[0x7F], [0x80]] : !qf.tensor<2x32xf32, mxfp4, axis = 1>
  %0 = qf.constant codes [[0x0, 0x1, 0x2, 0x3, 0x4, 0x5, 0x6, 0x7, 0x8, 0x9, 0xA, 0xB, 0xC, 0xD, 0xE, 0xF,
                           0x0, 0x1, 0x2, 0x3, 0x4, 0x5, 0x6, 0x7, 0x8, 0x9, 0xA, 0xB, 0xC, 0xD, 0xE, 0xF],
                          [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
                           0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]]
                   scales [[0x7F], [128]] : !qf.tensor<2x32xf32, mxfp4, axis = 1>
  // CHECK: qf.constant codes [0x07, 0x0F, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00] scales [0x7E] tensor_scale 2.500000e-01 : !qf.tensor<16xf32, nvfp4, axis = 0>
  %1 = qf.constant codes [7, 15, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] scales [0x7E]
                   tensor_scale 0.25 : !qf.tensor<16xf32, nvfp4, axis = 0>
  // Float scales are a typed dense attribute.
  // CHECK: qf.constant codes {{\[}}[0x7F, 0x81, 0x00, 0x01], [0x02, 0x03, 0x04, 0x05]] scales dense<{{\[}}[1.000000e+00], [5.000000e-01]]> : tensor<2x1xf32> : !qf.tensor<2x4xf32, int8_channel, axis = 1>
  %2 = qf.constant codes [[0x7F, 0x81, 0, 1], [2, 3, 4, 5]] scales dense<[[1.0], [0.5]]> : tensor<2x1xf32> : !qf.tensor<2x4xf32, int8_channel, axis = 1>
  return %0, %1, %2 : !qf.tensor<2x32xf32, mxfp4, axis = 1>, !qf.tensor<16xf32, nvfp4, axis = 0>, !qf.tensor<2x4xf32, int8_channel, axis = 1>
}

// Empty and rank-0 tensors.
// CHECK-LABEL: func.func @edge_shapes
// CHECK: qf.constant codes dense<> : tensor<0x32xi8> scales dense<> : tensor<0x1xi8> : !qf.tensor<0x32xf32, mxfp4, axis = 1>
// CHECK: qf.quantize %{{.*}} : tensor<f32> -> !qf.tensor<f32, fp8_tensor>
func.func @edge_shapes(%s: tensor<f32>) -> (!qf.tensor<0x32xf32, mxfp4, axis = 1>, !qf.tensor<f32, fp8_tensor>) {
  %0 = qf.constant codes dense<> : tensor<0x32xi8> scales dense<> : tensor<0x1xi8> : !qf.tensor<0x32xf32, mxfp4, axis = 1>
  %1 = qf.quantize %s : tensor<f32> -> !qf.tensor<f32, fp8_tensor>
  return %0, %1 : !qf.tensor<0x32xf32, mxfp4, axis = 1>, !qf.tensor<f32, fp8_tensor>
}
