// tensor-cores on sm_100a/f, sm_103a: the requests tcgen05 cannot serve are
// errors naming the op, the formats, the chip and what would be accepted.
// RUN: qf-opt %s --convert-qf-to-nvvm="chip=sm_100a tensor-cores" -split-input-file -verify-diagnostics
// RUN: not qf-opt %s --convert-qf-to-nvvm="chip=sm_100a features=+ptx87 tensor-cores" -split-input-file 2>&1 | FileCheck %s --check-prefix=PTX87
// RUN: not qf-opt %s --convert-qf-to-nvvm="chip=sm_103a tensor-cores" -split-input-file 2>&1 | FileCheck %s --check-prefix=SM103

// FP4 at sm_100a's default PTX 8.6: ptxas rejects .block32 / .block16 there.
func.func @mxfp4(%a: !qf.tensor<16x128xf32, mxfp4, axis = 1>, %w: !qf.tensor<8x128xf32, mxfp4, axis = 1>) -> tensor<16x8xf32> {
  // PTX87: 'qf.matmul' (mxfp4 x mxfp4) requires tensor cores on sm_100a: tcgen05.mma.block_scale with .block16 / .block32 needs PTX 8.8, and features asks for PTX 8.7 (set features=+ptx88 or later)
  // expected-error @+1 {{'qf.matmul' (mxfp4 x mxfp4) requires tensor cores on sm_100a: tcgen05.mma.block_scale with .block16 / .block32 needs PTX 8.8, and the default for sm_100a is PTX 8.6 (set features=+ptx88 or later)}}
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<16x128xf32, mxfp4, axis = 1>, !qf.tensor<8x128xf32, mxfp4, axis = 1> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

// -----

func.func @nvfp4(%a: !qf.tensor<16x64xf32, nvfp4, axis = 1>, %w: !qf.tensor<8x64xf32, nvfp4, axis = 1>) -> tensor<16x8xf32> {
  // PTX87: 'qf.matmul' (nvfp4 x nvfp4) requires tensor cores on sm_100a: tcgen05.mma.block_scale with .block16 / .block32 needs PTX 8.8
  // expected-error @+1 {{'qf.matmul' (nvfp4 x nvfp4) requires tensor cores on sm_100a: tcgen05.mma.block_scale with .block16 / .block32 needs PTX 8.8}}
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<16x64xf32, nvfp4, axis = 1>, !qf.tensor<8x64xf32, nvfp4, axis = 1> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

// -----

// Mixed MXFP8 x MXFP4 and FP6 (tcgen05 kind::mxf8f6f4) need PTX 8.8 too;
// sm_103a's default is 8.8 (tensor-cores-tcgen05-mxf8f6f4.mlir; what
// kind::mxf8f6f4 still refuses: tensor-cores-tcgen05-mxf8f6f4-invalid.mlir).
func.func @mixed(%a: !qf.tensor<16x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<8x64xf32, mxfp4, axis = 1>) -> tensor<16x8xf32> {
  // PTX87: 'qf.matmul' (mxfp8 x mxfp4) requires tensor cores on sm_100a: tcgen05.mma.block_scale with .block16 / .block32 needs PTX 8.8, and features asks for PTX 8.7 (set features=+ptx88 or later)
  // expected-error @+1 {{'qf.matmul' (mxfp8 x mxfp4) requires tensor cores on sm_100a: tcgen05.mma.block_scale with .block16 / .block32 needs PTX 8.8, and the default for sm_100a is PTX 8.6 (set features=+ptx88 or later)}}
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<16x64xf32, mxfp8, axis = 1>, !qf.tensor<8x64xf32, mxfp4, axis = 1> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

// -----

func.func @fp6(%a: !qf.tensor<16x64xf32, mxfp6, axis = 1>, %w: !qf.tensor<8x64xf32, mxfp6, axis = 1>) -> tensor<16x8xf32> {
  // PTX87: 'qf.matmul' (mxfp6 x mxfp6) requires tensor cores on sm_100a: tcgen05.mma.block_scale with .block16 / .block32 needs PTX 8.8
  // expected-error @+1 {{'qf.matmul' (mxfp6 x mxfp6) requires tensor cores on sm_100a: tcgen05.mma.block_scale with .block16 / .block32 needs PTX 8.8}}
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<16x64xf32, mxfp6, axis = 1>, !qf.tensor<8x64xf32, mxfp6, axis = 1> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

// -----

// A 4-bit rhs stored [K, N].
func.func @fp4_kn(%a: !qf.tensor<16x64xf32, nvfp4, axis = 1>, %w: !qf.tensor<64x8xf32, nvfp4, axis = 0>) -> tensor<16x8xf32> {
  // SM103: 'qf.matmul' (nvfp4 x nvfp4) requires tensor cores on sm_103a: a 4-bit rhs must be stored [N, K] (transpose_b)
  // expected-error @+1 {{'qf.matmul' (nvfp4 x nvfp4) requires tensor cores on sm_100a: a 4-bit rhs must be stored [N, K] (transpose_b)}}
  %c = qf.matmul %a, %w : !qf.tensor<16x64xf32, nvfp4, axis = 1>, !qf.tensor<64x8xf32, nvfp4, axis = 0> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}
