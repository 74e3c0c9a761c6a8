//===- FormatParts.h - Shared pieces of the format attribute code -*- C++ -*-===//
//
// Internal to QFDialect: the MLIR type <-> numerics mappings of QFAttrs.cpp
// and the sparse-quantized (SQ) outlier syntax of QFSparse.cpp, which the
// format parser, printer and verifiers in both files use.
//
//===----------------------------------------------------------------------===//
#ifndef QF_LIB_DIALECT_QF_IR_FORMATPARTS_H
#define QF_LIB_DIALECT_QF_IR_FORMATPARTS_H

#include "qf/Dialect/QF/IR/QF.h"

#include <optional>

namespace qf::detail {

extern const char *kElementTypes;
extern const char *kScaleTypes;

std::optional<numerics::ElementFormat> toElementFormat(mlir::Type t);
mlir::Type fromElementFormat(mlir::MLIRContext *ctx,
                             const numerics::ElementFormat &e);
std::optional<numerics::ScaleType> toScaleType(mlir::Type t);
mlir::Type fromScaleType(mlir::MLIRContext *ctx, numerics::ScaleType s);

/// The outlier keys of `#qf.format<...>` while they are being parsed.
struct OutlierParams {
  std::optional<int64_t> bank, count;
  std::optional<double> sparsity;
  mlir::Type elem, scale;
  std::optional<ScaleRule> rule;
  llvm::SMLoc loc; ///< of the first outlier key
};

/// Parses the value of an outlier key (`bank`, `outliers`, `sparsity`,
/// `outlier_elem`, `outlier_scale`, `outlier_rule`; the '=' is consumed);
/// std::nullopt when `key` is not one of them.
std::optional<mlir::ParseResult> parseOutlierKey(mlir::AsmParser &parser,
                                                 llvm::StringRef key,
                                                 OutlierParams &p);

/// The OutliersAttr of the parsed keys: null when none was given, failure
/// (with a diagnostic) when they do not describe one.
mlir::FailureOr<OutliersAttr> buildOutliers(mlir::AsmParser &parser,
                                            llvm::SMLoc start,
                                            const OutlierParams &p);

/// Prints ", bank = .., outliers = .., outlier_elem = .., ...".
void printOutliers(mlir::AsmPrinter &printer, OutliersAttr o);

/// The element and scale types of `o` are ones the numerics library knows.
mlir::LogicalResult
verifyOutlierTypes(llvm::function_ref<mlir::InFlightDiagnostic()> emitError,
                   OutliersAttr o);

numerics::OutlierFormat toNumericsOutliers(OutliersAttr o);
OutliersAttr fromNumericsOutliers(mlir::MLIRContext *ctx,
                                  const numerics::OutlierFormat &o);

/// A quantized constant holds the outlier storage exactly when its format
/// has outliers, with the types of the type's getHighType() storage, and
/// valid positions.
mlir::LogicalResult verifyOutlierStorage(
    llvm::function_ref<mlir::InFlightDiagnostic()> emitError, QTensorType type,
    mlir::DenseIntElementsAttr outlierCodes,
    mlir::DenseElementsAttr outlierScales, mlir::DenseIntElementsAttr positions);

} // namespace qf::detail

#endif // QF_LIB_DIALECT_QF_IR_FORMATPARTS_H
