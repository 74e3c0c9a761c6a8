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

void emitHadamardQuantize(ConversionPatternRewriter &rewriter,
                        qf::HadamardOp op, qf::QuantizeOp q, Value input,
                        const qf::TargetInfo &target) {
  unsigned vw = target.getVectorWidth();
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
    sEnc = qf::kernel::tensorEncodeScale(k, f, loop.getResult(0));
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
    // The block's scale from its amax bits (scalar i32, or vector<w x
    // i32> for w blocks at once) and its codes, as the quantize kernel
    // computes them (qf::kernel::BlockCodec).
    qf::kernel::BlockCodec kn(b, loc, target, f, bits);
    auto scaleOf = [&](Value amax) {
      Value se = sEnc && isa<VectorType>(amax.getType())
                     ? vector::BroadcastOp::create(b, loc, vt, sEnc).getResult()
                     : sEnc;
      return kn.fromAmax(amax, se);
    };
    auto encodeBlock = [&](int64_t j, const qf::kernel::ScaleInfo &sv) {
      for (int64_t c = 0; c < perBlock; ++c) {
        Value at = e.addi(byteBase,
                          e.idx((j * perBlock + c) * w * int64_t(bits) / 8));
        kn.storeCodes(kn.encode(rows[j * perBlock + c], sv), packed1, at, {},
                      true);
      }
    };
    int64_t blocks = span / bq;
    if (!grouped) {
      for (int64_t j = 0; j < blocks; ++j) {
        Value amax = vector::ReductionOp::create(
            b, loc, vector::CombiningKind::MAXSI, blockAmax(j));
        qf::kernel::ScaleInfo s = scaleOf(amax);
        encodeBlock(j, kn.splatInfo(s));
        kn.storeScale(s.stored, scales1, e.addi(scaleBase, e.idx(j)));
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
      qf::kernel::ScaleInfo s = scaleOf(vals[0]);
      Value sbytes = arith::TruncIOp::create(
          b, loc, VectorType::get({w}, b.getI8Type()), s.stored);
      vector::StoreOp::create(b, loc, sbytes, scales1,
                              ValueRange{e.addi(scaleBase, e.idx(g0))});
      for (int64_t j = 0; j < w; ++j) {
        // Block j's scale in every lane.
        SmallVector<int64_t> lane(w, j);
        auto bcast = [&](Value v) -> Value {
          return v ? vector::ShuffleOp::create(b, loc, v, v, lane).getResult()
                   : v;
        };
        encodeBlock(g0 + j, {bcast(s.stored), bcast(s.kexp), bcast(s.eb),
                             bcast(s.nanBlock)});
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

} // namespace qf::cpu
