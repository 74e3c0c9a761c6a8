// RUN: qf-opt %s -split-input-file -verify-diagnostics

func.func @not_broadcast(%x: tensor<8x64xf32>, %y: tensor<64x8xf32>) -> tensor<8x64xf32> {
  // expected-error @+1 {{indexing map #1 (affine_map<(d0, d1) -> (d1, d0)>) is not a broadcast}}
  %r = "qf.map"(%x, %y) <{indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j, i)>], operandSegmentSizes = array<i32: 2, 0, 0>}> ({
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    qf.yield %s : f32
  }) : (tensor<8x64xf32>, tensor<64x8xf32>) -> tensor<8x64xf32>
  return %r : tensor<8x64xf32>
}

// -----

func.func @shape(%x: tensor<8x64xf32>, %b: tensor<32xf32>) -> tensor<8x64xf32> {
  // expected-error @+1 {{input #1 has shape 32, but its indexing map needs 64}}
  %r = "qf.map"(%x, %b) <{indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>], operandSegmentSizes = array<i32: 2, 0, 0>}> ({
  ^bb0(%a: f32, %c: f32):
    %s = arith.addf %a, %c : f32
    qf.yield %s : f32
  }) : (tensor<8x64xf32>, tensor<32xf32>) -> tensor<8x64xf32>
  return %r : tensor<8x64xf32>
}

// -----

func.func @body_op(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  // expected-error @+1 {{body op 'tensor.empty' is not an elementwise arith or math op}}
  %r = "qf.map"(%x) <{operandSegmentSizes = array<i32: 1, 0, 0>}> ({
  ^bb0(%a: f32):
    %e = tensor.empty() : tensor<4xf32>
    qf.yield %a : f32
  }) : (tensor<8x64xf32>) -> tensor<8x64xf32>
  return %r : tensor<8x64xf32>
}

// -----

func.func @args(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  // expected-error @+1 {{body has 2 arguments, but 1 are needed (one per input)}}
  %r = "qf.map"(%x) <{operandSegmentSizes = array<i32: 1, 0, 0>}> ({
  ^bb0(%a: f32, %b: f32):
    qf.yield %a : f32
  }) : (tensor<8x64xf32>) -> tensor<8x64xf32>
  return %r : tensor<8x64xf32>
}

// -----

func.func @scales_f32(%x: tensor<8x64xf32>, %s: tensor<8x2xi8>) -> tensor<8x64xf32> {
  // expected-error @+1 {{scales are given, but the result 'tensor<8x64xf32>' is not a !qf.tensor}}
  %r = "qf.map"(%x, %s) <{operandSegmentSizes = array<i32: 1, 1, 0>}> ({
  ^bb0(%a: f32):
    qf.yield %a : f32
  }) : (tensor<8x64xf32>, tensor<8x2xi8>) -> tensor<8x64xf32>
  return %r : tensor<8x64xf32>
}

// -----

func.func @epilogue_axis(%a: !qf.tensor<8x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<64x64xf32, mxfp4, axis = 1>) -> !qf.tensor<32x64xf32, mxfp8, axis = 0> {
  // expected-error @+1 {{result shape 32x64 does not match the product 8x64; only the last axis may be longer (padded with zeros)}}
  %r = qf.fused_matmul %a, %w transpose_b : !qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<64x64xf32, mxfp4, axis = 1> -> !qf.tensor<32x64xf32, mxfp8, axis = 0> {
  ^bb0(%acc: f32):
    qf.yield %acc : f32
  }
  return %r : !qf.tensor<32x64xf32, mxfp8, axis = 0>
}

// -----

func.func @epilogue_blocks(%a: !qf.tensor<32x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<64x64xf32, mxfp4, axis = 1>) -> !qf.tensor<32x64xf32, mxfp8, axis = 0> {
  // expected-error @+1 {{result is blocked along axis 0; the epilogue encodes blocks along the last axis (axis 1: N, or M with transpose_result)}}
  %r = qf.fused_matmul %a, %w transpose_b : !qf.tensor<32x64xf32, mxfp8, axis = 1>, !qf.tensor<64x64xf32, mxfp4, axis = 1> -> !qf.tensor<32x64xf32, mxfp8, axis = 0> {
  ^bb0(%acc: f32):
    qf.yield %acc : f32
  }
  return %r : !qf.tensor<32x64xf32, mxfp8, axis = 0>
}

// -----

func.func @dual_rhs2_shape(%a: !qf.tensor<8x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<64x64xf32, mxfp4, axis = 1>, %w2: !qf.tensor<32x64xf32, mxfp4, axis = 1>) -> !qf.tensor<8x64xf32, mxfp8, axis = 1> {
  // expected-error @+1 {{rhs2 has shape 32x64; the second product needs the shape of rhs 64x64}}
  %r = qf.fused_matmul %a, %w, %w2 transpose_b : !qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<64x64xf32, mxfp4, axis = 1>, !qf.tensor<32x64xf32, mxfp4, axis = 1> -> !qf.tensor<8x64xf32, mxfp8, axis = 1> {
  ^bb0(%acc: f32, %acc2: f32):
    qf.yield %acc : f32
  }
  return %r : !qf.tensor<8x64xf32, mxfp8, axis = 1>
}

// -----

func.func @dual_rhs2_axis(%a: !qf.tensor<8x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<64x64xf32, mxfp4, axis = 1>, %w2: !qf.tensor<64x64xf32, mxfp4, axis = 0>) -> !qf.tensor<8x64xf32, mxfp8, axis = 1> {
  // expected-error @+1 {{rhs2 is blocked along axis 0, but the contraction needs blocks along its reduction axis 1}}
  %r = qf.fused_matmul %a, %w, %w2 transpose_b : !qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<64x64xf32, mxfp4, axis = 1>, !qf.tensor<64x64xf32, mxfp4, axis = 0> -> !qf.tensor<8x64xf32, mxfp8, axis = 1> {
  ^bb0(%acc: f32, %acc2: f32):
    qf.yield %acc : f32
  }
  return %r : !qf.tensor<8x64xf32, mxfp8, axis = 1>
}

// -----

func.func @dual_body_args(%a: !qf.tensor<8x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<64x64xf32, mxfp4, axis = 1>) -> !qf.tensor<8x64xf32, mxfp8, axis = 1> {
  // expected-error @+1 {{body has 1 arguments, but 2 are needed (the accumulators of rhs and rhs2, then one per epilogue input)}}
  %r = qf.fused_matmul %a, %w, %w transpose_b : !qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<64x64xf32, mxfp4, axis = 1>, !qf.tensor<64x64xf32, mxfp4, axis = 1> -> !qf.tensor<8x64xf32, mxfp8, axis = 1> {
  ^bb0(%acc: f32):
    qf.yield %acc : f32
  }
  return %r : !qf.tensor<8x64xf32, mxfp8, axis = 1>
}

// -----

func.func @transpose_moves_blocked_axis(%q: !qf.tensor<64x8xf32, mxfp8, axis = 0>) -> !qf.tensor<8x64xf32, mxfp8, axis = 1> {
  // expected-error @+1 {{input is blocked along axis 0; the blocked axis must be the innermost one (axis 1)}}
  %t = qf.transpose %q permutation = [1, 0] : !qf.tensor<64x8xf32, mxfp8, axis = 0> -> !qf.tensor<8x64xf32, mxfp8, axis = 1>
  return %t : !qf.tensor<8x64xf32, mxfp8, axis = 1>
}

// -----

func.func @transpose_innermost(%q: !qf.tensor<32x64xf32, mxfp8, axis = 1>) -> !qf.tensor<64x32xf32, mxfp8, axis = 1> {
  // expected-error @+1 {{permutation [1, 0] moves the innermost (blocked) axis; it must stay last}}
  %t = qf.transpose %q permutation = [1, 0] : !qf.tensor<32x64xf32, mxfp8, axis = 1> -> !qf.tensor<64x32xf32, mxfp8, axis = 1>
  return %t : !qf.tensor<64x32xf32, mxfp8, axis = 1>
}

// -----

func.func @transpose_not_permutation(%q: !qf.tensor<2x8x32xf32, mxfp8, axis = 2>) -> !qf.tensor<2x8x32xf32, mxfp8, axis = 2> {
  // expected-error @+1 {{permutation [0, 0, 2] is not a permutation of 0..2}}
  %t = qf.transpose %q permutation = [0, 0, 2] : !qf.tensor<2x8x32xf32, mxfp8, axis = 2> -> !qf.tensor<2x8x32xf32, mxfp8, axis = 2>
  return %t : !qf.tensor<2x8x32xf32, mxfp8, axis = 2>
}

// -----

func.func @reshape_tensor_scale(%q: !qf.tensor<8x64xf32, fp8_tensor>) -> !qf.tensor<8x2x32xf32, fp8_tensor> {
  // expected-error @+1 {{input ('!qf.tensor<8x64xf32, fp8_tensor>') needs fixed-size blocks}}
  %r = qf.reshape %q : !qf.tensor<8x64xf32, fp8_tensor> -> !qf.tensor<8x2x32xf32, fp8_tensor>
  return %r : !qf.tensor<8x2x32xf32, fp8_tensor>
}

// -----

func.func @reshape_count(%q: !qf.tensor<8x64xf32, mxfp8, axis = 1>) -> !qf.tensor<4x64xf32, mxfp8, axis = 1> {
  // expected-error @+1 {{input 8x64 and result 4x64 have different element counts}}
  %r = qf.reshape %q : !qf.tensor<8x64xf32, mxfp8, axis = 1> -> !qf.tensor<4x64xf32, mxfp8, axis = 1>
  return %r : !qf.tensor<4x64xf32, mxfp8, axis = 1>
}

// -----

func.func @reshape_format(%q: !qf.tensor<8x64xf32, mxfp8, axis = 1>) -> !qf.tensor<8x2x32xf32, mxfp4, axis = 2> {
  // expected-error @+1 {{result format}}
  %r = qf.reshape %q : !qf.tensor<8x64xf32, mxfp8, axis = 1> -> !qf.tensor<8x2x32xf32, mxfp4, axis = 2>
  return %r : !qf.tensor<8x2x32xf32, mxfp4, axis = 2>
}

// -----

func.func @fused_batch(%a: !qf.tensor<2x8x64xf32, mxfp8, axis = 2>, %w: !qf.tensor<3x64x64xf32, mxfp4, axis = 2>) -> !qf.tensor<2x8x64xf32, mxfp8, axis = 2> {
  // expected-error @+1 {{batch sizes differ: 2 vs 3}}
  %r = qf.fused_matmul %a, %w transpose_b : !qf.tensor<2x8x64xf32, mxfp8, axis = 2>, !qf.tensor<3x64x64xf32, mxfp4, axis = 2> -> !qf.tensor<2x8x64xf32, mxfp8, axis = 2> {
  ^bb0(%acc: f32):
    qf.yield %acc : f32
  }
  return %r : !qf.tensor<2x8x64xf32, mxfp8, axis = 2>
}

// -----

// Padding may only lengthen the last axis.
func.func @fused_pad_rows(%a: !qf.tensor<8x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<8x64xf32, mxfp8, axis = 1>) -> !qf.tensor<16x32xf32, mxfp8, axis = 1> {
  // expected-error @+1 {{result shape 16x32 does not match the product 8x8; only the last axis may be longer (padded with zeros)}}
  %r = qf.fused_matmul %a, %w transpose_b : !qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<8x64xf32, mxfp8, axis = 1> -> !qf.tensor<16x32xf32, mxfp8, axis = 1> {
  ^bb0(%acc: f32):
    qf.yield %acc : f32
  }
  return %r : !qf.tensor<16x32xf32, mxfp8, axis = 1>
}

// -----

// With transpose_result the result is [N, M]: here 64 x 8, padded to 64 x 32.
func.func @fused_transpose_result_shape(%a: !qf.tensor<8x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<64x64xf32, mxfp4, axis = 1>) -> !qf.tensor<8x64xf32, mxfp8, axis = 1> {
  // expected-error @+1 {{result shape 8x64 does not match the product 64x8 (transpose_result: [N, M])}}
  %r = qf.fused_matmul %a, %w transpose_b transpose_result : !qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<64x64xf32, mxfp4, axis = 1> -> !qf.tensor<8x64xf32, mxfp8, axis = 1> {
  ^bb0(%acc: f32):
    qf.yield %acc : f32
  }
  return %r : !qf.tensor<8x64xf32, mxfp8, axis = 1>
}

// -----

func.func @row_reduce_init(%a: !qf.tensor<8x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<32x64xf32, mxfp8, axis = 1>) -> !qf.tensor<8x32xf32, mxfp8, axis = 1> {
  %r = qf.fused_matmul %a, %w transpose_b : !qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<32x64xf32, mxfp8, axis = 1> -> !qf.tensor<8x32xf32, mxfp8, axis = 1> {
  ^bb0(%acc: f32):
    // expected-error @+1 {{init depends on the body argument #0; it must be the same for every element of the row}}
    %m = qf.row_reduce %acc init(%acc) {
    ^bb0(%v: f32, %x: f32):
      %y = arith.maximumf %v, %x : f32
      qf.yield %y : f32
    }
    qf.yield %m : f32
  }
  return %r : !qf.tensor<8x32xf32, mxfp8, axis = 1>
}

// -----

func.func @row_reduce_combiner(%a: !qf.tensor<8x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<32x64xf32, mxfp8, axis = 1>) -> !qf.tensor<8x32xf32, mxfp8, axis = 1> {
  %r = qf.fused_matmul %a, %w transpose_b : !qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<32x64xf32, mxfp8, axis = 1> -> !qf.tensor<8x32xf32, mxfp8, axis = 1> {
  ^bb0(%acc: f32):
    %z = arith.constant 0.0 : f32
    // expected-error @+1 {{body has 1 arguments, but 2 are needed (the element, then the accumulator)}}
    %m = qf.row_reduce %acc init(%z) {
    ^bb0(%v: f32):
      qf.yield %v : f32
    }
    qf.yield %m : f32
  }
  return %r : !qf.tensor<8x32xf32, mxfp8, axis = 1>
}

// -----

func.func @row_reduce_outside(%x: f32) -> f32 {
  %z = arith.constant 0.0 : f32
  // expected-error @+1 {{expects parent op to be one of 'qf.fused_matmul, qf.map'}}
  %m = qf.row_reduce %x init(%z) {
  ^bb0(%v: f32, %a: f32):
    %y = arith.addf %v, %a : f32
    qf.yield %y : f32
  }
  return %m : f32
}

// -----

func.func @fused_f32_padded(%a: !qf.tensor<8x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<8x64xf32, mxfp8, axis = 1>) -> tensor<8x32xf32> {
  // expected-error @+1 {{an f32 result cannot be padded or use transpose_result}}
  %r = qf.fused_matmul %a, %w transpose_b : !qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<8x64xf32, mxfp8, axis = 1> -> tensor<8x32xf32> {
  ^bb0(%acc: f32):
    qf.yield %acc : f32
  }
  return %r : tensor<8x32xf32>
}

// -----

func.func @fused_f32_scales(%a: !qf.tensor<8x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<8x64xf32, mxfp8, axis = 1>, %s: tensor<8x1xi8>) -> tensor<8x8xf32> {
  // expected-error @+1 {{scales are given, but the result 'tensor<8x8xf32>' is not a !qf.tensor}}
  %r = qf.fused_matmul %a, %w transpose_b scales(%s : tensor<8x1xi8>) : !qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<8x64xf32, mxfp8, axis = 1> -> tensor<8x8xf32> {
  ^bb0(%acc: f32):
    qf.yield %acc : f32
  }
  return %r : tensor<8x8xf32>
}

// -----

func.func @map_row_reduce_dynamic(%x: tensor<8x?xf32>) -> tensor<8x?xf32> {
  // expected-error @+1 {{has a qf.row_reduce in its body, which reduces over the result's last axis (a row); the result 8x? needs a static last axis}}
  %r = qf.map(%x) : (tensor<8x?xf32>) -> tensor<8x?xf32> {
  ^bb0(%v: f32):
    %z = arith.constant 0.0 : f32
    %s = qf.row_reduce %v init(%z) {
    ^bb0(%e: f32, %a: f32):
      %y = arith.addf %e, %a : f32
      qf.yield %y : f32
    }
    %d = arith.divf %v, %s : f32
    qf.yield %d : f32
  }
  return %r : tensor<8x?xf32>
}

// -----

func.func @map_row_reduce_init(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %r = qf.map(%x) : (tensor<8x64xf32>) -> tensor<8x64xf32> {
  ^bb0(%v: f32):
    // expected-error @+1 {{init depends on the body argument #0; it must be the same for every element of the row}}
    %s = qf.row_reduce %v init(%v) {
    ^bb0(%e: f32, %a: f32):
      %y = arith.addf %e, %a : f32
      qf.yield %y : f32
    }
    qf.yield %s : f32
  }
  return %r : tensor<8x64xf32>
}
