// qf-set-cpu-target: every llvm.func, definition or declaration, gets the
// CPU and the feature changes; existing values are replaced, so the module
// is compiled for one CPU. Other ops are untouched.
// REQUIRES: host-x86_64
// RUN: qf-opt %s --qf-set-cpu-target="target-cpu=znver4 target-features=-avx512f,+avx2" | FileCheck %s
// RUN: qf-opt %s --qf-set-cpu-target="target-cpu=x86-64-v3" | FileCheck %s --check-prefix=V3
// RUN: qf-opt %s --qf-set-cpu-target | FileCheck %s --check-prefix=HOST

// CHECK-LABEL: llvm.func @decl(i32) -> i32
// CHECK-SAME: attributes {target_cpu = "znver4", target_features = #llvm.target_features<["-avx512f", "+avx2"]>}
// CHECK-LABEL: llvm.func @def(
// CHECK-SAME: attributes {target_cpu = "znver4", target_features = #llvm.target_features<["-avx512f", "+avx2"]>}
// CHECK-LABEL: llvm.func @retarget(
// CHECK-SAME: attributes {target_cpu = "znver4", target_features = #llvm.target_features<["-avx512f", "+avx2"]>}
// CHECK: func.func @not_llvm()
// CHECK-NOT: target_cpu
// V3-LABEL: llvm.func @decl(i32) -> i32
// V3-SAME: attributes {target_cpu = "x86-64-v3", target_features = #llvm.target_features<[]>}
// V3-LABEL: llvm.func @retarget(
// V3-SAME: attributes {target_cpu = "x86-64-v3", target_features = #llvm.target_features<[]>}
// HOST-LABEL: llvm.func @def(
// HOST-SAME: attributes {target_cpu = "{{[a-z0-9-]+}}", target_features = #llvm.target_features<[{{.*}}]>}
llvm.func @decl(i32) -> i32
llvm.func @def(%a: i32) -> i32 {
  %r = llvm.call @decl(%a) : (i32) -> i32
  llvm.return %r : i32
}
llvm.func @retarget() attributes {target_cpu = "skylake", target_features = #llvm.target_features<["+avx512f"]>} {
  llvm.return
}
func.func @not_llvm() {
  return
}
