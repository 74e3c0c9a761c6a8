// Repacked weight layouts (layout = tiled<R x KC>, qf-repack-weights) give
// the bits of the row-major layout: constant mxfp4, nvfp4, mxint4 and mxint8
// weights times f32 activations (f32 tiles, 4-bit nibble tile, GEMV) and
// mxint8 activations (the int-dot kernel), each product's f32 bit patterns
// hashed. The program is written by Inputs/gen-matmul-repacked.py.
// RUN: %python %S/Inputs/gen-matmul-repacked.py > %t.mlir
//
// Which layout the CPU target picks: the int-dot panels for mxint8
// activations, the f32 tiles' runs otherwise; 80 rows do not fit 32-row
// groups and stay row-major.
// RUN: qf-opt %t.mlir --canonicalize --qf-repack-weights --mlir-elide-elementsattrs-if-larger=16 | FileCheck %s --check-prefix=LAYOUT
//
// Row-major reference, then the default pipeline (repack-weights=true):
// RUN: qf-opt %t.mlir --canonicalize --qf-cpu-pipeline="repack-weights=false" | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils > %t.ref
// RUN: FileCheck %s --check-prefix=OUT < %t.ref
// RUN: qf-opt %t.mlir --canonicalize --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils > %t.packed
// RUN: diff %t.ref %t.packed
// RUN: qf-opt %t.mlir --canonicalize --qf-cpu-pipeline="threads=2" | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils,%omp_lib > %t.threads
// RUN: diff %t.ref %t.threads
// RUN: qf-opt %t.mlir --canonicalize --qf-cpu-pipeline="avx512=false" | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils > %t.portable
// RUN: diff %t.ref %t.portable
//
// Forced layouts: 16-row groups (the int-dot kernel reads them in place; at
// 80 rows the last panel reuses rows), and 8x8, which no kernel reads in
// place (copied back to row-major once per call).
// RUN: qf-opt %t.mlir --canonicalize --qf-repack-weights="target-tile=16x4" --qf-cpu-pipeline="repack-weights=false" | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils > %t.t16
// RUN: diff %t.ref %t.t16
// RUN: qf-opt %t.mlir --canonicalize --qf-repack-weights="target-tile=8x8" --qf-cpu-pipeline="repack-weights=false" | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils > %t.t8
// RUN: diff %t.ref %t.t8
//
// vector-width=8 (other f32 chunk sums, so its own reference; int-dot
// panels of 16 rows):
// RUN: qf-opt %t.mlir --canonicalize --qf-cpu-pipeline="vector-width=8 repack-weights=false" | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils > %t.ref8
// RUN: qf-opt %t.mlir --canonicalize --qf-cpu-pipeline="vector-width=8" | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils > %t.packed8
// RUN: diff %t.ref8 %t.packed8
// RUN: qf-opt %t.mlir --canonicalize --qf-repack-weights="vector-width=8" --mlir-elide-elementsattrs-if-larger=16 | FileCheck %s --check-prefix=LAYOUT8

// LAYOUT-LABEL: func.func @main
// LAYOUT: qf.matmul {{.*}} : tensor<16x128xf32>, !qf.tensor<96x128xf32, mxfp4, axis = 1, layout = tiled<4x32>>
// LAYOUT: qf.matmul {{.*}} : !qf.tensor<16x128xf32, mxint8, axis = 1>, !qf.tensor<96x128xf32, mxfp4, axis = 1, layout = tiled<32x4>>
// LAYOUT: qf.matmul {{.*}} : tensor<16x128xf32>, !qf.tensor<96x128xf32, nvfp4, axis = 1, layout = tiled<4x32>>
// LAYOUT: qf.matmul {{.*}} : !qf.tensor<16x128xf32, mxint8, axis = 1>, !qf.tensor<96x128xf32, nvfp4, axis = 1, layout = tiled<32x4>>
// LAYOUT: qf.matmul {{.*}} : tensor<16x128xf32>, !qf.tensor<96x128xf32, mxint4, axis = 1, layout = tiled<4x32>>
// LAYOUT: qf.matmul {{.*}} : !qf.tensor<16x128xf32, mxint8, axis = 1>, !qf.tensor<96x128xf32, mxint4, axis = 1, layout = tiled<32x4>>
// LAYOUT: qf.matmul {{.*}} : tensor<16x128xf32>, !qf.tensor<96x128xf32, mxint8, axis = 1, layout = tiled<4x32>>
// LAYOUT: qf.matmul {{.*}} : !qf.tensor<16x128xf32, mxint8, axis = 1>, !qf.tensor<96x128xf32, mxint8, axis = 1, layout = tiled<32x4>>
// LAYOUT: qf.matmul {{.*}} : tensor<1x256xf32>, !qf.tensor<96x256xf32, mxfp4, axis = 1, layout = tiled<4x32>>
// LAYOUT: qf.matmul {{.*}} : tensor<1x128xf32>, !qf.tensor<64x128xf32, mxint8, axis = 1, layout = tiled<4x32>>
// LAYOUT: qf.matmul {{.*}} : !qf.tensor<16x128xf32, mxint8, axis = 1>, !qf.tensor<80x128xf32, mxfp4, axis = 1>
// LAYOUT: qf.matmul {{.*}} : tensor<16x128xf32>, !qf.tensor<80x128xf32, nvfp4, axis = 1, layout = tiled<4x32>>

// LAYOUT8-LABEL: func.func @main
// LAYOUT8: qf.matmul {{.*}} : !qf.tensor<16x128xf32, mxint8, axis = 1>, !qf.tensor<96x128xf32, mxfp4, axis = 1, layout = tiled<16x4>>
// LAYOUT8: qf.matmul {{.*}} : !qf.tensor<16x128xf32, mxint8, axis = 1>, !qf.tensor<80x128xf32, mxfp4, axis = 1, layout = tiled<16x4>>

// OUT: case mxfp4_x_f32
// OUT-NEXT: {{^-?[0-9]+$}}
// OUT: case mxfp4_x_mxint8
// OUT-NEXT: {{^-?[0-9]+$}}
// OUT: case nvfp4_x_f32
// OUT: case nvfp4_x_mxint8
// OUT: case mxint4_x_f32
// OUT: case mxint4_x_mxint8
// OUT: case mxint8_x_f32
// OUT: case mxint8_x_mxint8
// OUT: case gemv_mxfp4_x_f32
// OUT: case gemv_mxint8_x_f32
// OUT: case rows80_mxfp4_x_mxint8
// OUT: case rows80_nvfp4_x_f32
// OUT-NEXT: {{^-?[0-9]+$}}
