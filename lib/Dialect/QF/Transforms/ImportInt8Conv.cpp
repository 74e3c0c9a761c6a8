//===- ImportInt8Conv.cpp - qf-import-int8: int8 convolutions -------------===//
//
// An int8 convolution (`linalg.conv_*_q` with zero points, or a convolution
// on i8 x i8 -> i32) is the same contraction as an int8 matmul once its
// input windows are laid out as rows: im2col (Im2col.h, the decomposition
// qf-quantize-model uses for f32 convolutions) gives the i8 patch matrix
// [G?, M, K] and the filter as [G?, N, K], and the exact product of
// ImportInt8.cpp gives
//
//   sum_k (p - zi)(w - zw) = sum p w - zw rowsum(P) - zi colsum(W) + K zi zw
//
// where the row sums run over each im2col row, i.e. over the window the
// convolution reads. Padding is the tensor.pad before the op: TOSA pads an
// int8 input with its zero point, those elements are in the patch rows and
// in their sums like any input element, so their products (zi - zi)(w - zw)
// are 0 as in the convolution itself, and the i32 result is the frontend's
// bit for bit (any pad value is exact: the identity holds element-wise).
//
//===----------------------------------------------------------------------===//
#include "ImportInt8.h"
#include "Im2col.h"
#include "QuantizeModelParts.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace qf::import_int8 {

namespace {

/// The quantized named convolutions: input, filter, input zero point,
/// filter zero point; the body sign-extends all four.
bool isQuantizedConvolution(Operation *op) {
  return isa<linalg::Conv2DNhwcHwcfQOp, linalg::Conv2DNhwcFhwcQOp,
             linalg::Conv2DNchwFchwQOp, linalg::Conv2DNgchwGfchwQOp,
             linalg::Conv2DNhwgcGfhwcQOp, linalg::Conv3DNdhwcDhwcfQOp,
             linalg::DepthwiseConv2DNhwcHwcQOp,
             linalg::DepthwiseConv2DNhwcHwcmQOp>(op);
}

bool isStaticTensorOf(Value v, unsigned width) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return t && t.hasStaticShape() && t.getElementType().isSignlessInteger(width);
}

} // namespace

bool isIntegerConvolution(linalg::LinalgOp op) {
  // Named convolutions only: their bodies sign-extend (a linalg.generic
  // could zero-extend, which the exact product does not model).
  if (!isa<linalg::ConvolutionOpInterface>(op.getOperation()) ||
      op.getNumDpsInputs() < 2)
    return false;
  auto t = dyn_cast<ShapedType>(op.getDpsInputs()[0].getType());
  if (!t || !isa<IntegerType>(t.getElementType()))
    return false;
  return isQuantizedConvolution(op) || quantize_model::isConvolution(op);
}

void importConvolution(linalg::LinalgOp op, FormatAttr format) {
  auto leave = [&](const Twine &why) {
    op->emitRemark("qf-import-int8: not imported: ")
        << op->getName() << ": " << why;
  };
  std::string why;
  FailureOr<conv::ConvLoops> cl = conv::classify(
      op,
      "its upstream lowering is kept (im2col would copy the input "
      "KH*KW times for a GEMM of one column; the zero points and rescale "
      "stay as written)",
      why);
  if (failed(cl))
    return leave(why);
  Value input = op.getDpsInputs()[0], filter = op.getDpsInputs()[1];
  Value init = op.getDpsInits()[0];
  if (!isStaticTensorOf(input, 8) || !isStaticTensorOf(filter, 8) ||
      !isStaticTensorOf(init, 32))
    return leave("operands must be static i8 tensors with a static i32 "
                 "accumulator");
  Value zi, zw;
  if (isQuantizedConvolution(op)) {
    zi = op.getDpsInputs()[2];
    zw = op.getDpsInputs()[3];
    if (!zi.getType().isSignlessInteger() || !zw.getType().isSignlessInteger())
      return leave("zero points must be signless integers");
  }

  conv::ConvLoops &l = *cl;
  OpBuilder b(op);
  Location loc = op->getLoc();
  SmallVector<int64_t> shape;
  if (!l.groups.empty())
    shape.push_back(l.size(l.groups));
  shape.append({l.size(l.rows), l.size(l.columns)});
  Type i32 = b.getI32Type();
  Value zero = arith::ConstantOp::create(b, loc, b.getI32IntegerAttr(0));
  Value empty = tensor::EmptyOp::create(b, loc, shape, i32);
  Value acc = linalg::FillOp::create(b, loc, zero, empty).getResult(0);
  // An HWCF filter is already [K, N]: a reshape; others are rearranged to
  // [N, K] (FHWC: a reshape too; FCHW: a transpose).
  Value patches = conv::buildPatches(b, loc, op, l);
  Value w = conv::filterAsKN(b, loc, op, l);
  bool transposedB = !w;
  if (!w)
    w = conv::buildFilterMatrix(b, loc, op, l);
  Value y = buildExactProduct(b, loc, format,
                              {patches, w, transposedB, zi, zw, acc}, op);
  // The frontend's init (TOSA: the broadcast bias) is added in i32.
  conv::replaceWithGemm(b, loc, op, l, y, init);
}

} // namespace qf::import_int8
