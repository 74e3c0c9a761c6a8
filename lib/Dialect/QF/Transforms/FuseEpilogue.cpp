//===- FuseEpilogue.cpp - qf.matmul epilogues into qf.fused_matmul --------===//
//
// Part of qf-fuse-requantize (the file layout is in FusionUtils.h): the
// quantize of a product, a qf.map reading one (bias, residual add), a second
// product of the same lhs (dual GEMM), the head split/merge of a quantized
// result and the transposed forms of attention's K and V operands move into
// the producing contraction's epilogue, so the f32 product never reaches
// memory. Whether a quantized result can be encoded there is decided by
// epilogueEncodable only: the lowering target's rule (TargetInfo).
//
//===----------------------------------------------------------------------===//
#include "FusionUtils.h"

#include "qf/Dialect/QF/Transforms/Transforms.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace qf::fusion;

namespace {

qf::FusedMatmulOp buildFusedMatmul(PatternRewriter &rewriter, Location loc,
                                   qf::MatmulOp mm, Type type,
                                   ValueRange epilogue,
                                   ArrayRef<AffineMap> maps, Value scales,
                                   Value tensorScale) {
  return qf::FusedMatmulOp::create(
      rewriter, loc, type, mm.getLhs(), mm.getRhs(), /*rhs2=*/Value(), epilogue,
      scales, tensorScale, mm.getTransposeB(),
      /*transpose_result=*/false,
      epilogueMapsAttr(rewriter.getContext(), maps));
}

/// The epilogue inputs `inputs` (input i read at `mapOf(i)`) but the
/// `skip`-th, which becomes an accumulator.
void dropInput(ValueRange inputs, function_ref<AffineMap(unsigned)> mapOf,
               int64_t skip, SmallVector<Value> &rest,
               SmallVector<AffineMap> &maps) {
  for (auto [i, in] : llvm::enumerate(inputs))
    if (int64_t(i) != skip) {
      rest.push_back(in);
      maps.push_back(mapOf(i));
    }
}

/// Moves the body `from` into the (empty) body of `to`: its argument
/// `oldIdx`, a product read as an input, becomes the accumulator argument
/// `accIdx` (<= oldIdx; accumulators come before the epilogue inputs).
void moveBodyWithAccumulator(PatternRewriter &rewriter, Region &from,
                             qf::FusedMatmulOp to, unsigned oldIdx,
                             unsigned accIdx) {
  Region &region = to.getBody();
  rewriter.inlineRegionBefore(from, region, region.end());
  Block &body = region.front();
  BlockArgument old = body.getArgument(oldIdx);
  BlockArgument acc =
      body.insertArgument(accIdx, rewriter.getF32Type(), to.getLoc());
  rewriter.replaceAllUsesWith(old, acc);
  body.eraseArgument(oldIdx + 1);
}

/// quantize(matmul) -> fused_matmul with an empty body.
struct FuseQuantizeIntoMatmul : TargetPattern<qf::QuantizeOp> {
  using TargetPattern::TargetPattern;
  LogicalResult matchAndRewrite(qf::QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto mm = op.getInput().getDefiningOp<qf::MatmulOp>();
    qf::QTensorType t = op.getResult().getType();
    if (!mm || !op.getInput().hasOneUse() ||
        !epilogueEncodable(target, t))
      return failure();
    auto fused = buildFusedMatmul(rewriter, op.getLoc(), mm, t, ValueRange{},
                                  {}, op.getScales(), op.getTensorScale());
    Block *body = rewriter.createBlock(&fused.getBody(), {},
                                       {rewriter.getF32Type()}, {op.getLoc()});
    qf::YieldOp::create(rewriter, op.getLoc(), body->getArgument(0));
    rewriter.replaceOp(op, fused.getResult());
    rewriter.eraseOp(mm);
    return success();
  }
};

/// qf.map (quantized or f32 result) reading a single-use matmul result at
/// the identity and otherwise only f32 tensors (at broadcast maps: a bias)
/// -> fused_matmul with that body, the maps its epilogue_maps.
struct FuseMapIntoMatmul : TargetPattern<qf::MapOp> {
  using TargetPattern::TargetPattern;
  LogicalResult matchAndRewrite(qf::MapOp op,
                                PatternRewriter &rewriter) const override {
    Type t = op.getResult().getType();
    auto qt = dyn_cast<qf::QTensorType>(t);
    if (qt && !epilogueEncodable(target, qt))
      return failure();
    // Rows of a product come whole from FuseRowsIntoMatmul; a map with row
    // reductions reads no product.
    if (!op.getBody().front().getOps<qf::RowReduceOp>().empty())
      return failure();
    int64_t accIdx = -1;
    qf::MatmulOp mm;
    for (auto [i, in] : llvm::enumerate(op.getInputs())) {
      if (!isF32Tensor(in.getType()))
        return failure();
      auto m = in.getDefiningOp<qf::MatmulOp>();
      if (m && in.hasOneUse() && !mm && op.getInputMap(i).isIdentity()) {
        mm = m;
        accIdx = i;
      }
    }
    if (!mm)
      return failure();
    SmallVector<Value> epilogue;
    SmallVector<AffineMap> maps;
    dropInput(
        op.getInputs(), [&](unsigned i) { return op.getInputMap(i); }, accIdx,
        epilogue, maps);
    auto fused = buildFusedMatmul(rewriter, op.getLoc(), mm, t, epilogue, maps,
                                  op.getScales(), op.getTensorScale());
    // The accumulator argument goes first.
    moveBodyWithAccumulator(rewriter, op.getBody(), fused, accIdx, 0);
    rewriter.replaceOp(op, fused.getResult());
    rewriter.eraseOp(mm);
    return success();
  }
};

/// quantize(fused_matmul with an f32 result, used only here) -> that
/// fused_matmul with the quantized result: the body's values are those the
/// quantize read. A bias epilogue formed as an f32 chain (FuseDequantizeChain)
/// before its quantize was moved next to it (head split) ends here.
struct QuantizeIntoF32Epilogue : TargetPattern<qf::QuantizeOp> {
  using TargetPattern::TargetPattern;
  LogicalResult matchAndRewrite(qf::QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto fm = op.getInput().getDefiningOp<qf::FusedMatmulOp>();
    qf::QTensorType t = op.getResult().getType();
    if (!fm || !op.getInput().hasOneUse() ||
        !isF32Tensor(fm.getResult().getType()) ||
        !epilogueEncodable(target, t))
      return failure();
    auto fused = qf::FusedMatmulOp::create(
        rewriter, op.getLoc(), t, fm.getLhs(), fm.getRhs(), fm.getRhs2(),
        fm.getEpilogue(), op.getScales(), op.getTensorScale(),
        fm.getTransposeB(), fm.getTransposeResult(), fm.getEpilogueMapsAttr());
    rewriter.inlineRegionBefore(fm.getBody(), fused.getBody(),
                                fused.getBody().end());
    rewriter.replaceOp(op, fused.getResult());
    rewriter.eraseOp(fm);
    return success();
  }
};

/// fused_matmul reading, as an epilogue input, a second qf.matmul of the
/// same lhs (same transpose_b, used only here) -> a dual GEMM: that product
/// becomes `rhs2`, whose accumulator is the body's second argument (SwiGLU:
/// the up projection's epilogue reads the gate projection).
struct FuseSecondProduct : OpRewritePattern<qf::FusedMatmulOp> {
  using Base::Base;
  LogicalResult matchAndRewrite(qf::FusedMatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getRhs2() || op.getTransposeResult())
      return failure();
    int64_t idx = -1;
    qf::MatmulOp mm;
    for (auto [i, in] : llvm::enumerate(op.getEpilogue())) {
      auto m = in.getDefiningOp<qf::MatmulOp>();
      if (m && in.hasOneUse() && op.getEpilogueMap(i).isIdentity() &&
          m.getLhs() == op.getLhs() &&
          m.getTransposeB() == op.getTransposeB() &&
          qf::shapeOfQOrFloat(m.getRhs().getType()) ==
              qf::shapeOfQOrFloat(op.getRhs().getType()) &&
          m.getResult().getType().getShape() ==
              qf::shapeOfQOrFloat(op.getResult().getType())) {
        mm = m;
        idx = i;
        break;
      }
    }
    if (!mm)
      return failure();
    SmallVector<Value> epilogue;
    SmallVector<AffineMap> maps;
    dropInput(
        op.getEpilogue(), [&](unsigned i) { return op.getEpilogueMap(i); }, idx,
        epilogue, maps);
    auto fused = qf::FusedMatmulOp::create(
        rewriter, op.getLoc(), op.getResult().getType(), op.getLhs(),
        op.getRhs(), mm.getRhs(), epilogue, op.getScales(), op.getTensorScale(),
        op.getTransposeB(), /*transpose_result=*/false,
        epilogueMapsAttr(getContext(), maps));
    // The second accumulator becomes argument 1 (epilogue input idx was
    // argument 1 + idx).
    moveBodyWithAccumulator(rewriter, op.getBody(), fused, 1 + idx, 1);
    rewriter.replaceOp(op, fused.getResult());
    rewriter.eraseOp(mm);
    return success();
  }
};

/// quantize(linalg.transpose(x)) -> qf.transpose(quantize(x)) and
/// quantize(expand/collapse_shape(x)) -> qf.reshape(quantize(x)): blocks
/// along the innermost axis move with it, so every block is the same set
/// of elements (and a tensor amax the same), the codes the same. Static
/// block scales (blocks last, like the codes) take the inverse movement;
/// a tensor scale is the same. The quantize then meets its producer (a
/// matmul epilogue), so head split/merge moves codes, not f32.
struct QuantizeBeforeDataMovement : OpRewritePattern<qf::QuantizeOp> {
  using Base::Base;
  LogicalResult matchAndRewrite(qf::QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    qf::QTensorType t = op.getResult().getType();
    Value in = op.getInput();
    Value scales = op.getScales();
    if (!in.hasOneUse() || !innermostBlocks(t) || !t.hasStaticShape() ||
        (scales && !cast<RankedTensorType>(scales.getType()).hasStaticShape()))
      return failure();
    Location loc = op.getLoc();
    if (auto tr = in.getDefiningOp<linalg::TransposeOp>()) {
      ArrayRef<int64_t> perm = tr.getPermutation();
      Value src = tr.getInput();
      auto srcT = cast<RankedTensorType>(src.getType());
      if (perm.back() != t.getRank() - 1 || !srcT.getElementType().isF32())
        return failure();
      qf::QTensorType srcQ = withShape(t, srcT.getShape(), t.getRank() - 1);
      Value srcScales;
      if (scales) {
        // Result dim d is source dim perm[d]: the scales of the source take
        // the inverse permutation.
        SmallVector<int64_t> inv(perm.size());
        for (auto [d, p] : llvm::enumerate(perm))
          inv[p] = d;
        RankedTensorType st = srcQ.getScalesType();
        Value empty = tensor::EmptyOp::create(rewriter, loc, st.getShape(),
                                              st.getElementType());
        srcScales =
            linalg::TransposeOp::create(rewriter, loc, scales, empty, inv)
                ->getResult(0);
      }
      auto q0 = qf::QuantizeOp::create(rewriter, loc, srcQ, src, srcScales,
                                       op.getTensorScale());
      rewriter.replaceOpWithNewOp<qf::TransposeOp>(op, t, q0.getResult(), perm);
      rewriter.eraseOp(tr);
      return success();
    }
    Operation *reshape = in.getDefiningOp();
    if (!isa_and_nonnull<tensor::ExpandShapeOp, tensor::CollapseShapeOp>(
            reshape))
      return failure();
    Value src = reshape->getOperand(0);
    auto srcT = cast<RankedTensorType>(src.getType());
    if (!srcT.hasStaticShape() || !srcT.getElementType().isF32() ||
        !rowsOfWholeBlocks(t, srcT.getShape().back()) ||
        !rowsOfWholeBlocks(t, t.getShape().back()))
      return failure();
    qf::QTensorType srcQ = withShape(t, srcT.getShape(), srcT.getRank() - 1);
    // Blocks keep their flat order: reshape the scales through 1-D.
    Value srcScales =
        scales ? reshapeFlat(rewriter, loc, scales, srcQ.getScalesType())
               : Value();
    auto q0 = qf::QuantizeOp::create(rewriter, loc, srcQ, src, srcScales,
                                     op.getTensorScale());
    rewriter.replaceOpWithNewOp<qf::ReshapeOp>(op, t, q0.getResult());
    rewriter.eraseOp(reshape);
    return success();
  }
};

/// matmul(a, quantize(transpose(x, p)) : [B, K, N] blocked along K) ->
/// matmul(a, quantize(transpose(x, p')) : [B, N, K] blocked along K)
/// transpose_b, p' = p with its last two entries swapped: the same blocks,
/// codes and products (K^T of attention, blocked along d, becomes K [h, s, d]
/// with d innermost, which the head split above quantizes in the K
/// projection's epilogue). Each output is still one dot product in the
/// same order; not for 4-bit rhs, whose [N, K] form takes another summation
/// scheme (emitNibbleTile). Also on a qf.fused_matmul (one rhs): its
/// epilogue may already hold the scores' softmax (FuseRowsIntoMatmul).
template <typename OpTy>
struct RhsTransposeB : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    Value rhs = op.getRhs();
    auto q = rhs.getDefiningOp<qf::QuantizeOp>();
    if (op.getTransposeB() || !q || !q.getResult().hasOneUse())
      return failure();
    if constexpr (std::is_same_v<OpTy, qf::FusedMatmulOp>)
      if (op.getRhs2())
        return failure();
    qf::QTensorType t = q.getResult().getType();
    auto tr = q.getInput().getDefiningOp<linalg::TransposeOp>();
    if (!tr || !q.getInput().hasOneUse() || t.getRank() != 3 ||
        t.getAxis() != 1 || t.getElementBits() == 4 ||
        t.getFormat().getBlockKind() != qf::BlockKind::Fixed ||
        !t.hasStaticShape())
      return failure();
    SmallVector<int64_t> perm(tr.getPermutation());
    std::swap(perm[1], perm[2]);
    ArrayRef<int64_t> shape = t.getShape();
    SmallVector<int64_t> newShape{shape[0], shape[2], shape[1]};
    Location loc = op.getLoc();
    Value empty =
        tensor::EmptyOp::create(rewriter, loc, newShape, rewriter.getF32Type());
    auto tr2 =
        linalg::TransposeOp::create(rewriter, loc, tr.getInput(), empty, perm);
    // Static scales are [B, N, K/block] in both forms (the other dims, then
    // the blocks): the same tensor.
    auto q2 = qf::QuantizeOp::create(rewriter, loc, withShape(t, newShape, 2),
                                     tr2->getResult(0), q.getScales(),
                                     q.getTensorScale());
    rewriter.modifyOpInPlace(op, [&] {
      op.getRhsMutable().assign(q2.getResult());
      op.setTransposeB(true);
    });
    rewriter.eraseOp(q);
    rewriter.eraseOp(tr);
    return success();
  }
};

/// What RhsTransposeResult replaces: the rhs quantize of a contraction, the
/// projection it quantizes and the data movement between.
struct TransposedRhsPlan {
  qf::QuantizeOp q;
  tensor::PadOp pad;
  linalg::TransposeOp tr;
  tensor::ExpandShapeOp ex;
  qf::MatmulOp mm;             ///< the projection, or
  qf::FusedMatmulOp fm;        ///< one with an f32 epilogue (torch's bias add)
  SmallVector<AffineMap> maps; ///< fm's epilogue maps, transposed
  Value lhs() { return mm ? mm.getLhs() : fm.getLhs(); }
  Value rhs() { return mm ? mm.getRhs() : fm.getRhs(); }
  bool transposeB() { return mm ? mm.getTransposeB() : fm.getTransposeB(); }
  Operation *product() { return mm ? mm.getOperation() : fm.getOperation(); }
};

/// Whether `fm` (f32 result, one product, rows along M) can write its
/// result transposed: its body has no row reduction (those run along N)
/// and every epilogue map, read in the transposed row space, is still a
/// broadcast (a bias over N becomes one value per result row). Fills
/// `maps` with those maps.
bool transposableEpilogue(qf::FusedMatmulOp fm, SmallVector<AffineMap> &maps) {
  if (!isF32Tensor(fm.getResult().getType()) || fm.getRhs2() ||
      fm.getTransposeResult() ||
      !fm.getBody().front().getOps<qf::RowReduceOp>().empty() ||
      fm.getRowShape().size() != 2)
    return false;
  MLIRContext *ctx = fm.getContext();
  AffineMap swap = AffineMap::getPermutationMap(ArrayRef<unsigned>{1, 0}, ctx);
  for (unsigned i = 0; i < fm.getEpilogue().size(); ++i) {
    AffineMap m = fm.getEpilogueMap(i).compose(swap);
    if (!isBroadcastMap(m))
      return false;
    maps.push_back(m);
  }
  return true;
}

/// Whether `rhs` (of a contraction without transpose_b) is
/// quantize(pad?(transpose(expand_shape(mm), [1, 0, 2]))) : [B, K, N]
/// blocked along K (or quantize(pad?(mm)) : [K, N] in rank 2), every
/// intermediate used once, the pad only along K with +0.0.
bool matchTransposedRhs(Value rhs, TransposedRhsPlan &p) {
  p.q = rhs.getDefiningOp<qf::QuantizeOp>();
  if (!p.q || !rhs.hasOneUse())
    return false;
  qf::QTensorType t = p.q.getResult().getType();
  int64_t r = t.getRank();
  if ((r != 2 && r != 3) || t.getAxis() != r - 2 || !t.hasStaticShape() ||
      t.getElementBits() == 4 || !t.getExpressedType().isF32() ||
      t.getFormat().getBlockKind() != qf::BlockKind::Fixed)
    return false;
  // K holds whole blocks (in whole bytes): the reshape of the result and
  // the transpose_b form read them as rows.
  int64_t k = t.getShape()[r - 2], bs = t.getFormat().getBlockSize();
  if (k % bs != 0 || (k * t.getElementBits()) % 8 != 0)
    return false;
  Value v = p.q.getInput();
  if ((p.pad = v.getDefiningOp<tensor::PadOp>())) {
    if (!v.hasOneUse() || !whyNotZeroPad(p.pad, r - 2).empty())
      return false;
    v = p.pad.getSource();
  }
  if (r == 3) {
    p.tr = v.getDefiningOp<linalg::TransposeOp>();
    if (!p.tr || !v.hasOneUse() ||
        p.tr.getPermutation() != ArrayRef<int64_t>{1, 0, 2})
      return false;
    v = p.tr.getInput();
    p.ex = v.getDefiningOp<tensor::ExpandShapeOp>();
    if (!p.ex || !v.hasOneUse() || p.ex.getSrcType().getRank() != 2 ||
        p.ex.getReassociationIndices() !=
            SmallVector<ReassociationIndices>{{0}, {1, 2}})
      return false;
    v = p.ex.getSrc();
  }
  p.mm = v.getDefiningOp<qf::MatmulOp>();
  p.fm = v.getDefiningOp<qf::FusedMatmulOp>();
  if ((!p.mm && !(p.fm && transposableEpilogue(p.fm, p.maps))) ||
      !v.hasOneUse())
    return false;
  auto mt = cast<RankedTensorType>(p.product()->getResult(0).getType());
  if (mt.getRank() != 2 || !mt.hasStaticShape())
    return false;
  // The product [M, B*N]; the quantized tensor [B, K, N] (or [K, N]).
  ArrayRef<int64_t> s = t.getShape();
  int64_t m = mt.getShape()[0], nf = mt.getShape()[1];
  int64_t b = r == 3 ? s[0] : 1, n = s[r - 1];
  return m <= k && nf == b * n;
}

/// contraction(%p, quantize(pad?(transpose(expand_shape(qf.matmul))))) with
/// the rhs [B, K, N] blocked along K (attention's V, [h, s, d] blocked
/// along s) -> the projection becomes a qf.fused_matmul with
/// transpose_result ([B*N, K], blocked along K, padded K with zeros), a
/// qf.reshape to [B, N, K], and the contraction reads it with transpose_b.
/// Every block is the same set of elements (the padding zeros included),
/// so the codes are the same; each output of the contraction is the same
/// dot product in the same order (as RhsTransposeB; not for 4-bit rhs).
/// The f32 projection and its data movement never reach memory.
template <typename OpTy>
struct RhsTransposeResult : TargetPattern<OpTy> {
  RhsTransposeResult(MLIRContext *ctx, const qf::TargetInfo &target)
      : TargetPattern<OpTy>(ctx, target, /*benefit=*/2) {}
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    if (op.getTransposeB())
      return failure();
    if constexpr (std::is_same_v<OpTy, qf::FusedMatmulOp>)
      if (op.getRhs2())
        return failure();
    TransposedRhsPlan p;
    if (!matchTransposedRhs(op.getRhs(), p))
      return failure();
    qf::QTensorType t = p.q.getResult().getType();
    ArrayRef<int64_t> s = t.getShape();
    int64_t r = t.getRank();
    int64_t k = s[r - 2], n = s[r - 1];
    int64_t nf = cast<RankedTensorType>(p.product()->getResult(0).getType())
                     .getShape()[1];
    qf::QTensorType ft = withShape(t, {nf, k}, 1);
    Value scales = p.q.getScales();
    if (!epilogueEncodable(this->target, ft) ||
        (scales && !cast<RankedTensorType>(scales.getType()).hasStaticShape()))
      return failure();
    Location loc = op.getLoc();
    // Static scales [B, N, K/block] (the other dims, then the blocks) are
    // those of [B*N, K] in the same order.
    if (scales && r == 3)
      scales = tensor::CollapseShapeOp::create(
          rewriter, loc, scales,
          SmallVector<ReassociationIndices>{{0, 1}, {2}});
    ValueRange epilogue = p.fm ? p.fm.getEpilogue() : ValueRange{};
    auto f = qf::FusedMatmulOp::create(
        rewriter, p.product()->getLoc(), ft, p.lhs(), p.rhs(),
        /*rhs2=*/Value(), epilogue, scales, p.q.getTensorScale(),
        p.transposeB(), /*transpose_result=*/true,
        epilogueMapsAttr(rewriter.getContext(), p.maps));
    if (p.fm) {
      // The same body on each element, now stored transposed.
      rewriter.inlineRegionBefore(p.fm.getBody(), f.getBody(),
                                  f.getBody().end());
    } else {
      Block *body = rewriter.createBlock(&f.getBody(), {},
                                         {rewriter.getF32Type()}, {loc});
      qf::YieldOp::create(rewriter, loc, body->getArgument(0));
    }
    rewriter.setInsertionPointAfter(f);
    Value vt = f.getResult();
    if (r == 3)
      vt = qf::ReshapeOp::create(rewriter, loc, withShape(t, {s[0], n, k}, 2),
                                 vt);
    rewriter.modifyOpInPlace(op, [&] {
      op.getRhsMutable().assign(vt);
      op.setTransposeB(true);
    });
    rewriter.eraseOp(p.q);
    if (p.pad)
      rewriter.eraseOp(p.pad);
    if (p.tr)
      rewriter.eraseOp(p.tr);
    if (p.ex)
      rewriter.eraseOp(p.ex);
    rewriter.eraseOp(p.product());
    return success();
  }
};

} // namespace

void qf::populateQFEpilogueFusionPatterns(RewritePatternSet &patterns,
                                          const TargetInfo &target) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<FuseQuantizeIntoMatmul, FuseMapIntoMatmul,
               QuantizeIntoF32Epilogue, RhsTransposeResult<qf::MatmulOp>,
               RhsTransposeResult<qf::FusedMatmulOp>>(ctx, target);
  patterns.add<FuseSecondProduct, QuantizeBeforeDataMovement,
               RhsTransposeB<qf::MatmulOp>, RhsTransposeB<qf::FusedMatmulOp>>(
      ctx);
}
