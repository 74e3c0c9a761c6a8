// tensor-cores on sm_120a / sm_121a: FP6 elements (MXFP6 E2M3 / E3M2) and
// any other mix of MXFP8 / MXFP6 / MXFP4 as m16n8k32 kind::mxf8f6f4, the
// FP6 / FP4 codes unpacked from qf's packing to one code a byte in
// registers (FP6 in bits 5..0, E2M1 in bits 5..2); a 4- or 6-bit rhs
// stored [K, N] (no transpose_b) is gathered a code at a time.
// RUN: qf-opt %s --convert-qf-to-nvvm="chip=sm_120a tensor-cores" | FileCheck %s
// RUN: qf-opt %s --convert-qf-to-nvvm="chip=sm_121a tensor-cores" | FileCheck %s

// An A register: 4 codes = 3 bytes at 3k/4 (D11: code i in bits 6i..6i+5
// of the little-endian group), code j moved to byte j.
// CHECK-LABEL: func.func @fp6_fp8(
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c2{{.*}} step
// CHECK: %[[Q:.*]] = arith.divui %{{.*}}, %c4{{.*}} : index
// CHECK: %[[B0:.*]] = arith.muli %[[Q]], %c3{{.*}} : index
// CHECK: memref.load %{{.*}}[%{{.*}}, %[[B0]]] : memref<16x48xi8>
// CHECK: memref.load {{.*}} : memref<16x48xi8>
// CHECK: memref.load {{.*}} : memref<16x48xi8>
// CHECK: %[[W:.*]] = arith.ori %{{.*}}, %{{.*}} : i32
// CHECK: %[[C0:.*]] = arith.andi %[[W]], %c63_i32{{.*}} : i32
// CHECK: %[[S1:.*]] = arith.shrui %[[W]], %c6_i32{{.*}} : i32
// CHECK: %[[C1:.*]] = arith.andi %[[S1]], %c63_i32{{.*}} : i32
// CHECK: arith.shli %[[C1]], %c8_i32{{.*}} : i32
// CHECK: arith.shrui %[[W]], %c12_i32{{.*}} : i32
// CHECK: arith.shli %{{.*}}, %c16_i32{{.*}} : i32
// CHECK: arith.shrui %[[W]], %c18_i32{{.*}} : i32
// CHECK: arith.shli %{{.*}}, %c24_i32{{.*}} : i32
// CHECK: "mma.sync.aligned.m16n8k32.row.col.kind::mxf8f6f4.block_scale.scale_vec::1X.f32.e2m3.e4m3.f32.ue8m0
// CHECK-NOT: math.fma
func.func @fp6_fp8(%a: !qf.tensor<16x64xf32, mxfp6, axis = 1>, %w: !qf.tensor<8x64xf32, mxfp8, axis = 1>) -> tensor<16x8xf32> {
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<16x64xf32, mxfp6, axis = 1>, !qf.tensor<8x64xf32, mxfp8, axis = 1> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

// CHECK-LABEL: func.func @fp6_fp6(
// CHECK: "mma.sync.aligned.m16n8k32.row.col.kind::mxf8f6f4.block_scale.scale_vec::1X.f32.e3m2.e2m3.f32.ue8m0
func.func @fp6_fp6(%a: !qf.tensor<16x64xf32, mxfp6_e3m2, axis = 1>, %w: !qf.tensor<8x64xf32, mxfp6, axis = 1>) -> tensor<16x8xf32> {
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<16x64xf32, mxfp6_e3m2, axis = 1>, !qf.tensor<8x64xf32, mxfp6, axis = 1> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

// CHECK-LABEL: func.func @fp4_fp6(
// CHECK: "mma.sync.aligned.m16n8k32.row.col.kind::mxf8f6f4.block_scale.scale_vec::1X.f32.e2m1.e3m2.f32.ue8m0
func.func @fp4_fp6(%a: !qf.tensor<16x64xf32, mxfp4, axis = 1>, %w: !qf.tensor<8x64xf32, mxfp6_e3m2, axis = 1>) -> tensor<16x8xf32> {
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<16x64xf32, mxfp4, axis = 1>, !qf.tensor<8x64xf32, mxfp6_e3m2, axis = 1> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

// A 6-bit rhs stored [K, N]: the code of column g in K row r sits at bit
// 6g of the row; at bit offset 4 or 6 of its byte it continues in the next.
// CHECK-LABEL: func.func @fp6_kn(
// CHECK: scf.for
// CHECK: %[[BIT:.*]] = arith.muli %{{.*}}, %c6{{.*}} : index
// CHECK: %[[BY:.*]] = arith.divui %[[BIT]], %c8{{.*}} : index
// CHECK: %[[SH:.*]] = arith.index_castui %{{.*}} : index to i32
// CHECK: memref.load %{{.*}}[%{{.*}}, %[[BY]]] : memref<64x6xi8>
// CHECK: %[[SPANS:.*]] = arith.cmpi ugt, %[[SH]], %c2_i32{{.*}} : i32
// CHECK: arith.extui %[[SPANS]] : i1 to i32
// CHECK: %[[TWO:.*]] = arith.ori
// CHECK: %[[CODE:.*]] = arith.shrui %[[TWO]], %[[SH]] : i32
// CHECK: arith.andi %[[CODE]], %c63_i32{{.*}} : i32
// CHECK: "mma.sync.aligned.m16n8k32.row.col.kind::mxf8f6f4.block_scale.scale_vec::1X.f32.e4m3.e3m2.f32.ue8m0
func.func @fp6_kn(%a: !qf.tensor<16x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<64x8xf32, mxfp6_e3m2, axis = 0>) -> tensor<16x8xf32> {
  %c = qf.matmul %a, %w : !qf.tensor<16x64xf32, mxfp8, axis = 1>, !qf.tensor<64x8xf32, mxfp6_e3m2, axis = 0> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

// A 4-bit rhs stored [K, N] with an FP8 lhs: 4 nibbles gathered down the
// column, code j to bits 8j+5 .. 8j+2.
// CHECK-LABEL: func.func @fp4_kn(
// CHECK: scf.for
// CHECK: arith.andi %{{.*}}, %c15_i32{{.*}} : i32
// CHECK: arith.shli %{{.*}}, %c2_i32{{.*}} : i32
// CHECK: arith.shli %{{.*}}, %c10_i32{{.*}} : i32
// CHECK: arith.shli %{{.*}}, %c18_i32{{.*}} : i32
// CHECK: arith.shli %{{.*}}, %c26_i32{{.*}} : i32
// CHECK: "mma.sync.aligned.m16n8k32.row.col.kind::mxf8f6f4.block_scale.scale_vec::1X.f32.e4m3.e2m1.f32.ue8m0
func.func @fp4_kn(%a: !qf.tensor<16x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<64x8xf32, mxfp4, axis = 0>) -> tensor<16x8xf32> {
  %c = qf.matmul %a, %w : !qf.tensor<16x64xf32, mxfp8, axis = 1>, !qf.tensor<64x8xf32, mxfp4, axis = 0> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

// MXFP4 x MXFP4 with the rhs stored [K, N] (kind::mxf4): 8 nibbles a B
// register, code j at bits 4j .. 4j+3.
// CHECK-LABEL: func.func @mxfp4_kn(
// CHECK: scf.for
// CHECK: arith.shli %{{.*}}, %c4_i32{{.*}} : i32
// CHECK: arith.shli %{{.*}}, %c28_i32{{.*}} : i32
// CHECK: "mma.sync.aligned.m16n8k64.row.col.kind::mxf4.block_scale.scale_vec::2X.f32.e2m1.e2m1.f32.ue8m0
func.func @mxfp4_kn(%a: !qf.tensor<16x128xf32, mxfp4, axis = 1>, %w: !qf.tensor<128x8xf32, mxfp4, axis = 0>) -> tensor<16x8xf32> {
  %c = qf.matmul %a, %w : !qf.tensor<16x128xf32, mxfp4, axis = 1>, !qf.tensor<128x8xf32, mxfp4, axis = 0> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}
