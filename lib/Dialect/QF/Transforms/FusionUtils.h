//===- FusionUtils.h - Helpers shared by the qf-fuse-requantize patterns --===//
//
// qf-fuse-requantize is split by what each part rewrites:
//   FuseRequantize.cpp   the pass: options, the order of the pattern sets,
//                        remarks, populateQFFusionPatterns
//   FuseNormalize.cpp    frontend (torch-mlir) IR normalization
//   FuseElementwise.cpp  elementwise linalg chains -> qf.map
//   FuseEpilogue.cpp     qf.matmul epilogues -> qf.fused_matmul (dual GEMM,
//                        data movement of quantized results, V transposed)
//   FuseRows.cpp         row reductions (softmax rows of a product, RMSNorm
//                        and LayerNorm in a qf.map) -> qf.row_reduce
//   FusionUtils.{h,cpp}  what several of them need (this header)
// The exact chain folds (dequantize -> quantize, lossless requantize chains,
// qf.reshape chains) are canonicalization patterns of the ops (QFOps.cpp).
//
//===----------------------------------------------------------------------===//
#ifndef QF_LIB_DIALECT_QF_TRANSFORMS_FUSIONUTILS_H
#define QF_LIB_DIALECT_QF_TRANSFORMS_FUSIONUTILS_H

#include "qf/Conversion/Kernels/TargetInfo.h"
#include "qf/Dialect/QF/IR/QF.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/SetVector.h"

#include <string>

namespace qf::fusion {

//===----------------------------------------------------------------------===//
// Types and maps
//===----------------------------------------------------------------------===//

/// A map that picks an increasing subset of the dimensions.
bool isBroadcastMap(mlir::AffineMap map);

/// Whether `t` is a ranked tensor of f32.
bool isF32Tensor(mlir::Type t);

/// The identity minus its last result: how a reduction over the last axis
/// ([..., M]) is read from the rows' iteration space ([..., M, N]).
mlir::AffineMap dropLastMap(int64_t rank, mlir::MLIRContext *ctx);

/// Whether `t` is blocked along its innermost axis with fixed-size blocks
/// (data movement then moves whole blocks on the storage, as qf.transpose /
/// qf.reshape do; an SQ tensor's outlier part and positions move with them).
bool innermostBlocks(QTensorType t);

/// Whether rows of `width` elements of `t`'s format are whole blocks and
/// whole bytes, for the outlier part of an SQ format too (what qf.reshape
/// needs on both sides).
bool rowsOfWholeBlocks(QTensorType t, int64_t width);

/// `t` with another shape and blocked axis (same format).
QTensorType withShape(QTensorType t, llvm::ArrayRef<int64_t> shape,
                      int64_t axis);

/// `v` reshaped to `to` through its flat order (a collapse to 1-D, then an
/// expand), or `v` when the types are equal.
mlir::Value reshapeFlat(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                        mlir::RankedTensorType to);

/// Why `pad` cannot be folded into a fused result padded along `axis`
/// (static, only high padding, only along `axis`, +0.0), or "".
std::string whyNotZeroPad(mlir::tensor::PadOp pad, int64_t axis);

//===----------------------------------------------------------------------===//
// Matmul epilogues
//===----------------------------------------------------------------------===//

/// Whether `target` can encode a quantized result `t` of a contraction in
/// its epilogue: the target's supportsRowEncode, the rule its lowering
/// applies too. Every pattern that puts a quantize into an epilogue asks
/// here.
qf::Support epilogueEncodable(const qf::TargetInfo &target, QTensorType t);

/// A rewrite pattern that asks the lowering target what it can fuse.
template <typename OpTy>
struct TargetPattern : mlir::OpRewritePattern<OpTy> {
  TargetPattern(mlir::MLIRContext *ctx, const qf::TargetInfo &target,
                mlir::PatternBenefit benefit = 1)
      : mlir::OpRewritePattern<OpTy>(ctx, benefit), target(target) {}
  const qf::TargetInfo &target;
};

/// The epilogue_maps attribute of `maps`: null when all are identities
/// (the default, printed as nothing).
mlir::ArrayAttr epilogueMapsAttr(mlir::MLIRContext *ctx,
                                 llvm::ArrayRef<mlir::AffineMap> maps);

//===----------------------------------------------------------------------===//
// Scalar bodies of linalg ops
//===----------------------------------------------------------------------===//

/// Why the body of a linalg op cannot be cloned into a fused scalar body
/// (elementwise arith/math ops on scalars, constants captured from above,
/// one f32 yielded), or "" when it can.
std::string whyNotScalarBody(mlir::Block *body);

/// Clones the ops of the linalg body `src` at the end of `dst` (its
/// arguments already mapped in `m`) and returns the value it yields.
/// Constants captured from above are cloned as well: the fused bodies are
/// isolated from above.
mlir::Value cloneScalarBody(mlir::OpBuilder &b, mlir::Block *dst,
                            mlir::Block *src, mlir::IRMapping &m);

/// Why `op` cannot be part of a fused elementwise chain, or "" when it can.
/// Ops that compute nothing (copies, transposes) answer "not elementwise".
std::string whyNotElementwise(mlir::Operation *op);

/// Whether `op` (possibly null) can be part of a fused elementwise chain.
bool isElementwise(mlir::Operation *op);

/// Whether a linalg op computes anything (a copy or transpose body only
/// yields an argument); only those deserve a remark.
bool computes(mlir::Operation *op);

//===----------------------------------------------------------------------===//
// Row reductions (FuseRows.cpp), for the pass's remarks
//===----------------------------------------------------------------------===//

/// What FuseRowsIntoMatmul folds into one fused_matmul: the product, the
/// linalg ops computing the quantized tensor from it, the optional pad.
struct RowsPlan {
  MatmulOp mm;
  mlir::tensor::PadOp pad;
  llvm::SetVector<mlir::Operation *> fused; ///< elementwise ops, reductions
  bool hasReduction = false;
};

/// Why quantize `q` (of a product's rows, padded or row-reduced) cannot
/// become one qf.fused_matmul, or "" (with `plan` filled in).
std::string analyzeRows(QuantizeOp q, RowsPlan &plan,
                        const qf::TargetInfo &target);

/// Why the row reductions that quantized qf.map `map` reads cannot move into
/// its body as qf.row_reduce, or "" (with `fused` the linalg ops to fold in).
std::string analyzeMapRows(MapOp map,
                           llvm::SetVector<mlir::Operation *> &fused);

} // namespace qf::fusion

#endif // QF_LIB_DIALECT_QF_TRANSFORMS_FUSIONUTILS_H
