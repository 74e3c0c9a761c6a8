// tensor-cores on sm_100a/f, sm_103a with PTX 8.8: MXFP8 x MXFP8, MXFP4 x
// MXFP4 and NVFP4 x NVFP4 qf.matmul as tcgen05 kernels. The scales of both
// operands go through qf.swizzle_scales (its own kernel: one iteration per
// word of the 128x4 tile layout) before the matmul kernel.
// RUN: qf-opt %s --convert-qf-to-nvvm="chip=sm_100a features=+ptx88 tensor-cores" | FileCheck %s
// RUN: qf-opt %s --convert-qf-to-nvvm="chip=sm_100f tensor-cores" | FileCheck %s
// RUN: qf-opt %s --convert-qf-to-nvvm="chip=sm_103a tensor-cores" | FileCheck %s
// At sm_100a's default PTX 8.6, MXFP8 keeps the mma.sync kernel (FP4 has no
// mapping there: tensor-cores-tcgen05-invalid.mlir).
// RUN: qf-opt %s --convert-qf-to-nvvm="chip=sm_100a tensor-cores fallback" 2>/dev/null | FileCheck %s --check-prefix=PTX86

// PTX86-LABEL: func.func @mxfp8(
// PTX86-NOT: tcgen05
// PTX86: mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e5m2.f32

// 200 x 136 output: 2 x 2 tiles of 128 x 128. Scales [200, 3] become
// [2, 1, 512] (rows to 256, columns to 4), [136, 3] become [2, 1, 512].
// CHECK-LABEL: func.func @mxfp8(
// The swizzle kernels: one thread per 4-byte word; padding selects 0.
// CHECK: %[[SA:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x1x512xi8>
// CHECK: gpu.launch
// CHECK: arith.select %{{.*}}, %{{.*}}, %c0_i8 : i8
// CHECK: vector.store %{{.*}}, %[[SA]][{{.*}}] {alignment = 4 : i64} : memref<2x1x512xi8>, vector<4xi8>
// CHECK: %[[SB:.*]] = memref.alloc() {alignment = 64 : i64} : memref<2x1x512xi8>
// CHECK: gpu.launch
// CHECK: vector.store %{{.*}}, %[[SB]]
// The matmul kernel: grid [ceil(N / 128), ceil(M / 128), 1], 128 threads,
// dynamic shared memory 2048 + 2 * 4 steps * 4096 bytes + 1024 for
// alignment.
// CHECK: gpu.launch blocks(%{{.*}}, %{{.*}}, %{{.*}}) in (%{{.*}} = %c2{{.*}}, %{{.*}} = %c2{{.*}}, %{{.*}} = %c1{{.*}}) threads(%{{.*}}, %{{.*}}, %{{.*}}) in (%{{.*}} = %c128{{.*}}, %{{.*}} = %c1{{.*}}, %{{.*}} = %c1{{.*}}) dynamic_shared_memory_size %c35840_i32
// CHECK: %[[SMEM:.*]] = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
// CHECK: memref.extract_aligned_pointer_as_index %[[SMEM]]
// CHECK: "tcgen05.alloc.cta_group::1.sync.aligned.shared::cta.b32 [$0], 256;", "r"
// CHECK: "tcgen05.relinquish_alloc_permit.cta_group::1.sync.aligned;"
// CHECK: "mbarrier.init.shared::cta.b64 [$0], 1;"
// CHECK: "bar.sync 0;"
// CHECK: "ld.shared.b32 $0, [$1];", "=r,r"
// K 96 = 3 MMA steps in one stage of 4.
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c1{{.*}} step %c1
// CHECK: scf.for
// CHECK-COUNT-16: "st.shared.b32 [$0], $1;"
// CHECK: vector.load %{{.*}} : memref<2x1x512xi8>, vector<4xi8>
// CHECK: vector.load %{{.*}} : memref<2x1x512xi8>, vector<4xi8>
// CHECK: "fence.proxy.async.shared::cta;"
// CHECK: "bar.sync 0;"
// CHECK: "tcgen05.cp.cta_group::1.32x128b.warpx4 [$0], $1;", "r,l"
// CHECK: "tcgen05.cp.cta_group::1.32x128b.warpx4 [$0], $1;", "r,l"
// Instruction descriptors: E4M3 x E5M2 (b type 1 << 10), N 128 (16 << 17),
// UE8M0 (1 << 23), M 128 (1 << 27), scale IDs j << 4 and j << 29 per step.
// CHECK: arith.constant 144704512 : i32
// CHECK: "{\0A.reg .pred p;\0Asetp.ne.b32 p, $6, 0;\0Atcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32 [$0], $1, $2, $3, [$4], [$5], p;\0A}", "r,l,l,r,r,r,r"
// CHECK: arith.constant 681575440 : i32
// CHECK: tcgen05.mma
// CHECK: arith.constant 1218446368 : i32
// CHECK: tcgen05.mma
// CHECK: arith.constant 1755317296 : i32
// CHECK: tcgen05.mma
// CHECK: "tcgen05.commit.cta_group::1.mbarrier::arrive::one.shared::cluster.b64 [$0];"
// CHECK: mbarrier.try_wait.parity.shared::cta.b64
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c16{{.*}} step %c1
// CHECK: "tcgen05.ld.sync.aligned.32x32b.x8.b32 {$0, $1, $2, $3, $4, $5, $6, $7}, [$8];\0Atcgen05.wait::ld.sync.aligned;", "=r,=r,=r,=r,=r,=r,=r,=r,r"
// CHECK-COUNT-8: memref.store %{{.*}} : memref<200x136xf32>
// CHECK: "bar.sync 0;"
// CHECK: "tcgen05.dealloc.cta_group::1.sync.aligned.b32 $0, 256;"
func.func @mxfp8(%a: !qf.tensor<200x96xf32, mxfp8, axis = 1>, %w: !qf.tensor<136x96xf32, mxfp8_e5m2, axis = 1>) -> tensor<200x136xf32> {
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<200x96xf32, mxfp8, axis = 1>, !qf.tensor<136x96xf32, mxfp8_e5m2, axis = 1> -> tensor<200x136xf32>
  return %c : tensor<200x136xf32>
}

// MXFP4: kind::mxf4, 2 steps of K 64 a stage, scale IDs 0 and 2, E2M1
// type 1 for both.
// CHECK-LABEL: func.func @mxfp4(
// CHECK: dynamic_shared_memory_size %c19456_i32
// CHECK: arith.constant 144704640 : i32
// CHECK: tcgen05.mma.cta_group::1.kind::mxf4.block_scale.block32
// CHECK: arith.constant 1218446496 : i32
// CHECK: tcgen05.mma.cta_group::1.kind::mxf4.block_scale.block32
// CHECK-NOT: math.fma
func.func @mxfp4(%a: !qf.tensor<16x128xf32, mxfp4, axis = 1>, %w: !qf.tensor<8x128xf32, mxfp4, axis = 1>) -> tensor<16x8xf32> {
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<16x128xf32, mxfp4, axis = 1>, !qf.tensor<8x128xf32, mxfp4, axis = 1> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

// NVFP4, batched, dynamic M: kind::mxf4nvf4 .block16 with UE4M3 scales
// (bit 23 clear), one step a stage; the batch is the grid's z; the tensor
// scales multiply each stored sum; no launch without a tile.
// CHECK-LABEL: func.func @nvfp4(
// CHECK: memref.alloc(%{{.*}}) {alignment = 64 : i64} : memref<2x?x1x512xi8>
// CHECK: %[[TS:.*]] = arith.mulf
// CHECK: scf.if
// CHECK: gpu.launch blocks(%{{.*}}, %{{.*}}, %[[BZ:.*]]) in (%{{.*}} = %c1{{.*}}, %{{.*}} = %{{.*}}, %{{.*}} = %c2{{.*}})
// CHECK: arith.constant 136316032 : i32
// CHECK: tcgen05.mma.cta_group::1.kind::mxf4nvf4.block_scale.block16
// CHECK: arith.mulf %{{.*}}, %[[TS]] : f32
// CHECK: memref.store %{{.*}}, %{{.*}}[%[[BZ]], %{{.*}}, %{{.*}}] : memref<2x?x8xf32>
func.func @nvfp4(%a: !qf.tensor<2x?x64xf32, nvfp4, axis = 2>, %w: !qf.tensor<2x8x64xf32, nvfp4, axis = 2>) -> tensor<2x?x8xf32> {
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<2x?x64xf32, nvfp4, axis = 2>, !qf.tensor<2x8x64xf32, nvfp4, axis = 2> -> tensor<2x?x8xf32>
  return %c : tensor<2x?x8xf32>
}
