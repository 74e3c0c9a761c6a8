func.func @f(%a: tensor<8x64xf32>, %b: !qf.tensor<64x32xf32, mxfp4, axis = 1>) {
  %0 = qf.matmul %a, %b : tensor<8x64xf32>, !qf.tensor<64x32xf32, mxfp4, axis = 1> -> tensor<8x32xf32>
  return
}
