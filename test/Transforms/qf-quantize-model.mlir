// RUN: qf-opt %s --qf-quantize-model --split-input-file 2>/dev/null | FileCheck %s
// RUN: qf-opt %s --qf-quantize-model="activation-format=none" --split-input-file 2>/dev/null | FileCheck %s --check-prefix=WONLY
// RUN: qf-opt %s --qf-quantize-model='weight-format="#qf.format<elem = i4, block = 16, scale = f8E8M0FNU>"' --split-input-file 2>/dev/null | FileCheck %s --check-prefix=USER
// RUN: qf-opt %s --qf-quantize-model="exclude=head" --split-input-file 2>/dev/null | FileCheck %s --check-prefix=EXCL
// RUN: qf-opt %s --qf-quantize-model="include=batch_matmul" --split-input-file 2>/dev/null | FileCheck %s --check-prefix=INCL
// RUN: qf-opt %s --qf-quantize-model="min-size=100000" --split-input-file 2>/dev/null | FileCheck %s --check-prefix=MIN
// RUN: qf-opt %s --qf-quantize-model="include=q_proj" --split-input-file 2>/dev/null | FileCheck %s --check-prefix=NAME
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false" --split-input-file 2>/dev/null | FileCheck %s --check-prefix=NOFOLD
// RUN: qf-opt %s --qf-quantize-model="weights-as-arguments weight-format=nvfp4" --split-input-file 2>/dev/null | FileCheck %s --check-prefix=WARG
// Everything the pass produces compiles with the CPU pipeline.
// RUN: qf-opt %s --qf-quantize-model="weights-as-arguments weight-format=nvfp4" --qf-cpu-pipeline --split-input-file 2>/dev/null | FileCheck %s --check-prefix=LLVM
// RUN: qf-opt %s --qf-quantize-model="weight-scale-search=mse fold-weights=false" --split-input-file 2>/dev/null | FileCheck %s --check-prefix=MSE
// RUN: qf-opt %s --qf-quantize-model="arg-weight-format=activation" --split-input-file 2>/dev/null | FileCheck %s --check-prefix=ACTARG
// LLVM: llvm.func @matmul_const_weight
// LLVM: llvm.func @transposed_weight_with_bias
// LLVM: llvm.func @batch_matmul_activations
// LLVM: llvm.func @generic_contraction
// LLVM: llvm.func @pad_k
// LLVM: llvm.func @generic_projection
// LLVM: llvm.func @layer
// LLVM: llvm.func @caller

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
// NOFOLD-LABEL: func.func @matmul_const_weight
// NOFOLD: %[[C:.*]] = arith.constant dense<5.000000e-01> : tensor<16x64xf32>
// NOFOLD: %[[W:.*]] = qf.quantize %[[C]] : tensor<16x64xf32> -> !qf.tensor<16x64xf32, mxfp4, axis = 1>
// NOFOLD: qf.matmul %{{.*}}, %[[W]] transpose_b
// MIN-LABEL: func.func @matmul_const_weight
// MIN: linalg.matmul
// With the MSE scale search the searched block scales are constants of the
// weight's quantize (which folds to the same codes).
// MSE-LABEL: func.func @matmul_const_weight
// MSE: %[[S:.*]] = arith.constant dense<{{.*}}> : tensor<16x2xi8>
// MSE: qf.quantize %{{.*}} scales(%[[S]] : tensor<16x2xi8>) : tensor<16x64xf32> -> !qf.tensor<16x64xf32, mxfp4, axis = 1>
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

// Both operands computed at run time (attention scores), B blocked along
// K = axis 1 of [batch, K, N]. B is a function argument, which counts as a
// weight by default (weight format, with a remark); arg-weight-format=
// activation quantizes it in the activation format.
// CHECK-LABEL: func.func @batch_matmul_activations
// CHECK: qf.quantize %{{.*}} : tensor<2x8x32xf32> -> !qf.tensor<2x8x32xf32, mxfp8, axis = 2>
// CHECK: qf.quantize %{{.*}} : tensor<2x32x8xf32> -> !qf.tensor<2x32x8xf32, mxfp4, axis = 1>
// CHECK: qf.matmul {{.*}} -> tensor<2x8x8xf32>
// ACTARG-LABEL: func.func @batch_matmul_activations
// ACTARG: qf.quantize %{{.*}} : tensor<2x8x32xf32> -> !qf.tensor<2x8x32xf32, mxfp8, axis = 2>
// ACTARG: qf.quantize %{{.*}} : tensor<2x32x8xf32> -> !qf.tensor<2x32x8xf32, mxfp8, axis = 1>
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

// -----

// A 4-D generic contraction (two M and two N dimensions, as in a
// multi-head projection) is collapsed to a 2-D qf.matmul and expanded back.
// CHECK-LABEL: func.func @generic_projection
// CHECK: %[[A:.*]] = tensor.collapse_shape %{{.*}} {{\[\[}}0, 1], [2]] : tensor<2x4x64xf32> into tensor<8x64xf32>
// CHECK: %[[Q:.*]] = qf.quantize %[[A]] : tensor<8x64xf32> -> !qf.tensor<8x64xf32, mxfp8, axis = 1>
// CHECK: %[[W:.*]] = qf.constant {{.*}} : !qf.tensor<6x64xf32, mxfp4, axis = 1>
// CHECK: %[[Y:.*]] = qf.matmul %[[Q]], %[[W]] transpose_b {{.*}} -> tensor<8x6xf32>
// CHECK: %[[E:.*]] = tensor.expand_shape %[[Y]] {{\[\[}}0, 1], [2, 3]] output_shape [2, 4, 2, 3] : tensor<8x6xf32> into tensor<2x4x2x3xf32>
// CHECK: return %[[E]]
func.func @generic_projection(%x: tensor<2x4x64xf32>, %out: tensor<2x4x2x3xf32>) -> tensor<2x4x2x3xf32> {
  %w = arith.constant dense<0.25> : tensor<64x2x3xf32>
  %z = arith.constant 0.0 : f32
  %acc = linalg.fill ins(%z : f32) outs(%out : tensor<2x4x2x3xf32>) -> tensor<2x4x2x3xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2)>, affine_map<(d0, d1, d2, d3, d4) -> (d2, d3, d4)>, affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4)>],
                       iterator_types = ["parallel", "parallel", "reduction", "parallel", "parallel"]}
      ins(%x, %w : tensor<2x4x64xf32>, tensor<64x2x3xf32>) outs(%acc : tensor<2x4x2x3xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %c, %m : f32
    linalg.yield %s : f32
  } -> tensor<2x4x2x3xf32>
  return %r : tensor<2x4x2x3xf32>
}

// -----

// include/exclude also match the qf.name attribute of the op and the name
// of a qf.observe consuming its result.
// NAME-LABEL: func.func @named
// NAME: qf.matmul
// NAME: linalg.matmul
// NAME: qf.matmul
func.func @named(%x: tensor<4x64xf32>, %w: tensor<64x16xf32>, %c: tensor<4x16xf32>) -> (tensor<4x16xf32>, tensor<4x16xf32>, tensor<4x16xf32>) {
  %a = linalg.matmul {qf.name = "layer0.q_proj"} ins(%x, %w : tensor<4x64xf32>, tensor<64x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  %b = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  %d = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32>
  %o = qf.observe "layer1.q_proj.out" %d : tensor<4x16xf32>
  return %a, %b, %o : tensor<4x16xf32>, tensor<4x16xf32>, tensor<4x16xf32>
}

// -----

// weights-as-arguments: f32 weight arguments become the storage of the
// quantized weight (packed codes, block scales, tensor scale for nvfp4),
// rebuilt with qf.unpack; the argument keeps its shape and is blocked along
// its K axis ([K, N]: axis 0; [N, K] behind a transpose: axis 1, used with
// transpose_b). Callers quantize and pack.
// WARG-LABEL: func.func @layer
// WARG-SAME: (%[[X:.*]]: tensor<4x64xf32>, %[[C0:.*]]: tensor<64x8xi8>, %[[S0:.*]]: tensor<16x4xi8>, %[[T0:.*]]: tensor<f32>, %[[C1:.*]]: tensor<16x32xi8>, %[[S1:.*]]: tensor<16x4xi8>, %[[T1:.*]]: tensor<f32>, %[[ACC:.*]]: tensor<4x16xf32>)
// WARG-DAG: %[[W1:.*]] = qf.unpack %[[C1]], %[[S1]], %[[T1]] : tensor<16x32xi8>, tensor<16x4xi8>, tensor<f32> -> !qf.tensor<16x64xf32, nvfp4, axis = 1>
// WARG-DAG: %[[W0:.*]] = qf.unpack %[[C0]], %[[S0]], %[[T0]] : tensor<64x8xi8>, tensor<16x4xi8>, tensor<f32> -> !qf.tensor<64x16xf32, nvfp4, axis = 0>
// WARG-DAG: %[[F:.*]] = qf.dequantize %[[W0]] : !qf.tensor<64x16xf32, nvfp4, axis = 0> -> tensor<64x16xf32>
// WARG: qf.matmul %{{.*}}, %[[W0]] :
// WARG: qf.matmul %{{.*}}, %[[W1]] transpose_b :
// WARG: return %{{.*}}, %{{.*}}, %[[F]]
// WARG-LABEL: func.func @caller
// WARG: %[[Q0:.*]] = qf.quantize %{{.*}} : tensor<64x16xf32> -> !qf.tensor<64x16xf32, nvfp4, axis = 0>
// WARG: %[[P0:.*]], %[[P0S:.*]], %[[P0T:.*]] = qf.pack %[[Q0]]
// WARG: %[[Q1:.*]] = qf.quantize %{{.*}} : tensor<16x64xf32> -> !qf.tensor<16x64xf32, nvfp4, axis = 1>
// WARG: %[[P1:.*]], %[[P1S:.*]], %[[P1T:.*]] = qf.pack %[[Q1]]
// WARG: call @layer(%{{.*}}, %[[P0]], %[[P0S]], %[[P0T]], %[[P1]], %[[P1S]], %[[P1T]], %{{.*}})
func.func @layer(%x: tensor<4x64xf32>, %w: tensor<64x16xf32>, %wt: tensor<16x64xf32>, %acc: tensor<4x16xf32>) -> (tensor<4x16xf32>, tensor<4x16xf32>, tensor<64x16xf32>) {
  %y = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x16xf32>) outs(%acc : tensor<4x16xf32>) -> tensor<4x16xf32>
  %e = tensor.empty() : tensor<64x16xf32>
  %t = linalg.transpose ins(%wt : tensor<16x64xf32>) outs(%e : tensor<64x16xf32>) permutation = [1, 0]
  %y2 = linalg.matmul ins(%x, %t : tensor<4x64xf32>, tensor<64x16xf32>) outs(%acc : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y, %y2, %w : tensor<4x16xf32>, tensor<4x16xf32>, tensor<64x16xf32>
}
func.func @caller(%x: tensor<4x64xf32>, %w: tensor<64x16xf32>, %wt: tensor<16x64xf32>, %acc: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %a, %b, %c = func.call @layer(%x, %w, %wt, %acc) : (tensor<4x64xf32>, tensor<64x16xf32>, tensor<16x64xf32>, tensor<4x16xf32>) -> (tensor<4x16xf32>, tensor<4x16xf32>, tensor<64x16xf32>)
  return %a : tensor<4x16xf32>
}
