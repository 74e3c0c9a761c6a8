func.func @f(%a: !qf.tensor<64x64xf32, mxfp8, axis = 0>, %b: tensor<64x16xf32>) {
  %0 = qf.matmul %a, %b : !qf.tensor<64x64xf32, mxfp8, axis = 0>, tensor<64x16xf32> -> tensor<64x16xf32>
  return
}
