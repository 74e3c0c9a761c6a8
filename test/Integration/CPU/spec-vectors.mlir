// The spec vectors of docs/numerics.md section 10 (input V1_sin) quantized by the
// CPU kernels at run time. Expected codes and scale bytes are those of
// unittests/Numerics/Data/vectors.json (the same entries test/Dialect/QF/
// canonicalize.mlir checks for the folders), here packed per D10/D11 and
// printed as signed bytes.
// RUN: qf-opt %s --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
// RUN: qf-opt %s --qf-cpu-pipeline="vector-width=8" | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

#e3m2 = #qf.format<elem = f6E3M2FN, block = 16, scale = f8E8M0FNU, rule = ceil>

func.func @q_mxint8(%x: tensor<32xf32>) -> !qf.tensor<32xf32, mxint8, axis = 0> {
  %q = qf.quantize %x : tensor<32xf32> -> !qf.tensor<32xf32, mxint8, axis = 0>
  return %q : !qf.tensor<32xf32, mxint8, axis = 0>
}
func.func @q_nvfp4(%x: tensor<32xf32>) -> !qf.tensor<32xf32, nvfp4, axis = 0> {
  %q = qf.quantize %x : tensor<32xf32> -> !qf.tensor<32xf32, nvfp4, axis = 0>
  return %q : !qf.tensor<32xf32, nvfp4, axis = 0>
}
func.func @q_e3m2(%x: tensor<32xf32>) -> !qf.tensor<32xf32, #e3m2, axis = 0> {
  %q = qf.quantize %x : tensor<32xf32> -> !qf.tensor<32xf32, #e3m2, axis = 0>
  return %q : !qf.tensor<32xf32, #e3m2, axis = 0>
}
func.func @d_e3m2(%q: !qf.tensor<32xf32, #e3m2, axis = 0>) -> tensor<32xf32> {
  %d = qf.dequantize %q : !qf.tensor<32xf32, #e3m2, axis = 0> -> tensor<32xf32>
  return %d : tensor<32xf32>
}

func.func @print_i8(%t: tensor<?xi8>) {
  %c0 = arith.constant 0 : index
  %pad = arith.constant 0 : i8
  %m = bufferization.to_buffer %t : tensor<?xi8> to memref<?xi8>
  %n = memref.dim %m, %c0 : memref<?xi8>
  %c1 = arith.constant 1 : index
  vector.print punctuation <open>
  scf.for %i = %c0 to %n step %c1 {
    %v = memref.load %m[%i] : memref<?xi8>
    vector.print %v : i8 punctuation <no_punctuation>
    %last = arith.subi %n, %c1 : index
    %more = arith.cmpi ult, %i, %last : index
    scf.if %more {
      vector.print punctuation <comma>
    }
  }
  vector.print punctuation <close>
  vector.print punctuation <newline>
  return
}

func.func @main() {
  %x = arith.constant dense<[0.0, 1.6829419136047363, 3.6371896266937256, 1.1289600133895874, -12.108839988708496, -30.685577392578125, -17.882591247558594, 0.6569865942001343, 1.978716492652893, 1.6484739780426025, -4.352169036865234, -15.99984359741211, -17.170333862304688, 26.890689849853516, 0.9906073808670044, 1.3005757331848145, -1.1516132354736328, -7.6911797523498535, -12.015795707702637, 4.796070575714111, 58.428497314453125, 0.8366556167602539, -0.01770261861383915, -3.3848817348480225, -7.244626998901367, -2.1176280975341797, 24.401870727539062, 61.20806121826172, 0.2709057927131653, -1.3272677659988403, -3.9521265029907227, -3.2323012351989746]> : tensor<32xf32>

  // CHECK: mxint8
  // CHECK-NEXT: 0, 3, 7, 2, -24, -61, -36, 1, 4, 3, -9, -32, -34, 54, 2, 3, -2, -15, -24, 10, 117, 2, 0, -7, -14, -4, 49, 122, 1, -3, -8, -6
  // CHECK-NEXT: -124
  vector.print str "mxint8\n"
  %q1 = call @q_mxint8(%x) : (tensor<32xf32>) -> !qf.tensor<32xf32, mxint8, axis = 0>
  %p1, %s1 = qf.pack %q1 : !qf.tensor<32xf32, mxint8, axis = 0> -> tensor<32xi8>, tensor<1xi8>
  %p1d = tensor.cast %p1 : tensor<32xi8> to tensor<?xi8>
  %s1d = tensor.cast %s1 : tensor<1xi8> to tensor<?xi8>
  call @print_i8(%p1d) : (tensor<?xi8>) -> ()
  call @print_i8(%s1d) : (tensor<?xi8>) -> ()

  // NVFP4: block scales 0x76, 0x7E; FP32 decode scale 0x3CBA89F3.
  // CHECK: nvfp4
  // CHECK-NEXT: 16, 1, -4, 14, 17, -38, 125, 16, -88, 26, 7, -104, -119, 116, -128, -103
  // CHECK-NEXT: 118, 126
  // CHECK-NEXT: 1018857971
  vector.print str "nvfp4\n"
  %q2 = call @q_nvfp4(%x) : (tensor<32xf32>) -> !qf.tensor<32xf32, nvfp4, axis = 0>
  %p2, %s2, %g2 = qf.pack %q2 : !qf.tensor<32xf32, nvfp4, axis = 0> -> tensor<16xi8>, tensor<2xi8>, tensor<f32>
  %p2d = tensor.cast %p2 : tensor<16xi8> to tensor<?xi8>
  %s2d = tensor.cast %s2 : tensor<2xi8> to tensor<?xi8>
  call @print_i8(%p2d) : (tensor<?xi8>) -> ()
  call @print_i8(%s2d) : (tensor<?xi8>) -> ()
  %g = tensor.extract %g2[] : tensor<f32>
  %gb = arith.bitcast %g : f32 to i32
  vector.print %gb : i32

  // A format defined in this file (E3M2, block 16, ceil): scales 2^1, 2^2.
  // CHECK: e3m2
  // CHECK-NEXT: -64, -14, 36, 54, -113, 23, -52, 2, -29, -8, -122, 36, 37, 44, 55, -37, 0, -82, 47, 106, 113, 65, -55, -86
  // CHECK-NEXT: -128, -127
  // CHECK-NEXT: ( 0, 1.75, 3.5, 1.25, -12, -32, -16, 0.625, 2, 1.75, -4, -16, -16, 28, 1, 1.25, -1.25, -8, -12, 5, 56, 0.75, -0, -3.5, -7, -2, 24, 64, 0.25, -1.25, -4, -3 )
  vector.print str "e3m2\n"
  %q3 = call @q_e3m2(%x) : (tensor<32xf32>) -> !qf.tensor<32xf32, #e3m2, axis = 0>
  %p3, %s3 = qf.pack %q3 : !qf.tensor<32xf32, #e3m2, axis = 0> -> tensor<24xi8>, tensor<2xi8>
  %p3d = tensor.cast %p3 : tensor<24xi8> to tensor<?xi8>
  %s3d = tensor.cast %s3 : tensor<2xi8> to tensor<?xi8>
  call @print_i8(%p3d) : (tensor<?xi8>) -> ()
  call @print_i8(%s3d) : (tensor<?xi8>) -> ()
  %d3 = call @d_e3m2(%q3) : (!qf.tensor<32xf32, #e3m2, axis = 0>) -> tensor<32xf32>
  %dm = bufferization.to_buffer %d3 : tensor<32xf32> to memref<32xf32>
  %c0 = arith.constant 0 : index
  %dv = vector.load %dm[%c0] : memref<32xf32>, vector<32xf32>
  vector.print %dv : vector<32xf32>
  return
}
