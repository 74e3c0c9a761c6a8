// Bad input is a diagnostic and exit code 1, never a crash.
// RUN: not qf-opt %s --split-input-file 2>&1 | FileCheck %s
// RUN: not qf-opt %s --split-input-file --canonicalize 2>&1 | FileCheck %s

// CHECK: error: unknown format preset 'mxfp5'
func.func private @f(!qf.tensor<4x64xf32, #qf.format<mxfp5>, axis = 1>)

// -----

// CHECK: error: block size 48 does not divide dimension 1 (size 100) of the blocked axis
func.func private @f(!qf.tensor<4x100xf32, #qf.format<elem = i8, block = 48, scale = f32>, axis = 1>)

// -----

// CHECK: error: 'qf.quantize' op input shape 4x32 does not match result shape 4x64
func.func @f(%x: tensor<4x32xf32>) {
  %0 = qf.quantize %x : tensor<4x32xf32> -> !qf.tensor<4x64xf32, mxfp4, axis = 1>
  return
}

// -----

// CHECK: error: expected ','
func.func private @f(!qf.tensor<4x64xf32>)
