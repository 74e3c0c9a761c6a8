// Errors and remarks of qf-fold-scales weight-rounding: each names what is
// missing and how to get it.
// RUN: %python %S/Inputs/make-moments.py %t.full.json f.act0:full:32 arg.act0:full:32 packed.act0:full:32
// RUN: %python %S/Inputs/make-moments.py %t.diag.json f.act0:diag:32
// RUN: %python %S/Inputs/make-moments.py %t.other.json f.act0:none:32 g.in0:full:32
// RUN: %python %S/Inputs/make-moments.py %t.k16.json f.act0:full:16
// RUN: %python %S/Inputs/make-moments.py %t.trunc.json f.act0:full:32 --truncate 100
// RUN: %python %S/Inputs/make-moments.py %t.magic.json f.act0:full:32 --bad-magic
// RUN: %python %S/Inputs/make-moments.py %t.asym.json f.act0:full:32 --asymmetric
// RUN: not qf-opt %s --split-input-file --qf-fold-scales="calibration=%S/Inputs/calib.json weight-rounding=gptq" 2>&1 | FileCheck %s --check-prefix=V1
// RUN: not qf-opt %s --split-input-file --qf-fold-scales="calibration=%t.diag.json weight-rounding=gptq" 2>&1 | FileCheck %s --check-prefix=DIAG
// RUN: not qf-opt %s --split-input-file --qf-fold-scales="calibration=%t.other.json weight-rounding=gptq" 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not qf-opt %s --split-input-file --qf-fold-scales="calibration=%t.k16.json weight-rounding=gptq" 2>&1 | FileCheck %s --check-prefix=KSIZE
// RUN: not qf-opt %s --split-input-file --qf-fold-scales="calibration=%t.trunc.json weight-rounding=gptq" 2>&1 | FileCheck %s --check-prefix=TRUNC
// RUN: not qf-opt %s --split-input-file --qf-fold-scales="calibration=%t.magic.json weight-rounding=gptq" 2>&1 | FileCheck %s --check-prefix=MAGIC
// RUN: not qf-opt %s --split-input-file --qf-fold-scales="calibration=%t.asym.json weight-rounding=gptq" 2>&1 | FileCheck %s --check-prefix=ASYM
// RUN: not qf-opt %s --split-input-file --canonicalize --qf-fold-scales="calibration=%t.full.json weight-rounding=gptq" 2>&1 | FileCheck %s --check-prefix=FOLDED
// RUN: not qf-opt %s --split-input-file --qf-fold-scales="calibration=%t.full.json weight-rounding=gptq" 2>&1 | FileCheck %s --check-prefix=ARG
// RUN: not qf-opt %s --split-input-file --qf-fold-scales="calibration=%t.full.json weight-rounding=gptq smooth-alpha=0.5" 2>&1 | FileCheck %s --check-prefix=SMOOTH
// RUN: not qf-opt %s --split-input-file --qf-fold-scales="calibration=%t.full.json weight-rounding=awq" 2>&1 | FileCheck %s --check-prefix=OPT
// RUN: not qf-opt %s --split-input-file --qf-fold-scales="calibration=%t.full.json weight-scale-search=grid" 2>&1 | FileCheck %s --check-prefix=OPT2
// RUN: not qf-opt %s --split-input-file --qf-fold-scales="calibration=%t.full.json weight-rounding=gptq gptq-damp=-1" 2>&1 | FileCheck %s --check-prefix=DAMP

// V1: error: qf-fold-scales: weight-rounding: calibration file '{{.*}}calib.json' has no second moments (version 1 table); calibrate with qf-instrument-calibration="second-moments=full" (or diag)
// DIAG: error: qf-fold-scales: weight-rounding=gptq needs the full second moment of 'f.act0' (K = 32), but the table has only its diagonal (second-moments=diag, for K too large for a full H); calibrate with second-moments=full, or use weight-rounding=rtn weight-scale-search=mse
// MISSING: error: qf-fold-scales: weight-rounding: calibration table '{{.*}}other.json' has no second moment for 'f.act0', the input this weight multiplies; calibrate with qf-instrument-calibration="second-moments=full"
// KSIZE: error: qf-fold-scales: weight-rounding: the second moment of 'f.act0' has K = 16 but the weight has K = 32
// TRUNC: error: qf-fold-scales: weight-rounding: second-moment file '{{.*}}trunc.json.moments' has 100 bytes but its table says {{[0-9]+}} (truncated or from another run?)
// MAGIC: error: qf-fold-scales: weight-rounding: second-moment file '{{.*}}magic.json.moments' is not a qf second-moment file (expected the magic "QFMOMENT" and a 16-byte header)
// ASYM: error: qf-fold-scales: weight-rounding: second-moment file '{{.*}}asym.json.moments': tensor 'f.act0' has a matrix that is not symmetric
// FOLDED: error: qf-fold-scales: weight-rounding: the weight is already quantized (qf.constant); run qf-quantize-model with fold-weights=false so that its f32 values are still there
// SMOOTH: error: qf-fold-scales: weight-rounding / weight-scale-search cannot be combined with smooth-alpha
// OPT: error: qf-fold-scales: weight-rounding 'awq' is not supported; expected rtn or gptq
// OPT2: error: qf-fold-scales: weight-scale-search 'grid' is not supported; expected none or mse
// DAMP: error: qf-fold-scales: gptq-damp -1.0{{.*}} must be a finite value >= 0
func.func @f(%x: tensor<8x32xf32>) -> tensor<8x4xf32> {
  %w = arith.constant dense<[[0.0, 0.4207, 0.682, 0.1411, -0.946, -0.2397, -0.1397, 0.4927, 0.9894, 0.5151, -0.136, -0.5, -0.4024, 0.4202, 1.2383, 0.1626, -0.144, -0.721, -0.751, 0.1873, 0.2282, 0.4183, -0.0066, -0.8462, -1.132, -0.0331, 0.3813, 0.7173, 0.2709, -0.8295, -0.247, -0.202], [0.4136, 0.9999, 0.6614, -0.107, -0.4959, -0.4827, 0.2964, 1.2047, 0.1863, -0.0793, -0.6874, -0.8318, 0.0221, 0.2127, 0.4509, 0.0927, -0.7683, -1.1922, -0.0656, 0.3351, 0.74, 0.3959, -0.6985, -0.2499, -0.2608, 0.3271, 0.9929, 0.7959, -0.0762, -0.4831, -0.5544, 0.1674], [1.15, 0.2067, -0.0133, -0.6416, -0.8979, -0.1435, 0.1935, 0.4755, 0.1904, -0.6768, -1.2314, -0.0969, 0.2831, 0.7496, 0.514, -0.5551, -0.2485, -0.3149, 0.2349, 0.9684, 0.9165, -0.044, -0.4617, -0.6164, 0.0354, 1.0751, 0.2235, 0.053, -0.5846, -0.9483, -0.3066, 0.1708], [0.4918, 0.2847, -0.5734, -1.249, -0.1266, 0.226, 0.7461, 0.623, -0.402, -0.2426, -0.3636, 0.1386, 0.9268, 1.0209, -0.0111, -0.4323, -0.6675, -0.0972, 0.9812, 0.2364, 0.1183, -0.5173, -0.982, -0.4643, 0.1452, 0.4994, 0.374, -0.4599, -1.2446, -0.154, 0.165, 0.7295]]> : tensor<4x32xf32>
  %xq = qf.quantize %x : tensor<8x32xf32> -> !qf.tensor<8x32xf32, mxfp8>
  %wq = qf.quantize %w : tensor<4x32xf32> -> !qf.tensor<4x32xf32, mxfp4>
  %y = qf.matmul %xq, %wq transpose_b : !qf.tensor<8x32xf32, mxfp8>, !qf.tensor<4x32xf32, mxfp4> -> tensor<8x4xf32>
  return %y : tensor<8x4xf32>
}

// -----

// A weight argument quantized at run time can be rounded neither here nor
// by the packing tool.
// ARG: error: qf-fold-scales: weight-rounding: the weight is argument #1, quantized at run time; it can be rounded only as a constant or as packed storage (qf-quantize-model weights-as-arguments=true, then qf-pack-weights --rounding)
func.func @arg(%x: tensor<8x32xf32>, %w: tensor<4x32xf32>) -> tensor<8x4xf32> {
  %xq = qf.quantize %x : tensor<8x32xf32> -> !qf.tensor<8x32xf32, mxfp8>
  %wq = qf.quantize %w : tensor<4x32xf32> -> !qf.tensor<4x32xf32, mxfp4>
  %y = qf.matmul %xq, %wq transpose_b : !qf.tensor<8x32xf32, mxfp8>, !qf.tensor<4x32xf32, mxfp4> -> tensor<8x4xf32>
  return %y : tensor<8x4xf32>
}

// -----

// Packed storage (weights-as-arguments) is rounded by qf-pack-weights: the
// remark names the calibration point to give it.
// ARG: remark: qf-fold-scales: weight-rounding: the weight is a packed argument; round it where it is packed: qf-pack-weights --rounding=gptq --calibration={{.*}}full.json --input=packed.act0
func.func @packed(%x: tensor<8x32xf32>, %c: tensor<4x16xi8>, %s: tensor<4x1xi8>) -> tensor<8x4xf32> {
  %xq = qf.quantize %x : tensor<8x32xf32> -> !qf.tensor<8x32xf32, mxfp8>
  %wq = qf.unpack %c, %s : tensor<4x16xi8>, tensor<4x1xi8> -> !qf.tensor<4x32xf32, mxfp4>
  %y = qf.matmul %xq, %wq transpose_b : !qf.tensor<8x32xf32, mxfp8>, !qf.tensor<4x32xf32, mxfp4> -> tensor<8x4xf32>
  return %y : tensor<8x4xf32>
}
