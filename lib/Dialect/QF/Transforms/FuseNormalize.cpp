//===- FuseNormalize.cpp - Frontend IR normalization before fusion --------===//
//
// Part of qf-fuse-requantize (the file layout is in FusionUtils.h).
//
// torch-mlir writes transposes and copies as linalg.generic copies, keeps a
// leading unit batch dim on every activation ([1, s, d], [1, h, s, s]) and
// reads unit dims at constant 0. The fusion patterns expect the forms our
// generator writes (linalg.transpose, rank-2 projections, row-wise chains on
// the product's shape; elementwise chains on a convolution's product before
// it is expanded to the image layout), so the pass first rewrites to those:
// each rewrite
// moves or renames data only (no arithmetic changes), so the codes stay
// those of the unfused program.
//
//===----------------------------------------------------------------------===//
#include "FusionUtils.h"

#include "qf/Dialect/QF/Transforms/Transforms.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/SmallBitVector.h"

using namespace mlir;
using namespace qf::fusion;

namespace {

/// Whether the body of `g` only yields its first block argument.
bool isCopyBody(linalg::GenericOp g) {
  Block *body = g.getBlock();
  auto y = cast<linalg::YieldOp>(body->getTerminator());
  return body->without_terminator().empty() && y.getNumOperands() == 1 &&
         y.getOperand(0) == body->getArgument(0);
}

/// A copy generic (one input, all loops parallel, body yields the input,
/// same rank in and out, the output map a permutation, the input map a
/// permutation up to unit dims read at constant 0) -> linalg.transpose, or
/// its input when nothing moves. Copies that broadcast (a constant-0 read
/// of a dim the output has longer) are not copies of a permutation: left.
struct CopyGenericToTranspose : OpRewritePattern<linalg::GenericOp> {
  using Base::Base;
  LogicalResult matchAndRewrite(linalg::GenericOp g,
                                PatternRewriter &rewriter) const override {
    if (!g.hasPureTensorSemantics() || g.getNumDpsInputs() != 1 ||
        g.getNumDpsInits() != 1 || g->getNumResults() != 1 ||
        g.getNumLoops() != g.getNumParallelLoops() || !isCopyBody(g))
      return failure();
    Value in = g.getDpsInputOperand(0)->get();
    auto inT = dyn_cast<RankedTensorType>(in.getType());
    auto outT = cast<RankedTensorType>(g->getResult(0).getType());
    int64_t r = outT.getRank();
    if (!inT || inT.getRank() != r || g.getNumLoops() != r ||
        inT.getElementType() != outT.getElementType() ||
        !outT.hasStaticShape() || !inT.hasStaticShape())
      return failure();
    AffineMap outMap = g.getIndexingMapMatchingResult(g->getResult(0));
    AffineMap inMap = g.getMatchingIndexingMap(g.getDpsInputOperand(0));
    if (!outMap.isPermutation())
      return failure();
    // Loop l runs over output dim outPos[l].
    SmallVector<int64_t> outPos(r);
    for (int64_t k = 0; k < r; ++k)
      outPos[outMap.getDimPosition(k)] = k;
    // Input dim j reads loop inLoop[j]; a constant 0 (of a unit dim) takes
    // a loop no other input dim reads, of extent 1 (the same element).
    SmallVector<int64_t> inLoop(r, -1);
    llvm::SmallBitVector used(r);
    for (int64_t j = 0; j < r; ++j)
      if (auto d = dyn_cast<AffineDimExpr>(inMap.getResult(j))) {
        if (used.test(d.getPosition()))
          return failure();
        inLoop[j] = d.getPosition();
        used.set(d.getPosition());
      }
    for (int64_t j = 0; j < r; ++j) {
      if (inLoop[j] >= 0)
        continue;
      auto c = dyn_cast<AffineConstantExpr>(inMap.getResult(j));
      if (!c || c.getValue() != 0 || inT.getDimSize(j) != 1)
        return failure();
      int64_t l = 0;
      while (l < r && (used.test(l) || outT.getDimSize(outPos[l]) != 1))
        ++l;
      if (l == r)
        return failure();
      inLoop[j] = l;
      used.set(l);
    }
    // Result dim k is input dim perm[k] (linalg.transpose's convention).
    SmallVector<int64_t> perm(r);
    for (int64_t j = 0; j < r; ++j)
      perm[outPos[inLoop[j]]] = j;
    if (llvm::equal(perm, llvm::seq<int64_t>(0, r))) {
      if (inT != outT)
        return failure();
      rewriter.replaceOp(g, in);
      return success();
    }
    Value empty = tensor::EmptyOp::create(rewriter, g.getLoc(), outT.getShape(),
                                          outT.getElementType());
    rewriter.replaceOp(
        g, linalg::TransposeOp::create(rewriter, g.getLoc(), in, empty, perm)
               ->getResults());
    return success();
  }
};

/// The reassociation that drops the unit dims of `shape` (each joins the
/// next non-unit dim, trailing ones the last), or nullopt when no dim is
/// unit or all are.
std::optional<SmallVector<ReassociationIndices>>
dropUnitDims(ArrayRef<int64_t> shape) {
  SmallVector<ReassociationIndices> groups;
  ReassociationIndices cur;
  for (int64_t i = 0; i < int64_t(shape.size()); ++i) {
    cur.push_back(i);
    if (shape[i] != 1) {
      groups.push_back(cur);
      cur.clear();
    }
  }
  if (groups.empty() || groups.size() == shape.size())
    return std::nullopt;
  llvm::append_range(groups.back(), cur);
  return groups;
}

/// linalg.transpose of a static tensor with unit dims -> the transpose of
/// the tensor without them, between reshapes (or only the reshapes when
/// the rest does not move): torch's [1, h, s, d] head transposes become
/// the rank-3 ones the head split and K^T patterns read, and transposes of
/// transposes then compose (linalg's canonicalization).
struct TransposeDropUnitDims : OpRewritePattern<linalg::TransposeOp> {
  using Base::Base;
  LogicalResult matchAndRewrite(linalg::TransposeOp tr,
                                PatternRewriter &rewriter) const override {
    auto inT = dyn_cast<RankedTensorType>(tr.getInput().getType());
    auto outT = dyn_cast<RankedTensorType>(tr->getResult(0).getType());
    if (!inT || !outT || !inT.hasStaticShape())
      return failure();
    auto inGroups = dropUnitDims(inT.getShape());
    auto outGroups = dropUnitDims(outT.getShape());
    if (!inGroups || !outGroups)
      return failure();
    // Input dim -> its index among the non-unit dims.
    SmallVector<int64_t> reducedIdx(inT.getRank(), -1);
    SmallVector<int64_t> inShape;
    for (int64_t d = 0; d < inT.getRank(); ++d)
      if (inT.getDimSize(d) != 1) {
        reducedIdx[d] = inShape.size();
        inShape.push_back(inT.getDimSize(d));
      }
    SmallVector<int64_t> perm, outShape;
    for (int64_t p : tr.getPermutation())
      if (reducedIdx[p] >= 0) {
        perm.push_back(reducedIdx[p]);
        outShape.push_back(inT.getDimSize(p));
      }
    Location loc = tr.getLoc();
    Value x = tensor::CollapseShapeOp::create(rewriter, loc, tr.getInput(),
                                              *inGroups);
    if (!llvm::equal(perm, llvm::seq<int64_t>(0, perm.size()))) {
      Value empty = tensor::EmptyOp::create(rewriter, loc, outShape,
                                            inT.getElementType());
      x = linalg::TransposeOp::create(rewriter, loc, x, empty, perm)
              ->getResult(0);
    }
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(tr, outT, x, *outGroups);
    return success();
  }
};
/// form torch-mlir gives every projection) -> expand_shape of the rank-2
/// qf.matmul [M, K] x [K, N]: the same dot products. A quantized operand
/// loses the unit dim in its quantize (an f32 input collapsed: the same
/// blocks, the same codes) or, blocked along its innermost axis, through
/// qf.reshape. The rank-2 product then meets the rank-2 row-wise chains
/// (bias, residual, LayerNorm) that unit-dim folding leaves, and the head
/// split patterns.
struct DropUnitBatch : OpRewritePattern<qf::MatmulOp> {
  using Base::Base;
  LogicalResult matchAndRewrite(qf::MatmulOp mm,
                                PatternRewriter &rewriter) const override {
    RankedTensorType rt = mm.getResult().getType();
    if (rt.getRank() != 3 || rt.getDimSize(0) != 1 || !rt.hasStaticShape())
      return failure();
    Location loc = mm.getLoc();
    SmallVector<ReassociationIndices> lead{{0, 1}, {2}};
    // Checks (dry) or builds the rank-2 form of an operand.
    auto drop = [&](Value v, bool build) -> Value {
      if (auto ft = dyn_cast<RankedTensorType>(v.getType())) {
        if (!ft.hasStaticShape())
          return Value();
        return build ? tensor::CollapseShapeOp::create(rewriter, loc, v, lead)
                           .getResult()
                     : v;
      }
      auto t = cast<qf::QTensorType>(v.getType());
      if (!t.hasStaticShape() || t.getAxis() < 1)
        return Value();
      qf::QTensorType t2 =
          withShape(t, t.getShape().drop_front(), t.getAxis() - 1);
      if (auto q = v.getDefiningOp<qf::QuantizeOp>();
          q && isF32Tensor(q.getInput().getType()) &&
          (!q.getScales() ||
           cast<RankedTensorType>(q.getScales().getType()).hasStaticShape())) {
        if (!build)
          return v;
        Value x =
            tensor::CollapseShapeOp::create(rewriter, loc, q.getInput(), lead);
        Value s = q.getScales();
        if (s) // the flat order of the scales does not change
          s = reshapeFlat(rewriter, loc, s, t2.getScalesType());
        return qf::QuantizeOp::create(rewriter, loc, t2, x, s,
                                      q.getTensorScale())
            .getResult();
      }
      if (!innermostBlocks(t) || !rowsOfWholeBlocks(t, t.getShape().back()))
        return Value();
      return build ? qf::ReshapeOp::create(rewriter, loc, t2, v).getResult()
                   : v;
    };
    if (!drop(mm.getLhs(), false) || !drop(mm.getRhs(), false))
      return failure();
    Value lhs = drop(mm.getLhs(), true), rhs = drop(mm.getRhs(), true);
    auto mm2 = qf::MatmulOp::create(
        rewriter, loc,
        RankedTensorType::get(rt.getShape().drop_front(), rt.getElementType()),
        lhs, rhs, mm.getTransposeB());
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(mm, rt, mm2.getResult(),
                                                       lead);
    return success();
  }
};

} // namespace

/// The normalization of frontend IR (above), then upstream rewrites that
/// also only move data: unit dims folded out of generics (reshapes around
/// them), unused results dropped (torch's max-with-index of the softmax),
/// splat constant operands inlined into bodies (the 1/sqrt(d) divisor),
/// and reshape chains composed (qf.reshape's own canonicalization).
void qf::populateQFFrontendNormalizationPatterns(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<CopyGenericToTranspose, TransposeDropUnitDims, DropUnitBatch>(
      ctx);
  qf::ReshapeOp::getCanonicalizationPatterns(patterns, ctx);
  linalg::TransposeOp::getCanonicalizationPatterns(patterns, ctx);
  linalg::ControlDropUnitDims unitDims;
  // Generics only: a pad keeps its rank (the pad of the scores' keys must
  // meet its quantize as it is).
  unitDims.controlFn = [](Operation *op) -> SmallVector<unsigned> {
    if (auto g = dyn_cast<linalg::GenericOp>(op))
      return llvm::to_vector(llvm::seq<unsigned>(0, g.getNumLoops()));
    return {};
  };
  linalg::populateFoldUnitExtentDimsPatterns(patterns, unitDims);
  // A product expanded to an image layout (qf-quantize-model's convolutions:
  // [N*OH*OW, F] -> [N, OH, OW, F]) read by elementwise generics (bias,
  // activation, residual): the generics run on the product's own shape, so
  // the epilogue can meet its qf.matmul.
  linalg::populateFoldReshapeOpsByCollapsingPatterns(
      patterns, [](OpOperand *operand) {
        auto ex = operand->get().getDefiningOp<tensor::ExpandShapeOp>();
        return ex && ex.getSrc().getDefiningOp<qf::MatmulOp>() &&
               isElementwise(operand->getOwner());
      });
  linalg::populateEraseUnusedOperandsAndResultsPatterns(patterns);
  linalg::populateInlineConstantOperandsPatterns(patterns);
  tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, ctx);
  tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, ctx);
  linalg::FillOp::getCanonicalizationPatterns(patterns, ctx);
  tensor::EmptyOp::getCanonicalizationPatterns(patterns, ctx);
}
