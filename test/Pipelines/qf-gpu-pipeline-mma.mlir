// REQUIRES: ptxas
// qf-gpu-pipeline with tensor-cores: the PTX has the MMA instruction of each
// mapping (gpu-lowering.md "Tensor cores"), and ptxas assembles the kernels
// (format=bin) for every chip that has one.
// RUN: qf-opt %S/Inputs/tensor-cores-matmuls.mlir --qf-gpu-pipeline="chip=sm_90a features=+ptx84 tensor-cores fallback format=isa toolkit=%cuda_toolkit" 2>/dev/null | FileCheck %s --check-prefix=SYNC
// RUN: qf-opt %S/Inputs/tensor-cores-matmuls.mlir --qf-gpu-pipeline="chip=sm_120a tensor-cores format=isa toolkit=%cuda_toolkit" | FileCheck %s --check-prefix=BS
// RUN: qf-opt %S/Inputs/tensor-cores-matmuls.mlir --qf-gpu-pipeline="chip=sm_90a features=+ptx84 tensor-cores fallback format=bin toolkit=%cuda_toolkit" 2>/dev/null | FileCheck %s --check-prefix=BIN
// RUN: qf-opt %S/Inputs/tensor-cores-matmuls.mlir --qf-gpu-pipeline="chip=sm_89 features=+ptx84 tensor-cores fallback format=bin toolkit=%cuda_toolkit" 2>/dev/null | FileCheck %s --check-prefix=BIN
// RUN: qf-opt %S/Inputs/tensor-cores-matmuls.mlir --qf-gpu-pipeline="chip=sm_100a tensor-cores fallback format=bin toolkit=%cuda_toolkit" 2>/dev/null | FileCheck %s --check-prefix=BIN
// RUN: qf-opt %S/Inputs/tensor-cores-matmuls.mlir --qf-gpu-pipeline="chip=sm_120a tensor-cores format=bin toolkit=%cuda_toolkit" | FileCheck %s --check-prefix=BIN
// RUN: qf-opt %S/Inputs/tensor-cores-matmuls.mlir --qf-gpu-pipeline="chip=sm_121a tensor-cores format=bin toolkit=%cuda_toolkit" | FileCheck %s --check-prefix=BIN
// RUN: qf-opt %S/Inputs/tensor-cores-matmuls.mlir --qf-gpu-pipeline="chip=sm_120f features=+ptx88 tensor-cores format=bin toolkit=%cuda_toolkit" | FileCheck %s --check-prefix=BIN
// The FP4 matmuls (and MXFP8 x MXFP4) have no MMA on sm_90a / sm_89, nor
// on sm_100a at its default PTX 8.6 (tcgen05 needs PTX 8.8:
// qf-gpu-pipeline-tcgen05.mlir) (fallback: the portable kernel, a remark
// each).
// RUN: qf-opt %S/Inputs/tensor-cores-matmuls.mlir --qf-gpu-pipeline="chip=sm_100a tensor-cores fallback format=isa toolkit=%cuda_toolkit" 2>&1 >/dev/null | FileCheck %s --check-prefix=REMARK

// SYNC: .target sm_90a
// SYNC-NOT: block_scale
// SYNC: mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32 {
// SYNC-NOT: block_scale
// SYNC: mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e5m2.f32 {
// SYNC-NOT: block_scale
// SYNC-COUNT-2: mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32 {
// SYNC-NOT: block_scale
// The summation order of the MMA is the hardware's; nothing else changes.
// SYNC-NOT: {{ftz|approx}}

// BS: .target sm_120a
// BS: mma.sync.aligned.m16n8k32.row.col.kind::mxf8f6f4.block_scale.scale_vec::1X.f32.e4m3.e4m3.f32.ue8m0 {
// BS: mma.sync.aligned.m16n8k32.row.col.kind::mxf8f6f4.block_scale.scale_vec::1X.f32.e4m3.e5m2.f32.ue8m0 {
// BS: mma.sync.aligned.m16n8k32.row.col.kind::mxf8f6f4.block_scale.scale_vec::1X.f32.e4m3.e4m3.f32.ue8m0 {
// BS: mma.sync.aligned.m16n8k32.row.col.kind::mxf8f6f4.block_scale.scale_vec::1X.f32.e4m3.e4m3.f32.ue8m0 {
// BS: mma.sync.aligned.m16n8k64.row.col.kind::mxf4.block_scale.scale_vec::2X.f32.e2m1.e2m1.f32.ue8m0 {
// BS: mma.sync.aligned.m16n8k64.row.col.kind::mxf4nvf4.block_scale.scale_vec::4X.f32.e2m1.e2m1.f32.ue4m3 {
// BS: mma.sync.aligned.m16n8k32.row.col.kind::mxf8f6f4.block_scale.scale_vec::1X.f32.e4m3.e2m1.f32.ue8m0 {

// BIN: gpu.binary @{{.*}} [#gpu.object<#nvvm.target<O = 3, chip = "sm_{{[0-9]+[af]?}}"{{.*}}>, properties = {{.*}}, bin = "
// BIN: gpu.launch_func

// REMARK: remark: 'qf.matmul' (mxfp4 x mxfp4) requires tensor cores on sm_100a: tcgen05.mma.block_scale with .block16 / .block32 needs PTX 8.8, and the default for sm_100a is PTX 8.6 (set features=+ptx88 or later); using the portable kernel (fallback)
// REMARK: remark: 'qf.matmul' (nvfp4 x nvfp4) requires tensor cores on sm_100a: tcgen05.mma.block_scale with .block16 / .block32 needs PTX 8.8
// REMARK: remark: 'qf.matmul' (mxfp8 x mxfp4) requires tensor cores on sm_100a: tcgen05.mma.block_scale with .block16 / .block32 needs PTX 8.8
