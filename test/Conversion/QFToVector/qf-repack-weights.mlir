// RUN: qf-opt %s --canonicalize --qf-repack-weights --split-input-file | FileCheck %s
// RUN: qf-opt %s --canonicalize --qf-repack-weights="int-dot=false" --split-input-file | FileCheck %s --check-prefix=NODOT
// RUN: qf-opt %s --canonicalize --qf-repack-weights="vector-width=8" --split-input-file | FileCheck %s --check-prefix=VW8
// RUN: qf-opt %s --canonicalize --qf-repack-weights="target-tile=2x4" --split-input-file | FileCheck %s --check-prefix=FORCED
// RUN: not qf-opt %s --qf-repack-weights="target-tile=4" --split-input-file 2>&1 | FileCheck %s --check-prefix=BADTILE

// BADTILE: qf-repack-weights: target-tile '4' is not ROWSxRUN with two positive integers (e.g. 32x4)

#i8b4 = #qf.format<elem = i8, block = 4, scale = f8E8M0FNU>

// The same codes and scales, permuted: groups of 2 rows, runs of 4 codes.
// FORCED-LABEL: func.func @permute
// FORCED: %[[W:.*]] = qf.constant codes {{\[}}[0x01, 0x02, 0x03, 0x04, 0x0B, 0x0C, 0x0D, 0x0E], [0x05, 0x06, 0x07, 0x08, 0x0F, 0x10, 0x11, 0x12]] scales {{\[}}[0x7F, 0x81], [0x80, 0x82]] : !qf.tensor<2x8xf32, {{.*}}, axis = 1, layout = tiled<2x4>>
// FORCED-NOT: qf.constant
// FORCED: qf.matmul %{{.*}}, %[[W]] transpose_b
func.func @permute(%x: tensor<1x8xf32>) -> tensor<1x2xf32> {
  %w = qf.constant codes [[0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08],
                          [0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x11, 0x12]]
                   scales [[0x7F, 0x80], [0x81, 0x82]]
         : !qf.tensor<2x8xf32, #i8b4, axis = 1>
  %c = qf.matmul %x, %w transpose_b
         : tensor<1x8xf32>, !qf.tensor<2x8xf32, #i8b4, axis = 1> -> tensor<1x2xf32>
  return %c : tensor<1x2xf32>
}

// -----

// mxint8 activations of 16 rows: the int-dot kernel's panels (2 x 16 lanes,
// 4 K bytes per lane; 2 x 8 with vector-width=8); without int-dot the f32
// tiles' runs of 32.
// CHECK-LABEL: func.func @intdot
// CHECK: qf.matmul {{.*}} !qf.tensor<64x128xf32, mxfp4, axis = 1, layout = tiled<32x4>>
// NODOT-LABEL: func.func @intdot
// NODOT: qf.matmul {{.*}} !qf.tensor<64x128xf32, mxfp4, axis = 1, layout = tiled<4x32>>
// VW8-LABEL: func.func @intdot
// VW8: qf.matmul {{.*}} !qf.tensor<64x128xf32, mxfp4, axis = 1, layout = tiled<16x4>>
func.func @intdot(%x: !qf.tensor<16x128xf32, mxint8, axis = 1>) -> tensor<16x64xf32> {
  %f = arith.constant dense<0.75> : tensor<64x128xf32>
  %w = qf.quantize %f : tensor<64x128xf32> -> !qf.tensor<64x128xf32, mxfp4, axis = 1>
  %c = qf.matmul %x, %w transpose_b
         : !qf.tensor<16x128xf32, mxint8, axis = 1>, !qf.tensor<64x128xf32, mxfp4, axis = 1> -> tensor<16x64xf32>
  return %c : tensor<16x64xf32>
}

// -----

// qf.fused_matmul takes the int-dot kernel too (then its band epilogue),
// except a dual GEMM or a transposed result, which keep the f32 tiles.
// CHECK-LABEL: func.func @fused_intdot
// CHECK: qf.fused_matmul {{.*}} !qf.tensor<64x128xf32, mxfp4, axis = 1, layout = tiled<32x4>>
// CHECK: qf.fused_matmul {{.*}} transpose_result {{.*}} !qf.tensor<64x128xf32, mxfp4, axis = 1, layout = tiled<4x32>>
// NODOT-LABEL: func.func @fused_intdot
// NODOT: qf.fused_matmul {{.*}} layout = tiled<4x32>>
func.func @fused_intdot(%x: !qf.tensor<32x128xf32, mxint8, axis = 1>) -> (tensor<32x64xf32>, !qf.tensor<64x32xf32, mxfp8, axis = 1>) {
  %f = arith.constant dense<0.75> : tensor<64x128xf32>
  %w = qf.quantize %f : tensor<64x128xf32> -> !qf.tensor<64x128xf32, mxfp4, axis = 1>
  %c = qf.fused_matmul %x, %w transpose_b
         : !qf.tensor<32x128xf32, mxint8, axis = 1>, !qf.tensor<64x128xf32, mxfp4, axis = 1> -> tensor<32x64xf32> {
  ^bb0(%s: f32):
    %z = arith.constant 0.0 : f32
    %r = arith.maximumf %s, %z : f32
    qf.yield %r : f32
  }
  %t = qf.fused_matmul %x, %w transpose_b transpose_result
         : !qf.tensor<32x128xf32, mxint8, axis = 1>, !qf.tensor<64x128xf32, mxfp4, axis = 1> -> !qf.tensor<64x32xf32, mxfp8, axis = 1> {
  ^bb0(%s: f32):
    qf.yield %s : f32
  }
  return %c, %t : tensor<32x64xf32>, !qf.tensor<64x32xf32, mxfp8, axis = 1>
}

// -----

// Fewer rows than int-dot-min-rows (16): the f32 tiles read the weight.
// CHECK-LABEL: func.func @gemv
// CHECK: qf.matmul {{.*}} !qf.tensor<64x128xf32, mxint8, axis = 1, layout = tiled<4x32>>
func.func @gemv(%x: !qf.tensor<1x128xf32, mxint8, axis = 1>) -> tensor<1x64xf32> {
  %f = arith.constant dense<0.75> : tensor<64x128xf32>
  %w = qf.quantize %f : tensor<64x128xf32> -> !qf.tensor<64x128xf32, mxint8, axis = 1>
  %c = qf.matmul %x, %w transpose_b
         : !qf.tensor<1x128xf32, mxint8, axis = 1>, !qf.tensor<64x128xf32, mxint8, axis = 1> -> tensor<1x64xf32>
  return %c : tensor<1x64xf32>
}

// -----

// Kept row-major: rows that are not whole 32-row groups (no padding), a
// weight that is not a constant, a product without transpose_b, 6-bit codes.
// A constant that other ops read stays beside its repacked copy.
// CHECK-LABEL: func.func @kept
// CHECK-DAG: %[[ROW:.*]] = qf.constant {{.*}} : !qf.tensor<64x128xf32, mxint8, axis = 1>
// CHECK-DAG: %[[TILED:.*]] = qf.constant {{.*}} : !qf.tensor<64x128xf32, mxint8, axis = 1, layout = tiled<4x32>>
// CHECK: qf.matmul {{.*}} !qf.tensor<48x128xf32, mxfp4, axis = 1> -> tensor<16x48xf32>
// CHECK: qf.matmul {{.*}} !qf.tensor<64x128xf32, mxfp4, axis = 1> -> tensor<16x64xf32>
// CHECK: qf.matmul {{.*}} !qf.tensor<128x64xf32, mxfp4, axis = 0> -> tensor<16x64xf32>
// CHECK: qf.matmul {{.*}} !qf.tensor<64x128xf32, mxfp6, axis = 1> -> tensor<16x64xf32>
// CHECK: qf.matmul %{{.*}}, %[[TILED]] transpose_b
// CHECK: return {{.*}}, %[[ROW]], %{{.*}} :
func.func @kept(%x: tensor<16x128xf32>, %a: !qf.tensor<16x128xf32, mxint8, axis = 1>,
                %arg: !qf.tensor<64x128xf32, mxfp4, axis = 1>)
    -> (tensor<16x48xf32>, tensor<16x64xf32>, tensor<16x64xf32>, tensor<16x64xf32>, !qf.tensor<64x128xf32, mxint8, axis = 1>, tensor<16x64xf32>) {
  %f48 = arith.constant dense<0.5> : tensor<48x128xf32>
  %w48 = qf.quantize %f48 : tensor<48x128xf32> -> !qf.tensor<48x128xf32, mxfp4, axis = 1>
  %c0 = qf.matmul %a, %w48 transpose_b
          : !qf.tensor<16x128xf32, mxint8, axis = 1>, !qf.tensor<48x128xf32, mxfp4, axis = 1> -> tensor<16x48xf32>
  %c1 = qf.matmul %a, %arg transpose_b
          : !qf.tensor<16x128xf32, mxint8, axis = 1>, !qf.tensor<64x128xf32, mxfp4, axis = 1> -> tensor<16x64xf32>
  %fk = arith.constant dense<0.5> : tensor<128x64xf32>
  %wk = qf.quantize %fk : tensor<128x64xf32> -> !qf.tensor<128x64xf32, mxfp4, axis = 0>
  %c2 = qf.matmul %x, %wk
          : tensor<16x128xf32>, !qf.tensor<128x64xf32, mxfp4, axis = 0> -> tensor<16x64xf32>
  %f6 = arith.constant dense<0.5> : tensor<64x128xf32>
  %w6 = qf.quantize %f6 : tensor<64x128xf32> -> !qf.tensor<64x128xf32, mxfp6, axis = 1>
  %c3 = qf.matmul %x, %w6 transpose_b
          : tensor<16x128xf32>, !qf.tensor<64x128xf32, mxfp6, axis = 1> -> tensor<16x64xf32>
  %f8 = arith.constant dense<0.25> : tensor<64x128xf32>
  %w8 = qf.quantize %f8 : tensor<64x128xf32> -> !qf.tensor<64x128xf32, mxint8, axis = 1>
  %c4 = qf.matmul %x, %w8 transpose_b
          : tensor<16x128xf32>, !qf.tensor<64x128xf32, mxint8, axis = 1> -> tensor<16x64xf32>
  return %c0, %c1, %c2, %c3, %w8, %c4 : tensor<16x48xf32>, tensor<16x64xf32>, tensor<16x64xf32>, tensor<16x64xf32>, !qf.tensor<64x128xf32, mxint8, axis = 1>, tensor<16x64xf32>
}

// -----

// An SQ activation (16 rows of mxint8 plus one i8 outlier per bank of 32):
// the layout is chosen for the GEMM of its low part (mxint8, the int-dot
// panels); the correction decodes the weight in row-major order
// (SparseDecompose.cpp, test/Integration/CPU/sq-repacked.mlir).
// CHECK-LABEL: func.func @sq_lhs
// CHECK: qf.matmul {{.*}} !qf.tensor<64x128xf32, mxfp4, axis = 1, layout = tiled<32x4>>
// NODOT-LABEL: func.func @sq_lhs
// NODOT: qf.matmul {{.*}} !qf.tensor<64x128xf32, mxfp4, axis = 1, layout = tiled<4x32>>
func.func @sq_lhs(%x: !qf.tensor<16x128xf32, #qf.format<mxint8, bank = 32, outliers = 1>, axis = 1>) -> tensor<16x64xf32> {
  %f = arith.constant dense<0.75> : tensor<64x128xf32>
  %w = qf.quantize %f : tensor<64x128xf32> -> !qf.tensor<64x128xf32, mxfp4, axis = 1>
  %c = qf.matmul %x, %w transpose_b
         : !qf.tensor<16x128xf32, #qf.format<mxint8, bank = 32, outliers = 1>, axis = 1>, !qf.tensor<64x128xf32, mxfp4, axis = 1> -> tensor<16x64xf32>
  return %c : tensor<16x64xf32>
}
