//===- WeightRounding.h - Calibration-aware weight rounding -----*- C++ -*-===//
//
// Which qf.matmul inputs carry second moments (qf-instrument-calibration)
// and the weight rounding of qf-fold-scales (weight-rounding=gptq,
// weight-scale-search=mse; WeightRounding.cpp, docs/calibration.md).
//
//===----------------------------------------------------------------------===//
#ifndef QF_LIB_DIALECT_QF_TRANSFORMS_WEIGHTROUNDING_H
#define QF_LIB_DIALECT_QF_TRANSFORMS_WEIGHTROUNDING_H

#include "CalibrationTable.h"

#include "qf/Dialect/QF/IR/QF.h"

#include "mlir/IR/BuiltinOps.h"

namespace qf {

/// A weight operand of qf.matmul: a qf.constant, a qf.quantize of a
/// constant, or a qf.unpack of packed storage (a weight argument).
bool isWeightOperand(mlir::Value v);

/// The qf.matmul ops that use `v` as their left operand with a weight on
/// the right.
llvm::SmallVector<MatmulOp> weightMatmulsOf(mlir::Value v);

/// Name of the calibration point of the f32 left operand `lhs` of weight
/// matmuls in weight-only models (no activation qf.quantize to observe):
/// `<function>.in<i>`, i counting distinct such operands in walk order.
/// Both passes compute it with this function.
llvm::DenseMap<mlir::Value, std::string> weightOnlyInputNames(mlir::ModuleOp m);

/// The calibration point names of every qf.matmul left operand: the
/// activation quantizes named as qf-instrument-calibration and
/// qf-fold-scales name them, and the f32 operands of weight-only models.
llvm::DenseMap<mlir::Value, std::string>
calibrationPointNames(mlir::ModuleOp m);

struct WeightRoundingOptions {
  std::string rounding = "rtn"; ///< rtn | gptq
  std::string scaleSearch = "none"; ///< none | mse (importance-weighted)
  double damp = 0.01;
  std::string calibration; ///< the table's path (its sidecar is beside it)
  /// smooth-alpha migrates scales after calibration: the second moments no
  /// longer describe the weights' inputs (SQ weights keep |w|, a remark).
  bool smoothed = false;
};

/// Rounds every weight qf.quantize of a constant that feeds qf.matmul as
/// its right operand (transpose_b, blocked along K), using the second
/// moments of the matmuls' left operands from the table (named as
/// qf-instrument-calibration names them): the quantize becomes a
/// qf.constant with the chosen codes, carrying the weight's QSNR and the
/// predicted output errors (kOutputErrorAttrName) for qf-report. Errors
/// (missing statistics, a diagonal where GPTQ needs the full matrix, a run-
/// time weight) are emitted on the ops; fails when any occurred. With
/// rtn / none only sparse-quantized weights change: their outliers are
/// selected by |w| * rms(a) (docs/numerics.md D24), and a missing statistic
/// is a remark. Must run before the activations get static scales (the
/// point names count them).
mlir::LogicalResult roundWeights(mlir::ModuleOp m, const calib::Table &table,
                                 const WeightRoundingOptions &opts);

/// `[chosen, round-to-nearest]` relative output errors
/// tr(dW H dW^T) / tr(W H W^T) of a rounded weight (docs/calibration.md),
/// and the rounding it used ("gptq", "rtn", "rtn+mse").
constexpr llvm::StringLiteral kOutputErrorAttrName = "qf.output_error";
constexpr llvm::StringLiteral kRoundingAttrName = "qf.rounding";

} // namespace qf

#endif // QF_LIB_DIALECT_QF_TRANSFORMS_WEIGHTROUNDING_H
