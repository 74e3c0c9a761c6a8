//===- QuantizeConv.cpp - qf-quantize-model: convolutions to qf.matmul ----===//
//
// A convolution is a contraction over the kernel window and the input
// channels. It is rewritten as im2col (a copying linalg.generic gathering,
// for every output pixel, its window of input pixels) and one qf.matmul:
//
//   patches[G, N*OH*OW, KH*KW*C] x W[G, F, KH*KW*C]^T -> [G, N*OH*OW, F]
//
// so the CPU lowering's GEMM kernels run it, and the result is moved back
// to the convolution's output layout (Im2col.h, shared with qf-import-int8).
// Here the operands are f32, quantized in the pass's formats: a constant
// filter is rearranged and quantized at compile time, padded along K to the
// block size where needed.
//
//===----------------------------------------------------------------------===//
#include "FormatChoice.h"
#include "Im2col.h"
#include "QuantizeModelParts.h"
#include "WeightArguments.h"
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
  FailureOr<conv::ConvLoops> cl = conv::classify(op, "it stays in f32", why);
  if (failed(cl)) {
    remark(op, o.printOp) << "not quantized: " << why;
    return failure();
  }
  for (Value v : op->getOperands()) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    if (!t || !t.getElementType().isF32()) {
      remark(op, o.printOp) << "not quantized: operands must be f32 tensors";
      return failure();
    }
  }
  conv::ConvLoops &l = *cl;
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
  Value lhs = padLast(b, loc, conv::buildPatches(b, loc, op, l), Kp);
  if (o.activation) {
    lhs = QuantizeOp::create(
        b, loc, quantizedType(ctx, shape3(M, Kp), o.activation, rank - 1), lhs,
        Value(), Value());
    if (o.sqActivations && o.activation.hasOutliers())
      o.sqActivations->insert(lhs.getDefiningOp());
  }

  // Weights: [groups, output channels, window] = [G, N, K], blocked along K.
  SmallVector<int64_t> perm = conv::filterPermutation(op, l);
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
    Value wm = conv::buildFilterMatrix(b, loc, op, l);
    // weights-as-arguments: the rearranged filter of a function argument
    // (a transpose and a collapse, a view) is passed quantized.
    if (o.viewArgs && Kp != K) {
      remark(op, o.printOp) << "the filter needs K padding; it is quantized "
                               "at run time (weights-as-arguments)";
    } else if (o.viewArgs) {
      std::string viewWhy;
      FailureOr<WeightView> view = traceArgumentView(wm, viewWhy);
      if (succeeded(view))
        rhs = o.viewArgs->get(*view, {}, wt, op);
      else
        remark(op, o.printOp)
            << "weights-as-arguments: the filter is not followed to a "
               "function argument"
            << (viewWhy.empty() ? std::string() : ": " + viewWhy);
    }
    if (rhs) {
      eraseDeadChain(wm);
    } else {
      // Not a constant with data (an argument, an elided resource): the
      // rearrangement and the quantization run at run time.
      remark(op, o.printOp)
          << "the filter is not a constant with data; it is rearranged and "
             "quantized at run time in weight-format";
      rhs = QuantizeOp::create(b, loc, wt, padLast(b, loc, wm, Kp), Value(),
                               Value());
    }
  }

  Type f32 = b.getF32Type();
  Value y = MatmulOp::create(b, loc, RankedTensorType::get(shape3(M, N), f32),
                             lhs, rhs, b.getUnitAttr());
  if (o.choice)
    y.getDefiningOp()->setAttr(kFormatChoiceAttrName, o.choice);
  // The f32 filter constant and a zero init die with the op.
  conv::replaceWithGemm(b, loc, op, l, y, init);
  return success();
}

} // namespace qf::quantize_model
