// REQUIRES: ptxas
// The fused kernels that stage their rows for a tensor scale from the data
// (NVFP4 / NVINT4 / a two-level FP8 result of qf.fused_matmul and of a
// qf.map with a row reduction; the executed CPU test holds the functions)
// lower for the GPU and assemble with ptxas: the rows and their amax are
// written by the kernel threads, the host combines the row maxima (managed
// memory, as for the standalone quantize's amax pass), and the quantize
// kernel encodes the kept rows. Not run on a GPU here.
// RUN: qf-opt %S/../Integration/CPU/fused-data-tensor-scale.mlir --qf-gpu-pipeline="chip=sm_90a format=bin toolkit=%cuda_toolkit" | FileCheck %s
// RUN: qf-opt %S/../Integration/CPU/fused-data-tensor-scale.mlir --qf-gpu-pipeline="chip=sm_120a format=bin toolkit=%cuda_toolkit" | FileCheck %s
// CHECK: gpu.binary
// CHECK-NOT: qf.fused_matmul
// CHECK-NOT: qf.map
