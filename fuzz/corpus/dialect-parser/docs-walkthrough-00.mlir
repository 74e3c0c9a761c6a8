#e3m2_b16 = #qf.format<elem = f6E3M2FN, block = 16, scale = f8E8M0FNU, rule = ceil>

func.func @fold() -> !qf.tensor<16xf32, #e3m2_b16, axis = 0> {
  %c = arith.constant dense<[30.0, 2.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                             0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]> : tensor<16xf32>
  %q = qf.quantize %c : tensor<16xf32> -> !qf.tensor<16xf32, #e3m2_b16, axis = 0>
  return %q : !qf.tensor<16xf32, #e3m2_b16, axis = 0>
}
