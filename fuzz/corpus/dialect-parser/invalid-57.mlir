func.func @f(%a: tensor<8x64xf32>, %b: tensor<64x16xf32>) {
  %0 = qf.matmul %a, %b : tensor<8x64xf32>, tensor<64x16xf32> -> tensor<8x8xf32>
  return
}
