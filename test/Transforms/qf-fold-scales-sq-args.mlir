// qf-fold-scales on an SQ weight that is a packed function argument
// (qf-quantize-model weights-as-arguments): its outliers are chosen where
// it is packed, so the pass says where to select them with the same table.
// RUN: %python %S/Inputs/make-moments.py %t.json f.act0:diag:64
// RUN: qf-opt %s --qf-quantize-model='weight-format="#qf.format<mxint4, bank = 32, outliers = 2>" weight-scale-search=none activation-format=mxint8 weights-as-arguments' --qf-fold-scales=calibration=%t.json -o /dev/null 2>&1 | FileCheck %s

// CHECK: remark: qf-fold-scales: the sparse-quantized weight is a packed argument; select its outliers where it is packed: qf-pack-weights --calibration={{.*}}.json --input=f.act0
func.func @f(%a: tensor<4x64xf32>, %w: tensor<64x16xf32>) -> tensor<4x16xf32> {
  %z = arith.constant dense<0.0> : tensor<4x16xf32>
  %r = linalg.matmul ins(%a, %w : tensor<4x64xf32>, tensor<64x16xf32>) outs(%z : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %r : tensor<4x16xf32>
}
