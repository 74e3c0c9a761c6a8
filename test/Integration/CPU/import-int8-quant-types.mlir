// A weight argument of a symmetric per-axis quant type, dequantized with
// quant.dcast for an f32 matmul, run twice: lowered the upstream way
// (--strip-func-quant-types --lower-quant-ops: (code - 0) * scale in f32)
// and through qf-import-int8 (qf.unpack of the i8 storage with the type's
// scales, qf.dequantize). The results must be the same bit for bit (they
// are printed as their i32 bit patterns).
// RUN: qf-opt %s --strip-func-quant-types --lower-quant-ops --canonicalize --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils > %t.ref
// RUN: qf-opt %s --qf-import-int8 --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils > %t.qf
// RUN: grep -v "base@" %t.ref > %t.ref.data
// RUN: grep -v "base@" %t.qf > %t.qf.data
// RUN: diff %t.ref.data %t.qf.data
// RUN: FileCheck %s < %t.qf
// RUN: qf-opt %s --qf-import-int8 | FileCheck %s --check-prefix=IR

// IR-LABEL: func.func @fc
// IR: qf.unpack
// IR: qf.dequantize
// IR-NOT: quant.

// Row 0 of x is all 1: y[0][0] is the f32 sum over k of (k - 128) * 0.1f,
// -617.59998 (bits -1004902810).
// CHECK-LABEL: bits
// CHECK: {{\[\[}}-1004902810,
// CHECK-LABEL: done

!w = tensor<16x64x!quant.uniform<i8:f32:0, {0.1, 0.2, 0.3, 0.7, 1.1, 0.013, 3.3, 0.25, 0.1, 0.2, 0.3, 0.7, 1.1, 0.013, 3.3, 0.25}>>

func.func @fc(%x: tensor<4x64xf32>, %w: !w) -> tensor<4x16xf32> {
  %wf = quant.dcast %w : !w to tensor<16x64xf32>
  %z = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<4x16xf32>
  %f = linalg.fill ins(%z : f32) outs(%e : tensor<4x16xf32>) -> tensor<4x16xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
       ins(%x, %wf : tensor<4x64xf32>, tensor<16x64xf32>) outs(%f : tensor<4x16xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

func.func private @printMemrefI32(memref<*xi32>)

func.func @main() {
  // x[m][k] = 1 for m = 0, else (3m + k) / 8; w[n][k] = (n * 37 + k) mod 256 - 128.
  %ex = tensor.empty() : tensor<4x64xf32>
  %x = linalg.generic {indexing_maps = [affine_map<(m, k) -> (m, k)>], iterator_types = ["parallel", "parallel"]} outs(%ex : tensor<4x64xf32>) {
  ^bb0(%out: f32):
    %m = linalg.index 0 : index
    %k = linalg.index 1 : index
    %c3 = arith.constant 3 : index
    %m3 = arith.muli %m, %c3 : index
    %s = arith.addi %m3, %k : index
    %si = arith.index_cast %s : index to i32
    %sf = arith.sitofp %si : i32 to f32
    %c8 = arith.constant 0.125 : f32
    %v = arith.mulf %sf, %c8 : f32
    %c0 = arith.constant 0 : index
    %first = arith.cmpi eq, %m, %c0 : index
    %one = arith.constant 1.0 : f32
    %r = arith.select %first, %one, %v : f32
    linalg.yield %r : f32
  } -> tensor<4x64xf32>
  %ew = tensor.empty() : tensor<16x64xi8>
  %ws = linalg.generic {indexing_maps = [affine_map<(n, k) -> (n, k)>], iterator_types = ["parallel", "parallel"]} outs(%ew : tensor<16x64xi8>) {
  ^bb0(%out: i8):
    %n = linalg.index 0 : index
    %k = linalg.index 1 : index
    %c37 = arith.constant 37 : index
    %n37 = arith.muli %n, %c37 : index
    %s = arith.addi %n37, %k : index
    %c256 = arith.constant 256 : index
    %c128 = arith.constant 128 : index
    %md = arith.remui %s, %c256 : index
    %v = arith.subi %md, %c128 : index
    %vi = arith.index_cast %v : index to i8
    linalg.yield %vi : i8
  } -> tensor<16x64xi8>
  %wq = quant.scast %ws : tensor<16x64xi8> to !w
  %y = call @fc(%x, %wq) : (tensor<4x64xf32>, !w) -> tensor<4x16xf32>
  %bits = arith.bitcast %y : tensor<4x16xf32> to tensor<4x16xi32>
  %m = bufferization.to_buffer %bits : tensor<4x16xi32> to memref<4x16xi32>
  %u = memref.cast %m : memref<4x16xi32> to memref<*xi32>
  vector.print str "bits\n"
  call @printMemrefI32(%u) : (memref<*xi32>) -> ()
  vector.print str "done\n"
  return
}
