//===- QFAttrs.cpp - qf attributes: formats and quantized values ----------===//

#include "qf/Dialect/QF/IR/ConstantData.h"
#include "qf/Dialect/QF/IR/QF.h"

#include "FormatParts.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace qf;

#include "qf/Dialect/QF/IR/QFEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "qf/Dialect/QF/IR/QFAttrs.cpp.inc"

void QFDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "qf/Dialect/QF/IR/QFAttrs.cpp.inc"
      >();
}

//===----------------------------------------------------------------------===//
// Type <-> numerics mapping
//===----------------------------------------------------------------------===//

namespace qf::detail {
const char *kElementTypes =
    "f8E4M3FN, f8E5M2, f6E2M3FN, f6E3M2FN, f4E2M1FN or a signless integer "
    "i2..i8";
const char *kScaleTypes = "f8E8M0FNU, f8E4M3FN, f16, bf16 or f32";

std::optional<numerics::ElementFormat> toElementFormat(Type t) {
  if (isa<Float8E4M3FNType>(t))
    return numerics::ElementFormat::f8E4M3FN();
  if (isa<Float8E5M2Type>(t))
    return numerics::ElementFormat::f8E5M2();
  if (isa<Float6E2M3FNType>(t))
    return numerics::ElementFormat::f6E2M3FN();
  if (isa<Float6E3M2FNType>(t))
    return numerics::ElementFormat::f6E3M2FN();
  if (isa<Float4E2M1FNType>(t))
    return numerics::ElementFormat::f4E2M1FN();
  if (auto i = dyn_cast<IntegerType>(t))
    if (i.isSignless() && i.getWidth() >= 2 && i.getWidth() <= 8)
      return numerics::ElementFormat::intN(i.getWidth());
  return std::nullopt;
}

Type fromElementFormat(MLIRContext *ctx,
                              const numerics::ElementFormat &e) {
  if (e.isInt())
    return IntegerType::get(ctx, e.bits);
  if (e == numerics::ElementFormat::f8E4M3FN())
    return Float8E4M3FNType::get(ctx);
  if (e == numerics::ElementFormat::f8E5M2())
    return Float8E5M2Type::get(ctx);
  if (e == numerics::ElementFormat::f6E2M3FN())
    return Float6E2M3FNType::get(ctx);
  if (e == numerics::ElementFormat::f6E3M2FN())
    return Float6E3M2FNType::get(ctx);
  return Float4E2M1FNType::get(ctx);
}

std::optional<numerics::ScaleType> toScaleType(Type t) {
  if (isa<Float8E8M0FNUType>(t))
    return numerics::ScaleType::E8M0;
  if (isa<Float8E4M3FNType>(t))
    return numerics::ScaleType::E4M3;
  if (t.isF16())
    return numerics::ScaleType::F16;
  if (t.isBF16())
    return numerics::ScaleType::BF16;
  if (t.isF32())
    return numerics::ScaleType::F32;
  return std::nullopt;
}

Type fromScaleType(MLIRContext *ctx, numerics::ScaleType s) {
  switch (s) {
  case numerics::ScaleType::E8M0:
    return Float8E8M0FNUType::get(ctx);
  case numerics::ScaleType::E4M3:
    return Float8E4M3FNType::get(ctx);
  case numerics::ScaleType::F16:
    return Float16Type::get(ctx);
  case numerics::ScaleType::BF16:
    return BFloat16Type::get(ctx);
  case numerics::ScaleType::F32:
    return Float32Type::get(ctx);
  }
  llvm_unreachable("unknown scale type");
}
} // namespace qf::detail

using namespace qf::detail;

//===----------------------------------------------------------------------===//
// FormatAttr
//===----------------------------------------------------------------------===//

LogicalResult
FormatAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                   Type elementType, BlockKind blockKind, int64_t blockSize,
                   Type scaleType, ScaleRule rule, Rounding rounding,
                   IntRange range, Type tensorScaleType,
                   OutliersAttr outliers) {
  if (!toElementFormat(elementType))
    return emitError() << "element type " << elementType
                       << " is not supported; expected " << kElementTypes;
  if (!toScaleType(scaleType))
    return emitError() << "scale type " << scaleType
                       << " is not supported; expected " << kScaleTypes;
  if (tensorScaleType && !tensorScaleType.isF32())
    return emitError() << "tensor scale type " << tensorScaleType
                       << " is not supported; expected f32";
  if (blockKind == BlockKind::Fixed && blockSize < 1)
    return emitError() << "block size " << blockSize
                       << " is invalid; expected a positive integer, "
                          "'channel' or 'tensor'";
  if (blockKind != BlockKind::Fixed && blockSize != 0)
    return emitError() << "block size must be 0 for '"
                       << stringifyBlockKind(blockKind) << "' blocks";
  numerics::BlockFormat f;
  f.elem = *toElementFormat(elementType);
  f.blockKind = static_cast<numerics::BlockKind>(blockKind);
  f.blockSize = blockSize;
  f.scale = *toScaleType(scaleType);
  f.rule = static_cast<numerics::ScaleRule>(rule);
  f.rounding = static_cast<numerics::Rounding>(rounding);
  f.range = static_cast<numerics::IntRange>(range);
  f.tensorScale = bool(tensorScaleType);
  if (outliers) {
    if (failed(verifyOutlierTypes(emitError, outliers)))
      return failure();
    f.outliers = toNumericsOutliers(outliers);
  }
  std::string msg = f.validate();
  if (!msg.empty())
    return emitError() << msg;
  return success();
}

numerics::BlockFormat FormatAttr::toNumerics() const {
  numerics::BlockFormat f;
  f.elem = *toElementFormat(getElementType());
  f.blockKind = static_cast<numerics::BlockKind>(getBlockKind());
  f.blockSize = getBlockSize();
  f.scale = *toScaleType(getScaleType());
  f.rule = static_cast<numerics::ScaleRule>(getRule());
  f.rounding = static_cast<numerics::Rounding>(getRounding());
  f.range = static_cast<numerics::IntRange>(getRange());
  f.tensorScale = hasTensorScale();
  if (OutliersAttr o = getOutliers())
    f.outliers = toNumericsOutliers(o);
  return f;
}

FormatAttr FormatAttr::fromNumerics(MLIRContext *ctx,
                                    const numerics::BlockFormat &f) {
  return FormatAttr::get(
      ctx, fromElementFormat(ctx, f.elem), static_cast<BlockKind>(f.blockKind),
      f.blockKind == numerics::BlockKind::Fixed ? f.blockSize : 0,
      fromScaleType(ctx, f.scale), static_cast<ScaleRule>(f.rule),
      static_cast<Rounding>(f.rounding), static_cast<IntRange>(f.range),
      f.tensorScale ? Float32Type::get(ctx) : Type(),
      f.outliers ? fromNumericsOutliers(ctx, *f.outliers) : OutliersAttr());
}

FormatAttr FormatAttr::getPreset(MLIRContext *ctx, StringRef name) {
  std::optional<numerics::BlockFormat> f = numerics::presetFormat(name.str());
  if (!f)
    return {};
  return fromNumerics(ctx, *f);
}

std::string FormatAttr::getPresetName() const {
  return numerics::presetName(toNumerics());
}

unsigned FormatAttr::getElementBits() const {
  return toElementFormat(getElementType())->bits;
}

Type FormatAttr::getScaleStorageType() const {
  Type s = getScaleType();
  if (s.getIntOrFloatBitWidth() == 8)
    return IntegerType::get(getContext(), 8);
  return s;
}

static std::string presetList() {
  int count = 0;
  const char *const *names = numerics::presetNames(count);
  std::string out;
  for (int i = 0; i < count; ++i) {
    if (i)
      out += ", ";
    out += names[i];
  }
  return out;
}

namespace {
/// The parameters of a format while it is being parsed.
struct FormatParams {
  Type elem, scale, tensorScale;
  BlockKind blockKind = BlockKind::Fixed;
  int64_t blockSize = 32;
  ScaleRule rule = ScaleRule::Floor;
  Rounding rounding = Rounding::Even;
  IntRange range = IntRange::Sym;
  OutlierParams outliers;
};
} // namespace

template <typename EnumT>
static ParseResult
parseEnumKeyword(AsmParser &parser, StringRef key, EnumT &out,
                 std::optional<EnumT> (*symbolize)(StringRef),
                 StringRef accepted) {
  SMLoc loc = parser.getCurrentLocation();
  StringRef word;
  if (parser.parseKeyword(&word))
    return failure();
  std::optional<EnumT> v = symbolize(word);
  if (!v)
    return parser.emitError(loc)
           << "unknown " << key << " '" << word << "'; expected " << accepted;
  out = *v;
  return success();
}

Attribute FormatAttr::parse(AsmParser &parser, Type) {
  MLIRContext *ctx = parser.getContext();
  SMLoc start = parser.getCurrentLocation();
  if (parser.parseLess())
    return {};
  FormatParams p;
  bool fromPreset = false;
  llvm::StringSet<> seen;

  // Parses the value of `key`; the '=' has been consumed.
  auto parseValue = [&](StringRef key, SMLoc keyLoc) -> ParseResult {
    if (!seen.insert(key).second)
      return parser.emitError(keyLoc) << "format key '" << key
                                      << "' is given twice";
    if (key == "elem")
      return parser.parseType(p.elem);
    if (key == "scale")
      return parser.parseType(p.scale);
    if (key == "tensor_scale")
      return parser.parseType(p.tensorScale);
    if (key == "block") {
      int64_t size;
      OptionalParseResult intRes = parser.parseOptionalInteger(size);
      if (intRes.has_value()) {
        if (failed(*intRes))
          return failure();
        p.blockKind = BlockKind::Fixed;
        p.blockSize = size;
        return success();
      }
      SMLoc loc = parser.getCurrentLocation();
      StringRef word;
      if (parser.parseKeyword(&word))
        return failure();
      if (word == "channel" || word == "tensor") {
        p.blockKind = word == "channel" ? BlockKind::Channel : BlockKind::Tensor;
        p.blockSize = 0;
        return success();
      }
      return parser.emitError(loc)
             << "unknown block '" << word
             << "'; expected a positive integer, 'channel' or 'tensor'";
    }
    if (key == "rule")
      return parseEnumKeyword<ScaleRule>(parser, "scale rule", p.rule,
                                         symbolizeScaleRule,
                                         "floor, ceil or even");
    if (key == "rounding")
      return parseEnumKeyword<Rounding>(parser, "rounding", p.rounding,
                                        symbolizeRounding, "even or away");
    if (key == "range")
      return parseEnumKeyword<IntRange>(parser, "integer range", p.range,
                                        symbolizeIntRange, "sym or full");
    if (std::optional<ParseResult> r =
            parseOutlierKey(parser, key, p.outliers))
      return *r;
    return parser.emitError(keyLoc)
           << "unknown format key '" << key
           << "'; expected elem, block, scale, rule, rounding, range, "
              "tensor_scale, bank, outliers, sparsity, outlier_elem, "
              "outlier_scale or outlier_rule";
  };

  // The first entry is either a preset name or a `key = value` pair.
  SMLoc firstLoc = parser.getCurrentLocation();
  StringRef first;
  if (parser.parseKeyword(&first))
    return {};
  if (succeeded(parser.parseOptionalEqual())) {
    if (parseValue(first, firstLoc))
      return {};
  } else {
    std::optional<numerics::BlockFormat> preset =
        numerics::presetFormat(first.str());
    if (!preset) {
      parser.emitError(firstLoc)
          << "unknown format preset '" << first << "'; expected one of "
          << presetList() << ", or 'elem = <type>, ...'";
      return {};
    }
    FormatAttr pa = fromNumerics(ctx, *preset);
    p.elem = pa.getElementType();
    p.scale = pa.getScaleType();
    p.tensorScale = pa.getTensorScaleType();
    p.blockKind = pa.getBlockKind();
    p.blockSize = pa.getBlockSize();
    p.rule = pa.getRule();
    p.rounding = pa.getRounding();
    p.range = pa.getRange();
    fromPreset = true;
  }

  while (succeeded(parser.parseOptionalComma())) {
    SMLoc keyLoc = parser.getCurrentLocation();
    StringRef key;
    if (parser.parseKeyword(&key) || parser.parseEqual() ||
        parseValue(key, keyLoc))
      return {};
  }
  if (parser.parseGreater())
    return {};

  if (!p.elem) {
    parser.emitError(start) << "format is missing 'elem = <type>'";
    return {};
  }
  if (!fromPreset && !p.scale)
    p.scale = Float8E8M0FNUType::get(ctx);
  FailureOr<OutliersAttr> outliers = buildOutliers(parser, start, p.outliers);
  if (failed(outliers))
    return {};
  return getChecked([&] { return parser.emitError(start); }, ctx, p.elem,
                    p.blockKind, p.blockSize, p.scale, p.rule, p.rounding,
                    p.range, p.tensorScale, *outliers);
}

void FormatAttr::print(AsmPrinter &printer) const {
  std::string preset = getPresetName();
  if (!preset.empty()) {
    printer << "<" << preset << ">";
    return;
  }
  if (OutliersAttr o = getOutliers()) {
    // The base format as it would print alone, then the outlier keys.
    std::string base;
    llvm::raw_string_ostream os(base);
    os << Attribute(getLowFormat());
    StringRef inner = StringRef(base).drop_front(StringRef("#qf.format<").size());
    printer << "<" << inner.drop_back();
    printOutliers(printer, o);
    printer << ">";
    return;
  }
  printer << "<elem = " << getElementType() << ", block = ";
  switch (getBlockKind()) {
  case BlockKind::Fixed:
    printer << getBlockSize();
    break;
  case BlockKind::Channel:
    printer << "channel";
    break;
  case BlockKind::Tensor:
    printer << "tensor";
    break;
  }
  printer << ", scale = " << getScaleType();
  if (isa<Float8E8M0FNUType>(getScaleType()))
    printer << ", rule = " << stringifyScaleRule(getRule());
  printer << ", rounding = " << stringifyRounding(getRounding());
  if (isa<IntegerType>(getElementType()))
    printer << ", range = " << stringifyIntRange(getRange());
  if (getTensorScaleType())
    printer << ", tensor_scale = " << getTensorScaleType();
  printer << ">";
}

std::string FormatAttr::str() const {
  std::string preset = getPresetName();
  if (!preset.empty())
    return preset;
  std::string s;
  llvm::raw_string_ostream os(s);
  os << Attribute(*this);
  return s;
}

//===----------------------------------------------------------------------===//
// QuantizedAttr
//===----------------------------------------------------------------------===//

LogicalResult
QuantizedAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                      QTensorType type, DenseIntElementsAttr codes,
                      DenseElementsAttr scales, FloatAttr tensorScale,
                      DenseIntElementsAttr outlierCodes,
                      DenseElementsAttr outlierScales,
                      DenseIntElementsAttr positions) {
  if (!type.hasStaticShape())
    return emitError() << "a quantized constant needs a static shape, got "
                       << type;
  RankedTensorType codesType = type.getCodesType();
  if (codes.getType() != codesType)
    return emitError() << "codes have type " << codes.getType()
                       << "; expected " << codesType;
  RankedTensorType scalesType = type.getScalesType();
  if (scales.getType() != scalesType)
    return emitError() << "scales have type " << scales.getType()
                       << "; expected " << scalesType;
  bool wantTensorScale = type.getFormat().hasTensorScale();
  if (wantTensorScale && !tensorScale)
    return emitError() << "format " << type.getFormat().str()
                       << " needs a tensor_scale";
  if (!wantTensorScale && tensorScale)
    return emitError() << "format " << type.getFormat().str()
                       << " has no tensor scale, but tensor_scale is given";
  if (tensorScale && !tensorScale.getType().isF32())
    return emitError() << "tensor_scale must be an f32, got "
                       << tensorScale.getType();
  if (failed(verifyOutlierStorage(emitError, type, outlierCodes, outlierScales,
                                  positions)))
    return failure();
  unsigned bits = type.getElementBits();
  if (bits < 8) {
    // The raw data holds one byte per code, or one byte for a splat: read
    // in place (a splat of a huge shape is never expanded).
    for (char raw : codes.getRawData())
      if (uint8_t c = uint8_t(raw); c >> bits) {
        return emitError() << "code 0x" << llvm::utohexstr(c)
                           << " does not fit in " << bits
                           << " bits (format " << type.getFormat().str()
                           << ")";
      }
  }
  return success();
}

/// Scale storage (i8 bytes or f16/bf16/f32 values) as ScaleBits.
static std::vector<numerics::ScaleBits> readScales(DenseElementsAttr scales) {
  std::vector<uint8_t> raw = readBytes(scales);
  unsigned width = scales.getType().getElementType().getIntOrFloatBitWidth();
  unsigned bytes = width / 8;
  size_t n = raw.size() / bytes;
  std::vector<numerics::ScaleBits> out(n);
  for (size_t i = 0; i < n; ++i) {
    uint32_t v = 0;
    for (unsigned b = 0; b < bytes; ++b)
      v |= uint32_t(raw[i * bytes + b]) << (8 * b);
    out[i] = v;
  }
  return out;
}

static DenseElementsAttr
makeScales(RankedTensorType scalesType,
           const std::vector<numerics::ScaleBits> &scales) {
  unsigned bytes = scalesType.getElementType().getIntOrFloatBitWidth() / 8;
  std::vector<uint8_t> raw(scales.size() * bytes);
  for (size_t i = 0; i < scales.size(); ++i)
    for (unsigned b = 0; b < bytes; ++b)
      raw[i * bytes + b] = uint8_t(scales[i] >> (8 * b));
  return makeFromRaw(scalesType, raw);
}

numerics::QuantizedTensor QuantizedAttr::toNumerics() const {
  numerics::QuantizedTensor q;
  q.codes = readBytes(getCodes());
  q.scales = readScales(getScales());
  if (getOutlierCodes()) {
    q.outlierCodes = readBytes(getOutlierCodes());
    q.outlierScales = readScales(getOutlierScales());
    q.positions = readBytes(getPositions());
  }
  q.tensorScale =
      getTensorScale() ? getTensorScale().getValue().convertToFloat() : 1.0f;
  return q;
}

QuantizedAttr QuantizedAttr::fromNumerics(QTensorType type,
                                          const numerics::QuantizedTensor &q) {
  MLIRContext *ctx = type.getContext();
  DenseElementsAttr codes = makeFromRaw(type.getCodesType(), q.codes);
  DenseElementsAttr scales = makeScales(type.getScalesType(), q.scales);
  FloatAttr ts;
  if (type.getFormat().hasTensorScale())
    ts = FloatAttr::get(Float32Type::get(ctx), q.tensorScale);
  DenseIntElementsAttr outCodes, positions;
  DenseElementsAttr outScales;
  if (QTensorType high = type.getHighType()) {
    outCodes = cast<DenseIntElementsAttr>(
        makeFromRaw(high.getCodesType(), q.outlierCodes));
    outScales = makeScales(high.getScalesType(), q.outlierScales);
    positions = cast<DenseIntElementsAttr>(
        makeFromRaw(type.getOutlierPositionsType(), q.positions));
  }
  return QuantizedAttr::get(ctx, type, cast<DenseIntElementsAttr>(codes),
                            scales, ts, outCodes, outScales, positions);
}
