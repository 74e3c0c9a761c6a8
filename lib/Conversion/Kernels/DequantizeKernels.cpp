//===- DequantizeKernels.cpp - qf.dequantize and qf.requantize kernels ---===//
//
// Dequantize: the row and lane kernels of BlockView.h. Requantize between
// integer E8M0 formats: exponent arithmetic and shifts, no floating point.
//
//===----------------------------------------------------------------------===//
#include "BlockView.h"

#include "qf/Conversion/Kernels/BlockCodec.h"
#include "qf/Conversion/Kernels/BlockKernels.h"
#include "qf/Conversion/Kernels/Codecs.h"
#include "qf/Conversion/Kernels/ScaleCodec.h"
#include "qf/Conversion/Kernels/TargetInfo.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cfloat>
#include <numeric>

using namespace mlir;
namespace nm = qf::numerics;

namespace qf::kernel {

/// Emits a dequantize of storage `in` of type `t` into a float tensor of
/// type `resultT`.
Value emitDequantize(OpBuilder &b, Location loc, Storage in, qf::QTensorType t,
                     RankedTensorType resultT,
                     const TargetInfo &target) {
  unsigned vw = target.getVectorWidth();
  Idx ix{b, loc};
  // Sizes: from the packed tensor, with the innermost dim from the result
  // type when static, else recovered from the scales (dynamic innermost
  // means the blocked axis is not innermost and the scales keep that dim).
  SmallVector<Value> sizes = dimSizes(b, loc, in.packed);
  int64_t r = t.getRank();
  if (r > 0) {
    if (!ShapedType::isDynamic(t.getShape()[r - 1])) {
      sizes.back() = ix.c(t.getShape()[r - 1]);
    } else {
      // Scales have the non-blocked dims in order, the innermost one last
      // but one (the blocked axis is not innermost here).
      auto st = cast<RankedTensorType>(in.scales.getType());
      sizes.back() =
          tensor::DimOp::create(b, loc, in.scales, st.getRank() - 2).getResult();
    }
  }
  QView v = makeView(b, loc, t, sizes);
  BlockCodec kn(b, loc, target, v.f, v.bits);
  Value packedFlat = flat(b, loc, readBuffer(b, loc, in.packed));
  Value scalesFlat = flat(b, loc, readBuffer(b, loc, in.scales));
  Value g;
  if (in.ts)
    g = tensor::ExtractOp::create(b, loc, in.ts, ValueRange{});
  Value outBuf = allocBuffer(b, loc, resultT, sizes);
  Value outFlat = flat(b, loc, outBuf);

  if (v.rowKernel) {
    Value codesBuf;
    if (!rowKernelPacksInRegisters(v, vw)) {
      if (v.bits == 8) {
        codesBuf = packedFlat;
      } else {
        codesBuf = memref::AllocOp::create(
            b, loc, MemRefType::get({ShapedType::kDynamic}, b.getI8Type()),
            ValueRange{v.N}, b.getI64IntegerAttr(64));
        emitUnpackRows(kn, v, packedFlat, codesBuf);
      }
    }
    target.emitParallelLoop(b, loc, {v.P, v.nb}, [&](OpBuilder &nb, ValueRange ivs) {
      OpBuilder::InsertionGuard gd(b);
      b.setInsertionPointToEnd(nb.getInsertionBlock());
      Value p = ivs[0], blk = ivs[1];
      Value rowBase = ix.add(ix.mul(p, v.K), ix.mul(blk, v.L));
      Value stored = kn.loadScale(scalesFlat, ix.add(ix.mul(p, v.nb), blk));
      Value sv = vector::BroadcastOp::create(
          b, loc, VectorType::get({vw}, stored.getType()), stored);
      auto chunk = [&](Value start, Value valid, bool full) {
        Value at = ix.add(rowBase, start);
        Value codes;
        if (codesBuf) {
          VectorType c8 = VectorType::get({vw}, b.getI8Type());
          Value raw;
          if (full) {
            raw = vector::LoadOp::create(b, loc, c8, codesBuf, ValueRange{at});
          } else {
            Value pass = arith::ConstantOp::create(
                b, loc, c8, SplatElementsAttr::get(c8, b.getI8IntegerAttr(0)));
            raw = vector::MaskedLoadOp::create(b, loc, c8, codesBuf, ValueRange{at},
                                               kn.mask(valid, vw), pass);
          }
          codes = arith::ExtUIOp::create(
              b, loc, VectorType::get({vw}, b.getI32Type()), raw);
        } else {
          Value byteAt = ix.div(ix.mul(at, ix.c(v.bits)), ix.c(8));
          codes = kn.loadCodes(packedFlat, byteAt, valid, full);
        }
        kn.storeF32(kn.decode(codes, sv, g), outFlat, at, valid, full);
      };
      forEachChunk(b, loc, v.L, v.staticL, vw, chunk);
    });
    return toTensor(b, loc, resultT, outBuf);
  }

  // Lane kernel (axis not innermost, or one block for the whole tensor).
  LaneGeometry lg = laneGeometry(ix, v);
  Value P = lg.P, K = lg.K, Q1 = lg.Q1, W = lg.W, L = lg.L, nbk = lg.nb;
  Value chunks = ix.ceilDiv(W, vw);
  target.emitParallelLoop(b, loc, {P, Q1, chunks}, [&](OpBuilder &nb, ValueRange ivs) {
    OpBuilder::InsertionGuard gd(b);
    b.setInsertionPointToEnd(nb.getInsertionBlock());
    Value p = ivs[0], q1 = ivs[1], wc = ivs[2];
    Value w0 = ix.mul(wc, ix.c(vw));
    Value valid = ix.min(ix.sub(W, w0), ix.c(vw));
    Value m = kn.mask(valid, vw);
    forLoop(b, loc, ix.c(0), nbk, ix.c(1), [&](OpBuilder &, Value blk) {
      Value idx =
          laneScaleIndices(b, loc, lg, p, q1, w0, blk, vw, v.tensorBlock);
      Value stored = kn.gatherScales(scalesFlat, idx, m);
      forLoop(b, loc, ix.c(0), L, ix.c(1), [&](OpBuilder &, Value l) {
        Value kk = ix.add(ix.mul(blk, L), l);
        Value row = ix.add(ix.mul(ix.add(ix.mul(p, K), kk), Q1), q1);
        Value byteAt =
            ix.add(ix.mul(row, v.Wp), ix.div(ix.mul(w0, ix.c(v.bits)), ix.c(8)));
        Value codes = kn.loadCodes(packedFlat, byteAt, valid, false);
        Value at = ix.add(ix.mul(row, W), w0);
        kn.storeF32(kn.decode(codes, stored, g), outFlat, at, valid, false);
      });
    });
  });
  return toTensor(b, loc, resultT, outBuf);
}

//===----------------------------------------------------------------------===//
// Requantize between integer E8M0 formats: exponent arithmetic and shifts
//===----------------------------------------------------------------------===//

/// Whether emitRequantizeShift handles src -> dst: the integer path is exact
/// (numerics::requantizeIsShift) and the row kernel's straight-line shape
/// applies to both sides (same blocks along the same innermost axis, blocks
/// of at most 8 full vectors that pack in registers, static innermost dim).
bool canRequantizeByShift(qf::QTensorType src, qf::QTensorType dst,
                          const TargetInfo &target) {
  unsigned vw = target.getVectorWidth();
  nm::BlockFormat fs = src.getFormat().toNumerics();
  nm::BlockFormat fd = dst.getFormat().toNumerics();
  if (!nm::requantizeIsShift(fs, fd) || fs.blockKind != nm::BlockKind::Fixed ||
      fs.blockSize != fd.blockSize || src.getAxis() != dst.getAxis())
    return false;
  int64_t r = src.getRank();
  if (r == 0 || src.getAxis() != r - 1 ||
      ShapedType::isDynamic(src.getShape()[r - 1]))
    return false;
  int64_t L = fs.blockSize;
  for (unsigned bits : {src.getElementBits(), dst.getElementBits()}) {
    int64_t g = packGroup(bits);
    if (L % g != 0 || vw % g != 0)
      return false;
  }
  return L % vw == 0 && L / vw <= 8;
}

/// numerics::requantizeShift for one block per (row, block) iteration: the
/// codes are sign-extended, max |k| gives the block exponent (a compare
/// ladder for its highest bit, scalar), the destination's scale rule is an
/// integer compare on max |k|, and every code is shifted by the block's
/// d = xs - (b-2) - (xs_src - (a-2)) with its rounding as an added bias.
/// No floating point; requires canRequantizeByShift.
Storage emitRequantizeShift(OpBuilder &b, Location loc, Storage in,
                            qf::QTensorType src, qf::QTensorType dst,
                            const TargetInfo &target) {
  unsigned vw = target.getVectorWidth();
  Idx ix{b, loc};
  int64_t r = src.getRank();
  SmallVector<Value> sizes = dimSizes(b, loc, in.packed);
  sizes.back() = ix.c(src.getShape()[r - 1]);
  QView vs = makeView(b, loc, src, sizes);
  QView vd = makeView(b, loc, dst, sizes);
  BlockCodec ks(b, loc, target, vs.f, vs.bits);
  BlockCodec kd(b, loc, target, vd.f, vd.bits);
  const nm::BlockFormat &fd = vd.f;
  const int a = int(vs.bits), bb = int(vd.bits);
  const int qmax = (1 << (bb - 1)) - 1;
  const int qmin = fd.range == nm::IntRange::Full ? -qmax - 1 : -qmax;

  RankedTensorType packedT = dst.getPackedType(), scalesT = dst.getScalesType();
  SmallVector<Value> packedSizes(sizes);
  packedSizes.back() = vd.Wp;
  SmallVector<Value> scaleSizes(sizes.begin(), sizes.end() - 1);
  scaleSizes.push_back(vd.nb);
  Value packedBuf = allocBuffer(b, loc, packedT, packedSizes);
  Value scalesBuf = allocBuffer(b, loc, scalesT, scaleSizes);
  Value dstPacked = flat(b, loc, packedBuf),
        dstScales = flat(b, loc, scalesBuf);
  Value srcPacked = flat(b, loc, readBuffer(b, loc, in.packed));
  Value srcScales = flat(b, loc, readBuffer(b, loc, in.scales));
  int64_t nChunks = vs.staticL / vw;

  target.emitParallelLoop(b, loc, {vs.P, vs.nb}, [&](OpBuilder &nb, ValueRange ivs) {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToEnd(nb.getInsertionBlock());
    KB k{b, loc};
    Type i32 = b.getI32Type();
    VectorType vt = VectorType::get({vw}, i32);
    auto c = [&](int64_t v) { return k.i32(i32, v); };
    auto cv = [&](int64_t v) { return k.i32(vt, v); };
    auto splat = [&](Value v) -> Value {
      return vector::BroadcastOp::create(b, loc, vt, v);
    };
    auto cmp = [&](arith::CmpIPredicate p, Value x, Value y) -> Value {
      return arith::CmpIOp::create(b, loc, p, x, y);
    };
    auto add = [&](Value x, Value y) -> Value {
      return arith::AddIOp::create(b, loc, x, y);
    };
    auto sub = [&](Value x, Value y) -> Value {
      return arith::SubIOp::create(b, loc, x, y);
    };
    auto smax = [&](Value x, Value y) -> Value {
      return arith::MaxSIOp::create(b, loc, x, y);
    };
    auto smin = [&](Value x, Value y) -> Value {
      return arith::MinSIOp::create(b, loc, x, y);
    };
    auto sel = [&](Value cond, Value x, Value y) -> Value {
      return arith::SelectOp::create(b, loc, cond, x, y);
    };
    auto shl = [&](Value x, Value y) -> Value {
      return arith::ShLIOp::create(b, loc, x, y);
    };
    auto shru = [&](Value x, Value y) -> Value {
      return arith::ShRUIOp::create(b, loc, x, y);
    };

    Value p = ivs[0], blk = ivs[1];
    Value rowBase = ix.add(ix.mul(p, vs.K), ix.mul(blk, vs.L));
    Value scaleIdx = ix.add(ix.mul(p, vs.nb), blk);
    Value sb = ks.loadScale(srcScales, scaleIdx);

    // Signed codes and their magnitudes.
    SmallVector<Value> ks32, mags;
    Value m;
    for (int64_t ch = 0; ch < nChunks; ++ch) {
      Value at = ix.add(rowBase, ix.c(ch * vw));
      Value raw = ks.loadCodes(srcPacked, ix.div(ix.mul(at, ix.c(a)), ix.c(8)),
                               {}, true);
      Value kk =
          arith::ShRSIOp::create(b, loc, shl(raw, cv(32 - a)), cv(32 - a));
      Value mag = smax(kk, sub(cv(0), kk));
      ks32.push_back(kk);
      mags.push_back(mag);
      m = m ? smax(m, mag) : mag;
    }
    Value M =
        vector::ReductionOp::create(b, loc, vector::CombiningKind::MAXSI, m);

    // msb(M) for 0 < M <= 2^(a-1): a scalar compare ladder (no math.ctlz).
    Value msb = c(0);
    for (int i = 1; i < a; ++i)
      msb = add(msb, arith::ExtUIOp::create(b, loc, i32,
                                            cmp(arith::CmpIPredicate::sge, M,
                                                c(int64_t(1) << i))));
    Value xsSrc = sub(sb, c(127));
    Value e = add(msb, sub(xsSrc, c(a - 2)));
    // Non-finite: NaN source scale, or -2^(a-1) under 2^127 decoding to -Inf.
    Value nan =
        arith::OrIOp::create(b, loc, cmp(arith::CmpIPredicate::eq, sb, c(0xFF)),
                             cmp(arith::CmpIPredicate::sge, e, c(128)));
    Value zero = cmp(arith::CmpIPredicate::eq, M, c(0));
    // The scale rule on amax = M 2^(e - msb) (emax = 0 for integers).
    Value xs = e;
    if (fd.rule == nm::ScaleRule::Ceil) {
      // amax > Qmax 2^-(b-2) 2^e  <=>  M 2^(b-2) > Qmax 2^msb.
      Value up =
          cmp(arith::CmpIPredicate::sgt, shl(M, c(bb - 2)), shl(c(qmax), msb));
      xs = add(xs, arith::ExtUIOp::create(b, loc, i32, up));
    } else if (fd.rule == nm::ScaleRule::Even) {
      // significand >= 2 - 2^-(b-1)  <=>  M 2^(b-1) >= (2^b - 1) 2^msb.
      Value up = cmp(arith::CmpIPredicate::sge, shl(M, c(bb - 1)),
                     shl(c((1 << bb) - 1), msb));
      xs = add(xs, arith::ExtUIOp::create(b, loc, i32, up));
    }
    xs = smin(smax(xs, c(-127)), c(127));
    Value byte = sel(nan, c(0xFF), sel(zero, c(0), add(xs, c(127))));
    kd.storeScale(byte, dstScales, scaleIdx);

    // Shift of this block; zero and NaN blocks get any in-range amount
    // (their codes are 0 either way).
    Value d = sub(sub(xs, c(bb - 2)), sub(xsSrc, c(a - 2)));
    d = smin(smax(d, c(-8)), c(24));
    Value lsh = smax(sub(c(0), d), c(0)), rsh = smax(d, c(0));
    Value half = shru(shl(c(1), rsh), c(1));
    Value bias, oddMask;
    if (fd.rounding == nm::Rounding::NearestAway) {
      bias = half;
    } else {
      // x + (half - 1) + lsb(x >> R), then >> R: ties go to the even result.
      bias = smax(sub(half, c(1)), c(0));
      oddMask = arith::ExtUIOp::create(
          b, loc, i32, cmp(arith::CmpIPredicate::sgt, rsh, c(0)));
    }
    Value lshV = splat(lsh), rshV = splat(rsh), biasV = splat(bias);
    Value oddV = oddMask ? splat(oddMask) : Value();
    Value nanV = vector::BroadcastOp::create(
        b, loc, VectorType::get({vw}, b.getI1Type()), nan);
    for (int64_t ch = 0; ch < nChunks; ++ch) {
      Value x = shl(mags[ch], lshV);
      Value t = add(x, biasV);
      if (oddV)
        t = add(t, arith::AndIOp::create(b, loc, shru(x, rshV), oddV));
      Value q = shru(t, rshV);
      Value neg = cmp(arith::CmpIPredicate::slt, ks32[ch], cv(0));
      Value sq = sel(neg, sub(cv(0), q), q);
      sq = smax(smin(sq, cv(qmax)), cv(qmin));
      sq = sel(nanV, cv(0), sq);
      Value at = ix.add(rowBase, ix.c(ch * vw));
      kd.storeCodes(sq, dstPacked, ix.div(ix.mul(at, ix.c(bb)), ix.c(8)), {},
                    true);
    }
  });
  Storage out;
  out.packed = toTensor(b, loc, packedT, packedBuf);
  out.scales = toTensor(b, loc, scalesT, scalesBuf);
  return out;
}

} // namespace qf::kernel
