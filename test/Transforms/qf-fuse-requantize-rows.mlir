// RUN: qf-opt %s --qf-fuse-requantize 2>/dev/null | FileCheck %s
// RUN: qf-opt %s --qf-fuse-requantize -o /dev/null 2>&1 | FileCheck %s --check-prefix=REMARK
// RUN: qf-opt %s --qf-fuse-requantize="epilogue=false" 2>/dev/null | FileCheck %s --check-prefix=OFF

// Row reductions and padding in a product's epilogue (FuseRowsIntoMatmul),
// and attention's V quantized in its projection's epilogue with
// transpose_result (RhsTransposeResult).

!a8 = !qf.tensor<8x64xf32, mxfp8, axis = 1>
!k8 = !qf.tensor<8x64xf32, mxfp8, axis = 1>
!w4 = !qf.tensor<64x64xf32, mxfp4, axis = 1>
!h8 = !qf.tensor<2x8x32xf32, mxfp8, axis = 2>
!r8 = !qf.tensor<8x32xf32, mxfp8, axis = 1>
#id = affine_map<(i, j) -> (i, j)>
#row = affine_map<(i, j) -> (i)>
#col = affine_map<(i, j) -> (j)>
#id3 = affine_map<(b, i, j) -> (b, i, j)>
#row3 = affine_map<(b, i, j) -> (b, i)>
#par = ["parallel", "parallel"]
#red = ["parallel", "reduction"]
#par3 = ["parallel", "parallel", "parallel"]
#red3 = ["parallel", "parallel", "reduction"]

//===----------------------------------------------------------------------===//
// Softmax and other row reductions
//===----------------------------------------------------------------------===//

// The demo's attention scores: max, exp((s - max) * c), sum, divide, pad
// from 8 to 32 keys, quantize. The scores and the exp have two users each,
// all inside the chain: each is computed once in the body. The constant c
// (captured from above) is cloned into the body.
// CHECK-LABEL: func.func @softmax
// CHECK-SAME: (%[[Q:[^:]*]]: {{.*}}, %[[K:[^:]*]]: {{.*}})
// CHECK: %[[P:.*]] = qf.fused_matmul %[[Q]], %[[K]] transpose_b : !qf.tensor<2x8x32xf32, mxfp8, axis = 2>, !qf.tensor<2x8x32xf32, mxfp8, axis = 2> -> !qf.tensor<2x8x32xf32, mxfp8, axis = 2> {
// CHECK-NEXT: ^bb0(%[[S:.*]]: f32):
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[C:.*]] = arith.constant 0.176776692 : f32
// CHECK-DAG: %[[NINF:.*]] = arith.constant -3.000000e+38 : f32
// CHECK: %[[M:.*]] = qf.row_reduce %[[S]] init(%[[NINF]]) {
// CHECK-NEXT: ^bb0(%[[V:.*]]: f32, %[[A:.*]]: f32):
// CHECK-NEXT: %[[R:.*]] = arith.maximumf %[[V]], %[[A]] : f32
// CHECK-NEXT: qf.yield %[[R]] : f32
// CHECK-NEXT: }
// CHECK-NEXT: %[[D:.*]] = arith.subf %[[S]], %[[M]] : f32
// CHECK-NEXT: %[[T:.*]] = arith.mulf %[[D]], %[[C]] : f32
// CHECK-NEXT: %[[E:.*]] = math.exp %[[T]] : f32
// CHECK-NEXT: %[[SUM:.*]] = qf.row_reduce %[[E]] init(%[[ZERO]]) {
// CHECK-NEXT: ^bb0(%[[V2:.*]]: f32, %[[A2:.*]]: f32):
// CHECK-NEXT: %[[R2:.*]] = arith.addf %[[V2]], %[[A2]] : f32
// CHECK-NEXT: qf.yield %[[R2]] : f32
// CHECK-NEXT: }
// CHECK-NEXT: %[[Y:.*]] = arith.divf %[[E]], %[[SUM]] : f32
// CHECK-NEXT: qf.yield %[[Y]] : f32
// CHECK-NEXT: }
// CHECK-NOT: linalg
// CHECK-NOT: tensor.pad
// CHECK: return %[[P]]
// OFF-LABEL: func.func @softmax
// OFF: tensor.pad
// OFF: qf.quantize
func.func @softmax(%q: !h8, %k: !h8) -> !h8 {
  %s = qf.matmul %q, %k transpose_b : !h8, !h8 -> tensor<2x8x8xf32>
  %ninf = arith.constant -3.0e38 : f32
  %zero = arith.constant 0.0 : f32
  %c = arith.constant 0.176776692 : f32
  %e2 = tensor.empty() : tensor<2x8xf32>
  %mi = linalg.fill ins(%ninf : f32) outs(%e2 : tensor<2x8xf32>) -> tensor<2x8xf32>
  %m = linalg.generic {indexing_maps = [#id3, #row3], iterator_types = #red3} ins(%s : tensor<2x8x8xf32>) outs(%mi : tensor<2x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.maximumf %in, %out : f32
    linalg.yield %r : f32
  } -> tensor<2x8xf32>
  %e3 = tensor.empty() : tensor<2x8x8xf32>
  %x = linalg.generic {indexing_maps = [#id3, #row3, #id3], iterator_types = #par3} ins(%s, %m : tensor<2x8x8xf32>, tensor<2x8xf32>) outs(%e3 : tensor<2x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %d = arith.subf %a, %b : f32
    %t = arith.mulf %d, %c : f32
    %y = math.exp %t : f32
    linalg.yield %y : f32
  } -> tensor<2x8x8xf32>
  %si = linalg.fill ins(%zero : f32) outs(%e2 : tensor<2x8xf32>) -> tensor<2x8xf32>
  %sum = linalg.generic {indexing_maps = [#id3, #row3], iterator_types = #red3} ins(%x : tensor<2x8x8xf32>) outs(%si : tensor<2x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.addf %in, %out : f32
    linalg.yield %r : f32
  } -> tensor<2x8xf32>
  %p = linalg.generic {indexing_maps = [#id3, #row3, #id3], iterator_types = #par3} ins(%x, %sum : tensor<2x8x8xf32>, tensor<2x8xf32>) outs(%e3 : tensor<2x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %y = arith.divf %a, %b : f32
    linalg.yield %y : f32
  } -> tensor<2x8x8xf32>
  %pp = tensor.pad %p low[0, 0, 0] high[0, 0, 24] {
  ^bb0(%i: index, %j: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<2x8x8xf32> to tensor<2x8x32xf32>
  %pq = qf.quantize %pp : tensor<2x8x32xf32> -> !h8
  return %pq : !h8
}

// No pad, a reduction only (an RMS-style scaling of the product's rows): an
// f32 tensor of the product's shape becomes an epilogue input, the init is
// a splat constant tensor, the static scales go to the fused op.
// CHECK-LABEL: func.func @rows_epilogue_input
// CHECK-SAME: (%[[A:[^:]*]]: {{.*}}, %[[W:[^:]*]]: {{.*}}, %[[MASK:[^:]*]]: {{.*}}, %[[SC:[^:]*]]: {{.*}})
// CHECK: %[[F:.*]] = qf.fused_matmul %[[A]], %[[W]] transpose_b epilogue(%[[MASK]] : tensor<8x32xf32>) scales(%[[SC]] : tensor<8x1xi8>) : {{.*}} -> !qf.tensor<8x32xf32, mxfp8, axis = 1> {
// CHECK-NEXT: ^bb0(%[[S:.*]]: f32, %[[MK:.*]]: f32):
// CHECK: %[[X:.*]] = arith.addf %[[S]], %[[MK]] : f32
// CHECK: %[[SS:.*]] = qf.row_reduce %[[X]] init(%{{.*}}) {
// CHECK-NEXT: ^bb0(%[[V:.*]]: f32, %[[ACC:.*]]: f32):
// CHECK-NEXT: %[[SQ:.*]] = arith.mulf %[[V]], %[[V]] : f32
// CHECK-NEXT: %[[NEW:.*]] = arith.addf %[[ACC]], %[[SQ]] : f32
// CHECK-NEXT: qf.yield %[[NEW]] : f32
// CHECK-NEXT: }
// CHECK-NEXT: %[[RS:.*]] = math.rsqrt %[[SS]] : f32
// CHECK-NEXT: %[[Y:.*]] = arith.mulf %[[X]], %[[RS]] : f32
// CHECK-NEXT: qf.yield %[[Y]] : f32
// CHECK-NOT: qf.map
// CHECK: return %[[F]]
func.func @rows_epilogue_input(%a: !a8, %w: !qf.tensor<32x64xf32, mxfp8, axis = 1>, %mask: tensor<8x32xf32>, %sc: tensor<8x1xi8>) -> !r8 {
  %s = qf.matmul %a, %w transpose_b : !a8, !qf.tensor<32x64xf32, mxfp8, axis = 1> -> tensor<8x32xf32>
  %e = tensor.empty() : tensor<8x32xf32>
  %x = linalg.add ins(%s, %mask : tensor<8x32xf32>, tensor<8x32xf32>) outs(%e : tensor<8x32xf32>) -> tensor<8x32xf32>
  %init = arith.constant dense<0.0> : tensor<8xf32>
  %ss = linalg.generic {indexing_maps = [#id, #row], iterator_types = #red} ins(%x : tensor<8x32xf32>) outs(%init : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %sq = arith.mulf %in, %in : f32
    %r = arith.addf %out, %sq : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %y = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = #par} ins(%x, %ss : tensor<8x32xf32>, tensor<8xf32>) outs(%e : tensor<8x32xf32>) {
  ^bb0(%v: f32, %n: f32, %o: f32):
    %rs = math.rsqrt %n : f32
    %r = arith.mulf %v, %rs : f32
    linalg.yield %r : f32
  } -> tensor<8x32xf32>
  %q = qf.quantize %y scales(%sc : tensor<8x1xi8>) : tensor<8x32xf32> -> !r8
  return %q : !r8
}

// A pad alone (the product padded from N = 8 to 32): a fused_matmul with
// an empty body and the longer result.
// CHECK-LABEL: func.func @pad_only
// CHECK: %[[F:.*]] = qf.fused_matmul %{{.*}}, %{{.*}} transpose_b : !qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<8x64xf32, mxfp8, axis = 1> -> !qf.tensor<8x32xf32, mxfp8, axis = 1> {
// CHECK-NEXT: ^bb0(%[[ACC:.*]]: f32):
// CHECK-NEXT: qf.yield %[[ACC]] : f32
// CHECK-NOT: tensor.pad
// CHECK: return %[[F]]
func.func @pad_only(%a: !a8, %k: !k8) -> !r8 {
  %s = qf.matmul %a, %k transpose_b : !a8, !k8 -> tensor<8x8xf32>
  %zero = arith.constant 0.0 : f32
  %sp = tensor.pad %s low[0, 0] high[0, 24] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<8x8xf32> to tensor<8x32xf32>
  %q = qf.quantize %sp : tensor<8x32xf32> -> !r8
  return %q : !r8
}

// K^T [h, d, s] blocked along d as the scores' rhs: whichever fuses first,
// the scores' fused_matmul (padded) still takes the transpose_b form on
// [h, s, d] (RhsTransposeB also applies to a qf.fused_matmul), and the
// head split moves codes.
// CHECK-LABEL: func.func @pad_kt
// CHECK: %[[KQ:.*]] = qf.quantize %{{.*}} : tensor<8x2x32xf32> -> !qf.tensor<8x2x32xf32, mxfp8, axis = 2>
// CHECK: %[[KT:.*]] = qf.transpose %[[KQ]] permutation = [1, 0, 2]
// CHECK: %[[F:.*]] = qf.fused_matmul %{{.*}}, %[[KT]] transpose_b : !qf.tensor<2x8x32xf32, mxfp8, axis = 2>, !qf.tensor<2x8x32xf32, mxfp8, axis = 2> -> !qf.tensor<2x8x32xf32, mxfp8, axis = 2> {
// CHECK-NOT: linalg.transpose
// CHECK: return %[[F]]
func.func @pad_kt(%q: !h8, %kx: tensor<8x2x32xf32>) -> !h8 {
  %e = tensor.empty() : tensor<2x32x8xf32>
  %kt = linalg.transpose ins(%kx : tensor<8x2x32xf32>) outs(%e : tensor<2x32x8xf32>) permutation = [1, 2, 0]
  %kq = qf.quantize %kt : tensor<2x32x8xf32> -> !qf.tensor<2x32x8xf32, mxfp8, axis = 1>
  %s = qf.matmul %q, %kq : !h8, !qf.tensor<2x32x8xf32, mxfp8, axis = 1> -> tensor<2x8x8xf32>
  %zero = arith.constant 0.0 : f32
  %sp = tensor.pad %s low[0, 0, 0] high[0, 0, 24] {
  ^bb0(%i: index, %j: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<2x8x8xf32> to tensor<2x8x32xf32>
  %sq = qf.quantize %sp : tensor<2x8x32xf32> -> !h8
  return %sq : !h8
}

// Must not fuse: the exp is also returned (it would be computed twice).
// CHECK-LABEL: func.func @outside_user
// REMARK: remark: quantize of tensor.pad not fused into an epilogue: an intermediate tensor has a user outside the fused ops
// CHECK: qf.matmul
// CHECK: linalg.generic
// CHECK: tensor.pad
// CHECK: qf.quantize
// CHECK-NOT: qf.fused_matmul
// CHECK: return
func.func @outside_user(%a: !a8, %k: !k8) -> (!r8, tensor<8x8xf32>) {
  %s = qf.matmul %a, %k transpose_b : !a8, !k8 -> tensor<8x8xf32>
  %ninf = arith.constant -3.0e38 : f32
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<8xf32>
  %mi = linalg.fill ins(%ninf : f32) outs(%e1 : tensor<8xf32>) -> tensor<8xf32>
  %m = linalg.generic {indexing_maps = [#id, #row], iterator_types = #red} ins(%s : tensor<8x8xf32>) outs(%mi : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.maximumf %in, %out : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %e = tensor.empty() : tensor<8x8xf32>
  %x = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = #par} ins(%s, %m : tensor<8x8xf32>, tensor<8xf32>) outs(%e : tensor<8x8xf32>) {
  ^bb0(%v: f32, %b: f32, %o: f32):
    %d = arith.subf %v, %b : f32
    %y = math.exp %d : f32
    linalg.yield %y : f32
  } -> tensor<8x8xf32>
  %xp = tensor.pad %x low[0, 0] high[0, 24] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<8x8xf32> to tensor<8x32xf32>
  %q = qf.quantize %xp : tensor<8x32xf32> -> !r8
  return %q, %x : !r8, tensor<8x8xf32>
}

// Must not fuse: the max runs over the first axis (a column reduction is
// not a row of the epilogue).
// CHECK-LABEL: func.func @reduce_first_axis
// REMARK: remark: quantize of tensor.pad not fused into an epilogue: a reduction is not fused: it does not reduce exactly the last axis
// CHECK: qf.matmul
// CHECK: linalg.generic
// CHECK: tensor.pad
// CHECK-NOT: qf.fused_matmul
// CHECK: return
func.func @reduce_first_axis(%a: !a8, %k: !k8) -> !r8 {
  %s = qf.matmul %a, %k transpose_b : !a8, !k8 -> tensor<8x8xf32>
  %ninf = arith.constant -3.0e38 : f32
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<8xf32>
  %mi = linalg.fill ins(%ninf : f32) outs(%e1 : tensor<8xf32>) -> tensor<8xf32>
  %m = linalg.generic {indexing_maps = [#id, #col], iterator_types = ["reduction", "parallel"]} ins(%s : tensor<8x8xf32>) outs(%mi : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.maximumf %in, %out : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %e = tensor.empty() : tensor<8x8xf32>
  %x = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = #par} ins(%s, %m : tensor<8x8xf32>, tensor<8xf32>) outs(%e : tensor<8x8xf32>) {
  ^bb0(%v: f32, %b: f32, %o: f32):
    %d = arith.subf %v, %b : f32
    linalg.yield %d : f32
  } -> tensor<8x8xf32>
  %xp = tensor.pad %x low[0, 0] high[0, 24] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<8x8xf32> to tensor<8x32xf32>
  %q = qf.quantize %xp : tensor<8x32xf32> -> !r8
  return %q : !r8
}

// Must not fuse: a reduction whose init is not a constant fill (here a
// function argument: it differs per row).
// CHECK-LABEL: func.func @init_not_constant
// REMARK: remark: quantize of tensor.pad not fused into an epilogue: a reduction is not fused: its init is not a constant fill
// CHECK: qf.matmul
// CHECK: linalg.generic
// CHECK-NOT: qf.fused_matmul
// CHECK: return
func.func @init_not_constant(%a: !a8, %k: !k8, %init: tensor<8xf32>) -> !r8 {
  %s = qf.matmul %a, %k transpose_b : !a8, !k8 -> tensor<8x8xf32>
  %zero = arith.constant 0.0 : f32
  %m = linalg.generic {indexing_maps = [#id, #row], iterator_types = #red} ins(%s : tensor<8x8xf32>) outs(%init : tensor<8xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.maximumf %in, %out : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %e = tensor.empty() : tensor<8x8xf32>
  %x = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = #par} ins(%s, %m : tensor<8x8xf32>, tensor<8xf32>) outs(%e : tensor<8x8xf32>) {
  ^bb0(%v: f32, %b: f32, %o: f32):
    %d = arith.subf %v, %b : f32
    linalg.yield %d : f32
  } -> tensor<8x8xf32>
  %xp = tensor.pad %x low[0, 0] high[0, 24] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<8x8xf32> to tensor<8x32xf32>
  %q = qf.quantize %xp : tensor<8x32xf32> -> !r8
  return %q : !r8
}

// Must not fuse: pads with 1.0 and with -0.0 (other codes than the +0.0
// the fused result pads with), a pad of the first axis (the rows, not the
// blocked axis).
// CHECK-LABEL: func.func @pads_kept
// REMARK: remark: quantize of tensor.pad not fused into an epilogue: the padding value is not +0.0
// REMARK: remark: quantize of tensor.pad not fused into an epilogue: the padding value is not +0.0
// REMARK: remark: quantize of tensor.pad not fused into an epilogue: the pad pads another axis
// CHECK-COUNT-3: tensor.pad
// CHECK-NOT: qf.fused_matmul
// CHECK: return
func.func @pads_kept(%a: !a8, %k: !k8, %w: !qf.tensor<32x64xf32, mxfp8, axis = 1>) -> (!r8, !r8, !qf.tensor<32x32xf32, mxfp8, axis = 1>) {
  %one = arith.constant 1.0 : f32
  %nzero = arith.constant -0.0 : f32
  %zero = arith.constant 0.0 : f32
  %s1 = qf.matmul %a, %k transpose_b : !a8, !k8 -> tensor<8x8xf32>
  %p1 = tensor.pad %s1 low[0, 0] high[0, 24] {
  ^bb0(%i: index, %j: index):
    tensor.yield %one : f32
  } : tensor<8x8xf32> to tensor<8x32xf32>
  %q1 = qf.quantize %p1 : tensor<8x32xf32> -> !r8
  %s2 = qf.matmul %a, %k transpose_b : !a8, !k8 -> tensor<8x8xf32>
  %p2 = tensor.pad %s2 low[0, 0] high[0, 24] {
  ^bb0(%i: index, %j: index):
    tensor.yield %nzero : f32
  } : tensor<8x8xf32> to tensor<8x32xf32>
  %q2 = qf.quantize %p2 : tensor<8x32xf32> -> !r8
  %s3 = qf.matmul %a, %w transpose_b : !a8, !qf.tensor<32x64xf32, mxfp8, axis = 1> -> tensor<8x32xf32>
  %p3 = tensor.pad %s3 low[0, 0] high[24, 0] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<8x32xf32> to tensor<32x32xf32>
  %q3 = qf.quantize %p3 : tensor<32x32xf32> -> !qf.tensor<32x32xf32, mxfp8, axis = 1>
  return %q1, %q2, %q3 : !r8, !r8, !qf.tensor<32x32xf32, mxfp8, axis = 1>
}

//===----------------------------------------------------------------------===//
// V: the projection's epilogue encodes [h*d, s] blocked along s
//===----------------------------------------------------------------------===//

// The demo's V: [s, h*d] split into heads, transposed to [h, s, d], padded
// from s = 8 to 32 and quantized along s for P*V. Becomes the V projection
// with transpose_result ([h*d, s], padded, blocked along s), a reshape of
// its codes to [h, d, s], and P*V in the transpose_b form.
// CHECK-LABEL: func.func @v_proj
// CHECK-SAME: (%[[A:[^:]*]]: {{.*}}, %[[WV:[^:]*]]: {{.*}}, %[[P:[^:]*]]: {{.*}})
// CHECK: %[[F:.*]] = qf.fused_matmul %[[A]], %[[WV]] transpose_b transpose_result : !qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<64x64xf32, mxfp4, axis = 1> -> !qf.tensor<64x32xf32, mxfp8, axis = 1> {
// CHECK-NEXT: ^bb0(%[[ACC:.*]]: f32):
// CHECK-NEXT: qf.yield %[[ACC]] : f32
// CHECK-NEXT: }
// CHECK-NEXT: %[[VT:.*]] = qf.reshape %[[F]] : !qf.tensor<64x32xf32, mxfp8, axis = 1> -> !qf.tensor<2x32x32xf32, mxfp8, axis = 2>
// CHECK-NEXT: %[[O:.*]] = qf.matmul %[[P]], %[[VT]] transpose_b : !qf.tensor<2x8x32xf32, mxfp8, axis = 2>, !qf.tensor<2x32x32xf32, mxfp8, axis = 2> -> tensor<2x8x32xf32>
// CHECK-NEXT: return %[[O]]
// OFF-LABEL: func.func @v_proj
// OFF: linalg.transpose
// OFF: tensor.pad
func.func @v_proj(%a: !a8, %wv: !w4, %p: !h8) -> tensor<2x8x32xf32> {
  %v = qf.matmul %a, %wv transpose_b : !a8, !w4 -> tensor<8x64xf32>
  %vx = tensor.expand_shape %v [[0], [1, 2]] output_shape [8, 2, 32] : tensor<8x64xf32> into tensor<8x2x32xf32>
  %e = tensor.empty() : tensor<2x8x32xf32>
  %vt = linalg.transpose ins(%vx : tensor<8x2x32xf32>) outs(%e : tensor<2x8x32xf32>) permutation = [1, 0, 2]
  %zero = arith.constant 0.0 : f32
  %vp = tensor.pad %vt low[0, 0, 0] high[0, 24, 0] {
  ^bb0(%i: index, %j: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<2x8x32xf32> to tensor<2x32x32xf32>
  %vq = qf.quantize %vp : tensor<2x32x32xf32> -> !qf.tensor<2x32x32xf32, mxfp8, axis = 1>
  %o = qf.matmul %p, %vq : !h8, !qf.tensor<2x32x32xf32, mxfp8, axis = 1> -> tensor<2x8x32xf32>
  return %o : tensor<2x8x32xf32>
}

// Static scales [h, d, s/32] become [h*d, s/32]; the consumer is a
// fused_matmul (its body and quantized result are kept), without a pad
// (s = 32 already whole blocks).
// CHECK-LABEL: func.func @v_proj_static
// CHECK-SAME: (%[[A:[^:]*]]: {{.*}}, %[[WV:[^:]*]]: {{.*}}, %[[P:[^:]*]]: {{.*}}, %[[S:[^:]*]]: {{.*}})
// CHECK: %[[SC:.*]] = tensor.collapse_shape %[[S]] {{\[}}[0, 1], [2]] : tensor<2x32x1xi8> into tensor<64x1xi8>
// CHECK: %[[F:.*]] = qf.fused_matmul %[[A]], %[[WV]] transpose_b transpose_result scales(%[[SC]] : tensor<64x1xi8>) : !qf.tensor<32x64xf32, mxfp8, axis = 1>, !qf.tensor<64x64xf32, mxfp4, axis = 1> -> !qf.tensor<64x32xf32, mxfp8, axis = 1> {
// CHECK: %[[VT:.*]] = qf.reshape %[[F]] : !qf.tensor<64x32xf32, mxfp8, axis = 1> -> !qf.tensor<2x32x32xf32, mxfp8, axis = 2>
// CHECK: %[[O:.*]] = qf.fused_matmul %[[P]], %[[VT]] transpose_b : !qf.tensor<2x32x32xf32, mxfp8, axis = 2>, !qf.tensor<2x32x32xf32, mxfp8, axis = 2> -> !qf.tensor<2x32x32xf32, mxfp4, axis = 2> {
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32):
// CHECK-NEXT: %[[N:.*]] = arith.negf %[[X]] : f32
// CHECK-NEXT: qf.yield %[[N]] : f32
// CHECK-NOT: linalg.transpose
// CHECK: return %[[O]]
func.func @v_proj_static(%a: !qf.tensor<32x64xf32, mxfp8, axis = 1>, %wv: !w4, %p: !qf.tensor<2x32x32xf32, mxfp8, axis = 2>, %s: tensor<2x32x1xi8>) -> !qf.tensor<2x32x32xf32, mxfp4, axis = 2> {
  %v = qf.matmul %a, %wv transpose_b : !qf.tensor<32x64xf32, mxfp8, axis = 1>, !w4 -> tensor<32x64xf32>
  %vx = tensor.expand_shape %v [[0], [1, 2]] output_shape [32, 2, 32] : tensor<32x64xf32> into tensor<32x2x32xf32>
  %e = tensor.empty() : tensor<2x32x32xf32>
  %vt = linalg.transpose ins(%vx : tensor<32x2x32xf32>) outs(%e : tensor<2x32x32xf32>) permutation = [1, 0, 2]
  %vq = qf.quantize %vt scales(%s : tensor<2x32x1xi8>) : tensor<2x32x32xf32> -> !qf.tensor<2x32x32xf32, mxfp8, axis = 1>
  %o = qf.fused_matmul %p, %vq : !qf.tensor<2x32x32xf32, mxfp8, axis = 2>, !qf.tensor<2x32x32xf32, mxfp8, axis = 1> -> !qf.tensor<2x32x32xf32, mxfp4, axis = 2> {
  ^bb0(%x: f32):
    %n = arith.negf %x : f32
    qf.yield %n : f32
  }
  return %o : !qf.tensor<2x32x32xf32, mxfp4, axis = 2>
}

// Rank 2: quantize(pad(product)) [K, N] blocked along K as a contraction's
// rhs -> the product with transpose_result [N, K], read with transpose_b.
// CHECK-LABEL: func.func @v_rank2
// CHECK-SAME: (%[[A:[^:]*]]: {{.*}}, %[[W:[^:]*]]: {{.*}}, %[[P:[^:]*]]: {{.*}})
// CHECK: %[[F:.*]] = qf.fused_matmul %[[A]], %[[W]] transpose_b transpose_result : !qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<16x64xf32, mxfp4, axis = 1> -> !qf.tensor<16x32xf32, mxfp8, axis = 1> {
// CHECK-NOT: qf.reshape
// CHECK: %[[O:.*]] = qf.matmul %[[P]], %[[F]] transpose_b : !qf.tensor<8x32xf32, mxfp8, axis = 1>, !qf.tensor<16x32xf32, mxfp8, axis = 1> -> tensor<8x16xf32>
// CHECK-NOT: tensor.pad
// CHECK: return %[[O]]
func.func @v_rank2(%a: !a8, %w: !qf.tensor<16x64xf32, mxfp4, axis = 1>, %p: !r8) -> tensor<8x16xf32> {
  %v = qf.matmul %a, %w transpose_b : !a8, !qf.tensor<16x64xf32, mxfp4, axis = 1> -> tensor<8x16xf32>
  %zero = arith.constant 0.0 : f32
  %vp = tensor.pad %v low[0, 0] high[24, 0] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<8x16xf32> to tensor<32x16xf32>
  %vq = qf.quantize %vp : tensor<32x16xf32> -> !qf.tensor<32x16xf32, mxfp8, axis = 0>
  %o = qf.matmul %p, %vq : !r8, !qf.tensor<32x16xf32, mxfp8, axis = 0> -> tensor<8x16xf32>
  return %o : tensor<8x16xf32>
}

// A two-level format (FP8 blocks of 16 with E4M3 scales and an FP32 tensor
// scale) with static scales and tensor scale: both go to the projection.
!nv8 = !qf.tensor<32x16xf32, #qf.format<elem = f8E4M3FN, block = 16, scale = f8E4M3FN, tensor_scale = f32>, axis = 0>
!pv = !qf.tensor<8x32xf32, #qf.format<elem = f8E4M3FN, block = 16, scale = f8E4M3FN, tensor_scale = f32>, axis = 1>
// CHECK-LABEL: func.func @v_rank2_two_level
// CHECK-SAME: (%[[A:[^:]*]]: {{.*}}, %[[W:[^:]*]]: {{.*}}, %[[P:[^:]*]]: {{.*}}, %[[S:[^:]*]]: {{.*}}, %[[TS:[^:]*]]: {{.*}})
// CHECK: %[[F:.*]] = qf.fused_matmul %[[A]], %[[W]] transpose_b transpose_result scales(%[[S]] : tensor<16x2xi8>) tensor_scale(%[[TS]] : tensor<f32>) : {{.*}} -> !qf.tensor<16x32xf32, #qf.format<{{.*}}tensor_scale = f32>, axis = 1> {
// CHECK: qf.matmul %[[P]], %[[F]] transpose_b
func.func @v_rank2_two_level(%a: !a8, %w: !qf.tensor<16x64xf32, mxfp4, axis = 1>, %p: !pv, %s: tensor<16x2xi8>, %ts: tensor<f32>) -> tensor<8x16xf32> {
  %v = qf.matmul %a, %w transpose_b : !a8, !qf.tensor<16x64xf32, mxfp4, axis = 1> -> tensor<8x16xf32>
  %zero = arith.constant 0.0 : f32
  %vp = tensor.pad %v low[0, 0] high[24, 0] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<8x16xf32> to tensor<32x16xf32>
  %vq = qf.quantize %vp scales(%s : tensor<16x2xi8>) tensor_scale(%ts : tensor<f32>) : tensor<32x16xf32> -> !nv8
  %o = qf.matmul %p, %vq : !pv, !nv8 -> tensor<8x16xf32>
  return %o : tensor<8x16xf32>
}

// Must not fuse: a 4-bit V (the transpose_b form would take the nibble
// kernel's other summation order), a V product with another user. A
// two-level format with scales from the data fuses (the kernel stages the
// rows and their amax, then encodes them).
// CHECK-LABEL: func.func @v_kept
// CHECK-NOT: transpose_result
// CHECK: linalg.transpose
// CHECK: qf.quantize %{{.*}} : tensor<2x32x32xf32> -> !qf.tensor<2x32x32xf32, mxfp4, axis = 1>
// CHECK: qf.matmul %{{.*}}, %{{.*}} : !qf.tensor<2x8x32xf32, mxfp8, axis = 2>, !qf.tensor<2x32x32xf32, mxfp4, axis = 1>
// CHECK: linalg.transpose
// CHECK: qf.quantize %{{.*}} : tensor<2x32x32xf32> -> !qf.tensor<2x32x32xf32, mxfp8, axis = 1>
// CHECK: qf.matmul %{{.*}}, %{{.*}} : !qf.tensor<2x8x32xf32, mxfp8, axis = 2>, !qf.tensor<2x32x32xf32, mxfp8, axis = 1>
// CHECK: qf.fused_matmul %{{.*}}, %{{.*}} transpose_b transpose_result : {{.*}} -> !qf.tensor<16x32xf32, #qf.format<{{.*}}tensor_scale = f32>, axis = 1>
// CHECK: qf.matmul %{{.*}}, %{{.*}} transpose_b
// CHECK: return
func.func @v_kept(%a: !a8, %wv: !w4, %wv2: !w4, %p: !h8, %w: !qf.tensor<16x64xf32, mxfp4, axis = 1>, %p2: !qf.tensor<8x32xf32, #qf.format<elem = f8E4M3FN, block = 16, scale = f8E4M3FN, tensor_scale = f32>, axis = 1>)
    -> (tensor<2x8x32xf32>, tensor<2x8x32xf32>, tensor<8x64xf32>, tensor<8x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x8x32xf32>
  %v = qf.matmul %a, %wv transpose_b : !a8, !w4 -> tensor<8x64xf32>
  %vx = tensor.expand_shape %v [[0], [1, 2]] output_shape [8, 2, 32] : tensor<8x64xf32> into tensor<8x2x32xf32>
  %vt = linalg.transpose ins(%vx : tensor<8x2x32xf32>) outs(%e : tensor<2x8x32xf32>) permutation = [1, 0, 2]
  %vp = tensor.pad %vt low[0, 0, 0] high[0, 24, 0] {
  ^bb0(%i: index, %j: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<2x8x32xf32> to tensor<2x32x32xf32>
  %vq = qf.quantize %vp : tensor<2x32x32xf32> -> !qf.tensor<2x32x32xf32, mxfp4, axis = 1>
  %o = qf.matmul %p, %vq : !h8, !qf.tensor<2x32x32xf32, mxfp4, axis = 1> -> tensor<2x8x32xf32>
  %v2 = qf.matmul %a, %wv2 transpose_b : !a8, !w4 -> tensor<8x64xf32>
  %vx2 = tensor.expand_shape %v2 [[0], [1, 2]] output_shape [8, 2, 32] : tensor<8x64xf32> into tensor<8x2x32xf32>
  %vt2 = linalg.transpose ins(%vx2 : tensor<8x2x32xf32>) outs(%e : tensor<2x8x32xf32>) permutation = [1, 0, 2]
  %vp2 = tensor.pad %vt2 low[0, 0, 0] high[0, 24, 0] {
  ^bb0(%i: index, %j: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<2x8x32xf32> to tensor<2x32x32xf32>
  %vq2 = qf.quantize %vp2 : tensor<2x32x32xf32> -> !qf.tensor<2x32x32xf32, mxfp8, axis = 1>
  %o2 = qf.matmul %p, %vq2 : !h8, !qf.tensor<2x32x32xf32, mxfp8, axis = 1> -> tensor<2x8x32xf32>
  %v3 = qf.matmul %a, %w transpose_b : !a8, !qf.tensor<16x64xf32, mxfp4, axis = 1> -> tensor<8x16xf32>
  %vp3 = tensor.pad %v3 low[0, 0] high[24, 0] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<8x16xf32> to tensor<32x16xf32>
  %vq3 = qf.quantize %vp3 : tensor<32x16xf32> -> !qf.tensor<32x16xf32, #qf.format<elem = f8E4M3FN, block = 16, scale = f8E4M3FN, tensor_scale = f32>, axis = 0>
  %o3 = qf.matmul %p2, %vq3 : !qf.tensor<8x32xf32, #qf.format<elem = f8E4M3FN, block = 16, scale = f8E4M3FN, tensor_scale = f32>, axis = 1>, !qf.tensor<32x16xf32, #qf.format<elem = f8E4M3FN, block = 16, scale = f8E4M3FN, tensor_scale = f32>, axis = 0> -> tensor<8x16xf32>
  return %o, %o2, %v2, %o3 : tensor<2x8x32xf32>, tensor<2x8x32xf32>, tensor<8x64xf32>, tensor<8x16xf32>
}

// Must not fuse: blocks along N, not along the padded sequence axis (the
// consumer already reads the rhs in the transpose_b form; the pad is along
// its N); the quantize keeps its pad.
// CHECK-LABEL: func.func @v_blocks_along_n
// CHECK-NOT: transpose_result
// CHECK: linalg.transpose
// CHECK: tensor.pad
// CHECK: qf.quantize %{{.*}} : tensor<2x32x32xf32> -> !qf.tensor<2x32x32xf32, mxfp8, axis = 2>
// CHECK: qf.matmul %{{.*}}, %{{.*}} transpose_b
func.func @v_blocks_along_n(%a: !a8, %wv: !w4, %p: !h8) -> tensor<2x8x32xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<2x8x32xf32>
  %v = qf.matmul %a, %wv transpose_b : !a8, !w4 -> tensor<8x64xf32>
  %vx = tensor.expand_shape %v [[0], [1, 2]] output_shape [8, 2, 32] : tensor<8x64xf32> into tensor<8x2x32xf32>
  %vt = linalg.transpose ins(%vx : tensor<8x2x32xf32>) outs(%e : tensor<2x8x32xf32>) permutation = [1, 0, 2]
  %vp = tensor.pad %vt low[0, 0, 0] high[0, 24, 0] {
  ^bb0(%i: index, %j: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<2x8x32xf32> to tensor<2x32x32xf32>
  %vq = qf.quantize %vp : tensor<2x32x32xf32> -> !qf.tensor<2x32x32xf32, mxfp8, axis = 2>
  %o = qf.matmul %p, %vq transpose_b : !h8, !qf.tensor<2x32x32xf32, mxfp8, axis = 2> -> tensor<2x8x32xf32>
  return %o : tensor<2x8x32xf32>
}
