// qf-fuse-requantize asks the lowering target whether it can encode a
// result in a matmul epilogue (TargetInfo::supportsRowEncode): the CPU
// encodes whole vectors per block, so blocks of 8 fuse at vector-width=8
// and stay a qf.matmul + qf.quantize at the default 16.
// RUN: qf-opt %s --qf-fuse-requantize | FileCheck %s --check-prefix=W16
// RUN: qf-opt %s --qf-fuse-requantize="vector-width=8" | FileCheck %s --check-prefix=W8
// RUN: qf-opt %s --qf-fuse-requantize="target=cpu vector-width=32" | FileCheck %s --check-prefix=W32
// RUN: not qf-opt %s --qf-fuse-requantize="target=tpu" 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: not qf-opt %s --qf-fuse-requantize="vector-width=12" 2>&1 | FileCheck %s --check-prefix=BADW

// BAD: error: qf-fuse-requantize: unknown target 'tpu'; registered: cpu nvvm
// BADW: error: qf-fuse-requantize: vector width 12 is not a power of two in 1..64

!a8 = !qf.tensor<8x64xf32, mxfp8, axis = 1>
!w4 = !qf.tensor<64x64xf32, mxfp4, axis = 1>
!b8 = !qf.tensor<8x64xf32, #qf.format<elem = f8E4M3FN, block = 8, scale = f8E8M0FNU>, axis = 1>

// W16-LABEL: func.func @block8
// W16: qf.matmul
// W16: qf.quantize
// W16-NOT: qf.fused_matmul
// W8-LABEL: func.func @block8
// W8: qf.fused_matmul
// W8-NOT: qf.matmul
// W8-NOT: qf.quantize
func.func @block8(%a: !a8, %w: !w4) -> !b8 {
  %c = qf.matmul %a, %w transpose_b : !a8, !w4 -> tensor<8x64xf32>
  %q = qf.quantize %c : tensor<8x64xf32> -> !b8
  return %q : !b8
}

// mxfp8 (blocks of 32): one kernel at widths 16 and 32 alike.
// W16-LABEL: func.func @block32
// W16: qf.fused_matmul
// W32-LABEL: func.func @block32
// W32: qf.fused_matmul
// W32-NOT: qf.quantize
func.func @block32(%a: !a8, %w: !w4) -> !a8 {
  %c = qf.matmul %a, %w transpose_b : !a8, !w4 -> tensor<8x64xf32>
  %q = qf.quantize %c : tensor<8x64xf32> -> !a8
  return %q : !a8
}
