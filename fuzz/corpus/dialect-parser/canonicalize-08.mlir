func.func @unpack_constant() -> !qf.tensor<4xf32, #qf.format<elem = f6E2M3FN, block = 4>, axis = 0> {
  %p = arith.constant dense<[0x81, 0x30, 0x10]> : tensor<3xi8>
  %s = arith.constant dense<[0x7F]> : tensor<1xi8>
  %q = qf.unpack %p, %s : tensor<3xi8>, tensor<1xi8> -> !qf.tensor<4xf32, #qf.format<elem = f6E2M3FN, block = 4>, axis = 0>
  return %q : !qf.tensor<4xf32, #qf.format<elem = f6E2M3FN, block = 4>, axis = 0>
}
