// REQUIRES: ptxas
// The block and tensor maxima of the quantize kernels by warp shuffles, in
// the PTX (shfl.sync.bfly on the |x| bit patterns, integer maxima, nothing
// approximate), and ptxas assembles them (format=bin).
// RUN: qf-opt %s --qf-gpu-pipeline="chip=sm_90a format=isa toolkit=%cuda_toolkit" | FileCheck %s --check-prefixes=PTX,SM90A
// RUN: qf-opt %s --qf-gpu-pipeline="chip=sm_120a format=isa toolkit=%cuda_toolkit" | FileCheck %s --check-prefixes=PTX,SM120A
// RUN: qf-opt %s --qf-gpu-pipeline="chip=sm_90a format=bin toolkit=%cuda_toolkit" | FileCheck %s --check-prefix=BIN
// RUN: qf-opt %s --qf-gpu-pipeline="chip=sm_120a format=bin toolkit=%cuda_toolkit" | FileCheck %s --check-prefix=BIN

// SM90A: .target sm_90a
// SM120A: .target sm_120a
// MXFP8 blocks of 32: 8 lanes a block, a member mask from %laneid.
// PTX: mov.u32 {{.*}}%laneid;
// PTX: shfl.sync.bfly.b32 {{.*}}, 4, 0x1f,
// PTX: max.s32
// PTX: shfl.sync.bfly.b32 {{.*}}, 2, 0x1f,
// PTX: shfl.sync.bfly.b32 {{.*}}, 1, 0x1f,
// NVFP4: the tensor amax over a warp per chunk (finite values only, D8),
// then blocks of 16 over 4 lanes.
// PTX: shfl.sync.bfly.b32 {{.*}}, 16, 0x1f,
// PTX: shfl.sync.bfly.b32 {{.*}}, 8, 0x1f,
// PTX: mov.u32 {{.*}}%laneid;
// PTX: shfl.sync.bfly.b32 {{.*}}, 2, 0x1f,
// PTX-NOT: {{ftz|approx}}

// BIN: gpu.binary @{{.*}} [#gpu.object<#nvvm.target<O = 3, chip = "sm_{{[0-9]+}}a">, properties = {{.*}}, bin = "
// BIN: gpu.launch_func

func.func @mxfp8_dynamic(%x: tensor<?x64xf32>) -> !qf.tensor<?x64xf32, mxfp8> {
  %q = qf.quantize %x : tensor<?x64xf32> -> !qf.tensor<?x64xf32, mxfp8>
  return %q : !qf.tensor<?x64xf32, mxfp8>
}
func.func @nvfp4(%x: tensor<4x64xf32>) -> !qf.tensor<4x64xf32, nvfp4> {
  %q = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, nvfp4>
  return %q : !qf.tensor<4x64xf32, nvfp4>
}
