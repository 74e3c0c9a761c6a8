// Convolutions quantized by qf-quantize-model (im2col + qf.matmul), executed
// against the f32 convolutions of the same program. Inputs/gen-conv-model.py
// writes two small CNNs with seeded Gaussian weights (NHWC with tensor.pad,
// bias + ReLU + residual, a 1x1 conv, dilation 2 and SiLU; NCHW with stride
// 2, a broadcast bias as the accumulator, K = 75 zero-padded, and a grouped
// conv); their "ref" convolutions are excluded, and @main prints the relative
// RMS error of each network's output. The bounds follow the formats' QSNR, as
// for matmuls (quantize-model.mlir), compounded over 2-3 layers: MXFP4
// weights (~17 dB per tensor) give 0.1-0.25; MXINT8 weights with MXFP8
// activations (E4M3, ~31 dB) 0.04-0.1; MXINT8 everywhere (~40 dB) below 0.03;
// per-channel INT8 weights with per-tensor FP8 activations 0.02-0.07.
// Each bound fails for a wrong patch or weight layout (errors near 1).
// RUN: %python %S/Inputs/gen-conv-model.py > %t.mlir
// RUN: qf-opt %t.mlir --qf-quantize-model="exclude=ref" --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s --check-prefix=FP4
// RUN: qf-opt %t.mlir --qf-quantize-model="exclude=ref weight-format=mxint8" --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s --check-prefix=INT8
// RUN: qf-opt %t.mlir --qf-quantize-model="exclude=ref weight-format=mxint8 activation-format=mxint8" --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s --check-prefix=I8I8
// RUN: qf-opt %t.mlir --qf-quantize-model="exclude=ref weight-format=int8_channel activation-format=fp8_tensor" --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s --check-prefix=CHAN
// Sparse-quantized weights (MXINT4 + 2 INT8 outliers per bank of 32,
// 5.31 bits): the same layers, K = 75 zero-padded and the grouped conv
// included, below MXINT4's 0.16-0.17 (sq-conv.mlir checks SQ convolutions
// bit for bit against the folded filter).
// RUN: qf-opt %t.mlir --qf-quantize-model='exclude=ref weight-format="#qf.format<mxint4, bank = 32, outliers = 2>" weight-scale-search=none' --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s --check-prefix=SQ
// RUN: qf-opt %t.mlir --qf-quantize-model="exclude=ref" 2>&1 >/dev/null | FileCheck %s --check-prefix=REMARK
// Fusion keeps the results: the same output without qf-fuse-requantize. In
// net_a the 3x3 conv's bias + ReLU + residual (quantized for the 1x1 conv),
// the 1x1 conv's ReLU and the last conv's SiLU run in GEMM epilogues; net_b's
// NCHW products are transposed before their epilogues and stay qf.matmul.
// RUN: qf-opt %t.mlir --qf-quantize-model="exclude=ref" --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils > %t.fused
// RUN: qf-opt %t.mlir --qf-quantize-model="exclude=ref" --qf-cpu-pipeline="fuse=false" | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils > %t.unfused
// RUN: diff %t.fused %t.unfused
// RUN: qf-opt %t.mlir --qf-quantize-model="exclude=ref" --qf-fuse-requantize 2>/dev/null | FileCheck %s --check-prefix=FUSE
// FUSE-LABEL: func.func @net_a(
// FUSE-COUNT-3: qf.fused_matmul
// FUSE-LABEL: func.func @net_b(
// FUSE-COUNT-2: qf.matmul
// FUSE-NOT: qf.fused_matmul

// FP4: net_a relative RMS error: 0.{{1[0-9]|2[0-4]}}
// FP4: net_b relative RMS error: 0.{{1[0-9]|2[0-4]}}
// INT8: net_a relative RMS error: 0.0{{[4-9]}}
// INT8: net_b relative RMS error: 0.0{{[4-9]}}
// I8I8: net_a relative RMS error: 0.0{{[0-2]}}
// I8I8: net_b relative RMS error: 0.0{{[0-2]}}
// CHAN: net_a relative RMS error: 0.0{{[2-6]}}
// CHAN: net_b relative RMS error: 0.0{{[2-6]}}
// SQ: net_a relative RMS error: 0.1{{[1-4]}}
// SQ: net_b relative RMS error: 0.1{{[1-4]}}

// REMARK-DAG: remark: qf-quantize-model: @net_a: 3 of 6 contractions quantized (3 of 6 convolutions); left in f32: 2 linalg.conv_2d_nhwc_hwcf, 1 linalg.conv_2d_nhwc_fhwc
// REMARK-DAG: remark: qf-quantize-model: @net_b: 2 of 4 contractions quantized (2 of 4 convolutions); left in f32: 1 linalg.conv_2d_nchw_fchw, 1 linalg.conv_2d_ngchw_fgchw
