// qf.swizzle_scales: the 128x4 tile layout of tcgen05 block scales
// (include/qf/Numerics/ScaleSwizzle.h). Round trip, and the folder on a
// constant checked at byte positions computed by hand.
// RUN: qf-opt %s | qf-opt | FileCheck %s --check-prefix=ROUND
// RUN: qf-opt %s --canonicalize | FileCheck %s --check-prefix=FOLD

// ROUND-LABEL: func.func @round_trip(
// ROUND: qf.swizzle_scales %{{.*}} : tensor<200x6xi8> -> tensor<2x2x512xi8>
// ROUND: qf.swizzle_scales %{{.*}} : tensor<3x?x2xi8> -> tensor<3x?x1x512xi8>
func.func @round_trip(%s: tensor<200x6xi8>, %d: tensor<3x?x2xi8>) -> (tensor<2x2x512xi8>, tensor<3x?x1x512xi8>) {
  %t = qf.swizzle_scales %s : tensor<200x6xi8> -> tensor<2x2x512xi8>
  %u = qf.swizzle_scales %d : tensor<3x?x2xi8> -> tensor<3x?x1x512xi8>
  return %t, %u : tensor<2x2x512xi8>, tensor<3x?x1x512xi8>
}

// 33 rows x 5 scale columns, scale (r, c) = 5r + c: one row tile, two
// column tiles. Byte (r % 32) * 16 + (r / 32) * 4 + c % 4 of tile c / 4.
// FOLD-LABEL: func.func @fold(
// FOLD-NOT: qf.swizzle_scales
// FOLD-DAG: %[[V3:.*]] = arith.constant 3 : i8
// FOLD-DAG: %[[V7:.*]] = arith.constant 7 : i8
// FOLD-DAG: %[[V160:.*]] = arith.constant -96 : i8
// FOLD-DAG: %[[V4:.*]] = arith.constant 4 : i8
// FOLD-DAG: %[[V161:.*]] = arith.constant -95 : i8
// FOLD-DAG: %[[PAD:.*]] = arith.constant 0 : i8
// FOLD: return %[[V3]], %[[V7]], %[[V160]], %[[V161]], %[[V4]], %[[PAD]], %[[PAD]]
func.func @fold() -> (i8, i8, i8, i8, i8, i8, i8) {
  %s = arith.constant dense<[[0, 1, 2, 3, 4], [5, 6, 7, 8, 9], [10, 11, 12, 13, 14], [15, 16, 17, 18, 19], [20, 21, 22, 23, 24], [25, 26, 27, 28, 29], [30, 31, 32, 33, 34], [35, 36, 37, 38, 39], [40, 41, 42, 43, 44], [45, 46, 47, 48, 49], [50, 51, 52, 53, 54], [55, 56, 57, 58, 59], [60, 61, 62, 63, 64], [65, 66, 67, 68, 69], [70, 71, 72, 73, 74], [75, 76, 77, 78, 79], [80, 81, 82, 83, 84], [85, 86, 87, 88, 89], [90, 91, 92, 93, 94], [95, 96, 97, 98, 99], [100, 101, 102, 103, 104], [105, 106, 107, 108, 109], [110, 111, 112, 113, 114], [115, 116, 117, 118, 119], [120, 121, 122, 123, 124], [125, 126, 127, -128, -127], [-126, -125, -124, -123, -122], [-121, -120, -119, -118, -117], [-116, -115, -114, -113, -112], [-111, -110, -109, -108, -107], [-106, -105, -104, -103, -102], [-101, -100, -99, -98, -97], [-96, -95, -94, -93, -92]]> : tensor<33x5xi8>
  %t = qf.swizzle_scales %s : tensor<33x5xi8> -> tensor<1x2x512xi8>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // (0, 3): byte 3.
  %i3 = arith.constant 3 : index
  %a = tensor.extract %t[%c0, %c0, %i3] : tensor<1x2x512xi8>
  // (1, 2): byte 16 + 2.
  %i18 = arith.constant 18 : index
  %b = tensor.extract %t[%c0, %c0, %i18] : tensor<1x2x512xi8>
  // (32, 0): byte 4; (32, 1): byte 5.
  %i4 = arith.constant 4 : index
  %c = tensor.extract %t[%c0, %c0, %i4] : tensor<1x2x512xi8>
  %i5 = arith.constant 5 : index
  %d = tensor.extract %t[%c0, %c0, %i5] : tensor<1x2x512xi8>
  // (0, 4): byte 0 of the second column tile.
  %e = tensor.extract %t[%c0, %c1, %c0] : tensor<1x2x512xi8>
  // Padding: column 5 (byte 1 of the second tile), row 33 (byte 16 + 4).
  %f = tensor.extract %t[%c0, %c1, %c1] : tensor<1x2x512xi8>
  %i20 = arith.constant 20 : index
  %g = tensor.extract %t[%c0, %c0, %i20] : tensor<1x2x512xi8>
  return %a, %b, %c, %d, %e, %f, %g : i8, i8, i8, i8, i8, i8, i8
}
