func.func @requantize_constant() -> !qf.tensor<32xf32, mxfp4, axis = 0> {
  %c = arith.constant dense<[1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5]> : tensor<32xf32>
  %q = qf.quantize %c : tensor<32xf32> -> !qf.tensor<32xf32, mxint8, axis = 0>
  %r = qf.requantize %q : !qf.tensor<32xf32, mxint8, axis = 0> -> !qf.tensor<32xf32, mxfp4, axis = 0>
  return %r : !qf.tensor<32xf32, mxfp4, axis = 0>
}
