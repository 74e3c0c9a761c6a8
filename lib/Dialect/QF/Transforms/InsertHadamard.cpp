//===- InsertHadamard.cpp - qf-insert-hadamard: rotate quantized matmuls --===//
//
// y = W x = (W Q^T)(Q x) for any orthogonal Q (NUMERICS.md 8). Q is the
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
  Value scales, ts;
  if (q.getScales() && qt.hasStaticShape()) {
    qf::numerics::QuantizedTensor r = qf::numerics::quantizeMse(
        qt.getFormat().toNumerics(), qt.getLayout(), data.data());
    auto qa = qf::QuantizedAttr::fromNumerics(qt, r);
    scales = arith::ConstantOp::create(b, loc, qa.getScales());
    if (RankedTensorType tsT = qt.getTensorScaleType())
      ts = arith::ConstantOp::create(
          b, loc,
          DenseElementsAttr::get(tsT, b.getF32FloatAttr(r.tensorScale)));
  }
  auto nq = qf::QuantizeOp::create(b, loc, qt, cst, scales, ts);
  nq->setDiscardableAttrs(q->getDiscardableAttrDictionary());
  user->setOperand(idx, nq.getResult());
  eraseIfDead(q);
  return nq;
}

/// How the weight (rhs) of a matmul is given.
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
               "2^k, 12 * 2^k or 20 * 2^k (NUMERICS.md D13/D14)";
        return signalPassFailure();
      }
    }
    if (foldGamma)
      getOperation().walk([&](linalg::GenericOp g) { tryFoldGamma(g); });

    SmallVector<qf::MatmulOp> matmuls;
    getOperation().walk([&](qf::MatmulOp mm) { matmuls.push_back(mm); });
    for (qf::MatmulOp mm : matmuls)
      rotate(mm, fixedBlock);
  }

  /// The rotation size for a contraction over K, or a remark and nothing.
  std::optional<int64_t> rotationSize(qf::MatmulOp mm, int64_t K,
                                      int64_t fixedBlock) {
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
        mm.emitRemark("qf-insert-hadamard: not rotated: block=auto needs an "
                      "operand with fixed-size blocks; give block=<size> or "
                      "block=full");
        return std::nullopt;
      }
      n = *llvm::max_element(sizes);
      if (llvm::any_of(sizes, [&](int64_t s) { return n % s; })) {
        mm.emitRemark("qf-insert-hadamard: not rotated: block=auto: the "
                      "operands' block sizes ")
            << sizes[0] << " and " << sizes[1]
            << " do not nest; give block=<size>";
        return std::nullopt;
      }
    }
    if (!qf::numerics::isSupportedHadamardSize(n)) {
      mm.emitRemark("qf-insert-hadamard: not rotated: a Hadamard transform of "
                    "size ")
          << n << (block == "full" ? " (= K)" : "")
          << " is not supported; sizes are 2^k, 12 * 2^k and 20 * 2^k "
             "(NUMERICS.md D13/D14)";
      return std::nullopt;
    }
    if (K % n != 0) {
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
    std::optional<int64_t> n = rotationSize(mm, K, fixedBlock);
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
    for (qf::MatmulOp mm : users)
      if (int64_t(shapeOf(mm.getLhs().getType()).size()) != rank ||
          !constWeight(mm.getRhs()))
        return;
    for (qf::MatmulOp mm : users) {
      ConstWeight w = *constWeight(mm.getRhs());
      std::vector<float> data = w.data;
      ArrayRef<int64_t> shape = w.constType.getShape();
      int64_t kB = mm.getTransposeB() ? rank - 1 : rank - 2;
      int64_t inner = 1;
      for (int64_t d = kB + 1; d < rank; ++d)
        inner *= shape[d];
      int64_t K = shape[kB];
      for (size_t i = 0; i < data.size(); ++i)
        data[i] *= (*gamma)[size_t((int64_t(i) / inner) % K)];
      replaceWeight(mm, 1, w, data);
    }
    mul.getResult().replaceAllUsesWith(other);
    mul->erase();
    g->emitRemark("qf-insert-hadamard: normalization scale folded into the "
                  "weights of ")
        << users.size() << " contraction(s)";
  }
};

} // namespace
