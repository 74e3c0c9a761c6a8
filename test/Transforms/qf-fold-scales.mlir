// The @h split has no table entry, so every run over this file exits 1.
// RUN: not qf-opt %s --qf-fold-scales="calibration=%S/Inputs/calib.json" --split-input-file 2>/dev/null | FileCheck %s
// RUN: not qf-opt %s --qf-fold-scales="calibration=%S/Inputs/calib.json method=percentile percentile=90" --split-input-file 2>/dev/null | FileCheck %s --check-prefix=PCT
// RUN: not qf-opt %s --qf-fold-scales="calibration=%S/Inputs/calib.json" --split-input-file 2>&1 >/dev/null | FileCheck %s --check-prefix=REMARK
// RUN: not qf-opt %s --qf-fold-scales="calibration=%S/Inputs/missing.json" --split-input-file 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not qf-opt %s --qf-fold-scales="calibration=%S/Inputs/calib-v3.json" --split-input-file 2>&1 | FileCheck %s --check-prefix=VERSION
// RUN: not qf-opt %s --qf-fold-scales="calibration=%S/Inputs/calib-broken.json" --split-input-file 2>&1 | FileCheck %s --check-prefix=BROKEN
// RUN: not qf-opt %s --qf-fold-scales --split-input-file 2>&1 | FileCheck %s --check-prefix=NOFILE
// RUN: not qf-opt %s --qf-fold-scales="calibration=%S/Inputs/calib.json method=kl" --split-input-file 2>&1 | FileCheck %s --check-prefix=METHOD
// RUN: not qf-opt %s --qf-fold-scales="calibration=%S/Inputs/calib.json method=mse" --split-input-file 2>&1 >/dev/null | FileCheck %s --check-prefix=MSEREM

// amax 10 -> E8M0 floor: exponent 3 - emax(E4M3) 8 = -5 -> byte 122 for
// every block (static shape: a splat constant).
// CHECK-LABEL: func.func @f
// CHECK: %[[S:.*]] = arith.constant dense<122> : tensor<4x2xi8>
// CHECK: qf.quantize %arg0 scales(%[[S]] : tensor<4x2xi8>)
// The 90th percentile lies in bin 512 (= [1, 1.125)): its upper edge 1.125
// has exponent 0 -> byte 127 - 8 = 119.
// PCT-LABEL: func.func @f
// PCT: arith.constant dense<119> : tensor<4x2xi8>
func.func @f(%x: tensor<4x64xf32>) -> !qf.tensor<4x64xf32, mxfp8> {
  %q = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp8>
  return %q : !qf.tensor<4x64xf32, mxfp8>
}

// -----

// A dynamic batch: the scales are a linalg.fill of the dynamic shape. An
// explicit observe names the point. amax 0.75 with f16 scales:
// 0.75 / 448 rounded to f16.
// CHECK-LABEL: func.func @g
// CHECK: %[[D:.*]] = tensor.dim %{{.*}}, %c0
// CHECK: %[[E:.*]] = tensor.empty(%[[D]]) : tensor<?x4xf16>
// CHECK: %[[F:.*]] = linalg.fill ins(%{{.*}} : f16) outs(%[[E]] : tensor<?x4xf16>)
// CHECK: qf.quantize %{{.*}} scales(%[[F]] : tensor<?x4xf16>)
func.func @g(%x: tensor<?x64xf32>) -> !qf.tensor<?x64xf32, #qf.format<elem = f8E4M3FN, block = 16, scale = f16>> {
  %o = qf.observe "named" %x : tensor<?x64xf32>
  %q = qf.quantize %o : tensor<?x64xf32> -> !qf.tensor<?x64xf32, #qf.format<elem = f8E4M3FN, block = 16, scale = f16>>
  return %q : !qf.tensor<?x64xf32, #qf.format<elem = f8E4M3FN, block = 16, scale = f16>>
}

// -----

// Two-level formats (D28): the tensor scale from the calibrated amax, the
// block scales stay data-dependent. amax 10: S_enc = 2688 / 10 = 268.8,
// g = fp32(1 / S_enc); the 90th percentile's 1.125: S_enc = 2389.33.
// CHECK-LABEL: func.func @f
// CHECK: %[[G:.*]] = arith.constant dense<0.00372023834> : tensor<f32>
// CHECK: qf.quantize %arg0 tensor_scale(%[[G]] : tensor<f32>) : tensor<4x64xf32> -> !qf.tensor<4x64xf32, nvfp4, axis = 1>
// PCT-LABEL: func.func @f
// PCT: arith.constant dense<4.1852679E-4> : tensor<f32>
// MSEREM: remark: qf-fold-scales: method=mse chooses single-level scales; the tensor scale of nvfp4 comes from the calibrated amax, its block scales stay data-dependent
// REMARK-NOT: not folded
func.func @f(%x: tensor<4x64xf32>) -> !qf.tensor<4x64xf32, nvfp4> {
  %q = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, nvfp4>
  return %q : !qf.tensor<4x64xf32, nvfp4>
}

// -----

// REMARK: error: qf-fold-scales: calibration table '{{.*}}calib.json' has no entry 'h.act0' for this activation
func.func @h(%x: tensor<4x64xf32>) -> !qf.tensor<4x64xf32, mxfp4> {
  %q = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp4>
  return %q : !qf.tensor<4x64xf32, mxfp4>
}

// MISSING: error: qf-fold-scales: cannot read calibration file '{{.*}}missing.json': No such file or directory
// VERSION: error: qf-fold-scales: calibration file '{{.*}}calib-v3.json' has an unsupported version; this qf reads versions 1 and 2
// BROKEN: error: qf-fold-scales: calibration file '{{.*}}calib-broken.json' is not valid JSON
// NOFILE: error: qf-fold-scales: no calibration table; give calibration=FILE
// METHOD: error: qf-fold-scales: method 'kl' is not supported; expected max, percentile, mse or entropy
