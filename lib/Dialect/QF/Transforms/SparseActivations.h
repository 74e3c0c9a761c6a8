//===- SparseActivations.h - Static outlier channels (SQ) -----*- C++ -*-===//
//
// Activations in a sparse-quantized (SQ) format get their outliers from a
// static channel mask chosen from calibration (docs/numerics.md D25, D27):
// qf-quantize-model turns their run-time qf.quantize into qf.sparse_quantize.
// Private to lib/Dialect/QF/Transforms.
//
//===----------------------------------------------------------------------===//
#ifndef QF_LIB_DIALECT_QF_TRANSFORMS_SPARSEACTIVATIONS_H
#define QF_LIB_DIALECT_QF_TRANSFORMS_SPARSEACTIVATIONS_H

#include "CalibrationTable.h"

#include "qf/Dialect/QF/IR/QF.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseSet.h"

#include <string>

namespace qf {

/// The outlier channels of D27 for an activation of SQ type `t` from its
/// calibration entry: per bank the `count` channels of largest recorded mean
/// |x| (FP32, ties to the smaller index), as absolute indices along the
/// blocked axis. Fails with the reason in `why` when the entry has no mean
/// magnitudes along that axis, or not one per channel.
mlir::FailureOr<llvm::SmallVector<int64_t>>
staticOutlierChannels(QTensorType t, const calib::Entry &e, std::string &why);

/// For each op of `sqActs` (run-time qf.quantize ops of activations into an
/// SQ format), in the naming of qf-instrument-calibration (an observe's
/// name, else <function>.act<i>): without a table (`calibration` empty) a
/// remark that it selects its outliers at run time; with one, a
/// qf.sparse_quantize with the static channels of its entry, or a remark
/// with the reason it keeps the run-time selection. Fails (with an error)
/// when the table cannot be read or has no entry for one of them.
mlir::LogicalResult
assignStaticOutliers(mlir::ModuleOp module,
                     const llvm::DenseSet<mlir::Operation *> &sqActs,
                     llvm::StringRef calibration, bool printOp);

} // namespace qf

#endif // QF_LIB_DIALECT_QF_TRANSFORMS_SPARSEACTIVATIONS_H
