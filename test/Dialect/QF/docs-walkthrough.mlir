// The walk-through of docs/formats.md, kept here so the doc stays true.
// RUN: qf-opt %s --canonicalize | FileCheck %s

#e3m2_b16 = #qf.format<elem = f6E3M2FN, block = 16, scale = f8E8M0FNU, rule = ceil>

// Block 0 has amax 30 > 28 * 2^0 (E3M2's max is 28), so CEIL picks 2^1
// (scale byte 0x80); 30 / 2 = 15 is a tie between 14 and 16 on the E3M2 grid
// and goes to the even code 16 (0x1C); 2.5 / 2 = 1.25 is exact (0x0D).
// CHECK-LABEL: func.func @fold
// CHECK: qf.constant codes [0x1C, 0x0D, {{.*}}] scales [0x80]
func.func @fold() -> !qf.tensor<16xf32, #e3m2_b16, axis = 0> {
  %c = arith.constant dense<[30.0, 2.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
                             0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]> : tensor<16xf32>
  %q = qf.quantize %c : tensor<16xf32> -> !qf.tensor<16xf32, #e3m2_b16, axis = 0>
  return %q : !qf.tensor<16xf32, #e3m2_b16, axis = 0>
}
