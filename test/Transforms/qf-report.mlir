// qf-report lists every quantized tensor; the IR is left unchanged.
// RUN: qf-opt %s --qf-report | FileCheck %s
// RUN: qf-opt %s --qf-report=json -o /dev/null | FileCheck %s --check-prefix=JSON
// RUN: qf-opt %s --qf-report="output=%t.txt" | FileCheck %s --check-prefix=IR
// RUN: FileCheck %s < %t.txt
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false" --qf-report --canonicalize -o /dev/null | FileCheck %s --check-prefix=MODEL
// Weights folded into qf.constant keep their QSNR (qf.qsnr_db, recorded by
// qf-quantize-model while it still has the f32 values): the same 37.38 dB.
// RUN: qf-opt %s --qf-quantize-model --qf-report -o /dev/null | FileCheck %s --check-prefix=FOLDED

// CHECK: qf-report: 5 quantized tensors
// CHECK-NEXT: location kind shape format bits/elt bytes f32 bytes q QSNR dB
// CHECK-NEXT: "wq" weight 16x64 mxfp4 4.25 4096 544 15.56
// CHECK-NEXT: "wc" weight 1x32 mxint8 8.25 128 33 -
// CHECK-NEXT: "x" activation 4x64 mxfp8 8.25 1024 264 -
// CHECK-NEXT: "xd" activation ?x64 nvfp4 4.50 ? ? -
// CHECK-NEXT: "warg" weight-arg 16x64 nvfp4 {{.*}} 4096 580 -
// CHECK-NEXT: total weight 2 tensors, 4224 -> 577 bytes (7.32x smaller)
// CHECK-NEXT: total weight-arg 1 tensors, 4096 -> 580 bytes
// CHECK-NEXT: total activation 2 tensors, 1024 -> 264 bytes (3.88x smaller), 1 with dynamic shape not counted
// CHECK-NEXT: total all 5 tensors, 9344 -> 1421 bytes

// JSON: "tensors": [
// JSON: "bits_per_element": 4.25,
// JSON-NEXT: "bytes_f32": 4096,
// JSON-NEXT: "bytes_quantized": 544,
// JSON-NEXT: "format": "mxfp4",
// JSON-NEXT: "kind": "weight",
// JSON-NEXT: "location": "\"wq\"",
// JSON-NEXT: "qsnr_db": {{[0-9]+\.[0-9]+}},
// JSON-NEXT: "shape": "16x64"
// JSON: "qsnr_db": null,
// JSON: "bytes_f32": null,
// JSON: "totals": {
// JSON: "all": {
// JSON-NEXT: "bytes_f32": 9344,
// JSON-NEXT: "bytes_quantized": 1421,
// JSON-NEXT: "dynamic_not_counted": 1,
// JSON-NEXT: "tensors": 5

// IR: func.func @report
// IR: qf.quantize

// A weight quantized by qf-quantize-model without folding gets its QSNR
// (0.3 -> 0.25 in mxfp4: 20 log10(0.3 / 0.05) = 15.56 dB; 0.37 -> 0.375).
// MODEL: qf-report: 7 quantized tensors
// MODEL: "wq" weight 16x64 mxfp4 4.25 4096 544 15.56
// MODEL: qf-report.mlir":[[#L:]]:8 activation 4x64 mxfp8
// MODEL-NEXT: qf-report.mlir":[[#L]]:8 weight 16x64 mxfp4 4.25 4096 544 37.38
// FOLDED: qf-report.mlir":[[#L:]]:8 activation 4x64 mxfp8
// FOLDED-NEXT: qf-report.mlir":[[#L]]:8 weight 16x64 mxfp4 4.25 4096 544 37.38
func.func @report(%x: tensor<4x64xf32>, %xd: tensor<?x64xf32>, %codes: tensor<16x32xi8>, %scales: tensor<16x4xi8>, %ts: tensor<f32>) -> tensor<4x16xf32> {
  %w = arith.constant dense<[[0.1, -0.7, 1.3, 2.9]]> : tensor<1x4xf32>
  %wt = tensor.empty() : tensor<16x64xf32>
  %wf = arith.constant dense<0.3> : tensor<16x64xf32>
  %wq = qf.quantize %wf : tensor<16x64xf32> -> !qf.tensor<16x64xf32, mxfp4, axis = 1> loc("wq")
  %wc = qf.constant codes [[0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08]] scales [[0x7F]] : !qf.tensor<1x32xf32, mxint8, axis = 1> loc("wc")
  %xq = qf.quantize %x : tensor<4x64xf32> -> !qf.tensor<4x64xf32, mxfp8, axis = 1> loc("x")
  %xdq = qf.quantize %xd : tensor<?x64xf32> -> !qf.tensor<?x64xf32, nvfp4, axis = 1> loc("xd")
  %wa = qf.unpack %codes, %scales, %ts : tensor<16x32xi8>, tensor<16x4xi8>, tensor<f32> -> !qf.tensor<16x64xf32, nvfp4, axis = 1> loc("warg")
  %y = qf.matmul %xq, %wq transpose_b : !qf.tensor<4x64xf32, mxfp8, axis = 1>, !qf.tensor<16x64xf32, mxfp4, axis = 1> -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

func.func @model(%x: tensor<4x64xf32>) -> tensor<4x16xf32> {
  %w = arith.constant dense<[[0.1, -0.7, 1.3, 2.9, 0.1, -0.7, 1.3, 2.9, 0.1, -0.7, 1.3, 2.9, 0.1, -0.7, 1.3, 2.9]]> : tensor<1x16xf32>
  %wb = arith.constant dense<0.37> : tensor<64x16xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %acc = linalg.fill ins(%z : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %y = linalg.matmul ins(%x, %wb : tensor<4x64xf32>, tensor<64x16xf32>) outs(%acc : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}
