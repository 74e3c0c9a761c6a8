// qf-fuse-requantize on the demo transformer block (small size): the fused
// program (qf-cpu-pipeline, fusion on by default) and the unfused one
// (fuse=false) give the same output bits, with scales from the data and with
// calibrated static scales. The IR after fusion shows what is left in f32
// between quantized contractions (docs/passes.md, "qf-fuse-requantize").
// RUN: %python %qf_src/examples/gen-transformer-block.py --seq 8 --dim 64 --heads 2 --ffn 128 --reps 1 -o %t.gen.mlir
// RUN: cat %t.gen.mlir %S/Inputs/fuse-demo-hash.mlir > %t.block.mlir
// RUN: qf-opt %t.block.mlir --qf-quantize-model="exclude=ref" --canonicalize -o %t.q.mlir 2>/dev/null
// RUN: qf-opt %t.q.mlir --qf-fuse-requantize -o %t.f.mlir 2>&1 | FileCheck %s --allow-empty --check-prefix=REMARK
// RUN: FileCheck %s --check-prefix=IR < %t.f.mlir
// The f32 tensors @block still produces, in the IR that qf-cpu-pipeline
// lowers (after its qf-fuse-requantize step): see F32 below.
// RUN: qf-opt %t.q.mlir --qf-cpu-pipeline --mlir-print-ir-after=qf-fuse-requantize -o /dev/null 2>&1 | %python %qf_src/scripts/f32-tensors.py block | FileCheck %s --check-prefix=F32
// RUN: qf-opt %t.q.mlir --qf-cpu-pipeline | mlir-runner -e hash_main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils > %t.fused
// RUN: qf-opt %t.q.mlir --qf-cpu-pipeline=fuse=false | mlir-runner -e hash_main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils > %t.unfused
// RUN: diff %t.fused %t.unfused
// RUN: FileCheck %s < %t.fused
//
// Static scales (the demo's flow): calibrate, fold, compare again.
// RUN: qf-opt %t.block.mlir --qf-quantize-model="exclude=ref" --qf-instrument-calibration --qf-cpu-pipeline 2>/dev/null | env QF_CALIBRATION_OUT=%t.json mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils,%qf_runtime > /dev/null
// RUN: qf-opt %t.block.mlir --qf-quantize-model="exclude=ref" --qf-fold-scales="calibration=%t.json" --canonicalize -o %t.s.mlir 2>/dev/null
// RUN: qf-opt %t.s.mlir --qf-fuse-requantize 2>&1 | FileCheck %s --check-prefix=STATIC
// RUN: qf-opt %t.s.mlir --qf-cpu-pipeline --mlir-print-ir-after=qf-fuse-requantize -o /dev/null 2>&1 | %python %qf_src/scripts/f32-tensors.py block | FileCheck %s --check-prefix=F32
// RUN: qf-opt %t.s.mlir --qf-cpu-pipeline="threads=2" | mlir-runner -e hash_main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils,%omp_lib > %t.sfused
// RUN: qf-opt %t.s.mlir --qf-cpu-pipeline=fuse=false | mlir-runner -e hash_main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils > %t.sunfused
// RUN: diff %t.sfused %t.sunfused
// RUN: FileCheck %s < %t.sfused

// No quantize of an elementwise op that computes something stays unfused.
// REMARK-NOT: not fused

// In @block: each RMSNorm is one qf.map kernel (reading the residual stream
// and gamma; the row sum of squares is a qf.row_reduce in its body), the
// Q/K/V projections share
// one quantized input. The Q and K projections quantize in their epilogues
// and the head split moves codes (qf.reshape + qf.transpose; K^T becomes
// the transpose_b form on [h, s, d]). The scores' softmax (row max and sum
// as qf.row_reduce) and the pad of the keys run in the scores' epilogue;
// V (blocks along the padded sequence axis) quantizes in its projection's
// epilogue with transpose_result ([h*d, s]), reshaped to [h, d, s] for P*V
// in the transpose_b form. The attention output quantizes in the P*V
// epilogue and the head merge moves codes too. The O projection adds the
// residual in its epilogue (f32 result: the residual stream). The gate and
// up projections run as one dual GEMM with SwiGLU in its epilogue (the gate
// product is never stored), and the down projection reads its result and
// adds the residual in its epilogue.
// No f32 tensor between two quantized contractions: every contraction
// reads codes written by a fused kernel and writes codes, except the O and
// down projections, which write the residual stream (x + o, then + mlp: the
// block's state and output, f32 by design) with the add in their epilogues.
// What remains in f32 is only that stream (the two fused_matmul results):
// the RMSNorm row sums of squares are reduced inside the qf.map kernels that
// quantize the normalized rows. The constants are the two gammas.
// F32: arith.constant -> tensor<64xf32>
// F32-NEXT: arith.constant -> tensor<64xf32>
// F32-NEXT: qf.fused_matmul -> tensor<8x64xf32>
// F32-NEXT: qf.fused_matmul -> tensor<8x64xf32>
// F32-NOT: {{.}}

// IR-LABEL: func.func @block(
// IR: %[[N1:.*]] = qf.map(%arg0, %{{.*}}) {indexing_maps = {{.*}}} : (tensor<8x64xf32>, tensor<64xf32>) -> !qf.tensor<8x64xf32, mxfp8, axis = 1>
// IR: qf.row_reduce
// IR: math.rsqrt
// IR: %[[Q:.*]] = qf.fused_matmul %[[N1]], %{{.*}} transpose_b : {{.*}} -> !qf.tensor<8x64xf32, mxfp8, axis = 1>
// IR: %[[QR:.*]] = qf.reshape %[[Q]] : !qf.tensor<8x64xf32, mxfp8, axis = 1> -> !qf.tensor<8x2x32xf32, mxfp8, axis = 2>
// IR: %[[QH:.*]] = qf.transpose %[[QR]] permutation = [1, 0, 2] : !qf.tensor<8x2x32xf32, mxfp8, axis = 2> -> !qf.tensor<2x8x32xf32, mxfp8, axis = 2>
// IR: %[[K:.*]] = qf.fused_matmul %[[N1]], %{{.*}} transpose_b : {{.*}} -> !qf.tensor<8x64xf32, mxfp8, axis = 1>
// IR: %[[KR:.*]] = qf.reshape %[[K]]
// IR: %[[KH:.*]] = qf.transpose %[[KR]] permutation = [1, 0, 2]
// IR: %[[P:.*]] = qf.fused_matmul %[[QH]], %[[KH]] transpose_b : !qf.tensor<2x8x32xf32, mxfp8, axis = 2>, !qf.tensor<2x8x32xf32, mxfp8, axis = 2> -> !qf.tensor<2x8x32xf32, mxfp8, axis = 2> {
// IR: qf.row_reduce
// IR: math.exp
// IR: qf.row_reduce
// IR: arith.divf
// IR: %[[V:.*]] = qf.fused_matmul %[[N1]], %{{.*}} transpose_b transpose_result : {{.*}} -> !qf.tensor<64x32xf32, mxfp8, axis = 1>
// IR: %[[VT:.*]] = qf.reshape %[[V]] : !qf.tensor<64x32xf32, mxfp8, axis = 1> -> !qf.tensor<2x32x32xf32, mxfp8, axis = 2>
// IR-NOT: linalg.transpose
// IR-NOT: tensor.pad
// IR: %[[O:.*]] = qf.fused_matmul %[[P]], %[[VT]] transpose_b : {{.*}} -> !qf.tensor<2x8x32xf32, mxfp8, axis = 2>
// IR: %[[OT:.*]] = qf.transpose %[[O]] permutation = [1, 0, 2]
// IR: %[[OM:.*]] = qf.reshape %[[OT]] : !qf.tensor<8x2x32xf32, mxfp8, axis = 2> -> !qf.tensor<8x64xf32, mxfp8, axis = 1>
// IR-NOT: tensor.collapse_shape
// IR: %[[H1:.*]] = qf.fused_matmul %[[OM]], %{{.*}} transpose_b epilogue(%arg0 : tensor<8x64xf32>) : {{.*}} -> tensor<8x64xf32>
// IR: %[[N2:.*]] = qf.map(%[[H1]], %{{.*}}) {indexing_maps = {{.*}}} : (tensor<8x64xf32>, tensor<64xf32>) -> !qf.tensor<8x64xf32, mxfp8, axis = 1>
// IR: qf.row_reduce
// IR: math.rsqrt
// IR-NOT: qf.matmul %[[N2]]
// IR: %[[H:.*]] = qf.fused_matmul %[[N2]], %{{.*}}, %{{.*}} transpose_b : !qf.tensor<8x64xf32, mxfp8, axis = 1>, !qf.tensor<128x64xf32, mxfp4, axis = 1>, !qf.tensor<128x64xf32, mxfp4, axis = 1> -> !qf.tensor<8x128xf32, mxfp8, axis = 1>
// IR-NEXT: ^bb0(%{{.*}}: f32, %{{.*}}: f32):
// IR: math.exp
// IR: qf.yield
// IR: %[[OUT:.*]] = qf.fused_matmul %[[H]], %{{.*}} transpose_b epilogue(%[[H1]] : tensor<8x64xf32>) : {{.*}} -> tensor<8x64xf32>
// IR: return %[[OUT]]
// IR-LABEL: func.func @block_ref(

// With calibrated scales the head split/merge moves codes too (the static
// block scales take the inverse movement).
// STATIC: qf.map({{.*}}) scales(
// STATIC: qf.row_reduce
// STATIC: qf.fused_matmul {{.*}} transpose_b scales(
// STATIC: qf.reshape
// STATIC: %[[SQ:.*]] = qf.transpose
// STATIC: qf.fused_matmul {{.*}} transpose_b scales(
// STATIC: qf.reshape
// STATIC: %[[SK:.*]] = qf.transpose
// STATIC: qf.fused_matmul %[[SQ]], %[[SK]] transpose_b scales(
// STATIC: qf.row_reduce
// STATIC: qf.fused_matmul {{.*}} transpose_b transpose_result scales(
// STATIC: qf.transpose
// STATIC: %[[SM:.*]] = qf.reshape {{.*}} -> !qf.tensor<8x64xf32, mxfp8, axis = 1>
// STATIC: qf.fused_matmul %[[SM]], %{{.*}} transpose_b epilogue(%arg0 : tensor<8x64xf32>)
// STATIC: qf.fused_matmul %{{.*}}, %{{.*}}, %{{.*}} transpose_b scales(

// CHECK: block output hash: {{-?[0-9]+}}
