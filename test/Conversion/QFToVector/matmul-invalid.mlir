// qf.matmul cases the CPU kernel cannot lower are diagnostics, never crashes.
// RUN: qf-opt %s --convert-qf-to-vector --split-input-file -verify-diagnostics

// N is dynamic and only stored in the packed 4-bit codes of B[K, N] (two
// codes per byte): the byte count does not give N back.
func.func @packed_dynamic_n(%x: tensor<2x64xf32>, %w: !qf.tensor<64x?xf32, mxfp4, axis = 0>) -> tensor<2x?xf32> {
  // expected-error @+2 {{failed to legalize operation 'qf.matmul'}}
  // expected-error @+1 {{'qf.matmul' op cannot lower to a CPU kernel: the N size is dynamic and only stored in packed sub-byte codes}}
  %c = qf.matmul %x, %w : tensor<2x64xf32>, !qf.tensor<64x?xf32, mxfp4, axis = 0> -> tensor<2x?xf32>
  return %c : tensor<2x?xf32>
}

// -----

// With 8-bit codes the packed size is the size: dynamic N lowers.
func.func @byte_codes_dynamic_n(%x: tensor<2x64xf32>, %w: !qf.tensor<64x?xf32, mxint8, axis = 0>) -> tensor<2x?xf32> {
  %c = qf.matmul %x, %w : tensor<2x64xf32>, !qf.tensor<64x?xf32, mxint8, axis = 0> -> tensor<2x?xf32>
  return %c : tensor<2x?xf32>
}
