func.func @row_reduce_combiner(%a: !qf.tensor<8x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<32x64xf32, mxfp8, axis = 1>) -> !qf.tensor<8x32xf32, mxfp8, axis = 1> {
  %r = qf.fused_matmul %a, %w transpose_b : !qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<32x64xf32, mxfp8, axis = 1> -> !qf.tensor<8x32xf32, mxfp8, axis = 1> {
  ^bb0(%acc: f32):
    %z = arith.constant 0.0 : f32
    %m = qf.row_reduce %acc init(%z) {
    ^bb0(%v: f32):
      qf.yield %v : f32
    }
    qf.yield %m : f32
  }
  return %r : !qf.tensor<8x32xf32, mxfp8, axis = 1>
}
