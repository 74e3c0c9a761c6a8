#!/usr/bin/env bash
# Development timing of one qf.matmul kernel in cache (one thread, rdtsc,
# minimum over the calls), for comparing kernel changes; not the reported
# benchmark (scripts/bench.sh). Usage:
#   scripts/gemm-incache.sh WEIGHT ACT M K N [LAYOUT] [PIPELINE-OPTIONS]
#   WEIGHT: mxfp4 | nvfp4 | mxint4 | mxint8; ACT: f32 | mxint8;
#   LAYOUT: e.g. "tiled<32x4>" (empty: row-major).
# e.g. scripts/gemm-incache.sh mxfp4 f32 16 4096 256   (a 512 KiB weight, L2)
# QF_OPT (default build/bin/qf-opt) picks the compiler, QF_REPS (40) the calls,
# QF_FUSED=1 times a qf.fused_matmul with a ReLU epilogue instead.
# Prints ticks, multiply-adds per tick and the output hash.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
qfopt="${QF_OPT:-$root/build/bin/qf-opt}"
llvm="${QF_LLVM_BIN:-/usr/lib/llvm-22/bin}"
w=$1 act=$2 M=$3 K=$4 N=$5 lay="${6:-}" extra="${7:-}"
case $w in
  mxfp4 | mxint4) wb=4 blk=32 nv=0 ;;
  nvfp4) wb=4 blk=16 nv=1 ;;
  mxint8) wb=8 blk=32 nv=0 ;;
  *) echo "gemm-incache.sh: unknown weight format $w" >&2; exit 1 ;;
esac
xi=0 xt="tensor<${M}x${K}xf32>"
if [ "$act" = mxint8 ]; then
  xi=1 xt="!qf.tensor<${M}x${K}xf32, mxint8, axis = 1>"
fi
l=""
[ -n "$lay" ] && l=", layout = $lay"
wt="!qf.tensor<${N}x${K}xf32, $w, axis = 1$l>"
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
if [ "${QF_FUSED:-0}" = 1 ]; then
  cat > "$d/k.mlir" <<EOT
func.func @k(%x: $xt, %w: $wt) -> tensor<${M}x${N}xf32> attributes {llvm.emit_c_interface} {
  %y = qf.fused_matmul %x, %w transpose_b : $xt, $wt -> tensor<${M}x${N}xf32> {
  ^bb0(%s: f32):
    %z = arith.constant 0.0 : f32
    %r = arith.maximumf %s, %z : f32
    qf.yield %r : f32
  }
  return %y : tensor<${M}x${N}xf32>
}
EOT
else
  cat > "$d/k.mlir" <<EOT
func.func @k(%x: $xt, %w: $wt) -> tensor<${M}x${N}xf32> attributes {llvm.emit_c_interface} {
  %y = qf.matmul %x, %w transpose_b : $xt, $wt -> tensor<${M}x${N}xf32>
  return %y : tensor<${M}x${N}xf32>
}
EOT
fi
"$qfopt" "$d/k.mlir" --qf-cpu-pipeline="threads=1 out-params $extra" |
  "$llvm/mlir-translate" --mlir-to-llvmir > "$d/k.ll"
"$llvm/llc" -O3 -relocation-model=pic -filetype=obj "$d/k.ll" -o "$d/k.o"
"$llvm/clang" -O2 -march=native "$root/scripts/incache/gemm.c" "$d/k.o" \
  -o "$d/run" -lm
echo -n "$w x $act ${lay:+$lay }: "
"$d/run" "$M" "$K" "$N" "$wb" "$blk" "$nv" "$xi" "${QF_REPS:-40}"
