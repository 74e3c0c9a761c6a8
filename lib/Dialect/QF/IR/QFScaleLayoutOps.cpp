//===- QFScaleLayoutOps.cpp - qf.swizzle_scales: verifier and folder ------===//
//
// The layout itself is qf::numerics (ScaleSwizzle.h), shared with the GPU
// kernel that computes it and with the tests.
//
//===----------------------------------------------------------------------===//
#include "qf/Dialect/QF/IR/QF.h"
#include "qf/Numerics/ScaleSwizzle.h"

#include "mlir/IR/BuiltinAttributes.h"

using namespace mlir;
using namespace qf;
namespace nm = qf::numerics;

RankedTensorType SwizzleScalesOp::inferType(RankedTensorType scales) {
  ArrayRef<int64_t> s = scales.getShape();
  SmallVector<int64_t> shape(s.drop_back(2));
  int64_t rows = s[s.size() - 2], cols = s.back();
  shape.push_back(ShapedType::isDynamic(rows) ? ShapedType::kDynamic
                                              : nm::swizzleRowTiles(rows));
  shape.push_back(ShapedType::isDynamic(cols) ? ShapedType::kDynamic
                                              : nm::swizzleColTiles(cols));
  shape.push_back(nm::kSwizzleTileBytes);
  return RankedTensorType::get(shape, scales.getElementType());
}

LogicalResult SwizzleScalesOp::verify() {
  RankedTensorType in = getScales().getType();
  if (in.getRank() < 2 || in.getRank() > 3)
    return emitOpError("expects scales of rank 2 ([rows, cols]) or 3 "
                       "([batch, rows, cols]), got rank ")
           << in.getRank();
  if (ShapedType::isDynamic(in.getShape().back()))
    return emitOpError("expects a static number of scale columns (blocks "
                       "per row), got a dynamic one");
  RankedTensorType want = inferType(in);
  if (getResult().getType() != want)
    return emitOpError("result type ")
           << getResult().getType() << " does not match the 128x4 tile layout "
           << "of " << in << "; expected " << want
           << " ([..., ceil(rows / 128), ceil(cols / 4), 512])";
  return success();
}

OpFoldResult SwizzleScalesOp::fold(FoldAdaptor adaptor) {
  auto in = dyn_cast_or_null<DenseIntElementsAttr>(adaptor.getScales());
  RankedTensorType t = getScales().getType();
  if (!in || !t.hasStaticShape() || !getResult().getType().hasStaticShape())
    return {};
  ArrayRef<int64_t> s = t.getShape();
  int64_t rows = s[s.size() - 2], cols = s.back();
  int64_t batches = t.getNumElements() / std::max<int64_t>(rows * cols, 1);
  if (rows * cols == 0)
    batches = t.getRank() == 3 ? s[0] : 1;
  // Byte buffers in and out: the scales of a large weight are megabytes.
  std::vector<uint8_t> bytes;
  if (in.isSplat()) {
    bytes.assign(t.getNumElements(),
                 uint8_t(in.getSplatValue<APInt>().getZExtValue()));
  } else {
    ArrayRef<char> raw = in.getRawData();
    bytes.assign(raw.begin(), raw.end());
  }
  std::vector<uint8_t> out = nm::swizzleScales(bytes, batches, rows, cols);
  return DenseElementsAttr::getFromRawBuffer(
      getResult().getType(),
      ArrayRef<char>(reinterpret_cast<const char *>(out.data()), out.size()));
}
