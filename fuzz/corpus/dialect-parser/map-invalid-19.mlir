func.func @row_reduce_init(%a: !qf.tensor<8x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<32x64xf32, mxfp8, axis = 1>) -> !qf.tensor<8x32xf32, mxfp8, axis = 1> {
  %r = qf.fused_matmul %a, %w transpose_b : !qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<32x64xf32, mxfp8, axis = 1> -> !qf.tensor<8x32xf32, mxfp8, axis = 1> {
  ^bb0(%acc: f32):
    %m = qf.row_reduce %acc init(%acc) {
    ^bb0(%v: f32, %x: f32):
      %y = arith.maximumf %v, %x : f32
      qf.yield %y : f32
    }
    qf.yield %m : f32
  }
  return %r : !qf.tensor<8x32xf32, mxfp8, axis = 1>
}
