// qf-fuse-requantize on torch-mlir style IR: copy generics become transposes
// (or nothing), unit dims fold away, a unit-batch qf.matmul becomes rank 2,
// and broadcast epilogue inputs (bias, mask) fuse through epilogue_maps.
// RUN: qf-opt %s --qf-fuse-requantize 2>/dev/null | FileCheck %s
// CHECK-DAG: #[[COL3:.*]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-DAG: #[[COL2:.*]] = affine_map<(d0, d1) -> (d1)>

!a8 = !qf.tensor<1x8x64xf32, mxfp8, axis = 2>
!w4 = !qf.tensor<1x64x64xf32, mxfp4, axis = 1>

// A permutation copy is a linalg.transpose; an identity copy (its unit dim
// read at constant 0) is its input.
// CHECK-LABEL: func.func @copies
// CHECK-NOT: linalg.generic
// CHECK: linalg.transpose ins(%arg0 : tensor<8x64xf32>) {{.*}} permutation = [1, 0]
// CHECK-NOT: linalg.generic
// CHECK: return %arg1, %{{.*}}
func.func @copies(%x: tensor<8x64xf32>, %y: tensor<1x8x64xf32>) -> (tensor<1x8x64xf32>, tensor<64x8xf32>) {
  %e = tensor.empty() : tensor<1x8x64xf32>
  %c = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%y : tensor<1x8x64xf32>) outs(%e : tensor<1x8x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x8x64xf32>
  %e2 = tensor.empty() : tensor<64x8xf32>
  %t = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1, d0)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<8x64xf32>) outs(%e2 : tensor<64x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<64x8xf32>
  return %c, %t : tensor<1x8x64xf32>, tensor<64x8xf32>
}

// A projection with torch's unit batch: the rank-2 product, the bias a
// broadcast epilogue input, the head split ([1, 8, 2, 32] -> [1, 2, 8, 32],
// then collapsed for batch_matmul) moves codes.
// CHECK-LABEL: func.func @proj_bias_heads
// CHECK: %[[Q:.*]] = qf.quantize %arg0 : tensor<1x8x64xf32> -> !qf.tensor<1x8x64xf32, mxfp8, axis = 2>
// CHECK: %[[X:.*]] = qf.reshape %[[Q]] : {{.*}} -> !qf.tensor<8x64xf32, mxfp8, axis = 1>
// CHECK: %[[W:.*]] = qf.quantize %{{.*}} : tensor<64x64xf32> -> !qf.tensor<64x64xf32, mxfp4, axis = 0>
// CHECK: %[[F:.*]] = qf.fused_matmul %[[X]], %[[W]] epilogue(%arg2 : tensor<64xf32>) {epilogue_maps = [#[[COL2]]]} : {{.*}} -> !qf.tensor<8x64xf32, mxfp8, axis = 1>
// CHECK: arith.addf
// CHECK: %[[R:.*]] = qf.reshape %[[F]] : {{.*}} -> !qf.tensor<8x2x32xf32, mxfp8, axis = 2>
// CHECK: qf.transpose %[[R]] permutation = [1, 0, 2] : {{.*}} -> !qf.tensor<2x8x32xf32, mxfp8, axis = 2>
// CHECK-NOT: linalg.generic
// CHECK-NOT: qf.matmul
func.func @proj_bias_heads(%x: tensor<1x8x64xf32>, %w: tensor<1x64x64xf32>, %b: tensor<64xf32>) -> !qf.tensor<2x8x32xf32, mxfp8, axis = 2> {
  %qx = qf.quantize %x : tensor<1x8x64xf32> -> !a8
  %qw = qf.quantize %w : tensor<1x64x64xf32> -> !w4
  %p = qf.matmul %qx, %qw : !a8, !w4 -> tensor<1x8x64xf32>
  %e = tensor.empty() : tensor<1x8x64xf32>
  %pb = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (0, d1, d2)>, affine_map<(d0, d1, d2) -> (d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%p, %b : tensor<1x8x64xf32>, tensor<64xf32>) outs(%e : tensor<1x8x64xf32>) {
  ^bb0(%in: f32, %bias: f32, %out: f32):
    %s = arith.addf %in, %bias : f32
    linalg.yield %s : f32
  } -> tensor<1x8x64xf32>
  %x4 = tensor.expand_shape %pb [[0], [1], [2, 3]] output_shape [1, 8, 2, 32] : tensor<1x8x64xf32> into tensor<1x8x2x32xf32>
  %e4 = tensor.empty() : tensor<1x2x8x32xf32>
  %t = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d2, d1, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x4 : tensor<1x8x2x32xf32>) outs(%e4 : tensor<1x2x8x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<1x2x8x32xf32>
  %c = tensor.collapse_shape %t [[0, 1], [2], [3]] : tensor<1x2x8x32xf32> into tensor<2x8x32xf32>
  %q = qf.quantize %c : tensor<2x8x32xf32> -> !qf.tensor<2x8x32xf32, mxfp8, axis = 2>
  return %q : !qf.tensor<2x8x32xf32, mxfp8, axis = 2>
}

// The scores' softmax on [1, h, s, s] (a division by a tensor<f64>
// constant, a mask read at (0, 0, 0, j), torch's max with its unused index)
// reaches the [h, s, s] product: two qf.row_reduce, the mask an epilogue
// input along the keys, the pad the longer result.
// CHECK-LABEL: func.func @scores
// CHECK: %[[M:.*]] = tensor.collapse_shape %arg2 {{.*}} into tensor<8xf32>
// CHECK: qf.fused_matmul %arg0, %arg1 transpose_b epilogue(%[[M]] : tensor<8xf32>) {epilogue_maps = [#[[COL3]]]} : {{.*}} -> !qf.tensor<2x8x32xf32, mxfp8, axis = 2>
// CHECK: arith.divf
// CHECK: arith.addf
// CHECK: qf.row_reduce
// CHECK: math.exp
// CHECK: qf.row_reduce
// CHECK-NOT: linalg.generic
// CHECK-NOT: tensor.pad
func.func @scores(%q: !qf.tensor<2x8x32xf32, mxfp8, axis = 2>, %k: !qf.tensor<2x8x32xf32, mxfp8, axis = 2>, %mask: tensor<1x1x1x8xf32>) -> !qf.tensor<2x8x32xf32, mxfp8, axis = 2> {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant -3.40282347E+38 : f32
  %c0 = arith.constant 0 : i64
  %d = arith.constant dense<5.65685415> : tensor<f64>
  %s = qf.matmul %q, %k transpose_b : !qf.tensor<2x8x32xf32, mxfp8, axis = 2>, !qf.tensor<2x8x32xf32, mxfp8, axis = 2> -> tensor<2x8x8xf32>
  %s4 = tensor.expand_shape %s [[0, 1], [2], [3]] output_shape [1, 2, 8, 8] : tensor<2x8x8xf32> into tensor<1x2x8x8xf32>
  %e = tensor.empty() : tensor<1x2x8x8xf32>
  %a = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> ()>, affine_map<(d0, d1, d2, d3) -> (0, 0, 0, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s4, %d, %mask : tensor<1x2x8x8xf32>, tensor<f64>, tensor<1x1x1x8xf32>) outs(%e : tensor<1x2x8x8xf32>) {
  ^bb0(%in: f32, %dd: f64, %m: f32, %out: f32):
    %t = arith.truncf %dd : f64 to f32
    %x = arith.divf %in, %t : f32
    %y = arith.addf %x, %m : f32
    linalg.yield %y : f32
  } -> tensor<1x2x8x8xf32>
  %er = tensor.empty() : tensor<1x2x8x1xf32>
  %fm = linalg.fill ins(%ninf : f32) outs(%er : tensor<1x2x8x1xf32>) -> tensor<1x2x8x1xf32>
  %ei = tensor.empty() : tensor<1x2x8x1xi64>
  %fi = linalg.fill ins(%c0 : i64) outs(%ei : tensor<1x2x8x1xi64>) -> tensor<1x2x8x1xi64>
  %mx:2 = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, 0)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, 0)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%a : tensor<1x2x8x8xf32>) outs(%fm, %fi : tensor<1x2x8x1xf32>, tensor<1x2x8x1xi64>) {
  ^bb0(%in: f32, %out: f32, %oi: i64):
    %i = linalg.index 3 : index
    %ii = arith.index_cast %i : index to i64
    %m = arith.maximumf %in, %out : f32
    %c = arith.cmpf ogt, %in, %out : f32
    %sel = arith.select %c, %ii, %oi : i64
    linalg.yield %m, %sel : f32, i64
  } -> (tensor<1x2x8x1xf32>, tensor<1x2x8x1xi64>)
  %ex = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (0, d1, d2, 0)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%a, %mx#0 : tensor<1x2x8x8xf32>, tensor<1x2x8x1xf32>) outs(%e : tensor<1x2x8x8xf32>) {
  ^bb0(%in: f32, %m: f32, %out: f32):
    %x = arith.subf %in, %m : f32
    %y = math.exp %x : f32
    linalg.yield %y : f32
  } -> tensor<1x2x8x8xf32>
  %fs = linalg.fill ins(%zero : f32) outs(%er : tensor<1x2x8x1xf32>) -> tensor<1x2x8x1xf32>
  %sum = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, 0)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%ex : tensor<1x2x8x8xf32>) outs(%fs : tensor<1x2x8x1xf32>) {
  ^bb0(%in: f32, %out: f32):
    %y = arith.addf %in, %out : f32
    linalg.yield %y : f32
  } -> tensor<1x2x8x1xf32>
  %p = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (0, d1, d2, 0)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%ex, %sum : tensor<1x2x8x8xf32>, tensor<1x2x8x1xf32>) outs(%e : tensor<1x2x8x8xf32>) {
  ^bb0(%in: f32, %sm: f32, %out: f32):
    %y = arith.divf %in, %sm : f32
    linalg.yield %y : f32
  } -> tensor<1x2x8x8xf32>
  %p3 = tensor.collapse_shape %p [[0, 1], [2], [3]] : tensor<1x2x8x8xf32> into tensor<2x8x8xf32>
  %pad = tensor.pad %p3 low[0, 0, 0] high[0, 0, 24] {
  ^bb0(%i: index, %j: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<2x8x8xf32> to tensor<2x8x32xf32>
  %r = qf.quantize %pad : tensor<2x8x32xf32> -> !qf.tensor<2x8x32xf32, mxfp8, axis = 2>
  return %r : !qf.tensor<2x8x32xf32, mxfp8, axis = 2>
}

// Not fused: a copy that broadcasts (a unit dim read at constant 0 into a
// longer one) is no transpose; a bias read through a transposing map is no
// broadcast, so the product stays a qf.matmul; an rhs blocked along K that
// is no quantize cannot lose its unit batch (qf.reshape needs blocks along
// the innermost axis), so that product keeps rank 3.
// CHECK-LABEL: func.func @not_fused
// CHECK: %[[R:.*]] = tensor.collapse_shape %arg0
// CHECK: linalg.generic {{.*}} ins(%[[R]] : tensor<64xf32>) outs(%{{.*}} : tensor<8x64xf32>)
// CHECK: qf.matmul {{.*}} -> tensor<8x64xf32>
// CHECK: linalg.generic
// CHECK: qf.quantize
// CHECK: qf.matmul {{.*}} : !qf.tensor<1x8x64xf32, mxfp8, axis = 2>, !qf.tensor<1x64x64xf32, mxfp4, axis = 1> -> tensor<1x8x64xf32>
// CHECK-NOT: qf.fused_matmul
func.func @not_fused(%r: tensor<1x64xf32>, %a: !qf.tensor<8x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<64x64xf32, mxfp4, axis = 0>, %bt: tensor<64x8xf32>, %a3: !a8, %w3: !w4) -> (tensor<8x64xf32>, !qf.tensor<8x64xf32, mxfp8, axis = 1>, tensor<1x8x64xf32>) {
  %e = tensor.empty() : tensor<8x64xf32>
  %b = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%r : tensor<1x64xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<8x64xf32>
  %p = qf.matmul %a, %w : !qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<64x64xf32, mxfp4, axis = 0> -> tensor<8x64xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d1, d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%p, %bt : tensor<8x64xf32>, tensor<64x8xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%in: f32, %bb: f32, %out: f32):
    %s = arith.addf %in, %bb : f32
    linalg.yield %s : f32
  } -> tensor<8x64xf32>
  %q = qf.quantize %y : tensor<8x64xf32> -> !qf.tensor<8x64xf32, mxfp8, axis = 1>
  %p3 = qf.matmul %a3, %w3 : !a8, !w4 -> tensor<1x8x64xf32>
  return %b, %q, %p3 : tensor<8x64xf32>, !qf.tensor<8x64xf32, mxfp8, axis = 1>, tensor<1x8x64xf32>
}
