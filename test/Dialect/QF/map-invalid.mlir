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
  // expected-error @+1 {{result shape 32x64 does not match 8x64}}
  %r = qf.fused_matmul %a, %w transpose_b : !qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<64x64xf32, mxfp4, axis = 1> -> !qf.tensor<32x64xf32, mxfp8, axis = 0> {
  ^bb0(%acc: f32):
    qf.yield %acc : f32
  }
  return %r : !qf.tensor<32x64xf32, mxfp8, axis = 0>
}

// -----

func.func @epilogue_blocks(%a: !qf.tensor<32x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<64x64xf32, mxfp4, axis = 1>) -> !qf.tensor<32x64xf32, mxfp8, axis = 0> {
  // expected-error @+1 {{result is blocked along axis 0; the epilogue encodes blocks along N (axis 1)}}
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
