// qf.swizzle_scales verifier errors.
// RUN: qf-opt %s -split-input-file -verify-diagnostics

func.func @rank1(%s: tensor<8xi8>) {
  // expected-error @+1 {{'qf.swizzle_scales' op expects scales of rank 2 ([rows, cols]) or 3 ([batch, rows, cols]), got rank 1}}
  %t = "qf.swizzle_scales"(%s) : (tensor<8xi8>) -> tensor<1x512xi8>
  return
}

// -----

func.func @dynamic_cols(%s: tensor<8x?xi8>) {
  // expected-error @+1 {{'qf.swizzle_scales' op expects a static number of scale columns (blocks per row), got a dynamic one}}
  %t = "qf.swizzle_scales"(%s) : (tensor<8x?xi8>) -> tensor<1x?x512xi8>
  return
}

// -----

func.func @wrong_result(%s: tensor<200x6xi8>) {
  // expected-error @+1 {{'qf.swizzle_scales' op result type 'tensor<2x1x512xi8>' does not match the 128x4 tile layout of 'tensor<200x6xi8>'; expected 'tensor<2x2x512xi8>' ([..., ceil(rows / 128), ceil(cols / 4), 512])}}
  %t = "qf.swizzle_scales"(%s) : (tensor<200x6xi8>) -> tensor<2x1x512xi8>
  return
}

// -----

func.func @not_bytes(%s: tensor<8x4xf32>) {
  // expected-error @+1 {{'qf.swizzle_scales' op operand #0 must be ranked tensor of 8-bit signless integer values}}
  %t = "qf.swizzle_scales"(%s) : (tensor<8x4xf32>) -> tensor<1x1x512xi8>
  return
}
