//===- Transforms.h - Pattern sets of the qf dialect transforms -*- C++ -*-===//
#ifndef QF_DIALECT_QF_TRANSFORMS_TRANSFORMS_H
#define QF_DIALECT_QF_TRANSFORMS_TRANSFORMS_H

#include "mlir/IR/PatternMatch.h"

namespace qf {

/// Options of populateQFFusionPatterns.
struct QFFusionOptions {
  /// Elementwise linalg chains into qf.map.
  bool elementwise = true;
  /// Quantizes of qf.matmul results into qf.fused_matmul.
  bool epilogue = true;
  /// Elementwise chains that read a product or a dequantize and end in f32
  /// (FuseDequantizeChain: residual adds, biases of f32 results).
  bool f32Chains = true;
};

/// The rewrites of `qf-fuse-requantize` (dequantize -> quantize, requantize
/// chains, elementwise and epilogue fusion); each keeps the codes of the
/// unfused program.
void populateQFFusionPatterns(mlir::RewritePatternSet &patterns,
                              const QFFusionOptions &options = {});

/// Merges identical qf ops (same operands, attributes, result types) within
/// each block; returns true if anything changed.
bool eliminateCommonQFOps(mlir::Operation *root);

} // namespace qf

#endif // QF_DIALECT_QF_TRANSFORMS_TRANSFORMS_H
