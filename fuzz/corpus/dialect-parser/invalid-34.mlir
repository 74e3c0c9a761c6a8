func.func @f(%q: !qf.tensor<4x64xf32, mxfp4, axis = 1>) {
  %0 = qf.dequantize %q : !qf.tensor<4x64xf32, mxfp4, axis = 1> -> tensor<4x32xf32>
  return
}
