#!/usr/bin/env bash
# Builds and runs qf-bench (quantize / dequantize / GEMV throughput against
# memcpy). Extra arguments go to Google Benchmark, e.g.
#   scripts/bench.sh --benchmark_filter=quantize
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
build="${QF_BUILD_DIR:-$root/build}"
cmake --build "$build" --target qf-bench
exec "$build/bin/qf-bench" --benchmark_counters_tabular=true "$@"
