//===- SwizzleScales.cpp - qf.swizzle_scales as a kernel ------------------===//
//
// One parallel iteration per 32-bit word of the 128x4 tile layout
// (qf::numerics ScaleSwizzle.h): the 4 bytes of a word are one row's 4
// consecutive scale columns, so an iteration reads 4 bytes of one source row
// and writes one aligned word. Padding rows and columns get
// numerics::kScalePad (0), never the E8M0 NaN. Target-neutral: the CPU runs
// the loop (tested by executing it), on the GPU it becomes a gpu.launch
// (mapParallelLoopsToGPU) before the tcgen05 matmul that needs it.
//
//===----------------------------------------------------------------------===//
#include "qf/Conversion/QFToVector/QFToVector.h"

#include "qf/Conversion/Kernels/Builder.h"
#include "qf/Dialect/QF/IR/QF.h"
#include "qf/Numerics/ScaleSwizzle.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;
namespace nm = qf::numerics;

namespace {

struct SwizzleScalesLowering : OpConversionPattern<qf::SwizzleScalesOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qf::SwizzleScalesOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    auto inT = cast<RankedTensorType>(op.getScales().getType());
    auto outT = cast<RankedTensorType>(op.getType());
    int64_t rank = inT.getRank();
    bool batched = rank == 3;
    auto idx = [&](int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, loc, v);
    };
    Value in = qf::kernel::readBuffer(b, loc, adaptor.getScales());
    auto dim = [&](Value buf, int64_t i) -> Value {
      return b.createOrFold<memref::DimOp>(loc, buf, i);
    };
    Value rows = dim(in, rank - 2), cols = dim(in, rank - 1);
    Value batch = batched ? dim(in, 0) : Value();
    auto ceilDiv = [&](Value x, int64_t d) -> Value {
      return b.createOrFold<arith::CeilDivUIOp>(loc, x, idx(d));
    };
    Value tr = ceilDiv(rows, nm::kSwizzleTileRows);
    Value tc = ceilDiv(cols, nm::kSwizzleTileCols);
    SmallVector<Value> sizes;
    if (batched)
      sizes.push_back(batch);
    sizes.append({tr, tc, idx(nm::kSwizzleTileBytes)});
    Value out = qf::kernel::allocBuffer(b, loc, outT, sizes);

    // Iterations: [batch,] row tile, column tile, word of the tile.
    SmallVector<Value> ubs(sizes.begin(), sizes.end() - 1);
    ubs.push_back(idx(nm::kSwizzleTileBytes / 4));
    SmallVector<Value> lbs(ubs.size(), idx(0)), steps(ubs.size(), idx(1));
    Value rowsLast = b.createOrFold<arith::SubIOp>(loc, rows, idx(1));
    Value colsLast = b.createOrFold<arith::SubIOp>(loc, cols, idx(1));
    auto par = scf::ParallelOp::create(b, loc, lbs, ubs, steps);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(par.getBody());
      OpBuilder &pb = b;
      SmallVector<Value> iv(par.getInductionVars());
      auto c = [&](int64_t v) -> Value {
        return arith::ConstantIndexOp::create(pb, loc, v);
      };
      auto mul = [&](Value x, Value y) -> Value {
        return pb.createOrFold<arith::MulIOp>(loc, x, y);
      };
      auto add = [&](Value x, Value y) -> Value {
        return pb.createOrFold<arith::AddIOp>(loc, x, y);
      };
      size_t o = batched ? 1 : 0;
      Value ti = iv[o], tj = iv[o + 1], word = iv[o + 2];
      // Bytes 4w .. 4w+3 (numerics::swizzleSource): row
      // ti*128 + (w % 4) * 32 + w / 4, columns tj*4 + 0..3.
      Value byte0 = mul(word, c(4));
      Value r = add(
          add(mul(ti, c(nm::kSwizzleTileRows)),
              mul(pb.createOrFold<arith::RemUIOp>(
                      loc, pb.createOrFold<arith::DivUIOp>(loc, byte0, c(4)),
                      c(4)),
                  c(32))),
          pb.createOrFold<arith::DivUIOp>(loc, byte0, c(16)));
      Value rowOk =
          arith::CmpIOp::create(pb, loc, arith::CmpIPredicate::ult, r, rows);
      Value rc = pb.createOrFold<arith::MinUIOp>(loc, r, rowsLast);
      Value zero =
          arith::ConstantIntOp::create(pb, loc, pb.getI8Type(), nm::kScalePad);
      SmallVector<Value> bytes;
      for (int64_t i = 0; i < 4; ++i) {
        Value col = add(mul(tj, c(nm::kSwizzleTileCols)), c(i));
        Value ok = arith::AndIOp::create(
            pb, loc, rowOk,
            arith::CmpIOp::create(pb, loc, arith::CmpIPredicate::ult, col,
                                  cols));
        // Clamped, in-bounds read; padding selects kScalePad.
        Value cc = pb.createOrFold<arith::MinUIOp>(loc, col, colsLast);
        SmallVector<Value> at;
        if (batched)
          at.push_back(iv[0]);
        at.append({rc, cc});
        Value v = memref::LoadOp::create(pb, loc, in, at);
        bytes.push_back(arith::SelectOp::create(pb, loc, ok, v, zero));
      }
      Value vec = vector::FromElementsOp::create(
          pb, loc, VectorType::get({4}, pb.getI8Type()), bytes);
      SmallVector<Value> dst;
      if (batched)
        dst.push_back(iv[0]);
      dst.append({ti, tj, byte0});
      vector::StoreOp::create(pb, loc, vec, out, dst,
                              /*nontemporal=*/false, llvm::MaybeAlign(4));
    }
    rewriter.replaceOp(op, qf::kernel::toTensor(b, loc, outT, out));
    return success();
  }
};

/// Moves the swizzles of the arguments of private function `f` into its
/// callers where every call passes a constant for the argument and the
/// function does nothing else with it; returns whether any moved. Only
/// constants move (where they fold): a swizzle of a run-time value stays
/// where it was, in the kernel function that qf-outline-kernels shares.
bool hoistConstantSwizzles(func::FuncOp f, ModuleOp module) {
  if (!f.isPrivate() || f.isExternal())
    return false;
  std::optional<SymbolTable::UseRange> uses =
      SymbolTable::getSymbolUses(f, module);
  if (!uses || uses->empty())
    return false;
  SmallVector<func::CallOp> calls;
  for (const SymbolTable::SymbolUse &u : *uses) {
    auto call = dyn_cast<func::CallOp>(u.getUser());
    if (!call || call.getCallee() != f.getSymName())
      return false;
    calls.push_back(call);
  }
  Block &entry = f.getBody().front();
  bool moved = false;
  for (BlockArgument arg : entry.getArguments()) {
    unsigned i = arg.getArgNumber();
    Type swizzled;
    bool onlySwizzled = !arg.use_empty();
    for (Operation *user : arg.getUsers()) {
      auto s = dyn_cast<qf::SwizzleScalesOp>(user);
      onlySwizzled &= s && (!swizzled || s.getType() == swizzled);
      if (!onlySwizzled)
        break;
      swizzled = s.getType();
    }
    if (!onlySwizzled || !llvm::all_of(calls, [&](func::CallOp c) {
          return matchPattern(c.getOperand(i), m_Constant());
        }))
      continue;
    for (func::CallOp call : calls) {
      OpBuilder b(call);
      call->setOperand(i, qf::SwizzleScalesOp::create(
                              b, call.getLoc(), swizzled, call.getOperand(i)));
    }
    for (Operation *user : llvm::make_early_inc_range(arg.getUsers())) {
      user->getResult(0).replaceAllUsesWith(arg);
      user->erase();
    }
    arg.setType(swizzled);
    moved = true;
  }
  if (moved)
    f.setType(FunctionType::get(f.getContext(), entry.getArgumentTypes(),
                                f.getResultTypes()));
  return moved;
}

} // namespace

void qf::populateQFSwizzleScalesPatterns(RewritePatternSet &patterns) {
  patterns.add<SwizzleScalesLowering>(patterns.getContext());
}

LogicalResult qf::lowerScaleSwizzles(ModuleOp module) {
  bool moved;
  do {
    moved = false;
    for (auto f : module.getOps<func::FuncOp>())
      moved |= hoistConstantSwizzles(f, module);
  } while (moved);

  // Constants fold (the op's folder: numerics::swizzleScales).
  SmallVector<qf::SwizzleScalesOp> swizzles;
  module.walk([&](qf::SwizzleScalesOp s) { swizzles.push_back(s); });
  for (qf::SwizzleScalesOp s : swizzles) {
    SmallVector<OpFoldResult> folded;
    if (failed(s->fold(folded)) || folded.size() != 1)
      continue;
    auto attr = dyn_cast_if_present<TypedAttr>(
        dyn_cast_if_present<Attribute>(folded[0]));
    if (!attr)
      continue;
    OpBuilder b(s);
    s.getResult().replaceAllUsesWith(
        arith::ConstantOp::create(b, s.getLoc(), attr).getResult());
    // The row-major scales are dead now unless something else reads them.
    Operation *in = s.getScales().getDefiningOp();
    s.erase();
    if (in && in->use_empty() && isMemoryEffectFree(in))
      in->erase();
  }

  RewritePatternSet patterns(module.getContext());
  populateQFSwizzleScalesPatterns(patterns);
  ConversionTarget target(*module.getContext());
  target.addIllegalOp<qf::SwizzleScalesOp>();
  target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
  return applyPartialConversion(module, target, std::move(patterns));
}
