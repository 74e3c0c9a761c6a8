// RUN: qf-opt %s --convert-qf-to-vector="x86-avx512" --split-input-file | FileCheck %s --check-prefix=AVX
// RUN: qf-opt %s --convert-qf-to-vector --split-input-file | FileCheck %s --check-prefix=PORT

// With x86-avx512, round-to-nearest-even element encodes run in f32
// arithmetic (CPUTargetInfo::encodeElementsNative): integer codes by
// roundeven and a clamp, small floats by the rounding of a + c. Without
// it, and for ties away from zero, the portable integer codec (variable
// shifts of the significand) runs. Both give the same bits; the executed
// tests in test/Integration/CPU/quantize-*.mlir check that against the
// numerics library with and without avx512.

// AVX-LABEL: func.func @int8
// AVX: math.roundeven {{.*}} : vector<16xf32>
// AVX: arith.minnumf
// AVX: arith.maxnumf
// AVX: arith.fptosi
// PORT-LABEL: func.func @int8
// PORT-NOT: math.roundeven
// PORT: arith.shrui
func.func @int8(%x: tensor<4x64xf32>) -> !qf.tensor<4x64xf32, mxint8, axis = 1> {
  %q = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxint8, axis = 1>
  return %q : !qf.tensor<4x64xf32, mxint8, axis = 1>
}

// -----

// AVX-LABEL: func.func @fp8
// AVX-NOT: math.roundeven
// AVX: arith.minnumf
// AVX: %[[SUM:.*]] = arith.addf %{{.*}}, %{{.*}} : vector<16xf32>
// AVX: arith.bitcast %[[SUM]] : vector<16xf32> to vector<16xi32>
// PORT-LABEL: func.func @fp8
// PORT-NOT: arith.minnumf
func.func @fp8(%x: tensor<4x64xf32>) -> !qf.tensor<4x64xf32, mxfp8, axis = 1> {
  %q = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp8, axis = 1>
  return %q : !qf.tensor<4x64xf32, mxfp8, axis = 1>
}

// -----

// Ties away from zero: the integer codec on every target.
// AVX-LABEL: func.func @int5_away
// AVX-NOT: math.roundeven
// AVX: return
func.func @int5_away(%x: tensor<4x64xf32>) -> !qf.tensor<4x64xf32, #qf.format<elem = i5, block = 8, scale = f8E8M0FNU, rounding = away>, axis = 1> {
  %q = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, #qf.format<elem = i5, block = 8, scale = f8E8M0FNU, rounding = away>, axis = 1>
  return %q : !qf.tensor<4x64xf32, #qf.format<elem = i5, block = 8, scale = f8E8M0FNU, rounding = away>, axis = 1>
}
