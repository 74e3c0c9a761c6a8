// RUN: qf-opt %s --convert-qf-to-vector --split-input-file | FileCheck %s
// RUN: qf-opt %s --convert-qf-to-vector="vector-width=8" --split-input-file | FileCheck %s --check-prefix=VW8

// The kernels qf.map lowers to (docs/cpu-lowering.md): the fused kernel
// (decode, body on vectors, encode in one pass over the result), the row
// kernel for bodies with qf.row_reduce, and the unfused program where the
// fused kernels cannot encode the result. The executed tests in
// test/Integration/CPU (fuse-map-codes.mlir, map-rows.mlir) check the bits;
// these check which kernel is emitted.

// Quantized in, quantized out: one scf.parallel over rows and blocks; each
// 16-lane chunk loads 16 packed FP8 codes and the block's E8M0 byte, decodes
// them in registers, runs the body on vector<16xf32> and feeds the block
// encoder (integer amax, FP4 codes packed to 8 bytes per chunk). No f32
// buffer or tensor exists between decode and encode, and no linalg.
// CHECK-LABEL: func.func @map_q_to_q
// CHECK-SAME: (%[[P:.*]]: tensor<8x64xi8>, %[[S:.*]]: tensor<8x2xi8>) -> (tensor<8x32xi8>, tensor<8x2xi8>)
// CHECK-NOT: linalg.generic
// CHECK-NOT: tensor.empty
// CHECK-DAG: %[[PB:.*]] = bufferization.to_buffer %[[P]] read_only : tensor<8x64xi8> to memref<8x64xi8>
// CHECK-DAG: %[[PF:.*]] = memref.collapse_shape %[[PB]] {{\[}}[0, 1]] : memref<8x64xi8> into memref<512xi8>
// CHECK-DAG: %[[SB:.*]] = bufferization.to_buffer %[[S]] read_only : tensor<8x2xi8> to memref<8x2xi8>
// CHECK-DAG: %[[SF:.*]] = memref.collapse_shape %[[SB]]
// CHECK-DAG: %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<8x32xi8>
// CHECK-DAG: %[[OUTF:.*]] = memref.collapse_shape %[[OUT]] {{\[}}[0, 1]] : memref<8x32xi8> into memref<256xi8>
// CHECK-DAG: %[[OS:.*]] = memref.alloc() {alignment = 64 : i64} : memref<8x2xi8>
// CHECK-NOT: memref.alloc
// CHECK: scf.parallel (%{{.*}}, %{{.*}}) =
// CHECK-NOT: memref.alloc
// CHECK: %[[C:.*]] = vector.load %[[PF]][%{{.*}}] : memref<512xi8>, vector<16xi8>
// CHECK-NOT: memref.alloc
// CHECK: arith.extui %[[C]] : vector<16xi8> to vector<16xi32>
// CHECK-NOT: memref.alloc
// CHECK: memref.load %[[SF]][%{{.*}}] : memref<16xi8>
// CHECK-NOT: memref.alloc
// CHECK: arith.maximumf %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK-NOT: memref.alloc
// CHECK: vector.reduction <maxsi>, %{{.*}} : vector<16xi32> into i32
// CHECK-NOT: memref.alloc
// CHECK: vector.store %{{.*}}, %[[OUTF]][%{{.*}}] : memref<256xi8>, vector<8xi8>
// CHECK-NOT: memref.alloc
// CHECK: scf.reduce
// CHECK-NOT: linalg.generic
// CHECK: %[[R0:.*]] = bufferization.to_tensor %[[OUT]] restrict writable : memref<8x32xi8> to tensor<8x32xi8>
// CHECK: %[[R1:.*]] = bufferization.to_tensor %[[OS]] restrict writable : memref<8x2xi8> to tensor<8x2xi8>
// CHECK: return %[[R0]], %[[R1]]
// VW8-LABEL: func.func @map_q_to_q
// VW8-NOT: linalg.generic
// VW8: scf.parallel
// VW8: vector.load {{.*}} : memref<512xi8>, vector<8xi8>
// VW8: arith.maximumf %{{.*}}, %{{.*}} : vector<8xf32>
// VW8: vector.reduction <maxsi>, %{{.*}} : vector<8xi32> into i32
// VW8: vector.store {{.*}} : memref<256xi8>, vector<4xi8>
// VW8: scf.reduce
// VW8-NOT: linalg.generic
// VW8: return
func.func @map_q_to_q(%a: !qf.tensor<8x64xf32, mxfp8, axis = 1>)
    -> !qf.tensor<8x64xf32, mxfp4, axis = 1> {
  %r = qf.map(%a) : (!qf.tensor<8x64xf32, mxfp8, axis = 1>)
                    -> !qf.tensor<8x64xf32, mxfp4, axis = 1> {
  ^bb0(%x: f32):
    %c = arith.constant 0.0 : f32
    %m = arith.maximumf %x, %c : f32
    qf.yield %m : f32
  }
  return %r : !qf.tensor<8x64xf32, mxfp4, axis = 1>
}

// -----

// An f32 input broadcast along the rows (a bias, map (i, j) -> (j)): read
// in place with vector loads at the column index, never materialized at
// 8x64.
// CHECK-LABEL: func.func @map_bias
// CHECK-SAME: (%[[X:.*]]: tensor<8x64xf32>, %[[B:.*]]: tensor<64xf32>) -> (tensor<8x64xi8>, tensor<8x2xi8>)
// CHECK-NOT: linalg.generic
// CHECK: %[[XB:.*]] = bufferization.to_buffer %[[X]] read_only : tensor<8x64xf32> to memref<8x64xf32>
// CHECK: %[[XF:.*]] = memref.collapse_shape %[[XB]] {{\[}}[0, 1]] : memref<8x64xf32> into memref<512xf32>
// CHECK: %[[BB:.*]] = bufferization.to_buffer %[[B]] read_only : tensor<64xf32> to memref<64xf32>
// CHECK-NOT: memref.alloc{{.*}}xf32>
// CHECK: scf.parallel
// CHECK-NOT: memref.alloc
// CHECK: %[[XV:.*]] = vector.load %[[XF]][%{{.*}}] : memref<512xf32>, vector<16xf32>
// CHECK: %[[BV:.*]] = vector.load %[[BB]][%{{.*}}] : memref<64xf32>, vector<16xf32>
// CHECK: arith.addf %[[XV]], %[[BV]] : vector<16xf32>
// CHECK-NOT: memref.alloc
// CHECK: vector.reduction <maxsi>
// CHECK-NOT: memref.alloc
// CHECK: vector.store {{.*}} : memref<512xi8>, vector<16xi8>
// CHECK: scf.reduce
// CHECK-NOT: linalg.generic
// CHECK: return
// VW8-LABEL: func.func @map_bias
// VW8: vector.load {{.*}} : memref<512xf32>, vector<8xf32>
// VW8: vector.load {{.*}} : memref<64xf32>, vector<8xf32>
// VW8: arith.addf {{.*}} : vector<8xf32>
// VW8: vector.store {{.*}} : memref<512xi8>, vector<8xi8>
func.func @map_bias(%x: tensor<8x64xf32>, %b: tensor<64xf32>)
    -> !qf.tensor<8x64xf32, mxfp8, axis = 1> {
  %r = qf.map(%x, %b) {indexing_maps = [affine_map<(i, j) -> (i, j)>,
                                        affine_map<(i, j) -> (j)>]}
         : (tensor<8x64xf32>, tensor<64xf32>)
         -> !qf.tensor<8x64xf32, mxfp8, axis = 1> {
  ^bb0(%v: f32, %bv: f32):
    %s = arith.addf %v, %bv : f32
    qf.yield %s : f32
  }
  return %r : !qf.tensor<8x64xf32, mxfp8, axis = 1>
}

// -----

// An f32 result: one chunk of 16 per iteration; 16 mxint8 codes and 8 bytes
// of packed mxint4 codes decoded, added, stored. The result buffer is the
// only allocation.
// CHECK-LABEL: func.func @map_f32
// CHECK-SAME: (%[[A:.*]]: tensor<8x64xi8>, %{{.*}}: tensor<8x2xi8>, %[[B:.*]]: tensor<8x32xi8>, %{{.*}}: tensor<8x2xi8>) -> tensor<8x64xf32>
// CHECK-NOT: linalg.generic
// CHECK-DAG: %[[AB:.*]] = bufferization.to_buffer %[[A]] read_only : tensor<8x64xi8> to memref<8x64xi8>
// CHECK-DAG: %[[AF:.*]] = memref.collapse_shape %[[AB]]
// CHECK-DAG: %[[BB:.*]] = bufferization.to_buffer %[[B]] read_only : tensor<8x32xi8> to memref<8x32xi8>
// CHECK-DAG: %[[BF:.*]] = memref.collapse_shape %[[BB]]
// CHECK-DAG: %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<8x64xf32>
// CHECK-DAG: %[[OUTF:.*]] = memref.collapse_shape %[[OUT]] {{\[}}[0, 1]] : memref<8x64xf32> into memref<512xf32>
// CHECK-NOT: memref.alloc
// CHECK: scf.parallel (%{{[^,]*}}) =
// CHECK-NOT: memref.alloc
// CHECK: vector.load %[[AF]][%{{.*}}] : memref<512xi8>, vector<16xi8>
// CHECK-NOT: memref.alloc
// CHECK: vector.load %[[BF]][%{{.*}}] : memref<256xi8>, vector<8xi8>
// CHECK-NOT: memref.alloc
// CHECK: %[[SUM:.*]] = arith.addf %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK: vector.store %[[SUM]], %[[OUTF]][%{{.*}}] : memref<512xf32>, vector<16xf32>
// CHECK: scf.reduce
// CHECK-NOT: memref.alloc
// CHECK-NOT: linalg.generic
// CHECK: %[[R:.*]] = bufferization.to_tensor %[[OUT]] restrict writable : memref<8x64xf32> to tensor<8x64xf32>
// CHECK: return %[[R]]
// VW8-LABEL: func.func @map_f32
// VW8: vector.load {{.*}} : memref<512xi8>, vector<8xi8>
// VW8: vector.load {{.*}} : memref<256xi8>, vector<4xi8>
// VW8: vector.store {{.*}} : memref<512xf32>, vector<8xf32>
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

// -----

// A two-level result (nvfp4) without static scales is still fused: the
// parallel amax pass recomputes the body (tanh) from the input instead of
// storing it, a short loop combines the partial maxima into the tensor
// scale, and the encoding pass runs the body again.
// CHECK-LABEL: func.func @map_nvfp4
// CHECK-SAME: -> (tensor<8x32xi8>, tensor<8x4xi8>, tensor<f32>)
// CHECK-NOT: linalg.generic
// CHECK-NOT: memref.alloc{{.*}}xf32>
// CHECK: %[[PART:.*]] = memref.alloc(%{{.*}}) : memref<?xi32>
// CHECK-NOT: memref.alloc{{.*}}xf32>
// CHECK: scf.parallel
// CHECK: vector.load {{.*}} : memref<512xf32>, vector<16xf32>
// CHECK: math.tanh %{{.*}} : vector<16xf32>
// CHECK: vector.reduction <maxsi>
// CHECK: memref.store {{.*}}, %[[PART]]
// CHECK: scf.reduce
// CHECK-NOT: memref.alloc{{.*}}xf32>
// CHECK: scf.for {{.*}} -> (i32)
// CHECK-NOT: memref.alloc{{.*}}xf32>
// CHECK: memref.load %[[PART]]
// CHECK-NOT: memref.alloc{{.*}}xf32>
// CHECK: scf.parallel
// CHECK: vector.load {{.*}} : memref<512xf32>, vector<16xf32>
// CHECK: math.tanh %{{.*}} : vector<16xf32>
// CHECK: vector.store {{.*}} : memref<256xi8>, vector<8xi8>
// CHECK: scf.reduce
// CHECK-NOT: linalg.generic
// CHECK: return
// VW8-LABEL: func.func @map_nvfp4
// VW8-NOT: linalg.generic
// VW8: math.tanh %{{.*}} : vector<8xf32>
// VW8: scf.for {{.*}} -> (i32)
// VW8: math.tanh %{{.*}} : vector<8xf32>
// VW8-NOT: linalg.generic
// VW8: return
func.func @map_nvfp4(%x: tensor<8x64xf32>) -> !qf.tensor<8x64xf32, nvfp4, axis = 1> {
  %r = qf.map(%x) : (tensor<8x64xf32>) -> !qf.tensor<8x64xf32, nvfp4, axis = 1> {
  ^bb0(%v: f32):
    %t = math.tanh %v : f32
    qf.yield %t : f32
  }
  return %r : !qf.tensor<8x64xf32, nvfp4, axis = 1>
}

// -----

// RMSNorm (qf.row_reduce in the body): the row kernel. One scf.parallel
// iteration per row; the sum of squares is a sequential scalar scf.for over
// the row's 64 elements (the order of the unfused linalg reduction lowered
// to loops); then a loop over the row's blocks runs the body on vectors
// with the sum broadcast and the gain read at the column, and encodes.
// CHECK-LABEL: func.func @map_rmsnorm
// CHECK-SAME: (%[[X:.*]]: tensor<8x64xf32>, %[[G:.*]]: tensor<64xf32>) -> (tensor<8x64xi8>, tensor<8x2xi8>)
// CHECK-NOT: linalg.generic
// CHECK-DAG: %[[XB:.*]] = bufferization.to_buffer %[[X]] read_only
// CHECK-DAG: %[[XF:.*]] = memref.collapse_shape %[[XB]] {{\[}}[0, 1]] : memref<8x64xf32> into memref<512xf32>
// CHECK-DAG: %[[GB:.*]] = bufferization.to_buffer %[[G]] read_only : tensor<64xf32> to memref<64xf32>
// CHECK-DAG: %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<8x64xi8>
// CHECK-DAG: %[[OS:.*]] = memref.alloc() {alignment = 64 : i64} : memref<8x2xi8>
// CHECK-NOT: memref.alloc
// CHECK: scf.parallel (%{{[^,]*}}) =
// CHECK-NOT: linalg.generic
// CHECK: %[[SS:.*]] = scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %{{.*}}) -> (f32) {
// CHECK: %[[E:.*]] = memref.load %[[XF]][%{{.*}}] : memref<512xf32>
// CHECK: %[[SQ:.*]] = arith.mulf %[[E]], %[[E]] : f32
// CHECK: %[[NEXT:.*]] = arith.addf %[[ACC]], %[[SQ]] : f32
// CHECK: scf.yield %[[NEXT]] : f32
// CHECK-NOT: memref.alloc
// CHECK: scf.for
// CHECK: vector.load %[[XF]][%{{.*}}] : memref<512xf32>, vector<16xf32>
// CHECK: vector.load %[[GB]][%{{.*}}] : memref<64xf32>, vector<16xf32>
// CHECK: vector.broadcast %[[SS]] : f32 to vector<16xf32>
// CHECK: math.rsqrt %{{.*}} : vector<16xf32>
// CHECK: vector.reduction <maxsi>
// CHECK: vector.store {{.*}} : memref<512xi8>, vector<16xi8>
// CHECK: scf.reduce
// CHECK-NOT: linalg.generic
// CHECK: bufferization.to_tensor %[[OUT]]
// CHECK: bufferization.to_tensor %[[OS]]
// VW8-LABEL: func.func @map_rmsnorm
// VW8: scf.parallel
// VW8: scf.for {{.*}} -> (f32)
// VW8: scf.for
// VW8: vector.load {{.*}} : memref<512xf32>, vector<8xf32>
// VW8: math.rsqrt %{{.*}} : vector<8xf32>
// VW8: vector.store {{.*}} : memref<512xi8>, vector<8xi8>
// VW8-NOT: linalg.generic
// VW8: return
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

// -----

// Blocks of 8 are not whole 16-lane chunks: at vector-width 16 the unfused
// program (the dequantize kernel writes an f32 buffer, a linalg.generic
// runs the body on scalars, the quantize kernel encodes blocks of 8 with
// masked loads); at vector-width 8 the fused kernel (no f32 buffer).
// CHECK-LABEL: func.func @map_blocks_of_8
// CHECK-SAME: -> (tensor<8x64xi8>, tensor<8x8xi8>)
// CHECK: %[[DQ:.*]] = memref.alloc() {alignment = 64 : i64} : memref<8x64xf32>
// CHECK: scf.parallel
// CHECK: vector.load {{.*}} : memref<512xi8>, vector<16xi8>
// CHECK: vector.store {{.*}} : memref<512xf32>, vector<16xf32>
// CHECK: scf.reduce
// CHECK: %[[F:.*]] = bufferization.to_tensor %[[DQ]] restrict writable : memref<8x64xf32> to tensor<8x64xf32>
// CHECK: %[[G:.*]] = linalg.generic {{.*}} ins(%[[F]] : tensor<8x64xf32>)
// CHECK: math.tanh %{{.*}} : f32
// CHECK: linalg.yield
// CHECK: %[[GB:.*]] = bufferization.to_buffer %[[G]] read_only : tensor<8x64xf32> to memref<8x64xf32>
// CHECK: %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<8x64xi8>
// CHECK: %[[OS:.*]] = memref.alloc() {alignment = 64 : i64} : memref<8x8xi8>
// CHECK: scf.parallel
// CHECK: vector.maskedload
// CHECK: vector.reduction <maxsi>
// CHECK: scf.reduce
// CHECK: bufferization.to_tensor %[[OUT]]
// CHECK: bufferization.to_tensor %[[OS]]
// VW8-LABEL: func.func @map_blocks_of_8
// VW8-NOT: linalg.generic
// VW8-NOT: memref.alloc{{.*}}xf32>
// VW8: scf.parallel
// VW8: vector.load {{.*}} : memref<512xi8>, vector<8xi8>
// VW8: math.tanh %{{.*}} : vector<8xf32>
// VW8: vector.store {{.*}} : memref<512xi8>, vector<8xi8>
// VW8: scf.reduce
// VW8-NOT: linalg.generic
// VW8: return
func.func @map_blocks_of_8(%a: !qf.tensor<8x64xf32, mxfp8, axis = 1>)
    -> !qf.tensor<8x64xf32, #qf.format<elem = f8E4M3FN, block = 8>, axis = 1> {
  %r = qf.map(%a) : (!qf.tensor<8x64xf32, mxfp8, axis = 1>)
                    -> !qf.tensor<8x64xf32, #qf.format<elem = f8E4M3FN, block = 8>, axis = 1> {
  ^bb0(%x: f32):
    %t = math.tanh %x : f32
    qf.yield %t : f32
  }
  return %r : !qf.tensor<8x64xf32, #qf.format<elem = f8E4M3FN, block = 8>, axis = 1>
}

// -----

// A row reduction into a two-level format without static scales: its
// tensor scale needs every value first (docs/numerics.md 4.2 step 1), so the
// row kernel keeps each row as f32 and notes its finite amax while the
// values are in registers; then the amax of the rows, and the nvfp4
// quantize kernel reads the kept rows once.
// CHECK-LABEL: func.func @rmsnorm_nvfp4
// CHECK-SAME: (%[[X:.*]]: tensor<8x64xf32>) -> (tensor<8x32xi8>, tensor<8x4xi8>, tensor<f32>)
// CHECK-NOT: linalg.generic
// CHECK: %[[STAGE:.*]] = memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?xf32>
// CHECK: %[[ROWMAX:.*]] = memref.alloc(%{{.*}}) : memref<?xi32>
// CHECK: scf.parallel (%[[ROW:.*]]) =
// CHECK: scf.for {{.*}} -> (f32)
// CHECK: scf.for {{.*}} -> (vector<16xi32>)
// CHECK: math.rsqrt %{{.*}} : vector<16xf32>
// CHECK: vector.store %{{.*}}, %[[STAGE]][%{{.*}}] : memref<?xf32>, vector<16xf32>
// CHECK: arith.maxsi
// CHECK: vector.reduction <maxsi>
// CHECK: memref.store %{{.*}}, %[[ROWMAX]][%[[ROW]]] : memref<?xi32>
// CHECK: scf.reduce
// CHECK: scf.for {{.*}} -> (i32)
// CHECK: memref.load %[[ROWMAX]]
// CHECK-NOT: scf.parallel
// CHECK: scf.parallel
// CHECK: vector.load %[[STAGE]]
// CHECK: vector.store {{.*}} : memref<256xi8>, vector<8xi8>
// CHECK: scf.reduce
// CHECK: return
// VW8-LABEL: func.func @rmsnorm_nvfp4
// VW8-NOT: linalg.generic
// VW8: scf.parallel
// VW8: vector.store %{{.*}} : memref<?xf32>, vector<8xf32>
// VW8: scf.for {{.*}} -> (i32)
// VW8: scf.parallel
// VW8: vector.store {{.*}} : memref<256xi8>, vector<4xi8>
func.func @rmsnorm_nvfp4(%x: tensor<8x64xf32>) -> !qf.tensor<8x64xf32, nvfp4, axis = 1> {
  %y = qf.map(%x) : (tensor<8x64xf32>) -> !qf.tensor<8x64xf32, nvfp4, axis = 1> {
  ^bb0(%v: f32):
    %zero = arith.constant 0.0 : f32
    %ss = qf.row_reduce %v init(%zero) {
    ^bb0(%e: f32, %acc: f32):
      %sq = arith.mulf %e, %e : f32
      %s = arith.addf %acc, %sq : f32
      qf.yield %s : f32
    }
    %n = arith.constant 64.0 : f32
    %m = arith.divf %ss, %n : f32
    %r = math.rsqrt %m : f32
    %o = arith.mulf %v, %r : f32
    qf.yield %o : f32
  }
  return %y : !qf.tensor<8x64xf32, nvfp4, axis = 1>
}

// -----

// The same with static scales (the E4M3 block scales and the tensor scale
// given): the row kernel again, reading the scales instead of computing
// them, so no scale buffer is allocated.
// CHECK-LABEL: func.func @rmsnorm_nvfp4_static
// CHECK-SAME: (%[[X:.*]]: tensor<8x64xf32>, %[[S:.*]]: tensor<8x4xi8>, %[[GS:.*]]: tensor<f32>) -> (tensor<8x32xi8>, tensor<8x4xi8>, tensor<f32>)
// CHECK-NOT: linalg.generic
// CHECK-DAG: %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<8x32xi8>
// CHECK-DAG: bufferization.to_buffer %[[S]] read_only : tensor<8x4xi8> to memref<8x4xi8>
// CHECK-DAG: tensor.extract %[[GS]][] : tensor<f32>
// CHECK-NOT: memref.alloc
// CHECK: scf.parallel (%{{[^,]*}}) =
// CHECK: scf.for {{.*}} -> (f32)
// CHECK: scf.for
// CHECK: math.rsqrt %{{.*}} : vector<16xf32>
// CHECK: vector.store {{.*}} : memref<256xi8>, vector<8xi8>
// CHECK: scf.reduce
// CHECK-NOT: linalg.generic
// CHECK: %[[R:.*]] = bufferization.to_tensor %[[OUT]]
// CHECK: return %[[R]], %[[S]], %[[GS]]
// VW8-LABEL: func.func @rmsnorm_nvfp4_static
// VW8-NOT: linalg.generic
// VW8: scf.for {{.*}} -> (f32)
// VW8: math.rsqrt %{{.*}} : vector<8xf32>
// VW8: vector.store {{.*}} : memref<256xi8>, vector<4xi8>
func.func @rmsnorm_nvfp4_static(%x: tensor<8x64xf32>, %s: tensor<8x4xi8>, %g: tensor<f32>)
    -> !qf.tensor<8x64xf32, nvfp4, axis = 1> {
  %y = qf.map(%x) scales(%s : tensor<8x4xi8>) tensor_scale(%g : tensor<f32>)
         : (tensor<8x64xf32>) -> !qf.tensor<8x64xf32, nvfp4, axis = 1> {
  ^bb0(%v: f32):
    %zero = arith.constant 0.0 : f32
    %ss = qf.row_reduce %v init(%zero) {
    ^bb0(%e: f32, %acc: f32):
      %sq = arith.mulf %e, %e : f32
      %s2 = arith.addf %acc, %sq : f32
      qf.yield %s2 : f32
    }
    %n = arith.constant 64.0 : f32
    %m = arith.divf %ss, %n : f32
    %r = math.rsqrt %m : f32
    %o = arith.mulf %v, %r : f32
    qf.yield %o : f32
  }
  return %y : !qf.tensor<8x64xf32, nvfp4, axis = 1>
}
