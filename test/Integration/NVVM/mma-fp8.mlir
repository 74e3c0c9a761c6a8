// FP8 tensor-core qf.matmul (mma.sync m16n8k32 e4m3, block scales applied
// per K block) run on the GPU, against an f32 reference computed in the same
// program from the unquantized inputs (which MXFP8 represents exactly here:
// integers and halves of at most 3 significant bits, so the dequantized
// operands equal them). Bound (docs/gpu-lowering.md "Tensor cores"): every
// output within 2^-10 * sum_k |a_k w_k| of the reference; on these inputs the
// CPU kernel is exact, which the CPU run (no GPU needed) checks with the same
// CHECK lines. 20 x 12 outputs: partial tiles in both M and N; K = 64: two
// blocks with different scales.
// REQUIRES: cuda-sm_90, ptxas
// RUN: qf-opt %s --qf-gpu-pipeline="chip=sm_90a features=+ptx84 tensor-cores format=bin toolkit=%cuda_toolkit" \
// RUN: | mlir-runner -e main -entry-point-result=void \
// RUN:   -shared-libs=%qf_cuda_runtime,%mlir_runner_utils \
// RUN: | FileCheck %s
// RUN: qf-opt %s --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s

func.func private @printMemrefF32(memref<*xf32>)

// a[i, k] = ((7i + 3k) mod 17) - 8, times 4 for k >= 32.
func.func @fill_a() -> tensor<20x64xf32> {
  %e = tensor.empty() : tensor<20x64xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>],
      iterator_types = ["parallel", "parallel"]} outs(%e : tensor<20x64xf32>) {
    ^bb0(%out: f32):
      %i = linalg.index 0 : index
      %k = linalg.index 1 : index
      %ii = arith.index_cast %i : index to i32
      %kk = arith.index_cast %k : index to i32
      %c7 = arith.constant 7 : i32
      %c3 = arith.constant 3 : i32
      %c17 = arith.constant 17 : i32
      %c8 = arith.constant 8 : i32
      %c32 = arith.constant 32 : i32
      %t0 = arith.muli %ii, %c7 : i32
      %t1 = arith.muli %kk, %c3 : i32
      %t2 = arith.addi %t0, %t1 : i32
      %t3 = arith.remui %t2, %c17 : i32
      %t4 = arith.subi %t3, %c8 : i32
      %f = arith.sitofp %t4 : i32 to f32
      %hi = arith.cmpi uge, %kk, %c32 : i32
      %four = arith.constant 4.0 : f32
      %one = arith.constant 1.0 : f32
      %m = arith.select %hi, %four, %one : f32
      %v = arith.mulf %f, %m : f32
      linalg.yield %v : f32
  } -> tensor<20x64xf32>
  return %r : tensor<20x64xf32>
}

// w[j, k] = ((5j + 11k) mod 13) - 6, halved for k >= 32.
func.func @fill_w() -> tensor<12x64xf32> {
  %e = tensor.empty() : tensor<12x64xf32>
  %r = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>],
      iterator_types = ["parallel", "parallel"]} outs(%e : tensor<12x64xf32>) {
    ^bb0(%out: f32):
      %j = linalg.index 0 : index
      %k = linalg.index 1 : index
      %jj = arith.index_cast %j : index to i32
      %kk = arith.index_cast %k : index to i32
      %c5 = arith.constant 5 : i32
      %c11 = arith.constant 11 : i32
      %c13 = arith.constant 13 : i32
      %c6 = arith.constant 6 : i32
      %c32 = arith.constant 32 : i32
      %t0 = arith.muli %jj, %c5 : i32
      %t1 = arith.muli %kk, %c11 : i32
      %t2 = arith.addi %t0, %t1 : i32
      %t3 = arith.remui %t2, %c13 : i32
      %t4 = arith.subi %t3, %c6 : i32
      %f = arith.sitofp %t4 : i32 to f32
      %hi = arith.cmpi uge, %kk, %c32 : i32
      %half = arith.constant 0.5 : f32
      %one = arith.constant 1.0 : f32
      %m = arith.select %hi, %half, %one : f32
      %v = arith.mulf %f, %m : f32
      linalg.yield %v : f32
  } -> tensor<12x64xf32>
  return %r : tensor<12x64xf32>
}

func.func @main() {
  %a = call @fill_a() : () -> tensor<20x64xf32>
  %w = call @fill_w() : () -> tensor<12x64xf32>
  %qa = qf.quantize %a : tensor<20x64xf32> -> !qf.tensor<20x64xf32, mxfp8>
  %qw = qf.quantize %w : tensor<12x64xf32> -> !qf.tensor<12x64xf32, mxfp8>
  %c = qf.matmul %qa, %qw transpose_b : !qf.tensor<20x64xf32, mxfp8>, !qf.tensor<12x64xf32, mxfp8> -> tensor<20x12xf32>

  // ref = a w^T and mag = |a| |w|^T in f32 (exact: small integers and halves).
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<20x12xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<20x12xf32>) -> tensor<20x12xf32>
  %ref, %mag = linalg.generic {indexing_maps = [
      affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (j, k)>,
      affine_map<(i, j, k) -> (i, j)>, affine_map<(i, j, k) -> (i, j)>],
      iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %w : tensor<20x64xf32>, tensor<12x64xf32>) outs(%z, %z : tensor<20x12xf32>, tensor<20x12xf32>) {
    ^bb0(%x: f32, %y: f32, %acc: f32, %macc: f32):
      %p = arith.mulf %x, %y : f32
      %s = arith.addf %acc, %p : f32
      %ap = math.absf %p : f32
      %ms = arith.addf %macc, %ap : f32
      linalg.yield %s, %ms : f32, f32
  } -> (tensor<20x12xf32>, tensor<20x12xf32>)

  // Outputs outside the bound (counted), and sum |ref| (not all zero).
  %e0 = tensor.empty() : tensor<f32>
  %z0 = linalg.fill ins(%zero : f32) outs(%e0 : tensor<f32>) -> tensor<f32>
  %bad, %sum = linalg.generic {indexing_maps = [
      affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>,
      affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> ()>,
      affine_map<(i, j) -> ()>],
      iterator_types = ["reduction", "reduction"]}
      ins(%c, %ref, %mag : tensor<20x12xf32>, tensor<20x12xf32>, tensor<20x12xf32>)
      outs(%z0, %z0 : tensor<f32>, tensor<f32>) {
    ^bb0(%cv: f32, %rv: f32, %mv: f32, %nbad: f32, %s: f32):
      %d = arith.subf %cv, %rv : f32
      %ad = math.absf %d : f32
      %tol = arith.constant 0.0009765625 : f32
      %lim = arith.mulf %mv, %tol : f32
      %out = arith.cmpf ugt, %ad, %lim : f32
      %one = arith.constant 1.0 : f32
      %inc = arith.select %out, %one, %zero : f32
      %nb = arith.addf %nbad, %inc : f32
      %ar = math.absf %rv : f32
      %ns = arith.addf %s, %ar : f32
      linalg.yield %nb, %ns : f32, f32
  } -> (tensor<f32>, tensor<f32>)

  %bm = bufferization.to_buffer %bad : tensor<f32> to memref<f32>
  %bu = memref.cast %bm : memref<f32> to memref<*xf32>
  call @printMemrefF32(%bu) : (memref<*xf32>) -> ()
  %sm = bufferization.to_buffer %sum : tensor<f32> to memref<f32>
  %su = memref.cast %sm : memref<f32> to memref<*xf32>
  call @printMemrefF32(%su) : (memref<*xf32>) -> ()
  return
}
// CHECK: data =
// CHECK-NEXT: [0]
// CHECK: data =
// CHECK-NEXT: [41843]
