// qf.matmul ops with tcgen05 mappings (qf-gpu-pipeline-tcgen05.mlir): MXFP8
// (E4M3 x E5M2), MXFP4, NVFP4 (tensor scales), a batch and a dynamic M,
// and M, N past one 128 x 128 tile with K not a multiple of a stage; then
// kind::mxf8f6f4 mixes: MXFP8 x MXFP4 and MXFP6 (E3M2) x MXFP6 (E2M3).
func.func @mxfp8(%a: !qf.tensor<200x96xf32, mxfp8, axis = 1>, %w: !qf.tensor<136x96xf32, mxfp8_e5m2, axis = 1>) -> tensor<200x136xf32> {
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<200x96xf32, mxfp8, axis = 1>, !qf.tensor<136x96xf32, mxfp8_e5m2, axis = 1> -> tensor<200x136xf32>
  return %c : tensor<200x136xf32>
}
func.func @mxfp4(%a: !qf.tensor<16x128xf32, mxfp4, axis = 1>, %w: !qf.tensor<8x128xf32, mxfp4, axis = 1>) -> tensor<16x8xf32> {
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<16x128xf32, mxfp4, axis = 1>, !qf.tensor<8x128xf32, mxfp4, axis = 1> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}
func.func @nvfp4(%a: !qf.tensor<2x?x64xf32, nvfp4, axis = 2>, %w: !qf.tensor<2x8x64xf32, nvfp4, axis = 2>) -> tensor<2x?x8xf32> {
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<2x?x64xf32, nvfp4, axis = 2>, !qf.tensor<2x8x64xf32, nvfp4, axis = 2> -> tensor<2x?x8xf32>
  return %c : tensor<2x?x8xf32>
}
func.func @mxfp8_mxfp4(%a: !qf.tensor<16x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<8x64xf32, mxfp4, axis = 1>) -> tensor<16x8xf32> {
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<16x64xf32, mxfp8, axis = 1>, !qf.tensor<8x64xf32, mxfp4, axis = 1> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}
func.func @mxfp6(%a: !qf.tensor<16x64xf32, mxfp6_e3m2, axis = 1>, %w: !qf.tensor<8x64xf32, mxfp6, axis = 1>) -> tensor<16x8xf32> {
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<16x64xf32, mxfp6_e3m2, axis = 1>, !qf.tensor<8x64xf32, mxfp6, axis = 1> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}
