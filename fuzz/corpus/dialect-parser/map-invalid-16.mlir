func.func @fused_batch(%a: !qf.tensor<2x8x64xf32, mxfp8, axis = 2>, %w: !qf.tensor<3x64x64xf32, mxfp4, axis = 2>) -> !qf.tensor<2x8x64xf32, mxfp8, axis = 2> {
  %r = qf.fused_matmul %a, %w transpose_b : !qf.tensor<2x8x64xf32, mxfp8, axis = 2>, !qf.tensor<3x64x64xf32, mxfp4, axis = 2> -> !qf.tensor<2x8x64xf32, mxfp8, axis = 2> {
  ^bb0(%acc: f32):
    qf.yield %acc : f32
  }
  return %r : !qf.tensor<2x8x64xf32, mxfp8, axis = 2>
}
