// RUN: qf-opt %s -split-input-file -verify-diagnostics

// One case per diagnostic of the qf attributes, types and ops.

//===----------------------------------------------------------------------===//
// #qf.format
//===----------------------------------------------------------------------===//

// expected-error @+1 {{unknown format preset 'mxfp5'; expected one of mxfp8, mxfp8_e5m2, mxfp6, mxfp6_e3m2, mxfp4, mxint8, mxint6, mxint4, nvfp4, nvint4, int8_channel, fp8_tensor, or 'elem = <type>, ...'}}
#bad = #qf.format<mxfp5>

// -----

// expected-error @+1 {{element type 'f8E3M4' is not supported; expected f8E4M3FN, f8E5M2, f6E2M3FN, f6E3M2FN, f4E2M1FN or a signless integer i2..i8}}
#bad = #qf.format<elem = f8E3M4>

// -----

// expected-error @+1 {{element type 'i16' is not supported}}
#bad = #qf.format<elem = i16>

// -----

// expected-error @+1 {{scale type 'i8' is not supported; expected f8E8M0FNU, f8E4M3FN, f16, bf16 or f32}}
#bad = #qf.format<elem = f4E2M1FN, scale = i8>

// -----

// expected-error @+1 {{tensor scale type 'f16' is not supported; expected f32}}
#bad = #qf.format<elem = f4E2M1FN, scale = f8E4M3FN, tensor_scale = f16>

// -----

// expected-error @+1 {{block size 0 is invalid; expected a positive integer, 'channel' or 'tensor'}}
#bad = #qf.format<elem = f4E2M1FN, block = 0>

// -----

// expected-error @+1 {{unknown block 'row'; expected a positive integer, 'channel' or 'tensor'}}
#bad = #qf.format<elem = f4E2M1FN, block = row>

// -----

// expected-error @+1 {{scale rule 'ceil' is only defined for e8m0 scales}}
#bad = #qf.format<elem = f8E4M3FN, block = 16, scale = f16, rule = ceil>

// -----

// expected-error @+1 {{tensor scale is not supported with e8m0 block scales; accepted block scale types with a tensor scale are e4m3, f16}}
#bad = #qf.format<elem = f4E2M1FN, tensor_scale = f32>

// -----

// bf16 block scales times the FP32 tensor-scale range overflow FP32.
// expected-error @+1 {{tensor scale is not supported with bf16 block scales}}
#bad = #qf.format<elem = i4, scale = bf16, tensor_scale = f32>

// -----

// expected-error @+1 {{tensor scale is not supported with f32 block scales}}
#bad = #qf.format<elem = i4, scale = f32, tensor_scale = f32>

// -----

// expected-error @+1 {{integer range 'full' is only meaningful for integer elements}}
#bad = #qf.format<elem = f6E2M3FN, range = full>

// -----

// expected-error @+1 {{unknown scale rule 'up'; expected floor, ceil or even}}
#bad = #qf.format<elem = f4E2M1FN, rule = up>

// -----

// expected-error @+1 {{unknown rounding 'zero'; expected even or away}}
#bad = #qf.format<elem = f4E2M1FN, rounding = zero>

// -----

// expected-error @+1 {{unknown integer range 'half'; expected sym or full}}
#bad = #qf.format<elem = i4, range = half>

// -----

// expected-error @+1 {{unknown format key 'bits'; expected elem, block, scale, rule, rounding, range, tensor_scale, bank, outliers, sparsity, outlier_elem, outlier_scale or outlier_rule}}
#bad = #qf.format<elem = i4, bits = 4>

// -----

// expected-error @+1 {{format key 'block' is given twice}}
#bad = #qf.format<elem = i4, block = 16, block = 32>

// -----

// expected-error @+1 {{format is missing 'elem = <type>'}}
#bad = #qf.format<block = 16, scale = f16>

//===----------------------------------------------------------------------===//
// !qf.tensor
//===----------------------------------------------------------------------===//

// -----

// expected-error @+1 {{block size 32 does not divide dimension 1 (size 100) of the blocked axis}}
func.func private @f(!qf.tensor<4x100xf32, mxfp4, axis = 1>)

// -----

// expected-error @+1 {{block size 48 does not divide dimension 0 (size 100) of the blocked axis}}
func.func private @f(!qf.tensor<100x4xf32, #qf.format<elem = i8, block = 48, scale = f32>, axis = 0>)

// -----

// expected-error @+1 {{axis 2 is out of range for rank 2; expected 0..1}}
func.func private @f(!qf.tensor<4x64xf32, mxfp4, axis = 2>)

// -----

// expected-error @+1 {{the blocked axis 1 must have a static size (block size 32), got shape 4x?}}
func.func private @f(!qf.tensor<4x?xf32, mxfp4, axis = 1>)

// -----

// expected-error @+1 {{expressed type 'i32' is not supported; expected f32, f16 or bf16}}
func.func private @f(!qf.tensor<4x64xi32, mxfp4, axis = 1>)

// -----

// expected-error @+1 {{per-tensor format fp8_tensor has no blocked axis; axis must be omitted}}
func.func private @f(!qf.tensor<4x64xf32, fp8_tensor, axis = 1>)

// -----

// expected-error @+1 {{format mxfp4 needs a blocked axis, but the tensor has rank 0}}
func.func private @f(!qf.tensor<f32, mxfp4, axis = 0>)

// -----

// expected-error @+1 {{unknown format preset 'mxfp3'; expected one of}}
func.func private @f(!qf.tensor<4x64xf32, mxfp3, axis = 1>)

// -----

// expected-error @+1 {{expected a format preset name or a #qf.format<...> attribute, got 32 : i64}}
func.func private @f(!qf.tensor<4x64xf32, 32, axis = 1>)

//===----------------------------------------------------------------------===//
// qf.quantize
//===----------------------------------------------------------------------===//

// -----

func.func @f(%x: tensor<4x32xf32>) {
  // expected-error @+1 {{'qf.quantize' op input shape 4x32 does not match result shape 4x64}}
  %0 = qf.quantize %x : tensor<4x32xf32> -> !qf.tensor<4x64xf32, mxfp4, axis = 1>
  return
}

// -----

func.func @f(%x: tensor<4x32xf16>) {
  // expected-error @+1 {{'qf.quantize' op input element type 'f16' differs from the expressed type 'f32' of the result}}
  %0 = qf.quantize %x : tensor<4x32xf16> -> !qf.tensor<4x32xf32, mxfp4, axis = 1>
  return
}

// -----

func.func @f(%x: tensor<4x64xf32>, %s: tensor<4x3xi8>) {
  // expected-error @+1 {{'qf.quantize' op scales operand has type 'tensor<4x3xi8>', but '!qf.tensor<4x64xf32, mxfp4, axis = 1>' stores it as 'tensor<4x2xi8>'}}
  %0 = qf.quantize %x scales(%s : tensor<4x3xi8>) : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp4, axis = 1>
  return
}

// -----

func.func @f(%x: tensor<4x64xf32>, %s: tensor<4x4xi8>) {
  // expected-error @+1 {{'qf.quantize' op format nvfp4 has a tensor scale: static scales need a tensor_scale operand too}}
  %0 = qf.quantize %x scales(%s : tensor<4x4xi8>) : tensor<4x64xf32> -> !qf.tensor<4x64xf32, nvfp4, axis = 1>
  return
}

// -----

func.func @f(%x: tensor<4x64xf32>, %g: tensor<f32>) {
  // expected-error @+1 {{'qf.quantize' op format mxfp4 has no tensor scale, but a tensor_scale operand is given}}
  %0 = qf.quantize %x tensor_scale(%g : tensor<f32>) : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp4, axis = 1>
  return
}

// -----

func.func @f(%x: tensor<4x64xf32>, %g: tensor<2xf32>) {
  // expected-error @+1 {{'qf.quantize' op tensor_scale operand}}
  %0 = qf.quantize %x tensor_scale(%g : tensor<2xf32>) : tensor<4x64xf32> -> !qf.tensor<4x64xf32, nvfp4, axis = 1>
  return
}

// -----

func.func @f(%x: tensor<4x64xf32>, %s: tensor<4x2xi8>, %g: tensor<f32>) {
  // expected-error @+1 {{'qf.quantize' op format mxfp4 has no tensor scale, but a tensor_scale operand is given}}
  %0 = qf.quantize %x scales(%s : tensor<4x2xi8>) tensor_scale(%g : tensor<f32>) : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp4, axis = 1>
  return
}

// -----

func.func @f(%x: tensor<4x64xf32>, %s: tensor<4x4xi8>, %g: tensor<1xf32>) {
  // expected-error @+1 {{'qf.quantize' op tensor_scale operand has type 'tensor<1xf32>', but '!qf.tensor<4x64xf32, nvfp4, axis = 1>' stores it as 'tensor<f32>'}}
  %0 = qf.quantize %x scales(%s : tensor<4x4xi8>) tensor_scale(%g : tensor<1xf32>) : tensor<4x64xf32> -> !qf.tensor<4x64xf32, nvfp4, axis = 1>
  return
}

//===----------------------------------------------------------------------===//
// qf.dequantize / qf.requantize
//===----------------------------------------------------------------------===//

// -----

func.func @f(%q: !qf.tensor<4x64xf32, mxfp4, axis = 1>) {
  // expected-error @+1 {{'qf.dequantize' op result shape 4x32 does not match operand shape 4x64}}
  %0 = qf.dequantize %q : !qf.tensor<4x64xf32, mxfp4, axis = 1> -> tensor<4x32xf32>
  return
}

// -----

func.func @f(%q: !qf.tensor<4x64xf32, mxfp4, axis = 1>) {
  // expected-error @+1 {{'qf.dequantize' op result element type 'bf16' differs from the expressed type 'f32' of the operand}}
  %0 = qf.dequantize %q : !qf.tensor<4x64xf32, mxfp4, axis = 1> -> tensor<4x64xbf16>
  return
}

// -----

func.func @f(%q: !qf.tensor<4x64xf32, mxfp4, axis = 1>) {
  // expected-error @+1 {{'qf.requantize' op result shape 8x64 does not match operand shape 4x64}}
  %0 = qf.requantize %q : !qf.tensor<4x64xf32, mxfp4, axis = 1> -> !qf.tensor<8x64xf32, mxfp8, axis = 1>
  return
}

// -----

func.func @f(%q: !qf.tensor<4x64xf32, mxfp4, axis = 1>) {
  // expected-error @+1 {{'qf.requantize' op result expressed type 'bf16' differs from the operand's 'f32'}}
  %0 = qf.requantize %q : !qf.tensor<4x64xf32, mxfp4, axis = 1> -> !qf.tensor<4x64xbf16, mxfp8, axis = 1>
  return
}

//===----------------------------------------------------------------------===//
// qf.pack / qf.unpack
//===----------------------------------------------------------------------===//

// -----

func.func @f(%q: !qf.tensor<4x64xf32, mxfp4, axis = 1>) {
  // expected-error @+1 {{'qf.pack' op packed codes has type 'tensor<4x64xi8>', but '!qf.tensor<4x64xf32, mxfp4, axis = 1>' stores it as 'tensor<4x32xi8>'}}
  %0:2 = qf.pack %q : !qf.tensor<4x64xf32, mxfp4, axis = 1> -> tensor<4x64xi8>, tensor<4x2xi8>
  return
}

// -----

func.func @f(%q: !qf.tensor<4x64xf32, mxfp6, axis = 1>) {
  // expected-error @+1 {{'qf.pack' op scales has type 'tensor<2x4xi8>', but '!qf.tensor<4x64xf32, mxfp6, axis = 1>' stores it as 'tensor<4x2xi8>'}}
  %0:2 = qf.pack %q : !qf.tensor<4x64xf32, mxfp6, axis = 1> -> tensor<4x48xi8>, tensor<2x4xi8>
  return
}

// -----

func.func @f(%q: !qf.tensor<4x64xf32, nvfp4, axis = 1>) {
  // expected-error @+1 {{'qf.pack' op format nvfp4 has a tensor scale; expected a tensor<f32> for it}}
  %0:2 = qf.pack %q : !qf.tensor<4x64xf32, nvfp4, axis = 1> -> tensor<4x32xi8>, tensor<4x4xi8>
  return
}

// -----

func.func @f(%p: tensor<4x32xi8>, %s: tensor<4x2xi8>, %g: tensor<f32>) {
  // expected-error @+1 {{'qf.unpack' op format mxfp4 has no tensor scale}}
  %0 = qf.unpack %p, %s, %g : tensor<4x32xi8>, tensor<4x2xi8>, tensor<f32> -> !qf.tensor<4x64xf32, mxfp4, axis = 1>
  return
}

// -----

func.func @f(%p: tensor<4x32xi8>, %s: tensor<4x2xf32>) {
  // expected-error @+1 {{'qf.unpack' op scales has type 'tensor<4x2xf32>', but '!qf.tensor<4x64xf32, mxfp4, axis = 1>' stores it as 'tensor<4x2xi8>'}}
  %0 = qf.unpack %p, %s : tensor<4x32xi8>, tensor<4x2xf32> -> !qf.tensor<4x64xf32, mxfp4, axis = 1>
  return
}

//===----------------------------------------------------------------------===//
// qf.constant and #qf.quantized
//===----------------------------------------------------------------------===//

// -----

func.func @f() {
  // expected-error @+1 {{codes have shape 3; expected 4}}
  %0 = qf.constant codes [1, 2, 3] scales [0x7F] : !qf.tensor<4xf32, #qf.format<elem = i8, block = 4>, axis = 0>
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{codes must be bytes (0x00..0xFF), got 256}}
  %0 = qf.constant codes [1, 2, 3, 256] scales [0x7F] : !qf.tensor<4xf32, #qf.format<elem = i8, block = 4>, axis = 0>
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{code 0x1F does not fit in 4 bits (format mxfp4)}}
  %0 = qf.constant codes [0x1F, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] scales [0x7F] : !qf.tensor<32xf32, mxfp4, axis = 0>
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{scales of element type 'f32' are written as a dense<...> attribute}}
  %0 = qf.constant codes [[1, 2, 3, 4]] scales [[1]] : !qf.tensor<1x4xf32, int8_channel, axis = 1>
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{format nvfp4 needs a tensor_scale}}
  %0 = qf.constant codes [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] scales [0x7E] : !qf.tensor<16xf32, nvfp4, axis = 0>
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{format mxint8 has no tensor scale, but tensor_scale is given}}
  %0 = qf.constant codes [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] scales [0x7E] tensor_scale 1.0 : !qf.tensor<32xf32, mxint8, axis = 0>
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{a quantized constant needs a static shape, got '!qf.tensor<?x32xf32, mxint8, axis = 1>'}}
  %0 = qf.constant codes [0] scales [0x7E] : !qf.tensor<?x32xf32, mxint8, axis = 1>
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{scales have type 'tensor<2xi8>'; expected 'tensor<1xi8>'}}
  %0 = "qf.constant"() <{value = #qf.quantized<codes = dense<0> : tensor<32xi8>, scales = dense<0> : tensor<2xi8>> : !qf.tensor<32xf32, mxint8, axis = 0>}> : () -> !qf.tensor<32xf32, mxint8, axis = 0>
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{codes have type 'tensor<16xi8>'; expected 'tensor<32xi8>'}}
  %0 = "qf.constant"() <{value = #qf.quantized<codes = dense<0> : tensor<16xi8>, scales = dense<0> : tensor<1xi8>> : !qf.tensor<32xf32, mxint8, axis = 0>}> : () -> !qf.tensor<32xf32, mxint8, axis = 0>
  return
}

// -----

func.func @f() {
  // expected-error @+1 {{'qf.constant' op value has type '!qf.tensor<32xf32, mxint8, axis = 0>' but the result has type '!qf.tensor<32xf32, mxfp8, axis = 0>'}}
  %0 = "qf.constant"() <{value = #qf.quantized<codes = dense<0> : tensor<32xi8>, scales = dense<0> : tensor<1xi8>> : !qf.tensor<32xf32, mxint8, axis = 0>}> : () -> !qf.tensor<32xf32, mxfp8, axis = 0>
  return
}

//===----------------------------------------------------------------------===//
// qf.matmul
//===----------------------------------------------------------------------===//

// -----

func.func @f(%a: tensor<8x64xf32>, %b: tensor<2x64x16xf32>) {
  // expected-error @+1 {{'qf.matmul' op operands must both have rank 2, or both rank 3 with a leading batch dimension; got 2 and 3}}
  %0 = qf.matmul %a, %b : tensor<8x64xf32>, tensor<2x64x16xf32> -> tensor<8x16xf32>
  return
}

// -----

func.func @f(%a: tensor<8x64xf32>, %b: !qf.tensor<32x16xf32, mxfp4, axis = 0>) {
  // expected-error @+1 {{'qf.matmul' op reduction sizes differ: lhs has K = 64, rhs has K = 32}}
  %0 = qf.matmul %a, %b : tensor<8x64xf32>, !qf.tensor<32x16xf32, mxfp4, axis = 0> -> tensor<8x16xf32>
  return
}

// -----

func.func @f(%a: tensor<8x64xf32>, %b: !qf.tensor<16x32xf32, mxfp4, axis = 1>) {
  // expected-error @+1 {{'qf.matmul' op reduction sizes differ: lhs has K = 64, rhs has K = 32 (rhs is transposed: [N, K])}}
  %0 = qf.matmul %a, %b transpose_b : tensor<8x64xf32>, !qf.tensor<16x32xf32, mxfp4, axis = 1> -> tensor<8x16xf32>
  return
}

// -----

func.func @f(%a: tensor<2x8x64xf32>, %b: tensor<3x64x16xf32>) {
  // expected-error @+1 {{'qf.matmul' op batch sizes differ: 2 vs 3}}
  %0 = qf.matmul %a, %b : tensor<2x8x64xf32>, tensor<3x64x16xf32> -> tensor<2x8x16xf32>
  return
}

// -----

func.func @f(%a: tensor<8x64xf32>, %b: tensor<64x16xf32>) {
  // expected-error @+1 {{'qf.matmul' op result shape 8x8 does not match 8x16}}
  %0 = qf.matmul %a, %b : tensor<8x64xf32>, tensor<64x16xf32> -> tensor<8x8xf32>
  return
}

// -----

func.func @f(%a: !qf.tensor<64x64xf32, mxfp8, axis = 0>, %b: tensor<64x16xf32>) {
  // expected-error @+1 {{'qf.matmul' op lhs is blocked along axis 0, but the contraction needs blocks along its reduction axis 1}}
  %0 = qf.matmul %a, %b : !qf.tensor<64x64xf32, mxfp8, axis = 0>, tensor<64x16xf32> -> tensor<64x16xf32>
  return
}

// -----

func.func @f(%a: tensor<8x64xf32>, %b: !qf.tensor<64x32xf32, mxfp4, axis = 1>) {
  // expected-error @+1 {{'qf.matmul' op rhs is blocked along axis 1, but the contraction needs blocks along its reduction axis 0}}
  %0 = qf.matmul %a, %b : tensor<8x64xf32>, !qf.tensor<64x32xf32, mxfp4, axis = 1> -> tensor<8x32xf32>
  return
}

//===----------------------------------------------------------------------===//
// qf.hadamard / qf.observe
//===----------------------------------------------------------------------===//

// -----

func.func @f(%x: tensor<4x64xf32>) {
  // expected-error @+1 {{'qf.hadamard' op axis 2 is out of range for rank 2; expected 0..1}}
  %0 = qf.hadamard %x axis = 2 block = 32 : tensor<4x64xf32>
  return
}

// -----

func.func @f(%x: tensor<4x72xf32>) {
  // expected-error @+1 {{'qf.hadamard' op block 36 is not a supported Hadamard size; expected 2^k, 12*2^k or 20*2^k}}
  %0 = qf.hadamard %x axis = 1 block = 36 : tensor<4x72xf32>
  return
}

// -----

func.func @f(%x: tensor<4x?xf32>) {
  // expected-error @+1 {{'qf.hadamard' op the rotated axis 1 must have a static size}}
  %0 = qf.hadamard %x axis = 1 block = 32 : tensor<4x?xf32>
  return
}

// -----

func.func @f(%x: tensor<4x48xf32>) {
  // expected-error @+1 {{'qf.hadamard' op block 32 does not divide dimension 1 (size 48)}}
  %0 = qf.hadamard %x axis = 1 block = 32 : tensor<4x48xf32>
  return
}

// -----

func.func @f(%x: tensor<4x48xf32>) {
  // expected-error @+1 {{'qf.observe' op needs a non-empty name}}
  %0 = qf.observe "" %x : tensor<4x48xf32>
  return
}
