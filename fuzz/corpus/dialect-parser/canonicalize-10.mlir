func.func @hadamard_constant() -> (tensor<8xf32>, tensor<16xf32>) {
  %a = arith.constant dense<[0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]> : tensor<8xf32>
  %b = arith.constant dense<[1.0, -2.0, 3.0, -4.0, 5.0, -6.0, 7.0, -8.0, 0.5, 0.25, -0.125, 1.0, 2.0, 4.0, 8.0, 16.0]> : tensor<16xf32>
  %ha = qf.hadamard %a axis = 0 block = 8 : tensor<8xf32>
  %hb = qf.hadamard %b axis = 0 block = 16 : tensor<16xf32>
  return %ha, %hb : tensor<8xf32>, tensor<16xf32>
}
