// RUN: qf-opt %s --qf-quantize-model="weight-format=mxfp4 activation-format=auto" | FileCheck %s --check-prefix=FP4
// RUN: qf-opt %s --qf-quantize-model="weight-format=nvint4 activation-format=auto" | FileCheck %s --check-prefix=INT4
// RUN: qf-opt %s --qf-quantize-model="weight-format=mxfp6 activation-format=auto" | FileCheck %s --check-prefix=FP6
// RUN: qf-opt %s --qf-quantize-model="weight-format=mxfp4" | FileCheck %s --check-prefix=DEFAULT
// RUN: qf-opt %s --qf-quantize-model="weight-format=mxfp4 activation-format=auto" 2>/dev/null | FileCheck %s --check-prefix=CHOICE

// activation-format=auto: mxint8 activations for weights with integer-valued
// codes (E2M1, integers: the CPU's integer dot-product GEMM), mxfp8 for the
// others; the default stays mxfp8.
// FP4-LABEL: func.func @f
// FP4: qf.quantize %{{.*}} : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxint8, axis = 1>
// INT4-LABEL: func.func @f
// INT4: qf.quantize %{{.*}} : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxint8, axis = 1>
// FP6-LABEL: func.func @f
// FP6: qf.quantize %{{.*}} : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp8, axis = 1>
// DEFAULT-LABEL: func.func @f
// DEFAULT: qf.quantize %{{.*}} : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp8, axis = 1>
func.func @f(%x: tensor<4x64xf32>) -> tensor<4x8xf32> {
  %w = arith.constant dense<0.5> : tensor<64x8xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %r = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x8xf32>) outs(%f : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// With a format qf-assign-formats chose, `auto` follows the chosen weight
// format: MXFP6 weights get mxfp8 activations, the other matmul (the
// weight-format, mxfp4) mxint8.
// CHOICE-LABEL: func.func @chosen
// CHOICE: qf.quantize %{{.*}} : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp8, axis = 1>
// CHOICE: qf.matmul {{.*}} !qf.tensor<8x64xf32, mxfp6, axis = 1>
// CHOICE: qf.quantize %{{.*}} : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxint8, axis = 1>
// CHOICE: qf.matmul {{.*}} !qf.tensor<8x64xf32, mxfp4, axis = 1>
func.func @chosen(%x: tensor<4x64xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %w = arith.constant dense<0.5> : tensor<64x8xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x8xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<4x8xf32>) -> tensor<4x8xf32>
  %r = linalg.matmul {qf.format_choice = {bits = 6.25 : f64, format = #qf.format<mxfp6>, predicted_error = 0.001 : f64}} ins(%x, %w : tensor<4x64xf32>, tensor<64x8xf32>) outs(%f : tensor<4x8xf32>) -> tensor<4x8xf32>
  %r2 = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x8xf32>) outs(%f : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r, %r2 : tensor<4x8xf32>, tensor<4x8xf32>
}
