// REQUIRES: models
// Third-party frontend IR, tf_mha_projection_fp32.mlir in the models folder
// (QF_MODELS_DIR, not in the repository; without it this test is
// UNSUPPORTED): the 4-D linalg.generic contraction (64x32x512 x 512x8x64)
// is collapsed to one 2-D qf.matmul with a compile-time quantized weight,
// and the result compiles to LLVM with qf-cpu-pipeline.
// RUN: qf-opt %models_dir/tf_mha_projection_fp32.mlir --qf-quantize-model 2>/dev/null | FileCheck %s
// RUN: qf-opt %models_dir/tf_mha_projection_fp32.mlir --qf-quantize-model --qf-cpu-pipeline 2>/dev/null | FileCheck %s --check-prefix=LLVM

// CHECK: tensor.collapse_shape {{.*}} : tensor<64x32x512xf32> into tensor<2048x512xf32>
// CHECK: qf.constant {{.*}} : !qf.tensor<512x512xf32, mxfp4, axis = 1>
// CHECK-COUNT-1: qf.matmul
// CHECK-NOT: qf.matmul
// CHECK-NOT: linalg.generic
// CHECK: tensor.expand_shape {{.*}} into tensor<64x32x8x64xf32>
// LLVM: llvm.func
// LLVM-NOT: linalg.
