// tensor-cores on sm_120a / sm_121a: MXFP4 (kind::mxf4, two E8M0 scale bytes
// a step) and NVFP4 (kind::mxf4nvf4, four E4M3 scale bytes a step, the tensor
// scales multiply the sum) as m16n8k64 block-scaled MMA; MXFP8 x MXFP4 as
// m16n8k32 kind::mxf8f6f4 with the E2M1 codes unpacked one a byte.
// RUN: qf-opt %s --convert-qf-to-nvvm="chip=sm_120a tensor-cores" | FileCheck %s
// RUN: qf-opt %s --convert-qf-to-nvvm="chip=sm_120f features=+ptx88 tensor-cores" | FileCheck %s

// 128 / 64 = 2 steps; a register holds 8 codes (4 packed bytes at K / 2).
// CHECK-LABEL: func.func @mxfp4(
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c2{{.*}} step
// CHECK-COUNT-6: vector.load {{.*}} vector<4xi8>
// CHECK: "mma.sync.aligned.m16n8k64.row.col.kind::mxf4.block_scale.scale_vec::2X.f32.e2m1.e2m1.f32.ue8m0
// CHECK-NOT: math.fma
func.func @mxfp4(%a: !qf.tensor<16x128xf32, mxfp4, axis = 1>, %w: !qf.tensor<8x128xf32, mxfp4, axis = 1>) -> tensor<16x8xf32> {
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<16x128xf32, mxfp4, axis = 1>, !qf.tensor<8x128xf32, mxfp4, axis = 1> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

// CHECK-LABEL: func.func @nvfp4(
// CHECK: %[[TA:.*]] = memref.load %{{.*}}[] : memref<f32>
// CHECK: %[[TB:.*]] = memref.load %{{.*}}[] : memref<f32>
// CHECK: %[[G:.*]] = arith.mulf %[[TA]], %[[TB]] : f32
// CHECK: gpu.launch
// CHECK: "mma.sync.aligned.m16n8k64.row.col.kind::mxf4nvf4.block_scale.scale_vec::4X.f32.e2m1.e2m1.f32.ue4m3
// CHECK: arith.mulf %{{.*}}#0, %[[G]] : f32
func.func @nvfp4(%a: !qf.tensor<16x64xf32, nvfp4, axis = 1>, %w: !qf.tensor<8x64xf32, nvfp4, axis = 1>) -> tensor<16x8xf32> {
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<16x64xf32, nvfp4, axis = 1>, !qf.tensor<8x64xf32, nvfp4, axis = 1> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

// The FP4 operand: 2 packed bytes a register, nibble j moved to bits
// 8j+5 .. 8j+2.
// CHECK-LABEL: func.func @mixed(
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %c2{{.*}} step
// CHECK: vector.load {{.*}} : memref<8x32xi8>, vector<2xi8>
// CHECK: arith.andi %{{.*}}, %c15_i32
// CHECK: arith.shli %{{.*}}, %c2_i32
// CHECK: arith.andi %{{.*}}, %c240_i32
// CHECK: arith.shli %{{.*}}, %c6_i32
// CHECK: arith.andi %{{.*}}, %c3840_i32
// CHECK: arith.shli %{{.*}}, %c10_i32
// CHECK: arith.andi %{{.*}}, %c61440_i32
// CHECK: arith.shli %{{.*}}, %c14_i32
// CHECK: "mma.sync.aligned.m16n8k32.row.col.kind::mxf8f6f4.block_scale.scale_vec::1X.f32.e4m3.e2m1.f32.ue8m0
func.func @mixed(%a: !qf.tensor<16x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<8x64xf32, mxfp4, axis = 1>) -> tensor<16x8xf32> {
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<16x64xf32, mxfp8, axis = 1>, !qf.tensor<8x64xf32, mxfp4, axis = 1> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}
