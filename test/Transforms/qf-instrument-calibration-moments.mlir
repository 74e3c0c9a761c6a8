// qf-instrument-calibration second-moments: the left operands of weight
// matmuls also record sum x x^T (mode 2) or its diagonal (mode 1).
// RUN: qf-opt %s --split-input-file --qf-instrument-calibration="second-moments=full" 2>/dev/null | FileCheck %s --check-prefix=FULL
// RUN: qf-opt %s --split-input-file --qf-instrument-calibration="second-moments=diag" 2>/dev/null | FileCheck %s --check-prefix=DIAG
// RUN: qf-opt %s --split-input-file --qf-instrument-calibration 2>/dev/null | FileCheck %s --check-prefix=NONE
// RUN: not qf-opt %s --split-input-file --qf-instrument-calibration="second-moments=full max-full-k=16" 2>&1 | FileCheck %s --check-prefix=BIGK
// RUN: not qf-opt %s --split-input-file --qf-instrument-calibration="second-moments=some" 2>&1 | FileCheck %s --check-prefix=BADOPT

// FULL-DAG: func.func private @qf_calib_moments(i64, memref<*xf32>, i64) attributes {llvm.emit_c_interface}
// FULL-LABEL: func.func @f
// The activation of the weight matmul: observed, then its second moment.
// FULL: %[[ID:.*]] = arith.constant 0 : i64
// FULL: %[[U:.*]] = memref.cast %{{.*}} : memref<8x32xf32> to memref<*xf32>
// FULL: call @qf_calib_observe(%[[ID]], %[[U]], %{{.*}})
// FULL: %[[M:.*]] = arith.constant 2 : i64
// FULL: call @qf_calib_moments(%[[ID]], %[[U]], %[[M]])
// The operands of the product of two activations: observed only.
// FULL: call @qf_calib_observe
// FULL-NOT: call @qf_calib_moments
// FULL: call @qf_calib_observe
// FULL-NOT: call @qf_calib_moments
// FULL: return
// DIAG-LABEL: func.func @f
// DIAG: call @qf_calib_observe
// DIAG-NEXT: %[[M:.*]] = arith.constant 1 : i64
// DIAG-NEXT: call @qf_calib_moments(%{{.*}}, %{{.*}}, %[[M]])
// DIAG-NOT: call @qf_calib_moments
// DIAG: return
// NONE-NOT: qf_calib_moments
// BIGK: error: qf-instrument-calibration: second-moments=full: 'f.act0' has K = 32, above max-full-k=16 (a full H takes K^2 x 8 bytes and tokens x K^2 operations per call); record second-moments=diag (for weight-scale-search=mse) or raise max-full-k
// BADOPT: error: qf-instrument-calibration: second-moments 'some' is not supported; expected none, full or diag
func.func @f(%x: tensor<8x32xf32>, %a: tensor<8x32xf32>, %b: tensor<8x32xf32>) -> (tensor<8x4xf32>, tensor<8x8xf32>) {
  %w = arith.constant dense<0.5> : tensor<4x32xf32>
  %xq = qf.quantize %x : tensor<8x32xf32> -> !qf.tensor<8x32xf32, mxfp8>
  %wq = qf.quantize %w : tensor<4x32xf32> -> !qf.tensor<4x32xf32, mxfp4>
  %y = qf.matmul %xq, %wq transpose_b : !qf.tensor<8x32xf32, mxfp8>, !qf.tensor<4x32xf32, mxfp4> -> tensor<8x4xf32>
  %aq = qf.quantize %a : tensor<8x32xf32> -> !qf.tensor<8x32xf32, mxfp8>
  %bq = qf.quantize %b : tensor<8x32xf32> -> !qf.tensor<8x32xf32, mxfp8>
  %s = qf.matmul %aq, %bq transpose_b : !qf.tensor<8x32xf32, mxfp8>, !qf.tensor<8x32xf32, mxfp8> -> tensor<8x8xf32>
  return %y, %s : tensor<8x4xf32>, tensor<8x8xf32>
}

// -----

// Weight-only: the f32 left operand becomes the point g.in0 (shared by both
// products of the same input), with a name and a second moment.
// FULL-LABEL: func.func @g
// FULL: call @qf_calib_name
// FULL: call @qf_calib_observe
// FULL: call @qf_calib_moments
// FULL-NOT: call @qf_calib_observe
// FULL: qf.matmul %arg0, %{{.*}} transpose_b
// FULL: qf.matmul %arg0, %{{.*}} transpose_b
// NONE-LABEL: func.func @g
// NONE-NOT: call
func.func @g(%x: tensor<8x32xf32>) -> (tensor<8x4xf32>, tensor<8x4xf32>) {
  %w = arith.constant dense<0.5> : tensor<4x32xf32>
  %wq = qf.quantize %w : tensor<4x32xf32> -> !qf.tensor<4x32xf32, mxfp4>
  %y = qf.matmul %x, %wq transpose_b : tensor<8x32xf32>, !qf.tensor<4x32xf32, mxfp4> -> tensor<8x4xf32>
  %z = qf.matmul %x, %wq transpose_b : tensor<8x32xf32>, !qf.tensor<4x32xf32, mxfp4> -> tensor<8x4xf32>
  return %y, %z : tensor<8x4xf32>, tensor<8x4xf32>
}
