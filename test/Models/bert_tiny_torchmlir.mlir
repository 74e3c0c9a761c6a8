// REQUIRES: models
// Third-party frontend IR, bert_tiny_torchmlir.mlir in the models folder
// (QF_MODELS_DIR, not in the repository; without it this test is
// UNSUPPORTED): every contraction is quantized (K zero-padded where the
// block does not divide it) and the result compiles to LLVM with
// qf-cpu-pipeline.
// RUN: qf-opt %models_dir/bert_tiny_torchmlir.mlir --qf-quantize-model 2>/dev/null | FileCheck %s
// RUN: qf-opt %models_dir/bert_tiny_torchmlir.mlir --qf-quantize-model --qf-cpu-pipeline 2>/dev/null | FileCheck %s --check-prefix=LLVM

// RUN: qf-opt %models_dir/bert_tiny_torchmlir.mlir --qf-quantize-model 2>&1 >/dev/null | FileCheck %s --check-prefix=REMARK
// The weights are elided resources behind torch-mlir's transpose/broadcast
// generics: recognised as weights (weight-format) but quantized at run time.
// REMARK-COUNT-14: remark: qf-quantize-model: linalg.{{(batch_)?}}matmul: the weight constant is reached through a copying linalg.generic (transpose or broadcast); it is quantized at run time in weight-format
// RUN: qf-opt %models_dir/bert_tiny_torchmlir.mlir --qf-quantize-model 2>/dev/null | FileCheck %s --check-prefix=WFMT
// WFMT-COUNT-14: qf.quantize %{{.*}} -> !qf.tensor<{{.*}}, mxfp4,
// WFMT-NOT: qf.quantize {{.*}} mxfp4
// CHECK-COUNT-18: qf.matmul
// CHECK-NOT: qf.matmul
// CHECK-NOT: linalg.matmul
// CHECK-NOT: linalg.batch_matmul
// LLVM: llvm.func
// LLVM-NOT: linalg.

// qf-fuse-requantize on this frontend IR: the 16 contractions of the two
// layers fuse (Q/K/V/O, up/down with their bias; the scores with scale,
// mask and softmax; P*V); the pooler's and classifier's [1, 128] products
// stay qf.matmul, the pooler's bias + tanh a qf.map. Left quantized by
// themselves: each post-LayerNorm output (the residual stream, also an
// epilogue input of the next residual add), the [CLS] row and the weights
// (elided: quantized at run time).
// RUN: qf-opt %models_dir/bert_tiny_torchmlir.mlir --qf-quantize-model 2>/dev/null | qf-opt --qf-fuse-requantize 2>/dev/null | FileCheck %s --check-prefix=FUSE
// FUSE-COUNT-16: qf.fused_matmul
// FUSE-NOT: qf.fused_matmul
// RUN: qf-opt %models_dir/bert_tiny_torchmlir.mlir --qf-quantize-model 2>/dev/null | qf-opt --qf-fuse-requantize 2>/dev/null | FileCheck %s --check-prefix=LEFT
// LEFT-COUNT-4: qf.row_reduce
// LEFT-NOT: qf.row_reduce
// RUN: qf-opt %models_dir/bert_tiny_torchmlir.mlir --qf-quantize-model 2>/dev/null | qf-opt --qf-fuse-requantize 2>/dev/null | grep -c "qf.matmul " | FileCheck %s --check-prefix=MM
// MM: 2
// RUN: qf-opt %models_dir/bert_tiny_torchmlir.mlir --qf-quantize-model 2>/dev/null | qf-opt --qf-fuse-requantize 2>/dev/null | grep -c "qf.quantize %[0-9]* : tensor<12x128xf32>" | FileCheck %s --check-prefix=LN
// LN: 4
// The LLVM RUN line above lowers the fused program (qf-cpu-pipeline fuses
// by default).
