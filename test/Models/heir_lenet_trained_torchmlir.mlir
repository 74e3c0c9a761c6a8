// REQUIRES: models
// Third-party frontend IR, heir_lenet_trained_torchmlir.mlir in the models folder
// (QF_MODELS_DIR, not in the repository; without it this test is
// UNSUPPORTED): every contraction, the convolutions included (im2col +
// qf.matmul), is quantized (K zero-padded where the block does not divide
// it) and the result compiles to LLVM with qf-cpu-pipeline.
// RUN: qf-opt %models_dir/heir_lenet_trained_torchmlir.mlir --qf-quantize-model 2>/dev/null | FileCheck %s
// RUN: qf-opt %models_dir/heir_lenet_trained_torchmlir.mlir --qf-quantize-model --qf-cpu-pipeline 2>/dev/null | FileCheck %s --check-prefix=LLVM
// RUN: qf-opt %models_dir/heir_lenet_trained_torchmlir.mlir --qf-quantize-model="weight-format=nvfp4 activation-format=none" 2>/dev/null | FileCheck %s

// CHECK-COUNT-5: qf.matmul
// CHECK-NOT: qf.matmul
// CHECK-NOT: linalg.matmul
// CHECK-NOT: linalg.batch_matmul
// CHECK-NOT: linalg.conv
// LLVM: llvm.func
// LLVM-NOT: linalg.
// RUN: qf-opt %models_dir/heir_lenet_trained_torchmlir.mlir --qf-quantize-model 2>&1 >/dev/null | FileCheck %s --check-prefix=REMARK
// REMARK: remark: qf-quantize-model: @lenet: 5 of 5 contractions quantized (2 of 2 convolutions){{$}}
