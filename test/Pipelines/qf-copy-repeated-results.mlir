// A public function returning one tensor twice: qf-copy-repeated-results
// gives the second result its own copy, and qf-cpu-pipeline with out-params
// (which crashed in buffer-results-to-out-params on a buffer returned twice)
// writes both out-parameters.
// RUN: qf-opt %s --qf-copy-repeated-results | FileCheck %s
// RUN: qf-opt %s --qf-cpu-pipeline="out-params=true outline-kernels=false" | FileCheck %s --check-prefix=PIPE

// CHECK-LABEL: func.func @twice
// CHECK: %[[A:.*]] = linalg.add
// CHECK: %[[C:.*]] = bufferization.alloc_tensor() copy(%[[A]])
// CHECK: return %[[A]], %[[C]]
// PIPE-LABEL: llvm.func @twice
// PIPE: llvm.intr.memcpy
// PIPE: llvm.return
func.func @twice(%x: tensor<8x64xf32>) -> (tensor<8x64xf32>, tensor<8x64xf32>) {
  %e = tensor.empty() : tensor<8x64xf32>
  %a = linalg.add ins(%x, %x : tensor<8x64xf32>, tensor<8x64xf32>)
                  outs(%e : tensor<8x64xf32>) -> tensor<8x64xf32>
  return %a, %a : tensor<8x64xf32>, tensor<8x64xf32>
}

// The qf form, found by the crash matrix: the quantized result lowers to
// builtin tensors (codes, scales) returned twice each.
// PIPE-LABEL: llvm.func @twice_qf
// PIPE: llvm.intr.memcpy
// PIPE: llvm.intr.memcpy
// PIPE: llvm.return
func.func @twice_qf(%x: tensor<8x64xf32>)
    -> (!qf.tensor<8x64xf32, mxfp8>, !qf.tensor<8x64xf32, mxfp8>) {
  %a = qf.quantize %x : tensor<8x64xf32> -> !qf.tensor<8x64xf32, mxfp8>
  return %a, %a : !qf.tensor<8x64xf32, mxfp8>, !qf.tensor<8x64xf32, mxfp8>
}

// Distinct results and private functions are left alone.
// CHECK-LABEL: func.func @distinct
// CHECK-NOT: alloc_tensor
// CHECK: return
func.func @distinct(%x: tensor<8x64xf32>, %y: tensor<8x64xf32>)
    -> (tensor<8x64xf32>, tensor<8x64xf32>) {
  return %x, %y : tensor<8x64xf32>, tensor<8x64xf32>
}

// CHECK-LABEL: func.func private @inner
// CHECK-NOT: alloc_tensor
// CHECK: return
func.func private @inner(%x: tensor<8x64xf32>)
    -> (tensor<8x64xf32>, tensor<8x64xf32>) {
  return %x, %x : tensor<8x64xf32>, tensor<8x64xf32>
}

// Two equal results that only CSE makes one value (two identical fills):
// the copy pass runs after CSE, so out-params gets two buffers.
// PIPE-LABEL: llvm.func @two_fills
// PIPE: llvm.intr.memcpy
// PIPE: llvm.return
func.func @two_fills() -> (tensor<4x16xf32>, tensor<4x16xf32>) {
  %z = arith.constant 0.0 : f32
  %e0 = tensor.empty() : tensor<4x16xf32>
  %a = linalg.fill ins(%z : f32) outs(%e0 : tensor<4x16xf32>) -> tensor<4x16xf32>
  %e1 = tensor.empty() : tensor<4x16xf32>
  %b = linalg.fill ins(%z : f32) outs(%e1 : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %a, %b : tensor<4x16xf32>, tensor<4x16xf32>
}
