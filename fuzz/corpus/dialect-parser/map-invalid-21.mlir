func.func @row_reduce_outside(%x: f32) -> f32 {
  %z = arith.constant 0.0 : f32
  %m = qf.row_reduce %x init(%z) {
  ^bb0(%v: f32, %a: f32):
    %y = arith.addf %v, %a : f32
    qf.yield %y : f32
  }
  return %m : f32
}
