#!/usr/bin/env python3
"""Writes quantize-model.mlir: a 2-layer MLP with seeded weights, run quantized
(qf-quantize-model) and in f32 in one program. Run from the repository root."""
import random
rng=random.Random(3)
def mat(r,c,scale):
    return "dense<[" + ", ".join("[" + ", ".join("%.6g"%(rng.gauss(0,1)*scale) for _ in range(c)) + "]" for _ in range(r)) + "]>"
W1=mat(64,96,0.125); W2=mat(96,16,0.1)
head='''// GENERATED weights (seeded Gaussian); the model is a 2-layer MLP.
// qf-quantize-model rewrites @mlp's contractions (weights folded to
// qf.constant at compile time, activations quantized at run time); @mlp_ref's
// are excluded by location, so the same program runs both and prints the
// relative RMS error of the quantized output against the f32 one. The bounds
// follow the formats' QSNR on this data, compounded over two layers: MXFP4
// weights (~17 dB per tensor) give 0.1-0.25; E4M3 activations (MXFP8, three
// mantissa bits, ~31 dB) about 0.05-0.1; MXINT8 everywhere (~40 dB) below 0.03.
// RUN: qf-opt %s --qf-quantize-model="exclude=ref" --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s --check-prefix=FP4
// RUN: qf-opt %s --qf-quantize-model="exclude=ref weight-format=mxint8" --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s --check-prefix=INT8
// RUN: qf-opt %s --qf-quantize-model="exclude=ref weight-format=mxint8 activation-format=mxint8" --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s --check-prefix=I8I8
// RUN: qf-opt %s --qf-quantize-model="exclude=ref" | FileCheck %s --check-prefix=IR

// IR-LABEL: func.func @mlp(
// IR-COUNT-2: qf.matmul
// IR-LABEL: func.func @mlp_ref(
// IR-COUNT-2: linalg.matmul
// FP4: relative RMS error: 0.{{1[0-9]|2[0-4]}}
// INT8: relative RMS error: 0.0{{[4-9]}}
// I8I8: relative RMS error: 0.0{{[0-2]}}
'''
fn='''
func.func @NAME(%x: tensor<8x64xf32>) -> tensor<8x16xf32> {
  %w1 = arith.constant W1 : tensor<64x96xf32>
  %w2 = arith.constant W2 : tensor<96x16xf32>
  %z = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<8x96xf32>
  %a1 = linalg.fill ins(%z : f32) outs(%e1 : tensor<8x96xf32>) -> tensor<8x96xf32>
  %h = linalg.matmul ins(%x, %w1 : tensor<8x64xf32>, tensor<64x96xf32>) outs(%a1 : tensor<8x96xf32>) -> tensor<8x96xf32> LOC1
  %r = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} outs(%h : tensor<8x96xf32>) {
  ^bb0(%v: f32):
    %m = arith.maximumf %v, %z : f32
    linalg.yield %m : f32
  } -> tensor<8x96xf32>
  %e2 = tensor.empty() : tensor<8x16xf32>
  %a2 = linalg.fill ins(%z : f32) outs(%e2 : tensor<8x16xf32>) -> tensor<8x16xf32>
  %y = linalg.matmul ins(%r, %w2 : tensor<8x96xf32>, tensor<96x16xf32>) outs(%a2 : tensor<8x16xf32>) -> tensor<8x16xf32> LOC2
  return %y : tensor<8x16xf32>
}
'''
main='''
func.func @main() {
  %e = tensor.empty() : tensor<8x64xf32>
  %x = linalg.generic {indexing_maps = [affine_map<(i, k) -> (i, k)>], iterator_types = ["parallel", "parallel"]} outs(%e : tensor<8x64xf32>) {
  ^bb0(%out: f32):
    %i = linalg.index 0 : index
    %k = linalg.index 1 : index
    %c64 = arith.constant 64 : index
    %n = arith.muli %i, %c64 : index
    %nk = arith.addi %n, %k : index
    %ni = arith.index_cast %nk : index to i32
    %nf = arith.sitofp %ni : i32 to f32
    %s = math.sin %nf : f32
    linalg.yield %s : f32
  } -> tensor<8x64xf32>
  %yq = call @mlp(%x) : (tensor<8x64xf32>) -> tensor<8x16xf32>
  %yf = call @mlp_ref(%x) : (tensor<8x64xf32>) -> tensor<8x16xf32>
  %mq = bufferization.to_buffer %yq : tensor<8x16xf32> to memref<8x16xf32>
  %mf = bufferization.to_buffer %yf : tensor<8x16xf32> to memref<8x16xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %c16 = arith.constant 16 : index
  %z = arith.constant 0.0 : f32
  %sums:2 = scf.for %i = %c0 to %c8 step %c1 iter_args(%se = %z, %sr = %z) -> (f32, f32) {
    %inner:2 = scf.for %j = %c0 to %c16 step %c1 iter_args(%e2 = %se, %r2 = %sr) -> (f32, f32) {
      %a = memref.load %mq[%i, %j] : memref<8x16xf32>
      %b = memref.load %mf[%i, %j] : memref<8x16xf32>
      %d = arith.subf %a, %b : f32
      %dd = arith.mulf %d, %d : f32
      %bb = arith.mulf %b, %b : f32
      %ne = arith.addf %e2, %dd : f32
      %nr = arith.addf %r2, %bb : f32
      scf.yield %ne, %nr : f32, f32
    }
    scf.yield %inner#0, %inner#1 : f32, f32
  }
  %ratio = arith.divf %sums#0, %sums#1 : f32
  %rel = math.sqrt %ratio : f32
  vector.print str "relative RMS error: "
  vector.print %rel : f32
  return
}
'''
f1=fn.replace('NAME','mlp').replace('W1',W1).replace('W2',W2).replace(' LOC1','').replace(' LOC2','')
f2=fn.replace('NAME','mlp_ref').replace('W1',W1).replace('W2',W2).replace('LOC1','loc("ref1")').replace('LOC2','loc("ref2")')
open('test/Integration/CPU/quantize-model.mlir','w').write(head+f1+f2+main)
