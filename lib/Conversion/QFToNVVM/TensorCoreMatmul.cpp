//===- TensorCoreMatmul.cpp - What the tensor-core matmul kernels share ---===//
#include "TensorCoreMatmul.h"

#include "qf/Conversion/Kernels/Builder.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using qf::tc::Emitter;

Operation *qf::guardNonEmptyGrid(OpBuilder &b, Location loc, Value none) {
  if (getConstantIntValue(none))
    return nullptr;
  auto any = scf::IfOp::create(
      b, loc,
      arith::XOrIOp::create(
          b, loc, none, arith::ConstantIntOp::create(b, loc, b.getI1Type(), 1)),
      /*withElseRegion=*/false);
  b.setInsertionPointToStart(&any.getThenRegion().front());
  return any;
}

void qf::enterLaunchBody(OpBuilder &b, gpu::LaunchOp launch) {
  Block &body = launch.getBody().front();
  b.setInsertionPointToStart(&body);
  gpu::TerminatorOp::create(b, launch.getLoc());
  b.setInsertionPoint(body.getTerminator());
}

Value Emitter::idx(int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}
Value Emitter::i32(int64_t v) {
  return arith::ConstantIntOp::create(b, loc, b.getI32Type(), v);
}
Value Emitter::i64(int64_t v) {
  return arith::ConstantIntOp::create(b, loc, b.getI64Type(), v);
}
Value Emitter::add(Value x, Value y) {
  return b.createOrFold<arith::AddIOp>(loc, x, y);
}
Value Emitter::mul(Value x, Value y) {
  return b.createOrFold<arith::MulIOp>(loc, x, y);
}
Value Emitter::ceilDiv(Value x, int64_t d) {
  return b.createOrFold<arith::CeilDivUIOp>(loc, x, idx(d));
}
Value Emitter::toI32(Value index) {
  return arith::IndexCastUIOp::create(b, loc, b.getI32Type(), index);
}
Value Emitter::cmp(arith::CmpIPredicate p, Value x, Value y) {
  return arith::CmpIOp::create(b, loc, p, x, y);
}
Value Emitter::orInto(Value acc, Value v) {
  return acc ? arith::OrIOp::create(b, loc, acc, v).getResult() : v;
}

Value Emitter::word(Value buf, ArrayRef<Value> at) {
  auto v4 =
      vector::LoadOp::create(b, loc, VectorType::get({4}, b.getI8Type()), buf,
                             at, /*nontemporal=*/false, llvm::MaybeAlign(4));
  auto w = vector::BitCastOp::create(b, loc,
                                     VectorType::get({1}, b.getI32Type()), v4);
  return vector::ExtractOp::create(b, loc, w, ArrayRef<int64_t>{0});
}

Value Emitter::ptx(StringRef text, StringRef constraints, ValueRange args,
                   TypeRange results) {
  Type res;
  if (results.size() == 1)
    res = results[0];
  else if (!results.empty())
    res = LLVM::LLVMStructType::getLiteral(b.getContext(),
                                           SmallVector<Type>(results));
  auto op = LLVM::InlineAsmOp::create(
      b, loc, res, args, b.getStringAttr(text), b.getStringAttr(constraints),
      /*has_side_effects=*/b.getUnitAttr(),
      /*is_align_stack=*/UnitAttr(),
      LLVM::TailCallKindAttr::get(b.getContext(),
                                  LLVM::tailcallkind::TailCallKind::None),
      LLVM::AsmDialectAttr(), ArrayAttr());
  return res ? op.getResult(0) : Value();
}

void Emitter::ifThen(Value cond, llvm::function_ref<void()> then) {
  auto i = scf::IfOp::create(b, loc, cond, /*withElseRegion=*/false);
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPointToStart(&i.getThenRegion().front());
  then();
}

Value qf::tc::MatmulPattern::scalesBuffer(OpBuilder &b, Location loc,
                                          Value scales) const {
  return qf::kernel::readBuffer(b, loc, scales);
}

LogicalResult qf::tc::MatmulPattern::matchAndRewrite(
    qf::MatmulOp op, OneToNOpAdaptor adaptor,
    ConversionPatternRewriter &rewriter) const {
  MMAMapping m;
  bool tb = op.getTransposeB();
  if (Support s = selectMMA(chip, ptxVersion, op.getLhs().getType(),
                            op.getRhs().getType(), tb, &m);
      !s)
    return rewriter.notifyMatchFailure(op, s.why());
  if (isTcgen05(m.kind) != tcgen05)
    return rewriter.notifyMatchFailure(
        op, tcgen05 ? "not a tcgen05 mapping"
                    : "a tcgen05 mapping (MatmulTcgen05.cpp)");
  ValueRange ls = adaptor.getLhs(), rs = adaptor.getRhs();
  if (ls.size() < 2 || rs.size() < 2)
    return rewriter.notifyMatchFailure(op, "expected storage tensors");
  Location loc = op.getLoc();
  OpBuilder &b = rewriter;
  Emitter e{b, loc};
  auto resultT = cast<RankedTensorType>(op.getType());
  Matmul mm(op, m, resultT);

  auto operand = [&](Value v, ValueRange st, bool kInner) {
    auto t = cast<qf::QTensorType>(v.getType());
    Operand o;
    o.codes = qf::kernel::readBuffer(b, loc, st[0]);
    o.scales = scalesBuffer(b, loc, st[1]);
    o.fmt = t.getFormat().toNumerics();
    o.block = t.getFormat().getBlockSize();
    o.kInner = kInner;
    if (o.fmt.tensorScale && st.size() > 2)
      o.tensorScale = memref::LoadOp::create(
          b, loc, qf::kernel::readBuffer(b, loc, st[2]), ValueRange{});
    return o;
  };
  mm.A = operand(op.getLhs(), ls, true);
  mm.B = operand(op.getRhs(), rs, tb);
  mm.factor = mm.A.tensorScale;
  if (mm.B.tensorScale)
    mm.factor = mm.factor
                    ? arith::MulFOp::create(b, loc, mm.factor, mm.B.tensorScale)
                          .getResult()
                    : mm.B.tensorScale;

  // Sizes from the storage (M, N; the batch); K is static (selectMMA).
  auto dim = [&](Value buf, int64_t i) -> Value {
    return b.createOrFold<memref::DimOp>(loc, buf, i);
  };
  int64_t rank = mm.rank;
  mm.M = dim(mm.A.codes, rank - 2);
  mm.N = dim(mm.B.codes, tb ? rank - 2 : rank - 1);
  mm.batch = rank == 3 ? dim(mm.A.codes, 0) : Value();
  SmallVector<Value> sizes;
  if (mm.batch)
    sizes.push_back(mm.batch);
  sizes.append({mm.M, mm.N});
  mm.out = qf::kernel::allocBuffer(b, loc, resultT, sizes);
  mm.one = e.idx(1);
  build(mm, rewriter);
  return success();
}

void qf::tc::MatmulPattern::launch(
    ConversionPatternRewriter &rewriter, Matmul &mm, std::array<Value, 3> grid,
    int64_t threads, int64_t smemBytes,
    llvm::function_ref<void(gpu::LaunchOp)> body) {
  OpBuilder &b = rewriter;
  Location loc = mm.loc;
  Emitter e{b, loc};
  Value none;
  for (Value g : grid) {
    if (g == mm.one)
      continue;
    Value z = b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, g,
                                            e.idx(0));
    none = none ? b.createOrFold<arith::OrIOp>(loc, none, z) : z;
  }
  std::optional<int64_t> noneC =
      none ? getConstantIntValue(none) : std::optional<int64_t>(0);
  if (noneC && *noneC) {
    rewriter.replaceOp(mm.op, qf::kernel::toTensor(b, loc, mm.resultT, mm.out));
    return;
  }
  OpBuilder::InsertionGuard guard(b);
  Operation *after = noneC ? nullptr : guardNonEmptyGrid(b, loc, none);
  // Dynamic shared memory rather than a workgroup attribution, which the
  // buffer deallocation pipeline after this conversion does not support.
  auto l = gpu::LaunchOp::create(b, loc, grid[0], grid[1], grid[2],
                                 e.idx(threads), mm.one, mm.one,
                                 smemBytes ? e.i32(smemBytes) : Value());
  if (!after)
    after = l;
  enterLaunchBody(b, l);
  body(l);
  b.setInsertionPointAfter(after);
  rewriter.replaceOp(mm.op, qf::kernel::toTensor(b, loc, mm.resultT, mm.out));
}

void qf::tc::MatmulPattern::storeIf(Emitter &e, const Matmul &mm, Value ok,
                                    llvm::function_ref<Value()> value,
                                    ArrayRef<Value> at) {
  e.ifThen(ok, [&] {
    Value v = value();
    if (mm.factor)
      v = arith::MulFOp::create(e.b, e.loc, v, mm.factor);
    memref::StoreOp::create(e.b, e.loc, v, mm.out, at);
  });
}
