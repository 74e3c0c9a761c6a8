//===- QuantizeModelParts.h - pieces of qf-quantize-model -------*- C++ -*-===//
//
// QuantizeModel.cpp drives the pass (options, matmul-like contractions,
// weight arguments); the convolution rewrite (QuantizeConv.cpp) and the
// remarks with their per-function summary (QuantizeRemarks.cpp) live here.
//
//===----------------------------------------------------------------------===//
#ifndef QF_LIB_DIALECT_QF_TRANSFORMS_QUANTIZEMODELPARTS_H
#define QF_LIB_DIALECT_QF_TRANSFORMS_QUANTIZEMODELPARTS_H

#include "qf/Dialect/QF/IR/QF.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/DenseSet.h"

namespace qf {
class WeightViewArguments;
} // namespace qf

namespace qf::quantize_model {

/// The pass options a rewrite needs, parsed.
struct RewriteOptions {
  FormatAttr weight;     ///< never null
  FormatAttr activation; ///< null: weight-only
  bool padK = true;
  int64_t minSize = 0;
  bool foldWeights = true;
  bool mseScales = false;
  bool printOp = false; ///< remarks carry the whole operation
  /// qf-assign-formats' qf.format_choice, copied onto the qf.matmul.
  mlir::Attribute choice;
  /// Collects the run-time activation quantizes into an SQ format, whose
  /// static outlier channels are assigned after the rewrite (null: none).
  llvm::DenseSet<mlir::Operation *> *sqActivations = nullptr;
  /// weights-as-arguments: convolution filters read from function arguments
  /// become storage arguments of the im2col weight (null: off).
  WeightViewArguments *viewArgs = nullptr;
};

/// Erases `v`'s defining op and, recursively, its operands' defining ops
/// once they have no uses and no side effects (contractions excepted).
void eraseDeadChain(mlir::Value v);

/// A remark about `op`: "qf-quantize-model: <op name>: " at its location.
/// The operation itself is printed only with `printOp` (and the context's
/// print-op-on-diagnostic): printing hundreds of large ops costs seconds.
mlir::InFlightDiagnostic remark(mlir::Operation *op, bool printOp);

/// [d0..dn) grouped as [sizes[0] dims][sizes[1] dims]..., empty groups
/// skipped: the reassociation of a collapse to one dim per group.
llvm::SmallVector<mlir::ReassociationIndices>
groupsOf(llvm::ArrayRef<size_t> sizes);

/// Whether `op` is a convolution the pass considers: the convolution
/// interface with a multiply-accumulate body (pooling is not one).
bool isConvolution(mlir::linalg::LinalgOp op);

/// Rewrites a convolution into im2col + qf.matmul (QuantizeConv.cpp); emits
/// a remark and leaves the op alone when it cannot.
mlir::LogicalResult rewriteConvolution(mlir::linalg::LinalgOp op,
                                       const RewriteOptions &options);

/// Counts what the pass did per function and prints one summary remark for
/// each: "3 of 5 contractions quantized (1 of 2 convolutions); left in f32:
/// 1 linalg.depthwise_conv_2d_nhwc_hwc, 1 linalg.matmul".
class Summary {
public:
  /// Records `op` (before it is rewritten and erased) as left in f32; the
  /// handle marks it quantized.
  size_t add(mlir::Operation *op, bool isConv);
  void setQuantized(size_t handle, bool quantized) {
    records[handle].quantized = quantized;
  }
  void emit() const;

private:
  struct Record {
    mlir::Operation *function; ///< enclosing function (or module): kept
    mlir::OperationName name;
    bool isConv, quantized;
  };
  llvm::SmallVector<Record> records;
};

/// The quantized type of `shape` in `f`, blocked along `axis` (axis 0 for
/// per-tensor formats, which have no blocked axis).
QTensorType quantizedType(mlir::MLIRContext *ctx, llvm::ArrayRef<int64_t> shape,
                          FormatAttr f, int64_t axis);

/// The multiple K is padded to: the lcm of the fixed block sizes of `w` and
/// `a` (null formats and non-fixed blocks impose nothing).
int64_t kMultiple(FormatAttr w, FormatAttr a);

} // namespace qf::quantize_model

#endif // QF_LIB_DIALECT_QF_TRANSFORMS_QUANTIZEMODELPARTS_H
