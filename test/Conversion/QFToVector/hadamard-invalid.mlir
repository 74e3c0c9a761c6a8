// RUN: qf-opt %s --convert-qf-to-vector -split-input-file -verify-diagnostics

// The kernel computes in f32 only (the FP32 schedule of D13); a bf16 or f16
// rotation is rejected with a diagnostic instead of being lowered.
func.func @bf16(%x: tensor<4x32xbf16>) -> tensor<4x32xbf16> {
  // expected-error @below {{'qf.hadamard' op convert-qf-to-vector lowers f32 tensors only, got element type 'bf16'}}
  // expected-error @below {{failed to legalize operation 'qf.hadamard'}}
  %r = qf.hadamard %x axis = 1 block = 32 : tensor<4x32xbf16>
  return %r : tensor<4x32xbf16>
}

// -----

func.func @f16(%x: tensor<16x3xf16>) -> tensor<16x3xf16> {
  // expected-error @below {{lowers f32 tensors only, got element type 'f16'}}
  // expected-error @below {{failed to legalize operation 'qf.hadamard'}}
  %r = qf.hadamard %x axis = 0 block = 16 : tensor<16x3xf16>
  return %r : tensor<16x3xf16>
}
