// qf-cpu-pipeline by name: tensors with qf ops become LLVM dialect code that
// translates to LLVM IR and assembles to an object file.
// RUN: qf-opt %s --qf-cpu-pipeline | FileCheck %s
// RUN: qf-opt %s --qf-cpu-pipeline="threads=2" | FileCheck %s --check-prefix=OMP
// RUN: qf-opt %s --qf-cpu-pipeline | mlir-translate --mlir-to-llvmir | llc -O2 -filetype=obj -o %t.o
// RUN: llvm-nm %t.o | FileCheck %s --check-prefix=OBJ

// CHECK-LABEL: llvm.func @quantize_mxfp4
// CHECK-NOT: qf.
// CHECK-NOT: memref.
// CHECK-NOT: scf.
// OMP: omp.parallel
// OMP: omp.wsloop
// OBJ-DAG: T quantize_mxfp4
// OBJ-DAG: T dequantize_mxfp4
func.func @quantize_mxfp4(%x: tensor<?x64xf32>) -> !qf.tensor<?x64xf32, mxfp4> {
  %q = qf.quantize %x : tensor<?x64xf32> -> !qf.tensor<?x64xf32, mxfp4>
  return %q : !qf.tensor<?x64xf32, mxfp4>
}
func.func @dequantize_mxfp4(%q: !qf.tensor<?x64xf32, mxfp4>) -> tensor<?x64xf32> {
  %d = qf.dequantize %q : !qf.tensor<?x64xf32, mxfp4> -> tensor<?x64xf32>
  return %d : tensor<?x64xf32>
}

// With out-params the caller passes the result buffers: no allocation left.
// RUN: qf-opt %s --qf-cpu-pipeline="out-params" | FileCheck %s --check-prefix=OUT
// OUT-LABEL: llvm.func @quantize_mxfp4
// OUT-NOT: llvm.call @malloc
// OUT: llvm.return
