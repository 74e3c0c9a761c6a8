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
// qf.quantize(qf.hadamard(x)) with both along the innermost axis and an MX
// or NV format (E8M0 or E4M3 block scales) is one kernel: each span of
// max(rotation block, quantization block) elements (or of vector-width
// blocks) is loaded once, rotated in registers and quantized from the
// registers (block amax, scale, element codes with the KernelBuilder
// emitters that the quantize kernel uses), so the rotated tensor never goes
// to memory and the bits are those of numerics::hadamardAlongAxis followed
// by numerics::quantize. NVFP4/NVINT4 rotate twice: once for the tensor
// amax, once to quantize.
//
//===----------------------------------------------------------------------===//
#include "qf/Conversion/Kernels/Codecs.h"
#include "qf/Conversion/Kernels/ScaleCodec.h"

#include "qf/Conversion/QFToVector/QFToVector.h"
#include "qf/Dialect/QF/IR/QF.h"
#include "qf/Numerics/Hadamard.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/DialectConversion.h"

#include <cfloat>
#include <cmath>

using namespace mlir;

namespace {

/// Rows (or columns) of at most this many vectors are transformed entirely
/// in registers; larger blocks go through memory stage by stage.
constexpr int64_t kMaxRegisterRows = 32;

/// n = m * p with m in {1, 12, 20} and p a power of two (the library's split).
bool splitHadamardSize(int64_t n, int64_t &m, int64_t &p) {
  int mi = 0;
  if (!qf::numerics::splitHadamardSize(n, mi, p))
    return false;
  m = mi;
  return true;
}

/// A set of equally spaced vectors in a 1-D f32 memref: row r starts at
/// base + r * stride; `mask` (may be null) selects the valid lanes.
struct RowView {
  Value mem;
  Value base;
  Value stride;
  VectorType type;
  Value mask;
};

/// IR emission helpers for one kernel.
class FwhtEmitter {
public:
  FwhtEmitter(OpBuilder &b, Location loc, unsigned vw)
      : b(b), loc(loc), vw(vw) {}

  OpBuilder &b;
  Location loc;
  unsigned vw;

  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  // Index arithmetic folds constants as it goes, so that static shapes give
  // static trip counts and tails without a canonicalization round.
  Value addi(Value x, Value y) {
    std::optional<int64_t> cx = getConstantIntValue(x),
                           cy = getConstantIntValue(y);
    if (cx && cy)
      return idx(*cx + *cy);
    if (cx == 0)
      return y;
    if (cy == 0)
      return x;
    return arith::AddIOp::create(b, loc, x, y);
  }
  Value muli(Value x, Value y) {
    std::optional<int64_t> cx = getConstantIntValue(x),
                           cy = getConstantIntValue(y);
    if (cx && cy)
      return idx(*cx * *cy);
    if (cx == 0 || cy == 0)
      return idx(0);
    if (cx == 1)
      return y;
    if (cy == 1)
      return x;
    return arith::MulIOp::create(b, loc, x, y);
  }
  Value divui(Value x, int64_t d) {
    if (std::optional<int64_t> cx = getConstantIntValue(x))
      return idx(*cx / d);
    return arith::DivUIOp::create(b, loc, x, idx(d));
  }
  Value remui(Value x, int64_t d) {
    if (std::optional<int64_t> cx = getConstantIntValue(x))
      return idx(*cx % d);
    return arith::RemUIOp::create(b, loc, x, idx(d));
  }
  Value ceildivui(Value x, int64_t d) {
    if (std::optional<int64_t> cx = getConstantIntValue(x))
      return idx((*cx + d - 1) / d);
    return arith::CeilDivUIOp::create(b, loc, x, idx(d));
  }
  Value addf(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value subf(Value x, Value y) { return arith::SubFOp::create(b, loc, x, y); }
  Value mulf(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  Value negf(Value x) { return arith::NegFOp::create(b, loc, x); }

  Value splatF32(VectorType t, float v) {
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(t, ArrayRef<float>(v)));
  }

  Value load(const RowView &v, Value row) {
    Value off = addi(v.base, muli(row, v.stride));
    if (!v.mask)
      return vector::LoadOp::create(b, loc, v.type, v.mem, ValueRange{off});
    return vector::MaskedLoadOp::create(b, loc, v.type, v.mem, ValueRange{off},
                                        v.mask, splatF32(v.type, 0.0f));
  }
  void store(const RowView &v, Value row, Value x) {
    Value off = addi(v.base, muli(row, v.stride));
    if (!v.mask)
      vector::StoreOp::create(b, loc, x, v.mem, ValueRange{off});
    else
      vector::MaskedStoreOp::create(b, loc, v.mem, ValueRange{off}, v.mask, x);
  }

  /// Flips the sign of the lanes whose mask word is 0x80000000 (D15; exact,
  /// like the library's x = -x).
  Value flipSigns(Value x, Value signBits) {
    auto ft = cast<VectorType>(x.getType());
    auto it = VectorType::get(ft.getShape(), b.getI32Type());
    Value bits = arith::BitcastOp::create(b, loc, it, x);
    bits = arith::XOrIOp::create(b, loc, bits, signBits);
    return arith::BitcastOp::create(b, loc, ft, bits);
  }

  /// Constant sign words for lanes [first, first + lanes) of sigma, repeated
  /// with period sigma.size(); lanes past `valid` get 0.
  Value signConstant(ArrayRef<int8_t> sigma, int64_t first, int64_t lanes,
                     int64_t valid) {
    SmallVector<int32_t> words(lanes, 0);
    int64_t n = sigma.size();
    for (int64_t l = 0; l < valid; ++l)
      words[l] = sigma[(first + l) % n] < 0 ? INT32_MIN : 0;
    auto t = VectorType::get({lanes}, b.getI32Type());
    return arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(t, ArrayRef(words)));
  }

  /// Butterfly stages h = 1, 2, ... < hEnd inside one register: lane l pairs
  /// with lane l ^ h; the lane with bit h clear gets a + b, the other a - b.
  /// One shuffle per stage: with p the partner lane, the lower lane's
  /// v + p is a + b (FP32 addition commutes, so the bits are the library's)
  /// and the upper lane's p - v is a - b.
  Value shuffleStages(Value v, int64_t hEnd) {
    auto t = cast<VectorType>(v.getType());
    int64_t lanes = t.getNumElements();
    for (int64_t h = 1; h < hEnd && h < lanes; h *= 2) {
      SmallVector<int64_t> partner(lanes);
      SmallVector<bool> upper(lanes);
      for (int64_t l = 0; l < lanes; ++l) {
        partner[l] = l ^ h;
        upper[l] = (l & h) != 0;
      }
      Value p = vector::ShuffleOp::create(b, loc, v, v, partner);
      Value sel = arith::ConstantOp::create(
          b, loc,
          DenseElementsAttr::get(VectorType::get({lanes}, b.getI1Type()),
                                 ArrayRef(upper)));
      v = arith::SelectOp::create(b, loc, sel, subf(p, v), addf(v, p));
    }
    return v;
  }

  /// Butterfly stages over rows held in registers (rows.size() a power of
  /// two), in the library's order.
  void butterflyRows(MutableArrayRef<Value> rows) {
    int64_t n = rows.size();
    for (int64_t h = 1; h < n; h *= 2)
      for (int64_t i = 0; i < n; i += 2 * h)
        for (int64_t j = i; j < i + h; ++j) {
          Value a = rows[j], c = rows[j + h];
          rows[j] = addf(a, c);
          rows[j + h] = subf(a, c);
        }
  }

  /// H_m applied to m columns: out[r] = +-col[0] +- col[1] ... in order j.
  SmallVector<Value> paleyRows(ArrayRef<Value> cols, int64_t m) {
    const int8_t *hm = qf::numerics::paleyMatrix(int(m));
    SmallVector<Value> out;
    for (int64_t r = 0; r < m; ++r) {
      const int8_t *row = hm + r * m;
      Value acc = row[0] > 0 ? cols[0] : negf(cols[0]);
      for (int64_t j = 1; j < m; ++j)
        acc = row[j] > 0 ? addf(acc, cols[j]) : subf(acc, cols[j]);
      out.push_back(acc);
    }
    return out;
  }

  /// Creates `scf.for %iv = lb to ub step st` and moves the insertion point
  /// into its body; returns the induction variable.
  Value beginFor(Value lb, Value ub, Value st) {
    auto loop = scf::ForOp::create(b, loc, lb, ub, st);
    b.setInsertionPointToStart(loop.getBody());
    return loop.getInductionVar();
  }

  /// Butterfly stages h = 1 .. rows/2 on `rows` rows of a view, in memory,
  /// up to three stages per pass (2^g rows j + t*h in registers go through
  /// stages h, 2h, ... exactly as butterflyRows orders them); the last stage
  /// multiplies by `scale` when given.
  void memoryButterflies(const RowView &v, int64_t rows, Value scale) {
    for (int64_t h = 1; h < rows;) {
      int64_t g = 1;
      while (g < 3 && (h << g) < rows)
        ++g;
      int64_t span = h << g;
      OpBuilder::InsertionGuard guard(b);
      Value i = beginFor(idx(0), idx(rows), idx(span));
      Value j = beginFor(i, addi(i, idx(h)), idx(1));
      SmallVector<Value> rowIdx, vals;
      for (int64_t t = 0; t < (int64_t(1) << g); ++t) {
        rowIdx.push_back(addi(j, idx(t * h)));
        vals.push_back(load(v, rowIdx.back()));
      }
      butterflyRows(vals);
      for (auto [r, x] : llvm::zip(rowIdx, vals))
        store(v, r, span >= rows && scale ? mulf(x, scale) : x);
      h = span;
    }
  }

  /// The D15 sign words of sigma as a read-only i32 buffer (for loops that
  /// index it).
  Value signBuffer(ArrayRef<int8_t> sigma) {
    SmallVector<int32_t> words;
    for (int8_t s : sigma)
      words.push_back(s < 0 ? INT32_MIN : 0);
    int64_t n = sigma.size();
    auto tt = RankedTensorType::get({n}, b.getI32Type());
    Value cst = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(tt, ArrayRef(words)));
    return bufferization::ToBufferOp::create(
        b, loc, MemRefType::get({n}, b.getI32Type()), cst, /*read_only=*/true);
  }
};

struct HadamardToVector final : OpConversionPattern<qf::HadamardOp> {
  HadamardToVector(MLIRContext *ctx, const qf::TargetInfo &target)
      : OpConversionPattern(ctx), target(target),
        vw(target.getVectorWidth()) {}

  const qf::TargetInfo &target;

  unsigned vw;

  /// The qf.quantize that the fused kernel can absorb, or null: the only
  /// user of `op`, in the same block, quantizing along the same innermost
  /// axis into an MX or NV format (E8M0 or E4M3 scales, fixed power-of-two
  /// blocks) with scales from the data, with whole vectors per block
  /// and at most kMaxRegisterRows vectors per unit.
  qf::QuantizeOp fusableQuantize(qf::HadamardOp op) const {
    if (!op->hasOneUse())
      return {};
    auto q = dyn_cast<qf::QuantizeOp>(*op->user_begin());
    if (!q || q->getBlock() != op->getBlock() || q.getScales() ||
        q.getTensorScale())
      return {};
    auto type = cast<RankedTensorType>(op.getInput().getType());
    qf::QTensorType qt = q.getResult().getType();
    int64_t rank = type.getRank(), n = op.getBlock();
    if (!type.getElementType().isF32() || !type.hasStaticShape() ||
        int64_t(op.getAxis()) != rank - 1 || qt.getAxis() != rank - 1)
      return {};
    qf::numerics::BlockFormat f = qt.getFormat().toNumerics();
    int64_t bq = f.blockSize, w = vw, len = type.getDimSize(rank - 1);
    auto pow2 = [](int64_t v) { return v > 0 && (v & (v - 1)) == 0; };
    // E8M0 (MX) or E4M3 (NV, with or without the FP32 tensor scale) block
    // scales; other float scale types keep the two kernels.
    if (f.blockKind != qf::numerics::BlockKind::Fixed ||
        (f.scale != qf::numerics::ScaleType::E8M0 &&
         f.scale != qf::numerics::ScaleType::E4M3) ||
        (f.tensorScale && f.scale != qf::numerics::ScaleType::E4M3) ||
        !pow2(n) || !pow2(bq))
      return {};
    int64_t unit = std::max(n, bq);
    unsigned bits = qt.getElementBits();
    if (bq % w || unit % w || unit / w > kMaxRegisterRows || len % unit ||
        (w * bits) % 8)
      return {};
    return q;
  }

  LogicalResult
  matchAndRewrite(qf::HadamardOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (qf::QuantizeOp q = fusableQuantize(op)) {
      emitFusedQuantize(op, q, adaptor.getInput(), rewriter);
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

  /// One parallel iteration per span (a unit of max(n, block) elements, or
  /// a group of vw blocks) of the flattened row-major tensor; spans never
  /// straddle rows (the row length is a multiple of the span). Two-level
  /// formats first run the rotation once more to reduce the finite amax of
  /// the rotated tensor (the tensor scale), still without storing it.
  void emitFusedQuantize(qf::HadamardOp op, qf::QuantizeOp q, Value input,
                         ConversionPatternRewriter &rewriter) const {
    namespace nm = qf::numerics;
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    FwhtEmitter e(b, loc, vw);
    qf::kernel::KB k{b, loc};
    auto type = cast<RankedTensorType>(op.getInput().getType());
    qf::QTensorType qt = q.getResult().getType();
    nm::BlockFormat f = qt.getFormat().toNumerics();
    bool mx = f.scale == nm::ScaleType::E8M0;
    int64_t n = op.getBlock(), bq = f.blockSize, w = vw;
    int64_t unit = std::max(n, bq);
    unsigned bits = qt.getElementBits();
    int64_t total = type.getNumElements();
    // Grouped: w blocks at a time, their amaxes reduced together by a
    // transposing tree of shuffles and their scales computed in one vector
    // (as the row quantize kernel does), when a row holds whole groups.
    int64_t len = type.getDimSize(type.getRank() - 1);
    int64_t groupSpan = std::max(unit, w * bq);
    bool grouped = len % groupSpan == 0 && groupSpan / w <= 2 * kMaxRegisterRows;
    int64_t span = grouped ? groupSpan : unit;
    SmallVector<int8_t> sigma;
    if (std::optional<int64_t> seed = op.getSeed()) {
      std::vector<int8_t> s =
          qf::numerics::randomSigns(static_cast<uint64_t>(*seed), n);
      sigma.assign(s.begin(), s.end());
    }
    const float scaleValue = float(1.0 / std::sqrt(double(n)));
    Type i32 = b.getI32Type(), f32 = b.getF32Type();
    auto vt = VectorType::get({w}, f32);
    auto it = VectorType::get({w}, i32);
    auto bt = VectorType::get({w}, b.getI1Type());

    auto flat = [&](Value mem, int64_t rank) -> Value {
      if (rank == 1)
        return mem;
      SmallVector<ReassociationIndices> all(1);
      for (int64_t d = 0; d < rank; ++d)
        all[0].push_back(d);
      return memref::CollapseShapeOp::create(b, loc, mem, all);
    };
    int64_t rank = type.getRank();
    Value in = bufferization::ToBufferOp::create(
        b, loc, MemRefType::get(type.getShape(), f32), input,
        /*read_only=*/true);
    RankedTensorType packedT = qt.getPackedType(), scalesT = qt.getScalesType();
    RankedTensorType tsT = qt.getTensorScaleType();
    auto packedM = MemRefType::get(packedT.getShape(), packedT.getElementType());
    auto scalesM = MemRefType::get(scalesT.getShape(), scalesT.getElementType());
    Value packedBuf = memref::AllocOp::create(b, loc, packedM);
    Value scalesBuf = memref::AllocOp::create(b, loc, scalesM);
    Value in1 = flat(in, rank), packed1 = flat(packedBuf, rank),
          scales1 = flat(scalesBuf, rank);

    // The rotated span at element `base`, in registers: signs, in-register
    // stages, stages across the vectors of each rotation block, one scaling
    // (the library's order).
    auto rotateAt = [&](Value base) {
      RowView src{in1, base, e.idx(w), vt, Value()};
      int64_t chunks = span / w;
      SmallVector<Value> rows;
      for (int64_t c = 0; c < chunks; ++c) {
        Value x = e.load(src, e.idx(c));
        if (!sigma.empty())
          x = e.flipSigns(x, e.signConstant(sigma, c * w, w, w));
        rows.push_back(e.shuffleStages(x, n));
      }
      if (n > w)
        for (int64_t c = 0; c < chunks; c += n / w)
          e.butterflyRows(MutableArrayRef<Value>(rows).slice(c, n / w));
      Value scale = e.splatF32(vt, scaleValue);
      for (Value &x : rows)
        x = e.mulf(x, scale);
      return rows;
    };
    auto beginParallel = [&](int64_t count) {
      auto par = scf::ParallelOp::create(b, loc, ValueRange{e.idx(0)},
                                         ValueRange{e.idx(count)},
                                         ValueRange{e.idx(1)});
      b.setInsertionPointToStart(par.getBody());
      return par.getInductionVars()[0];
    };

    // Two-level formats: S_enc from the finite amax of the rotated tensor
    // (QuantizeToVector's emitAmax / emitTensorEncodeScale), g = 1 / S_enc.
    Value sEnc, tsBuf;
    if (!mx && f.tensorScale) {
      int64_t spans = total / span;
      Value partial =
          memref::AllocOp::create(b, loc, MemRefType::get({spans}, i32));
      {
        OpBuilder::InsertionGuard g(b);
        Value u = beginParallel(spans);
        SmallVector<Value> rows = rotateAt(e.muli(u, e.idx(span)));
        Value acc = k.i32(it, 0);
        for (Value x : rows) {
          Value a = qf::kernel::absBits(k, x);
          Value fin = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                            a, k.i32(it, 0x7F800000));
          a = arith::SelectOp::create(b, loc, fin, a, k.i32(it, 0));
          acc = arith::MaxSIOp::create(b, loc, acc, a);
        }
        Value r = vector::ReductionOp::create(
            b, loc, vector::CombiningKind::MAXSI, acc);
        memref::StoreOp::create(b, loc, r, partial, ValueRange{u});
      }
      auto loop = scf::ForOp::create(b, loc, e.idx(0), e.idx(spans), e.idx(1),
                                     ValueRange{k.i32(i32, 0)});
      {
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPointToStart(loop.getBody());
        Value v = memref::LoadOp::create(b, loc, partial,
                                         ValueRange{loop.getInductionVar()});
        Value m =
            arith::MaxSIOp::create(b, loc, loop.getRegionIterArgs()[0], v);
        scf::YieldOp::create(b, loc, m);
      }
      Value amaxBits = loop.getResult(0);
      double prod = nm::scaleMaxFinite(f.scale) * f.elementMax();
      float num = prod > double(FLT_MAX) ? FLT_MAX : float(prod);
      Value amax = arith::BitcastOp::create(b, loc, f32, amaxBits);
      Value sv = arith::DivFOp::create(b, loc, k.f32(f32, num), amax);
      Value ok = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLE, sv,
                                       k.f32(f32, FLT_MAX));
      sv = arith::SelectOp::create(b, loc, ok, sv, k.f32(f32, FLT_MAX));
      Value isZero = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ,
                                           sv, k.f32(f32, 0.0f));
      sv = arith::SelectOp::create(b, loc, isZero, k.f32(f32, 1.0f), sv);
      Value amaxZero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                             amaxBits, k.i32(i32, 0));
      sEnc = arith::SelectOp::create(b, loc, amaxZero, k.f32(f32, 1.0f), sv);
      Value gv = arith::DivFOp::create(b, loc, k.f32(f32, 1.0f), sEnc);
      tsBuf = memref::AllocOp::create(b, loc, MemRefType::get({}, f32));
      memref::StoreOp::create(b, loc, gv, tsBuf, ValueRange{});
    } else if (!mx) {
      sEnc = k.f32(f32, 1.0f);
    }

    {
      OpBuilder::InsertionGuard g(b);
      Value u = beginParallel(total / span);
      Value byteBase = e.muli(u, e.idx(span * bits / 8));
      Value scaleBase = e.muli(u, e.idx(span / bq));
      SmallVector<Value> rows = rotateAt(e.muli(u, e.idx(span)));

      // Quantize each block from the registers (QuantizeToVector's paths:
      // amax of |bits|, D3/D8 non-finite blocks, E8M0 shared exponent or
      // E4M3 block scale times S_enc).
      int64_t perBlock = bq / w;
      auto blockAmax = [&](int64_t j) {
        ArrayRef<Value> blk =
            ArrayRef<Value>(rows).slice(j * perBlock, perBlock);
        Value amaxV = qf::kernel::absBits(k, blk[0]);
        for (Value x : blk.drop_front())
          amaxV = arith::MaxSIOp::create(b, loc, amaxV,
                                         qf::kernel::absBits(k, x));
        return amaxV;
      };
      // From block amax bits (scalar i32 or vector<w x i32>): the stored
      // scale byte, the non-finite flag and the encode parameter (MX: the
      // exponent offset; E4M3: the element multiplier eb).
      auto scaleOf = [&](Value amax, Value &nanBlock, Value &param) {
        Type t = amax.getType();
        nanBlock = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge,
                                         amax, k.i32(t, 0x7F800000));
        if (mx) {
          Value xs = qf::kernel::mxScaleExponent(k, f, amax);
          param = f.elem.isInt()
                      ? arith::SubIOp::create(b, loc, xs,
                                              k.i32(t, f.elem.bits - 2))
                            .getResult()
                      : xs;
          return arith::SelectOp::create(
                     b, loc, nanBlock, k.i32(t, 0xFF),
                     arith::AddIOp::create(b, loc, xs, k.i32(t, 127)))
              .getResult();
        }
        Type ft = qf::kernel::KB::withElt(t, f32);
        Value se = isa<VectorType>(t)
                       ? vector::BroadcastOp::create(b, loc, ft, sEnc).getResult()
                       : sEnc;
        Value am = arith::BitcastOp::create(b, loc, ft, amax);
        Value tb = arith::DivFOp::create(b, loc, am,
                                         k.f32(ft, float(f.elementMax())));
        tb = arith::MulFOp::create(b, loc, tb, se);
        Value stored = qf::kernel::encodeScaleRNE(k, f.scale, tb);
        Value sf = qf::kernel::decodeScale(k, f.scale, stored);
        Value isZero = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ,
                                             sf, k.f32(ft, 0.0f));
        Value eb = arith::DivFOp::create(b, loc, se, sf);
        Value ok = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLE, eb,
                                         k.f32(ft, FLT_MAX));
        eb = arith::SelectOp::create(b, loc, ok, eb, k.f32(ft, FLT_MAX));
        param = arith::SelectOp::create(b, loc, isZero, k.f32(ft, 0.0f), eb);
        // D8: a block holding a non-finite value gets scale 0x7F (NaN).
        return arith::SelectOp::create(b, loc, nanBlock, k.i32(t, 0x7F),
                                       stored)
            .getResult();
      };
      auto encodeBlock = [&](int64_t j, Value paramV, Value nanV) {
        for (int64_t c = 0; c < perBlock; ++c) {
          Value x = rows[j * perBlock + c];
          Value codes =
              mx ? qf::kernel::encodeElements(k, f.elem, f.rounding, f.range,
                                              x, paramV)
                 : qf::kernel::encodeElements(
                       k, f.elem, f.rounding, f.range,
                       arith::MulFOp::create(b, loc, x, paramV),
                       k.i32(it, 0));
          codes = arith::SelectOp::create(b, loc, nanV, k.i32(it, 0), codes);
          Value bytes = qf::kernel::packCodes(k, bits, codes);
          Value at = e.addi(byteBase,
                            e.idx((j * perBlock + c) * w * int64_t(bits) / 8));
          vector::StoreOp::create(b, loc, bytes, packed1, ValueRange{at});
        }
      };
      int64_t blocks = span / bq;
      if (!grouped) {
        for (int64_t j = 0; j < blocks; ++j) {
          Value amax = vector::ReductionOp::create(
              b, loc, vector::CombiningKind::MAXSI, blockAmax(j));
          Value nanBlock, param;
          Value byte = scaleOf(amax, nanBlock, param);
          encodeBlock(j,
                      vector::BroadcastOp::create(b, loc, mx ? it : vt, param),
                      vector::BroadcastOp::create(b, loc, bt, nanBlock));
          Value sbyte = arith::TruncIOp::create(b, loc, b.getI8Type(), byte);
          memref::StoreOp::create(b, loc, sbyte, scales1,
                                  ValueRange{e.addi(scaleBase, e.idx(j))});
        }
      }
      for (int64_t g0 = 0; grouped && g0 < blocks; g0 += w) {
        // Transposing max tree: merging two vectors that hold nb blocks in
        // segments of seg lanes gives 2 nb blocks in segments of seg / 2.
        SmallVector<Value> vals;
        for (int64_t j = g0; j < g0 + w; ++j)
          vals.push_back(blockAmax(j));
        for (int64_t nb = 1, seg = w; vals.size() > 1; nb *= 2, seg /= 2) {
          SmallVector<Value> next;
          for (size_t i = 0; i < vals.size(); i += 2) {
            SmallVector<int64_t> lo, hi;
            for (int64_t off : {int64_t(0), w})
              for (int64_t sgm = 0; sgm < nb; ++sgm)
                for (int64_t t = 0; t < seg / 2; ++t) {
                  lo.push_back(off + sgm * seg + t);
                  hi.push_back(off + sgm * seg + seg / 2 + t);
                }
            Value a = vector::ShuffleOp::create(b, loc, vals[i], vals[i + 1], lo);
            Value c = vector::ShuffleOp::create(b, loc, vals[i], vals[i + 1], hi);
            next.push_back(arith::MaxSIOp::create(b, loc, a, c));
          }
          vals = std::move(next);
        }
        Value nanBlock, param;
        Value byte = scaleOf(vals[0], nanBlock, param);
        Value sbytes = arith::TruncIOp::create(
            b, loc, VectorType::get({w}, b.getI8Type()), byte);
        vector::StoreOp::create(b, loc, sbytes, scales1,
                                ValueRange{e.addi(scaleBase, e.idx(g0))});
        for (int64_t j = 0; j < w; ++j) {
          SmallVector<int64_t> lane(w, j);
          encodeBlock(g0 + j,
                      vector::ShuffleOp::create(b, loc, param, param, lane),
                      vector::ShuffleOp::create(b, loc, nanBlock, nanBlock,
                                                lane));
        }
      }
    }
    Value packedT1 = bufferization::ToTensorOp::create(
        b, loc, packedT, packedBuf, /*restrict=*/true, /*writable=*/true);
    Value scalesT1 = bufferization::ToTensorOp::create(
        b, loc, scalesT, scalesBuf, /*restrict=*/true, /*writable=*/true);
    SmallVector<Value> results = {packedT1, scalesT1};
    if (tsT)
      results.push_back(bufferization::ToTensorOp::create(
          b, loc, tsT, tsBuf, /*restrict=*/true, /*writable=*/true));
    rewriter.replaceOpWithMultiple(q, {results});
    rewriter.eraseOp(op);
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
