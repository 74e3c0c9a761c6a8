// qf-fold-scales weight-rounding=gptq / weight-scale-search=mse: constant
// weights rounded with the second moment of the input they multiply
// (tables written by Inputs/make-moments.py as libqf_runtime writes them).
// RUN: %python %S/Inputs/make-moments.py %t.full.json f.act0:full:32 g.in0:full:32
// RUN: %python %S/Inputs/make-moments.py %t.diag.json f.act0:diag:32 g.in0:diag:32
// RUN: qf-opt %s --qf-fold-scales="calibration=%t.full.json weight-rounding=gptq" | FileCheck %s --check-prefix=GPTQ
// RUN: qf-opt %s --qf-fold-scales="calibration=%t.full.json weight-rounding=gptq weight-scale-search=mse" | FileCheck %s --check-prefix=GPTQMSE
// RUN: qf-opt %s --qf-fold-scales="calibration=%t.diag.json weight-scale-search=mse" | FileCheck %s --check-prefix=MSE
// The default leaves the weights alone and needs no second moments.
// RUN: qf-opt %s --qf-fold-scales="calibration=%t.diag.json" | FileCheck %s --check-prefix=NONE
// qf-report shows the predicted output errors beside round-to-nearest.
// RUN: qf-opt %s --qf-fold-scales="calibration=%t.full.json weight-rounding=gptq" --qf-report -o /dev/null | FileCheck %s --check-prefix=REPORT
// RUN: qf-opt %s --qf-fold-scales="calibration=%t.full.json weight-rounding=gptq" --qf-report=json -o /dev/null | FileCheck %s --check-prefix=JSON

// The weight becomes a qf.constant carrying the rounding, its QSNR and
// [chosen, round-to-nearest] predicted relative output errors; the
// activation gets its static scale as before.
// GPTQ-LABEL: func.func @f
// GPTQ: qf.quantize %arg0 scales(
// GPTQ: qf.constant {{.*}}qf.output_error = [{{[-+0-9.e]+}}, {{[-+0-9.e]+}}], qf.qsnr_db = {{[-+0-9.e]+}} : f64, qf.rounding = "gptq"
// GPTQ-NOT: arith.constant dense<{{.*}}> : tensor<4x32xf32>
// GPTQMSE-LABEL: func.func @f
// GPTQMSE: qf.rounding = "gptq+mse"
// MSE-LABEL: func.func @f
// MSE: qf.rounding = "rtn+mse"
// NONE-LABEL: func.func @f
// NONE: qf.quantize %{{.*}} : tensor<4x32xf32> -> !qf.tensor<4x32xf32, mxfp4, axis = 1>
// REPORT: rounding out err % RTN err %
// REPORT: weight 4x32 mxfp4 4.25 512 68 [[Q:[0-9.]+]] - - gptq [[E:[0-9.]+]] [[R:[0-9.]+]]
// The transposed copy in @g (same values, same H) rounds the same way.
// REPORT: weight 32x4 mxfp4 4.25 512 68 [[Q]] - - gptq [[E]] [[R]]
// REPORT: out err %: predicted relative output error
// JSON: "predicted_output_error":
// JSON-NEXT: "predicted_output_error_rtn":
// JSON: "rounding": "gptq"
func.func @f(%x: tensor<8x32xf32>) -> tensor<8x4xf32> {
  %w = arith.constant dense<[[0.0, 0.4207, 0.682, 0.1411, -0.946, -0.2397, -0.1397, 0.4927, 0.9894, 0.5151, -0.136, -0.5, -0.4024, 0.4202, 1.2383, 0.1626, -0.144, -0.721, -0.751, 0.1873, 0.2282, 0.4183, -0.0066, -0.8462, -1.132, -0.0331, 0.3813, 0.7173, 0.2709, -0.8295, -0.247, -0.202], [0.4136, 0.9999, 0.6614, -0.107, -0.4959, -0.4827, 0.2964, 1.2047, 0.1863, -0.0793, -0.6874, -0.8318, 0.0221, 0.2127, 0.4509, 0.0927, -0.7683, -1.1922, -0.0656, 0.3351, 0.74, 0.3959, -0.6985, -0.2499, -0.2608, 0.3271, 0.9929, 0.7959, -0.0762, -0.4831, -0.5544, 0.1674], [1.15, 0.2067, -0.0133, -0.6416, -0.8979, -0.1435, 0.1935, 0.4755, 0.1904, -0.6768, -1.2314, -0.0969, 0.2831, 0.7496, 0.514, -0.5551, -0.2485, -0.3149, 0.2349, 0.9684, 0.9165, -0.044, -0.4617, -0.6164, 0.0354, 1.0751, 0.2235, 0.053, -0.5846, -0.9483, -0.3066, 0.1708], [0.4918, 0.2847, -0.5734, -1.249, -0.1266, 0.226, 0.7461, 0.623, -0.402, -0.2426, -0.3636, 0.1386, 0.9268, 1.0209, -0.0111, -0.4323, -0.6675, -0.0972, 0.9812, 0.2364, 0.1183, -0.5173, -0.982, -0.4643, 0.1452, 0.4994, 0.374, -0.4599, -1.2446, -0.154, 0.165, 0.7295]]> : tensor<4x32xf32>
  %xq = qf.quantize %x : tensor<8x32xf32> -> !qf.tensor<8x32xf32, mxfp8>
  %wq = qf.quantize %w : tensor<4x32xf32> -> !qf.tensor<4x32xf32, mxfp4>
  %y = qf.matmul %xq, %wq transpose_b : !qf.tensor<8x32xf32, mxfp8>, !qf.tensor<4x32xf32, mxfp4> -> tensor<8x4xf32>
  return %y : tensor<8x4xf32>
}

// A weight-only product: the f32 left operand is the point g.in0, and a
// weight laid out [K, N] (no transpose_b) is rounded along its K axis 0
// (the same values as @f's weight, transposed).
// GPTQ-LABEL: func.func @g
// GPTQ: qf.constant {{.*}}qf.rounding = "gptq"
// GPTQ-SAME: !qf.tensor<32x4xf32, mxfp4, axis = 0>
// MSE-LABEL: func.func @g
// MSE: qf.rounding = "rtn+mse"
func.func @g(%x: tensor<8x32xf32>) -> tensor<8x4xf32> {
  %w = arith.constant dense<[[0.0, 0.4136, 1.15, 0.4918], [0.4207, 0.9999, 0.2067, 0.2847], [0.682, 0.6614, -0.0133, -0.5734], [0.1411, -0.107, -0.6416, -1.249], [-0.946, -0.4959, -0.8979, -0.1266], [-0.2397, -0.4827, -0.1435, 0.226], [-0.1397, 0.2964, 0.1935, 0.7461], [0.4927, 1.2047, 0.4755, 0.623], [0.9894, 0.1863, 0.1904, -0.402], [0.5151, -0.0793, -0.6768, -0.2426], [-0.136, -0.6874, -1.2314, -0.3636], [-0.5, -0.8318, -0.0969, 0.1386], [-0.4024, 0.0221, 0.2831, 0.9268], [0.4202, 0.2127, 0.7496, 1.0209], [1.2383, 0.4509, 0.514, -0.0111], [0.1626, 0.0927, -0.5551, -0.4323], [-0.144, -0.7683, -0.2485, -0.6675], [-0.721, -1.1922, -0.3149, -0.0972], [-0.751, -0.0656, 0.2349, 0.9812], [0.1873, 0.3351, 0.9684, 0.2364], [0.2282, 0.74, 0.9165, 0.1183], [0.4183, 0.3959, -0.044, -0.5173], [-0.0066, -0.6985, -0.4617, -0.982], [-0.8462, -0.2499, -0.6164, -0.4643], [-1.132, -0.2608, 0.0354, 0.1452], [-0.0331, 0.3271, 1.0751, 0.4994], [0.3813, 0.9929, 0.2235, 0.374], [0.7173, 0.7959, 0.053, -0.4599], [0.2709, -0.0762, -0.5846, -1.2446], [-0.8295, -0.4831, -0.9483, -0.154], [-0.247, -0.5544, -0.3066, 0.165], [-0.202, 0.1674, 0.1708, 0.7295]]> : tensor<32x4xf32>
  %wq = qf.quantize %w : tensor<32x4xf32> -> !qf.tensor<32x4xf32, mxfp4, axis = 0>
  %y = qf.matmul %x, %wq : tensor<8x32xf32>, !qf.tensor<32x4xf32, mxfp4, axis = 0> -> tensor<8x4xf32>
  return %y : tensor<8x4xf32>
}
