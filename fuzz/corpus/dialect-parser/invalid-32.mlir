func.func @f(%x: tensor<4x64xf32>, %s: tensor<4x2xi8>, %g: tensor<f32>) {
  %0 = qf.quantize %x scales(%s : tensor<4x2xi8>) tensor_scale(%g : tensor<f32>) : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp4, axis = 1>
  return
}
