func.func @transpose_innermost(%q: !qf.tensor<32x64xf32, mxfp8, axis = 1>) -> !qf.tensor<64x32xf32, mxfp8, axis = 1> {
  %t = qf.transpose %q permutation = [1, 0] : !qf.tensor<32x64xf32, mxfp8, axis = 1> -> !qf.tensor<64x32xf32, mxfp8, axis = 1>
  return %t : !qf.tensor<64x32xf32, mxfp8, axis = 1>
}
