// tensor-cores and qf.fused_matmul: a fused matmul whose GEMM has an MMA is
// decomposed (the GEMM runs as the MMA kernel, the epilogue as the unfused
// quantize kernel, the same bits as the band kernel); one without an MMA
// keeps the CUDA-core band kernel (with fallback, a remark says why).
// RUN: qf-opt %s --convert-qf-to-nvvm="chip=sm_120a tensor-cores" -split-input-file | FileCheck %s
// RUN: qf-opt %s --convert-qf-to-nvvm="chip=sm_90a tensor-cores fallback" -split-input-file -verify-diagnostics | FileCheck %s --check-prefix=HOPPER

// CHECK-LABEL: func.func @fused(
// CHECK: kind::mxf4.block_scale
// CHECK: gpu.launch
// HOPPER-LABEL: func.func @fused(
// HOPPER-NOT: mma.sync
func.func @fused(%a: !qf.tensor<16x128xf32, mxfp4, axis = 1>, %w: !qf.tensor<32x128xf32, mxfp4, axis = 1>) -> !qf.tensor<16x32xf32, mxfp8, axis = 1> {
  // expected-remark @+1 {{'qf.fused_matmul' (mxfp4 x mxfp4) requires tensor cores on sm_90a: FP4 MMA needs sm_120a/f, sm_121a (mma.block_scale) or sm_100a/f, sm_103a (tcgen05.mma.block_scale, PTX 8.8); using the portable kernel (fallback)}}
  %0 = qf.fused_matmul %a, %w transpose_b : !qf.tensor<16x128xf32, mxfp4, axis = 1>, !qf.tensor<32x128xf32, mxfp4, axis = 1> -> !qf.tensor<16x32xf32, mxfp8, axis = 1> {
  ^bb0(%x: f32):
    qf.yield %x : f32
  }
  return %0 : !qf.tensor<16x32xf32, mxfp8, axis = 1>
}
