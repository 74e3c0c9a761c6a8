// tensor-cores on sm_100a/f, sm_103a with PTX 8.8: what tcgen05
// kind::mxf8f6f4 still refuses for mixed and FP6 operands, each an error
// naming the op, the formats, the chip and what would be accepted.
// RUN: qf-opt %s --convert-qf-to-nvvm="chip=sm_100a features=+ptx88 tensor-cores" -split-input-file -verify-diagnostics
// RUN: not qf-opt %s --convert-qf-to-nvvm="chip=sm_103a tensor-cores" -split-input-file 2>&1 | FileCheck %s --check-prefix=SM103

// A 4-bit rhs stored [K, N]: tcgen05's B operand is K-major.
func.func @fp8_fp4_kn(%a: !qf.tensor<16x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<64x8xf32, mxfp4, axis = 0>) -> tensor<16x8xf32> {
  // SM103: 'qf.matmul' (mxfp8 x mxfp4) requires tensor cores on sm_103a: the rhs of a mixed or FP6 MMA must be stored [N, K] (transpose_b) for tcgen05
  // expected-error @+1 {{'qf.matmul' (mxfp8 x mxfp4) requires tensor cores on sm_100a: the rhs of a mixed or FP6 MMA must be stored [N, K] (transpose_b) for tcgen05: its B operand is K-major}}
  %c = qf.matmul %a, %w : !qf.tensor<16x64xf32, mxfp8, axis = 1>, !qf.tensor<64x8xf32, mxfp4, axis = 0> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

// -----

// An 8-bit rhs stored [K, N] of an FP6 matmul: no mma.sync fallback takes
// FP6.
func.func @fp6_fp8_kn(%a: !qf.tensor<16x64xf32, mxfp6, axis = 1>, %w: !qf.tensor<64x8xf32, mxfp8, axis = 0>) -> tensor<16x8xf32> {
  // SM103: 'qf.matmul' (mxfp6 x mxfp8) requires tensor cores on sm_103a: the rhs of a mixed or FP6 MMA must be stored [N, K] (transpose_b)
  // expected-error @+1 {{'qf.matmul' (mxfp6 x mxfp8) requires tensor cores on sm_100a: the rhs of a mixed or FP6 MMA must be stored [N, K] (transpose_b)}}
  %c = qf.matmul %a, %w : !qf.tensor<16x64xf32, mxfp6, axis = 1>, !qf.tensor<64x8xf32, mxfp8, axis = 0> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

// -----

// NVFP4 (blocks of 16, E4M3 scales, a tensor scale) with MXFP8:
// kind::mxf8f6f4 takes E8M0 scales of blocks of 32 only.
func.func @nvfp4_fp8(%a: !qf.tensor<16x64xf32, nvfp4, axis = 1>, %w: !qf.tensor<8x64xf32, mxfp8, axis = 1>) -> tensor<16x8xf32> {
  // SM103: 'qf.matmul' (nvfp4 x mxfp8) requires tensor cores on sm_103a: MMA of mixed or FP6 elements (kind::mxf8f6f4) takes blocks of 32 with E8M0 scales and no tensor scale on both operands (MXFP8, MXFP6, MXFP4)
  // expected-error @+1 {{'qf.matmul' (nvfp4 x mxfp8) requires tensor cores on sm_100a: MMA of mixed or FP6 elements (kind::mxf8f6f4) takes blocks of 32 with E8M0 scales and no tensor scale on both operands (MXFP8, MXFP6, MXFP4)}}
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<16x64xf32, nvfp4, axis = 1>, !qf.tensor<8x64xf32, mxfp8, axis = 1> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

