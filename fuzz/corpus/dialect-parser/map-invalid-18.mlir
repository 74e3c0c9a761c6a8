func.func @fused_transpose_result_shape(%a: !qf.tensor<8x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<64x64xf32, mxfp4, axis = 1>) -> !qf.tensor<8x64xf32, mxfp8, axis = 1> {
  %r = qf.fused_matmul %a, %w transpose_b transpose_result : !qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<64x64xf32, mxfp4, axis = 1> -> !qf.tensor<8x64xf32, mxfp8, axis = 1> {
  ^bb0(%acc: f32):
    qf.yield %acc : f32
  }
  return %r : !qf.tensor<8x64xf32, mxfp8, axis = 1>
}
