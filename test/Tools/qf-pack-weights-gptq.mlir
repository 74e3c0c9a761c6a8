// qf-pack-weights --rounding=gptq / --scale-search=mse with --calibration
// gives the bytes qf-fold-scales weight-rounding gives the same weight as a
// constant (then folded by qf.pack), for the same second moment. The weight
// is round(sin(i) * (1 + i mod 5) / 4, 4 decimals), i = 0..127, as [4, 32].
// RUN: %python %S/../Transforms/Inputs/make-moments.py %t.json f.act0:full:32 d.act0:diag:32
// RUN: %python -c "import math, struct, sys; sys.stdout.buffer.write(struct.pack('<128f', *[round(math.sin(i) * (1 + i % 5) / 4, 4) for i in range(128)]))" > %t.f32
// RUN: qf-opt %s --qf-fold-scales="calibration=%t.json weight-rounding=gptq" --canonicalize --mlir-print-elementsattrs-with-hex-if-larger=1 > %t.gptq.mlir
// RUN: qf-pack-weights --format=mxfp4 --shape=4x32 --axis=1 --rounding=gptq --calibration=%t.json --input=f.act0 --hex %t.f32 > %t.gptq.txt 2> %t.gptq.err
// RUN: cat %t.gptq.mlir %t.gptq.txt | FileCheck %s
// RUN: FileCheck %s --check-prefix=STDERR < %t.gptq.err
// Round to nearest differs from GPTQ on this weight (codes change).
// RUN: qf-pack-weights --format=mxfp4 --shape=4x32 --axis=1 --hex %t.f32 > %t.rtn.txt
// RUN: not diff -q %t.gptq.txt %t.rtn.txt
// The weight transposed ([K, N], --axis=0) packs the same codes transposed:
// equal scales.
// RUN: %python -c "import math, struct, sys; w = [round(math.sin(i) * (1 + i % 5) / 4, 4) for i in range(128)]; sys.stdout.buffer.write(struct.pack('<128f', *[w[r * 32 + j] for j in range(32) for r in range(4)]))" > %t.t.f32
// RUN: qf-pack-weights --format=mxfp4 --shape=32x4 --axis=0 --rounding=gptq --calibration=%t.json --input=f.act0 --hex %t.t.f32 | grep scales > %t.t.scales
// RUN: grep scales %t.gptq.txt | diff - %t.t.scales
// The importance-weighted search with only diag(H).
// RUN: qf-pack-weights --format=nvfp4 --shape=4x32 --axis=1 --scale-search=mse --calibration=%t.json --input=d.act0 --hex %t.f32 2>&1 | FileCheck %s --check-prefix=MSE
// RUN: not qf-pack-weights --format=mxfp4 --shape=4x32 --axis=1 --rounding=gptq --calibration=%t.json --input=d.act0 --hex %t.f32 2>&1 | FileCheck %s --check-prefix=DIAG
// RUN: not qf-pack-weights --format=mxfp4 --shape=4x32 --axis=1 --rounding=gptq --calibration=%t.json --input=nope --hex %t.f32 2>&1 | FileCheck %s --check-prefix=NOPOINT
// RUN: not qf-pack-weights --format=mxfp4 --shape=4x32 --axis=1 --rounding=gptq --hex %t.f32 2>&1 | FileCheck %s --check-prefix=NOCAL
// RUN: not qf-pack-weights --format=mxfp4 --shape=4x32 --axis=1 --rounding=gptq --calibration=%S/../Transforms/Inputs/calib.json --input=f.act0 --hex %t.f32 2>&1 | FileCheck %s --check-prefix=V1
// RUN: not qf-pack-weights --format=mxfp4 --shape=2x64 --axis=1 --rounding=gptq --calibration=%t.json --input=f.act0 --hex %t.f32 2>&1 | FileCheck %s --check-prefix=KSIZE
// RUN: not qf-pack-weights --format=mxfp4 --shape=4x32 --axis=1 --rounding=best --hex %t.f32 2>&1 | FileCheck %s --check-prefix=BADROUND

// Every row's block scale is 2^-2 (byte 125 = 0x7D, a splat).
// CHECK-LABEL: func.func @f
// CHECK-DAG: arith.constant dense<125> : tensor<4x1xi8>
// CHECK-DAG: arith.constant dense<"0x[[C:[0-9A-F]+]]"> : tensor<4x16xi8>
// CHECK: codes 0x[[C]]{{$}}
// CHECK-NEXT: scales 0x7D7D7D7D{{$}}
// STDERR: qf-pack-weights: predicted relative output error {{[0-9.e-]+}} (gptq), round-to-nearest {{[0-9.e-]+}}
// MSE: (rtn+mse)
// MSE: codes 0x
// DIAG: qf-pack-weights: --rounding=gptq needs the full second moment of 'd.act0', but the table has only its diagonal (second-moments=diag)
// NOPOINT: qf-pack-weights: calibration file '{{.*}}.json' has no second moment for 'nope'
// NOCAL: qf-pack-weights: --rounding=gptq needs --calibration=TABLE (a table recorded with second-moments=full) and --input=POINT
// V1: qf-pack-weights: calibration file '{{.*}}calib.json' has no second moments (version 1 table)
// KSIZE: qf-pack-weights: the second moment of 'f.act0' has K = 32 but the weight has K = 64 along --axis=1
// BADROUND: qf-pack-weights: --rounding 'best' is not supported; expected rtn or gptq
func.func @f(%x: tensor<8x32xf32>) -> (tensor<8x4xf32>, tensor<4x16xi8>, tensor<4x1xi8>) {
  %w = arith.constant dense<[[0.0, 0.4207, 0.682, 0.1411, -0.946, -0.2397, -0.1397, 0.4927, 0.9894, 0.5151, -0.136, -0.5, -0.4024, 0.4202, 1.2383, 0.1626, -0.144, -0.721, -0.751, 0.1873, 0.2282, 0.4183, -0.0066, -0.8462, -1.132, -0.0331, 0.3813, 0.7173, 0.2709, -0.8295, -0.247, -0.202], [0.4136, 0.9999, 0.6614, -0.107, -0.4959, -0.4827, 0.2964, 1.2047, 0.1863, -0.0793, -0.6874, -0.8318, 0.0221, 0.2127, 0.4509, 0.0927, -0.7683, -1.1922, -0.0656, 0.3351, 0.74, 0.3959, -0.6985, -0.2499, -0.2608, 0.3271, 0.9929, 0.7959, -0.0762, -0.4831, -0.5544, 0.1674], [1.15, 0.2067, -0.0133, -0.6416, -0.8979, -0.1435, 0.1935, 0.4755, 0.1904, -0.6768, -1.2314, -0.0969, 0.2831, 0.7496, 0.514, -0.5551, -0.2485, -0.3149, 0.2349, 0.9684, 0.9165, -0.044, -0.4617, -0.6164, 0.0354, 1.0751, 0.2235, 0.053, -0.5846, -0.9483, -0.3066, 0.1708], [0.4918, 0.2847, -0.5734, -1.249, -0.1266, 0.226, 0.7461, 0.623, -0.402, -0.2426, -0.3636, 0.1386, 0.9268, 1.0209, -0.0111, -0.4323, -0.6675, -0.0972, 0.9812, 0.2364, 0.1183, -0.5173, -0.982, -0.4643, 0.1452, 0.4994, 0.374, -0.4599, -1.2446, -0.154, 0.165, 0.7295]]> : tensor<4x32xf32>
  %xq = qf.quantize %x : tensor<8x32xf32> -> !qf.tensor<8x32xf32, mxfp8>
  %wq = qf.quantize %w : tensor<4x32xf32> -> !qf.tensor<4x32xf32, mxfp4>
  %y = qf.matmul %xq, %wq transpose_b : !qf.tensor<8x32xf32, mxfp8>, !qf.tensor<4x32xf32, mxfp4> -> tensor<8x4xf32>
  %c, %s = qf.pack %wq : !qf.tensor<4x32xf32, mxfp4> -> tensor<4x16xi8>, tensor<4x1xi8>
  return %y, %c, %s : tensor<8x4xf32>, tensor<4x16xi8>, tensor<4x1xi8>
}
