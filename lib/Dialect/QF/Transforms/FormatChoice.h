//===- FormatChoice.h - a contraction's chosen weight format ----*- C++ -*-===//
//
// qf-assign-formats records its choice on each contraction as the
// discardable dictionary `qf.format_choice = {format = #qf.format<...>,
// bits = <f64>, predicted_error = <f64>}`; qf-quantize-model quantizes that
// contraction's weight in `format` and copies the dictionary onto the
// qf.matmul it creates, where qf-report reads it (docs/mixed-formats.md).
//
//===----------------------------------------------------------------------===//
#ifndef QF_LIB_DIALECT_QF_TRANSFORMS_FORMATCHOICE_H
#define QF_LIB_DIALECT_QF_TRANSFORMS_FORMATCHOICE_H

#include "qf/Dialect/QF/IR/QF.h"

#include "mlir/IR/BuiltinAttributes.h"

namespace qf {

constexpr llvm::StringLiteral kFormatChoiceAttrName = "qf.format_choice";

/// The chosen format on `op`, or null when it has none.
inline FormatAttr chosenFormat(mlir::Operation *op) {
  auto d = op->getAttrOfType<mlir::DictionaryAttr>(kFormatChoiceAttrName);
  return d ? d.getAs<FormatAttr>("format") : FormatAttr();
}

} // namespace qf

#endif // QF_LIB_DIALECT_QF_TRANSFORMS_FORMATCHOICE_H
