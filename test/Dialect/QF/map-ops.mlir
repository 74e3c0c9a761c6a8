// RUN: qf-opt %s | qf-opt | FileCheck %s
// RUN: qf-opt %s --mlir-print-op-generic | qf-opt | FileCheck %s

// qf.map, qf.fused_matmul and qf.yield round-trip through the custom and the
// generic form, with and without the optional parts.

// CHECK-LABEL: func.func @map_quantized
// CHECK-SAME: (%[[Q:.*]]: !qf.tensor<8x64xf32, mxfp8, axis = 1>, %[[B:.*]]: tensor<64xf32>)
// CHECK: %[[R:.*]] = qf.map(%[[Q]], %[[B]]) {indexing_maps = [#{{.*}}, #{{.*}}]} : (!qf.tensor<8x64xf32, mxfp8, axis = 1>, tensor<64xf32>) -> !qf.tensor<8x64xf32, mxfp4, axis = 1> {
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %[[Y:.*]]: f32):
// CHECK-NEXT: %[[C:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[X]], %[[Y]] : f32
// CHECK-NEXT: %[[M:.*]] = arith.maximumf %[[S]], %[[C]] : f32
// CHECK-NEXT: qf.yield %[[M]] : f32
// CHECK-NEXT: }
// CHECK-NEXT: return %[[R]]
func.func @map_quantized(%q: !qf.tensor<8x64xf32, mxfp8, axis = 1>, %b: tensor<64xf32>)
    -> !qf.tensor<8x64xf32, mxfp4, axis = 1> {
  %r = qf.map(%q, %b) {indexing_maps = [affine_map<(i, j) -> (i, j)>,
                                        affine_map<(i, j) -> (j)>]}
         : (!qf.tensor<8x64xf32, mxfp8, axis = 1>, tensor<64xf32>)
         -> !qf.tensor<8x64xf32, mxfp4, axis = 1> {
  ^bb0(%x: f32, %y: f32):
    %c = arith.constant 0.0 : f32
    %s = arith.addf %x, %y : f32
    %m = arith.maximumf %s, %c : f32
    qf.yield %m : f32
  }
  return %r : !qf.tensor<8x64xf32, mxfp4, axis = 1>
}

// f32 result, no maps (identity).
// CHECK-LABEL: func.func @map_f32
// CHECK: qf.map(%{{.*}}, %{{.*}}) : (!qf.tensor<8x64xf32, mxint8, axis = 1>, !qf.tensor<8x64xf32, mxint4, axis = 1>) -> tensor<8x64xf32> {
// CHECK-NEXT: ^bb0(%[[A:.*]]: f32, %[[B:.*]]: f32):
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[A]], %[[B]] : f32
// CHECK-NEXT: qf.yield %[[S]] : f32
func.func @map_f32(%a: !qf.tensor<8x64xf32, mxint8, axis = 1>,
                   %b: !qf.tensor<8x64xf32, mxint4, axis = 1>) -> tensor<8x64xf32> {
  %r = qf.map(%a, %b) : (!qf.tensor<8x64xf32, mxint8, axis = 1>,
                         !qf.tensor<8x64xf32, mxint4, axis = 1>) -> tensor<8x64xf32> {
  ^bb0(%x: f32, %y: f32):
    %s = arith.addf %x, %y : f32
    qf.yield %s : f32
  }
  return %r : tensor<8x64xf32>
}

// Static scales and a tensor scale (NVFP4 result).
// CHECK-LABEL: func.func @map_static_scales
// CHECK: qf.map(%{{.*}}) scales(%{{.*}} : tensor<8x4xi8>) tensor_scale(%{{.*}} : tensor<f32>) : (tensor<8x64xf32>) -> !qf.tensor<8x64xf32, nvfp4, axis = 1> {
// CHECK: math.tanh
// CHECK: qf.yield
func.func @map_static_scales(%x: tensor<8x64xf32>, %s: tensor<8x4xi8>, %g: tensor<f32>)
    -> !qf.tensor<8x64xf32, nvfp4, axis = 1> {
  %r = qf.map(%x) scales(%s : tensor<8x4xi8>) tensor_scale(%g : tensor<f32>)
         : (tensor<8x64xf32>) -> !qf.tensor<8x64xf32, nvfp4, axis = 1> {
  ^bb0(%v: f32):
    %t = math.tanh %v : f32
    qf.yield %t : f32
  }
  return %r : !qf.tensor<8x64xf32, nvfp4, axis = 1>
}

// CHECK-LABEL: func.func @fused_matmul_epilogue
// CHECK-SAME: (%[[A:.*]]: !qf.tensor<8x64xf32, mxfp8, axis = 1>, %[[W:.*]]: !qf.tensor<128x64xf32, mxfp4, axis = 1>, %[[G:.*]]: tensor<8x128xf32>)
// CHECK: %[[R:.*]] = qf.fused_matmul %[[A]], %[[W]] transpose_b epilogue(%[[G]] : tensor<8x128xf32>) : !qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<128x64xf32, mxfp4, axis = 1> -> !qf.tensor<8x128xf32, mxfp8, axis = 1> {
// CHECK-NEXT: ^bb0(%[[ACC:.*]]: f32, %[[GV:.*]]: f32):
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[ACC]], %[[GV]] : f32
// CHECK-NEXT: qf.yield %[[P]] : f32
// CHECK-NEXT: }
// CHECK-NEXT: return %[[R]]
func.func @fused_matmul_epilogue(%a: !qf.tensor<8x64xf32, mxfp8, axis = 1>,
                                 %w: !qf.tensor<128x64xf32, mxfp4, axis = 1>,
                                 %gate: tensor<8x128xf32>)
    -> !qf.tensor<8x128xf32, mxfp8, axis = 1> {
  %h = qf.fused_matmul %a, %w transpose_b epilogue(%gate : tensor<8x128xf32>)
         : !qf.tensor<8x64xf32, mxfp8, axis = 1>,
           !qf.tensor<128x64xf32, mxfp4, axis = 1>
         -> !qf.tensor<8x128xf32, mxfp8, axis = 1> {
  ^bb0(%acc: f32, %g: f32):
    %p = arith.mulf %acc, %g : f32
    qf.yield %p : f32
  }
  return %h : !qf.tensor<8x128xf32, mxfp8, axis = 1>
}

// A dual GEMM: a second weight, its accumulator second, then the epilogue.
// CHECK-LABEL: func.func @fused_matmul_dual
// CHECK-SAME: (%[[A:.*]]: !qf.tensor<8x64xf32, mxfp8, axis = 1>, %[[WU:.*]]: !qf.tensor<128x64xf32, mxfp4, axis = 1>, %[[WG:.*]]: !qf.tensor<128x64xf32, nvfp4, axis = 1>, %[[B:.*]]: tensor<8x128xf32>)
// CHECK: qf.fused_matmul %[[A]], %[[WU]], %[[WG]] transpose_b epilogue(%[[B]] : tensor<8x128xf32>) : !qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<128x64xf32, mxfp4, axis = 1>, !qf.tensor<128x64xf32, nvfp4, axis = 1> -> !qf.tensor<8x128xf32, mxfp8, axis = 1> {
// CHECK-NEXT: ^bb0(%[[U:.*]]: f32, %[[G:.*]]: f32, %[[BV:.*]]: f32):
// CHECK-NEXT: %[[P:.*]] = arith.mulf %[[U]], %[[G]] : f32
// CHECK-NEXT: %[[Q:.*]] = arith.addf %[[P]], %[[BV]] : f32
// CHECK-NEXT: qf.yield %[[Q]] : f32
func.func @fused_matmul_dual(%a: !qf.tensor<8x64xf32, mxfp8, axis = 1>,
                             %wu: !qf.tensor<128x64xf32, mxfp4, axis = 1>,
                             %wg: !qf.tensor<128x64xf32, nvfp4, axis = 1>,
                             %bias: tensor<8x128xf32>)
    -> !qf.tensor<8x128xf32, mxfp8, axis = 1> {
  %h = qf.fused_matmul %a, %wu, %wg transpose_b epilogue(%bias : tensor<8x128xf32>)
         : !qf.tensor<8x64xf32, mxfp8, axis = 1>,
           !qf.tensor<128x64xf32, mxfp4, axis = 1>,
           !qf.tensor<128x64xf32, nvfp4, axis = 1>
         -> !qf.tensor<8x128xf32, mxfp8, axis = 1> {
  ^bb0(%u: f32, %g: f32, %b: f32):
    %p = arith.mulf %u, %g : f32
    %q = arith.addf %p, %b : f32
    qf.yield %q : f32
  }
  return %h : !qf.tensor<8x128xf32, mxfp8, axis = 1>
}

// No transpose, no epilogue, an identity body, static scales.
// CHECK-LABEL: func.func @fused_matmul_plain
// CHECK: qf.fused_matmul %{{.*}}, %{{.*}} scales(%{{.*}} : tensor<8x4xi8>) : !qf.tensor<8x64xf32, mxint8, axis = 1>, !qf.tensor<64x128xf32, mxint8, axis = 0> -> !qf.tensor<8x128xf32, mxint4, axis = 1> {
// CHECK-NEXT: ^bb0(%[[ACC:.*]]: f32):
// CHECK-NEXT: qf.yield %[[ACC]] : f32
func.func @fused_matmul_plain(%a: !qf.tensor<8x64xf32, mxint8, axis = 1>,
                              %w: !qf.tensor<64x128xf32, mxint8, axis = 0>,
                              %s: tensor<8x4xi8>)
    -> !qf.tensor<8x128xf32, mxint4, axis = 1> {
  %h = qf.fused_matmul %a, %w scales(%s : tensor<8x4xi8>)
         : !qf.tensor<8x64xf32, mxint8, axis = 1>,
           !qf.tensor<64x128xf32, mxint8, axis = 0>
         -> !qf.tensor<8x128xf32, mxint4, axis = 1> {
  ^bb0(%acc: f32):
    qf.yield %acc : f32
  }
  return %h : !qf.tensor<8x128xf32, mxint4, axis = 1>
}

// Data movement of codes: head split and merge.
// CHECK-LABEL: func.func @heads
// CHECK: %[[R:.*]] = qf.reshape %{{.*}} : !qf.tensor<8x64xf32, mxfp4, axis = 1> -> !qf.tensor<8x2x32xf32, mxfp4, axis = 2>
// CHECK: %[[T:.*]] = qf.transpose %[[R]] permutation = [1, 0, 2] : !qf.tensor<8x2x32xf32, mxfp4, axis = 2> -> !qf.tensor<2x8x32xf32, mxfp4, axis = 2>
// CHECK: return %[[T]]
func.func @heads(%q: !qf.tensor<8x64xf32, mxfp4, axis = 1>) -> !qf.tensor<2x8x32xf32, mxfp4, axis = 2> {
  %r = qf.reshape %q : !qf.tensor<8x64xf32, mxfp4, axis = 1> -> !qf.tensor<8x2x32xf32, mxfp4, axis = 2>
  %t = qf.transpose %r permutation = [1, 0, 2] : !qf.tensor<8x2x32xf32, mxfp4, axis = 2> -> !qf.tensor<2x8x32xf32, mxfp4, axis = 2>
  return %t : !qf.tensor<2x8x32xf32, mxfp4, axis = 2>
}

// A row softmax in the epilogue (qf.row_reduce), the result padded from
// N = 8 to 32 with zeros.
// CHECK-LABEL: func.func @fused_matmul_softmax
// CHECK: qf.fused_matmul %{{.*}}, %{{.*}} transpose_b : !qf.tensor<2x8x32xf32, mxfp8, axis = 2>, !qf.tensor<2x8x32xf32, mxfp8, axis = 2> -> !qf.tensor<2x8x32xf32, mxfp8, axis = 2> {
// CHECK-NEXT: ^bb0(%[[S:.*]]: f32):
// CHECK: %[[M:.*]] = qf.row_reduce %[[S]] init(%{{.*}}) {
// CHECK-NEXT: ^bb0(%[[V:.*]]: f32, %[[A:.*]]: f32):
// CHECK-NEXT: %[[R:.*]] = arith.maximumf %[[V]], %[[A]] : f32
// CHECK-NEXT: qf.yield %[[R]] : f32
// CHECK-NEXT: }
// CHECK: arith.subf %[[S]], %[[M]] : f32
// CHECK: qf.row_reduce
// CHECK: arith.divf
func.func @fused_matmul_softmax(%q: !qf.tensor<2x8x32xf32, mxfp8, axis = 2>,
                                %k: !qf.tensor<2x8x32xf32, mxfp8, axis = 2>)
    -> !qf.tensor<2x8x32xf32, mxfp8, axis = 2> {
  %p = qf.fused_matmul %q, %k transpose_b
         : !qf.tensor<2x8x32xf32, mxfp8, axis = 2>,
           !qf.tensor<2x8x32xf32, mxfp8, axis = 2>
         -> !qf.tensor<2x8x32xf32, mxfp8, axis = 2> {
  ^bb0(%s: f32):
    %ninf = arith.constant -3.0e38 : f32
    %m = qf.row_reduce %s init(%ninf) {
    ^bb0(%v: f32, %acc: f32):
      %r = arith.maximumf %v, %acc : f32
      qf.yield %r : f32
    }
    %d = arith.subf %s, %m : f32
    %e = math.exp %d : f32
    %zero = arith.constant 0.0 : f32
    %sum = qf.row_reduce %e init(%zero) {
    ^bb0(%v: f32, %acc: f32):
      %r = arith.addf %v, %acc : f32
      qf.yield %r : f32
    }
    %y = arith.divf %e, %sum : f32
    qf.yield %y : f32
  }
  return %p : !qf.tensor<2x8x32xf32, mxfp8, axis = 2>
}

// RMSNorm as one qf.map: the row's sum of squares (qf.row_reduce), then
// the normalized, scaled row, quantized.
// CHECK-LABEL: func.func @map_rmsnorm
// CHECK: qf.map(%{{.*}}, %{{.*}}) {indexing_maps = [#{{.*}}, #{{.*}}]} : (tensor<8x64xf32>, tensor<64xf32>) -> !qf.tensor<8x64xf32, mxfp8, axis = 1> {
// CHECK-NEXT: ^bb0(%[[X:.*]]: f32, %[[G:.*]]: f32):
// CHECK: %[[SS:.*]] = qf.row_reduce %[[X]] init(%{{.*}}) {
// CHECK-NEXT: ^bb0(%[[E:.*]]: f32, %[[A:.*]]: f32):
// CHECK-NEXT: %[[SQ:.*]] = arith.mulf %[[E]], %[[E]] : f32
// CHECK-NEXT: %[[S:.*]] = arith.addf %[[A]], %[[SQ]] : f32
// CHECK-NEXT: qf.yield %[[S]] : f32
// CHECK-NEXT: }
// CHECK: arith.divf %[[SS]], %{{.*}} : f32
// CHECK: math.rsqrt
func.func @map_rmsnorm(%x: tensor<8x64xf32>, %g: tensor<64xf32>)
    -> !qf.tensor<8x64xf32, mxfp8, axis = 1> {
  %y = qf.map(%x, %g) {indexing_maps = [affine_map<(i, j) -> (i, j)>,
                                        affine_map<(i, j) -> (j)>]}
         : (tensor<8x64xf32>, tensor<64xf32>)
         -> !qf.tensor<8x64xf32, mxfp8, axis = 1> {
  ^bb0(%v: f32, %gv: f32):
    %zero = arith.constant 0.0 : f32
    %ss = qf.row_reduce %v init(%zero) {
    ^bb0(%e: f32, %acc: f32):
      %sq = arith.mulf %e, %e : f32
      %s = arith.addf %acc, %sq : f32
      qf.yield %s : f32
    }
    %n = arith.constant 64.0 : f32
    %eps = arith.constant 1.0e-5 : f32
    %m = arith.divf %ss, %n : f32
    %me = arith.addf %m, %eps : f32
    %r = math.rsqrt %me : f32
    %xr = arith.mulf %v, %r : f32
    %o = arith.mulf %xr, %gv : f32
    qf.yield %o : f32
  }
  return %y : !qf.tensor<8x64xf32, mxfp8, axis = 1>
}

// transpose_result: [N, M] blocked along M, padded from M = 8 to 32.
// CHECK-LABEL: func.func @fused_matmul_transposed
// CHECK: qf.fused_matmul %{{.*}}, %{{.*}} transpose_b transpose_result : !qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<64x64xf32, mxfp4, axis = 1> -> !qf.tensor<64x32xf32, mxfp8, axis = 1> {
func.func @fused_matmul_transposed(%a: !qf.tensor<8x64xf32, mxfp8, axis = 1>,
                                   %w: !qf.tensor<64x64xf32, mxfp4, axis = 1>)
    -> !qf.tensor<64x32xf32, mxfp8, axis = 1> {
  %v = qf.fused_matmul %a, %w transpose_b transpose_result
         : !qf.tensor<8x64xf32, mxfp8, axis = 1>,
           !qf.tensor<64x64xf32, mxfp4, axis = 1>
         -> !qf.tensor<64x32xf32, mxfp8, axis = 1> {
  ^bb0(%acc: f32):
    qf.yield %acc : f32
  }
  return %v : !qf.tensor<64x32xf32, mxfp8, axis = 1>
}

// An f32 result: the residual add in the epilogue.
// CHECK-LABEL: func.func @fused_matmul_f32
// CHECK: qf.fused_matmul %{{.*}}, %{{.*}} transpose_b epilogue(%{{.*}} : tensor<8x64xf32>) : !qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<64x64xf32, mxfp4, axis = 1> -> tensor<8x64xf32> {
func.func @fused_matmul_f32(%a: !qf.tensor<8x64xf32, mxfp8, axis = 1>,
                            %w: !qf.tensor<64x64xf32, mxfp4, axis = 1>,
                            %x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %h = qf.fused_matmul %a, %w transpose_b epilogue(%x : tensor<8x64xf32>)
         : !qf.tensor<8x64xf32, mxfp8, axis = 1>,
           !qf.tensor<64x64xf32, mxfp4, axis = 1> -> tensor<8x64xf32> {
  ^bb0(%acc: f32, %res: f32):
    %s = arith.addf %res, %acc : f32
    qf.yield %s : f32
  }
  return %h : tensor<8x64xf32>
}
