// qf.transpose and qf.reshape of sparse-quantized tensors move every part
// of the storage (low codes and scales, outlier codes and scales,
// positions) the same way, so dequantizing the moved tensor must give
// exactly (bit for bit) the moved dequantized tensor, and the outliers must
// survive the move (the low part alone decodes differently).
// RUN: qf-opt %s --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
// RUN: qf-opt %s --qf-cpu-pipeline="vector-width=8" | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

!sq = !qf.tensor<2x3x64xf32, #qf.format<mxint4, bank = 16, outliers = 2>, axis = 2>
!sqt = !qf.tensor<3x2x64xf32, #qf.format<mxint4, bank = 16, outliers = 2>, axis = 2>
!sqr = !qf.tensor<6x64xf32, #qf.format<mxint4, bank = 16, outliers = 2>, axis = 1>
!sqs = !qf.tensor<2x3x2x32xf32, #qf.format<mxint4, bank = 16, outliers = 2>, axis = 3>
!lo = !qf.tensor<2x3x64xf32, mxint4, axis = 2>

// x[i, j, k] = ((7i + 13j + 29k) mod 37 - 18) / 16, times 40 where k mod 16
// is 5 (one outlier channel per bank).
func.func @input() -> tensor<2x3x64xf32> {
  %e = tensor.empty() : tensor<2x3x64xf32>
  %x = linalg.generic {indexing_maps = [affine_map<(i, j, k) -> (i, j, k)>],
                       iterator_types = ["parallel", "parallel", "parallel"]}
      outs(%e : tensor<2x3x64xf32>) {
  ^bb0(%out: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %k = linalg.index 2 : index
    %c7 = arith.constant 7 : index
    %c13 = arith.constant 13 : index
    %c29 = arith.constant 29 : index
    %c37 = arith.constant 37 : index
    %c18 = arith.constant 18 : index
    %c16 = arith.constant 16 : index
    %c5 = arith.constant 5 : index
    %a = arith.muli %i, %c7 : index
    %b = arith.muli %j, %c13 : index
    %c = arith.muli %k, %c29 : index
    %s0 = arith.addi %a, %b : index
    %s1 = arith.addi %s0, %c : index
    %m = arith.remui %s1, %c37 : index
    %d = arith.subi %m, %c18 : index
    %di = arith.index_cast %d : index to i32
    %f = arith.sitofp %di : i32 to f32
    %sixteenth = arith.constant 0.0625 : f32
    %v = arith.mulf %f, %sixteenth : f32
    %kb = arith.remui %k, %c16 : index
    %isOut = arith.cmpi eq, %kb, %c5 : index
    %forty = arith.constant 40.0 : f32
    %big = arith.mulf %v, %forty : f32
    %r = arith.select %isOut, %big, %v : f32
    linalg.yield %r : f32
  } -> tensor<2x3x64xf32>
  return %x : tensor<2x3x64xf32>
}

// Elements whose bit patterns differ.
func.func @mismatches(%a: tensor<?xf32>, %b: tensor<?xf32>) -> i64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = tensor.dim %a, %c0 : tensor<?xf32>
  %z = arith.constant 0 : i64
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %z) -> i64 {
    %x = tensor.extract %a[%i] : tensor<?xf32>
    %y = tensor.extract %b[%i] : tensor<?xf32>
    %xi = arith.bitcast %x : f32 to i32
    %yi = arith.bitcast %y : f32 to i32
    %ne = arith.cmpi ne, %xi, %yi : i32
    %one = arith.extui %ne : i1 to i64
    %s = arith.addi %acc, %one : i64
    scf.yield %s : i64
  }
  return %r : i64
}

func.func @flat3(%t: tensor<2x3x64xf32>) -> tensor<?xf32> {
  %f = tensor.collapse_shape %t [[0, 1, 2]] : tensor<2x3x64xf32> into tensor<384xf32>
  %d = tensor.cast %f : tensor<384xf32> to tensor<?xf32>
  return %d : tensor<?xf32>
}

func.func @main() {
  %x = call @input() : () -> tensor<2x3x64xf32>
  %q = qf.quantize %x : tensor<2x3x64xf32> -> !sq
  %d = qf.dequantize %q : !sq -> tensor<2x3x64xf32>

  // transpose [1, 0, 2]
  %qt = qf.transpose %q permutation = [1, 0, 2] : !sq -> !sqt
  %dt = qf.dequantize %qt : !sqt -> tensor<3x2x64xf32>
  %e = tensor.empty() : tensor<3x2x64xf32>
  %td = linalg.transpose ins(%d : tensor<2x3x64xf32>) outs(%e : tensor<3x2x64xf32>) permutation = [1, 0, 2]
  %dtf = tensor.collapse_shape %dt [[0, 1, 2]] : tensor<3x2x64xf32> into tensor<384xf32>
  %tdf = tensor.collapse_shape %td [[0, 1, 2]] : tensor<3x2x64xf32> into tensor<384xf32>
  %a1 = tensor.cast %dtf : tensor<384xf32> to tensor<?xf32>
  %b1 = tensor.cast %tdf : tensor<384xf32> to tensor<?xf32>
  %n1 = call @mismatches(%a1, %b1) : (tensor<?xf32>, tensor<?xf32>) -> i64
  // CHECK: transpose mismatches
  // CHECK-NEXT: 0
  vector.print str "transpose mismatches\n"
  vector.print %n1 : i64

  // reshape [2, 3, 64] -> [6, 64] and -> [2, 3, 2, 32] (a block per row)
  %qr = qf.reshape %q : !sq -> !sqr
  %dr = qf.dequantize %qr : !sqr -> tensor<6x64xf32>
  %drf = tensor.collapse_shape %dr [[0, 1]] : tensor<6x64xf32> into tensor<384xf32>
  %a2 = tensor.cast %drf : tensor<384xf32> to tensor<?xf32>
  %ref = call @flat3(%d) : (tensor<2x3x64xf32>) -> tensor<?xf32>
  %n2 = call @mismatches(%a2, %ref) : (tensor<?xf32>, tensor<?xf32>) -> i64
  %qs = qf.reshape %q : !sq -> !sqs
  %ds = qf.dequantize %qs : !sqs -> tensor<2x3x2x32xf32>
  %dsf = tensor.collapse_shape %ds [[0, 1, 2, 3]] : tensor<2x3x2x32xf32> into tensor<384xf32>
  %a3 = tensor.cast %dsf : tensor<384xf32> to tensor<?xf32>
  %n3 = call @mismatches(%a3, %ref) : (tensor<?xf32>, tensor<?xf32>) -> i64
  // CHECK: reshape mismatches
  // CHECK-NEXT: 0
  // CHECK-NEXT: 0
  vector.print str "reshape mismatches\n"
  vector.print %n2 : i64
  vector.print %n3 : i64

  // The outliers matter: without them (the low format alone) the x40
  // channel sets every block's scale, and 334 of the 384 elements decode
  // differently.
  %l = qf.quantize %x : tensor<2x3x64xf32> -> !lo
  %ld = qf.dequantize %l : !lo -> tensor<2x3x64xf32>
  %lf = call @flat3(%ld) : (tensor<2x3x64xf32>) -> tensor<?xf32>
  %n4 = call @mismatches(%lf, %ref) : (tensor<?xf32>, tensor<?xf32>) -> i64
  // CHECK: low format alone differs
  // CHECK-NEXT: 334
  vector.print str "low format alone differs\n"
  vector.print %n4 : i64
  return
}
