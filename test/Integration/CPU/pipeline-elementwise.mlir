// qf-cpu-pipeline accepts the elementwise tensor ops frontends emit: it runs
// convert-elementwise-to-linalg first, so math and arith on whole tensors
// bufferize (they used to fail with "op was not bufferized") and can fuse
// into qf.map. One function per frontend style, executed.
// RUN: qf-opt %s --qf-quantize-model --qf-cpu-pipeline | FileCheck %s --check-prefix=LLVM
// RUN: qf-opt %s --qf-cpu-pipeline --dump-pass-pipeline -o /dev/null 2>&1 | FileCheck %s --check-prefix=PIPE
// RUN: qf-opt %s --qf-quantize-model --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

// PIPE: builtin.module(
// PIPE-NEXT: convert-elementwise-to-linalg,
// PIPE-NEXT: qf-fuse-requantize
// LLVM-NOT: {{(math|arith|linalg|tensor)\.}}
// LLVM: llvm.func @rotary
// LLVM: llvm.func @relu_select
// LLVM: llvm.func @bf16_round_trip
// LLVM: llvm.func @quantized_tanh
// LLVM-NOT: {{(math|arith|linalg|tensor)\.}}

// torch.dynamo -> TOSA -> linalg: rotary embeddings as math on tensors.
func.func @rotary(%x: tensor<1x128xf32>) -> tensor<1x128xf32> {
  %c = math.cos %x : tensor<1x128xf32>
  %s = math.sin %x : tensor<1x128xf32>
  %r = arith.addf %c, %s : tensor<1x128xf32>
  return %r : tensor<1x128xf32>
}

// StableHLO / JAX -> linalg: comparisons and selects on tensors.
func.func @relu_select(%x: tensor<2xf32>) -> tensor<2xf32> {
  %z = arith.constant dense<0.0> : tensor<2xf32>
  %p = arith.cmpf ogt, %x, %z : tensor<2xf32>
  %r = arith.select %p, %x, %z : tensor<2xi1>, tensor<2xf32>
  return %r : tensor<2xf32>
}

// Mixed precision: casts on tensors (bf16 keeps 8 significant bits).
func.func @bf16_round_trip(%x: tensor<2xf32>) -> tensor<2xf32> {
  %t = arith.truncf %x : tensor<2xf32> to tensor<2xbf16>
  %e = arith.extf %t : tensor<2xbf16> to tensor<2xf32>
  return %e : tensor<2xf32>
}

// A quantized contraction followed by tensor math (the weight 2^-7 and the
// ones are exact in mxfp4 / mxfp8: 64 * 2^-7 = 0.5).
func.func @quantized_tanh(%x: tensor<4x64xf32>) -> tensor<4x16xf32> {
  %w = arith.constant dense<0.0078125> : tensor<64x16xf32>
  %z = arith.constant dense<0.0> : tensor<4x16xf32>
  %y = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x16xf32>) outs(%z : tensor<4x16xf32>) -> tensor<4x16xf32>
  %t = math.tanh %y : tensor<4x16xf32>
  return %t : tensor<4x16xf32>
}

// CHECK: rotary: 1
// CHECK-NEXT: 1.38177
// CHECK-NEXT: relu: 0
// CHECK-NEXT: 2
// CHECK-NEXT: bf16: 1
// CHECK-NEXT: 1.01562
// CHECK-NEXT: tanh: 0.462117
func.func @main() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c15 = arith.constant 15 : index
  %c100 = arith.constant 100 : index
  %e = tensor.empty() : tensor<1x128xf32>
  %x = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} outs(%e : tensor<1x128xf32>) {
  ^bb0(%o: f32):
    %j = linalg.index 1 : index
    %ji = arith.index_cast %j : index to i32
    %jf = arith.sitofp %ji : i32 to f32
    %h = arith.constant 0.01 : f32
    %v = arith.mulf %jf, %h : f32
    linalg.yield %v : f32
  } -> tensor<1x128xf32>
  %r = call @rotary(%x) : (tensor<1x128xf32>) -> tensor<1x128xf32>
  %r0 = tensor.extract %r[%c0, %c0] : tensor<1x128xf32>
  %r1 = tensor.extract %r[%c0, %c100] : tensor<1x128xf32>
  vector.print str "rotary: "
  vector.print %r0 : f32
  vector.print %r1 : f32

  %xs = arith.constant dense<[-1.0, 2.0]> : tensor<2xf32>
  %s = call @relu_select(%xs) : (tensor<2xf32>) -> tensor<2xf32>
  %s0 = tensor.extract %s[%c0] : tensor<2xf32>
  %s1 = tensor.extract %s[%c1] : tensor<2xf32>
  vector.print str "relu: "
  vector.print %s0 : f32
  vector.print %s1 : f32

  // 1 + 2^-8 rounds to even (1); 1 + 2^-6 + 2^-9 rounds down to 1 + 2^-6.
  %xb = arith.constant dense<[1.00390625, 1.017578125]> : tensor<2xf32>
  %b = call @bf16_round_trip(%xb) : (tensor<2xf32>) -> tensor<2xf32>
  %b0 = tensor.extract %b[%c0] : tensor<2xf32>
  %b1 = tensor.extract %b[%c1] : tensor<2xf32>
  vector.print str "bf16: "
  vector.print %b0 : f32
  vector.print %b1 : f32

  %ones = arith.constant dense<1.0> : tensor<4x64xf32>
  %t = call @quantized_tanh(%ones) : (tensor<4x64xf32>) -> tensor<4x16xf32>
  %t0 = tensor.extract %t[%c3, %c15] : tensor<4x16xf32>
  vector.print str "tanh: "
  vector.print %t0 : f32
  return
}
