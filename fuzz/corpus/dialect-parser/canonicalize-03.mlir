func.func @static_scales() -> tensor<4xf32> {
  %c = arith.constant dense<[1.0, -10.0, 9.0, 0.5]> : tensor<4xf32>
  %s = arith.constant dense<[0x7F]> : tensor<1xi8>
  %q = qf.quantize %c scales(%s : tensor<1xi8>) : tensor<4xf32> -> !qf.tensor<4xf32, #qf.format<elem = f6E2M3FN, block = 4>, axis = 0>
  %d = qf.dequantize %q : !qf.tensor<4xf32, #qf.format<elem = f6E2M3FN, block = 4>, axis = 0> -> tensor<4xf32>
  return %d : tensor<4xf32>
}
