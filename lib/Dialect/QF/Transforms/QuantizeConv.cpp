//===- QuantizeConv.cpp - qf-quantize-model: convolutions to qf.matmul ----===//
//
// A convolution is a contraction over the kernel window and the input
// channels. It is rewritten as im2col (a copying linalg.generic gathering,
// for every output pixel, its window of input pixels) and one qf.matmul:
//
//   patches[G, N*OH*OW, KH*KW*C] x W[G, F, KH*KW*C]^T -> [G, N*OH*OW, F]
//
// so the CPU lowering's GEMM kernels run it, and the result is moved back
// to the convolution's output layout. The reduction is ordered window
// first, channels last: when the block size divides C, every block of the
// patch matrix is one channel block of one input pixel, i.e. the
// activations are blocked along their channel axis, and the weights along
// (kernel window x input channels). Everything is derived from the op's
// indexing maps (linalg::inferConvolutionDims), so every layout (NCHW/FCHW,
// NHWC/HWCF, NHWC/FHWC, grouped NGCHW/FGCHW, 1-D and 3-D), stride and
// dilation takes the same path; padding is the tensor.pad before the op,
// which im2col reads like any input.
//
//===----------------------------------------------------------------------===//
#include "FormatChoice.h"
#include "QuantizeModelParts.h"
#include "WeightQuantize.h"

#include "qf/Dialect/QF/IR/ConstantData.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;

namespace qf::quantize_model {
namespace {

/// The loops of a convolution sorted into the roles of the im2col GEMM.
struct ConvLoops {
  SmallVector<unsigned> groups;  ///< depth: the GEMM's batch (grouped conv)
  SmallVector<unsigned> rows;    ///< batch, then output image: M
  SmallVector<unsigned> window;  ///< filter loops, then input channels: K
  SmallVector<unsigned> columns; ///< output channels: N
  SmallVector<int64_t> sizes;    ///< static loop ranges
  int64_t size(ArrayRef<unsigned> dims) const {
    int64_t p = 1;
    for (unsigned d : dims)
      p *= sizes[d];
    return p;
  }
};

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

/// Row-major `data` of `shape` permuted so that result dimension i is
/// source dimension perm[i].
std::vector<float> permute(ArrayRef<float> data, ArrayRef<int64_t> shape,
                           ArrayRef<int64_t> perm) {
  int64_t rank = int64_t(shape.size());
  SmallVector<int64_t> srcStride(rank, 1), outShape(rank), idx(rank, 0);
  for (int64_t i = rank - 2; i >= 0; --i)
    srcStride[i] = srcStride[i + 1] * shape[i + 1];
  for (int64_t i = 0; i < rank; ++i)
    outShape[i] = shape[perm[i]];
  std::vector<float> out(data.size());
  for (size_t o = 0; o < out.size(); ++o) {
    int64_t src = 0;
    for (int64_t i = 0; i < rank; ++i)
      src += idx[i] * srcStride[perm[i]];
    out[o] = data[size_t(src)];
    for (int64_t i = rank - 1; i >= 0; --i) {
      if (++idx[i] < outShape[i])
        break;
      idx[i] = 0;
    }
  }
  return out;
}

/// Sorts the loops of `op` into ConvLoops; the reason when it cannot.
FailureOr<ConvLoops> classify(linalg::LinalgOp op, std::string &why) {
  FailureOr<linalg::ConvolutionDimensions> dims =
      linalg::inferConvolutionDims(op);
  if (failed(dims)) {
    why = "not quantized: the convolution's loops are not recognised";
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
    why = std::string("not quantized: ") +
          (dims->depth.empty() ? "single-channel" : "depthwise") +
          " convolution: each channel reduces over " + window +
          " only, one GEMM column per channel; it stays in f32";
    return failure();
  }
  if (dims->outputChannel.empty()) {
    why = "not quantized: the convolution has no output channel dimension";
    return failure();
  }
  ConvLoops l;
  l.sizes = op.getStaticLoopRanges();
  if (llvm::any_of(l.sizes, ShapedType::isDynamic)) {
    why = "not quantized: dynamic shapes; im2col and blocks need static ones";
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
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
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
      !sameSet(dimsOf(maps[1]), {l.groups, l.columns, l.window}) ||
      !sameSet(dimsOf(maps[2]), {l.groups, l.rows, l.columns})) {
    why = "not quantized: unsupported convolution layout (the filter and "
          "output must be indexed by plain loop dimensions)";
    return failure();
  }
  for (Value v : op->getOperands()) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    if (!t || !t.getElementType().isF32()) {
      why = "not quantized: operands must be f32 tensors";
      return failure();
    }
  }
  return l;
}

bool isZeroFill(Value init) {
  auto fill = init.getDefiningOp<linalg::FillOp>();
  FloatAttr f;
  return fill && matchPattern(fill.getInputs()[0], m_Constant(&f)) &&
         f.getValue().isZero();
}

/// Zero-pads the last dimension of `v` to `to` (exact: zeros add nothing to
/// products, block maxima or the tensor amax).
Value padLast(OpBuilder &b, Location loc, Value v, int64_t to) {
  auto t = cast<RankedTensorType>(v.getType());
  int64_t r = t.getRank();
  if (t.getDimSize(r - 1) == to)
    return v;
  SmallVector<int64_t> shape(t.getShape());
  SmallVector<OpFoldResult> low(r, b.getIndexAttr(0)), high(low);
  high[r - 1] = b.getIndexAttr(to - shape[r - 1]);
  shape[r - 1] = to;
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  return tensor::PadOp::create(b, loc, RankedTensorType::get(shape, t.getElementType()), v, low, high, zero);
}

/// The im2col patch matrix [groups?, rows, K] of the convolution's input.
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
  AffineMap inMap = op.getIndexingMapsArray()[0].replaceDimsAndSymbols(
      repl, {}, unsigned(order.size()), 0);
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
  if (dimsAre(pointMap, kept) &&
      cast<RankedTensorType>(input.getType()).getShape() ==
          ArrayRef<int64_t>(keptShape)) {
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
  Type f32 = b.getF32Type();
  Value empty = tensor::EmptyOp::create(b, loc, shape, f32);
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

} // namespace

/// [d0..dn) grouped as [sizes[0] dims][sizes[1] dims]..., empty groups
/// skipped.
SmallVector<ReassociationIndices> groupsOf(ArrayRef<size_t> sizes) {
  SmallVector<ReassociationIndices> r;
  int64_t next = 0;
  for (size_t s : sizes) {
    if (!s)
      continue;
    ReassociationIndices g;
    for (size_t i = 0; i < s; ++i)
      g.push_back(next++);
    r.push_back(g);
  }
  return r;
}

LogicalResult rewriteConvolution(linalg::LinalgOp op,
                                 const RewriteOptions &o) {
  std::string why;
  FailureOr<ConvLoops> cl = classify(op, why);
  if (failed(cl)) {
    remark(op, o.printOp) << why;
    return failure();
  }
  ConvLoops &l = *cl;
  Value filter = op.getDpsInputs()[1], init = op.getDpsInits()[0];
  auto filterT = cast<RankedTensorType>(filter.getType());
  if (o.minSize > 0 && filterT.getNumElements() < o.minSize) {
    remark(op, o.printOp) << "not quantized: the weight has "
                          << filterT.getNumElements()
                          << " elements, below min-size=" << o.minSize;
    return failure();
  }
  int64_t G = l.size(l.groups), M = l.size(l.rows), K = l.size(l.window),
          N = l.size(l.columns);
  int64_t multiple = kMultiple(o.weight, o.activation);
  int64_t Kp = (K + multiple - 1) / multiple * multiple;
  if (Kp != K && !o.padK) {
    remark(op, o.printOp) << "not quantized: block size " << multiple
                          << " does not divide K = " << K
                          << " (pad-k=false keeps such contractions in f32)";
    return failure();
  }
  Value cstFilter = filter;
  while (auto c = cstFilter.getDefiningOp<tensor::CastOp>())
    cstFilter = c.getSource();
  Attribute attr;
  std::optional<std::vector<float>> data;
  if (matchPattern(cstFilter, m_Constant(&attr)))
    data = readFloatElements(attr);
  if (!data && !o.activation) {
    remark(op, o.printOp) << "not quantized: no constant weight and "
                             "activation-format=none (weight-only)";
    return failure();
  }
  if (Kp != K)
    remark(op, o.printOp) << "K = " << K << " is zero-padded to " << Kp
                          << " for blocks of " << multiple;

  OpBuilder b(op);
  Location loc = op->getLoc();
  MLIRContext *ctx = b.getContext();
  bool grouped = !l.groups.empty();
  int64_t rank = grouped ? 3 : 2;
  auto shape3 = [&](int64_t rows, int64_t cols) {
    return grouped ? SmallVector<int64_t>{G, rows, cols}
                   : SmallVector<int64_t>{rows, cols};
  };

  // Activations: the patch matrix, blocked along K.
  Value lhs = padLast(b, loc, buildPatches(b, loc, op, l), Kp);
  if (o.activation)
    lhs = QuantizeOp::create(
        b, loc, quantizedType(ctx, shape3(M, Kp), o.activation, rank - 1), lhs,
        Value(), Value());

  // Weights: [groups, output channels, window] = [G, N, K], blocked along K.
  SmallVector<unsigned> wOrder(l.groups);
  wOrder.append(l.columns.begin(), l.columns.end());
  wOrder.append(l.window.begin(), l.window.end());
  SmallVector<int64_t> perm =
      positions(*dimsOf(op.getIndexingMapsArray()[1]), wOrder);
  QTensorType wt = quantizedType(ctx, shape3(N, Kp), o.weight, rank - 1);
  Value rhs;
  if (data) {
    std::vector<float> w = permute(*data, filterT.getShape(), perm);
    if (Kp != K) {
      std::vector<float> p(size_t(G * N * Kp), 0.0f);
      for (int64_t r = 0; r < G * N; ++r)
        std::copy_n(w.begin() + r * K, K, p.begin() + r * Kp);
      w = std::move(p);
    }
    rhs = createConstantWeight(b, loc, wt, w, o.mseScales, o.foldWeights);
  } else {
    // Not a constant with data (an argument, an elided resource): the
    // rearrangement and the quantization run at run time.
    remark(op, o.printOp)
        << "the filter is not a constant with data; it is rearranged and "
           "quantized at run time in weight-format";
    Value w = filter;
    if (!llvm::equal(perm, llvm::seq<int64_t>(0, int64_t(perm.size())))) {
      SmallVector<int64_t> tshape;
      for (int64_t p : perm)
        tshape.push_back(filterT.getDimSize(p));
      Value e = tensor::EmptyOp::create(b, loc, tshape, b.getF32Type());
      w = linalg::TransposeOp::create(b, loc, w, e, perm).getResult()[0];
    }
    w = tensor::CollapseShapeOp::create(
        b, loc, w,
        groupsOf({l.groups.size(), l.columns.size(), l.window.size()}));
    w = padLast(b, loc, w, Kp);
    rhs = QuantizeOp::create(b, loc, wt, w, Value(), Value());
  }

  // [G, M, N] -> [groups..., rows..., columns...] -> the output's layout.
  Type f32 = b.getF32Type();
  Value y = MatmulOp::create(b, loc, RankedTensorType::get(shape3(M, N), f32),
                             lhs, rhs, b.getUnitAttr());
  if (o.choice)
    y.getDefiningOp()->setAttr(kFormatChoiceAttrName, o.choice);
  SmallVector<unsigned> yOrder(l.groups);
  yOrder.append(l.rows.begin(), l.rows.end());
  yOrder.append(l.columns.begin(), l.columns.end());
  SmallVector<int64_t> yShape;
  for (unsigned d : yOrder)
    yShape.push_back(l.sizes[d]);
  y = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(yShape, f32), y,
      groupsOf({l.groups.size(), l.rows.size(), l.columns.size()}));
  auto resT = cast<RankedTensorType>(op->getResult(0).getType());
  SmallVector<int64_t> outPerm =
      positions(yOrder, *dimsOf(op.getIndexingMapsArray()[2]));
  if (!llvm::equal(outPerm, llvm::seq<int64_t>(0, int64_t(outPerm.size())))) {
    Value e = tensor::EmptyOp::create(b, loc, resT.getShape(), f32);
    y = linalg::TransposeOp::create(b, loc, y, e, outPerm).getResult()[0];
  }
  if (!isZeroFill(init)) {
    Value e = tensor::EmptyOp::create(b, loc, resT.getShape(), f32);
    y = linalg::AddOp::create(b, loc, ValueRange{y, init}, ValueRange{e})
            .getResult(0);
  }
  op->getResult(0).replaceAllUsesWith(y);
  SmallVector<Value> operands(op->getOperands());
  op->erase();
  // The f32 filter constant and a zero init are dead now.
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
  return success();
}

} // namespace qf::quantize_model
