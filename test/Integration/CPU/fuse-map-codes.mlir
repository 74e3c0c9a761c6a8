// qf-fuse-requantize keeps the codes: every function below is compiled
// unfused and fused (qf.map / qf.fused_matmul), and both programs print the
// same hashes of the codes, scales and f32 results.
// RUN: qf-opt %s --qf-fuse-requantize=vector-width=8 | FileCheck %s --check-prefix=IR
// RUN: qf-opt %s --qf-fuse-requantize | FileCheck %s --check-prefix=IR16
// RUN: qf-opt %s --qf-cpu-pipeline=fuse=false | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils > %t.unfused
// RUN: qf-opt %s --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils > %t.fused
// RUN: qf-opt %s --qf-cpu-pipeline="vector-width=8 threads=2" | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils,%omp_lib > %t.fused8
// RUN: diff %t.unfused %t.fused
// RUN: diff %t.unfused %t.fused8
// RUN: FileCheck %s < %t.fused

!a8 = !qf.tensor<8x64xf32, mxfp8, axis = 1>
!a4 = !qf.tensor<8x64xf32, mxfp4, axis = 1>
!n4 = !qf.tensor<8x64xf32, nvfp4, axis = 1>
!c8 = !qf.tensor<8x64xf32, #qf.format<elem = f8E4M3FN, block = 8>, axis = 0>
!u8 = !qf.tensor<8x24xf32, #qf.format<elem = f8E4M3FN, block = 8>, axis = 1>
!w4 = !qf.tensor<64x64xf32, mxfp4, axis = 1>
!w8 = !qf.tensor<64x64xf32, mxfp8, axis = 1>
!k4 = !qf.tensor<64x64xf32, mxfp4, axis = 0>
!e8 = !qf.tensor<8x64xf32, #qf.format<elem = f8E4M3FN, block = 8>, axis = 1>
#id = affine_map<(i, j) -> (i, j)>
#col = affine_map<(i, j) -> (j)>
#rowb = affine_map<(i, j) -> (i)>
#par = ["parallel", "parallel"]

// IR-LABEL: func.func @bias_relu
// IR: qf.map(%{{.*}}, %{{.*}}) {indexing_maps = [#{{.*}}, #{{.*}}]} : (!qf.tensor<8x64xf32, mxfp8, axis = 1>, tensor<64xf32>) -> !qf.tensor<8x64xf32, mxfp4, axis = 1>
// IR-NOT: linalg.generic
// IR-LABEL: func.func @gelu
func.func @bias_relu(%q: !a8, %bias: tensor<64xf32>) -> !a4 {
  %d = qf.dequantize %q : !a8 -> tensor<8x64xf32>
  %e = tensor.empty() : tensor<8x64xf32>
  %zero = arith.constant 0.0 : f32
  %r = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = #par} ins(%d, %bias : tensor<8x64xf32>, tensor<64xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%x: f32, %b: f32, %o: f32):
    %s = arith.addf %x, %b : f32
    %m = arith.maximumf %s, %zero : f32
    linalg.yield %m : f32
  } -> tensor<8x64xf32>
  %q2 = qf.quantize %r : tensor<8x64xf32> -> !a4
  return %q2 : !a4
}

// GELU (erf and tanh forms, one generic each, chained), per-row scale.
// IR: qf.map
// IR-NOT: linalg.generic
// IR-LABEL: func.func @silu_static
func.func @gelu(%q: !a8, %rs: tensor<8xf32>) -> !n4 {
  %d = qf.dequantize %q : !a8 -> tensor<8x64xf32>
  %e = tensor.empty() : tensor<8x64xf32>
  %g = linalg.generic {indexing_maps = [#id, #id], iterator_types = #par} ins(%d : tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%x: f32, %o: f32):
    %h = arith.constant 0.5 : f32
    %one = arith.constant 1.0 : f32
    %is2 = arith.constant 0.70710678 : f32
    %xs = arith.mulf %x, %is2 : f32
    %er = math.erf %xs : f32
    %p = arith.addf %one, %er : f32
    %hx = arith.mulf %h, %x : f32
    %y = arith.mulf %hx, %p : f32
    linalg.yield %y : f32
  } -> tensor<8x64xf32>
  %t = linalg.generic {indexing_maps = [#id, #rowb, #id], iterator_types = #par} ins(%g, %rs : tensor<8x64xf32>, tensor<8xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%x: f32, %s: f32, %o: f32):
    %c = arith.constant 0.79788456 : f32
    %th = math.tanh %x : f32
    %y = arith.mulf %th, %c : f32
    %z = arith.addf %y, %x : f32
    %w = arith.mulf %z, %s : f32
    linalg.yield %w : f32
  } -> tensor<8x64xf32>
  %q2 = qf.quantize %t : tensor<8x64xf32> -> !n4
  return %q2 : !n4
}

// SiLU into static scales.
// IR: qf.map(%{{.*}}) scales(%{{.*}} : tensor<8x2xi8>)
// IR-LABEL: func.func @residual
func.func @silu_static(%q: !a8, %sc: tensor<8x2xi8>) -> !a4 {
  %d = qf.dequantize %q : !a8 -> tensor<8x64xf32>
  %e = tensor.empty() : tensor<8x64xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = #par} ins(%d : tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%x: f32, %o: f32):
    %n = arith.negf %x : f32
    %ex = math.exp %n : f32
    %one = arith.constant 1.0 : f32
    %den = arith.addf %one, %ex : f32
    %s = arith.divf %x, %den : f32
    linalg.yield %s : f32
  } -> tensor<8x64xf32>
  %q2 = qf.quantize %r scales(%sc : tensor<8x2xi8>) : tensor<8x64xf32> -> !a4
  return %q2 : !a4
}

// Residual add of two quantized inputs: quantized (blocks along axis 0:
// the lane kernel) and f32 results.
// IR: qf.map(%{{.*}}, %{{.*}}) : (!qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<8x64xf32, mxfp4, axis = 1>) -> !qf.tensor<8x64xf32, #qf.format<elem = f8E4M3FN, block = 8{{.*}}>, axis = 0>
// IR: qf.map(%{{.*}}, %{{.*}}) : (!qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<8x64xf32, mxfp4, axis = 1>) -> tensor<8x64xf32>
// IR-LABEL: func.func @scaled_unaligned
func.func @residual(%a: !a8, %b: !a4) -> (!c8, tensor<8x64xf32>) {
  %da = qf.dequantize %a : !a8 -> tensor<8x64xf32>
  %db = qf.dequantize %b : !a4 -> tensor<8x64xf32>
  %e = tensor.empty() : tensor<8x64xf32>
  %s = linalg.add ins(%da, %db : tensor<8x64xf32>, tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) -> tensor<8x64xf32>
  %q = qf.quantize %s : tensor<8x64xf32> -> !c8
  %s2 = linalg.sub ins(%da, %db : tensor<8x64xf32>, tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) -> tensor<8x64xf32>
  return %q, %s2 : !c8, tensor<8x64xf32>
}

// Scaling with rows of 24 (not a multiple of the vector width): the
// lowering takes the unfused path inside the fused op.
// IR: qf.map
func.func @scaled_unaligned(%x: tensor<8x24xf32>) -> !u8 {
  %e = tensor.empty() : tensor<8x24xf32>
  %r = linalg.generic {indexing_maps = [#id, #id], iterator_types = #par} ins(%x : tensor<8x24xf32>) outs(%e : tensor<8x24xf32>) {
  ^bb0(%v: f32, %o: f32):
    %c = arith.constant 0.375 : f32
    %m = arith.mulf %v, %c : f32
    linalg.yield %m : f32
  } -> tensor<8x24xf32>
  %q = qf.quantize %r : tensor<8x24xf32> -> !u8
  return %q : !u8
}

// Matmul epilogue: SwiGLU-style gate, and a plain quantize of a product.
// IR-LABEL: func.func @epilogue
// IR: qf.fused_matmul %{{.*}}, %{{.*}} transpose_b epilogue(%{{.*}} : tensor<8x64xf32>)
// IR: qf.fused_matmul %{{.*}}, %{{.*}} transpose_b :
func.func @epilogue(%a: !a8, %w: !w4, %gate: tensor<8x64xf32>, %w2: !w4) -> (!a8, !a4) {
  %c = qf.matmul %a, %w transpose_b : !a8, !w4 -> tensor<8x64xf32>
  %e = tensor.empty() : tensor<8x64xf32>
  %h = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = #par} ins(%gate, %c : tensor<8x64xf32>, tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%g: f32, %u: f32, %o: f32):
    %n = arith.negf %g : f32
    %ex = math.exp %n : f32
    %one = arith.constant 1.0 : f32
    %den = arith.addf %one, %ex : f32
    %s = arith.divf %g, %den : f32
    %y = arith.mulf %s, %u : f32
    linalg.yield %y : f32
  } -> tensor<8x64xf32>
  %q = qf.quantize %h : tensor<8x64xf32> -> !a8
  %c2 = qf.matmul %a, %w2 transpose_b : !a8, !w4 -> tensor<8x64xf32>
  %q2 = qf.quantize %c2 : tensor<8x64xf32> -> !a4
  return %q, %q2 : !a8, !a4
}

// Dual GEMM (SwiGLU): gate and up share the quantized input, so both
// products run in one kernel and the gate is never stored. Gate and up in
// different formats (each product keeps its own summation scheme), with and
// without transpose_b; the E4M3 block-8 result goes into the epilogue only
// for a target with vector-width=8 (the CPU encodes whole vectors per
// block); at 16 the products stay qf.matmul and the SwiGLU a qf.map.
// IR16-LABEL: func.func @dual
// IR16: qf.fused_matmul
// IR16: qf.matmul
// IR16: qf.matmul
// IR16: qf.map
// IR16-SAME: #qf.format<elem = f8E4M3FN, block = 8
// IR16: return
// IR-LABEL: func.func @dual
// IR: qf.fused_matmul %{{.*}}, %{{.*}}, %{{.*}} transpose_b : !qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<64x64xf32, mxfp4, axis = 1>, !qf.tensor<64x64xf32, mxfp8, axis = 1> -> !qf.tensor<8x64xf32, mxfp8, axis = 1>
// IR: qf.fused_matmul %{{.*}}, %{{.*}}, %{{.*}} : !qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<64x64xf32, mxfp4, axis = 0>, !qf.tensor<64x64xf32, mxfp4, axis = 0> -> !qf.tensor<8x64xf32, #qf.format<elem = f8E4M3FN, block = 8{{.*}}>, axis = 1>
// IR-NOT: qf.matmul
// IR: return
func.func @dual(%a: !a8, %wg: !w4, %wu: !w8, %kg: !k4, %ku: !k4) -> (!a8, !e8) {
  %g = qf.matmul %a, %wg transpose_b : !a8, !w4 -> tensor<8x64xf32>
  %u = qf.matmul %a, %wu transpose_b : !a8, !w8 -> tensor<8x64xf32>
  %e = tensor.empty() : tensor<8x64xf32>
  %h = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = #par} ins(%g, %u : tensor<8x64xf32>, tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %n = arith.negf %x : f32
    %ex = math.exp %n : f32
    %one = arith.constant 1.0 : f32
    %den = arith.addf %one, %ex : f32
    %s = arith.divf %x, %den : f32
    %r = arith.mulf %s, %y : f32
    linalg.yield %r : f32
  } -> tensor<8x64xf32>
  %q = qf.quantize %h : tensor<8x64xf32> -> !a8
  %g2 = qf.matmul %a, %kg : !a8, !k4 -> tensor<8x64xf32>
  %u2 = qf.matmul %a, %ku : !a8, !k4 -> tensor<8x64xf32>
  %h2 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = #par} ins(%g2, %u2 : tensor<8x64xf32>, tensor<8x64xf32>) outs(%e : tensor<8x64xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %m = arith.mulf %x, %y : f32
    %r = arith.subf %m, %y : f32
    linalg.yield %r : f32
  } -> tensor<8x64xf32>
  %q2 = qf.quantize %h2 : tensor<8x64xf32> -> !e8
  return %q, %q2 : !a8, !e8
}

// Head split / merge: the quantize moves before the reshape and transpose
// (qf.reshape / qf.transpose move codes and scales on the storage), 4-bit
// codes in the matmul epilogue. The second product's split and merge cancel
// (the pass composes the two transposes, the reshapes fold), so NVFP4 with
// its tensor scale from the data is encoded in the product's epilogue
// (staged rows and their amax).
// IR-LABEL: func.func @heads
// IR: %[[F:.*]] = qf.fused_matmul
// IR: %[[R:.*]] = qf.reshape %[[F]] : !qf.tensor<8x64xf32, mxfp4, axis = 1> -> !qf.tensor<8x2x32xf32, mxfp4, axis = 2>
// IR: qf.transpose %[[R]] permutation = [1, 0, 2] : !qf.tensor<8x2x32xf32, mxfp4, axis = 2> -> !qf.tensor<2x8x32xf32, mxfp4, axis = 2>
// IR: %[[N:.*]] = qf.fused_matmul {{.*}} -> !qf.tensor<8x64xf32, nvfp4, axis = 1>
// IR-NOT: linalg.transpose
// IR: return %{{.*}}, %[[N]]
// IR: return
func.func @heads(%a: !a8, %w: !w4, %w2: !w4) -> (!qf.tensor<2x8x32xf32, mxfp4, axis = 2>, !n4) {
  %c = qf.matmul %a, %w transpose_b : !a8, !w4 -> tensor<8x64xf32>
  %x = tensor.expand_shape %c [[0], [1, 2]] output_shape [8, 2, 32] : tensor<8x64xf32> into tensor<8x2x32xf32>
  %e = tensor.empty() : tensor<2x8x32xf32>
  %t = linalg.transpose ins(%x : tensor<8x2x32xf32>) outs(%e : tensor<2x8x32xf32>) permutation = [1, 0, 2]
  %q = qf.quantize %t : tensor<2x8x32xf32> -> !qf.tensor<2x8x32xf32, mxfp4, axis = 2>
  %c2 = qf.matmul %a, %w2 transpose_b : !a8, !w4 -> tensor<8x64xf32>
  %x2 = tensor.expand_shape %c2 [[0], [1, 2]] output_shape [8, 2, 32] : tensor<8x64xf32> into tensor<8x2x32xf32>
  %t2 = linalg.transpose ins(%x2 : tensor<8x2x32xf32>) outs(%e : tensor<2x8x32xf32>) permutation = [1, 0, 2]
  %e3 = tensor.empty() : tensor<8x2x32xf32>
  %t3 = linalg.transpose ins(%t2 : tensor<2x8x32xf32>) outs(%e3 : tensor<8x2x32xf32>) permutation = [1, 0, 2]
  %m = tensor.collapse_shape %t3 [[0], [1, 2]] : tensor<8x2x32xf32> into tensor<8x64xf32>
  %q2 = qf.quantize %m : tensor<8x64xf32> -> !n4
  return %q, %q2 : !qf.tensor<2x8x32xf32, mxfp4, axis = 2>, !n4
}

//===--- driver ---===//

func.func @gen(%seed: f32, %scale: f32) -> tensor<8x64xf32> {
  %e = tensor.empty() : tensor<8x64xf32>
  %x = linalg.generic {indexing_maps = [#id], iterator_types = #par} outs(%e : tensor<8x64xf32>) {
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

func.func @hash_f32(%t: tensor<8x64xf32>) {
  %m = bufferization.to_buffer %t : tensor<8x64xf32> to memref<8x64xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c64 = arith.constant 64 : index
  %basis = arith.constant -2128831035 : i32
  %prime = arith.constant 16777619 : i32
  %h = scf.for %r = %c0 to %c8 step %c1 iter_args(%a0 = %basis) -> i32 {
    %h2 = scf.for %c = %c0 to %c64 step %c1 iter_args(%acc = %a0) -> i32 {
      %f = memref.load %m[%r, %c] : memref<8x64xf32>
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

func.func @main() {
  %s0 = arith.constant 0.0 : f32
  %s1 = arith.constant 1.5 : f32
  %s2 = arith.constant 3.25 : f32
  %one = arith.constant 1.0 : f32
  %big = arith.constant 4.0 : f32
  %x = call @gen(%s0, %big) : (f32, f32) -> tensor<8x64xf32>
  %y = call @gen(%s1, %one) : (f32, f32) -> tensor<8x64xf32>
  %z = call @gen(%s2, %big) : (f32, f32) -> tensor<8x64xf32>
  %qa = qf.quantize %x : tensor<8x64xf32> -> !a8
  %qb = qf.quantize %y : tensor<8x64xf32> -> !a4
  %xs = tensor.extract_slice %y[0, 0] [1, 64] [1, 1] : tensor<8x64xf32> to tensor<64xf32>
  %rs = tensor.extract_slice %z[0, 0] [8, 1] [1, 1] : tensor<8x64xf32> to tensor<8xf32>

  %r1 = call @bias_relu(%qa, %xs) : (!a8, tensor<64xf32>) -> !a4
  %p1:2 = qf.pack %r1 : !a4 -> tensor<8x32xi8>, tensor<8x2xi8>
  %u1 = tensor.cast %p1#0 : tensor<8x32xi8> to tensor<?x?xi8>
  call @hash_i8(%u1) : (tensor<?x?xi8>) -> ()
  %v1 = tensor.cast %p1#1 : tensor<8x2xi8> to tensor<?x?xi8>
  call @hash_i8(%v1) : (tensor<?x?xi8>) -> ()

  %r2 = call @gelu(%qa, %rs) : (!a8, tensor<8xf32>) -> !n4
  %p2:3 = qf.pack %r2 : !n4 -> tensor<8x32xi8>, tensor<8x4xi8>, tensor<f32>
  %u2 = tensor.cast %p2#0 : tensor<8x32xi8> to tensor<?x?xi8>
  call @hash_i8(%u2) : (tensor<?x?xi8>) -> ()
  %v2 = tensor.cast %p2#1 : tensor<8x4xi8> to tensor<?x?xi8>
  call @hash_i8(%v2) : (tensor<?x?xi8>) -> ()
  %g2 = tensor.extract %p2#2[] : tensor<f32>
  vector.print %g2 : f32

  // Static scales 2^0 (0x7F) and 2^-1 (0x7E) alternating.
  %sc = arith.constant dense<[[127, 126], [127, 126], [127, 126], [127, 126], [127, 126], [127, 126], [127, 126], [127, 126]]> : tensor<8x2xi8>
  %r3 = call @silu_static(%qa, %sc) : (!a8, tensor<8x2xi8>) -> !a4
  %p3:2 = qf.pack %r3 : !a4 -> tensor<8x32xi8>, tensor<8x2xi8>
  %u3 = tensor.cast %p3#0 : tensor<8x32xi8> to tensor<?x?xi8>
  call @hash_i8(%u3) : (tensor<?x?xi8>) -> ()

  %r4:2 = call @residual(%qa, %qb) : (!a8, !a4) -> (!c8, tensor<8x64xf32>)
  %p4:2 = qf.pack %r4#0 : !c8 -> tensor<8x64xi8>, tensor<64x1xi8>
  %u4 = tensor.cast %p4#0 : tensor<8x64xi8> to tensor<?x?xi8>
  call @hash_i8(%u4) : (tensor<?x?xi8>) -> ()
  %v4 = tensor.cast %p4#1 : tensor<64x1xi8> to tensor<?x?xi8>
  call @hash_i8(%v4) : (tensor<?x?xi8>) -> ()
  call @hash_f32(%r4#1) : (tensor<8x64xf32>) -> ()

  %x24 = tensor.extract_slice %x[0, 0] [8, 24] [1, 1] : tensor<8x64xf32> to tensor<8x24xf32>
  %r5 = call @scaled_unaligned(%x24) : (tensor<8x24xf32>) -> !u8
  %p5:2 = qf.pack %r5 : !u8 -> tensor<8x24xi8>, tensor<8x3xi8>
  %u5 = tensor.cast %p5#0 : tensor<8x24xi8> to tensor<?x?xi8>
  call @hash_i8(%u5) : (tensor<?x?xi8>) -> ()

  %wf = call @gen(%s2, %one) : (f32, f32) -> tensor<8x64xf32>
  %wt = tensor.concat dim(0) %wf, %x, %y, %z, %wf, %y, %x, %z : (tensor<8x64xf32>, tensor<8x64xf32>, tensor<8x64xf32>, tensor<8x64xf32>, tensor<8x64xf32>, tensor<8x64xf32>, tensor<8x64xf32>, tensor<8x64xf32>) -> tensor<64x64xf32>
  %w = qf.quantize %wt : tensor<64x64xf32> -> !w4
  %r6:2 = call @epilogue(%qa, %w, %y, %w) : (!a8, !w4, tensor<8x64xf32>, !w4) -> (!a8, !a4)
  %p6:2 = qf.pack %r6#0 : !a8 -> tensor<8x64xi8>, tensor<8x2xi8>
  %u6 = tensor.cast %p6#0 : tensor<8x64xi8> to tensor<?x?xi8>
  call @hash_i8(%u6) : (tensor<?x?xi8>) -> ()
  %v6 = tensor.cast %p6#1 : tensor<8x2xi8> to tensor<?x?xi8>
  call @hash_i8(%v6) : (tensor<?x?xi8>) -> ()
  %p7:2 = qf.pack %r6#1 : !a4 -> tensor<8x32xi8>, tensor<8x2xi8>
  %u7 = tensor.cast %p7#0 : tensor<8x32xi8> to tensor<?x?xi8>
  call @hash_i8(%u7) : (tensor<?x?xi8>) -> ()

  %w8 = qf.quantize %wt : tensor<64x64xf32> -> !w8
  %k4 = qf.quantize %wt : tensor<64x64xf32> -> !k4
  %wt2 = tensor.concat dim(0) %y, %x, %wf, %z, %x, %wf, %z, %y : (tensor<8x64xf32>, tensor<8x64xf32>, tensor<8x64xf32>, tensor<8x64xf32>, tensor<8x64xf32>, tensor<8x64xf32>, tensor<8x64xf32>, tensor<8x64xf32>) -> tensor<64x64xf32>
  %k4b = qf.quantize %wt2 : tensor<64x64xf32> -> !k4
  %k4b_w = qf.quantize %wt2 : tensor<64x64xf32> -> !w4
  %r8:2 = call @dual(%qa, %w, %w8, %k4, %k4b) : (!a8, !w4, !w8, !k4, !k4) -> (!a8, !e8)
  %p8:2 = qf.pack %r8#0 : !a8 -> tensor<8x64xi8>, tensor<8x2xi8>
  %u8 = tensor.cast %p8#0 : tensor<8x64xi8> to tensor<?x?xi8>
  call @hash_i8(%u8) : (tensor<?x?xi8>) -> ()
  %v8 = tensor.cast %p8#1 : tensor<8x2xi8> to tensor<?x?xi8>
  call @hash_i8(%v8) : (tensor<?x?xi8>) -> ()
  %p9:2 = qf.pack %r8#1 : !e8 -> tensor<8x64xi8>, tensor<8x8xi8>
  %u9 = tensor.cast %p9#0 : tensor<8x64xi8> to tensor<?x?xi8>
  call @hash_i8(%u9) : (tensor<?x?xi8>) -> ()
  %v9 = tensor.cast %p9#1 : tensor<8x8xi8> to tensor<?x?xi8>
  call @hash_i8(%v9) : (tensor<?x?xi8>) -> ()

  %r10:2 = call @heads(%qa, %w, %k4b_w) : (!a8, !w4, !w4) -> (!qf.tensor<2x8x32xf32, mxfp4, axis = 2>, !n4)
  %p10:2 = qf.pack %r10#0 : !qf.tensor<2x8x32xf32, mxfp4, axis = 2> -> tensor<2x8x16xi8>, tensor<2x8x1xi8>
  %c10 = tensor.collapse_shape %p10#0 [[0, 1], [2]] : tensor<2x8x16xi8> into tensor<16x16xi8>
  %u10 = tensor.cast %c10 : tensor<16x16xi8> to tensor<?x?xi8>
  call @hash_i8(%u10) : (tensor<?x?xi8>) -> ()
  %s10 = tensor.collapse_shape %p10#1 [[0, 1], [2]] : tensor<2x8x1xi8> into tensor<16x1xi8>
  %v10 = tensor.cast %s10 : tensor<16x1xi8> to tensor<?x?xi8>
  call @hash_i8(%v10) : (tensor<?x?xi8>) -> ()
  %p11:3 = qf.pack %r10#1 : !n4 -> tensor<8x32xi8>, tensor<8x4xi8>, tensor<f32>
  %u11 = tensor.cast %p11#0 : tensor<8x32xi8> to tensor<?x?xi8>
  call @hash_i8(%u11) : (tensor<?x?xi8>) -> ()
  %v11 = tensor.cast %p11#1 : tensor<8x4xi8> to tensor<?x?xi8>
  call @hash_i8(%v11) : (tensor<?x?xi8>) -> ()
  %g11 = tensor.extract %p11#2[] : tensor<f32>
  vector.print %g11 : f32
  return
}
// 22 lines: hashes and the NVFP4 tensor scales.
// CHECK-COUNT-22: {{^-?[0-9.e+-]+$}}
