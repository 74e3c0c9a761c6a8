func.func @f(%q: !qf.tensor<4x64xf32, mxfp4, axis = 1>) {
  %0 = qf.requantize %q : !qf.tensor<4x64xf32, mxfp4, axis = 1> -> !qf.tensor<4x64xbf16, mxfp8, axis = 1>
  return
}
