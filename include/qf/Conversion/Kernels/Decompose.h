//===- Decompose.h - Fused qf ops back into their unfused program -*- C++ -*-===//
#ifndef QF_CONVERSION_KERNELS_DECOMPOSE_H
#define QF_CONVERSION_KERNELS_DECOMPOSE_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/DialectConversion.h"

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

/// Rewrites every qf op on a sparse-quantized (SQ) tensor into ops on its
/// two parts (qf.sparse_split / qf.sparse_join, SparseDecompose.cpp):
/// constants, quantize (selection at run time), dequantize, requantize and
/// rank-2 matmul (low product + banked sparse correction). Run before the
/// storage conversion.
void populateQFSparseDecomposePatterns(mlir::RewritePatternSet &patterns);

/// After populateQFSparseDecomposePatterns: fails with a diagnostic on the
/// first op other than split/join/call/return that still has an SQ operand
/// or result (its kernel would not see the outliers).
mlir::LogicalResult checkSparseLowered(mlir::ModuleOp module);

/// qf.sparse_split / qf.sparse_join on storage values: the SQ tensor's
/// storage is the low part's, then the high part's, then the positions.
void populateQFSparseStoragePatterns(const mlir::TypeConverter &converter,
                                     mlir::RewritePatternSet &patterns);

} // namespace qf

#endif // QF_CONVERSION_KERNELS_DECOMPOSE_H
