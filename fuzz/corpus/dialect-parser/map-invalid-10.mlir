func.func @transpose_moves_blocked_axis(%q: !qf.tensor<64x8xf32, mxfp8, axis = 0>) -> !qf.tensor<8x64xf32, mxfp8, axis = 1> {
  %t = qf.transpose %q permutation = [1, 0] : !qf.tensor<64x8xf32, mxfp8, axis = 0> -> !qf.tensor<8x64xf32, mxfp8, axis = 1>
  return %t : !qf.tensor<8x64xf32, mxfp8, axis = 1>
}
