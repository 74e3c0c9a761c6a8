// REQUIRES: models
// qf-assign-formats and qf-split-low-rank on the third-party models of the
// models folder (QF_MODELS_DIR, not in the repository; without it this test
// is UNSUPPORTED). No calibration inputs come with these models, so the
// second moments are unit ones (make-moments.py --unit: E[x x^T] = I), and
// the predicted output error is the weight's own relative error. The
// numbers are in docs/mixed-formats.md.
// RUN: %python %S/../Transforms/Inputs/make-moments.py %t.lenet.json lenet.act0:diag:32:1 lenet.act1:diag:160:1 lenet.act2:diag:416:1 lenet.act3:diag:128:1 lenet.act4:diag:96:1 --unit
// RUN: %python %S/../Transforms/Inputs/make-moments.py %t.lola.json lola.act0:diag:32:1 lola.act1:diag:1568:1 lola.act2:diag:128:1 --unit
// RUN: %python %S/../Transforms/Inputs/make-moments.py %t.mha.json entry.act0:diag:512:1 --unit
// RUN: qf-opt %models_dir/heir_lenet_trained_torchmlir.mlir --qf-assign-formats="calibration=%t.lenet.json budget=5" --qf-quantize-model=fold-weights=false --qf-report -o /dev/null 2>/dev/null | FileCheck %s --check-prefix=LENET
// RUN: qf-opt %models_dir/heir_lola_mnist_trained.mlir --qf-assign-formats="calibration=%t.lola.json budget=4.5" --qf-quantize-model=fold-weights=false --qf-report -o /dev/null 2>/dev/null | FileCheck %s --check-prefix=LOLA
// RUN: qf-opt %models_dir/tf_mha_projection_fp32.mlir --qf-assign-formats="calibration=%t.mha.json budget=5" --qf-quantize-model=fold-weights=false --qf-report -o /dev/null 2>/dev/null | FileCheck %s --check-prefix=MHA
// The weights of BERT-tiny are elided: nothing to assign or split.
// RUN: qf-opt %models_dir/bert_tiny_torchmlir.mlir --qf-assign-formats="calibration=%t.mha.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BERT
// RUN: qf-opt %models_dir/bert_tiny_torchmlir.mlir --qf-quantize-model=fold-weights=false --qf-split-low-rank=rank=4 -o /dev/null 2>&1 | FileCheck %s --check-prefix=BERTSPLIT
// Low-rank splits (rank 4, bf16 factors), alone and after the assignment.
// RUN: qf-opt %models_dir/heir_lenet_trained_torchmlir.mlir --qf-quantize-model=fold-weights=false --qf-split-low-rank="rank=4 factor-type=bf16" --qf-report -o /dev/null 2>/dev/null | FileCheck %s --check-prefix=SPLIT-LENET
// RUN: qf-opt %models_dir/heir_lola_mnist_trained.mlir --qf-quantize-model=fold-weights=false --qf-split-low-rank="rank=4 factor-type=bf16" --qf-report -o /dev/null 2>/dev/null | FileCheck %s --check-prefix=SPLIT-LOLA
// RUN: qf-opt %models_dir/tf_mha_projection_fp32.mlir --qf-quantize-model=fold-weights=false --qf-split-low-rank="rank=4 factor-type=bf16" --qf-report -o /dev/null 2>/dev/null | FileCheck %s --check-prefix=SPLIT-MHA
// RUN: qf-opt %models_dir/heir_lenet_trained_torchmlir.mlir --qf-assign-formats="calibration=%t.lenet.json budget=5" --qf-quantize-model=fold-weights=false --qf-split-low-rank="rank=4 factor-type=bf16" --qf-report -o /dev/null 2>/dev/null | FileCheck %s --check-prefix=BOTH
// The split products compile.
// RUN: qf-opt %models_dir/heir_lenet_trained_torchmlir.mlir --qf-assign-formats="calibration=%t.lenet.json budget=5" --qf-quantize-model=fold-weights=false --qf-split-low-rank="rank=4 factor-type=bf16" --canonicalize --qf-cpu-pipeline 2>/dev/null | FileCheck %s --check-prefix=LLVM

// LENET: mixed formats (qf-assign-formats)
// LENET: 6x32 mxint8 8.25 0.003 0.003
// LENET-NEXT: 16x160 mxfp6 6.25 0.078 0.078
// LENET-NEXT: 120x416 nvfp4 4.50 0.920 0.920
// LENET-NEXT: 84x128 mxfp6 6.25 0.077 0.077
// LENET-NEXT: 10x96 mxint8 8.25 0.005 0.005
// LENET-NEXT: total mixed formats: 4.9289 bits per weight over 64384 elements
// LOLA: 8x32 mxint8 8.25 0.001 0.001
// LOLA-NEXT: 100x1568 mxfp4 4.25 1.334 1.334
// LOLA-NEXT: 10x128 mxint8 8.25 0.005 0.005
// LOLA-NEXT: total mixed formats: 4.2888 bits per weight over 158336 elements
// MXINT4 beats NVFP4 on this weight's measured error at fewer bits.
// MHA: 512x512 mxint4 4.25 0.591 0.591
// BERT-COUNT-18: no constant weight; it keeps qf-quantize-model's format
// BERT: remark: qf-assign-formats: no contraction with a constant weight to assign
// BERTSPLIT: remark: qf-split-low-rank: split 0 of 18 contractions
// SPLIT-LENET: 6x32 mxfp4 4 bf16 12.67 19.51 29.52
// SPLIT-LENET-NEXT: 16x160 mxfp4 4 bf16 4.40 18.95 22.43
// SPLIT-LENET-NEXT: 120x416 mxfp4 4 bf16 0.69 18.68 20.64
// SPLIT-LENET-NEXT: 84x128 mxfp4 4 bf16 1.26 18.86 20.37
// SPLIT-LENET-NEXT: 10x96 mxfp4 4 bf16 7.07 18.78 22.79
// SPLIT-LENET-NEXT: total low-rank factors: 8544 bytes, +1.06 bits per element
// SPLIT-LOLA: 8x32 mxfp4 4 bf16 10.00 18.77 74.38
// SPLIT-LOLA-NEXT: 100x1568 mxfp4 4 bf16 0.68 18.75 19.25
// SPLIT-LOLA-NEXT: 10x128 mxfp4 4 bf16 6.90 19.18 21.67
// The projection's weight is close to isotropic: rank 4 takes little energy
// and the split residual quantizes worse than the weight.
// SPLIT-MHA: 512x512 mxfp4 4 bf16 0.25 20.01 19.55
// BOTH: 6x32 mxint8 4 bf16 12.67 44.74 52.98
// BOTH-NEXT: 16x160 mxfp6 4 bf16 4.40 31.09 34.74
// BOTH-NEXT: 120x416 nvfp4 4 bf16 0.69 20.36 22.20
// BOTH-NEXT: 84x128 mxfp6 4 bf16 1.26 31.14 32.58
// BOTH-NEXT: 10x96 mxint8 4 bf16 7.07 43.17 45.64
// LLVM: llvm.func @lenet
