// RUN: qf-opt %s --qf-outline-kernels | FileCheck %s
// RUN: qf-opt %s --qf-cpu-pipeline | FileCheck %s --check-prefix=LLVM

// Identical kernels share one private function; different types get their own.
// CHECK-LABEL: func.func @layers
// CHECK: %[[A:.*]] = call @__qf_kernel_0(%arg0) : (tensor<8x64xf32>) -> !qf.tensor<8x64xf32, mxfp4, axis = 1>
// CHECK: %[[B:.*]] = call @__qf_kernel_1(%[[A]], %arg1)
// CHECK: %[[C:.*]] = call @__qf_kernel_0(%[[B]])
// CHECK: call @__qf_kernel_1(%[[C]], %arg1)
// CHECK: call @__qf_kernel_2(
// CHECK: func.func private @__qf_kernel_0(%arg0: tensor<8x64xf32>) -> !qf.tensor<8x64xf32, mxfp4, axis = 1>
// CHECK-NEXT: qf.quantize %arg0
// CHECK: func.func private @__qf_kernel_1(
// CHECK-NEXT: qf.matmul
// CHECK: func.func private @__qf_kernel_2(
// CHECK-NEXT: qf.dequantize
// CHECK-NOT: func.func private @__qf_kernel_3
// LLVM-COUNT-3: llvm.func @__qf_kernel_
func.func @layers(%x: tensor<8x64xf32>, %w: !qf.tensor<64x64xf32, mxfp4>) -> (tensor<8x64xf32>, tensor<8x64xf32>) {
  %q0 = qf.quantize %x : tensor<8x64xf32> -> !qf.tensor<8x64xf32, mxfp4>
  %y0 = qf.matmul %q0, %w transpose_b : !qf.tensor<8x64xf32, mxfp4>, !qf.tensor<64x64xf32, mxfp4> -> tensor<8x64xf32>
  %q1 = qf.quantize %y0 : tensor<8x64xf32> -> !qf.tensor<8x64xf32, mxfp4>
  %y1 = qf.matmul %q1, %w transpose_b : !qf.tensor<8x64xf32, mxfp4>, !qf.tensor<64x64xf32, mxfp4> -> tensor<8x64xf32>
  %d = qf.dequantize %q1 : !qf.tensor<8x64xf32, mxfp4> -> tensor<8x64xf32>
  return %y1, %d : tensor<8x64xf32>, tensor<8x64xf32>
}
