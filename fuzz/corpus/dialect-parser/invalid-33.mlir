func.func @f(%x: tensor<4x64xf32>, %s: tensor<4x4xi8>, %g: tensor<1xf32>) {
  %0 = qf.quantize %x scales(%s : tensor<4x4xi8>) tensor_scale(%g : tensor<1xf32>) : tensor<4x64xf32> -> !qf.tensor<4x64xf32, nvfp4, axis = 1>
  return
}
