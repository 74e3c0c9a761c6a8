func.func @fused_pad_rows(%a: !qf.tensor<8x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<8x64xf32, mxfp8, axis = 1>) -> !qf.tensor<16x32xf32, mxfp8, axis = 1> {
  %r = qf.fused_matmul %a, %w transpose_b : !qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<8x64xf32, mxfp8, axis = 1> -> !qf.tensor<16x32xf32, mxfp8, axis = 1> {
  ^bb0(%acc: f32):
    qf.yield %acc : f32
  }
  return %r : !qf.tensor<16x32xf32, mxfp8, axis = 1>
}
