// The calibration loop inside the toolchain: quantize the MLP of
// quantize-model.mlir, instrument the activations feeding its quantized
// matmuls, compile, run once, and get the calibration table.
// RUN: qf-opt %S/quantize-model.mlir --qf-quantize-model="exclude=ref" --qf-instrument-calibration --qf-cpu-pipeline | env QF_CALIBRATION_OUT=%t.json mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils,%qf_runtime
// RUN: FileCheck %s < %t.json
// RUN: qf-opt %S/quantize-model.mlir --qf-quantize-model="exclude=ref" --qf-instrument-calibration | FileCheck %s --check-prefix=IR
// Then fold the table into static activation scales and run the quantized
// model again: no run-time amax, and the error stays where the formats put it.
// RUN: qf-opt %S/quantize-model.mlir --qf-quantize-model="exclude=ref" --qf-fold-scales="calibration=%t.json" | FileCheck %s --check-prefix=FOLDED
// RUN: qf-opt %S/quantize-model.mlir --qf-quantize-model="exclude=ref" --qf-fold-scales="calibration=%t.json" --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s --check-prefix=STATIC

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

// FOLDED-LABEL: func.func @mlp(
// FOLDED: qf.quantize %{{.*}} scales(%{{.*}} : tensor<8x2xi8>)
// FOLDED: qf.quantize %{{.*}} scales(%{{.*}} : tensor<8x3xi8>)
// STATIC: relative RMS error: 0.{{1[0-9]|2[0-4]}}
// The error is what the formats' QSNR predicts: qf-report's weight QSNR and
// the activation QSNR it estimates from the same table, combined as
// independent noise (Inputs/check-qsnr-prediction.py), match the measured
// error within 1.5x (0.186 predicted, 0.190 measured).
// RUN: qf-opt %S/quantize-model.mlir --qf-quantize-model="exclude=ref" --qf-fold-scales="calibration=%t.json" --qf-report="json calibration=%t.json output=%t.report.json" --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils > %t.static.txt
// RUN: %python %S/Inputs/check-qsnr-prediction.py %t.report.json %t.static.txt | FileCheck %s --check-prefix=PREDICT
// PREDICT: predicted 0.1{{[0-9]+}} measured 0.1{{[0-9]+}} ratio {{.*}}: within 1.5x
// The MSE-searched static scales do better on this model than the amax ones.
// RUN: qf-opt %S/quantize-model.mlir --qf-quantize-model="exclude=ref" --qf-fold-scales="calibration=%t.json method=mse" --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s --check-prefix=MSE
// MSE: relative RMS error: 0.1{{[0-7]}}
