#!/usr/bin/env bash
# Development timing of one qf.quantize kernel in cache (one thread, rdtsc,
# minimum over the calls), for comparing kernel changes; not the reported
# benchmark (scripts/bench.sh). Usage:
#   scripts/quantize-incache.sh FORMAT [R C] [PIPELINE-OPTIONS]
#   FORMAT: a format name (mxint8, mxfp8, mxfp6, mxfp4, mxint4, nvfp4, nvint4)
#   R x C: the f32 tensor, quantized along C (default 64 x 4096, 1 MiB: L2).
# QF_TS=1 gives two-level formats their tensor scale as an argument (no
# amax pass). QF_OPT (default build/bin/qf-opt) picks the compiler, QF_REPS (400) the
# calls. Prints ticks (the TSC's nominal clock), ticks per element and a
# hash of the codes and scales.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
qfopt="${QF_OPT:-$root/build/bin/qf-opt}"
llvm="${QF_LLVM_BIN:-/usr/lib/llvm-22/bin}"
f=$1 R=${2:-64} C=${3:-4096} extra="${4:-}"
case $f in
  mxint8 | mxfp8) bits=8 blk=32 nv=0 ;;
  mxfp6 | mxint6) bits=6 blk=32 nv=0 ;;
  mxfp4 | mxint4) bits=4 blk=32 nv=0 ;;
  nvfp4 | nvint4) bits=4 blk=16 nv=1 ;;
  *) echo "quantize-incache.sh: unknown format $f" >&2; exit 1 ;;
esac
t="!qf.tensor<${R}x${C}xf32, $f, axis = 1>"
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
ts=0 arg="" use=""
if [ "$nv" = 1 ] && [ "${QF_TS:-0}" = 1 ]; then
  ts=1 arg=", %g: tensor<f32>" use=" tensor_scale(%g : tensor<f32>)"
fi
cat > "$d/k.mlir" <<EOT
func.func @k(%x: tensor<${R}x${C}xf32>$arg) -> $t attributes {llvm.emit_c_interface} {
  %q = qf.quantize %x$use : tensor<${R}x${C}xf32> -> $t
  return %q : $t
}
EOT
"$qfopt" "$d/k.mlir" --qf-cpu-pipeline="threads=1 out-params $extra" |
  "$llvm/mlir-translate" --mlir-to-llvmir > "$d/k.ll"
"$llvm/llc" -O3 -relocation-model=pic -filetype=obj "$d/k.ll" -o "$d/k.o"
"$llvm/clang" -O2 -march=native "$root/scripts/incache/quantize.c" \
  "$d/k.o" -o "$d/run" -lm
echo -n "$f: "
"$d/run" "$R" "$C" "$bits" "$blk" "$nv" "$ts" "${QF_REPS:-400}"
