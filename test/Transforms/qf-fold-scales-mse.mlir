// method=mse picks the scale with the least expected squared error over the
// recorded distribution. Here 1000 values near 1.31 and one outlier at 10:
// amax gives X = 2^1 (byte 0x80), where 1.31 / 2 rounds to 0.5 (error 0.3);
// X = 2^0 (0x7F) rounds 1.31 to 1.5 (error 0.19) and saturates only the
// outlier, which costs less in total.
// RUN: qf-opt %s --qf-fold-scales="calibration=%S/Inputs/calib-mse.json method=max" | FileCheck %s --check-prefix=MAX
// RUN: qf-opt %s --qf-fold-scales="calibration=%S/Inputs/calib-mse.json method=mse" | FileCheck %s --check-prefix=MSE

// MAX: arith.constant dense<-128> : tensor<4x2xi8>
// MSE: arith.constant dense<127> : tensor<4x2xi8>
func.func @f(%x: tensor<4x64xf32>) -> !qf.tensor<4x64xf32, mxfp4> {
  %q = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp4>
  return %q : !qf.tensor<4x64xf32, mxfp4>
}
