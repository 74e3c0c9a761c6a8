// RUN: qf-opt %s -split-input-file -verify-diagnostics

// One case per diagnostic of sparse-quantized (SQ) formats.

// expected-error @+1 {{outlier bank size 12 does not divide the block size 32; a bank must lie in one block}}
#bad = #qf.format<mxint4, bank = 12, outliers = 2>

// -----

// expected-error @+1 {{outlier count 32 per bank of 32 is out of range; expected 1..31}}
#bad = #qf.format<mxint4, bank = 32, outliers = 32>

// -----

// expected-error @+1 {{outlier count 0 per bank of 32 is out of range; expected 1..31}}
#bad = #qf.format<mxint4, bank = 32, outliers = 0>

// -----

// expected-error @+1 {{outlier bank size 512 is invalid; expected 2..256 (an in-bank position is one byte)}}
#bad = #qf.format<elem = i4, block = 512, bank = 512, outliers = 2>

// -----

// expected-error @+1 {{outliers need 'bank = <elements per bank>'}}
#bad = #qf.format<mxint4, outliers = 2>

// -----

// expected-error @+1 {{outliers need 'outliers = <count per bank>' or 'sparsity = <fraction stored low>'}}
#bad = #qf.format<mxint4, bank = 32>

// -----

// expected-error @+1 {{give either 'outliers = <count>' or 'sparsity = <fraction>', not both}}
#bad = #qf.format<mxint4, bank = 32, outliers = 2, sparsity = 0.9375>

// -----

// expected-error @+1 {{sparsity 0.90 with bank 32 gives 3.20 high-precision elements per bank; expected 0 < sparsity < 1 with (1 - sparsity) * bank a whole number}}
#bad = #qf.format<mxint4, bank = 32, sparsity = 0.9>

// -----

// expected-error @+1 {{outlier element type 'f16' is not supported}}
#bad = #qf.format<mxint4, bank = 32, outliers = 2, outlier_elem = f16>

// -----

// expected-error @+1 {{outlier scale type 'i8' is not supported}}
#bad = #qf.format<mxint4, bank = 32, outliers = 2, outlier_scale = i8>

// -----

// expected-error @+1 {{unknown outlier scale rule 'up'; expected floor, ceil or even}}
#bad = #qf.format<mxint4, bank = 32, outliers = 2, outlier_rule = up>

// -----

// expected-error @+1 {{outlier format: scale rule 'ceil' is only defined for e8m0 scales}}
#bad = #qf.format<mxint4, bank = 32, outliers = 2, outlier_scale = f16, outlier_rule = ceil>

// -----

// expected-error @+1 {{outliers need a fixed block size; 'channel' and 'tensor' blocks have no banks}}
#bad = #qf.format<int8_channel, bank = 32, outliers = 2>

// -----

// expected-error @+1 {{outliers are not supported with a tensor scale}}
#bad = #qf.format<nvfp4, bank = 16, outliers = 1>

// -----

// The bank divides the block, the block divides K: a K the block does not
// divide is the type's error.
// expected-error @+1 {{block size 32 does not divide dimension 1 (size 48) of the blocked axis}}
func.func private @f(!qf.tensor<4x48xf32, #qf.format<mxint4, bank = 16, outliers = 1>, axis = 1>)

// -----

!sq = !qf.tensor<8xf32, #qf.format<elem = i4, block = 8, bank = 4, outliers = 1>, axis = 0>
func.func @positions_out_of_bank() -> !sq {
  // expected-error @+1 {{position 4 is outside its bank of 4}}
  %c = qf.constant codes [0, 0, 0, 0, 0, 0, 0, 0] scales [0x7F] outliers [0, 0] outlier_scales [0x7F] positions [4, 0] : !sq
  return %c : !sq
}

// -----

!sq = !qf.tensor<8xf32, #qf.format<elem = i4, block = 8, bank = 4, outliers = 2>, axis = 0>
func.func @positions_descending() -> !sq {
  // expected-error @+1 {{positions of a bank must strictly ascend; got 3 then 1}}
  %c = qf.constant codes [0, 0, 0, 0, 0, 0, 0, 0] scales [0x7F] outliers [0, 0, 0, 0] outlier_scales [0x7F] positions [3, 1, 0, 1] : !sq
  return %c : !sq
}

// -----

!sq = !qf.tensor<8xf32, #qf.format<elem = i4, block = 8, bank = 4, outliers = 1>, axis = 0>
func.func @missing_outliers() -> !sq {
  // expected-error @+1 {{needs outliers, outlier_scales and positions}}
  %c = qf.constant codes [0, 0, 0, 0, 0, 0, 0, 0] scales [0x7F] : !sq
  return %c : !sq
}

// -----

func.func @outliers_without_sq() -> !qf.tensor<32xf32, mxint4, axis = 0> {
  // expected-error @+1 {{format mxint4 has no outliers}}
  %c = qf.constant codes dense<0> : tensor<32xi8> scales [0x7F] outliers [0] outlier_scales [0x7F] positions [0] : !qf.tensor<32xf32, mxint4, axis = 0>
  return %c : !qf.tensor<32xf32, mxint4, axis = 0>
}

// -----

!sq = !qf.tensor<8xf32, #qf.format<elem = i4, block = 8, bank = 4, outliers = 1>, axis = 0>
func.func @outlier_shape() -> !sq {
  // expected-error @+1 {{outliers have shape 3; expected 2}}
  %c = qf.constant codes [0, 0, 0, 0, 0, 0, 0, 0] scales [0x7F] outliers [0, 0, 0] outlier_scales [0x7F] positions [0, 0] : !sq
  return %c : !sq
}

// -----

!sq = !qf.tensor<4x32xf32, #qf.format<mxint4, bank = 32, outliers = 2>, axis = 1>
func.func @pack(%q: !sq) {
  // expected-error @+1 {{'qf.pack' op does not take the sparse-quantized format #qf.format<mxint4, bank = 32, outliers = 2, outlier_elem = i8, outlier_scale = f8E8M0FNU, outlier_rule = floor>: its storage is two block-scaled parts and their positions; take the parts with qf.sparse_split (give them with qf.sparse_join) and pack the low and high parts (the positions are an i8 tensor)}}
  %p:2 = "qf.pack"(%q) : (!sq) -> (tensor<4x16xi8>, tensor<4x1xi8>)
  return
}

// -----

!sq = !qf.tensor<4x32xf32, #qf.format<mxint4, bank = 32, outliers = 2>, axis = 1>
func.func @unpack(%c: tensor<4x16xi8>, %s: tensor<4x1xi8>) -> !sq {
  // expected-error @+1 {{'qf.unpack' op does not take the sparse-quantized format}}
  %q = "qf.unpack"(%c, %s) : (tensor<4x16xi8>, tensor<4x1xi8>) -> !sq
  return %q : !sq
}

// -----

// An SQ tensor transposes like any other: the blocked axis stays innermost.
!sq = !qf.tensor<4x32xf32, #qf.format<mxint4, bank = 32, outliers = 2>, axis = 1>
func.func @transpose(%q: !sq) {
  // expected-error @+1 {{'qf.transpose' op result is blocked along axis 0; the blocked axis must be the innermost one (axis 1)}}
  %t = "qf.transpose"(%q) {permutation = array<i64: 1, 0>} : (!sq) -> !qf.tensor<32x4xf32, #qf.format<mxint4, bank = 32, outliers = 2>, axis = 0>
  return
}

// -----

// A reshape must keep whole blocks and bytes of the outlier part too: one
// 4-bit outlier per row of 32 is half a byte.
!a = !qf.tensor<2x64xf32, #qf.format<mxint4, bank = 32, outliers = 1, outlier_elem = f4E2M1FN>, axis = 1>
!b = !qf.tensor<4x32xf32, #qf.format<mxint4, bank = 32, outliers = 1, outlier_elem = f4E2M1FN>, axis = 1>
func.func @reshape_outlier_part(%q: !a) -> !b {
  // expected-error @+1 {{'qf.reshape' op innermost size 1 of the outlier part '!qf.tensor<4x1xf32, #qf.format<elem = f4E2M1FN, block = 1, scale = f8E8M0FNU, rule = floor, rounding = even>, axis = 1>' is not a whole number of blocks of 1 (and of bytes)}}
  %t = qf.reshape %q : !a -> !b
  return %t : !b
}

// -----

!sq = !qf.tensor<4x32xf32, #qf.format<mxint4, bank = 32, outliers = 2>, axis = 1>
func.func @static_scales(%x: tensor<4x32xf32>, %s: tensor<4x1xi8>) {
  // expected-error @+1 {{quantize with static scales does not support the sparse-quantized format}}
  %q = qf.quantize %x scales(%s : tensor<4x1xi8>) : tensor<4x32xf32> -> !sq
  return
}
