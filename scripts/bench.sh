#!/usr/bin/env bash
# Builds and runs qf-bench (quantize / dequantize / GEMV throughput against
# memcpy) and prints the tables of docs/performance.md. Extra arguments go to
# Google Benchmark, e.g.
#   scripts/bench.sh --benchmark_filter='memcpy|quantize/nv'
# QF_BENCH_REPS (default 3) repetitions per benchmark, interleaved at random
# with the others; the fastest counts.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${QF_BUILD_DIR:-$root/build}"
"$root/scripts/install-deps.sh"
# Configure (and build) once; afterwards only qf-bench and what it needs.
[ -f "$build/build.ninja" ] || "$root/scripts/build.sh"
cmake --build "$build" --target qf-bench
json="$build/bench/qf-bench.json"
# Other processes on a 2-core machine distort the 2-thread numbers most.
load=$(cut -d' ' -f1 /proc/loadavg)
if awk "BEGIN{exit !($load > 0.5)}"; then
  echo "bench.sh: load average $load; other processes will lower the numbers" >&2
fi
"$build/bin/qf-bench" --benchmark_counters_tabular=true \
  --benchmark_repetitions="${QF_BENCH_REPS:-3}" \
  --benchmark_enable_random_interleaving=true \
  --benchmark_out="$json" --benchmark_out_format=json "$@"
echo
python3 "$root/bench/report.py" "$json"
