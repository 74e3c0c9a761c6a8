// SmoothQuant migration in qf-fold-scales (smooth-alpha). The table gives
// every activation per-channel amax 64 on channel 0 and 4 elsewhere; the
// weights are all ones (max|W_j| = 1), so with alpha = 0.5
// s = (sqrt(64), sqrt(4), ...) = (8, 2, 2, ...), weights become W * s and
// the activation X / s, whose amax max(64/8, 4/2) = 8 gives the MXFP8 scale
// 2^(3-8) (byte 122) instead of 2^(6-8) (byte 125) without migration.
// RUN: qf-opt %s --split-input-file --qf-fold-scales="calibration=%S/Inputs/calib-smooth.json smooth-alpha=0.5" 2>/dev/null | FileCheck %s
// RUN: qf-opt %s --split-input-file --qf-fold-scales="calibration=%S/Inputs/calib-smooth.json" 2>/dev/null | FileCheck %s --check-prefix=OFF
// RUN: qf-opt %s --split-input-file --qf-fold-scales="calibration=%S/Inputs/calib-smooth.json smooth-alpha=0.5" 2>&1 >/dev/null | FileCheck %s --check-prefix=REMARK
// RUN: not qf-opt %s --qf-fold-scales="calibration=%S/Inputs/calib-smooth.json smooth-alpha=0.5 method=mse" 2>&1 | FileCheck %s --check-prefix=METHOD
// RUN: not qf-opt %s --qf-fold-scales="calibration=%S/Inputs/calib-smooth.json smooth-alpha=1.5" 2>&1 | FileCheck %s --check-prefix=RANGE

#map = affine_map<(d0, d1) -> (d0, d1)>
#map1 = affine_map<(d0, d1) -> (d1)>

// The normalization's gamma (ones) absorbs 1/s: (1/8, 1/2, 1/2, ...).
// CHECK-LABEL: func.func @norm
// CHECK: %[[G:.*]] = arith.constant dense<[1.250000e-01, 5.000000e-01, 5.000000e-01,
// CHECK: %[[N:.*]] = linalg.generic {{.*}} ins(%arg0, %[[G]] : tensor<4x32xf32>, tensor<32xf32>)
// CHECK: %[[S:.*]] = arith.constant dense<122> : tensor<4x1xi8>
// CHECK: %[[XQ:.*]] = qf.quantize %[[N]] scales(%[[S]] : tensor<4x1xi8>)
// CHECK: %[[W:.*]] = arith.constant dense<{{\[\[}}8.000000e+00, 2.000000e+00, 2.000000e+00,
// CHECK: %[[WQ:.*]] = qf.quantize %[[W]] : tensor<2x32xf32>
// CHECK: qf.matmul %[[XQ]], %[[WQ]] transpose_b
// OFF-LABEL: func.func @norm
// OFF: arith.constant dense<1.000000e+00> : tensor<32xf32>
// OFF: arith.constant dense<125> : tensor<4x1xi8>
// OFF: arith.constant dense<1.000000e+00> : tensor<2x32xf32>
func.func @norm(%x: tensor<4x32xf32>) -> tensor<4x2xf32> {
  %g = arith.constant dense<1.0> : tensor<32xf32>
  %e = tensor.empty() : tensor<4x32xf32>
  %n = linalg.generic {indexing_maps = [#map, #map1, #map], iterator_types = ["parallel", "parallel"]} ins(%x, %g : tensor<4x32xf32>, tensor<32xf32>) outs(%e : tensor<4x32xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %m = arith.mulf %a, %b : f32
    linalg.yield %m : f32
  } -> tensor<4x32xf32>
  %xq = qf.quantize %n : tensor<4x32xf32> -> !qf.tensor<4x32xf32, mxfp8, axis = 1>
  %w = arith.constant dense<1.0> : tensor<2x32xf32>
  %wq = qf.quantize %w : tensor<2x32xf32> -> !qf.tensor<2x32xf32, mxfp4, axis = 1>
  %y = qf.matmul %xq, %wq transpose_b : !qf.tensor<4x32xf32, mxfp8, axis = 1>, !qf.tensor<2x32xf32, mxfp4, axis = 1> -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Two projections of one argument (Q and K): one s over both weights
// (max|W_j| = max(1, 0.5); the [K, N] weight of halves is scaled along axis
// 0 to (4, 1, ...)), and an explicit division before both quantizes.
// CHECK-LABEL: func.func @two
// CHECK: %[[S:.*]] = arith.constant dense<[8.000000e+00, 2.000000e+00,
// CHECK: %[[D:.*]] = linalg.generic {{.*}} ins(%arg0, %[[S]] : tensor<4x32xf32>, tensor<32xf32>)
// CHECK: arith.divf
// CHECK: qf.quantize %[[D]] scales(
// CHECK: qf.quantize %[[D]] scales(
// CHECK: arith.constant dense<{{\[\[}}4.000000e+00, 4.000000e+00], [1.000000e+00, 1.000000e+00]
func.func @two(%x: tensor<4x32xf32>) -> (tensor<4x2xf32>, tensor<4x2xf32>) {
  %xq = qf.quantize %x : tensor<4x32xf32> -> !qf.tensor<4x32xf32, mxfp8, axis = 1>
  %w = arith.constant dense<1.0> : tensor<2x32xf32>
  %wq = qf.quantize %w : tensor<2x32xf32> -> !qf.tensor<2x32xf32, mxfp4, axis = 1>
  %y = qf.matmul %xq, %wq transpose_b : !qf.tensor<4x32xf32, mxfp8, axis = 1>, !qf.tensor<2x32xf32, mxfp4, axis = 1> -> tensor<4x2xf32>
  %xq2 = qf.quantize %x : tensor<4x32xf32> -> !qf.tensor<4x32xf32, mxfp8, axis = 1>
  %v = arith.constant dense<0.5> : tensor<32x2xf32>
  %vq = qf.quantize %v : tensor<32x2xf32> -> !qf.tensor<32x2xf32, mxfp4, axis = 0>
  %z = qf.matmul %xq2, %vq : !qf.tensor<4x32xf32, mxfp8, axis = 1>, !qf.tensor<32x2xf32, mxfp4, axis = 0> -> tensor<4x2xf32>
  return %y, %z : tensor<4x2xf32>, tensor<4x2xf32>
}

// -----

// Activation x activation: nothing to migrate into.
// REMARK: remark: qf-fold-scales: smooth-alpha: 'attn.act0' not migrated: its qf.matmul's right operand is not qf.quantize of a constant f32 weight
// REMARK: remark: qf-fold-scales: smooth-alpha: 'attn.act1' not migrated: it is used other than as the left operand of qf.matmul
func.func @attn(%x: tensor<4x32xf32>, %k: tensor<4x32xf32>) -> tensor<4x4xf32> {
  %xq = qf.quantize %x : tensor<4x32xf32> -> !qf.tensor<4x32xf32, mxfp8, axis = 1>
  %kq = qf.quantize %k : tensor<4x32xf32> -> !qf.tensor<4x32xf32, mxfp8, axis = 1>
  %y = qf.matmul %xq, %kq transpose_b : !qf.tensor<4x32xf32, mxfp8, axis = 1>, !qf.tensor<4x32xf32, mxfp8, axis = 1> -> tensor<4x4xf32>
  return %y : tensor<4x4xf32>
}

// -----

// REMARK: remark: qf-fold-scales: smooth-alpha: 'nochan.act0' not migrated: the table has no per-channel amax along its last axis (32 channels)
func.func @nochan(%x: tensor<4x32xf32>) -> tensor<4x2xf32> {
  %xq = qf.quantize %x : tensor<4x32xf32> -> !qf.tensor<4x32xf32, mxfp8, axis = 1>
  %w = arith.constant dense<1.0> : tensor<2x32xf32>
  %wq = qf.quantize %w : tensor<2x32xf32> -> !qf.tensor<2x32xf32, mxfp4, axis = 1>
  %y = qf.matmul %xq, %wq transpose_b : !qf.tensor<4x32xf32, mxfp8, axis = 1>, !qf.tensor<2x32xf32, mxfp4, axis = 1> -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// METHOD: error: qf-fold-scales: smooth-alpha needs method=max
// RANGE: error: qf-fold-scales: smooth-alpha 1.500000e+00 is out of range; expected a migration strength in (0, 1], or 0 for none
