//===- TargetInfo.cpp - Defaults shared by the kernel targets -------------===//
#include "qf/Conversion/Kernels/TargetInfo.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <numeric>

using namespace mlir;

qf::TargetInfo::~TargetInfo() = default;

void qf::TargetInfo::emitParallelLoop(
    OpBuilder &b, Location loc, ArrayRef<Value> ubs,
    function_ref<void(OpBuilder &, ValueRange)> body) const {
  Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
  Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
  SmallVector<Value> lbs(ubs.size(), c0), steps(ubs.size(), c1);
  // scf.parallel adds its scf.reduce terminator after the body.
  scf::ParallelOp::create(b, loc, lbs, ubs, steps,
                          [&](OpBuilder &nb, Location, ValueRange ivs) {
                            body(nb, ivs);
                          });
}

LogicalResult qf::TargetInfo::checkLowerable(Operation *op,
                                             qf::QTensorType t) const {
  unsigned bits = t.getElementBits();
  unsigned vw = getVectorWidth();
  int64_t g = std::lcm<int64_t>(bits, 8) / bits;
  if (vw % g != 0)
    return op->emitOpError() << "cannot lower " << t.getFormat().str()
                             << " codes of " << bits << " bits with vector-width "
                             << vw << "; the width must be a multiple of " << g;
  return success();
}
