// RUN: qf-opt %s --qf-fuse-requantize 2>/dev/null | FileCheck %s
// RUN: qf-opt %s --qf-fuse-requantize -o /dev/null 2>&1 | FileCheck %s --check-prefix=REMARK
// RUN: qf-opt %s --qf-fuse-requantize="elementwise=false" 2>/dev/null | FileCheck %s --check-prefix=OFF

// Row reductions of a tensor the chain also reads (RMSNorm, LayerNorm), no
// product involved: one qf.map with qf.row_reduce (FuseRowsIntoMap).

!a8 = !qf.tensor<8x64xf32, mxfp8, axis = 1>
#id = affine_map<(i, j) -> (i, j)>
#row = affine_map<(i, j) -> (i)>
#col = affine_map<(i, j) -> (j)>
#par = ["parallel", "parallel"]
#red = ["parallel", "reduction"]

// RMSNorm: the sum of squares, then x * rsqrt(ss / D + eps) * gamma. The
// reduction's body (square, add) is the combiner; x is one input, read by
// the reduction and by the body.
// CHECK-LABEL: func.func @rmsnorm
// CHECK-SAME: (%[[X:[^:]*]]: tensor<8x64xf32>, %[[G:[^:]*]]: tensor<64xf32>)
// CHECK: %[[Y:.*]] = qf.map(%[[X]], %[[G]]) {indexing_maps = [#{{.*}}, #{{.*}}]} : (tensor<8x64xf32>, tensor<64xf32>) -> !qf.tensor<8x64xf32, mxfp8, axis = 1> {
// CHECK-NEXT: ^bb0(%[[V:.*]]: f32, %[[GV:.*]]: f32):
// CHECK: %[[SS:.*]] = qf.row_reduce %[[V]] init(%{{.*}}) {
// CHECK-NEXT: ^bb0(%[[E:.*]]: f32, %[[A:.*]]: f32):
// CHECK-NEXT: %[[SQ:.*]] = arith.mulf %[[E]], %[[E]] : f32
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[A]], %[[SQ]] : f32
// CHECK-NEXT: qf.yield %[[S]] : f32
// CHECK-NEXT: }
// CHECK: arith.divf %[[SS]]
// CHECK: math.rsqrt
// CHECK: arith.mulf %[[V]]
// CHECK: arith.mulf %{{.*}}, %[[GV]]
// CHECK-NOT: linalg
// CHECK: return %[[Y]]
// OFF-LABEL: func.func @rmsnorm
// OFF: linalg.generic
// OFF: qf.quantize
func.func @rmsnorm(%x: tensor<8x64xf32>, %g: tensor<64xf32>) -> !a8 {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  %ss = linalg.generic {indexing_maps = [#id, #row], iterator_types = #red} ins(%x : tensor<8x64xf32>) outs(%z : tensor<8xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %sq = arith.mulf %v, %v : f32
    %s = arith.addf %acc, %sq : f32
    linalg.yield %s : f32
  } -> tensor<8xf32>
  %o = tensor.empty() : tensor<8x64xf32>
  %n = linalg.generic {indexing_maps = [#id, #row, #col, #id], iterator_types = #par} ins(%x, %ss, %g : tensor<8x64xf32>, tensor<8xf32>, tensor<64xf32>) outs(%o : tensor<8x64xf32>) {
  ^bb0(%v: f32, %s: f32, %gv: f32, %out: f32):
    %d = arith.constant 64.0 : f32
    %eps = arith.constant 1.0e-5 : f32
    %m = arith.divf %s, %d : f32
    %me = arith.addf %m, %eps : f32
    %r = math.rsqrt %me : f32
    %xr = arith.mulf %v, %r : f32
    %y = arith.mulf %xr, %gv : f32
    linalg.yield %y : f32
  } -> tensor<8x64xf32>
  %q = qf.quantize %n : tensor<8x64xf32> -> !a8
  return %q : !a8
}

// LayerNorm: the mean, then d = x - mean (read by the variance and by the
// result: computed once in the body), the variance of d, then
// d * rsqrt(var / D + eps) * gamma + beta.
// CHECK-LABEL: func.func @layernorm
// CHECK-SAME: (%[[X:[^:]*]]: tensor<8x64xf32>, %[[G:[^:]*]]: tensor<64xf32>, %[[B:[^:]*]]: tensor<64xf32>)
// CHECK: %[[Y:.*]] = qf.map(%[[X]], %[[G]], %[[B]]) {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}]} : (tensor<8x64xf32>, tensor<64xf32>, tensor<64xf32>) -> !qf.tensor<8x64xf32, mxfp8, axis = 1> {
// CHECK-NEXT: ^bb0(%[[V:.*]]: f32, %[[GV:.*]]: f32, %[[BV:.*]]: f32):
// CHECK: %[[SUM:.*]] = qf.row_reduce %[[V]] init(%{{.*}}) {
// CHECK: arith.addf
// CHECK: }
// CHECK-NEXT: %[[MEAN:.*]] = arith.divf %[[SUM]], %{{.*}} : f32
// CHECK-NEXT: %[[D:.*]] = arith.subf %[[V]], %[[MEAN]] : f32
// CHECK-NEXT: %[[VAR:.*]] = qf.row_reduce %[[D]] init(%{{.*}}) {
// CHECK: arith.mulf
// CHECK: }
// CHECK: arith.divf %[[VAR]]
// CHECK: math.rsqrt
// CHECK: arith.mulf %[[D]]
// CHECK: arith.addf %{{.*}}, %[[BV]]
// CHECK-NOT: linalg
// CHECK: return %[[Y]]
func.func @layernorm(%x: tensor<8x64xf32>, %g: tensor<64xf32>, %b: tensor<64xf32>) -> !a8 {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  %sum = linalg.generic {indexing_maps = [#id, #row], iterator_types = #red} ins(%x : tensor<8x64xf32>) outs(%z : tensor<8xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %s = arith.addf %v, %acc : f32
    linalg.yield %s : f32
  } -> tensor<8xf32>
  %o = tensor.empty() : tensor<8x64xf32>
  %d = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = #par} ins(%x, %sum : tensor<8x64xf32>, tensor<8xf32>) outs(%o : tensor<8x64xf32>) {
  ^bb0(%v: f32, %s: f32, %out: f32):
    %n = arith.constant 64.0 : f32
    %mean = arith.divf %s, %n : f32
    %dd = arith.subf %v, %mean : f32
    linalg.yield %dd : f32
  } -> tensor<8x64xf32>
  %var = linalg.generic {indexing_maps = [#id, #row], iterator_types = #red} ins(%d : tensor<8x64xf32>) outs(%z : tensor<8xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %sq = arith.mulf %v, %v : f32
    %s = arith.addf %acc, %sq : f32
    linalg.yield %s : f32
  } -> tensor<8xf32>
  %y = linalg.generic {indexing_maps = [#id, #row, #col, #col, #id], iterator_types = #par} ins(%d, %var, %g, %b : tensor<8x64xf32>, tensor<8xf32>, tensor<64xf32>, tensor<64xf32>) outs(%o : tensor<8x64xf32>) {
  ^bb0(%dv: f32, %vr: f32, %gv: f32, %bv: f32, %out: f32):
    %n = arith.constant 64.0 : f32
    %eps = arith.constant 1.0e-5 : f32
    %vm = arith.divf %vr, %n : f32
    %ve = arith.addf %vm, %eps : f32
    %r = math.rsqrt %ve : f32
    %dr = arith.mulf %dv, %r : f32
    %dg = arith.mulf %dr, %gv : f32
    %w = arith.addf %dg, %bv : f32
    linalg.yield %w : f32
  } -> tensor<8x64xf32>
  %q = qf.quantize %y : tensor<8x64xf32> -> !a8
  return %q : !a8
}

// RMSNorm of dequantized codes: the map decodes them (one input for the
// reduction and the body).
// CHECK-LABEL: func.func @rmsnorm_codes
// CHECK-SAME: (%[[A:[^:]*]]: !qf.tensor<8x64xf32, mxfp8, axis = 1>, %[[G:[^:]*]]: tensor<64xf32>)
// CHECK-NOT: qf.dequantize
// CHECK: qf.map(%[[A]], %[[G]]) {{.*}} : (!qf.tensor<8x64xf32, mxfp8, axis = 1>, tensor<64xf32>) -> !qf.tensor<8x64xf32, mxfp8, axis = 1> {
// CHECK-NEXT: ^bb0(%[[V:.*]]: f32, %{{.*}}: f32):
// CHECK: qf.row_reduce %[[V]]
// CHECK-NOT: linalg
// CHECK: return
func.func @rmsnorm_codes(%a: !a8, %g: tensor<64xf32>) -> !a8 {
  %x = qf.dequantize %a : !a8 -> tensor<8x64xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  %ss = linalg.generic {indexing_maps = [#id, #row], iterator_types = #red} ins(%x : tensor<8x64xf32>) outs(%z : tensor<8xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %sq = arith.mulf %v, %v : f32
    %s = arith.addf %acc, %sq : f32
    linalg.yield %s : f32
  } -> tensor<8xf32>
  %o = tensor.empty() : tensor<8x64xf32>
  %n = linalg.generic {indexing_maps = [#id, #row, #col, #id], iterator_types = #par} ins(%x, %ss, %g : tensor<8x64xf32>, tensor<8xf32>, tensor<64xf32>) outs(%o : tensor<8x64xf32>) {
  ^bb0(%v: f32, %s: f32, %gv: f32, %out: f32):
    %d = arith.constant 64.0 : f32
    %m = arith.divf %s, %d : f32
    %r = math.rsqrt %m : f32
    %xr = arith.mulf %v, %r : f32
    %y = arith.mulf %xr, %gv : f32
    linalg.yield %y : f32
  } -> tensor<8x64xf32>
  %r = qf.quantize %n : tensor<8x64xf32> -> !a8
  return %r : !a8
}

//===----------------------------------------------------------------------===//
// Not fused (the plain qf.map reads the reduced tensor; a remark says why)
//===----------------------------------------------------------------------===//

// The row sums are also returned: computed once, as a tensor.
// CHECK-LABEL: func.func @sums_used_outside
// CHECK: linalg.generic
// CHECK: qf.map(%{{.*}}, %{{.*}}, %{{.*}})
// CHECK-NOT: qf.row_reduce
// CHECK: return
// REMARK: remark: row reductions not fused into qf.map: a reduction is not fused: its result has a user outside the fused ops
func.func @sums_used_outside(%x: tensor<8x64xf32>, %g: tensor<64xf32>) -> (!a8, tensor<8xf32>) {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  %ss = linalg.generic {indexing_maps = [#id, #row], iterator_types = #red} ins(%x : tensor<8x64xf32>) outs(%z : tensor<8xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %sq = arith.mulf %v, %v : f32
    %s = arith.addf %acc, %sq : f32
    linalg.yield %s : f32
  } -> tensor<8xf32>
  %o = tensor.empty() : tensor<8x64xf32>
  %n = linalg.generic {indexing_maps = [#id, #row, #col, #id], iterator_types = #par} ins(%x, %ss, %g : tensor<8x64xf32>, tensor<8xf32>, tensor<64xf32>) outs(%o : tensor<8x64xf32>) {
  ^bb0(%v: f32, %s: f32, %gv: f32, %out: f32):
    %r = math.rsqrt %s : f32
    %xr = arith.mulf %v, %r : f32
    %y = arith.mulf %xr, %gv : f32
    linalg.yield %y : f32
  } -> tensor<8x64xf32>
  %q = qf.quantize %n : tensor<8x64xf32> -> !a8
  return %q, %ss : !a8, tensor<8xf32>
}

// The init is not a constant fill (the reduction starts from a tensor).
// CHECK-LABEL: func.func @init_not_constant
// CHECK: linalg.generic
// CHECK-NOT: qf.row_reduce
// CHECK: return
// REMARK: remark: row reductions not fused into qf.map: a reduction is not fused: its init is not a constant fill
func.func @init_not_constant(%x: tensor<8x64xf32>, %i: tensor<8xf32>) -> !a8 {
  %ss = linalg.generic {indexing_maps = [#id, #row], iterator_types = #red} ins(%x : tensor<8x64xf32>) outs(%i : tensor<8xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %s = arith.addf %v, %acc : f32
    linalg.yield %s : f32
  } -> tensor<8xf32>
  %o = tensor.empty() : tensor<8x64xf32>
  %n = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = #par} ins(%x, %ss : tensor<8x64xf32>, tensor<8xf32>) outs(%o : tensor<8x64xf32>) {
  ^bb0(%v: f32, %s: f32, %out: f32):
    %y = arith.divf %v, %s : f32
    linalg.yield %y : f32
  } -> tensor<8x64xf32>
  %q = qf.quantize %n : tensor<8x64xf32> -> !a8
  return %q : !a8
}

// Column sums (a reduction over the first axis) are not row reductions.
// CHECK-LABEL: func.func @column_sums
// CHECK: linalg.generic
// CHECK-NOT: qf.row_reduce
// CHECK: return
// REMARK: remark: row reductions not fused into qf.map: a reduction is not fused: it does not reduce exactly the last axis
func.func @column_sums(%x: tensor<8x64xf32>) -> !a8 {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<64xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<64xf32>) -> tensor<64xf32>
  %cs = linalg.generic {indexing_maps = [#id, #col], iterator_types = ["reduction", "parallel"]} ins(%x : tensor<8x64xf32>) outs(%z : tensor<64xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %s = arith.addf %v, %acc : f32
    linalg.yield %s : f32
  } -> tensor<64xf32>
  %o = tensor.empty() : tensor<8x64xf32>
  %n = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = #par} ins(%x, %cs : tensor<8x64xf32>, tensor<64xf32>) outs(%o : tensor<8x64xf32>) {
  ^bb0(%v: f32, %s: f32, %out: f32):
    %y = arith.divf %v, %s : f32
    linalg.yield %y : f32
  } -> tensor<8x64xf32>
  %q = qf.quantize %n : tensor<8x64xf32> -> !a8
  return %q : !a8
}

// Rows of a product whose f32 result has another user: not the epilogue's
// (FuseRowsIntoMatmul declines), and not a qf.map's either (the product's
// rows belong in its epilogue).
// CHECK-LABEL: func.func @product_rows
// CHECK: qf.matmul
// CHECK-NOT: qf.row_reduce
// CHECK: return
// REMARK: remark: row reductions not fused into qf.map: it reads a qf.matmul product (its epilogue takes the rows)
func.func @product_rows(%a: !a8, %w: !qf.tensor<32x64xf32, mxfp8, axis = 1>) -> (!qf.tensor<8x32xf32, mxfp8, axis = 1>, tensor<8x32xf32>) {
  %s = qf.matmul %a, %w transpose_b : !a8, !qf.tensor<32x64xf32, mxfp8, axis = 1> -> tensor<8x32xf32>
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  %ss = linalg.generic {indexing_maps = [#id, #row], iterator_types = #red} ins(%s : tensor<8x32xf32>) outs(%z : tensor<8xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %r = arith.addf %v, %acc : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %o = tensor.empty() : tensor<8x32xf32>
  %n = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = #par} ins(%s, %ss : tensor<8x32xf32>, tensor<8xf32>) outs(%o : tensor<8x32xf32>) {
  ^bb0(%v: f32, %r: f32, %out: f32):
    %y = arith.divf %v, %r : f32
    linalg.yield %y : f32
  } -> tensor<8x32xf32>
  %q = qf.quantize %n : tensor<8x32xf32> -> !qf.tensor<8x32xf32, mxfp8, axis = 1>
  return %q, %s : !qf.tensor<8x32xf32, mxfp8, axis = 1>, tensor<8x32xf32>
}
