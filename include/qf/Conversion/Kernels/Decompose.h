//===- Decompose.h - Fused qf ops back into their unfused program -*- C++ -*-===//
#ifndef QF_CONVERSION_KERNELS_DECOMPOSE_H
#define QF_CONVERSION_KERNELS_DECOMPOSE_H

#include "mlir/IR/PatternMatch.h"

namespace qf {
class TargetInfo;

/// Rewrites every qf.map and qf.fused_matmul that `target` does not run as
/// one kernel (TargetInfo::supports) into the program qf-fuse-requantize
/// fused, which computes the same bits:
///   qf.map          -> qf.dequantize of quantized inputs, linalg.generic
///                      with the body (linalg reductions over the last axis
///                      for qf.row_reduce), qf.quantize of the result;
///   qf.fused_matmul -> qf.matmul (two for a dual GEMM), linalg.transpose
///                      for transpose_result, the body as a qf.map (or as
///                      linalg reductions + generic with qf.row_reduce), the
///                      zero pad, qf.quantize.
/// Every target runs these first; the pieces lower with the target's other
/// patterns. `target` must outlive the patterns.
void populateQFDecomposeFusedOpsPatterns(mlir::RewritePatternSet &patterns,
                                         const TargetInfo &target);

} // namespace qf

#endif // QF_CONVERSION_KERNELS_DECOMPOSE_H
