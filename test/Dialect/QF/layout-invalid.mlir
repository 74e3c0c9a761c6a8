// RUN: qf-opt %s -split-input-file -verify-diagnostics

// One case per diagnostic of the repacked weight layout.

// expected-error @+1 {{layout tiled<32x4>: tile rows 32 do not divide dimension 0 (size 48); pad the rows to a multiple of the tile}}
func.func private @rows(!qf.tensor<48x128xf32, mxfp4, axis = 1, layout = tiled<32x4>>)

// -----

// expected-error @+1 {{layout tiled<4x96>: tile run 96 does not divide dimension 1 (size 128)}}
func.func private @run(!qf.tensor<64x128xf32, mxfp4, axis = 1, layout = tiled<4x96>>)

// -----

// expected-error @+1 {{layout tiled<4x3>: a run of 3 codes of 4 bits is not whole bytes}}
func.func private @bytes(!qf.tensor<64x96xf32, mxfp4, axis = 1, layout = tiled<4x3>>)

// -----

// expected-error @+1 {{layout tiled<32x4> does not apply to the sparse-quantized format}}
func.func private @sparse(!qf.tensor<64x128xf32, #qf.format<mxint4, bank = 32, outliers = 2>, axis = 1, layout = tiled<32x4>>)

// -----

// expected-error @+1 {{layout tiled<0x4>: tile sizes must be positive, got 0x4}}
func.func private @zero(!qf.tensor<64x128xf32, mxfp4, axis = 1, layout = tiled<0x4>>)

// -----

// expected-error @+1 {{layout tiled<32x4> needs a static rank-2 tensor with fixed blocks along axis 1 (a weight [N, K] blocked along K), got shape 128x64 with format mxfp4 along axis 0}}
func.func private @axis(!qf.tensor<128x64xf32, mxfp4, axis = 0, layout = tiled<32x4>>)

// -----

// expected-error @+1 {{layout tiled<4x4> needs a static rank-2 tensor with fixed blocks along axis 1 (a weight [N, K] blocked along K), got shape 2x64x128 with format mxfp4 along axis 2}}
func.func private @rank(!qf.tensor<2x64x128xf32, mxfp4, axis = 2, layout = tiled<4x4>>)

// -----

// expected-error @+1 {{layout tiled<4x4> needs a static rank-2 tensor with fixed blocks along axis 1 (a weight [N, K] blocked along K), got shape 64x128 with format int8_channel along axis 1}}
func.func private @channel(!qf.tensor<64x128xf32, int8_channel, axis = 1, layout = tiled<4x4>>)

// -----

// expected-error @+1 {{layout tiled<4x4> needs a static rank-2 tensor with fixed blocks along axis 1 (a weight [N, K] blocked along K), got shape ?x128 with format mxfp4 along axis 1}}
func.func private @dynamic(!qf.tensor<?x128xf32, mxfp4, axis = 1, layout = tiled<4x4>>)

// -----

// expected-error @+1 {{expected tiled<ROWS x RUN>, two sizes, got 1}}
func.func private @syntax(!qf.tensor<64x128xf32, mxfp4, axis = 1, layout = tiled<32>>)

// -----

// Only the rhs of a matmul reads the layout.
func.func @lhs(%a: !qf.tensor<64x128xf32, mxfp4, axis = 1, layout = tiled<32x4>>,
               %w: tensor<16x128xf32>) -> tensor<64x16xf32> {
  // expected-error @+1 {{operand #0 must be}}
  %c = "qf.matmul"(%a, %w) {transpose_b} : (!qf.tensor<64x128xf32, mxfp4, axis = 1, layout = tiled<32x4>>, tensor<16x128xf32>) -> tensor<64x16xf32>
  return %c : tensor<64x16xf32>
}

// -----

func.func @dequantize(%w: !qf.tensor<64x128xf32, mxfp4, axis = 1, layout = tiled<32x4>>) -> tensor<64x128xf32> {
  // expected-error @+1 {{operand #0 must be block-scaled qf tensor (row-major layout)}}
  %d = "qf.dequantize"(%w) : (!qf.tensor<64x128xf32, mxfp4, axis = 1, layout = tiled<32x4>>) -> tensor<64x128xf32>
  return %d : tensor<64x128xf32>
}

// -----

func.func @no_transpose(%x: tensor<8x64xf32>,
                        %w: !qf.tensor<64x128xf32, mxfp4, axis = 1, layout = tiled<32x4>>) -> tensor<8x128xf32> {
  // expected-error @+1 {{in the repacked layout is a [N, K] weight: it needs transpose_b}}
  %c = "qf.matmul"(%x, %w) : (tensor<8x64xf32>, !qf.tensor<64x128xf32, mxfp4, axis = 1, layout = tiled<32x4>>) -> tensor<8x128xf32>
  return %c : tensor<8x128xf32>
}
