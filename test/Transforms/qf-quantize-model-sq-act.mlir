// Sparse-quantized (SQ) activations in qf-quantize-model: with a calibration
// table each activation gets static outlier channels, per bank the channels
// of largest recorded mean |x| (docs/numerics.md D25, D27), as
// qf.sparse_quantize; without one, or without usable per-channel means, the
// quantize keeps the run-time selection and a remark says why.
// RUN: qf-opt %s --qf-quantize-model='weight-format=mxint4 activation-format="#qf.format<mxint4, bank = 32, outliers = 2>" calibration=%S/Inputs/calib-sq-act.json' 2>%t.err | FileCheck %s
// RUN: FileCheck %s --check-prefix=REMARK < %t.err
// RUN: qf-opt %s --qf-quantize-model='weight-format=mxint4 activation-format="#qf.format<mxint4, bank = 32, outliers = 2>"' 2>&1 | FileCheck %s --check-prefix=NOCAL
// RUN: qf-opt %s --qf-quantize-model='weight-format=mxint4 activation-format="#qf.format<mxint4, bank = 32, outliers = 2>" calibration=%S/Inputs/calib-sq-act-old.json' 2>&1 | FileCheck %s --check-prefix=OLD
// RUN: not qf-opt %s --qf-quantize-model='weight-format=mxint4 activation-format="#qf.format<mxint4, bank = 32, outliers = 2>" calibration=%S/Inputs/calib.json' 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not qf-opt %s --qf-quantize-model='weight-format=mxint4 activation-format="#qf.format<mxint4, bank = 32, outliers = 2>" calibration=%t.none.json' 2>&1 | FileCheck %s --check-prefix=NOFILE
// qf-report lists the selection; qf-fold-scales leaves SQ activations
// data-dependent and still counts the static ones when it names the points.
// RUN: qf-opt %s --qf-quantize-model='weight-format=mxint4 activation-format="#qf.format<mxint4, bank = 32, outliers = 2>" calibration=%S/Inputs/calib-sq-act.json' --qf-report -o /dev/null 2>/dev/null | FileCheck %s --check-prefix=REPORT
// RUN: qf-opt %s --qf-quantize-model='weight-format=mxint4 activation-format="#qf.format<mxint4, bank = 32, outliers = 2>" calibration=%S/Inputs/calib-sq-act.json' --qf-fold-scales=calibration=%S/Inputs/calib-sq-act.json 2>&1 -o /dev/null | FileCheck %s --check-prefix=FOLD
// Everything it produces compiles with the CPU pipeline.
// RUN: qf-opt %s --qf-quantize-model='weight-format=mxint4 activation-format="#qf.format<mxint4, bank = 32, outliers = 2>" calibration=%S/Inputs/calib-sq-act.json' --qf-cpu-pipeline 2>/dev/null | FileCheck %s --check-prefix=LLVM

// Bank 0: channels 3 (mean 5) and 20 (4); bank 1: a three-way tie at 2.5
// (40, 50, 60) goes to the smaller indices.
// CHECK-LABEL: func.func @linear
// CHECK: %[[A:.*]] = qf.sparse_quantize %{{.*}} outlier_channels [3, 20, 40, 50] : tensor<4x64xf32> -> !qf.tensor<4x64xf32, #qf.format<mxint4, bank = 32, outliers = 2, {{.*}}>, axis = 1>
// CHECK: qf.matmul %[[A]], %{{.*}} transpose_b
// REMARK: remark: qf-quantize-model: qf.quantize: activation 'linear.act0': 4 static outlier channels [3, 20, 40, 50]
// NOCAL: remark: qf-quantize-model: qf.quantize: activation 'linear.act0' in #qf.format<mxint4, bank = 32, outliers = 2, {{.*}}> selects its outliers at run time (per-bank top of |x| in every row); give calibration=FILE for static outlier channels
// NOCAL-LABEL: func.func @linear
// NOCAL: qf.quantize %{{.*}} : tensor<4x64xf32> -> !qf.tensor<4x64xf32, #qf.format<mxint4, bank = 32, outliers = 2
// OLD: remark: qf-quantize-model: qf.quantize: activation 'linear.act0' selects its outliers at run time: the calibration table has no per-channel mean |x| ("channel_mean_abs"
// MISSING: error: qf-quantize-model: calibration table '{{.*}}calib.json' has no entry 'linear.act0' for this activation
// NOFILE: error: qf-quantize-model: cannot read calibration file
// REPORT: sparse-quantized activations: outlier selection
// REPORT-NEXT: {{.*}} 4x64 static 4 channels [3, 20, 40, 50]
// REPORT-NEXT: {{.*}} 4x64 static 4 channels [3, 20, 40, 50]
// REPORT-NEXT: {{.*}} 64x8 run-time
// FOLD: remark: qf-fold-scales: 'attn.act1' not folded: the sparse-quantized format #qf.format<mxint4, bank = 32, outliers = 2, {{.*}}> keeps data-dependent scales
// LLVM: llvm.func @linear
// LLVM: llvm.func @attn
func.func @linear(%x: tensor<4x64xf32>) -> tensor<4x16xf32> {
  %wb = arith.constant dense<0.37> : tensor<64x16xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %acc = linalg.fill ins(%z : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %y = linalg.matmul ins(%x, %wb : tensor<4x64xf32>, tensor<64x16xf32>) outs(%acc : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// An activation x activation product: the right operand [K, N] is blocked
// along axis 0, but its table entry has means along its last axis (N), so
// it keeps the run-time selection.
// CHECK-LABEL: func.func @attn
// CHECK: qf.sparse_quantize %{{.*}} outlier_channels [3, 20, 40, 50] : tensor<4x64xf32>
// CHECK: qf.quantize %{{.*}} : tensor<64x8xf32> -> !qf.tensor<64x8xf32, #qf.format<mxint4, bank = 32, outliers = 2, {{.*}}>, axis = 0>
// REMARK: remark: qf-quantize-model: qf.quantize: activation 'attn.act1' selects its outliers at run time: the calibration table's per-channel mean |x| is along axis 1 (8 channels), but the outliers are chosen along the blocked axis 0 (64 channels)
func.func @attn(%q: tensor<4x64xf32>, %k0: tensor<64x8xf32>) -> tensor<4x8xf32> {
  // A computed right operand (not a weight): its negation.
  %ek = tensor.empty() : tensor<64x8xf32>
  %k = linalg.negf ins(%k0 : tensor<64x8xf32>) outs(%ek : tensor<64x8xf32>) -> tensor<64x8xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %acc = linalg.fill ins(%z : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = linalg.matmul ins(%q, %k : tensor<4x64xf32>, tensor<64x8xf32>) outs(%acc : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}
