// RUN: qf-opt %s | qf-opt | FileCheck %s
// RUN: qf-opt %s --mlir-print-op-generic | qf-opt | FileCheck %s
// RUN: qf-opt %s --canonicalize | FileCheck %s --check-prefix=FOLD

// Sparse-quantized (SQ) formats: a base format plus `outliers` elements per
// bank of `bank` stored in a high-precision element type (docs/formats.md
// "Sparse-quantized formats", docs/numerics.md D20-D25).

// CHECK-LABEL: func.func @syntax
func.func @syntax(%x: tensor<4x64xf32>) {
  // A preset base prints by name, the outlier keys follow in full.
  // CHECK: !qf.tensor<4x64xf32, #qf.format<mxint4, bank = 32, outliers = 2, outlier_elem = i8, outlier_scale = f8E8M0FNU, outlier_rule = floor>, axis = 1>
  %0 = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, #qf.format<mxint4, bank = 32, outliers = 2>, axis = 1>
  // `sparsity` is the fraction stored low: (1 - 0.9375) * 16 = 1 per bank.
  // CHECK: #qf.format<mxfp4, bank = 16, outliers = 1, outlier_elem = f8E4M3FN, outlier_scale = f8E8M0FNU, outlier_rule = ceil>
  %1 = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, #qf.format<mxfp4, sparsity = 0.9375, bank = 16, outlier_elem = f8E4M3FN, outlier_rule = ceil>, axis = 1>
  // A written-out base and a float outlier scale (no rule printed).
  // CHECK: #qf.format<elem = i4, block = 16, scale = f8E8M0FNU, rule = floor, rounding = even, range = sym, bank = 8, outliers = 1, outlier_elem = i8, outlier_scale = bf16>
  %2 = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, #qf.format<elem = i4, block = 16, bank = 8, outliers = 1, outlier_scale = bf16>, axis = 1>
  // The blocked axis may be axis 0 (weights [K, N]).
  // CHECK: !qf.tensor<64x4xf32, #qf.format<mxint4, bank = 32, outliers = 2, {{.*}}>, axis = 0>
  %3 = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, #qf.format<mxint4, bank = 32, outliers = 2>, axis = 1>
  %t = tensor.empty() : tensor<64x4xf32>
  %4 = qf.quantize %t : tensor<64x4xf32> -> !qf.tensor<64x4xf32, #qf.format<mxint4, bank = 32, outliers = 2>, axis = 0>
  return
}

!sq = !qf.tensor<8xf32, #qf.format<elem = i4, block = 8, bank = 4, outliers = 1>, axis = 0>

// Bank 0 [1, -0.5, 8, 0.25] keeps 8 high (position 2), bank 1
// [0.5, 0.5, -0.5, 3] keeps 3 (position 3). The low block without them has
// amax 1: scale 2^0 (0x7F), i4 codes k with value k/4, +0 at the outlier
// slots. The high block [8, 3] (i8, value k/64) gets 2^3 (0x82): 64, 24.
// CHECK-LABEL: func.func @constant
// CHECK: qf.constant codes [0x04, 0x0E, 0x00, 0x01, 0x02, 0x02, 0x0E, 0x00] scales [0x7F] outliers [0x40, 0x18] outlier_scales [0x82] positions [0x02, 0x03]
// FOLD-LABEL: func.func @constant
// FOLD: qf.constant codes [0x04, 0x0E, 0x00, 0x01, 0x02, 0x02, 0x0E, 0x00] scales [0x7F] outliers [0x40, 0x18] outlier_scales [0x82] positions [0x02, 0x03]
func.func @constant() -> !sq {
  %c = qf.constant codes [0x04, 0x0E, 0x00, 0x01, 0x02, 0x02, 0x0E, 0x00] scales [0x7F] outliers [0x40, 0x18] outlier_scales [0x82] positions [2, 3] : !sq
  return %c : !sq
}

// FOLD-LABEL: func.func @fold_quantize
// FOLD: qf.constant codes [0x04, 0x0E, 0x00, 0x01, 0x02, 0x02, 0x0E, 0x00] scales [0x7F] outliers [0x40, 0x18] outlier_scales [0x82] positions [0x02, 0x03]
func.func @fold_quantize() -> !sq {
  %x = arith.constant dense<[1.0, -0.5, 8.0, 0.25, 0.5, 0.5, -0.5, 3.0]> : tensor<8xf32>
  %q = qf.quantize %x : tensor<8xf32> -> !sq
  return %q : !sq
}

// The decoded values: the low part with each outlier slot overwritten by
// its high value (here every value is exact).
// FOLD-LABEL: func.func @fold_dequantize
// FOLD: arith.constant dense<[1.000000e+00, -5.000000e-01, 8.000000e+00, 2.500000e-01, 5.000000e-01, 5.000000e-01, -5.000000e-01, 3.000000e+00]>
func.func @fold_dequantize() -> tensor<8xf32> {
  %c = qf.constant codes [0x04, 0x0E, 0x00, 0x01, 0x02, 0x02, 0x0E, 0x00] scales [0x7F] outliers [0x40, 0x18] outlier_scales [0x82] positions [2, 3] : !sq
  %d = qf.dequantize %c : !sq -> tensor<8xf32>
  return %d : tensor<8xf32>
}

// A NaN is the most important element of its bank: it goes high and makes
// the high block NaN (0xFF, codes 0); the low block stays finite.
// FOLD-LABEL: func.func @fold_nan
// FOLD: qf.constant codes [0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00] scales [0x7F] outliers [0x00, 0x00] outlier_scales [0xFF] positions [0x01, 0x00]
func.func @fold_nan() -> !sq {
  %x = arith.constant dense<[1.0, 0x7FC00000, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]> : tensor<8xf32>
  %q = qf.quantize %x : tensor<8xf32> -> !sq
  return %q : !sq
}
