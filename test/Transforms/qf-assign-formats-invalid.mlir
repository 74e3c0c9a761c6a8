// Errors and remarks of qf-assign-formats, each naming what is missing and
// how to get it.
// RUN: %python %S/Inputs/make-moments.py %t.json f.act0:diag:32 f.in0:diag:32 g.act0:diag:64 g.in0:diag:48 h.act0:diag:32
// RUN: %python %S/Inputs/make-moments.py %t.k16.json f.act0:diag:16
// RUN: %python %S/Inputs/make-moments.py %t.none.json f.act0:none:32
// RUN: not qf-opt %s --split-input-file --qf-assign-formats 2>&1 | FileCheck %s --check-prefix=NOCAL
// RUN: not qf-opt %s --split-input-file --qf-assign-formats=calibration=%S/Inputs/calib.json 2>&1 | FileCheck %s --check-prefix=V1
// RUN: not qf-opt %s --split-input-file --qf-assign-formats=calibration=%t.none.json 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not qf-opt %s --split-input-file --qf-assign-formats=calibration=%t.k16.json 2>&1 | FileCheck %s --check-prefix=KSIZE
// RUN: not qf-opt %s --split-input-file --qf-assign-formats="calibration=%t.json budget=4" 2>&1 | FileCheck %s --check-prefix=BUDGET
// RUN: not qf-opt %s --split-input-file --qf-assign-formats="calibration=%t.json budget=5 candidates=mxfp6,mxint8" 2>&1 | FileCheck %s --check-prefix=BUDGET6
// RUN: not qf-opt %s --split-input-file --qf-assign-formats="calibration=%t.json budget=0" 2>&1 | FileCheck %s --check-prefix=ZERO
// RUN: not qf-opt %s --split-input-file --qf-assign-formats="calibration=%t.json candidates=mxfp4,mxfp5" 2>&1 | FileCheck %s --check-prefix=NAME
// RUN: not qf-opt %s --split-input-file --qf-assign-formats="calibration=%t.json objective=loss" 2>&1 | FileCheck %s --check-prefix=OBJ
// objective=output and its output-gains file (Inputs/output-gains-*.json).
// RUN: not qf-opt %s --split-input-file --qf-assign-formats="calibration=%t.json objective=output" 2>&1 | FileCheck %s --check-prefix=GNONE
// RUN: not qf-opt %s --split-input-file --qf-assign-formats="calibration=%t.json output-gains=%S/Inputs/output-gains.json" 2>&1 | FileCheck %s --check-prefix=GREL
// RUN: not qf-opt %s --split-input-file --qf-assign-formats="calibration=%t.json objective=output output-gains=%t.no-such.json" 2>&1 | FileCheck %s --check-prefix=GFILE
// RUN: not qf-opt %s --split-input-file --qf-assign-formats="calibration=%t.json objective=output output-gains=%S/Inputs/output-gains-bad.json" 2>&1 | FileCheck %s --check-prefix=GBAD
// RUN: not qf-opt %s --split-input-file --qf-assign-formats="calibration=%t.json objective=output output-gains=%S/Inputs/output-gains-name.json" 2>&1 | FileCheck %s --check-prefix=GNAME
// RUN: not qf-opt %s --split-input-file --qf-assign-formats="calibration=%t.json objective=output output-gains=%S/Inputs/output-gains-nopoint.json" 2>&1 | FileCheck %s --check-prefix=GPOINT
// RUN: not qf-opt %s --split-input-file --qf-assign-formats="calibration=%t.json objective=output output-gains=%S/Inputs/output-gains-probe.json" 2>&1 | FileCheck %s --check-prefix=GPROBE
// RUN: not qf-opt %s --split-input-file --qf-assign-formats="calibration=%t.json objective=output output-gains=%S/Inputs/output-gains.json,%S/Inputs/output-gains.json" 2>&1 | FileCheck %s --check-prefix=GTWICE
// The probe's block size (32) does not divide K = 48 of @g with pad-k=false.
// RUN: not qf-opt %s --split-input-file --qf-assign-formats="calibration=%t.json candidates=nvfp4 objective=output output-gains=%S/Inputs/output-gains-block.json quantize-options='weight-format=nvfp4 activation-format=none pad-k=false'" 2>&1 | FileCheck %s --check-prefix=GBLOCK
// RUN: not qf-opt %s --split-input-file --qf-assign-formats="calibration=%t.json quantize-options='weight-format=bogus'" 2>&1 | FileCheck %s --check-prefix=QBAD
// RUN: not qf-opt %s --split-input-file --qf-assign-formats="calibration=%t.json quantize-options='no-such-option=1'" 2>&1 | FileCheck %s --check-prefix=QOPT
// No candidate applies: nvfp4 (block 16) divides K = 48 in the calibration
// run, the candidates' block 32 does not, and pad-k=false (a remark; the
// contraction is left to qf-quantize-model). A weight that is an argument
// is not assigned (remark).
// RUN: qf-opt %s --split-input-file --qf-assign-formats="calibration=%t.json candidates=mxfp4,mxint8 quantize-options='weight-format=nvfp4 activation-format=none pad-k=false'" 2>&1 >/dev/null | FileCheck %s --check-prefix=NOAPPLY
// RUN: qf-opt %s --split-input-file --qf-assign-formats="calibration=%t.json" 2>&1 >/dev/null | FileCheck %s --check-prefix=REMARKS

// NOCAL: error: qf-assign-formats: calibration=FILE is required: a table with second moments (run the model instrumented with qf-quantize-model and qf-instrument-calibration="second-moments=diag"
// V1: error: qf-assign-formats: calibration file '{{.*}}calib.json' has no second moments (version 1 table); calibrate with qf-instrument-calibration="second-moments=full" (or diag)
// MISSING: error: qf-assign-formats: linalg.matmul: the calibration table has no second moment for 'f.act0', the input this weight multiplies; calibrate with the same quantize-options and qf-instrument-calibration="second-moments=diag"
// KSIZE: error: qf-assign-formats: linalg.matmul: the second moment of 'f.act0' has K = 16 and 64 tokens but the weight has K = 32 (calibrate with the same quantize-options)
// BUDGET: error: qf-assign-formats: budget 4.00 bits per weight is infeasible: the least the candidates allow is 4.2500 (every contraction in its cheapest candidate)
// BUDGET6: error: qf-assign-formats: budget 5.00 bits per weight is infeasible: the least the candidates allow is 6.2500
// ZERO: error: qf-assign-formats: budget 0.000000e+00 must be a positive number of bits per weight
// NAME: error: qf-assign-formats: unknown candidate format 'mxfp5'; expected a preset name (mxfp8, mxfp8_e5m2, mxfp6, mxfp6_e3m2, mxfp4, mxint8, mxint6, mxint4, nvfp4, nvint4, int8_channel, fp8_tensor) or #qf.format<...>
// OBJ: error: qf-assign-formats: objective 'loss' is not supported; expected relative, absolute or output
// GNONE: error: qf-assign-formats: objective=output needs output-gains=FILE: the measured rise of the model output's error per contraction (docs/mixed-formats.md)
// GREL: error: qf-assign-formats: output-gains is used only by objective=output
// GFILE: error: qf-assign-formats: cannot read output-gains file '{{.*}}no-such.json':
// GBAD: error: qf-assign-formats: output-gains file '{{.*}}output-gains-bad.json' is not a qf output-gains table (expected "format": "qf-output-gains")
// GNAME: error: qf-assign-formats: unknown probe format 'nvfp5'; expected a preset name
// GTWICE: error: qf-assign-formats: two output-gains files have the probe #qf.format<nvfp4>; give one file per probe format
// GPOINT: error: qf-assign-formats: linalg.matmul: the output-gains file has no increase for 'f.act0', the input this weight multiplies; measure every contraction with the same quantize-options
// GBLOCK: error: qf-assign-formats: linalg.matmul: the probe #qf.format<mxfp4> or the reference #qf.format<nvfp4> does not apply to 'g.in0' (K = 48 is not a multiple of its block size and pad-k=false)
// GPROBE: error: qf-assign-formats: linalg.matmul: the probe format #qf.format<mxint8> does not predict more error than the reference #qf.format<nvfp4> for 'f.act0', so no gain follows; measure with a coarser probe
// QBAD: error: qf-assign-formats: qf-quantize-model with quantize-options 'weight-format=bogus' failed: qf-quantize-model: weight-format 'bogus' is not a format
// QOPT: error: qf-assign-formats: quantize-options 'no-such-option=1' are not qf-quantize-model options: {{.*}}no such option no-such-option
// NOAPPLY: remark: qf-assign-formats: linalg.matmul: no candidate applies (K = 48 is not a multiple of their block sizes and pad-k=false); left to qf-quantize-model
// REMARKS: remark: qf-assign-formats: linalg.matmul: no constant weight; it keeps qf-quantize-model's format and is not counted in the budget
func.func @f(%x: tensor<4x32xf32>) -> tensor<4x4xf32> {
  %w = arith.constant dense<[[0.09, 1.25, -0.93, 0.99], [-0.26, -0.26, 1.90, 0.16], [-0.04, 0.73, 1.13, -0.03], [0.59, -0.97, -0.37, -0.44], [-1.33, -1.51, -1.63, -0.24], [-0.17, -0.32, 0.07, -1.34], [-0.08, 0.24, 0.75, -0.85], [-0.40, -2.02, -0.50, -2.20], [-1.42, 1.10, -2.20, 0.80], [0.33, -0.31, 0.46, 0.53], [1.05, -0.23, -0.59, -0.60], [-0.99, -0.04, -0.79, 1.07], [-1.87, -1.09, -0.95, -2.09], [1.90, -2.41, -0.28, -0.53], [1.66, -1.99, 1.07, -0.73], [-0.16, -0.67, 0.64, -1.14], [-0.08, 0.35, 1.84, -2.41], [1.53, 0.95, -0.48, 0.30], [-0.47, 1.65, 0.21, -0.22], [-0.23, -0.20, -0.18, -0.88], [2.06, -1.91, -3.61, -0.12], [-0.15, 0.37, -0.20, -0.15], [0.33, 0.97, -0.45, -0.37], [1.94, 0.53, -0.99, 2.32], [0.78, -0.59, -1.17, 0.30], [-0.83, -1.06, -1.30, -0.51], [1.11, -0.43, -1.45, 0.67], [0.07, 0.84, 1.20, -0.17], [-0.14, -0.05, -1.13, 0.67], [1.37, 0.17, -0.24, -0.26], [-0.78, -0.80, -0.40, -0.84], [-0.44, -1.58, 0.35, 0.05]]> : tensor<32x4xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x4xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
  %y = linalg.matmul ins(%x, %w : tensor<4x32xf32>, tensor<32x4xf32>) outs(%i : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %y : tensor<4x4xf32>
}

// -----

func.func @g(%x: tensor<4x48xf32>) -> tensor<4x4xf32> {
  %w = arith.constant dense<[[-1.15, -2.30, -0.01, 1.10], [-0.73, -0.48, -0.57, 0.65], [-0.92, 0.99, -0.30, 0.92], [0.03, -0.23, -1.48, -0.69], [-0.26, 0.66, 0.24, -0.70], [0.41, 0.99, -0.15, -0.44], [-0.39, 0.81, 0.54, -0.93], [0.37, -0.48, -0.75, 1.24], [0.82, -0.72, 0.08, 0.50], [-0.64, -0.12, 0.67, -1.79], [0.33, 0.74, 0.50, -1.34], [0.32, -0.86, 0.57, 0.60], [0.22, -0.77, -0.59, 0.85], [-0.90, 0.50, 0.51, -0.28], [2.39, 0.07, 2.15, -2.02], [-2.24, 0.98, 0.64, -0.31], [-0.05, -1.90, -0.63, -1.03], [-0.22, 0.89, 0.05, 0.37], [-0.70, -0.43, 0.11, -0.28], [1.26, -0.88, 1.89, -0.98], [1.06, -0.77, 1.65, 0.14], [0.40, 0.74, -0.63, -1.04], [-2.03, 1.22, -0.70, -0.59], [-0.03, 1.99, -1.73, 0.25], [-0.40, 0.53, -1.80, -0.40], [0.84, 1.56, 1.60, -0.85], [0.05, -0.11, -1.38, -1.44], [0.76, 0.25, -0.14, 1.22], [-1.00, 0.53, 0.01, -0.06], [0.49, 0.18, 0.27, 0.27], [1.94, -0.31, 1.01, 0.61], [-0.35, 0.80, -0.86, 1.16], [-0.81, -0.49, 0.32, 0.83], [0.91, 0.89, -0.21, -0.96], [0.55, 0.30, -0.95, 0.97], [0.20, -0.96, 0.44, -1.33], [-0.88, 0.40, -1.56, 0.04], [-1.35, 0.74, -0.73, 0.18], [-1.50, -0.34, 0.95, 0.46], [-1.84, 0.92, 0.89, -0.38], [1.42, -1.06, -0.09, 1.11], [1.31, 1.28, -1.09, -1.78], [0.39, -1.43, -0.13, -1.28], [1.06, 0.80, 0.56, 0.02], [0.05, -0.30, 0.38, 0.25], [0.46, -0.43, 1.90, 0.28], [1.39, 1.33, -0.88, -1.69], [1.26, -0.39, 0.08, -0.26]]> : tensor<48x4xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x4xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
  %y = linalg.matmul ins(%x, %w : tensor<4x48xf32>, tensor<48x4xf32>) outs(%i : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %y : tensor<4x4xf32>
}

// -----

func.func @h(%x: tensor<4x32xf32>, %w: tensor<32x4xf32>) -> tensor<4x4xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x4xf32>
  %i = linalg.fill ins(%z : f32) outs(%e : tensor<4x4xf32>) -> tensor<4x4xf32>
  %y = linalg.matmul ins(%x, %w : tensor<4x32xf32>, tensor<32x4xf32>) outs(%i : tensor<4x4xf32>) -> tensor<4x4xf32>
  return %y : tensor<4x4xf32>
}
