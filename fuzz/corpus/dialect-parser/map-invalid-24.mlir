func.func @map_row_reduce_dynamic(%x: tensor<8x?xf32>) -> tensor<8x?xf32> {
  %r = qf.map(%x) : (tensor<8x?xf32>) -> tensor<8x?xf32> {
  ^bb0(%v: f32):
    %z = arith.constant 0.0 : f32
    %s = qf.row_reduce %v init(%z) {
    ^bb0(%e: f32, %a: f32):
      %y = arith.addf %e, %a : f32
      qf.yield %y : f32
    }
    %d = arith.divf %v, %s : f32
    qf.yield %d : f32
  }
  return %r : tensor<8x?xf32>
}
