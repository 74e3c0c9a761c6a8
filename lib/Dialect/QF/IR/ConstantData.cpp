//===- ConstantData.cpp - Reading and writing constant tensor data --------===//

#include "qf/Dialect/QF/IR/ConstantData.h"

#include "qf/Numerics/Packing.h"

#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/Support/MathExtras.h"

#include <cstring>

using namespace mlir;

namespace qf {

std::optional<int64_t> checkedNumElements(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    if (ShapedType::isDynamic(d) || d < 0 || llvm::MulOverflow(n, d, n))
      return std::nullopt;
  return n;
}

bool isFoldableSize(ArrayRef<int64_t> shape) {
  std::optional<int64_t> n = checkedNumElements(shape);
  return n && *n <= kMaxFoldElements;
}

std::optional<std::vector<float>> readFloatElements(Attribute attr) {
  auto typed = dyn_cast_or_null<TypedAttr>(attr);
  if (!typed)
    return std::nullopt;
  auto type = dyn_cast<RankedTensorType>(typed.getType());
  if (!type || !isFoldableSize(type.getShape()) ||
      !isa<Float32Type, Float16Type, BFloat16Type>(type.getElementType()))
    return std::nullopt;
  int64_t n = type.getNumElements();

  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    std::vector<float> out(n);
    if (type.getElementType().isF32()) {
      if (dense.isSplat()) {
        std::fill(out.begin(), out.end(), dense.getSplatValue<float>());
      } else {
        ArrayRef<char> raw = dense.getRawData();
        std::memcpy(out.data(), raw.data(), n * sizeof(float));
      }
      return out;
    }
    int64_t i = 0;
    for (APFloat v : dense.getValues<APFloat>()) {
      bool lost;
      v.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &lost);
      out[i++] = v.convertToFloat();
    }
    return out;
  }

  if (auto res = dyn_cast<DenseF32ResourceElementsAttr>(attr)) {
    std::optional<ArrayRef<float>> data = res.tryGetAsArrayRef();
    if (!data || (int64_t)data->size() != n)
      return std::nullopt;
    return std::vector<float>(data->begin(), data->end());
  }
  return std::nullopt;
}

DenseElementsAttr makeFloatElements(RankedTensorType type,
                                    ArrayRef<float> values) {
  Type elt = type.getElementType();
  if (elt.isF32())
    return DenseElementsAttr::get(type, values);
  const llvm::fltSemantics &sem = cast<FloatType>(elt).getFloatSemantics();
  SmallVector<APFloat> converted;
  converted.reserve(values.size());
  for (float v : values) {
    APFloat a(v);
    bool lost;
    a.convert(sem, APFloat::rmNearestTiesToEven, &lost);
    converted.push_back(a);
  }
  return DenseElementsAttr::get(type, converted);
}

static int64_t innerExtent(ArrayRef<int64_t> shape) {
  return shape.empty() ? 1 : shape.back();
}

std::vector<uint8_t> packRows(ArrayRef<uint8_t> codes, ArrayRef<int64_t> shape,
                              unsigned bits) {
  int64_t inner = innerExtent(shape);
  int64_t rows = inner == 0 ? 0 : (int64_t)codes.size() / inner;
  int64_t rowBytes = numerics::packedBytes(inner, bits);
  std::vector<uint8_t> out;
  out.reserve(rows * rowBytes);
  for (int64_t r = 0; r < rows; ++r) {
    std::vector<uint8_t> row =
        numerics::packCodes(codes.data() + r * inner, inner, bits);
    out.insert(out.end(), row.begin(), row.end());
  }
  return out;
}

std::vector<uint8_t> unpackRows(ArrayRef<uint8_t> packed,
                                ArrayRef<int64_t> shape, unsigned bits) {
  int64_t inner = innerExtent(shape);
  int64_t rowBytes = numerics::packedBytes(inner, bits);
  int64_t rows = rowBytes == 0 ? 0 : (int64_t)packed.size() / rowBytes;
  std::vector<uint8_t> out;
  out.reserve(rows * inner);
  for (int64_t r = 0; r < rows; ++r) {
    std::vector<uint8_t> row =
        numerics::unpackCodes(packed.data() + r * rowBytes, inner, bits);
    out.insert(out.end(), row.begin(), row.end());
  }
  return out;
}

std::vector<uint8_t> readBytes(DenseElementsAttr attr) {
  auto type = cast<ShapedType>(attr.getType());
  int64_t n = type.getNumElements();
  unsigned width = type.getElementType().getIntOrFloatBitWidth();
  int64_t eltBytes = (width + 7) / 8;
  std::vector<uint8_t> out(n * eltBytes);
  ArrayRef<char> raw = attr.getRawData();
  if (attr.isSplat()) {
    for (int64_t i = 0; i < n; ++i)
      std::memcpy(out.data() + i * eltBytes, raw.data(), eltBytes);
  } else if (!out.empty()) {
    // Empty tensors have no data pointer; memcpy from null is undefined
    // even for 0 bytes (dialect-parser-fuzzer, UBSan).
    std::memcpy(out.data(), raw.data(), out.size());
  }
  return out;
}

DenseElementsAttr makeFromRaw(RankedTensorType type, ArrayRef<uint8_t> bytes) {
  return DenseElementsAttr::getFromRawBuffer(
      type, ArrayRef<char>(reinterpret_cast<const char *>(bytes.data()),
                           bytes.size()));
}

} // namespace qf
