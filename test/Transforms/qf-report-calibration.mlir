// qf-report calibration=FILE: estimated activation QSNR from the histogram
// (bins at their midpoints, weighted by count).
// RUN: qf-opt %s --qf-report="calibration=%S/Inputs/calib-report.json" -o /dev/null | FileCheck %s
// RUN: qf-opt %s --qf-report="calibration=%S/Inputs/calib-report.json json" -o /dev/null | FileCheck %s --check-prefix=JSON
// RUN: not qf-opt %s --qf-report="calibration=%S/Inputs/missing.json" -o /dev/null 2>&1 | FileCheck %s --check-prefix=MISSING

// act0: static E8M0 scale 2^-5 (byte 122) on MXFP8. Midpoints 1.0625 (x90),
// 2.125 (x9), 10.5 (x1) are 34, 68, 336 in units of the scale, ties that
// round to even: 32, 64, 320, i.e. errors 0.0625, 0.125, 0.5:
// 10 log10(252.4921875 / 0.7421875) = 25.32 dB.
// act1: data-dependent MXFP4 scales: the amax 10 scale 2^1; midpoints
// 1.3125 (x1000) -> 1 and 10.5 -> 12: 10 log10(1832.90625 / 99.90625) =
// 12.64 dB (pessimistic: blocks without the outlier get finer scales).
// act2: NVFP4 has a tensor scale: no estimate.
// CHECK: "x0" activation 4x64 mxfp8 8.25 1024 264 ~25.32
// CHECK-NEXT: "x1" activation 4x64 mxfp4 4.25 1024 136 ~12.64
// CHECK-NEXT: "x2" activation 4x64 nvfp4 {{.*}} -
// CHECK-NEXT: ~: activation QSNR estimated from the calibration histogram

// JSON: "calibration_name": "act.act0",
// JSON: "qsnr_db": null,
// JSON-NEXT: "qsnr_db_estimated": 25.317
// JSON: "calibration_name": "act.act1",
// JSON: "qsnr_db_estimated": 12.635
// JSON: "calibration_name": "act.act2",
// JSON: "qsnr_db_estimated": null

// MISSING: error: qf-report: cannot read calibration file '{{.*}}missing.json'
func.func @act(%x: tensor<4x64xf32>) -> (!qf.tensor<4x64xf32, mxfp8>, !qf.tensor<4x64xf32, mxfp4>, !qf.tensor<4x64xf32, nvfp4>) {
  %s = arith.constant dense<122> : tensor<4x2xi8>
  %a = qf.quantize %x scales(%s : tensor<4x2xi8>) : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp8> loc("x0")
  %b = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp4> loc("x1")
  %c = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, nvfp4> loc("x2")
  return %a, %b, %c : !qf.tensor<4x64xf32, mxfp8>, !qf.tensor<4x64xf32, mxfp4>, !qf.tensor<4x64xf32, nvfp4>
}
