// require-hw-convert: every quantize must encode with a conversion
// instruction; where the chip or the format has none, an error names the op,
// the format, the chip and what would be accepted.
// RUN: qf-opt %s --convert-qf-to-nvvm="chip=sm_90a require-hw-convert" -split-input-file -verify-diagnostics

func.func @fp4_on_hopper(%x: tensor<4x64xf32>) -> !qf.tensor<4x64xf32, mxfp4> {
  // expected-error @+1 {{'qf.quantize' requires a hardware conversion to mxfp4 on sm_90a: cvt.rn.satfinite.{e2m1x2,e2m3x2,e3m2x2}.f32 needs an architecture- or family-specific Blackwell chip (sm_100a, sm_100f, sm_103a, sm_120a, sm_120f, sm_121a); accepted: E4M3/E5M2 elements on sm_89+, E2M1/E2M3/E3M2 on Blackwell 'a'/'f' chips, with rounding=even; or drop require-hw-convert, or set fallback}}
  %q = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp4>
  return %q : !qf.tensor<4x64xf32, mxfp4>
}

// -----

func.func @integers(%x: tensor<4x64xf32>) -> !qf.tensor<4x64xf32, mxint8> {
  // expected-error @+1 {{'qf.quantize' requires a hardware conversion to mxint8 on sm_90a: integer elements have no conversion instruction}}
  %q = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxint8>
  return %q : !qf.tensor<4x64xf32, mxint8>
}

// -----

!away = !qf.tensor<4x64xf32, #qf.format<elem = f8E4M3FN, block = 32, scale = f8E8M0FNU, rounding = away>>
func.func @rounding_away(%x: tensor<4x64xf32>) -> !away {
  // expected-error @+1 {{the conversion instructions round to nearest-even only, the format rounds ties away (rounding=away)}}
  %q = qf.quantize %x : tensor<4x64xf32> -> !away
  return %q : !away
}

// -----

func.func @requantize_to_fp6(%q: !qf.tensor<4x64xf32, mxfp8>) -> !qf.tensor<4x64xf32, mxfp6> {
  // expected-error @+1 {{'qf.requantize' requires a hardware conversion to mxfp6 on sm_90a}}
  %r = qf.requantize %q : !qf.tensor<4x64xf32, mxfp8> -> !qf.tensor<4x64xf32, mxfp6>
  return %r : !qf.tensor<4x64xf32, mxfp6>
}

// -----

// FP8 has the instruction on sm_90a: no diagnostic.
func.func @fp8_ok(%x: tensor<4x64xf32>) -> !qf.tensor<4x64xf32, mxfp8> {
  %q = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp8>
  return %q : !qf.tensor<4x64xf32, mxfp8>
}
