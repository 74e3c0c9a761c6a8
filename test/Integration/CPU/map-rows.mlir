// qf.map with row reductions (qf.row_reduce over the result's last axis),
// lowered to CPU kernels and compared with the unfused programs written out
// by hand (linalg reductions over the last axis, an elementwise generic,
// qf.quantize): RMSNorm quantized to mxfp8 and to a format with blocks of
// 8, RMSNorm of a quantized input, and LayerNorm (mean, then the variance
// of x - mean, kept per row in a stash) with an f32 result of rows of 40
// (2 chunks and a tail at width 16), also with a dynamic number of rows.
// Each pair prints the same hashes of
// codes and scales (or of the f32 bits). Blocks of 8 are not whole 16-lane
// chunks: at vector-width 16 that map lowers to the unfused program, at
// vector-width 8 to the row kernel; same bits. fuse=false: the reference
// programs stay unfused.
// RUN: qf-opt %s --qf-cpu-pipeline=fuse=false | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
// RUN: qf-opt %s --qf-cpu-pipeline="fuse=false vector-width=8 threads=2" | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils,%omp_lib | FileCheck %s
// RUN: qf-opt %s --qf-cpu-pipeline="fuse=false vector-width=8" | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

!m8 = !qf.tensor<8x64xf32, mxfp8, axis = 1>
!b8 = !qf.tensor<8x64xf32, #qf.format<elem = f8E4M3FN, block = 8>, axis = 1>
#id = affine_map<(i, j) -> (i, j)>
#red = affine_map<(i, j) -> (i)>
#col = affine_map<(i, j) -> (j)>

//===--- RMSNorm ---===//

func.func @rms_fused(%x: tensor<8x64xf32>, %g: tensor<64xf32>, %xq: !m8) -> (!m8, !b8, !m8) {
  %y = qf.map(%x, %g) {indexing_maps = [#id, #col]} : (tensor<8x64xf32>, tensor<64xf32>) -> !m8 {
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
  %y8 = qf.map(%x, %g) {indexing_maps = [#id, #col]} : (tensor<8x64xf32>, tensor<64xf32>) -> !b8 {
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
  // A quantized input: decoded, then reduced and normalized.
  %yq = qf.map(%xq, %g) {indexing_maps = [#id, #col]} : (!m8, tensor<64xf32>) -> !m8 {
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
  return %y, %y8, %yq : !m8, !b8, !m8
}

func.func @rms_rows(%x: tensor<8x64xf32>, %g: tensor<64xf32>) -> tensor<8x64xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  %ss = linalg.generic {indexing_maps = [#id, #red], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<8x64xf32>) outs(%z : tensor<8xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %sq = arith.mulf %v, %v : f32
    %s = arith.addf %acc, %sq : f32
    linalg.yield %s : f32
  } -> tensor<8xf32>
  %o = tensor.empty() : tensor<8x64xf32>
  %y = linalg.generic {indexing_maps = [#id, #red, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %ss, %g : tensor<8x64xf32>, tensor<8xf32>, tensor<64xf32>) outs(%o : tensor<8x64xf32>) {
  ^bb0(%v: f32, %s: f32, %gv: f32, %out: f32):
    %n = arith.constant 64.0 : f32
    %eps = arith.constant 1.0e-5 : f32
    %m = arith.divf %s, %n : f32
    %me = arith.addf %m, %eps : f32
    %r = math.rsqrt %me : f32
    %xr = arith.mulf %v, %r : f32
    %w = arith.mulf %xr, %gv : f32
    linalg.yield %w : f32
  } -> tensor<8x64xf32>
  return %y : tensor<8x64xf32>
}

func.func @rms_ref(%x: tensor<8x64xf32>, %g: tensor<64xf32>, %xq: !m8) -> (!m8, !b8, !m8) {
  %n = call @rms_rows(%x, %g) : (tensor<8x64xf32>, tensor<64xf32>) -> tensor<8x64xf32>
  %y = qf.quantize %n : tensor<8x64xf32> -> !m8
  %y8 = qf.quantize %n : tensor<8x64xf32> -> !b8
  %xd = qf.dequantize %xq : !m8 -> tensor<8x64xf32>
  %nq = call @rms_rows(%xd, %g) : (tensor<8x64xf32>, tensor<64xf32>) -> tensor<8x64xf32>
  %yq = qf.quantize %nq : tensor<8x64xf32> -> !m8
  return %y, %y8, %yq : !m8, !b8, !m8
}

//===--- LayerNorm, f32 rows of 40 ---===//

func.func @ln_fused(%x: tensor<8x40xf32>, %g: tensor<40xf32>, %b: tensor<40xf32>) -> tensor<8x40xf32> {
  %y = qf.map(%x, %g, %b) {indexing_maps = [#id, #col, #col]} : (tensor<8x40xf32>, tensor<40xf32>, tensor<40xf32>) -> tensor<8x40xf32> {
  ^bb0(%v: f32, %gv: f32, %bv: f32):
    %zero = arith.constant 0.0 : f32
    %sum = qf.row_reduce %v init(%zero) {
    ^bb0(%e: f32, %acc: f32):
      %s = arith.addf %e, %acc : f32
      qf.yield %s : f32
    }
    %n = arith.constant 40.0 : f32
    %mean = arith.divf %sum, %n : f32
    %d = arith.subf %v, %mean : f32
    %var = qf.row_reduce %d init(%zero) {
    ^bb0(%e: f32, %acc: f32):
      %sq = arith.mulf %e, %e : f32
      %s = arith.addf %acc, %sq : f32
      qf.yield %s : f32
    }
    %eps = arith.constant 1.0e-5 : f32
    %vm = arith.divf %var, %n : f32
    %ve = arith.addf %vm, %eps : f32
    %r = math.rsqrt %ve : f32
    %dr = arith.mulf %d, %r : f32
    %dg = arith.mulf %dr, %gv : f32
    %o = arith.addf %dg, %bv : f32
    qf.yield %o : f32
  }
  return %y : tensor<8x40xf32>
}

// The same with a dynamic number of rows.
func.func @ln_fused_dyn(%x: tensor<?x40xf32>, %g: tensor<40xf32>, %b: tensor<40xf32>) -> tensor<?x40xf32> {
  %y = qf.map(%x, %g, %b) {indexing_maps = [#id, #col, #col]} : (tensor<?x40xf32>, tensor<40xf32>, tensor<40xf32>) -> tensor<?x40xf32> {
  ^bb0(%v: f32, %gv: f32, %bv: f32):
    %zero = arith.constant 0.0 : f32
    %sum = qf.row_reduce %v init(%zero) {
    ^bb0(%e: f32, %acc: f32):
      %s = arith.addf %e, %acc : f32
      qf.yield %s : f32
    }
    %n = arith.constant 40.0 : f32
    %mean = arith.divf %sum, %n : f32
    %d = arith.subf %v, %mean : f32
    %var = qf.row_reduce %d init(%zero) {
    ^bb0(%e: f32, %acc: f32):
      %sq = arith.mulf %e, %e : f32
      %s = arith.addf %acc, %sq : f32
      qf.yield %s : f32
    }
    %eps = arith.constant 1.0e-5 : f32
    %vm = arith.divf %var, %n : f32
    %ve = arith.addf %vm, %eps : f32
    %r = math.rsqrt %ve : f32
    %dr = arith.mulf %d, %r : f32
    %dg = arith.mulf %dr, %gv : f32
    %o = arith.addf %dg, %bv : f32
    qf.yield %o : f32
  }
  return %y : tensor<?x40xf32>
}

func.func @ln_ref(%x: tensor<8x40xf32>, %g: tensor<40xf32>, %b: tensor<40xf32>) -> tensor<8x40xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  %sum = linalg.generic {indexing_maps = [#id, #red], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<8x40xf32>) outs(%z : tensor<8xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %s = arith.addf %v, %acc : f32
    linalg.yield %s : f32
  } -> tensor<8xf32>
  %o = tensor.empty() : tensor<8x40xf32>
  %d = linalg.generic {indexing_maps = [#id, #red, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %sum : tensor<8x40xf32>, tensor<8xf32>) outs(%o : tensor<8x40xf32>) {
  ^bb0(%v: f32, %s: f32, %out: f32):
    %n = arith.constant 40.0 : f32
    %mean = arith.divf %s, %n : f32
    %dd = arith.subf %v, %mean : f32
    linalg.yield %dd : f32
  } -> tensor<8x40xf32>
  %var = linalg.generic {indexing_maps = [#id, #red], iterator_types = ["parallel", "reduction"]} ins(%d : tensor<8x40xf32>) outs(%z : tensor<8xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %sq = arith.mulf %v, %v : f32
    %s = arith.addf %acc, %sq : f32
    linalg.yield %s : f32
  } -> tensor<8xf32>
  %y = linalg.generic {indexing_maps = [#id, #red, #col, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%d, %var, %g, %b : tensor<8x40xf32>, tensor<8xf32>, tensor<40xf32>, tensor<40xf32>) outs(%o : tensor<8x40xf32>) {
  ^bb0(%dv: f32, %vr: f32, %gv: f32, %bv: f32, %out: f32):
    %n = arith.constant 40.0 : f32
    %eps = arith.constant 1.0e-5 : f32
    %vm = arith.divf %vr, %n : f32
    %ve = arith.addf %vm, %eps : f32
    %r = math.rsqrt %ve : f32
    %dr = arith.mulf %dv, %r : f32
    %dg = arith.mulf %dr, %gv : f32
    %w = arith.addf %dg, %bv : f32
    linalg.yield %w : f32
  } -> tensor<8x40xf32>
  return %y : tensor<8x40xf32>
}

//===--- hashes and data ---===//

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

func.func @hash_m8(%q: !m8) {
  %p:2 = qf.pack %q : !m8 -> tensor<8x64xi8>, tensor<8x2xi8>
  %u = tensor.cast %p#0 : tensor<8x64xi8> to tensor<?x?xi8>
  call @hash_i8(%u) : (tensor<?x?xi8>) -> ()
  %v = tensor.cast %p#1 : tensor<8x2xi8> to tensor<?x?xi8>
  call @hash_i8(%v) : (tensor<?x?xi8>) -> ()
  return
}

func.func @hash_b8(%q: !b8) {
  %p:2 = qf.pack %q : !b8 -> tensor<8x64xi8>, tensor<8x8xi8>
  %u = tensor.cast %p#0 : tensor<8x64xi8> to tensor<?x?xi8>
  call @hash_i8(%u) : (tensor<?x?xi8>) -> ()
  %v = tensor.cast %p#1 : tensor<8x8xi8> to tensor<?x?xi8>
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

func.func @main() {
  %s0 = arith.constant 0.0 : f32
  %s1 = arith.constant 1.5 : f32
  %s2 = arith.constant 3.25 : f32
  %one = arith.constant 1.0 : f32
  %big = arith.constant 4.0 : f32
  %x = call @gen(%s0, %big) : (f32, f32) -> tensor<8x64xf32>
  %y = call @gen(%s1, %one) : (f32, f32) -> tensor<8x64xf32>
  %z = call @gen(%s2, %big) : (f32, f32) -> tensor<8x64xf32>
  %g = tensor.extract_slice %y[3, 0] [1, 64] [1, 1] : tensor<8x64xf32> to tensor<64xf32>
  %xq = qf.quantize %z : tensor<8x64xf32> -> !m8

  // CHECK: [[R0:-?[0-9]+]]
  // CHECK-NEXT: [[R1:-?[0-9]+]]
  // CHECK-NEXT: [[R2:-?[0-9]+]]
  // CHECK-NEXT: [[R3:-?[0-9]+]]
  // CHECK-NEXT: [[R4:-?[0-9]+]]
  // CHECK-NEXT: [[R5:-?[0-9]+]]
  // CHECK-NEXT: [[R0]]
  // CHECK-NEXT: [[R1]]
  // CHECK-NEXT: [[R2]]
  // CHECK-NEXT: [[R3]]
  // CHECK-NEXT: [[R4]]
  // CHECK-NEXT: [[R5]]
  %f:3 = call @rms_fused(%x, %g, %xq) : (tensor<8x64xf32>, tensor<64xf32>, !m8) -> (!m8, !b8, !m8)
  call @hash_m8(%f#0) : (!m8) -> ()
  call @hash_b8(%f#1) : (!b8) -> ()
  call @hash_m8(%f#2) : (!m8) -> ()
  %r:3 = call @rms_ref(%x, %g, %xq) : (tensor<8x64xf32>, tensor<64xf32>, !m8) -> (!m8, !b8, !m8)
  call @hash_m8(%r#0) : (!m8) -> ()
  call @hash_b8(%r#1) : (!b8) -> ()
  call @hash_m8(%r#2) : (!m8) -> ()

  %x40 = tensor.extract_slice %z[0, 5] [8, 40] [1, 1] : tensor<8x64xf32> to tensor<8x40xf32>
  %g40 = tensor.extract_slice %y[1, 2] [1, 40] [1, 1] : tensor<8x64xf32> to tensor<40xf32>
  %b40 = tensor.extract_slice %x[6, 20] [1, 40] [1, 1] : tensor<8x64xf32> to tensor<40xf32>
  // CHECK-NEXT: [[L0:-?[0-9]+]]
  // CHECK-NEXT: [[L0]]
  %lf = call @ln_fused(%x40, %g40, %b40) : (tensor<8x40xf32>, tensor<40xf32>, tensor<40xf32>) -> tensor<8x40xf32>
  call @hash_f32(%lf) : (tensor<8x40xf32>) -> ()
  %lr = call @ln_ref(%x40, %g40, %b40) : (tensor<8x40xf32>, tensor<40xf32>, tensor<40xf32>) -> tensor<8x40xf32>
  call @hash_f32(%lr) : (tensor<8x40xf32>) -> ()
  // CHECK-NEXT: [[L0]]
  %xd = tensor.cast %x40 : tensor<8x40xf32> to tensor<?x40xf32>
  %ld = call @ln_fused_dyn(%xd, %g40, %b40) : (tensor<?x40xf32>, tensor<40xf32>, tensor<40xf32>) -> tensor<?x40xf32>
  %ls = tensor.cast %ld : tensor<?x40xf32> to tensor<8x40xf32>
  call @hash_f32(%ls) : (tensor<8x40xf32>) -> ()
  return
}
