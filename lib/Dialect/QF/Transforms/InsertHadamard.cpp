//===- InsertHadamard.cpp - qf-insert-hadamard: rotate quantized matmuls --===//
//
// y = W x = (W Q^T)(Q x) for any orthogonal Q (docs/numerics.md 8). Q is the
// block-diagonal (optionally randomized) normalized Hadamard transform along
// the reduction axis K, the op `qf.hadamard`; a row of W Q^T is Q applied to
// that row of W, so the weight is rotated by exactly the transform the
// activation gets, evaluated by the numerics library at compile time. The
// idea and the gamma folding follow QuaRot (Ashkboos et al. 2024, "QuaRot:
// Outlier-Free 4-Bit Inference in Rotated LLMs") and the randomized
// Hadamard of QuIP# (Tseng et al. 2024).
//
//===----------------------------------------------------------------------===//
#include "qf/Dialect/QF/Transforms/Passes.h"

#include "WeightQuantize.h"

#include "qf/Dialect/QF/IR/ConstantData.h"
#include "qf/Dialect/QF/IR/QF.h"
#include "qf/Numerics/Hadamard.h"
#include "qf/Numerics/Quantize.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SetVector.h"

namespace qf {
#define GEN_PASS_DEF_INSERTHADAMARDPASS
#include "qf/Dialect/QF/Transforms/Passes.h.inc"
} // namespace qf

using namespace mlir;

namespace {

/// One rotation: I (kron) H_block along `axis`, randomized with `seed`.
struct Rotation {
  int64_t axis = 0;
  int64_t block = 0;
  std::optional<int64_t> seed;

  bool sameTransform(const Rotation &o) const {
    return block == o.block && seed == o.seed;
  }
  DictionaryAttr attr(MLIRContext *ctx) const {
    Builder b(ctx);
    SmallVector<NamedAttribute> a = {
        b.getNamedAttr("axis", b.getI64IntegerAttr(axis)),
        b.getNamedAttr("block", b.getI64IntegerAttr(block))};
    if (seed)
      a.push_back(b.getNamedAttr("seed", b.getI64IntegerAttr(*seed)));
    return b.getDictionaryAttr(a);
  }
  Value emit(OpBuilder &b, Location loc, Value x) const {
    return qf::HadamardOp::create(b, loc, x, uint64_t(axis), uint64_t(block),
                                  seed ? b.getI64IntegerAttr(*seed)
                                       : IntegerAttr())
        .getResult();
  }
  void applyTo(std::vector<float> &data, ArrayRef<int64_t> shape) const {
    qf::numerics::hadamardAlongAxis(
        data.data(), std::vector<int64_t>(shape.begin(), shape.end()),
        int(axis), block, seed.has_value(), seed ? uint64_t(*seed) : 0);
  }
};

/// Shape of a float tensor or a !qf.tensor (which is not a ShapedType).
ArrayRef<int64_t> shapeOf(Type t) {
  if (auto q = dyn_cast<qf::QTensorType>(t))
    return q.getShape();
  return cast<RankedTensorType>(t).getShape();
}

/// The f32 data of a weight `qf.quantize %cst` (a constant with data), or
/// nothing.
struct ConstWeight {
  qf::QuantizeOp quantize;
  RankedTensorType constType;
  std::vector<float> data;
};

std::optional<ConstWeight> constWeight(Value v) {
  auto q = v.getDefiningOp<qf::QuantizeOp>();
  if (!q)
    return std::nullopt;
  Attribute attr;
  if (!matchPattern(q.getInput(), m_Constant(&attr)))
    return std::nullopt;
  std::optional<std::vector<float>> data = qf::readFloatElements(attr);
  if (!data)
    return std::nullopt;
  return ConstWeight{q, cast<RankedTensorType>(q.getInput().getType()),
                     std::move(*data)};
}

/// Erases `op` and then its operands' defining ops while they are unused and
/// side-effect free.
void eraseIfDead(Operation *op) {
  SmallVector<Operation *> work = {op};
  while (!work.empty()) {
    Operation *o = work.pop_back_val();
    if (!o || !o->use_empty() || !isMemoryEffectFree(o) ||
        o->getNumRegions() > 0)
      continue;
    SmallVector<Operation *> defs;
    for (Value v : o->getOperands())
      defs.push_back(v.getDefiningOp());
    o->erase();
    for (Operation *d : defs)
      if (d && !llvm::is_contained(work, d))
        work.push_back(d);
  }
}

/// Replaces operand `idx` of `user` (a weight quantize of a constant) by a
/// quantize of `data`; static scales (from the MSE search of
/// qf-quantize-model) are searched again on the new data, since the old ones
/// were chosen for other values. Returns the new quantize.
qf::QuantizeOp replaceWeight(Operation *user, unsigned idx,
                             const ConstWeight &w, ArrayRef<float> data) {
  qf::QuantizeOp q = w.quantize;
  OpBuilder b(q);
  Location loc = q.getLoc();
  Value cst = arith::ConstantOp::create(
      b, q.getInput().getLoc(), qf::makeFloatElements(w.constType, data));
  qf::QTensorType qt = q.getResult().getType();
  qf::QuantizeOp nq = qf::createWeightQuantize(
      b, loc, qt, cst, data, q.getScales() && qt.hasStaticShape());
  nq->setDiscardableAttrs(q->getDiscardableAttrDictionary());
  user->setOperand(idx, nq.getResult());
  eraseIfDead(q);
  return nq;
}

/// r[..] = sum over the last axis of x * x (the RMSNorm row statistic): the
/// same for Q x with Q orthogonal along that axis (||Q x|| = ||x||; a
/// block-diagonal Q keeps every row's norm as well).
bool isRowSumOfSquares(Operation *op, Value x) {
  auto r = dyn_cast_or_null<linalg::GenericOp>(op);
  auto xt = dyn_cast<RankedTensorType>(x.getType());
  if (!r || !xt || r.getNumDpsInputs() != 1 || r.getNumDpsInits() != 1 ||
      r.getNumResults() != 1 || r.getDpsInputOperand(0)->get() != x ||
      int64_t(r.getNumLoops()) != xt.getRank())
    return false;
  int64_t rank = xt.getRank();
  SmallVector<utils::IteratorType> its = r.getIteratorTypesArray();
  for (int64_t d = 0; d < rank; ++d)
    if ((d == rank - 1) != (its[d] == utils::IteratorType::reduction))
      return false;
  SmallVector<AffineMap> maps = r.getIndexingMapsArray();
  if (!maps[0].isIdentity() || maps[1].getNumResults() != rank - 1)
    return false;
  for (int64_t d = 0; d + 1 < rank; ++d)
    if (maps[1].getResult(d) != getAffineDimExpr(d, r.getContext()))
      return false;
  Block &body = r.getRegion().front();
  Value in = body.getArgument(0), acc = body.getArgument(1);
  auto add = body.getTerminator()->getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add)
    return false;
  Value sq = add.getLhs() == acc   ? add.getRhs()
             : add.getRhs() == acc ? add.getLhs()
                                   : Value();
  auto mul = sq ? sq.getDefiningOp<arith::MulFOp>() : arith::MulFOp();
  return mul && mul.getLhs() == in && mul.getRhs() == in;
}

/// How a linalg.generic that reads `x` relates to a rotation of x.
enum class NormKind {
  NotNorm,  ///< no row statistic of x: not a normalization of x
  Commutes, ///< y = x * s(sum of squares of x's row): RMSNorm without gamma
  Scaled,   ///< reads such a statistic but computes something else
};

/// Commutes: y[.., k] = x[.., k] * s where s depends only on row sums of
/// squares of x (RMSNorm without gamma, or with gamma folded), so
/// Q y = norm(Q x) for Q orthogonal along k (QuaRot, Ashkboos et al. 2024).
/// A kept gamma (diag(gamma) does not commute with Q) or a subtracted mean
/// (not rotation-invariant: LayerNorm) is Scaled.
NormKind normKind(linalg::GenericOp g, Value x) {
  auto xt = dyn_cast<RankedTensorType>(x.getType());
  if (!xt || g.getNumDpsInits() != 1 || g.getNumResults() != 1 ||
      g.getNumParallelLoops() != g.getNumLoops() ||
      g.getResult(0).getType() != xt)
    return NormKind::NotNorm;
  int64_t rank = xt.getRank();
  Block &body = g.getRegion().front();
  BlockArgument xArg;
  bool hasStat = false, ok = true;
  SmallVector<BlockArgument> stats;
  for (OpOperand *in : g.getDpsInputOperands()) {
    BlockArgument ba = g.getMatchingBlockArgument(in);
    AffineMap map = g.getMatchingIndexingMap(in);
    if (in->get() == x && map.isIdentity()) {
      if (xArg)
        return NormKind::NotNorm;
      xArg = ba;
      continue;
    }
    if (isRowSumOfSquares(in->get().getDefiningOp(), x)) {
      bool rowMap = map.getNumResults() == rank - 1;
      for (int64_t d = 0; rowMap && d + 1 < rank; ++d)
        rowMap = map.getResult(d) == getAffineDimExpr(d, g.getContext());
      hasStat = true;
      if (rowMap)
        stats.push_back(ba);
      else if (!ba.use_empty())
        ok = false;
      continue;
    }
    // Anything else (gamma, a mean, x itself through another map) must be
    // unused: fold-gamma leaves the gamma input in place.
    if (!ba.use_empty())
      ok = false;
  }
  if (!xArg || !hasStat)
    return NormKind::NotNorm;
  if (!ok || !g.getMatchingBlockArgument(g.getDpsInitOperand(0)).use_empty() ||
      !xArg.hasOneUse())
    return NormKind::Scaled;
  auto mul = body.getTerminator()->getOperand(0).getDefiningOp<arith::MulFOp>();
  if (!mul || (mul.getLhs() != xArg && mul.getRhs() != xArg))
    return NormKind::Scaled;
  // The factor depends on the row statistics only (x's argument has its one
  // use in the multiply, so it cannot appear in the factor).
  Value s = mul.getLhs() == xArg ? mul.getRhs() : mul.getLhs();
  if (s == xArg)
    return NormKind::Scaled;
  return NormKind::Commutes;
}

/// An elementwise a + b with identity maps: linalg.add or a generic whose
/// body is one addf of its two inputs. Q a + Q b = Q (a + b).
bool isResidualAdd(Operation *op) {
  auto lo = dyn_cast_or_null<linalg::LinalgOp>(op);
  if (!lo || !isa<linalg::AddOp, linalg::GenericOp>(op) ||
      lo.getNumDpsInputs() != 2 || lo.getNumDpsInits() != 1 ||
      op->getNumResults() != 1 ||
      lo.getNumParallelLoops() != lo.getNumLoops())
    return false;
  for (AffineMap m : lo.getIndexingMapsArray())
    if (!m.isIdentity())
      return false;
  if (isa<linalg::AddOp>(op))
    return true;
  Block &body = cast<linalg::GenericOp>(op).getRegion().front();
  auto add = body.getTerminator()->getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add || &body.front() != add.getOperation())
    return false;
  Value a = body.getArgument(0), b = body.getArgument(1);
  return (add.getLhs() == a && add.getRhs() == b) ||
         (add.getLhs() == b && add.getRhs() == a);
}

/// Whether the normalized H_n (D13/D14) equals its transpose, so that the
/// stream's exits can undo Q with the same qf.hadamard (Sylvester: yes;
/// the Paley factors of 12 * 2^k and 20 * 2^k: no).
bool isSymmetricHadamard(int64_t n) {
  std::vector<int8_t> h = qf::numerics::hadamardMatrix(n);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < i; ++j)
      if (h[i * n + j] != h[j * n + i])
        return false;
  return true;
}

/// How a weight (rhs) of a matmul is given.
enum class WeightKind {
  Constant,    ///< qf.quantize of a constant with data: rotated at compile time
  F32Constant, ///< an f32 constant with data (an unquantized weight)
  Folded,      ///< qf.constant: the f32 values are gone
  Argument,    ///< qf.unpack of func.func arguments (weights-as-arguments)
  RunTime,     ///< a run-time value (quantized or f32)
  Other,
};

struct InsertHadamardPass final
    : qf::impl::InsertHadamardPassBase<InsertHadamardPass> {
  using Base::Base;

  /// rotate-residual: contractions whose activation already arrives rotated
  /// (read from a normalization of the rotated residual stream), with the
  /// rotation their weight must get.
  DenseMap<Operation *, Rotation> preRotated;

  /// Weight arguments already rotated: (function, packed-codes arg index).
  DenseMap<std::pair<Operation *, unsigned>, Rotation> rotatedArgs;

  WeightKind classify(Value rhs) {
    if (constWeight(rhs))
      return WeightKind::Constant;
    Attribute attr;
    if (isa<RankedTensorType>(rhs.getType()) &&
        matchPattern(rhs, m_Constant(&attr)) && qf::readFloatElements(attr))
      return WeightKind::F32Constant;
    Operation *def = rhs.getDefiningOp();
    if (isa_and_nonnull<qf::ConstantOp>(def))
      return WeightKind::Folded;
    if (auto u = dyn_cast_or_null<qf::UnpackOp>(def))
      return isa<BlockArgument>(u.getPacked()) ? WeightKind::Argument
                                               : WeightKind::Other;
    if (auto q = dyn_cast_or_null<qf::QuantizeOp>(def))
      return q.getScales() ? WeightKind::Other : WeightKind::RunTime;
    if (isa<RankedTensorType>(rhs.getType()) &&
        !matchPattern(rhs, m_Constant()))
      return WeightKind::RunTime;
    return WeightKind::Other;
  }

  void runOnOperation() override {
    if (mode != "weights" && mode != "all") {
      getOperation().emitError()
          << "qf-insert-hadamard: mode '" << mode
          << "' is not supported; expected weights or all";
      return signalPassFailure();
    }
    int64_t fixedBlock = 0;
    if (block != "auto" && block != "full") {
      if (StringRef(block).getAsInteger(10, fixedBlock) || fixedBlock <= 0 ||
          !qf::numerics::isSupportedHadamardSize(fixedBlock)) {
        getOperation().emitError()
            << "qf-insert-hadamard: block '" << block
            << "' is not supported; expected auto, full, or a Hadamard size "
               "2^k, 12 * 2^k or 20 * 2^k (docs/numerics.md D13/D14)";
        return signalPassFailure();
      }
    }
    if (rotateResidual && randomize) {
      getOperation().emitError()
          << "qf-insert-hadamard: rotate-residual cannot be combined with "
             "randomize: the stream's exits need Q^T = diag(sigma) H online, "
             "which qf.hadamard (H diag(sigma)) does not express";
      return signalPassFailure();
    }
    if (foldGamma || rotateResidual)
      getOperation().walk([&](linalg::GenericOp g) { tryFoldGamma(g); });
    if (rotateResidual)
      getOperation().walk(
          [&](func::FuncOp f) { rotateResidualStream(f, fixedBlock); });

    SmallVector<qf::MatmulOp> matmuls;
    getOperation().walk([&](qf::MatmulOp mm) { matmuls.push_back(mm); });
    for (qf::MatmulOp mm : matmuls)
      rotate(mm, fixedBlock);
  }

  /// The rotation size for a contraction over K, or a remark and nothing.
  std::optional<int64_t> rotationSize(qf::MatmulOp mm, int64_t K,
                                      int64_t fixedBlock, bool quiet = false) {
    int64_t n = fixedBlock;
    if (block == "full") {
      n = K;
    } else if (block == "auto") {
      // The largest quantization block of the operands, when the others
      // divide it: rotation blocks then hold whole quantization blocks.
      SmallVector<int64_t> sizes;
      for (Value v : {mm.getLhs(), mm.getRhs()})
        if (auto qt = dyn_cast<qf::QTensorType>(v.getType()))
          if (qt.getFormat().getBlockKind() == qf::BlockKind::Fixed)
            sizes.push_back(qt.getFormat().getBlockSize());
      if (sizes.empty()) {
        if (quiet)
          return std::nullopt;
        mm.emitRemark("qf-insert-hadamard: not rotated: block=auto needs an "
                      "operand with fixed-size blocks; give block=<size> or "
                      "block=full");
        return std::nullopt;
      }
      n = *llvm::max_element(sizes);
      if (llvm::any_of(sizes, [&](int64_t s) { return n % s; })) {
        if (quiet)
          return std::nullopt;
        mm.emitRemark("qf-insert-hadamard: not rotated: block=auto: the "
                      "operands' block sizes ")
            << sizes[0] << " and " << sizes[1]
            << " do not nest; give block=<size>";
        return std::nullopt;
      }
    }
    if (!qf::numerics::isSupportedHadamardSize(n)) {
      if (quiet)
        return std::nullopt;
      mm.emitRemark("qf-insert-hadamard: not rotated: a Hadamard transform of "
                    "size ")
          << n << (block == "full" ? " (= K)" : "")
          << " is not supported; sizes are 2^k, 12 * 2^k and 20 * 2^k "
             "(docs/numerics.md D13/D14)";
      return std::nullopt;
    }
    if (K % n != 0) {
      if (quiet)
        return std::nullopt;
      mm.emitRemark("qf-insert-hadamard: not rotated: rotation size ")
          << n << " does not divide K = " << K;
      return std::nullopt;
    }
    return n;
  }

  void rotate(qf::MatmulOp mm, int64_t fixedBlock) {
    ArrayRef<int64_t> lhsShape = shapeOf(mm.getLhs().getType());
    int64_t r = int64_t(lhsShape.size());
    int64_t kA = r - 1, kB = mm.getTransposeB() ? r - 1 : r - 2;
    int64_t K = lhsShape[kA];
    if (ShapedType::isDynamic(K)) {
      mm.emitRemark("qf-insert-hadamard: not rotated: K is dynamic");
      return;
    }

    // Validate everything before changing anything.
    Value lhs = mm.getLhs();
    auto lhsQ = lhs.getDefiningOp<qf::QuantizeOp>();
    if (lhsQ && lhsQ.getScales()) {
      mm.emitRemark("qf-insert-hadamard: not rotated: the activation has "
                    "static scales, calibrated without the rotation; run "
                    "qf-insert-hadamard before qf-fold-scales");
      return;
    }
    if (!lhsQ && !isa<RankedTensorType>(lhs.getType())) {
      mm.emitRemark("qf-insert-hadamard: not rotated: the first operand is "
                    "not a run-time value (qf.quantize or f32)");
      return;
    }
    WeightKind wk = classify(mm.getRhs());
    switch (wk) {
    case WeightKind::Folded:
      mm.emitRemark("qf-insert-hadamard: not rotated: the weight is already "
                    "quantized (qf.constant) and its f32 values are gone; run "
                    "qf-quantize-model with fold-weights=false before "
                    "qf-insert-hadamard");
      return;
    case WeightKind::RunTime:
      if (mode != "all") {
        mm.emitRemark("qf-insert-hadamard: not rotated: no constant weight "
                      "(mode=all rotates both run-time operands online)");
        return;
      }
      break;
    case WeightKind::Other:
      mm.emitRemark("qf-insert-hadamard: not rotated: the second operand is "
                    "neither a constant weight, a weight argument nor a "
                    "run-time value without static scales");
      return;
    default:
      break;
    }
    auto pre = preRotated.find(mm);
    std::optional<int64_t> n = pre != preRotated.end()
                                   ? std::optional<int64_t>(pre->second.block)
                                   : rotationSize(mm, K, fixedBlock);
    if (!n)
      return;
    std::optional<int64_t> s;
    if (randomize)
      s = seed;
    Rotation rotA{kA, *n, s}, rotB{kB, *n, s};
    if (wk == WeightKind::Argument && failed(rotateArgument(mm, rotB)))
      return;

    // The weight side.
    if (wk == WeightKind::Constant) {
      ConstWeight w = *constWeight(mm.getRhs());
      std::vector<float> data = w.data;
      rotB.applyTo(data, w.constType.getShape());
      qf::QuantizeOp nq = replaceWeight(mm, 1, w, data);
      nq->setAttr("qf.rotation", rotB.attr(&getContext()));
    } else if (wk == WeightKind::F32Constant) {
      Attribute attr;
      (void)matchPattern(mm.getRhs(), m_Constant(&attr));
      std::vector<float> data = *qf::readFloatElements(attr);
      auto t = cast<RankedTensorType>(mm.getRhs().getType());
      rotB.applyTo(data, t.getShape());
      OpBuilder b(mm);
      Value cst = arith::ConstantOp::create(b, mm.getRhs().getLoc(),
                                            qf::makeFloatElements(t, data));
      Operation *old = mm.getRhs().getDefiningOp();
      mm->setOperand(1, cst);
      eraseIfDead(old);
    } else if (wk == WeightKind::RunTime) {
      rotateRunTime(mm, 1, rotB);
    }
    // With rotate-residual the activation is already Q x (the rotation was
    // moved into the residual writers).
    if (pre == preRotated.end())
      rotateRunTime(mm, 0, rotA);
  }

  /// Operand `idx` of `mm` (a run-time f32 value or its qf.quantize without
  /// scales) gets an online qf.hadamard. The quantize is cloned so that other
  /// users keep the unrotated value; CSE merges the copies of a value shared
  /// by several rotated contractions.
  void rotateRunTime(qf::MatmulOp mm, unsigned idx, const Rotation &rot) {
    Value v = mm->getOperand(idx);
    if (auto q = v.getDefiningOp<qf::QuantizeOp>()) {
      OpBuilder b(q);
      Value h = rot.emit(b, q.getLoc(), q.getInput());
      auto nq = qf::QuantizeOp::create(b, q.getLoc(), q.getResult().getType(),
                                       h, Value(), Value());
      nq->setDiscardableAttrs(q->getDiscardableAttrDictionary());
      mm->setOperand(idx, nq.getResult());
      eraseIfDead(q);
      return;
    }
    OpBuilder b(mm);
    mm->setOperand(idx, rot.emit(b, mm.getLoc(), v));
  }

  /// A weight that is a function argument (qf.unpack of its storage
  /// arguments, written by qf-quantize-model weights-as-arguments): the
  /// callers in the module quantize and pack the f32 weight they pass, so
  /// the rotation goes in front of their qf.quantize.
  LogicalResult rotateArgument(qf::MatmulOp mm, const Rotation &rot) {
    auto unpack = mm.getRhs().getDefiningOp<qf::UnpackOp>();
    auto arg = cast<BlockArgument>(unpack.getPacked());
    auto func = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp());
    if (!func || !unpack->hasOneUse()) {
      mm.emitRemark("qf-insert-hadamard: not rotated: the weight argument is "
                    "not a func.func argument used by this contraction only");
      return failure();
    }
    unsigned idx = arg.getArgNumber();
    auto key = std::make_pair(func.getOperation(), idx);
    if (auto it = rotatedArgs.find(key); it != rotatedArgs.end()) {
      if (it->second.sameTransform(rot) && it->second.axis == rot.axis)
        return success();
      mm.emitRemark("qf-insert-hadamard: not rotated: weight argument #")
          << idx << " of @" << func.getSymName()
          << " is already rotated differently";
      return failure();
    }
    std::optional<SymbolTable::UseRange> uses =
        SymbolTable::getSymbolUses(func, getOperation());
    SmallVector<qf::QuantizeOp> quantizes;
    SmallVector<func::CallOp> calls;
    for (const SymbolTable::SymbolUse &u :
         uses ? *uses : SymbolTable::UseRange({})) {
      auto call = dyn_cast<func::CallOp>(u.getUser());
      auto pack = call ? call.getOperand(idx).getDefiningOp<qf::PackOp>()
                       : qf::PackOp();
      auto q = pack ? pack.getInput().getDefiningOp<qf::QuantizeOp>()
                    : qf::QuantizeOp();
      if (!q || q.getScales() || !q->hasOneUse()) {
        mm.emitRemark("qf-insert-hadamard: not rotated: a use of @")
            << func.getSymName() << " does not pass weight argument #" << idx
            << " as qf.pack(qf.quantize(f32)) of its own";
        return failure();
      }
      calls.push_back(call);
      quantizes.push_back(q);
    }
    for (qf::QuantizeOp q : quantizes) {
      OpBuilder b(q);
      q.getInputMutable().assign(rot.emit(b, q.getLoc(), q.getInput()));
      q->setAttr("qf.rotation", rot.attr(&getContext()));
    }
    func.setArgAttr(idx, "qf.hadamard", rot.attr(&getContext()));
    mm.emitRemark("qf-insert-hadamard: weight argument #")
        << idx << " of @" << func.getSymName() << " is rotated by its "
        << calls.size()
        << " caller(s) in this module; weights packed outside (e.g. by a "
           "packing tool) must get qf.hadamard axis = "
        << rot.axis << " block = " << rot.block
        << (rot.seed ? " seed = " + std::to_string(*rot.seed) : std::string())
        << " before quantization (the argument's qf.hadamard attribute)";
    rotatedArgs[key] = rot;
    return success();
  }

  /// rotate-residual (QuaRot, Ashkboos et al. 2024): every RMSNorm without
  /// gamma whose output feeds rotatable contractions takes Q x instead of x
  /// (Q RMSNorm(x) = RMSNorm(Q x)), so those contractions need no online
  /// transform. Q x is propagated up the residual stream: through residual
  /// adds (both addends rotated) into the writers (a contraction with a
  /// constant weight gets Q on its output side, W' with y' = Q y); where the
  /// stream enters unrotated one online Q is placed, where it leaves, one
  /// online Q^T (= Q: the normalized Sylvester Hadamard is symmetric).
  void rotateResidualStream(func::FuncOp f, int64_t fixedBlock) {
    SmallVector<std::pair<linalg::GenericOp, Value>> norms;
    f.walk([&](linalg::GenericOp g) {
      for (OpOperand *in : g.getDpsInputOperands())
        if (normKind(g, in->get()) != NormKind::NotNorm) {
          norms.push_back({g, in->get()});
          break;
        }
    });
    DenseSet<Value> visited;
    for (auto [g, x] : norms)
      if (!visited.contains(x) && normKind(g, x) == NormKind::Commutes)
        rotateComponent(g, x, visited, fixedBlock);
    for (auto [g, x] : norms)
      if (!visited.contains(x))
        g->emitRemark("qf-insert-hadamard: residual stream not rotated at "
                      "this normalization: it is not x * f(sum of x^2) "
                      "(a gamma that fold-gamma could not fold, or a mean "
                      "subtraction), which does not commute with Q");
  }

  /// Whether `mm` can take its activation rotated (the rotation goes on its
  /// constant weight's K side): the size it would get, or nothing.
  std::optional<int64_t> consumerRotation(qf::MatmulOp mm, int64_t rank,
                                          int64_t fixedBlock) {
    ArrayRef<int64_t> lhsShape = shapeOf(mm.getLhs().getType());
    WeightKind wk = classify(mm.getRhs());
    if (int64_t(lhsShape.size()) != rank ||
        ShapedType::isDynamic(lhsShape.back()) ||
        (wk != WeightKind::Constant && wk != WeightKind::F32Constant))
      return std::nullopt;
    return rotationSize(mm, lhsShape.back(), fixedBlock, /*quiet=*/true);
  }

  void rotateComponent(linalg::GenericOp seed, Value x0,
                       DenseSet<Value> &visited, int64_t fixedBlock) {
    // The connected residual stream: values joined by residual adds and read
    // by normalizations.
    SetVector<Value> stream, normOut;
    SmallVector<OpOperand *> inStream, exits;
    SmallVector<Value> work = {x0};
    stream.insert(x0);
    while (!work.empty()) {
      Value v = work.pop_back_val();
      if (Operation *d = v.getDefiningOp(); d && isResidualAdd(d))
        for (Value o : {d->getOperand(0), d->getOperand(1)})
          if (stream.insert(o))
            work.push_back(o);
      for (OpOperand &u : v.getUses()) {
        Operation *user = u.getOwner();
        if (isResidualAdd(user) && u.getOperandNumber() < 2) {
          inStream.push_back(&u);
          for (Value o : {Value(user->getResult(0)),
                          user->getOperand(1 - u.getOperandNumber())})
            if (stream.insert(o))
              work.push_back(o);
          continue;
        }
        if (isRowSumOfSquares(user, v)) {
          inStream.push_back(&u);
          continue;
        }
        auto g = dyn_cast<linalg::GenericOp>(user);
        if (g && g.isDpsInput(&u) && normKind(g, v) == NormKind::Commutes) {
          inStream.push_back(&u);
          normOut.insert(g.getResult(0));
          continue;
        }
        exits.push_back(&u);
      }
    }
    for (Value v : stream)
      visited.insert(v);

    auto xT = cast<RankedTensorType>(x0.getType());
    int64_t rank = xT.getRank();
    SmallVector<Value> all(stream.begin(), stream.end());
    all.append(normOut.begin(), normOut.end());
    for (Value v : all)
      if (v.getType() != xT || (stream.contains(v) && normOut.contains(v))) {
        seed->emitRemark("qf-insert-hadamard: residual stream not rotated: ")
            << "it mixes shapes or feeds a normalization output back into "
               "itself";
        return;
      }

    // The contractions reading the normalizations: their rotations must
    // agree, since they all read the one rotated stream.
    SmallVector<qf::MatmulOp> consumers;
    std::optional<int64_t> size;
    bool sizesAgree = true;
    auto take = [&](qf::MatmulOp mm) {
      std::optional<int64_t> n = consumerRotation(mm, rank, fixedBlock);
      if (!n)
        return false;
      if (size && *size != *n)
        sizesAgree = false;
      size = n;
      consumers.push_back(mm);
      return true;
    };
    for (Value n : normOut)
      for (OpOperand &u : n.getUses()) {
        Operation *user = u.getOwner();
        if (auto q = dyn_cast<qf::QuantizeOp>(user)) {
          bool all = !q.getScales() && !q.getResult().use_empty() &&
                     llvm::all_of(q.getResult().getUses(), [&](OpOperand &qu) {
                       auto mm = dyn_cast<qf::MatmulOp>(qu.getOwner());
                       return mm && qu.getOperandNumber() == 0 &&
                              mm.getRhs() != q.getResult() &&
                              consumerRotation(mm, rank, fixedBlock);
                     });
          if (all) {
            for (Operation *qu : q.getResult().getUsers())
              take(cast<qf::MatmulOp>(qu));
            continue;
          }
        } else if (auto mm = dyn_cast<qf::MatmulOp>(user)) {
          if (u.getOperandNumber() == 0 && mm.getRhs() != n && take(mm))
            continue;
        }
        exits.push_back(&u);
      }
    if (!size) {
      seed->emitRemark("qf-insert-hadamard: residual stream not rotated: no "
                       "contraction with a constant weight reads its "
                       "normalizations");
      return;
    }
    if (!sizesAgree) {
      seed->emitRemark("qf-insert-hadamard: residual stream not rotated: the "
                       "contractions reading it get different rotation sizes; "
                       "give block=<size> or block=full");
      return;
    }
    int64_t n = *size;
    if (!isSymmetricHadamard(n)) {
      seed->emitRemark("qf-insert-hadamard: residual stream not rotated: H_")
          << n << " (a Paley factor, D14) is not symmetric, so Q^T at the "
          << "stream's exits is not a qf.hadamard; use a power-of-two block";
      return;
    }
    Rotation rot{rank - 1, n, std::nullopt};

    // Producers: residual adds pass the rotation on; a contraction with a
    // constant weight writes Q y; anything else is an entry (online Q).
    SmallVector<qf::MatmulOp> writers;
    SmallVector<Value> entries;
    for (Value v : stream) {
      Operation *d = v.getDefiningOp();
      if (d && isResidualAdd(d))
        continue;
      auto mm = dyn_cast_or_null<qf::MatmulOp>(d);
      WeightKind wk = mm ? classify(mm.getRhs()) : WeightKind::Other;
      if (mm && (wk == WeightKind::Constant || wk == WeightKind::F32Constant)) {
        writers.push_back(mm);
        continue;
      }
      entries.push_back(v);
      InFlightDiagnostic diag = mlir::emitRemark(v.getLoc());
      diag << "qf-insert-hadamard: the residual stream enters unrotated here (";
      if (!d)
        diag << "a block argument";
      else if (mm)
        diag << "a contraction whose weight is not an f32 constant";
      else
        diag << "'" << d->getName() << "', not a contraction with a constant "
             << "weight";
      diag << "): online qf.hadamard block = " << n;
    }

    for (qf::MatmulOp mm : writers) {
      Value rhs = mm.getRhs();
      auto wT = cast<RankedTensorType>(
          constWeight(rhs) ? constWeight(rhs)->constType : rhs.getType());
      int64_t wr = wT.getRank();
      Rotation wrot{mm.getTransposeB() ? wr - 2 : wr - 1, n, std::nullopt};
      if (std::optional<ConstWeight> w = constWeight(rhs)) {
        std::vector<float> data = w->data;
        wrot.applyTo(data, wT.getShape());
        qf::QuantizeOp nq = replaceWeight(mm, 1, *w, data);
        nq->setAttr("qf.output_rotation", wrot.attr(&getContext()));
      } else {
        Attribute attr;
        (void)matchPattern(rhs, m_Constant(&attr));
        std::vector<float> data = *qf::readFloatElements(attr);
        wrot.applyTo(data, wT.getShape());
        OpBuilder b(mm);
        Value cst = arith::ConstantOp::create(b, rhs.getLoc(),
                                              qf::makeFloatElements(wT, data));
        Operation *old = rhs.getDefiningOp();
        mm->setOperand(1, cst);
        eraseIfDead(old);
      }
    }
    DenseSet<Value> entrySet(entries.begin(), entries.end());
    for (Value v : entries) {
      OpBuilder b(&getContext());
      if (auto ba = dyn_cast<BlockArgument>(v))
        b.setInsertionPointToStart(ba.getOwner());
      else
        b.setInsertionPointAfter(v.getDefiningOp());
      Value h = rot.emit(b, v.getLoc(), v);
      for (OpOperand *u : inStream)
        if (u->get() == v)
          u->set(h);
    }
    // An entry's other uses still read the unrotated value.
    int64_t numExits = 0;
    for (OpOperand *u : exits) {
      if (entrySet.contains(u->get()))
        continue;
      ++numExits;
      Operation *user = u->getOwner();
      OpBuilder b(user);
      u->set(rot.emit(b, user->getLoc(), u->get()));
      user->emitRemark("qf-insert-hadamard: this use leaves the rotated "
                       "residual stream (")
          << (isa<func::ReturnOp>(user) ? "returned"
                                        : "it cannot take the rotated value")
          << "): online inverse rotation Q^T = qf.hadamard block = " << n;
    }
    for (qf::MatmulOp mm : consumers) {
      int64_t r = int64_t(shapeOf(mm.getLhs().getType()).size());
      preRotated[mm] = Rotation{r - 1, n, std::nullopt};
    }
    seed->emitRemark("qf-insert-hadamard: residual stream rotated (block = ")
        << n << "): " << normOut.size() << " normalization(s), "
        << consumers.size() << " contraction(s) without online transform, "
        << writers.size() << " writer(s) rotated on the output side, "
        << entries.size() << " entry and " << numExits
        << " exit transform(s) online";
  }

  /// QuaRot's first step: y = normalize(v) * gamma[k] feeding only
  /// contractions with constant weights becomes y = normalize(v) with the
  /// weights scaled by gamma along K (W diag(gamma)).
  void tryFoldGamma(linalg::GenericOp g) {
    if (g.getNumDpsInits() != 1 || g.getNumResults() != 1 ||
        g.getNumParallelLoops() != g.getNumLoops())
      return;
    auto resT = dyn_cast<RankedTensorType>(g.getResult(0).getType());
    if (!resT || !resT.getElementType().isF32() || !resT.hasStaticShape())
      return;
    int64_t rank = resT.getRank();
    Block &body = g.getRegion().front();
    auto yield = cast<linalg::YieldOp>(body.getTerminator());
    auto mul = yield.getOperand(0).getDefiningOp<arith::MulFOp>();
    if (!mul || !mul->hasOneUse())
      return;
    // Which operand of the multiply is gamma: a block argument of an input
    // indexed by the last dimension only, holding a constant with data.
    std::optional<std::vector<float>> gamma;
    Value other;
    for (int i = 0; i < 2 && !gamma; ++i) {
      auto ba = dyn_cast<BlockArgument>(mul->getOperand(i));
      if (!ba || ba.getOwner() != &body || !ba.hasOneUse())
        continue;
      OpOperand *in = g.getMatchingOpOperand(ba);
      if (!in || !g.isDpsInput(in))
        continue;
      AffineMap map = g.getMatchingIndexingMap(in);
      if (map.getNumResults() != 1 ||
          map.getResult(0) != getAffineDimExpr(rank - 1, &getContext()))
        continue;
      Attribute attr;
      if (!matchPattern(in->get(), m_Constant(&attr)))
        continue;
      gamma = qf::readFloatElements(attr);
      other = mul->getOperand(1 - i);
    }
    if (!gamma || int64_t(gamma->size()) != resT.getDimSize(rank - 1))
      return;
    // Every user must be a contraction over this last axis with a constant
    // weight, directly or through a qf.quantize without static scales.
    SmallVector<qf::MatmulOp> users;
    for (Operation *u : g.getResult(0).getUsers()) {
      if (auto q = dyn_cast<qf::QuantizeOp>(u)) {
        if (q.getScales() || q.getResult().getType().getAxis() != rank - 1)
          return;
        for (OpOperand &use : q.getResult().getUses()) {
          auto mm = dyn_cast<qf::MatmulOp>(use.getOwner());
          if (!mm || use.getOperandNumber() != 0)
            return;
          users.push_back(mm);
        }
        continue;
      }
      auto mm = dyn_cast<qf::MatmulOp>(u);
      if (!mm || mm.getLhs() != g.getResult(0) || mm.getRhs() == g.getResult(0))
        return;
      users.push_back(mm);
    }
    if (users.empty())
      return;
    for (qf::MatmulOp mm : users) {
      WeightKind wk = classify(mm.getRhs());
      if (int64_t(shapeOf(mm.getLhs().getType()).size()) != rank ||
          (wk != WeightKind::Constant && wk != WeightKind::F32Constant))
        return;
    }
    for (qf::MatmulOp mm : users) {
      std::optional<ConstWeight> cw = constWeight(mm.getRhs());
      Attribute attr;
      std::vector<float> data;
      RankedTensorType wT;
      if (cw) {
        data = cw->data;
        wT = cw->constType;
      } else {
        (void)matchPattern(mm.getRhs(), m_Constant(&attr));
        data = *qf::readFloatElements(attr);
        wT = cast<RankedTensorType>(mm.getRhs().getType());
      }
      ArrayRef<int64_t> shape = wT.getShape();
      int64_t kB = mm.getTransposeB() ? rank - 1 : rank - 2;
      int64_t inner = 1;
      for (int64_t d = kB + 1; d < rank; ++d)
        inner *= shape[d];
      int64_t K = shape[kB];
      for (size_t i = 0; i < data.size(); ++i)
        data[i] *= (*gamma)[size_t((int64_t(i) / inner) % K)];
      if (cw) {
        replaceWeight(mm, 1, *cw, data);
        continue;
      }
      OpBuilder b(mm);
      Operation *old = mm.getRhs().getDefiningOp();
      mm->setOperand(1, arith::ConstantOp::create(
                            b, mm.getRhs().getLoc(),
                            qf::makeFloatElements(wT, data)));
      eraseIfDead(old);
    }
    mul.getResult().replaceAllUsesWith(other);
    mul->erase();
    g->emitRemark("qf-insert-hadamard: normalization scale folded into the "
                  "weights of ")
        << users.size() << " contraction(s)";
  }
};

} // namespace
