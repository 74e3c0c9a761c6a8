//===- RowKernels.cpp - Row reductions of fused bodies ---------------------===//
//
// The pieces qf.fused_matmul's band epilogue and qf.map's row kernel share
// for bodies with qf.row_reduce: the per-row scalar reduction loops (with the
// stash of reduced values the body reuses) and the f32 row store. Both
// kernels compute a row's reductions in the order the unfused linalg
// reduction (Decompose.cpp) lowered to loops does, so the bits are those of
// the unfused program.
//
//===----------------------------------------------------------------------===//

#include "qf/Conversion/Kernels/FusedKernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using qf::kernel::Idx;

Value qf::kernel::cloneScalarSlice(OpBuilder &b, Value v, IRMapping &m) {
  if (Value done = m.lookupOrNull(v))
    return done;
  Operation *def = v.getDefiningOp();
  for (Value o : def->getOperands())
    cloneScalarSlice(b, o, m);
  b.clone(*def, m);
  return m.lookup(v);
}

bool qf::kernel::rowReduceStashed(qf::RowReduceOp red) {
  // A body argument is re-read from its tensor; a value only reduced is not
  // needed again. Anything else (softmax's exp, summed and then divided) is
  // kept per row rather than computed twice.
  Value x = red.getInput();
  return !isa<BlockArgument>(x) &&
         llvm::any_of(x.getUsers(),
                      [](Operation *u) { return !isa<qf::RowReduceOp>(u); });
}

SmallVector<std::pair<Value, Value>> qf::kernel::emitRowReductionLoops(
    OpBuilder &b, Location loc, ArrayRef<qf::RowReduceOp> reds,
    ArrayRef<Value> stashes, Value stashBase, Value len,
    function_ref<void(OpBuilder &, Value, IRMapping &)> bindArgs) {
  SmallVector<std::pair<Value, Value>> scalars;
  // Earlier reductions (and the constants of the inits) per row.
  IRMapping outer;
  Value c0 = Idx{b, loc}.c(0);
  Value c1 = Idx{b, loc}.c(1);
  for (size_t ri = 0; ri < reds.size(); ++ri) {
    // Plain locals: the loop body's lambda captures them.
    qf::RowReduceOp red = reds[ri];
    Value stash = stashes[ri];
    Value init = cloneScalarSlice(b, red.getInit(), outer);
    auto loop = scf::ForOp::create(
        b, loc, c0, len, c1, ValueRange{init},
        [&](OpBuilder &nb, Location, Value l, ValueRange iter) {
          IRMapping m = outer;
          bindArgs(nb, l, m);
          Value x = cloneScalarSlice(nb, red.getInput(), m);
          if (stash)
            memref::StoreOp::create(
                nb, loc, x, stash,
                ValueRange{Idx{nb, loc}.add(stashBase, l)});
          Block &comb = red.getCombiner().front();
          IRMapping cm;
          cm.map(comb.getArgument(0), x);
          cm.map(comb.getArgument(1), iter[0]);
          for (Operation &o : comb.without_terminator())
            nb.clone(o, cm);
          scf::YieldOp::create(nb, loc,
                               cm.lookup(comb.getTerminator()->getOperand(0)));
        });
    outer.map(red.getResult(), loop.getResult(0));
    scalars.push_back({red.getResult(), loop.getResult(0)});
  }
  return scalars;
}

Value qf::kernel::loadF32Chunk(OpBuilder &b, Location loc, Value mem,
                               Value at, Value valid, bool full,
                               const qf::TargetInfo &target) {
  unsigned vw = target.getVectorWidth();
  auto vt = VectorType::get({int64_t(vw)}, b.getF32Type());
  if (full)
    return vector::LoadOp::create(b, loc, vt, mem, ValueRange{at});
  Value mask = vector::CreateMaskOp::create(
      b, loc, VectorType::get({int64_t(vw)}, b.getI1Type()), ValueRange{valid});
  Value zero = arith::ConstantOp::create(b, loc, vt, b.getZeroAttr(vt));
  return vector::MaskedLoadOp::create(b, loc, vt, mem, ValueRange{at}, mask,
                                      zero);
}

void qf::kernel::appendStashedValues(
    OpBuilder &b, Location loc, ArrayRef<qf::RowReduceOp> reds,
    ArrayRef<Value> stashes, Value at, Value valid, bool full,
    const qf::TargetInfo &target,
    SmallVectorImpl<std::pair<Value, Value>> &given) {
  for (size_t i = 0; i < reds.size(); ++i)
    if (Value stash = stashes[i])
      given.push_back({qf::RowReduceOp(reds[i]).getInput(),
                       loadF32Chunk(b, loc, stash, at, valid, full, target)});
}

void qf::kernel::emitStoreRowF32(OpBuilder &b, Location loc, Value outFlat,
                                 Value rowBase, int64_t len, const LoadFn &load,
                                 const qf::TargetInfo &target) {
  int64_t vw = target.getVectorWidth();
  // Whole chunks, then a masked tail.
  int64_t full = len / vw, tail = len % vw;
  Idx ix{b, loc};
  forLoop(b, loc, ix.c(0), ix.c(full), ix.c(1), [&](OpBuilder &nb, Value i) {
    // `load` builds with `b`: move it into the loop.
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPoint(nb.getInsertionBlock(), nb.getInsertionPoint());
    Value at = ix.add(rowBase, ix.mul(i, ix.c(vw)));
    Value y = load(at, Value(), true);
    vector::StoreOp::create(b, loc, y, outFlat, ValueRange{at});
  });
  if (!tail)
    return;
  Value at = ix.add(rowBase, ix.c(full * vw));
  Value n = ix.c(tail);
  Value y = load(at, n, false);
  vector::MaskedStoreOp::create(b, loc, outFlat, ValueRange{at},
                                laneMask(b, loc, n, vw), y);
}
