// qf-fold-scales with calibration: a sparse-quantized (SQ) weight picks its
// outliers by |w| * sqrt(E[a^2]) of the input channel (docs/numerics.md
// D24), from the diagonal or the full second moment, with the default
// weight-rounding=rtn too; the MSE search and GPTQ do not apply to SQ
// formats. qf-report shows the predicted relative output error of this
// selection and of the |w| one.
// RUN: %python %S/Inputs/make-moments.py %t.diag.json f.act0:diag:32
// RUN: %python %S/Inputs/make-moments.py %t.full.json f.act0:full:32
// RUN: %python %S/Inputs/make-moments.py %t.none.json f.act0:none:32
// RUN: qf-opt %s --qf-fold-scales="calibration=%t.diag.json" | FileCheck %s
// RUN: qf-opt %s --qf-fold-scales="calibration=%t.diag.json weight-scale-search=mse" | FileCheck %s
// RUN: qf-opt %s --qf-fold-scales="calibration=%t.full.json weight-rounding=gptq" | FileCheck %s
// RUN: qf-opt %s --qf-fold-scales="calibration=%t.full.json" --qf-report -o /dev/null | FileCheck %s --check-prefix=REPORT
// Without a second moment for the weight's input, or without any (a
// version 1 table), the weight keeps the |w| selection, with a remark;
// qf-quantize-model's folded SQ weights say why they are not re-selected.
// RUN: qf-opt %s --qf-fold-scales="calibration=%t.none.json" 2>&1 | FileCheck %s --check-prefix=NOMOMENT
// RUN: qf-opt %s --qf-fold-scales="calibration=%S/Inputs/calib.json" 2>&1 | FileCheck %s --check-prefix=V1
// RUN: qf-opt %s --canonicalize --qf-fold-scales="calibration=%t.diag.json" 2>&1 | FileCheck %s --check-prefix=FOLDED
// Everything compiles with the CPU pipeline.
// RUN: qf-opt %s --qf-fold-scales="calibration=%t.diag.json weight-scale-search=mse" --qf-cpu-pipeline | FileCheck %s --check-prefix=LLVM

// CHECK-LABEL: func.func @f
// CHECK: qf.constant codes {{.*}} outliers {{.*}} positions {{.*}}qf.qsnr_db = {{[-+0-9.e]+}} : f64, qf.rounding = "sq-calibrated"
// CHECK-NOT: arith.constant dense<{{.*}}> : tensor<4x32xf32>
// LLVM: llvm.func @f
// REPORT: weight 4x32 {{.*}} sq-calibrated [[CAL:[0-9.]+]] [[ABS:[0-9.]+]]
// REPORT: RTN err %
// NOMOMENT: remark: qf-fold-scales: the sparse-quantized weight keeps its |w| outlier selection: calibration table '{{.*}}' has no second moment for 'f.act0'
// NOMOMENT-NOT: sq-calibrated
// V1: remark: qf-fold-scales: sparse-quantized weights keep their |w| outlier selection: calibration file '{{.*}}calib.json' has no second moments
// FOLDED: remark: qf-fold-scales: the sparse-quantized weight keeps its |w| outlier selection: the weight is already quantized (qf.constant); run qf-quantize-model with fold-weights=false
func.func @f(%x: tensor<8x32xf32>) -> tensor<8x4xf32> {
  %w = arith.constant dense<[[0.0, 0.4207, 0.682, 0.1411, -0.946, -0.2397, -0.1397, 0.4927, 0.9894, 0.5151, -0.136, -0.5, -0.4024, 0.4202, 1.2383, 0.1626, -0.144, -0.721, -0.751, 0.1873, 0.2282, 0.4183, -0.0066, -0.8462, -1.132, -0.0331, 0.3813, 0.7173, 0.2709, -0.8295, -0.247, -0.202], [0.4136, 0.9999, 0.6614, -0.107, -0.4959, -0.4827, 0.2964, 1.2047, 0.1863, -0.0793, -0.6874, -0.8318, 0.0221, 0.2127, 0.4509, 0.0927, -0.7683, -1.1922, -0.0656, 0.3351, 0.74, 0.3959, -0.6985, -0.2499, -0.2608, 0.3271, 0.9929, 0.7959, -0.0762, -0.4831, -0.5544, 0.1674], [1.15, 0.2067, -0.0133, -0.6416, -0.8979, -0.1435, 0.1935, 0.4755, 0.1904, -0.6768, -1.2314, -0.0969, 0.2831, 0.7496, 0.514, -0.5551, -0.2485, -0.3149, 0.2349, 0.9684, 0.9165, -0.044, -0.4617, -0.6164, 0.0354, 1.0751, 0.2235, 0.053, -0.5846, -0.9483, -0.3066, 0.1708], [0.4918, 0.2847, -0.5734, -1.249, -0.1266, 0.226, 0.7461, 0.623, -0.402, -0.2426, -0.3636, 0.1386, 0.9268, 1.0209, -0.0111, -0.4323, -0.6675, -0.0972, 0.9812, 0.2364, 0.1183, -0.5173, -0.982, -0.4643, 0.1452, 0.4994, 0.374, -0.4599, -1.2446, -0.154, 0.165, 0.7295]]> : tensor<4x32xf32>
  %xq = qf.quantize %x : tensor<8x32xf32> -> !qf.tensor<8x32xf32, mxfp8>
  %wq = qf.quantize %w : tensor<4x32xf32> -> !qf.tensor<4x32xf32, #qf.format<mxint4, bank = 16, outliers = 1>>
  %y = qf.matmul %xq, %wq transpose_b : !qf.tensor<8x32xf32, mxfp8>, !qf.tensor<4x32xf32, #qf.format<mxint4, bank = 16, outliers = 1>> -> tensor<8x4xf32>
  return %y : tensor<8x4xf32>
}
