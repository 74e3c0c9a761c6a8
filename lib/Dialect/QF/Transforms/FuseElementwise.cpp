//===- FuseElementwise.cpp - Elementwise linalg chains into qf.map --------===//
//
// Part of qf-fuse-requantize (the file layout is in FusionUtils.h): a chain
// of elementwise linalg ops that ends in a qf.quantize, or that reads a
// dequantize or a product and ends in f32, becomes one qf.map whose body is
// the chain's scalar ops, so no intermediate f32 tensor reaches memory.
//
//===----------------------------------------------------------------------===//
#include "FusionUtils.h"

#include "qf/Dialect/QF/Transforms/Transforms.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace qf::fusion;

namespace {

/// A fused chain under construction: the leaves (inputs of the qf.map with
/// their maps) and the scalar body built so far.
struct Chain {
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  SmallVector<Operation *> fused; ///< linalg ops absorbed (to erase)
  bool readsQuantized = false;    ///< a qf.dequantize was absorbed
  bool hasMatmulInput = false;
};

class ChainBuilder {
public:
  ChainBuilder(OpBuilder &b, Block *body, Chain &chain)
      : b(b), body(body), chain(chain) {}

  /// Emits the scalar value of `v` at the iteration index mapped by `map`
  /// (from the fused op's iteration space to v's dimensions).
  Value valueOf(Value v, AffineMap map) {
    Operation *def = v.getDefiningOp();
    // Fuse producers used only here (elsewhere they would be computed twice),
    // and the root itself (the fused op replaces all its uses).
    if (def && (v.hasOneUse() || v == root) && isElementwise(def)) {
      auto lop = cast<linalg::LinalgOp>(def);
      Block *src = lop.getBlock();
      IRMapping m;
      for (OpOperand *in : lop.getDpsInputOperands()) {
        AffineMap inMap = lop.getMatchingIndexingMap(in).compose(map);
        m.map(src->getArgument(in->getOperandNumber()),
              valueOf(in->get(), inMap));
      }
      Value y = cloneScalarBody(b, body, src, m);
      chain.fused.push_back(def);
      return y;
    }
    // A dequantized tensor read at the identity is decoded in the kernel.
    if (auto deq = v.getDefiningOp<qf::DequantizeOp>();
        deq && map.isIdentity() &&
        deq.getResult().getType().getElementType().isF32()) {
      chain.readsQuantized = true;
      return leaf(deq.getInput(), map);
    }
    if (v.getDefiningOp<qf::MatmulOp>() && map.isIdentity())
      chain.hasMatmulInput = true;
    return leaf(v, map);
  }

  Value root; ///< the value the fused op replaces

private:
  Value leaf(Value v, AffineMap map) {
    for (auto [i, in] : llvm::enumerate(chain.inputs))
      if (in == v && chain.maps[i] == map)
        return body->getArgument(i);
    chain.inputs.push_back(v);
    chain.maps.push_back(map);
    return body->addArgument(b.getF32Type(), v.getLoc());
  }

  OpBuilder &b;
  Block *body;
  Chain &chain;
};

/// Builds qf.map(chain of `root`) of result type `resultType`; null (and
/// nothing created) when the chain has no identity-map input, or, with
/// requireQuantizedRead, reads neither a dequantize nor a matmul result.
qf::MapOp buildMap(PatternRewriter &rewriter, Location loc, Operation *root,
                   Type resultType, Value scales, Value tensorScale,
                   Chain &chain, bool requireQuantizedRead = false) {
  auto lop = cast<linalg::LinalgOp>(root);
  int64_t rank = lop.getNumLoops();
  // The body is built in a detached block with a plain builder (the rewriter
  // is told about nothing until the chain is known to fuse).
  auto body = std::make_unique<Block>();
  OpBuilder bb(rewriter.getContext());
  ChainBuilder cb(bb, body.get(), chain);
  cb.root = root->getResult(0);
  Value y = cb.valueOf(root->getResult(0), AffineMap::getMultiDimIdentityMap(
                                               rank, rewriter.getContext()));
  if (y.getParentBlock() != body.get()) // the chain is a plain copy
    return nullptr;
  bb.setInsertionPointToEnd(body.get());
  qf::YieldOp::create(bb, loc, ValueRange{y});
  if (!llvm::any_of(chain.maps, [](AffineMap m) { return m.isIdentity(); }) ||
      (requireQuantizedRead && !chain.readsQuantized && !chain.hasMatmulInput))
    return nullptr;
  SmallVector<Attribute> maps;
  bool allIdentity = true;
  for (AffineMap m : chain.maps) {
    maps.push_back(AffineMapAttr::get(m));
    allIdentity &= m.isIdentity();
  }
  auto op = qf::MapOp::create(
      rewriter, loc, resultType, chain.inputs, scales, tensorScale,
      allIdentity ? ArrayAttr() : rewriter.getArrayAttr(maps));
  op.getBody().push_back(body.release());
  return op;
}

/// Erases the absorbed linalg ops, users before producers (`root` is
/// already replaced).
void eraseFused(PatternRewriter &rewriter, Chain &chain, Operation *root) {
  for (Operation *f : llvm::reverse(chain.fused))
    if (f != root && f->use_empty())
      rewriter.eraseOp(f);
}

/// quantize(elementwise chain) -> qf.map with a quantized result.
struct FuseElementwiseIntoQuantize : OpRewritePattern<qf::QuantizeOp> {
  using Base::Base;
  LogicalResult matchAndRewrite(qf::QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    Value in = op.getInput();
    Operation *def = in.getDefiningOp();
    if (!def || !in.hasOneUse() || !isElementwise(def) ||
        !isa<RankedTensorType>(in.getType()) ||
        !op.getResult().getType().getExpressedType().isF32())
      return failure();
    Chain chain;
    qf::MapOp map =
        buildMap(rewriter, op.getLoc(), def, op.getResult().getType(),
                 op.getScales(), op.getTensorScale(), chain);
    if (!map)
      return failure();
    rewriter.replaceOp(op, map.getResult());
    eraseFused(rewriter, chain, nullptr);
    return success();
  }
};

/// An elementwise chain reading a qf.dequantize or a qf.matmul result and
/// ending in f32 (its result is not itself fused further) -> qf.map with an
/// f32 result (FuseMapIntoMatmul then moves a matmul's into its epilogue:
/// the residual add of an output projection).
struct FuseDequantizeChain : OpInterfaceRewritePattern<linalg::LinalgOp> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;
  LogicalResult matchAndRewrite(linalg::LinalgOp lop,
                                PatternRewriter &rewriter) const override {
    Operation *op = lop;
    if (!isElementwise(op))
      return failure();
    // Ends of chains only: a single user that would absorb this op fuses it.
    Value r = op->getResult(0);
    if (r.hasOneUse()) {
      Operation *user = *r.getUsers().begin();
      if (isElementwise(user) || isa<qf::QuantizeOp>(user))
        return failure();
    }
    // Only worth it (and only fused then) when a dequantize is read, or a
    // matmul result used only here (it then never reaches memory).
    bool readsDequantize = false;
    std::function<void(Operation *)> scan = [&](Operation *o) {
      for (OpOperand *in : cast<linalg::LinalgOp>(o).getDpsInputOperands()) {
        Operation *d = in->get().getDefiningOp();
        if (isa_and_nonnull<qf::DequantizeOp>(d) ||
            (isa_and_nonnull<qf::MatmulOp>(d) && in->get().hasOneUse() &&
             cast<linalg::LinalgOp>(o).getMatchingIndexingMap(in).isIdentity()))
          readsDequantize = true;
        else if (d && in->get().hasOneUse() && isElementwise(d))
          scan(d);
      }
    };
    scan(op);
    if (!readsDequantize)
      return failure();
    Chain chain;
    qf::MapOp map = buildMap(rewriter, op->getLoc(), op, r.getType(), Value(),
                             Value(), chain, /*requireQuantizedRead=*/true);
    if (!map)
      return failure();
    rewriter.replaceOp(op, map.getResult());
    eraseFused(rewriter, chain, op);
    return success();
  }
};

} // namespace

void qf::populateQFElementwiseFusionPatterns(RewritePatternSet &patterns,
                                             bool f32Chains) {
  patterns.add<FuseElementwiseIntoQuantize>(patterns.getContext());
  if (f32Chains)
    patterns.add<FuseDequantizeChain>(patterns.getContext());
}
