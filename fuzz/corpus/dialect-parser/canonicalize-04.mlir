func.func @static_channel_scales() -> !qf.tensor<2x2xf32, int8_channel, axis = 1> {
  %c = arith.constant dense<[[1.0, -1.0], [300.0, -300.0]]> : tensor<2x2xf32>
  %s = arith.constant dense<[[0.25], [1.0]]> : tensor<2x1xf32>
  %q = qf.quantize %c scales(%s : tensor<2x1xf32>) : tensor<2x2xf32> -> !qf.tensor<2x2xf32, int8_channel, axis = 1>
  return %q : !qf.tensor<2x2xf32, int8_channel, axis = 1>
}
