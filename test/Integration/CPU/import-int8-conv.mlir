// int8 convolutions as TFLite / TOSA write them, lowered by the upstream
// TOSA -> linalg passes (tensor.pad with the input zero point, then
// linalg.conv_2d_nhwc_fhwc_q with the bias broadcast as accumulator, then a
// per-channel fixed-point rescale to i8), run twice: as upstream lowers them,
// and with qf-import-int8 first (im2col + qf.matmul of the i8 codes + exact
// i32 zero-point terms). The i32 accumulators and the i8 outputs must be the
// same bit for bit.
// @conv: stride 2, padding 1 filled with the input zero point 5, weight zero
// point 2. @deep: K = 3*3*128 = 1152 > 1024 with a 3x3x128 corner of 127s in
// the input and filter 0 all 127: one f32 sum of its products would pass
// 2^24 with odd partial sums (inexact); the import sums two K chunks.
// @hwcf: linalg.conv_2d_nhwc_hwcf_q written directly (zero points 3 / -1,
// dilation 2): its filter is [K, F] already (B not transposed).
// @dw: a depthwise convolution, left to its upstream lowering (remark).
// RUN: qf-opt %s --pass-pipeline='builtin.module(func.func(tosa-to-linalg-named,tosa-to-linalg,tosa-to-arith{include-apply-rescale}))' > %t.linalg.mlir
// RUN: qf-opt %t.linalg.mlir --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils > %t.ref
// RUN: qf-opt %t.linalg.mlir --qf-import-int8 --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils > %t.qf
// RUN: grep -v "base@" %t.ref > %t.ref.data
// RUN: grep -v "base@" %t.qf > %t.qf.data
// RUN: diff %t.ref.data %t.qf.data
// RUN: FileCheck %s < %t.qf
// RUN: qf-opt %t.linalg.mlir --qf-import-int8 2>&1 | FileCheck %s --check-prefix=IR

// IR: remark: qf-import-int8: K = 1152 is summed in 2 chunks of at most 1024
// IR: remark: qf-import-int8: not imported: linalg.depthwise_conv_2d_nhwc_hwcm_q: depthwise convolution
// IR-LABEL: func.func @conv
// IR: tensor.pad
// IR-NOT: linalg.conv_2d
// IR: qf.matmul {{.*}} transpose_b
// IR-LABEL: func.func @deep
// IR-NOT: linalg.conv_2d
// IR-COUNT-2: qf.matmul
// IR-LABEL: func.func @hwcf
// IR-NOT: linalg.conv_2d
// IR: qf.matmul
// IR-LABEL: func.func @dw
// IR: linalg.depthwise_conv_2d_nhwc_hwcm_q

// Output (0, 0) of filter 0 of @deep: 1152 * (127 - 7) * 127.
// CHECK-LABEL: conv acc
// CHECK-LABEL: conv out
// CHECK-LABEL: deep acc
// CHECK: {{\[\[\[\[}}17556480,
// CHECK-LABEL: deep out
// CHECK-LABEL: hwcf acc
// CHECK-LABEL: dw acc
// CHECK-LABEL: done

func.func @conv(%x: tensor<1x11x11x8xi8>, %w: tensor<4x3x3x8xi8>) -> (tensor<1x6x6x4xi32>, tensor<1x6x6x4xi8>) {
  %bias = "tosa.const"() <{values = dense<[5, -7, 1000, 0]> : tensor<4xi32>}> : () -> tensor<4xi32>
  %izp = "tosa.const"() <{values = dense<5> : tensor<1xi8>}> : () -> tensor<1xi8>
  %wzp = "tosa.const"() <{values = dense<2> : tensor<1xi8>}> : () -> tensor<1xi8>
  %0 = tosa.conv2d %x, %w, %bias, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>} : (tensor<1x11x11x8xi8>, tensor<4x3x3x8xi8>, tensor<4xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x6x6x4xi32>
  %m = "tosa.const"() <{values = dense<[1073741824, 1518500250, 1300000000, 2000000000]> : tensor<4xi32>}> : () -> tensor<4xi32>
  %s = "tosa.const"() <{values = dense<[40, 41, 39, 42]> : tensor<4xi8>}> : () -> tensor<4xi8>
  %rizp = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %ozp = "tosa.const"() <{values = dense<-6> : tensor<1xi8>}> : () -> tensor<1xi8>
  %1 = tosa.rescale %0, %m, %s, %rizp, %ozp {scale32 = true, rounding_mode = DOUBLE_ROUND, per_channel = true, input_unsigned = false, output_unsigned = false} : (tensor<1x6x6x4xi32>, tensor<4xi32>, tensor<4xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x6x6x4xi8>
  return %0, %1 : tensor<1x6x6x4xi32>, tensor<1x6x6x4xi8>
}

func.func @deep(%x: tensor<1x5x5x128xi8>, %w: tensor<2x3x3x128xi8>) -> (tensor<1x3x3x2xi32>, tensor<1x3x3x2xi8>) {
  %bias = "tosa.const"() <{values = dense<0> : tensor<2xi32>}> : () -> tensor<2xi32>
  %izp = "tosa.const"() <{values = dense<7> : tensor<1xi8>}> : () -> tensor<1xi8>
  %wzp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %0 = tosa.conv2d %x, %w, %bias, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 1>} : (tensor<1x5x5x128xi8>, tensor<2x3x3x128xi8>, tensor<2xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x3x3x2xi32>
  %m = "tosa.const"() <{values = dense<1518500250> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s = "tosa.const"() <{values = dense<50> : tensor<1xi8>}> : () -> tensor<1xi8>
  %rizp = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %ozp = "tosa.const"() <{values = dense<3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %1 = tosa.rescale %0, %m, %s, %rizp, %ozp {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x3x3x2xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x3x3x2xi8>
  return %0, %1 : tensor<1x3x3x2xi32>, tensor<1x3x3x2xi8>
}

func.func @hwcf(%x: tensor<1x11x11x8xi8>, %w: tensor<3x3x8x4xi8>) -> tensor<1x7x7x4xi32> {
  %zi = arith.constant 3 : i32
  %zw = arith.constant -1 : i32
  %z = arith.constant 0 : i32
  %e = tensor.empty() : tensor<1x7x7x4xi32>
  %f = linalg.fill ins(%z : i32) outs(%e : tensor<1x7x7x4xi32>) -> tensor<1x7x7x4xi32>
  %y = linalg.conv_2d_nhwc_hwcf_q {dilations = dense<2> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}
     ins(%x, %w, %zi, %zw : tensor<1x11x11x8xi8>, tensor<3x3x8x4xi8>, i32, i32) outs(%f : tensor<1x7x7x4xi32>) -> tensor<1x7x7x4xi32>
  return %y : tensor<1x7x7x4xi32>
}

func.func @dw(%x: tensor<1x11x11x8xi8>, %w: tensor<3x3x8x1xi8>) -> tensor<1x6x6x8xi32> {
  %bias = "tosa.const"() <{values = dense<3> : tensor<8xi32>}> : () -> tensor<8xi32>
  %izp = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %wzp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %0 = tosa.depthwise_conv2d %x, %w, %bias, %izp, %wzp {acc_type = i32, dilation = array<i64: 1, 1>, pad = array<i64: 1, 1, 1, 1>, stride = array<i64: 2, 2>} : (tensor<1x11x11x8xi8>, tensor<3x3x8x1xi8>, tensor<8xi32>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x6x6x8xi32>
  return %0 : tensor<1x6x6x8xi32>
}

// i8 test data covering -128..127: (i0 p0 + i1 p1 + i2 p2 + i3 p3 + r) mod
// 256 - 128, and 127 where i0 < l0, i1 < l1 and i2 < l2.
func.func @make(%d0: index, %d1: index, %d2: index, %d3: index, %p0: index, %p1: index, %p2: index, %p3: index, %r: index, %l0: index, %l1: index, %l2: index) -> tensor<?x?x?x?xi8> {
  %e = tensor.empty(%d0, %d1, %d2, %d3) : tensor<?x?x?x?xi8>
  %t = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} outs(%e : tensor<?x?x?x?xi8>) {
  ^bb0(%out: i8):
    %i0 = linalg.index 0 : index
    %i1 = linalg.index 1 : index
    %i2 = linalg.index 2 : index
    %i3 = linalg.index 3 : index
    %a0 = arith.muli %i0, %p0 : index
    %a1 = arith.muli %i1, %p1 : index
    %a2 = arith.muli %i2, %p2 : index
    %a3 = arith.muli %i3, %p3 : index
    %s0 = arith.addi %a0, %a1 : index
    %s1 = arith.addi %s0, %a2 : index
    %s2 = arith.addi %s1, %a3 : index
    %s3 = arith.addi %s2, %r : index
    %c256 = arith.constant 256 : index
    %c128 = arith.constant 128 : index
    %md = arith.remui %s3, %c256 : index
    %v = arith.subi %md, %c128 : index
    %vi = arith.index_cast %v : index to i8
    %b0 = arith.cmpi ult, %i0, %l0 : index
    %b1 = arith.cmpi ult, %i1, %l1 : index
    %b2 = arith.cmpi ult, %i2, %l2 : index
    %b01 = arith.andi %b0, %b1 : i1
    %b012 = arith.andi %b01, %b2 : i1
    %c127 = arith.constant 127 : i8
    %res = arith.select %b012, %c127, %vi : i8
    linalg.yield %res : i8
  } -> tensor<?x?x?x?xi8>
  return %t : tensor<?x?x?x?xi8>
}

func.func private @printMemrefI32(memref<*xi32>)

func.func @print32(%t: tensor<?x?x?x?xi32>) {
  %m = bufferization.to_buffer %t : tensor<?x?x?x?xi32> to memref<?x?x?x?xi32>
  %u = memref.cast %m : memref<?x?x?x?xi32> to memref<*xi32>
  call @printMemrefI32(%u) : (memref<*xi32>) -> ()
  return
}

func.func @print8(%t: tensor<?x?x?x?xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %d0 = tensor.dim %t, %c0 : tensor<?x?x?x?xi8>
  %d1 = tensor.dim %t, %c1 : tensor<?x?x?x?xi8>
  %d2 = tensor.dim %t, %c2 : tensor<?x?x?x?xi8>
  %d3 = tensor.dim %t, %c3 : tensor<?x?x?x?xi8>
  %e = tensor.empty(%d0, %d1, %d2, %d3) : tensor<?x?x?x?xi32>
  %w = linalg.generic {indexing_maps = [affine_map<(a, b, c, d) -> (a, b, c, d)>, affine_map<(a, b, c, d) -> (a, b, c, d)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%t : tensor<?x?x?x?xi8>) outs(%e : tensor<?x?x?x?xi32>) {
  ^bb0(%in: i8, %out: i32):
    %x = arith.extsi %in : i8 to i32
    linalg.yield %x : i32
  } -> tensor<?x?x?x?xi32>
  call @print32(%w) : (tensor<?x?x?x?xi32>) -> ()
  return
}

func.func @main() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %c5 = arith.constant 5 : index
  %c8 = arith.constant 8 : index
  %c11 = arith.constant 11 : index
  %c128 = arith.constant 128 : index
  %p1 = arith.constant 131 : index
  %p2 = arith.constant 71 : index
  %p3 = arith.constant 17 : index
  %p4 = arith.constant 29 : index
  %p5 = arith.constant 53 : index

  %cx = call @make(%c1, %c11, %c11, %c8, %c3, %p1, %p2, %p5, %p3, %c0, %c0, %c0) : (index, index, index, index, index, index, index, index, index, index, index, index) -> tensor<?x?x?x?xi8>
  %cw = call @make(%c4, %c3, %c3, %c8, %p4, %p5, %p3, %p1, %c5, %c0, %c0, %c0) : (index, index, index, index, index, index, index, index, index, index, index, index) -> tensor<?x?x?x?xi8>
  %cxs = tensor.cast %cx : tensor<?x?x?x?xi8> to tensor<1x11x11x8xi8>
  %cws = tensor.cast %cw : tensor<?x?x?x?xi8> to tensor<4x3x3x8xi8>
  %cacc, %cout = call @conv(%cxs, %cws) : (tensor<1x11x11x8xi8>, tensor<4x3x3x8xi8>) -> (tensor<1x6x6x4xi32>, tensor<1x6x6x4xi8>)
  vector.print str "conv acc\n"
  %cacc_d = tensor.cast %cacc : tensor<1x6x6x4xi32> to tensor<?x?x?x?xi32>
  call @print32(%cacc_d) : (tensor<?x?x?x?xi32>) -> ()
  vector.print str "conv out\n"
  %cout_d = tensor.cast %cout : tensor<1x6x6x4xi8> to tensor<?x?x?x?xi8>
  call @print8(%cout_d) : (tensor<?x?x?x?xi8>) -> ()

  %dx = call @make(%c1, %c5, %c5, %c128, %c3, %p4, %p1, %p2, %p3, %c1, %c3, %c3) : (index, index, index, index, index, index, index, index, index, index, index, index) -> tensor<?x?x?x?xi8>
  %dw = call @make(%c2, %c3, %c3, %c128, %p5, %p2, %p4, %p1, %c1, %c1, %c3, %c3) : (index, index, index, index, index, index, index, index, index, index, index, index) -> tensor<?x?x?x?xi8>
  %dxs = tensor.cast %dx : tensor<?x?x?x?xi8> to tensor<1x5x5x128xi8>
  %dws = tensor.cast %dw : tensor<?x?x?x?xi8> to tensor<2x3x3x128xi8>
  %dacc, %dout = call @deep(%dxs, %dws) : (tensor<1x5x5x128xi8>, tensor<2x3x3x128xi8>) -> (tensor<1x3x3x2xi32>, tensor<1x3x3x2xi8>)
  vector.print str "deep acc\n"
  %dacc_d = tensor.cast %dacc : tensor<1x3x3x2xi32> to tensor<?x?x?x?xi32>
  call @print32(%dacc_d) : (tensor<?x?x?x?xi32>) -> ()
  vector.print str "deep out\n"
  %dout_d = tensor.cast %dout : tensor<1x3x3x2xi8> to tensor<?x?x?x?xi8>
  call @print8(%dout_d) : (tensor<?x?x?x?xi8>) -> ()

  %hw = call @make(%c3, %c3, %c8, %c4, %p3, %p1, %p5, %p2, %c4, %c0, %c0, %c0) : (index, index, index, index, index, index, index, index, index, index, index, index) -> tensor<?x?x?x?xi8>
  %hws = tensor.cast %hw : tensor<?x?x?x?xi8> to tensor<3x3x8x4xi8>
  %hacc = call @hwcf(%cxs, %hws) : (tensor<1x11x11x8xi8>, tensor<3x3x8x4xi8>) -> tensor<1x7x7x4xi32>
  vector.print str "hwcf acc\n"
  %hacc_d = tensor.cast %hacc : tensor<1x7x7x4xi32> to tensor<?x?x?x?xi32>
  call @print32(%hacc_d) : (tensor<?x?x?x?xi32>) -> ()

  %ww = call @make(%c3, %c3, %c8, %c1, %p2, %p3, %p5, %c1, %c2, %c0, %c0, %c0) : (index, index, index, index, index, index, index, index, index, index, index, index) -> tensor<?x?x?x?xi8>
  %wws = tensor.cast %ww : tensor<?x?x?x?xi8> to tensor<3x3x8x1xi8>
  %wacc = call @dw(%cxs, %wws) : (tensor<1x11x11x8xi8>, tensor<3x3x8x1xi8>) -> tensor<1x6x6x8xi32>
  vector.print str "dw acc\n"
  %wacc_d = tensor.cast %wacc : tensor<1x6x6x8xi32> to tensor<?x?x?x?xi32>
  call @print32(%wacc_d) : (tensor<?x?x?x?xi32>) -> ()
  vector.print str "done\n"
  return
}
