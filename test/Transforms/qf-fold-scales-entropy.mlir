// method=entropy: the TensorRT KL threshold over the recorded histogram.
// The table has 1230 values in [0.25, 2) (bins 496..524) and 3 outliers at
// 20 (bin 546). MXFP4 (E2M1, E8M0 floor): the amax gives X = 2^(4-2)
// (byte 129 = -127 as i8), whose grid {0, 2, 4, ...} merges the bulk into
// two codes (KL 0.198); X = 2^0 (byte 127) resolves the bulk and clips the
// outliers to 6 (KL 0.023, the least of the candidates 2^-4 .. 2^2; an
// independent Python model of the same definition gives these values).
// RUN: qf-opt %s --split-input-file --qf-fold-scales="calibration=%S/Inputs/calib-entropy.json method=max" 2>&1 | FileCheck %s --check-prefix=MAX
// RUN: not qf-opt %s --split-input-file --qf-fold-scales="calibration=%S/Inputs/calib-entropy.json method=entropy" 2>&1 | FileCheck %s --check-prefix=KL
// RUN: qf-opt %s --split-input-file --verify-diagnostics --qf-fold-scales="calibration=%S/Inputs/calib-entropy.json method=entropy" -o /dev/null

// MAX-LABEL: func.func @f
// MAX: arith.constant dense<-127> : tensor<4x2xi8>
// KL-LABEL: func.func @f
// KL: arith.constant dense<127> : tensor<4x2xi8>
func.func @f(%x: tensor<4x64xf32>) -> !qf.tensor<4x64xf32, mxfp4> {
  %q = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp4>
  return %q : !qf.tensor<4x64xf32, mxfp4>
}

// -----

// An entry without a histogram cannot be calibrated by entropy.
// MAX-LABEL: func.func @g
// MAX: arith.constant dense<120> : tensor<4x2xi8>
func.func @g(%x: tensor<4x64xf32>) -> !qf.tensor<4x64xf32, mxfp8> {
  %o = qf.observe "nohist" %x : tensor<4x64xf32>
  // expected-error @+1 {{tensor 'nohist' has a nonzero amax but no histogram; method=entropy needs the histogram (use method=max)}}
  %q = qf.quantize %o : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp8>
  return %q : !qf.tensor<4x64xf32, mxfp8>
}
