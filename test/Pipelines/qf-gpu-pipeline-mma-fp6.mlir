// REQUIRES: ptxas
// FP6 and mixed FP8 / FP6 / FP4 matmuls on tensor cores (kind::mxf8f6f4,
// m16n8k32) and 4-/6-bit rhs operands stored [K, N]: the PTX names the
// element types, and ptxas assembles the kernels for every chip with
// mma.block_scale (format=bin).
// RUN: qf-opt %s --qf-gpu-pipeline="chip=sm_120a tensor-cores format=isa toolkit=%cuda_toolkit" | FileCheck %s --check-prefix=PTX
// RUN: qf-opt %s --qf-gpu-pipeline="chip=sm_120a tensor-cores format=bin toolkit=%cuda_toolkit" | FileCheck %s --check-prefix=BIN
// RUN: qf-opt %s --qf-gpu-pipeline="chip=sm_120f features=+ptx88 tensor-cores format=bin toolkit=%cuda_toolkit" | FileCheck %s --check-prefix=BIN
// RUN: qf-opt %s --qf-gpu-pipeline="chip=sm_121a tensor-cores format=bin toolkit=%cuda_toolkit" | FileCheck %s --check-prefix=BIN

// PTX: .target sm_120a
// PTX: mma.sync.aligned.m16n8k32.row.col.kind::mxf8f6f4.block_scale.scale_vec::1X.f32.e2m3.e4m3.f32.ue8m0 {
// PTX: mma.sync.aligned.m16n8k32.row.col.kind::mxf8f6f4.block_scale.scale_vec::1X.f32.e3m2.e2m3.f32.ue8m0 {
// PTX: mma.sync.aligned.m16n8k32.row.col.kind::mxf8f6f4.block_scale.scale_vec::1X.f32.e2m1.e3m2.f32.ue8m0 {
// PTX: mma.sync.aligned.m16n8k32.row.col.kind::mxf8f6f4.block_scale.scale_vec::1X.f32.e4m3.e3m2.f32.ue8m0 {
// PTX: mma.sync.aligned.m16n8k32.row.col.kind::mxf8f6f4.block_scale.scale_vec::1X.f32.e4m3.e2m1.f32.ue8m0 {
// PTX: mma.sync.aligned.m16n8k64.row.col.kind::mxf4.block_scale.scale_vec::2X.f32.e2m1.e2m1.f32.ue8m0 {
// PTX-NOT: {{ftz|approx}}

// BIN: gpu.binary @{{.*}} [#gpu.object<#nvvm.target<O = 3, chip = "sm_{{[0-9]+[af]}}"{{.*}}>, properties = {{.*}}, bin = "
// BIN: gpu.launch_func

func.func @fp6_fp8(%a: !qf.tensor<16x64xf32, mxfp6, axis = 1>, %w: !qf.tensor<8x64xf32, mxfp8, axis = 1>) -> tensor<16x8xf32> {
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<16x64xf32, mxfp6, axis = 1>, !qf.tensor<8x64xf32, mxfp8, axis = 1> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}
func.func @fp6_fp6(%a: !qf.tensor<20x64xf32, mxfp6_e3m2, axis = 1>, %w: !qf.tensor<12x64xf32, mxfp6, axis = 1>) -> tensor<20x12xf32> {
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<20x64xf32, mxfp6_e3m2, axis = 1>, !qf.tensor<12x64xf32, mxfp6, axis = 1> -> tensor<20x12xf32>
  return %c : tensor<20x12xf32>
}
func.func @fp4_fp6(%a: !qf.tensor<16x64xf32, mxfp4, axis = 1>, %w: !qf.tensor<8x64xf32, mxfp6_e3m2, axis = 1>) -> tensor<16x8xf32> {
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<16x64xf32, mxfp4, axis = 1>, !qf.tensor<8x64xf32, mxfp6_e3m2, axis = 1> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}
func.func @fp6_kn(%a: !qf.tensor<16x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<64x12xf32, mxfp6_e3m2, axis = 0>) -> tensor<16x12xf32> {
  %c = qf.matmul %a, %w : !qf.tensor<16x64xf32, mxfp8, axis = 1>, !qf.tensor<64x12xf32, mxfp6_e3m2, axis = 0> -> tensor<16x12xf32>
  return %c : tensor<16x12xf32>
}
func.func @fp4_kn(%a: !qf.tensor<16x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<64x8xf32, mxfp4, axis = 0>) -> tensor<16x8xf32> {
  %c = qf.matmul %a, %w : !qf.tensor<16x64xf32, mxfp8, axis = 1>, !qf.tensor<64x8xf32, mxfp4, axis = 0> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}
func.func @mxfp4_kn(%a: !qf.tensor<16x128xf32, mxfp4, axis = 1>, %w: !qf.tensor<128x8xf32, mxfp4, axis = 0>) -> tensor<16x8xf32> {
  %c = qf.matmul %a, %w : !qf.tensor<16x128xf32, mxfp4, axis = 1>, !qf.tensor<128x8xf32, mxfp4, axis = 0> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}
