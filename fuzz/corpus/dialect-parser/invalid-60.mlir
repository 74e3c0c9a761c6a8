func.func @f(%x: tensor<4x64xf32>) {
  %0 = qf.hadamard %x axis = 2 block = 32 : tensor<4x64xf32>
  return
}
