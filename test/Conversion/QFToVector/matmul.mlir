// RUN: qf-opt %s --convert-qf-to-vector --split-input-file | FileCheck %s
// RUN: qf-opt %s --convert-qf-to-vector="vector-width=8" --split-input-file | FileCheck %s --check-prefix=VW8
// RUN: qf-opt %s --convert-qf-to-vector="x86-avx512" --split-input-file | FileCheck %s --check-prefix=LUT

// GEMV, the model layout x[M,K] * W[N,K]^T with mxfp4 weights: the weight
// arrives as (packed codes, E8M0 scales); one scf.parallel over tiles of 1 x 4
// outputs; K runs in chunks of 32: 16 bytes per row of W, whose low nibbles
// (even elements) and high nibbles (odd elements) are decoded without
// interleaving; x is split into the even and odd elements of every chunk
// instead, once per call into a buffer that the tiles load from. E8M0 scales decode by a load from a 256-entry table and multiply
// the decoded weights. With x86-avx512, the scale multiplies a 16-entry table
// of decoded codes that dynamic vector.extracts index (one vpermps).
// CHECK: memref.global "private" constant @__qf_scale_table_e8m0 : memref<256xf32>
// CHECK-LABEL: func.func @f32_x_mxfp4_tb
// CHECK-SAME: (%[[X:.*]]: tensor<1x64xf32>, %[[P:.*]]: tensor<8x32xi8>, %[[S:.*]]: tensor<8x2xi8>) -> tensor<1x8xf32>
// CHECK: %[[XB:.*]] = bufferization.to_buffer %[[X]] read_only : tensor<1x64xf32> to memref<1x64xf32>
// CHECK: memref.collapse_shape %[[XB]] {{\[}}[0, 1]] : memref<1x64xf32> into memref<64xf32>
// CHECK: %[[PB:.*]] = bufferization.to_buffer %[[P]] read_only : tensor<8x32xi8> to memref<8x32xi8>
// CHECK: %[[SB:.*]] = bufferization.to_buffer %[[S]] read_only : tensor<8x2xi8> to memref<8x2xi8>
// CHECK: memref.collapse_shape %[[PB]] {{\[}}[0, 1]] : memref<8x32xi8> into memref<256xi8>
// CHECK: %[[AS:.*]] = memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<?xf32>
// CHECK: scf.parallel
// CHECK: %[[XV:.*]] = vector.load {{.*}} : memref<64xf32>, vector<32xf32>
// CHECK: vector.shuffle %[[XV]], %[[XV]] [0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30]
// CHECK: vector.shuffle %[[XV]], %[[XV]] [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31]
// CHECK: vector.store {{.*}}, %[[AS]]
// CHECK: %[[OUT:.*]] = memref.alloc() {alignment = 64 : i64} : memref<1x8xf32>
// CHECK: scf.parallel
// CHECK: scf.for {{.*}} step %{{.*}} iter_args({{.*}}) -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK: %[[WB:.*]] = vector.load {{.*}} : memref<256xi8>, vector<16xi8>
// CHECK: %[[W:.*]] = arith.extui %[[WB]] : vector<16xi8> to vector<16xi32>
// CHECK: arith.shrui %[[W]], %{{.*}} : vector<16xi32>
// CHECK: memref.load %[[SB]]{{.*}} : memref<8x2xi8>
// CHECK: memref.load {{.*}} : memref<256xf32>
// CHECK: vector.broadcast {{.*}} : f32 to vector<16xf32>
// CHECK: arith.mulf {{.*}} : vector<16xf32>
// CHECK: vector.load %[[AS]]{{.*}} : memref<?xf32>, vector<16xf32>
// CHECK: vector.fma
// CHECK: vector.load %[[AS]]{{.*}} : memref<?xf32>, vector<16xf32>
// CHECK: vector.fma
// CHECK: scf.yield
// CHECK: vector.reduction <add>, {{.*}} : vector<16xf32> into f32
// CHECK: memref.store {{.*}}, %[[OUT]]
// CHECK: scf.reduce
// CHECK: %[[R:.*]] = bufferization.to_tensor %[[OUT]] restrict writable : memref<1x8xf32> to tensor<1x8xf32>
// CHECK: return %[[R]]
// VW8-LABEL: func.func @f32_x_mxfp4_tb
// VW8: vector.load {{.*}} : memref<64xf32>, vector<16xf32>
// VW8: vector.load {{.*}} : memref<256xi8>, vector<8xi8>
// LUT-LABEL: func.func @f32_x_mxfp4_tb
// LUT: scf.for
// LUT: %[[T:.*]] = arith.mulf %{{.*}}, %{{.*}} : vector<16xf32>
// LUT: %[[I:.*]] = arith.andi %{{.*}}, %{{.*}} : vector<16xi32>
// LUT: %[[I0:.*]] = vector.extract %[[I]][0] : i32 from vector<16xi32>
// LUT: %[[P0:.*]] = arith.index_castui %[[I0]] : i32 to index
// LUT: vector.extract %[[T]][%[[P0]]] : f32 from vector<16xf32>
// LUT: vector.from_elements {{.*}} : vector<16xf32>
func.func @f32_x_mxfp4_tb(%x: tensor<1x64xf32>, %w: !qf.tensor<8x64xf32, mxfp4, axis = 1>) -> tensor<1x8xf32> {
  %c = qf.matmul %x, %w transpose_b : tensor<1x64xf32>, !qf.tensor<8x64xf32, mxfp4, axis = 1> -> tensor<1x8xf32>
  return %c : tensor<1x8xf32>
}

// -----

// Quantized x quantized, two-level nvfp4 weights: the rank-0 tensor scale is
// loaded once; a chunk of 32 holds one mxfp8 block and two nvfp4 blocks,
// whose scales go to lanes 0-7 and 8-15 of the even and odd halves; the
// register tile is 4 x 2 (eight accumulators); the tensor scale multiplies
// the reduced sums. The mxfp8 chunks are decoded, scaled and split once,
// before the tiles.
// CHECK-LABEL: func.func @mxfp8_x_nvfp4_tb
// CHECK-SAME: (%{{.*}}: tensor<4x64xi8>, %{{.*}}: tensor<4x2xi8>, %{{.*}}: tensor<6x32xi8>, %{{.*}}: tensor<6x4xi8>, %[[G:.*]]: tensor<f32>) -> tensor<4x6xf32>
// CHECK: %[[GB:.*]] = bufferization.to_buffer %[[G]] read_only : tensor<f32> to memref<f32>
// CHECK: memref.load %[[GB]][] : memref<f32>
// CHECK: scf.parallel
// CHECK: vector.load {{.*}} : memref<256xi8>, vector<32xi8>
// CHECK: memref.load {{.*}} : memref<4x2xi8>
// CHECK: scf.parallel
// CHECK: scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK: vector.load {{.*}} : memref<192xi8>, vector<16xi8>
// CHECK: memref.load {{.*}} : memref<6x4xi8>
// CHECK: memref.load {{.*}} : memref<6x4xi8>
// CHECK: arith.select {{.*}} : vector<16xi1>, vector<16xf32>
// CHECK: vector.fma
// CHECK: vector.fma
// CHECK: vector.reduction <add>
// CHECK: arith.mulf {{.*}} : f32
// CHECK: memref.store
func.func @mxfp8_x_nvfp4_tb(%a: !qf.tensor<4x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<6x64xf32, nvfp4, axis = 1>) -> tensor<4x6xf32> {
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<4x64xf32, mxfp8, axis = 1>, !qf.tensor<6x64xf32, nvfp4, axis = 1> -> tensor<4x6xf32>
  return %c : tensor<4x6xf32>
}

// -----

// B stored [K, N] (no transpose_b): its codes are packed along N, so the
// bytes of one column are gathered with the row stride (3 bytes).
// CHECK-LABEL: func.func @f32_x_mxfp4_kn
// CHECK-SAME: %{{.*}}: tensor<64x3xi8>, %{{.*}}: tensor<6x2xi8>
// CHECK: scf.parallel
// CHECK: vector.load {{.*}} : memref<128xf32>, vector<16xf32>
// CHECK: vector.gather {{.*}} : memref<192xi8>, vector<16xi32>, vector<16xi1>, vector<16xi8> into vector<16xi8>
// CHECK: arith.shrui {{.*}} : vector<16xi32>
// CHECK: vector.fma
func.func @f32_x_mxfp4_kn(%x: tensor<2x64xf32>, %w: !qf.tensor<64x6xf32, mxfp4, axis = 0>) -> tensor<2x6xf32> {
  %c = qf.matmul %x, %w : tensor<2x64xf32>, !qf.tensor<64x6xf32, mxfp4, axis = 0> -> tensor<2x6xf32>
  return %c : tensor<2x6xf32>
}

// -----

// Batch: the batch is the first parallel dimension; 5 columns in tiles of 4
// leave a remainder column, computed by a second loop with 1-column tiles.
// mxint8 times f32 folds the block scale into the decoded weights
// (emitFoldedTile): per weight row and block the E8M0 byte, then (scales up
// to 2^104) bytes xor K minus K as floats, else codes times the scale; then
// the fmas.
// CHECK-LABEL: func.func @batch
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<2x3x5xf32>
// CHECK: scf.parallel (%{{.*}}, %{{.*}}, %{{.*}}) = {{.*}} to (%c2, %{{.*}}, %{{.*}})
// CHECK: memref.load {{.*}} : memref<2x5x1xi8>
// CHECK: arith.cmpi ule
// CHECK: scf.if
// CHECK: vector.load {{.*}} : memref<320xi8>, vector<16xi8>
// CHECK: arith.xori
// CHECK: arith.subf {{.*}} : vector<16xf32>
// CHECK: } else {
// CHECK: arith.mulf {{.*}} : vector<16xf32>
// CHECK: vector.load {{.*}} : memref<192xf32>, vector<16xf32>
// CHECK: vector.fma
// CHECK: vector.reduction <add>
// CHECK: scf.reduce
// CHECK: scf.parallel (%{{.*}}, %{{.*}}, %{{.*}}) = {{.*}} to (%c2, %{{.*}}, %{{.*}})
// CHECK: scf.reduce
// CHECK: bufferization.to_tensor {{.*}} : memref<2x3x5xf32> to tensor<2x3x5xf32>
func.func @batch(%x: tensor<2x3x32xf32>, %w: !qf.tensor<2x5x32xf32, mxint8, axis = 2>) -> tensor<2x3x5xf32> {
  %c = qf.matmul %x, %w transpose_b : tensor<2x3x32xf32>, !qf.tensor<2x5x32xf32, mxint8, axis = 2> -> tensor<2x3x5xf32>
  return %c : tensor<2x3x5xf32>
}

// -----

// Dynamic M: the output is allocated with M from the operand; full 4-row
// tiles run in one loop (in blocks of row tiles: ceil(tiles / 64) for K =
// 64), the M mod 4 remaining rows in another.
// CHECK-LABEL: func.func @dyn_m
// CHECK: %[[XB:.*]] = bufferization.to_buffer %{{.*}} read_only : tensor<?x64xf32> to memref<?x64xf32>
// CHECK: memref.collapse_shape %[[XB]] {{\[}}[0, 1]] : memref<?x64xf32> into memref<?xf32>
// CHECK: %[[M:.*]] = memref.dim %[[XB]], %{{.*}} : memref<?x64xf32>
// CHECK: memref.alloc(%[[M]]) {alignment = 64 : i64} : memref<?x8xf32>
// CHECK: %[[TILES:.*]] = arith.divui %[[M]], %{{.*}} : index
// CHECK: scf.parallel (%{{.*}}, %{{.*}}) = {{.*}} to (%{{.*}}, %{{.*}})
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step
// CHECK: scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>, vector<16xf32>)
// CHECK: scf.parallel
// CHECK: scf.for {{.*}} -> (vector<16xf32>, vector<16xf32>)
// CHECK: bufferization.to_tensor {{.*}} : memref<?x8xf32> to tensor<?x8xf32>
func.func @dyn_m(%x: tensor<?x64xf32>, %w: !qf.tensor<8x64xf32, mxfp4, axis = 1>) -> tensor<?x8xf32> {
  %c = qf.matmul %x, %w transpose_b : tensor<?x64xf32>, !qf.tensor<8x64xf32, mxfp4, axis = 1> -> tensor<?x8xf32>
  return %c : tensor<?x8xf32>
}

// -----

// Float x float with a K tail (20 = 16 + 4) and an f16 operand stored [K, N]:
// gathered, widened to f32; the last chunk is masked.
// CHECK-LABEL: func.func @f32_tail
// CHECK: scf.parallel
// CHECK: scf.for
// CHECK: vector.gather {{.*}} : memref<60xf16>, vector<16xi32>, vector<16xi1>, vector<16xf16> into vector<16xf16>
// CHECK: arith.extf {{.*}} : vector<16xf16> to vector<16xf32>
// CHECK: scf.yield
// CHECK: vector.create_mask
// CHECK: vector.maskedload {{.*}} : memref<40xf32>, vector<16xi1>, vector<16xf32> into vector<16xf32>
// CHECK: vector.reduction <add>
func.func @f32_tail(%a: tensor<2x20xf32>, %b: tensor<20x3xf16>) -> tensor<2x3xf32> {
  %c = qf.matmul %a, %b : tensor<2x20xf32>, tensor<20x3xf16> -> tensor<2x3xf32>
  return %c : tensor<2x3xf32>
}

// -----

// Per-channel int8 weights: K is one segment (40 = 2 x 16 + a masked tail of
// 8 bytes); the channel scale multiplies the reduced sum.
// CHECK-LABEL: func.func @channel
// CHECK-SAME: %{{.*}}: tensor<3x40xi8>, %{{.*}}: tensor<3x1xf32>
// CHECK: scf.parallel
// CHECK: scf.for
// CHECK: vector.load {{.*}} : memref<120xi8>, vector<16xi8>
// CHECK: scf.yield
// CHECK: vector.maskedload {{.*}} : memref<120xi8>, vector<16xi1>, vector<16xi8> into vector<16xi8>
// CHECK: memref.load {{.*}} : memref<3x1xf32>
// CHECK: vector.reduction <add>
// CHECK: arith.mulf {{.*}} : f32
func.func @channel(%a: tensor<2x40xf32>, %w: !qf.tensor<3x40xf32, int8_channel, axis = 1>) -> tensor<2x3xf32> {
  %c = qf.matmul %a, %w transpose_b : tensor<2x40xf32>, !qf.tensor<3x40xf32, int8_channel, axis = 1> -> tensor<2x3xf32>
  return %c : tensor<2x3xf32>
}

// -----

// A 6-bit user format whose 8-element blocks split the 16-lane chunk: the
// chunk shrinks to 8 lanes (6 bytes, four codes in three bytes).
// CHECK-LABEL: func.func @user_e3m2_b8
// CHECK: scf.for {{.*}} -> (vector<8xf32>
// CHECK: vector.load {{.*}} : memref<{{.*}}xi8>, vector<6xi8>
func.func @user_e3m2_b8(%a: tensor<2x32xf32>, %w: !qf.tensor<4x32xf32, #qf.format<elem = f6E3M2FN, block = 8>, axis = 1>) -> tensor<2x4xf32> {
  %c = qf.matmul %a, %w transpose_b : tensor<2x32xf32>, !qf.tensor<4x32xf32, #qf.format<elem = f6E3M2FN, block = 8>, axis = 1> -> tensor<2x4xf32>
  return %c : tensor<2x4xf32>
}
