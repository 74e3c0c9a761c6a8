func.func @f() {
  %0 = "qf.constant"() <{value = #qf.quantized<codes = dense<0> : tensor<32xi8>, scales = dense<0> : tensor<2xi8>> : !qf.tensor<32xf32, mxint8, axis = 0>}> : () -> !qf.tensor<32xf32, mxint8, axis = 0>
  return
}
