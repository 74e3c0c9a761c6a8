func.func @fused_f32_padded(%a: !qf.tensor<8x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<8x64xf32, mxfp8, axis = 1>) -> tensor<8x32xf32> {
  %r = qf.fused_matmul %a, %w transpose_b : !qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<8x64xf32, mxfp8, axis = 1> -> tensor<8x32xf32> {
  ^bb0(%acc: f32):
    qf.yield %acc : f32
  }
  return %r : tensor<8x32xf32>
}
