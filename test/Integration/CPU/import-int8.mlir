// An int8 model as TFLite / TOSA write it, lowered by the upstream TOSA ->
// linalg passes (quantized_batch_matmul or i8 batch_matmul with zero points,
// then a fixed-point rescale to i8), run twice: as upstream lowers it, and
// with qf-import-int8 first (qf.matmul of the i8 codes plus exact i32
// zero-point terms). The i32 accumulators and the i8 outputs must be the
// same bit for bit. @chunked has K = 2100 with a row and a column of 127:
// summed in one sequence, its f32 partial sums would pass 2^24 (no longer
// exact for odd sums); the import cuts K into chunks of at most 1024.
// RUN: qf-opt %s --pass-pipeline='builtin.module(func.func(tosa-to-linalg-named,tosa-to-linalg,tosa-to-arith{include-apply-rescale}))' > %t.linalg.mlir
// RUN: qf-opt %t.linalg.mlir --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils > %t.ref
// RUN: qf-opt %t.linalg.mlir --qf-import-int8 --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils > %t.qf
// RUN: grep -v "base@" %t.ref > %t.ref.data
// RUN: grep -v "base@" %t.qf > %t.qf.data
// RUN: diff %t.ref.data %t.qf.data
// RUN: FileCheck %s < %t.qf
// RUN: qf-opt %t.linalg.mlir --qf-import-int8 2>&1 | FileCheck %s --check-prefix=IR

// IR: remark: qf-import-int8: K = 2100 is summed in 3 chunks of at most 1024
// IR-LABEL: func.func @fc
// IR-NOT: linalg.quantized_batch_matmul
// IR: qf.matmul
// IR-LABEL: func.func @chunked
// IR-COUNT-3: qf.matmul
// IR-LABEL: func.func @plain
// IR-NOT: linalg.batch_matmul
// IR: qf.matmul

// Values that only an exact accumulation gives: row 0 x column 0 of
// @chunked is 2100 * (127 - 7) * (127 + 2).
// CHECK-LABEL: fc acc
// CHECK-LABEL: fc out
// CHECK-LABEL: chunked acc
// CHECK: [32508000,
// CHECK-LABEL: chunked out
// CHECK-LABEL: plain acc
// CHECK-LABEL: plain out
// CHECK-LABEL: done

// za = -3, zb = 0 (TFLite's symmetric weights): quantized_batch_matmul.
func.func @fc(%a: tensor<1x4x64xi8>, %b: tensor<1x64x16xi8>) -> (tensor<1x4x16xi32>, tensor<1x4x16xi8>) {
  %azp = "tosa.const"() <{values = dense<-3> : tensor<1xi8>}> : () -> tensor<1xi8>
  %bzp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %0 = tosa.matmul %a, %b, %azp, %bzp : (tensor<1x4x64xi8>, tensor<1x64x16xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x4x16xi32>
  %m = "tosa.const"() <{values = dense<1518500250> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s = "tosa.const"() <{values = dense<45> : tensor<1xi8>}> : () -> tensor<1xi8>
  %izp = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %ozp = "tosa.const"() <{values = dense<5> : tensor<1xi8>}> : () -> tensor<1xi8>
  %1 = tosa.rescale %0, %m, %s, %izp, %ozp {scale32 = true, rounding_mode = DOUBLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<1x4x16xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x4x16xi8>
  return %0, %1 : tensor<1x4x16xi32>, tensor<1x4x16xi8>
}

// Both zero points non-zero, K = 2100, per-channel rescale.
func.func @chunked(%a: tensor<1x3x2100xi8>, %b: tensor<1x2100x4xi8>) -> (tensor<1x3x4xi32>, tensor<1x3x4xi8>) {
  %azp = "tosa.const"() <{values = dense<7> : tensor<1xi8>}> : () -> tensor<1xi8>
  %bzp = "tosa.const"() <{values = dense<-2> : tensor<1xi8>}> : () -> tensor<1xi8>
  %0 = tosa.matmul %a, %b, %azp, %bzp : (tensor<1x3x2100xi8>, tensor<1x2100x4xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<1x3x4xi32>
  %m = "tosa.const"() <{values = dense<[1073741824, 1518500250, 1300000000, 2000000000]> : tensor<4xi32>}> : () -> tensor<4xi32>
  %s = "tosa.const"() <{values = dense<[50, 48, 47, 52]> : tensor<4xi8>}> : () -> tensor<4xi8>
  %izp = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %ozp = "tosa.const"() <{values = dense<-4> : tensor<1xi8>}> : () -> tensor<1xi8>
  %1 = tosa.rescale %0, %m, %s, %izp, %ozp {scale32 = true, rounding_mode = SINGLE_ROUND, per_channel = true, input_unsigned = false, output_unsigned = false} : (tensor<1x3x4xi32>, tensor<4xi32>, tensor<4xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<1x3x4xi8>
  return %0, %1 : tensor<1x3x4xi32>, tensor<1x3x4xi8>
}

// Zero points 0: TOSA emits an i8 linalg.batch_matmul.
func.func @plain(%a: tensor<2x5x96xi8>, %b: tensor<2x96x8xi8>) -> (tensor<2x5x8xi32>, tensor<2x5x8xi8>) {
  %zp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %0 = tosa.matmul %a, %b, %zp, %zp : (tensor<2x5x96xi8>, tensor<2x96x8xi8>, tensor<1xi8>, tensor<1xi8>) -> tensor<2x5x8xi32>
  %m = "tosa.const"() <{values = dense<1717986918> : tensor<1xi32>}> : () -> tensor<1xi32>
  %s = "tosa.const"() <{values = dense<44> : tensor<1xi8>}> : () -> tensor<1xi8>
  %izp = "tosa.const"() <{values = dense<0> : tensor<1xi32>}> : () -> tensor<1xi32>
  %ozp = "tosa.const"() <{values = dense<0> : tensor<1xi8>}> : () -> tensor<1xi8>
  %1 = tosa.rescale %0, %m, %s, %izp, %ozp {scale32 = true, rounding_mode = DOUBLE_ROUND, per_channel = false, input_unsigned = false, output_unsigned = false} : (tensor<2x5x8xi32>, tensor<1xi32>, tensor<1xi8>, tensor<1xi32>, tensor<1xi8>) -> tensor<2x5x8xi8>
  return %0, %1 : tensor<2x5x8xi32>, tensor<2x5x8xi8>
}

// i8 test data covering -128..127: (i * p + j * q + r) mod 256 - 128 over
// the last two dimensions, with row (or column) 0 all 127.
func.func @fill(%e: tensor<?x?x?xi8>, %p: index, %q: index, %r: index, %colZero: i1) -> tensor<?x?x?xi8> {
  %t = linalg.generic {indexing_maps = [affine_map<(b, i, j) -> (b, i, j)>], iterator_types = ["parallel", "parallel", "parallel"]} outs(%e : tensor<?x?x?xi8>) {
  ^bb0(%out: i8):
    %b = linalg.index 0 : index
    %i = linalg.index 1 : index
    %j = linalg.index 2 : index
    %ip = arith.muli %i, %p : index
    %jq = arith.muli %j, %q : index
    %bq = arith.muli %b, %r : index
    %s0 = arith.addi %ip, %jq : index
    %s1 = arith.addi %s0, %r : index
    %s2 = arith.addi %s1, %bq : index
    %c256 = arith.constant 256 : index
    %c128 = arith.constant 128 : index
    %md = arith.remui %s2, %c256 : index
    %v = arith.subi %md, %c128 : index
    %vi = arith.index_cast %v : index to i8
    %c0 = arith.constant 0 : index
    %sel = arith.select %colZero, %j, %i : index
    %isZero = arith.cmpi eq, %sel, %c0 : index
    %c127 = arith.constant 127 : i8
    %res = arith.select %isZero, %c127, %vi : i8
    linalg.yield %res : i8
  } -> tensor<?x?x?xi8>
  return %t : tensor<?x?x?xi8>
}

func.func @make(%b: index, %m: index, %n: index, %p: index, %q: index, %r: index, %colZero: i1) -> tensor<?x?x?xi8> {
  %e = tensor.empty(%b, %m, %n) : tensor<?x?x?xi8>
  %t = func.call @fill(%e, %p, %q, %r, %colZero) : (tensor<?x?x?xi8>, index, index, index, i1) -> tensor<?x?x?xi8>
  return %t : tensor<?x?x?xi8>
}

func.func private @printMemrefI32(memref<*xi32>)

func.func @print32(%t: tensor<?x?x?xi32>) {
  %m = bufferization.to_buffer %t : tensor<?x?x?xi32> to memref<?x?x?xi32>
  %u = memref.cast %m : memref<?x?x?xi32> to memref<*xi32>
  call @printMemrefI32(%u) : (memref<*xi32>) -> ()
  return
}

func.func @print8(%t: tensor<?x?x?xi8>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %d0 = tensor.dim %t, %c0 : tensor<?x?x?xi8>
  %d1 = tensor.dim %t, %c1 : tensor<?x?x?xi8>
  %d2 = tensor.dim %t, %c2 : tensor<?x?x?xi8>
  %e = tensor.empty(%d0, %d1, %d2) : tensor<?x?x?xi32>
  %w = linalg.generic {indexing_maps = [affine_map<(b, i, j) -> (b, i, j)>, affine_map<(b, i, j) -> (b, i, j)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%t : tensor<?x?x?xi8>) outs(%e : tensor<?x?x?xi32>) {
  ^bb0(%in: i8, %out: i32):
    %x = arith.extsi %in : i8 to i32
    linalg.yield %x : i32
  } -> tensor<?x?x?xi32>
  call @print32(%w) : (tensor<?x?x?xi32>) -> ()
  return
}

func.func @main() {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %c5 = arith.constant 5 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %c96 = arith.constant 96 : index
  %c2100 = arith.constant 2100 : index
  %p1 = arith.constant 131 : index
  %q1 = arith.constant 71 : index
  %r1 = arith.constant 17 : index
  %p2 = arith.constant 29 : index
  %q2 = arith.constant 53 : index
  %r2 = arith.constant 3 : index
  %f = arith.constant false
  %t = arith.constant true

  %fa = call @make(%c1, %c4, %c64, %p1, %q1, %r1, %f) : (index, index, index, index, index, index, i1) -> tensor<?x?x?xi8>
  %fb = call @make(%c1, %c64, %c16, %p2, %q2, %r2, %t) : (index, index, index, index, index, index, i1) -> tensor<?x?x?xi8>
  %fas = tensor.cast %fa : tensor<?x?x?xi8> to tensor<1x4x64xi8>
  %fbs = tensor.cast %fb : tensor<?x?x?xi8> to tensor<1x64x16xi8>
  %facc, %fout = call @fc(%fas, %fbs) : (tensor<1x4x64xi8>, tensor<1x64x16xi8>) -> (tensor<1x4x16xi32>, tensor<1x4x16xi8>)
  vector.print str "fc acc\n"
  %facc_d = tensor.cast %facc : tensor<1x4x16xi32> to tensor<?x?x?xi32>
  call @print32(%facc_d) : (tensor<?x?x?xi32>) -> ()
  vector.print str "fc out\n"
  %fout_d = tensor.cast %fout : tensor<1x4x16xi8> to tensor<?x?x?xi8>
  call @print8(%fout_d) : (tensor<?x?x?xi8>) -> ()

  %ca = call @make(%c1, %c3, %c2100, %p1, %q1, %r1, %f) : (index, index, index, index, index, index, i1) -> tensor<?x?x?xi8>
  %cb = call @make(%c1, %c2100, %c4, %p2, %q2, %r2, %t) : (index, index, index, index, index, index, i1) -> tensor<?x?x?xi8>
  %cas = tensor.cast %ca : tensor<?x?x?xi8> to tensor<1x3x2100xi8>
  %cbs = tensor.cast %cb : tensor<?x?x?xi8> to tensor<1x2100x4xi8>
  %cacc, %cout = call @chunked(%cas, %cbs) : (tensor<1x3x2100xi8>, tensor<1x2100x4xi8>) -> (tensor<1x3x4xi32>, tensor<1x3x4xi8>)
  vector.print str "chunked acc\n"
  %cacc_d = tensor.cast %cacc : tensor<1x3x4xi32> to tensor<?x?x?xi32>
  call @print32(%cacc_d) : (tensor<?x?x?xi32>) -> ()
  vector.print str "chunked out\n"
  %cout_d = tensor.cast %cout : tensor<1x3x4xi8> to tensor<?x?x?xi8>
  call @print8(%cout_d) : (tensor<?x?x?xi8>) -> ()

  %pa = call @make(%c2, %c5, %c96, %p2, %q1, %r2, %f) : (index, index, index, index, index, index, i1) -> tensor<?x?x?xi8>
  %pb = call @make(%c2, %c96, %c8, %p1, %q2, %r1, %t) : (index, index, index, index, index, index, i1) -> tensor<?x?x?xi8>
  %pas = tensor.cast %pa : tensor<?x?x?xi8> to tensor<2x5x96xi8>
  %pbs = tensor.cast %pb : tensor<?x?x?xi8> to tensor<2x96x8xi8>
  %pacc, %pout = call @plain(%pas, %pbs) : (tensor<2x5x96xi8>, tensor<2x96x8xi8>) -> (tensor<2x5x8xi32>, tensor<2x5x8xi8>)
  vector.print str "plain acc\n"
  %pacc_d = tensor.cast %pacc : tensor<2x5x8xi32> to tensor<?x?x?xi32>
  call @print32(%pacc_d) : (tensor<?x?x?xi32>) -> ()
  vector.print str "plain out\n"
  %pout_d = tensor.cast %pout : tensor<2x5x8xi8> to tensor<?x?x?xi8>
  call @print8(%pout_d) : (tensor<?x?x?xi8>) -> ()
  vector.print str "done\n"
  return
}
