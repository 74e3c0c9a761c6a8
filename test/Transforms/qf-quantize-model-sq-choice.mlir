// A sparse-quantized format chosen by qf-assign-formats (qf.format_choice)
// while weight-scale-search=mse: the MSE search does not apply to it (its
// low blocks' scales ignore the outliers, and a search over the whole block
// would re-encode the outlier slots, which must stay +0), so the weight is
// quantized as without the search, with a remark; numerics::quantizeMse of
// an SQ format is quantize.
// RUN: qf-opt %s --qf-quantize-model="weight-scale-search=mse" 2>&1 >/dev/null | FileCheck %s --check-prefix=REMARK
// RUN: qf-opt %s --qf-quantize-model="weight-scale-search=mse" 2>/dev/null > %t.mse
// RUN: qf-opt %s --qf-quantize-model="weight-scale-search=none" 2>/dev/null > %t.none
// RUN: diff %t.mse %t.none
// RUN: FileCheck %s < %t.mse

// REMARK: remark: qf-quantize-model: linalg.matmul: weight-scale-search=mse does not apply to the sparse-quantized format #qf.format<mxint4, bank = 32, outliers = 2, outlier_elem = i8, outlier_scale = f8E8M0FNU, outlier_rule = floor> that qf-assign-formats chose; its outliers are selected by |w| and its scales from the data
// CHECK-LABEL: func.func @chosen
// CHECK: qf.constant codes {{.*}} outliers {{.*}} : !qf.tensor<8x32xf32, #qf.format<mxint4, bank = 32, outliers = 2, {{.*}}>, axis = 1>
func.func @chosen(%x: tensor<4x32xf32>) -> tensor<4x8xf32> {
  %w = arith.constant dense<[[0.5, -1.0, 7.5, 0.25, 0.0, 0.125, -0.5, 1.5], [2.0, -3.0, 0.75, 0.5, -0.25, 1.0, 0.0, 12.0], [0.3, -0.7, 1.1, -2.2, 0.9, 0.05, -0.6, 3.3], [-9.0, 0.1, 0.2, 0.4, -0.8, 1.6, -3.2, 6.4], [0.5, -1.0, 7.5, 0.25, 0.0, 0.125, -0.5, 1.5], [2.0, -3.0, 0.75, 0.5, -0.25, 1.0, 0.0, 12.0], [0.3, -0.7, 1.1, -2.2, 0.9, 0.05, -0.6, 3.3], [-9.0, 0.1, 0.2, 0.4, -0.8, 1.6, -3.2, 6.4], [0.5, -1.0, 7.5, 0.25, 0.0, 0.125, -0.5, 1.5], [2.0, -3.0, 0.75, 0.5, -0.25, 1.0, 0.0, 12.0], [0.3, -0.7, 1.1, -2.2, 0.9, 0.05, -0.6, 3.3], [-9.0, 0.1, 0.2, 0.4, -0.8, 1.6, -3.2, 6.4], [0.5, -1.0, 7.5, 0.25, 0.0, 0.125, -0.5, 1.5], [2.0, -3.0, 0.75, 0.5, -0.25, 1.0, 0.0, 12.0], [0.3, -0.7, 1.1, -2.2, 0.9, 0.05, -0.6, 3.3], [-9.0, 0.1, 0.2, 0.4, -0.8, 1.6, -3.2, 6.4], [0.5, -1.0, 7.5, 0.25, 0.0, 0.125, -0.5, 1.5], [2.0, -3.0, 0.75, 0.5, -0.25, 1.0, 0.0, 12.0], [0.3, -0.7, 1.1, -2.2, 0.9, 0.05, -0.6, 3.3], [-9.0, 0.1, 0.2, 0.4, -0.8, 1.6, -3.2, 6.4], [0.5, -1.0, 7.5, 0.25, 0.0, 0.125, -0.5, 1.5], [2.0, -3.0, 0.75, 0.5, -0.25, 1.0, 0.0, 12.0], [0.3, -0.7, 1.1, -2.2, 0.9, 0.05, -0.6, 3.3], [-9.0, 0.1, 0.2, 0.4, -0.8, 1.6, -3.2, 6.4], [0.5, -1.0, 7.5, 0.25, 0.0, 0.125, -0.5, 1.5], [2.0, -3.0, 0.75, 0.5, -0.25, 1.0, 0.0, 12.0], [0.3, -0.7, 1.1, -2.2, 0.9, 0.05, -0.6, 3.3], [-9.0, 0.1, 0.2, 0.4, -0.8, 1.6, -3.2, 6.4], [0.5, -1.0, 7.5, 0.25, 0.0, 0.125, -0.5, 1.5], [2.0, -3.0, 0.75, 0.5, -0.25, 1.0, 0.0, 12.0], [0.3, -0.7, 1.1, -2.2, 0.9, 0.05, -0.6, 3.3], [-9.0, 0.1, 0.2, 0.4, -0.8, 1.6, -3.2, 6.4]]> : tensor<32x8xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %acc = linalg.fill ins(%z : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = linalg.matmul {qf.format_choice = {bits = 5.3125 : f64, format = #qf.format<mxint4, bank = 32, outliers = 2>, predicted_error = 0.01 : f64}} ins(%x, %w : tensor<4x32xf32>, tensor<32x8xf32>) outs(%acc : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}
