// RUN: qf-opt %s --qf-quantize-model --split-input-file 2>/dev/null | FileCheck %s
// RUN: qf-opt %s --qf-quantize-model="activation-format=none" --split-input-file 2>/dev/null | FileCheck %s --check-prefix=WONLY
// RUN: qf-opt %s --qf-quantize-model='weight-format="#qf.format<elem = i4, block = 16, scale = f8E8M0FNU>"' --split-input-file 2>/dev/null | FileCheck %s --check-prefix=USER
// RUN: qf-opt %s --qf-quantize-model="exclude=head" --split-input-file 2>/dev/null | FileCheck %s --check-prefix=EXCL
// RUN: qf-opt %s --qf-quantize-model="include=batch_matmul" --split-input-file 2>/dev/null | FileCheck %s --check-prefix=INCL
// RUN: qf-opt %s --qf-quantize-model="min-size=100000" --split-input-file 2>/dev/null | FileCheck %s --check-prefix=MIN

// A constant [K, N] weight is transposed to [N, K] and quantized at compile
// time; the activation is quantized at run time; the zero accumulator goes.
// CHECK-LABEL: func.func @matmul_const_weight
// CHECK-DAG: %[[W:.*]] = qf.constant codes {{.*}} : !qf.tensor<16x64xf32, mxfp4, axis = 1>
// CHECK-DAG: %[[X:.*]] = qf.quantize %{{.*}} : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp8, axis = 1>
// CHECK: %[[Y:.*]] = qf.matmul %[[X]], %[[W]] transpose_b
// CHECK-NOT: linalg.matmul
// CHECK: return %[[Y]]
// WONLY-LABEL: func.func @matmul_const_weight
// WONLY: qf.matmul %{{.*}}, %{{.*}} transpose_b : tensor<4x64xf32>, !qf.tensor<16x64xf32, mxfp4, axis = 1>
// USER-LABEL: func.func @matmul_const_weight
// USER: qf.constant {{.*}} : !qf.tensor<16x64xf32, #qf.format<elem = i4, block = 16, scale = f8E8M0FNU
// MIN-LABEL: func.func @matmul_const_weight
// MIN: linalg.matmul
func.func @matmul_const_weight(%x: tensor<4x64xf32>) -> tensor<4x16xf32> {
  %w = arith.constant dense<0.5> : tensor<64x16xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %acc = linalg.fill ins(%z : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %y = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x16xf32>) outs(%acc : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// A weight that is transposed in the IR (torch-mlir style) is used as is,
// and a non-zero accumulator is added back.
// CHECK-LABEL: func.func @transposed_weight_with_bias
// CHECK: qf.constant {{.*}} : !qf.tensor<16x64xf32, mxfp4, axis = 1>
// CHECK: %[[Y:.*]] = qf.matmul
// CHECK: %[[S:.*]] = linalg.add ins(%[[Y]], %{{.*}} : tensor<4x16xf32>, tensor<4x16xf32>)
// CHECK: return %[[S]]
// EXCL-LABEL: func.func @transposed_weight_with_bias
// EXCL: qf.matmul
func.func @transposed_weight_with_bias(%x: tensor<4x64xf32>, %bias: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %w = arith.constant dense<1.5> : tensor<16x64xf32>
  %e = tensor.empty() : tensor<64x16xf32>
  %wt = linalg.transpose ins(%w : tensor<16x64xf32>) outs(%e : tensor<64x16xf32>) permutation = [1, 0]
  %y = linalg.matmul ins(%x, %wt : tensor<4x64xf32>, tensor<64x16xf32>) outs(%bias : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// Matmul with B given as [N, K] through indexing maps.
// CHECK-LABEL: func.func @matmul_transpose_b_maps
// CHECK: qf.matmul %{{.*}}, %{{.*}} transpose_b : !qf.tensor<4x64xf32, mxfp8, axis = 1>, !qf.tensor<16x64xf32, mxfp4, axis = 1>
func.func @matmul_transpose_b_maps(%x: tensor<4x64xf32>, %acc: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %w = arith.constant dense<2.0> : tensor<16x64xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
         ins(%x, %w : tensor<4x64xf32>, tensor<16x64xf32>) outs(%acc : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// Both operands computed at run time (attention scores): both in the
// activation format, B blocked along K = axis 1 of [batch, K, N].
// CHECK-LABEL: func.func @batch_matmul_activations
// CHECK: qf.quantize %{{.*}} : tensor<2x8x32xf32> -> !qf.tensor<2x8x32xf32, mxfp8, axis = 2>
// CHECK: qf.quantize %{{.*}} : tensor<2x32x8xf32> -> !qf.tensor<2x32x8xf32, mxfp8, axis = 1>
// CHECK: qf.matmul {{.*}} -> tensor<2x8x8xf32>
// INCL-LABEL: func.func @batch_matmul_activations
// INCL: qf.matmul
func.func @batch_matmul_activations(%q: tensor<2x8x32xf32>, %k: tensor<2x32x8xf32>, %acc: tensor<2x8x8xf32>) -> tensor<2x8x8xf32> {
  %s = linalg.batch_matmul ins(%q, %k : tensor<2x8x32xf32>, tensor<2x32x8xf32>) outs(%acc : tensor<2x8x8xf32>) -> tensor<2x8x8xf32>
  return %s : tensor<2x8x8xf32>
}

// -----

// A generic contraction (one reduction) is quantized like a matmul.
// CHECK-LABEL: func.func @generic_contraction
// CHECK: qf.matmul
// CHECK-NOT: linalg.generic
func.func @generic_contraction(%a: tensor<4x32xf32>, %b: tensor<32x8xf32>, %c: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (k, j)>, affine_map<(i, j, k) -> (i, j)>],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : tensor<4x32xf32>, tensor<32x8xf32>) outs(%c : tensor<4x8xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

// What cannot be quantized stays (the remarks are checked in
// qf-quantize-model-remarks.mlir).
// CHECK-LABEL: func.func @dynamic_k
// CHECK: linalg.matmul
func.func @dynamic_k(%a: tensor<4x?xf32>, %b: tensor<?x8xf32>, %c: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<4x?xf32>, tensor<?x8xf32>) outs(%c : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

// The output head stays in f32 when excluded by location.
// EXCL-LABEL: func.func @head
// EXCL: linalg.matmul
func.func @head(%x: tensor<4x64xf32>, %w: tensor<64x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %y = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32> loc("lm_head")
  return %y : tensor<4x16xf32>
}

// -----

// K = 40 is not a multiple of the block (32): both operands are zero-padded
// to 64, which changes no product and no block maximum.
// CHECK-LABEL: func.func @pad_k
// CHECK: %[[A:.*]] = tensor.pad %{{.*}} low[0, 0] high[0, 24]
// CHECK: qf.quantize %[[A]] : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp8, axis = 1>
// CHECK: qf.constant {{.*}} : !qf.tensor<8x64xf32, mxfp4, axis = 1>
// CHECK: qf.matmul {{.*}} -> tensor<4x8xf32>
func.func @pad_k(%a: tensor<4x40xf32>, %c: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %b = arith.constant dense<1.0> : tensor<40x8xf32>
  %r = linalg.matmul ins(%a, %b : tensor<4x40xf32>, tensor<40x8xf32>) outs(%c : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}
