// RUN: qf-opt %s --convert-qf-to-vector | FileCheck %s
// RUN: qf-opt %s --convert-qf-to-vector="vector-width=8" | FileCheck %s

// Requantize between integer formats with E8M0 scales and the same blocks
// along the innermost axis: exponent arithmetic and shifts on the codes
// (numerics::requantizeIsShift), no f32 anywhere in the kernel.
// CHECK-LABEL: func.func @mxint8_to_mxint4
// CHECK-SAME: -> (tensor<4x32xi8>, tensor<4x2xi8>)
// CHECK-NOT: f32
// CHECK: scf.parallel
// CHECK: arith.shrsi
// CHECK: vector.reduction <maxsi>
// CHECK: arith.cmpi sge, %{{.*}}, %c64_i32 : i32
// CHECK: arith.shrui %{{.*}}, %{{.*}} : vector<{{(8|16)}}xi32>
// CHECK-NOT: f32
// CHECK: return
func.func @mxint8_to_mxint4(%q: !qf.tensor<4x64xf32, mxint8, axis = 1>)
    -> !qf.tensor<4x64xf32, mxint4, axis = 1> {
  %r = qf.requantize %q : !qf.tensor<4x64xf32, mxint8, axis = 1>
         -> !qf.tensor<4x64xf32, mxint4, axis = 1>
  return %r : !qf.tensor<4x64xf32, mxint4, axis = 1>
}

// A user format with its own rule, rounding and range qualifies too.
// CHECK-LABEL: func.func @user_i6_to_i5
// CHECK-NOT: f32
// CHECK: vector.reduction <maxsi>
// CHECK-NOT: f32
// CHECK: return
func.func @user_i6_to_i5(%q: !qf.tensor<2x32xf32, mxint6, axis = 1>)
    -> !qf.tensor<2x32xf32, #qf.format<elem = i5, block = 32, scale = f8E8M0FNU, rule = ceil, rounding = away, range = full>, axis = 1> {
  %r = qf.requantize %q : !qf.tensor<2x32xf32, mxint6, axis = 1>
         -> !qf.tensor<2x32xf32, #qf.format<elem = i5, block = 32, scale = f8E8M0FNU, rule = ceil, rounding = away, range = full>, axis = 1>
  return %r : !qf.tensor<2x32xf32, #qf.format<elem = i5, block = 32, scale = f8E8M0FNU, rule = ceil, rounding = away, range = full>, axis = 1>
}

// Not eligible: decode to f32 and encode (float elements; different block
// sizes; blocked axis not innermost).
// CHECK-LABEL: func.func @mxfp8_to_mxint4
// CHECK: vector<{{(8|16)}}xf32>
// CHECK: return
func.func @mxfp8_to_mxint4(%q: !qf.tensor<4x64xf32, mxfp8, axis = 1>)
    -> !qf.tensor<4x64xf32, mxint4, axis = 1> {
  %r = qf.requantize %q : !qf.tensor<4x64xf32, mxfp8, axis = 1>
         -> !qf.tensor<4x64xf32, mxint4, axis = 1>
  return %r : !qf.tensor<4x64xf32, mxint4, axis = 1>
}

// CHECK-LABEL: func.func @other_blocks
// CHECK: vector<{{(8|16)}}xf32>
// CHECK: return
func.func @other_blocks(%q: !qf.tensor<4x64xf32, mxint8, axis = 1>)
    -> !qf.tensor<4x64xf32, #qf.format<elem = i4, block = 16, scale = f8E8M0FNU>, axis = 1> {
  %r = qf.requantize %q : !qf.tensor<4x64xf32, mxint8, axis = 1>
         -> !qf.tensor<4x64xf32, #qf.format<elem = i4, block = 16, scale = f8E8M0FNU>, axis = 1>
  return %r : !qf.tensor<4x64xf32, #qf.format<elem = i4, block = 16, scale = f8E8M0FNU>, axis = 1>
}

// CHECK-LABEL: func.func @axis0
// CHECK: vector<{{(8|16)}}xf32>
// CHECK: return
func.func @axis0(%q: !qf.tensor<64x16xf32, mxint8, axis = 0>)
    -> !qf.tensor<64x16xf32, mxint4, axis = 0> {
  %r = qf.requantize %q : !qf.tensor<64x16xf32, mxint8, axis = 0>
         -> !qf.tensor<64x16xf32, mxint4, axis = 0>
  return %r : !qf.tensor<64x16xf32, mxint4, axis = 0>
}
