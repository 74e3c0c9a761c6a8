//===- ReportCompare.h - qf-report compare=: QSNR under other formats -*- C++ -*-===//
//
// For every weight whose f32 data is in the module, the QSNR it would get in
// each of a list of formats, next to that format's bits per element: how
// sparse-quantized (SQ) formats compare with plain ones at equal bits
// (docs/formats.md "Sparse-quantized formats").
//
//===----------------------------------------------------------------------===//
#ifndef QF_LIB_DIALECT_QF_TRANSFORMS_REPORTCOMPARE_H
#define QF_LIB_DIALECT_QF_TRANSFORMS_REPORTCOMPARE_H

#include "qf/Dialect/QF/IR/QF.h"

#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>
#include <vector>

namespace qf {

/// Parses `spec`, formats separated by ';' (preset names or #qf.format<...>).
/// Returns "" or a message naming the entry that does not parse.
std::string parseCompareFormats(mlir::MLIRContext *ctx, llvm::StringRef spec,
                                std::vector<FormatAttr> &out);

/// One weight under the compared formats.
struct FormatComparison {
  std::string loc, shape;
  /// Per format: QSNR in dB, or none where the format does not fit the
  /// weight's blocked axis.
  std::vector<std::optional<double>> qsnr;
};

/// The comparison for `q` (a qf.quantize of constant f32 data, quantized
/// along its result's blocked axis); none when the data is not readable.
std::optional<FormatComparison>
compareFormats(QuantizeOp q, llvm::ArrayRef<FormatAttr> formats,
               std::string loc);

/// Prints the table (one row per weight, one column per format) and the mean
/// QSNR per format over the weights where every format fits.
void printComparison(llvm::raw_ostream &os, llvm::ArrayRef<FormatAttr> formats,
                     llvm::ArrayRef<FormatComparison> rows);

} // namespace qf

#endif // QF_LIB_DIALECT_QF_TRANSFORMS_REPORTCOMPARE_H
