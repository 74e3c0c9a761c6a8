// Compiled for a CPU without AVX-512, the kernels compute the bits of the
// AVX-512 build and use no AVX-512 instruction. The inputs are two executed
// tests: matmul-fp4.mlir (4-bit GEMV/GEMM of every 4-bit format; its default
// run on an AVX-512 host decodes by vpermps table lookups and prints the
// hashes its CHECK lines hold) and quantize-nvfp4.mlir (codes and scales
// against the numerics library). Each runs with target-cpu=x86-64-v3 (AVX2)
// and with the host CPU minus avx512f, and must print those same lines.
// mlir-runner compiles each function for its target_cpu / target_features;
// only the argument wrappers it adds itself (_mlir_<name>) get the JIT's
// host CPU, so -mattr=-avx512f makes the JIT a machine without AVX-512.
// REQUIRES: host-x86_64

// RUN: qf-opt %S/matmul-fp4.mlir --qf-cpu-pipeline="target-cpu=x86-64-v3" -o %t.v3.mlir
// RUN: mlir-runner %t.v3.mlir -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils -mattr=-avx512f -dump-object-file -object-filename=%t.v3.o | FileCheck %S/matmul-fp4.mlir
// RUN: qf-opt %S/matmul-fp4.mlir --qf-cpu-pipeline="target-features=-avx512f" | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils -mattr=-avx512f | FileCheck %S/matmul-fp4.mlir
// RUN: qf-opt %S/quantize-nvfp4.mlir --canonicalize --qf-cpu-pipeline="target-cpu=x86-64-v3" | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils -mattr=-avx512f | FileCheck %S/quantize-nvfp4.mlir
// RUN: qf-opt %S/quantize-nvfp4.mlir --canonicalize --qf-cpu-pipeline="target-features=-avx512f" | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils -mattr=-avx512f | FileCheck %S/quantize-nvfp4.mlir

// No AVX-512 anywhere: not in the LLVM dialect (x86vector intrinsics), not
// in LLVM IR, no zmm register in llc's code (llc without -mcpu: the
// functions name their CPU) nor in the object the JIT ran.
// RUN: FileCheck %s --check-prefix=DIALECT < %t.v3.mlir
// RUN: mlir-translate --mlir-to-llvmir %t.v3.mlir -o %t.v3.ll
// RUN: FileCheck %s --check-prefix=LLVMIR < %t.v3.ll
// RUN: llc -O3 %t.v3.ll -o - | FileCheck %s --check-prefix=ASM
// RUN: llvm-objdump -d %t.v3.o | FileCheck %s --check-prefix=ASM
// DIALECT-NOT: x86vector
// DIALECT-NOT: llvm.x86.avx512
// DIALECT: llvm.func @gemv_mxfp4_kernel({{.*}}) -> {{.*}} attributes {target_cpu = "x86-64-v3", target_features = #llvm.target_features<[]>}
// DIALECT-NOT: x86vector
// DIALECT-NOT: llvm.x86.avx512
// LLVMIR-NOT: @llvm.x86.avx512
// LLVMIR: define {{.*}} @gemv_mxfp4_kernel({{.*}}) #[[A:[0-9]+]]
// LLVMIR-NOT: @llvm.x86.avx512
// LLVMIR: attributes #[[A]] = { "target-cpu"="x86-64-v3" "target-features" }
// ASM-NOT: zmm
// ASM: gemv_mxfp4_kernel
// ASM-NOT: zmm

// The same checks can fail: on an AVX-512 host the default build, run by
// the same JIT (-mattr=-avx512f), holds zmm code, since its functions name
// the host's features.
// RUN: %if host-avx512f %{ qf-opt %S/matmul-fp4.mlir --qf-cpu-pipeline -o %t.host.mlir %}
// RUN: %if host-avx512f %{ mlir-runner %t.host.mlir -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils -mattr=-avx512f -dump-object-file -object-filename=%t.host.o | FileCheck %S/matmul-fp4.mlir %}
// RUN: %if host-avx512f %{ llvm-objdump -d %t.host.o | FileCheck %s --check-prefix=ZMM %}
// RUN: %if host-avx512f %{ mlir-translate --mlir-to-llvmir %t.host.mlir | llc -O3 | FileCheck %s --check-prefix=ZMM %}
// ZMM: zmm
