// tensor-cores: qf.matmul as warp-level MMA kernels, per chip. One warp per
// m16n8 output tile (128 threads = 4 warps a block), one MMA step per K block
// (FP8: 32 elements) or pair / quad of blocks (FP4: 64 elements).
// RUN: qf-opt %s --convert-qf-to-nvvm="chip=sm_90a features=+ptx84 tensor-cores" | FileCheck %s --check-prefixes=CHECK,SYNC
// RUN: qf-opt %s --convert-qf-to-nvvm="chip=sm_100a tensor-cores" | FileCheck %s --check-prefixes=CHECK,SYNC
// RUN: qf-opt %s --convert-qf-to-nvvm="chip=sm_120a tensor-cores" | FileCheck %s --check-prefixes=CHECK,BS
// RUN: qf-opt %s --convert-qf-to-nvvm="chip=sm_121a tensor-cores" | FileCheck %s --check-prefixes=CHECK,BS
// Without tensor-cores the portable kernel (no MMA) runs.
// RUN: qf-opt %s --convert-qf-to-nvvm="chip=sm_120a" | FileCheck %s --check-prefix=PORTABLE

// PORTABLE-NOT: mma.sync

// 20 x 12 output: ceil(20/16) * ceil(12/8) = 4 tiles, one block of 4 warps.
// CHECK-LABEL: func.func @fp8(
// CHECK: gpu.launch blocks({{.*}}) in (%{{.*}} = %c1{{.*}}, %{{.*}} = %c1{{.*}}, %{{.*}} = %c1{{.*}}) threads({{.*}}) in (%{{.*}} = %c128,
// CHECK: arith.cmpi ult, %{{.*}}, %c4 : index
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c2{{.*}} step %c1{{.*}} iter_args({{.*}}) -> (f32, f32, f32, f32)
// CHECK-COUNT-6: vector.load {{.*}} vector<4xi8>
// SYNC: llvm.inline_asm has_side_effects "mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32 {$0, $1, $2, $3}, {$4, $5, $6, $7}, {$8, $9}, {$10, $11, $12, $13};", "=f,=f,=f,=f,r,r,r,r,r,r,f,f,f,f"
// SYNC-COUNT-4: math.fma
// BS: llvm.inline_asm has_side_effects "mma.sync.aligned.m16n8k32.row.col.kind::mxf8f6f4.block_scale.scale_vec::1X.f32.e4m3.e4m3.f32.ue8m0 {{.*}}, $14, {$15, $16}, $17, {$18, $19};", "=f,=f,=f,=f,r,r,r,r,r,r,f,f,f,f,r,h,h,r,h,h"
// BS-NOT: math.fma
// CHECK: scf.yield
// CHECK-COUNT-4: memref.store {{.*}} : memref<20x12xf32>
// CHECK: bufferization.to_tensor
func.func @fp8(%a: !qf.tensor<20x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<12x64xf32, mxfp8, axis = 1>) -> tensor<20x12xf32> {
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<20x64xf32, mxfp8, axis = 1>, !qf.tensor<12x64xf32, mxfp8, axis = 1> -> tensor<20x12xf32>
  return %c : tensor<20x12xf32>
}

// B stored [K, N] (no transpose_b): a B register gathers 4 codes down a
// column; E5M2 codes give the mixed instruction.
// CHECK-LABEL: func.func @fp8_kn(
// CHECK-COUNT-4: vector.load {{.*}} : memref<20x64xi8>, vector<4xi8>
// CHECK-COUNT-8: memref.load {{.*}} : memref<64x12xi8>
// SYNC: "mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e5m2.f32
// BS: "mma.sync.aligned.m16n8k32.row.col.kind::mxf8f6f4.block_scale.scale_vec::1X.f32.e4m3.e5m2.f32.ue8m0
func.func @fp8_kn(%a: !qf.tensor<20x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<64x12xf32, mxfp8_e5m2, axis = 0>) -> tensor<20x12xf32> {
  %c = qf.matmul %a, %w : !qf.tensor<20x64xf32, mxfp8, axis = 1>, !qf.tensor<64x12xf32, mxfp8_e5m2, axis = 0> -> tensor<20x12xf32>
  return %c : tensor<20x12xf32>
}

// Batches are the grid's y dimension.
// CHECK-LABEL: func.func @fp8_batch(
// CHECK: gpu.launch blocks(%{{.*}}, %[[BY:.*]], %{{.*}}) in (%{{.*}} = %c1{{.*}}, %{{.*}} = %c2, %{{.*}} = %c1{{.*}})
// CHECK: vector.load %{{.*}}[%[[BY]], %{{.*}}, %{{.*}}] {alignment = 4 : i64} : memref<2x16x32xi8>, vector<4xi8>
func.func @fp8_batch(%a: !qf.tensor<2x16x32xf32, mxfp8, axis = 2>, %w: !qf.tensor<2x8x32xf32, mxfp8, axis = 2>) -> tensor<2x16x8xf32> {
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<2x16x32xf32, mxfp8, axis = 2>, !qf.tensor<2x8x32xf32, mxfp8, axis = 2> -> tensor<2x16x8xf32>
  return %c : tensor<2x16x8xf32>
}

// A dynamic M: no launch when there is no tile.
// CHECK-LABEL: func.func @fp8_dyn(
// CHECK: %[[M:.*]] = memref.dim
// CHECK: scf.if
// CHECK: gpu.launch
func.func @fp8_dyn(%a: !qf.tensor<?x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<12x64xf32, mxfp8, axis = 1>) -> tensor<?x12xf32> {
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<?x64xf32, mxfp8, axis = 1>, !qf.tensor<12x64xf32, mxfp8, axis = 1> -> tensor<?x12xf32>
  return %c : tensor<?x12xf32>
}
