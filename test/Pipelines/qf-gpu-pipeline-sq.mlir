// REQUIRES: ptxas
// Sparse-quantized (SQ) tensors on the GPU target: convert-qf-to-nvvm runs
// the same SQ decomposition as the CPU target (SparseDecompose.cpp: the two
// parts through the shared codecs, the matmul as the low part's GEMM plus
// the banked correction), so run-time selection, static outlier channels,
// SQ weights, and transposes and reshapes of SQ tensors compile to kernels
// that ptxas assembles. With tensor-cores on sm_120a the low GEMM of an FP
// SQ weight (MXFP4 + FP8 outliers) times an MXFP8 activation takes
// mma.block_scale; the correction stays on CUDA cores.
// RUN: qf-opt %s --qf-gpu-pipeline="chip=sm_90a format=isa toolkit=%cuda_toolkit" | FileCheck %s --check-prefix=PTX
// RUN: qf-opt %s --qf-gpu-pipeline="chip=sm_90a format=bin toolkit=%cuda_toolkit" | FileCheck %s --check-prefix=BIN
// RUN: qf-opt %s --qf-gpu-pipeline="chip=sm_120a tensor-cores fallback format=isa toolkit=%cuda_toolkit" 2>/dev/null | FileCheck %s --check-prefix=MMA
// RUN: qf-opt %s --qf-gpu-pipeline="chip=sm_120a tensor-cores fallback format=bin toolkit=%cuda_toolkit" 2>/dev/null | FileCheck %s --check-prefix=BIN

!sq = !qf.tensor<4x64xf32, #qf.format<mxint4, bank = 32, outliers = 2>, axis = 1>
!sq3 = !qf.tensor<2x3x64xf32, #qf.format<mxint4, bank = 16, outliers = 1>, axis = 2>
!sq3t = !qf.tensor<3x2x64xf32, #qf.format<mxint4, bank = 16, outliers = 1>, axis = 2>
!sq3r = !qf.tensor<6x64xf32, #qf.format<mxint4, bank = 16, outliers = 1>, axis = 1>
!fpw = !qf.tensor<16x64xf32, #qf.format<mxfp4, bank = 32, outliers = 4, outlier_elem = f8E4M3FN>, axis = 1>
!a8 = !qf.tensor<4x64xf32, mxfp8, axis = 1>

// Run-time selection (the largest |x| per bank) and its decode.
func.func @quantize(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %q = qf.quantize %x : tensor<4x64xf32> -> !sq
  %d = qf.dequantize %q : !sq -> tensor<4x64xf32>
  return %d : tensor<4x64xf32>
}

// Static outlier channels from calibration (no selection in the kernel).
func.func @static_channels(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %q = qf.sparse_quantize %x outlier_channels [3, 17, 40, 63] : tensor<4x64xf32> -> !sq
  %d = qf.dequantize %q : !sq -> tensor<4x64xf32>
  return %d : tensor<4x64xf32>
}

// An SQ activation times a plain weight.
func.func @matmul_sq_activation(%x: tensor<4x64xf32>, %w: tensor<64x8xf32>) -> tensor<4x8xf32> {
  %q = qf.quantize %x : tensor<4x64xf32> -> !sq
  %c = qf.matmul %q, %w : !sq, tensor<64x8xf32> -> tensor<4x8xf32>
  return %c : tensor<4x8xf32>
}

// An FP SQ weight (its five storage arguments) times an MXFP8 activation.
func.func @matmul_sq_weight(%x: tensor<4x64xf32>, %w: !fpw) -> tensor<4x16xf32> {
  %a = qf.quantize %x : tensor<4x64xf32> -> !a8
  %c = qf.matmul %a, %w transpose_b : !a8, !fpw -> tensor<4x16xf32>
  return %c : tensor<4x16xf32>
}

// Layout ops move all five storage tensors.
func.func @layout(%x: tensor<2x3x64xf32>) -> (tensor<3x2x64xf32>, tensor<6x64xf32>) {
  %q = qf.quantize %x : tensor<2x3x64xf32> -> !sq3
  %t = qf.transpose %q permutation = [1, 0, 2] : !sq3 -> !sq3t
  %r = qf.reshape %q : !sq3 -> !sq3r
  %dt = qf.dequantize %t : !sq3t -> tensor<3x2x64xf32>
  %dr = qf.dequantize %r : !sq3r -> tensor<6x64xf32>
  return %dt, %dr : tensor<3x2x64xf32>, tensor<6x64xf32>
}

// PTX: .target sm_90a
// PTX: .entry
// The summation order and every rounding are the shared kernels'.
// PTX-NOT: {{ftz|approx}}

// BIN: llvm.func @quantize(
// BIN: llvm.func @static_channels(
// BIN: gpu.binary @static_channels_kernel {{.*}}bin = "
// BIN: llvm.func @matmul_sq_activation(
// BIN: llvm.func @matmul_sq_weight(
// BIN: llvm.func @layout(
// BIN: gpu.binary @layout_kernel {{.*}}bin = "
// BIN: gpu.binary @__qf_kernel_0_kernel {{.*}}bin = "

// MMA: .target sm_120a
// MMA: mma.sync.aligned.m16n8k32.row.col.kind::mxf8f6f4.block_scale
// MMA-NOT: {{ftz|approx}}
