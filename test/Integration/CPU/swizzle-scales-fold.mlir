// The folder of qf.swizzle_scales (numerics::swizzleScales, used for the
// scales of constant weights) gives the bytes of its kernel: the same
// scales, once a constant (folded by --canonicalize) and once built at run
// time (the kernel, executed on the CPU), compared byte for byte over the
// whole swizzled tensor, padding included: a [133, 5] matrix with scale
// (r, c) = (5r + c) mod 256 and a batched [2, 3, 2] one.
// RUN: qf-opt %s --canonicalize | FileCheck %s --check-prefix=IR
// RUN: qf-opt %s --canonicalize --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

// Only the swizzles of the run-time scales are left.
// IR-LABEL: func.func @main(
// IR-COUNT-2: qf.swizzle_scales
// IR-NOT: qf.swizzle_scales

// Mismatching bytes, then the nonzero bytes of the folded tensor (665
// scales, 3 of them 0: (0, 0), (51, 1), (102, 2)); for the batched form 0
// and 12.
// CHECK: 0
// CHECK-NEXT: 662
// CHECK-NEXT: 0
// CHECK-NEXT: 12

func.func @compare(%x: tensor<?x?x?x512xi8>, %y: tensor<?x?x?x512xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c512 = arith.constant 512 : index
  %z8 = arith.constant 0 : i8
  %z = arith.constant 0 : i32
  %one = arith.constant 1 : i32
  %n0 = tensor.dim %x, %c0 : tensor<?x?x?x512xi8>
  %n1 = tensor.dim %x, %c1 : tensor<?x?x?x512xi8>
  %n2 = tensor.dim %x, %c2 : tensor<?x?x?x512xi8>
  %r:2 = scf.for %i = %c0 to %n0 step %c1 iter_args(%d0 = %z, %nz0 = %z) -> (i32, i32) {
    %s:2 = scf.for %j = %c0 to %n1 step %c1 iter_args(%d1 = %d0, %nz1 = %nz0) -> (i32, i32) {
      %t:2 = scf.for %k = %c0 to %n2 step %c1 iter_args(%d2 = %d1, %nz2 = %nz1) -> (i32, i32) {
        %u:2 = scf.for %l = %c0 to %c512 step %c1 iter_args(%d3 = %d2, %nz3 = %nz2) -> (i32, i32) {
          %a = tensor.extract %x[%i, %j, %k, %l] : tensor<?x?x?x512xi8>
          %b = tensor.extract %y[%i, %j, %k, %l] : tensor<?x?x?x512xi8>
          %ne = arith.cmpi ne, %a, %b : i8
          %nei = arith.extui %ne : i1 to i32
          %d4 = arith.addi %d3, %nei : i32
          %nzb = arith.cmpi ne, %a, %z8 : i8
          %nzi = arith.extui %nzb : i1 to i32
          %nz4 = arith.addi %nz3, %nzi : i32
          scf.yield %d4, %nz4 : i32, i32
        }
        scf.yield %u#0, %u#1 : i32, i32
      }
      scf.yield %t#0, %t#1 : i32, i32
    }
    scf.yield %s#0, %s#1 : i32, i32
  }
  vector.print %r#0 : i32
  vector.print %r#1 : i32
  return
}

func.func @main() {
  %folded = arith.constant dense<[[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11, 12, 13, 14], [15, 16, 17, 18, 19], [20, 21, 22, 23, 24], [25, 26, 27, 28, 29], [30, 31, 32, 33, 34], [35, 36, 37, 38, 39], [40, 41, 42, 43, 44], [45, 46, 47, 48, 49], [50, 51, 52, 53, 54], [55, 56, 57, 58, 59], [60, 61, 62, 63, 64], [65, 66, 67, 68, 69], [70, 71, 72, 73, 74], [75, 76, 77, 78, 79], [80, 81, 82, 83, 84], [85, 86, 87, 88, 89], [90, 91, 92, 93, 94], [95, 96, 97, 98, 99], [100, 101, 102, 103, 104], [105, 106, 107, 108, 109], [110, 111, 112, 113, 114], [115, 116, 117, 118, 119], [120, 121, 122, 123, 124], [125, 126, 127, -128, -127], [-126, -125, -124, -123, -122], [-121, -120, -119, -118, -117], [-116, -115, -114, -113, -112], [-111, -110, -109, -108, -107], [-106, -105, -104, -103, -102], [-101, -100, -99, -98, -97], [-96, -95, -94, -93, -92], [-91, -90, -89, -88, -87], [-86, -85, -84, -83, -82], [-81, -80, -79, -78, -77], [-76, -75, -74, -73, -72], [-71, -70, -69, -68, -67], [-66, -65, -64, -63, -62], [-61, -60, -59, -58, -57], [-56, -55, -54, -53, -52], [-51, -50, -49, -48, -47], [-46, -45, -44, -43, -42], [-41, -40, -39, -38, -37], [-36, -35, -34, -33, -32], [-31, -30, -29, -28, -27], [-26, -25, -24, -23, -22], [-21, -20, -19, -18, -17], [-16, -15, -14, -13, -12], [-11, -10, -9, -8, -7], [-6, -5, -4, -3, -2], [-1, 0, 1, 2, 3], [4, 5, 6, 7, 8], [9, 10, 11, 12, 13], [14, 15, 16, 17, 18], [19, 20, 21, 22, 23], [24, 25, 26, 27, 28], [29, 30, 31, 32, 33], [34, 35, 36, 37, 38], [39, 40, 41, 42, 43], [44, 45, 46, 47, 48], [49, 50, 51, 52, 53], [54, 55, 56, 57, 58], [59, 60, 61, 62, 63], [64, 65, 66, 67, 68], [69, 70, 71, 72, 73], [74, 75, 76, 77, 78], [79, 80, 81, 82, 83], [84, 85, 86, 87, 88], [89, 90, 91, 92, 93], [94, 95, 96, 97, 98], [99, 100, 101, 102, 103], [104, 105, 106, 107, 108], [109, 110, 111, 112, 113], [114, 115, 116, 117, 118], [119, 120, 121, 122, 123], [124, 125, 126, 127, -128], [-127, -126, -125, -124, -123], [-122, -121, -120, -119, -118], [-117, -116, -115, -114, -113], [-112, -111, -110, -109, -108], [-107, -106, -105, -104, -103], [-102, -101, -100, -99, -98], [-97, -96, -95, -94, -93], [-92, -91, -90, -89, -88], [-87, -86, -85, -84, -83], [-82, -81, -80, -79, -78], [-77, -76, -75, -74, -73], [-72, -71, -70, -69, -68], [-67, -66, -65, -64, -63], [-62, -61, -60, -59, -58], [-57, -56, -55, -54, -53], [-52, -51, -50, -49, -48], [-47, -46, -45, -44, -43], [-42, -41, -40, -39, -38], [-37, -36, -35, -34, -33], [-32, -31, -30, -29, -28], [-27, -26, -25, -24, -23], [-22, -21, -20, -19, -18], [-17, -16, -15, -14, -13], [-12, -11, -10, -9, -8], [-7, -6, -5, -4, -3], [-2, -1, 0, 1, 2], [3, 4, 5, 6, 7], [8, 9, 10, 11, 12], [13, 14, 15, 16, 17], [18, 19, 20, 21, 22], [23, 24, 25, 26, 27], [28, 29, 30, 31, 32], [33, 34, 35, 36, 37], [38, 39, 40, 41, 42], [43, 44, 45, 46, 47], [48, 49, 50, 51, 52], [53, 54, 55, 56, 57], [58, 59, 60, 61, 62], [63, 64, 65, 66, 67], [68, 69, 70, 71, 72], [73, 74, 75, 76, 77], [78, 79, 80, 81, 82], [83, 84, 85, 86, 87], [88, 89, 90, 91, 92], [93, 94, 95, 96, 97], [98, 99, 100, 101, 102], [103, 104, 105, 106, 107], [108, 109, 110, 111, 112], [113, 114, 115, 116, 117], [118, 119, 120, 121, 122], [123, 124, 125, 126, 127], [-128, -127, -126, -125, -124], [-123, -122, -121, -120, -119], [-118, -117, -116, -115, -114], [-113, -112, -111, -110, -109], [-108, -107, -106, -105, -104]]> : tensor<133x5xi8>
  %gen = tensor.generate {
  ^bb0(%r: index, %c: index):
    %c5 = arith.constant 5 : index
    %x = arith.muli %r, %c5 : index
    %y = arith.addi %x, %c : index
    %z = arith.index_cast %y : index to i8
    tensor.yield %z : i8
  } : tensor<133x5xi8>
  %f = qf.swizzle_scales %folded : tensor<133x5xi8> -> tensor<2x2x512xi8>
  %k = qf.swizzle_scales %gen : tensor<133x5xi8> -> tensor<2x2x512xi8>
  %f4 = tensor.expand_shape %f [[0, 1], [2], [3]] output_shape [1, 2, 2, 512] : tensor<2x2x512xi8> into tensor<1x2x2x512xi8>
  %k4 = tensor.expand_shape %k [[0, 1], [2], [3]] output_shape [1, 2, 2, 512] : tensor<2x2x512xi8> into tensor<1x2x2x512xi8>
  %fd = tensor.cast %f4 : tensor<1x2x2x512xi8> to tensor<?x?x?x512xi8>
  %kd = tensor.cast %k4 : tensor<1x2x2x512xi8> to tensor<?x?x?x512xi8>
  call @compare(%fd, %kd) : (tensor<?x?x?x512xi8>, tensor<?x?x?x512xi8>) -> ()

  %bfolded = arith.constant dense<[[[1, 2], [3, 4], [5, 6]], [[11, 12], [13, 14], [15, 16]]]> : tensor<2x3x2xi8>
  %bgen = tensor.generate {
  ^bb0(%i: index, %r: index, %c: index):
    %c10 = arith.constant 10 : index
    %c2 = arith.constant 2 : index
    %c1 = arith.constant 1 : index
    %x = arith.muli %i, %c10 : index
    %y = arith.muli %r, %c2 : index
    %s1 = arith.addi %x, %y : index
    %s2 = arith.addi %s1, %c : index
    %s3 = arith.addi %s2, %c1 : index
    %z = arith.index_cast %s3 : index to i8
    tensor.yield %z : i8
  } : tensor<2x3x2xi8>
  %bf = qf.swizzle_scales %bfolded : tensor<2x3x2xi8> -> tensor<2x1x1x512xi8>
  %bk = qf.swizzle_scales %bgen : tensor<2x3x2xi8> -> tensor<2x1x1x512xi8>
  %bfd = tensor.cast %bf : tensor<2x1x1x512xi8> to tensor<?x?x?x512xi8>
  %bkd = tensor.cast %bk : tensor<2x1x1x512xi8> to tensor<?x?x?x512xi8>
  call @compare(%bfd, %bkd) : (tensor<?x?x?x512xi8>, tensor<?x?x?x512xi8>) -> ()
  return
}
