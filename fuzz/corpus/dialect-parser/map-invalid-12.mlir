func.func @transpose_not_permutation(%q: !qf.tensor<2x8x32xf32, mxfp8, axis = 2>) -> !qf.tensor<2x8x32xf32, mxfp8, axis = 2> {
  %t = qf.transpose %q permutation = [0, 0, 2] : !qf.tensor<2x8x32xf32, mxfp8, axis = 2> -> !qf.tensor<2x8x32xf32, mxfp8, axis = 2>
  return %t : !qf.tensor<2x8x32xf32, mxfp8, axis = 2>
}
