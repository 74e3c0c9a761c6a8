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
// This file holds the pass, weight access and the rotation of each
// contraction; the model-level steps (gamma, residual stream) are in
// InsertHadamardResidual.cpp (the layout is in HadamardRotation.h).
//
//===----------------------------------------------------------------------===//
#include "qf/Dialect/QF/Transforms/Passes.h"

#include "HadamardRotation.h"
#include "WeightQuantize.h"

#include "qf/Dialect/QF/IR/ConstantData.h"
#include "qf/Dialect/QF/IR/QF.h"
#include "qf/Numerics/Hadamard.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/STLExtras.h"

namespace qf {
#define GEN_PASS_DEF_INSERTHADAMARDPASS
#include "qf/Dialect/QF/Transforms/Passes.h.inc"
} // namespace qf

using namespace mlir;
using namespace qf::hadamard;

//===----------------------------------------------------------------------===//
// Weights
//===----------------------------------------------------------------------===//

namespace {

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

} // namespace

void qf::hadamard::eraseIfDead(Operation *op) {
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

WeightKind qf::hadamard::classifyWeight(Value rhs) {
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
  if (isa<RankedTensorType>(rhs.getType()) && !matchPattern(rhs, m_Constant()))
    return WeightKind::RunTime;
  return WeightKind::Other;
}

qf::QuantizeOp qf::hadamard::rewriteConstantWeight(
    qf::MatmulOp mm,
    function_ref<void(std::vector<float> &, ArrayRef<int64_t>)> edit) {
  Value rhs = mm.getRhs();
  if (std::optional<ConstWeight> w = constWeight(rhs)) {
    std::vector<float> data = w->data;
    edit(data, w->constType.getShape());
    return replaceWeight(mm, 1, *w, data);
  }
  Attribute attr;
  (void)matchPattern(rhs, m_Constant(&attr));
  std::vector<float> data = *qf::readFloatElements(attr);
  auto t = cast<RankedTensorType>(rhs.getType());
  edit(data, t.getShape());
  OpBuilder b(mm);
  Value cst = arith::ConstantOp::create(b, rhs.getLoc(),
                                        qf::makeFloatElements(t, data));
  Operation *old = rhs.getDefiningOp();
  mm->setOperand(1, cst);
  eraseIfDead(old);
  return {};
}

//===----------------------------------------------------------------------===//
// One contraction
//===----------------------------------------------------------------------===//

std::optional<int64_t>
HadamardInserter::chooseBlockSize(qf::MatmulOp mm, int64_t K, bool quiet) {
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

void HadamardInserter::rotateContraction(qf::MatmulOp mm) {
  ArrayRef<int64_t> lhsShape = qf::shapeOfQOrFloat(mm.getLhs().getType());
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
  WeightKind wk = classifyWeight(mm.getRhs());
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
                                 : chooseBlockSize(mm, K);
  if (!n)
    return;
  Rotation rotA{kA, *n, seed}, rotB{kB, *n, seed};
  if (wk == WeightKind::Argument && failed(rotateWeightArgument(mm, rotB)))
    return;

  // The weight side.
  if (hasConstantValues(wk)) {
    qf::QuantizeOp nq = rewriteConstantWeight(
        mm, [&](std::vector<float> &data, ArrayRef<int64_t> shape) {
          rotB.applyTo(data, shape);
        });
    if (nq)
      nq->setAttr("qf.rotation", rotB.attr(mm.getContext()));
  } else if (wk == WeightKind::RunTime) {
    rotateRunTime(mm, 1, rotB);
  }
  // With rotate-residual the activation is already Q x (the rotation was
  // moved into the residual writers).
  if (pre == preRotated.end())
    rotateRunTime(mm, 0, rotA);
}

/// The quantize is cloned so that other users keep the unrotated value; CSE
/// merges the copies of a value shared by several rotated contractions.
void HadamardInserter::rotateRunTime(qf::MatmulOp mm, unsigned idx,
                                     const Rotation &rot) {
  Value v = mm->getOperand(idx);
  if (auto q = v.getDefiningOp<qf::QuantizeOp>()) {
    OpBuilder b(q);
    Value h = rot.emit(b, q.getLoc(), q.getInput());
    auto nq = qf::QuantizeOp::create(b, q.getLoc(), q.getResult().getType(), h,
                                     Value(), Value());
    nq->setDiscardableAttrs(q->getDiscardableAttrDictionary());
    mm->setOperand(idx, nq.getResult());
    eraseIfDead(q);
    return;
  }
  OpBuilder b(mm);
  mm->setOperand(idx, rot.emit(b, mm.getLoc(), v));
}

/// The weight is qf.unpack of its storage arguments (written by
/// qf-quantize-model weights-as-arguments): the callers in the module
/// quantize and pack the f32 weight they pass, so the rotation goes in front
/// of their qf.quantize.
LogicalResult HadamardInserter::rotateWeightArgument(qf::MatmulOp mm,
                                                     const Rotation &rot) {
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
      SymbolTable::getSymbolUses(func, module);
  SmallVector<qf::QuantizeOp> quantizes;
  SmallVector<func::CallOp> calls;
  for (const SymbolTable::SymbolUse &u :
       uses ? *uses : SymbolTable::UseRange({})) {
    auto call = dyn_cast<func::CallOp>(u.getUser());
    auto pack =
        call ? call.getOperand(idx).getDefiningOp<qf::PackOp>() : qf::PackOp();
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
  MLIRContext *ctx = mm.getContext();
  for (qf::QuantizeOp q : quantizes) {
    OpBuilder b(q);
    q.getInputMutable().assign(rot.emit(b, q.getLoc(), q.getInput()));
    q->setAttr("qf.rotation", rot.attr(ctx));
  }
  func.setArgAttr(idx, "qf.hadamard", rot.attr(ctx));
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

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

namespace {

struct InsertHadamardPass final
    : qf::impl::InsertHadamardPassBase<InsertHadamardPass> {
  using Base::Base;

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
    HadamardInserter inserter(getOperation(), mode, block, fixedBlock,
                              randomize ? std::optional<int64_t>(seed)
                                        : std::nullopt);
    if (foldGamma || rotateResidual)
      getOperation().walk(
          [&](linalg::GenericOp g) { qf::hadamard::foldGamma(g); });
    if (rotateResidual)
      getOperation().walk(
          [&](func::FuncOp f) { inserter.rotateResidualStream(f); });

    SmallVector<qf::MatmulOp> matmuls;
    getOperation().walk([&](qf::MatmulOp mm) { matmuls.push_back(mm); });
    for (qf::MatmulOp mm : matmuls)
      inserter.rotateContraction(mm);
  }
};

} // namespace
