// Weights read from function arguments through views (flat weight buffers cut
// into slices, reshaped, transposed): with weights-as-arguments each view is
// passed quantized in new storage arguments recording the view for
// qf-pack-weights; without it, the weight is quantized at run time in the
// weight format (arg-weight-format=activation: the activation format).
// RUN: qf-opt %s --split-input-file --qf-quantize-model="weights-as-arguments" 2>/dev/null | FileCheck %s
// RUN: qf-opt %s --split-input-file --qf-quantize-model="weights-as-arguments" 2>&1 >/dev/null | FileCheck %s --check-prefix=REMARK
// RUN: qf-opt %s --split-input-file --qf-quantize-model 2>&1 | FileCheck %s --check-prefix=DEFAULT
// RUN: qf-opt %s --split-input-file --qf-quantize-model="arg-weight-format=activation" 2>&1 | FileCheck %s --check-prefix=ACT
// RUN: not qf-opt %s --split-input-file --qf-quantize-model="arg-weight-format=fp8" 2>&1 | FileCheck %s --check-prefix=BADOPT

// BADOPT: error: qf-quantize-model: arg-weight-format 'fp8' is not supported; expected weight or activation

// The example of issue 15: a flat argument reshaped into the weight. The flat
// argument is replaced by the storage of the 64x64 view ([K, N], blocked
// along K = axis 0).
// CHECK-LABEL: func.func @expand
// CHECK-SAME: (%[[C:.*]]: tensor<64x32xi8> {qf.weight_view = {axis = 0 : i64, source = 0 : i64, view = "reshape(64,64)"}}, %[[S:.*]]: tensor<64x2xi8>, %[[X:.*]]: tensor<4x64xf32>)
// CHECK: %[[W:.*]] = qf.unpack %[[C]], %[[S]] : tensor<64x32xi8>, tensor<64x2xi8> -> !qf.tensor<64x64xf32, mxfp4, axis = 0>
// CHECK: %[[A:.*]] = qf.quantize %[[X]] : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp8, axis = 1>
// CHECK: qf.matmul %[[A]], %[[W]] : {{.*}} -> tensor<4x64xf32>
// CHECK-NOT: tensor.expand_shape
// REMARK: remark: qf-quantize-model: {{linalg\.[a-z_]+}}: weight argument #0 is read through a view (reshape(64,64)); the view is passed quantized in new arguments marked qf.weight_view (qf-pack-weights --view packs it)
// DEFAULT: remark: qf-quantize-model: {{linalg\.[a-z_]+}}: the weight is function argument #0; it is quantized at run time in weight-format (arg-weight-format=activation uses activation-format; weights-as-arguments passes it pre-quantized)
// DEFAULT-LABEL: func.func @expand
// DEFAULT: qf.quantize %{{.*}} : tensor<64x64xf32> -> !qf.tensor<64x64xf32, mxfp4, axis = 0>
// ACT: remark: qf-quantize-model: {{linalg\.[a-z_]+}}: the weight is function argument #0; it is quantized at run time in activation-format (arg-weight-format=activation; weights-as-arguments passes it pre-quantized)
// ACT-LABEL: func.func @expand
// ACT: qf.quantize %{{.*}} : tensor<64x64xf32> -> !qf.tensor<64x64xf32, mxfp8, axis = 0>
func.func @expand(%w: tensor<4096xf32>, %x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %r = tensor.expand_shape %w [[0, 1]] output_shape [64, 64] : tensor<4096xf32> into tensor<64x64xf32>
  %c = arith.constant dense<0.0> : tensor<4x64xf32>
  %y = linalg.matmul ins(%x, %r : tensor<4x64xf32>, tensor<64x64xf32>) outs(%c : tensor<4x64xf32>) -> tensor<4x64xf32>
  return %y : tensor<4x64xf32>
}

// -----

// One flat argument cut into two weights (static slices, then reshapes; the
// second also transposed by linalg.transpose, so [N, K] blocked along axis 1
// and used with transpose_b). Each slice gets its own storage, in slice
// order after the source, and the source goes. The caller rebuilds each view
// from the f32 buffer, quantizes and packs it.
// CHECK-LABEL: func.func @slices
// CHECK-SAME: (%[[C0:.*]]: tensor<64x16xi8> {qf.weight_view = {axis = 0 : i64, source = 0 : i64, view = "slice(0;2048;1) reshape(64,32)"}}, %[[S0:.*]]: tensor<32x2xi8>, %[[C1:.*]]: tensor<64x16xi8> {qf.weight_view = {axis = 1 : i64, source = 0 : i64, view = "slice(2048;2048;1) reshape(32,64) transpose(1,0)"}}, %[[S1:.*]]: tensor<64x1xi8>, %[[X:.*]]: tensor<4x64xf32>)
// CHECK-DAG: %[[W1:.*]] = qf.unpack %[[C1]], %[[S1]] : {{.*}} -> !qf.tensor<64x32xf32, mxfp4, axis = 1>
// CHECK-DAG: %[[W0:.*]] = qf.unpack %[[C0]], %[[S0]] : {{.*}} -> !qf.tensor<64x32xf32, mxfp4, axis = 0>
// CHECK: qf.matmul %{{.*}}, %[[W0]] :
// CHECK: qf.matmul %{{.*}}, %[[W1]] transpose_b :
// CHECK-NOT: tensor.extract_slice
// CHECK-LABEL: func.func @slices_caller
// CHECK: %[[V0:.*]] = tensor.extract_slice %[[F:.*]][0] [2048] [1]
// CHECK: %[[R0:.*]] = tensor.expand_shape %[[V0]]
// CHECK: %[[Q0:.*]] = qf.quantize %[[R0]] : tensor<64x32xf32> -> !qf.tensor<64x32xf32, mxfp4, axis = 0>
// CHECK: %[[P0:.*]], %[[P0S:.*]] = qf.pack %[[Q0]]
// CHECK: %[[V1:.*]] = tensor.extract_slice %[[F]][2048] [2048] [1]
// CHECK: %[[R1:.*]] = tensor.expand_shape %[[V1]]
// CHECK: %[[T1:.*]] = linalg.transpose ins(%[[R1]] : tensor<32x64xf32>)
// CHECK: %[[Q1:.*]] = qf.quantize %[[T1]] : tensor<64x32xf32> -> !qf.tensor<64x32xf32, mxfp4, axis = 1>
// CHECK: %[[P1:.*]], %[[P1S:.*]] = qf.pack %[[Q1]]
// CHECK: call @slices(%[[P0]], %[[P0S]], %[[P1]], %[[P1S]], %{{.*}})
func.func @slices(%flat: tensor<4096xf32>, %x: tensor<4x64xf32>) -> (tensor<4x32xf32>, tensor<4x64xf32>) {
  %s0 = tensor.extract_slice %flat[0] [2048] [1] : tensor<4096xf32> to tensor<2048xf32>
  %w0 = tensor.expand_shape %s0 [[0, 1]] output_shape [64, 32] : tensor<2048xf32> into tensor<64x32xf32>
  %s1 = tensor.extract_slice %flat[2048] [2048] [1] : tensor<4096xf32> to tensor<2048xf32>
  %r1 = tensor.expand_shape %s1 [[0, 1]] output_shape [32, 64] : tensor<2048xf32> into tensor<32x64xf32>
  %e1 = tensor.empty() : tensor<64x32xf32>
  %w1 = linalg.transpose ins(%r1 : tensor<32x64xf32>) outs(%e1 : tensor<64x32xf32>) permutation = [1, 0]
  %c0 = arith.constant dense<0.0> : tensor<4x32xf32>
  %y0 = linalg.matmul ins(%x, %w0 : tensor<4x64xf32>, tensor<64x32xf32>) outs(%c0 : tensor<4x32xf32>) -> tensor<4x32xf32>
  %y1 = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
         ins(%y0, %w1 : tensor<4x32xf32>, tensor<64x32xf32>) outs(%x : tensor<4x64xf32>) -> tensor<4x64xf32>
  return %y0, %y1 : tensor<4x32xf32>, tensor<4x64xf32>
}
func.func @slices_caller(%flat: tensor<4096xf32>, %x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %a, %b = func.call @slices(%flat, %x) : (tensor<4096xf32>, tensor<4x64xf32>) -> (tensor<4x32xf32>, tensor<4x64xf32>)
  return %b : tensor<4x64xf32>
}

// -----

// A 2-D weight argument behind a copying linalg.generic (torch-mlir's
// transpose) and a 3-D argument collapsed to the weight. An argument that
// keeps other f32 uses stays.
// CHECK-LABEL: func.func @generic_and_collapse
// CHECK-SAME: (%[[W:.*]]: tensor<32x64xf32>, %{{.*}}: tensor<64x16xi8> {qf.weight_view = {axis = 0 : i64, source = 0 : i64, view = "transpose(1,0)"}}, %{{.*}}: tensor<32x2xi8>, %{{.*}}: tensor<64x16xi8> {qf.weight_view = {axis = 0 : i64, source = 1 : i64, view = "reshape(64,32)"}}, %{{.*}}: tensor<32x2xi8>, %{{.*}}: tensor<4x64xf32>)
// CHECK-COUNT-2: qf.matmul %{{.*}}, %{{.*}} : !qf
// CHECK: return %{{.*}}, %{{.*}}, %[[W]]
// REMARK: remark: qf-quantize-model: {{linalg\.[a-z_]+}}: weight argument #0 is read through a view (transpose(1,0)); the view is passed quantized in new arguments marked qf.weight_view
// REMARK: remark: qf-quantize-model: {{linalg\.[a-z_]+}}: weight argument #1 is read through a view (reshape(64,32)); the view is passed quantized in new arguments marked qf.weight_view
func.func @generic_and_collapse(%wt: tensor<32x64xf32>, %w3: tensor<2x32x32xf32>, %x: tensor<4x64xf32>) -> (tensor<4x32xf32>, tensor<4x32xf32>, tensor<32x64xf32>) {
  %e = tensor.empty() : tensor<64x32xf32>
  %t = linalg.generic {indexing_maps = [affine_map<(i, j) -> (j, i)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      ins(%wt : tensor<32x64xf32>) outs(%e : tensor<64x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<64x32xf32>
  %c = arith.constant dense<0.0> : tensor<4x32xf32>
  %y = linalg.matmul ins(%x, %t : tensor<4x64xf32>, tensor<64x32xf32>) outs(%c : tensor<4x32xf32>) -> tensor<4x32xf32>
  %w = tensor.collapse_shape %w3 [[0, 1], [2]] : tensor<2x32x32xf32> into tensor<64x32xf32>
  %y2 = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x32xf32>) outs(%c : tensor<4x32xf32>) -> tensor<4x32xf32>
  return %y, %y2, %wt : tensor<4x32xf32>, tensor<4x32xf32>, tensor<32x64xf32>
}

// -----

// Views the packed weight cannot repeat: a broadcast and a computation. The
// remark names the op that stops the trace; the weight is quantized at run
// time in the activation format (it is not known to be a weight).
// REMARK: remark: qf-quantize-model: {{linalg\.[a-z_]+}}: weights-as-arguments: the weight operand is not followed to a function argument: linalg.generic at loc("bcast") is not a copy (a broadcast or a computation, which the packed weight cannot repeat); it is quantized at run time
// REMARK: remark: qf-quantize-model: {{linalg\.[a-z_]+}}: weights-as-arguments: the weight operand is not followed to a function argument: linalg.generic at loc("scaled") is not a copy (a broadcast or a computation, which the packed weight cannot repeat); it is quantized at run time
// REMARK: remark: qf-quantize-model: {{linalg\.[a-z_]+}}: weights-as-arguments: the weight operand is not followed to a function argument: tensor.extract_slice at loc("dyn") has dynamic offsets, sizes or strides; it is quantized at run time
// CHECK-LABEL: func.func @not_followed
// CHECK-SAME: (%{{.*}}: tensor<64xf32>, %{{.*}}: tensor<64x32xf32>, %{{.*}}: tensor<4096xf32>, %{{.*}}: index, %{{.*}}: tensor<4x64xf32>)
// CHECK-COUNT-3: qf.quantize %{{.*}} : tensor<64x32xf32> -> !qf.tensor<64x32xf32, mxfp8, axis = 0>
func.func @not_followed(%v: tensor<64xf32>, %w: tensor<64x32xf32>, %flat: tensor<4096xf32>, %off: index, %x: tensor<4x64xf32>) -> (tensor<4x32xf32>, tensor<4x32xf32>, tensor<4x32xf32>) {
  %e = tensor.empty() : tensor<64x32xf32>
  %b = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      ins(%v : tensor<64xf32>) outs(%e : tensor<64x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<64x32xf32> loc("bcast")
  %s = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      ins(%w : tensor<64x32xf32>) outs(%e : tensor<64x32xf32>) {
  ^bb0(%in: f32, %out: f32):
    %m = arith.mulf %in, %in : f32
    linalg.yield %m : f32
  } -> tensor<64x32xf32> loc("scaled")
  %sl = tensor.extract_slice %flat[%off] [2048] [1] : tensor<4096xf32> to tensor<2048xf32> loc("dyn")
  %d = tensor.expand_shape %sl [[0, 1]] output_shape [64, 32] : tensor<2048xf32> into tensor<64x32xf32>
  %c = arith.constant dense<0.0> : tensor<4x32xf32>
  %y0 = linalg.matmul ins(%x, %b : tensor<4x64xf32>, tensor<64x32xf32>) outs(%c : tensor<4x32xf32>) -> tensor<4x32xf32>
  %y1 = linalg.matmul ins(%x, %s : tensor<4x64xf32>, tensor<64x32xf32>) outs(%c : tensor<4x32xf32>) -> tensor<4x32xf32>
  %y2 = linalg.matmul ins(%x, %d : tensor<4x64xf32>, tensor<64x32xf32>) outs(%c : tensor<4x32xf32>) -> tensor<4x32xf32>
  return %y0, %y1, %y2 : tensor<4x32xf32>, tensor<4x32xf32>, tensor<4x32xf32>
}

// -----

// B computed in the function (a projection, reshaped, as the values of
// attention are): an activation, quantized in the activation format without
// a remark about weights.
// REMARK-NOT: weights-as-arguments: the weight operand is not followed
// CHECK-LABEL: func.func @activation_b
// CHECK: qf.quantize %{{.*}} : tensor<64x32xf32> -> !qf.tensor<64x32xf32, mxfp8, axis = 0>
func.func @activation_b(%x: tensor<4x64xf32>, %a: tensor<64x16xf32>, %b: tensor<16x32xf32>) -> tensor<4x32xf32> {
  %c = arith.constant dense<0.0> : tensor<4x32xf32>
  %c2 = arith.constant dense<0.0> : tensor<64x32xf32>
  %p = linalg.matmul ins(%a, %b : tensor<64x16xf32>, tensor<16x32xf32>) outs(%c2 : tensor<64x32xf32>) -> tensor<64x32xf32>
  %v = tensor.collapse_shape %p [[0, 1]] : tensor<64x32xf32> into tensor<2048xf32>
  %w = tensor.expand_shape %v [[0, 1]] output_shape [64, 32] : tensor<2048xf32> into tensor<64x32xf32>
  %y = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x32xf32>) outs(%c : tensor<4x32xf32>) -> tensor<4x32xf32>
  return %y : tensor<4x32xf32>
}
