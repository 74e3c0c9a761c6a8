// Every contraction that is not quantized gets a remark naming the op and the
// reason (the location and the op name only: no printed operation), and every
// function one summary remark.
// RUN: qf-opt %s --qf-quantize-model 2>&1 >/dev/null | FileCheck %s --implicit-check-not="see current operation"
// RUN: qf-opt %s --qf-quantize-model="remarks-print-op" 2>&1 >/dev/null | FileCheck %s --check-prefix=PRINTOP
// RUN: qf-opt %s --qf-quantize-model="include=batch_matmul" 2>&1 >/dev/null | FileCheck %s --check-prefix=INCL
// RUN: qf-opt %s --qf-quantize-model="exclude=head" 2>&1 >/dev/null | FileCheck %s --check-prefix=EXCL
// RUN: qf-opt %s --qf-quantize-model="min-size=100000" 2>&1 >/dev/null | FileCheck %s --check-prefix=MIN
// RUN: qf-opt %s --qf-quantize-model="pad-k=false" 2>&1 >/dev/null | FileCheck %s --check-prefix=NOPAD
// RUN: not qf-opt %s --qf-quantize-model="weight-format=mxfp5" 2>&1 | FileCheck %s --check-prefix=BADFMT
// RUN: not qf-opt %s --qf-quantize-model="exclude=(" 2>&1 | FileCheck %s --check-prefix=BADRE

// CHECK-DAG: [[@LINE+3]]:8: remark: qf-quantize-model: linalg.matmul: not quantized: the reduction dimension K is dynamic; blocks need a static K
// CHECK-DAG: remark: qf-quantize-model: linalg.matmul: K = 40 is zero-padded to 64 for blocks of 32
func.func @dynamic_k(%a: tensor<4x?xf32>, %b: tensor<?x8xf32>, %c: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<4x?xf32>, tensor<?x8xf32>) outs(%c : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// NOPAD: [[@LINE+2]]:8: remark: qf-quantize-model: linalg.matmul: not quantized: block size 32 does not divide K = 40 (pad-k=false keeps such contractions in f32)
func.func @k_not_divisible(%a: tensor<4x40xf32>, %b: tensor<40x8xf32>, %c: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = linalg.matmul ins(%a, %b : tensor<4x40xf32>, tensor<40x8xf32>) outs(%c : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// CHECK-DAG: remark: qf-quantize-model: linalg.generic: not quantized: needs exactly one reduction dimension and at least one M and one N dimension
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

// INCL: remark: qf-quantize-model: linalg.matmul: not quantized: does not match include='batch_matmul'
// EXCL: remark: {{.*}}qf-quantize-model: linalg.matmul: not quantized: matches exclude='head'
// MIN: remark: {{.*}}qf-quantize-model: linalg.matmul: not quantized: the weight has 1024 elements, below min-size=100000
func.func @head(%x: tensor<4x64xf32>, %w: tensor<64x16xf32>, %c: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %y = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x16xf32>) outs(%c : tensor<4x16xf32>) -> tensor<4x16xf32> loc("lm_head")
  return %y : tensor<4x16xf32>
}

// BADFMT: error: qf-quantize-model: weight-format 'mxfp5' is not a format; expected a preset name (mxfp8, mxfp6, mxfp4, mxint8, nvfp4, ...) or #qf.format<...>
// BADRE: error: qf-quantize-model: bad regex

// RUN: qf-opt %s --qf-quantize-model="activation-format=none" 2>&1 >/dev/null | FileCheck %s --check-prefix=WONLY
// WONLY: remark: qf-quantize-model: linalg.matmul: not quantized: no constant weight and activation-format=none (weight-only)

// CHECK: remark: qf-quantize-model: linalg.matmul: not quantized: operands must be f32 tensors
func.func @f16_matmul(%a: tensor<4x64xf16>, %b: tensor<64x8xf16>, %c: tensor<4x8xf16>) -> tensor<4x8xf16> {
  %r = linalg.matmul ins(%a, %b : tensor<4x64xf16>, tensor<64x8xf16>) outs(%c : tensor<4x8xf16>) -> tensor<4x8xf16>
  return %r : tensor<4x8xf16>
}

// The weight constant has no data: it is quantized at run time, in the
// weight format.
// CHECK: remark: qf-quantize-model: linalg.matmul: the weight constant has no readable data (an elided resource, or over the compile-time limit of 2^26 elements); it is quantized at run time
func.func @elided_weight(%x: tensor<4x64xf32>, %c: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %w = arith.constant dense_resource<__elided__> : tensor<64x8xf32>
  %r = linalg.matmul ins(%x, %w : tensor<4x64xf32>, tensor<64x8xf32>) outs(%c : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// A constant weight behind a copying linalg.generic (torch-mlir's transpose)
// is recognised as a weight but quantized at run time.
// CHECK: remark: qf-quantize-model: linalg.matmul: the weight constant is reached through a copying linalg.generic (transpose or broadcast); it is quantized at run time in weight-format
func.func @generic_copy_weight(%x: tensor<4x64xf32>, %c: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %w = arith.constant dense<1.0> : tensor<8x64xf32>
  %e = tensor.empty() : tensor<64x8xf32>
  %t = linalg.generic {indexing_maps = [affine_map<(i, j) -> (j, i)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      ins(%w : tensor<8x64xf32>) outs(%e : tensor<64x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<64x8xf32>
  %r = linalg.matmul ins(%x, %t : tensor<4x64xf32>, tensor<64x8xf32>) outs(%c : tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// RUN: not qf-opt %s --qf-quantize-model="weight-scale-search=bad" 2>&1 | FileCheck %s --check-prefix=SEARCH
// SEARCH: error: qf-quantize-model: weight-scale-search 'bad' is not supported; expected none or mse

// One summary per function, after the remarks of its ops.
// CHECK-DAG: remark: qf-quantize-model: @dynamic_k: 0 of 1 contractions quantized; left in f32: 1 linalg.matmul
// CHECK-DAG: remark: qf-quantize-model: @k_not_divisible: 1 of 1 contractions quantized{{$}}
// CHECK-DAG: remark: qf-quantize-model: @two_reductions: 0 of 1 contractions quantized; left in f32: 1 linalg.generic
// CHECK-DAG: remark: qf-quantize-model: @f16_matmul: 0 of 1 contractions quantized; left in f32: 1 linalg.matmul
// CHECK-DAG: remark: qf-quantize-model: @elided_weight: 1 of 1 contractions quantized
// EXCL: remark: qf-quantize-model: @head: 0 of 1 contractions quantized; left in f32: 1 linalg.matmul

// remarks-print-op attaches the operation (print-op-on-diagnostic).
// PRINTOP: remark: qf-quantize-model: linalg.matmul: not quantized: the reduction dimension K is dynamic
// PRINTOP: note: see current operation: %0 = linalg.matmul ins(%arg0, %arg1
