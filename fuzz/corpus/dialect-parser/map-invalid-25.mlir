func.func @map_row_reduce_init(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %r = qf.map(%x) : (tensor<8x64xf32>) -> tensor<8x64xf32> {
  ^bb0(%v: f32):
    %s = qf.row_reduce %v init(%v) {
    ^bb0(%e: f32, %a: f32):
      %y = arith.addf %e, %a : f32
      qf.yield %y : f32
    }
    qf.yield %s : f32
  }
  return %r : tensor<8x64xf32>
}
