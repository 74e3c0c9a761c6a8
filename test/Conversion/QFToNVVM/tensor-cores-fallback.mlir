// With fallback, a tensor-core request that cannot be met is a remark per
// op and the portable GEMM kernel is used.
// RUN: qf-opt %s --convert-qf-to-nvvm="chip=sm_90a tensor-cores fallback" -verify-diagnostics | FileCheck %s --check-prefix=TC

// TC-LABEL: func.func @int_matmul
// TC: gpu.launch
func.func @int_matmul(%a: !qf.tensor<4x64xf32, mxint8, axis = 1>, %w: !qf.tensor<6x64xf32, mxint8, axis = 1>) -> tensor<4x6xf32> {
  // expected-remark @+1 {{'qf.matmul' (mxint8 x mxint8) requires tensor cores on sm_90a: integer elements have no tensor-core mapping; using the portable kernel (fallback)}}
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<4x64xf32, mxint8, axis = 1>, !qf.tensor<6x64xf32, mxint8, axis = 1> -> tensor<4x6xf32>
  return %c : tensor<4x6xf32>
}
