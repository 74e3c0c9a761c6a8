// Sparse-quantized (SQ) weight formats in qf-quantize-model: the weight
// format option takes any #qf.format<...>, outliers included.
// RUN: qf-opt %s --qf-quantize-model='weight-format="#qf.format<mxint4, bank = 32, outliers = 2>" weight-scale-search=none' | FileCheck %s
// RUN: qf-opt %s --qf-quantize-model='weight-format="#qf.format<mxint4, bank = 32, outliers = 2>" weight-scale-search=none fold-weights=false' | FileCheck %s --check-prefix=NOFOLD
// Everything it produces compiles with the CPU pipeline.
// RUN: qf-opt %s --qf-quantize-model='weight-format="#qf.format<mxint4, bank = 32, outliers = 2>" weight-scale-search=none activation-format=mxint8' --qf-cpu-pipeline | FileCheck %s --check-prefix=LLVM
// RUN: not qf-opt %s --qf-quantize-model='weight-format="#qf.format<mxint4, bank = 32, outliers = 2>" weight-scale-search=mse' 2>&1 | FileCheck %s --check-prefix=MSE
// SQ activations without calibration keep the run-time selection, with a
// remark (static channels: qf-quantize-model-sq-act.mlir).
// RUN: qf-opt %s --qf-quantize-model='activation-format="#qf.format<mxint4, bank = 32, outliers = 2>"' 2>&1 | FileCheck %s --check-prefix=ACT

// CHECK-LABEL: func.func @linear
// CHECK: %[[W:.*]] = qf.constant codes {{.*}} outliers {{.*}} outlier_scales {{.*}} positions {{.*}} : !qf.tensor<16x64xf32, #qf.format<mxint4, bank = 32, outliers = 2, outlier_elem = i8, outlier_scale = f8E8M0FNU, outlier_rule = floor>, axis = 1>
// CHECK: qf.matmul %{{.*}}, %[[W]] transpose_b
// NOFOLD-LABEL: func.func @linear
// NOFOLD: qf.quantize %{{.*}} : tensor<16x64xf32> -> !qf.tensor<16x64xf32, #qf.format<mxint4, bank = 32, outliers = 2, {{.*}}>, axis = 1>
// LLVM: llvm.func @linear
// MSE: error: qf-quantize-model: weight-scale-search=mse is not supported with the sparse-quantized weight format #qf.format<mxint4, bank = 32, outliers = 2, outlier_elem = i8, outlier_scale = f8E8M0FNU, outlier_rule = floor>; use weight-scale-search=none
// ACT: remark: qf-quantize-model: qf.quantize: activation 'linear.act0' in #qf.format<mxint4, bank = 32, outliers = 2, {{.*}}> selects its outliers at run time
func.func @linear(%x: tensor<4x64xf32>) -> tensor<4x16xf32> {
  %w = arith.constant dense<[[0.5, -1.0, 7.5, 0.25, 0.0, 0.125, -0.5, 1.5, 2.0, -3.0, 0.75, 0.5, -0.25, 1.0, 0.0, 12.0]]> : tensor<1x16xf32>
  %wb = arith.constant dense<0.37> : tensor<64x16xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %acc = linalg.fill ins(%z : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %y = linalg.matmul ins(%x, %wb : tensor<4x64xf32>, tensor<64x16xf32>) outs(%acc : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// Weights as arguments (here a view of a flat argument): the storage of an
// SQ weight is five tensors (low codes and scales, high codes and scales,
// positions), rebuilt with qf.unpack of each part and qf.sparse_join; the
// callers quantize (selecting by |w|), split and pack.
// RUN: qf-opt %s --qf-quantize-model='weight-format="#qf.format<mxint4, bank = 32, outliers = 2>" weight-scale-search=none activation-format=mxint8 weights-as-arguments' 2>/dev/null | FileCheck %s --check-prefix=WARG
// WARG-LABEL: func.func @flat
// WARG-SAME: (%[[X:.*]]: tensor<4x64xf32>, %[[C:.*]]: tensor<64x8xi8> {qf.weight_view = {axis = 0 : i64, source = 1 : i64, view = "reshape(64,16)"}}, %[[S:.*]]: tensor<16x2xi8>, %[[O:.*]]: tensor<4x16xi8>, %[[OS:.*]]: tensor<16x2xi8>, %[[P:.*]]: tensor<4x16xi8>)
// WARG-DAG: %[[LO:.*]] = qf.unpack %[[C]], %[[S]] : tensor<64x8xi8>, tensor<16x2xi8> -> !qf.tensor<64x16xf32, mxint4, axis = 0>
// WARG-DAG: %[[HI:.*]] = qf.unpack %[[O]], %[[OS]] : tensor<4x16xi8>, tensor<16x2xi8> -> !qf.tensor<4x16xf32, #qf.format<elem = i8, block = 2{{.*}}>, axis = 0>
// WARG: %[[W:.*]] = qf.sparse_join %[[LO]], %[[HI]], %[[P]]
// WARG: qf.matmul %{{.*}}, %[[W]] :
// WARG-LABEL: func.func @flat_caller
// WARG: %[[Q:.*]] = qf.quantize %{{.*}} : tensor<64x16xf32> -> !qf.tensor<64x16xf32, #qf.format<mxint4, bank = 32, outliers = 2, {{.*}}>, axis = 0>
// WARG: qf.sparse_split %[[Q]]
// WARG-COUNT-2: qf.pack
// WARG: call @flat(
func.func @flat(%x: tensor<4x64xf32>, %w: tensor<1024xf32>) -> tensor<4x16xf32> {
  %v = tensor.expand_shape %w [[0, 1]] output_shape [64, 16] : tensor<1024xf32> into tensor<64x16xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %acc = linalg.fill ins(%z : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %y = linalg.matmul ins(%x, %v : tensor<4x64xf32>, tensor<64x16xf32>) outs(%acc : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}
func.func @flat_caller(%x: tensor<4x64xf32>, %w: tensor<1024xf32>) -> tensor<4x16xf32> {
  %y = func.call @flat(%x, %w) : (tensor<4x64xf32>, tensor<1024xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}
