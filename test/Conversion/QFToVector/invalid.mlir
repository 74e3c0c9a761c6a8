// Unsupported requests are diagnostics with exit code 1, never crashes.
// RUN: not qf-opt %s --convert-qf-to-vector="vector-width=3" 2>&1 | FileCheck %s --check-prefix=WIDTH
// RUN: not qf-opt %s --convert-qf-to-vector="vector-width=2" 2>&1 | FileCheck %s --check-prefix=FP6

// WIDTH: error: convert-qf-to-vector: vector-width 3 is not supported; expected a power of two in 1..64

// 6-bit codes pack four to three bytes; two lanes cannot hold a group.
// FP6: error: 'qf.quantize' op cannot lower mxfp6 codes of 6 bits with vector-width 2; the width must be a multiple of 4
func.func @fp6_width2(%x: tensor<4x64xf32>) -> !qf.tensor<4x64xf32, mxfp6> {
  %q = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp6>
  return %q : !qf.tensor<4x64xf32, mxfp6>
}
