//===- QFOps.cpp - qf operations: verifiers and folders -------------------===//
//
// The fused kernel ops (qf.map, qf.fused_matmul, qf.row_reduce) are in
// QFFusedOps.cpp, qf.constant's syntax in QFConstantOp.cpp.

#include "qf/Dialect/QF/IR/ConstantData.h"
#include "qf/Dialect/QF/IR/QF.h"

#include "OpHelpers.h"

#include "qf/Numerics/Hadamard.h"
#include "qf/Numerics/Quantize.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/InterleavedRange.h"

using namespace mlir;
using namespace qf;
using namespace qf::detail;

#define GET_OP_CLASSES
#include "qf/Dialect/QF/IR/QFOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

std::string qf::detail::shapeStr(ArrayRef<int64_t> shape) {
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += "x";
    s += ShapedType::isDynamic(shape[i]) ? "?" : std::to_string(shape[i]);
  }
  return s.empty() ? "scalar" : s;
}

/// True if two shapes agree wherever both are static.
bool qf::detail::compatibleShapes(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  if (a.size() != b.size())
    return false;
  for (auto [x, y] : llvm::zip(a, b))
    if (!ShapedType::isDynamic(x) && !ShapedType::isDynamic(y) && x != y)
      return false;
  return true;
}

/// Checks that `actual` matches the storage type `expected` (same element
/// type, shapes compatible).
LogicalResult qf::detail::checkStorage(Operation *op, StringRef what,
                                       Type actual, RankedTensorType expected,
                                       QTensorType qt) {
  auto t = dyn_cast<RankedTensorType>(actual);
  if (!t || t.getElementType() != expected.getElementType() ||
      !compatibleShapes(t.getShape(), expected.getShape()))
    return op->emitOpError()
           << what << " has type " << actual << ", but " << qt
           << " stores it as " << expected;
  return success();
}

LogicalResult qf::detail::verifyQuantizeTypes(Operation *op,
                                              RankedTensorType in,
                                              QTensorType out) {
  if (!compatibleShapes(in.getShape(), out.getShape()))
    return op->emitOpError() << "input shape " << shapeStr(in.getShape())
                             << " does not match result shape "
                             << shapeStr(out.getShape());
  if (in.getElementType() != out.getExpressedType())
    return op->emitOpError()
           << "input element type " << in.getElementType()
           << " differs from the expressed type " << out.getExpressedType()
           << " of the result";
  return success();
}

//===----------------------------------------------------------------------===//
// QuantizeOp
//===----------------------------------------------------------------------===//

LogicalResult qf::detail::verifyGivenScales(Operation *op, Type resultType,
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
  // A tensor scale alone (D28): the block scales stay data-dependent.
  if (tensorScale) {
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

LogicalResult QuantizeOp::verify() {
  auto in = getInput().getType();
  QTensorType out = getResult().getType();
  if (failed(verifyQuantizeTypes(*this, in, out)))
    return failure();
  if (getScales() &&
      failed(rejectOutliers(*this, out, "quantize with static scales")))
    return failure();
  return verifyGivenScales(*this, out, getScales(), getTensorScale());
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
  if (!getScales() && !getTensorScale())
    return quantizeValues(type, *values);
  float g = 1.0f;
  if (getTensorScale()) {
    std::optional<std::vector<float>> ts =
        readFloatElements(adaptor.getTensorScale());
    if (!ts || ts->size() != 1)
      return {};
    g = (*ts)[0];
  }
  if (!getScales())
    return QuantizedAttr::fromNumerics(
        type, numerics::quantizeWithTensorScale(type.getFormat().toNumerics(),
                                                type.getLayout(),
                                                values->data(), g));
  std::optional<std::vector<numerics::ScaleBits>> scales =
      readScaleBits(adaptor.getScales());
  if (!scales)
    return {};
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

/// An SQ tensor's storage is two tensors' plus positions, which the results
/// of qf.pack / operands of qf.unpack do not hold.
static LogicalResult rejectSparseStorage(Operation *op, QTensorType t) {
  if (!t.getFormat().hasOutliers())
    return success();
  return op->emitOpError()
         << "does not take the sparse-quantized format " << t.getFormat().str()
         << ": its storage is two block-scaled parts and their positions; "
            "take the parts with qf.sparse_split (give them with "
            "qf.sparse_join) and "
         << (isa<PackOp>(op) ? "pack" : "unpack")
         << " the low and high parts (the positions are an i8 tensor)";
}

LogicalResult PackOp::verify() {
  if (failed(rejectSparseStorage(*this, getInput().getType())))
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
  if (failed(rejectSparseStorage(*this, getResult().getType())))
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
/// format on both sides, blocks along the innermost axis. A sparse-quantized
/// tensor's outlier part and positions are blocked along the same axis, so
/// they move the same way.
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
  // The outlier part of an SQ type (one high block per low block) must
  // keep whole blocks and bytes too.
  StringRef high = "the outlier part ";
  std::pair<QTensorType, StringRef> parts[] = {
      {in, ""}, {out, ""}, {in.getHighType(), high}, {out.getHighType(), high}};
  for (auto [t, what] : parts) {
    if (!t)
      continue;
    int64_t w = t.getShape().back(), bs = t.getFormat().getBlockSize();
    if (w % bs != 0 || (w * t.getElementBits()) % 8 != 0)
      return emitOpError() << "innermost size " << w << " of " << what << t
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
LogicalResult qf::detail::verifyContractionAxis(Operation *op, Type t,
                                                int64_t kAxis,
                                                StringRef name) {
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
FailureOr<SmallVector<int64_t>>
qf::detail::contractionShape(Operation *op, Type lhs, Type rhs, bool tb) {
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
