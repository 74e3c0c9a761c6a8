func.func @blocked_axis_0() -> !qf.tensor<4x2xf32, #qf.format<elem = i4, block = 4>, axis = 0> {
  %c = arith.constant dense<[[1.0, 4.0], [1.0, 4.0], [1.0, 4.0], [1.0, 4.0]]> : tensor<4x2xf32>
  %q = qf.quantize %c : tensor<4x2xf32> -> !qf.tensor<4x2xf32, #qf.format<elem = i4, block = 4>, axis = 0>
  return %q : !qf.tensor<4x2xf32, #qf.format<elem = i4, block = 4>, axis = 0>
}
