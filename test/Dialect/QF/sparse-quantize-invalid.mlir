// RUN: qf-opt %s -split-input-file -verify-diagnostics

// One case per diagnostic of qf.sparse_quantize.

func.func @not_sq(%x: tensor<4x64xf32>) {
  // expected-error @+1 {{'qf.sparse_quantize' op expects a sparse-quantized result format, got mxint4 (qf.quantize quantizes into it)}}
  %q = qf.sparse_quantize %x outlier_channels [3, 40] : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxint4, axis = 1>
  return
}

// -----

func.func @count(%x: tensor<4x64xf32>) {
  // expected-error @+1 {{'qf.sparse_quantize' op expects 4 outlier channels (2 per bank of 32 along the blocked axis of size 64), got 2}}
  %q = qf.sparse_quantize %x outlier_channels [3, 40] : tensor<4x64xf32> -> !qf.tensor<4x64xf32, #qf.format<mxint4, bank = 32, outliers = 2>, axis = 1>
  return
}

// -----

func.func @bank(%x: tensor<4x64xf32>) {
  // expected-error @+1 {{'qf.sparse_quantize' op outlier channel 40 (entry 1) is not in bank 0 (channels 0..31); every bank needs exactly 2 outlier channels, in ascending order}}
  %q = qf.sparse_quantize %x outlier_channels [3, 40, 41, 63] : tensor<4x64xf32> -> !qf.tensor<4x64xf32, #qf.format<mxint4, bank = 32, outliers = 2>, axis = 1>
  return
}

// -----

func.func @order(%x: tensor<4x64xf32>) {
  // expected-error @+1 {{'qf.sparse_quantize' op outlier channels must strictly ascend; got 17 then 3}}
  %q = qf.sparse_quantize %x outlier_channels [17, 3, 40, 63] : tensor<4x64xf32> -> !qf.tensor<4x64xf32, #qf.format<mxint4, bank = 32, outliers = 2>, axis = 1>
  return
}

// -----

func.func @negative(%x: tensor<4x64xf32>) {
  // expected-error @+1 {{'qf.sparse_quantize' op outlier channel -1 (entry 0) is not in bank 0 (channels 0..31)}}
  %q = qf.sparse_quantize %x outlier_channels [-1, 3, 40, 63] : tensor<4x64xf32> -> !qf.tensor<4x64xf32, #qf.format<mxint4, bank = 32, outliers = 2>, axis = 1>
  return
}

// -----

func.func @shape(%x: tensor<4x32xf32>) {
  // expected-error @+1 {{'qf.sparse_quantize' op input shape 4x32 does not match result shape 4x64}}
  %q = qf.sparse_quantize %x outlier_channels [3, 17, 40, 63] : tensor<4x32xf32> -> !qf.tensor<4x64xf32, #qf.format<mxint4, bank = 32, outliers = 2>, axis = 1>
  return
}
