// kind::mxf8f6f4 on sm_120a takes FP6 (and mixed) operands only with blocks
// of 32, E8M0 scales and no tensor scale: anything else is an error naming
// the op, the formats and what would be accepted.
// RUN: qf-opt %s --convert-qf-to-nvvm="chip=sm_120a tensor-cores" -split-input-file -verify-diagnostics

func.func @fp6_nvfp4(%a: !qf.tensor<16x64xf32, mxfp6, axis = 1>, %w: !qf.tensor<8x64xf32, nvfp4, axis = 1>) -> tensor<16x8xf32> {
  // expected-error @+1 {{'qf.matmul' (mxfp6 x nvfp4) requires tensor cores on sm_120a: MMA of mixed or FP6 elements (kind::mxf8f6f4) takes blocks of 32 with E8M0 scales and no tensor scale on both operands (MXFP8, MXFP6, MXFP4); accepted: MXFP8 x MXFP8}}
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<16x64xf32, mxfp6, axis = 1>, !qf.tensor<8x64xf32, nvfp4, axis = 1> -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}

// -----

!fp6b16 = !qf.tensor<8x64xf32, #qf.format<elem = f6E2M3FN, block = 16, scale = f8E8M0FNU>, axis = 1>
func.func @fp6_blocks_of_16(%a: !qf.tensor<16x64xf32, mxfp8, axis = 1>, %w: !fp6b16) -> tensor<16x8xf32> {
  // expected-error @+1 {{block = 16, scale = f8E8M0FNU, rule = floor, rounding = even>) requires tensor cores on sm_120a: MMA of mixed or FP6 elements (kind::mxf8f6f4) takes blocks of 32 with E8M0 scales}}
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<16x64xf32, mxfp8, axis = 1>, !fp6b16 -> tensor<16x8xf32>
  return %c : tensor<16x8xf32>
}
