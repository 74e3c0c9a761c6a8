func.func @f(%p: tensor<4x32xi8>, %s: tensor<4x2xi8>, %g: tensor<f32>) {
  %0 = qf.unpack %p, %s, %g : tensor<4x32xi8>, tensor<4x2xi8>, tensor<f32> -> !qf.tensor<4x64xf32, mxfp4, axis = 1>
  return
}
