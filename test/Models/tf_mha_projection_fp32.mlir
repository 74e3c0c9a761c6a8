// REQUIRES: shared-models
// A 4-D linalg.generic contraction with two N dimensions: not quantized
// (yet), and said so with a remark at the op; the file still compiles.
// RUN: qf-opt %shared_dir/models/tf_mha_projection_fp32.mlir --qf-quantize-model 2>&1 >/dev/null | FileCheck %s
// RUN: qf-opt %shared_dir/models/tf_mha_projection_fp32.mlir --qf-quantize-model --qf-cpu-pipeline 2>/dev/null | FileCheck %s --check-prefix=LLVM

// CHECK: remark: qf-quantize-model: not quantized: needs exactly one reduction, one M, one N and at most one batch dimension
// LLVM: llvm.func
