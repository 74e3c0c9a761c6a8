// The PTX of every op family, for the chips of the issue: the instructions
// that must appear, and none that would break bit-exactness (ftz, approx
// reciprocals). format=isa runs no ptxas but needs the CUDA toolkit
// (libdevice), which the ptxas feature stands for; qf-gpu-pipeline-ptxas.mlir
// assembles the same kernels.
// REQUIRES: ptxas
// RUN: qf-opt %s --qf-gpu-pipeline="chip=sm_90a format=isa toolkit=%cuda_toolkit" | FileCheck %s --check-prefixes=PTX,SM90A
// RUN: qf-opt %s --qf-gpu-pipeline="chip=sm_100a format=isa toolkit=%cuda_toolkit" | FileCheck %s --check-prefixes=PTX,SM100A
// RUN: qf-opt %s --qf-gpu-pipeline="chip=sm_120a format=isa toolkit=%cuda_toolkit" | FileCheck %s --check-prefixes=PTX,SM120A
// RUN: qf-opt %s --qf-gpu-pipeline="chip=sm_90a format=isa toolkit=%cuda_toolkit" | FileCheck %s --check-prefix=NOFP4
// RUN: qf-opt %s --qf-gpu-pipeline="chip=sm_100a format=isa toolkit=%cuda_toolkit" | FileCheck %s --check-prefix=EXACT

// SM90A: .target sm_90a
// SM100A: .target sm_100a
// SM120A: .target sm_120a
// PTX: cvt.rn.satfinite.e4m3x2.f32
// SM100A: cvt.rn.satfinite.e2m3x2.f32
// SM120A: cvt.rn.satfinite.e2m3x2.f32
// SM100A: cvt.rn.satfinite.e2m1x2.f32
// SM120A: cvt.rn.satfinite.e2m1x2.f32
// NOFP4-NOT: e2m1x2
// EXACT-NOT: {{ftz|approx|rcp}}

func.func @quantize_fp8(%x: tensor<4x64xf32>) -> !qf.tensor<4x64xf32, mxfp8> {
  %q = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp8>
  return %q : !qf.tensor<4x64xf32, mxfp8>
}
func.func @quantize_mxfp6(%x: tensor<4x64xf32>) -> !qf.tensor<4x64xf32, mxfp6> {
  %q = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp6>
  return %q : !qf.tensor<4x64xf32, mxfp6>
}
func.func @quantize_nvfp4(%x: tensor<4x64xf32>) -> !qf.tensor<4x64xf32, nvfp4> {
  %q = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, nvfp4>
  return %q : !qf.tensor<4x64xf32, nvfp4>
}
func.func @dequantize_mxfp6(%q: !qf.tensor<4x64xf32, mxfp6>) -> tensor<4x64xf32> {
  %d = qf.dequantize %q : !qf.tensor<4x64xf32, mxfp6> -> tensor<4x64xf32>
  return %d : tensor<4x64xf32>
}
func.func @requantize(%q: !qf.tensor<4x64xf32, mxint8>) -> !qf.tensor<4x64xf32, mxint4> {
  %r = qf.requantize %q : !qf.tensor<4x64xf32, mxint8> -> !qf.tensor<4x64xf32, mxint4>
  return %r : !qf.tensor<4x64xf32, mxint4>
}
func.func @matmul(%a: !qf.tensor<4x64xf32, mxfp8, axis = 1>, %w: !qf.tensor<6x64xf32, nvfp4, axis = 1>) -> tensor<4x6xf32> {
  %c = qf.matmul %a, %w transpose_b : !qf.tensor<4x64xf32, mxfp8, axis = 1>, !qf.tensor<6x64xf32, nvfp4, axis = 1> -> tensor<4x6xf32>
  return %c : tensor<4x6xf32>
}
func.func @hadamard(%x: tensor<4x64xf32>) -> tensor<4x64xf32> {
  %r = qf.hadamard %x axis = 1 block = 16 : tensor<4x64xf32>
  return %r : tensor<4x64xf32>
}
func.func @map_relu(%a: !qf.tensor<8x64xf32, mxfp8, axis = 1>)
    -> !qf.tensor<8x64xf32, mxfp4, axis = 1> {
  %r = qf.map(%a) : (!qf.tensor<8x64xf32, mxfp8, axis = 1>)
                    -> !qf.tensor<8x64xf32, mxfp4, axis = 1> {
  ^bb0(%x: f32):
    %z = arith.constant 0.0 : f32
    %y = arith.maximumf %x, %z : f32
    qf.yield %y : f32
  }
  return %r : !qf.tensor<8x64xf32, mxfp4, axis = 1>
}
