// REQUIRES: ptxas
// ptxas (through gpu-module-to-binary format=bin) accepts the kernels of
// every op family for sm_90a, sm_100a and sm_120a.
// RUN: qf-opt %S/qf-gpu-pipeline-ptx.mlir --qf-gpu-pipeline="chip=sm_90a format=bin toolkit=%cuda_toolkit" | FileCheck %s
// RUN: qf-opt %S/qf-gpu-pipeline-ptx.mlir --qf-gpu-pipeline="chip=sm_100a format=bin toolkit=%cuda_toolkit" | FileCheck %s
// RUN: qf-opt %S/qf-gpu-pipeline-ptx.mlir --qf-gpu-pipeline="chip=sm_120a format=bin toolkit=%cuda_toolkit" | FileCheck %s
// RUN: qf-opt %S/qf-gpu-pipeline-ptx.mlir --qf-gpu-pipeline="chip=sm_103a format=bin toolkit=%cuda_toolkit" | FileCheck %s
// The demo block of the README, quantized (the issue's acceptance command).
// RUN: %python %qf_src/examples/gen-transformer-block.py --seq 4 --dim 32 --heads 1 --ffn 64 --reps 1 -o %t.block.mlir
// RUN: qf-opt %t.block.mlir --qf-quantize-model --qf-gpu-pipeline="chip=sm_100a format=bin toolkit=%cuda_toolkit" 2>/dev/null | FileCheck %s
// RUN: qf-opt %t.block.mlir --qf-quantize-model --qf-gpu-pipeline="chip=sm_90a format=bin toolkit=%cuda_toolkit" 2>/dev/null | FileCheck %s
// RUN: qf-opt %t.block.mlir --qf-quantize-model --qf-gpu-pipeline="chip=sm_120a format=bin toolkit=%cuda_toolkit" 2>/dev/null | FileCheck %s

// CHECK: gpu.binary @{{.*}} [#gpu.object<#nvvm.target<O = 3, chip = "sm_{{[0-9]+}}a">, properties = {{.*}}, bin = "
// CHECK: gpu.launch_func
