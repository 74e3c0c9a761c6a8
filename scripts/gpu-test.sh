#!/usr/bin/env bash
# Builds qf with its GPU programs and, when an NVIDIA GPU is present, runs
# what needs one: the lit tests that REQUIRE `cuda` (features from
# qf-cuda-probe: cuda, cuda-sm_90, cuda-sm_100, cuda-sm_12x, ...), the check
# of the hardware FP8 conversions against qf's numerics over all 2^32 f32
# patterns (qf-fp8-cvt-check), and qf-gpu-bench in its smoke mode. Without a
# GPU it builds (so the GPU programs cannot rot), says that it skipped and
# exits 0. docs/gpu-lowering.md, "Running on a GPU".
#   --quick   FP8 check on every 4096th pattern instead of all of them
#   --bench   full qf-gpu-bench run (copy bandwidth, cuBLASLt FP8 GEMM)
#             instead of the smoke run
# QF_BUILD_DIR picks the build folder (default build/).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${QF_BUILD_DIR:-$root/build}"
quick=0
bench=0
for a in "$@"; do
  case "$a" in
    --quick) quick=1 ;;
    --bench) bench=1 ;;
    *) echo "usage: scripts/gpu-test.sh [--quick] [--bench]" >&2; exit 2 ;;
  esac
done
say() { echo "gpu-test: $*"; }

# qf-gpu-bench needs the CUDA toolkit's cudart and cuBLASLt headers and
# libraries (not a GPU); CMake's FindCUDAToolkit looks in the same places.
toolkit=""
for t in "${CUDAToolkit_ROOT:-}" "${CUDA_HOME:-}" "${CUDA_PATH:-}" \
         "$(dirname "$(dirname "$(command -v nvcc 2>/dev/null || echo /x/x)")")" \
         /usr/local/cuda; do
  if [ -n "$t" ] && [ -f "$t/include/cublasLt.h" ]; then toolkit="$t"; break; fi
done
if [ -n "$toolkit" ]; then
  gpu_bench=ON
else
  gpu_bench=OFF
  say "no CUDA toolkit with cuBLASLt found: qf-gpu-bench is not built"
fi
if [ -f "$build/build.ninja" ]; then
  cmake -DQF_BUILD_GPU_BENCH=$gpu_bench ${toolkit:+-DCUDAToolkit_ROOT="$toolkit"} \
    "$build" >/dev/null
else
  export QF_CMAKE_ARGS="${QF_CMAKE_ARGS:-} -DQF_BUILD_GPU_BENCH=$gpu_bench \
${toolkit:+-DCUDAToolkit_ROOT=$toolkit}"
fi
QF_BUILD_DIR="$build" "$root/scripts/build.sh"

if ! gpus="$("$build/bin/qf-cuda-probe" 2>&1)"; then
  say "SKIPPED: no GPU to run on (${gpus#qf-cuda-probe: })"
  say "built: qf_cuda_runtime, qf-cuda-probe, qf-fp8-cvt-check$([ $gpu_bench = ON ] && echo ', qf-gpu-bench')"
  exit 0
fi
while read -r chip name; do say "GPU: $name ($chip)"; done <<<"$gpus"

failed=()
# The lit tests that need a GPU: every test file naming the cuda feature in
# a REQUIRES line.
mapfile -t tests < <(cd "$root/test" &&
  grep -rlE '^// REQUIRES:.*\bcuda(-sm_[0-9]+x?)?\b' --include='*.mlir' . |
  sed 's|^\./||' | sort)
if [ ${#tests[@]} -gt 0 ]; then
  filter="$(printf '%s\n' "${tests[@]}" | sed 's/[.]/\\./g' | paste -sd'|')"
  say "lit: ${#tests[@]} GPU tests"
  lit="$(grep -m1 -oE "^config.llvm_tools_dir = r\"[^\"]*\"" \
    "$build/test/lit.site.cfg.py" | sed 's/.*r"\(.*\)"/\1/')/lit"
  [ -x "$lit" ] || lit=lit
  out="$("$lit" -v "$build/test" --filter "$filter" 2>&1)" || failed+=(lit)
  echo "$out" | grep -E '^(PASS|FAIL|UNSUPPORTED|XFAIL|XPASS|UNRESOLVED):|^  (Passed|Failed|Unsupported)' || true
  if echo "$out" | grep -q '^UNSUPPORTED:'; then
    say "note: some GPU tests need another chip than this GPU's"
  fi
  echo "$out" | grep -q '^FAIL\|^UNRESOLVED' && echo "$out" | sed -n '/^\*\*\*\*/,/^\*\*\*\*/p' || true
fi

if [ $quick = 1 ]; then stride=4096; else stride=1; fi
say "qf-fp8-cvt-check --stride=$stride"
"$build/bin/qf-fp8-cvt-check" --stride=$stride || failed+=(qf-fp8-cvt-check)

if [ $gpu_bench = ON ]; then
  if [ $bench = 1 ]; then
    say "qf-gpu-bench (full run)"
    "$build/bin/qf-gpu-bench" || failed+=(qf-gpu-bench)
  else
    say "qf-gpu-bench --smoke"
    "$build/bin/qf-gpu-bench" --smoke || failed+=(qf-gpu-bench)
  fi
fi

if [ ${#failed[@]} -gt 0 ]; then
  say "FAILED: ${failed[*]}"
  exit 1
fi
say "RAN on the GPU: all passed"
