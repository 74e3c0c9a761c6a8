// qf-report shows what a Hadamard rotation buys each weight: the QSNR
// without ("no-rot dB") and with ("rot dB") a rotation. An unrotated weight
// gets the block rotation of its format as the "rot" value; a weight rotated
// by qf-insert-hadamard (qf.rotation attribute) is rotated back for the
// "no-rot" value, so both runs agree on both numbers (the outliers of this
// weight make the rotation worth ~6 dB in MXINT4).
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false weight-format=mxint4 activation-format=mxint8" --qf-report -o /dev/null | FileCheck %s --check-prefix=PLAIN
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false weight-format=mxint4 activation-format=mxint8" --qf-insert-hadamard --qf-report -o /dev/null | FileCheck %s --check-prefix=ROT
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false weight-format=mxint4 activation-format=mxint8" --qf-insert-hadamard="randomize seed=5" --qf-report -o /dev/null | FileCheck %s --check-prefix=RHT
// RUN: qf-opt %s --qf-quantize-model="fold-weights=false weight-format=mxint4 activation-format=mxint8" --qf-insert-hadamard --qf-report=json -o /dev/null | FileCheck %s --check-prefix=JSON
// PLAIN: location {{.*}} QSNR dB no-rot dB rot dB
// PLAIN: "proj" weight 2x32 mxint4 4.25 256 34 11.92 11.92 17.48
// ROT: "proj" activation 4x32 mxint8 {{.*}} - - -
// ROT: "proj" weight 2x32 mxint4 4.25 256 34 17.48 11.92 17.48
// RHT: "proj" weight 2x32 mxint4 4.25 256 34 [[WR:[0-9.]+]] 11.92 [[WR]]
// JSON: "kind": "weight",
// JSON-NEXT: "location": "\"proj\"",
// JSON-NEXT: "qsnr_db": [[Q:[0-9.]+]],
// JSON-NEXT: "shape": "2x32",
// JSON-NEXT: "with_rotation_qsnr_db": [[Q]],
// JSON-NEXT: "without_rotation_qsnr_db": 11.92
func.func @proj(%x: tensor<4x32xf32>) -> tensor<4x2xf32> {
  %w = arith.constant dense<[[0.095, 1.25], [-0.931, 0.992], [-0.259, -0.262], [1.9, 0.158], [-0.043, 0.729], [12.0, -0.031], [0.588, -0.974], [-0.367, -0.438], [-1.332, -1.509], [-1.627, -0.239], [-0.172, -0.32], [0.069, -1.336], [-0.079, 0.238], [0.751, -0.846], [-0.4, -2.015], [-0.504, -2.197], [-1.419, 1.102], [-2.202, -9.5], [0.328, -0.312], [0.459, 0.527], [1.045, -0.23], [-0.592, -0.605], [-0.986, -0.045], [-0.786, 1.069], [-1.869, -1.094], [-0.953, -2.093], [1.902, -2.408], [-0.283, -0.525], [1.656, -1.985], [1.072, -0.731], [-0.155, -0.671], [0.64, -1.138]]> : tensor<32x2xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x2xf32>
  %acc = linalg.fill ins(%z : f32) outs(%e : tensor<4x2xf32>) -> tensor<4x2xf32>
  %y = linalg.matmul ins(%x, %w : tensor<4x32xf32>, tensor<32x2xf32>) outs(%acc : tensor<4x2xf32>) -> tensor<4x2xf32> loc("proj")
  return %y : tensor<4x2xf32>
}
