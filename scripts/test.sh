#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test (gtest, lit, install
# consumer); ends with CTest's summary line.
#   --sanitize  builds qf's own code with ASan + UBSan into build-asan/ (the
#               MLIR libraries are not instrumented) and runs the same tests
#               there (docs/reliability.md).
#   --tsan      builds qf-opt and the runtime tests with ThreadSanitizer into
#               build-tsan/ and runs the tests of the threaded paths: the
#               calibration runtime observed from many threads and the pass
#               manager running qf's folders on many functions at once.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ "${1:-}" = "--sanitize" ]; then
  export QF_BUILD_DIR="${QF_BUILD_DIR:-$root/build-asan}"
  export QF_CMAKE_ARGS="-DQF_SANITIZE=ON -DQF_BUILD_BENCH=OFF"
  # Leaks at exit are not failures of a compiler run (MLIR keeps its
  # context's allocations until exit by design); every other report is.
  # allow_user_poisoning=0: LLVM's header-only allocator code compiled into
  # qf (instrumented) poisons memory that the uninstrumented libMLIR then
  # reads or frees, which ASan reports as use-after-poison in libMLIR.
  export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1:allow_user_poisoning=0}"
  export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
elif [ "${1:-}" = "--tsan" ]; then
  export QF_BUILD_DIR="${QF_BUILD_DIR:-$root/build-tsan}"
  export QF_CMAKE_ARGS="-DQF_SANITIZE_THREAD=ON -DQF_BUILD_BENCH=OFF"
  export QF_BUILD_TARGETS="qf-opt qf-cuda-probe QFRuntimeTests"
  export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}"
  "$root/scripts/install-deps.sh"
  "$root/scripts/build.sh"
  "$QF_BUILD_DIR/unittests/Runtime/QFRuntimeTests"
  /usr/lib/llvm-22/bin/lit "$QF_BUILD_DIR/test" -v --filter 'threaded-functions'
  exit 0
elif [ -n "${1:-}" ]; then
  echo "usage: scripts/test.sh [--sanitize | --tsan]" >&2
  exit 2
fi
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
cd "${QF_BUILD_DIR:-$root/build}"
ctest --output-on-failure -j"${QF_JOBS:-$(nproc)}"
