// qf-cpu-pipeline refuses, with the reason, a target it cannot honour:
// AVX-512 kernels asked for a CPU without avx512f (never silently dropped),
// and CPUs or features that LLVM does not know (which LLVM itself would only
// warn about and ignore).
// REQUIRES: host-x86_64

// RUN: not qf-opt %s --qf-cpu-pipeline="target-cpu=x86-64-v3 avx512=true" 2>&1 | FileCheck %s --check-prefix=V3
// V3: error: qf-cpu-pipeline: avx512=true needs AVX-512 (avx512f), which the target lacks: target-cpu=x86-64-v3 with target-features=""; leave avx512 unset or choose an AVX-512 CPU

// RUN: not qf-opt %s --qf-cpu-pipeline="target-cpu=znver4 target-features=-avx512f avx512=true" 2>&1 | FileCheck %s --check-prefix=ZN4
// ZN4: error: qf-cpu-pipeline: avx512=true needs AVX-512 (avx512f), which the target lacks: target-cpu=znver4 with target-features="-avx512f"

// The host with avx512f removed: named as the host, with its features.
// RUN: not qf-opt %s --qf-cpu-pipeline="target-features=-avx512f avx512=true" 2>&1 | FileCheck %s --check-prefix=HOST
// HOST: error: qf-cpu-pipeline: avx512=true needs AVX-512 (avx512f), which the target lacks: target-cpu={{[a-z0-9-]+}} (the host) with target-features="{{.*}}-avx512f"

// RUN: not qf-opt %s --qf-cpu-pipeline="target-cpu=pentium9" 2>&1 | FileCheck %s --check-prefix=CPU
// CPU: error: qf-cpu-pipeline: target-cpu 'pentium9' is not a CPU that LLVM knows for x86_64-{{.*}} (names as in llc -mcpu=help, e.g. x86-64-v3, znver4, or empty for the host)

// RUN: not qf-opt %s --qf-cpu-pipeline="target-features=+avx2,+avx513" 2>&1 | FileCheck %s --check-prefix=FEATURE
// FEATURE: error: qf-cpu-pipeline: 'avx513' is not a CPU feature that LLVM knows for x86_64-{{.*}} (feature names as in llc -mattr=help, e.g. avx2, avx512f)

// RUN: not qf-opt %s --qf-cpu-pipeline="target-cpu=x86-64-v3 target-features=avx2" 2>&1 | FileCheck %s --check-prefix=SIGN
// SIGN: error: qf-cpu-pipeline: target-features entry 'avx2' needs a '+' (enable) or '-' (disable) in front, e.g. +avx2

// The pass on its own reports at the module.
// RUN: not qf-opt %s --qf-set-cpu-target="target-cpu=pentium9" 2>&1 | FileCheck %s --check-prefix=PASS
// PASS: qf-cpu-pipeline-target-invalid.mlir:[[# @LINE + 2]]:1: error: qf-set-cpu-target: target-cpu 'pentium9' is not a CPU that LLVM knows
// PASS-NOT: note:
module {
  func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
}
