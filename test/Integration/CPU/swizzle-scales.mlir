// qf.swizzle_scales executed on the CPU (the same kernel the GPU runs as a
// launch): a [133, 5] scale matrix with scale (r, c) = (5r + c) mod 256,
// built at run time (no folding), printed at hand-computed byte positions
// of the 128x4 tile layout (docs/gpu-lowering.md "Scale layout"), padding
// included. The batched form takes the batch as the outer dimension.
// RUN: qf-opt %s --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

// (0, 3) at tile (0, 0) byte 3; (1, 2) at byte 18; (32, 0) at byte 4;
// (127, 3) at byte 31 * 16 + 12 + 3 = 511; (0, 4) at tile (0, 1) byte 0;
// (128, 1) at tile (1, 0) byte 1; (132, 4) at tile (1, 1) byte 64; padding:
// column 5 (tile (0, 1) byte 1), row 133 (tile (1, 0) byte 80), byte 4 of
// tile (1, 1) (row 160).
// CHECK: 3
// CHECK-NEXT: 7
// CHECK-NEXT: 160
// CHECK-NEXT: 126
// CHECK-NEXT: 4
// CHECK-NEXT: 129
// CHECK-NEXT: 152
// CHECK-NEXT: 0
// CHECK-NEXT: 0
// CHECK-NEXT: 0
// Batch 1 of [2, 3, 2] with scale (b, r, c) = 10b + 2r + c + 1: (1, 2, 1)
// at tile (1, 0, 0) byte 33; padding row 3 at byte 48.
// CHECK-NEXT: 16
// CHECK-NEXT: 0

func.func @show(%t: tensor<2x2x512xi8>, %i: index, %j: index, %k: index) {
  %v = tensor.extract %t[%i, %j, %k] : tensor<2x2x512xi8>
  %w = arith.extui %v : i8 to i32
  vector.print %w : i32
  return
}

func.func @main() {
  %s = tensor.generate {
  ^bb0(%r: index, %c: index):
    %c5 = arith.constant 5 : index
    %x = arith.muli %r, %c5 : index
    %y = arith.addi %x, %c : index
    %z = arith.index_cast %y : index to i8
    tensor.yield %z : i8
  } : tensor<133x5xi8>
  %t = qf.swizzle_scales %s : tensor<133x5xi8> -> tensor<2x2x512xi8>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %c18 = arith.constant 18 : index
  %c64 = arith.constant 64 : index
  %c80 = arith.constant 80 : index
  %c511 = arith.constant 511 : index
  call @show(%t, %c0, %c0, %c3) : (tensor<2x2x512xi8>, index, index, index) -> ()
  call @show(%t, %c0, %c0, %c18) : (tensor<2x2x512xi8>, index, index, index) -> ()
  call @show(%t, %c0, %c0, %c4) : (tensor<2x2x512xi8>, index, index, index) -> ()
  call @show(%t, %c0, %c0, %c511) : (tensor<2x2x512xi8>, index, index, index) -> ()
  call @show(%t, %c0, %c1, %c0) : (tensor<2x2x512xi8>, index, index, index) -> ()
  call @show(%t, %c1, %c0, %c1) : (tensor<2x2x512xi8>, index, index, index) -> ()
  call @show(%t, %c1, %c1, %c64) : (tensor<2x2x512xi8>, index, index, index) -> ()
  call @show(%t, %c0, %c1, %c1) : (tensor<2x2x512xi8>, index, index, index) -> ()
  call @show(%t, %c1, %c0, %c80) : (tensor<2x2x512xi8>, index, index, index) -> ()
  call @show(%t, %c1, %c1, %c4) : (tensor<2x2x512xi8>, index, index, index) -> ()

  %b = tensor.generate {
  ^bb0(%i: index, %r: index, %c: index):
    %c10 = arith.constant 10 : index
    %c2 = arith.constant 2 : index
    %x = arith.muli %i, %c10 : index
    %y = arith.muli %r, %c2 : index
    %s1 = arith.addi %x, %y : index
    %s2 = arith.addi %s1, %c : index
    %s3 = arith.addi %s2, %c1 : index
    %z = arith.index_cast %s3 : index to i8
    tensor.yield %z : i8
  } : tensor<2x3x2xi8>
  %u = qf.swizzle_scales %b : tensor<2x3x2xi8> -> tensor<2x1x1x512xi8>
  %c33 = arith.constant 33 : index
  %c48 = arith.constant 48 : index
  %v1 = tensor.extract %u[%c1, %c0, %c0, %c33] : tensor<2x1x1x512xi8>
  %w1 = arith.extui %v1 : i8 to i32
  vector.print %w1 : i32
  %v2 = tensor.extract %u[%c1, %c0, %c0, %c48] : tensor<2x1x1x512xi8>
  %w2 = arith.extui %v2 : i8 to i32
  vector.print %w2 : i32
  return
}
