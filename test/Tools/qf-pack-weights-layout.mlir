// qf-pack-weights --layout=tiled<RxKC> writes the bytes of the compiler's
// repacked constant (qf-repack-weights, then the storage of the qf.constant
// as convert-qf-to-vector lowers it), so argument weights can be handed to
// a kernel compiled for !qf.tensor<..., layout = tiled<RxKC>>.
// RUN: %python %S/Inputs/gen-pack-layout.py %t
// RUN: qf-opt %t.mlir --canonicalize --qf-repack-weights --convert-qf-to-vector --mlir-print-elementsattrs-with-hex-if-larger=1 > %t.out.mlir
// RUN: qf-pack-weights --format=mxfp4 --shape=32x64 --axis=1 --layout="tiled<32x4>" --hex %t.f32 > %t.dot.txt
// RUN: cat %t.out.mlir %t.dot.txt | FileCheck %s --check-prefix=DOT
// RUN: qf-pack-weights --format=nvfp4 --shape=32x64 --axis=1 --layout="tiled<4x32>" --hex %t.f32 > %t.f32.txt
// RUN: cat %t.out.mlir %t.f32.txt | FileCheck %s --check-prefix=F32
// The row-major bytes differ (the layout is not the identity here):
// RUN: qf-pack-weights --format=mxfp4 --shape=32x64 --axis=1 --hex %t.f32 > %t.rm.txt
// RUN: not diff -q %t.dot.txt %t.rm.txt
// Files, as for the compiler's kernel arguments:
// RUN: qf-pack-weights --format=mxfp4 --shape=32x64 --axis=1 --layout="tiled<32x4>" %t.f32 -o %t.w
// RUN: wc -c %t.w.codes %t.w.scales | FileCheck %s --check-prefix=SIZES
// Layouts that do not fit the weight, bad spellings, other axes:
// RUN: not qf-pack-weights --format=mxfp4 --shape=32x64 --axis=1 --layout="tiled<24x4>" --hex %t.f32 2>&1 | FileCheck %s --check-prefix=BADROWS
// RUN: not qf-pack-weights --format=mxfp4 --shape=32x64 --axis=1 --layout="tiles<32x4>" --hex %t.f32 2>&1 | FileCheck %s --check-prefix=BADSPELL
// RUN: not qf-pack-weights --format=mxfp4 --shape=64x32 --axis=0 --layout="tiled<4x4>" --hex %t.f32 2>&1 | FileCheck %s --check-prefix=BADAXIS

// DOT-LABEL: func.func @dot
// DOT: arith.constant dense<"0x[[C:[0-9A-F]+]]"> : tensor<32x32xi8>
// DOT: arith.constant dense<"0x[[S:[0-9A-F]+]]"> : tensor<32x2xi8>
// DOT: codes 0x[[C]]{{$}}
// DOT-NEXT: scales 0x[[S]]{{$}}

// F32-LABEL: func.func @f32
// F32: arith.constant dense<"0x[[C:[0-9A-F]+]]"> : tensor<32x32xi8>
// F32: arith.constant dense<"0x[[S:[0-9A-F]+]]"> : tensor<32x4xi8>
// F32: arith.constant dense<[[T:.*]]> : tensor<f32>
// F32: codes 0x[[C]]{{$}}
// F32-NEXT: scales 0x[[S]]{{$}}
// F32-NEXT: tscale 0x{{[0-9A-F]+}}

// SIZES: 1024 {{.*}}.w.codes
// SIZES: 64 {{.*}}.w.scales

// BADROWS: --layout tiled<24x4>: tile rows 24 do not divide dimension 0 (size 32)
// BADSPELL: --layout 'tiles<32x4>' is not tiled<ROWSxRUN> (e.g. tiled<32x4>)
// BADAXIS: --layout tiled<4x4> needs a rank-2 weight [N, K] blocked along K (--axis=1) with fixed blocks
