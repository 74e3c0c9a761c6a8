// Compile-time evaluation is bounded (docs/reliability.md, "Resource
// limits"): constants over 2^26 elements are not folded; their ops stay for
// run time, and the run takes no memory for them (a splat stays a splat).
// RUN: qf-opt %s --split-input-file --canonicalize | FileCheck %s
// RUN: qf-opt %s --split-input-file --qf-quantize-model 2>&1 | FileCheck %s --check-prefix=MODEL

// CHECK-LABEL: func.func @quantize_huge_splat
// CHECK: arith.constant dense<1.000000e+00> : tensor<1000000000xf32>
// CHECK: qf.quantize
func.func @quantize_huge_splat() -> !qf.tensor<1000000000xf32, mxfp8> {
  %c = arith.constant dense<1.0> : tensor<1000000000xf32>
  %q = qf.quantize %c : tensor<1000000000xf32> -> !qf.tensor<1000000000xf32, mxfp8>
  return %q : !qf.tensor<1000000000xf32, mxfp8>
}

// -----

// Just above the limit (2^26 + 32 elements) is not folded either; the same
// shape's small sibling is.
// CHECK-LABEL: func.func @quantize_limit
// CHECK: %[[SMALL:.*]] = qf.constant
// CHECK: %[[BIG:.*]] = qf.quantize %{{.*}} : tensor<67108896xf32>
// CHECK-NOT: qf.quantize
// CHECK: return %[[BIG]], %[[SMALL]]
func.func @quantize_limit() -> (!qf.tensor<67108896xf32, mxint8>, !qf.tensor<64xf32, mxint8>) {
  %c = arith.constant dense<1.0> : tensor<67108896xf32>
  %q = qf.quantize %c : tensor<67108896xf32> -> !qf.tensor<67108896xf32, mxint8>
  %s = arith.constant dense<1.0> : tensor<64xf32>
  %r = qf.quantize %s : tensor<64xf32> -> !qf.tensor<64xf32, mxint8>
  return %q, %r : !qf.tensor<67108896xf32, mxint8>, !qf.tensor<64xf32, mxint8>
}

// -----

// A huge qf.constant (splat codes) parses, verifies its codes in place and
// stays unfolded under dequantize, requantize, pack and hadamard.
// CHECK-LABEL: func.func @huge_constant
// CHECK: qf.constant
// CHECK: qf.dequantize
// CHECK: qf.requantize
// CHECK: qf.pack
// CHECK: qf.hadamard
func.func @huge_constant() -> (tensor<1000000000xf32>, !qf.tensor<1000000000xf32, mxint8>, tensor<500000000xi8>, tensor<31250000xi8>, tensor<1000000000xf32>) {
  %q = qf.constant codes dense<3> : tensor<1000000000xi8> scales dense<127> : tensor<31250000xi8> : !qf.tensor<1000000000xf32, mxfp4>
  %d = qf.dequantize %q : !qf.tensor<1000000000xf32, mxfp4> -> tensor<1000000000xf32>
  %r = qf.requantize %q : !qf.tensor<1000000000xf32, mxfp4> -> !qf.tensor<1000000000xf32, mxint8>
  %p, %s = qf.pack %q : !qf.tensor<1000000000xf32, mxfp4> -> tensor<500000000xi8>, tensor<31250000xi8>
  %c = arith.constant dense<1.0> : tensor<1000000000xf32>
  %h = qf.hadamard %c axis = 0 block = 32 : tensor<1000000000xf32>
  return %d, %r, %p, %s, %h : tensor<1000000000xf32>, !qf.tensor<1000000000xf32, mxint8>, tensor<500000000xi8>, tensor<31250000xi8>, tensor<1000000000xf32>
}

// -----

// qf-quantize-model leaves a constant weight over the limit (8192x8224 >
// 2^26 elements) to run time, with a remark.
// MODEL: remark: qf-quantize-model: linalg.matmul: the weight constant has no readable data
// MODEL-LABEL: func.func @huge_weight
// MODEL: qf.quantize %{{.*}} : tensor<8192x8224xf32>
// MODEL: qf.matmul
func.func @huge_weight(%x: tensor<4x8192xf32>) -> tensor<4x8224xf32> {
  %w = arith.constant dense<0.5> : tensor<8192x8224xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8224xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<4x8224xf32>) -> tensor<4x8224xf32>
  %r = linalg.matmul ins(%x, %w : tensor<4x8192xf32>, tensor<8192x8224xf32>)
                     outs(%f : tensor<4x8224xf32>) -> tensor<4x8224xf32>
  return %r : tensor<4x8224xf32>
}
