// RUN: qf-opt %s | qf-opt | FileCheck %s
// RUN: qf-opt %s --mlir-print-op-generic | qf-opt | FileCheck %s
// RUN: qf-opt %s --canonicalize | FileCheck %s --check-prefix=FOLD

// qf.sparse_quantize: an SQ format with static outlier channels
// (docs/numerics.md D25, D27), the form qf-quantize-model gives activations.

!sq = !qf.tensor<8xf32, #qf.format<elem = i4, block = 8, bank = 4, outliers = 1>, axis = 0>
!sq2 = !qf.tensor<2x8xf32, #qf.format<elem = i4, block = 8, bank = 4, outliers = 1>, axis = 1>

// CHECK-LABEL: func.func @syntax
// CHECK: qf.sparse_quantize %{{.*}} outlier_channels [3, 17, 40, 63] : tensor<4x64xf32> -> !qf.tensor<4x64xf32, #qf.format<mxint4, bank = 32, outliers = 2, {{.*}}>, axis = 1>
func.func @syntax(%x: tensor<4x64xf32>) -> !qf.tensor<4x64xf32, #qf.format<mxint4, bank = 32, outliers = 2>, axis = 1> {
  %q = qf.sparse_quantize %x outlier_channels [3, 17, 40, 63] : tensor<4x64xf32> -> !qf.tensor<4x64xf32, #qf.format<mxint4, bank = 32, outliers = 2>, axis = 1>
  return %q : !qf.tensor<4x64xf32, #qf.format<mxint4, bank = 32, outliers = 2>, axis = 1>
}

// Channels 0 and 4 are high although 8 and 3 are larger (the run-time
// selection would take those): the low block [0, -0.5, 8, 0.25, 0, 0.5,
// -0.5, 3] gets scale 2^3 (0x82), i4 codes k with value 2k (8 -> 4, 3 -> 1.5
// rounds to 2, the halves to 0); the high block [1, 0.5] (i8, k/64) 2^0:
// 64, 32, both at position 0 of their bank.
// FOLD-LABEL: func.func @fold_static
// FOLD: qf.constant codes [0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00, 0x02] scales [0x82] outliers [0x40, 0x20] outlier_scales [0x7F] positions [0x00, 0x00]
func.func @fold_static() -> !sq {
  %x = arith.constant dense<[1.0, -0.5, 8.0, 0.25, 0.5, 0.5, -0.5, 3.0]> : tensor<8xf32>
  %q = qf.sparse_quantize %x outlier_channels [0, 4] : tensor<8xf32> -> !sq
  return %q : !sq
}

// With the channels the run-time selection picks, the bits are those of
// qf.quantize (test/Dialect/QF/sq-format.mlir @fold_quantize).
// FOLD-LABEL: func.func @fold_same_as_selection
// FOLD: qf.constant codes [0x04, 0x0E, 0x00, 0x01, 0x02, 0x02, 0x0E, 0x00] scales [0x7F] outliers [0x40, 0x18] outlier_scales [0x82] positions [0x02, 0x03]
func.func @fold_same_as_selection() -> !sq {
  %x = arith.constant dense<[1.0, -0.5, 8.0, 0.25, 0.5, 0.5, -0.5, 3.0]> : tensor<8xf32>
  %q = qf.sparse_quantize %x outlier_channels [2, 7] : tensor<8xf32> -> !sq
  return %q : !sq
}

// Every row uses the same channels, whatever its values: row 1's largest
// values (channels 0 and 4, +-4) stay low and set its low scale (2^2, 0x81),
// its halves at channels 2 and 7 go high (2^-1, 0x7E).
// FOLD-LABEL: func.func @fold_rows
// FOLD: qf.constant codes {{\[}}[0x04, 0x0E, 0x00, 0x01, 0x02, 0x02, 0x0E, 0x00], [0x04, 0x00, 0x00, 0x00, 0x0C, 0x00, 0x00, 0x00]] scales {{\[}}[0x7F], [0x81]] outliers {{\[}}[0x40, 0x18], [0x40, 0x40]] outlier_scales {{\[}}[0x82], [0x7E]] positions {{\[}}[0x02, 0x03], [0x02, 0x03]]
func.func @fold_rows() -> !sq2 {
  %x = arith.constant dense<[[1.0, -0.5, 8.0, 0.25, 0.5, 0.5, -0.5, 3.0], [4.0, 0.5, 0.5, 0.5, -4.0, 0.5, 0.5, 0.5]]> : tensor<2x8xf32>
  %q = qf.sparse_quantize %x outlier_channels [2, 7] : tensor<2x8xf32> -> !sq2
  return %q : !sq2
}
