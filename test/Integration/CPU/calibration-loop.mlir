// The calibration loop inside the toolchain: quantize the MLP of
// quantize-model.mlir, instrument the activations feeding its quantized
// matmuls, compile, run once, and get the calibration table.
// RUN: qf-opt %S/quantize-model.mlir --qf-quantize-model="exclude=ref" --qf-instrument-calibration --qf-cpu-pipeline | env QF_CALIBRATION_OUT=%t.json mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils,%qf_runtime
// RUN: FileCheck %s < %t.json
// RUN: qf-opt %S/quantize-model.mlir --qf-quantize-model="exclude=ref" --qf-instrument-calibration | FileCheck %s --check-prefix=IR

// The input is sin(n) for n = 0..511: amax 0.99999..., 512 elements, one
// zero (sin 0); the second point is the ReLU output (half of it zeros).
// CHECK: "format": "qf-calibration"
// CHECK: "id": 0, "name": "mlp.act0", "calls": 1, "count": 512, "zeros": 1, "nonfinite": 0, "amax": 0.99999
// CHECK-SAME: "channel_axis": 1
// CHECK: "id": 1, "name": "mlp.act1", "calls": 1, "count": 768,

// IR: func.func private @qf_calib_observe(i64, memref<*xf32>, i64) attributes {llvm.emit_c_interface}
// IR-LABEL: func.func @mlp(
// IR: call @qf_calib_name
// IR: bufferization.to_buffer
// IR: call @qf_calib_observe
// IR: qf.quantize
// IR-NOT: qf.observe
