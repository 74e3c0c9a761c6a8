// Convolutions with a sparse-quantized weight format in qf-quantize-model
// (im2col + an SQ qf.matmul), executed against the f32 convolution of the
// filter folded through qf.quantize + qf.dequantize in the same format
// (Inputs/gen-sq-conv.py): a 3x3 NHWC/FHWC convolution (K = 288, the weight
// blocked along K of [F, KH*KW*C]) and a 1x1 NHWC/HWCF one (K = 64). The
// data make every partial sum exact, so each pair agrees bit for bit: the
// im2col rearrangement, the outlier selection along K and the SQ matmul are
// those of the folded filter.
// RUN: %python %S/Inputs/gen-sq-conv.py > %t.mlir
// Weight-only (the filter folded at compile time), and with run-time mxint8
// activations (exact on these integers):
// RUN: qf-opt %t.mlir --qf-quantize-model='weight-format="#qf.format<mxint4, bank = 32, outliers = 2>" weight-scale-search=none activation-format=none exclude=ref' --canonicalize --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s --check-prefix=WO
// RUN: qf-opt %t.mlir --qf-quantize-model='weight-format="#qf.format<mxint4, bank = 32, outliers = 2>" weight-scale-search=none activation-format=mxint8 exclude=ref' --canonicalize --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
// fold-weights=false: the qf.quantize of the rearranged filter stays and
// canonicalize folds it (the numerics library).
// RUN: qf-opt %t.mlir --qf-quantize-model='weight-format="#qf.format<mxint4, bank = 32, outliers = 2>" weight-scale-search=none activation-format=none exclude=ref fold-weights=false' --canonicalize --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s --check-prefix=WO
// Filters as function arguments ("arg"): by default rearranged and quantized
// in the callee at run time (the kernels' selection); with
// weights-as-arguments passed as the five storage arguments of the im2col
// weight (a view of the argument), which the caller quantizes (folded).
// RUN: qf-opt %t.mlir --qf-quantize-model='weight-format="#qf.format<mxint4, bank = 32, outliers = 2>" weight-scale-search=none activation-format=mxint8 exclude=ref weights-as-arguments' --canonicalize --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
// RUN: qf-opt %t.mlir --qf-quantize-model='weight-format="#qf.format<mxint4, bank = 32, outliers = 2>" weight-scale-search=none activation-format=mxint8 exclude=ref weights-as-arguments' 2>&1 | FileCheck %s --check-prefix=ARGS
// An FP8 outlier element and MXFP4 base:
// RUN: %python %S/Inputs/gen-sq-conv.py "#qf.format<mxfp4, bank = 16, outliers = 1, outlier_elem = f8E4M3FN>" > %t.fp.mlir
// RUN: qf-opt %t.fp.mlir --qf-quantize-model='weight-format="#qf.format<mxfp4, bank = 16, outliers = 1, outlier_elem = f8E4M3FN>" weight-scale-search=none activation-format=mxint8 exclude=ref' --canonicalize --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
// The filters become SQ constants of the im2col weight layout:
// RUN: qf-opt %t.mlir --qf-quantize-model='weight-format="#qf.format<mxint4, bank = 32, outliers = 2>" weight-scale-search=none activation-format=none exclude=ref' | FileCheck %s --check-prefix=IR

// IR-LABEL: func.func @conv_a_q
// IR: qf.constant codes {{.*}} outliers {{.*}} positions {{.*}} : !qf.tensor<8x288xf32, #qf.format<mxint4, bank = 32, outliers = 2, {{.*}}>, axis = 1>
// IR: qf.matmul {{.*}} transpose_b
// IR-LABEL: func.func @conv_b_q
// IR: qf.constant codes {{.*}} : !qf.tensor<8x64xf32, #qf.format<mxint4, bank = 32, outliers = 2, {{.*}}>, axis = 1>

// ARGS: linalg.conv_2d_nhwc_fhwc: weight argument #1 is read through a view (reshape(8,288))
// ARGS: linalg.conv_2d_nhwc_hwcf: weight argument #1 is read through a view (transpose(3,0,1,2) reshape(8,64))
// ARGS-LABEL: func.func @conv_a_arg(%arg0
// ARGS-SAME: tensor<8x144xi8> {qf.weight_view = {axis = 1 : i64, source = 1 : i64, view = "reshape(8,288)"}}, %{{.*}}: tensor<8x9xi8>, %{{.*}}: tensor<8x18xi8>, %{{.*}}: tensor<8x9xi8>, %{{.*}}: tensor<8x18xi8>)
// ARGS-NOT: linalg.transpose
// ARGS: qf.sparse_join
// ARGS-LABEL: func.func @conv_b_arg(%arg0
// ARGS-SAME: {qf.weight_view = {axis = 1 : i64, source = 1 : i64, view = "transpose(3,0,1,2) reshape(8,64)"}}

// Weight-only (WO), a filter that is an argument stays f32 (no constant
// weight and no activation format): only "q" is checked.
// WO: {{^}}0{{$}}
// WO-NEXT: ( {{.*}} )
// WO-NEXT: {{^[0-9]+$}}
// WO-NEXT: ( {{.*}} )
// WO-NEXT: {{^}}0{{$}}
// WO-NEXT: ( {{.*}} )
// CHECK: {{^}}0{{$}}
// CHECK-NEXT: ( {{.*}} )
// CHECK-NEXT: {{^}}0{{$}}
// CHECK-NEXT: ( {{.*}} )
// CHECK-NEXT: {{^}}0{{$}}
// CHECK-NEXT: ( {{.*}} )
// CHECK-NEXT: {{^}}0{{$}}
// CHECK-NEXT: ( {{.*}} )
