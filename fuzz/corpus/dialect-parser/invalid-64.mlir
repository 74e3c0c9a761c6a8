func.func @f(%x: tensor<4x48xf32>) {
  %0 = qf.observe "" %x : tensor<4x48xf32>
  return
}
