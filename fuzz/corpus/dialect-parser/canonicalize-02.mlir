func.func @elided_resource() -> !qf.tensor<32xf32, mxfp4, axis = 0> {
  %c = arith.constant dense_resource<__elided__> : tensor<32xf32>
  %q = qf.quantize %c : tensor<32xf32> -> !qf.tensor<32xf32, mxfp4, axis = 0>
  return %q : !qf.tensor<32xf32, mxfp4, axis = 0>
}
