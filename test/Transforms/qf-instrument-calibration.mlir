// RUN: qf-opt %s --qf-instrument-calibration 2>/dev/null | FileCheck %s
// RUN: qf-opt %s --qf-instrument-calibration="channel-axis=-2" 2>/dev/null | FileCheck %s --check-prefix=NOCH
// RUN: qf-opt %s --qf-instrument-calibration 2>&1 >/dev/null | FileCheck %s --check-prefix=REMARK

// CHECK-DAG: memref.global "private" constant @__qf_calib_name_0 : memref<6xi8> = dense<[102, 46, 97, 99, 116, 48]>
// CHECK-DAG: memref.global "private" constant @__qf_calib_name_1 : memref<4xi8>
// CHECK-DAG: func.func private @qf_calib_name(i64, memref<?xi8>) attributes {llvm.emit_c_interface}
// CHECK-LABEL: func.func @f
// An activation quantized with scales from the data is observed, with
// per-channel statistics along its last axis.
// CHECK: %[[ID:.*]] = arith.constant 0 : i64
// CHECK: %[[AX:.*]] = arith.constant 1 : i64
// CHECK: call @qf_calib_name(%[[ID]], %{{.*}})
// CHECK: %[[B:.*]] = bufferization.to_buffer %arg0 read_only : tensor<4x64xf32> to memref<4x64xf32>
// CHECK: %[[U:.*]] = memref.cast %[[B]] : memref<4x64xf32> to memref<*xf32>
// CHECK: call @qf_calib_observe(%[[ID]], %[[U]], %[[AX]])
// CHECK: qf.quantize %arg0
// An explicit observe keeps its name; static scales and constants are not
// observed.
// CHECK: call @qf_calib_observe
// CHECK-NOT: call @qf_calib_observe
// CHECK: return
// NOCH: arith.constant -1 : i64
func.func @f(%x: tensor<4x64xf32>, %y: tensor<8xf32>, %s: tensor<4x2xi8>) -> (!qf.tensor<4x64xf32, mxfp4>, tensor<8xf32>, !qf.tensor<4x64xf32, mxfp4>) {
  %q = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp4>
  %o = qf.observe "kv.0" %y : tensor<8xf32>
  %qs = qf.quantize %x scales(%s : tensor<4x2xi8>) : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp4>
  return %q, %o, %qs : !qf.tensor<4x64xf32, mxfp4>, tensor<8xf32>, !qf.tensor<4x64xf32, mxfp4>
}

// REMARK: remark: qf-instrument-calibration: not instrumented: the calibration runtime records f32 tensors, got 'tensor<8xf16>'
func.func @g(%h: tensor<8xf16>) -> tensor<8xf16> {
  %o = qf.observe "half" %h : tensor<8xf16>
  return %o : tensor<8xf16>
}
