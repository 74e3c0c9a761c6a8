func.func @f(%a: tensor<2x8x64xf32>, %b: tensor<3x64x16xf32>) {
  %0 = qf.matmul %a, %b : tensor<2x8x64xf32>, tensor<3x64x16xf32> -> tensor<2x8x16xf32>
  return
}
