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

func.func @heads(%q: !qf.tensor<8x64xf32, mxfp4, axis = 1>) -> !qf.tensor<2x8x32xf32, mxfp4, axis = 2> {
  %r = qf.reshape %q : !qf.tensor<8x64xf32, mxfp4, axis = 1> -> !qf.tensor<8x2x32xf32, mxfp4, axis = 2>
  %t = qf.transpose %r permutation = [1, 0, 2] : !qf.tensor<8x2x32xf32, mxfp4, axis = 2> -> !qf.tensor<2x8x32xf32, mxfp4, axis = 2>
  return %t : !qf.tensor<2x8x32xf32, mxfp4, axis = 2>
}

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
