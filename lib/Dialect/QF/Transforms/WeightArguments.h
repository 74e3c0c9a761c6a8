//===- WeightArguments.h - weights read from function arguments -*- C++ -*-===//
//
// qf-quantize-model's handling of weights that reach a contraction from a
// func.func argument through views (tensor.cast, expand_shape,
// collapse_shape, static extract_slice, linalg.transpose, copying
// linalg.generic): tracing them, describing the view for qf-pack-weights
// (--view) and replacing the view by pre-quantized storage arguments.
//
//===----------------------------------------------------------------------===//
#ifndef QF_LIB_DIALECT_QF_TRANSFORMS_WEIGHTARGUMENTS_H
#define QF_LIB_DIALECT_QF_TRANSFORMS_WEIGHTARGUMENTS_H

#include "qf/Dialect/QF/IR/QF.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLFunctionalExtras.h"

#include <string>

namespace qf {

/// A weight operand read from a func.func argument through view ops.
struct WeightView {
  mlir::BlockArgument arg;
  /// The view ops, from the argument outwards to the operand (may be empty).
  llvm::SmallVector<mlir::Operation *> chain;
};

/// Follows `v` back through tensor.cast, tensor.expand_shape /
/// collapse_shape, static tensor.extract_slice, linalg.transpose and
/// linalg.generic ops that only copy (identity or permutation maps) to an
/// argument of the enclosing func.func's entry block. Fails with `why`
/// naming the op (or value) that stops it, or with an empty `why` when that
/// op reads no function argument (the operand is computed in the function).
mlir::FailureOr<WeightView> traceArgumentView(mlir::Value v, std::string &why);

/// The view as qf-pack-weights --view takes it: space-separated steps
/// `slice(offsets;sizes;strides)`, `reshape(d0,d1,...)` and
/// `transpose(p0,p1,...)` (result dim i = input dim p_i), applied in order to
/// the argument's row-major data; `finalShape`, when it differs from the
/// view's, adds a last reshape. Empty for no steps.
std::string describeView(const WeightView &view,
                         llvm::ArrayRef<int64_t> finalShape);

/// The storage tensors that stand for a weight of type `t` in function
/// arguments: qf.pack's results (codes, scales[, tensor scale]); for a
/// sparse-quantized format those of its low part, then of its high part,
/// then the positions (qf.sparse_split), which qf.pack of the SQ tensor
/// itself does not give.
llvm::SmallVector<mlir::Type> storageTypes(QTensorType t);
/// The tensor of type `t` from its storageTypes(t) values (qf.unpack, and
/// qf.sparse_join for an SQ format).
mlir::Value unpackStorage(mlir::OpBuilder &b, mlir::Location loc,
                          QTensorType t, mlir::ValueRange storage);
/// The storageTypes values of quantized tensor `q` (qf.pack, after
/// qf.sparse_split for an SQ format).
llvm::SmallVector<mlir::Value> packStorage(mlir::OpBuilder &b,
                                           mlir::Location loc, mlir::Value q);

/// Replaces f32 weight arguments used whole (directly, through tensor.cast
/// or one transpose of the last two dimensions) by their storage in the
/// argument's own shape, blocked along its K axis (docs/passes.md).
class WholeWeightArguments {
public:
  explicit WholeWeightArguments(mlir::ModuleOp module);

  /// The unpacked quantized value of function argument `arg` in `type`,
  /// adding the storage arguments (and the caller-side qf.quantize +
  /// qf.pack) on first use. Null, with a remark on `op`, when the argument
  /// cannot be rewritten.
  mlir::Value get(mlir::BlockArgument arg, QTensorType type,
                  mlir::Operation *op);

  /// True when `arg` was replaced (finish() removes it).
  bool handles(mlir::BlockArgument arg) const;

  /// Removes the f32 weight arguments that were replaced by storage tensors.
  /// Remaining f32 uses (outside quantized contractions) read the decoded
  /// weight.
  void finish();

private:
  /// A function argument replaced by its storage tensors.
  struct Rewrite {
    mlir::func::FuncOp func;
    mlir::BlockArgument oldArg;
    QTensorType type;
    mlir::Value unpacked;
    unsigned numNew = 0;
  };
  mlir::ModuleOp module;
  llvm::SmallVector<Rewrite> rewrites;
};

/// Replaces weights read through views of f32 arguments by storage
/// arguments holding the quantized view (qf.pack results), so that one flat
/// argument cut into many weights yields one pre-quantized weight per view.
class WeightViewArguments {
public:
  explicit WeightViewArguments(mlir::ModuleOp module);

  /// The qf.unpack of new storage arguments holding `view` (collapsed with
  /// `collapse` when not empty) quantized in `type`; the storage goes right
  /// after the source argument (and earlier views of it), the codes argument
  /// carrying `qf.weight_view = {source, view, axis}` for qf-pack-weights.
  /// Callers in the module rebuild the view, qf.quantize and qf.pack it.
  /// Null, with a remark on `user`, when it cannot be done.
  mlir::Value get(const WeightView &view,
                  llvm::ArrayRef<mlir::ReassociationIndices> collapse,
                  QTensorType type, mlir::Operation *user);

  /// Erases the source arguments left without uses (and the callers'
  /// operands), except those `keep` claims.
  void finish(llvm::function_ref<bool(mlir::BlockArgument)> keep);

private:
  struct Entry {
    mlir::BlockArgument arg; ///< the source argument
    std::string view;        ///< describeView of the view
    QTensorType type;
    mlir::Value unpacked;
  };
  mlir::ModuleOp module;
  llvm::DenseMap<mlir::Value, unsigned> originalIndex;
  llvm::DenseMap<mlir::Value, unsigned> storageAfter; ///< per source arg
  llvm::SmallVector<Entry> entries;
  llvm::SmallVector<mlir::BlockArgument> sources;
};

} // namespace qf

#endif // QF_LIB_DIALECT_QF_TRANSFORMS_WEIGHTARGUMENTS_H
