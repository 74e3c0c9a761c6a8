// REQUIRES: ptxas
// qf-gpu-pipeline with tensor-cores on sm_100a/f, sm_103a and PTX 8.8: the
// MXFP8 / MXFP4 / NVFP4 matmuls and the MXFP8 / MXFP6 / MXFP4 mixes run as
// tcgen05 kernels (gpu-lowering.md "Tensor cores"), their scales swizzled
// first; ptxas assembles them.
// RUN: qf-opt %S/Inputs/tcgen05-matmuls.mlir --qf-gpu-pipeline="chip=sm_100a features=+ptx88 tensor-cores format=isa toolkit=%cuda_toolkit" | FileCheck %s --check-prefix=PTX
// RUN: qf-opt %S/Inputs/tcgen05-matmuls.mlir --qf-gpu-pipeline="chip=sm_100a features=+ptx88 tensor-cores format=bin toolkit=%cuda_toolkit" | FileCheck %s --check-prefix=BIN
// RUN: qf-opt %S/Inputs/tcgen05-matmuls.mlir --qf-gpu-pipeline="chip=sm_100f tensor-cores format=bin toolkit=%cuda_toolkit" | FileCheck %s --check-prefix=BIN
// RUN: qf-opt %S/Inputs/tcgen05-matmuls.mlir --qf-gpu-pipeline="chip=sm_103a tensor-cores format=bin toolkit=%cuda_toolkit" | FileCheck %s --check-prefix=BIN

// PTX: .version 8.8
// PTX: .target sm_100a
// One kernel module per launch: the two scale swizzles, then the tcgen05
// kernel, per matmul.
// PTX: tcgen05.alloc.cta_group::1.sync.aligned.shared::cta.b32 [{{.*}}], 256;
// PTX: tcgen05.relinquish_alloc_permit.cta_group::1.sync.aligned;
// PTX: tcgen05.cp.cta_group::1.32x128b.warpx4 [
// PTX: tcgen05.cp.cta_group::1.32x128b.warpx4 [
// PTX: tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32 [
// PTX: tcgen05.commit.cta_group::1.mbarrier::arrive::one.shared::cluster.b64
// PTX: mbarrier.try_wait.parity.shared::cta.b64
// PTX: tcgen05.ld.sync.aligned.32x32b.x8.b32
// PTX: tcgen05.wait::ld.sync.aligned;
// PTX: tcgen05.dealloc.cta_group::1.sync.aligned.b32 {{.*}}, 256;
// PTX: tcgen05.mma.cta_group::1.kind::mxf4.block_scale.block32 [
// PTX: tcgen05.mma.cta_group::1.kind::mxf4nvf4.block_scale.block16 [
// The kind::mxf8f6f4 mixes (MXFP8 x MXFP4, MXFP6 x MXFP6): the same
// instruction, the element types in the instruction descriptor.
// PTX: tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32 [
// PTX: tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32 [
// PTX-NOT: mma.sync
// The summation order of the MMA is the hardware's; nothing else changes.
// PTX-NOT: {{ftz|approx}}

// BIN: gpu.binary @{{.*}} [#gpu.object<#nvvm.target<O = 3, chip = "sm_10{{[03][af]}}"{{.*}}>, properties = {{.*}}, bin = "
// BIN: gpu.launch_func
