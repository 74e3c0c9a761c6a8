#!/usr/bin/env bash
# Installs dependencies, builds, and runs every test (gtest, lit, install
# consumer); ends with CTest's summary line.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
cd "${QF_BUILD_DIR:-$root/build}"
ctest --output-on-failure -j"${QF_JOBS:-$(nproc)}"
