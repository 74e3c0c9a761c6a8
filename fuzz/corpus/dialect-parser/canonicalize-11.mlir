func.func @bf16_input() -> tensor<4xbf16> {
  %c = arith.constant dense<[1.0, -2.0, 3.0, 0.5]> : tensor<4xbf16>
  %q = qf.quantize %c : tensor<4xbf16> -> !qf.tensor<4xbf16, #qf.format<elem = f8E4M3FN, block = 4>, axis = 0>
  %d = qf.dequantize %q : !qf.tensor<4xbf16, #qf.format<elem = f8E4M3FN, block = 4>, axis = 0> -> tensor<4xbf16>
  return %d : tensor<4xbf16>
}
