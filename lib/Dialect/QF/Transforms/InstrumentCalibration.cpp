//===- InstrumentCalibration.cpp - qf.observe to calibration runtime calls ===//
#include "qf/Dialect/QF/Transforms/Passes.h"

#include "WeightRounding.h"

#include "qf/Dialect/QF/IR/QF.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/DenseSet.h"

namespace qf {
#define GEN_PASS_DEF_INSTRUMENTCALIBRATIONPASS
#include "qf/Dialect/QF/Transforms/Passes.h.inc"
} // namespace qf

using namespace mlir;

namespace {

constexpr StringLiteral kObserve = "qf_calib_observe";
constexpr StringLiteral kName = "qf_calib_name";
constexpr StringLiteral kMoments = "qf_calib_moments";

/// True when observe `o` feeds (through its activation qf.quantize, or
/// directly) the left operand of a qf.matmul with a weight on the right.
bool feedsWeightMatmul(qf::ObserveOp o) {
  if (!qf::weightMatmulsOf(o.getResult()).empty())
    return true;
  for (Operation *u : o->getUsers())
    if (isa<qf::QuantizeOp, qf::SparseQuantizeOp>(u))
      if (!qf::weightMatmulsOf(u->getResult(0)).empty())
        return true;
  return false;
}

/// Declares `name` (private, C interface) unless the module has it.
void declare(ModuleOp m, StringRef name, FunctionType type) {
  if (m.lookupSymbol(name))
    return;
  OpBuilder b = OpBuilder::atBlockBegin(m.getBody());
  auto f = func::FuncOp::create(b, m.getLoc(), name, type);
  f.setPrivate();
  f->setAttr("llvm.emit_c_interface", b.getUnitAttr());
}

struct InstrumentCalibrationPass final
    : qf::impl::InstrumentCalibrationPassBase<InstrumentCalibrationPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp m = getOperation();
    MLIRContext *ctx = &getContext();
    OpBuilder b(ctx);

    // 1. Observation points on the activations of data-dependent quantizes
    // (qf.sparse_quantize included: its scales are computed from the data).
    m.walk([&](func::FuncOp f) {
      int idx = 0;
      f.walk([&](Operation *q) {
        auto dq = dyn_cast<qf::QuantizeOp>(q);
        if (!(dq && !dq.getScales()) && !isa<qf::SparseQuantizeOp>(q))
          return;
        Value in = q->getOperand(0);
        if (matchPattern(in, m_Constant()) || in.getDefiningOp<qf::ObserveOp>())
          return;
        b.setInsertionPoint(q);
        std::string name = (f.getSymName() + ".act" + Twine(idx++)).str();
        Value o = qf::ObserveOp::create(b, q->getLoc(), in.getType(),
                                        b.getStringAttr(name), in);
        q->setOperand(0, o);
      });
    });

    // 1b. With second moments: weight-only models have no activation
    // quantize on the left operand; observe the f32 operand itself.
    if (secondMoments != "none" && secondMoments != "full" &&
        secondMoments != "diag") {
      m.emitError() << "qf-instrument-calibration: second-moments '"
                    << secondMoments
                    << "' is not supported; expected none, full or diag";
      return signalPassFailure();
    }
    if (secondMoments != "none")
      for (auto &[lhs, name] : qf::weightOnlyInputNames(m)) {
        b.setInsertionPointAfterValue(lhs);
        Value o = qf::ObserveOp::create(b, lhs.getLoc(), lhs.getType(),
                                        b.getStringAttr(name), lhs);
        for (qf::MatmulOp mm : qf::weightMatmulsOf(lhs))
          mm.getLhsMutable().assign(o);
      }

    // 2. Lower every observe to runtime calls.
    SmallVector<qf::ObserveOp> observes;
    m.walk([&](qf::ObserveOp o) { observes.push_back(o); });
    if (observes.empty())
      return;
    // The points that get second moments, decided before any is lowered.
    llvm::DenseSet<Operation *> momentPoints;
    if (secondMoments != "none")
      for (qf::ObserveOp o : observes)
        if (feedsWeightMatmul(o))
          momentPoints.insert(o);
    if (!momentPoints.empty())
      declare(m, kMoments,
              b.getFunctionType({b.getI64Type(),
                                 UnrankedMemRefType::get(b.getF32Type(), 0),
                                 b.getI64Type()},
                                {}));
    auto unranked = UnrankedMemRefType::get(b.getF32Type(), 0);
    auto bytes = MemRefType::get({ShapedType::kDynamic}, b.getI8Type());
    declare(m, kObserve,
            b.getFunctionType({b.getI64Type(), unranked, b.getI64Type()}, {}));
    declare(m, kName, b.getFunctionType({b.getI64Type(), bytes}, {}));
    SymbolTable symbols(m);
    int64_t id = 0;
    for (qf::ObserveOp o : observes) {
      auto t = dyn_cast<RankedTensorType>(o.getInput().getType());
      if (!t || !t.getElementType().isF32()) {
        o.emitRemark("qf-instrument-calibration: not instrumented: the "
                     "calibration runtime records f32 tensors, got ")
            << o.getInput().getType();
        o.getResult().replaceAllUsesWith(o.getInput());
        o.erase();
        continue;
      }
      Location loc = o.getLoc();
      // The name as a constant byte array.
      StringRef name = o.getName();
      auto globalT = MemRefType::get({int64_t(name.size())}, b.getI8Type());
      b.setInsertionPointToStart(m.getBody());
      auto init = DenseElementsAttr::get(
          RankedTensorType::get({int64_t(name.size())}, b.getI8Type()),
          ArrayRef<char>(name.data(), name.size()));
      auto global = memref::GlobalOp::create(
          b, loc, ("__qf_calib_name_" + Twine(id)).str(),
          b.getStringAttr("private"), globalT, init, /*constant=*/true,
          /*alignment=*/IntegerAttr());
      symbols.insert(global);

      b.setInsertionPoint(o);
      Value idV = arith::ConstantIntOp::create(b, loc, id, 64);
      int64_t axis = channelAxis == -1 ? t.getRank() - 1 : int64_t(channelAxis);
      if (axis < -1 || axis >= t.getRank())
        axis = -1;
      Value axisV = arith::ConstantIntOp::create(b, loc, axis, 64);
      Value g = memref::GetGlobalOp::create(b, loc, globalT, global.getSymName());
      Value gd = memref::CastOp::create(b, loc, bytes, g);
      func::CallOp::create(b, loc, kName, TypeRange{}, ValueRange{idV, gd});
      Value buf = bufferization::ToBufferOp::create(
          b, loc, MemRefType::get(t.getShape(), t.getElementType()),
          o.getInput(), /*read_only=*/true);
      Value u = memref::CastOp::create(b, loc, unranked, buf);
      func::CallOp::create(b, loc, kObserve, TypeRange{},
                           ValueRange{idV, u, axisV});
      if (momentPoints.contains(o)) {
        int64_t k = t.getRank() ? t.getDimSize(t.getRank() - 1) : 1;
        if (secondMoments == "full" &&
            (ShapedType::isDynamic(k) || k > int64_t(maxFullK))) {
          o.emitError() << "qf-instrument-calibration: second-moments=full: '"
                        << name << "' has K = "
                        << (ShapedType::isDynamic(k) ? std::string("?")
                                                     : std::to_string(k))
                        << ", above max-full-k=" << int64_t(maxFullK)
                        << " (a full H takes K^2 x 8 bytes and tokens x K^2 "
                           "operations per call); record "
                           "second-moments=diag (for weight-scale-search=mse) "
                           "or raise max-full-k";
          return signalPassFailure();
        }
        Value mode = arith::ConstantIntOp::create(
            b, loc, secondMoments == "full" ? 2 : 1, 64);
        func::CallOp::create(b, loc, kMoments, TypeRange{},
                             ValueRange{idV, u, mode});
      }
      o.getResult().replaceAllUsesWith(o.getInput());
      o.erase();
      ++id;
    }
  }
};

} // namespace
