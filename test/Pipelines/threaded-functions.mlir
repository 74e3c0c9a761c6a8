// The pass manager runs function passes on many threads: qf's folders and
// canonicalization patterns (numerics library, format attributes and tensor
// types created concurrently) must give the same module as one thread. Under
// ThreadSanitizer (scripts/test.sh --tsan) this is the race check of that path.
// RUN: %python %S/Inputs/gen-many-functions.py 96 > %t.mlir
// RUN: qf-opt %t.mlir --pass-pipeline='builtin.module(func.func(canonicalize,cse))' -o %t.threaded
// RUN: qf-opt %t.mlir --pass-pipeline='builtin.module(func.func(canonicalize,cse))' --mlir-disable-threading -o %t.serial
// RUN: diff %t.threaded %t.serial
// RUN: FileCheck %s < %t.threaded

// Every function folded its constant chain and its requantize chain.
// CHECK-LABEL: func.func @f0(
// CHECK-NOT: qf.dequantize
// CHECK: arith.constant dense<
// CHECK: qf.quantize %arg0 {{.*}} mxfp8
// CHECK-NEXT: qf.requantize
// CHECK-NEXT: return
// CHECK-LABEL: func.func @f95(
// CHECK-NOT: qf.dequantize
// CHECK: arith.constant dense<
// CHECK: qf.quantize %arg0 {{.*}} mxfp8
// CHECK-NEXT: qf.requantize
// CHECK-NEXT: return
