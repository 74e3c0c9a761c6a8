// scripts/demo.sh --rotate at a small size: the generated block with
// heavy-tailed weights and outlier activation channels, quantized to
// MXINT4 weights / MXINT8 activations without and with qf-insert-hadamard
// (fold-gamma), run against its f32 version. qf-report shows each weight's
// QSNR without / with the rotation, and the rotated model's output error is
// clearly below the unrotated one's.
// RUN: %python %qf_src/examples/gen-transformer-block.py --seq 8 --dim 64 --heads 2 --ffn 128 --reps 1 --outliers -o %t.block.mlir
// RUN: qf-opt %t.block.mlir --qf-quantize-model="weight-format=mxint4 activation-format=mxint8 exclude=ref" --qf-cpu-pipeline 2>/dev/null | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils > %t.plain
// RUN: qf-opt %t.block.mlir --qf-quantize-model="weight-format=mxint4 activation-format=mxint8 exclude=ref fold-weights=false" --qf-insert-hadamard=fold-gamma --qf-report --canonicalize -o %t.q.mlir 2>/dev/null | FileCheck %s --check-prefix=REPORT
// RUN: qf-opt %t.q.mlir --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils > %t.rot
// RUN: %python -c "import re; e = lambda f: float(re.search(r'error \(quantized vs f32\): ([0-9.e-]+)', open(f).read()).group(1)); p, r = e('%t.plain'), e('%t.rot'); print('plain', p, 'rotated', r, 'gain', r < 0.8 * p)" | FileCheck %s
// CHECK: gain True
// REPORT: QSNR dB no-rot dB rot dB
// REPORT: weight 64x64 mxint4 4.25 16384 2176 [[Q:[0-9.]+]] {{[0-9.]+}} [[Q]]
