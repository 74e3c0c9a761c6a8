// With fallback, an unmet request is a remark per op and the portable
// kernel (the integer codec) is used.
// RUN: qf-opt %s --convert-qf-to-nvvm="chip=sm_80 require-hw-convert fallback" -verify-diagnostics | FileCheck %s

// CHECK-LABEL: func.func @fp8_on_ampere
// CHECK: gpu.launch
// CHECK-NOT: cvt.rn.satfinite
// CHECK: math.ctlz
func.func @fp8_on_ampere(%x: tensor<4x64xf32>) -> !qf.tensor<4x64xf32, mxfp8> {
  // expected-remark @+1 {{'qf.quantize' requires a hardware conversion to mxfp8 on sm_80: cvt.rn.satfinite.{e4m3x2,e5m2x2}.f32 needs sm_89 or later; using the portable kernel (fallback)}}
  %q = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp8>
  return %q : !qf.tensor<4x64xf32, mxfp8>
}

