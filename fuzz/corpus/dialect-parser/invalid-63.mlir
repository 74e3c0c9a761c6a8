func.func @f(%x: tensor<4x48xf32>) {
  %0 = qf.hadamard %x axis = 1 block = 32 : tensor<4x48xf32>
  return
}
