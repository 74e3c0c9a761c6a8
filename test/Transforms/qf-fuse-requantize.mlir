// RUN: qf-opt %s --qf-fuse-requantize 2>/dev/null | FileCheck %s
// RUN: qf-opt %s --qf-fuse-requantize -o /dev/null 2>&1 | FileCheck %s --check-prefix=REMARK
// RUN: qf-opt %s --qf-fuse-requantize=remarks=false -o /dev/null 2>&1 | FileCheck %s --allow-empty --check-prefix=QUIET
// RUN: qf-opt %s --qf-fuse-requantize="elementwise=false epilogue=false" 2>&1 | FileCheck %s --check-prefix=OFF

!a8 = !qf.tensor<8x64xf32, mxfp8, axis = 1>
!a4 = !qf.tensor<8x64xf32, mxfp4, axis = 1>
!n4 = !qf.tensor<8x64xf32, nvfp4, axis = 1>
!i8 = !qf.tensor<8x64xf32, mxint8, axis = 1>
!i4 = !qf.tensor<8x64xf32, mxint4, axis = 1>
!w4 = !qf.tensor<64x64xf32, mxfp4, axis = 1>
#id = affine_map<(i, j) -> (i, j)>
#col = affine_map<(i, j) -> (j)>
#tr = affine_map<(i, j) -> (j, i)>
#par = ["parallel", "parallel"]

// Same format and scales: nothing left; another format: requantize.
// CHECK-LABEL: func.func @deq_quant
// CHECK-SAME: (%[[Q:.*]]: !qf.tensor<8x64xf32, mxfp8, axis = 1>)
// CHECK: %[[R:.*]] = qf.requantize %[[Q]] : {{.*}} -> !qf.tensor<8x64xf32, mxfp4, axis = 1>
// CHECK-NOT: qf.quantize
// CHECK: return %[[Q]], %[[R]]
func.func @deq_quant(%q: !a8) -> (!a8, !a4) {
  %d = qf.dequantize %q : !a8 -> tensor<8x64xf32>
  %x = qf.quantize %d : tensor<8x64xf32> -> !a8
  %y = qf.quantize %d : tensor<8x64xf32> -> !a4
  return %x, %y : !a8, !a4
}

// Must not fold: static scales (the codes depend on them), NVFP4 to itself
// (the tensor scale is recomputed).
// CHECK-LABEL: func.func @deq_quant_kept
// CHECK: qf.quantize %{{.*}} scales
// CHECK: qf.requantize %{{.*}} -> !qf.tensor<8x64xf32, nvfp4, axis = 1>
func.func @deq_quant_kept(%q: !a8, %s: tensor<8x2xi8>, %n: !n4) -> (!a8, !n4) {
  %d = qf.dequantize %q : !a8 -> tensor<8x64xf32>
  %x = qf.quantize %d scales(%s : tensor<8x2xi8>) : tensor<8x64xf32> -> !a8
  %dn = qf.dequantize %n : !n4 -> tensor<8x64xf32>
  %y = qf.quantize %dn : tensor<8x64xf32> -> !n4
  return %x, %y : !a8, !n4
}

// Lossless inner step (mxfp4 -> mxfp8, mxint4 -> mxint8) is skipped; a
// lossy one (mxfp8 -> mxfp4) is kept.
// CHECK-LABEL: func.func @requant_chain
// CHECK-SAME: (%[[A:.*]]: !qf.tensor<8x64xf32, mxfp4, axis = 1>, %[[B:.*]]: !qf.tensor<8x64xf32, mxfp8, axis = 1>, %[[C:.*]]: !qf.tensor<8x64xf32, mxint4, axis = 1>)
// CHECK: %[[R1:.*]] = qf.requantize %[[B]] : {{.*}} -> !qf.tensor<8x64xf32, mxfp4, axis = 1>
// CHECK: %[[R2:.*]] = qf.requantize %[[R1]] : {{.*}} -> !qf.tensor<8x64xf32, mxfp8, axis = 1>
// CHECK: return %[[A]], %[[R2]], %[[C]]
func.func @requant_chain(%a: !a4, %b: !a8, %c: !i4) -> (!a4, !a8, !i4) {
  %r = qf.requantize %a : !a4 -> !a8
  %s = qf.requantize %r : !a8 -> !a4
  %t = qf.requantize %b : !a8 -> !a4
  %u = qf.requantize %t : !a4 -> !a8
  %v = qf.requantize %c : !i4 -> !i8
  %w = qf.requantize %v : !i8 -> !i4
  return %s, %u, %w : !a4, !a8, !i4
}

// Identical quantizes merge; unused qf ops go.
// CHECK-LABEL: func.func @cse
// CHECK-COUNT-1: qf.quantize
// CHECK-NOT: qf.quantize
// CHECK-NOT: qf.dequantize
func.func @cse(%x: tensor<8x64xf32>) -> (!a8, !a8) {
  %a = qf.quantize %x : tensor<8x64xf32> -> !a8
  %b = qf.quantize %x : tensor<8x64xf32> -> !a8
  %d = qf.dequantize %a : !a8 -> tensor<8x64xf32>
  return %a, %b : !a8, !a8
}

// A chain of two generics and a named op between a dequantize and a
// quantize: one qf.map reading the quantized tensor.
// CHECK-LABEL: func.func @chain
// CHECK: %[[M:.*]] = qf.map(%{{.*}}, %{{.*}}) {indexing_maps = [#{{.*}}, #{{.*}}]} : (!qf.tensor<8x64xf32, mxfp8, axis = 1>, tensor<64xf32>) -> !qf.tensor<8x64xf32, mxfp4, axis = 1> {
// CHECK: ^bb0(%[[X:.*]]: f32, %[[B:.*]]: f32):
// CHECK: arith.addf %[[X]], %[[B]]
// CHECK: arith.maximumf
// CHECK: arith.mulf
// CHECK: qf.yield
// CHECK-NOT: linalg
// CHECK: return %[[M]]
// OFF-LABEL: func.func @chain
// OFF: linalg.generic
// OFF: qf.quantize
func.func @chain(%q: !a8, %bias: tensor<64xf32>) -> !a4 {
  %d = qf.dequantize %q : !a8 -> tensor<8x64xf32>
  %e = tensor.empty() : tensor<8x64xf32>
  %zero = arith.constant 0.0 : f32
  %r = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = #par} ins(%d, %bias : tensor<8x64xf32>, tensor<64xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%x: f32, %b: f32, %o: f32):
    %s = arith.addf %x, %b : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  } -> tensor<8x64xf32>
  %r2 = linalg.mul ins(%r, %d : tensor<8x64xf32>, tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) -> tensor<8x64xf32>
  %q2 = qf.quantize %r2 : tensor<8x64xf32> -> !a4
  return %q2 : !a4
}

// Must not fuse: the generic has a second user.
// CHECK-LABEL: func.func @two_users
// REMARK: remark: quantize of linalg.generic not fused: its result has other users
// QUIET-NOT: remark
// CHECK: linalg.generic
// CHECK: qf.quantize
// CHECK-NOT: qf.map
func.func @two_users(%x: tensor<8x64xf32>) -> (!a8, tensor<8x64xf32>) {
  %e = tensor.empty() : tensor<8x64xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = #par} ins(%x : tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%v: f32, %o: f32):
    %m = arith.mulf %v, %v : f32
    linalg.yield %m : f32
  } -> tensor<8x64xf32>
  %q = qf.quantize %r : tensor<8x64xf32> -> !a8
  return %q, %r : !a8, tensor<8x64xf32>
}

// Must not fuse: a transpose (not a broadcast) and a reduction between.
// CHECK-LABEL: func.func @not_elementwise
// REMARK: remark: quantize of linalg.generic not fused: an input indexing map is not a broadcast
// REMARK-NOT: remark
// CHECK-NOT: qf.map
// CHECK: return
func.func @not_elementwise(%q: !a8, %y: tensor<64x8xf32>) -> (!a8, !qf.tensor<8xf32, fp8_tensor>) {
  %d = qf.dequantize %q : !a8 -> tensor<8x64xf32>
  %e = tensor.empty() : tensor<8x64xf32>
  %t = linalg.generic {indexing_maps = [#tr, #id], iterator_types = #par} ins(%y : tensor<64x8xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%v: f32, %o: f32):
    %m = arith.negf %v : f32
    linalg.yield %m : f32
  } -> tensor<8x64xf32>
  %q1 = qf.quantize %t : tensor<8x64xf32> -> !a8
  %e1 = tensor.empty() : tensor<8xf32>
  %s = linalg.reduce ins(%d : tensor<8x64xf32>) outs(%e1 : tensor<8xf32>) dimensions = [1]
    (%in: f32, %acc: f32) {
      %a = arith.addf %in, %acc : f32
      linalg.yield %a : f32
    }
  %q2 = qf.quantize %s : tensor<8xf32> -> !qf.tensor<8xf32, fp8_tensor>
  return %q1, %q2 : !a8, !qf.tensor<8xf32, fp8_tensor>
}

// Dequantized residual add ending in f32: a qf.map with an f32 result.
// CHECK-LABEL: func.func @residual_f32
// CHECK: qf.map(%{{.*}}, %{{.*}}) : (!qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<8x64xf32, mxfp4, axis = 1>) -> tensor<8x64xf32>
// CHECK-NOT: qf.dequantize
func.func @residual_f32(%a: !a8, %b: !a4) -> tensor<8x64xf32> {
  %da = qf.dequantize %a : !a8 -> tensor<8x64xf32>
  %db = qf.dequantize %b : !a4 -> tensor<8x64xf32>
  %e = tensor.empty() : tensor<8x64xf32>
  %s = linalg.add ins(%da, %db : tensor<8x64xf32>, tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) -> tensor<8x64xf32>
  return %s : tensor<8x64xf32>
}

// Epilogues: the quantize of a matmul result, and a map reading one.
// CHECK-LABEL: func.func @epilogue
// CHECK: qf.fused_matmul %{{.*}}, %{{.*}} transpose_b epilogue(%{{.*}} : tensor<8x64xf32>) : {{.*}} -> !qf.tensor<8x64xf32, mxfp8, axis = 1> {
// CHECK: ^bb0(%[[ACC:.*]]: f32, %[[G:.*]]: f32):
// CHECK: arith.mulf %[[G]], %[[ACC]]
// CHECK: qf.fused_matmul %{{.*}}, %{{.*}} transpose_b : {{.*}} -> !qf.tensor<8x64xf32, mxfp4, axis = 1> {
// CHECK-NEXT: ^bb0(%[[ACC2:.*]]: f32):
// CHECK-NEXT: qf.yield %[[ACC2]] : f32
// Must not fuse into the epilogue: blocks along M, the product has another
// user. NVFP4 with scales from the data fuses (the kernel stages the rows
// and their amax, then encodes them).
// CHECK: qf.matmul
// CHECK: qf.quantize %{{.*}} : tensor<8x64xf32> -> !qf.tensor<8x64xf32, #qf.format<{{.*}}>, axis = 0>
// CHECK: qf.matmul
// CHECK: qf.quantize
// CHECK: qf.fused_matmul %{{.*}}, %{{.*}} transpose_b : {{.*}} -> !qf.tensor<8x64xf32, nvfp4, axis = 1> {
// OFF-LABEL: func.func @epilogue
// OFF-NOT: qf.fused_matmul
func.func @epilogue(%a: !a8, %w: !w4, %gate: tensor<8x64xf32>, %w2: !w4, %w3: !w4, %w4: !w4, %w5: !w4)
    -> (!a8, !a4, !qf.tensor<8x64xf32, #qf.format<elem = f8E4M3FN, block = 8>, axis = 0>, !a8, tensor<8x64xf32>, !n4) {
  %c = qf.matmul %a, %w transpose_b : !a8, !w4 -> tensor<8x64xf32>
  %e = tensor.empty() : tensor<8x64xf32>
  %h = linalg.mul ins(%gate, %c : tensor<8x64xf32>, tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) -> tensor<8x64xf32>
  %q = qf.quantize %h : tensor<8x64xf32> -> !a8
  %c2 = qf.matmul %a, %w2 transpose_b : !a8, !w4 -> tensor<8x64xf32>
  %q2 = qf.quantize %c2 : tensor<8x64xf32> -> !a4
  %c3 = qf.matmul %a, %w3 transpose_b : !a8, !w4 -> tensor<8x64xf32>
  %q3 = qf.quantize %c3 : tensor<8x64xf32> -> !qf.tensor<8x64xf32, #qf.format<elem = f8E4M3FN, block = 8>, axis = 0>
  %c4 = qf.matmul %a, %w4 transpose_b : !a8, !w4 -> tensor<8x64xf32>
  %q4 = qf.quantize %c4 : tensor<8x64xf32> -> !a8
  %c5 = qf.matmul %a, %w5 transpose_b : !a8, !w4 -> tensor<8x64xf32>
  %q5 = qf.quantize %c5 : tensor<8x64xf32> -> !n4
  return %q, %q2, %q3, %q4, %c4, %q5 : !a8, !a4, !qf.tensor<8x64xf32, #qf.format<elem = f8E4M3FN, block = 8>, axis = 0>, !a8, tensor<8x64xf32>, !n4
}

// Dual GEMM: a fused_matmul whose epilogue reads another product of the same
// lhs takes it as rhs2 (its accumulator becomes body argument 1). Not when
// the other product has another lhs or another user.
// CHECK-LABEL: func.func @dual
// CHECK-SAME: (%[[A:[^:]*]]: {{.*}}, %[[WG:[^:]*]]: {{.*}}, %[[WU:[^:]*]]: {{.*}}, %[[B:[^:]*]]: {{.*}}, %[[W2:[^:]*]]: {{.*}}, %[[W3:[^:]*]]: {{.*}}, %[[W4:[^:]*]]: {{.*}})
// CHECK: qf.fused_matmul %[[A]], %[[WU]], %[[WG]] transpose_b : {{.*}} -> !qf.tensor<8x64xf32, mxfp8, axis = 1> {
// CHECK-NEXT: ^bb0(%[[U:.*]]: f32, %[[G:.*]]: f32):
// CHECK: arith.negf %[[G]]
// CHECK: arith.mulf %{{.*}}, %[[U]]
// CHECK: %[[OTHER:.*]] = qf.matmul %[[B]], %[[WG]] transpose_b
// CHECK: qf.fused_matmul %[[A]], %[[W2]] transpose_b epilogue(%[[OTHER]] : tensor<8x64xf32>)
// CHECK: %[[SHARED:.*]] = qf.matmul %[[A]], %[[W4]] transpose_b
// CHECK: qf.fused_matmul %[[A]], %[[W3]] transpose_b epilogue(%[[SHARED]] : tensor<8x64xf32>)
// OFF-LABEL: func.func @dual
// OFF-NOT: qf.fused_matmul
func.func @dual(%a: !a8, %wg: !w4, %wu: !w4, %b: !a8, %w2: !w4, %w3: !w4, %w4: !w4) -> (!a8, !a8, !a8, tensor<8x64xf32>) {
  %e = tensor.empty() : tensor<8x64xf32>
  %u = qf.matmul %a, %wu transpose_b : !a8, !w4 -> tensor<8x64xf32>
  %g = qf.matmul %a, %wg transpose_b : !a8, !w4 -> tensor<8x64xf32>
  %h = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%u, %g : tensor<8x64xf32>, tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %n = arith.negf %y : f32
    %ex = math.exp %n : f32
    %one = arith.constant 1.0 : f32
    %den = arith.addf %one, %ex : f32
    %s = arith.divf %y, %den : f32
    %r = arith.mulf %s, %x : f32
    linalg.yield %r : f32
  } -> tensor<8x64xf32>
  %q = qf.quantize %h : tensor<8x64xf32> -> !a8
  %u2 = qf.matmul %a, %w2 transpose_b : !a8, !w4 -> tensor<8x64xf32>
  %o2 = qf.matmul %b, %wg transpose_b : !a8, !w4 -> tensor<8x64xf32>
  %h2 = linalg.mul ins(%u2, %o2 : tensor<8x64xf32>, tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) -> tensor<8x64xf32>
  %q2 = qf.quantize %h2 : tensor<8x64xf32> -> !a8
  %u3 = qf.matmul %a, %w3 transpose_b : !a8, !w4 -> tensor<8x64xf32>
  %s3 = qf.matmul %a, %w4 transpose_b : !a8, !w4 -> tensor<8x64xf32>
  %h3 = linalg.mul ins(%u3, %s3 : tensor<8x64xf32>, tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) -> tensor<8x64xf32>
  %q3 = qf.quantize %h3 : tensor<8x64xf32> -> !a8
  return %q, %q2, %q3, %s3 : !a8, !a8, !a8, tensor<8x64xf32>
}

// Head split / merge: quantize moves before the reshape and transpose (then
// into the epilogue), K^T [h, d, s] blocked along d becomes the transpose_b
// form on [h, s, d]. Static scales take the inverse movement. Not moved: a
// transpose of the blocked axis out of the innermost place, 4-bit K^T
// (another summation scheme).
// CHECK-LABEL: func.func @heads
// CHECK: %[[Q:.*]] = qf.fused_matmul %[[A:[^,]*]], %{{.*}} transpose_b : {{.*}} -> !qf.tensor<8x64xf32, mxfp8, axis = 1>
// CHECK: %[[QR:.*]] = qf.reshape %[[Q]] : {{.*}} -> !qf.tensor<8x2x32xf32, mxfp8, axis = 2>
// CHECK: %[[QH:.*]] = qf.transpose %[[QR]] permutation = [1, 0, 2]
// CHECK: %[[K:.*]] = qf.fused_matmul %[[A]]
// CHECK: %[[KR:.*]] = qf.reshape %[[K]]
// CHECK: %[[KH:.*]] = qf.transpose %[[KR]] permutation = [1, 0, 2] : {{.*}} -> !qf.tensor<2x8x32xf32, mxfp8, axis = 2>
// CHECK: qf.matmul %[[QH]], %[[KH]] transpose_b
// CHECK: linalg.transpose {{.*}} permutation = [1, 2, 0]
// CHECK: qf.quantize {{.*}} -> !qf.tensor<2x32x8xf32, mxfp4, axis = 1>
// CHECK: %[[ST:.*]] = linalg.transpose ins(%{{.*}} : tensor<2x8x1xi8>) outs(%{{.*}} : tensor<8x2x1xi8>) permutation = [1, 0, 2]
// CHECK: %[[SC:.*]] = tensor.collapse_shape %[[ST]]
// CHECK: %[[SE:.*]] = tensor.expand_shape %[[SC]] {{.*}} into tensor<8x2xi8>
// CHECK: %[[V:.*]] = qf.fused_matmul %[[A]], %{{.*}} transpose_b scales(%[[SE]] : tensor<8x2xi8>)
// CHECK: %[[VR:.*]] = qf.reshape %[[V]]
// CHECK: qf.transpose %[[VR]] permutation = [1, 0, 2]
// CHECK: return
func.func @heads(%a: !a8, %wq: !w4, %wk: !w4, %wk4: !w4, %wv: !w4, %s: tensor<2x8x1xi8>) -> (tensor<2x8x8xf32>, tensor<2x8x8xf32>, !qf.tensor<2x8x32xf32, mxfp8, axis = 2>) {
  %q = qf.matmul %a, %wq transpose_b : !a8, !w4 -> tensor<8x64xf32>
  %qx = tensor.expand_shape %q [[0], [1, 2]] output_shape [8, 2, 32] : tensor<8x64xf32> into tensor<8x2x32xf32>
  %e = tensor.empty() : tensor<2x8x32xf32>
  %qt = linalg.transpose ins(%qx : tensor<8x2x32xf32>) outs(%e : tensor<2x8x32xf32>) permutation = [1, 0, 2]
  %qq = qf.quantize %qt : tensor<2x8x32xf32> -> !qf.tensor<2x8x32xf32, mxfp8, axis = 2>
  %k = qf.matmul %a, %wk transpose_b : !a8, !w4 -> tensor<8x64xf32>
  %kx = tensor.expand_shape %k [[0], [1, 2]] output_shape [8, 2, 32] : tensor<8x64xf32> into tensor<8x2x32xf32>
  %ek = tensor.empty() : tensor<2x32x8xf32>
  %kt = linalg.transpose ins(%kx : tensor<8x2x32xf32>) outs(%ek : tensor<2x32x8xf32>) permutation = [1, 2, 0]
  %kq = qf.quantize %kt : tensor<2x32x8xf32> -> !qf.tensor<2x32x8xf32, mxfp8, axis = 1>
  %sc = qf.matmul %qq, %kq : !qf.tensor<2x8x32xf32, mxfp8, axis = 2>, !qf.tensor<2x32x8xf32, mxfp8, axis = 1> -> tensor<2x8x8xf32>
  %k4 = qf.matmul %a, %wk4 transpose_b : !a8, !w4 -> tensor<8x64xf32>
  %k4x = tensor.expand_shape %k4 [[0], [1, 2]] output_shape [8, 2, 32] : tensor<8x64xf32> into tensor<8x2x32xf32>
  %k4t = linalg.transpose ins(%k4x : tensor<8x2x32xf32>) outs(%ek : tensor<2x32x8xf32>) permutation = [1, 2, 0]
  %k4q = qf.quantize %k4t : tensor<2x32x8xf32> -> !qf.tensor<2x32x8xf32, mxfp4, axis = 1>
  %sc4 = qf.matmul %qq, %k4q : !qf.tensor<2x8x32xf32, mxfp8, axis = 2>, !qf.tensor<2x32x8xf32, mxfp4, axis = 1> -> tensor<2x8x8xf32>
  %v = qf.matmul %a, %wv transpose_b : !a8, !w4 -> tensor<8x64xf32>
  %vx = tensor.expand_shape %v [[0], [1, 2]] output_shape [8, 2, 32] : tensor<8x64xf32> into tensor<8x2x32xf32>
  %vt = linalg.transpose ins(%vx : tensor<8x2x32xf32>) outs(%e : tensor<2x8x32xf32>) permutation = [1, 0, 2]
  %vq = qf.quantize %vt scales(%s : tensor<2x8x1xi8>) : tensor<2x8x32xf32> -> !qf.tensor<2x8x32xf32, mxfp8, axis = 2>
  return %sc, %sc4, %vq : tensor<2x8x8xf32>, tensor<2x8x8xf32>, !qf.tensor<2x8x32xf32, mxfp8, axis = 2>
}

// A residual add reading a matmul result: the add moves into the matmul's
// epilogue with an f32 result (the product is never stored), even when the
// sum has several users. Not when the product has another user.
// CHECK-LABEL: func.func @residual_epilogue
// CHECK-SAME: (%[[A:[^:]*]]: {{.*}}, %[[W:[^:]*]]: {{.*}}, %[[X:[^:]*]]: {{.*}}, %[[W2:[^:]*]]: {{.*}})
// CHECK: %[[H:.*]] = qf.fused_matmul %[[A]], %[[W]] transpose_b epilogue(%[[X]] : tensor<8x64xf32>) : {{.*}} -> tensor<8x64xf32> {
// CHECK-NEXT: ^bb0(%[[ACC:.*]]: f32, %[[R:.*]]: f32):
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[R]], %[[ACC]] : f32
// CHECK-NEXT: qf.yield %[[S]] : f32
// CHECK: %[[C2:.*]] = qf.matmul %[[A]], %[[W2]] transpose_b
// CHECK: %[[H2:.*]] = linalg.add ins(%[[X]], %[[C2]]
// CHECK: return %[[H]], %[[H]], %[[H2]], %[[C2]]
// OFF-LABEL: func.func @residual_epilogue
// OFF-NOT: qf.fused_matmul
func.func @residual_epilogue(%a: !a8, %w: !w4, %x: tensor<8x64xf32>, %w2: !w4)
    -> (tensor<8x64xf32>, tensor<8x64xf32>, tensor<8x64xf32>, tensor<8x64xf32>) {
  %c = qf.matmul %a, %w transpose_b : !a8, !w4 -> tensor<8x64xf32>
  %e = tensor.empty() : tensor<8x64xf32>
  %h = linalg.add ins(%x, %c : tensor<8x64xf32>, tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) -> tensor<8x64xf32>
  %c2 = qf.matmul %a, %w2 transpose_b : !a8, !w4 -> tensor<8x64xf32>
  %h2 = linalg.add ins(%x, %c2 : tensor<8x64xf32>, tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) -> tensor<8x64xf32>
  return %h, %h, %h2, %c2 : tensor<8x64xf32>, tensor<8x64xf32>, tensor<8x64xf32>, tensor<8x64xf32>
}

// A given (calibrated) tensor scale (D28): NVFP4 with data-dependent block
// scales fuses into the epilogue, which encodes each band as it is computed.
// CHECK-LABEL: func.func @epilogue_given_ts
// CHECK-SAME: %[[G:[^:]*]]: tensor<f32>
// CHECK: qf.fused_matmul %{{.*}}, %{{.*}} transpose_b tensor_scale(%[[G]] : tensor<f32>) : {{.*}} -> !qf.tensor<8x64xf32, nvfp4, axis = 1>
// CHECK-NOT: qf.quantize
// OFF-LABEL: func.func @epilogue_given_ts
// OFF-NOT: qf.fused_matmul
func.func @epilogue_given_ts(%a: !a8, %w: !w4, %g: tensor<f32>) -> !n4 {
  %c = qf.matmul %a, %w transpose_b : !a8, !w4 -> tensor<8x64xf32>
  %q = qf.quantize %c tensor_scale(%g : tensor<f32>) : tensor<8x64xf32> -> !n4
  return %q : !n4
}
