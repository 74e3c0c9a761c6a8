//===- Transforms.h - Pattern sets of the qf dialect transforms -*- C++ -*-===//
#ifndef QF_DIALECT_QF_TRANSFORMS_TRANSFORMS_H
#define QF_DIALECT_QF_TRANSFORMS_TRANSFORMS_H

#include "mlir/IR/PatternMatch.h"

namespace qf {
class TargetInfo;

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
/// unfused program. The qf.quantize and qf.requantize canonicalization
/// patterns, then the sets below as the options select them. Results are
/// encoded in an epilogue only where `target` (the target the module will
/// be lowered for, which must outlive the patterns) can encode them
/// (TargetInfo::supportsRowEncode).
void populateQFFusionPatterns(mlir::RewritePatternSet &patterns,
                              const TargetInfo &target,
                              const QFFusionOptions &options = {});

/// Frontend (torch-mlir) IR into the forms the fusion patterns read: copy
/// generics to linalg.transpose, unit dims dropped (transposes, generics,
/// unit-batch qf.matmul), unused results dropped, splat constants inlined,
/// reshape chains composed. Moves data only; run before the fusion sets.
void populateQFFrontendNormalizationPatterns(mlir::RewritePatternSet &patterns);

/// Elementwise linalg chains ending in qf.quantize -> a quantized qf.map;
/// with `f32Chains`, also chains reading a dequantize or a product and
/// ending in f32 -> an f32 qf.map.
void populateQFElementwiseFusionPatterns(mlir::RewritePatternSet &patterns,
                                         bool f32Chains = true);

/// qf.matmul epilogues -> qf.fused_matmul: the quantize of a product, a
/// qf.map reading one (bias, residual), a second product of the same lhs
/// (dual GEMM), quantize before head split/merge, K^T and V as transpose_b.
void populateQFEpilogueFusionPatterns(mlir::RewritePatternSet &patterns,
                                      const TargetInfo &target);

/// Row reductions into fused bodies as qf.row_reduce: with
/// `options.epilogue` the (padded) softmax rows of a product into its
/// qf.fused_matmul, with `options.elementwise` RMSNorm / LayerNorm
/// statistics into the quantized qf.map reading them.
void populateQFRowFusionPatterns(mlir::RewritePatternSet &patterns,
                                 const TargetInfo &target,
                                 const QFFusionOptions &options = {});

/// Merges identical qf ops (same operands, attributes, result types) within
/// each block; returns true if anything changed.
bool eliminateCommonQFOps(mlir::Operation *root);

} // namespace qf

#endif // QF_DIALECT_QF_TRANSFORMS_TRANSFORMS_H
