// RUN: qf-opt %s --convert-qf-to-vector=int-dot-min-rows=1 --split-input-file | FileCheck %s
// RUN: qf-opt %s --convert-qf-to-vector="x86-vnni int-dot-min-rows=1" --split-input-file | FileCheck %s --check-prefix=VNNI
// RUN: qf-opt %s --convert-qf-to-vector="vector-width=8 x86-vnni int-dot-min-rows=1" --split-input-file | FileCheck %s --check-prefix=VNNI8
// RUN: qf-opt %s --convert-qf-to-vector="int-dot=false" --split-input-file | FileCheck %s --check-prefix=OFF

// mxint8 activations x mxfp4 weights (transpose_b): the integer kernel. The
// lhs codes are read as words (4 bytes of K each) and summed per block once
// (the offset correction); the rhs rows are repacked per panel of 32 rows
// into unsigned bytes (E2M1 codes times 2 plus 12) and transposed in
// registers; each 4-byte group is a dot product of 64 bytes into 16 i32
// lanes: portable vector arithmetic by default, one vpdpbusd with x86-vnni
// (a call of the intrinsic's declaration). Each segment's i32 sums are
// scaled once per block pair into f32 with one FMA.
// CHECK-LABEL: func.func @mxint8_x_mxfp4
// CHECK: memref.view {{.*}} : memref<256xi8> to memref<?xi32>
// CHECK: scf.parallel
// CHECK: vector.reduction <add>, {{.*}} : vector<32xi32> into i32
// CHECK: scf.parallel
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<2048xi8>
// CHECK: memref.alloc() {alignment = 64 : i64} : memref<64xf32>
// CHECK: vector.shuffle {{.*}} : vector<16xi32>, vector<16xi32>
// CHECK: vector.gather
// CHECK: arith.muli {{.*}} : vector<64xi32>
// CHECK: vector.shuffle {{.*}} [0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60] : vector<64xi32>, vector<64xi32>
// CHECK: arith.sitofp {{.*}} : vector<16xi32> to vector<16xf32>
// CHECK: vector.fma {{.*}} : vector<16xf32>
// CHECK: vector.maskedstore
// VNNI: func.func private @llvm.x86.avx512.vpdpbusd.512(vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
// VNNI-LABEL: func.func @mxint8_x_mxfp4
// VNNI: call @llvm.x86.avx512.vpdpbusd.512({{.*}}) : (vector<16xi32>, vector<64xi8>, vector<64xi8>) -> vector<16xi32>
// VNNI-NOT: arith.muli {{.*}} : vector<64xi32>
// VNNI8: func.func private @llvm.x86.avx512.vpdpbusd.256(vector<8xi32>, vector<32xi8>, vector<32xi8>) -> vector<8xi32>
// VNNI8: call @llvm.x86.avx512.vpdpbusd.256
// OFF-LABEL: func.func @mxint8_x_mxfp4
// OFF-NOT: memref.view
// OFF: vector.fma
func.func @mxint8_x_mxfp4(%a: !qf.tensor<4x64xf32, mxint8, axis = 1>,
                          %b: !qf.tensor<8x64xf32, mxfp4, axis = 1>)
    -> tensor<4x8xf32> {
  %c = qf.matmul %a, %b transpose_b : !qf.tensor<4x64xf32, mxint8, axis = 1>,
      !qf.tensor<8x64xf32, mxfp4, axis = 1> -> tensor<4x8xf32>
  return %c : tensor<4x8xf32>
}

// -----

// Float activations keep the f32 tiles (no integer codes on the left).
// CHECK-LABEL: func.func @mxfp8_x_mxint4
// CHECK-NOT: memref.view
// CHECK-NOT: arith.muli {{.*}} : vector<64xi32>
// CHECK: return
func.func @mxfp8_x_mxint4(%a: !qf.tensor<4x64xf32, mxfp8, axis = 1>,
                          %b: !qf.tensor<8x64xf32, mxint4, axis = 1>)
    -> tensor<4x8xf32> {
  %c = qf.matmul %a, %b transpose_b : !qf.tensor<4x64xf32, mxfp8, axis = 1>,
      !qf.tensor<8x64xf32, mxint4, axis = 1> -> tensor<4x8xf32>
  return %c : tensor<4x8xf32>
}
