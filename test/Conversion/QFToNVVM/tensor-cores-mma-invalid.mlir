// tensor-cores with a PTX version that has the FP8 MMA: the requests that
// still have no mapping are errors naming the op, the formats, the chip and
// the reason (tensor-cores-invalid.mlir has the element and scale types).
// RUN: qf-opt %s --convert-qf-to-nvvm="chip=sm_90a features=+ptx84 tensor-cores" -split-input-file -verify-diagnostics
// RUN: not qf-opt %s --convert-qf-to-nvvm="chip=sm_80 tensor-cores" -split-input-file 2>&1 | FileCheck %s --check-prefix=SM80
// RUN: not qf-opt %s --convert-qf-to-nvvm="chip=sm_90a features=+ptx82 tensor-cores" -split-input-file 2>&1 | FileCheck %s --check-prefix=PTX82
// RUN: not qf-opt %s --convert-qf-to-nvvm="chip=sm_120a tensor-cores" -split-input-file 2>&1 | FileCheck %s --check-prefix=SM120

func.func @fp8(%a: !qf.tensor<20x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<12x64xf32, mxfp8, axis = 1>) -> tensor<20x12xf32> {
  // SM80: 'qf.matmul' (mxfp8 x mxfp8) requires tensor cores on sm_80: FP8 MMA needs sm_89 or later
  // PTX82: requires tensor cores on sm_90a: mma.sync.m16n8k32 with e4m3/e5m2 operands needs PTX 8.4, and features asks for PTX 8.2 (set features=+ptx84 or later)
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<20x64xf32, mxfp8, axis = 1>, !qf.tensor<12x64xf32, mxfp8, axis = 1> -> tensor<20x12xf32>
  return %c : tensor<20x12xf32>
}

// -----

!b16 = !qf.tensor<12x64xf32, #qf.format<elem = f8E4M3FN, block = 16, scale = f8E8M0FNU>, axis = 1>
func.func @fp8_blocks_of_16(%a: !qf.tensor<20x64xf32, mxfp8, axis = 1>, %w: !b16) -> tensor<20x12xf32> {
  // expected-error @+1 {{requires tensor cores on sm_90a: FP8 MMA takes blocks of 32 along K (one m16n8k32 step per block); got blocks of 32 and 16}}
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<20x64xf32, mxfp8, axis = 1>, !b16 -> tensor<20x12xf32>
  return %c : tensor<20x12xf32>
}

// -----

func.func @nvfp4_on_hopper(%a: !qf.tensor<16x64xf32, nvfp4, axis = 1>, %w: !qf.tensor<8x64xf32, nvfp4, axis = 1>) -> tensor<16x8xf32> {
  // expected-error @+1 {{'qf.matmul' (nvfp4 x nvfp4) requires tensor cores on sm_90a: FP4 MMA needs sm_120a/f, sm_121a (mma.block_scale) or sm_100a/f, sm_103a (tcgen05.mma.block_scale, PTX 8.8)}}
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<16x64xf32, nvfp4, axis = 1>, !qf.tensor<8x64xf32, nvfp4, axis = 1> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

// -----

func.func @fp6(%a: !qf.tensor<16x64xf32, mxfp6, axis = 1>, %w: !qf.tensor<8x64xf32, mxfp8, axis = 1>) -> tensor<16x8xf32> {
  // expected-error @+1 {{'qf.matmul' (mxfp6 x mxfp8) requires tensor cores on sm_90a: FP4/FP6 MMA needs sm_100a/f, sm_103a (tcgen05) or sm_120a/f, sm_121a (mma.block_scale)}}
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<16x64xf32, mxfp6, axis = 1>, !qf.tensor<8x64xf32, mxfp8, axis = 1> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

// -----

// A 4-bit rhs stored [K, N] (packed along N); mapped on sm_120a
// (tensor-cores-mma-fp6.mlir).
func.func @fp4_kn(%a: !qf.tensor<16x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<64x8xf32, mxfp4, axis = 0>) -> tensor<16x8xf32> {
  // SM120-NOT: (mxfp8 x mxfp4) requires tensor cores
  // expected-error @+1 {{requires tensor cores on sm_90a: FP4/FP6 MMA needs sm_100a/f, sm_103a (tcgen05) or sm_120a/f, sm_121a (mma.block_scale)}}
  %c = qf.matmul %a, %w : !qf.tensor<16x64xf32, mxfp8, axis = 1>, !qf.tensor<64x8xf32, mxfp4, axis = 0> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

// -----

// FP6 operands (mapped on sm_120a: tensor-cores-mma-fp6.mlir), and NVFP4
// with MXFP8 (not mapped anywhere).
func.func @fp6_sm120(%a: !qf.tensor<16x64xf32, mxfp6, axis = 1>, %w: !qf.tensor<8x64xf32, mxfp6, axis = 1>) -> tensor<16x8xf32> {
  // SM120-NOT: (mxfp6 x mxfp6) requires tensor cores
  // expected-error @+1 {{requires tensor cores on sm_90a: FP4/FP6 MMA needs sm_100a/f, sm_103a (tcgen05) or sm_120a/f, sm_121a (mma.block_scale)}}
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<16x64xf32, mxfp6, axis = 1>, !qf.tensor<8x64xf32, mxfp6, axis = 1> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}
func.func @fp8_nvfp4(%a: !qf.tensor<16x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<8x64xf32, nvfp4, axis = 1>) -> tensor<16x8xf32> {
  // SM120: 'qf.matmul' (mxfp8 x nvfp4) requires tensor cores on sm_120a: MMA of mixed or FP6 elements (kind::mxf8f6f4) takes blocks of 32 with E8M0 scales and no tensor scale on both operands (MXFP8, MXFP6, MXFP4)
  // expected-error @+1 {{requires tensor cores on sm_90a: FP4/FP6 MMA needs sm_100a/f, sm_103a (tcgen05) or sm_120a/f, sm_121a (mma.block_scale)}}
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<16x64xf32, mxfp8, axis = 1>, !qf.tensor<8x64xf32, nvfp4, axis = 1> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}
