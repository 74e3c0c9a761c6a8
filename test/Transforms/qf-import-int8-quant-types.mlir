// RUN: not qf-opt %s --qf-import-int8 2>&1 | FileCheck %s

// Upstream quant types on a function boundary: refused, naming the way in.
// CHECK: error: qf-import-int8: argument #0 of @quant_args has type 'tensor<4x64x!quant.uniform<i8:f32, 1.000000e-01:-3>>': upstream quant types are not imported (qf formats have no zero point); lower them to their i8 storage first with --strip-func-quant-types --lower-quant-ops (or the frontend's own lowering), then run qf-import-int8
// CHECK: error: qf-import-int8: result #0 of @quant_args has type 'tensor<16x64x!quant.uniform<i8:f32:0, {1.000000e-01,2.000000e-01
func.func @quant_args(%x: tensor<4x64x!quant.uniform<i8:f32, 0.1:-3>>, %w: tensor<16x64x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2}>>) -> tensor<16x64x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2}>> {
  return %w : tensor<16x64x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2, 0.1, 0.2}>>
}
