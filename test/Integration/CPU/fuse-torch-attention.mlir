// qf-fuse-requantize on torch-mlir style IR (gen-torch-attention.py: copy
// generics, a unit batch dim, batch_matmul through reshapes, broadcast bias
// adds, a 4-D softmax with a mask and torch's max-with-index, post-LayerNorm,
// a GELU MLP): every contraction fuses, and the fused program computes the
// bits of the unfused one (fuse=false), at three vector widths.
// RUN: %python %S/gen-torch-attention.py -o %t.gen.mlir
// RUN: qf-opt %t.gen.mlir --qf-quantize-model -o %t.q.mlir 2>/dev/null
// RUN: qf-opt %t.q.mlir --qf-fuse-requantize 2>/dev/null | FileCheck %s --check-prefix=IR
// RUN: qf-opt %t.q.mlir --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils > %t.fused
// RUN: qf-opt %t.q.mlir --qf-cpu-pipeline="vector-width=8" | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils > %t.fused8
// RUN: qf-opt %t.q.mlir --qf-cpu-pipeline=fuse=false | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils > %t.unfused
// Vector width 64 (blocks of 32 are not whole chunks): the unfused
// programs of the fused ops (qf.map kernel, linalg row forms) with their
// broadcast epilogue inputs.
// RUN: qf-opt %t.q.mlir --qf-cpu-pipeline="vector-width=64" | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils > %t.fused64
// RUN: diff %t.fused %t.unfused
// RUN: diff %t.fused8 %t.unfused
// RUN: diff %t.fused64 %t.unfused
// RUN: FileCheck %s < %t.fused

// Q and K: bias in the epilogue (a broadcast epilogue input), head split on
// codes; K in the transpose_b form. V: bias and transpose_result. Scores:
// scale, mask (broadcast) and softmax (two qf.row_reduce) in the epilogue,
// padded to a block. O and down: bias and residual add (f32 results); up:
// bias and GELU. Only the first LayerNorm's output (the residual stream,
// also read by the down projection's epilogue) is quantized by itself.
// IR-LABEL: func.func @forward
// IR-NOT: qf.matmul
// IR-COUNT-2: qf.fused_matmul {{.*}} epilogue({{.*}} : tensor<64xf32>) {epilogue_maps = [#{{.*}}]} {{.*}} -> !qf.tensor<8x64xf32, mxfp8, axis = 1>
// IR: qf.fused_matmul {{.*}} transpose_b epilogue({{.*}} : tensor<8xf32>) {{.*}} -> !qf.tensor<2x8x32xf32, mxfp8, axis = 2>
// IR-COUNT-2: qf.row_reduce
// IR: qf.fused_matmul {{.*}} transpose_result epilogue({{.*}} : tensor<64xf32>) {{.*}} -> !qf.tensor<64x32xf32, mxfp8, axis = 1>
// IR: qf.fused_matmul {{.*}} transpose_b : {{.*}} -> !qf.tensor<2x8x32xf32, mxfp8, axis = 2>
// IR: qf.fused_matmul {{.*}} epilogue({{.*}} : tensor<64xf32>, tensor<8x64xf32>) {{.*}} -> tensor<8x64xf32>
// IR: qf.quantize %{{.*}} : tensor<8x64xf32> -> !qf.tensor<8x64xf32, mxfp8, axis = 1>
// IR: qf.fused_matmul {{.*}} -> !qf.tensor<8x128xf32, mxfp8, axis = 1>
// IR: math.erf
// IR: qf.fused_matmul {{.*}} epilogue({{.*}} : tensor<64xf32>, tensor<8x64xf32>) {{.*}} -> tensor<8x64xf32>
// IR-NOT: qf.matmul
// IR: return

// CHECK: torch layer output hash: {{-?[0-9]+}}
