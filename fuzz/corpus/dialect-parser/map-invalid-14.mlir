func.func @reshape_count(%q: !qf.tensor<8x64xf32, mxfp8, axis = 1>) -> !qf.tensor<4x64xf32, mxfp8, axis = 1> {
  %r = qf.reshape %q : !qf.tensor<8x64xf32, mxfp8, axis = 1> -> !qf.tensor<4x64xf32, mxfp8, axis = 1>
  return %r : !qf.tensor<4x64xf32, mxfp8, axis = 1>
}
