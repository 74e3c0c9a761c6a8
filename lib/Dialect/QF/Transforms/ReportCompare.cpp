//===- ReportCompare.cpp - qf-report compare=: QSNR under other formats ---===//
#include "ReportCompare.h"

#include "qf/Dialect/QF/IR/ConstantData.h"
#include "qf/Numerics/Quantize.h"
#include "qf/Numerics/Stats.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace mlir;

std::string qf::parseCompareFormats(MLIRContext *ctx, StringRef spec,
                                    std::vector<FormatAttr> &out) {
  SmallVector<StringRef> parts;
  spec.split(parts, ';', -1, /*KeepEmpty=*/false);
  for (StringRef p : parts) {
    p = p.trim();
    if (FormatAttr preset = FormatAttr::getPreset(ctx, p)) {
      out.push_back(preset);
      continue;
    }
    // Parse errors go to the context's handler; the message below says
    // which entry failed.
    Attribute a = p.starts_with("#") ? parseAttribute(p, ctx) : Attribute();
    auto f = dyn_cast_if_present<FormatAttr>(a);
    if (!f)
      return ("compare: '" + p +
              "' is not a format; expected a preset name or #qf.format<...>, "
              "entries separated by ';'")
          .str();
    out.push_back(f);
  }
  return "";
}

std::optional<qf::FormatComparison>
qf::compareFormats(QuantizeOp q, ArrayRef<FormatAttr> formats,
                   std::string loc) {
  Attribute data;
  if (!matchPattern(q.getInput(), m_Constant(&data)))
    return std::nullopt;
  std::optional<std::vector<float>> x = readFloatElements(data);
  QTensorType t = q.getResult().getType();
  if (!x || !t.hasStaticShape())
    return std::nullopt;
  FormatComparison row;
  row.loc = std::move(loc);
  for (int64_t d : t.getShape())
    row.shape += (row.shape.empty() ? "" : "x") + std::to_string(d);
  numerics::Layout l = t.getLayout();
  for (FormatAttr f : formats) {
    numerics::BlockFormat nf = f.toNumerics();
    if (!numerics::checkLayout(nf, l).empty() || x->empty()) {
      row.qsnr.push_back(std::nullopt);
      continue;
    }
    std::vector<float> xq(x->size());
    numerics::dequantize(nf, l, numerics::quantize(nf, l, x->data()),
                         xq.data());
    row.qsnr.push_back(numerics::qsnrDb(x->data(), xq.data(), int64_t(x->size())));
  }
  return row;
}

void qf::printComparison(llvm::raw_ostream &os, ArrayRef<FormatAttr> formats,
                         ArrayRef<FormatComparison> rows) {
  os << "format comparison (weight QSNR in dB; bits/elt of each format):\n";
  for (auto [i, f] : llvm::enumerate(formats))
    os << llvm::formatv("  [{0}] {1}  ({2:f3} bits/elt)\n", i, f.str(),
                        f.toNumerics().bitsPerElement());
  os << llvm::formatv("{0,-32} {1,-14}", "location", "shape");
  for (size_t i = 0; i < formats.size(); ++i)
    os << llvm::formatv(" {0,9}", "[" + std::to_string(i) + "]");
  os << "\n";
  std::vector<double> sum(formats.size(), 0.0);
  int complete = 0;
  for (const FormatComparison &r : rows) {
    os << llvm::formatv("{0,-32} {1,-14}", r.loc, r.shape);
    bool all = true;
    for (const std::optional<double> &v : r.qsnr) {
      all &= v && std::isfinite(*v);
      os << llvm::formatv(" {0,9}",
                          v ? (std::isfinite(*v) ? llvm::formatv("{0:f2}", *v).str()
                                                 : std::string("inf"))
                            : std::string("-"));
    }
    os << "\n";
    if (all) {
      ++complete;
      for (size_t i = 0; i < r.qsnr.size(); ++i)
        sum[i] += *r.qsnr[i];
    }
  }
  if (!complete)
    return;
  os << llvm::formatv("{0,-32} {1,-14}",
                      "mean (" + std::to_string(complete) + " weights)", "");
  for (double s : sum)
    os << llvm::formatv(" {0,9:f2}", s / complete);
  os << "\n";
}
