func.func @fused_f32_scales(%a: !qf.tensor<8x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<8x64xf32, mxfp8, axis = 1>, %s: tensor<8x1xi8>) -> tensor<8x8xf32> {
  %r = qf.fused_matmul %a, %w transpose_b scales(%s : tensor<8x1xi8>) : !qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<8x64xf32, mxfp8, axis = 1> -> tensor<8x8xf32> {
  ^bb0(%acc: f32):
    qf.yield %acc : f32
  }
  return %r : tensor<8x8xf32>
}
