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

// Pass plugins register their passes after the command line is parsed, so a
// qf pass is not a flag of the stock mlir-opt ...
// RUN: not mlir-opt --load-dialect-plugin=%qf_plugin --load-pass-plugin=%qf_plugin %s --qf-quantize-model 2>&1 | FileCheck %s --check-prefix=FLAG
// FLAG: Unknown command line argument '--qf-quantize-model'
// ... but runs through --pass-pipeline, options included, as do qf's pipelines.
// RUN: mlir-opt --load-dialect-plugin=%qf_plugin --load-pass-plugin=%qf_plugin %s --pass-pipeline='builtin.module(qf-quantize-model{weight-format=nvfp4 activation-format=mxfp8})' | FileCheck %s --check-prefix=PASS
// RUN: mlir-opt --load-dialect-plugin=%qf_plugin --load-pass-plugin=%qf_plugin %s --pass-pipeline='builtin.module(qf-quantize-model,qf-cpu-pipeline)' | FileCheck %s --check-prefix=PIPE

// PASS-LABEL: func.func @mlp
// PASS: qf.quantize %{{.*}} : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp8, axis = 1>
// PASS: qf.matmul {{.*}} !qf.tensor<16x64xf32, nvfp4, axis = 1> -> tensor<4x16xf32>
// PIPE: llvm.func @mlp
// PIPE-NOT: linalg.
func.func @mlp(%x: tensor<4x64xf32>) -> tensor<4x16xf32> {
  %w = arith.constant dense<0.5> : tensor<64x16xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %y = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x16xf32>) outs(%f : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}
