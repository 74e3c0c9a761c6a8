// qf-insert-hadamard rotate-residual keeps the f32 demo block (RMSNorm with
// gamma, attention, SwiGLU, residual adds; projections as f32 qf.matmul)
// equal to the unrotated linalg copy up to rounding, for one and two stacked
// blocks, block and full rotations. The online transforms: 2 at the stream's
// boundaries plus the O and down projections' own activations (2 per block);
// plain fold-gamma keeps one per normalization instead (4 per block).
// RUN: %python %qf_src/examples/gen-transformer-block.py --seq 4 --dim 64 --heads 2 --ffn 128 --reps 1 --qf-matmul -o %t.1.mlir
// RUN: %python %qf_src/examples/gen-transformer-block.py --seq 4 --dim 64 --heads 2 --ffn 128 --reps 1 --qf-matmul --layers 2 -o %t.2.mlir
// RUN: qf-opt %t.1.mlir --qf-insert-hadamard="rotate-residual block=32" --canonicalize --cse -o %t.r1.mlir 2>/dev/null
// RUN: qf-opt %t.2.mlir --qf-insert-hadamard="rotate-residual block=32" --canonicalize --cse -o %t.r2.mlir 2>/dev/null
// RUN: qf-opt %t.2.mlir --qf-insert-hadamard="fold-gamma block=32" --canonicalize --cse -o %t.g2.mlir 2>/dev/null
// RUN: grep -c "qf.hadamard" %t.r1.mlir | FileCheck %s --check-prefix=FOUR
// RUN: grep -c "qf.hadamard" %t.r2.mlir | FileCheck %s --check-prefix=SIX
// RUN: grep -c "qf.hadamard" %t.g2.mlir | FileCheck %s --check-prefix=EIGHT
// RUN: qf-opt %t.r1.mlir --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
// RUN: qf-opt %t.r2.mlir --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
// RUN: qf-opt %t.2.mlir --qf-insert-hadamard="rotate-residual block=full" --canonicalize --cse 2>/dev/null | qf-opt --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
// FOUR: 4
// SIX: 6
// EIGHT: 8
// The generated main prints the relative RMS error of @block (rotated)
// against @block_ref (linalg, unrotated): rounding only (~5e-7).
// CHECK: output relative RMS error (quantized vs f32): {{[0-9.]+e-0[6-9]$|[0-9.]+e-07$}}
