#!/usr/bin/env bash
# The main job: installs dependencies, builds, and runs the example model IR
# (examples/quantize.mlir): prints it after compile-time quantization of its
# weights, then compiles it with qf-cpu-pipeline (2 threads) and runs the
# quantized layer against its f32 version.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
build="${QF_BUILD_DIR:-$root/build}"
llvm=/usr/lib/llvm-22
echo "== examples/quantize.mlir after qf-opt --canonicalize (weights folded to qf.constant)"
"$build/bin/qf-opt" "$root/examples/quantize.mlir" --canonicalize | sed -n '/func.func @linear(/,/^  }/p'
echo "== compiled with qf-cpu-pipeline{threads=2} and run"
"$build/bin/qf-opt" "$root/examples/quantize.mlir" --canonicalize --qf-cpu-pipeline="threads=2" |
  "$llvm/bin/mlir-runner" -e main -entry-point-result=void \
    -shared-libs="$llvm/lib/libmlir_runner_utils.so,$llvm/lib/libmlir_c_runner_utils.so,$llvm/lib/libomp.so"
