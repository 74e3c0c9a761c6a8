func.func @f(%a: tensor<8x64xf32>, %b: !qf.tensor<32x16xf32, mxfp4, axis = 0>) {
  %0 = qf.matmul %a, %b : tensor<8x64xf32>, !qf.tensor<32x16xf32, mxfp4, axis = 0> -> tensor<8x16xf32>
  return
}
