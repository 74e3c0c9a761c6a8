//===- MatmulTiles.cpp - Register tiles of the CPU block-scaled GEMM -----===//
//
// C[b, m, n] = sum_k A[b, m, k] * B[b, k, n] (B[b, n, k] with transpose_b),
// accumulated in f32, on buffers:
//
//  * Every output element is one dot product along K computed start to end
//    by one loop iteration: K is never split across threads, so the threaded
//    (scf.parallel -> OpenMP) and unthreaded programs agree bit for bit.
//  * An iteration computes an MT x NT register tile of outputs. K runs in
//    segments of g elements, g the gcd of the quantized operands' block
//    lengths along K, so that every segment lies inside one block of each
//    operand. A segment is a few chunks of C f32 lanes; each chunk of an
//    operand row is loaded once (packed bytes, unpacked and decoded with the
//    shared emitters, or floats widened to f32) and reused by the other
//    operand's NT (MT) rows. Products accumulate unscaled within the segment;
//    the partial sums are then multiplied by the product of the two block
//    scales and added to the f32 accumulators. Factors that do not change
//    along K (the MX integer unit 2^-(b-2), the NV tensor scale g) multiply
//    the reduced sum once.
//  * Formats without a fixed block along K (float operands, per-channel,
//    per-tensor) make K a single segment, which may be dynamic and have a
//    tail: the last chunk uses masked loads.
//  * Rows of B stored as [K, N] (no transpose_b) are gathered with a stride;
//    their codes are extracted bit by bit (the packing runs along N).
//  * 4-bit B along K (mxfp4, nvfp4, ... with transpose_b) takes its own tile
//    emitter, emitNibbleTile (MatmulNibbles.cpp): chunks of 2C elements
//    split into even and odd elements (the two nibbles of each byte, no
//    interleave; A split once per call), block scales folded into the
//    decoded weights, one accumulator per output. Its sums run in another
//    order than the segment scheme above.
//  * Float A times B blocked along K whose scale folds exactly into its
//    elements (Plan::folded: mxint8, mxfp8, ...) takes emitFoldedTile: each
//    B chunk decoded and multiplied by its block scale, one accumulator per
//    output, chunks in K order; no per-segment sums or scale fma.
//  * Which tile computes an output (tile shapes, the blocks of A row tiles
//    that emitLoop runs against one B tile) does not change its sum.
//
//===----------------------------------------------------------------------===//
#include "MatmulTiles.h"

#include "qf/Conversion/Kernels/BlockKernels.h"
#include "qf/Conversion/Kernels/Builder.h"
#include "qf/Conversion/Kernels/Codecs.h"
#include "qf/Conversion/Kernels/FusedKernels.h"
#include "qf/Conversion/Kernels/ScaleCodec.h"
#include "qf/Dialect/QF/IR/QF.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace mlir;
using qf::kernel::KB;
using Ix = qf::kernel::Idx;

namespace qf::cpu {


/// The next B tile of a thread (emitLoop's next iteration, or the next tile
/// of a band) is read from L3 or memory while this one computes from L1 and
/// L2; prefetching its rows at the K position this tile reads brings them
/// to L2 ahead of use (4-bit weights; docs/performance.md). Only a hint: no
/// value depends on it.
void prefetchNextB(OpBuilder &b, Location loc, const Plan &p, Value batch,
                   ArrayRef<Value> rowsN, Value k0) {
  if (!p.prefetchRows)
    return;
  const Operand &B = p.bOp;
  Ix ix{b, loc};
  for (Value r : rowsN) {
    Value nr = ix.add(r, ix.c(p.prefetchRows));
    Value at;
    if (B.tileRows) {
      at = tiledCodeByte(b, loc, B, nr, k0);
    } else {
      Value base = batch ? ix.mul(batch, B.batchStride) : ix.c(0);
      at = ix.add(ix.add(base, ix.mul(nr, B.rowStride)),
                  ix.div(ix.mul(k0, ix.c(B.bits)), ix.c(8)));
    }
    p.target->emitPrefetch(b, loc, B.flat, at); // clamped to the buffer
  }
}

/// Stores output (row m, column n) of one batch.
void storeOutput(OpBuilder &b, Location loc, const Plan &p, Value batch,
                 Value m, Value n, Value v) {
  if (p.scratch) {
    Ix ix{b, loc};
    Value at =
        p.scratchTransposed
            ? ix.add(ix.mul(ix.sub(n, p.scratchRow0), p.scratchN), m)
            : ix.add(ix.mul(ix.sub(m, p.scratchRow0), p.scratchN), n);
    memref::StoreOp::create(b, loc, v, p.scratch, ValueRange{at});
    return;
  }
  SmallVector<Value> idx;
  if (batch)
    idx.push_back(batch);
  idx.push_back(m);
  idx.push_back(n);
  memref::StoreOp::create(b, loc, v, p.out, idx);
}

Value zeroVec(OpBuilder &b, Location loc, VectorType t) {
  return arith::ConstantOp::create(b, loc, t, b.getZeroAttr(t));
}

static Value allTrue(OpBuilder &b, Location loc, int64_t n) {
  auto t = VectorType::get({n}, b.getI1Type());
  return arith::ConstantOp::create(b, loc, t, DenseElementsAttr::get(t, true));
}


/// vector<n x i32> [0, 1, ..., n-1] * mul + add (mul/add scalar i32).
static Value lanes(OpBuilder &b, Location loc, int64_t n, Value mul, Value add) {
  auto vt = VectorType::get({n}, b.getI32Type());
  Value v = arith::IndexCastOp::create(
      b, loc, vt,
      vector::StepOp::create(b, loc, VectorType::get({n}, b.getIndexType())));
  if (mul)
    v = arith::MulIOp::create(b, loc, v,
                              vector::BroadcastOp::create(b, loc, vt, mul));
  if (add)
    v = arith::AddIOp::create(b, loc, v,
                              vector::BroadcastOp::create(b, loc, vt, add));
  return v;
}


/// Decoded, unscaled values of `row` (m for A, n for B) at K positions
/// [k0, k0 + c) as vector<c x f32>; with `valid`, only the first `valid`
/// lanes are read and the others are 0.
Value loadChunk(OpBuilder &b, Location loc, const Operand &o, Value batch,
                Value row, Value k0, int64_t c, Value valid) {
  Ix ix{b, loc};
  KB k{b, loc};
  Type f32 = b.getF32Type(), i32 = b.getI32Type(), i8 = b.getI8Type();
  auto vf = VectorType::get({c}, f32);
  Value base = batch ? ix.mul(batch, o.batchStride) : ix.c(0);
  if (o.kInner)
    base = ix.add(base, ix.mul(row, o.rowStride));

  if (!o.quant) {
    auto vt = VectorType::get({c}, o.elt);
    Value v;
    if (o.kInner) {
      Value idx = ix.add(base, k0);
      if (!valid)
        v = vector::LoadOp::create(b, loc, vt, o.flat, ValueRange{idx});
      else
        v = vector::MaskedLoadOp::create(b, loc, vt, o.flat, ValueRange{idx},
                                         qf::kernel::laneMask(b, loc, valid, c),
                                         zeroVec(b, loc, vt));
    } else {
      Value idx = ix.add(ix.add(base, ix.mul(k0, o.rowStride)), row);
      Value offs = lanes(b, loc, c, ix.toI32(o.rowStride), Value());
      Value mask = valid ? qf::kernel::laneMask(b, loc, valid, c) : allTrue(b, loc, c);
      v = vector::GatherOp::create(b, loc, vt, o.flat, ValueRange{idx}, offs,
                                   mask, zeroVec(b, loc, vt));
    }
    if (o.elt != f32)
      v = arith::ExtFOp::create(b, loc, vf, v);
    return v;
  }

  unsigned bits = o.bits;
  auto vi = VectorType::get({c}, i32);
  Value codes;
  if (o.kInner && (c * bits) % 8 == 0) {
    // Whole bytes: one contiguous load, unpacked in registers.
    int64_t nb = c * bits / 8;
    auto vb = VectorType::get({nb}, i8);
    Value idx = o.tileRows
                    ? tiledCodeByte(b, loc, o, row, k0)
                    : ix.add(base, ix.div(ix.mul(k0, ix.c(bits)), ix.c(8)));
    Value bytes;
    if (!valid) {
      bytes = vector::LoadOp::create(b, loc, vb, o.flat, ValueRange{idx});
    } else {
      Value nbv =
          ix.min(ix.div(ix.add(ix.mul(valid, ix.c(bits)), ix.c(7)), ix.c(8)),
                 ix.c(nb));
      bytes = vector::MaskedLoadOp::create(b, loc, vb, o.flat, ValueRange{idx},
                                           qf::kernel::laneMask(b, loc, nbv, nb),
                                           zeroVec(b, loc, vb));
    }
    codes = qf::kernel::unpackCodes(k, bits, bytes, c);
  } else {
    // Any alignment: gather the (one or two) bytes that hold each code.
    auto vb = VectorType::get({c}, i8);
    Value mask = valid ? qf::kernel::laneMask(b, loc, valid, c) : allTrue(b, loc, c);
    bool straddles = 8 % bits != 0;
    Value idx, offs0, offs1, shift;
    if (o.kInner) {
      Value bitPos =
          lanes(b, loc, c, k.i32(i32, bits), ix.toI32(ix.mul(k0, ix.c(bits))));
      offs0 = arith::ShRUIOp::create(b, loc, bitPos, k.i32(vi, 3));
      shift = arith::AndIOp::create(b, loc, bitPos, k.i32(vi, 7));
      if (straddles)
        offs1 = arith::MinUIOp::create(
            b, loc, arith::AddIOp::create(b, loc, offs0, k.i32(vi, 1)),
            vector::BroadcastOp::create(b, loc, vi,
                                        ix.toI32(ix.sub(o.rowStride, ix.c(1)))));
      idx = base;
    } else {
      Value colBit = ix.mul(row, ix.c(bits));
      Value colByte = ix.div(colBit, ix.c(8));
      shift = vector::BroadcastOp::create(b, loc, vi,
                                          ix.toI32(ix.rem(colBit, ix.c(8))));
      offs0 = lanes(b, loc, c, ix.toI32(o.rowStride), Value());
      if (straddles) {
        // The next byte of the row, where there is one (a code that
        // straddles always has it).
        Value hasNext =
            arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                  ix.add(colByte, ix.c(1)), o.rowStride);
        Value step = arith::SelectOp::create(b, loc, hasNext, k.i32(i32, 1),
                                             k.i32(i32, 0));
        offs1 = arith::AddIOp::create(
            b, loc, offs0, vector::BroadcastOp::create(b, loc, vi, step));
      }
      idx = ix.add(ix.add(base, ix.mul(k0, o.rowStride)), colByte);
    }
    Value b0 = vector::GatherOp::create(b, loc, vb, o.flat, ValueRange{idx},
                                        offs0, mask, zeroVec(b, loc, vb));
    Value w = arith::ExtUIOp::create(b, loc, vi, b0);
    if (straddles) {
      Value b1 = vector::GatherOp::create(b, loc, vb, o.flat, ValueRange{idx},
                                          offs1, mask, zeroVec(b, loc, vb));
      w = arith::OrIOp::create(
          b, loc, w,
          arith::ShLIOp::create(b, loc, arith::ExtUIOp::create(b, loc, vi, b1),
                                k.i32(vi, 8)));
    }
    codes = arith::ShRUIOp::create(b, loc, w, shift);
  }
  return qf::kernel::decodeElementsFast(k, o.fmt.elem, codes);
}

/// The stored scale (a byte, or a float) of the block of `row` that holds K
/// position `k0`.
static Value loadStoredScale(OpBuilder &b, Location loc, const Operand &o,
                             Value batch, Value row, Value k0) {
  Ix ix{b, loc};
  SmallVector<Value> idx;
  Value mem = o.scales;
  if (o.tileRows) {
    mem = o.scalesFlat;
    idx.push_back(tiledScaleIndex(b, loc, o, row, ix.div(k0, o.blockLen)));
  } else if (o.fmt.blockKind != nm::BlockKind::Tensor) {
    if (batch)
      idx.push_back(batch);
    idx.push_back(row);
    idx.push_back(o.blockLen ? ix.div(k0, ix.c(o.blockLen)) : ix.c(0));
  }
  return memref::LoadOp::create(b, loc, mem, idx);
}

/// The decoded f32 scale of the block of `row` that holds K position `k0`.
Value loadScale(OpBuilder &b, Location loc, const Operand &o, Value batch,
                Value row, Value k0) {
  KB k{b, loc};
  Value s = loadStoredScale(b, loc, o, batch, row, k0);
  if (o.scaleTable)
    return qf::kernel::decodeScaleByTable(k, o.scaleTable, s);
  if (s.getType().isInteger(8))
    s = arith::ExtUIOp::create(b, loc, b.getI32Type(), s);
  return qf::kernel::decodeScaleFast(k, o.fmt.scale, s);
}

Value mulf(OpBuilder &b, Location loc, Value x, Value y) {
  if (!x)
    return y;
  if (!y)
    return x;
  return arith::MulFOp::create(b, loc, x, y);
}

/// Computes and stores the outputs [rowsM] x [rowsN] of one batch.
void emitTile(OpBuilder &b, Location loc, const Plan &p, Value batch,
              ArrayRef<Value> rowsM, ArrayRef<Value> rowsN) {
  Ix ix{b, loc};
  int64_t mt = rowsM.size(), nt = rowsN.size(), c = p.chunk;
  auto vf = VectorType::get({c}, b.getF32Type());
  bool scaled = p.a.quant || p.bOp.quant;

  // parts[i * nt + j] += A[i] chunk * B[j] chunk.
  auto chunkStep = [&](OpBuilder &bb, Value k0, Value valid,
                       SmallVector<Value> &parts) {
    SmallVector<Value> av, bv;
    prefetchNextB(bb, loc, p, batch, rowsN, k0);
    for (Value r : rowsM)
      av.push_back(loadChunk(bb, loc, p.a, batch, r, k0, c, valid));
    for (Value r : rowsN)
      bv.push_back(loadChunk(bb, loc, p.bOp, batch, r, k0, c, valid));
    for (int64_t i = 0; i < mt; ++i)
      for (int64_t j = 0; j < nt; ++j)
        parts[i * nt + j] =
            vector::FMAOp::create(bb, loc, av[i], bv[j], parts[i * nt + j]);
  };
  // Product of the two block scales of output (i, j) at K position k0.
  auto scaleProducts = [&](OpBuilder &bb, Value k0) {
    SmallVector<Value> sa(mt), sb(nt), s;
    if (p.a.quant)
      for (int64_t i = 0; i < mt; ++i)
        sa[i] = loadScale(bb, loc, p.a, batch, rowsM[i], k0);
    if (p.bOp.quant)
      for (int64_t j = 0; j < nt; ++j)
        sb[j] = loadScale(bb, loc, p.bOp, batch, rowsN[j], k0);
    for (int64_t i = 0; i < mt; ++i)
      for (int64_t j = 0; j < nt; ++j)
        s.push_back(mulf(bb, loc, sa[i], sb[j]));
    return s;
  };

  Value zero = zeroVec(b, loc, vf);
  SmallVector<Value> sums; // reduced, scaled per segment, f32 scalars
  if (p.singleSegment) {
    Value nFull = ix.div(p.kSize, ix.c(c));
    SmallVector<Value> init(mt * nt, zero);
    auto loop = scf::ForOp::create(
        b, loc, ix.c(0), nFull, ix.c(1), init,
        [&](OpBuilder &bb, Location, Value iv, ValueRange iter) {
          Ix jx{bb, loc};
          SmallVector<Value> parts(iter);
          chunkStep(bb, jx.mul(iv, jx.c(c)), Value(), parts);
          scf::YieldOp::create(bb, loc, parts);
        });
    SmallVector<Value> parts(loop.getResults());
    if (p.kStatic < 0 || p.kStatic % c != 0) {
      Value k0 = ix.mul(nFull, ix.c(c));
      chunkStep(b, k0, ix.sub(p.kSize, k0), parts);
    }
    SmallVector<Value> s;
    if (scaled)
      s = scaleProducts(b, ix.c(0));
    for (int64_t t = 0; t < mt * nt; ++t) {
      Value r = vector::ReductionOp::create(b, loc, vector::CombiningKind::ADD,
                                            parts[t]);
      sums.push_back(scaled ? mulf(b, loc, r, s[t]) : r);
    }
  } else {
    int64_t perSeg = p.seg / c;
    SmallVector<Value> init(mt * nt, zero);
    auto loop = scf::ForOp::create(
        b, loc, ix.c(0), p.kSize, ix.c(p.seg), init,
        [&](OpBuilder &bb, Location, Value kSeg, ValueRange iter) {
          Ix jx{bb, loc};
          SmallVector<Value> parts(mt * nt, zeroVec(bb, loc, vf));
          if (perSeg <= 4) {
            for (int64_t q = 0; q < perSeg; ++q)
              chunkStep(bb, jx.add(kSeg, jx.c(q * c)), Value(), parts);
          } else {
            auto inner = scf::ForOp::create(
                bb, loc, jx.c(0), jx.c(p.seg), jx.c(c), parts,
                [&](OpBuilder &b3, Location, Value off, ValueRange it3) {
                  Ix kx{b3, loc};
                  SmallVector<Value> pp(it3);
                  chunkStep(b3, kx.add(kSeg, off), Value(), pp);
                  scf::YieldOp::create(b3, loc, pp);
                });
            parts.assign(inner.getResults().begin(), inner.getResults().end());
          }
          SmallVector<Value> s = scaleProducts(bb, kSeg);
          SmallVector<Value> acc(iter);
          for (int64_t t = 0; t < mt * nt; ++t)
            acc[t] = vector::FMAOp::create(
                bb, loc, parts[t],
                vector::BroadcastOp::create(bb, loc, vf, s[t]), acc[t]);
          scf::YieldOp::create(bb, loc, acc);
        });
    for (Value acc : loop.getResults())
      sums.push_back(
          vector::ReductionOp::create(b, loc, vector::CombiningKind::ADD, acc));
  }

  Value factor = mulf(b, loc, p.a.factor, p.bOp.factor);
  for (int64_t i = 0; i < mt; ++i)
    for (int64_t j = 0; j < nt; ++j) {
      Value v = mulf(b, loc, sums[i * nt + j], factor);
      storeOutput(b, loc, p, batch, rowsM[i], rowsN[j], v);
    }
}

/// The chunks [k0, k0 + n C) of one block of an 8-bit integer row with an
/// E8M0 scale 2^(E-127), decoded and scaled: code x (two's complement) and
/// u = x + 128 = x ^ 0x80 in [0, 255]; with K = ((E + 23) << 23) | 0x80,
/// the float of bits zext(x) ^ K is 2^(E-104) + u 2^(E-127) = s (2^23 + u)
/// and the float of bits K is s (2^23 + 128), so their difference is s x,
/// exactly (the two lie in one binade; s x is an f32, subnormal included).
/// An integer xor and one f32 subtract instead of a convert and a
/// multiply, which run on the fma ports. Needs E + 23 <= 254: blocks with
/// E > 231 (scales above 2^104, and the NaN scale) take the convert and
/// the multiply, same bits.
static SmallVector<Value> scaledInt8Block(OpBuilder &b, Location loc,
                                          const Operand &o, Value batch,
                                          Value row, Value k0, int64_t c,
                                          int64_t n) {
  KB k{b, loc};
  Type i32 = b.getI32Type();
  auto vf = VectorType::get({c}, b.getF32Type());
  auto vi = VectorType::get({c}, i32);
  Value e = arith::ExtUIOp::create(
      b, loc, i32, loadStoredScale(b, loc, o, batch, row, k0));
  Value fast = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule, e,
                                     k.i32(i32, 231));
  auto chunkAt = [&](Ix &jx, int64_t q) { return jx.add(k0, jx.c(q * c)); };
  auto ifOp = scf::IfOp::create(
      b, loc, fast,
      [&](OpBuilder &bb, Location) {
        Ix jx{bb, loc};
        KB kk{bb, loc};
        Value kBits = arith::OrIOp::create(
            bb, loc,
            arith::ShLIOp::create(
                bb, loc, arith::AddIOp::create(bb, loc, e, kk.i32(i32, 23)),
                kk.i32(i32, 23)),
            kk.i32(i32, 0x80));
        Value kv = vector::BroadcastOp::create(bb, loc, vi, kBits);
        Value cv = arith::BitcastOp::create(bb, loc, vf, kv);
        Value base = batch ? jx.mul(batch, o.batchStride) : jx.c(0);
        base = jx.add(base, jx.mul(row, o.rowStride));
        SmallVector<Value> out;
        for (int64_t q = 0; q < n; ++q) {
          Value at = o.tileRows ? tiledCodeByte(bb, loc, o, row, chunkAt(jx, q))
                                : jx.add(base, chunkAt(jx, q));
          Value bytes = vector::LoadOp::create(
              bb, loc, VectorType::get({c}, bb.getI8Type()), o.flat,
              ValueRange{at});
          Value w = arith::XOrIOp::create(
              bb, loc, arith::ExtUIOp::create(bb, loc, vi, bytes), kv);
          out.push_back(arith::SubFOp::create(
              bb, loc, arith::BitcastOp::create(bb, loc, vf, w), cv));
        }
        scf::YieldOp::create(bb, loc, out);
      },
      [&](OpBuilder &bb, Location) {
        Ix jx{bb, loc};
        Value sv = vector::BroadcastOp::create(
            bb, loc, vf, loadScale(bb, loc, o, batch, row, k0));
        SmallVector<Value> out;
        for (int64_t q = 0; q < n; ++q)
          out.push_back(arith::MulFOp::create(
              bb, loc,
              loadChunk(bb, loc, o, batch, row, chunkAt(jx, q), c, Value()),
              sv));
        scf::YieldOp::create(bb, loc, out);
      });
  return SmallVector<Value>(ifOp.getResults());
}

/// Computes and stores the outputs [rowsM] x [rowsN] of one batch for a
/// folded plan: K in blocks of B (blockLen, a multiple of C), each chunk of C
/// lanes of a B row decoded and multiplied by the row's block scale (exact:
/// choosePlan checks scaleFoldsExactly), so every product is A times the
/// dequantized B element (before the K-invariant factors). One vector
/// accumulator per output takes the chunks in K order; the lanes are
/// reduced at the end and multiplied by the factors.
void emitFoldedTile(OpBuilder &b, Location loc, const Plan &p, Value batch,
                    ArrayRef<Value> rowsM, ArrayRef<Value> rowsN) {
  Ix ix{b, loc};
  int64_t mt = rowsM.size(), nt = rowsN.size(), c = p.chunk;
  const Operand &B = p.bOp;
  int64_t blk = B.blockLen, perBlock = blk / c;
  auto vf = VectorType::get({c}, b.getF32Type());

  // accs[i * nt + j] += A[i] chunk * (B[j] chunk * scale) at k0.
  auto chunkStep = [&](OpBuilder &bb, Value k0, ArrayRef<Value> sv,
                       SmallVector<Value> &accs) {
    SmallVector<Value> bv;
    prefetchNextB(bb, loc, p, batch, rowsN, k0);
    for (int64_t j = 0; j < nt; ++j)
      bv.push_back(arith::MulFOp::create(
          bb, loc, loadChunk(bb, loc, B, batch, rowsN[j], k0, c, Value()),
          sv[j]));
    for (int64_t i = 0; i < mt; ++i) {
      Value a = loadChunk(bb, loc, p.a, batch, rowsM[i], k0, c, Value());
      for (int64_t j = 0; j < nt; ++j)
        accs[i * nt + j] =
            vector::FMAOp::create(bb, loc, a, bv[j], accs[i * nt + j]);
    }
  };
  SmallVector<Value> init(mt * nt, zeroVec(b, loc, vf));
  // 8-bit integer codes with E8M0 scales, in whole bytes along K: the
  // scaled weights without a convert and a multiply (scaledInt8Block).
  bool int8 = B.fmt.elem.isInt() && B.bits == 8 &&
              B.fmt.scale == nm::ScaleType::E8M0 && B.kInner &&
              perBlock <= 4;
  auto loop = scf::ForOp::create(
      b, loc, ix.c(0), p.kSize, ix.c(blk), init,
      [&](OpBuilder &bb, Location, Value kb, ValueRange iter) {
        Ix jx{bb, loc};
        SmallVector<Value> sv, accs(iter);
        if (int8) {
          SmallVector<SmallVector<Value>> bv;
          prefetchNextB(bb, loc, p, batch, rowsN, kb);
          for (Value r : rowsN)
            bv.push_back(scaledInt8Block(bb, loc, B, batch, r, kb, c,
                                         perBlock));
          for (int64_t q = 0; q < perBlock; ++q)
            for (int64_t i = 0; i < mt; ++i) {
              Value a = loadChunk(bb, loc, p.a, batch, rowsM[i],
                                  jx.add(kb, jx.c(q * c)), c, Value());
              for (int64_t j = 0; j < nt; ++j)
                accs[i * nt + j] = vector::FMAOp::create(bb, loc, a, bv[j][q],
                                                         accs[i * nt + j]);
            }
          scf::YieldOp::create(bb, loc, accs);
          return;
        }
        for (Value r : rowsN)
          sv.push_back(vector::BroadcastOp::create(
              bb, loc, vf, loadScale(bb, loc, B, batch, r, kb)));
        if (perBlock <= 4) {
          for (int64_t q = 0; q < perBlock; ++q)
            chunkStep(bb, jx.add(kb, jx.c(q * c)), sv, accs);
        } else {
          auto inner = scf::ForOp::create(
              bb, loc, jx.c(0), jx.c(blk), jx.c(c), accs,
              [&](OpBuilder &b3, Location, Value off, ValueRange it3) {
                Ix kx{b3, loc};
                SmallVector<Value> aa(it3);
                chunkStep(b3, kx.add(kb, off), sv, aa);
                scf::YieldOp::create(b3, loc, aa);
              });
          accs.assign(inner.getResults().begin(), inner.getResults().end());
        }
        scf::YieldOp::create(bb, loc, accs);
      });
  Value factor = mulf(b, loc, p.a.factor, B.factor);
  for (int64_t i = 0; i < mt; ++i)
    for (int64_t j = 0; j < nt; ++j) {
      Value v = vector::ReductionOp::create(b, loc, vector::CombiningKind::ADD,
                                            loop.getResult(i * nt + j));
      storeOutput(b, loc, p, batch, rowsM[i], rowsN[j],
                  mulf(b, loc, v, factor));
    }
}

void emitPlanTile(OpBuilder &b, Location loc, const Plan &p, Value batch,
                  ArrayRef<Value> rowsM, ArrayRef<Value> rowsN) {
  if (p.nibbles)
    emitNibbleTile(b, loc, p, batch, rowsM, rowsN);
  else if (p.folded)
    emitFoldedTile(b, loc, p, batch, rowsM, rowsN);
  else
    emitTile(b, loc, p, batch, rowsM, rowsN);
}

/// One scf.parallel over (batch, blocks of row tiles of A, row tiles of B);
/// an iteration runs the A tiles of its block in order against one B tile
/// (tiles of mt x nt outputs starting at mLo + t*mt, nLo + u*nt). The B
/// tile's rows stay in L1 across the block and the block's A rows in L2, so
/// B streams from memory once per block of A rows, not once per A tile.
/// Every output is still computed by one tile from start to end.
void emitLoop(OpBuilder &b, Location loc, const Plan &p, Value batches,
              Value mLo, Value mTiles, int64_t mt, Value nLo, Value nTiles,
              int64_t nt) {
  Ix ix{b, loc};
  int64_t per = std::max<int64_t>(1, p.rowTilesPerBlock);
  SmallVector<Value> lbs, ubs, steps;
  if (p.batched) {
    lbs.push_back(ix.c(0));
    ubs.push_back(batches);
    steps.push_back(ix.c(1));
  }
  lbs.append({ix.c(0), ix.c(0)});
  ubs.append({ix.ceilDiv(mTiles, per), nTiles});
  steps.append({ix.c(1), ix.c(1)});
  scf::ParallelOp::create(
      b, loc, lbs, ubs, steps, [&](OpBuilder &bb, Location, ValueRange ivs) {
        Ix jx{bb, loc};
        Value batch = p.batched ? ivs[0] : Value();
        Value blk = ivs[p.batched ? 1 : 0], tn = ivs[p.batched ? 2 : 1];
        Value n0 = jx.add(nLo, jx.mul(tn, jx.c(nt)));
        SmallVector<Value> rn;
        for (int64_t j = 0; j < nt; ++j)
          rn.push_back(j ? jx.add(n0, jx.c(j)) : n0);
        Value t0 = jx.mul(blk, jx.c(per));
        qf::kernel::forLoop(
            bb, loc, t0, jx.min(jx.add(t0, jx.c(per)), mTiles), jx.c(1),
            [&](OpBuilder &b3, Value tm) {
              Ix kx{b3, loc};
              Value m0 = kx.add(mLo, kx.mul(tm, kx.c(mt)));
              SmallVector<Value> rm;
              for (int64_t i = 0; i < mt; ++i)
                rm.push_back(i ? kx.add(m0, kx.c(i)) : m0);
              emitPlanTile(b3, loc, p, batch, rm, rn);
            });
      });
}

} // namespace qf::cpu
