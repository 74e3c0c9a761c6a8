func.func @pack_constant() -> (tensor<16xi8>, tensor<1xi8>) {
  %c = arith.constant dense<[1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5]> : tensor<32xf32>
  %q = qf.quantize %c : tensor<32xf32> -> !qf.tensor<32xf32, mxfp4, axis = 0>
  %p, %s = qf.pack %q : !qf.tensor<32xf32, mxfp4, axis = 0> -> tensor<16xi8>, tensor<1xi8>
  return %p, %s : tensor<16xi8>, tensor<1xi8>
}
