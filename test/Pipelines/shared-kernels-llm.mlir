// Identical decoder layers share their kernels: qf-cpu-pipeline outlines
// every qf kernel op, the fused ones (qf.map, qf.fused_matmul) included,
// into one private function per distinct op (types, attributes, body), so
// the number of kernel functions is that of distinct kernels, not of layers
// (the compile-time fix of docs/performance.md "Compile time at LLM scale").
// The model is bench/gen-llm-model.py's, with 4 and with 8 layers: each
// per-layer kernel is called 4 (8) times, the kernel functions are the same
// 16 for both, and qf-kernel-out-params gives the static kernels
// caller-allocated results (no bufferization.dealloc with run-time alias
// checks remains).

// RUN: %python %qf_src/bench/gen-llm-model.py --layers 4 --seq 8 --dim 64 --heads 2 --ffn 128 --vocab 96 -o %t4.mlir
// RUN: %python %qf_src/bench/gen-llm-model.py --layers 8 --seq 8 --dim 64 --heads 2 --ffn 128 --vocab 96 -o %t8.mlir
// RUN: qf-opt %t4.mlir --qf-quantize-model 2>/dev/null -o %t4.q.mlir
// RUN: qf-opt %t8.mlir --qf-quantize-model 2>/dev/null -o %t8.q.mlir

// The steps of qf-cpu-pipeline up to outlining, and the calls per kernel.
// RUN: qf-opt %t4.q.mlir --convert-elementwise-to-linalg --qf-fuse-requantize=remarks=false --qf-outline-kernels \
// RUN:   | %python %S/Inputs/kernel-calls.py | FileCheck %s --check-prefix=L4
// RUN: qf-opt %t8.q.mlir --convert-elementwise-to-linalg --qf-fuse-requantize=remarks=false --qf-outline-kernels \
// RUN:   | %python %S/Inputs/kernel-calls.py | FileCheck %s --check-prefix=L8

// The final norm and the lm_head (64 -> 96) once; the final norm is its own
// kernel only because canonicalization ordered its two constants the other
// way round.
// L4: 1 x qf.map : (tensor<8x64xf32>, tensor<64xf32>) -> !qf.tensor<8x64xf32, mxfp8, axis = 1>
// L4: 1 x qf.matmul : (!qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<64x96xf32, mxfp4, axis = 0>) -> tensor<8x96xf32>
// L4: 1 x qf.quantize : (tensor<64x96xf32>) -> !qf.tensor<64x96xf32, mxfp4, axis = 0>
// Per layer: P x V with its epilogue, the down projection + residual, the
// SwiGLU dual GEMM, V (transposed result), O projection + residual, the
// rotated Q/K quantize, the scores, the down weight quantize.
// L4: 4 x qf.fused_matmul : (!qf.tensor<2x8x32xf32, mxfp8, axis = 2>, !qf.tensor<2x32x32xf32, mxfp8, axis = 2>) -> !qf.tensor<2x8x32xf32, mxfp8, axis = 2>
// L4: 4 x qf.fused_matmul : (!qf.tensor<8x128xf32, mxfp8, axis = 1>, !qf.tensor<128x64xf32, mxfp4, axis = 0>, tensor<8x64xf32>) -> tensor<8x64xf32>
// L4: 4 x qf.fused_matmul : (!qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<64x128xf32, mxfp4, axis = 0>, !qf.tensor<64x128xf32, mxfp4, axis = 0>) -> !qf.tensor<8x128xf32, mxfp8, axis = 1>
// L4: 4 x qf.fused_matmul : (!qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<64x64xf32, mxfp4, axis = 0>) -> !qf.tensor<64x32xf32, mxfp8, axis = 1>
// L4: 4 x qf.fused_matmul : (!qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<64x64xf32, mxfp4, axis = 0>, tensor<8x64xf32>) -> tensor<8x64xf32>
// L4: 4 x qf.map : (tensor<2x8x32xf32>) -> !qf.tensor<2x8x32xf32, mxfp8, axis = 2>
// L4: 4 x qf.matmul : (!qf.tensor<2x8x32xf32, mxfp8, axis = 2>, !qf.tensor<2x8x32xf32, mxfp8, axis = 2>) -> tensor<2x8x8xf32>
// L4: 4 x qf.quantize : (tensor<128x64xf32>) -> !qf.tensor<128x64xf32, mxfp4, axis = 0>
// Twice per layer: the RMSNorms, the Q and K projections, the rotated Q and
// K, the gate and up weights; four times: the Q, K, V, O weights.
// L4: 8 x qf.map : (tensor<8x64xf32>, tensor<64xf32>) -> !qf.tensor<8x64xf32, mxfp8, axis = 1>
// L4: 8 x qf.matmul : (!qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<64x64xf32, mxfp4, axis = 0>) -> tensor<8x64xf32>
// L4: 8 x qf.quantize : (tensor<2x8x32xf32>) -> !qf.tensor<2x8x32xf32, mxfp8, axis = 2>
// L4: 8 x qf.quantize : (tensor<64x128xf32>) -> !qf.tensor<64x128xf32, mxfp4, axis = 0>
// L4: 16 x qf.quantize : (tensor<64x64xf32>) -> !qf.tensor<64x64xf32, mxfp4, axis = 0>
// L4: 16 kernel functions

// L8: 1 x qf.map
// L8: 1 x qf.matmul
// L8: 1 x qf.quantize
// L8-COUNT-8: 8 x qf.
// L8-COUNT-4: 16 x qf.
// L8: 32 x qf.quantize : (tensor<64x64xf32>)
// L8: 16 kernel functions

// The lowered modules: the same 16 kernel functions for 4 and 8 layers.
// RUN: qf-opt %t4.q.mlir --qf-cpu-pipeline -o %t4.llvm.mlir
// RUN: FileCheck %s --check-prefix=LLVM < %t4.llvm.mlir
// RUN: FileCheck %s --check-prefix=NODEALLOC < %t4.llvm.mlir
// RUN: qf-opt %t8.q.mlir --qf-cpu-pipeline | FileCheck %s --check-prefix=LLVM
// NODEALLOC-NOT: dealloc_helper
// LLVM-COUNT-16: llvm.func @__qf_kernel_
// LLVM-NOT: llvm.func @__qf_kernel_
