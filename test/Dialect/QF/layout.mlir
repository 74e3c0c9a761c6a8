// RUN: qf-opt %s | qf-opt | FileCheck %s
// RUN: qf-opt %s --mlir-print-op-generic | qf-opt | FileCheck %s

// The repacked weight layout (layout = tiled<R x KC>) round-trips on the
// ops that take it: constants, pack/unpack and the rhs of matmuls.

#i8b4 = #qf.format<elem = i8, block = 4, scale = f8E8M0FNU>

// CHECK-LABEL: func.func @types
// CHECK-SAME: !qf.tensor<64x128xf32, mxfp4, axis = 1, layout = tiled<32x4>>
// CHECK-SAME: !qf.tensor<16x64xf32, nvfp4, axis = 1, layout = tiled<4x32>>
func.func @types(%w: !qf.tensor<64x128xf32, mxfp4, axis = 1, layout = tiled<32x4>>,
                 %v: !qf.tensor<16x64xf32, nvfp4, axis = 1, layout = tiled<4x32>>) {
  return
}

// CHECK-LABEL: func.func @matmul
// CHECK: qf.matmul %{{.*}}, %{{.*}} transpose_b : tensor<8x128xf32>, !qf.tensor<64x128xf32, mxfp4, axis = 1, layout = tiled<32x4>> -> tensor<8x64xf32>
func.func @matmul(%x: tensor<8x128xf32>,
                  %w: !qf.tensor<64x128xf32, mxfp4, axis = 1, layout = tiled<32x4>>)
    -> tensor<8x64xf32> {
  %c = qf.matmul %x, %w transpose_b
         : tensor<8x128xf32>, !qf.tensor<64x128xf32, mxfp4, axis = 1, layout = tiled<32x4>>
         -> tensor<8x64xf32>
  return %c : tensor<8x64xf32>
}

// Argument weights: storage tensors of the row-major shapes, holding the
// permuted bytes (qf-pack-weights --layout=tiled<32x4>).
// CHECK-LABEL: func.func @storage
// CHECK: qf.unpack %{{.*}}, %{{.*}} : tensor<64x64xi8>, tensor<64x4xi8> -> !qf.tensor<64x128xf32, mxfp4, axis = 1, layout = tiled<32x4>>
// CHECK: qf.pack %{{.*}} : !qf.tensor<64x128xf32, mxfp4, axis = 1, layout = tiled<32x4>> -> tensor<64x64xi8>, tensor<64x4xi8>
func.func @storage(%c: tensor<64x64xi8>, %s: tensor<64x4xi8>)
    -> (tensor<64x64xi8>, tensor<64x4xi8>) {
  %q = qf.unpack %c, %s : tensor<64x64xi8>, tensor<64x4xi8>
         -> !qf.tensor<64x128xf32, mxfp4, axis = 1, layout = tiled<32x4>>
  %c2, %s2 = qf.pack %q : !qf.tensor<64x128xf32, mxfp4, axis = 1, layout = tiled<32x4>>
               -> tensor<64x64xi8>, tensor<64x4xi8>
  return %c2, %s2 : tensor<64x64xi8>, tensor<64x4xi8>
}

// The codes and scales of a tiled constant are printed in storage order.
// CHECK-LABEL: func.func @constant
// CHECK: qf.constant codes {{\[}}[0x01, 0x02, 0x03, 0x04, 0x0B, 0x0C, 0x0D, 0x0E], [0x05, 0x06, 0x07, 0x08, 0x0F, 0x10, 0x11, 0x12]] scales {{\[}}[0x7F, 0x80], [0x81, 0x82]] : !qf.tensor<2x8xf32, #qf.format<{{.*}}>, axis = 1, layout = tiled<2x4>>
func.func @constant() -> !qf.tensor<2x8xf32, #i8b4, axis = 1, layout = tiled<2x4>> {
  %w = qf.constant codes [[0x01, 0x02, 0x03, 0x04, 0x0B, 0x0C, 0x0D, 0x0E],
                          [0x05, 0x06, 0x07, 0x08, 0x0F, 0x10, 0x11, 0x12]]
                   scales [[0x7F, 0x80], [0x81, 0x82]]
         : !qf.tensor<2x8xf32, #i8b4, axis = 1, layout = tiled<2x4>>
  return %w : !qf.tensor<2x8xf32, #i8b4, axis = 1, layout = tiled<2x4>>
}
