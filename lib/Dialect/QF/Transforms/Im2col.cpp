//===- Im2col.cpp - convolutions as im2col GEMMs, any element type --------===//
//
// The reduction is ordered window first, channels last: when a block size
// divides C, every block of the patch matrix is one channel block of one
// input pixel, i.e. the activations are blocked along their channel axis,
// and the weights along (kernel window x input channels). Padding is the
// tensor.pad before the op, which im2col reads like any input (for int8
// convolutions TOSA pads with the input zero point, so padded products are
// (zp - zp) * w = 0 as in the convolution itself).
//
//===----------------------------------------------------------------------===//
#include "Im2col.h"

#include "QuantizeModelParts.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;
using qf::quantize_model::groupsOf;

namespace qf::conv {
namespace {

/// The loop dimension of every result of `map`, or nullopt when one is not
/// a plain dimension.
std::optional<SmallVector<unsigned>> dimsOf(AffineMap map) {
  SmallVector<unsigned> r;
  for (AffineExpr e : map.getResults()) {
    auto d = dyn_cast<AffineDimExpr>(e);
    if (!d)
      return std::nullopt;
    r.push_back(d.getPosition());
  }
  return r;
}

/// Positions of `order` in `dims` (a permutation of `order`'s elements):
/// result[i] = index of order[i] in dims.
SmallVector<int64_t> positions(ArrayRef<unsigned> dims,
                               ArrayRef<unsigned> order) {
  SmallVector<int64_t> r;
  for (unsigned d : order)
    r.push_back(llvm::find(dims, d) - dims.begin());
  return r;
}

AffineMap filterMap(linalg::LinalgOp op) {
  return op.getMatchingIndexingMap(op.getDpsInputOperand(1));
}

AffineMap outputMap(linalg::LinalgOp op) {
  return op.getMatchingIndexingMap(op.getDpsInitOperand(0));
}

/// The convolution dimensions of `op`. inferConvolutionDims takes exactly
/// an input and a filter; the quantized named convolutions (`*_q`) add two
/// scalar zero points, which the interface's own matcher accepts.
FailureOr<linalg::ConvolutionDimensions> convolutionDims(linalg::LinalgOp op) {
  if (op.getNumDpsInputs() == 2)
    return linalg::inferConvolutionDims(op);
  linalg::ConvolutionDimensions dims;
  if (!linalg::detail::getMatchConvolutionMessage(
           linalg::detail::isConvolutionInterfaceImpl(op, &dims))
           .empty())
    return failure();
  return dims;
}

} // namespace

FailureOr<ConvLoops> classify(linalg::LinalgOp op, StringRef leftAs,
                              std::string &why) {
  FailureOr<linalg::ConvolutionDimensions> dims = convolutionDims(op);
  if (failed(dims)) {
    why = "the convolution's loops are not recognised";
    return failure();
  }
  if (dims->inputChannel.empty()) {
    // Depthwise: each output channel reduces over its kernel window only
    // (KH*KW elements, e.g. 9), below a block of 16 or 32: blocks would be
    // mostly padding, the GEMM one column wide, for an op that is
    // memory-bound and a small share of the work (docs/passes.md).
    std::string window = "its kernel window";
    int64_t size = 1;
    for (unsigned d : dims->filterLoop)
      size = ShapedType::isDynamic(size) ||
                     ShapedType::isDynamic(op.getStaticLoopRanges()[d])
                 ? ShapedType::kDynamic
                 : size * op.getStaticLoopRanges()[d];
    if (!ShapedType::isDynamic(size))
      window += " (" + std::to_string(size) + " elements)";
    why = std::string(dims->depth.empty() ? "single-channel" : "depthwise") +
          " convolution: each channel reduces over " + window +
          " only, one GEMM column per channel; " + leftAs.str();
    return failure();
  }
  if (dims->outputChannel.empty()) {
    why = "the convolution has no output channel dimension";
    return failure();
  }
  ConvLoops l;
  l.sizes = op.getStaticLoopRanges();
  if (llvm::any_of(l.sizes, ShapedType::isDynamic)) {
    why = "dynamic shapes; im2col and blocks need static ones";
    return failure();
  }
  l.groups.assign(dims->depth.begin(), dims->depth.end());
  l.rows.assign(dims->batch.begin(), dims->batch.end());
  l.rows.append(dims->outputImage.begin(), dims->outputImage.end());
  l.window.assign(dims->filterLoop.begin(), dims->filterLoop.end());
  l.window.append(dims->inputChannel.begin(), dims->inputChannel.end());
  l.columns.assign(dims->outputChannel.begin(), dims->outputChannel.end());
  size_t n = l.groups.size() + l.rows.size() + l.window.size() +
             l.columns.size();
  auto sameSet = [](std::optional<SmallVector<unsigned>> dims,
                    std::initializer_list<ArrayRef<unsigned>> parts) {
    if (!dims)
      return false;
    SmallVector<unsigned> a(*dims), b;
    for (ArrayRef<unsigned> p : parts)
      b.append(p.begin(), p.end());
    llvm::sort(a);
    llvm::sort(b);
    return a == b;
  };
  if (n != op.getNumLoops() ||
      !sameSet(dimsOf(filterMap(op)), {l.groups, l.columns, l.window}) ||
      !sameSet(dimsOf(outputMap(op)), {l.groups, l.rows, l.columns})) {
    why = "unsupported convolution layout (the filter and output must be "
          "indexed by plain loop dimensions)";
    return failure();
  }
  return l;
}

Value buildPatches(OpBuilder &b, Location loc, linalg::LinalgOp op,
                   const ConvLoops &l) {
  // Loops of the gather: groups, rows, window, each one loop of the conv.
  SmallVector<unsigned> order(l.groups);
  order.append(l.rows.begin(), l.rows.end());
  order.append(l.window.begin(), l.window.end());
  MLIRContext *ctx = b.getContext();
  SmallVector<AffineExpr> repl(op.getNumLoops(), getAffineConstantExpr(0, ctx));
  SmallVector<int64_t> shape;
  for (auto [i, d] : llvm::enumerate(order)) {
    repl[d] = getAffineDimExpr(unsigned(i), ctx);
    shape.push_back(l.sizes[d]);
  }
  AffineMap inMap = op.getMatchingIndexingMap(op.getDpsInputOperand(0))
                        .replaceDimsAndSymbols(repl, {},
                                               unsigned(order.size()), 0);
  auto groups =
      groupsOf({l.groups.size(), l.rows.size(), l.window.size()});
  // A 1x1 window with unit strides whose input is already laid out as
  // [groups, rows, channels] (NHWC): the patches are the input, and a
  // reshape lets qf-fuse-requantize move the quantize to the producer's
  // epilogue.
  Value input = op.getDpsInputs()[0];
  SmallVector<AffineExpr> zeroWindow;
  for (unsigned i = 0; i < order.size(); ++i)
    zeroWindow.push_back(
        l.size(ArrayRef<unsigned>(order).slice(i, 1)) == 1 &&
                llvm::is_contained(l.window, order[i])
            ? getAffineConstantExpr(0, ctx)
            : getAffineDimExpr(i, ctx));
  AffineMap pointMap = inMap.replaceDimsAndSymbols(zeroWindow, {},
                                                   unsigned(order.size()), 0);
  SmallVector<int64_t> kept;
  SmallVector<int64_t> keptShape;
  for (auto [i, e] : llvm::enumerate(zeroWindow))
    if (isa<AffineDimExpr>(e)) {
      kept.push_back(int64_t(i));
      keptShape.push_back(shape[i]);
    }
  auto dimsAre = [&](AffineMap m, ArrayRef<int64_t> want) {
    if (m.getNumResults() != want.size())
      return false;
    for (auto [e, d] : llvm::zip(m.getResults(), want))
      if (e != getAffineDimExpr(unsigned(d), ctx))
        return false;
    return true;
  };
  auto inputT = cast<RankedTensorType>(input.getType());
  if (dimsAre(pointMap, kept) &&
      inputT.getShape() == ArrayRef<int64_t>(keptShape)) {
    // The input's dims are the patch dims without the unit window dims.
    SmallVector<ReassociationIndices> inGroups;
    int64_t next = 0;
    for (const ReassociationIndices &g : groups) {
      ReassociationIndices ig;
      for (int64_t d : g)
        if (llvm::is_contained(kept, d))
          ig.push_back(next++);
      inGroups.push_back(ig);
    }
    if (llvm::none_of(inGroups, [](auto &g) { return g.empty(); }))
      return tensor::CollapseShapeOp::create(b, loc, input, inGroups);
  }
  AffineMap outMap = AffineMap::getMultiDimIdentityMap(order.size(), ctx);
  Value empty =
      tensor::EmptyOp::create(b, loc, shape, inputT.getElementType());
  SmallVector<utils::IteratorType> iters(order.size(),
                                         utils::IteratorType::parallel);
  Value patches =
      linalg::GenericOp::create(
          b, loc, TypeRange{empty.getType()}, ValueRange{input},
          ValueRange{empty}, ArrayRef<AffineMap>{inMap, outMap}, iters,
          [](OpBuilder &nb, Location nl, ValueRange args) {
            linalg::YieldOp::create(nb, nl, args[0]);
          })
          .getResult(0);
  return tensor::CollapseShapeOp::create(b, loc, patches, groups);
}

SmallVector<int64_t> filterPermutation(linalg::LinalgOp op,
                                       const ConvLoops &l) {
  SmallVector<unsigned> wOrder(l.groups);
  wOrder.append(l.columns.begin(), l.columns.end());
  wOrder.append(l.window.begin(), l.window.end());
  return positions(*dimsOf(filterMap(op)), wOrder);
}

Value buildFilterMatrix(OpBuilder &b, Location loc, linalg::LinalgOp op,
                        const ConvLoops &l) {
  Value w = op.getDpsInputs()[1];
  auto filterT = cast<RankedTensorType>(w.getType());
  SmallVector<int64_t> perm = filterPermutation(op, l);
  if (!llvm::equal(perm, llvm::seq<int64_t>(0, int64_t(perm.size())))) {
    SmallVector<int64_t> tshape;
    for (int64_t p : perm)
      tshape.push_back(filterT.getDimSize(p));
    Value e =
        tensor::EmptyOp::create(b, loc, tshape, filterT.getElementType());
    w = linalg::TransposeOp::create(b, loc, w, e, perm).getResult()[0];
  }
  return tensor::CollapseShapeOp::create(
      b, loc, w,
      groupsOf({l.groups.size(), l.columns.size(), l.window.size()}));
}

Value filterAsKN(OpBuilder &b, Location loc, linalg::LinalgOp op,
                 const ConvLoops &l) {
  SmallVector<unsigned> kn(l.groups);
  kn.append(l.window.begin(), l.window.end());
  kn.append(l.columns.begin(), l.columns.end());
  if (dimsOf(filterMap(op)) != std::optional<SmallVector<unsigned>>(kn))
    return Value();
  return tensor::CollapseShapeOp::create(
      b, loc, op.getDpsInputs()[1],
      groupsOf({l.groups.size(), l.window.size(), l.columns.size()}));
}

Value toOutputLayout(OpBuilder &b, Location loc, linalg::LinalgOp op,
                     const ConvLoops &l, Value y) {
  // [G, M, N] -> [groups..., rows..., columns...] -> the output's layout.
  Type elem = cast<RankedTensorType>(y.getType()).getElementType();
  SmallVector<unsigned> yOrder(l.groups);
  yOrder.append(l.rows.begin(), l.rows.end());
  yOrder.append(l.columns.begin(), l.columns.end());
  SmallVector<int64_t> yShape;
  for (unsigned d : yOrder)
    yShape.push_back(l.sizes[d]);
  y = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(yShape, elem), y,
      groupsOf({l.groups.size(), l.rows.size(), l.columns.size()}));
  auto resT = cast<RankedTensorType>(op->getResult(0).getType());
  SmallVector<int64_t> outPerm = positions(yOrder, *dimsOf(outputMap(op)));
  if (!llvm::equal(outPerm, llvm::seq<int64_t>(0, int64_t(outPerm.size())))) {
    Value e = tensor::EmptyOp::create(b, loc, resT.getShape(), elem);
    y = linalg::TransposeOp::create(b, loc, y, e, outPerm).getResult()[0];
  }
  return y;
}

void replaceWithGemm(OpBuilder &b, Location loc, linalg::LinalgOp op,
                     const ConvLoops &l, Value y, Value init) {
  y = toOutputLayout(b, loc, op, l, y);
  if (!isZeroFill(init)) {
    auto resT = cast<RankedTensorType>(op->getResult(0).getType());
    Value e = tensor::EmptyOp::create(b, loc, resT.getShape(),
                                      resT.getElementType());
    y = linalg::AddOp::create(b, loc, ValueRange{y, init}, ValueRange{e})
            .getResult(0);
  }
  op->getResult(0).replaceAllUsesWith(y);
  SmallVector<Value> operands(op->getOperands());
  op->erase();
  eraseDeadProducers(operands);
}

bool isZeroFill(Value init) {
  auto fill = init.getDefiningOp<linalg::FillOp>();
  if (!fill)
    return false;
  FloatAttr f;
  if (matchPattern(fill.getInputs()[0], m_Constant(&f)))
    return f.getValue().isZero();
  return matchPattern(fill.getInputs()[0], m_Zero());
}

void eraseDeadProducers(ArrayRef<Value> operands) {
  SmallVector<Operation *> work;
  auto push = [&](Value v) {
    if (Operation *d = v.getDefiningOp(); d && !llvm::is_contained(work, d))
      work.push_back(d);
  };
  llvm::for_each(operands, push);
  while (!work.empty()) {
    Operation *d = work.pop_back_val();
    if (!isOpTriviallyDead(d))
      continue;
    SmallVector<Value> defs(d->getOperands());
    d->erase();
    llvm::for_each(defs, push);
  }
}

} // namespace qf::conv
