func.func @reshape_chain(%q: !qf.tensor<8x64xf32, mxfp8, axis = 1>)
    -> (!qf.tensor<16x32xf32, mxfp8, axis = 1>, !qf.tensor<8x64xf32, mxfp8, axis = 1>) {
  %a = qf.reshape %q : !qf.tensor<8x64xf32, mxfp8, axis = 1> -> !qf.tensor<8x2x32xf32, mxfp8, axis = 2>
  %b = qf.reshape %a : !qf.tensor<8x2x32xf32, mxfp8, axis = 2> -> !qf.tensor<16x32xf32, mxfp8, axis = 1>
  %c = qf.reshape %a : !qf.tensor<8x2x32xf32, mxfp8, axis = 2> -> !qf.tensor<8x64xf32, mxfp8, axis = 1>
  return %b, %c : !qf.tensor<16x32xf32, mxfp8, axis = 1>, !qf.tensor<8x64xf32, mxfp8, axis = 1>
}
