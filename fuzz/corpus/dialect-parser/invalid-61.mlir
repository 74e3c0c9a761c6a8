func.func @f(%x: tensor<4x72xf32>) {
  %0 = qf.hadamard %x axis = 1 block = 36 : tensor<4x72xf32>
  return
}
