//===- QFConstantOp.cpp - qf.constant: verifier, folder, syntax -----------===//
//
// qf.constant prints its byte tensors (codes, byte scales, SQ outliers and
// positions) as nested hex lists up to kMaxListedCodes codes, and
// f16/bf16/f32 scales and larger constants as dense attributes; it parses
// both forms back.
//
//===----------------------------------------------------------------------===//
#include "qf/Dialect/QF/IR/ConstantData.h"
#include "qf/Dialect/QF/IR/QF.h"

#include "OpHelpers.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/InterleavedRange.h"

using namespace mlir;
using namespace qf;
using namespace qf::detail;

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
