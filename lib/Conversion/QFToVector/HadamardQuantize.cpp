//===- HadamardQuantize.cpp - qf.quantize(qf.hadamard(x)) as one kernel --===//
//
// qf.quantize(qf.hadamard(x)) with both along the innermost axis and an MX
// or NV format (E8M0 or E4M3 block scales) is one kernel: each span of
// max(rotation block, quantization block) elements (or of vector-width
// blocks) is loaded once, rotated in registers and quantized from the
// registers (block amax, then the scale and codes of qf::kernel::BlockCodec,
// which the quantize kernel uses), so the rotated tensor never goes to
// memory and the bits are those of numerics::hadamardAlongAxis followed by
// numerics::quantize. NVFP4/NVINT4 rotate twice: once for the tensor amax,
// once to quantize.
//
//===----------------------------------------------------------------------===//
#include "Fwht.h"

#include "qf/Conversion/Kernels/BlockCodec.h"
#include "qf/Conversion/Kernels/Builder.h"
#include "qf/Conversion/Kernels/Codecs.h"
#include "qf/Conversion/Kernels/ScaleCodec.h"
#include "qf/Conversion/Kernels/TargetInfo.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"

#include <cfloat>
#include <cmath>

namespace qf::cpu {

qf::QuantizeOp fusableHadamardQuantize(qf::HadamardOp op, unsigned vw) {
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

namespace {

/// The fused kernel's state and its steps.
class HadamardQuantizeEmitter {
public:
  HadamardQuantizeEmitter(OpBuilder &b, qf::HadamardOp op, qf::QuantizeOp q,
                          const qf::TargetInfo &target)
      : b(b), loc(op.getLoc()), e(b, loc, target.getVectorWidth()),
        k{b, loc}, kn(b, loc, target, q.getResult().getType().getFormat().toNumerics(),
                      q.getResult().getType().getElementBits()),
        type(cast<RankedTensorType>(op.getInput().getType())),
        qt(q.getResult().getType()), f(kn.f), bits(kn.bits),
        w(target.getVectorWidth()), n(op.getBlock()), bq(f.blockSize) {
    int64_t unit = std::max(n, bq);
    // Grouped: w blocks at a time, their amaxes reduced together by a
    // transposing tree of shuffles and their scales computed in one vector
    // (as the row quantize kernel does), when a row holds whole groups.
    int64_t len = type.getDimSize(type.getRank() - 1);
    int64_t groupSpan = std::max(unit, w * bq);
    grouped = len % groupSpan == 0 && groupSpan / w <= 2 * kMaxRegisterRows;
    span = grouped ? groupSpan : unit;
    if (std::optional<int64_t> seed = op.getSeed()) {
      std::vector<int8_t> s =
          qf::numerics::randomSigns(static_cast<uint64_t>(*seed), n);
      sigma.assign(s.begin(), s.end());
    }
    scaleValue = float(1.0 / std::sqrt(double(n)));
    vt = VectorType::get({w}, b.getF32Type());
    it = VectorType::get({w}, b.getI32Type());
  }

  /// Buffers: the input read-only, the packed codes and the scales.
  void allocate(Value input) {
    Type f32 = b.getF32Type();
    Value in = bufferization::ToBufferOp::create(
        b, loc, MemRefType::get(type.getShape(), f32), input,
        /*read_only=*/true);
    auto memOf = [](RankedTensorType t) {
      return MemRefType::get(t.getShape(), t.getElementType());
    };
    packedBuf = memref::AllocOp::create(b, loc, memOf(qt.getPackedType()));
    scalesBuf = memref::AllocOp::create(b, loc, memOf(qt.getScalesType()));
    in1 = qf::kernel::flat(b, loc, in);
    packed1 = qf::kernel::flat(b, loc, packedBuf);
    scales1 = qf::kernel::flat(b, loc, scalesBuf);
  }

  /// The rotated span at element `base`, in registers: signs, in-register
  /// stages, stages across the vectors of each rotation block, one scaling
  /// (the library's order).
  SmallVector<Value> rotateAt(Value base) {
    RowView src{in1, base, e.idx(w), vt, Value()};
    int64_t chunks = span / w;
    SmallVector<Value> rows;
    for (int64_t c = 0; c < chunks; ++c) {
      kn.target.emitPrefetch(
          b, loc, in1,
          e.addi(base, e.idx(c * w + qf::kStreamPrefetchBytes / 4)));
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
  }

  /// One scf.parallel over `count` spans; moves the insertion point into
  /// its body and returns the span index.
  Value beginParallel(int64_t count) {
    auto par = scf::ParallelOp::create(b, loc, ValueRange{e.idx(0)},
                                       ValueRange{e.idx(count)},
                                       ValueRange{e.idx(1)});
    b.setInsertionPointToStart(par.getBody());
    return par.getInductionVars()[0];
  }

  /// Float scales: the tensor encode scale S_enc. Two-level formats take it
  /// from the finite amax of the rotated tensor (a first rotation pass, as
  /// the quantize kernel's tensor amax), and store g = 1 / S_enc.
  void emitTensorScale() {
    if (kn.isMX())
      return;
    Type i32 = b.getI32Type(), f32 = b.getF32Type();
    if (!f.tensorScale) {
      sEnc = k.f32(f32, 1.0f);
      return;
    }
    int64_t spans = type.getNumElements() / span;
    Value partial =
        memref::AllocOp::create(b, loc, MemRefType::get({spans}, i32));
    {
      OpBuilder::InsertionGuard g(b);
      Value u = beginParallel(spans);
      Value acc = k.i32(it, 0);
      for (Value x : rotateAt(e.muli(u, e.idx(span)))) {
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
    Value amax = qf::kernel::forLoopCarry(
        b, loc, e.idx(0), e.idx(spans), e.idx(1), k.i32(i32, 0),
        [&](OpBuilder &, Value i, Value acc) -> Value {
          Value v = memref::LoadOp::create(b, loc, partial, ValueRange{i});
          return arith::MaxSIOp::create(b, loc, acc, v);
        });
    sEnc = qf::kernel::tensorEncodeScale(k, f, amax);
    Value gv = arith::DivFOp::create(b, loc, k.f32(f32, 1.0f), sEnc);
    tsBuf = memref::AllocOp::create(b, loc, MemRefType::get({}, f32));
    memref::StoreOp::create(b, loc, gv, tsBuf, ValueRange{});
  }

  /// The second pass: each span rotated again and quantized from the
  /// registers, block by block or w blocks at a time.
  void emitQuantizeSpans() {
    OpBuilder::InsertionGuard g(b);
    Value u = beginParallel(type.getNumElements() / span);
    byteBase = e.muli(u, e.idx(span * bits / 8));
    scaleBase = e.muli(u, e.idx(span / bq));
    rows = rotateAt(e.muli(u, e.idx(span)));
    int64_t blocks = span / bq;
    if (!grouped) {
      for (int64_t j = 0; j < blocks; ++j) {
        Value amax = vector::ReductionOp::create(
            b, loc, vector::CombiningKind::MAXSI, blockAmax(j));
        qf::kernel::ScaleInfo s = scaleOf(amax);
        encodeBlock(j, kn.splatInfo(s));
        kn.storeScale(s.stored, scales1, e.addi(scaleBase, e.idx(j)));
      }
      return;
    }
    for (int64_t g0 = 0; g0 < blocks; g0 += w)
      quantizeGroup(g0);
  }

  /// The storage tensors; replaces the quantize and the hadamard.
  void finish(ConversionPatternRewriter &rewriter, qf::HadamardOp op,
              qf::QuantizeOp q) {
    SmallVector<Value> results = {
        qf::kernel::toTensor(b, loc, qt.getPackedType(), packedBuf),
        qf::kernel::toTensor(b, loc, qt.getScalesType(), scalesBuf)};
    if (RankedTensorType tsT = qt.getTensorScaleType())
      results.push_back(qf::kernel::toTensor(b, loc, tsT, tsBuf));
    rewriter.replaceOpWithMultiple(q, {results});
    rewriter.eraseOp(op);
  }

private:
  /// Lane-wise |bits| maximum of block j's vectors.
  Value blockAmax(int64_t j) {
    int64_t perBlock = bq / w;
    ArrayRef<Value> blk = ArrayRef<Value>(rows).slice(j * perBlock, perBlock);
    Value amaxV = qf::kernel::absBits(k, blk[0]);
    for (Value x : blk.drop_front())
      amaxV =
          arith::MaxSIOp::create(b, loc, amaxV, qf::kernel::absBits(k, x));
    return amaxV;
  }

  /// The block's scale from its amax bits (scalar i32, or vector<w x i32>
  /// for w blocks at once), as the quantize kernel computes it.
  qf::kernel::ScaleInfo scaleOf(Value amax) {
    Value se = sEnc && isa<VectorType>(amax.getType())
                   ? vector::BroadcastOp::create(b, loc, vt, sEnc).getResult()
                   : sEnc;
    return kn.fromAmax(amax, se);
  }

  /// Codes of block j under `sv` (vectors), packed and stored.
  void encodeBlock(int64_t j, const qf::kernel::ScaleInfo &sv) {
    int64_t perBlock = bq / w;
    for (int64_t c = 0; c < perBlock; ++c) {
      Value at = e.addi(byteBase,
                        e.idx((j * perBlock + c) * w * int64_t(bits) / 8));
      kn.storeCodes(kn.encode(rows[j * perBlock + c], sv), packed1, at, {},
                    true);
    }
  }

  /// Blocks g0 .. g0 + w - 1: their amaxes by a transposing max tree
  /// (merging two vectors that hold nb blocks in segments of seg lanes
  /// gives 2 nb blocks in segments of seg / 2), one vector of scales, then
  /// each block's codes with its scale in every lane.
  void quantizeGroup(int64_t g0) {
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
    qf::kernel::ScaleInfo s = scaleOf(vals[0]);
    Value sbytes = arith::TruncIOp::create(
        b, loc, VectorType::get({w}, b.getI8Type()), s.stored);
    vector::StoreOp::create(b, loc, sbytes, scales1,
                            ValueRange{e.addi(scaleBase, e.idx(g0))});
    for (int64_t j = 0; j < w; ++j) {
      SmallVector<int64_t> lane(w, j);
      encodeBlock(g0 + j, s.map([&](Value v) -> Value {
        return vector::ShuffleOp::create(b, loc, v, v, lane);
      }));
    }
  }

  OpBuilder &b;
  Location loc;
  FwhtEmitter e;
  qf::kernel::KB k;
  qf::kernel::BlockCodec kn;
  RankedTensorType type;
  qf::QTensorType qt;
  const qf::numerics::BlockFormat &f;
  unsigned bits;
  int64_t w, n, bq, span = 0;
  bool grouped = false;
  SmallVector<int8_t> sigma;
  float scaleValue = 1.0f;
  VectorType vt, it;
  Value in1, packedBuf, packed1, scalesBuf, scales1;
  Value sEnc, tsBuf;
  // The span being quantized (emitQuantizeSpans).
  Value byteBase, scaleBase;
  SmallVector<Value> rows;
};

} // namespace

void emitHadamardQuantize(ConversionPatternRewriter &rewriter,
                          qf::HadamardOp op, qf::QuantizeOp q, Value input,
                          const qf::TargetInfo &target) {
  HadamardQuantizeEmitter em(rewriter, op, q, target);
  em.allocate(input);
  em.emitTensorScale();
  em.emitQuantizeSpans();
  em.finish(rewriter, op, q);
}

} // namespace qf::cpu
