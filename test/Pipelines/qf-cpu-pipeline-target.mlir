// qf-cpu-pipeline compiles for one CPU: every llvm.func, declarations
// included, carries target_cpu and target_features (LLVM's -mcpu / -mattr
// spellings), so that mlir-translate, llc and mlir-runner compile each
// function for that CPU; and the AVX-512 lowering (convert-qf-to-vector's
// x86-avx512 table decode of 4-bit weights, the constant table below, and
// convert-vector-to-llvm's x86vector) follows the resolved features. Errors:
// qf-cpu-pipeline-target-invalid.mlir; execution:
// Integration/CPU/target-cpu.mlir.
// REQUIRES: host-x86_64

// AVX2 (x86-64-v3): the arithmetic decode; the feature list is present and
// empty (the CPU's own features), so a JIT's host features do not apply.
// RUN: qf-opt %s --qf-cpu-pipeline="target-cpu=x86-64-v3" | FileCheck %s --check-prefix=V3 --implicit-check-not=llvm.func
// RUN: qf-opt %s --qf-cpu-pipeline="target-cpu=x86-64-v3" | FileCheck %s --check-prefix=NOTABLE
// RUN: qf-opt %s --qf-cpu-pipeline="target-cpu=x86-64-v3" --dump-pass-pipeline -o /dev/null 2>&1 | FileCheck %s --check-prefix=V3-PIPE
// V3: llvm.func @free(!llvm.ptr) attributes {target_cpu = "x86-64-v3", target_features = #llvm.target_features<[]>}
// V3: llvm.func @malloc(i64) -> !llvm.ptr attributes {target_cpu = "x86-64-v3", target_features = #llvm.target_features<[]>}
// V3: llvm.func @gemv({{.*}}) -> {{.*}} attributes {target_cpu = "x86-64-v3", target_features = #llvm.target_features<[]>} {
// V3: llvm.func @quant({{.*}}) -> {{.*}} attributes {target_cpu = "x86-64-v3", target_features = #llvm.target_features<[]>} {
// V3: llvm.func @__qf_kernel_0({{.*}}) attributes {sym_visibility = "private", target_cpu = "x86-64-v3", target_features = #llvm.target_features<[]>} {
// V3: llvm.func @__qf_kernel_1({{.*}}) -> {{.*}} attributes {sym_visibility = "private", target_cpu = "x86-64-v3", target_features = #llvm.target_features<[]>} {
// NOTABLE-NOT: dense<[0.000000e+00, 5.000000e-01, 1.000000e+00
// V3-PIPE: convert-qf-to-vector{int-dot=true int-dot-min-rows=16 vector-width=16 x86-avx512=false x86-vnni=false}
// V3-PIPE: enable-x86vector=false
// V3-PIPE: qf-set-cpu-target{target-cpu=x86-64-v3 target-features=}

// The attributes become LLVM IR function attributes.
// RUN: qf-opt %s --qf-cpu-pipeline="target-cpu=x86-64-v3" | mlir-translate --mlir-to-llvmir | FileCheck %s --check-prefix=LLVMIR
// LLVMIR: define {{.*}} @gemv({{.*}}) #[[A:[0-9]+]]
// LLVMIR: attributes #[[A]] = { "target-cpu"="x86-64-v3" "target-features" }

// AVX-512 (x86-64-v4): the table decode.
// RUN: qf-opt %s --qf-cpu-pipeline="target-cpu=x86-64-v4" | FileCheck %s --check-prefix=V4
// RUN: qf-opt %s --qf-cpu-pipeline="target-cpu=x86-64-v4" --dump-pass-pipeline -o /dev/null 2>&1 | FileCheck %s --check-prefix=V4-PIPE
// V4: llvm.func @gemv({{.*}}) -> {{.*}} attributes {target_cpu = "x86-64-v4", target_features = #llvm.target_features<[]>} {
// V4: dense<[0.000000e+00, 5.000000e-01, 1.000000e+00, 1.500000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00, 6.000000e+00, -0.000000e+00, -5.000000e-01, -1.000000e+00, -1.500000e+00, -2.000000e+00, -3.000000e+00, -4.000000e+00, -6.000000e+00]> : vector<16xf32>
// V4-PIPE: convert-qf-to-vector{int-dot=true int-dot-min-rows=16 vector-width=16 x86-avx512=true x86-vnni=false}
// V4-PIPE: enable-x86vector=true
// V4-PIPE: qf-set-cpu-target{target-cpu=x86-64-v4 target-features=}

// avx512=false on an AVX-512 CPU: the kernels without the table, the CPU
// unchanged.
// RUN: qf-opt %s --qf-cpu-pipeline="target-cpu=x86-64-v4 avx512=false" | FileCheck %s --check-prefix=NOTABLE
// RUN: qf-opt %s --qf-cpu-pipeline="target-cpu=x86-64-v4 avx512=false" --dump-pass-pipeline -o /dev/null 2>&1 | FileCheck %s --check-prefix=V4-OFF-PIPE
// V4-OFF-PIPE: convert-qf-to-vector{int-dot=true int-dot-min-rows=16 vector-width=16 x86-avx512=false x86-vnni=false}
// V4-OFF-PIPE: enable-x86vector=false
// V4-OFF-PIPE: qf-set-cpu-target{target-cpu=x86-64-v4 target-features=}

// Features change the CPU's, in order; what a feature implies counts
// (-avx512f also removes avx512bw, +avx512bw brings avx512f).
// RUN: qf-opt %s --qf-cpu-pipeline="target-cpu=znver4 target-features=-avx512f" | FileCheck %s --check-prefix=ZN4
// RUN: qf-opt %s --qf-cpu-pipeline="target-cpu=znver4 target-features=-avx512f" --dump-pass-pipeline -o /dev/null 2>&1 | FileCheck %s --check-prefix=ZN4-PIPE
// RUN: qf-opt %s --qf-cpu-pipeline='target-cpu=x86-64-v3 target-features="+avx512bw" avx512=true' --dump-pass-pipeline -o /dev/null 2>&1 | FileCheck %s --check-prefix=BW-PIPE
// ZN4: llvm.func @gemv({{.*}}) -> {{.*}} attributes {target_cpu = "znver4", target_features = #llvm.target_features<["-avx512f"]>} {
// ZN4-PIPE: convert-qf-to-vector{int-dot=true int-dot-min-rows=16 vector-width=16 x86-avx512=false x86-vnni=false}
// ZN4-PIPE: qf-set-cpu-target{target-cpu=znver4 target-features=-avx512f}
// BW-PIPE: convert-qf-to-vector{int-dot=true int-dot-min-rows=16 vector-width=16 x86-avx512=true x86-vnni=false}
// BW-PIPE: qf-set-cpu-target{target-cpu=x86-64-v3 target-features=+avx512bw}

// The default is the host: its CPU name, then its features where they
// differ from that CPU's; AVX-512 kernels exactly when it has avx512f.
// Requested features come last, so they win over the host's.
// RUN: qf-opt %s --qf-cpu-pipeline="target-cpu=znver4" --dump-pass-pipeline -o /dev/null 2>&1 | FileCheck %s --check-prefix=ZN4-VNNI
// RUN: qf-opt %s --qf-cpu-pipeline="target-cpu=znver4 int-dot=false" --dump-pass-pipeline -o /dev/null 2>&1 | FileCheck %s --check-prefix=NO-INT-DOT
// A target with AVX512-VNNI (Zen 4) gets vpdpbusd for the integer GEMM;
// int-dot=false keeps the f32 tiles.
// ZN4-VNNI: convert-qf-to-vector{int-dot=true int-dot-min-rows=16 vector-width=16 x86-avx512=true x86-vnni=true}
// NO-INT-DOT: convert-qf-to-vector{int-dot=false int-dot-min-rows=16 vector-width=16 x86-avx512=true x86-vnni=true}
// RUN: qf-opt %s --qf-cpu-pipeline | FileCheck %s --check-prefix=HOST
// RUN: qf-opt %s --qf-cpu-pipeline --dump-pass-pipeline -o /dev/null 2>&1 | FileCheck %s --check-prefix=%if host-avx512f %{HOST512%} %else %{HOSTNO512%}
// RUN: qf-opt %s --qf-cpu-pipeline="target-cpu=native" --dump-pass-pipeline -o /dev/null 2>&1 | FileCheck %s --check-prefix=%if host-avx512f %{HOST512%} %else %{HOSTNO512%}
// RUN: qf-opt %s --qf-cpu-pipeline="target-features=+avx2,+fma,-avx512f" | FileCheck %s --check-prefix=HOST-NO512
// RUN: qf-opt %s --qf-cpu-pipeline="target-features=+avx2,+fma,-avx512f" | FileCheck %s --check-prefix=NOTABLE
// HOST: llvm.func @gemv({{.*}}) -> {{.*}} attributes {target_cpu = "{{[a-z0-9-]+}}", target_features = #llvm.target_features<[{{.*}}]>} {
// HOST512: convert-qf-to-vector{int-dot=true int-dot-min-rows=16 vector-width=16 x86-avx512=true x86-vnni={{true|false}}}
// HOST512: enable-x86vector=true
// HOSTNO512: convert-qf-to-vector{int-dot=true int-dot-min-rows=16 vector-width=16 x86-avx512=false x86-vnni=false}
// HOSTNO512: enable-x86vector=false
// HOST-NO512: llvm.func @gemv({{.*}}) -> {{.*}} attributes {target_cpu = "{{[a-z0-9-]+}}", target_features = #llvm.target_features<[{{.*}}"+avx2", "+fma", "-avx512f"]>} {

func.func @gemv(%x: tensor<1x64xf32>, %w: !qf.tensor<8x64xf32, mxfp4, axis = 1>) -> tensor<1x8xf32> {
  %c = qf.matmul %x, %w transpose_b : tensor<1x64xf32>, !qf.tensor<8x64xf32, mxfp4, axis = 1> -> tensor<1x8xf32>
  return %c : tensor<1x8xf32>
}

func.func @quant(%x: tensor<?x64xf32>) -> !qf.tensor<?x64xf32, mxfp4> {
  %q = qf.quantize %x : tensor<?x64xf32> -> !qf.tensor<?x64xf32, mxfp4>
  return %q : !qf.tensor<?x64xf32, mxfp4>
}
