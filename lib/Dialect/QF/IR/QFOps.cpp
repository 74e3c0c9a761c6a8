//===- QFOps.cpp - qf operations: verifiers, folders, constant syntax -----===//

#include "qf/Dialect/QF/IR/ConstantData.h"
#include "qf/Dialect/QF/IR/QF.h"

#include "qf/Numerics/Hadamard.h"
#include "qf/Numerics/Quantize.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/InterleavedRange.h"

using namespace mlir;
using namespace qf;

#define GET_OP_CLASSES
#include "qf/Dialect/QF/IR/QFOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

static std::string shapeStr(ArrayRef<int64_t> shape) {
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += "x";
    s += ShapedType::isDynamic(shape[i]) ? "?" : std::to_string(shape[i]);
  }
  return s.empty() ? "scalar" : s;
}

/// True if two shapes agree wherever both are static.
static bool compatibleShapes(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  if (a.size() != b.size())
    return false;
  for (auto [x, y] : llvm::zip(a, b))
    if (!ShapedType::isDynamic(x) && !ShapedType::isDynamic(y) && x != y)
      return false;
  return true;
}

/// Checks that `actual` matches the storage type `expected` (same element
/// type, shapes compatible).
static LogicalResult checkStorage(Operation *op, StringRef what, Type actual,
                                  RankedTensorType expected, QTensorType qt) {
  auto t = dyn_cast<RankedTensorType>(actual);
  if (!t || t.getElementType() != expected.getElementType() ||
      !compatibleShapes(t.getShape(), expected.getShape()))
    return op->emitOpError()
           << what << " has type " << actual << ", but " << qt
           << " stores it as " << expected;
  return success();
}

//===----------------------------------------------------------------------===//
// QuantizeOp
//===----------------------------------------------------------------------===//

LogicalResult QuantizeOp::verify() {
  auto in = getInput().getType();
  QTensorType out = getResult().getType();
  if (!compatibleShapes(in.getShape(), out.getShape()))
    return emitOpError() << "input shape " << shapeStr(in.getShape())
                         << " does not match result shape "
                         << shapeStr(out.getShape());
  if (in.getElementType() != out.getExpressedType())
    return emitOpError() << "input element type " << in.getElementType()
                         << " differs from the expressed type "
                         << out.getExpressedType() << " of the result";
  bool hasTS = out.getFormat().hasTensorScale();
  if (getScales() &&
      failed(rejectOutliers(*this, out, "quantize with static scales")))
    return failure();
  if (getScales()) {
    if (failed(checkStorage(*this, "scales operand", getScales().getType(),
                            out.getScalesType(), out)))
      return failure();
    if (hasTS && !getTensorScale())
      return emitOpError() << "format " << out.getFormat().str()
                           << " has a tensor scale: static scales need a "
                              "tensor_scale operand too";
  }
  if (getTensorScale()) {
    if (!getScales())
      return emitOpError() << "tensor_scale is given without scales; give "
                              "both or neither";
    if (!hasTS)
      return emitOpError() << "format " << out.getFormat().str()
                           << " has no tensor scale, but a tensor_scale "
                              "operand is given";
    if (failed(checkStorage(*this, "tensor_scale operand",
                            getTensorScale().getType(),
                            out.getTensorScaleType(), out)))
      return failure();
  }
  return success();
}

/// Reads constant scale bits laid out as the type's scales tensor.
static std::optional<std::vector<numerics::ScaleBits>>
readScaleBits(Attribute attr) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(attr);
  if (!dense)
    return std::nullopt;
  std::vector<uint8_t> raw = readBytes(dense);
  unsigned bytes =
      cast<ShapedType>(dense.getType()).getElementType().getIntOrFloatBitWidth() /
      8;
  std::vector<numerics::ScaleBits> out(raw.size() / bytes);
  for (size_t i = 0; i < out.size(); ++i) {
    uint32_t v = 0;
    for (unsigned b = 0; b < bytes; ++b)
      v |= uint32_t(raw[i * bytes + b]) << (8 * b);
    out[i] = v;
  }
  return out;
}

static QuantizedAttr quantizeValues(QTensorType type,
                                    const std::vector<float> &values) {
  numerics::QuantizedTensor q = numerics::quantize(
      type.getFormat().toNumerics(), type.getLayout(), values.data());
  return QuantizedAttr::fromNumerics(type, q);
}

OpFoldResult QuantizeOp::fold(FoldAdaptor adaptor) {
  QTensorType type = getResult().getType();
  if (!isFoldableSize(type.getShape()))
    return {};
  std::optional<std::vector<float>> values =
      readFloatElements(adaptor.getInput());
  if (!values)
    return {};
  if (!getScales())
    return quantizeValues(type, *values);
  std::optional<std::vector<numerics::ScaleBits>> scales =
      readScaleBits(adaptor.getScales());
  if (!scales)
    return {};
  float g = 1.0f;
  if (getTensorScale()) {
    std::optional<std::vector<float>> ts =
        readFloatElements(adaptor.getTensorScale());
    if (!ts || ts->size() != 1)
      return {};
    g = (*ts)[0];
  }
  numerics::QuantizedTensor q = numerics::quantizeWithScales(
      type.getFormat().toNumerics(), type.getLayout(), values->data(),
      scales->data(), g);
  return QuantizedAttr::fromNumerics(type, q);
}

//===----------------------------------------------------------------------===//
// DequantizeOp
//===----------------------------------------------------------------------===//

LogicalResult DequantizeOp::verify() {
  QTensorType in = getInput().getType();
  auto out = getResult().getType();
  if (!compatibleShapes(in.getShape(), out.getShape()))
    return emitOpError() << "result shape " << shapeStr(out.getShape())
                         << " does not match operand shape "
                         << shapeStr(in.getShape());
  if (out.getElementType() != in.getExpressedType())
    return emitOpError() << "result element type " << out.getElementType()
                         << " differs from the expressed type "
                         << in.getExpressedType() << " of the operand";
  return success();
}

static std::vector<float> dequantizeValues(QuantizedAttr q) {
  QTensorType type = q.getType();
  std::vector<float> out(type.getCodesType().getNumElements());
  numerics::dequantize(type.getFormat().toNumerics(), type.getLayout(),
                       q.toNumerics(), out.data());
  return out;
}

OpFoldResult DequantizeOp::fold(FoldAdaptor adaptor) {
  auto q = dyn_cast_or_null<QuantizedAttr>(adaptor.getInput());
  if (!q || !isFoldableSize(getResult().getType().getShape()))
    return {};
  return makeFloatElements(getResult().getType(), dequantizeValues(q));
}

//===----------------------------------------------------------------------===//
// RequantizeOp
//===----------------------------------------------------------------------===//

LogicalResult RequantizeOp::verify() {
  QTensorType in = getInput().getType();
  QTensorType out = getResult().getType();
  if (!compatibleShapes(in.getShape(), out.getShape()))
    return emitOpError() << "result shape " << shapeStr(out.getShape())
                         << " does not match operand shape "
                         << shapeStr(in.getShape());
  if (in.getExpressedType() != out.getExpressedType())
    return emitOpError() << "result expressed type " << out.getExpressedType()
                         << " differs from the operand's "
                         << in.getExpressedType();
  return success();
}

/// Replaces `op`, the end of a chain of ops of its kind that starts at
/// `input`, by one such op of `input`, or by `input` itself when
/// `isIdentity`.
template <typename OpTy>
static void replaceByChainOf(PatternRewriter &rewriter, OpTy op, Value input,
                             bool isIdentity) {
  if (isIdentity)
    rewriter.replaceOp(op, input);
  else
    rewriter.replaceOpWithNewOp<OpTy>(op, op.getResult().getType(), input);
}

namespace {
/// quantize(dequantize(q) : f32) with data-dependent scales is, by
/// definition, requantize(q).
struct DequantizeQuantizeToRequantize : OpRewritePattern<QuantizeOp> {
  using Base::Base;
  LogicalResult matchAndRewrite(QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto deq = op.getInput().getDefiningOp<DequantizeOp>();
    if (!deq || op.getScales() || op.getTensorScale() ||
        !deq.getResult().getType().getElementType().isF32())
      return failure();
    rewriter.replaceOpWithNewOp<RequantizeOp>(op, op.getResult().getType(),
                                              deq.getInput());
    return success();
  }
};

/// requantize(requantize(q : A) : B) : C == requantize(q : A) : C when
/// A -> B is lossless (numerics::requantizeIsLossless: B decodes to the
/// values of A wherever a block is finite); q itself when that requantize
/// is the identity.
struct ComposeLosslessRequantize : OpRewritePattern<RequantizeOp> {
  using Base::Base;
  LogicalResult matchAndRewrite(RequantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<RequantizeOp>();
    if (!inner)
      return failure();
    QTensorType a = inner.getInput().getType();
    QTensorType b = inner.getResult().getType();
    if (a.getAxis() != b.getAxis() ||
        !numerics::requantizeIsLossless(a.getFormat().toNumerics(),
                                        b.getFormat().toNumerics()))
      return failure();
    QTensorType c = op.getResult().getType();
    replaceByChainOf(
        rewriter, op, inner.getInput(),
        a == c && numerics::requantizeIsIdentity(c.getFormat().toNumerics()));
    return success();
  }
};
} // namespace

void QuantizeOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                             MLIRContext *context) {
  results.add<DequantizeQuantizeToRequantize>(context);
}

void RequantizeOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                               MLIRContext *context) {
  results.add<ComposeLosslessRequantize>(context);
}

OpFoldResult RequantizeOp::fold(FoldAdaptor adaptor) {
  // Requantizing to the same type is the identity only where the numerics
  // guarantee it (NV formats, for one, recompute the tensor scale).
  if (getInput().getType() == getResult().getType() &&
      numerics::requantizeIsIdentity(getResult().getType().getFormat().toNumerics()))
    return getInput();
  auto q = dyn_cast_or_null<QuantizedAttr>(adaptor.getInput());
  QTensorType type = getResult().getType();
  if (!q || !isFoldableSize(type.getShape()))
    return {};
  return quantizeValues(type, dequantizeValues(q));
}

//===----------------------------------------------------------------------===//
// PackOp / UnpackOp
//===----------------------------------------------------------------------===//

static LogicalResult verifyStorage(Operation *op, QTensorType qt, Type packed,
                                   Type scales, Value tensorScale) {
  if (failed(checkStorage(op, "packed codes", packed, qt.getPackedType(), qt)) ||
      failed(checkStorage(op, "scales", scales, qt.getScalesType(), qt)))
    return failure();
  if (qt.getFormat().hasTensorScale()) {
    if (!tensorScale)
      return op->emitOpError()
             << "format " << qt.getFormat().str()
             << " has a tensor scale; expected a tensor<f32> for it";
    return checkStorage(op, "tensor scale", tensorScale.getType(),
                        qt.getTensorScaleType(), qt);
  }
  if (tensorScale)
    return op->emitOpError() << "format " << qt.getFormat().str()
                             << " has no tensor scale";
  return success();
}

LogicalResult PackOp::verify() {
  if (failed(rejectOutliers(*this, getInput().getType(), "qf.pack")))
    return failure();
  return verifyStorage(*this, getInput().getType(), getPacked().getType(),
                       getScales().getType(), getTensorScale());
}

LogicalResult PackOp::fold(FoldAdaptor adaptor,
                           SmallVectorImpl<OpFoldResult> &results) {
  // pack(unpack(a, b[, c])) -> a, b[, c]
  if (auto unpack = getInput().getDefiningOp<UnpackOp>()) {
    if (unpack.getPacked().getType() == getPacked().getType() &&
        unpack.getScales().getType() == getScales().getType()) {
      results.push_back(unpack.getPacked());
      results.push_back(unpack.getScales());
      if (getTensorScale())
        results.push_back(unpack.getTensorScale());
      return success();
    }
  }
  auto q = dyn_cast_or_null<QuantizedAttr>(adaptor.getInput());
  if (!q || !isFoldableSize(q.getType().getShape()))
    return failure();
  QTensorType type = q.getType();
  auto packedType = cast<RankedTensorType>(getPacked().getType());
  if (!packedType.hasStaticShape())
    return failure();
  std::vector<uint8_t> packed =
      packRows(readBytes(q.getCodes()), type.getShape(), type.getElementBits());
  results.push_back(makeFromRaw(packedType, packed));
  results.push_back(q.getScales());
  if (getTensorScale())
    results.push_back(DenseElementsAttr::get(
        cast<ShapedType>(getTensorScale().getType()),
        ArrayRef<float>(q.getTensorScale().getValue().convertToFloat())));
  return success();
}

LogicalResult UnpackOp::verify() {
  if (failed(rejectOutliers(*this, getResult().getType(), "qf.unpack")))
    return failure();
  return verifyStorage(*this, getResult().getType(), getPacked().getType(),
                       getScales().getType(), getTensorScale());
}

OpFoldResult UnpackOp::fold(FoldAdaptor adaptor) {
  // unpack(pack(q)) -> q
  if (auto pack = getPacked().getDefiningOp<PackOp>())
    if (pack.getInput().getType() == getResult().getType() &&
        getScales() == pack.getScales() &&
        getTensorScale() == pack.getTensorScale())
      return pack.getInput();
  QTensorType type = getResult().getType();
  if (!isFoldableSize(type.getShape()))
    return {};
  auto packed = dyn_cast_or_null<DenseElementsAttr>(adaptor.getPacked());
  auto scales = dyn_cast_or_null<DenseElementsAttr>(adaptor.getScales());
  if (!packed || !scales || scales.getType() != type.getScalesType())
    return {};
  FloatAttr ts;
  if (getTensorScale()) {
    std::optional<std::vector<float>> v =
        readFloatElements(adaptor.getTensorScale());
    if (!v || v->size() != 1)
      return {};
    ts = FloatAttr::get(Float32Type::get(getContext()), (*v)[0]);
  }
  unsigned bits = type.getElementBits();
  std::vector<uint8_t> codes =
      unpackRows(readBytes(packed), type.getShape(), bits);
  // Codes of a full byte are taken as they are; narrower codes are masked by
  // the unpacking itself.
  auto codesAttr =
      cast<DenseIntElementsAttr>(makeFromRaw(type.getCodesType(), codes));
  return QuantizedAttr::get(getContext(), type, codesAttr, scales, ts, {}, {},
                            {});
}

//===----------------------------------------------------------------------===//
// ConstantOp
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::verify() {
  if (getValue().getType() != getResult().getType())
    return emitOpError() << "value has type " << getValue().getType()
                         << " but the result has type "
                         << getResult().getType();
  return success();
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

void ConstantOp::getAsmResultNames(
    function_ref<void(Value, StringRef)> setNameFn) {
  setNameFn(getResult(), "cst");
}

/// Constants up to this many codes print as hex lists; larger ones as dense
/// attributes (which honour --mlir-elide-elementsattrs-if-larger).
static constexpr int64_t kMaxListedCodes = 4096;

/// Prints `values` (row-major in `shape`) as nested bracketed lists.
static void printNested(OpAsmPrinter &p, ArrayRef<int64_t> shape,
                        function_ref<void(int64_t)> printElt) {
  if (shape.empty()) {
    printElt(0);
    return;
  }
  std::function<void(size_t, int64_t)> rec = [&](size_t dim, int64_t base) {
    int64_t stride = 1;
    for (size_t d = dim + 1; d < shape.size(); ++d)
      stride *= shape[d];
    p << "[";
    for (int64_t i = 0; i < shape[dim]; ++i) {
      if (i)
        p << ", ";
      if (dim + 1 == shape.size())
        printElt(base + i);
      else
        rec(dim + 1, base + i * stride);
    }
    p << "]";
  };
  rec(0, 0);
}

static void printHexByte(OpAsmPrinter &p, uint8_t b) {
  static const char *digits = "0123456789ABCDEF";
  p << "0x" << digits[b >> 4] << digits[b & 15];
}

void ConstantOp::print(OpAsmPrinter &p) {
  QuantizedAttr v = getValue();
  QTensorType type = v.getType();
  int64_t numCodes = type.getCodesType().getNumElements();
  // Empty tensors print as dense<> too: "[]" would not carry their shape.
  bool listed = numCodes > 0 && numCodes <= kMaxListedCodes;
  // Byte tensors (codes, E8M0/E4M3 scales, positions) print as hex lists;
  // f16/bf16/f32 scales and large constants as dense attributes.
  auto printBytes = [&](StringRef key, DenseElementsAttr attr) {
    p << " " << key << " ";
    auto t = cast<RankedTensorType>(attr.getType());
    if (listed && t.getElementType().isInteger(8)) {
      std::vector<uint8_t> bytes = readBytes(attr);
      printNested(p, t.getShape(),
                  [&](int64_t i) { printHexByte(p, bytes[i]); });
    } else {
      p.printAttribute(attr);
    }
  };
  printBytes("codes", v.getCodes());
  printBytes("scales", v.getScales());
  if (FloatAttr ts = v.getTensorScale()) {
    p << " tensor_scale ";
    p.printFloat(ts.getValue());
  }
  if (v.getOutlierCodes()) {
    printBytes("outliers", v.getOutlierCodes());
    printBytes("outlier_scales", v.getOutlierScales());
    printBytes("positions", v.getPositions());
  }
  p.printOptionalAttrDict((*this)->getAttrs(), /*elidedAttrs=*/{"value"});
  p << " : " << type;
}

namespace {
/// A bracketed nested list as parsed, before the type is known.
struct ParsedList {
  SMLoc loc;
  SmallVector<int64_t> shape;
  SmallVector<APInt> ints;
  DenseElementsAttr dense; ///< when given as an attribute instead
};
} // namespace

/// Parses a nested bracketed list of integers (hex allowed), or a dense
/// attribute, or a single integer (rank 0).
static ParseResult parseNested(OpAsmParser &parser, ParsedList &out) {
  out.loc = parser.getCurrentLocation();
  if (failed(parser.parseOptionalLSquare())) {
    APInt v;
    OptionalParseResult ir = parser.parseOptionalInteger(v);
    if (ir.has_value()) {
      if (failed(*ir))
        return failure();
      out.ints.push_back(v);
      return success();
    }
    Attribute attr;
    if (parser.parseAttribute(attr))
      return failure();
    out.dense = dyn_cast<DenseElementsAttr>(attr);
    if (!out.dense)
      return parser.emitError(out.loc)
             << "expected a bracketed list of bytes or a dense<...> attribute";
    return success();
  }
  // Recursive descent; record the extent of each depth.
  SmallVector<int64_t> extents;
  std::function<ParseResult(size_t)> rec = [&](size_t depth) -> ParseResult {
    int64_t count = 0;
    auto elt = [&]() -> ParseResult {
      ++count;
      if (succeeded(parser.parseOptionalLSquare()))
        return rec(depth + 1);
      if (extents.size() > depth + 1)
        return parser.emitError(parser.getCurrentLocation())
               << "ragged nested list";
      APInt v;
      if (parser.parseInteger(v))
        return failure();
      out.ints.push_back(v);
      return success();
    };
    if (parser.parseCommaSeparatedList(elt) || parser.parseRSquare())
      return failure();
    if (extents.size() <= depth)
      extents.resize(depth + 1, -1);
    if (extents[depth] == -1)
      extents[depth] = count;
    else if (extents[depth] != count)
      return parser.emitError(out.loc) << "ragged nested list";
    return success();
  };
  if (rec(0))
    return failure();
  out.shape.assign(extents.begin(), extents.end());
  return success();
}

static DenseElementsAttr buildFromList(OpAsmParser &parser, ParsedList &l,
                                       RankedTensorType type, StringRef what) {
  if (l.dense) {
    if (l.dense.getType() != type) {
      parser.emitError(l.loc) << what << " have type " << l.dense.getType()
                              << "; expected " << type;
      return {};
    }
    return l.dense;
  }
  if (!type.getElementType().isInteger(8)) {
    parser.emitError(l.loc) << what << " of element type "
                            << type.getElementType()
                            << " are written as a dense<...> attribute";
    return {};
  }
  if (ArrayRef<int64_t>(l.shape) != type.getShape()) {
    parser.emitError(l.loc) << what << " have shape " << shapeStr(l.shape)
                            << "; expected " << shapeStr(type.getShape());
    return {};
  }
  std::vector<uint8_t> bytes;
  bytes.reserve(l.ints.size());
  for (const APInt &v : l.ints) {
    if (v.isNegative() || v.getActiveBits() > 8) {
      parser.emitError(l.loc) << what << " must be bytes (0x00..0xFF), got "
                              << v.getSExtValue();
      return {};
    }
    bytes.push_back(uint8_t(v.getZExtValue()));
  }
  return makeFromRaw(type, bytes);
}

ParseResult ConstantOp::parse(OpAsmParser &parser, OperationState &result) {
  ParsedList codes, scales;
  APFloat tsValue(0.0f);
  bool hasTS = false;
  if (parser.parseKeyword("codes") || parseNested(parser, codes) ||
      parser.parseKeyword("scales") || parseNested(parser, scales))
    return failure();
  if (succeeded(parser.parseOptionalKeyword("tensor_scale"))) {
    hasTS = true;
    if (parser.parseFloat(APFloat::IEEEsingle(), tsValue))
      return failure();
  }
  // SQ formats: the outlier codes, their scales and in-bank positions.
  ParsedList outliers, outlierScales, positionList;
  bool hasOutliers = false;
  if (succeeded(parser.parseOptionalKeyword("outliers"))) {
    hasOutliers = true;
    if (parseNested(parser, outliers) ||
        parser.parseKeyword("outlier_scales") ||
        parseNested(parser, outlierScales) ||
        parser.parseKeyword("positions") || parseNested(parser, positionList))
      return failure();
  }
  if (parser.parseOptionalAttrDict(result.attributes))
    return failure();
  Type rawType;
  SMLoc typeLoc = parser.getCurrentLocation();
  if (parser.parseColonType(rawType))
    return failure();
  auto type = dyn_cast<QTensorType>(rawType);
  if (!type)
    return parser.emitError(typeLoc) << "expected a !qf.tensor type, got "
                                     << rawType;
  if (!type.hasStaticShape())
    return parser.emitError(typeLoc)
           << "a quantized constant needs a static shape, got " << type;
  DenseElementsAttr codesAttr =
      buildFromList(parser, codes, type.getCodesType(), "codes");
  if (!codesAttr)
    return failure();
  DenseElementsAttr scalesAttr =
      buildFromList(parser, scales, type.getScalesType(), "scales");
  if (!scalesAttr)
    return failure();
  FloatAttr ts;
  if (hasTS)
    ts = FloatAttr::get(Float32Type::get(parser.getContext()), tsValue);
  DenseElementsAttr outCodes, outScales, positions;
  if (hasOutliers) {
    QTensorType high = type.getHighType();
    if (!high)
      return parser.emitError(outliers.loc)
             << "format " << type.getFormat().str() << " has no outliers";
    outCodes = buildFromList(parser, outliers, high.getCodesType(), "outliers");
    if (!outCodes)
      return failure();
    outScales = buildFromList(parser, outlierScales, high.getScalesType(),
                              "outlier scales");
    if (!outScales)
      return failure();
    positions = buildFromList(parser, positionList,
                              type.getOutlierPositionsType(), "positions");
    if (!positions)
      return failure();
  }
  QuantizedAttr value = QuantizedAttr::getChecked(
      [&] { return parser.emitError(typeLoc); }, parser.getContext(), type,
      cast<DenseIntElementsAttr>(codesAttr), scalesAttr, ts,
      cast_if_present<DenseIntElementsAttr>(outCodes), outScales,
      cast_if_present<DenseIntElementsAttr>(positions));
  if (!value)
    return failure();
  result.addAttribute("value", value);
  result.addTypes(type);
  return success();
}

//===----------------------------------------------------------------------===//
// TransposeOp / ReshapeOp
//===----------------------------------------------------------------------===//

/// Data movement needs fixed-size blocks along the innermost axis.
static LogicalResult verifyInnermostBlocks(Operation *op, QTensorType t,
                                           StringRef name) {
  if (t.getFormat().getBlockKind() != BlockKind::Fixed)
    return op->emitOpError()
           << name << " (" << t << ") needs fixed-size blocks";
  if (t.getAxis() != t.getRank() - 1)
    return op->emitOpError()
           << name << " is blocked along axis " << t.getAxis()
           << "; the blocked axis must be the innermost one (axis "
           << t.getRank() - 1 << ")";
  return success();
}

/// qf.transpose / qf.reshape move codes and scales unchanged: the same
/// format on both sides, blocks along the innermost axis.
static LogicalResult verifyStorageMove(Operation *op, QTensorType in,
                                       QTensorType out) {
  if (in.getFormat() != out.getFormat())
    return op->emitOpError() << "result format " << out.getFormat()
                             << " differs from the input format "
                             << in.getFormat();
  if (failed(verifyInnermostBlocks(op, in, "input")) ||
      failed(verifyInnermostBlocks(op, out, "result")))
    return failure();
  return success();
}

LogicalResult TransposeOp::verify() {
  QTensorType in = getInput().getType(), out = getResult().getType();
  if (failed(rejectOutliers(*this, in, "qf.transpose")) ||
      failed(rejectOutliers(*this, out, "qf.transpose")))
    return failure();
  ArrayRef<int64_t> perm = getPermutation();
  int64_t rank = in.getRank();
  if (int64_t(perm.size()) != rank || out.getRank() != rank)
    return emitOpError() << "permutation has " << perm.size()
                         << " entries; input and result have rank " << rank
                         << " and " << out.getRank();
  SmallVector<bool> seen(rank, false);
  for (int64_t p : perm) {
    if (p < 0 || p >= rank || seen[p])
      return emitOpError() << "permutation [" << llvm::interleaved(perm)
                           << "] is not a permutation of 0.." << rank - 1;
    seen[p] = true;
  }
  if (failed(verifyStorageMove(*this, in, out)))
    return failure();
  if (perm.back() != rank - 1)
    return emitOpError() << "permutation [" << llvm::interleaved(perm)
                         << "] moves the innermost (blocked) axis; it must "
                            "stay last";
  SmallVector<int64_t> expected;
  for (int64_t p : perm)
    expected.push_back(in.getShape()[p]);
  if (!compatibleShapes(out.getShape(), expected))
    return emitOpError() << "result shape " << shapeStr(out.getShape())
                         << " does not match the permuted input shape "
                         << shapeStr(expected);
  return success();
}

LogicalResult ReshapeOp::verify() {
  QTensorType in = getInput().getType(), out = getResult().getType();
  if (failed(rejectOutliers(*this, in, "qf.reshape")) ||
      failed(rejectOutliers(*this, out, "qf.reshape")))
    return failure();
  if (failed(verifyStorageMove(*this, in, out)))
    return failure();
  if (!in.hasStaticShape() || !out.hasStaticShape())
    return emitOpError() << "needs static shapes; got "
                         << shapeStr(in.getShape()) << " and "
                         << shapeStr(out.getShape());
  if (ShapedType::getNumElements(in.getShape()) !=
      ShapedType::getNumElements(out.getShape()))
    return emitOpError() << "input " << shapeStr(in.getShape())
                         << " and result " << shapeStr(out.getShape())
                         << " have different element counts";
  int64_t bs = in.getFormat().getBlockSize();
  for (QTensorType t : {in, out}) {
    int64_t w = t.getShape().back();
    if (w % bs != 0 || (w * t.getElementBits()) % 8 != 0)
      return emitOpError() << "innermost size " << w << " of " << t
                           << " is not a whole number of blocks of " << bs
                           << " (and of bytes); blocks would change";
  }
  return success();
}

namespace {
/// qf.reshape(qf.reshape(x)) -> qf.reshape(x), or x when that is its type:
/// every reshape keeps the blocks in the same flat order.
struct ComposeReshapes : OpRewritePattern<ReshapeOp> {
  using Base::Base;
  LogicalResult matchAndRewrite(ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<ReshapeOp>();
    if (!inner)
      return failure();
    replaceByChainOf(rewriter, op, inner.getInput(),
                     inner.getInput().getType() == op.getResult().getType());
    return success();
  }
};
} // namespace

void ReshapeOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                            MLIRContext *context) {
  results.add<ComposeReshapes>(context);
}

//===----------------------------------------------------------------------===//
// MatmulOp
//===----------------------------------------------------------------------===//

/// A quantized contraction operand must be blocked along its reduction
/// axis `kAxis` (tensor-wide formats have no axis).
static LogicalResult verifyContractionAxis(Operation *op, Type t,
                                           int64_t kAxis, StringRef name) {
  auto q = dyn_cast<QTensorType>(t);
  if (!q || q.getFormat().getBlockKind() == BlockKind::Tensor ||
      q.getAxis() == kAxis)
    return success();
  return op->emitOpError() << name << " is blocked along axis " << q.getAxis()
                           << ", but the contraction needs blocks along its "
                              "reduction axis "
                           << kAxis;
}

/// The shape and blocking rules shared by qf.matmul and qf.fused_matmul:
/// rank 2 or 3 (leading batch), equal K and batch sizes, quantized operands
/// blocked along K. Returns the product's shape [B,] M x N.
static FailureOr<SmallVector<int64_t>>
contractionShape(Operation *op, Type lhs, Type rhs, bool tb) {
  ArrayRef<int64_t> a = shapeOfQOrFloat(lhs);
  ArrayRef<int64_t> b = shapeOfQOrFloat(rhs);
  if (a.size() != b.size() || (a.size() != 2 && a.size() != 3))
    return op->emitOpError()
           << "operands must both have rank 2, or both rank 3 with a leading "
              "batch dimension; got "
           << a.size() << " and " << b.size();
  size_t r = a.size();
  int64_t m = a[r - 2], k = a[r - 1];
  int64_t kb = tb ? b[r - 1] : b[r - 2];
  int64_t n = tb ? b[r - 2] : b[r - 1];
  auto eq = [](int64_t x, int64_t y) {
    return ShapedType::isDynamic(x) || ShapedType::isDynamic(y) || x == y;
  };
  if (!eq(k, kb))
    return op->emitOpError() << "reduction sizes differ: lhs has K = " << k
                             << ", rhs has K = " << kb
                             << (tb ? " (rhs is transposed: [N, K])" : "");
  SmallVector<int64_t> expected;
  if (r == 3) {
    if (!eq(a[0], b[0]))
      return op->emitOpError()
             << "batch sizes differ: " << a[0] << " vs " << b[0];
    expected.push_back(ShapedType::isDynamic(a[0]) ? b[0] : a[0]);
  }
  expected.push_back(m);
  expected.push_back(n);
  if (auto q = dyn_cast<QTensorType>(rhs); q && q.isTiled() && !tb)
    return op->emitOpError()
           << "rhs " << rhs
           << " in the repacked layout is a [N, K] weight: it needs transpose_b";
  if (failed(verifyContractionAxis(op, lhs, r - 1, "lhs")) ||
      failed(verifyContractionAxis(op, rhs, tb ? r - 1 : r - 2, "rhs")))
    return failure();
  return expected;
}

LogicalResult MatmulOp::verify() {
  FailureOr<SmallVector<int64_t>> expected = contractionShape(
      *this, getLhs().getType(), getRhs().getType(), getTransposeB());
  if (failed(expected))
    return failure();
  ArrayRef<int64_t> c = getResult().getType().getShape();
  if (!compatibleShapes(c, *expected))
    return emitOpError() << "result shape " << shapeStr(c)
                         << " does not match " << shapeStr(*expected);
  return success();
}

//===----------------------------------------------------------------------===//
// HadamardOp
//===----------------------------------------------------------------------===//

LogicalResult HadamardOp::verify() {
  auto type = getInput().getType();
  int64_t rank = type.getRank();
  int64_t axis = getAxis();
  if (axis < 0 || axis >= rank)
    return emitOpError() << "axis " << axis << " is out of range for rank "
                         << rank << "; expected 0.." << rank - 1;
  int64_t block = getBlock();
  if (!numerics::isSupportedHadamardSize(block))
    return emitOpError() << "block " << block
                         << " is not a supported Hadamard size; expected 2^k, "
                            "12*2^k or 20*2^k";
  int64_t dim = type.getDimSize(axis);
  if (ShapedType::isDynamic(dim))
    return emitOpError() << "the rotated axis " << axis
                         << " must have a static size";
  if (dim % block != 0)
    return emitOpError() << "block " << block << " does not divide dimension "
                         << axis << " (size " << dim << ")";
  return success();
}

OpFoldResult HadamardOp::fold(FoldAdaptor adaptor) {
  auto type = getInput().getType();
  if (!type.getElementType().isF32() || !type.hasStaticShape())
    return {};
  std::optional<std::vector<float>> values =
      readFloatElements(adaptor.getInput());
  if (!values)
    return {};
  std::vector<int64_t> shape(type.getShape().begin(), type.getShape().end());
  std::optional<int64_t> seed = getSeed();
  numerics::hadamardAlongAxis(values->data(), shape, getAxis(), getBlock(),
                              seed.has_value(),
                              seed ? static_cast<uint64_t>(*seed) : 0);
  return makeFloatElements(type, *values);
}

//===----------------------------------------------------------------------===//
// ObserveOp
//===----------------------------------------------------------------------===//

LogicalResult ObserveOp::verify() {
  if (getName().empty())
    return emitOpError() << "needs a non-empty name";
  return success();
}

//===----------------------------------------------------------------------===//
// MapOp / FusedMatmulOp / YieldOp
//===----------------------------------------------------------------------===//

/// Checks the static scale operands of an op quantizing into `out` (the
/// rules of qf.quantize).
static LogicalResult verifyGivenScales(Operation *op, Type resultType,
                                       Value scales, Value tensorScale) {
  auto out = dyn_cast<QTensorType>(resultType);
  if (!out) {
    if (scales || tensorScale)
      return op->emitOpError()
             << "scales are given, but the result " << resultType
             << " is not a !qf.tensor";
    return success();
  }
  bool hasTS = out.getFormat().hasTensorScale();
  if (scales) {
    if (failed(checkStorage(op, "scales operand", scales.getType(),
                            out.getScalesType(), out)))
      return failure();
    if (hasTS && !tensorScale)
      return op->emitOpError() << "format " << out.getFormat().str()
                               << " has a tensor scale: static scales need a "
                                  "tensor_scale operand too";
  }
  if (tensorScale) {
    if (!scales)
      return op->emitOpError() << "tensor_scale is given without scales; give "
                                  "both or neither";
    if (!hasTS)
      return op->emitOpError() << "format " << out.getFormat().str()
                               << " has no tensor scale, but a tensor_scale "
                                  "operand is given";
    if (failed(checkStorage(op, "tensor_scale operand", tensorScale.getType(),
                            out.getTensorScaleType(), out)))
      return failure();
  }
  return success();
}

/// The body of a fused elementwise op: `numArgs` f32 arguments, scalar
/// elementwise arith/math ops, and a qf.yield of one f32.
static LogicalResult verifyScalarBody(Operation *op, Region &region,
                                      unsigned numArgs, StringRef argsWhat) {
  Block &block = region.front();
  if (block.getNumArguments() != numArgs)
    return op->emitOpError() << "body has " << block.getNumArguments()
                             << " arguments, but " << numArgs << " are needed ("
                             << argsWhat << ")";
  for (BlockArgument arg : block.getArguments())
    if (!arg.getType().isF32())
      return op->emitOpError() << "body argument #" << arg.getArgNumber()
                               << " has type " << arg.getType()
                               << "; body arguments are f32 scalars";
  for (Operation &inner : block.without_terminator()) {
    // Row reductions (checked by their own verifier) in fused_matmul and
    // map bodies.
    if (isa<RowReduceOp>(inner) && isa<FusedMatmulOp, MapOp>(op))
      continue;
    StringRef ns = inner.getDialect() ? inner.getDialect()->getNamespace() : "";
    bool elementwise = inner.hasTrait<OpTrait::Elementwise>() ||
                       isa<arith::ConstantOp>(inner);
    if ((ns != "arith" && ns != "math") || !elementwise ||
        inner.getNumRegions() != 0)
      return op->emitOpError()
             << "body op '" << inner.getName()
             << "' is not an elementwise arith or math op; the body may only "
                "compute on scalars";
    for (Type t : llvm::concat<const Type>(
             SmallVector<Type>(inner.getOperandTypes()),
             SmallVector<Type>(inner.getResultTypes())))
      if (!t.isIntOrFloat())
        return op->emitOpError()
               << "body op '" << inner.getName() << "' uses type " << t
               << "; the body computes on int or float scalars only";
  }
  auto yield = cast<YieldOp>(block.getTerminator());
  if (yield.getValues().size() != 1 || !yield.getValues()[0].getType().isF32())
    return op->emitOpError() << "body must yield exactly one f32 value";
  return success();
}

AffineMap MapOp::getInputMap(unsigned i) {
  if (std::optional<ArrayAttr> maps = getIndexingMaps())
    return cast<AffineMapAttr>((*maps)[i]).getValue();
  return AffineMap::getMultiDimIdentityMap(getRank(), getContext());
}

int64_t MapOp::getRank() { return getResultShape().size(); }

ArrayRef<int64_t> MapOp::getResultShape() {
  return shapeOfQOrFloat(getResult().getType());
}

LogicalResult MapOp::verify() {
  ArrayRef<int64_t> shape = getResultShape();
  int64_t rank = shape.size();
  if (getInputs().empty())
    return emitOpError() << "needs at least one input";
  if (std::optional<ArrayAttr> maps = getIndexingMaps())
    if (maps->size() != getInputs().size())
      return emitOpError() << "has " << maps->size() << " indexing maps for "
                           << getInputs().size() << " inputs";
  if (auto rt = dyn_cast<RankedTensorType>(getResult().getType());
      rt && !rt.getElementType().isF32())
    return emitOpError() << "float result has element type "
                         << rt.getElementType() << "; only f32 is supported";
  if (auto qt = dyn_cast<QTensorType>(getResult().getType());
      qt && !qt.getExpressedType().isF32())
    return emitOpError() << "result expresses " << qt.getExpressedType()
                         << "; only f32 is supported";
  bool hasIdentity = false;
  for (auto [i, in] : llvm::enumerate(getInputs())) {
    AffineMap map = getInputMap(i);
    if (map.getNumDims() != rank)
      return emitOpError() << "indexing map #" << i << " has "
                           << map.getNumDims() << " dimensions; the result has "
                           << rank;
    int64_t last = -1;
    SmallVector<int64_t> expected;
    for (AffineExpr e : map.getResults()) {
      auto d = dyn_cast<AffineDimExpr>(e);
      if (!d || int64_t(d.getPosition()) <= last)
        return emitOpError()
               << "indexing map #" << i << " (" << AffineMapAttr::get(map)
               << ") is not a broadcast: it must pick an increasing subset of "
                  "the result dimensions";
      last = d.getPosition();
      expected.push_back(shape[last]);
    }
    bool identity = map.isIdentity();
    hasIdentity |= identity;
    Type t = in.getType();
    if (auto q = dyn_cast<QTensorType>(t)) {
      if (!identity)
        return emitOpError() << "input #" << i << " (" << t
                             << ") is quantized and must use the identity map";
      if (!q.getExpressedType().isF32())
        return emitOpError() << "input #" << i << " expresses "
                             << q.getExpressedType()
                             << "; only f32 is supported";
    } else if (!cast<RankedTensorType>(t).getElementType().isF32()) {
      return emitOpError() << "input #" << i << " has element type "
                           << cast<RankedTensorType>(t).getElementType()
                           << "; only f32 is supported";
    }
    if (!compatibleShapes(shapeOfQOrFloat(t), expected))
      return emitOpError() << "input #" << i << " has shape "
                           << shapeStr(shapeOfQOrFloat(t))
                           << ", but its indexing map needs "
                           << shapeStr(expected);
  }
  if (!hasIdentity)
    return emitOpError() << "needs one input with the identity indexing map "
                            "(it gives the iteration sizes)";
  return verifyGivenScales(*this, getResult().getType(), getScales(),
                           getTensorScale());
}

LogicalResult MapOp::verifyRegions() {
  if (failed(verifyScalarBody(*this, getBody(), getInputs().size(),
                              "one per input")))
    return failure();
  // A row reduction runs over the result's last axis: the kernel keeps one
  // row (its reduced values) per iteration, so that axis must be known.
  if (!getBody().front().getOps<RowReduceOp>().empty()) {
    ArrayRef<int64_t> shape = getResultShape();
    if (shape.empty() || ShapedType::isDynamic(shape.back()))
      return emitOpError() << "has a qf.row_reduce in its body, which reduces "
                              "over the result's last axis (a row); the "
                              "result "
                           << shapeStr(shape)
                           << " needs a static last axis";
  }
  return success();
}

AffineMap FusedMatmulOp::getEpilogueMap(unsigned i) {
  if (std::optional<ArrayAttr> maps = getEpilogueMaps())
    return cast<AffineMapAttr>((*maps)[i]).getValue();
  return AffineMap::getMultiDimIdentityMap(getRowShape().size(),
                                           getContext());
}

SmallVector<int64_t> FusedMatmulOp::getRowShape() {
  ArrayRef<int64_t> a = shapeOfQOrFloat(getLhs().getType());
  ArrayRef<int64_t> b = shapeOfQOrFloat(getRhs().getType());
  size_t r = a.size();
  SmallVector<int64_t> s;
  if (r == 3)
    s.push_back(ShapedType::isDynamic(a[0]) ? b[0] : a[0]);
  int64_t m = a[r - 2], n = getTransposeB() ? b[r - 2] : b[r - 1];
  s.push_back(getTransposeResult() ? n : m);
  s.push_back(getTransposeResult() ? m : n);
  return s;
}

LogicalResult FusedMatmulOp::verify() {
  // The contraction itself: the rules of qf.matmul.
  Type resultType = getResult().getType();
  auto out = dyn_cast<QTensorType>(resultType);
  ArrayRef<int64_t> c = shapeOfQOrFloat(resultType);
  if (failed(contractionShape(*this, getLhs().getType(), getRhs().getType(),
                              getTransposeB())))
    return failure();
  // The result: the product (transposed with transpose_result), its last
  // axis possibly padded with zeros to a longer static size.
  SmallVector<int64_t> rows = getRowShape();
  SmallVector<int64_t> expected = rows;
  int64_t last = rows.back(), cLast = c.back();
  bool padded = !ShapedType::isDynamic(last) &&
                !ShapedType::isDynamic(cLast) && cLast > last;
  if (padded)
    expected.back() = cLast;
  if (c.size() != expected.size() || !compatibleShapes(c, expected))
    return emitOpError() << "result shape " << shapeStr(c)
                         << " does not match the product "
                         << shapeStr(rows)
                         << (getTransposeResult() ? " (transpose_result: [N, M])"
                                                  : "")
                         << "; only the last axis may be longer (padded with "
                            "zeros)";
  ArrayRef<int64_t> b = shapeOfQOrFloat(getRhs().getType());
  size_t r = b.size();
  bool tb = getTransposeB();
  if (Value rhs2 = getRhs2()) {
    // The second product shares lhs, transpose_b and the result shape, so
    // rhs2 has the shape of rhs.
    ArrayRef<int64_t> b2 = shapeOfQOrFloat(rhs2.getType());
    if (b2.size() != r || !compatibleShapes(b2, b))
      return emitOpError() << "rhs2 has shape " << shapeStr(b2)
                           << "; the second product needs the shape of rhs "
                           << shapeStr(b);
    if (failed(verifyContractionAxis(*this, rhs2.getType(),
                                     tb ? r - 1 : r - 2, "rhs2")))
      return failure();
  }
  if (!out) {
    Type elt = cast<RankedTensorType>(resultType).getElementType();
    if (!elt.isF32())
      return emitOpError() << "float result has element type " << elt
                           << "; only f32 is supported";
    if (padded || getTransposeResult())
      return emitOpError() << "an f32 result cannot be padded or use "
                              "transpose_result (those forms feed a "
                              "quantized contraction)";
  } else if (!out.getExpressedType().isF32()) {
    return emitOpError() << "result expresses " << out.getExpressedType()
                         << "; only f32 is supported";
  }
  if (out && out.getFormat().getBlockKind() != BlockKind::Tensor &&
      out.getAxis() != int64_t(r) - 1)
    return emitOpError() << "result is blocked along axis " << out.getAxis()
                         << "; the epilogue encodes blocks along the last "
                            "axis (axis "
                         << r - 1 << ": N, or M with transpose_result)";
  if (std::optional<ArrayAttr> maps = getEpilogueMaps())
    if (maps->size() != getEpilogue().size())
      return emitOpError() << "has " << maps->size()
                           << " epilogue maps for " << getEpilogue().size()
                           << " epilogue inputs";
  for (auto [i, e] : llvm::enumerate(getEpilogue())) {
    // A broadcast of the row shape: an increasing subset of its dims.
    AffineMap map = getEpilogueMap(i);
    if (map.getNumDims() != rows.size() || map.getNumSymbols() != 0)
      return emitOpError() << "epilogue map #" << i << " has "
                           << map.getNumDims() << " dimensions; the rows have "
                           << rows.size();
    SmallVector<int64_t> want;
    int64_t prev = -1;
    for (AffineExpr x : map.getResults()) {
      auto d = dyn_cast<AffineDimExpr>(x);
      if (!d || int64_t(d.getPosition()) <= prev)
        return emitOpError()
               << "epilogue map #" << i << " (" << AffineMapAttr::get(map)
               << ") is not a broadcast: it must pick an increasing subset of "
                  "the row dimensions";
      prev = d.getPosition();
      want.push_back(rows[prev]);
    }
    ArrayRef<int64_t> shape = cast<RankedTensorType>(e.getType()).getShape();
    if (!compatibleShapes(shape, want))
      return emitOpError() << "epilogue input #" << i << " has shape "
                           << shapeStr(shape)
                           << "; its map needs " << shapeStr(want)
                           << " of the product's shape (the result before "
                              "padding) "
                           << shapeStr(rows);
  }
  return verifyGivenScales(*this, resultType, getScales(), getTensorScale());
}

LogicalResult FusedMatmulOp::verifyRegions() {
  if (getRhs2())
    return verifyScalarBody(*this, getBody(), 2 + getEpilogue().size(),
                            "the accumulators of rhs and rhs2, then one per "
                            "epilogue input");
  return verifyScalarBody(*this, getBody(), 1 + getEpilogue().size(),
                          "the accumulator, then one per epilogue input");
}

LogicalResult RowReduceOp::verifyRegions() {
  if (failed(verifyScalarBody(*this, getCombiner(), 2,
                              "the element, then the accumulator")))
    return failure();
  // init is computed once per row: it may not depend on the elements.
  Block *body = (*this)->getBlock();
  SmallVector<Value> work{getInit()};
  llvm::SmallPtrSet<Value, 8> seen;
  while (!work.empty()) {
    Value v = work.pop_back_val();
    if (!seen.insert(v).second)
      continue;
    if (auto arg = dyn_cast<BlockArgument>(v)) {
      if (arg.getOwner() == body)
        return emitOpError() << "init depends on the body argument #"
                             << arg.getArgNumber()
                             << "; it must be the same for every element of "
                                "the row (constants and earlier row "
                                "reductions)";
      continue;
    }
    Operation *def = v.getDefiningOp();
    if (isa<RowReduceOp>(def))
      continue;
    for (Value o : def->getOperands())
      work.push_back(o);
  }
  return success();
}
