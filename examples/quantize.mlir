// A small quantized example for the README's main job: a constant weight is
// quantized to MXFP4 at compile time (folded into a qf.constant), an
// activation is quantized at run time to MXFP8, and a block-scaled matmul
// consumes both. A user-defined format (E3M2 elements, blocks of 16, CEIL
// scale rule) shows that a new format is just an attribute in a .mlir file.
//
//   qf-opt examples/quantize.mlir --canonicalize
//   qf-opt examples/quantize.mlir --canonicalize --qf-cpu-pipeline \
//     | mlir-runner -e main -entry-point-result=void \
//         -shared-libs=<llvm-22>/lib/libmlir_runner_utils.so,<llvm-22>/lib/libmlir_c_runner_utils.so
//
// @main runs the quantized layer and the same layer in f32 and prints both
// results and the largest absolute difference.

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

// The same layer in f32: y = x * w^T.
func.func @linear_f32(%x: tensor<4x32xf32>) -> tensor<4x8xf32> {
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
  %e = tensor.empty() : tensor<32x8xf32>
  %wt = linalg.transpose ins(%w : tensor<8x32xf32>) outs(%e : tensor<32x8xf32>) permutation = [1, 0]
  %z = arith.constant 0.0 : f32
  %o = tensor.empty() : tensor<4x8xf32>
  %acc = linalg.fill ins(%z : f32) outs(%o : tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = linalg.matmul ins(%x, %wt : tensor<4x32xf32>, tensor<32x8xf32>) outs(%acc : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

func.func @main() {
  // x[i][k] = sin(1 + i * 32 + k) * 4: a deterministic activation.
  %e = tensor.empty() : tensor<4x32xf32>
  %x = linalg.generic {indexing_maps = [affine_map<(i, k) -> (i, k)>],
                       iterator_types = ["parallel", "parallel"]}
      outs(%e : tensor<4x32xf32>) {
  ^bb0(%out: f32):
    %i = linalg.index 0 : index
    %k = linalg.index 1 : index
    %c32 = arith.constant 32 : index
    %c1 = arith.constant 1 : index
    %r = arith.muli %i, %c32 : index
    %n = arith.addi %r, %k : index
    %n1 = arith.addi %n, %c1 : index
    %ni = arith.index_cast %n1 : index to i32
    %nf = arith.sitofp %ni : i32 to f32
    %s = math.sin %nf : f32
    %c4 = arith.constant 4.0 : f32
    %v = arith.mulf %s, %c4 : f32
    linalg.yield %v : f32
  } -> tensor<4x32xf32>
  %yq = call @linear(%x) : (tensor<4x32xf32>) -> tensor<4x8xf32>
  %yf = call @linear_f32(%x) : (tensor<4x32xf32>) -> tensor<4x8xf32>
  %mq = bufferization.to_buffer %yq : tensor<4x8xf32> to memref<4x8xf32>
  %mf = bufferization.to_buffer %yf : tensor<4x8xf32> to memref<4x8xf32>
  %c0 = arith.constant 0 : index
  vector.print str "quantized (E3M2 activations x MXFP4 weights), row 0:\n"
  %vq = vector.load %mq[%c0, %c0] : memref<4x8xf32>, vector<8xf32>
  vector.print %vq : vector<8xf32>
  vector.print str "f32 reference, row 0:\n"
  %vf = vector.load %mf[%c0, %c0] : memref<4x8xf32>, vector<8xf32>
  vector.print %vf : vector<8xf32>
  %c1 = arith.constant 1 : index
  %c4i = arith.constant 4 : index
  %z = arith.constant 0.0 : f32
  %err = scf.for %i = %c0 to %c4i step %c1 iter_args(%m = %z) -> f32 {
    %a = vector.load %mq[%i, %c0] : memref<4x8xf32>, vector<8xf32>
    %b = vector.load %mf[%i, %c0] : memref<4x8xf32>, vector<8xf32>
    %d = arith.subf %a, %b : vector<8xf32>
    %ad = math.absf %d : vector<8xf32>
    %r = vector.reduction <maximumf>, %ad : vector<8xf32> into f32
    %mx = arith.maximumf %m, %r : f32
    scf.yield %mx : f32
  }
  vector.print str "max |quantized - f32| over the 4x8 output: "
  vector.print %err : f32
  return
}
