// qf.fused_matmul with 8-bit integer activations and integer / E2M1
// weights takes the integer dot-product kernel like qf.matmul (the whole
// product first, then the band epilogue reads its rows), so the fused
// program gives the bits of the unfused one: qf.matmul (int-dot), the
// epilogue as linalg ops, qf.quantize. Two epilogues: bias + ReLU encoded
// to MXINT8 (a quantized result), and a row softmax with an f32 result.
// Each pair is compared bit for bit (mismatch counts).
// RUN: qf-opt %s --convert-qf-to-vector="x86-vnni" | FileCheck %s --check-prefix=IR
// RUN: qf-opt %s --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
// RUN: qf-opt %s --qf-cpu-pipeline="threads=2" | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils,%omp_lib | FileCheck %s
// RUN: qf-opt %s --qf-cpu-pipeline="vector-width=8" | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

!a = !qf.tensor<32x128xf32, mxint8, axis = 1>
!w4 = !qf.tensor<64x128xf32, mxint4, axis = 1>
!wf = !qf.tensor<64x128xf32, mxfp4, axis = 1>
!y = !qf.tensor<32x64xf32, mxint8, axis = 1>
#id = affine_map<(i, j) -> (i, j)>
#col = affine_map<(i, j) -> (j)>
#row = affine_map<(i, j) -> (i)>

// IR-LABEL: func.func @relu_fused
// IR: call @llvm.x86.avx512.vpdpbusd
// IR-LABEL: func.func @relu_ref
func.func @relu_fused(%x: tensor<32x128xf32>, %bias: tensor<64xf32>) -> !y {
  %w = call @weight() : () -> tensor<64x128xf32>
  %wq = qf.quantize %w : tensor<64x128xf32> -> !w4
  %a = qf.quantize %x : tensor<32x128xf32> -> !a
  %y = qf.fused_matmul %a, %wq transpose_b epilogue(%bias : tensor<64xf32>) {epilogue_maps = [#col]} : !a, !w4 -> !y {
  ^bb0(%s: f32, %b: f32):
    %t = arith.addf %s, %b : f32
    %z = arith.constant 0.0 : f32
    %r = arith.maximumf %t, %z : f32
    qf.yield %r : f32
  }
  return %y : !y
}

func.func @relu_ref(%x: tensor<32x128xf32>, %bias: tensor<64xf32>) -> !y {
  %w = call @weight() : () -> tensor<64x128xf32>
  %wq = qf.quantize %w : tensor<64x128xf32> -> !w4
  %a = qf.quantize %x : tensor<32x128xf32> -> !a
  %p = qf.matmul %a, %wq transpose_b : !a, !w4 -> tensor<32x64xf32>
  %e = tensor.empty() : tensor<32x64xf32>
  %r = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%p, %bias : tensor<32x64xf32>, tensor<64xf32>) outs(%e : tensor<32x64xf32>) {
  ^bb0(%s: f32, %b: f32, %o: f32):
    %t = arith.addf %s, %b : f32
    %z = arith.constant 0.0 : f32
    %m = arith.maximumf %t, %z : f32
    linalg.yield %m : f32
  } -> tensor<32x64xf32>
  %y = qf.quantize %r : tensor<32x64xf32> -> !y
  return %y : !y
}

// IR-LABEL: func.func @softmax_fused
// IR: call @llvm.x86.avx512.vpdpbusd
func.func @softmax_fused(%x: tensor<32x128xf32>) -> tensor<32x64xf32> {
  %w = call @weight() : () -> tensor<64x128xf32>
  %wq = qf.quantize %w : tensor<64x128xf32> -> !wf
  %a = qf.quantize %x : tensor<32x128xf32> -> !a
  %y = qf.fused_matmul %a, %wq transpose_b : !a, !wf -> tensor<32x64xf32> {
  ^bb0(%s: f32):
    %ninf = arith.constant -3.0e38 : f32
    %m = qf.row_reduce %s init(%ninf) {
    ^bb0(%v: f32, %acc: f32):
      %r = arith.maximumf %v, %acc : f32
      qf.yield %r : f32
    }
    %d = arith.subf %s, %m : f32
    %e = math.exp %d : f32
    %zero = arith.constant 0.0 : f32
    %sum = qf.row_reduce %e init(%zero) {
    ^bb0(%v: f32, %acc: f32):
      %r = arith.addf %v, %acc : f32
      qf.yield %r : f32
    }
    %q = arith.divf %e, %sum : f32
    qf.yield %q : f32
  }
  return %y : tensor<32x64xf32>
}

func.func @softmax_ref(%x: tensor<32x128xf32>) -> tensor<32x64xf32> {
  %w = call @weight() : () -> tensor<64x128xf32>
  %wq = qf.quantize %w : tensor<64x128xf32> -> !wf
  %a = qf.quantize %x : tensor<32x128xf32> -> !a
  %p = qf.matmul %a, %wq transpose_b : !a, !wf -> tensor<32x64xf32>
  %ninf = arith.constant -3.0e38 : f32
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<32xf32>
  %mi = linalg.fill ins(%ninf : f32) outs(%e1 : tensor<32xf32>) -> tensor<32xf32>
  %m = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%p : tensor<32x64xf32>) outs(%mi : tensor<32xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %r = arith.maximumf %v, %acc : f32
    linalg.yield %r : f32
  } -> tensor<32xf32>
  %e2 = tensor.empty() : tensor<32x64xf32>
  %ex = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%p, %m : tensor<32x64xf32>, tensor<32xf32>) outs(%e2 : tensor<32x64xf32>) {
  ^bb0(%v: f32, %mx: f32, %o: f32):
    %d = arith.subf %v, %mx : f32
    %e = math.exp %d : f32
    linalg.yield %e : f32
  } -> tensor<32x64xf32>
  %si = linalg.fill ins(%zero : f32) outs(%e1 : tensor<32xf32>) -> tensor<32xf32>
  %sum = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]}
      ins(%ex : tensor<32x64xf32>) outs(%si : tensor<32xf32>) {
  ^bb0(%v: f32, %acc: f32):
    %r = arith.addf %v, %acc : f32
    linalg.yield %r : f32
  } -> tensor<32xf32>
  %y = linalg.generic {indexing_maps = [#id, #row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%ex, %sum : tensor<32x64xf32>, tensor<32xf32>) outs(%e2 : tensor<32x64xf32>) {
  ^bb0(%v: f32, %s: f32, %o: f32):
    %q = arith.divf %v, %s : f32
    linalg.yield %q : f32
  } -> tensor<32x64xf32>
  return %y : tensor<32x64xf32>
}

// w[n, k] = ((5n + 11k) mod 23 - 11) / 8.
func.func @weight() -> tensor<64x128xf32> {
  %e = tensor.empty() : tensor<64x128xf32>
  %w = linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]}
      outs(%e : tensor<64x128xf32>) {
  ^bb0(%o: f32):
    %n = linalg.index 0 : index
    %k = linalg.index 1 : index
    %c5 = arith.constant 5 : index
    %c11 = arith.constant 11 : index
    %c23 = arith.constant 23 : index
    %a = arith.muli %n, %c5 : index
    %b = arith.muli %k, %c11 : index
    %s = arith.addi %a, %b : index
    %m = arith.remui %s, %c23 : index
    %d = arith.subi %m, %c11 : index
    %i = arith.index_cast %d : index to i32
    %f = arith.sitofp %i : i32 to f32
    %eighth = arith.constant 0.125 : f32
    %v = arith.mulf %f, %eighth : f32
    linalg.yield %v : f32
  } -> tensor<64x128xf32>
  return %w : tensor<64x128xf32>
}

// x[m, k] = ((3m + 7k) mod 29 - 14) / 4; bias[n] = (n mod 5 - 2) / 2.
func.func @input() -> (tensor<32x128xf32>, tensor<64xf32>) {
  %e = tensor.empty() : tensor<32x128xf32>
  %x = linalg.generic {indexing_maps = [#id], iterator_types = ["parallel", "parallel"]}
      outs(%e : tensor<32x128xf32>) {
  ^bb0(%o: f32):
    %m = linalg.index 0 : index
    %k = linalg.index 1 : index
    %c3 = arith.constant 3 : index
    %c7 = arith.constant 7 : index
    %c29 = arith.constant 29 : index
    %c14 = arith.constant 14 : index
    %a = arith.muli %m, %c3 : index
    %b = arith.muli %k, %c7 : index
    %s = arith.addi %a, %b : index
    %r = arith.remui %s, %c29 : index
    %d = arith.subi %r, %c14 : index
    %i = arith.index_cast %d : index to i32
    %f = arith.sitofp %i : i32 to f32
    %q = arith.constant 0.25 : f32
    %v = arith.mulf %f, %q : f32
    linalg.yield %v : f32
  } -> tensor<32x128xf32>
  %eb = tensor.empty() : tensor<64xf32>
  %bias = linalg.generic {indexing_maps = [affine_map<(n) -> (n)>], iterator_types = ["parallel"]}
      outs(%eb : tensor<64xf32>) {
  ^bb0(%o: f32):
    %n = linalg.index 0 : index
    %c5 = arith.constant 5 : index
    %c2 = arith.constant 2 : index
    %r = arith.remui %n, %c5 : index
    %d = arith.subi %r, %c2 : index
    %i = arith.index_cast %d : index to i32
    %f = arith.sitofp %i : i32 to f32
    %h = arith.constant 0.5 : f32
    %v = arith.mulf %f, %h : f32
    linalg.yield %v : f32
  } -> tensor<64xf32>
  return %x, %bias : tensor<32x128xf32>, tensor<64xf32>
}

// Elements whose bit patterns differ.
func.func @mismatches(%a: tensor<32x64xf32>, %b: tensor<32x64xf32>) -> i64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  %c64 = arith.constant 64 : index
  %z = arith.constant 0 : i64
  %r = scf.for %i = %c0 to %c32 step %c1 iter_args(%acc = %z) -> i64 {
    %r2 = scf.for %j = %c0 to %c64 step %c1 iter_args(%acc2 = %acc) -> i64 {
      %x = tensor.extract %a[%i, %j] : tensor<32x64xf32>
      %y = tensor.extract %b[%i, %j] : tensor<32x64xf32>
      %xi = arith.bitcast %x : f32 to i32
      %yi = arith.bitcast %y : f32 to i32
      %ne = arith.cmpi ne, %xi, %yi : i32
      %one = arith.extui %ne : i1 to i64
      %s = arith.addi %acc2, %one : i64
      scf.yield %s : i64
    }
    scf.yield %r2 : i64
  }
  return %r : i64
}

func.func @main() {
  %x, %bias = call @input() : () -> (tensor<32x128xf32>, tensor<64xf32>)
  %f = call @relu_fused(%x, %bias) : (tensor<32x128xf32>, tensor<64xf32>) -> !y
  %r = call @relu_ref(%x, %bias) : (tensor<32x128xf32>, tensor<64xf32>) -> !y
  %fd = qf.dequantize %f : !y -> tensor<32x64xf32>
  %rd = qf.dequantize %r : !y -> tensor<32x64xf32>
  %n1 = call @mismatches(%fd, %rd) : (tensor<32x64xf32>, tensor<32x64xf32>) -> i64
  // CHECK: relu mismatches
  // CHECK-NEXT: 0
  vector.print str "relu mismatches\n"
  vector.print %n1 : i64
  %s = call @softmax_fused(%x) : (tensor<32x128xf32>) -> tensor<32x64xf32>
  %t = call @softmax_ref(%x) : (tensor<32x128xf32>) -> tensor<32x64xf32>
  %n2 = call @mismatches(%s, %t) : (tensor<32x64xf32>, tensor<32x64xf32>) -> i64
  // CHECK: softmax mismatches
  // CHECK-NEXT: 0
  vector.print str "softmax mismatches\n"
  vector.print %n2 : i64
  // Not a trivial result: many outputs are nonzero after the ReLU.
  %zf = arith.constant 0.0 : f32
  %ze = tensor.empty() : tensor<32x64xf32>
  %zeros = linalg.fill ins(%zf : f32) outs(%ze : tensor<32x64xf32>) -> tensor<32x64xf32>
  %n3 = call @mismatches(%fd, %zeros) : (tensor<32x64xf32>, tensor<32x64xf32>) -> i64
  // CHECK: nonzero
  // CHECK-NEXT: {{[1-9][0-9]+}}
  vector.print str "nonzero\n"
  vector.print %n3 : i64
  return
}
