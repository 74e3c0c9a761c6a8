//===- QFTypes.cpp - The block-scaled tensor type -------------------------===//

#include "qf/Dialect/QF/IR/QF.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace qf;

#include "qf/Dialect/QF/IR/QFTypeInterfaces.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "qf/Dialect/QF/IR/QFTypes.cpp.inc"

void QFDialect::registerTypes() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "qf/Dialect/QF/IR/QFTypes.cpp.inc"
      >();
}

/// The most elements of a !qf.tensor: its size in bits fits int64.
static constexpr int64_t kMaxElements = int64_t(1) << 60;

static std::string shapeStr(ArrayRef<int64_t> shape) {
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += "x";
    s += ShapedType::isDynamic(shape[i]) ? "?" : std::to_string(shape[i]);
  }
  return s;
}

LogicalResult QTensorType::verify(function_ref<InFlightDiagnostic()> emitError,
                                  ArrayRef<int64_t> shape, Type expressedType,
                                  FormatAttr format, int64_t axis,
                                  int64_t tileRows, int64_t tileK) {
  if (!format)
    return emitError() << "missing format";
  if (!isa<Float32Type, Float16Type, BFloat16Type>(expressedType))
    return emitError() << "expressed type " << expressedType
                       << " is not supported; expected f32, f16 or bf16";
  int64_t staticElements = 1;
  for (int64_t d : shape) {
    if (d < 0 && !ShapedType::isDynamic(d))
      return emitError() << "invalid dimension size " << d;
    // Sizes in bits (packed rows, storage bytes) are int64 arithmetic: the
    // static element count times 8 must not overflow.
    if (!ShapedType::isDynamic(d) &&
        (llvm::MulOverflow(staticElements, d, staticElements) ||
         staticElements > kMaxElements))
      return emitError() << "shape " << shapeStr(shape)
                         << " has more than 2^60 elements; sizes in bits "
                            "would overflow int64";
  }
  int64_t rank = shape.size();
  BlockKind kind = format.getBlockKind();
  if (kind == BlockKind::Tensor) {
    if (axis != 0)
      return emitError() << "per-tensor format " << format.str()
                         << " has no blocked axis; axis must be omitted";
    return success();
  }
  if (rank == 0)
    return emitError() << "format " << format.str()
                       << " needs a blocked axis, but the tensor has rank 0";
  if (axis < 0 || axis >= rank)
    return emitError() << "axis " << axis << " is out of range for rank "
                       << rank << "; expected 0.." << rank - 1;
  if (kind == BlockKind::Fixed) {
    int64_t dim = shape[axis];
    if (ShapedType::isDynamic(dim))
      return emitError() << "the blocked axis " << axis
                         << " must have a static size (block size "
                         << format.getBlockSize() << "), got shape "
                         << shapeStr(shape);
    if (dim % format.getBlockSize() != 0)
      return emitError() << "block size " << format.getBlockSize()
                         << " does not divide dimension " << axis << " (size "
                         << dim << ") of the blocked axis";
  }
  if (tileRows == 0 && tileK == 0)
    return success();
  // The repacked weight layout: a [N, K] weight (B^T) blocked along K.
  if (rank != 2 || axis != 1 || kind != BlockKind::Fixed ||
      ShapedType::isDynamic(shape[0]))
    return emitError() << "layout tiled<" << tileRows << "x" << tileK
                       << "> needs a static rank-2 tensor with fixed blocks "
                          "along axis 1 (a weight [N, K] blocked along K), "
                          "got shape "
                       << shapeStr(shape) << " with format " << format.str()
                       << " along axis " << axis;
  // SQ formats keep a second (outlier) storage the tiled layout does not
  // describe; their matmul is decomposed into the two parts first.
  if (format.hasOutliers())
    return emitError() << "layout tiled<" << tileRows << "x" << tileK
                       << "> does not apply to the sparse-quantized format "
                       << format.str()
                       << " (its outlier part has a layout of its own)";
  std::string why = numerics::checkTiling({tileRows, tileK}, shape[0],
                                          shape[1], format.getElementBits());
  if (!why.empty())
    return emitError() << "layout tiled<" << tileRows << "x" << tileK
                       << ">: " << why;
  return success();
}

Type QTensorType::parse(AsmParser &parser) {
  MLIRContext *ctx = parser.getContext();
  SMLoc loc = parser.getCurrentLocation();
  SmallVector<int64_t> shape;
  Type expressed;
  if (parser.parseLess() ||
      parser.parseDimensionList(shape, /*allowDynamic=*/true,
                                /*withTrailingX=*/true) ||
      parser.parseType(expressed) || parser.parseComma())
    return {};
  FormatAttr format;
  SMLoc fmtLoc = parser.getCurrentLocation();
  StringRef presetName;
  if (succeeded(parser.parseOptionalKeyword(&presetName))) {
    format = FormatAttr::getPreset(ctx, presetName);
    if (!format) {
      int count = 0;
      const char *const *names = numerics::presetNames(count);
      auto diag = parser.emitError(fmtLoc)
                  << "unknown format preset '" << presetName
                  << "'; expected one of ";
      for (int i = 0; i < count; ++i)
        diag << (i ? ", " : "") << names[i];
      diag << ", or a #qf.format<...> attribute";
      return {};
    }
  } else {
    Attribute attr;
    if (parser.parseAttribute(attr))
      return {};
    format = dyn_cast<FormatAttr>(attr);
    if (!format) {
      parser.emitError(fmtLoc)
          << "expected a format preset name or a #qf.format<...> attribute, "
             "got "
          << attr;
      return {};
    }
  }
  int64_t axis = format.getBlockKind() == BlockKind::Tensor
                     ? 0
                     : static_cast<int64_t>(shape.size()) - 1;
  int64_t tileRows = 0, tileK = 0;
  while (succeeded(parser.parseOptionalComma())) {
    if (succeeded(parser.parseOptionalKeyword("layout"))) {
      // layout = tiled<R x KC>
      SmallVector<int64_t> tile;
      SMLoc tileLoc = parser.getCurrentLocation();
      if (parser.parseEqual() || parser.parseKeyword("tiled") ||
          parser.parseLess() ||
          parser.parseDimensionList(tile, /*allowDynamic=*/false,
                                    /*withTrailingX=*/false) ||
          parser.parseGreater())
        return {};
      if (tile.size() != 2) {
        parser.emitError(tileLoc)
            << "expected tiled<ROWS x RUN>, two sizes, got " << tile.size();
        return {};
      }
      tileRows = tile[0];
      tileK = tile[1];
      continue;
    }
    if (parser.parseKeyword("axis") || parser.parseEqual() ||
        parser.parseInteger(axis))
      return {};
  }
  if (parser.parseGreater())
    return {};
  return getChecked([&] { return parser.emitError(loc); }, ctx, shape,
                    expressed, format, axis, tileRows, tileK);
}

void QTensorType::print(AsmPrinter &printer) const {
  printer << "<";
  printer.printDimensionList(getShape());
  if (!getShape().empty())
    printer << "x";
  printer << getExpressedType() << ", ";
  std::string preset = getFormat().getPresetName();
  if (!preset.empty())
    printer << preset;
  else
    printer.printAttribute(getFormat());
  if (getFormat().getBlockKind() != BlockKind::Tensor)
    printer << ", axis = " << getAxis();
  if (isTiled())
    printer << ", layout = tiled<" << getTileRows() << "x" << getTileK() << ">";
  printer << ">";
}

ArrayRef<int64_t> qf::shapeOfQOrFloat(Type t) {
  if (auto q = dyn_cast<QTensorType>(t))
    return q.getShape();
  return cast<RankedTensorType>(t).getShape();
}

RankedTensorType QTensorType::getExpressedTensorType() const {
  return RankedTensorType::get(getShape(), getExpressedType());
}

numerics::Layout QTensorType::getLayout() const {
  numerics::Layout l;
  l.shape.assign(getShape().begin(), getShape().end());
  l.axis = static_cast<int>(getAxis());
  return l;
}

QTensorType QTensorType::cloneWith(FormatAttr format, int64_t axis) const {
  return QTensorType::get(getContext(), getShape(), getExpressedType(), format,
                          axis);
}

QTensorType QTensorType::withTiling(numerics::Tiling t) const {
  return QTensorType::get(getContext(), getShape(), getExpressedType(),
                          getFormat(), getAxis(), t.rows, t.k);
}

//===----------------------------------------------------------------------===//
// BlockScaledTypeInterface
//===----------------------------------------------------------------------===//

RankedTensorType QTensorType::getCodesType() const {
  return RankedTensorType::get(getShape(), IntegerType::get(getContext(), 8));
}

RankedTensorType QTensorType::getPackedType() const {
  SmallVector<int64_t> shape(getShape());
  unsigned bits = getElementBits();
  if (!shape.empty() && bits != 8 && !ShapedType::isDynamic(shape.back()))
    shape.back() = (shape.back() * bits + 7) / 8;
  return RankedTensorType::get(shape, IntegerType::get(getContext(), 8));
}

RankedTensorType QTensorType::getScalesType() const {
  FormatAttr f = getFormat();
  Type elt = f.getScaleStorageType();
  if (f.getBlockKind() == BlockKind::Tensor)
    return RankedTensorType::get({}, elt);
  SmallVector<int64_t> shape;
  for (int64_t i = 0, e = getRank(); i < e; ++i)
    if (i != getAxis())
      shape.push_back(getShape()[i]);
  if (f.getBlockKind() == BlockKind::Channel)
    shape.push_back(1);
  else
    shape.push_back(getShape()[getAxis()] / f.getBlockSize());
  return RankedTensorType::get(shape, elt);
}

RankedTensorType QTensorType::getTensorScaleType() const {
  if (!getFormat().hasTensorScale())
    return {};
  return RankedTensorType::get({}, Float32Type::get(getContext()));
}

unsigned QTensorType::getElementBits() const {
  return getFormat().getElementBits();
}

double QTensorType::getBitsPerElement() const {
  FormatAttr f = getFormat();
  // SQ formats have fixed blocks and no tensor scale: the format's count.
  if (f.hasOutliers())
    return f.toNumerics().bitsPerElement();
  double bits = getElementBits();
  double scaleBits = f.getScaleType().getIntOrFloatBitWidth();
  bool isStatic = hasStaticShape();
  int64_t numElements = 1;
  for (int64_t d : getShape())
    numElements *= isStatic ? d : 1;
  switch (f.getBlockKind()) {
  case BlockKind::Fixed:
    bits += scaleBits / f.getBlockSize();
    break;
  case BlockKind::Channel: {
    int64_t dim = getShape()[getAxis()];
    if (!ShapedType::isDynamic(dim) && dim > 0)
      bits += scaleBits / dim;
    break;
  }
  case BlockKind::Tensor:
    if (isStatic && numElements > 0)
      bits += scaleBits / numElements;
    break;
  }
  if (f.hasTensorScale() && isStatic && numElements > 0)
    bits += 32.0 / numElements;
  return bits;
}
