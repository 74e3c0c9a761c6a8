//===- CopyRepeatedResults.cpp - One tensor per public function result ---===//
#include "qf/Pipelines/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseSet.h"

namespace qf {
#define GEN_PASS_DEF_COPYREPEATEDRESULTSPASS
#include "qf/Pipelines/Passes.h.inc"
} // namespace qf

using namespace mlir;

namespace {
struct CopyRepeatedResultsPass final
    : qf::impl::CopyRepeatedResultsPassBase<CopyRepeatedResultsPass> {
  using Base::Base;

  void runOnOperation() override {
    getOperation().walk([](func::FuncOp fn) {
      // Private functions keep their results: out-params leaves them alone.
      if (!fn.isPublic())
        return;
      fn.walk([](func::ReturnOp ret) {
        llvm::SmallDenseSet<Value> seen;
        OpBuilder b(ret);
        for (OpOperand &operand : ret->getOpOperands()) {
          Value v = operand.get();
          auto type = dyn_cast<RankedTensorType>(v.getType());
          if (!type || seen.insert(v).second)
            continue;
          operand.set(bufferization::AllocTensorOp::create(
              b, ret.getLoc(), type, /*dynamicSizes=*/ValueRange(),
              /*copy=*/v));
        }
      });
    });
  }
};
} // namespace
