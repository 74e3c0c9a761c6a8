func.func @requantize_lossless_chain(%a: !qf.tensor<8x64xf32, mxfp4>, %i: !qf.tensor<8x64xf32, mxint4>)
    -> (!qf.tensor<8x64xf32, mxint8>, !qf.tensor<8x64xf32, mxfp4>, !qf.tensor<8x64xf32, mxfp8>) {
  %b = qf.requantize %a : !qf.tensor<8x64xf32, mxfp4> -> !qf.tensor<8x64xf32, mxfp8>
  %c = qf.requantize %b : !qf.tensor<8x64xf32, mxfp8> -> !qf.tensor<8x64xf32, mxint8>
  %d = qf.requantize %b : !qf.tensor<8x64xf32, mxfp8> -> !qf.tensor<8x64xf32, mxfp4>
  %j = qf.requantize %i : !qf.tensor<8x64xf32, mxint4> -> !qf.tensor<8x64xf32, mxint8>
  %k = qf.requantize %j : !qf.tensor<8x64xf32, mxint8> -> !qf.tensor<8x64xf32, mxfp8>
  return %c, %d, %k : !qf.tensor<8x64xf32, mxint8>, !qf.tensor<8x64xf32, mxfp4>, !qf.tensor<8x64xf32, mxfp8>
}

func.func @requantize_chain_kept(%a: !qf.tensor<64x64xf32, mxfp8, axis = 1>, %b: !qf.tensor<64x64xf32, mxfp4, axis = 1>)
    -> (!qf.tensor<64x64xf32, mxfp8, axis = 1>, !qf.tensor<64x64xf32, mxint8, axis = 1>) {
  %r = qf.requantize %a : !qf.tensor<64x64xf32, mxfp8, axis = 1> -> !qf.tensor<64x64xf32, mxfp4, axis = 1>
  %s = qf.requantize %r : !qf.tensor<64x64xf32, mxfp4, axis = 1> -> !qf.tensor<64x64xf32, mxfp8, axis = 1>
  %t = qf.requantize %b : !qf.tensor<64x64xf32, mxfp4, axis = 1> -> !qf.tensor<64x64xf32, mxfp8, axis = 0>
  %u = qf.requantize %t : !qf.tensor<64x64xf32, mxfp8, axis = 0> -> !qf.tensor<64x64xf32, mxint8, axis = 1>
  return %s, %u : !qf.tensor<64x64xf32, mxfp8, axis = 1>, !qf.tensor<64x64xf32, mxint8, axis = 1>
}
