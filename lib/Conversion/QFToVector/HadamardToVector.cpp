//===- HadamardToVector.cpp - qf.hadamard as a vectorized FWHT ------------===//
//
// Every output of the FWHT is one FP32 add or subtract of the same two
// operands in the library's schedule (D13-D15), so any vector schedule that
// keeps the stage structure (butterflies h = 1, 2, 4, ... per group of p, then
// H_m summed in row order, then one scaling) reproduces
// numerics::hadamardAlongAxis bit for bit. Lanes either run along the rotated
// axis (innermost axis: stages h < lanes are shuffles inside a register) or
// across the contiguous inner dimension (each lane an independent column).
//
//
// qf.quantize(qf.hadamard(x)) fusion: HadamardQuantize.cpp.
//
//===----------------------------------------------------------------------===//
#include "Fwht.h"

#include "qf/Conversion/QFToVector/QFToVector.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"

#include <cmath>

using namespace mlir;
using namespace qf::cpu;

namespace {

struct HadamardToVector final : OpConversionPattern<qf::HadamardOp> {
  HadamardToVector(MLIRContext *ctx, const qf::TargetInfo &target)
      : OpConversionPattern(ctx), target(target),
        vw(target.getVectorWidth()) {}

  const qf::TargetInfo &target;

  unsigned vw;


  LogicalResult
  matchAndRewrite(qf::HadamardOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (qf::QuantizeOp q = fusableHadamardQuantize(op, vw)) {
      emitHadamardQuantize(rewriter, op, q, adaptor.getInput(), target);
      return success();
    }
    auto type = cast<RankedTensorType>(op.getInput().getType());
    if (!type.getElementType().isF32())
      return op.emitOpError()
             << "convert-qf-to-vector lowers f32 tensors only, got element "
                "type "
             << type.getElementType() << "; convert the input to f32 first";
    int64_t rank = type.getRank();
    int64_t axis = op.getAxis(), n = op.getBlock();
    int64_t m, p;
    if (axis < 0 || axis >= rank || !splitHadamardSize(n, m, p) ||
        ShapedType::isDynamic(type.getDimSize(axis)) ||
        type.getDimSize(axis) % n != 0)
      return op.emitOpError() << "convert-qf-to-vector: unsupported axis "
                              << axis << " / block " << n << " for " << type;
    if (vw < 1 || (vw & (vw - 1)))
      return op.emitOpError() << "convert-qf-to-vector: vector width " << vw
                              << " is not a power of two";

    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    FwhtEmitter e(b, loc, vw);
    int64_t len = type.getDimSize(axis);
    std::optional<int64_t> seed = op.getSeed();
    SmallVector<int8_t> sigma;
    if (seed) {
      std::vector<int8_t> s =
          qf::numerics::randomSigns(static_cast<uint64_t>(*seed), n);
      sigma.assign(s.begin(), s.end());
    }
    const float scaleValue = float(1.0 / std::sqrt(double(n)));

    // Buffers: the input read-only, a fresh output, both seen as 1-D.
    auto memType = MemRefType::get(type.getShape(), b.getF32Type());
    Value in =
        bufferization::ToBufferOp::create(b, loc, memType, adaptor.getInput(),
                                          /*read_only=*/true);
    SmallVector<Value> dynSizes, dims;
    for (int64_t d = 0; d < rank; ++d) {
      if (!type.isDynamicDim(d)) {
        dims.push_back(e.idx(type.getDimSize(d)));
        continue;
      }
      Value dim = memref::DimOp::create(b, loc, in, d);
      dims.push_back(dim);
      dynSizes.push_back(dim);
    }
    Value outBuf = memref::AllocOp::create(b, loc, memType, dynSizes);
    Value in1 = in, out1 = outBuf;
    if (rank > 1) {
      SmallVector<ReassociationIndices> all(1);
      for (int64_t d = 0; d < rank; ++d)
        all[0].push_back(d);
      in1 = memref::CollapseShapeOp::create(b, loc, in, all);
      out1 = memref::CollapseShapeOp::create(b, loc, outBuf, all);
    }
    Value outer = e.idx(1), inner = e.idx(1);
    int64_t staticInner = 1;
    for (int64_t d = 0; d < axis; ++d)
      outer = e.muli(outer, dims[d]);
    for (int64_t d = axis + 1; d < rank; ++d) {
      inner = e.muli(inner, dims[d]);
      staticInner = type.isDynamicDim(d) || staticInner == ShapedType::kDynamic
                        ? ShapedType::kDynamic
                        : staticInner * type.getDimSize(d);
    }
    Value total = e.muli(e.muli(outer, e.idx(len)), inner);

    if (staticInner == 1) {
      if (m == 1 && n <= int64_t(vw))
        emitPackedInnermost(e, in1, out1, total, n, sigma, scaleValue);
      else
        emitBlockedInnermost(e, in1, out1, total, m, p, sigma, scaleValue);
    } else {
      emitStrided(e, in1, out1, outer, inner, staticInner, len, m, p, sigma,
                  scaleValue);
    }

    Value result = bufferization::ToTensorOp::create(
        b, loc, type, outBuf, /*restrict=*/true, /*writable=*/true);
    rewriter.replaceOp(op, result);
    return success();
  }


  /// Innermost axis, block n <= vw lanes (power of two): every vector holds
  /// vw / n whole blocks; the tail of the buffer is masked.
  void emitPackedInnermost(FwhtEmitter &e, Value in, Value out, Value total,
                           int64_t n, ArrayRef<int8_t> sigma,
                           float scaleValue) const {
    OpBuilder &b = e.b;
    Location loc = e.loc;
    auto vt = VectorType::get({int64_t(vw)}, b.getF32Type());
    Value scale = e.splatF32(vt, scaleValue);
    Value signs = sigma.empty() ? Value() : e.signConstant(sigma, 0, vw, vw);
    auto body = [&](Value off, Value mask) {
      RowView v{in, off, e.idx(0), vt, mask};
      Value x = e.load(v, e.idx(0));
      if (signs)
        x = e.flipSigns(x, signs);
      x = e.mulf(e.shuffleStages(x, n), scale);
      v.mem = out;
      e.store(v, e.idx(0), x);
    };
    Value vwIdx = e.idx(vw);
    Value full = e.divui(total, vw);
    {
      OpBuilder::InsertionGuard g(b);
      auto par = scf::ParallelOp::create(
          b, loc, ValueRange{e.idx(0)}, ValueRange{full}, ValueRange{e.idx(1)});
      b.setInsertionPointToStart(par.getBody());
      body(e.muli(par.getInductionVars()[0], vwIdx), Value());
    }
    // Tail: fewer than vw elements, still whole blocks.
    Value rem = e.remui(total, vw);
    std::optional<int64_t> staticRem = getConstantIntValue(rem);
    if (staticRem && *staticRem == 0)
      return;
    OpBuilder::InsertionGuard g(b);
    if (!staticRem) {
      Value any = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, rem,
                                        e.idx(0));
      auto ifOp = scf::IfOp::create(b, loc, any, /*withElseRegion=*/false);
      b.setInsertionPointToStart(ifOp.thenBlock());
    }
    Value mask = vector::CreateMaskOp::create(
        b, loc, VectorType::get({int64_t(vw)}, b.getI1Type()), ValueRange{rem});
    body(e.muli(full, vwIdx), mask);
  }

  /// Innermost axis, n = m * p > vw or m > 1: one block per parallel
  /// iteration.
  void emitBlockedInnermost(FwhtEmitter &e, Value in, Value out, Value total,
                            int64_t m, int64_t p, ArrayRef<int8_t> sigma,
                            float scaleValue) const {
    OpBuilder &b = e.b;
    Location loc = e.loc;
    int64_t n = m * p, w = vw;
    auto vt = VectorType::get({w}, b.getF32Type());
    int64_t chunks = (n + w - 1) / w;
    bool inRegisters = m == 1 && chunks <= kMaxRegisterRows / 4;
    bool loopA = !inRegisters && n % w == 0 && chunks > 8;
    Value signMem = loopA && !sigma.empty() ? e.signBuffer(sigma) : Value();
    Value blocks = e.divui(total, n);
    OpBuilder::InsertionGuard g(b);
    auto par = scf::ParallelOp::create(
        b, loc, ValueRange{e.idx(0)}, ValueRange{blocks}, ValueRange{e.idx(1)});
    b.setInsertionPointToStart(par.getBody());
    Value base = e.muli(par.getInductionVars()[0], e.idx(n));
    Value scale = e.splatF32(vt, scaleValue);

    // Power of two up to kMaxRegisterRows / 4 vectors: all in registers.
    if (inRegisters) {
      RowView src{in, base, e.idx(w), vt, Value()};
      SmallVector<Value> rows;
      for (int64_t c = 0; c < chunks; ++c) {
        Value x = e.load(src, e.idx(c));
        if (!sigma.empty())
          x = e.flipSigns(x, e.signConstant(sigma, c * w, w, w));
        rows.push_back(e.shuffleStages(x, p));
      }
      e.butterflyRows(rows);
      src.mem = out;
      for (int64_t c = 0; c < chunks; ++c)
        e.store(src, e.idx(c), e.mulf(rows[c], scale));
      return;
    }

    // Stage A: signs and the in-register stages h < min(p, w), chunk by
    // chunk (groups of p < w are packed, p divides w).
    bool finishesInA = p <= w && m == 1;
    if (loopA) {
      OpBuilder::InsertionGuard g2(b);
      Value c = e.beginFor(e.idx(0), e.idx(chunks), e.idx(1));
      Value off = e.muli(c, e.idx(w));
      RowView src{in, base, e.idx(1), vt, Value()};
      Value x = e.load(src, off);
      if (signMem)
        x = e.flipSigns(x, vector::LoadOp::create(
                               b, loc, VectorType::get({w}, b.getI32Type()),
                               signMem, ValueRange{off}));
      x = e.shuffleStages(x, p);
      if (finishesInA)
        x = e.mulf(x, scale);
      src.mem = out;
      e.store(src, off, x);
    } else {
      for (int64_t c = 0; c < chunks; ++c) {
        int64_t valid = std::min(w, n - c * w);
        Value mask;
        if (valid < w)
          mask = vector::ConstantMaskOp::create(
              b, loc, VectorType::get({w}, b.getI1Type()),
              ArrayRef<int64_t>{valid});
        RowView src{in, base, e.idx(w), vt, mask};
        Value x = e.load(src, e.idx(c));
        if (!sigma.empty())
          x = e.flipSigns(x, e.signConstant(sigma, c * w, w, valid));
        x = e.shuffleStages(x, p);
        if (finishesInA)
          x = e.mulf(x, scale);
        src.mem = out;
        e.store(src, e.idx(c), x);
      }
    }
    if (finishesInA)
      return;

    // Stage B: the butterflies across vectors of each group of p.
    if (p > w)
      for (int64_t grp = 0; grp < m; ++grp) {
        RowView v{out, e.addi(base, e.idx(grp * p)), e.idx(w), vt, Value()};
        e.memoryButterflies(v, p / w, m == 1 ? scale : Value());
      }
    if (m == 1)
      return;

    // Stage C: H_m across the groups, lanes over t, then the scaling.
    int64_t wc = std::min(p, w);
    auto vc = VectorType::get({wc}, b.getF32Type());
    Value scaleC = e.splatF32(vc, scaleValue);
    OpBuilder::InsertionGuard g3(b);
    Value t = p > wc ? e.beginFor(e.idx(0), e.idx(p), e.idx(wc)) : e.idx(0);
    RowView v{out, e.addi(base, t), e.idx(p), vc, Value()};
    SmallVector<Value> cols;
    for (int64_t j = 0; j < m; ++j)
      cols.push_back(e.load(v, e.idx(j)));
    SmallVector<Value> rows = e.paleyRows(cols, m);
    for (int64_t r = 0; r < m; ++r)
      e.store(v, e.idx(r), e.mulf(rows[r], scaleC));
  }

  /// Rotated axis not innermost: lanes run over the contiguous inner
  /// dimension, rows (stride `inner`) along the rotated axis.
  void emitStrided(FwhtEmitter &e, Value in, Value out, Value outer,
                   Value inner, int64_t staticInner, int64_t len, int64_t m,
                   int64_t p, ArrayRef<int8_t> sigma, float scaleValue) const {
    OpBuilder &b = e.b;
    Location loc = e.loc;
    int64_t n = m * p, w = vw;
    auto vt = VectorType::get({w}, b.getF32Type());
    Value wIdx = e.idx(w);
    Value chunks = e.ceildivui(inner, w);
    bool inRegisters = n <= kMaxRegisterRows;
    Value signMem =
        !inRegisters && !sigma.empty() ? e.signBuffer(sigma) : Value();
    OpBuilder::InsertionGuard g(b);
    auto par = scf::ParallelOp::create(
        b, loc, ValueRange{e.idx(0), e.idx(0), e.idx(0)},
        ValueRange{outer, e.idx(len / n), chunks},
        ValueRange{e.idx(1), e.idx(1), e.idx(1)});
    b.setInsertionPointToStart(par.getBody());
    SmallVector<Value> iv(par.getInductionVars());
    Value col = e.muli(iv[2], wIdx);
    Value row0 = e.addi(e.muli(iv[0], e.idx(len)), e.muli(iv[1], e.idx(n)));
    Value base = e.addi(e.muli(row0, inner), col);
    Value mask;
    if (staticInner == ShapedType::kDynamic || staticInner % w != 0) {
      Value left = arith::SubIOp::create(b, loc, inner, col);
      left = arith::MinUIOp::create(b, loc, left, wIdx);
      mask = vector::CreateMaskOp::create(
          b, loc, VectorType::get({w}, b.getI1Type()), ValueRange{left});
    }
    Value scale = e.splatF32(vt, scaleValue);
    RowView src{in, base, inner, vt, mask};
    RowView dst{out, base, inner, vt, mask};

    if (inRegisters) {
      SmallVector<Value> rows;
      for (int64_t j = 0; j < n; ++j) {
        Value x = e.load(src, e.idx(j));
        if (!sigma.empty() && sigma[j] < 0)
          x = e.negf(x);
        rows.push_back(x);
      }
      for (int64_t grp = 0; grp < m; ++grp)
        e.butterflyRows(MutableArrayRef<Value>(rows).slice(grp * p, p));
      if (m > 1) {
        for (int64_t t = 0; t < p; ++t) {
          SmallVector<Value> cols;
          for (int64_t j = 0; j < m; ++j)
            cols.push_back(rows[j * p + t]);
          SmallVector<Value> res = e.paleyRows(cols, m);
          for (int64_t r = 0; r < m; ++r)
            rows[r * p + t] = res[r];
        }
      }
      for (int64_t j = 0; j < n; ++j)
        e.store(dst, e.idx(j), e.mulf(rows[j], scale));
      return;
    }

    // Large blocks: copy (with signs), butterflies in memory, then H_m.
    {
      OpBuilder::InsertionGuard g2(b);
      Value j = e.beginFor(e.idx(0), e.idx(n), e.idx(1));
      Value x = e.load(src, j);
      if (signMem) {
        Value word = memref::LoadOp::create(b, loc, signMem, ValueRange{j});
        x = e.flipSigns(
            x, vector::BroadcastOp::create(
                   b, loc, VectorType::get({w}, b.getI32Type()), word));
      }
      e.store(dst, j, x);
    }
    for (int64_t grp = 0; grp < m; ++grp) {
      RowView v = dst;
      v.base = e.addi(base, e.muli(e.idx(grp * p), inner));
      e.memoryButterflies(v, p, m == 1 ? scale : Value());
    }
    if (m == 1)
      return;
    OpBuilder::InsertionGuard g3(b);
    Value t = e.beginFor(e.idx(0), e.idx(p), e.idx(1));
    SmallVector<Value> cols;
    for (int64_t j = 0; j < m; ++j)
      cols.push_back(e.load(dst, e.addi(t, e.idx(j * p))));
    SmallVector<Value> res = e.paleyRows(cols, m);
    for (int64_t r = 0; r < m; ++r)
      e.store(dst, e.addi(t, e.idx(r * p)), e.mulf(res[r], scale));
  }
};

} // namespace

void qf::populateQFHadamardToVectorPatterns(RewritePatternSet &patterns,
                                            const TargetInfo &target) {
  patterns.add<HadamardToVector>(patterns.getContext(), target);
}

