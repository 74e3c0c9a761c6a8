func.func @epilogue_axis(%a: !qf.tensor<8x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<64x64xf32, mxfp4, axis = 1>) -> !qf.tensor<32x64xf32, mxfp8, axis = 0> {
  %r = qf.fused_matmul %a, %w transpose_b : !qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<64x64xf32, mxfp4, axis = 1> -> !qf.tensor<32x64xf32, mxfp8, axis = 0> {
  ^bb0(%acc: f32):
    qf.yield %acc : f32
  }
  return %r : !qf.tensor<32x64xf32, mxfp8, axis = 0>
}
