// Every contraction that is not quantized gets a remark with the reason.
// RUN: qf-opt %s --qf-quantize-model 2>&1 >/dev/null | FileCheck %s
// RUN: qf-opt %s --qf-quantize-model="include=batch_matmul" 2>&1 >/dev/null | FileCheck %s --check-prefix=INCL
// RUN: qf-opt %s --qf-quantize-model="exclude=head" 2>&1 >/dev/null | FileCheck %s --check-prefix=EXCL
// RUN: qf-opt %s --qf-quantize-model="min-size=100000" 2>&1 >/dev/null | FileCheck %s --check-prefix=MIN
// RUN: not qf-opt %s --qf-quantize-model="weight-format=mxfp5" 2>&1 | FileCheck %s --check-prefix=BADFMT
// RUN: not qf-opt %s --qf-quantize-model="exclude=(" 2>&1 | FileCheck %s --check-prefix=BADRE

// CHECK-DAG: [[@LINE+3]]:8: remark: qf-quantize-model: not quantized: the reduction dimension K is dynamic; blocks need a static K
// CHECK-DAG: remark: qf-quantize-model: K = 40 is zero-padded to 64 for blocks of 32
func.func @dynamic_k(%a: tensor<4x?xf32>, %b: tensor<?x8xf32>, %c: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<4x?xf32>, tensor<?x8xf32>) outs(%c : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

func.func @k_not_divisible(%a: tensor<4x40xf32>, %b: tensor<40x8xf32>, %c: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<4x40xf32>, tensor<40x8xf32>) outs(%c : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// CHECK-DAG: remark: qf-quantize-model: not quantized: needs exactly one reduction, one M, one N and at most one batch dimension
func.func @two_reductions(%a: tensor<4x8x8xf32>, %b: tensor<8x8x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %r = linalg.generic {indexing_maps = [affine_map<(i, j, k, l) -> (i, k, l)>, affine_map<(i, j, k, l) -> (k, l, j)>, affine_map<(i, j, k, l) -> (i, j)>],
                       iterator_types = ["parallel", "parallel", "reduction", "reduction"]}
      ins(%a, %b : tensor<4x8x8xf32>, tensor<8x8x16xf32>) outs(%c : tensor<4x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  } -> tensor<4x16xf32>
  return %r : tensor<4x16xf32>
}

// INCL: remark: qf-quantize-model: not quantized: does not match include='batch_matmul'
// EXCL: remark: {{.*}}qf-quantize-model: not quantized: matches exclude='head'
// MIN: remark: {{.*}}qf-quantize-model: not quantized: K*N = 1024 is below min-size=100000
func.func @head(%x: tensor<4x64xf32>, %w: tensor<64x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %y = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32> loc("lm_head")
  return %y : tensor<4x16xf32>
}

// BADFMT: error: qf-quantize-model: weight-format 'mxfp5' is not a format; expected a preset name (mxfp8, mxfp6, mxfp4, mxint8, nvfp4, ...) or #qf.format<...>
// BADRE: error: qf-quantize-model: bad regex

// RUN: qf-opt %s --qf-quantize-model="activation-format=none" 2>&1 >/dev/null | FileCheck %s --check-prefix=WONLY
// WONLY: remark: qf-quantize-model: not quantized: no constant weight and activation-format=none (weight-only)
