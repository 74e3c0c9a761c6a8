// RUN: qf-opt %s --convert-qf-to-vector | FileCheck %s
// RUN: qf-opt %s --convert-qf-to-vector="vector-width=8" | FileCheck %s --check-prefix=VW8

// Block <= lanes on the innermost axis: whole blocks packed in one register,
// all butterfly stages as shuffles, one parallel iteration per vector.
// CHECK-LABEL: func.func @innermost_b16
// CHECK-SAME: (%[[X:.*]]: tensor<4x64xf32>)
// CHECK: %[[IN:.*]] = bufferization.to_buffer %[[X]] read_only : tensor<4x64xf32> to memref<4x64xf32>
// CHECK: %[[OUT:.*]] = memref.alloc() : memref<4x64xf32>
// CHECK: %[[IN1:.*]] = memref.collapse_shape %[[IN]] {{\[\[}}0, 1]] : memref<4x64xf32> into memref<256xf32>
// CHECK: %[[OUT1:.*]] = memref.collapse_shape %[[OUT]] {{\[\[}}0, 1]] : memref<4x64xf32> into memref<256xf32>
// CHECK: scf.parallel
// CHECK: %[[V:.*]] = vector.load %[[IN1]][%{{.*}}] : memref<256xf32>, vector<16xf32>
// One shuffle per stage (the partner lane l ^ h), then p - v / v + p.
// CHECK: %[[P:.*]] = vector.shuffle %[[V]], %[[V]] [1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14]
// CHECK: arith.subf %[[P]], %[[V]]
// CHECK: arith.addf %[[V]], %[[P]]
// CHECK: arith.select
// CHECK-COUNT-2: vector.shuffle
// CHECK: vector.shuffle %{{.*}} [8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7]
// CHECK: arith.mulf %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK: vector.store %{{.*}}, %[[OUT1]][%{{.*}}] : memref<256xf32>, vector<16xf32>
// CHECK: scf.reduce
// CHECK: %[[R:.*]] = bufferization.to_tensor %[[OUT]] restrict writable : memref<4x64xf32> to tensor<4x64xf32>
// CHECK: return %[[R]]
// VW8-LABEL: func.func @innermost_b16
// VW8: scf.parallel
// VW8: vector.load %{{.*}} : memref<256xf32>, vector<8xf32>
// VW8-NOT: vector.shuffle {{.*}} [8, 9, 10, 11, 12, 13, 14, 15
// VW8: scf.reduce
func.func @innermost_b16(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %r = qf.hadamard %x axis = 1 block = 16 : tensor<4x64xf32>
  return %r : tensor<4x64xf32>
}

// A dynamic leading dimension sizes the output and the parallel loop; a block
// of four registers stays in registers (shuffle stages, then cross-register
// adds).
// CHECK-LABEL: func.func @innermost_b64_dynamic
// CHECK: %[[IN:.*]] = bufferization.to_buffer %{{.*}} read_only : tensor<?x64xf32> to memref<?x64xf32>
// CHECK: %[[D:.*]] = memref.dim %[[IN]], %{{.*}} : memref<?x64xf32>
// CHECK: %[[OUT:.*]] = memref.alloc(%[[D]]) : memref<?x64xf32>
// CHECK: memref.collapse_shape %[[IN]] {{\[\[}}0, 1]] : memref<?x64xf32> into memref<?xf32>
// CHECK: %[[N:.*]] = arith.muli %[[D]], %{{.*}} : index
// CHECK: %[[BLOCKS:.*]] = arith.divui %[[N]], %{{.*}} : index
// CHECK: scf.parallel (%{{.*}}) = (%{{.*}}) to (%[[BLOCKS]])
// CHECK-COUNT-4: vector.load {{.*}} vector<16xf32>
// CHECK-NOT: scf.for
// CHECK-COUNT-4: vector.store {{.*}} vector<16xf32>
// CHECK: bufferization.to_tensor %[[OUT]] restrict writable
func.func @innermost_b64_dynamic(%x: tensor<?x64xf32>) -> tensor<?x64xf32> {
  %r = qf.hadamard %x axis = 1 block = 64 : tensor<?x64xf32>
  return %r : tensor<?x64xf32>
}

// Large seeded block: signs from a constant buffer (D15), the in-register
// stages in a loop over the block's vectors, then stages h >= 16 in memory,
// three per pass.
// CHECK-LABEL: func.func @innermost_b4096_seed
// CHECK: %[[SIGNS:.*]] = arith.constant dense<"0x{{.*}}"> : tensor<4096xi32>
// CHECK: %[[SMEM:.*]] = bufferization.to_buffer %[[SIGNS]] read_only : tensor<4096xi32> to memref<4096xi32>
// CHECK: scf.parallel
// CHECK: scf.for
// CHECK: vector.load %{{.*}} : memref<8192xf32>, vector<16xf32>
// CHECK: %[[S:.*]] = vector.load %[[SMEM]][%{{.*}}] : memref<4096xi32>, vector<16xi32>
// CHECK: arith.xori %{{.*}}, %[[S]] : vector<16xi32>
// CHECK: vector.shuffle
// CHECK: vector.store
// CHECK: scf.for
// CHECK: scf.for
// CHECK-COUNT-8: vector.load %{{.*}} : memref<8192xf32>, vector<16xf32>
// CHECK-COUNT-8: vector.store %{{.*}} : memref<8192xf32>, vector<16xf32>
// CHECK: arith.mulf
// CHECK: scf.reduce
func.func @innermost_b4096_seed(%x: tensor<2x4096xf32>) -> tensor<2x4096xf32> {
  %r = qf.hadamard %x axis = 1 block = 4096 seed = 3 : tensor<2x4096xf32>
  return %r : tensor<2x4096xf32>
}

// Axis 0 of a matrix with a dynamic column count: lanes run over columns
// (masked at the right edge), rows of the block stay in registers.
// CHECK-LABEL: func.func @axis0_b8
// CHECK: %[[IN:.*]] = bufferization.to_buffer %{{.*}} read_only : tensor<8x?xf32> to memref<8x?xf32>
// CHECK: %[[D:.*]] = memref.dim %[[IN]], %{{.*}} : memref<8x?xf32>
// CHECK: memref.alloc(%[[D]]) : memref<8x?xf32>
// CHECK: %[[D15:.*]] = arith.addi %[[D]], %{{.*}} : index
// CHECK: %[[CHUNKS:.*]] = arith.divui %[[D15]], %{{.*}} : index
// CHECK: scf.parallel (%{{.*}}, %{{.*}}, %{{.*}}) = ({{.*}}) to (%{{.*}}, %{{.*}}, %[[CHUNKS]])
// CHECK: %[[M:.*]] = vector.create_mask %{{.*}} : vector<16xi1>
// CHECK-COUNT-8: vector.maskedload %{{.*}}, %[[M]], %{{.*}} : memref<?xf32>, vector<16xi1>, vector<16xf32> into vector<16xf32>
// CHECK-NOT: vector.shuffle
// CHECK: arith.addf
// CHECK-COUNT-8: vector.maskedstore %{{.*}}, %[[M]], %{{.*}} : memref<?xf32>, vector<16xi1>, vector<16xf32>
// CHECK: scf.reduce
func.func @axis0_b8(%x: tensor<8x?xf32>) -> tensor<8x?xf32> {
  %r = qf.hadamard %x axis = 0 block = 8 : tensor<8x?xf32>
  return %r : tensor<8x?xf32>
}

// 48 = 12 * 4 (D14): butterflies on the four-element groups packed in
// registers, then H_12 across the groups with lanes over t.
// CHECK-LABEL: func.func @innermost_b48
// CHECK: scf.parallel
// CHECK-COUNT-3: vector.load {{.*}} : memref<96xf32>, vector<16xf32>
// CHECK-COUNT-12: vector.load {{.*}} : memref<96xf32>, vector<4xf32>
// CHECK: arith.negf %{{.*}} : vector<4xf32>
// CHECK-COUNT-12: vector.store {{.*}} : memref<96xf32>, vector<4xf32>
// CHECK: scf.reduce
func.func @innermost_b48(%x: tensor<2x48xf32>) -> tensor<2x48xf32> {
  %r = qf.hadamard %x axis = 1 block = 48 : tensor<2x48xf32>
  return %r : tensor<2x48xf32>
}

// Seeded transform on axis 1 of three: signs are compile-time negations of
// whole rows.
// CHECK-LABEL: func.func @axis1_of_3_seed
// CHECK: memref.collapse_shape %{{.*}} {{\[\[}}0, 1, 2]] : memref<2x16x5xf32> into memref<160xf32>
// CHECK: scf.parallel
// CHECK: vector.create_mask %{{.*}} : vector<16xi1>
// CHECK: vector.maskedload
// CHECK: arith.negf
// CHECK: vector.maskedstore
func.func @axis1_of_3_seed(%x: tensor<2x16x5xf32>) -> tensor<2x16x5xf32> {
  %r = qf.hadamard %x axis = 1 block = 16 seed = 42 : tensor<2x16x5xf32>
  return %r : tensor<2x16x5xf32>
}
