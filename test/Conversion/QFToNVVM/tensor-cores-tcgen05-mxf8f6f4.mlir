// tensor-cores on sm_100a/f, sm_103a with PTX 8.8: MXFP6 and mixed MXFP8 /
// MXFP6 / MXFP4 qf.matmul as tcgen05 kind::mxf8f6f4 kernels (the kernel of
// tensor-cores-tcgen05.mlir). A 16-byte core-matrix row of shared memory
// holds 16 codes: FP8 fill it; FP4 (8 bytes) and FP6 (12 bytes) are copied
// packed as qf stores them, then zero padding. The element types are the
// a/b type fields of the instruction descriptor (E4M3 0, E5M2 1, E2M3 3,
// E3M2 4, E2M1 5).
// RUN: qf-opt %s --convert-qf-to-nvvm="chip=sm_100a features=+ptx88 tensor-cores" | FileCheck %s
// RUN: qf-opt %s --convert-qf-to-nvvm="chip=sm_100f tensor-cores" | FileCheck %s
// RUN: qf-opt %s --convert-qf-to-nvvm="chip=sm_103a tensor-cores" | FileCheck %s

// MXFP8 x MXFP4 (what qf-quantize-model writes by default). K 64: two MMA
// steps of K 32 in one stage of 4. A step of a row is 32 FP8 bytes of A
// and 16 FP4 bytes of B.
// CHECK-LABEL: func.func @fp8_fp4(
// CHECK: dynamic_shared_memory_size %c35840_i32
// CHECK: %[[KA:.*]] = arith.muli %{{.*}}, %c32{{.*}} : index
// CHECK: %[[KB:.*]] = arith.muli %{{.*}}, %c16{{.*}} : index
// Core-matrix row 0: B's bytes 0..7 (codes 0..15), then 8 bytes of padding.
// CHECK: vector.load %{{.*}}[%{{.*}}, %[[KA]]] {alignment = 4 : i64} : memref<16x64xi8>, vector<4xi8>
// CHECK: "st.shared.b32 [$0], $1;"
// CHECK: vector.load %{{.*}}[%{{.*}}, %[[KB]]] {alignment = 4 : i64} : memref<8x32xi8>, vector<4xi8>
// CHECK: "st.shared.b32 [$0], $1;"
// CHECK: %[[KB4:.*]] = arith.addi %[[KB]], %c4{{.*}} : index
// CHECK: vector.load %{{.*}}[%{{.*}}, %[[KB4]]] {{.*}} : memref<8x32xi8>
// CHECK: "st.shared.b32 [$0], $1;", "r,r" %{{.*}}, %c0_i32{{.*}} : (i32, i32) -> ()
// CHECK: "st.shared.b32 [$0], $1;", "r,r" %{{.*}}, %c0_i32{{.*}} : (i32, i32) -> ()
// Core-matrix row 1 (128 bytes on): B's bytes 8..15 (codes 16..31).
// CHECK: %[[KB8:.*]] = arith.addi %[[KB]], %c8{{.*}} : index
// CHECK: vector.load %{{.*}}[%{{.*}}, %[[KB8]]] {{.*}} : memref<8x32xi8>
// CHECK: %[[KB12:.*]] = arith.addi %[[KB]], %c12{{.*}} : index
// CHECK: vector.load %{{.*}}[%{{.*}}, %[[KB12]]] {{.*}} : memref<8x32xi8>
// CHECK: "st.shared.b32 [$0], $1;", "r,r" %{{.*}}, %c0_i32{{.*}} : (i32, i32) -> ()
// CHECK: "st.shared.b32 [$0], $1;", "r,r" %{{.*}}, %c0_i32{{.*}} : (i32, i32) -> ()
// Descriptors: a E4M3 (0), b E2M1 (5 << 10), N 128, UE8M0, M 128; the scale
// IDs pick byte j of the stage's scale word for step j.
// CHECK: arith.constant 144708608 : i32
// CHECK: tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32
// CHECK: arith.constant 681579536 : i32
// CHECK: tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32
// CHECK-NOT: mma.sync
func.func @fp8_fp4(%a: !qf.tensor<16x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<8x64xf32, mxfp4, axis = 1>) -> tensor<16x8xf32> {
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<16x64xf32, mxfp8, axis = 1>, !qf.tensor<8x64xf32, mxfp4, axis = 1> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

// MXFP6 E3M2 x MXFP6 E2M3: a step of a row is 24 bytes of each (D11
// groups), 12 per core-matrix row and a padding word.
// CHECK-LABEL: func.func @fp6_fp6(
// CHECK: %[[K:.*]] = arith.muli %{{.*}}, %c24{{.*}} : index
// CHECK-NOT: arith.muli %{{.*}}, %c24
// CHECK: vector.load %{{.*}}[%{{.*}}, %[[K]]] {{.*}} : memref<16x48xi8>, vector<4xi8>
// CHECK: vector.load %{{.*}}[%{{.*}}, %[[K]]] {{.*}} : memref<8x48xi8>, vector<4xi8>
// CHECK: %[[K8:.*]] = arith.addi %[[K]], %c8{{.*}} : index
// CHECK: vector.load %{{.*}}[%{{.*}}, %[[K8]]] {{.*}} : memref<8x48xi8>
// CHECK: "st.shared.b32 [$0], $1;", "r,r" %{{.*}}, %c0_i32{{.*}} : (i32, i32) -> ()
// CHECK: "st.shared.b32 [$0], $1;", "r,r" %{{.*}}, %c0_i32{{.*}} : (i32, i32) -> ()
// CHECK: %[[K12:.*]] = arith.addi %[[K]], %c12{{.*}} : index
// CHECK: vector.load %{{.*}}[%{{.*}}, %[[K12]]] {{.*}} : memref<16x48xi8>
// CHECK: %[[K20:.*]] = arith.addi %[[K]], %c20{{.*}} : index
// CHECK: vector.load %{{.*}}[%{{.*}}, %[[K20]]] {{.*}} : memref<8x48xi8>
// CHECK: "st.shared.b32 [$0], $1;", "r,r" %{{.*}}, %c0_i32{{.*}} : (i32, i32) -> ()
// CHECK: "st.shared.b32 [$0], $1;", "r,r" %{{.*}}, %c0_i32{{.*}} : (i32, i32) -> ()
// a E3M2 (4 << 7), b E2M3 (3 << 10).
// CHECK: arith.constant 144707072 : i32
// CHECK: tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32
func.func @fp6_fp6(%a: !qf.tensor<16x64xf32, mxfp6_e3m2, axis = 1>, %w: !qf.tensor<8x64xf32, mxfp6, axis = 1>) -> tensor<16x8xf32> {
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<16x64xf32, mxfp6_e3m2, axis = 1>, !qf.tensor<8x64xf32, mxfp6, axis = 1> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

// MXFP4 x MXFP6, batched, dynamic M: the batch is the grid's z, no launch
// without a tile; K 128 is one stage of 4 steps, a E2M1 (5 << 7), b E2M3
// (3 << 10), scale IDs 0..3.
// CHECK-LABEL: func.func @fp4_fp6(
// CHECK: scf.if
// CHECK: gpu.launch blocks(%{{.*}}, %{{.*}}, %{{.*}}) in (%{{.*}} = %c1{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %c2{{.*}}) {{.*}} dynamic_shared_memory_size %c35840_i32
// CHECK: arith.muli %{{.*}}, %c16{{.*}} : index
// CHECK: arith.muli %{{.*}}, %c24{{.*}} : index
// CHECK: vector.load {{.*}} : memref<2x?x64xi8>, vector<4xi8>
// CHECK: vector.load {{.*}} : memref<2x8x96xi8>, vector<4xi8>
// CHECK: arith.constant 144707200 : i32
// CHECK: arith.constant 681578128 : i32
// CHECK: arith.constant 1218449056 : i32
// CHECK: arith.constant 1755319984 : i32
// CHECK: tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32
func.func @fp4_fp6(%a: !qf.tensor<2x?x128xf32, mxfp4, axis = 2>, %w: !qf.tensor<2x8x128xf32, mxfp6, axis = 2>) -> tensor<2x?x8xf32> {
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<2x?x128xf32, mxfp4, axis = 2>, !qf.tensor<2x8x128xf32, mxfp6, axis = 2> -> tensor<2x?x8xf32>
  return %c : tensor<2x?x8xf32>
}
