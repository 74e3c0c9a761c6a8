func.func @f(%x: tensor<4x32xf16>) {
  %0 = qf.quantize %x : tensor<4x32xf16> -> !qf.tensor<4x32xf32, mxfp4, axis = 1>
  return
}
