// qf-insert-hadamard rotate-residual (QuaRot's residual rotation): the online
// transform after each gamma-free RMSNorm disappears; the rotation moves up
// the residual stream through the residual adds into the writers (O / down
// projections: weight rotated on the output side N, here axis 0 of the
// [N, K] weight, on top of the K-side rotation of their own activation); one
// online qf.hadamard where the stream enters (%x) and one where it leaves
// (the return). The f32 model is unchanged: insert-hadamard-residual-f32.mlir.
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false" --qf-insert-hadamard=rotate-residual --split-input-file --mlir-print-elementsattrs-with-hex-if-larger=100000 2>/dev/null | FileCheck %s
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false" --qf-insert-hadamard=rotate-residual --split-input-file 2>&1 >/dev/null | FileCheck %s --check-prefix=REM
// RUN: not qf-opt %s --qf-insert-hadamard="rotate-residual randomize" 2>&1 | FileCheck %s --check-prefix=BADRAND
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false" --qf-insert-hadamard="rotate-residual block=48" --split-input-file 2>&1 >/dev/null | FileCheck %s --check-prefix=REM48
// BADRAND: error: qf-insert-hadamard: rotate-residual cannot be combined with randomize
// REM48: remark: qf-insert-hadamard: residual stream not rotated: no contraction with a constant weight reads its normalizations
// REM48: remark: qf-insert-hadamard: not rotated: rotation size 48 does not divide K = 64

// REM: remark: qf-insert-hadamard: the residual stream enters unrotated here (a block argument): online qf.hadamard block = 32
// REM: remark: qf-insert-hadamard: this use leaves the rotated residual stream (returned): online inverse rotation Q^T = qf.hadamard block = 32
// REM: remark: qf-insert-hadamard: residual stream rotated (block = 32): 2 normalization(s), 2 contraction(s) without online transform, 2 writer(s) rotated on the output side, 1 entry and 1 exit transform(s) online
// CHECK-LABEL: func.func @resid
// CHECK-SAME: (%[[X:.*]]: tensor<4x64xf32>, %[[A:.*]]: tensor<4x64xf32>)
// CHECK: %[[HX:.*]] = qf.hadamard %[[X]] axis = 1 block = 32 : tensor<4x64xf32>
// CHECK: linalg.generic {{.*}} ins(%[[HX]] : tensor<4x64xf32>)
// CHECK: %[[N1:.*]] = linalg.generic {{.*}} ins(%[[HX]], %{{.*}}, %{{.*}} :
// CHECK: %[[Q1:.*]] = qf.quantize %[[N1]] : tensor<4x64xf32>
// gamma (2) folded and rotated along K: 2 * sqrt(32) at each block start.
// CHECK: %[[W1:.*]] = qf.quantize %{{.*}} {qf.rotation = {axis = 1 : i64, block = 32 : i64}} : tensor<16x64xf32>
// CHECK: qf.matmul %[[Q1]], %[[W1]] transpose_b
// The O projection's own activation is rotated online (K side).
// CHECK: %[[HA:.*]] = qf.hadamard %[[A]] axis = 1 block = 32
// CHECK: %[[QA:.*]] = qf.quantize %[[HA]]
// Ones rotated along N (axis 0: sqrt(32) in rows 0 and 32) then along K:
// 32 at the start of each K block of rows 0 and 32, zeros elsewhere.
// CHECK: %[[WO:.*]] = qf.quantize %{{.*}} {qf.output_rotation = {axis = 0 : i64, block = 32 : i64}, qf.rotation = {axis = 1 : i64, block = 32 : i64}} : tensor<64x64xf32>
// CHECK: %[[OP:.*]] = qf.matmul %[[QA]], %[[WO]] transpose_b
// CHECK: %[[X1:.*]] = linalg.add ins(%[[HX]], %[[OP]] :
// CHECK: %[[N2:.*]] = linalg.generic {{.*}} ins(%[[X1]], %{{.*}}, %{{.*}} :
// CHECK-NOT: qf.hadamard %[[N2]]
// CHECK: qf.quantize %[[N2]] : tensor<4x64xf32>
// CHECK: %[[HH:.*]] = qf.hadamard %{{.*}} axis = 1 block = 32 : tensor<4x32xf32>
// CHECK: {qf.output_rotation = {axis = 0 : i64, block = 32 : i64}, qf.rotation = {axis = 1 : i64, block = 32 : i64}} : tensor<64x32xf32>
// CHECK: %[[DN:.*]] = qf.matmul
// CHECK: %[[X2:.*]] = linalg.add ins(%[[X1]], %[[DN]] :
// CHECK: %[[OUT:.*]] = qf.hadamard %[[X2]] axis = 1 block = 32 : tensor<4x64xf32>
// CHECK: return %[[OUT]], %{{.*}} : tensor<4x64xf32>, tensor<4x16xf32>
#id = affine_map<(i, j) -> (i, j)>
#row = affine_map<(i, j) -> (i)>
#col = affine_map<(i, j) -> (j)>
func.func @resid(%x: tensor<4x64xf32>, %a: tensor<4x64xf32>) -> (tensor<4x64xf32>, tensor<4x16xf32>) {
  %z = arith.constant 0.0 : f32
  %g = arith.constant dense<2.0> : tensor<64xf32>
  %re = tensor.empty() : tensor<4xf32>
  %rz = linalg.fill ins(%z : f32) outs(%re : tensor<4xf32>) -> tensor<4xf32>
  %o = tensor.empty() : tensor<4x64xf32>
  %ss1 = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<4x64xf32>) outs(%rz : tensor<4xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %sq = arith.mulf %v, %v : f32
    %s = arith.addf %acc, %sq : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %n1 = linalg.generic {indexing_maps = [#id, #row, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %ss1, %g : tensor<4x64xf32>, tensor<4xf32>, tensor<64xf32>) outs(%o : tensor<4x64xf32>) {
  ^bb0(%v: f32, %ss: f32, %gg: f32, %out: f32):
    %n = arith.constant 64.0 : f32
    %eps = arith.constant 1.0e-5 : f32
    %m = arith.divf %ss, %n : f32
    %me = arith.addf %m, %eps : f32
    %r = math.rsqrt %me : f32
    %vn = arith.mulf %v, %r : f32
    %y = arith.mulf %vn, %gg : f32
    linalg.yield %y : f32
  } -> tensor<4x64xf32>
  %wq = arith.constant dense<1.0> : tensor<64x16xf32>
  %e16 = tensor.empty() : tensor<4x16xf32>
  %a16 = linalg.fill ins(%z : f32) outs(%e16 : tensor<4x16xf32>) -> tensor<4x16xf32>
  %q = linalg.matmul ins(%n1, %wq : tensor<4x64xf32>, tensor<64x16xf32>) outs(%a16 : tensor<4x16xf32>) -> tensor<4x16xf32>
  %wo = arith.constant dense<1.0> : tensor<64x64xf32>
  %a64 = linalg.fill ins(%z : f32) outs(%o : tensor<4x64xf32>) -> tensor<4x64xf32>
  %op = linalg.matmul ins(%a, %wo : tensor<4x64xf32>, tensor<64x64xf32>) outs(%a64 : tensor<4x64xf32>) -> tensor<4x64xf32>
  %x1 = linalg.add ins(%x, %op : tensor<4x64xf32>, tensor<4x64xf32>) outs(%o : tensor<4x64xf32>) -> tensor<4x64xf32>
  %ss2 = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%x1 : tensor<4x64xf32>) outs(%rz : tensor<4xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %sq = arith.mulf %v, %v : f32
    %s = arith.addf %acc, %sq : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %n2 = linalg.generic {indexing_maps = [#id, #row, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%x1, %ss2, %g : tensor<4x64xf32>, tensor<4xf32>, tensor<64xf32>) outs(%o : tensor<4x64xf32>) {
  ^bb0(%v: f32, %ss: f32, %gg: f32, %out: f32):
    %n = arith.constant 64.0 : f32
    %eps = arith.constant 1.0e-5 : f32
    %m = arith.divf %ss, %n : f32
    %me = arith.addf %m, %eps : f32
    %r = math.rsqrt %me : f32
    %vn = arith.mulf %v, %r : f32
    %y = arith.mulf %vn, %gg : f32
    linalg.yield %y : f32
  } -> tensor<4x64xf32>
  %wu = arith.constant dense<0.5> : tensor<64x32xf32>
  %e32 = tensor.empty() : tensor<4x32xf32>
  %a32 = linalg.fill ins(%z : f32) outs(%e32 : tensor<4x32xf32>) -> tensor<4x32xf32>
  %h = linalg.matmul ins(%n2, %wu : tensor<4x64xf32>, tensor<64x32xf32>) outs(%a32 : tensor<4x32xf32>) -> tensor<4x32xf32>
  %wd = arith.constant dense<0.25> : tensor<32x64xf32>
  %dn = linalg.matmul ins(%h, %wd : tensor<4x32xf32>, tensor<32x64xf32>) outs(%a64 : tensor<4x64xf32>) -> tensor<4x64xf32>
  %x2 = linalg.add ins(%x1, %dn : tensor<4x64xf32>, tensor<4x64xf32>) outs(%o : tensor<4x64xf32>) -> tensor<4x64xf32>
  return %x2, %q : tensor<4x64xf32>, tensor<4x16xf32>
}
