// Sparse-quantized weights on the CPU (docs/formats.md "Sparse-quantized
// formats"): MXINT4 with one INT8 outlier per bank of 16. The same tensors are
// quantized and decoded at compile time (folders, i.e. the numerics library)
// and at run time (the kernels), and every storage byte, position and decoded
// bit must agree; the SQ matmul (low-bit product + banked sparse correction)
// must give the bits of the f32 matmul with the folded decoded weights. The
// activations are small integers and the weights few-bit dyadic values, so
// every product and partial sum is exact and any summation order agrees.
// RUN: qf-opt %s --canonicalize --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
// RUN: qf-opt %s --canonicalize --qf-cpu-pipeline="vector-width=8" | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

!w = !qf.tensor<64x8xf32, #qf.format<mxint4, bank = 16, outliers = 1>, axis = 0>
!wt = !qf.tensor<8x64xf32, #qf.format<mxint4, bank = 16, outliers = 1>, axis = 1>
!lo = !qf.tensor<64x8xf32, mxint4, axis = 0>
!hi = !qf.tensor<4x8xf32, #qf.format<elem = i8, block = 2, scale = f8E8M0FNU, rule = floor, rounding = even, range = sym>, axis = 0>
!v = !qf.tensor<2x8xf32, #qf.format<elem = i4, block = 8, bank = 4, outliers = 1>, axis = 1>
!vlo = !qf.tensor<2x8xf32, #qf.format<elem = i4, block = 8>, axis = 1>
!vhi = !qf.tensor<2x2xf32, #qf.format<elem = i8, block = 2, scale = f8E8M0FNU, rule = floor, rounding = even, range = sym>, axis = 1>

func.func @quant(%x: tensor<64x8xf32>) -> !w {
  %q = qf.quantize %x : tensor<64x8xf32> -> !w
  return %q : !w
}
func.func @quant_t(%x: tensor<8x64xf32>) -> !wt {
  %q = qf.quantize %x : tensor<8x64xf32> -> !wt
  return %q : !wt
}
func.func @quant_v(%x: tensor<2x8xf32>) -> !v {
  %q = qf.quantize %x : tensor<2x8xf32> -> !v
  return %q : !v
}
func.func @deq(%q: !w) -> tensor<64x8xf32> {
  %d = qf.dequantize %q : !w -> tensor<64x8xf32>
  return %d : tensor<64x8xf32>
}
func.func @deq_v(%q: !v) -> tensor<2x8xf32> {
  %d = qf.dequantize %q : !v -> tensor<2x8xf32>
  return %d : tensor<2x8xf32>
}
func.func @mm(%a: tensor<4x64xf32>, %w: !w) -> tensor<4x8xf32> {
  %c = qf.matmul %a, %w : tensor<4x64xf32>, !w -> tensor<4x8xf32>
  return %c : tensor<4x8xf32>
}
func.func @mm_t(%a: tensor<4x64xf32>, %w: !wt) -> tensor<4x8xf32> {
  %c = qf.matmul %a, %w transpose_b : tensor<4x64xf32>, !wt -> tensor<4x8xf32>
  return %c : tensor<4x8xf32>
}
// The SQ operand on the left: activations [M, K] blocked along K.
func.func @mm_lhs(%a: !wt, %w: tensor<64x4xf32>) -> tensor<8x4xf32> {
  %c = qf.matmul %a, %w : !wt, tensor<64x4xf32> -> tensor<8x4xf32>
  return %c : tensor<8x4xf32>
}

// Number of differing elements (bit patterns for floats).
func.func @ne_i8(%a: tensor<?xi8>, %b: tensor<?xi8>) -> index {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = tensor.dim %a, %c0 : tensor<?xi8>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %c0) -> index {
    %x = tensor.extract %a[%i] : tensor<?xi8>
    %y = tensor.extract %b[%i] : tensor<?xi8>
    %ne = arith.cmpi ne, %x, %y : i8
    %inc = arith.select %ne, %c1, %c0 : index
    %s = arith.addi %acc, %inc : index
    scf.yield %s : index
  }
  return %r : index
}
func.func @ne_f32(%a: tensor<?xf32>, %b: tensor<?xf32>) -> index {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = tensor.dim %a, %c0 : tensor<?xf32>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %c0) -> index {
    %x = tensor.extract %a[%i] : tensor<?xf32>
    %y = tensor.extract %b[%i] : tensor<?xf32>
    %xb = arith.bitcast %x : f32 to i32
    %yb = arith.bitcast %y : f32 to i32
    %ne = arith.cmpi ne, %xb, %yb : i32
    %inc = arith.select %ne, %c1, %c0 : index
    %s = arith.addi %acc, %inc : index
    scf.yield %s : index
  }
  return %r : index
}
func.func @cmp_f32_2d(%a: tensor<?x?xf32>, %b: tensor<?x?xf32>) {
  %fa = tensor.collapse_shape %a [[0, 1]] : tensor<?x?xf32> into tensor<?xf32>
  %fb = tensor.collapse_shape %b [[0, 1]] : tensor<?x?xf32> into tensor<?xf32>
  %n = call @ne_f32(%fa, %fb) : (tensor<?xf32>, tensor<?xf32>) -> index
  vector.print %n : index
  return
}
func.func @cmp_i8_2d(%a: tensor<?x?xi8>, %b: tensor<?x?xi8>) {
  %fa = tensor.collapse_shape %a [[0, 1]] : tensor<?x?xi8> into tensor<?xi8>
  %fb = tensor.collapse_shape %b [[0, 1]] : tensor<?x?xi8> into tensor<?xi8>
  %n = call @ne_i8(%fa, %fb) : (tensor<?xi8>, tensor<?xi8>) -> index
  vector.print %n : index
  return
}
// Compares the storage of two SQ weights: low codes and scales, high codes
// and scales, positions.
func.func @cmp_w(%x: !w, %y: !w) {
  %xl, %xh, %xp = qf.sparse_split %x : !w -> !lo, !hi, tensor<4x8xi8>
  %yl, %yh, %yp = qf.sparse_split %y : !w -> !lo, !hi, tensor<4x8xi8>
  %a:2 = qf.pack %xl : !lo -> tensor<64x4xi8>, tensor<8x2xi8>
  %b:2 = qf.pack %yl : !lo -> tensor<64x4xi8>, tensor<8x2xi8>
  %c:2 = qf.pack %xh : !hi -> tensor<4x8xi8>, tensor<8x2xi8>
  %d:2 = qf.pack %yh : !hi -> tensor<4x8xi8>, tensor<8x2xi8>
  %a0 = tensor.cast %a#0 : tensor<64x4xi8> to tensor<?x?xi8>
  %b0 = tensor.cast %b#0 : tensor<64x4xi8> to tensor<?x?xi8>
  call @cmp_i8_2d(%a0, %b0) : (tensor<?x?xi8>, tensor<?x?xi8>) -> ()
  %a1 = tensor.cast %a#1 : tensor<8x2xi8> to tensor<?x?xi8>
  %b1 = tensor.cast %b#1 : tensor<8x2xi8> to tensor<?x?xi8>
  call @cmp_i8_2d(%a1, %b1) : (tensor<?x?xi8>, tensor<?x?xi8>) -> ()
  %c0 = tensor.cast %c#0 : tensor<4x8xi8> to tensor<?x?xi8>
  %d0 = tensor.cast %d#0 : tensor<4x8xi8> to tensor<?x?xi8>
  call @cmp_i8_2d(%c0, %d0) : (tensor<?x?xi8>, tensor<?x?xi8>) -> ()
  %c1 = tensor.cast %c#1 : tensor<8x2xi8> to tensor<?x?xi8>
  %d1 = tensor.cast %d#1 : tensor<8x2xi8> to tensor<?x?xi8>
  call @cmp_i8_2d(%c1, %d1) : (tensor<?x?xi8>, tensor<?x?xi8>) -> ()
  %p0 = tensor.cast %xp : tensor<4x8xi8> to tensor<?x?xi8>
  %p1 = tensor.cast %yp : tensor<4x8xi8> to tensor<?x?xi8>
  call @cmp_i8_2d(%p0, %p1) : (tensor<?x?xi8>, tensor<?x?xi8>) -> ()
  return
}
func.func @cmp_v(%x: !v, %y: !v) {
  %xl, %xh, %xp = qf.sparse_split %x : !v -> !vlo, !vhi, tensor<2x2xi8>
  %yl, %yh, %yp = qf.sparse_split %y : !v -> !vlo, !vhi, tensor<2x2xi8>
  %a:2 = qf.pack %xl : !vlo -> tensor<2x4xi8>, tensor<2x1xi8>
  %b:2 = qf.pack %yl : !vlo -> tensor<2x4xi8>, tensor<2x1xi8>
  %c:2 = qf.pack %xh : !vhi -> tensor<2x2xi8>, tensor<2x1xi8>
  %d:2 = qf.pack %yh : !vhi -> tensor<2x2xi8>, tensor<2x1xi8>
  %a0 = tensor.cast %a#0 : tensor<2x4xi8> to tensor<?x?xi8>
  %b0 = tensor.cast %b#0 : tensor<2x4xi8> to tensor<?x?xi8>
  call @cmp_i8_2d(%a0, %b0) : (tensor<?x?xi8>, tensor<?x?xi8>) -> ()
  %a1 = tensor.cast %a#1 : tensor<2x1xi8> to tensor<?x?xi8>
  %b1 = tensor.cast %b#1 : tensor<2x1xi8> to tensor<?x?xi8>
  call @cmp_i8_2d(%a1, %b1) : (tensor<?x?xi8>, tensor<?x?xi8>) -> ()
  %c0 = tensor.cast %c#0 : tensor<2x2xi8> to tensor<?x?xi8>
  %d0 = tensor.cast %d#0 : tensor<2x2xi8> to tensor<?x?xi8>
  call @cmp_i8_2d(%c0, %d0) : (tensor<?x?xi8>, tensor<?x?xi8>) -> ()
  %c1 = tensor.cast %c#1 : tensor<2x1xi8> to tensor<?x?xi8>
  %d1 = tensor.cast %d#1 : tensor<2x1xi8> to tensor<?x?xi8>
  call @cmp_i8_2d(%c1, %d1) : (tensor<?x?xi8>, tensor<?x?xi8>) -> ()
  %p0 = tensor.cast %xp : tensor<2x2xi8> to tensor<?x?xi8>
  %p1 = tensor.cast %yp : tensor<2x2xi8> to tensor<?x?xi8>
  call @cmp_i8_2d(%p0, %p1) : (tensor<?x?xi8>, tensor<?x?xi8>) -> ()
  return
}

func.func @main() {
  %w = arith.constant dense<[[-1.125, -1.125, 0.625, -2.25, -0.125, -2.25, 1.125, 0.25], [1.375, -0.5, 0.375, -0.25, -0.75, 0.125, -1.25, -0.375], [0.75, 0.0, -0.375, 2.25, 0.0, -0.625, 0.125, -0.5], [9.5, -0.375, 2.0, 0.0, 0.125, 0.625, 2.0, -0.25], [-0.625, 2.5, -1.5, -0.375, 0.625, 2.25, -1.0, -2.375], [0.625, -0.5, -0.375, 0.5, 0.25, 0.25, -0.375, 1.25], [1.5, 0.0, -0.5, 0.75, 0.5, -1.0, -0.5, 1.0], [-0.125, -0.375, 0.25, 0.0, 0.0, -1.875, 1.75, 0.25], [-0.875, -10.5, 0.25, 0.0, 1.0, 2.25, 0.5, 1.625], [2.125, -1.0, -0.5, 11.5, -1.75, -0.25, 1.25, 1.0], [0.625, -1.875, 2.375, 0.5, 0.75, 0.5, -1.75, -1.375], [-1.25, 1.875, -0.875, -0.25, -0.25, 0.625, 0.5, 0.25], [-1.25, -3.125, 0.125, 0.25, 1.25, -0.125, -0.625, 0.375], [-1.5, -1.0, 11.5, 0.25, 2.125, 0.75, 1.125, 0.25], [0.25, -0.5, -0.25, -2.375, -1.25, -1.25, 0.875, 0.625], [1.125, 1.5, -0.25, 1.0, 2.0, 0.0, 1.125, -0.125], [-1.625, 0.125, -0.875, 0.125, -0.5, 0.375, -2.125, 2.125], [1.375, -0.375, -0.875, 0.0, 0.625, 0.375, 0.375, -2.0], [-1.125, 1.375, 0.25, -12.5, -0.875, -1.5, -1.0, 1.125], [-0.25, 1.125, 0.25, -1.5, -0.625, 2.375, -0.75, -1.125], [1.25, 0.125, 0.0, 1.5, -11.25, 0.375, -1.125, -1.375], [-0.875, 1.125, -0.125, -1.875, -1.125, 1.5, 1.0, -1.125], [2.5, -0.375, -1.25, -0.125, 1.0, 1.625, 1.0, -0.375], [-0.625, -1.5, -0.125, -0.625, 13.5, -1.25, -0.5, -0.875], [-1.25, -1.25, -1.0, -1.25, 0.625, 0.125, -1.375, 0.5], [0.25, 1.5, -0.25, -0.25, -0.75, 0.125, 0.5, 0.125], [-0.25, 0.625, 0.125, 0.25, -1.0, 0.25, -1.0, -0.875], [0.125, 2.125, 1.0, 0.0, -0.125, 1.0, 1.375, 1.25], [-0.25, 0.25, -0.375, -0.25, -0.875, -14.5, -2.25, -1.25], [0.375, -1.0, 0.5, -1.375, -0.375, 0.375, -1.0, -0.75], [2.5, -0.75, -0.75, -0.625, 0.0, 0.0, 1.0, 0.75], [-0.375, -0.375, -1.5, -1.5, -0.75, 11.0, 0.125, 0.875], [1.0, -0.125, 2.125, -0.5, -0.625, -0.5, 1.125, -0.125], [-0.75, 0.5, 1.125, -0.125, -0.25, 1.125, 15.5, 1.0], [-0.75, 0.25, 0.375, -1.875, 1.25, 0.125, -0.375, 2.375], [0.125, -0.75, -0.125, 0.625, 0.875, 0.0, -0.875, -0.75], [-0.875, -1.125, 0.0, -0.5, 0.0, -0.875, -0.875, -0.25], [14.0, 13.0, 12.0, 11.0, 10.0, 9.0, 8.0, 7.0], [-2.125, 0.625, 1.0, -0.875, 1.75, 0.125, -1.125, -16.5], [-0.375, -1.375, -2.25, 0.25, -0.75, 0.625, 0.375, -0.5], [-12.25, 1.75, 1.75, 0.75, -0.375, -1.0, -0.375, 1.75], [0.5, -0.25, -1.25, 0.125, -0.875, 0.0, 0.75, 1.125], [0.125, -0.375, 0.25, 1.875, 0.375, -1.375, -10.75, 0.25], [3.5, -0.5, -0.125, -0.25, 0.375, -0.625, -1.5, -2.0], [-0.125, -0.5, -0.625, 2.125, 0.75, 1.125, -0.5, 0.25], [-0.25, -0.25, 0.75, 0.625, 0.25, 0.125, -1.5, -0.75], [0.375, -0.375, -0.75, 0.375, -0.875, -0.625, 0.875, -0.375], [1.5, 0.5, 0.875, 1.125, -2.25, -0.125, -1.25, -0.5], [-0.125, 1.25, 0.0, 1.625, -0.5, 0.0, 0.125, 1.0], [0.0, -0.625, -0.375, -1.375, 1.25, 0.75, 0.375, 0.25], [-0.625, -0.375, 0.875, -0.75, -0.75, 1.625, 1.625, 0.25], [0.5, 12.0, 1.5, -0.5, 0.125, 0.5, 1.5, -0.25], [0.25, -0.5, -0.625, -0.625, 0.125, 0.875, -0.75, -0.625], [-0.375, 0.375, 0.75, -1.25, 0.375, -1.0, 0.75, 10.5], [-1.125, -0.75, 0.0, -1.0, 0.25, 0.125, 0.125, 0.25], [0.875, -0.75, 0.0, 0.0, -2.125, 0.375, -0.75, -0.75], [-0.5, 0.125, 0.375, 0.5, -0.75, 0.75, 0.375, -0.375], [0.0, 0.75, 0.375, 0.75, 0.125, 1.125, 2.25, 0.5], [-1.625, 1.75, -0.625, -1.375, -2.375, 0.375, 1.125, 1.0], [-0.375, 1.5, -0.125, -0.625, 0.125, 0.25, 0.0, 0.375], [-2.25, 1.625, -0.625, 0.625, -0.75, 0.125, -0.125, -1.625], [0.375, 0.625, -1.125, -2.125, -0.625, -0.875, 0.125, 0.0], [1.625, 0.625, -11.75, 0.125, -2.875, -0.875, -0.875, -0.125], [0.375, 0.25, 0.875, -0.75, 0.25, -0.125, 0.0, 0.375]]> : tensor<64x8xf32>
  %a = arith.constant dense<[[2.0, -4.0, -4.0, 0.0, 2.0, 3.0, 0.0, -4.0, -4.0, -1.0, -2.0, 4.0, 2.0, -1.0, 4.0, -1.0, -3.0, 1.0, -3.0, -3.0, 4.0, -2.0, -3.0, -1.0, -4.0, 3.0, 4.0, 1.0, 3.0, 2.0, 2.0, 4.0, -2.0, -4.0, 0.0, 3.0, -1.0, 4.0, -3.0, -2.0, 0.0, 3.0, -3.0, 0.0, 2.0, 1.0, -2.0, -2.0, 4.0, -3.0, 3.0, -1.0, -3.0, 2.0, -1.0, 0.0, -4.0, 3.0, -1.0, -4.0, -1.0, 0.0, 1.0, -3.0], [-3.0, 2.0, 1.0, 2.0, 4.0, -4.0, 0.0, -2.0, -4.0, 3.0, -2.0, -4.0, -4.0, 2.0, 0.0, -3.0, 2.0, 4.0, -2.0, 1.0, -3.0, 0.0, -2.0, -2.0, 0.0, 3.0, 1.0, 0.0, -4.0, -3.0, 4.0, 4.0, -4.0, -4.0, -3.0, -4.0, -2.0, 1.0, 2.0, 0.0, -4.0, -1.0, 4.0, 2.0, -2.0, 1.0, -1.0, 1.0, 1.0, -4.0, -2.0, -2.0, -3.0, 0.0, 4.0, -2.0, -2.0, 3.0, 2.0, 2.0, -3.0, 1.0, 1.0, 3.0], [-1.0, 3.0, 2.0, -2.0, 3.0, -4.0, -2.0, 4.0, 3.0, 3.0, -4.0, -3.0, -2.0, 2.0, -4.0, -1.0, -4.0, -4.0, -1.0, 3.0, 1.0, 2.0, 3.0, -1.0, -1.0, 0.0, -1.0, 0.0, 4.0, 4.0, 1.0, -1.0, 1.0, 1.0, -1.0, -4.0, 3.0, 2.0, 1.0, -2.0, -2.0, -1.0, 3.0, 2.0, -4.0, -3.0, -2.0, 2.0, -3.0, 0.0, -1.0, 1.0, 3.0, 3.0, 4.0, -3.0, -1.0, 2.0, -4.0, -3.0, 4.0, -2.0, 2.0, -4.0], [1.0, -4.0, 0.0, 4.0, 2.0, 4.0, 3.0, 4.0, 2.0, 3.0, 4.0, -4.0, 4.0, -2.0, 2.0, 1.0, -4.0, 4.0, -1.0, 0.0, 0.0, -3.0, -4.0, -3.0, 1.0, 2.0, 0.0, -4.0, 0.0, -1.0, -3.0, -4.0, -3.0, 0.0, 1.0, 4.0, -1.0, 3.0, 4.0, -3.0, -3.0, -1.0, 1.0, 4.0, 2.0, 2.0, -4.0, 2.0, 2.0, -2.0, 4.0, -1.0, 1.0, 2.0, 1.0, -3.0, 4.0, 1.0, -1.0, -3.0, -1.0, 0.0, 0.0, 0.0]]> : tensor<4x64xf32>

  // Quantize: folded (compile time) vs kernel (run time), every byte.
  // CHECK-COUNT-5: {{^}}0{{$}}
  %wf = qf.quantize %w : tensor<64x8xf32> -> !w
  %wr = call @quant(%w) : (tensor<64x8xf32>) -> !w
  call @cmp_w(%wf, %wr) : (!w, !w) -> ()

  // Dequantize: folded vs kernel, every bit.
  // CHECK-NEXT: {{^}}0{{$}}
  %df = qf.dequantize %wf : !w -> tensor<64x8xf32>
  %dr = call @deq(%wf) : (!w) -> tensor<64x8xf32>
  %df2 = tensor.cast %df : tensor<64x8xf32> to tensor<?x?xf32>
  %dr2 = tensor.cast %dr : tensor<64x8xf32> to tensor<?x?xf32>
  call @cmp_f32_2d(%df2, %dr2) : (tensor<?x?xf32>, tensor<?x?xf32>) -> ()

  // The SQ matmul vs the f32 matmul with the folded decoded weights.
  // CHECK-NEXT: {{^}}0{{$}}
  %cs = call @mm(%a, %wf) : (tensor<4x64xf32>, !w) -> tensor<4x8xf32>
  %cr = qf.matmul %a, %df : tensor<4x64xf32>, tensor<64x8xf32> -> tensor<4x8xf32>
  %cs2 = tensor.cast %cs : tensor<4x8xf32> to tensor<?x?xf32>
  %cr2 = tensor.cast %cr : tensor<4x8xf32> to tensor<?x?xf32>
  call @cmp_f32_2d(%cs2, %cr2) : (tensor<?x?xf32>, tensor<?x?xf32>) -> ()

  // transpose_b: the weights as [N, K], quantized at run time.
  // CHECK-NEXT: {{^}}0{{$}}
  %e = tensor.empty() : tensor<8x64xf32>
  %e2 = tensor.empty() : tensor<64x4xf32>
  %e3 = tensor.empty() : tensor<8x4xf32>
  %wt = linalg.transpose ins(%w : tensor<64x8xf32>) outs(%e : tensor<8x64xf32>) permutation = [1, 0]
  %wtq = call @quant_t(%wt) : (tensor<8x64xf32>) -> !wt
  %ct = call @mm_t(%a, %wtq) : (tensor<4x64xf32>, !wt) -> tensor<4x8xf32>
  %ct2 = tensor.cast %ct : tensor<4x8xf32> to tensor<?x?xf32>
  call @cmp_f32_2d(%ct2, %cr2) : (tensor<?x?xf32>, tensor<?x?xf32>) -> ()

  // The SQ operand on the left: (W^T)_sq * A^T = (A * W)^T.
  // CHECK-NEXT: {{^}}0{{$}}
  %at = linalg.transpose ins(%a : tensor<4x64xf32>) outs(%e2 : tensor<64x4xf32>) permutation = [1, 0]
  %cl = call @mm_lhs(%wtq, %at) : (!wt, tensor<64x4xf32>) -> tensor<8x4xf32>
  %crt = linalg.transpose ins(%cr : tensor<4x8xf32>) outs(%e3 : tensor<8x4xf32>) permutation = [1, 0]
  %cl2 = tensor.cast %cl : tensor<8x4xf32> to tensor<?x?xf32>
  %crt2 = tensor.cast %crt : tensor<8x4xf32> to tensor<?x?xf32>
  call @cmp_f32_2d(%cl2, %crt2) : (tensor<?x?xf32>, tensor<?x?xf32>) -> ()

  // Ties, zeros, NaN and Inf (D23): row 0 has a NaN (selected, its high
  // block NaN) and a tie; row 1 more non-finite values than slots.
  // CHECK-COUNT-5: {{^}}0{{$}}
  %x = arith.constant dense<[[1.0, 0x7FC00000, 2.0, -2.0, 0.5, -0.5, 0.5, 0.0], [0x7F800000, 0xFF800000, 1.0, 0.0, -0.0, 0.0, 0.0, 0.0]]> : tensor<2x8xf32>
  %vf = qf.quantize %x : tensor<2x8xf32> -> !v
  %vr = call @quant_v(%x) : (tensor<2x8xf32>) -> !v
  call @cmp_v(%vf, %vr) : (!v, !v) -> ()
  // CHECK-NEXT: {{^}}0{{$}}
  %xdf = qf.dequantize %vf : !v -> tensor<2x8xf32>
  %xdr = call @deq_v(%vf) : (!v) -> tensor<2x8xf32>
  %xdf2 = tensor.cast %xdf : tensor<2x8xf32> to tensor<?x?xf32>
  %xdr2 = tensor.cast %xdr : tensor<2x8xf32> to tensor<?x?xf32>
  call @cmp_f32_2d(%xdf2, %xdr2) : (tensor<?x?xf32>, tensor<?x?xf32>) -> ()

  // A few results, for the reader.
  // CHECK-NEXT: ( {{.*}} )
  %c0 = arith.constant 0 : index
  %pad = arith.constant 0.0 : f32
  %row = vector.transfer_read %cs[%c0, %c0], %pad : tensor<4x8xf32>, vector<8xf32>
  vector.print %row : vector<8xf32>
  return
}
