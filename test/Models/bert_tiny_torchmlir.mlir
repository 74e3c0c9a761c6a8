// REQUIRES: shared-models
// Third-party frontend IR (../shared/models/bert_tiny_torchmlir.mlir): every contraction is
// quantized (K zero-padded where the block does not divide it) and the
// result compiles to LLVM with qf-cpu-pipeline.
// RUN: qf-opt %shared_dir/models/bert_tiny_torchmlir.mlir --qf-quantize-model 2>/dev/null | FileCheck %s
// RUN: qf-opt %shared_dir/models/bert_tiny_torchmlir.mlir --qf-quantize-model --qf-cpu-pipeline 2>/dev/null | FileCheck %s --check-prefix=LLVM

// RUN: qf-opt %shared_dir/models/bert_tiny_torchmlir.mlir --qf-quantize-model 2>&1 >/dev/null | FileCheck %s --check-prefix=REMARK
// The weights are elided resources behind torch-mlir's transpose/broadcast
// generics: recognised as weights (weight-format) but quantized at run time.
// REMARK-COUNT-14: remark: qf-quantize-model: the weight constant is reached through a copying linalg.generic (transpose or broadcast); it is quantized at run time in weight-format
// RUN: qf-opt %shared_dir/models/bert_tiny_torchmlir.mlir --qf-quantize-model 2>/dev/null | FileCheck %s --check-prefix=WFMT
// WFMT-COUNT-14: qf.quantize %{{.*}} -> !qf.tensor<{{.*}}, mxfp4,
// WFMT-NOT: qf.quantize {{.*}} mxfp4
// CHECK-COUNT-18: qf.matmul
// CHECK-NOT: qf.matmul
// CHECK-NOT: linalg.matmul
// CHECK-NOT: linalg.batch_matmul
// LLVM: llvm.func
// LLVM-NOT: linalg.
