// RUN: qf-opt %s --convert-qf-to-vector --split-input-file | FileCheck %s
// RUN: qf-opt %s --convert-qf-to-vector="vector-width=8" --split-input-file | FileCheck %s --check-prefix=VW8

// The kernels qf.fused_matmul lowers to (docs/cpu-lowering.md): the band
// kernel (one scf.parallel iteration per band of up to 4 output rows; the
// GEMM tile emitters of qf.matmul write the band's f32 rows into a band
// buffer of rows x N, then the epilogue body runs on vectors and the row
// quantize kernel encodes each row), its row forms (qf.row_reduce,
// transpose_result, padding, an f32 result), and the unfused program where
// the band kernel cannot encode the result. The executed tests in
// test/Integration/CPU (fused-matmul-rows.mlir, fuse-*.mlir) check the bits;
// these check which kernel is emitted.

// mxfp8 x mxfp4^T with an identity epilogue into mxfp4: two bands of 4
// rows; the band buffer holds 4 x 64 f32 (the full 8 x 64 product never
// exists); tiles accumulate vector<16xf32> with vector.fma over K in
// chunks of 32, reading the mxfp8 lhs decoded and split into even and odd
// halves once before the bands (an M x K f32 buffer); then the band's rows
// are encoded block by block from the band buffer. No linalg op.
// CHECK-LABEL: func.func @identity_mxfp4
// CHECK-SAME: (%{{.*}}: tensor<8x64xi8>, %{{.*}}: tensor<8x2xi8>, %{{.*}}: tensor<64x32xi8>, %{{.*}}: tensor<64x2xi8>) -> (tensor<8x32xi8>, tensor<8x2xi8>)
// CHECK-NOT: linalg.
// CHECK: %[[AS:.*]] = memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?xf32>
// CHECK: scf.parallel
// CHECK: vector.load {{.*}} : memref<512xi8>, vector<32xi8>
// CHECK: vector.store {{.*}}, %[[AS]]
// CHECK-DAG: %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<8x32xi8>
// CHECK-DAG: %[[OUTF:.*]] = memref.collapse_shape %[[OUT]]
// CHECK-DAG: %[[OS:.*]] = memref.alloc() {alignment = 64 : i64} : memref<8x2xi8>
// CHECK-NOT: memref.alloc
// CHECK: scf.parallel (%{{[^,]*}}) =
// CHECK: %[[BAND:.*]] = memref.alloc() {alignment = 64 : i64} : memref<256xf32>
// CHECK-NOT: memref.alloc
// CHECK: scf.for
// CHECK: scf.for {{.*}} -> (vector<16xf32>
// CHECK: vector.load {{.*}} : memref<2048xi8>, vector<16xi8>
// CHECK: vector.load %[[AS]]{{.*}} : memref<?xf32>, vector<16xf32>
// CHECK: vector.fma {{.*}} : vector<16xf32>
// CHECK: scf.yield
// CHECK: vector.reduction <add>, %{{.*}} : vector<16xf32> into f32
// CHECK: memref.store %{{.*}}, %[[BAND]][%{{.*}}] : memref<256xf32>
// CHECK-NOT: memref.alloc
// CHECK: scf.for
// CHECK: vector.load %[[BAND]][%{{.*}}] : memref<256xf32>, vector<16xf32>
// CHECK: vector.reduction <maxsi>
// CHECK: vector.store %{{.*}}, %[[OUTF]][%{{.*}}] : memref<256xi8>, vector<8xi8>
// CHECK-NOT: memref.alloc
// CHECK: scf.reduce
// CHECK-NOT: linalg.
// CHECK: %[[R0:.*]] = bufferization.to_tensor %[[OUT]] restrict writable
// CHECK: %[[R1:.*]] = bufferization.to_tensor %[[OS]] restrict writable
// CHECK: return %[[R0]], %[[R1]] : tensor<8x32xi8>, tensor<8x2xi8>
// VW8-LABEL: func.func @identity_mxfp4
// VW8-NOT: linalg.
// VW8: scf.parallel
// VW8: memref.alloc() {alignment = 64 : i64} : memref<256xf32>
// VW8: scf.for {{.*}} -> (vector<8xf32>
// VW8: vector.fma {{.*}} : vector<8xf32>
// VW8: vector.load {{.*}} : memref<256xf32>, vector<8xf32>
// VW8: vector.store {{.*}} : memref<256xi8>, vector<4xi8>
// VW8: scf.reduce
// VW8-NOT: linalg.
// VW8: return
func.func @identity_mxfp4(%a: !qf.tensor<8x64xf32, mxfp8, axis = 1>,
                          %w: !qf.tensor<64x64xf32, mxfp4, axis = 1>)
    -> !qf.tensor<8x64xf32, mxfp4, axis = 1> {
  %h = qf.fused_matmul %a, %w transpose_b
         : !qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<64x64xf32, mxfp4, axis = 1>
         -> !qf.tensor<8x64xf32, mxfp4, axis = 1> {
  ^bb0(%acc: f32):
    qf.yield %acc : f32
  }
  return %h : !qf.tensor<8x64xf32, mxfp4, axis = 1>
}

// -----

// A bias over N (epilogue_maps (i, j) -> (j)) and a ReLU: f32 activations
// (chunks of 32 lanes split into even and odd elements); the epilogue reads
// the band buffer and the 64-element bias in place, adds and clamps on
// vectors, and encodes mxfp8. The bias is never broadcast to 8 x 64. The
// only f32 buffers are the lhs split into even and odd halves (M x K, once)
// and the band buffer.
// CHECK-LABEL: func.func @bias_relu
// CHECK-SAME: (%{{.*}}: tensor<8x64xf32>, %{{.*}}: tensor<64x32xi8>, %{{.*}}: tensor<64x2xi8>, %[[B:.*]]: tensor<64xf32>) -> (tensor<8x64xi8>, tensor<8x2xi8>)
// CHECK-NOT: linalg.
// CHECK: memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?xf32>
// CHECK-NOT: memref.alloc{{.*}}xf32>
// CHECK: %[[BB:.*]] = bufferization.to_buffer %[[B]] read_only : tensor<64xf32> to memref<64xf32>
// CHECK-NOT: memref.alloc{{.*}}xf32>
// CHECK: scf.parallel (%{{[^,]*}}) =
// CHECK: %[[BAND:.*]] = memref.alloc() {alignment = 64 : i64} : memref<256xf32>
// CHECK: scf.for {{.*}} -> (vector<16xf32>
// CHECK: vector.load {{.*}} : memref<?xf32>, vector<16xf32>
// CHECK: vector.fma
// CHECK: memref.store %{{.*}}, %[[BAND]]
// CHECK: %[[ACC:.*]] = vector.load %[[BAND]][%{{.*}}] : memref<256xf32>, vector<16xf32>
// CHECK: %[[BV:.*]] = vector.load %[[BB]][%{{.*}}] : memref<64xf32>, vector<16xf32>
// CHECK: %[[S:.*]] = arith.addf %[[ACC]], %[[BV]] : vector<16xf32>
// CHECK: arith.maximumf %[[S]], %{{.*}} : vector<16xf32>
// CHECK: vector.reduction <maxsi>
// CHECK: vector.store {{.*}} : memref<512xi8>, vector<16xi8>
// CHECK: scf.reduce
// CHECK-NOT: linalg.
// CHECK-NOT: memref.alloc{{.*}}xf32>
// CHECK: return
// VW8-LABEL: func.func @bias_relu
// VW8: vector.load {{.*}} : memref<256xf32>, vector<8xf32>
// VW8: vector.load {{.*}} : memref<64xf32>, vector<8xf32>
// VW8: arith.maximumf {{.*}} : vector<8xf32>
// VW8: vector.store {{.*}} : memref<512xi8>, vector<8xi8>
func.func @bias_relu(%x: tensor<8x64xf32>, %w: !qf.tensor<64x64xf32, mxfp4, axis = 1>,
                     %b: tensor<64xf32>) -> !qf.tensor<8x64xf32, mxfp8, axis = 1> {
  %h = qf.fused_matmul %x, %w transpose_b epilogue(%b : tensor<64xf32>)
         {epilogue_maps = [affine_map<(i, j) -> (j)>]}
         : tensor<8x64xf32>, !qf.tensor<64x64xf32, mxfp4, axis = 1>
         -> !qf.tensor<8x64xf32, mxfp8, axis = 1> {
  ^bb0(%acc: f32, %bv: f32):
    %s = arith.addf %acc, %bv : f32
    %c = arith.constant 0.0 : f32
    %r = arith.maximumf %s, %c : f32
    qf.yield %r : f32
  }
  return %h : !qf.tensor<8x64xf32, mxfp8, axis = 1>
}

// -----

// A dual GEMM (SwiGLU: up * silu(gate)): each band computes both products,
// each into its own band buffer, with its own tile loop; the epilogue reads
// both buffers and runs silu on vectors. Neither product reaches memory.
// CHECK-LABEL: func.func @swiglu
// CHECK-SAME: -> (tensor<8x64xi8>, tensor<8x2xi8>)
// CHECK-NOT: linalg.
// CHECK-NOT: memref<8x64xf32>
// CHECK: scf.parallel (%{{[^,]*}}) =
// CHECK: %[[UP:.*]] = memref.alloc() {alignment = 64 : i64} : memref<256xf32>
// CHECK: %[[GATE:.*]] = memref.alloc() {alignment = 64 : i64} : memref<256xf32>
// CHECK: scf.for {{.*}} -> (vector<16xf32>
// CHECK: vector.fma
// CHECK: memref.store %{{.*}}, %[[UP]]
// CHECK: scf.for {{.*}} -> (vector<16xf32>
// CHECK: vector.fma
// CHECK: memref.store %{{.*}}, %[[GATE]]
// CHECK: %[[U:.*]] = vector.load %[[UP]][%{{.*}}] : memref<256xf32>, vector<16xf32>
// CHECK: %[[G:.*]] = vector.load %[[GATE]][%{{.*}}] : memref<256xf32>, vector<16xf32>
// CHECK: math.exp %{{.*}} : vector<16xf32>
// CHECK: %[[SG:.*]] = arith.divf %[[G]], %{{.*}} : vector<16xf32>
// CHECK: arith.mulf %[[U]], %[[SG]] : vector<16xf32>
// CHECK: vector.reduction <maxsi>
// CHECK: vector.store {{.*}} : memref<512xi8>, vector<16xi8>
// CHECK: scf.reduce
// CHECK-NOT: linalg.
// CHECK-NOT: memref<8x64xf32>
// CHECK: return
// VW8-LABEL: func.func @swiglu
// VW8: memref.alloc() {alignment = 64 : i64} : memref<256xf32>
// VW8: memref.alloc() {alignment = 64 : i64} : memref<256xf32>
// VW8: math.exp %{{.*}} : vector<8xf32>
// VW8-NOT: linalg.
// VW8: return
func.func @swiglu(%a: !qf.tensor<8x64xf32, mxfp8, axis = 1>,
                  %wu: !qf.tensor<64x64xf32, mxfp4, axis = 1>,
                  %wg: !qf.tensor<64x64xf32, mxfp4, axis = 1>)
    -> !qf.tensor<8x64xf32, mxfp8, axis = 1> {
  %h = qf.fused_matmul %a, %wu, %wg transpose_b
         : !qf.tensor<8x64xf32, mxfp8, axis = 1>,
           !qf.tensor<64x64xf32, mxfp4, axis = 1>,
           !qf.tensor<64x64xf32, mxfp4, axis = 1>
         -> !qf.tensor<8x64xf32, mxfp8, axis = 1> {
  ^bb0(%u: f32, %g: f32):
    %one = arith.constant 1.0 : f32
    %ng = arith.negf %g : f32
    %e = math.exp %ng : f32
    %d = arith.addf %e, %one : f32
    %s = arith.divf %g, %d : f32
    %p = arith.mulf %u, %s : f32
    qf.yield %p : f32
  }
  return %h : !qf.tensor<8x64xf32, mxfp8, axis = 1>
}

// -----

// An f32 result (the residual add): rows of 40 = 2 whole chunks of 16 and
// a masked tail of 8; the band buffer is 4 x 40; each row is stored from
// the band and the residual straight into the result.
// CHECK-LABEL: func.func @residual_f32
// CHECK-SAME: %[[X:[^:]*]]: tensor<8x40xf32>) -> tensor<8x40xf32>
// CHECK-NOT: linalg.
// CHECK-DAG: %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<8x40xf32>
// CHECK-DAG: %[[OUTF:.*]] = memref.collapse_shape %[[OUT]] {{\[}}[0, 1]] : memref<8x40xf32> into memref<320xf32>
// CHECK-DAG: %[[XB:.*]] = bufferization.to_buffer %[[X]] read_only : tensor<8x40xf32> to memref<8x40xf32>
// CHECK-DAG: %[[XF:.*]] = memref.collapse_shape %[[XB]]
// CHECK-NOT: memref.alloc
// CHECK: scf.parallel (%{{[^,]*}}) =
// CHECK: %[[BAND:.*]] = memref.alloc() {alignment = 64 : i64} : memref<160xf32>
// CHECK: vector.fma
// CHECK: memref.store %{{.*}}, %[[BAND]]
// CHECK: scf.for
// CHECK: %[[ACC:.*]] = vector.load %[[BAND]][%{{.*}}] : memref<160xf32>, vector<16xf32>
// CHECK: %[[RES:.*]] = vector.load %[[XF]][%{{.*}}] : memref<320xf32>, vector<16xf32>
// CHECK: %[[SUM:.*]] = arith.addf %[[RES]], %[[ACC]] : vector<16xf32>
// CHECK: vector.store %[[SUM]], %[[OUTF]][%{{.*}}] : memref<320xf32>, vector<16xf32>
// CHECK: vector.maskedload %[[BAND]]
// CHECK: vector.maskedload %[[XF]]
// CHECK: vector.maskedstore %[[OUTF]]
// CHECK: scf.reduce
// CHECK-NOT: linalg.
// CHECK: %[[R:.*]] = bufferization.to_tensor %[[OUT]] restrict writable
// CHECK: return %[[R]]
// VW8-LABEL: func.func @residual_f32
// VW8: memref.alloc() {alignment = 64 : i64} : memref<160xf32>
// VW8: vector.store {{.*}} : memref<320xf32>, vector<8xf32>
// VW8-NOT: vector.maskedstore
// VW8: scf.reduce
func.func @residual_f32(%a: !qf.tensor<8x64xf32, mxfp8, axis = 1>,
                        %w: !qf.tensor<40x64xf32, mxfp4, axis = 1>,
                        %x: tensor<8x40xf32>) -> tensor<8x40xf32> {
  %h = qf.fused_matmul %a, %w transpose_b epilogue(%x : tensor<8x40xf32>)
         : !qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<40x64xf32, mxfp4, axis = 1>
         -> tensor<8x40xf32> {
  ^bb0(%acc: f32, %res: f32):
    %s = arith.addf %res, %acc : f32
    qf.yield %s : f32
  }
  return %h : tensor<8x40xf32>
}

// -----

// A row softmax in the epilogue, the result padded from N = 8 to 32: bands
// over (batch, rows); per band row a sequential scalar loop for the max,
// then one for the sum of exp that keeps each exp in a row stash; the vector
// pass reads the stash (no exp on vectors), divides by the broadcast sum,
// and reads masked lanes past the 8 columns (+0.0 padding). No linalg, no
// tensor.pad.
// CHECK-LABEL: func.func @softmax
// CHECK-SAME: -> (tensor<2x8x32xi8>, tensor<2x8x1xi8>)
// CHECK-NOT: linalg.
// CHECK-NOT: tensor.pad
// CHECK: scf.parallel (%{{[^,]*}}, %{{[^,]*}}) = {{.*}} to (%c2,
// CHECK: %[[BAND:.*]] = memref.alloc() {alignment = 64 : i64} : memref<32xf32>
// CHECK: %[[STASH:.*]] = memref.alloc() {alignment = 64 : i64} : memref<32xf32>
// CHECK: vector.fma
// CHECK: memref.store %{{.*}}, %[[BAND]]
// CHECK: %[[MAX:.*]] = scf.for {{.*}} -> (f32) {
// CHECK: memref.load %[[BAND]]
// CHECK: arith.maximumf %{{.*}}, %{{.*}} : f32
// CHECK: %[[SUM:.*]] = scf.for {{.*}} -> (f32) {
// CHECK: arith.subf %{{.*}}, %[[MAX]] : f32
// CHECK: %[[E:.*]] = math.exp %{{.*}} : f32
// CHECK: memref.store %[[E]], %[[STASH]]
// CHECK: arith.addf %[[E]], %{{.*}} : f32
// CHECK-NOT: math.exp
// CHECK: scf.for
// CHECK-NOT: math.exp
// CHECK: %[[EV:.*]] = vector.maskedload %[[STASH]]
// CHECK-NOT: math.exp
// CHECK: %[[SV:.*]] = vector.broadcast %[[SUM]] : f32 to vector<16xf32>
// CHECK-NOT: math.exp
// CHECK: arith.divf %[[EV]], %[[SV]] : vector<16xf32>
// CHECK: vector.reduction <maxsi>
// CHECK: vector.store {{.*}} : memref<512xi8>, vector<16xi8>
// CHECK: scf.reduce
// CHECK-NOT: linalg.
// CHECK-NOT: tensor.pad
// CHECK: return
// VW8-LABEL: func.func @softmax
// VW8: scf.for {{.*}} -> (f32)
// VW8: scf.for {{.*}} -> (f32)
// VW8: arith.divf {{.*}} : vector<8xf32>
// VW8-NOT: linalg.
// VW8: return %{{.*}}, %{{.*}} : tensor<2x8x32xi8>, tensor<2x8x1xi8>
func.func @softmax(%q: !qf.tensor<2x8x32xf32, mxfp8, axis = 2>,
                   %k: !qf.tensor<2x8x32xf32, mxfp8, axis = 2>)
    -> !qf.tensor<2x8x32xf32, mxfp8, axis = 2> {
  %p = qf.fused_matmul %q, %k transpose_b
         : !qf.tensor<2x8x32xf32, mxfp8, axis = 2>, !qf.tensor<2x8x32xf32, mxfp8, axis = 2>
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

// -----

// transpose_result ([N, M] blocked along M, M = 8 padded to 32): the bands
// run over N; the tiles store transposed into a band buffer of columns x M,
// and each buffer row (a result row along M) is encoded with masked loads
// past M. No linalg.transpose or other linalg op.
// CHECK-LABEL: func.func @transposed
// CHECK-SAME: -> (tensor<64x32xi8>, tensor<64x1xi8>)
// CHECK-NOT: linalg.
// CHECK: %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<64x32xi8>
// CHECK: %[[OS:.*]] = memref.alloc() {alignment = 64 : i64} : memref<64x1xi8>
// CHECK-NOT: memref.alloc
// CHECK: scf.parallel (%{{[^,]*}}) =
// CHECK: %[[BAND:.*]] = memref.alloc() {alignment = 64 : i64} : memref<16xf32>
// CHECK: vector.fma
// CHECK: memref.store %{{.*}}, %[[BAND]]
// CHECK: scf.for
// CHECK: vector.maskedload %[[BAND]]
// CHECK: vector.reduction <maxsi>
// CHECK: vector.store {{.*}} : memref<2048xi8>, vector<16xi8>
// CHECK: scf.reduce
// CHECK-NOT: linalg.
// CHECK: bufferization.to_tensor %[[OUT]]
// CHECK: bufferization.to_tensor %[[OS]]
// VW8-LABEL: func.func @transposed
// VW8-NOT: linalg.
// VW8: scf.parallel
// VW8: vector.fma {{.*}} : vector<8xf32>
// VW8: vector.store {{.*}} : memref<2048xi8>, vector<8xi8>
// VW8-NOT: linalg.
// VW8: return
func.func @transposed(%a: !qf.tensor<8x64xf32, mxfp8, axis = 1>,
                      %w: !qf.tensor<64x64xf32, mxfp4, axis = 1>)
    -> !qf.tensor<64x32xf32, mxfp8, axis = 1> {
  %v = qf.fused_matmul %a, %w transpose_b transpose_result
         : !qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<64x64xf32, mxfp4, axis = 1>
         -> !qf.tensor<64x32xf32, mxfp8, axis = 1> {
  ^bb0(%acc: f32):
    qf.yield %acc : f32
  }
  return %v : !qf.tensor<64x32xf32, mxfp8, axis = 1>
}

// -----

// Blocks of 8 are not whole 16-lane chunks, so at vector-width 16 the band
// kernel cannot encode the result: the matmul kernel writes the whole f32
// product, a linalg.generic runs the body on scalars, the quantize kernel
// encodes. At vector-width 8 the band kernel.
// CHECK-LABEL: func.func @blocks_of_8
// CHECK-SAME: -> (tensor<8x64xi8>, tensor<8x8xi8>)
// CHECK: %[[PROD:.*]] = memref.alloc() {alignment = 64 : i64} : memref<8x64xf32>
// CHECK: scf.parallel (%{{[^,]*}}, %{{[^,]*}}) =
// CHECK: vector.fma
// CHECK: memref.store %{{.*}}, %[[PROD]]
// CHECK: scf.reduce
// CHECK: %[[P:.*]] = bufferization.to_tensor %[[PROD]] restrict writable : memref<8x64xf32> to tensor<8x64xf32>
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} ins(%[[P]] : tensor<8x64xf32>)
// CHECK: math.tanh %{{.*}} : f32
// CHECK: bufferization.to_buffer %[[Y]] read_only : tensor<8x64xf32> to memref<8x64xf32>
// CHECK: %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<8x64xi8>
// CHECK: %[[OS:.*]] = memref.alloc() {alignment = 64 : i64} : memref<8x8xi8>
// CHECK: scf.parallel
// CHECK: vector.reduction <maxsi>
// CHECK: scf.reduce
// CHECK: bufferization.to_tensor %[[OUT]]
// CHECK: bufferization.to_tensor %[[OS]]
// VW8-LABEL: func.func @blocks_of_8
// VW8-NOT: linalg.
// VW8-NOT: memref<8x64xf32>
// VW8: scf.parallel (%{{[^,]*}}) =
// VW8: memref.alloc() {alignment = 64 : i64} : memref<256xf32>
// VW8: vector.fma {{.*}} : vector<8xf32>
// VW8: math.tanh %{{.*}} : vector<8xf32>
// VW8: vector.store {{.*}} : memref<512xi8>, vector<8xi8>
// VW8: scf.reduce
// VW8-NOT: linalg.
// VW8-NOT: memref<8x64xf32>
// VW8: return
func.func @blocks_of_8(%a: !qf.tensor<8x64xf32, mxfp8, axis = 1>,
                       %w: !qf.tensor<64x64xf32, mxfp4, axis = 1>)
    -> !qf.tensor<8x64xf32, #qf.format<elem = f8E4M3FN, block = 8>, axis = 1> {
  %h = qf.fused_matmul %a, %w transpose_b
         : !qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<64x64xf32, mxfp4, axis = 1>
         -> !qf.tensor<8x64xf32, #qf.format<elem = f8E4M3FN, block = 8>, axis = 1> {
  ^bb0(%acc: f32):
    %t = math.tanh %acc : f32
    qf.yield %t : f32
  }
  return %h : !qf.tensor<8x64xf32, #qf.format<elem = f8E4M3FN, block = 8>, axis = 1>
}

// -----

// The row forms take the program the fusion replaced when the band kernel
// cannot encode (blocks of 8 at vector-width 16): matmul kernel, one linalg
// reduction per qf.row_reduce in body order (max, then sum of exp), the
// elementwise generic, the zero pad from 8 to 16 columns, the quantize
// kernel. At vector-width 8 the band kernel with its scalar row loops.
// CHECK-LABEL: func.func @softmax_blocks_of_8
// CHECK-SAME: -> (tensor<2x8x16xi8>, tensor<2x8x2xi8>)
// CHECK: %[[PROD:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x8x8xf32>
// CHECK: scf.parallel
// CHECK: vector.fma
// CHECK: scf.reduce
// CHECK: %[[P:.*]] = bufferization.to_tensor %[[PROD]]
// CHECK: %[[MAX:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[P]] : tensor<2x8x8xf32>)
// CHECK: arith.maximumf
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[P]], %[[MAX]] : tensor<2x8x8xf32>, tensor<2x8xf32>)
// CHECK: math.exp
// CHECK: %[[Y:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[P]], %[[MAX]], %[[SUM]] : tensor<2x8x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>)
// CHECK: arith.divf
// CHECK: tensor.pad %[[Y]] low[0, 0, 0] high[0, 0, 8]
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<2x8x16xi8>
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<2x8x2xi8>
// CHECK: scf.parallel
// CHECK: vector.reduction <maxsi>
// CHECK: scf.reduce
// CHECK: return
// VW8-LABEL: func.func @softmax_blocks_of_8
// VW8-NOT: linalg.
// VW8-NOT: tensor.pad
// VW8: scf.parallel
// VW8: vector.fma {{.*}} : vector<8xf32>
// VW8: scf.for {{.*}} -> (f32)
// VW8: scf.for {{.*}} -> (f32)
// VW8: arith.divf {{.*}} : vector<8xf32>
// VW8: scf.reduce
// VW8-NOT: linalg.
// VW8-NOT: tensor.pad
// VW8: return
func.func @softmax_blocks_of_8(%q: !qf.tensor<2x8x32xf32, mxfp8, axis = 2>,
                               %k: !qf.tensor<2x8x32xf32, mxfp8, axis = 2>)
    -> !qf.tensor<2x8x16xf32, #qf.format<elem = f8E4M3FN, block = 8>, axis = 2> {
  %p = qf.fused_matmul %q, %k transpose_b
         : !qf.tensor<2x8x32xf32, mxfp8, axis = 2>, !qf.tensor<2x8x32xf32, mxfp8, axis = 2>
         -> !qf.tensor<2x8x16xf32, #qf.format<elem = f8E4M3FN, block = 8>, axis = 2> {
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
  return %p : !qf.tensor<2x8x16xf32, #qf.format<elem = f8E4M3FN, block = 8>, axis = 2>
}
