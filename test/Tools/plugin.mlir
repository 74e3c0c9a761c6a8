// The stock mlir-opt loads qf as a dialect plugin, parses qf IR and folds it.
// RUN: mlir-opt --load-dialect-plugin=%qf_plugin %s --canonicalize | FileCheck %s
// The same library also loads as a pass plugin.
// RUN: mlir-opt --load-dialect-plugin=%qf_plugin --load-pass-plugin=%qf_plugin %s | FileCheck %s --check-prefix=ROUND

// CHECK-LABEL: func.func @fold
// CHECK: qf.constant codes {{\[}}[0x06, 0x03, 0x00,
// CHECK-SAME: scales {{\[}}[0x7F]] : !qf.tensor<1x32xf32, mxfp4, axis = 1>
// ROUND-LABEL: func.func @fold
// ROUND: qf.quantize
func.func @fold() -> !qf.tensor<1x32xf32, mxfp4> {
  %c = arith.constant dense<[[4.0, 1.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]]> : tensor<1x32xf32>
  %q = qf.quantize %c : tensor<1x32xf32> -> !qf.tensor<1x32xf32, mxfp4>
  return %q : !qf.tensor<1x32xf32, mxfp4>
}
