//===- FusionUtils.cpp - Helpers shared by the qf-fuse-requantize patterns ===//
//
// Part of qf-fuse-requantize (the file layout is in FusionUtils.h): maps,
// types, scalar bodies and the epilogue encoding rule that the elementwise,
// epilogue, row and normalization patterns share.
//
//===----------------------------------------------------------------------===//
#include "FusionUtils.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace qf::fusion {

bool isBroadcastMap(AffineMap map) {
  int64_t last = -1;
  for (AffineExpr e : map.getResults()) {
    auto d = dyn_cast<AffineDimExpr>(e);
    if (!d || int64_t(d.getPosition()) <= last)
      return false;
    last = d.getPosition();
  }
  return map.getNumSymbols() == 0;
}

bool isF32Tensor(Type t) {
  auto rt = dyn_cast<RankedTensorType>(t);
  return rt && rt.getElementType().isF32();
}

AffineMap dropLastMap(int64_t rank, MLIRContext *ctx) {
  return AffineMap::getMultiDimIdentityMap(rank, ctx).getMajorSubMap(rank - 1);
}

bool innermostBlocks(QTensorType t) {
  return t.getFormat().getBlockKind() == BlockKind::Fixed &&
         t.getAxis() == t.getRank() - 1;
}

bool rowsOfWholeBlocks(QTensorType t, int64_t width) {
  auto whole = [](QTensorType part, int64_t w) {
    return w % part.getFormat().getBlockSize() == 0 &&
           (w * part.getElementBits()) % 8 == 0;
  };
  if (!whole(t, width))
    return false;
  QTensorType high = t.getHighType();
  if (!high)
    return true;
  OutliersAttr o = t.getFormat().getOutliers();
  return whole(high, width / o.getBank() * o.getCount());
}

QTensorType withShape(QTensorType t, ArrayRef<int64_t> shape, int64_t axis) {
  return QTensorType::get(t.getContext(), shape, t.getExpressedType(),
                          t.getFormat(), axis);
}

Value reshapeFlat(OpBuilder &b, Location loc, Value v, RankedTensorType to) {
  auto from = cast<RankedTensorType>(v.getType());
  if (from == to)
    return v;
  auto all = [](int64_t rank) {
    ReassociationIndices r;
    for (int64_t i = 0; i < rank; ++i)
      r.push_back(i);
    return SmallVector<ReassociationIndices>{r};
  };
  if (from.getRank() != 1)
    v = tensor::CollapseShapeOp::create(b, loc, v, all(from.getRank()));
  if (to.getRank() != 1)
    v = tensor::ExpandShapeOp::create(b, loc, to, v, all(to.getRank()));
  return v;
}

/// Whether `v` is the f32 constant +0.0 (not -0.0: its codes differ in the
/// sign, and the fused result pads with +0.0).
static bool isPositiveZero(Value v) {
  FloatAttr f;
  return v && matchPattern(v, m_Constant(&f)) && f.getType().isF32() &&
         f.getValue().isPosZero();
}

std::string whyNotZeroPad(tensor::PadOp pad, int64_t axis) {
  if (!pad.getResultType().hasStaticShape() ||
      !pad.getSourceType().hasStaticShape() || !pad.getLow().empty() ||
      !pad.getHigh().empty())
    return "the pad is not static";
  if (llvm::any_of(pad.getStaticLow(), [](int64_t l) { return l != 0; }))
    return "the pad has low padding";
  for (auto [d, h] : llvm::enumerate(pad.getStaticHigh()))
    if (h != 0 && int64_t(d) != axis)
      return "the pad pads another axis than the blocked one";
  if (!isPositiveZero(pad.getConstantPaddingValue()))
    return "the padding value is not +0.0";
  return "";
}

qf::Support epilogueEncodable(const qf::TargetInfo &target, QTensorType t) {
  return target.supportsRowEncode(t);
}

ArrayAttr epilogueMapsAttr(MLIRContext *ctx, ArrayRef<AffineMap> maps) {
  if (llvm::all_of(maps, [](AffineMap m) { return m.isIdentity(); }))
    return {};
  SmallVector<Attribute> attrs;
  for (AffineMap m : maps)
    attrs.push_back(AffineMapAttr::get(m));
  return ArrayAttr::get(ctx, attrs);
}

std::string whyNotScalarBody(Block *body) {
  for (Operation &inner : body->without_terminator()) {
    StringRef ns = inner.getDialect() ? inner.getDialect()->getNamespace() : "";
    bool elementwise =
        inner.hasTrait<OpTrait::Elementwise>() || isa<arith::ConstantOp>(inner);
    if ((ns != "arith" && ns != "math") || !elementwise ||
        inner.getNumRegions() != 0)
      return ("its body op '" + inner.getName().getStringRef() +
              "' is not an elementwise arith/math op")
          .str();
    for (Value v : inner.getOperands())
      if (!v.getType().isIntOrFloat())
        return "its body computes on non-scalar values";
    // Values captured from above must be constants (cloned into the body).
    for (Value v : inner.getOperands()) {
      if (v.getParentBlock() == body)
        continue;
      if (!v.getDefiningOp<arith::ConstantOp>())
        return "its body uses a value defined outside it";
    }
  }
  for (Value v : body->getTerminator()->getOperands())
    if (v.getParentBlock() != body && !v.getDefiningOp<arith::ConstantOp>())
      return "its body yields a value defined outside it";
  if (body->getTerminator()->getNumOperands() != 1 ||
      !body->getTerminator()->getOperand(0).getType().isF32())
    return "its body does not yield one f32";
  return "";
}

Value cloneScalarBody(OpBuilder &b, Block *dst, Block *src, IRMapping &m) {
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPointToEnd(dst);
  auto captured = [&](Value v) {
    if (v.getParentBlock() != src && !m.contains(v))
      m.map(v, b.clone(*v.getDefiningOp())->getResult(0));
  };
  for (Operation &inner : src->without_terminator()) {
    for (Value operand : inner.getOperands())
      captured(operand);
    b.clone(inner, m);
  }
  Value y = src->getTerminator()->getOperand(0);
  captured(y);
  return m.lookup(y);
}

std::string whyNotElementwise(Operation *op) {
  auto lop = dyn_cast<linalg::LinalgOp>(op);
  if (!lop)
    return "not a linalg op";
  if (!lop.hasPureTensorSemantics() || lop.getNumDpsInits() != 1 ||
      op->getNumResults() != 1)
    return "not a single-result linalg op on tensors";
  if (lop.getNumLoops() != lop.getNumParallelLoops())
    return "it has reduction loops";
  if (!lop.getIndexingMapMatchingResult(op->getResult(0)).isIdentity())
    return "its result indexing map is not the identity";
  if (!isF32Tensor(op->getResult(0).getType()))
    return "its result is not an f32 tensor";
  Block *body = lop.getBlock();
  if (!body->getArgument(body->getNumArguments() - 1).use_empty())
    return "its body reads the output tensor";
  for (OpOperand *in : lop.getDpsInputOperands()) {
    if (!isF32Tensor(in->get().getType()))
      return "an input is not an f32 tensor";
    if (!isBroadcastMap(lop.getMatchingIndexingMap(in)))
      return "an input indexing map is not a broadcast";
  }
  return whyNotScalarBody(body);
}

bool isElementwise(Operation *op) {
  return op && whyNotElementwise(op).empty();
}

bool computes(Operation *op) {
  auto lop = dyn_cast<linalg::LinalgOp>(op);
  return lop && !lop.getBlock()->without_terminator().empty();
}

} // namespace qf::fusion
