// qf-pack-weights --view packs the weight qf-quantize-model weights-as-
// arguments cut from a flat argument (the qf.weight_view of the storage
// argument): the same bytes as the compiler's qf.pack of qf.quantize of that
// view, here computed independently by Python from the flat weight
// sin(i) * (1 + i mod 7), i = 0..4095.
// RUN: %python -c "import math, struct, sys; sys.stdout.buffer.write(struct.pack('<4096f', *[math.sin(i) * (1 + i % 7) for i in range(4096)]))" > %t.f32
// RUN: %python %S/Inputs/weight-view-ref.py > %t.mlir
// RUN: qf-opt %t.mlir --canonicalize --mlir-print-elementsattrs-with-hex-if-larger=1 > %t.folded.mlir
// RUN: qf-pack-weights --format=mxfp4 --shape=4096 --axis=1 --view="slice(2048;2048;1) reshape(32,64) transpose(1,0)" --hex %t.f32 > %t.t.txt
// RUN: cat %t.folded.mlir %t.t.txt | FileCheck %s --check-prefix=TR
// RUN: qf-pack-weights --format=nvfp4 --shape=64x64 --axis=1 --view="slice(8,0;16,64;2,1)" --hex %t.f32 > %t.s.txt
// RUN: cat %t.folded.mlir %t.s.txt | FileCheck %s --check-prefix=STRIDED
// The view the compiler records for the transposed slice (the string above).
// RUN: qf-opt %s --qf-quantize-model=weights-as-arguments 2>/dev/null | FileCheck %s --check-prefix=ATTR
// RUN: not qf-pack-weights --format=mxfp4 --shape=4096 --axis=1 --view="slice(4000;200;1)" --hex %t.f32 2>&1 | FileCheck %s --check-prefix=PAST
// RUN: not qf-pack-weights --format=mxfp4 --shape=4096 --axis=1 --view="reshape(64,63)" --hex %t.f32 2>&1 | FileCheck %s --check-prefix=RESHAPE
// RUN: not qf-pack-weights --format=mxfp4 --shape=64x64 --axis=1 --view="transpose(0,0)" --hex %t.f32 2>&1 | FileCheck %s --check-prefix=PERM
// RUN: not qf-pack-weights --format=mxfp4 --shape=4096 --axis=1 --view="flip(0)" --hex %t.f32 2>&1 | FileCheck %s --check-prefix=UNKNOWN

// TR-LABEL: func.func @transposed
// TR: arith.constant dense<"0x[[C:[0-9A-F]+]]"> : tensor<64x16xi8>
// TR: arith.constant dense<127> : tensor<64x1xi8>
// TR: codes 0x[[C]]{{$}}
// TR-NEXT: scales 0x{{(7F){64}$}}
// STRIDED-LABEL: func.func @strided
// STRIDED: arith.constant dense<"0x[[C:[0-9A-F]+]]"> : tensor<16x32xi8>
// STRIDED: arith.constant dense<"0x[[S:[0-9A-F]+]]"> : tensor<16x4xi8>
// STRIDED: arith.constant dense<[[T:.*]]> : tensor<f32>
// STRIDED: codes 0x[[C]]{{$}}
// STRIDED-NEXT: scales 0x[[S]]{{$}}
// ATTR: qf.weight_view = {axis = 1 : i64, source = 0 : i64, view = "slice(2048;2048;1) reshape(32,64) transpose(1,0)"}
// PAST: qf-pack-weights: --view: view step 'slice(4000;200;1)' reads past dimension 0 (size 4096)
// RESHAPE: qf-pack-weights: --view: view step 'reshape(64,63)' does not reshape 4096 (4096 elements)
// PERM: qf-pack-weights: --view: view step 'transpose(0,0)' is not a permutation of 2 dimensions
// UNKNOWN: qf-pack-weights: --view: unknown view step 'flip(0)' (expected slice, reshape or transpose)

func.func @f(%flat: tensor<4096xf32>, %x: tensor<4x32xf32>) -> tensor<4x64xf32> {
  %s = tensor.extract_slice %flat[2048] [2048] [1] : tensor<4096xf32> to tensor<2048xf32>
  %r = tensor.expand_shape %s [[0, 1]] output_shape [32, 64] : tensor<2048xf32> into tensor<32x64xf32>
  %e = tensor.empty() : tensor<64x32xf32>
  %w = linalg.transpose ins(%r : tensor<32x64xf32>) outs(%e : tensor<64x32xf32>) permutation = [1, 0]
  %c = arith.constant dense<0.0> : tensor<4x64xf32>
  %y = linalg.matmul indexing_maps = [affine_map<(m, n, k) -> (m, k)>, affine_map<(m, n, k) -> (n, k)>, affine_map<(m, n, k) -> (m, n)>]
         ins(%x, %w : tensor<4x32xf32>, tensor<64x32xf32>) outs(%c : tensor<4x64xf32>) -> tensor<4x64xf32>
  return %y : tensor<4x64xf32>
}
