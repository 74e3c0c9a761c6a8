//===- QFSparse.cpp - Sparse-quantized (SQ) formats in the dialect --------===//
//
// The outlier part of `#qf.format<...>` (keys, printing, verification), the
// low / high part types of an SQ `!qf.tensor` and its outlier storage
// (docs/formats.md "Sparse-quantized formats", docs/numerics.md D20-D27),
// and qf.sparse_quantize, the static-channel form of qf.quantize.
//
//===----------------------------------------------------------------------===//

#include "FormatParts.h"
#include "OpHelpers.h"

#include "qf/Dialect/QF/IR/ConstantData.h"
#include "qf/Numerics/Sparse.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace mlir;
using namespace qf;
using namespace qf::detail;

//===----------------------------------------------------------------------===//
// Syntax
//===----------------------------------------------------------------------===//

std::optional<ParseResult> qf::detail::parseOutlierKey(AsmParser &parser,
                                                       StringRef key,
                                                       OutlierParams &p) {
  SMLoc loc = parser.getCurrentLocation();
  auto mark = [&] {
    if (!p.loc.isValid())
      p.loc = loc;
  };
  if (key == "bank" || key == "outliers") {
    mark();
    int64_t v;
    if (parser.parseInteger(v))
      return failure();
    (key == "bank" ? p.bank : p.count) = v;
    return success();
  }
  if (key == "sparsity") {
    mark();
    double s;
    if (parser.parseFloat(s))
      return failure();
    p.sparsity = s;
    return success();
  }
  if (key == "outlier_elem") {
    mark();
    return parser.parseType(p.elem);
  }
  if (key == "outlier_scale") {
    mark();
    return parser.parseType(p.scale);
  }
  if (key == "outlier_rule") {
    mark();
    StringRef word;
    if (parser.parseKeyword(&word))
      return failure();
    std::optional<ScaleRule> r = symbolizeScaleRule(word);
    if (!r)
      return parser.emitError(loc) << "unknown outlier scale rule '" << word
                                   << "'; expected floor, ceil or even";
    p.rule = *r;
    return success();
  }
  return std::nullopt;
}

FailureOr<OutliersAttr> qf::detail::buildOutliers(AsmParser &parser,
                                                  SMLoc start,
                                                  const OutlierParams &p) {
  if (!p.loc.isValid())
    return OutliersAttr();
  MLIRContext *ctx = parser.getContext();
  if (!p.bank)
    return parser.emitError(p.loc)
           << "outliers need 'bank = <elements per bank>' (with 'outliers = "
              "<count>' or 'sparsity = <fraction stored low>')";
  if (p.count && p.sparsity)
    return parser.emitError(p.loc)
           << "give either 'outliers = <count>' or 'sparsity = <fraction>', "
              "not both";
  if (!p.count && !p.sparsity)
    return parser.emitError(p.loc)
           << "outliers need 'outliers = <count per bank>' or 'sparsity = "
              "<fraction stored low>'";
  int64_t count = p.count.value_or(0);
  if (p.sparsity) {
    double s = *p.sparsity;
    double high = (1.0 - s) * double(*p.bank);
    if (!(s > 0.0 && s < 1.0) || std::fabs(high - std::round(high)) > 1e-9)
      return parser.emitError(p.loc)
             << "sparsity " << llvm::formatv("{0}", s).str() << " with bank "
             << *p.bank << " gives " << llvm::formatv("{0}", high).str()
             << " high-precision elements per bank; expected 0 < sparsity "
                "< 1 with (1 - sparsity) * bank a whole number";
    count = int64_t(std::round(high));
  }
  Type elem = p.elem ? p.elem : IntegerType::get(ctx, 8);
  Type scale = p.scale ? p.scale : Float8E8M0FNUType::get(ctx);
  return OutliersAttr::get(ctx, *p.bank, count, elem, scale,
                           p.rule.value_or(ScaleRule::Floor));
}

void qf::detail::printOutliers(AsmPrinter &printer, OutliersAttr o) {
  printer << ", bank = " << o.getBank() << ", outliers = " << o.getCount()
          << ", outlier_elem = " << o.getElementType()
          << ", outlier_scale = " << o.getScaleType();
  if (isa<Float8E8M0FNUType>(o.getScaleType()))
    printer << ", outlier_rule = " << stringifyScaleRule(o.getRule());
}

LogicalResult qf::detail::verifyOutlierTypes(
    function_ref<InFlightDiagnostic()> emitError, OutliersAttr o) {
  if (!toElementFormat(o.getElementType()))
    return emitError() << "outlier element type " << o.getElementType()
                       << " is not supported; expected " << kElementTypes;
  if (!toScaleType(o.getScaleType()))
    return emitError() << "outlier scale type " << o.getScaleType()
                       << " is not supported; expected " << kScaleTypes;
  return success();
}

numerics::OutlierFormat qf::detail::toNumericsOutliers(OutliersAttr o) {
  numerics::OutlierFormat f;
  f.bank = o.getBank();
  f.count = o.getCount();
  f.elem = *toElementFormat(o.getElementType());
  f.scale = *toScaleType(o.getScaleType());
  f.rule = static_cast<numerics::ScaleRule>(o.getRule());
  return f;
}

OutliersAttr qf::detail::fromNumericsOutliers(MLIRContext *ctx,
                                              const numerics::OutlierFormat &o) {
  return OutliersAttr::get(ctx, o.bank, o.count, fromElementFormat(ctx, o.elem),
                           fromScaleType(ctx, o.scale),
                           static_cast<ScaleRule>(o.rule));
}

//===----------------------------------------------------------------------===//
// Formats and types
//===----------------------------------------------------------------------===//

FormatAttr FormatAttr::getLowFormat() const {
  if (!hasOutliers())
    return *this;
  return fromNumerics(getContext(), numerics::lowFormat(toNumerics()));
}

FormatAttr FormatAttr::getHighFormat() const {
  if (!hasOutliers())
    return {};
  return fromNumerics(getContext(), numerics::highFormat(toNumerics()));
}

QTensorType QTensorType::getLowType() const {
  if (!getFormat().hasOutliers())
    return {};
  return cloneWith(getFormat().getLowFormat(), getAxis());
}

QTensorType QTensorType::getHighType() const {
  FormatAttr f = getFormat();
  if (!f.hasOutliers())
    return {};
  SmallVector<int64_t> shape(getShape());
  OutliersAttr o = f.getOutliers();
  // The blocked axis is static (the type verifier requires it).
  shape[getAxis()] = shape[getAxis()] / o.getBank() * o.getCount();
  return QTensorType::get(getContext(), shape, getExpressedType(),
                          f.getHighFormat(), getAxis());
}

RankedTensorType QTensorType::getOutlierPackedType() const {
  QTensorType h = getHighType();
  return h ? h.getPackedType() : RankedTensorType();
}

RankedTensorType QTensorType::getOutlierScalesType() const {
  QTensorType h = getHighType();
  return h ? h.getScalesType() : RankedTensorType();
}

RankedTensorType QTensorType::getOutlierPositionsType() const {
  QTensorType h = getHighType();
  return h ? h.getCodesType() : RankedTensorType();
}

LogicalResult qf::rejectOutliers(Operation *op, Type t, StringRef what) {
  auto q = dyn_cast<QTensorType>(t);
  if (!q || !q.getFormat().hasOutliers())
    return success();
  return op->emitOpError() << what << " does not support the sparse-quantized "
                           << "format " << q.getFormat().str()
                           << " yet; dequantize it, or quantize to a format "
                              "without outliers";
}

//===----------------------------------------------------------------------===//
// Constant storage
//===----------------------------------------------------------------------===//

LogicalResult qf::detail::verifyOutlierStorage(
    function_ref<InFlightDiagnostic()> emitError, QTensorType type,
    DenseIntElementsAttr outlierCodes, DenseElementsAttr outlierScales,
    DenseIntElementsAttr positions) {
  QTensorType high = type.getHighType();
  bool given = outlierCodes || outlierScales || positions;
  if (!high) {
    if (given)
      return emitError() << "format " << type.getFormat().str()
                         << " has no outliers, but outlier storage is given";
    return success();
  }
  if (!outlierCodes || !outlierScales || !positions)
    return emitError() << "format " << type.getFormat().str()
                       << " needs outliers, outlier_scales and positions";
  if (outlierCodes.getType() != high.getCodesType())
    return emitError() << "outlier codes have type " << outlierCodes.getType()
                       << "; expected " << high.getCodesType();
  if (outlierScales.getType() != high.getScalesType())
    return emitError() << "outlier scales have type "
                       << outlierScales.getType() << "; expected "
                       << high.getScalesType();
  if (positions.getType() != type.getOutlierPositionsType())
    return emitError() << "positions have type " << positions.getType()
                       << "; expected " << type.getOutlierPositionsType();
  unsigned bits = high.getElementBits();
  std::vector<uint8_t> codes = readBytes(outlierCodes);
  for (uint8_t c : codes)
    if (bits < 8 && (c >> bits))
      return emitError() << "outlier code " << int(c) << " does not fit in "
                         << bits << " bits";
  std::vector<uint8_t> pos = readBytes(positions);
  numerics::BlockFormat f = type.getFormat().toNumerics();
  std::string msg = numerics::checkPositions(f, type.getLayout(), pos.data(),
                                             int64_t(pos.size()));
  if (!msg.empty())
    return emitError() << msg;
  return success();
}

//===----------------------------------------------------------------------===//
// sparse_split / sparse_join
//===----------------------------------------------------------------------===//

/// The part types of SQ type `t` must be `low`, `high`, `pos`.
static LogicalResult verifyParts(Operation *op, QTensorType t, Type low,
                                 Type high, Type pos) {
  if (!t.getFormat().hasOutliers())
    return op->emitOpError() << "expects a sparse-quantized format, got "
                             << t.getFormat().str();
  if (low != t.getLowType())
    return op->emitOpError() << "low part has type " << low << "; expected "
                             << t.getLowType();
  if (high != t.getHighType())
    return op->emitOpError() << "high part has type " << high << "; expected "
                             << t.getHighType();
  if (pos != t.getOutlierPositionsType())
    return op->emitOpError() << "positions have type " << pos << "; expected "
                             << t.getOutlierPositionsType();
  return success();
}

LogicalResult SparseSplitOp::verify() {
  return verifyParts(*this, getInput().getType(), getLow().getType(),
                     getHigh().getType(), getPositions().getType());
}

LogicalResult SparseJoinOp::verify() {
  return verifyParts(*this, getResult().getType(), getLow().getType(),
                     getHigh().getType(), getPositions().getType());
}

LogicalResult SparseSplitOp::fold(FoldAdaptor adaptor,
                                  SmallVectorImpl<OpFoldResult> &results) {
  if (auto join = getInput().getDefiningOp<SparseJoinOp>()) {
    results.append({join.getLow(), join.getHigh(), join.getPositions()});
    return success();
  }
  auto q = dyn_cast_or_null<QuantizedAttr>(adaptor.getInput());
  if (!q)
    return failure();
  QTensorType t = q.getType();
  results.push_back(QuantizedAttr::get(getContext(), t.getLowType(),
                                       q.getCodes(), q.getScales(), {}, {}, {},
                                       {}));
  results.push_back(QuantizedAttr::get(getContext(), t.getHighType(),
                                       q.getOutlierCodes(),
                                       q.getOutlierScales(), {}, {}, {}, {}));
  results.push_back(q.getPositions());
  return success();
}

OpFoldResult SparseJoinOp::fold(FoldAdaptor) {
  auto split = getLow().getDefiningOp<SparseSplitOp>();
  if (split && getHigh() == split.getHigh() &&
      getPositions() == split.getPositions() &&
      split.getInput().getType() == getResult().getType())
    return split.getInput();
  return {};
}

//===----------------------------------------------------------------------===//
// sparse_quantize
//===----------------------------------------------------------------------===//

LogicalResult SparseQuantizeOp::verify() {
  auto in = getInput().getType();
  QTensorType out = getResult().getType();
  if (failed(verifyQuantizeTypes(*this, in, out)))
    return failure();
  FormatAttr f = out.getFormat();
  if (!f.hasOutliers())
    return emitOpError() << "expects a sparse-quantized result format, got "
                         << f.str() << " (qf.quantize quantizes into it)";
  OutliersAttr o = f.getOutliers();
  int64_t bank = o.getBank(), count = o.getCount();
  // The blocked axis of an SQ type is static (the type verifier checks it).
  int64_t k = out.getShape()[out.getAxis()];
  ArrayRef<int64_t> ch = getOutlierChannels();
  int64_t want = k / bank * count;
  if (int64_t(ch.size()) != want)
    return emitOpError() << "expects " << want << " outlier channels (" << count
                         << " per bank of " << bank
                         << " along the blocked axis of size " << k << "), got "
                         << ch.size();
  for (int64_t i = 0; i < want; ++i) {
    int64_t c = ch[i], b = i / count;
    if (c < b * bank || c >= (b + 1) * bank)
      return emitOpError() << "outlier channel " << c << " (entry " << i
                           << ") is not in bank " << b << " (channels "
                           << b * bank << ".." << (b + 1) * bank - 1
                           << "); every bank needs exactly " << count
                           << " outlier channels, in ascending order";
    if (i % count && c <= ch[i - 1])
      return emitOpError() << "outlier channels must strictly ascend; got "
                           << ch[i - 1] << " then " << c;
  }
  return success();
}

std::vector<uint8_t> SparseQuantizeOp::getChannelMask() {
  int64_t bank = getResult().getType().getFormat().getOutliers().getBank();
  std::vector<uint8_t> mask;
  for (int64_t c : getOutlierChannels())
    mask.push_back(uint8_t(c % bank));
  return mask;
}

OpFoldResult SparseQuantizeOp::fold(FoldAdaptor adaptor) {
  QTensorType type = getResult().getType();
  if (!isFoldableSize(type.getShape()))
    return {};
  std::optional<std::vector<float>> values =
      readFloatElements(adaptor.getInput());
  if (!values)
    return {};
  numerics::BlockFormat f = type.getFormat().toNumerics();
  numerics::Layout l = type.getLayout();
  numerics::QuantizedTensor q = numerics::quantizeSparseWithPositions(
      f, l, values->data(), numerics::broadcastMask(f, l, getChannelMask()));
  return QuantizedAttr::fromNumerics(type, q);
}
