// The calibration runtime called from compiled code through its C interface:
// statistics of two observations of one point, written as JSON at exit
// (QF_CALIBRATION_OUT).
// RUN: qf-opt %s --qf-cpu-pipeline | env QF_CALIBRATION_OUT=%t.json mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils,%qf_runtime
// RUN: FileCheck %s < %t.json

// CHECK: "format": "qf-calibration"
// CHECK: "version": 1
// CHECK: "id": 3, "name": "layer0.x", "calls": 2, "count": 16, "zeros": 2, "nonfinite": 0, "amax": 12
// CHECK-SAME: "channel_axis": 1, "channel_amax": [12, 2, 3, 4]
// CHECK-SAME: "channel_mean_abs": [3.625, 1.25, 1.25, 1.5]

func.func private @qf_calib_observe(i64, memref<*xf32>, i64) attributes {llvm.emit_c_interface}
func.func private @qf_calib_name(i64, memref<?xi8>) attributes {llvm.emit_c_interface}

memref.global "private" constant @name : memref<8xi8> = dense<[108, 97, 121, 101, 114, 48, 46, 120]>

func.func @main() {
  %id = arith.constant 3 : i64
  %axis = arith.constant 1 : i64
  %a = arith.constant dense<[[1.0, -2.0, 0.0, 4.0], [0.5, 1.0, -3.0, 0.0]]> : tensor<2x4xf32>
  %b = arith.constant dense<[[-12.0, 1.0, 1.0, 1.0], [1.0, 1.0, 1.0, 1.0]]> : tensor<2x4xf32>
  %am = bufferization.to_buffer %a : tensor<2x4xf32> to memref<2x4xf32>
  %bm = bufferization.to_buffer %b : tensor<2x4xf32> to memref<2x4xf32>
  %au = memref.cast %am : memref<2x4xf32> to memref<*xf32>
  %bu = memref.cast %bm : memref<2x4xf32> to memref<*xf32>
  call @qf_calib_observe(%id, %au, %axis) : (i64, memref<*xf32>, i64) -> ()
  call @qf_calib_observe(%id, %bu, %axis) : (i64, memref<*xf32>, i64) -> ()
  %n = memref.get_global @name : memref<8xi8>
  %nd = memref.cast %n : memref<8xi8> to memref<?xi8>
  call @qf_calib_name(%id, %nd) : (i64, memref<?xi8>) -> ()
  return
}
