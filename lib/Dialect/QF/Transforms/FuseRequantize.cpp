//===- FuseRequantize.cpp - qf-fuse-requantize: fewer f32 round trips -----===//
#include "qf/Dialect/QF/Transforms/Passes.h"
#include "qf/Dialect/QF/Transforms/Transforms.h"

#include "qf/Numerics/Quantize.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/SmallBitVector.h"

namespace qf {
#define GEN_PASS_DEF_FUSEREQUANTIZEPASS
#include "qf/Dialect/QF/Transforms/Passes.h.inc"
} // namespace qf

using namespace mlir;

namespace {

//===----------------------------------------------------------------------===//
// dequantize -> quantize, requantize chains
//===----------------------------------------------------------------------===//

/// Replaces `op` (producing type `type`) by requantize(q), or by q itself
/// when that is the identity.
void replaceByRequantize(PatternRewriter &rewriter, Operation *op,
                         qf::QTensorType type, Value q) {
  if (q.getType() == type &&
      qf::numerics::requantizeIsIdentity(type.getFormat().toNumerics())) {
    rewriter.replaceOp(op, q);
    return;
  }
  rewriter.replaceOpWithNewOp<qf::RequantizeOp>(op, type, q);
}

/// quantize(dequantize(q) : f32), scales from the data, is requantize(q)
/// by definition.
struct DequantizeQuantize : OpRewritePattern<qf::QuantizeOp> {
  using Base::Base;
  LogicalResult matchAndRewrite(qf::QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto deq = op.getInput().getDefiningOp<qf::DequantizeOp>();
    if (!deq || op.getScales() || op.getTensorScale() ||
        !deq.getResult().getType().getElementType().isF32())
      return failure();
    replaceByRequantize(rewriter, op, op.getResult().getType(), deq.getInput());
    return success();
  }
};

/// requantize(requantize(q : A) : B) : C == requantize(q : A) : C when A -> B
/// is lossless.
struct RequantizeChain : OpRewritePattern<qf::RequantizeOp> {
  using Base::Base;
  LogicalResult matchAndRewrite(qf::RequantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<qf::RequantizeOp>();
    if (!inner)
      return failure();
    qf::QTensorType a = inner.getInput().getType();
    qf::QTensorType b = inner.getResult().getType();
    if (a.getAxis() != b.getAxis() ||
        !qf::numerics::requantizeIsLossless(a.getFormat().toNumerics(),
                                            b.getFormat().toNumerics()))
      return failure();
    replaceByRequantize(rewriter, op, op.getResult().getType(),
                        inner.getInput());
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Elementwise chains
//===----------------------------------------------------------------------===//

/// A map that picks an increasing subset of the dimensions.
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

/// Why the body of a linalg op cannot be cloned into a fused scalar body
/// (elementwise arith/math ops on scalars, constants captured from above,
/// one f32 yielded), or "" when it can.
std::string whyNotScalarBody(Block *body) {
  for (Operation &inner : body->without_terminator()) {
    StringRef ns = inner.getDialect() ? inner.getDialect()->getNamespace() : "";
    bool elementwise = inner.hasTrait<OpTrait::Elementwise>() ||
                       isa<arith::ConstantOp>(inner);
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

/// Clones the ops of the linalg body `src` at the end of `dst` (its
/// arguments already mapped in `m`) and returns the value it yields.
/// Constants captured from above are cloned as well: the fused bodies are
/// isolated from above.
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

/// Why `op` cannot be part of a fused elementwise chain, or "" when it can.
/// Ops that compute nothing (copies, transposes) answer "not elementwise".
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
  return "";
}

bool isElementwise(Operation *op) {
  return op && whyNotElementwise(op).empty();
}

/// Whether an elementwise op computes anything (a copy or transpose body
/// only yields an argument); only those deserve a remark.
bool computes(Operation *op) {
  auto lop = dyn_cast<linalg::LinalgOp>(op);
  return lop && !lop.getBlock()->without_terminator().empty();
}

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
        deq && map.isIdentity() && deq.getResult().getType().getElementType().isF32()) {
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
  Value y = cb.valueOf(root->getResult(0),
                       AffineMap::getMultiDimIdentityMap(rank, rewriter.getContext()));
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
    qf::MapOp map = buildMap(rewriter, op.getLoc(), def, op.getResult().getType(),
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

//===----------------------------------------------------------------------===//
// Matmul epilogues
//===----------------------------------------------------------------------===//

/// Whether a quantized result of a contraction can be encoded in its
/// epilogue: blocks along N, and no tensor amax over the whole result
/// (two-level formats need static scales).
bool epilogueEncodable(qf::QTensorType t, int64_t rank, bool staticScales) {
  qf::FormatAttr f = t.getFormat();
  if (f.hasTensorScale() && !staticScales)
    return false;
  if (f.getBlockKind() == qf::BlockKind::Tensor)
    return staticScales;
  return t.getAxis() == rank - 1;
}

/// The epilogue_maps attribute of `maps`: null when all are identities
/// (the default, printed as nothing).
ArrayAttr epilogueMapsAttr(MLIRContext *ctx, ArrayRef<AffineMap> maps) {
  if (llvm::all_of(maps, [](AffineMap m) { return m.isIdentity(); }))
    return {};
  SmallVector<Attribute> attrs;
  for (AffineMap m : maps)
    attrs.push_back(AffineMapAttr::get(m));
  return ArrayAttr::get(ctx, attrs);
}

qf::FusedMatmulOp buildFusedMatmul(PatternRewriter &rewriter, Location loc,
                                   qf::MatmulOp mm, Type type,
                                   ValueRange epilogue,
                                   ArrayRef<AffineMap> maps, Value scales,
                                   Value tensorScale) {
  return qf::FusedMatmulOp::create(
      rewriter, loc, type, mm.getLhs(), mm.getRhs(), /*rhs2=*/Value(),
      epilogue, scales, tensorScale, mm.getTransposeB(),
      /*transpose_result=*/false,
      epilogueMapsAttr(rewriter.getContext(), maps));
}

/// quantize(matmul) -> fused_matmul with an empty body.
struct FuseQuantizeIntoMatmul : OpRewritePattern<qf::QuantizeOp> {
  using Base::Base;
  LogicalResult matchAndRewrite(qf::QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto mm = op.getInput().getDefiningOp<qf::MatmulOp>();
    qf::QTensorType t = op.getResult().getType();
    if (!mm || !op.getInput().hasOneUse() ||
        !epilogueEncodable(t, t.getRank(), bool(op.getScales())))
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
struct FuseMapIntoMatmul : OpRewritePattern<qf::MapOp> {
  using Base::Base;
  LogicalResult matchAndRewrite(qf::MapOp op,
                                PatternRewriter &rewriter) const override {
    Type t = op.getResult().getType();
    auto qt = dyn_cast<qf::QTensorType>(t);
    if (qt && !epilogueEncodable(qt, qt.getRank(), bool(op.getScales())))
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
    for (auto [i, in] : llvm::enumerate(op.getInputs()))
      if (int64_t(i) != accIdx) {
        epilogue.push_back(in);
        maps.push_back(op.getInputMap(i));
      }
    auto fused = buildFusedMatmul(rewriter, op.getLoc(), mm, t, epilogue,
                                  maps, op.getScales(), op.getTensorScale());
    // Move the body; the accumulator argument goes first.
    Region &region = fused.getBody();
    rewriter.inlineRegionBefore(op.getBody(), region, region.end());
    Block &body = region.front();
    BlockArgument oldAcc = body.getArgument(accIdx);
    BlockArgument acc = body.insertArgument(0u, rewriter.getF32Type(), op.getLoc());
    rewriter.replaceAllUsesWith(oldAcc, acc);
    body.eraseArgument(accIdx + 1);
    rewriter.replaceOp(op, fused.getResult());
    rewriter.eraseOp(mm);
    return success();
  }
};

/// quantize(fused_matmul with an f32 result, used only here) -> that
/// fused_matmul with the quantized result: the body's values are those the
/// quantize read. A bias epilogue formed as an f32 chain (FuseDequantizeChain)
/// before its quantize was moved next to it (head split) ends here.
struct QuantizeIntoF32Epilogue : OpRewritePattern<qf::QuantizeOp> {
  using Base::Base;
  LogicalResult matchAndRewrite(qf::QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    auto fm = op.getInput().getDefiningOp<qf::FusedMatmulOp>();
    qf::QTensorType t = op.getResult().getType();
    if (!fm || !op.getInput().hasOneUse() ||
        !isF32Tensor(fm.getResult().getType()) ||
        !epilogueEncodable(t, t.getRank(), bool(op.getScales())))
      return failure();
    auto fused = qf::FusedMatmulOp::create(
        rewriter, op.getLoc(), t, fm.getLhs(), fm.getRhs(), fm.getRhs2(),
        fm.getEpilogue(), op.getScales(), op.getTensorScale(),
        fm.getTransposeB(), fm.getTransposeResult(),
        fm.getEpilogueMapsAttr());
    rewriter.inlineRegionBefore(fm.getBody(), fused.getBody(),
                                fused.getBody().end());
    rewriter.replaceOp(op, fused.getResult());
    rewriter.eraseOp(fm);
    return success();
  }
};

ArrayRef<int64_t> shapeOf(Type t) {
  if (auto q = dyn_cast<qf::QTensorType>(t))
    return q.getShape();
  return cast<RankedTensorType>(t).getShape();
}

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
          shapeOf(m.getRhs().getType()) == shapeOf(op.getRhs().getType()) &&
          m.getResult().getType().getShape() ==
              shapeOf(op.getResult().getType())) {
        mm = m;
        idx = i;
        break;
      }
    }
    if (!mm)
      return failure();
    SmallVector<Value> epilogue;
    SmallVector<AffineMap> maps;
    for (auto [i, in] : llvm::enumerate(op.getEpilogue()))
      if (int64_t(i) != idx) {
        epilogue.push_back(in);
        maps.push_back(op.getEpilogueMap(i));
      }
    auto fused = qf::FusedMatmulOp::create(
        rewriter, op.getLoc(), op.getResult().getType(), op.getLhs(),
        op.getRhs(), mm.getRhs(), epilogue, op.getScales(), op.getTensorScale(),
        op.getTransposeB(), /*transpose_result=*/false,
        epilogueMapsAttr(getContext(), maps));
    // Move the body; the second accumulator becomes argument 1.
    Region &region = fused.getBody();
    rewriter.inlineRegionBefore(op.getBody(), region, region.end());
    Block &body = region.front();
    BlockArgument old = body.getArgument(1 + idx);
    BlockArgument acc2 =
        body.insertArgument(1u, rewriter.getF32Type(), op.getLoc());
    rewriter.replaceAllUsesWith(old, acc2);
    body.eraseArgument(2 + idx);
    rewriter.replaceOp(op, fused.getResult());
    rewriter.eraseOp(mm);
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Data movement: quantize before it (head split / merge)
//===----------------------------------------------------------------------===//

/// Whether `t` is blocked along its innermost axis with fixed-size blocks
/// (data movement then moves whole blocks on the storage).
bool innermostBlocks(qf::QTensorType t) {
  return t.getFormat().getBlockKind() == qf::BlockKind::Fixed &&
         t.getAxis() == t.getRank() - 1;
}

qf::QTensorType withShape(qf::QTensorType t, ArrayRef<int64_t> shape,
                          int64_t axis) {
  return qf::QTensorType::get(t.getContext(), shape, t.getExpressedType(),
                              t.getFormat(), axis);
}

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
    int64_t bs = t.getFormat().getBlockSize();
    auto wholeBlocks = [&](int64_t w) {
      return w % bs == 0 && (w * t.getElementBits()) % 8 == 0;
    };
    if (!srcT.hasStaticShape() || !srcT.getElementType().isF32() ||
        !wholeBlocks(srcT.getShape().back()) ||
        !wholeBlocks(t.getShape().back()))
      return failure();
    qf::QTensorType srcQ = withShape(t, srcT.getShape(), srcT.getRank() - 1);
    Value srcScales;
    if (scales) {
      // Blocks keep their flat order: reshape the scales through 1-D.
      auto all = [](int64_t rank) {
        ReassociationIndices r;
        for (int64_t i = 0; i < rank; ++i)
          r.push_back(i);
        return SmallVector<ReassociationIndices>{r};
      };
      auto from = cast<RankedTensorType>(scales.getType());
      RankedTensorType to = srcQ.getScalesType();
      srcScales = scales;
      if (from.getRank() != 1)
        srcScales = tensor::CollapseShapeOp::create(rewriter, loc, srcScales,
                                                    all(from.getRank()));
      if (to.getRank() != 1)
        srcScales = tensor::ExpandShapeOp::create(rewriter, loc, to, srcScales,
                                                  all(to.getRank()));
    }
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

//===----------------------------------------------------------------------===//
// Row reductions and padding in the epilogue (attention scores, V)
//===----------------------------------------------------------------------===//

/// The identity minus its last result: how a reduction over the last axis
/// ([..., M]) is read from the rows' iteration space ([..., M, N]).
AffineMap dropLastMap(int64_t rank, MLIRContext *ctx) {
  return AffineMap::getMultiDimIdentityMap(rank, ctx).getMajorSubMap(rank - 1);
}

/// Whether `v` is the f32 constant +0.0 (not -0.0: its codes differ in the
/// sign, and the fused result pads with +0.0).
bool isPositiveZero(Value v) {
  FloatAttr f;
  return v && matchPattern(v, m_Constant(&f)) && f.getType().isF32() &&
         f.getValue().isPosZero();
}

/// Why `pad` cannot be folded into a fused result padded along `axis`
/// (static, only high padding, only along `axis`, +0.0), or "".
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

/// The f32 constant a row reduction starts from: the value of a linalg.fill
/// of an arith.constant, or of a splat arith.constant tensor.
FloatAttr constantInit(Value init) {
  if (auto fill = init.getDefiningOp<linalg::FillOp>()) {
    FloatAttr f;
    if (matchPattern(fill.getInputs()[0], m_Constant(&f)) &&
        f.getType().isF32())
      return f;
    return {};
  }
  DenseElementsAttr dense;
  if (matchPattern(init, m_Constant(&dense)) && dense.isSplat() &&
      dense.getElementType().isF32())
    return dense.getSplatValue<FloatAttr>();
  return {};
}

/// Why `op` is not a reduction of one tensor over its last axis into a
/// constant-initialized f32 accumulator (with a scalar body that reads the
/// accumulator), or "". On success `init` is the start value.
std::string whyNotRowReduction(Operation *op, FloatAttr &init) {
  auto g = dyn_cast<linalg::GenericOp>(op);
  if (!g)
    return "not a linalg.generic";
  if (!g.hasPureTensorSemantics() || g.getNumDpsInputs() != 1 ||
      g.getNumDpsInits() != 1 || op->getNumResults() != 1 ||
      !isF32Tensor(op->getResult(0).getType()))
    return "not a reduction of one tensor into one f32 tensor";
  int64_t rank = g.getNumLoops();
  SmallVector<utils::IteratorType> it = g.getIteratorTypesArray();
  for (int64_t d = 0; d < rank; ++d)
    if ((it[d] == utils::IteratorType::reduction) != (d == rank - 1))
      return "it does not reduce exactly the last axis";
  OpOperand *in = g.getDpsInputOperand(0);
  if (!isF32Tensor(in->get().getType()) ||
      !g.getMatchingIndexingMap(in).isIdentity())
    return "its input is not read at the identity";
  if (g.getIndexingMapMatchingResult(op->getResult(0)) !=
      dropLastMap(rank, op->getContext()))
    return "its result is not the rows' reduction";
  Block *body = g.getBlock();
  if (body->getArgument(1).use_empty())
    return "its body does not read the accumulator";
  if (std::string why = whyNotScalarBody(body); !why.empty())
    return why;
  init = constantInit(g.getDpsInitOperand(0)->get());
  if (!init)
    return "its init is not a constant fill";
  return "";
}

bool isRowReduction(Operation *op) {
  FloatAttr init;
  return op && whyNotRowReduction(op, init).empty();
}

/// What FuseRowsIntoMatmul folds into one fused_matmul: the product, the
/// linalg ops computing the quantized tensor from it, the optional pad.
struct RowsPlan {
  qf::MatmulOp mm;
  tensor::PadOp pad;
  llvm::SetVector<Operation *> fused; ///< elementwise ops and row reductions
  bool hasReduction = false;
};

/// Whether `v` is computed, through elementwise ops and row reductions,
/// from a qf.matmul product.
bool readsProduct(Value v) {
  Operation *def = v.getDefiningOp();
  if (isa_and_nonnull<qf::MatmulOp>(def))
    return true;
  if (!def || !(isElementwise(def) || isRowReduction(def)))
    return false;
  return llvm::any_of(cast<linalg::LinalgOp>(def).getDpsInputOperands(),
                      [](OpOperand *in) { return readsProduct(in->get()); });
}

/// Why quantize `q` (of a product's rows, padded or row-reduced) cannot
/// become one qf.fused_matmul, or "" (with `plan` filled in).
std::string analyzeRows(qf::QuantizeOp q, RowsPlan &plan) {
  qf::QTensorType t = q.getResult().getType();
  int64_t rank = t.getRank();
  MLIRContext *ctx = q.getContext();
  if (!t.getExpressedType().isF32() || !t.hasStaticShape() || rank < 2)
    return "the result is not a static f32 !qf.tensor of rank 2 or more";
  if (!epilogueEncodable(t, rank, bool(q.getScales())))
    return "the result is not encodable in an epilogue (blocks along the "
           "last axis; tensor-scale formats need static scales)";
  Value x = q.getInput();
  if ((plan.pad = x.getDefiningOp<tensor::PadOp>())) {
    if (std::string why = whyNotZeroPad(plan.pad, rank - 1); !why.empty())
      return why;
    if (!x.hasOneUse())
      return "the padded tensor has other users";
    x = plan.pad.getSource();
  }
  // Walk the producers: elementwise ops at broadcast maps, row reductions
  // read along the rows, one product at the identity, other leaves at the
  // identity (epilogue inputs, checked once the product's shape is known).
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
  AffineMap rows = dropLastMap(rank, ctx);
  SmallVector<std::pair<Value, AffineMap>> leaves;
  DenseSet<std::pair<Value, AffineMap>> seen;
  std::function<std::string(Value, AffineMap)> visit =
      [&](Value v, AffineMap map) -> std::string {
    if (!seen.insert({v, map}).second)
      return "";
    Operation *def = v.getDefiningOp();
    if (auto mm = dyn_cast_or_null<qf::MatmulOp>(def);
        mm && map == id && (!plan.mm || plan.mm == mm)) {
      plan.mm = mm;
      return "";
    }
    // Elementwise ops computed from the product fuse; the others (torch's
    // attention mask, computed once from the model input and shared by
    // the layers) are leaves.
    if (def && isElementwise(def) && readsProduct(v)) {
      plan.fused.insert(def);
      auto lop = cast<linalg::LinalgOp>(def);
      for (OpOperand *in : lop.getDpsInputOperands())
        if (std::string why = visit(
                in->get(), lop.getMatchingIndexingMap(in).compose(map));
            !why.empty())
          return why;
      return "";
    }
    FloatAttr init;
    if (def && isRowReduction(def)) {
      if (map != rows)
        return "a row reduction is read other than along its rows";
      plan.fused.insert(def);
      plan.hasReduction = true;
      return visit(def->getOperand(0), id);
    }
    if (def && isa<linalg::GenericOp>(def) &&
        cast<linalg::LinalgOp>(def).getNumReductionLoops() != 0) {
      std::string why = whyNotRowReduction(def, init);
      return "a reduction is not fused: " + why;
    }
    // Other f32 leaves become epilogue inputs read at their (broadcast)
    // map: a tensor of the product's shape, or a bias / mask along some of
    // its dims.
    if (!isBroadcastMap(map) || !isF32Tensor(v.getType()))
      return "an input is neither the product nor an f32 tensor read at a "
             "broadcast of its shape";
    leaves.push_back({v, map});
    return "";
  };
  if (std::string why = visit(x, id); !why.empty())
    return why;
  if (!plan.mm)
    return "no qf.matmul product is read at the full shape";
  if (!plan.pad && !plan.hasReduction)
    return "neither a pad nor a row reduction (the plain epilogue patterns "
           "apply)";
  ArrayRef<int64_t> product = plan.mm.getResult().getType().getShape();
  if (int64_t(product.size()) != rank ||
      !plan.mm.getResult().getType().hasStaticShape())
    return "the product is not static";
  for (auto [leaf, map] : leaves) {
    SmallVector<int64_t> want;
    for (unsigned k = 0; k < map.getNumResults(); ++k)
      want.push_back(product[map.getDimPosition(k)]);
    if (cast<RankedTensorType>(leaf.getType()).getShape() != ArrayRef(want))
      return "an input is neither the product nor an f32 tensor of its shape";
  }
  if (cast<RankedTensorType>(x.getType()).getShape() != product)
    return "the quantized tensor does not have the product's shape";
  ArrayRef<int64_t> shape = t.getShape();
  if (shape.drop_back() != product.drop_back() ||
      shape.back() < product.back())
    return "the result is not the product padded along its last axis";
  // Everything folded away must have no user left outside.
  auto inside = [&](Operation *user) {
    return plan.fused.contains(user) || user == q ||
           (plan.pad && user == plan.pad);
  };
  for (Operation *op : plan.fused)
    if (!llvm::all_of(op->getUsers(), inside))
      return "an intermediate tensor has a user outside the fused ops";
  if (!llvm::all_of(plan.mm->getUsers(), inside))
    return "the product has a user outside the fused ops";
  return "";
}

/// Builds a body with row reductions from the linalg ops `fused`: each
/// tensor value (at each map) computed once, row reductions become
/// qf.row_reduce, other values leaves (epilogue or map inputs). For a
/// fused_matmul, `product` (a RowsPlan's) is the accumulator (argument 0);
/// for a qf.map it is null.
class RowBodyBuilder {
public:
  RowBodyBuilder(OpBuilder &b, Block *body,
                 const llvm::SetVector<Operation *> &fused, Value product,
                 int64_t rank)
      : b(b), body(body), fused(fused), product(product),
        id(AffineMap::getMultiDimIdentityMap(rank, b.getContext())) {}

  SmallVector<Value> leaves;
  SmallVector<AffineMap> leafMaps;

  Value valueOf(Value v, AffineMap map) {
    auto key = std::make_pair(v, map);
    if (auto it = memo.find(key); it != memo.end())
      return it->second;
    Value y = compute(v, map);
    memo[key] = y;
    return y;
  }

private:
  Value compute(Value v, AffineMap map) {
    if (product && v == product && map == id)
      return body->getArgument(0);
    Operation *def = v.getDefiningOp();
    if (!def || !fused.contains(def)) {
      leaves.push_back(v);
      leafMaps.push_back(map);
      return body->addArgument(b.getF32Type(), v.getLoc());
    }
    auto lop = cast<linalg::LinalgOp>(def);
    Block *src = lop.getBlock();
    FloatAttr init;
    if (whyNotRowReduction(def, init).empty()) {
      // The reduction of the row of its input: the input's scalar at the
      // current element, combined over the row by a clone of the body
      // (element -> in, accumulator -> out).
      Value x = valueOf(def->getOperand(0), id);
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToEnd(body);
      Location loc = def->getLoc();
      Value c = arith::ConstantOp::create(b, loc, init);
      auto rr = qf::RowReduceOp::create(b, loc, b.getF32Type(), x, c);
      Block *comb = b.createBlock(&rr.getCombiner(), {},
                                  {b.getF32Type(), b.getF32Type()},
                                  {loc, loc});
      IRMapping m;
      m.map(src->getArgument(0), comb->getArgument(0));
      m.map(src->getArgument(1), comb->getArgument(1));
      Value r = cloneScalarBody(b, comb, src, m);
      b.setInsertionPointToEnd(comb);
      qf::YieldOp::create(b, loc, ValueRange{r});
      return rr.getResult();
    }
    IRMapping m;
    for (OpOperand *in : lop.getDpsInputOperands())
      m.map(src->getArgument(in->getOperandNumber()),
            valueOf(in->get(), lop.getMatchingIndexingMap(in).compose(map)));
    return cloneScalarBody(b, body, src, m);
  }

  OpBuilder &b;
  Block *body;
  const llvm::SetVector<Operation *> &fused;
  Value product;
  AffineMap id;
  DenseMap<std::pair<Value, AffineMap>, Value> memo;
};

/// Erases the ops of `ops` once they have no user left, users before
/// producers (their order is not known).
void eraseUnused(PatternRewriter &rewriter, SmallVector<Operation *> ops) {
  for (bool progress = true; progress;) {
    progress = false;
    for (Operation *&f : ops)
      if (f && f->use_empty()) {
        rewriter.eraseOp(f);
        f = nullptr;
        progress = true;
      }
  }
}

/// quantize(pad?(f(qf.matmul))) with f made of elementwise ops and
/// reductions over the last axis (a row softmax), the pad only along the
/// last axis with +0.0 -> one qf.fused_matmul: the row reductions become
/// qf.row_reduce in its body, the pad its longer result. Each value is the
/// same scalar ops on the same operands in the same order, so the codes are
/// those of the unfused program; the scores never reach memory as f32.
/// Tried before the plain elementwise/epilogue patterns, and only when
/// there is a pad or a row reduction (those handle the rest).
struct FuseRowsIntoMatmul : OpRewritePattern<qf::QuantizeOp> {
  FuseRowsIntoMatmul(MLIRContext *ctx)
      : OpRewritePattern<qf::QuantizeOp>(ctx, /*benefit=*/2) {}
  LogicalResult matchAndRewrite(qf::QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    RowsPlan plan;
    if (std::string why = analyzeRows(op, plan); !why.empty())
      return rewriter.notifyMatchFailure(op, why);
    qf::QTensorType t = op.getResult().getType();
    Location loc = op.getLoc();
    auto body = std::make_unique<Block>();
    body->addArgument(rewriter.getF32Type(), plan.mm.getLoc());
    OpBuilder bb(rewriter.getContext());
    RowBodyBuilder rb(bb, body.get(), plan.fused, plan.mm.getResult(),
                      t.getRank());
    Value x = plan.pad ? plan.pad.getSource() : op.getInput();
    Value y = rb.valueOf(
        x, AffineMap::getMultiDimIdentityMap(t.getRank(), getContext()));
    bb.setInsertionPointToEnd(body.get());
    qf::YieldOp::create(bb, loc, ValueRange{y});
    auto fused = qf::FusedMatmulOp::create(
        rewriter, loc, t, plan.mm.getLhs(), plan.mm.getRhs(), /*rhs2=*/Value(),
        rb.leaves, op.getScales(), op.getTensorScale(),
        plan.mm.getTransposeB(), /*transpose_result=*/false,
        epilogueMapsAttr(getContext(), rb.leafMaps));
    fused.getBody().push_back(body.release());
    rewriter.replaceOp(op, fused.getResult());
    if (plan.pad)
      rewriter.eraseOp(plan.pad);
    SmallVector<Operation *> left(plan.fused.begin(), plan.fused.end());
    left.push_back(plan.mm);
    eraseUnused(rewriter, left);
    return success();
  }
};

/// Why the row reductions that quantized qf.map `map` reads (RMSNorm's sum
/// of squares, LayerNorm's mean and variance) cannot move into its body as
/// qf.row_reduce, or "" (with `fused` the linalg ops to fold in: row
/// reductions and elementwise ops whose users are all folded in or the
/// map). As FuseRowsIntoMatmul: reductions only read along their rows,
/// constant-fill inits, no intermediate used outside; a chain reading a
/// qf.matmul product is that pattern's (the product's epilogue).
std::string analyzeMapRows(qf::MapOp map, llvm::SetVector<Operation *> &fused) {
  auto qt = dyn_cast<qf::QTensorType>(map.getResult().getType());
  if (!qt)
    return "the result is not quantized";
  int64_t rank = qt.getRank();
  if (rank < 1 || ShapedType::isDynamic(qt.getShape().back()))
    return "the result's last axis (the row) is not static";
  // Fold in what is used only by the map or by ops folded in, until
  // nothing changes (an op's users may be found after the op).
  auto eligible = [](Operation *op) {
    return isElementwise(op) || isRowReduction(op);
  };
  auto inside = [&](Operation *u) { return u == map || fused.contains(u); };
  for (bool changed = true; changed;) {
    changed = false;
    SmallVector<Value> frontier(map.getInputs());
    for (Operation *op : fused)
      for (OpOperand *in : cast<linalg::LinalgOp>(op).getDpsInputOperands())
        frontier.push_back(in->get());
    for (Value v : frontier) {
      Operation *def = v.getDefiningOp();
      if (def && !fused.contains(def) && eligible(def) &&
          llvm::all_of(def->getUsers(), inside)) {
        fused.insert(def);
        changed = true;
      }
    }
  }
  // Walk the values as the body will compute them.
  MLIRContext *ctx = map.getContext();
  AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
  AffineMap rows = dropLastMap(rank, ctx);
  bool hasReduction = false;
  DenseSet<std::pair<Value, AffineMap>> seen;
  std::function<std::string(Value, AffineMap)> visit =
      [&](Value v, AffineMap m) -> std::string {
    if (!seen.insert({v, m}).second)
      return "";
    Operation *def = v.getDefiningOp();
    if (def && fused.contains(def)) {
      if (isRowReduction(def)) {
        if (m != rows)
          return "a row reduction is read other than along its rows";
        hasReduction = true;
        return visit(def->getOperand(0), id);
      }
      auto lop = cast<linalg::LinalgOp>(def);
      for (OpOperand *in : lop.getDpsInputOperands())
        if (std::string why =
                visit(in->get(), lop.getMatchingIndexingMap(in).compose(m));
            !why.empty())
          return why;
      return "";
    }
    // A leaf: a map input.
    if (isa_and_nonnull<qf::MatmulOp>(def))
      return "it reads a qf.matmul product (its epilogue takes the rows)";
    if (auto g = dyn_cast_or_null<linalg::GenericOp>(def);
        g && g.getNumReductionLoops() != 0) {
      FloatAttr init;
      std::string why = whyNotRowReduction(def, init);
      if (why.empty())
        why = "its result has a user outside the fused ops";
      return "a reduction is not fused: " + why;
    }
    if (!isBroadcastMap(m) ||
        !(isF32Tensor(v.getType()) ||
          (isa<qf::QTensorType>(v.getType()) && m == id)))
      return "an input is not a tensor read at a broadcast of the result";
    return "";
  };
  for (auto [i, in] : llvm::enumerate(map.getInputs()))
    if (std::string why = visit(in, map.getInputMap(i)); !why.empty())
      return why;
  if (!hasReduction)
    return "it reads no row reduction";
  return "";
}

/// quantized qf.map reading row reductions of a tensor it also reads (the
/// map FuseElementwiseIntoQuantize built of an RMSNorm or a LayerNorm) ->
/// one qf.map with the reductions as qf.row_reduce in its body, so the CPU
/// kernel reads each row once and no f32 tensor of reduced values (or of
/// x - mean) reaches memory. Each value is the same scalar ops on the same
/// operands in the same order, so the codes are those of the unfused
/// program. Not for products (FuseRowsIntoMatmul).
struct FuseRowsIntoMap : OpRewritePattern<qf::MapOp> {
  using Base::Base;
  LogicalResult matchAndRewrite(qf::MapOp op,
                                PatternRewriter &rewriter) const override {
    llvm::SetVector<Operation *> fused;
    if (std::string why = analyzeMapRows(op, fused); !why.empty())
      return rewriter.notifyMatchFailure(op, why);
    int64_t rank = op.getRank();
    Location loc = op.getLoc();
    auto body = std::make_unique<Block>();
    OpBuilder bb(rewriter.getContext());
    RowBodyBuilder rb(bb, body.get(), fused, Value(), rank);
    Block &old = op.getBody().front();
    IRMapping m;
    for (auto [i, in] : llvm::enumerate(op.getInputs()))
      m.map(old.getArgument(i), rb.valueOf(in, op.getInputMap(i)));
    bb.setInsertionPointToEnd(body.get());
    for (Operation &o : old.without_terminator())
      bb.clone(o, m);
    qf::YieldOp::create(bb, loc,
                        ValueRange{m.lookup(old.getTerminator()->getOperand(0))});
    // A dequantized leaf read at the identity is decoded in the kernel; it
    // may then be an input already (the map read the codes, the reduction
    // the dequantized tensor): one argument for both.
    SmallVector<Value> inputs;
    SmallVector<Attribute> maps;
    bool allIdentity = true, anyIdentity = false;
    Block *nb = body.get();
    for (unsigned i = 0, arg = 0; i < rb.leaves.size(); ++i) {
      Value v = rb.leaves[i];
      AffineMap map = rb.leafMaps[i];
      auto deq = v.getDefiningOp<qf::DequantizeOp>();
      if (deq && map.isIdentity() &&
          deq.getResult().getType().getElementType().isF32())
        v = deq.getInput();
      int64_t same = -1;
      for (size_t j = 0; j < inputs.size() && same < 0; ++j)
        if (inputs[j] == v && cast<AffineMapAttr>(maps[j]).getValue() == map)
          same = j;
      if (same >= 0) {
        nb->getArgument(arg).replaceAllUsesWith(nb->getArgument(same));
        nb->eraseArgument(arg);
        continue;
      }
      inputs.push_back(v);
      maps.push_back(AffineMapAttr::get(map));
      allIdentity &= map.isIdentity();
      anyIdentity |= map.isIdentity();
      ++arg;
    }
    if (!anyIdentity)
      return rewriter.notifyMatchFailure(op, "no input is read at the full "
                                             "shape");
    auto fusedMap = qf::MapOp::create(
        rewriter, loc, op.getResult().getType(), inputs, op.getScales(),
        op.getTensorScale(),
        allIdentity ? ArrayAttr() : rewriter.getArrayAttr(maps));
    fusedMap.getBody().push_back(body.release());
    rewriter.replaceOp(op, fusedMap.getResult());
    eraseUnused(rewriter, SmallVector<Operation *>(fused.begin(), fused.end()));
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
  qf::MatmulOp mm;      ///< the projection, or
  qf::FusedMatmulOp fm; ///< one with an f32 epilogue (torch's bias add)
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
struct RhsTransposeResult : OpRewritePattern<OpTy> {
  RhsTransposeResult(MLIRContext *ctx)
      : OpRewritePattern<OpTy>(ctx, /*benefit=*/2) {}
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
    int64_t nf =
        cast<RankedTensorType>(p.product()->getResult(0).getType())
            .getShape()[1];
    qf::QTensorType ft = withShape(t, {nf, k}, 1);
    Value scales = p.q.getScales();
    if (!epilogueEncodable(ft, 2, bool(scales)) ||
        (scales && !cast<RankedTensorType>(scales.getType()).hasStaticShape()))
      return failure();
    Location loc = op.getLoc();
    // Static scales [B, N, K/block] (the other dims, then the blocks) are
    // those of [B*N, K] in the same order.
    if (scales && r == 3)
      scales = tensor::CollapseShapeOp::create(
          rewriter, loc, scales, SmallVector<ReassociationIndices>{{0, 1}, {2}});
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

//===----------------------------------------------------------------------===//
// Frontend IR normalization (torch-mlir style)
//===----------------------------------------------------------------------===//
//
// torch-mlir writes transposes and copies as linalg.generic copies, keeps a
// leading unit batch dim on every activation ([1, s, d], [1, h, s, s]) and
// reads unit dims at constant 0. The fusion patterns below expect the forms
// our generator writes (linalg.transpose, rank-2 projections, row-wise
// chains on the product's shape), so the pass first rewrites to those: each
// rewrite moves or renames data only (no arithmetic changes), so the codes
// stay those of the unfused program.

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
    Value empty = tensor::EmptyOp::create(rewriter, g.getLoc(),
                                          outT.getShape(),
                                          outT.getElementType());
    rewriter.replaceOp(g, linalg::TransposeOp::create(rewriter, g.getLoc(), in,
                                                      empty, perm)
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
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(tr, outT, x,
                                                       *outGroups);
    return success();
  }
};

/// `v` reshaped to `to` through its flat order (a collapse to 1-D, then an
/// expand), or `v` when the types are equal.
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

/// qf.matmul of [1, M, K] x [1, K, N] (batch_matmul with a unit batch, the
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
      qf::QTensorType t2 = withShape(t, t.getShape().drop_front(),
                                     t.getAxis() - 1);
      if (auto q = v.getDefiningOp<qf::QuantizeOp>();
          q && isF32Tensor(q.getInput().getType()) &&
          (!q.getScales() || cast<RankedTensorType>(q.getScales().getType())
                                 .hasStaticShape())) {
        if (!build)
          return v;
        Value x = tensor::CollapseShapeOp::create(rewriter, loc,
                                                  q.getInput(), lead);
        Value s = q.getScales();
        if (s) // the flat order of the scales does not change
          s = reshapeFlat(rewriter, loc, s, t2.getScalesType());
        return qf::QuantizeOp::create(rewriter, loc, t2, x, s,
                                      q.getTensorScale())
            .getResult();
      }
      int64_t bs = t.getFormat().getBlockSize();
      int64_t w = t.getShape().back();
      if (!innermostBlocks(t) || w % bs != 0 ||
          (w * t.getElementBits()) % 8 != 0)
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

/// qf.reshape(qf.reshape(x)) -> qf.reshape(x), or x (same blocks in the
/// same flat order either way).
struct ReshapeChain : OpRewritePattern<qf::ReshapeOp> {
  using Base::Base;
  LogicalResult matchAndRewrite(qf::ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getInput().getDefiningOp<qf::ReshapeOp>();
    if (!inner)
      return failure();
    if (inner.getInput().getType() == op.getResult().getType())
      rewriter.replaceOp(op, inner.getInput());
    else
      rewriter.replaceOpWithNewOp<qf::ReshapeOp>(op, op.getResult().getType(),
                                                 inner.getInput());
    return success();
  }
};

/// The normalization of frontend IR (above), then upstream rewrites that
/// also only move data: unit dims folded out of generics (reshapes around
/// them), unused results dropped (torch's max-with-index of the softmax),
/// splat constant operands inlined into bodies (the 1/sqrt(d) divisor),
/// and reshape chains composed.
void populateNormalizationPatterns(RewritePatternSet &patterns) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<CopyGenericToTranspose, TransposeDropUnitDims, DropUnitBatch,
               ReshapeChain>(ctx);
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
  linalg::populateEraseUnusedOperandsAndResultsPatterns(patterns);
  linalg::populateInlineConstantOperandsPatterns(patterns);
  tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, ctx);
  tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, ctx);
  linalg::FillOp::getCanonicalizationPatterns(patterns, ctx);
  tensor::EmptyOp::getCanonicalizationPatterns(patterns, ctx);
}

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

struct FuseRequantizePass final
    : qf::impl::FuseRequantizePassBase<FuseRequantizePass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (epilogue || elementwise) {
      RewritePatternSet norm(&getContext());
      populateNormalizationPatterns(norm);
      if (failed(applyPatternsGreedily(module, std::move(norm))))
        return signalPassFailure();
    }
    qf::eliminateCommonQFOps(module);
    qf::QFFusionOptions options;
    options.elementwise = elementwise;
    options.epilogue = epilogue;
    // First without the f32 chains: a chain that reads a product and ends
    // in f32 would otherwise take the first ops of a row softmax (torch's
    // scale and mask add, used by the max and by the subtraction) before
    // FuseRowsIntoMatmul sees the whole rows from their quantize.
    for (bool f32Chains : {false, true}) {
      options.f32Chains = f32Chains;
      RewritePatternSet patterns(&getContext());
      qf::populateQFFusionPatterns(patterns, options);
      if (failed(applyPatternsGreedily(module, std::move(patterns))))
        return signalPassFailure();
    }
    qf::eliminateCommonQFOps(module);
    if (!remarks)
      return;
    // A quantized qf.map that still reads a reduction (RMSNorm's row sums
    // left as a tensor): say why FuseRowsIntoMap did not take it.
    if (elementwise)
      module.walk([&](qf::MapOp m) {
        if (!isa<qf::QTensorType>(m.getResult().getType()) ||
            llvm::none_of(m.getInputs(), [](Value in) {
              auto lop = in.getDefiningOp<linalg::LinalgOp>();
              return lop && lop.getNumReductionLoops() != 0;
            }))
          return;
        llvm::SetVector<Operation *> fused;
        if (std::string why = analyzeMapRows(m, fused); !why.empty())
          m.emitRemark() << "row reductions not fused into qf.map: " << why;
      });
    module.walk([&](qf::QuantizeOp q) {
      Operation *def = q.getInput().getDefiningOp();
      // A pad of computed rows (a product, or an op computing on one) was
      // meant for a product's epilogue (FuseRowsIntoMatmul): say why not.
      if (auto pad = dyn_cast_or_null<tensor::PadOp>(def)) {
        Operation *src = pad.getSource().getDefiningOp();
        if (!epilogue || !src ||
            !(isa<qf::MatmulOp>(src) ||
              (isa<linalg::LinalgOp>(src) && computes(src))))
          return;
        RowsPlan plan;
        std::string why = analyzeRows(q, plan);
        if (!why.empty())
          q.emitRemark() << "quantize of tensor.pad not fused into an "
                            "epilogue: "
                         << why;
        return;
      }
      if (!elementwise || !def || !isa<linalg::LinalgOp>(def) ||
          !computes(def))
        return;
      auto lop = cast<linalg::LinalgOp>(def);
      if (lop.getNumLoops() != lop.getNumParallelLoops())
        return; // a reduction: nothing a user expects to fuse
      std::string why = whyNotElementwise(def);
      if (why.empty() && !q.getInput().hasOneUse())
        why = "its result has other users (it would be computed twice)";
      if (why.empty())
        why = "no input is read at the full shape";
      q.emitRemark() << "quantize of " << def->getName()
                     << " not fused: " << why;
    });
  }
};

} // namespace

void qf::populateQFFusionPatterns(RewritePatternSet &patterns,
                                  const QFFusionOptions &options) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<DequantizeQuantize, RequantizeChain>(ctx);
  if (options.elementwise)
    patterns.add<FuseElementwiseIntoQuantize, FuseRowsIntoMap>(ctx);
  if (options.elementwise && options.f32Chains)
    patterns.add<FuseDequantizeChain>(ctx);
  if (options.epilogue)
    patterns.add<FuseQuantizeIntoMatmul, FuseMapIntoMatmul,
                 QuantizeIntoF32Epilogue, FuseSecondProduct,
                 QuantizeBeforeDataMovement, RhsTransposeB<qf::MatmulOp>,
                 RhsTransposeB<qf::FusedMatmulOp>, FuseRowsIntoMatmul,
                 RhsTransposeResult<qf::MatmulOp>,
                 RhsTransposeResult<qf::FusedMatmulOp>>(ctx);
}

bool qf::eliminateCommonQFOps(Operation *root) {
  bool changed = false;
  root->walk([&](Block *block) {
    SmallVector<Operation *> seen;
    for (Operation &op : llvm::make_early_inc_range(*block)) {
      if (!isa<qf::QFDialect>(op.getDialect()) || op.getNumRegions() != 0 ||
          !isPure(&op) || op.getNumResults() == 0)
        continue;
      Operation *same = nullptr;
      for (Operation *prev : seen)
        if (OperationEquivalence::isEquivalentTo(
                prev, &op, OperationEquivalence::IgnoreLocations)) {
          same = prev;
          break;
        }
      if (!same) {
        seen.push_back(&op);
        continue;
      }
      op.replaceAllUsesWith(same);
      op.erase();
      changed = true;
    }
  });
  return changed;
}
