// tensor-cores: qf.matmul must run on tensor cores; operands with no MMA
// mapping on the chip are errors naming the op, the formats and the chip.
// RUN: qf-opt %s --convert-qf-to-nvvm="chip=sm_90a tensor-cores" -split-input-file -verify-diagnostics

func.func @integers(%a: !qf.tensor<4x64xf32, mxint8, axis = 1>, %w: !qf.tensor<6x64xf32, mxint8, axis = 1>) -> tensor<4x6xf32> {
  // expected-error @+1 {{'qf.matmul' (mxint8 x mxint8) requires tensor cores on sm_90a: integer elements have no tensor-core mapping; accepted: MXFP8 x MXFP8 (E4M3/E5M2, E8M0 or E4M3 scales, blocks of 32 along K) on sm_89+ with PTX 8.4, MXFP4 x MXFP4, NVFP4 x NVFP4 and any mix of MXFP8, MXFP6 and MXFP4 on sm_120a/f, sm_121a; MXFP8 x MXFP8 (E8M0), MXFP4 x MXFP4, NVFP4 x NVFP4 and any mix of MXFP8, MXFP6 and MXFP4 with transpose_b on sm_100a/f, sm_103a with PTX 8.8 (tcgen05); or drop tensor-cores, or set fallback to use the portable CUDA-core kernel}}
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<4x64xf32, mxint8, axis = 1>, !qf.tensor<6x64xf32, mxint8, axis = 1> -> tensor<4x6xf32>
  return %c : tensor<4x6xf32>
}

// -----

func.func @fp4_on_hopper(%a: !qf.tensor<4x64xf32, mxfp4, axis = 1>, %w: !qf.tensor<6x64xf32, mxfp4, axis = 1>) -> tensor<4x6xf32> {
  // expected-error @+1 {{'qf.matmul' (mxfp4 x mxfp4) requires tensor cores on sm_90a: FP4 MMA needs sm_120a/f, sm_121a (mma.block_scale) or sm_100a/f, sm_103a (tcgen05.mma.block_scale, PTX 8.8)}}
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<4x64xf32, mxfp4, axis = 1>, !qf.tensor<6x64xf32, mxfp4, axis = 1> -> tensor<4x6xf32>
  return %c : tensor<4x6xf32>
}

// -----

!f32s = !qf.tensor<6x64xf32, #qf.format<elem = f8E4M3FN, block = 32, scale = f32>, axis = 1>
func.func @f32_scales(%a: !qf.tensor<4x64xf32, mxfp8, axis = 1>, %w: !f32s) -> tensor<4x6xf32> {
  // expected-error @+1 {{block scales of type f32 have no tensor-core mapping (E8M0 or E4M3 scales only)}}
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<4x64xf32, mxfp8, axis = 1>, !f32s -> tensor<4x6xf32>
  return %c : tensor<4x6xf32>
}

// -----

!b64 = !qf.tensor<6x64xf32, #qf.format<elem = f8E4M3FN, block = 64, scale = f8E8M0FNU>, axis = 1>
func.func @blocks_of_64(%a: !qf.tensor<4x64xf32, mxfp8, axis = 1>, %w: !b64) -> tensor<4x6xf32> {
  // expected-error @+1 {{block-scaled MMA takes blocks of 16 or 32 elements}}
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<4x64xf32, mxfp8, axis = 1>, !b64 -> tensor<4x6xf32>
  return %c : tensor<4x6xf32>
}

// -----

func.func @f32_operand(%x: tensor<4x64xf32>, %w: !qf.tensor<6x64xf32, mxfp8, axis = 1>) -> tensor<4x6xf32> {
  // expected-error @+1 {{'qf.matmul' (f32 x mxfp8) requires tensor cores on sm_90a: both operands must be quantized for a block-scaled MMA}}
  %c = qf.matmul %x, %w transpose_b : tensor<4x64xf32>, !qf.tensor<6x64xf32, mxfp8, axis = 1> -> tensor<4x6xf32>
  return %c : tensor<4x6xf32>
}

// -----

// The FP8 mapping exists on sm_90a (mma.sync m16n8k32 e4m3), but it needs
// PTX 8.4 and sm_90a defaults to PTX 8.0.
func.func @fp8_ptx_too_old(%a: !qf.tensor<4x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<6x64xf32, mxfp8, axis = 1>) -> tensor<4x6xf32> {
  // expected-error @+1 {{'qf.matmul' (mxfp8 x mxfp8) requires tensor cores on sm_90a: mma.sync.m16n8k32 with e4m3/e5m2 operands needs PTX 8.4, and the default for sm_90a is PTX 8.0 (set features=+ptx84 or later); accepted: MXFP8 x MXFP8}}
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<4x64xf32, mxfp8, axis = 1>, !qf.tensor<6x64xf32, mxfp8, axis = 1> -> tensor<4x6xf32>
  return %c : tensor<4x6xf32>
}

// -----

// The repacked layout is the CPU kernels' (qf-repack-weights): the MMA
// fragments read row-major rows.
!tiled = !qf.tensor<8x64xf32, mxfp8, axis = 1, layout = tiled<4x32>>
func.func @tiled_rhs(%a: !qf.tensor<4x64xf32, mxfp8, axis = 1>, %w: !tiled) -> tensor<4x8xf32> {
  // expected-error @+1 {{the repacked layout tiled<4x32> has no tensor-core mapping (row-major weights only)}}
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<4x64xf32, mxfp8, axis = 1>, !tiled -> tensor<4x8xf32>
  return %c : tensor<4x8xf32>
}
