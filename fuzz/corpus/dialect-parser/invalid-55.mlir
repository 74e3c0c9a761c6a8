func.func @f(%a: tensor<8x64xf32>, %b: !qf.tensor<16x32xf32, mxfp4, axis = 1>) {
  %0 = qf.matmul %a, %b transpose_b : tensor<8x64xf32>, !qf.tensor<16x32xf32, mxfp4, axis = 1> -> tensor<8x16xf32>
  return
}
