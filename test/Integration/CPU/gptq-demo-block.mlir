// The demo block with --outliers: 4-bit weights rounded with GPTQ
// (qf-fold-scales weight-rounding=gptq, second moments recorded on 32 runs
// of 8 held-back calibration tokens, the evaluated block's shapes) against
// round-to-nearest + MSE scale search,
// each run on the evaluation tokens against the f32 block. The output error
// must fall by at least 25 % for MXFP4, NVFP4 and MXINT4 weights (MXFP8
// activations with calibrated static scales in both). The numbers are in
// docs/weight-rounding.md.
// RUN: %python %qf_src/examples/gen-transformer-block.py --seq 8 --dim 64 --heads 2 --ffn 128 --reps 1 --outliers -o %t.block.mlir
// RUN: %python %qf_src/examples/gen-transformer-block.py --seq 8 --dim 64 --heads 2 --ffn 128 --outliers --input-offset 1000003 --calib-runs 32 -o %t.calib.mlir
// RUN: %python %S/weight-rounding-demo.py %t %t.block.mlir %t.calib.mlir %mlir_runner_utils,%mlir_c_runner_utils,%qf_runtime | FileCheck %s
// CHECK: mxfp4 {{.*}} lower True
// CHECK: nvfp4 {{.*}} lower True
// CHECK: mxint4 {{.*}} lower True
