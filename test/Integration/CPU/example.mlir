// The README's example (examples/quantize.mlir) compiles and runs, with the
// same result single-threaded and threaded.
// RUN: qf-opt %qf_src/examples/quantize.mlir --canonicalize --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils > %t.1
// RUN: qf-opt %qf_src/examples/quantize.mlir --canonicalize --qf-cpu-pipeline="threads=2" | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils,%omp_lib > %t.2
// RUN: FileCheck %s < %t.1
// RUN: diff %t.1 %t.2

// CHECK: quantized (E3M2 activations x MXFP4 weights), row 0:
// CHECK-NEXT: ( {{.*}} )
// CHECK-NEXT: f32 reference, row 0:
// CHECK-NEXT: ( {{.*}} )
// CHECK-NEXT: max |quantized - f32| over the 4x8 output: {{[0-9]}}
