func.func @f(%p: tensor<4x32xi8>, %s: tensor<4x2xf32>) {
  %0 = qf.unpack %p, %s : tensor<4x32xi8>, tensor<4x2xf32> -> !qf.tensor<4x64xf32, mxfp4, axis = 1>
  return
}
