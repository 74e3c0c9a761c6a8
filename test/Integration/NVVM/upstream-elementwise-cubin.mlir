// upstream-elementwise.mlir from a cubin that ptxas assembled at compile
// time (gpu-module-to-binary format=bin, loaded by mgpuModuleLoad) instead
// of PTX that the driver compiles at load time.
// REQUIRES: cuda, ptxas
// RUN: mlir-opt %S/upstream-elementwise.mlir \
// RUN:   -pass-pipeline="builtin.module(gpu-kernel-outlining, \
// RUN:   nvvm-attach-target{chip=%cuda_chip}, gpu.module(convert-gpu-to-nvvm), \
// RUN:   %gpu_host_lowering, gpu-module-to-binary{format=bin toolkit=%cuda_toolkit})" \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:   -shared-libs=%qf_cuda_runtime,%mlir_runner_utils \
// RUN: | FileCheck %S/upstream-elementwise.mlir
