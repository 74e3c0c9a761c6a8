#!/usr/bin/env bash
# Configures (once) and builds qf into build/ with clang-22 and ninja;
# QF_BUILD_DIR picks another folder, QF_CMAKE_ARGS adds configure options,
# QF_BUILD_TARGETS limits the build to some targets.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${QF_BUILD_DIR:-$root/build}"
llvm=/usr/lib/llvm-22
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER="$llvm/bin/clang" \
    -DCMAKE_CXX_COMPILER="$llvm/bin/clang++" \
    -DMLIR_DIR="$llvm/lib/cmake/mlir" \
    -DLLVM_EXTERNAL_LIT="$llvm/bin/lit" ${QF_CMAKE_ARGS:-} >/dev/null
fi
cmake --build "$build" ${QF_BUILD_TARGETS:+--target $QF_BUILD_TARGETS} \
  -- -j"${QF_JOBS:-$(nproc)}"
