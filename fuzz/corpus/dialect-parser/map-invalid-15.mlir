func.func @reshape_format(%q: !qf.tensor<8x64xf32, mxfp8, axis = 1>) -> !qf.tensor<8x2x32xf32, mxfp4, axis = 2> {
  %r = qf.reshape %q : !qf.tensor<8x64xf32, mxfp8, axis = 1> -> !qf.tensor<8x2x32xf32, mxfp4, axis = 2>
  return %r : !qf.tensor<8x2x32xf32, mxfp4, axis = 2>
}
