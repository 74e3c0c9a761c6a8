// RUN: qf-opt %s --canonicalize --split-input-file | FileCheck %s

// Folding of qf ops on constants goes through the numerics library. The
// expected codes, scale bytes and values below are the spec vectors of
// docs/numerics.md section 10 (input V1_sin), so the folders are checked against
// the spec, not against themselves.

// CHECK-LABEL: func.func @mxfp4_spec_vector
// CHECK: qf.constant codes [0x00, 0x00, 0x01, 0x00, 0x0B, 0x0E, 0x0C, 0x00, 0x00, 0x00, 0x09, 0x0C, 0x0C, 0x05, 0x00, 0x00, 0x08, 0x0A, 0x0B, 0x01, 0x07, 0x00, 0x08, 0x09, 0x0A, 0x09, 0x05, 0x07, 0x00, 0x08, 0x09, 0x09] scales [0x82] : !qf.tensor<32xf32, mxfp4, axis = 0>
func.func @mxfp4_spec_vector() -> !qf.tensor<32xf32, mxfp4, axis = 0> {
  %c = arith.constant dense<[0.0, 1.6829419136047363, 3.6371896266937256, 1.1289600133895874, -12.108839988708496, -30.685577392578125, -17.882591247558594, 0.6569865942001343, 1.978716492652893, 1.6484739780426025, -4.352169036865234, -15.99984359741211, -17.170333862304688, 26.890689849853516, 0.9906073808670044, 1.3005757331848145, -1.1516132354736328, -7.6911797523498535, -12.015795707702637, 4.796070575714111, 58.428497314453125, 0.8366556167602539, -0.01770261861383915, -3.3848817348480225, -7.244626998901367, -2.1176280975341797, 24.401870727539062, 61.20806121826172, 0.2709057927131653, -1.3272677659988403, -3.9521265029907227, -3.2323012351989746]> : tensor<32xf32>
  %q = qf.quantize %c : tensor<32xf32> -> !qf.tensor<32xf32, mxfp4, axis = 0>
  return %q : !qf.tensor<32xf32, mxfp4, axis = 0>
}

// CHECK-LABEL: func.func @mxint8_spec_vector
// CHECK: qf.constant codes [0x00, 0x03, 0x07, 0x02, 0xE8, 0xC3, 0xDC, 0x01, 0x04, 0x03, 0xF7, 0xE0, 0xDE, 0x36, 0x02, 0x03, 0xFE, 0xF1, 0xE8, 0x0A, 0x75, 0x02, 0x00, 0xF9, 0xF2, 0xFC, 0x31, 0x7A, 0x01, 0xFD, 0xF8, 0xFA] scales [0x84] : !qf.tensor<32xf32, mxint8, axis = 0>
func.func @mxint8_spec_vector() -> !qf.tensor<32xf32, mxint8, axis = 0> {
  %c = arith.constant dense<[0.0, 1.6829419136047363, 3.6371896266937256, 1.1289600133895874, -12.108839988708496, -30.685577392578125, -17.882591247558594, 0.6569865942001343, 1.978716492652893, 1.6484739780426025, -4.352169036865234, -15.99984359741211, -17.170333862304688, 26.890689849853516, 0.9906073808670044, 1.3005757331848145, -1.1516132354736328, -7.6911797523498535, -12.015795707702637, 4.796070575714111, 58.428497314453125, 0.8366556167602539, -0.01770261861383915, -3.3848817348480225, -7.244626998901367, -2.1176280975341797, 24.401870727539062, 61.20806121826172, 0.2709057927131653, -1.3272677659988403, -3.9521265029907227, -3.2323012351989746]> : tensor<32xf32>
  %q = qf.quantize %c : tensor<32xf32> -> !qf.tensor<32xf32, mxint8, axis = 0>
  return %q : !qf.tensor<32xf32, mxint8, axis = 0>
}

// Quantize then dequantize folds to the decoded spec values.
// CHECK-LABEL: func.func @mxfp8_spec_vector_roundtrip
// CHECK: arith.constant dense<[0.000000e+00, 1.625000e+00, 3.750000e+00, 1.125000e+00, -1.200000e+01, -3.000000e+01, -1.800000e+01, 6.875000e-01, 2.000000e+00, 1.625000e+00, -4.500000e+00, -1.600000e+01, -1.800000e+01, 2.600000e+01, 1.000000e+00, 1.250000e+00, -1.125000e+00, -7.500000e+00, -1.200000e+01, 5.000000e+00, 5.600000e+01, 8.125000e-01, -0.017578125, -3.500000e+00, -7.000000e+00, -2.000000e+00, 2.400000e+01, 5.600000e+01, 2.812500e-01, -1.375000e+00, -4.000000e+00, -3.250000e+00]> : tensor<32xf32>
// CHECK-NOT: qf.
func.func @mxfp8_spec_vector_roundtrip() -> tensor<32xf32> {
  %c = arith.constant dense<[0.0, 1.6829419136047363, 3.6371896266937256, 1.1289600133895874, -12.108839988708496, -30.685577392578125, -17.882591247558594, 0.6569865942001343, 1.978716492652893, 1.6484739780426025, -4.352169036865234, -15.99984359741211, -17.170333862304688, 26.890689849853516, 0.9906073808670044, 1.3005757331848145, -1.1516132354736328, -7.6911797523498535, -12.015795707702637, 4.796070575714111, 58.428497314453125, 0.8366556167602539, -0.01770261861383915, -3.3848817348480225, -7.244626998901367, -2.1176280975341797, 24.401870727539062, 61.20806121826172, 0.2709057927131653, -1.3272677659988403, -3.9521265029907227, -3.2323012351989746]> : tensor<32xf32>
  %q = qf.quantize %c : tensor<32xf32> -> !qf.tensor<32xf32, mxfp8, axis = 0>
  %d = qf.dequantize %q : !qf.tensor<32xf32, mxfp8, axis = 0> -> tensor<32xf32>
  return %d : tensor<32xf32>
}

// NVFP4: E4M3 block scales 224 (0x76) and 448 (0x7E), FP32 decode scale
// g = fp32(1/S_enc) = 0x3CBA89F3.
// CHECK-LABEL: func.func @nvfp4_spec_vector
// CHECK: qf.constant codes [0x00, 0x01, 0x01, 0x00, 0x0C, 0x0F, 0x0E, 0x00, 0x01, 0x01, 0x0A, 0x0D, 0x0D, 0x07, 0x00, 0x01, 0x08, 0x0A, 0x0A, 0x01, 0x07, 0x00, 0x08, 0x09, 0x09, 0x08, 0x04, 0x07, 0x00, 0x08, 0x09, 0x09] scales [0x76, 0x7E] tensor_scale 0.0227708574 : !qf.tensor<32xf32, nvfp4, axis = 0>
func.func @nvfp4_spec_vector() -> !qf.tensor<32xf32, nvfp4, axis = 0> {
  %c = arith.constant dense<[0.0, 1.6829419136047363, 3.6371896266937256, 1.1289600133895874, -12.108839988708496, -30.685577392578125, -17.882591247558594, 0.6569865942001343, 1.978716492652893, 1.6484739780426025, -4.352169036865234, -15.99984359741211, -17.170333862304688, 26.890689849853516, 0.9906073808670044, 1.3005757331848145, -1.1516132354736328, -7.6911797523498535, -12.015795707702637, 4.796070575714111, 58.428497314453125, 0.8366556167602539, -0.01770261861383915, -3.3848817348480225, -7.244626998901367, -2.1176280975341797, 24.401870727539062, 61.20806121826172, 0.2709057927131653, -1.3272677659988403, -3.9521265029907227, -3.2323012351989746]> : tensor<32xf32>
  %q = qf.quantize %c : tensor<32xf32> -> !qf.tensor<32xf32, nvfp4, axis = 0>
  return %q : !qf.tensor<32xf32, nvfp4, axis = 0>
}

// A format written in this file: E3M2 elements, blocks of 16, CEIL scale
// rule. Block 0 has amax 30.69 > 28 * 2^0, so CEIL picks 2^1 (0x80) where
// FLOOR would pick 2^0; block 1 has amax 61.2 > 28 * 2^1, giving 2^2 (0x81).
// E.g. x1 = 1.683 / 2 = 0.841 -> 0.875 (0x0B) -> 1.75; x5 = -30.69 / 2 ->
// -16 (0x3C) -> -32; x27 = 61.2 / 4 = 15.3 -> 16 (0x1C) -> 64.
#e3m2 = #qf.format<elem = f6E3M2FN, block = 16, scale = f8E8M0FNU, rule = ceil>

// CHECK-LABEL: func.func @user_format
// CHECK: qf.constant codes [0x00, 0x0B, 0x0F, 0x09, 0x36, 0x3C, 0x38, 0x05, 0x0C, 0x0B, 0x30, 0x38, 0x38, 0x1B, 0x08, 0x09, 0x25, 0x30, 0x32, 0x0D, 0x1B, 0x03, 0x20, 0x2B, 0x2F, 0x28, 0x16, 0x1C, 0x01, 0x25, 0x2C, 0x2A] scales [0x80, 0x81]
// CHECK: arith.constant dense<[0.000000e+00, 1.750000e+00, 3.500000e+00, 1.250000e+00, -1.200000e+01, -3.200000e+01, -1.600000e+01, 6.250000e-01, 2.000000e+00, 1.750000e+00, -4.000000e+00, -1.600000e+01, -1.600000e+01, 2.800000e+01, 1.000000e+00, 1.250000e+00, -1.250000e+00, -8.000000e+00, -1.200000e+01, 5.000000e+00, 5.600000e+01, 7.500000e-01, -0.000000e+00, -3.500000e+00, -7.000000e+00, -2.000000e+00, 2.400000e+01, 6.400000e+01, 2.500000e-01, -1.250000e+00, -4.000000e+00, -3.000000e+00]> : tensor<32xf32>
func.func @user_format() -> (!qf.tensor<32xf32, #e3m2, axis = 0>, tensor<32xf32>) {
  %c = arith.constant dense<[0.0, 1.6829419136047363, 3.6371896266937256, 1.1289600133895874, -12.108839988708496, -30.685577392578125, -17.882591247558594, 0.6569865942001343, 1.978716492652893, 1.6484739780426025, -4.352169036865234, -15.99984359741211, -17.170333862304688, 26.890689849853516, 0.9906073808670044, 1.3005757331848145, -1.1516132354736328, -7.6911797523498535, -12.015795707702637, 4.796070575714111, 58.428497314453125, 0.8366556167602539, -0.01770261861383915, -3.3848817348480225, -7.244626998901367, -2.1176280975341797, 24.401870727539062, 61.20806121826172, 0.2709057927131653, -1.3272677659988403, -3.9521265029907227, -3.2323012351989746]> : tensor<32xf32>
  %q = qf.quantize %c : tensor<32xf32> -> !qf.tensor<32xf32, #e3m2, axis = 0>
  %d = qf.dequantize %q : !qf.tensor<32xf32, #e3m2, axis = 0> -> tensor<32xf32>
  return %q, %d : !qf.tensor<32xf32, #e3m2, axis = 0>, tensor<32xf32>
}

// -----

// Weights stored as dense_resource<> blobs fold too. amax 3 has exponent 1,
// E2M1's emax is 2, so X = 2^-1 (0x7E): 1, -2, 3, 0.5 -> 2, -4, 6, 1.
// CHECK-LABEL: func.func @resource_weights
// CHECK: qf.constant codes [0x04, 0x0E, 0x07, 0x02, 0x04, 0x0E, 0x07, 0x02,
// CHECK-SAME: scales [0x7E]
func.func @resource_weights() -> !qf.tensor<32xf32, mxfp4, axis = 0> {
  %c = arith.constant dense_resource<w0> : tensor<32xf32>
  %q = qf.quantize %c : tensor<32xf32> -> !qf.tensor<32xf32, mxfp4, axis = 0>
  return %q : !qf.tensor<32xf32, mxfp4, axis = 0>
}

{-#
  dialect_resources: {
    builtin: {
      w0: "0x040000000000803f000000c0000040400000003f0000803f000000c0000040400000003f0000803f000000c0000040400000003f0000803f000000c0000040400000003f0000803f000000c0000040400000003f0000803f000000c0000040400000003f0000803f000000c0000040400000003f0000803f000000c0000040400000003f"
    }
  }
#-}

// -----

// An elided resource has no data: nothing folds, the op stays.
// CHECK-LABEL: func.func @elided_resource
// CHECK: qf.quantize
func.func @elided_resource() -> !qf.tensor<32xf32, mxfp4, axis = 0> {
  %c = arith.constant dense_resource<__elided__> : tensor<32xf32>
  %q = qf.quantize %c : tensor<32xf32> -> !qf.tensor<32xf32, mxfp4, axis = 0>
  return %q : !qf.tensor<32xf32, mxfp4, axis = 0>
}

// -----

// Static (calibrated) scales: the given scale 2^0 (0x7F) is used although
// the data alone would pick 2^1, so -10 and 9 saturate to E2M3's +-7.5.
// CHECK-LABEL: func.func @static_scales
// CHECK: arith.constant dense<[1.000000e+00, -7.500000e+00, 7.500000e+00, 5.000000e-01]> : tensor<4xf32>
func.func @static_scales() -> tensor<4xf32> {
  %c = arith.constant dense<[1.0, -10.0, 9.0, 0.5]> : tensor<4xf32>
  %s = arith.constant dense<[0x7F]> : tensor<1xi8>
  %q = qf.quantize %c scales(%s : tensor<1xi8>) : tensor<4xf32> -> !qf.tensor<4xf32, #qf.format<elem = f6E2M3FN, block = 4>, axis = 0>
  %d = qf.dequantize %q : !qf.tensor<4xf32, #qf.format<elem = f6E2M3FN, block = 4>, axis = 0> -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

// Static per-channel f32 scales with an int8 element: q = round(x * fp32(1/s)).
// CHECK-LABEL: func.func @static_channel_scales
// CHECK: qf.constant codes {{\[}}[0x04, 0xFC], [0x7F, 0x81]] scales dense<{{\[}}[2.500000e-01], [1.000000e+00]]> : tensor<2x1xf32>
func.func @static_channel_scales() -> !qf.tensor<2x2xf32, int8_channel, axis = 1> {
  %c = arith.constant dense<[[1.0, -1.0], [300.0, -300.0]]> : tensor<2x2xf32>
  %s = arith.constant dense<[[0.25], [1.0]]> : tensor<2x1xf32>
  %q = qf.quantize %c scales(%s : tensor<2x1xf32>) : tensor<2x2xf32> -> !qf.tensor<2x2xf32, int8_channel, axis = 1>
  return %q : !qf.tensor<2x2xf32, int8_channel, axis = 1>
}

// -----

// Blocks along axis 0 of a 2-D tensor: the scales have the blocked axis
// innermost (D12), one row of scales per column of the data. MX INT4 codes
// are k with value k * 2^-2: column 0 (amax 1) gets X = 2^0, column 1
// (amax 4) X = 2^2; both encode 1.0 * X as k = 4.
// CHECK-LABEL: func.func @blocked_axis_0
// CHECK: qf.constant codes {{\[}}[0x04, 0x04], [0x04, 0x04], [0x04, 0x04], [0x04, 0x04]] scales {{\[}}[0x7F], [0x81]] : !qf.tensor<4x2xf32, #qf.format<elem = i4, block = 4, scale = f8E8M0FNU, rule = floor, rounding = even, range = sym>, axis = 0>
func.func @blocked_axis_0() -> !qf.tensor<4x2xf32, #qf.format<elem = i4, block = 4>, axis = 0> {
  %c = arith.constant dense<[[1.0, 4.0], [1.0, 4.0], [1.0, 4.0], [1.0, 4.0]]> : tensor<4x2xf32>
  %q = qf.quantize %c : tensor<4x2xf32> -> !qf.tensor<4x2xf32, #qf.format<elem = i4, block = 4>, axis = 0>
  return %q : !qf.tensor<4x2xf32, #qf.format<elem = i4, block = 4>, axis = 0>
}

// -----

// Requantize of a constant: mxint8 -> mxfp4 through the decoded values.
// CHECK-LABEL: func.func @requantize_constant
// CHECK: qf.constant codes [0x04, 0x0E, 0x07, 0x02, 0x04, 0x0E, 0x07, 0x02,
// CHECK-SAME: scales [0x7E] : !qf.tensor<32xf32, mxfp4, axis = 0>
// CHECK-NOT: qf.requantize
func.func @requantize_constant() -> !qf.tensor<32xf32, mxfp4, axis = 0> {
  %c = arith.constant dense<[1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5]> : tensor<32xf32>
  %q = qf.quantize %c : tensor<32xf32> -> !qf.tensor<32xf32, mxint8, axis = 0>
  %r = qf.requantize %q : !qf.tensor<32xf32, mxint8, axis = 0> -> !qf.tensor<32xf32, mxfp4, axis = 0>
  return %r : !qf.tensor<32xf32, mxfp4, axis = 0>
}

// -----

// Packing a constant follows D10: element 2i in the low nibble. Codes
// 0x4, 0xE, 0x7, 0x2 pack to 0xE4 (-28) and 0x27 (39).
// CHECK-LABEL: func.func @pack_constant
// CHECK-DAG: arith.constant dense<[-28, 39, -28, 39, -28, 39, -28, 39, -28, 39, -28, 39, -28, 39, -28, 39]> : tensor<16xi8>
// CHECK-DAG: arith.constant dense<126> : tensor<1xi8>
func.func @pack_constant() -> (tensor<16xi8>, tensor<1xi8>) {
  %c = arith.constant dense<[1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5]> : tensor<32xf32>
  %q = qf.quantize %c : tensor<32xf32> -> !qf.tensor<32xf32, mxfp4, axis = 0>
  %p, %s = qf.pack %q : !qf.tensor<32xf32, mxfp4, axis = 0> -> tensor<16xi8>, tensor<1xi8>
  return %p, %s : tensor<16xi8>, tensor<1xi8>
}

// -----

// Unpacking constant storage gives a qf.constant; D11 6-bit packing: codes
// 1, 2, 3, 4 fill three bytes as 0x81 0x30 0x10.
// CHECK-LABEL: func.func @unpack_constant
// CHECK: qf.constant codes [0x01, 0x02, 0x03, 0x04] scales [0x7F] : !qf.tensor<4xf32, #qf.format<elem = f6E2M3FN, block = 4, scale = f8E8M0FNU, rule = floor, rounding = even>, axis = 0>
func.func @unpack_constant() -> !qf.tensor<4xf32, #qf.format<elem = f6E2M3FN, block = 4>, axis = 0> {
  %p = arith.constant dense<[0x81, 0x30, 0x10]> : tensor<3xi8>
  %s = arith.constant dense<[0x7F]> : tensor<1xi8>
  %q = qf.unpack %p, %s : tensor<3xi8>, tensor<1xi8> -> !qf.tensor<4xf32, #qf.format<elem = f6E2M3FN, block = 4>, axis = 0>
  return %q : !qf.tensor<4xf32, #qf.format<elem = f6E2M3FN, block = 4>, axis = 0>
}

// -----

// pack(unpack(a, b, c)) is (a, b, c); unpack(pack(q)) is q.
// CHECK-LABEL: func.func @pack_unpack_roundtrip
// CHECK-SAME: (%[[P:.*]]: tensor<4x8xi8>, %[[S:.*]]: tensor<4x1xi8>, %[[G:.*]]: tensor<f32>, %[[Q:.*]]: !qf.tensor
// CHECK-NOT: qf.pack
// CHECK-NOT: qf.unpack
// CHECK: return %[[P]], %[[S]], %[[G]], %[[Q]]
func.func @pack_unpack_roundtrip(%p: tensor<4x8xi8>, %s: tensor<4x1xi8>, %g: tensor<f32>, %q: !qf.tensor<4x16xf32, nvfp4, axis = 1>)
    -> (tensor<4x8xi8>, tensor<4x1xi8>, tensor<f32>, !qf.tensor<4x16xf32, nvfp4, axis = 1>) {
  %u = qf.unpack %p, %s, %g : tensor<4x8xi8>, tensor<4x1xi8>, tensor<f32> -> !qf.tensor<4x16xf32, nvfp4, axis = 1>
  %a, %b, %c = qf.pack %u : !qf.tensor<4x16xf32, nvfp4, axis = 1> -> tensor<4x8xi8>, tensor<4x1xi8>, tensor<f32>
  %x, %y, %z = qf.pack %q : !qf.tensor<4x16xf32, nvfp4, axis = 1> -> tensor<4x8xi8>, tensor<4x1xi8>, tensor<f32>
  %r = qf.unpack %x, %y, %z : tensor<4x8xi8>, tensor<4x1xi8>, tensor<f32> -> !qf.tensor<4x16xf32, nvfp4, axis = 1>
  return %a, %b, %c, %r : tensor<4x8xi8>, tensor<4x1xi8>, tensor<f32>, !qf.tensor<4x16xf32, nvfp4, axis = 1>
}

// -----

// Hadamard of a constant, the test vectors of docs/numerics.md section 8:
// H_8 (0..7) = (28, -4, -8, 0, -16, 0, 0, 0) / sqrt(8) and a 16-point vector
// that is exact because 16 is a power of 4.
// CHECK-LABEL: func.func @hadamard_constant
// CHECK-DAG: arith.constant dense<[9.89949512, -1.41421354, -2.82842708, 0.000000e+00, -5.65685415, 0.000000e+00, 0.000000e+00, 0.000000e+00]> : tensor<8xf32>
// CHECK-DAG: arith.constant dense<[6.906250e+00, 6.281250e+00, -4.531250e+00, -1.562500e-01, -7.093750e+00, -1.718750e+00, 4.468750e+00, -1.156250e+00, -8.906250e+00, 11.71875, 4.531250e+00, -3.843750e+00, 7.093750e+00, -6.281250e+00, -4.468750e+00, 1.156250e+00]> : tensor<16xf32>
func.func @hadamard_constant() -> (tensor<8xf32>, tensor<16xf32>) {
  %a = arith.constant dense<[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]> : tensor<8xf32>
  %b = arith.constant dense<[1.0, -2.0, 3.0, -4.0, 5.0, -6.0, 7.0, -8.0, 0.5, 0.25, -0.125, 1.0, 2.0, 4.0, 8.0, 16.0]> : tensor<16xf32>
  %ha = qf.hadamard %a axis = 0 block = 8 : tensor<8xf32>
  %hb = qf.hadamard %b axis = 0 block = 16 : tensor<16xf32>
  return %ha, %hb : tensor<8xf32>, tensor<16xf32>
}

// -----

// bf16 inputs are widened exactly; the dequantized value is rounded back.
// CHECK-LABEL: func.func @bf16_input
// CHECK: arith.constant dense<[1.000000e+00, -2.000000e+00, 3.000000e+00, 5.000000e-01]> : tensor<4xbf16>
func.func @bf16_input() -> tensor<4xbf16> {
  %c = arith.constant dense<[1.0, -2.0, 3.0, 0.5]> : tensor<4xbf16>
  %q = qf.quantize %c : tensor<4xbf16> -> !qf.tensor<4xbf16, #qf.format<elem = f8E4M3FN, block = 4>, axis = 0>
  %d = qf.dequantize %q : !qf.tensor<4xbf16, #qf.format<elem = f8E4M3FN, block = 4>, axis = 0> -> tensor<4xbf16>
  return %d : tensor<4xbf16>
}

// -----

// quantize(dequantize(q)) with scales from the data is requantize(q); to the
// same MX floor format it is the identity and disappears.
// CHECK-LABEL: func.func @dequantize_quantize_same_format
// CHECK-SAME: (%[[Q:.*]]: !qf.tensor<4x64xf32, mxfp4, axis = 1>)
// CHECK-NEXT: return %[[Q]]
func.func @dequantize_quantize_same_format(%q: !qf.tensor<4x64xf32, mxfp4>) -> !qf.tensor<4x64xf32, mxfp4> {
  %d = qf.dequantize %q : !qf.tensor<4x64xf32, mxfp4> -> tensor<4x64xf32>
  %r = qf.quantize %d : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp4>
  return %r : !qf.tensor<4x64xf32, mxfp4>
}

// CHECK-LABEL: func.func @dequantize_quantize_other_format
// CHECK-NEXT: %[[R:.*]] = qf.requantize %{{.*}} : !qf.tensor<4x64xf32, mxfp8, axis = 1> -> !qf.tensor<4x64xf32, mxfp4, axis = 1>
// CHECK-NEXT: return %[[R]]
func.func @dequantize_quantize_other_format(%q: !qf.tensor<4x64xf32, mxfp8>) -> !qf.tensor<4x64xf32, mxfp4> {
  %d = qf.dequantize %q : !qf.tensor<4x64xf32, mxfp8> -> tensor<4x64xf32>
  %r = qf.quantize %d : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp4>
  return %r : !qf.tensor<4x64xf32, mxfp4>
}

// NVFP4 recomputes its tensor scale, ceil rules recompute block scales, and
// full-range integers can move a block scale: those requantizes stay.
// CHECK-LABEL: func.func @requantize_not_identity
// CHECK: qf.requantize {{.*}}nvfp4{{.*}}nvfp4
// CHECK: qf.requantize {{.*}}rule = ceil{{.*}}rule = ceil
// CHECK: qf.requantize {{.*}}range = full{{.*}}range = full
#ceil4 = #qf.format<elem = f4E2M1FN, block = 32, scale = f8E8M0FNU, rule = ceil>
#full4 = #qf.format<elem = i4, block = 32, scale = f8E8M0FNU, range = full>
func.func @requantize_not_identity(%a: !qf.tensor<4x64xf32, nvfp4>, %b: !qf.tensor<4x64xf32, #ceil4>, %c: !qf.tensor<4x64xf32, #full4>)
    -> (!qf.tensor<4x64xf32, nvfp4>, !qf.tensor<4x64xf32, #ceil4>, !qf.tensor<4x64xf32, #full4>) {
  %ra = qf.requantize %a : !qf.tensor<4x64xf32, nvfp4> -> !qf.tensor<4x64xf32, nvfp4>
  %rb = qf.requantize %b : !qf.tensor<4x64xf32, #ceil4> -> !qf.tensor<4x64xf32, #ceil4>
  %rc = qf.requantize %c : !qf.tensor<4x64xf32, #full4> -> !qf.tensor<4x64xf32, #full4>
  return %ra, %rb, %rc : !qf.tensor<4x64xf32, nvfp4>, !qf.tensor<4x64xf32, #ceil4>, !qf.tensor<4x64xf32, #full4>
}

// A dequantize to f16 rounds; quantizing that is not a requantize.
// CHECK-LABEL: func.func @dequantize_f16_quantize
// CHECK: qf.dequantize
// CHECK: qf.quantize
func.func @dequantize_f16_quantize(%q: !qf.tensor<4x64xf16, mxfp8>) -> !qf.tensor<4x64xf16, mxfp4> {
  %d = qf.dequantize %q : !qf.tensor<4x64xf16, mxfp8> -> tensor<4x64xf16>
  %r = qf.quantize %d : tensor<4x64xf16> -> !qf.tensor<4x64xf16, mxfp4>
  return %r : !qf.tensor<4x64xf16, mxfp4>
}

// -----

// requantize(requantize(q : A) : B) : C is requantize(q : A) : C when A -> B
// is lossless (mxfp4 -> mxfp8, mxint4 -> mxint8): the inner step goes, and a
// chain back to A (mxfp4, an exact identity) disappears.
// CHECK-LABEL: func.func @requantize_lossless_chain
// CHECK-SAME: (%[[A:.*]]: !qf.tensor<8x64xf32, mxfp4, axis = 1>, %[[I:.*]]: !qf.tensor<8x64xf32, mxint4, axis = 1>)
// CHECK-NEXT: %[[R:.*]] = qf.requantize %[[A]] : !qf.tensor<8x64xf32, mxfp4, axis = 1> -> !qf.tensor<8x64xf32, mxint8, axis = 1>
// CHECK-NEXT: %[[S:.*]] = qf.requantize %[[I]] : !qf.tensor<8x64xf32, mxint4, axis = 1> -> !qf.tensor<8x64xf32, mxfp8, axis = 1>
// CHECK-NEXT: return %[[R]], %[[A]], %[[S]]
func.func @requantize_lossless_chain(%a: !qf.tensor<8x64xf32, mxfp4>, %i: !qf.tensor<8x64xf32, mxint4>)
    -> (!qf.tensor<8x64xf32, mxint8>, !qf.tensor<8x64xf32, mxfp4>, !qf.tensor<8x64xf32, mxfp8>) {
  %b = qf.requantize %a : !qf.tensor<8x64xf32, mxfp4> -> !qf.tensor<8x64xf32, mxfp8>
  %c = qf.requantize %b : !qf.tensor<8x64xf32, mxfp8> -> !qf.tensor<8x64xf32, mxint8>
  %d = qf.requantize %b : !qf.tensor<8x64xf32, mxfp8> -> !qf.tensor<8x64xf32, mxfp4>
  %j = qf.requantize %i : !qf.tensor<8x64xf32, mxint4> -> !qf.tensor<8x64xf32, mxint8>
  %k = qf.requantize %j : !qf.tensor<8x64xf32, mxint8> -> !qf.tensor<8x64xf32, mxfp8>
  return %c, %d, %k : !qf.tensor<8x64xf32, mxint8>, !qf.tensor<8x64xf32, mxfp4>, !qf.tensor<8x64xf32, mxfp8>
}

// A lossy inner step (mxfp8 -> mxfp4 rounds) and a change of blocked axis
// (other blocks) keep both requantizes.
// CHECK-LABEL: func.func @requantize_chain_kept
// CHECK: qf.requantize %{{.*}} : !qf.tensor<64x64xf32, mxfp8, axis = 1> -> !qf.tensor<64x64xf32, mxfp4, axis = 1>
// CHECK-NEXT: qf.requantize %{{.*}} : !qf.tensor<64x64xf32, mxfp4, axis = 1> -> !qf.tensor<64x64xf32, mxfp8, axis = 1>
// CHECK-NEXT: qf.requantize %{{.*}} : !qf.tensor<64x64xf32, mxfp4, axis = 1> -> !qf.tensor<64x64xf32, mxfp8, axis = 0>
// CHECK-NEXT: qf.requantize %{{.*}} : !qf.tensor<64x64xf32, mxfp8, axis = 0> -> !qf.tensor<64x64xf32, mxint8, axis = 1>
func.func @requantize_chain_kept(%a: !qf.tensor<64x64xf32, mxfp8, axis = 1>, %b: !qf.tensor<64x64xf32, mxfp4, axis = 1>)
    -> (!qf.tensor<64x64xf32, mxfp8, axis = 1>, !qf.tensor<64x64xf32, mxint8, axis = 1>) {
  %r = qf.requantize %a : !qf.tensor<64x64xf32, mxfp8, axis = 1> -> !qf.tensor<64x64xf32, mxfp4, axis = 1>
  %s = qf.requantize %r : !qf.tensor<64x64xf32, mxfp4, axis = 1> -> !qf.tensor<64x64xf32, mxfp8, axis = 1>
  %t = qf.requantize %b : !qf.tensor<64x64xf32, mxfp4, axis = 1> -> !qf.tensor<64x64xf32, mxfp8, axis = 0>
  %u = qf.requantize %t : !qf.tensor<64x64xf32, mxfp8, axis = 0> -> !qf.tensor<64x64xf32, mxint8, axis = 1>
  return %s, %u : !qf.tensor<64x64xf32, mxfp8, axis = 1>, !qf.tensor<64x64xf32, mxint8, axis = 1>
}

// -----

// A chain of qf.reshape is one reshape, or none when it returns to the
// input's type (the blocks keep their flat order).
// CHECK-LABEL: func.func @reshape_chain
// CHECK-SAME: (%[[Q:.*]]: !qf.tensor<8x64xf32, mxfp8, axis = 1>)
// CHECK-NEXT: %[[R:.*]] = qf.reshape %[[Q]] : !qf.tensor<8x64xf32, mxfp8, axis = 1> -> !qf.tensor<16x32xf32, mxfp8, axis = 1>
// CHECK-NEXT: return %[[R]], %[[Q]]
func.func @reshape_chain(%q: !qf.tensor<8x64xf32, mxfp8, axis = 1>)
    -> (!qf.tensor<16x32xf32, mxfp8, axis = 1>, !qf.tensor<8x64xf32, mxfp8, axis = 1>) {
  %a = qf.reshape %q : !qf.tensor<8x64xf32, mxfp8, axis = 1> -> !qf.tensor<8x2x32xf32, mxfp8, axis = 2>
  %b = qf.reshape %a : !qf.tensor<8x2x32xf32, mxfp8, axis = 2> -> !qf.tensor<16x32xf32, mxfp8, axis = 1>
  %c = qf.reshape %a : !qf.tensor<8x2x32xf32, mxfp8, axis = 2> -> !qf.tensor<8x64xf32, mxfp8, axis = 1>
  return %b, %c : !qf.tensor<16x32xf32, mxfp8, axis = 1>, !qf.tensor<8x64xf32, mxfp8, axis = 1>
}
