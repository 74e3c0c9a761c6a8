// A small quantized example for the README's main job: a constant weight is
// quantized to MXFP4 at compile time (folded into a qf.constant), an
// activation is quantized at run time to MXFP8, and a block-scaled matmul
// consumes both. A user-defined format (E3M2 elements, blocks of 16, CEIL
// scale rule) shows that a new format is just an attribute in a .mlir file.
//
//   qf-opt examples/quantize.mlir --canonicalize

#e3m2_b16 = #qf.format<elem = f6E3M2FN, block = 16, scale = f8E8M0FNU, rule = ceil>

func.func @linear(%x: tensor<4x32xf32>) -> tensor<4x8xf32> {
  %w = arith.constant dense<[
    [1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5,
     0.25, 0.75, -1.5, 6.0, 0.25, 0.75, -1.5, 6.0, 0.25, 0.75, -1.5, 6.0, 0.25, 0.75, -1.5, 6.0],
    [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6,
     -0.1, -0.2, -0.3, -0.4, -0.5, -0.6, -0.7, -0.8, -0.9, -1.0, -1.1, -1.2, -1.3, -1.4, -1.5, -1.6],
    [8.0, 4.0, 2.0, 1.0, 0.5, 0.25, 0.125, 0.0625, 8.0, 4.0, 2.0, 1.0, 0.5, 0.25, 0.125, 0.0625,
     -8.0, -4.0, -2.0, -1.0, -0.5, -0.25, -0.125, -0.0625, -8.0, -4.0, -2.0, -1.0, -0.5, -0.25, -0.125, -0.0625],
    [3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0,
     3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 3.0, 10.0],
    [1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5,
     1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5, 1.0, -2.0, 3.0, 0.5],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0,
     0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5,
     -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5, -0.5],
    [2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5, 2.5,
     5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0, 5.0]
  ]> : tensor<8x32xf32>
  // Weights [N, K] blocked along K: folded to packed codes and E8M0 scales.
  %wq = qf.quantize %w : tensor<8x32xf32> -> !qf.tensor<8x32xf32, mxfp4, axis = 1>
  // The activation is quantized at run time, in the user-defined format.
  %xq = qf.quantize %x : tensor<4x32xf32> -> !qf.tensor<4x32xf32, #e3m2_b16, axis = 1>
  %y = qf.matmul %xq, %wq transpose_b
         : !qf.tensor<4x32xf32, #e3m2_b16, axis = 1>,
           !qf.tensor<8x32xf32, mxfp4, axis = 1> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}
