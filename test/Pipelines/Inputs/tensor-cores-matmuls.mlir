// qf.matmul ops with tensor-core mappings (qf-gpu-pipeline-mma.mlir): MXFP8
// (transpose_b, [K, N] with E5M2, batched, dynamic M), MXFP4, NVFP4 and
// MXFP8 x MXFP4.
func.func @fp8(%a: !qf.tensor<20x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<12x64xf32, mxfp8, axis = 1>) -> tensor<20x12xf32> {
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<20x64xf32, mxfp8, axis = 1>, !qf.tensor<12x64xf32, mxfp8, axis = 1> -> tensor<20x12xf32>
  return %c : tensor<20x12xf32>
}
func.func @fp8_kn(%a: !qf.tensor<20x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<64x12xf32, mxfp8_e5m2, axis = 0>) -> tensor<20x12xf32> {
  %c = qf.matmul %a, %w : !qf.tensor<20x64xf32, mxfp8, axis = 1>, !qf.tensor<64x12xf32, mxfp8_e5m2, axis = 0> -> tensor<20x12xf32>
  return %c : tensor<20x12xf32>
}
func.func @fp8_batch(%a: !qf.tensor<2x16x32xf32, mxfp8, axis = 2>, %w: !qf.tensor<2x8x32xf32, mxfp8, axis = 2>) -> tensor<2x16x8xf32> {
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<2x16x32xf32, mxfp8, axis = 2>, !qf.tensor<2x8x32xf32, mxfp8, axis = 2> -> tensor<2x16x8xf32>
  return %c : tensor<2x16x8xf32>
}
func.func @fp8_dyn(%a: !qf.tensor<?x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<12x64xf32, mxfp8, axis = 1>) -> tensor<?x12xf32> {
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<?x64xf32, mxfp8, axis = 1>, !qf.tensor<12x64xf32, mxfp8, axis = 1> -> tensor<?x12xf32>
  return %c : tensor<?x12xf32>
}
func.func @fp4(%a: !qf.tensor<16x128xf32, mxfp4, axis = 1>, %w: !qf.tensor<8x128xf32, mxfp4, axis = 1>) -> tensor<16x8xf32> {
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<16x128xf32, mxfp4, axis = 1>, !qf.tensor<8x128xf32, mxfp4, axis = 1> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}
func.func @nvfp4(%a: !qf.tensor<16x64xf32, nvfp4, axis = 1>, %w: !qf.tensor<8x64xf32, nvfp4, axis = 1>) -> tensor<16x8xf32> {
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<16x64xf32, nvfp4, axis = 1>, !qf.tensor<8x64xf32, nvfp4, axis = 1> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}
func.func @mixed(%a: !qf.tensor<16x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<8x64xf32, mxfp4, axis = 1>) -> tensor<16x8xf32> {
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<16x64xf32, mxfp8, axis = 1>, !qf.tensor<8x64xf32, mxfp4, axis = 1> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}
