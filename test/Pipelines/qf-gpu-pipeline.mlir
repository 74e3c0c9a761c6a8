// qf-gpu-pipeline to host LLVM code and NVVM kernels (no binary): host
// buffers are managed memory (mgpuMemAlloc), the chip is on the kernel
// module, and the chip decides which conversion instructions encode the
// codes (sm_80: none, sm_90a: FP8, sm_100a / sm_120a: FP8, FP6, FP4; inline
// PTX), never the codes themselves.
// RUN: qf-opt %s --qf-gpu-pipeline="chip=sm_80" | FileCheck %s --check-prefixes=CHECK,SM80
// RUN: qf-opt %s --qf-gpu-pipeline="chip=sm_90a" | FileCheck %s --check-prefixes=CHECK,SM90A
// RUN: qf-opt %s --qf-gpu-pipeline="chip=sm_100a threads-per-block=256" | FileCheck %s --check-prefixes=CHECK,SM100A
// RUN: qf-opt %s --qf-gpu-pipeline="chip=sm_120a hw-convert=false" | FileCheck %s --check-prefixes=CHECK,SOFT
// RUN: qf-opt %s --qf-gpu-pipeline="chip=sm_120a features=+ptx88" | FileCheck %s --check-prefix=FEAT

// CHECK-LABEL: llvm.func @quantize_fp8
// CHECK: llvm.call @__qf_kernel_0
// CHECK-LABEL: llvm.func @__qf_kernel_0
// CHECK: llvm.call @mgpuMemAlloc
// CHECK: gpu.launch_func {{.*}}blocks in
// CHECK: llvm.return
// SM80: gpu.module @{{.*}} [#nvvm.target<O = 3, chip = "sm_80">]
// SM90A: gpu.module @{{.*}} [#nvvm.target<O = 3, chip = "sm_90a">]
// SM100A: gpu.module @{{.*}} [#nvvm.target<O = 3, chip = "sm_100a">]
// SOFT: gpu.module @{{.*}} [#nvvm.target<O = 3, chip = "sm_120a">]
// FEAT: gpu.module @{{.*}} [#nvvm.target<O = 3, chip = "sm_120a", features = "+ptx88">]
// CHECK: llvm.func @{{.*}}kernel
// CHECK: nvvm.read.ptx.sreg.tid.x
// SM80-NOT: cvt.rn.satfinite
// SM90A: llvm.inline_asm "{ .reg .b16 t; cvt.rn.satfinite.e4m3x2.f32 t, $1, $2; cvt.u32.u16 $0, t; }", "=r,f,f"
// SM90A-NOT: e2m1x2
// SM100A: cvt.rn.satfinite.e4m3x2.f32
// SM100A: llvm.inline_asm "{ .reg .b8 t; cvt.rn.satfinite.e2m1x2.f32 t, $1, $2; cvt.u32.u8 $0, t; }", "=r,f,f"
// SOFT-NOT: cvt.rn.satfinite
func.func @quantize_fp8(%x: tensor<4x64xf32>) -> !qf.tensor<4x64xf32, mxfp8> {
  %q = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp8>
  return %q : !qf.tensor<4x64xf32, mxfp8>
}
func.func @quantize_fp4(%x: tensor<4x64xf32>) -> !qf.tensor<4x64xf32, nvfp4> {
  %q = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, nvfp4>
  return %q : !qf.tensor<4x64xf32, nvfp4>
}
