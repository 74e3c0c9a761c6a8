// qf.fused_matmul forms that the attention block needs, lowered to CPU
// kernels and compared with the unfused programs written out by hand
// (qf.matmul, linalg reductions and elementwise ops, tensor.pad,
// qf.quantize): a row softmax in the epilogue (qf.row_reduce) with the
// result padded from 8 to 32 columns, the same with an epilogue input (a
// mask), and transpose_result (the V projection: blocks along M), padded
// and not, with a row reduction along M; an f32 result (a residual add in
// the epilogue, rows of 40 = 2 chunks and a tail at width 16). Each pair
// prints the same hashes of codes and scales (or of the f32 bits). Blocks
// of 8 are not whole 16-lane chunks: at vector-width 16 those fused ops
// lower to the unfused program (matmul kernel, linalg reductions, pad,
// quantize kernel), at vector-width 8 to the fused epilogue; same bits.
// RUN: qf-opt %s --qf-cpu-pipeline=fuse=false | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
// RUN: qf-opt %s --qf-cpu-pipeline="vector-width=8 threads=2" | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils,%omp_lib | FileCheck %s
// RUN: qf-opt %s --qf-cpu-pipeline="avx512" | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

!h8 = !qf.tensor<2x8x32xf32, mxfp8, axis = 2>
!h4 = !qf.tensor<2x8x32xf32, mxfp4, axis = 2>
!a8 = !qf.tensor<8x64xf32, mxfp8, axis = 1>
!b8 = !qf.tensor<32x64xf32, mxfp8, axis = 1>
!w4 = !qf.tensor<64x64xf32, mxfp4, axis = 1>
!v8 = !qf.tensor<64x32xf32, mxfp8, axis = 1>
#id3 = affine_map<(h, i, j) -> (h, i, j)>
#red3 = affine_map<(h, i, j) -> (h, i)>
#id = affine_map<(i, j) -> (i, j)>
#red = affine_map<(i, j) -> (i)>

//===--- softmax of Q K^T, padded to 32 columns ---===//

func.func @softmax_fused(%q: !h8, %k: !h8, %mask: tensor<2x8x8xf32>) -> (!h8, !h8) {
  %p = qf.fused_matmul %q, %k transpose_b : !h8, !h8 -> !h8 {
  ^bb0(%s: f32):
    %ninf = arith.constant -3.0e38 : f32
    %m = qf.row_reduce %s init(%ninf) {
    ^bb0(%v: f32, %acc: f32):
      %r = arith.maximumf %v, %acc : f32
      qf.yield %r : f32
    }
    %c = arith.constant 0.176776692 : f32
    %d = arith.subf %s, %m : f32
    %ds = arith.mulf %d, %c : f32
    %e = math.exp %ds : f32
    %zero = arith.constant 0.0 : f32
    %sum = qf.row_reduce %e init(%zero) {
    ^bb0(%v: f32, %acc: f32):
      %r = arith.addf %v, %acc : f32
      qf.yield %r : f32
    }
    %y = arith.divf %e, %sum : f32
    qf.yield %y : f32
  }
  // With an epilogue input (an additive mask) read before the reductions.
  %p2 = qf.fused_matmul %q, %k transpose_b epilogue(%mask : tensor<2x8x8xf32>) : !h8, !h8 -> !h8 {
  ^bb0(%s0: f32, %mk: f32):
    %s = arith.addf %s0, %mk : f32
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
  return %p, %p2 : !h8, !h8
}

func.func @softmax_ref(%q: !h8, %k: !h8, %mask: tensor<2x8x8xf32>) -> (!h8, !h8) {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant -3.0e38 : f32
  %sc = qf.matmul %q, %k transpose_b : !h8, !h8 -> tensor<2x8x8xf32>
  %e2 = tensor.empty() : tensor<2x8xf32>
  %e3 = tensor.empty() : tensor<2x8x8xf32>
  %mx0 = linalg.fill ins(%ninf : f32) outs(%e2 : tensor<2x8xf32>) -> tensor<2x8xf32>
  %mx = linalg.generic {indexing_maps = [#id3, #red3], iterator_types = ["parallel", "parallel", "reduction"]} ins(%sc : tensor<2x8x8xf32>) outs(%mx0 : tensor<2x8xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %r = arith.maximumf %v, %acc : f32
    linalg.yield %r : f32
  } -> tensor<2x8xf32>
  %ex = linalg.generic {indexing_maps = [#id3, #red3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%sc, %mx : tensor<2x8x8xf32>, tensor<2x8xf32>) outs(%e3 : tensor<2x8x8xf32>) {
  ^bb0(%v: f32, %m: f32, %o: f32):
    %c = arith.constant 0.176776692 : f32
    %d = arith.subf %v, %m : f32
    %ds = arith.mulf %d, %c : f32
    %e = math.exp %ds : f32
    linalg.yield %e : f32
  } -> tensor<2x8x8xf32>
  %sm0 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<2x8xf32>) -> tensor<2x8xf32>
  %sm = linalg.generic {indexing_maps = [#id3, #red3], iterator_types = ["parallel", "parallel", "reduction"]} ins(%ex : tensor<2x8x8xf32>) outs(%sm0 : tensor<2x8xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %r = arith.addf %v, %acc : f32
    linalg.yield %r : f32
  } -> tensor<2x8xf32>
  %a = linalg.generic {indexing_maps = [#id3, #red3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%ex, %sm : tensor<2x8x8xf32>, tensor<2x8xf32>) outs(%e3 : tensor<2x8x8xf32>) {
  ^bb0(%v: f32, %s: f32, %o: f32):
    %r = arith.divf %v, %s : f32
    linalg.yield %r : f32
  } -> tensor<2x8x8xf32>
  %pad = tensor.pad %a low[0, 0, 0] high[0, 0, 24] {
  ^bb0(%i: index, %j: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<2x8x8xf32> to tensor<2x8x32xf32>
  %p = qf.quantize %pad : tensor<2x8x32xf32> -> !h8

  %sk = linalg.generic {indexing_maps = [#id3, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%sc, %mask : tensor<2x8x8xf32>, tensor<2x8x8xf32>) outs(%e3 : tensor<2x8x8xf32>) {
  ^bb0(%v: f32, %mk: f32, %o: f32):
    %r = arith.addf %v, %mk : f32
    linalg.yield %r : f32
  } -> tensor<2x8x8xf32>
  %mxb = linalg.generic {indexing_maps = [#id3, #red3], iterator_types = ["parallel", "parallel", "reduction"]} ins(%sk : tensor<2x8x8xf32>) outs(%mx0 : tensor<2x8xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %r = arith.maximumf %v, %acc : f32
    linalg.yield %r : f32
  } -> tensor<2x8xf32>
  %exb = linalg.generic {indexing_maps = [#id3, #red3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%sk, %mxb : tensor<2x8x8xf32>, tensor<2x8xf32>) outs(%e3 : tensor<2x8x8xf32>) {
  ^bb0(%v: f32, %m: f32, %o: f32):
    %d = arith.subf %v, %m : f32
    %e = math.exp %d : f32
    linalg.yield %e : f32
  } -> tensor<2x8x8xf32>
  %smb = linalg.generic {indexing_maps = [#id3, #red3], iterator_types = ["parallel", "parallel", "reduction"]} ins(%exb : tensor<2x8x8xf32>) outs(%sm0 : tensor<2x8xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %r = arith.addf %v, %acc : f32
    linalg.yield %r : f32
  } -> tensor<2x8xf32>
  %ab = linalg.generic {indexing_maps = [#id3, #red3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%exb, %smb : tensor<2x8x8xf32>, tensor<2x8xf32>) outs(%e3 : tensor<2x8x8xf32>) {
  ^bb0(%v: f32, %s: f32, %o: f32):
    %r = arith.divf %v, %s : f32
    linalg.yield %r : f32
  } -> tensor<2x8x8xf32>
  %padb = tensor.pad %ab low[0, 0, 0] high[0, 0, 24] {
  ^bb0(%i: index, %j: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<2x8x8xf32> to tensor<2x8x32xf32>
  %p2 = qf.quantize %padb : tensor<2x8x32xf32> -> !h8
  return %p, %p2 : !h8, !h8
}

//===--- transpose_result: V^T [N, M] blocked along M ---===//

func.func @vt_fused(%a: !a8, %b: !b8, %w: !w4) -> (!v8, !v8, !v8) {
  // M = 8 padded to 32; 4-bit weights (the nibble summation scheme).
  %v = qf.fused_matmul %a, %w transpose_b transpose_result : !a8, !w4 -> !v8 {
  ^bb0(%acc: f32):
    qf.yield %acc : f32
  }
  // M = 32, not padded; each result row (along M) divided by its amax.
  %v2 = qf.fused_matmul %b, %w transpose_b transpose_result : !b8, !w4 -> !v8 {
  ^bb0(%acc: f32):
    %zero = arith.constant 0.0 : f32
    %ab = math.absf %acc : f32
    %m = qf.row_reduce %ab init(%zero) {
    ^bb0(%x: f32, %y: f32):
      %r = arith.maximumf %x, %y : f32
      qf.yield %r : f32
    }
    %n = arith.divf %acc, %m : f32
    qf.yield %n : f32
  }
  // A dual GEMM with transpose_result takes the unfused program.
  %v3 = qf.fused_matmul %b, %w, %w transpose_b transpose_result : !b8, !w4, !w4 -> !v8 {
  ^bb0(%x: f32, %y: f32):
    %one = arith.constant 1.0 : f32
    %s = arith.addf %y, %one : f32
    %p = arith.mulf %x, %s : f32
    qf.yield %p : f32
  }
  return %v, %v2, %v3 : !v8, !v8, !v8
}

func.func @vt_ref(%a: !a8, %b: !b8, %w: !w4) -> (!v8, !v8, !v8) {
  %zero = arith.constant 0.0 : f32
  %r = qf.matmul %a, %w transpose_b : !a8, !w4 -> tensor<8x64xf32>
  %e = tensor.empty() : tensor<64x8xf32>
  %t = linalg.transpose ins(%r : tensor<8x64xf32>) outs(%e : tensor<64x8xf32>) permutation = [1, 0]
  %pad = tensor.pad %t low[0, 0] high[0, 24] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<64x8xf32> to tensor<64x32xf32>
  %v = qf.quantize %pad : tensor<64x32xf32> -> !v8

  %r2 = qf.matmul %b, %w transpose_b : !b8, !w4 -> tensor<32x64xf32>
  %e2 = tensor.empty() : tensor<64x32xf32>
  %t2 = linalg.transpose ins(%r2 : tensor<32x64xf32>) outs(%e2 : tensor<64x32xf32>) permutation = [1, 0]
  %e1 = tensor.empty() : tensor<64xf32>
  %m0 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<64xf32>) -> tensor<64xf32>
  %m = linalg.generic {indexing_maps = [#id, #red], iterator_types = ["parallel", "reduction"]} ins(%t2 : tensor<64x32xf32>) outs(%m0 : tensor<64xf32>) {
  ^bb0(%x: f32, %y: f32):
    %ab = math.absf %x : f32
    %mm = arith.maximumf %ab, %y : f32
    linalg.yield %mm : f32
  } -> tensor<64xf32>
  %n = linalg.generic {indexing_maps = [#id, #red, #id], iterator_types = ["parallel", "parallel"]} ins(%t2, %m : tensor<64x32xf32>, tensor<64xf32>) outs(%e2 : tensor<64x32xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %dv = arith.divf %x, %y : f32
    linalg.yield %dv : f32
  } -> tensor<64x32xf32>
  %v2 = qf.quantize %n : tensor<64x32xf32> -> !v8
  %r3 = qf.matmul %b, %w transpose_b : !b8, !w4 -> tensor<32x64xf32>
  %e3 = tensor.empty() : tensor<32x64xf32>
  %pm = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%r2, %r3 : tensor<32x64xf32>, tensor<32x64xf32>) outs(%e3 : tensor<32x64xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %one = arith.constant 1.0 : f32
    %s = arith.addf %y, %one : f32
    %p = arith.mulf %x, %s : f32
    linalg.yield %p : f32
  } -> tensor<32x64xf32>
  %t3 = linalg.transpose ins(%pm : tensor<32x64xf32>) outs(%e2 : tensor<64x32xf32>) permutation = [1, 0]
  %v3 = qf.quantize %t3 : tensor<64x32xf32> -> !v8
  return %v, %v2, %v3 : !v8, !v8, !v8
}

//===--- f32 result: residual add in the epilogue ---===//

func.func @residual_fused(%a: !a8, %w: !qf.tensor<40x64xf32, mxfp4, axis = 1>, %x: tensor<8x40xf32>) -> tensor<8x40xf32> {
  %h = qf.fused_matmul %a, %w transpose_b epilogue(%x : tensor<8x40xf32>) : !a8, !qf.tensor<40x64xf32, mxfp4, axis = 1> -> tensor<8x40xf32> {
  ^bb0(%acc: f32, %res: f32):
    %s = arith.addf %res, %acc : f32
    qf.yield %s : f32
  }
  return %h : tensor<8x40xf32>
}

func.func @residual_ref(%a: !a8, %w: !qf.tensor<40x64xf32, mxfp4, axis = 1>, %x: tensor<8x40xf32>) -> tensor<8x40xf32> {
  %o = qf.matmul %a, %w transpose_b : !a8, !qf.tensor<40x64xf32, mxfp4, axis = 1> -> tensor<8x40xf32>
  %e = tensor.empty() : tensor<8x40xf32>
  %h = linalg.add ins(%x, %o : tensor<8x40xf32>, tensor<8x40xf32>) outs(%e : tensor<8x40xf32>) -> tensor<8x40xf32>
  return %h : tensor<8x40xf32>
}

//===--- blocks of 8: the fused epilogue at width 8, the unfused program at 16 ---===//

!s8 = !qf.tensor<2x8x8xf32, #qf.format<elem = f8E4M3FN, block = 8>, axis = 2>
!t8 = !qf.tensor<64x8xf32, #qf.format<elem = f8E4M3FN, block = 8>, axis = 1>

func.func @blocks8_fused(%q: !h8, %k: !qf.tensor<2x4x32xf32, mxfp8, axis = 2>, %a: !qf.tensor<4x64xf32, mxfp8, axis = 1>, %w: !w4) -> (!s8, !t8) {
  // 4 keys, padded to 8.
  %p = qf.fused_matmul %q, %k transpose_b : !h8, !qf.tensor<2x4x32xf32, mxfp8, axis = 2> -> !s8 {
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
  // V^T of 4 rows, padded to 8.
  %v = qf.fused_matmul %a, %w transpose_b transpose_result : !qf.tensor<4x64xf32, mxfp8, axis = 1>, !w4 -> !t8 {
  ^bb0(%acc: f32):
    qf.yield %acc : f32
  }
  return %p, %v : !s8, !t8
}

func.func @blocks8_ref(%q: !h8, %k: !qf.tensor<2x4x32xf32, mxfp8, axis = 2>, %a: !qf.tensor<4x64xf32, mxfp8, axis = 1>, %w: !w4) -> (!s8, !t8) {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant -3.0e38 : f32
  %sc = qf.matmul %q, %k transpose_b : !h8, !qf.tensor<2x4x32xf32, mxfp8, axis = 2> -> tensor<2x8x4xf32>
  %e2 = tensor.empty() : tensor<2x8xf32>
  %e3 = tensor.empty() : tensor<2x8x4xf32>
  %mx0 = linalg.fill ins(%ninf : f32) outs(%e2 : tensor<2x8xf32>) -> tensor<2x8xf32>
  %mx = linalg.generic {indexing_maps = [#id3, #red3], iterator_types = ["parallel", "parallel", "reduction"]} ins(%sc : tensor<2x8x4xf32>) outs(%mx0 : tensor<2x8xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %r = arith.maximumf %v, %acc : f32
    linalg.yield %r : f32
  } -> tensor<2x8xf32>
  %ex = linalg.generic {indexing_maps = [#id3, #red3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%sc, %mx : tensor<2x8x4xf32>, tensor<2x8xf32>) outs(%e3 : tensor<2x8x4xf32>) {
  ^bb0(%v: f32, %m: f32, %o: f32):
    %d = arith.subf %v, %m : f32
    %e = math.exp %d : f32
    linalg.yield %e : f32
  } -> tensor<2x8x4xf32>
  %sm0 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<2x8xf32>) -> tensor<2x8xf32>
  %sm = linalg.generic {indexing_maps = [#id3, #red3], iterator_types = ["parallel", "parallel", "reduction"]} ins(%ex : tensor<2x8x4xf32>) outs(%sm0 : tensor<2x8xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %r = arith.addf %v, %acc : f32
    linalg.yield %r : f32
  } -> tensor<2x8xf32>
  %an = linalg.generic {indexing_maps = [#id3, #red3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%ex, %sm : tensor<2x8x4xf32>, tensor<2x8xf32>) outs(%e3 : tensor<2x8x4xf32>) {
  ^bb0(%v: f32, %s: f32, %o: f32):
    %r = arith.divf %v, %s : f32
    linalg.yield %r : f32
  } -> tensor<2x8x4xf32>
  %pad = tensor.pad %an low[0, 0, 0] high[0, 0, 4] {
  ^bb0(%i: index, %j: index, %l: index):
    tensor.yield %zero : f32
  } : tensor<2x8x4xf32> to tensor<2x8x8xf32>
  %p = qf.quantize %pad : tensor<2x8x8xf32> -> !s8
  %r = qf.matmul %a, %w transpose_b : !qf.tensor<4x64xf32, mxfp8, axis = 1>, !w4 -> tensor<4x64xf32>
  %e = tensor.empty() : tensor<64x4xf32>
  %t = linalg.transpose ins(%r : tensor<4x64xf32>) outs(%e : tensor<64x4xf32>) permutation = [1, 0]
  %tp = tensor.pad %t low[0, 0] high[0, 4] {
  ^bb0(%i: index, %j: index):
    tensor.yield %zero : f32
  } : tensor<64x4xf32> to tensor<64x8xf32>
  %v = qf.quantize %tp : tensor<64x8xf32> -> !t8
  return %p, %v : !s8, !t8
}

//===--- driver ---===//

func.func @hash_s8(%q: !s8) {
  %p:2 = qf.pack %q : !s8 -> tensor<2x8x8xi8>, tensor<2x8x1xi8>
  %c = tensor.collapse_shape %p#0 [[0, 1], [2]] : tensor<2x8x8xi8> into tensor<16x8xi8>
  %u = tensor.cast %c : tensor<16x8xi8> to tensor<?x?xi8>
  call @hash_i8(%u) : (tensor<?x?xi8>) -> ()
  %s = tensor.collapse_shape %p#1 [[0, 1], [2]] : tensor<2x8x1xi8> into tensor<16x1xi8>
  %v = tensor.cast %s : tensor<16x1xi8> to tensor<?x?xi8>
  call @hash_i8(%v) : (tensor<?x?xi8>) -> ()
  return
}

func.func @hash_t8(%q: !t8) {
  %p:2 = qf.pack %q : !t8 -> tensor<64x8xi8>, tensor<64x1xi8>
  %u = tensor.cast %p#0 : tensor<64x8xi8> to tensor<?x?xi8>
  call @hash_i8(%u) : (tensor<?x?xi8>) -> ()
  %v = tensor.cast %p#1 : tensor<64x1xi8> to tensor<?x?xi8>
  call @hash_i8(%v) : (tensor<?x?xi8>) -> ()
  return
}

func.func @hash_f32(%t: tensor<8x40xf32>) {
  %m = bufferization.to_buffer %t : tensor<8x40xf32> to memref<8x40xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c40 = arith.constant 40 : index
  %basis = arith.constant -2128831035 : i32
  %prime = arith.constant 16777619 : i32
  %h = scf.for %r = %c0 to %c8 step %c1 iter_args(%a0 = %basis) -> i32 {
    %h2 = scf.for %c = %c0 to %c40 step %c1 iter_args(%acc = %a0) -> i32 {
      %f = memref.load %m[%r, %c] : memref<8x40xf32>
      %v = arith.bitcast %f : f32 to i32
      %x = arith.xori %acc, %v : i32
      %y = arith.muli %x, %prime : i32
      scf.yield %y : i32
    }
    scf.yield %h2 : i32
  }
  vector.print %h : i32
  return
}

func.func @gen(%seed: f32, %scale: f32) -> tensor<8x64xf32> {
  %e = tensor.empty() : tensor<8x64xf32>
  %x = linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]} outs(%e : tensor<8x64xf32>) {
  ^bb0(%o: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %c64 = arith.constant 64 : index
    %n = arith.muli %i, %c64 : index
    %nj = arith.addi %n, %j : index
    %ni = arith.index_cast %nj : index to i32
    %nf = arith.sitofp %ni : i32 to f32
    %t = arith.addf %nf, %seed : f32
    %s = math.sin %t : f32
    %c = arith.constant 0.37 : f32
    %tc = arith.mulf %t, %c : f32
    %k = math.cos %tc : f32
    %v = arith.addf %s, %k : f32
    %w = arith.mulf %v, %scale : f32
    linalg.yield %w : f32
  } -> tensor<8x64xf32>
  return %x : tensor<8x64xf32>
}

func.func private @hash_bytes(%m: memref<?xi8>) -> i32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %m, %c0 : memref<?xi8>
  %basis = arith.constant -2128831035 : i32
  %prime = arith.constant 16777619 : i32
  %h = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %basis) -> i32 {
    %b = memref.load %m[%i] : memref<?xi8>
    %b32 = arith.extui %b : i8 to i32
    %x = arith.xori %acc, %b32 : i32
    %y = arith.muli %x, %prime : i32
    scf.yield %y : i32
  }
  return %h : i32
}

func.func @hash_i8(%t: tensor<?x?xi8>) {
  %m = bufferization.to_buffer %t : tensor<?x?xi8> to memref<?x?xi8>
  %f = memref.collapse_shape %m [[0, 1]] : memref<?x?xi8> into memref<?xi8>
  %h = call @hash_bytes(%f) : (memref<?xi8>) -> i32
  vector.print %h : i32
  return
}

func.func @hash_h8(%q: !h8) {
  %p:2 = qf.pack %q : !h8 -> tensor<2x8x32xi8>, tensor<2x8x1xi8>
  %c = tensor.collapse_shape %p#0 [[0, 1], [2]] : tensor<2x8x32xi8> into tensor<16x32xi8>
  %u = tensor.cast %c : tensor<16x32xi8> to tensor<?x?xi8>
  call @hash_i8(%u) : (tensor<?x?xi8>) -> ()
  %s = tensor.collapse_shape %p#1 [[0, 1], [2]] : tensor<2x8x1xi8> into tensor<16x1xi8>
  %v = tensor.cast %s : tensor<16x1xi8> to tensor<?x?xi8>
  call @hash_i8(%v) : (tensor<?x?xi8>) -> ()
  return
}

func.func @hash_v8(%q: !v8) {
  %p:2 = qf.pack %q : !v8 -> tensor<64x32xi8>, tensor<64x1xi8>
  %u = tensor.cast %p#0 : tensor<64x32xi8> to tensor<?x?xi8>
  call @hash_i8(%u) : (tensor<?x?xi8>) -> ()
  %v = tensor.cast %p#1 : tensor<64x1xi8> to tensor<?x?xi8>
  call @hash_i8(%v) : (tensor<?x?xi8>) -> ()
  return
}

func.func @main() {
  %s0 = arith.constant 0.0 : f32
  %s1 = arith.constant 1.5 : f32
  %s2 = arith.constant 3.25 : f32
  %one = arith.constant 1.0 : f32
  %big = arith.constant 4.0 : f32
  %x = call @gen(%s0, %big) : (f32, f32) -> tensor<8x64xf32>
  %y = call @gen(%s1, %one) : (f32, f32) -> tensor<8x64xf32>
  %z = call @gen(%s2, %big) : (f32, f32) -> tensor<8x64xf32>
  %xq = tensor.expand_shape %x [[0], [1, 2]] output_shape [8, 2, 32] : tensor<8x64xf32> into tensor<8x2x32xf32>
  %e3 = tensor.empty() : tensor<2x8x32xf32>
  %qt = linalg.transpose ins(%xq : tensor<8x2x32xf32>) outs(%e3 : tensor<2x8x32xf32>) permutation = [1, 0, 2]
  %yk = tensor.expand_shape %y [[0], [1, 2]] output_shape [8, 2, 32] : tensor<8x64xf32> into tensor<8x2x32xf32>
  %kt = linalg.transpose ins(%yk : tensor<8x2x32xf32>) outs(%e3 : tensor<2x8x32xf32>) permutation = [1, 0, 2]
  %q = qf.quantize %qt : tensor<2x8x32xf32> -> !h8
  %k = qf.quantize %kt : tensor<2x8x32xf32> -> !h8
  %z16 = tensor.extract_slice %z[0, 0] [8, 16] [1, 1] : tensor<8x64xf32> to tensor<8x16xf32>
  %z3 = tensor.expand_shape %z16 [[0], [1, 2]] output_shape [8, 2, 8] : tensor<8x16xf32> into tensor<8x2x8xf32>
  %em = tensor.empty() : tensor<2x8x8xf32>
  %mask = linalg.transpose ins(%z3 : tensor<8x2x8xf32>) outs(%em : tensor<2x8x8xf32>) permutation = [1, 0, 2]

  // CHECK: [[P0:-?[0-9]+]]
  // CHECK-NEXT: [[P1:-?[0-9]+]]
  // CHECK-NEXT: [[P2:-?[0-9]+]]
  // CHECK-NEXT: [[P3:-?[0-9]+]]
  // CHECK-NEXT: [[P0]]
  // CHECK-NEXT: [[P1]]
  // CHECK-NEXT: [[P2]]
  // CHECK-NEXT: [[P3]]
  %f:2 = call @softmax_fused(%q, %k, %mask) : (!h8, !h8, tensor<2x8x8xf32>) -> (!h8, !h8)
  call @hash_h8(%f#0) : (!h8) -> ()
  call @hash_h8(%f#1) : (!h8) -> ()
  %r:2 = call @softmax_ref(%q, %k, %mask) : (!h8, !h8, tensor<2x8x8xf32>) -> (!h8, !h8)
  call @hash_h8(%r#0) : (!h8) -> ()
  call @hash_h8(%r#1) : (!h8) -> ()

  %wf = call @gen(%s2, %one) : (f32, f32) -> tensor<8x64xf32>
  %wt = tensor.concat dim(0) %wf, %x, %y, %z, %wf, %y, %x, %z : (tensor<8x64xf32>, tensor<8x64xf32>, tensor<8x64xf32>, tensor<8x64xf32>, tensor<8x64xf32>, tensor<8x64xf32>, tensor<8x64xf32>, tensor<8x64xf32>) -> tensor<64x64xf32>
  %w = qf.quantize %wt : tensor<64x64xf32> -> !w4
  %bt = tensor.concat dim(0) %y, %z, %x, %wf : (tensor<8x64xf32>, tensor<8x64xf32>, tensor<8x64xf32>, tensor<8x64xf32>) -> tensor<32x64xf32>
  %a = qf.quantize %x : tensor<8x64xf32> -> !a8
  %b = qf.quantize %bt : tensor<32x64xf32> -> !b8
  // CHECK-NEXT: [[V0:-?[0-9]+]]
  // CHECK-NEXT: [[V1:-?[0-9]+]]
  // CHECK-NEXT: [[V2:-?[0-9]+]]
  // CHECK-NEXT: [[V3:-?[0-9]+]]
  // CHECK-NEXT: [[V4:-?[0-9]+]]
  // CHECK-NEXT: [[V5:-?[0-9]+]]
  // CHECK-NEXT: [[V0]]
  // CHECK-NEXT: [[V1]]
  // CHECK-NEXT: [[V2]]
  // CHECK-NEXT: [[V3]]
  // CHECK-NEXT: [[V4]]
  // CHECK-NEXT: [[V5]]
  %vf:3 = call @vt_fused(%a, %b, %w) : (!a8, !b8, !w4) -> (!v8, !v8, !v8)
  call @hash_v8(%vf#0) : (!v8) -> ()
  call @hash_v8(%vf#1) : (!v8) -> ()
  call @hash_v8(%vf#2) : (!v8) -> ()
  %vr:3 = call @vt_ref(%a, %b, %w) : (!a8, !b8, !w4) -> (!v8, !v8, !v8)
  call @hash_v8(%vr#0) : (!v8) -> ()
  call @hash_v8(%vr#1) : (!v8) -> ()
  call @hash_v8(%vr#2) : (!v8) -> ()

  %w40f = tensor.extract_slice %wt[0, 0] [40, 64] [1, 1] : tensor<64x64xf32> to tensor<40x64xf32>
  %w40 = qf.quantize %w40f : tensor<40x64xf32> -> !qf.tensor<40x64xf32, mxfp4, axis = 1>
  %x40 = tensor.extract_slice %z[0, 3] [8, 40] [1, 1] : tensor<8x64xf32> to tensor<8x40xf32>
  // CHECK-NEXT: [[R0:-?[0-9]+]]
  // CHECK-NEXT: [[R0]]
  %hf = call @residual_fused(%a, %w40, %x40) : (!a8, !qf.tensor<40x64xf32, mxfp4, axis = 1>, tensor<8x40xf32>) -> tensor<8x40xf32>
  call @hash_f32(%hf) : (tensor<8x40xf32>) -> ()
  %hr = call @residual_ref(%a, %w40, %x40) : (!a8, !qf.tensor<40x64xf32, mxfp4, axis = 1>, tensor<8x40xf32>) -> tensor<8x40xf32>
  call @hash_f32(%hr) : (tensor<8x40xf32>) -> ()

  %k4f = tensor.extract_slice %kt[0, 0, 0] [2, 4, 32] [1, 1, 1] : tensor<2x8x32xf32> to tensor<2x4x32xf32>
  %k4 = qf.quantize %k4f : tensor<2x4x32xf32> -> !qf.tensor<2x4x32xf32, mxfp8, axis = 2>
  %a4f = tensor.extract_slice %y[2, 0] [4, 64] [1, 1] : tensor<8x64xf32> to tensor<4x64xf32>
  %a4 = qf.quantize %a4f : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp8, axis = 1>
  // CHECK-NEXT: [[B0:-?[0-9]+]]
  // CHECK-NEXT: [[B1:-?[0-9]+]]
  // CHECK-NEXT: [[B2:-?[0-9]+]]
  // CHECK-NEXT: [[B3:-?[0-9]+]]
  // CHECK-NEXT: [[B0]]
  // CHECK-NEXT: [[B1]]
  // CHECK-NEXT: [[B2]]
  // CHECK-NEXT: [[B3]]
  %bf:2 = call @blocks8_fused(%q, %k4, %a4, %w) : (!h8, !qf.tensor<2x4x32xf32, mxfp8, axis = 2>, !qf.tensor<4x64xf32, mxfp8, axis = 1>, !w4) -> (!s8, !t8)
  call @hash_s8(%bf#0) : (!s8) -> ()
  call @hash_t8(%bf#1) : (!t8) -> ()
  %br:2 = call @blocks8_ref(%q, %k4, %a4, %w) : (!h8, !qf.tensor<2x4x32xf32, mxfp8, axis = 2>, !qf.tensor<4x64xf32, mxfp8, axis = 1>, !w4) -> (!s8, !t8)
  call @hash_s8(%br#0) : (!s8) -> ()
  call @hash_t8(%br#1) : (!t8) -> ()
  return
}
