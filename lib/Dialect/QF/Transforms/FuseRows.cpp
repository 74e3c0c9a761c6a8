//===- FuseRows.cpp - Row reductions into qf.fused_matmul and qf.map ------===//
//
// Part of qf-fuse-requantize (the file layout is in FusionUtils.h): row
// reductions (linalg.generic reducing the last axis into a constant fill)
// move into fused bodies as qf.row_reduce: the softmax rows of a product
// (attention scores, padded or not) into the product's qf.fused_matmul, the
// RMSNorm / LayerNorm statistics into the quantized qf.map that reads them.
//
//===----------------------------------------------------------------------===//
#include "FusionUtils.h"

#include "qf/Dialect/QF/Transforms/Transforms.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace qf::fusion;

namespace {

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

} // namespace

/// Why quantize `q` (of a product's rows, padded or row-reduced) cannot
/// become one qf.fused_matmul, or "" (with `plan` filled in).
std::string qf::fusion::analyzeRows(qf::QuantizeOp q, RowsPlan &plan,
                                    const qf::TargetInfo &target) {
  qf::QTensorType t = q.getResult().getType();
  int64_t rank = t.getRank();
  MLIRContext *ctx = q.getContext();
  if (!t.getExpressedType().isF32() || !t.hasStaticShape() || rank < 2)
    return "the result is not a static f32 !qf.tensor of rank 2 or more";
  if (qf::Support s = epilogueEncodable(target, t); !s)
    return ("the result is not encodable in an epilogue on " +
            target.getName() + ": " + s.why())
        .str();
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
        if (std::string why =
                visit(in->get(), lop.getMatchingIndexingMap(in).compose(map));
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
  if (shape.drop_back() != product.drop_back() || shape.back() < product.back())
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

namespace {

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
                                  {b.getF32Type(), b.getF32Type()}, {loc, loc});
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
struct FuseRowsIntoMatmul : TargetPattern<qf::QuantizeOp> {
  FuseRowsIntoMatmul(MLIRContext *ctx, const qf::TargetInfo &target)
      : TargetPattern(ctx, target, /*benefit=*/2) {}
  LogicalResult matchAndRewrite(qf::QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    RowsPlan plan;
    if (std::string why = analyzeRows(op, plan, target); !why.empty())
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
        rb.leaves, op.getScales(), op.getTensorScale(), plan.mm.getTransposeB(),
        /*transpose_result=*/false,
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

} // namespace

/// Why the row reductions that quantized qf.map `map` reads (RMSNorm's sum
/// of squares, LayerNorm's mean and variance) cannot move into its body as
/// qf.row_reduce, or "" (with `fused` the linalg ops to fold in: row
/// reductions and elementwise ops whose users are all folded in or the
/// map). As FuseRowsIntoMatmul: reductions only read along their rows,
/// constant-fill inits, no intermediate used outside; a chain reading a
/// qf.matmul product is that pattern's (the product's epilogue).
std::string qf::fusion::analyzeMapRows(qf::MapOp map,
                                       llvm::SetVector<Operation *> &fused) {
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
    if (!isBroadcastMap(m) || !(isF32Tensor(v.getType()) ||
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

namespace {

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
    qf::YieldOp::create(
        bb, loc, ValueRange{m.lookup(old.getTerminator()->getOperand(0))});
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
} // namespace

void qf::populateQFRowFusionPatterns(RewritePatternSet &patterns,
                                     const TargetInfo &target,
                                     const QFFusionOptions &options) {
  if (options.elementwise)
    patterns.add<FuseRowsIntoMap>(patterns.getContext());
  if (options.epilogue)
    patterns.add<FuseRowsIntoMatmul>(patterns.getContext(), target);
}
