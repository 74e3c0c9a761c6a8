// qf-insert-hadamard: every quantized contraction gets Q x online and W Q^T
// folded into its constant weight, for each option. Remarks (to stderr) are
// checked by separate RUN lines with REM-prefixed check prefixes.
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false" --qf-insert-hadamard --split-input-file --mlir-print-elementsattrs-with-hex-if-larger=100000 2>/dev/null | FileCheck %s
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false" --qf-insert-hadamard --split-input-file 2>&1 >/dev/null | FileCheck %s --check-prefix=REM
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false" --qf-insert-hadamard=block=16 --split-input-file --mlir-print-elementsattrs-with-hex-if-larger=100000 2>/dev/null | FileCheck %s --check-prefix=B16
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false" --qf-insert-hadamard=block=full --split-input-file --mlir-print-elementsattrs-with-hex-if-larger=100000 2>/dev/null | FileCheck %s --check-prefix=FULL
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false" --qf-insert-hadamard=block=full --split-input-file 2>&1 >/dev/null | FileCheck %s --check-prefix=REMFULL
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false" --qf-insert-hadamard="randomize seed=7" --split-input-file 2>/dev/null | FileCheck %s --check-prefix=RAND
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false" --qf-insert-hadamard="mode=all" --split-input-file 2>/dev/null | FileCheck %s --check-prefix=ALL
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false" --qf-insert-hadamard="fold-gamma" --split-input-file --mlir-print-elementsattrs-with-hex-if-larger=100000 2>/dev/null | FileCheck %s --check-prefix=GAMMA
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false" --qf-insert-hadamard="fold-gamma" --split-input-file 2>&1 >/dev/null | FileCheck %s --check-prefix=REMGAMMA
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false weight-scale-search=mse" --qf-insert-hadamard --split-input-file 2>/dev/null | FileCheck %s --check-prefix=MSE
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false weights-as-arguments" --qf-insert-hadamard --split-input-file 2>/dev/null | FileCheck %s --check-prefix=WARG
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false weights-as-arguments" --qf-insert-hadamard --split-input-file 2>&1 >/dev/null | FileCheck %s --check-prefix=REMWARG
// RUN: qf-opt %s --qf-quantize-model --qf-insert-hadamard --split-input-file 2>/dev/null | FileCheck %s --check-prefix=FOLDED
// RUN: qf-opt %s --qf-quantize-model --qf-insert-hadamard --split-input-file 2>&1 >/dev/null | FileCheck %s --check-prefix=REMFOLDED
// Everything the pass produces compiles with the CPU pipeline.
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false weights-as-arguments" --qf-insert-hadamard="mode=all fold-gamma randomize seed=3" --canonicalize --cse --qf-cpu-pipeline --split-input-file 2>/dev/null | FileCheck %s --check-prefix=LLVM
// Bad options are errors naming the option.
// RUN: not qf-opt %s --qf-insert-hadamard=block=56 2>&1 | FileCheck %s --check-prefix=BADBLOCK
// RUN: not qf-opt %s --qf-insert-hadamard=mode=some 2>&1 | FileCheck %s --check-prefix=BADMODE
// BADBLOCK: error: qf-insert-hadamard: block '56' is not supported; expected auto, full, or a Hadamard size 2^k, 12 * 2^k or 20 * 2^k
// BADMODE: error: qf-insert-hadamard: mode 'some' is not supported; expected weights or all
// LLVM: llvm.func @proj
// LLVM: llvm.func @k96
// LLVM: llvm.func @scores
// LLVM: llvm.func @norm
// LLVM: llvm.func @layer
// LLVM: llvm.func @caller

// The activation gets the online transform just before its quantize; the
// weight constant ([N, K] after qf-quantize-model) is rotated along K: a row
// of 0.5 becomes 0.5 * sqrt(32) at the start of each block of 32, zeros
// elsewhere (block=auto: the mxfp8/mxfp4 block, 32).
// CHECK-LABEL: func.func @proj
// CHECK-DAG: %[[W:.*]] = arith.constant dense<{{\[\[}}2.82842708, 0.000000e+00, {{.*}}> : tensor<16x64xf32>
// CHECK-DAG: %[[H:.*]] = qf.hadamard %{{.*}} axis = 1 block = 32 : tensor<4x64xf32>
// CHECK-DAG: %[[X:.*]] = qf.quantize %[[H]] : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp8, axis = 1>
// CHECK-DAG: %[[Q:.*]] = qf.quantize %[[W]] {qf.rotation = {axis = 1 : i64, block = 32 : i64}} : tensor<16x64xf32> -> !qf.tensor<16x64xf32, mxfp4, axis = 1>
// CHECK: qf.matmul %[[X]], %[[Q]] transpose_b
// B16-LABEL: func.func @proj
// B16-DAG: arith.constant dense<{{\[\[}}2.000000e+00, 0.000000e+00, {{.*}}> : tensor<16x64xf32>
// B16-DAG: qf.hadamard %{{.*}} axis = 1 block = 16 : tensor<4x64xf32>
// B16-DAG: {qf.rotation = {axis = 1 : i64, block = 16 : i64}}
// FULL-LABEL: func.func @proj
// FULL-DAG: arith.constant dense<{{\[\[}}4.000000e+00, 0.000000e+00, {{.*}}> : tensor<16x64xf32>
// FULL-DAG: qf.hadamard %{{.*}} axis = 1 block = 64 : tensor<4x64xf32>
// RAND-LABEL: func.func @proj
// RAND-DAG: qf.hadamard %{{.*}} axis = 1 block = 32 seed = 7 : tensor<4x64xf32>
// RAND-DAG: {qf.rotation = {axis = 1 : i64, block = 32 : i64, seed = 7 : i64}}
// The MSE-searched weight scales are searched again on the rotated weight.
// MSE-LABEL: func.func @proj
// MSE: %[[S:.*]] = arith.constant dense<{{.*}}> : tensor<16x2xi8>
// MSE: qf.quantize %{{.*}} scales(%[[S]] : tensor<16x2xi8>) {qf.rotation = {axis = 1 : i64, block = 32 : i64}}
// A folded weight (qf.constant) cannot be rotated exactly: remark.
// REMFOLDED: remark: qf-insert-hadamard: not rotated: the weight is already quantized (qf.constant) and its f32 values are gone; run qf-quantize-model with fold-weights=false before qf-insert-hadamard
// FOLDED-LABEL: func.func @proj
// FOLDED-NOT: qf.hadamard
// FOLDED: qf.matmul
func.func @proj(%x: tensor<4x64xf32>) -> tensor<4x16xf32> {
  %w = arith.constant dense<0.5> : tensor<64x16xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %acc = linalg.fill ins(%z : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %y = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x16xf32>) outs(%acc : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// K = 96 = 12 * 8: block=full is the 12 * 2^k transform (D14).
// CHECK-LABEL: func.func @k96
// CHECK: qf.hadamard %{{.*}} axis = 1 block = 32 : tensor<2x96xf32>
// FULL-LABEL: func.func @k96
// FULL: qf.hadamard %{{.*}} axis = 1 block = 96 : tensor<2x96xf32>
// FULL: {qf.rotation = {axis = 1 : i64, block = 96 : i64}}
func.func @k96(%x: tensor<2x96xf32>) -> tensor<2x8xf32> {
  %w = arith.constant dense<0.25> : tensor<96x8xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x8xf32>
  %acc = linalg.fill ins(%z : f32) outs(%e : tensor<2x8xf32>) -> tensor<2x8xf32>
  %y = linalg.matmul ins(%x, %w : tensor<2x96xf32>, tensor<96x8xf32>) outs(%acc : tensor<2x8xf32>) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

// K = 224 = 7 * 32: no Hadamard matrix of that order is pinned, so block=full
// leaves the contraction alone with a remark naming it.
// REMFULL: remark: qf-insert-hadamard: not rotated: a Hadamard transform of size 224 (= K) is not supported; sizes are 2^k, 12 * 2^k and 20 * 2^k (docs/numerics.md D13/D14)
// FULL-LABEL: func.func @k224
// FULL-NOT: qf.hadamard
// FULL: return
// CHECK-LABEL: func.func @k224
// CHECK: qf.hadamard %{{.*}} axis = 1 block = 32 : tensor<2x224xf32>
func.func @k224(%x: tensor<2x224xf32>) -> tensor<2x8xf32> {
  %w = arith.constant dense<0.25> : tensor<224x8xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x8xf32>
  %acc = linalg.fill ins(%z : f32) outs(%e : tensor<2x8xf32>) -> tensor<2x8xf32>
  %y = linalg.matmul ins(%x, %w : tensor<2x224xf32>, tensor<224x8xf32>) outs(%acc : tensor<2x8xf32>) -> tensor<2x8xf32>
  return %y : tensor<2x8xf32>
}

// -----

// Two run-time operands (attention scores, K on axis 1 of the [B, K, N]
// second operand): rotated online on both sides with mode=all only.
// REM: remark: qf-insert-hadamard: not rotated: no constant weight (mode=all rotates both run-time operands online)
// CHECK-LABEL: func.func @scores
// CHECK-NOT: qf.hadamard
// ALL-LABEL: func.func @scores
// ALL-DAG: qf.hadamard %{{.*}} axis = 2 block = 32 : tensor<2x8x64xf32>
// ALL-DAG: qf.hadamard %{{.*}} axis = 1 block = 32 : tensor<2x64x8xf32>
// ALL: qf.matmul
func.func @scores(%q: tensor<2x8x64xf32>, %k: tensor<2x64x8xf32>) -> tensor<2x8x8xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x8x8xf32>
  %acc = linalg.fill ins(%z : f32) outs(%e : tensor<2x8x8xf32>) -> tensor<2x8x8xf32>
  %s = linalg.batch_matmul ins(%q, %k : tensor<2x8x64xf32>, tensor<2x64x8xf32>) outs(%acc : tensor<2x8x8xf32>) -> tensor<2x8x8xf32>
  return %s : tensor<2x8x8xf32>
}

// -----

// RMSNorm with gamma feeding two projections: with fold-gamma the multiply by
// gamma leaves the normalization and both weights are scaled by gamma along
// K (then rotated): a weight of ones times gamma = 2 rotates to
// 2 * sqrt(32) = 11.3137083.
// REMGAMMA: remark: qf-insert-hadamard: normalization scale folded into the weights of 2 contraction(s)
// GAMMA-LABEL: func.func @norm
// GAMMA: ^bb0
// GAMMA-NEXT: %[[VN:.*]] = arith.mulf %{{.*}}, %{{.*}} : f32
// GAMMA-NEXT: linalg.yield %[[VN]] : f32
// GAMMA-DAG: arith.constant dense<{{\[\[}}11.3137083, 0.000000e+00, {{.*}}> : tensor<16x64xf32>
// GAMMA-DAG: arith.constant dense<{{\[\[}}-11.3137083, 0.000000e+00, {{.*}}> : tensor<8x64xf32>
// CHECK-LABEL: func.func @norm
// CHECK: ^bb0
// CHECK-NEXT: arith.mulf
// CHECK-NEXT: %[[Y:.*]] = arith.mulf %{{.*}}, %{{.*}} : f32
// CHECK-NEXT: linalg.yield %[[Y]] : f32
func.func @norm(%x: tensor<4x64xf32>, %r: tensor<4xf32>) -> (tensor<4x16xf32>, tensor<4x8xf32>) {
  %g = arith.constant dense<2.0> : tensor<64xf32>
  %o = tensor.empty() : tensor<4x64xf32>
  %n = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>, affine_map<(i, j) -> (j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%x, %r, %g : tensor<4x64xf32>, tensor<4xf32>, tensor<64xf32>) outs(%o : tensor<4x64xf32>) {
  ^bb0(%v: f32, %rs: f32, %gg: f32, %out: f32):
    %vn = arith.mulf %v, %rs : f32
    %y = arith.mulf %vn, %gg : f32
    linalg.yield %y : f32
  } -> tensor<4x64xf32>
  %w1 = arith.constant dense<1.0> : tensor<64x16xf32>
  %w2 = arith.constant dense<-1.0> : tensor<64x8xf32>
  %z = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<4x16xf32>
  %a1 = linalg.fill ins(%z : f32) outs(%e1 : tensor<4x16xf32>) -> tensor<4x16xf32>
  %y1 = linalg.matmul ins(%n, %w1 : tensor<4x64xf32>, tensor<64x16xf32>) outs(%a1 : tensor<4x16xf32>) -> tensor<4x16xf32>
  %e2 = tensor.empty() : tensor<4x8xf32>
  %a2 = linalg.fill ins(%z : f32) outs(%e2 : tensor<4x8xf32>) -> tensor<4x8xf32>
  %y2 = linalg.matmul ins(%n, %w2 : tensor<4x64xf32>, tensor<64x8xf32>) outs(%a2 : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y1, %y2 : tensor<4x16xf32>, tensor<4x8xf32>
}

// -----

// A weight argument: the caller rotates the f32 weight before quantizing and
// packing it; the storage argument records the rotation.
// REMWARG: remark: qf-insert-hadamard: weight argument #1 of @layer is rotated by its 1 caller(s) in this module; weights packed outside (e.g. by a packing tool) must get qf.hadamard axis = 0 block = 32 before quantization
// WARG-LABEL: func.func @layer
// WARG-SAME: qf.hadamard = {axis = 0 : i64, block = 32 : i64}
// WARG: qf.hadamard %{{.*}} axis = 1 block = 32 : tensor<4x64xf32>
// WARG-LABEL: func.func @caller
// WARG: %[[H:.*]] = qf.hadamard %{{.*}} axis = 0 block = 32 : tensor<64x16xf32>
// WARG: %[[Q:.*]] = qf.quantize %[[H]] {qf.rotation = {axis = 0 : i64, block = 32 : i64}}
// WARG: qf.pack %[[Q]]
func.func @layer(%x: tensor<4x64xf32>, %w: tensor<64x16xf32>) -> tensor<4x16xf32> {
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %acc = linalg.fill ins(%z : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %y = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x16xf32>) outs(%acc : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}
func.func @caller(%x: tensor<4x64xf32>) -> tensor<4x16xf32> {
  %w = arith.constant dense<0.5> : tensor<64x16xf32>
  %y = func.call @layer(%x, %w) : (tensor<4x64xf32>, tensor<64x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// Static activation scales were calibrated without the rotation: remark.
// REM: remark: qf-insert-hadamard: not rotated: the activation has static scales, calibrated without the rotation; run qf-insert-hadamard before qf-fold-scales
// CHECK-LABEL: func.func @static_scales
// CHECK-NOT: qf.hadamard
func.func @static_scales(%x: tensor<4x64xf32>) -> tensor<4x16xf32> {
  %s = arith.constant dense<127> : tensor<4x2xi8>
  %w = arith.constant dense<0.5> : tensor<16x64xf32>
  %xq = qf.quantize %x scales(%s : tensor<4x2xi8>) : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp8, axis = 1>
  %wq = qf.quantize %w : tensor<16x64xf32> -> !qf.tensor<16x64xf32, mxfp4, axis = 1>
  %y = qf.matmul %xq, %wq transpose_b : !qf.tensor<4x64xf32, mxfp8, axis = 1>, !qf.tensor<16x64xf32, mxfp4, axis = 1> -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// Per-channel formats have no block for block=auto to follow.
// REM: remark: qf-insert-hadamard: not rotated: block=auto needs an operand with fixed-size blocks; give block=<size> or block=full
// CHECK-LABEL: func.func @per_channel
// FULL-LABEL: func.func @per_channel
// FULL: qf.hadamard %{{.*}} axis = 1 block = 64 : tensor<4x64xf32>
func.func @per_channel(%x: tensor<4x64xf32>) -> tensor<4x16xf32> {
  %w = arith.constant dense<0.5> : tensor<16x64xf32>
  %xq = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, int8_channel, axis = 1>
  %wq = qf.quantize %w : tensor<16x64xf32> -> !qf.tensor<16x64xf32, int8_channel, axis = 1>
  %y = qf.matmul %xq, %wq transpose_b : !qf.tensor<4x64xf32, int8_channel, axis = 1>, !qf.tensor<16x64xf32, int8_channel, axis = 1> -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}
