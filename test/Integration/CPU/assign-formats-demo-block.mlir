// The demo block with --outliers: weights in one format per contraction
// chosen by qf-assign-formats objective=output (diagonal second moments and
// each contraction's measured gain to the block output, both on 32 runs of
// 8 held-back calibration tokens) at budgets from 4.25 to 8.25 bits per
// weight, against every uniform weight format, each run on the evaluation
// tokens against the f32 block (MXFP8 activations with calibrated static
// scales everywhere). The measured output error must fall as the budget
// rises, and at every budget the mixed assignment must be no worse than
// any uniform format of the same or fewer bits (strictly better at 4.75,
// 5, 5.5 and 7 bits, between the uniform formats' sizes;
// docs/mixed-formats.md shows the numbers).
// RUN: %python %qf_src/examples/gen-transformer-block.py --seq 8 --dim 64 --heads 2 --ffn 128 --reps 1 --outliers -o %t.block.mlir
// RUN: %python %qf_src/examples/gen-transformer-block.py --seq 8 --dim 64 --heads 2 --ffn 128 --outliers --input-offset 1000003 --calib-runs 32 -o %t.calib.mlir
// RUN: %python %qf_src/examples/gen-transformer-block.py --seq 8 --dim 64 --heads 2 --ffn 128 --outliers --input-offset 1000003 --eval-runs 32 -o %t.gain.mlir
// RUN: %python %S/assign-formats-demo.py %t %t.block.mlir %t.calib.mlir %t.gain.mlir %mlir_runner_utils,%mlir_c_runner_utils,%qf_runtime | FileCheck %s
// CHECK-COUNT-7: gain block.act{{[0-9]+}} increase {{[0-9]}}
// CHECK: uniform mxint4 bits 4.25 error
// CHECK: uniform mxint8 bits 8.25 error
// CHECK: mixed budget 4.25 bits 4.2500
// CHECK: mixed budget 8.25 bits 8.2500
// CHECK: error falls as the budget rises True
// CHECK: budget 4.25 no worse than mxint4,mxfp4 True
// CHECK: budget 4.75 no worse than mxint4,mxfp4,nvfp4 True ({{-[1-9]}}
// CHECK: budget 5.00 no worse than mxint4,mxfp4,nvfp4 True ({{-[1-9]}}
// CHECK: budget 5.50 no worse than mxint4,mxfp4,nvfp4 True ({{-[1-9]}}
// CHECK: budget 6.25 no worse than mxint4,mxfp4,nvfp4,mxfp6 True
// CHECK: budget 7.00 no worse than mxint4,mxfp4,nvfp4,mxfp6 True ({{-[1-9]}}
// CHECK: budget 8.25 no worse than mxint4,mxfp4,nvfp4,mxfp6,mxint8 True
