// Upstream quant types on function boundaries. Symmetric i8 types with f32
// scales on arguments (per-tensor, or per-axis on a rank-2 weight) become
// their i8 storage (upstream --strip-func-quant-types rewrites the signature
// and the calls) read through qf.unpack with the type's scales; quant.dcast
// becomes qf.dequantize. Everything else is refused with an error naming the
// function, the position, the type and the reason
// (qf-import-int8-quant-types-refused.mlir).
// RUN: qf-opt %s --split-input-file --qf-import-int8 | FileCheck %s
// qf-quantize-model then takes such a weight as it is (blocked along K),
// instead of quantizing its decoded values again.
// RUN: qf-opt %s --split-input-file --qf-import-int8 --qf-quantize-model 2>/dev/null | FileCheck %s --check-prefix=QM
// RUN: qf-opt %s --split-input-file --qf-import-int8 --qf-quantize-model 2>&1 >/dev/null | FileCheck %s --check-prefix=QMREMARK
// RUN: qf-opt %s --split-input-file --qf-import-int8 --qf-quantize-model=activation-format=none 2>/dev/null | FileCheck %s --check-prefix=WONLY

// Per-axis on dimension 0 of [N, K]: one scale per row, channel blocks along
// axis 1 (scales [16, 1], rounded to f32). The caller's storage cast pair
// folds away.
// CHECK-LABEL: func.func @per_axis_nk(
// CHECK-SAME: %[[X:.*]]: tensor<4x64xf32>, %[[W:.*]]: tensor<16x64xi8>) -> tensor<4x16xf32>
// CHECK: %[[S:.*]] = arith.constant dense<{{\[\[}}1.000000e-01], [2.000000e-01], {{.*}}, [3.000000e-01]]> : tensor<16x1xf32>
// CHECK: %[[U:.*]] = qf.unpack %[[W]], %[[S]] : tensor<16x64xi8>, tensor<16x1xf32> -> !qf.tensor<16x64xf32, #qf.format<elem = i8, block = channel, scale = f32, {{.*}}range = full>, axis = 1>
// CHECK: %[[D:.*]] = qf.dequantize %[[U]] : {{.*}} -> tensor<16x64xf32>
// CHECK: linalg.matmul {{.*}} ins(%[[X]], %[[D]] : tensor<4x64xf32>, tensor<16x64xf32>)
// CHECK-NOT: quant.
// CHECK-LABEL: func.func @caller(
// CHECK-SAME: %[[CX:.*]]: tensor<4x64xf32>, %[[CS:.*]]: tensor<16x64xi8>)
// CHECK: call @per_axis_nk(%[[CX]], %[[CS]]) : (tensor<4x64xf32>, tensor<16x64xi8>) -> tensor<4x16xf32>
// CHECK-NOT: quant.
// QMREMARK: remark: qf-quantize-model: linalg.matmul: the weight is already quantized ('!qf.tensor<16x64xf32, #qf.format<elem = i8, block = channel, scale = f32, {{.*}}range = full>, axis = 1>'); it is used as it is
// QM-LABEL: func.func @per_axis_nk(
// QM-SAME: %[[X:.*]]: tensor<4x64xf32>, %[[W:.*]]: tensor<16x64xi8>)
// QM: %[[U:.*]] = qf.unpack %[[W]]
// QM: %[[QX:.*]] = qf.quantize %[[X]] : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp8, axis = 1>
// QM: qf.matmul %[[QX]], %[[U]] transpose_b
// QM-NOT: qf.quantize
// WONLY-LABEL: func.func @per_axis_nk(
// WONLY-SAME: %[[X:.*]]: tensor<4x64xf32>, %[[W:.*]]: tensor<16x64xi8>)
// WONLY: %[[U:.*]] = qf.unpack %[[W]]
// WONLY: qf.matmul %[[X]], %[[U]] transpose_b : tensor<4x64xf32>, !qf.tensor
!nk = tensor<16x64x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.3}>>
func.func @per_axis_nk(%x: tensor<4x64xf32>, %w: !nk) -> tensor<4x16xf32> {
  %wf = quant.dcast %w : !nk to tensor<16x64xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %wf : tensor<4x64xf32>, tensor<16x64xf32>) outs(%f : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}
func.func @caller(%x: tensor<4x64xf32>, %s: tensor<16x64xi8>) -> tensor<4x16xf32> {
  %q = quant.scast %s : tensor<16x64xi8> to !nk
  %y = call @per_axis_nk(%x, %q) : (tensor<4x64xf32>, !nk) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// Per-axis on dimension 1 of [K, N]: blocks along axis 0 (scales [N, 1]).
// A quant.scast back to the storage type is the storage argument itself.
// CHECK-LABEL: func.func @per_axis_kn(
// CHECK-SAME: %[[W:.*]]: tensor<8x4xi8>) -> (tensor<8x4xf32>, tensor<8x4xi8>)
// CHECK: %[[S:.*]] = arith.constant dense<{{\[\[}}5.000000e-01], [2.500000e-01], [1.250000e-01], [1.000000e+00]]> : tensor<4x1xf32>
// CHECK: %[[U:.*]] = qf.unpack %[[W]], %[[S]] : tensor<8x4xi8>, tensor<4x1xf32> -> !qf.tensor<8x4xf32, {{.*}}, axis = 0>
// CHECK: %[[D:.*]] = qf.dequantize %[[U]]
// CHECK: return %[[D]], %[[W]]
!kn = tensor<8x4x!quant.uniform<i8<-127:127>:f32:1, {0.5, 0.25, 0.125, 1.0}>>
func.func @per_axis_kn(%w: !kn) -> (tensor<8x4xf32>, tensor<8x4xi8>) {
  %f = quant.dcast %w : !kn to tensor<8x4xf32>
  %s = quant.scast %w : !kn to tensor<8x4xi8>
  return %f, %s : tensor<8x4xf32>, tensor<8x4xi8>
}

// -----

// [K, N] with per-axis scales on N, read by a plain matmul: blocked along K
// (axis 0), so qf-quantize-model takes it without transpose_b.
// QM-LABEL: func.func @kn_matmul(
// QM: %[[U:.*]] = qf.unpack %{{.*}} : tensor<64x8xi8>, tensor<8x1xf32> -> !qf.tensor<64x8xf32, {{.*}}, axis = 0>
// QM: qf.matmul %{{.*}}, %[[U]] : !qf.tensor<2x64xf32, mxfp8, axis = 1>, !qf.tensor<64x8xf32
!kn64 = tensor<64x8x!quant.uniform<i8:f32:1, {0.5, 0.25, 0.125, 1.0, 0.5, 0.25, 0.125, 1.0}>>
func.func @kn_matmul(%x: tensor<2x64xf32>, %w: !kn64) -> tensor<2x8xf32> {
  %wf = quant.dcast %w : !kn64 to tensor<64x8xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x8xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<2x8xf32>) -> tensor<2x8xf32>
  %y = linalg.matmul ins(%x, %wf : tensor<2x64xf32>, tensor<64x8xf32>) outs(%f : tensor<2x8xf32>) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

// Per-tensor symmetric, any rank: blocks along the last axis, one scale.
// CHECK-LABEL: func.func @per_tensor(
// CHECK: %[[S:.*]] = arith.constant dense<3.000000e-02> : tensor<2x3x1xf32>
// CHECK: qf.unpack %{{.*}}, %[[S]] : tensor<2x3x5xi8>, tensor<2x3x1xf32> -> !qf.tensor<2x3x5xf32, {{.*}}, axis = 2>
!pt = tensor<2x3x5x!quant.uniform<i8:f32, 0.03>>
func.func @per_tensor(%w: !pt) -> tensor<2x3x5xf32> {
  %f = quant.dcast %w : !pt to tensor<2x3x5xf32>
  return %f : tensor<2x3x5xf32>
}
