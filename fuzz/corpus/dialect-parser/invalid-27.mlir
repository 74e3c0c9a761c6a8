func.func @f(%x: tensor<4x32xf32>) {
  %0 = qf.quantize %x : tensor<4x32xf32> -> !qf.tensor<4x64xf32, mxfp4, axis = 1>
  return
}
