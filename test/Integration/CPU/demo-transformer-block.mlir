// The README's main job at a small size: a generated transformer block is
// calibrated (instrumented run), quantized with static scales, reported,
// compiled and run against its f32 version.
// RUN: %python %qf_src/examples/gen-transformer-block.py --seq 8 --dim 64 --heads 2 --ffn 128 --reps 2 -o %t.block.mlir
// RUN: qf-opt %t.block.mlir --qf-quantize-model="exclude=ref" --qf-instrument-calibration --qf-cpu-pipeline 2>/dev/null | env QF_CALIBRATION_OUT=%t.json mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils,%qf_runtime
// RUN: FileCheck %s --check-prefix=CALIB < %t.json
// RUN: qf-opt %t.block.mlir --qf-quantize-model="exclude=ref fold-weights=false" --qf-fold-scales="calibration=%t.json" --qf-report --canonicalize -o %t.q.mlir 2>/dev/null | FileCheck %s --check-prefix=REPORT
// RUN: qf-opt %t.q.mlir --qf-cpu-pipeline="threads=2" | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils,%omp_lib | FileCheck %s
// The demo's f32 reference with its contractions as f32 qf.matmul (qf's GEMM
// kernels): the report still sees 18 quantized tensors (the reference stays
// f32) and the error against it is the same.
// RUN: %python %qf_src/examples/gen-transformer-block.py --seq 8 --dim 64 --heads 2 --ffn 128 --reps 2 --ref-kernels -o %t.rk.mlir
// RUN: FileCheck %s --check-prefix=RK < %t.rk.mlir
// RUN: qf-opt %t.rk.mlir --qf-quantize-model="exclude=ref" --qf-report --canonicalize -o %t.rkq.mlir 2>/dev/null | FileCheck %s --check-prefix=REPORT
// RUN: qf-opt %t.rkq.mlir --qf-cpu-pipeline="threads=2" | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils,%omp_lib | FileCheck %s --check-prefix=RKOUT

// CALIB: "name": "block.act0"
// CALIB: "name": "block.act10"
// REPORT: weight {{.*}} mxfp4 {{.*}} {{1[5-9]\.[0-9][0-9]}}
// REPORT: total all          18 tensors
// MXFP4 weights (~18 dB) and MXFP8 activations through the whole block.
// CHECK: output relative RMS error (quantized vs f32): 0.{{0[5-9]|1[0-9]|2[0-4]}}
// CHECK: time per block, quantized (ns):
// RK-LABEL: func.func @block_ref
// RK-COUNT-9: qf.matmul
// RK-NOT: linalg.matmul
// RK-NOT: linalg.batch_matmul
// RK: func.func @main
// RKOUT: output relative RMS error (quantized vs f32): 0.{{0[5-9]|1[0-9]|2[0-4]}}
