#!/usr/bin/env bash
# The main job: installs dependencies, builds, and runs qf-opt on the example
# model IR (parse, verify, fold the quantized weights at compile time, print).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
build="${QF_BUILD_DIR:-$root/build}"
"$build/bin/qf-opt" "$root/examples/quantize.mlir" --canonicalize
