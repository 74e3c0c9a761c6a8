#!/usr/bin/env bash
# Builds the libFuzzer harnesses of fuzz/ into build-fuzz/ (qf instrumented
# with libFuzzer coverage, ASan and UBSan) and runs each for SECONDS (default
# 60), one after the other, from its seed corpus in fuzz/corpus/<name>; new
# inputs collect in build-fuzz/corpus/<name>, crashes in
# build-fuzz/crashes/<name>. Prints one summary line per harness; exits 1 if
# any harness failed. QF_FUZZERS="a b" picks harnesses.
#
# scripts/fuzz.sh --ci: the short run of .ci/run. The five harnesses that do
# not link the whole compiler (pass-pipeline-fuzzer needs every qf library
# instrumented, about ten more minutes of build on 2 cores) for 30 s each,
# after the gtests of the libraries they cover (numerics, calibration table,
# weight readers, calibration runtime), run in the same ASan + UBSan build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
ci=0
if [ "${1:-}" = "--ci" ]; then
  ci=1
  shift
  QF_FUZZERS="${QF_FUZZERS:-format-attr-fuzzer numerics-fuzzer calibration-table-fuzzer pack-weights-fuzzer dialect-parser-fuzzer}"
fi
seconds="${1:-$([ $ci = 1 ] && echo 30 || echo 60)}"
build="${QF_FUZZ_BUILD_DIR:-$root/build-fuzz}"
llvm=/usr/lib/llvm-22
"$root/scripts/install-deps.sh"
fuzzers=(${QF_FUZZERS:-format-attr-fuzzer numerics-fuzzer calibration-table-fuzzer
         pack-weights-fuzzer dialect-parser-fuzzer pass-pipeline-fuzzer})
if [ ! -f "$build/build.ninja" ]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER="$llvm/bin/clang" -DCMAKE_CXX_COMPILER="$llvm/bin/clang++" \
    -DMLIR_DIR="$llvm/lib/cmake/mlir" -DLLVM_EXTERNAL_LIT="$llvm/bin/lit" \
    -DQF_BUILD_FUZZERS=ON -DQF_BUILD_BENCH=OFF >/dev/null
fi
unit_tests=()
if [ $ci = 1 ]; then
  unit_tests=(QFNumericsTests QFTransformsTests QFToolsTests QFRuntimeTests)
fi
cmake --build "$build" --target "${fuzzers[@]}" "${unit_tests[@]}" -- -j"${QF_JOBS:-$(nproc)}"
# As in scripts/test.sh --sanitize: LLVM's header allocator code compiled into
# the instrumented harness poisons memory the uninstrumented libMLIR touches
# (use-after-poison false positives); every other report stays fatal.
export ASAN_OPTIONS="${ASAN_OPTIONS:-allow_user_poisoning=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
# The table the pass-pipeline harness gives qf-assign-formats / qf-fold-scales.
export QF_FUZZ_CALIBRATION="${QF_FUZZ_CALIBRATION:-$root/test/Transforms/Inputs/calib-moments.json}"
for t in "${unit_tests[@]}"; do
  exe=$(find "$build/unittests" -name "$t" -type f -perm -u+x | head -1)
  echo "fuzz --ci: $t under ASan + UBSan"
  "$exe" --gtest_brief=1
done
status=0
summary=()
for f in "${fuzzers[@]}"; do
  name="${f%-fuzzer}"
  corpus="$build/corpus/$name" crashes="$build/crashes/$name"
  mkdir -p "$corpus" "$crashes"
  log="$build/fuzz-$name.log"
  # -rss_limit_mb: an input that needs more memory is a finding too.
  if "$build/bin/$f" -max_total_time="$seconds" -rss_limit_mb=2048 \
       -artifact_prefix="$crashes/" -print_final_stats=1 \
       "$corpus" "$root/fuzz/corpus/$name" >"$log" 2>&1; then
    result=ok
  else
    result="FAILED (see $log; input in $crashes)"
    status=1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  summary+=("$(printf '%-26s %6ss %10s runs  %s' "$f" "$seconds" "${runs:-?}" "$result")")
done
echo "fuzz summary:"
printf '  %s\n' "${summary[@]}"
exit $status
