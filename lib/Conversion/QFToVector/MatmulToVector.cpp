//===- MatmulToVector.cpp - qf.matmul as a block-scaled GEMM/GEMV ---------===//
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
//    emitter, emitNibbleTile: chunks of 2C elements split into even and odd
//    elements (the two nibbles of each byte, no interleave), block scales
//    folded into the decoded weights, one accumulator per output. Its sums
//    run in another order than the segment scheme above.
//
//===----------------------------------------------------------------------===//
#include "qf/Conversion/QFToVector/QFToVector.h"

#include "qf/Conversion/Kernels/BlockKernels.h"
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

#include <cmath>
#include <numeric>

using namespace mlir;
namespace nm = qf::numerics;
using qf::kernel::KB;
using Ix = qf::kernel::Idx;

namespace {


/// One operand as rows along K. The data buffer is viewed flat (1-D); an
/// element is addressed through the storage strides of the original shape.
struct Operand {
  bool quant = false;
  nm::BlockFormat fmt;
  unsigned bits = 0;    ///< code bits (quantized)
  Type elt;             ///< value type (float operand)
  Value nd;             ///< the N-D buffer (for sizes)
  Value flat;           ///< the same buffer, 1-D
  Value scales;         ///< N-D block scales (quantized)
  Value scaleTable;     ///< decoded byte scales (qf::kernel::scaleTable)
  Value tensorScale;    ///< loaded f32 tensor decode scale, or null
  bool kInner = true;   ///< K is the innermost (contiguous) dimension
  int64_t blockLen = 0; ///< fixed block along K; 0: one scale over K
  Value batchStride;    ///< storage units per batch
  Value rowStride;      ///< per row (kInner) or per k (strided)
  Value factor;         ///< K-invariant f32 factor, or null
};

/// Everything the tile emitter needs.
struct Plan {
  Operand a, bOp;
  bool batched = false;
  Value kSize;          ///< K (index)
  int64_t kStatic = -1; ///< K if static
  bool singleSegment = true;
  int64_t seg = 0;    ///< segment length g (blocked)
  int64_t chunk = 16; ///< C: f32 lanes per chunk
  Value out;          ///< output buffer [batch?, M, N]
  /// 4-bit B along K: emitNibbleTile (see there) instead of emitTile.
  bool nibbles = false;
  const qf::TargetInfo *target = nullptr; ///< decode hooks (4-bit lookups)
  /// Epilogue: outputs go to a band buffer [rows, N] (1-D, rows from
  /// scratchRow0) instead of `out`; transposed: [columns, M], columns from
  /// scratchRow0, scratchN = M.
  Value scratch, scratchRow0, scratchN;
  bool scratchTransposed = false;
};

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

Value allTrue(OpBuilder &b, Location loc, int64_t n) {
  auto t = VectorType::get({n}, b.getI1Type());
  return arith::ConstantOp::create(b, loc, t, DenseElementsAttr::get(t, true));
}


/// vector<n x i32> [0, 1, ..., n-1] * mul + add (mul/add scalar i32).
Value lanes(OpBuilder &b, Location loc, int64_t n, Value mul, Value add) {
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
    Value idx = ix.add(base, ix.div(ix.mul(k0, ix.c(bits)), ix.c(8)));
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

/// The decoded f32 scale of the block of `row` that holds K position `k0`.
Value loadScale(OpBuilder &b, Location loc, const Operand &o, Value batch,
                Value row, Value k0) {
  Ix ix{b, loc};
  KB k{b, loc};
  SmallVector<Value> idx;
  if (o.fmt.blockKind != nm::BlockKind::Tensor) {
    if (batch)
      idx.push_back(batch);
    idx.push_back(row);
    idx.push_back(o.blockLen ? ix.div(k0, ix.c(o.blockLen)) : ix.c(0));
  }
  Value s = memref::LoadOp::create(b, loc, o.scales, idx);
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

/// Significant bits of an operand's decoded elements and of its block scale:
/// where they add up to at most 24, every decoded element times its block
/// scale is exact in f32 (barring overflow to infinity, which dequantize
/// has too), so the scale can be folded into the elements.
bool scaleFoldsExactly(const nm::BlockFormat &f) {
  int elemBits = f.elem.isInt() ? f.elem.bits - 1 : f.elem.manBits + 1;
  return elemBits + qf::kernel::scaleSignificantBits(f.scale) <= 24;
}

/// Computes and stores the outputs [rowsM] x [rowsN] of one batch when B
/// holds 4-bit codes along K (Plan::nibbles). K runs in chunks of 2C
/// elements, C bytes of each B row. The low nibbles of a chunk are the even
/// elements and the high nibbles the odd ones, so instead of interleaving
/// the decoded weights (which costs more than decoding them), the A chunk
/// is split into its even and odd elements once and reused by every B row:
///
///   acc += A[k0, k0+2, ...] * B[k0, k0+2, ...]
///   acc += A[k0+1, k0+3, ...] * B[k0+1, k0+3, ...]
///
/// (one accumulator per output: a tile's B rows give enough independent
/// FMA chains, and a 4 x 2 GEMM tile stays within 32 registers).
/// Block scales are folded into the decoded elements (exact, see
/// scaleFoldsExactly): with a fast lookup16 into a 16-entry table of decoded
/// codes that one vpermps per C weights indexes (when a chunk holds two
/// blocks, the unscaled table and a multiply by the two scales' lanes),
/// otherwise decoded values times the scale. Both give the same bits, and each
/// product is the product of the dequantized operands; the K-invariant factors
/// multiply the sum.
void emitNibbleTile(OpBuilder &b, Location loc, const Plan &p, Value batch,
                    ArrayRef<Value> rowsM, ArrayRef<Value> rowsN) {
  Ix ix{b, loc};
  KB k{b, loc};
  int64_t mt = rowsM.size(), nt = rowsN.size(), c = p.chunk;
  Type f32 = b.getF32Type(), i8 = b.getI8Type();
  auto vf = VectorType::get({c}, f32);
  const Operand &A = p.a, &B = p.bOp;
  bool twoBlocks = B.blockLen == c; // a chunk of 2C holds two B blocks
  Value table = p.target->hasFastLookup16(p.chunk) ? qf::kernel::elementTable(k, B.fmt.elem) : Value();
  // Lanes C/2.. of both halves lie in the second block of a chunk.
  Value upper;
  if (twoBlocks) {
    SmallVector<bool> m(c, false);
    for (int64_t l = c / 2; l < c; ++l)
      m[l] = true;
    auto vb = VectorType::get({c}, b.getI1Type());
    upper = arith::ConstantOp::create(b, loc, vb,
                                      DenseElementsAttr::get(vb, ArrayRef(m)));
  }
  SmallVector<int64_t> evenIdx, oddIdx;
  for (int64_t l = 0; l < c; ++l) {
    evenIdx.push_back(2 * l);
    oddIdx.push_back(2 * l + 1);
  }
  auto bytesOf = [&](OpBuilder &bb, const Operand &o, Value row, Value k0) {
    Ix jx{bb, loc};
    Value base = batch ? jx.mul(batch, o.batchStride) : jx.c(0);
    base = jx.add(base, jx.mul(row, o.rowStride));
    Value idx = jx.add(base, jx.div(k0, jx.c(2)));
    return vector::LoadOp::create(bb, loc, VectorType::get({c}, i8), o.flat,
                                  ValueRange{idx});
  };

  auto chunkStep = [&](OpBuilder &bb, Value k0, SmallVector<Value> &accs) {
    Ix jx{bb, loc};
    KB kk{bb, loc};
    auto bcast = [&](Value s) {
      return vector::BroadcastOp::create(bb, loc, vf, s).getResult();
    };
    // A: even and odd elements, scaled.
    SmallVector<Value> ae, ao;
    for (Value r : rowsM) {
      Value e, o;
      if (A.quant && A.bits == 4) {
        auto [ce, co] = qf::kernel::splitNibbles(kk, bytesOf(bb, A, r, k0));
        e = qf::kernel::decodeElementsFast(kk, A.fmt.elem, ce, p.target);
        o = qf::kernel::decodeElementsFast(kk, A.fmt.elem, co, p.target);
      } else {
        Value v = loadChunk(bb, loc, A, batch, r, k0, 2 * c, Value());
        e = vector::ShuffleOp::create(bb, loc, v, v, evenIdx);
        o = vector::ShuffleOp::create(bb, loc, v, v, oddIdx);
      }
      if (A.quant) {
        Value s = bcast(loadScale(bb, loc, A, batch, r, k0));
        e = arith::MulFOp::create(bb, loc, e, s);
        o = arith::MulFOp::create(bb, loc, o, s);
      }
      ae.push_back(e);
      ao.push_back(o);
    }
    // B: decoded and scaled even and odd elements.
    SmallVector<Value> be, bo;
    for (Value r : rowsN) {
      auto [ce, co] = qf::kernel::splitNibbles(kk, bytesOf(bb, B, r, k0));
      Value s0 = loadScale(bb, loc, B, batch, r, k0);
      Value s1 = twoBlocks
                     ? loadScale(bb, loc, B, batch, r, jx.add(k0, jx.c(c)))
                     : Value();
      Value e, o;
      if (table && !twoBlocks) {
        // One block: the scale goes into the table (16 products, not 2C).
        Value t = arith::MulFOp::create(
            bb, loc, table,
            vector::BroadcastOp::create(bb, loc, table.getType(), s0));
        e = qf::kernel::lookup16(kk, t, ce);
        o = qf::kernel::lookup16(kk, t, co);
      } else {
        Value sv = bcast(s0);
        if (twoBlocks)
          sv = arith::SelectOp::create(bb, loc, upper, bcast(s1), sv);
        e = arith::MulFOp::create(
            bb, loc,
            qf::kernel::decodeElementsFast(kk, B.fmt.elem, ce, p.target),
            sv);
        o = arith::MulFOp::create(
            bb, loc,
            qf::kernel::decodeElementsFast(kk, B.fmt.elem, co, p.target),
            sv);
      }
      be.push_back(e);
      bo.push_back(o);
    }
    for (int64_t i = 0; i < mt; ++i)
      for (int64_t j = 0; j < nt; ++j) {
        Value &acc = accs[i * nt + j];
        acc = vector::FMAOp::create(bb, loc, ae[i], be[j], acc);
        acc = vector::FMAOp::create(bb, loc, ao[i], bo[j], acc);
      }
  };

  SmallVector<Value> init(mt * nt, zeroVec(b, loc, vf));
  auto loop = scf::ForOp::create(
      b, loc, ix.c(0), p.kSize, ix.c(2 * c), init,
      [&](OpBuilder &bb, Location, Value k0, ValueRange iter) {
        SmallVector<Value> accs(iter);
        chunkStep(bb, k0, accs);
        scf::YieldOp::create(bb, loc, accs);
      });
  Value factor = mulf(b, loc, p.a.factor, p.bOp.factor);
  for (int64_t i = 0; i < mt; ++i)
    for (int64_t j = 0; j < nt; ++j) {
      Value v = vector::ReductionOp::create(b, loc, vector::CombiningKind::ADD,
                                            loop.getResult(i * nt + j));
      v = mulf(b, loc, v, factor);
      storeOutput(b, loc, p, batch, rowsM[i], rowsN[j], v);
    }
}

/// One scf.parallel over (batch, row tiles of A, row tiles of B): tiles of
/// mt x nt outputs starting at mLo + t*mt, nLo + u*nt.
void emitLoop(OpBuilder &b, Location loc, const Plan &p, Value batches,
              Value mLo, Value mTiles, int64_t mt, Value nLo, Value nTiles,
              int64_t nt) {
  Ix ix{b, loc};
  SmallVector<Value> lbs, ubs, steps;
  if (p.batched) {
    lbs.push_back(ix.c(0));
    ubs.push_back(batches);
    steps.push_back(ix.c(1));
  }
  lbs.append({ix.c(0), ix.c(0)});
  ubs.append({mTiles, nTiles});
  steps.append({ix.c(1), ix.c(1)});
  scf::ParallelOp::create(
      b, loc, lbs, ubs, steps, [&](OpBuilder &bb, Location, ValueRange ivs) {
        Ix jx{bb, loc};
        Value batch = p.batched ? ivs[0] : Value();
        Value tm = ivs[p.batched ? 1 : 0], tn = ivs[p.batched ? 2 : 1];
        Value m0 = jx.add(mLo, jx.mul(tm, jx.c(mt)));
        Value n0 = jx.add(nLo, jx.mul(tn, jx.c(nt)));
        SmallVector<Value> rm, rn;
        for (int64_t i = 0; i < mt; ++i)
          rm.push_back(i ? jx.add(m0, jx.c(i)) : m0);
        for (int64_t j = 0; j < nt; ++j)
          rn.push_back(j ? jx.add(n0, jx.c(j)) : n0);
        if (p.nibbles)
          emitNibbleTile(bb, loc, p, batch, rm, rn);
        else
          emitTile(bb, loc, p, batch, rm, rn);
      });
}

using qf::kernel::cloneScalarSlice;

/// A size known statically or computed at run time.
struct Size {
  int64_t s = ShapedType::kDynamic;
  Value v;
};

/// An elementwise epilogue and quantized result of a contraction.
struct Epilogue {
  qf::QTensorType type;  ///< the result (last axis possibly padded); null:
                         ///< an f32 result [B,] M x N
  bool transposed = false; ///< result rows are product columns
  int64_t rowLen = 0;      ///< elements of a result row before padding
  Block *body;
  SmallVector<Value> inputs; ///< f32 tensors read at `maps`
  SmallVector<AffineMap> maps; ///< from the row shape, one per input
  Value scales, tensorScale; ///< static scales, or null
};

/// How the band kernel reads an epilogue input along a result row: the
/// row shape's element (identity), the column's (a bias over the last axis,
/// `(..., j) -> (j)`), or one value for the whole row (`(..., i, j) ->
/// (..., i)`, flat over the batch; or `(..., i, j) -> (i)`, the same for
/// every batch). Other broadcasts take the unfused program.
enum class EpRead { Full, Column, Row, BatchRow, Other };

EpRead classifyEpilogueMap(AffineMap map) {
  int64_t r = map.getNumDims();
  if (map.isIdentity())
    return EpRead::Full;
  if (map.getNumResults() == 1 && map.getDimPosition(0) == unsigned(r - 1))
    return EpRead::Column;
  if (map == AffineMap::getMultiDimIdentityMap(r, map.getContext())
                 .getMajorSubMap(r - 1))
    return EpRead::Row;
  if (r >= 2 && map.getNumResults() == 1 &&
      map.getDimPosition(0) == unsigned(r - 2))
    return EpRead::BatchRow;
  return EpRead::Other;
}

/// qf.matmul as a kernel. Without `ep`: returns the f32 result tensor. With
/// `ep`: the epilogue and row encoding run on bands of output rows held in
/// a thread-local buffer; returns the storage tensors (the caller checks
/// epilogueFusable first). With `ep` and `rhs2T` (a dual GEMM), the band of
/// lhs * rhs2 goes to a second buffer, computed by the tile emitter that
/// qf.matmul of lhs and rhs2 would use, and is the body's second argument.
FailureOr<SmallVector<Value>>
emitMatmul(ConversionPatternRewriter &rewriter, Operation *op, Type lhsT,
           Type rhsT, bool tb, ValueRange lhsStorage, ValueRange rhsStorage,
           RankedTensorType resultT, const qf::CPUTargetInfo &target,
           const Epilogue *ep, Type rhs2T = Type(),
           ValueRange rhs2Storage = {}) {
  Location loc = op->getLoc();
  int64_t rank = isa<qf::QTensorType>(lhsT)
                     ? cast<qf::QTensorType>(lhsT).getRank()
                     : cast<RankedTensorType>(lhsT).getRank();
  // The verifier checks this too; a kernel that silently read blocks
  // across K would compute something else, so check again here.
  auto checkAxis = [&](Type t, int64_t kAxis,
                       StringRef name) -> LogicalResult {
    auto q = dyn_cast<qf::QTensorType>(t);
    if (!q || q.getFormat().getBlockKind() == qf::BlockKind::Tensor ||
        q.getAxis() == kAxis)
      return success();
    return op->emitOpError()
           << "cannot lower to a CPU kernel: " << name
           << " is blocked along axis " << q.getAxis()
           << ", but the kernel needs blocks along the reduction axis "
           << kAxis;
  };
  if (failed(checkAxis(lhsT, rank - 1, "lhs")) ||
      failed(checkAxis(rhsT, tb ? rank - 1 : rank - 2, "rhs")) ||
      (rhs2T && failed(checkAxis(rhs2T, tb ? rank - 1 : rank - 2, "rhs2"))))
    return failure();
  bool dual = bool(rhs2T);
  if (dual && !ep)
    return op->emitOpError("a second product needs the fused epilogue");

  Plan p;
  p.batched = rank == 3;

  auto setup = [&](Type t, ValueRange storage, bool kInner,
                   Operand &o) -> LogicalResult {
    o.kInner = kInner;
    auto toBuffer = [&](Value tensor) -> Value {
      auto tt = cast<RankedTensorType>(tensor.getType());
      return bufferization::ToBufferOp::create(
          rewriter, loc, MemRefType::get(tt.getShape(), tt.getElementType()),
          tensor, /*read_only=*/true);
    };
    if (auto q = dyn_cast<qf::QTensorType>(t)) {
      if (storage.size() < 2)
        return op->emitOpError("expected the storage tensors of ") << t;
      o.quant = true;
      o.fmt = q.getFormat().toNumerics();
      o.bits = q.getElementBits();
      o.nd = toBuffer(storage[0]);
      o.scales = toBuffer(storage[1]);
      KB k{rewriter, loc};
      o.scaleTable = qf::kernel::scaleTable(
          k, op->getParentOfType<ModuleOp>(), o.fmt.scale);
      if (q.getFormat().getBlockKind() == qf::BlockKind::Fixed)
        o.blockLen = q.getFormat().getBlockSize();
      if (o.fmt.tensorScale) {
        if (storage.size() < 3)
          return op->emitOpError("expected a tensor scale for ") << t;
        o.tensorScale = memref::LoadOp::create(
            rewriter, loc, toBuffer(storage[2]), ValueRange{});
      }
      if (o.fmt.elem.isInt() && o.fmt.scale == nm::ScaleType::E8M0)
        o.factor = arith::ConstantOp::create(
            rewriter, loc,
            rewriter.getF32FloatAttr(std::ldexp(1.0f, 2 - int(o.bits))));
      o.factor = mulf(rewriter, loc, o.factor, o.tensorScale);
    } else {
      if (storage.size() != 1)
        return op->emitOpError("expected one float tensor for ") << t;
      o.elt = cast<RankedTensorType>(t).getElementType();
      o.nd = toBuffer(storage[0]);
    }
    Ix ix{rewriter, loc};
    auto mt = cast<MemRefType>(o.nd.getType());
    auto dim = [&](int64_t i) -> Value {
      if (!mt.isDynamicDim(i))
        return ix.c(mt.getDimSize(i));
      return memref::DimOp::create(rewriter, loc, o.nd, i);
    };
    o.rowStride = dim(rank - 1);
    o.batchStride = ix.mul(dim(rank - 2), dim(rank - 1));
    ReassociationIndices all;
    for (int64_t i = 0; i < rank; ++i)
      all.push_back(i);
    o.flat = memref::CollapseShapeOp::create(
        rewriter, loc, o.nd, ArrayRef<ReassociationIndices>{all});
    return success();
  };
  if (failed(setup(lhsT, lhsStorage, true, p.a)) ||
      failed(setup(rhsT, rhsStorage, tb, p.bOp)))
    return failure();
  // The second product: the same lhs (set up once), its own rhs.
  Plan p2;
  p2.batched = p.batched;
  p2.a = p.a;
  if (dual && failed(setup(rhs2T, rhs2Storage, tb, p2.bOp)))
    return failure();

  // Logical sizes: prefer static ones; a packed innermost dimension of
  // sub-byte codes does not give back the element count.
  auto shapeOf = [](Type t) -> ArrayRef<int64_t> {
    if (auto q = dyn_cast<qf::QTensorType>(t))
      return q.getShape();
    return cast<RankedTensorType>(t).getShape();
  };
  ArrayRef<int64_t> as = shapeOf(lhsT), bs = shapeOf(rhsT),
                    cs = resultT.getShape();
  Ix ix{rewriter, loc};
  struct Src {
    const Operand *o;
    ArrayRef<int64_t> shape;
    int64_t d;
  };
  auto size = [&](ArrayRef<Src> srcs, int64_t resultDim,
                  StringRef what) -> FailureOr<Size> {
    Size s;
    if (resultDim >= 0 && !ShapedType::isDynamic(cs[resultDim]))
      s.s = cs[resultDim];
    for (const Src &x : srcs)
      if (!ShapedType::isDynamic(x.shape[x.d]))
        s.s = x.shape[x.d];
    if (!ShapedType::isDynamic(s.s)) {
      s.v = ix.c(s.s);
      return s;
    }
    for (const Src &x : srcs) {
      bool packedDim = x.o->quant && x.d == rank - 1 && x.o->bits != 8;
      if (!packedDim) {
        s.v = memref::DimOp::create(rewriter, loc, x.o->nd, x.d);
        return s;
      }
    }
    return op->emitOpError() << "cannot lower to a CPU kernel: the " << what
                            << " size is dynamic and only stored in packed "
                               "sub-byte codes";
  };
  int64_t r = rank;
  FailureOr<Size> mS = size({{&p.a, as, r - 2}}, r - 2, "M");
  FailureOr<Size> nS = size({{&p.bOp, bs, tb ? r - 2 : r - 1}}, r - 1, "N");
  FailureOr<Size> kS =
      size({{&p.a, as, r - 1}, {&p.bOp, bs, tb ? r - 1 : r - 2}}, -1, "K");
  if (failed(mS) || failed(nS) || failed(kS))
    return failure();
  Size batchS;
  if (p.batched) {
    FailureOr<Size> bS = size({{&p.a, as, 0}, {&p.bOp, bs, 0}}, 0, "batch");
    if (failed(bS))
      return failure();
    batchS = *bS;
  }
  p.kSize = kS->v;
  p.kStatic = ShapedType::isDynamic(kS->s) ? -1 : kS->s;
  p2.kSize = p.kSize;
  p2.kStatic = p.kStatic;

  // The summation scheme of a plan depends only on its two operands, so
  // each product of a dual GEMM sums as its own qf.matmul does.
  int64_t pref = std::max<int64_t>(target.getVectorWidth(), 8);
  auto choose = [&](Plan &p) {
    // Segments and chunk width.
    int64_t g = 0;
    for (const Operand *o : {&p.a, &p.bOp})
      if (o->quant && o->blockLen)
        g = g ? std::gcd(g, o->blockLen) : o->blockLen;
    if (!g || g == p.kStatic) {
      p.singleSegment = true;
      p.chunk = pref;
    } else {
      p.singleSegment = false;
      p.seg = g;
      int64_t c = std::min(pref, g);
      while (g % c)
        --c;
      p.chunk = c;
    }

    // 4-bit B along K: whole chunks of 2C elements, one or two B blocks per
    // chunk, A blocks no shorter than a chunk, scales that fold exactly.
    {
      int64_t c = pref, two = 2 * pref;
      const Operand &A = p.a, &B = p.bOp;
      bool bOk = B.quant && B.bits == 4 && B.kInner && B.blockLen > 0 &&
                 (B.blockLen % two == 0 || B.blockLen == c) &&
                 scaleFoldsExactly(B.fmt);
      bool aOk = !A.quant || (A.blockLen > 0 && A.blockLen % two == 0 &&
                              scaleFoldsExactly(A.fmt));
      if ((c == 8 || c == 16) && bOk && aOk && p.kStatic > 0 &&
          p.kStatic % two == 0) {
        p.nibbles = true;
        p.chunk = c;
        p.target = &target;
      }
    }
  };
  choose(p);
  if (dual)
    choose(p2);

  // Register tiles: up to 4 rows of A; B rows 4 at a time for GEMV, 2
  // otherwise (accumulators + partial sums stay within 32 registers).
  // Remainder rows run in loops of tile size 1.
  auto tileOf = [](const Size &s, int64_t pref) {
    return ShapedType::isDynamic(s.s)
               ? pref
               : std::max<int64_t>(1, std::min(pref, s.s));
  };
  auto tiles = [&](const Plan &p) {
    int64_t mt = tileOf(*mS, 4);
    int64_t nt = tileOf(*nS, mt == 1 ? 4 : 2);
    if (p.chunk > 16) {
      mt = std::min<int64_t>(mt, 2);
      nt = std::min<int64_t>(nt, 2);
    }
    return std::make_pair(mt, nt);
  };
  int64_t mt = tiles(p).first, nt = tiles(p).second, nt2 = 0;
  // A dual GEMM shares the band of rows; tile shapes do not change sums.
  if (dual) {
    mt = std::min(mt, tiles(p2).first);
    nt2 = tiles(p2).second;
  }
  struct Part {
    Value lo, tiles;
    int64_t t;
  };
  auto split = [&](const Size &s, int64_t t) {
    SmallVector<Part> parts;
    Value full = ix.div(s.v, ix.c(t));
    bool isStatic = !ShapedType::isDynamic(s.s);
    if (!isStatic || s.s / t > 0)
      parts.push_back({ix.c(0), full, t});
    if (t > 1 && (!isStatic || s.s % t != 0)) {
      Value lo = ix.mul(full, ix.c(t));
      parts.push_back({lo, ix.sub(s.v, lo), 1});
    }
    return parts;
  };

  if (!ep) {
    SmallVector<Value> dynSizes;
    if (p.batched && resultT.isDynamicDim(0))
      dynSizes.push_back(batchS.v);
    if (resultT.isDynamicDim(r - 2))
      dynSizes.push_back(mS->v);
    if (resultT.isDynamicDim(r - 1))
      dynSizes.push_back(nS->v);
    auto outT = MemRefType::get(cs, rewriter.getF32Type());
    p.out = memref::AllocOp::create(rewriter, loc, outT, dynSizes,
                                    rewriter.getI64IntegerAttr(64));
    for (const Part &pm : split(*mS, mt))
      for (const Part &pn : split(*nS, nt))
        emitLoop(rewriter, loc, p, batchS.v, pm.lo, pm.tiles, pm.t, pn.lo,
                 pn.tiles, pn.t);
    Value result = bufferization::ToTensorOp::create(
        rewriter, loc, resultT, p.out, /*restrict=*/true, /*writable=*/true);
    return SmallVector<Value>{result};
  }

  // Epilogue: one parallel iteration per band of output rows (and batch).
  // The band's outputs go to a thread-local buffer (computed by the same
  // tile emitters, so every f32 output has the bits of the unfused matmul),
  // then each row runs its row reductions and the body and is encoded block
  // by block. A band is mt rows of M, each of length L = N; with
  // transpose_result it is nt columns of N, each a result row of length
  // L = M (the tiles store transposed). Result rows longer than L (padded)
  // read zeros past L.
  bool tr = ep->transposed;
  const Size &bandS = tr ? *nS : *mS; // the result rows
  int64_t bandTile = tr ? nt : mt;
  int64_t L = ep->rowLen;
  int64_t Lp = ep->type ? ep->type.getShape().back() : L;
  bool padded = Lp > L;
  unsigned vw = target.getVectorWidth();
  if (tr && dual)
    return op->emitOpError("cannot lower a dual GEMM with transpose_result");
  SmallVector<Value> sizes;
  if (p.batched)
    sizes.push_back(batchS.v);
  sizes.push_back(bandS.v);
  sizes.push_back(ix.c(Lp));
  FailureOr<qf::kernel::RowQuantizeOutput> out;
  Value f32Out, f32Flat; // an f32 result: [B,] M x N, and viewed 1-D
  if (ep->type) {
    out = qf::kernel::beginRowQuantize(rewriter, loc, ep->type, sizes,
                                       ep->scales, ep->tensorScale);
    if (failed(out))
      return op->emitOpError("cannot encode the epilogue result ") << ep->type;
  } else {
    SmallVector<Value> dynSizes;
    if (p.batched && resultT.isDynamicDim(0))
      dynSizes.push_back(batchS.v);
    if (resultT.isDynamicDim(r - 2))
      dynSizes.push_back(mS->v);
    f32Out = memref::AllocOp::create(
        rewriter, loc, MemRefType::get(cs, rewriter.getF32Type()), dynSizes,
        rewriter.getI64IntegerAttr(64));
    ReassociationIndices all;
    for (int64_t d = 0; d < r; ++d)
      all.push_back(d);
    f32Flat = memref::CollapseShapeOp::create(
        rewriter, loc, f32Out, ArrayRef<ReassociationIndices>{all});
  }
  SmallVector<Value> epFlat;
  SmallVector<EpRead> epRead;
  for (auto [t, map] : llvm::zip(ep->inputs, ep->maps)) {
    auto tt = cast<RankedTensorType>(t.getType());
    Value buf = bufferization::ToBufferOp::create(
        rewriter, loc, MemRefType::get(tt.getShape(), tt.getElementType()), t,
        /*read_only=*/true);
    epRead.push_back(classifyEpilogueMap(map));
    if (tt.getRank() == 1) {
      epFlat.push_back(buf);
      continue;
    }
    ReassociationIndices all;
    for (int64_t d = 0; d < tt.getRank(); ++d)
      all.push_back(d);
    epFlat.push_back(memref::CollapseShapeOp::create(
        rewriter, loc, buf, ArrayRef<ReassociationIndices>{all}));
  }
  auto f32 = rewriter.getF32Type();
  auto vt = VectorType::get({int64_t(vw)}, f32);
  SmallVector<qf::RowReduceOp> reductions(
      ep->body->getOps<qf::RowReduceOp>());
  for (const Part &pb : split(bandS, bandTile)) {
    SmallVector<Value> lbs, ubs, steps;
    if (p.batched) {
      lbs.push_back(ix.c(0));
      ubs.push_back(batchS.v);
      steps.push_back(ix.c(1));
    }
    lbs.push_back(ix.c(0));
    ubs.push_back(pb.tiles);
    steps.push_back(ix.c(1));
    scf::ParallelOp::create(
        rewriter, loc, lbs, ubs, steps,
        [&](OpBuilder &bb, Location, ValueRange ivs) {
          Ix jx{bb, loc};
          Value batch = p.batched ? ivs[0] : Value();
          Value r0 = jx.add(pb.lo, jx.mul(ivs.back(), jx.c(pb.t)));
          // The band buffer is allocated per iteration (a thread's; the
          // deallocation pipeline frees it at the end of the iteration). A
          // stack buffer would need memref.alloca_scope, whose single block
          // does not survive scf-to-cf.
          auto bandT = MemRefType::get({pb.t * L}, f32);
          Value band = memref::AllocOp::create(bb, loc, bandT, ValueRange{},
                                               bb.getI64IntegerAttr(64));
          Value band2;
          if (dual)
            band2 = memref::AllocOp::create(bb, loc, bandT, ValueRange{},
                                            bb.getI64IntegerAttr(64));
          // A reduced value that the body also uses elsewhere (softmax's
          // exp, summed and then divided) is kept per row while it is
          // reduced and read back, not computed twice.
          SmallVector<Value> stashes;
          for (qf::RowReduceOp red : reductions)
            stashes.push_back(
                qf::kernel::rowReduceStashed(red)
                    ? memref::AllocOp::create(bb, loc, bandT, ValueRange{},
                                              bb.getI64IntegerAttr(64))
                          .getResult()
                    : Value());
          SmallVector<Value> rb; // the band's rows (of M, or of N)
          for (int64_t i = 0; i < pb.t; ++i)
            rb.push_back(i ? jx.add(r0, jx.c(i)) : r0);
          // Tiles along the other axis: all of N (or all of M).
          auto bandOf = [&](const Plan &src, Value buf, int64_t otherTile) {
            Plan q = src;
            q.scratch = buf;
            q.scratchRow0 = r0;
            q.scratchN = jx.c(L);
            q.scratchTransposed = tr;
            for (const Part &po : split(tr ? *mS : *nS, otherTile)) {
              scf::ForOp::create(
                  bb, loc, jx.c(0), po.tiles, jx.c(1), ValueRange{},
                  [&](OpBuilder &b3, Location, Value u, ValueRange) {
                    Ix kx{b3, loc};
                    Value o0 = kx.add(po.lo, kx.mul(u, kx.c(po.t)));
                    SmallVector<Value> ro;
                    for (int64_t j = 0; j < po.t; ++j)
                      ro.push_back(j ? kx.add(o0, kx.c(j)) : o0);
                    ArrayRef<Value> rm = tr ? ArrayRef<Value>(ro) : rb;
                    ArrayRef<Value> rn = tr ? ArrayRef<Value>(rb) : ro;
                    if (q.nibbles)
                      emitNibbleTile(b3, loc, q, batch, rm, rn);
                    else
                      emitTile(b3, loc, q, batch, rm, rn);
                    scf::YieldOp::create(b3, loc);
                  });
            }
          };
          bandOf(p, band, tr ? mt : nt);
          if (dual)
            bandOf(p2, band2, nt2);
          for (int64_t i = 0; i < pb.t; ++i) {
            Value row = rb[i];
            if (batch)
              row = jx.add(jx.mul(batch, bandS.v), row);
            Value rowBase = jx.mul(row, jx.c(Lp)); // in the (padded) result
            Value inBase = jx.mul(row, jx.c(L));   // in the epilogue inputs
            Value bandBase = jx.c(i * L);
            // Where epilogue input k holds column `c` of this row.
            Value bandRow = rb[i];
            auto epAt = [&](OpBuilder &eb, size_t k, Value c) -> Value {
              Ix ex{eb, loc};
              switch (epRead[k]) {
              case EpRead::Column:
                return c;
              case EpRead::Row:
                return row;
              case EpRead::BatchRow:
                return bandRow;
              default:
                return ex.add(inBase, c);
              }
            };
            auto perRow = [&](size_t k) {
              return epRead[k] == EpRead::Row || epRead[k] == EpRead::BatchRow;
            };
            // Row reductions, in body order: a sequential scalar loop over
            // the row's L elements each, as the unfused linalg reduction
            // lowered to loops runs.
            SmallVector<std::pair<Value, Value>> scalars =
                qf::kernel::emitRowReductionLoops(
                    bb, loc, reductions, stashes, bandBase, jx.c(L),
                    [&](OpBuilder &b3, Value l, IRMapping &m) {
                    Ix kx{b3, loc};
                    Block *body = ep->body;
                    unsigned a = 0;
                    m.map(body->getArgument(a++),
                          memref::LoadOp::create(b3, loc, band,
                                                 ValueRange{kx.add(bandBase, l)})
                              .getResult());
                    if (band2)
                      m.map(body->getArgument(a++),
                            memref::LoadOp::create(
                                b3, loc, band2, ValueRange{kx.add(bandBase, l)})
                                .getResult());
                    for (auto [k, f] : llvm::enumerate(epFlat))
                      m.map(body->getArgument(a++),
                            memref::LoadOp::create(b3, loc, f,
                                                   ValueRange{epAt(b3, k, l)})
                                .getResult());
                  });
            qf::kernel::LoadFn load = [&, rowBase, bandBase, scalars, epAt,
                                       perRow](
                                          Value at, Value valid,
                                          bool full) -> Value {
              Ix lx{bb, loc};
              Value col = lx.sub(at, rowBase);
              Value mask;
              if (padded) {
                // Lanes at or past L are padding: masked loads (reading
                // nothing past the row) and +0.0 after the body.
                Value left = arith::MaxSIOp::create(
                    bb, loc, lx.sub(lx.c(L), col), lx.c(0));
                Value n = lx.min(left, full ? lx.c(vw) : valid);
                valid = n;
                full = false;
                mask = qf::kernel::laneMask(bb, loc, n, vw);
              }
              SmallVector<std::pair<Value, Value>> given(scalars);
              qf::kernel::appendStashedValues(bb, loc, reductions, stashes,
                                              lx.add(bandBase, col), valid,
                                              full, target, given);
              auto chunk = [&](Value mem, Value at) {
                return qf::kernel::loadF32Chunk(bb, loc, mem, at, valid, full,
                                                target);
              };
              SmallVector<Value> args{chunk(band, lx.add(bandBase, col))};
              if (band2)
                args.push_back(chunk(band2, lx.add(bandBase, col)));
              for (auto [k, f] : llvm::enumerate(epFlat)) {
                Value at = epAt(bb, k, col);
                if (perRow(k)) // one value for the row, in every lane
                  args.push_back(vector::BroadcastOp::create(
                      bb, loc, vt,
                      memref::LoadOp::create(bb, loc, f, ValueRange{at})));
                else
                  args.push_back(chunk(f, at));
              }
              Value y = qf::kernel::emitBodyOnVectors(bb, loc, *ep->body, args,
                                                      vw, given);
              if (mask)
                y = arith::SelectOp::create(bb, loc, mask, y,
                                            zeroVec(bb, loc, vt));
              return y;
            };
            if (ep->type) {
              qf::kernel::emitQuantizeRow(bb, loc, *out, row, load, target);
              continue;
            }
            qf::kernel::emitStoreRowF32(bb, loc, f32Flat, rowBase, L, load,
                                        target);
          }
        });
  }
  if (!ep->type)
    return SmallVector<Value>{bufferization::ToTensorOp::create(
        rewriter, loc, resultT, f32Out, /*restrict=*/true, /*writable=*/true)};
  return qf::kernel::endRowQuantize(rewriter, loc, *out);
}

struct MatmulOpLowering : OpConversionPattern<qf::MatmulOp> {
  MatmulOpLowering(const TypeConverter &tc, MLIRContext *ctx,
                   const qf::CPUTargetInfo &target)
      : OpConversionPattern(tc, ctx), target(target) {}

  LogicalResult
  matchAndRewrite(qf::MatmulOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    FailureOr<SmallVector<Value>> r = emitMatmul(
        rewriter, op, op.getLhs().getType(), op.getRhs().getType(),
        op.getTransposeB(), adaptor.getLhs(), adaptor.getRhs(),
        cast<RankedTensorType>(op.getType()), target, nullptr);
    if (failed(r))
      return failure();
    rewriter.replaceOp(op, (*r)[0]);
    return success();
  }

  const qf::CPUTargetInfo &target;
};

struct FusedMatmulOpLowering : OpConversionPattern<qf::FusedMatmulOp> {
  FusedMatmulOpLowering(const TypeConverter &tc, MLIRContext *ctx,
                        const qf::CPUTargetInfo &target)
      : OpConversionPattern(tc, ctx), target(target) {}

  LogicalResult
  matchAndRewrite(qf::FusedMatmulOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    // The others were decomposed (populateQFDecomposeFusedOpsPatterns).
    if (qf::Support s = target.supports(op); !s)
      return rewriter.notifyMatchFailure(op, s.why());
    Type resultType = op.getResult().getType();
    auto qt = dyn_cast<qf::QTensorType>(resultType); // null: an f32 result
    if (qt && failed(target.checkLowerable(op, qt)))
      return failure();
    // The product [B,] M x N in f32 (the result is its transpose with
    // transpose_result, and may be padded).
    SmallVector<int64_t> product = op.getRowShape();
    if (op.getTransposeResult())
      std::swap(product[product.size() - 2], product.back());
    auto resultT = RankedTensorType::get(product, rewriter.getF32Type());
    Epilogue ep;
    ep.type = qt;
    ep.transposed = op.getTransposeResult();
    ep.rowLen = op.getRowShape().back();
    ep.body = &op.getBody().front();
    for (auto [i, v] : llvm::enumerate(adaptor.getEpilogue())) {
      ep.inputs.push_back(v[0]);
      ep.maps.push_back(op.getEpilogueMap(i));
    }
    ep.scales = adaptor.getScales().empty() ? Value() : adaptor.getScales()[0];
    ep.tensorScale =
        adaptor.getTensorScale().empty() ? Value() : adaptor.getTensorScale()[0];
    Value rhs2 = op.getRhs2();
    FailureOr<SmallVector<Value>> r = emitMatmul(
        rewriter, op, op.getLhs().getType(), op.getRhs().getType(),
        op.getTransposeB(), adaptor.getLhs(), adaptor.getRhs(), resultT,
        target, &ep, rhs2 ? rhs2.getType() : Type(),
        rhs2 ? adaptor.getRhs2() : ValueRange());
    if (failed(r))
      return failure();
    rewriter.replaceOpWithMultiple(op, {*r});
    return success();
  }

  const qf::CPUTargetInfo &target;
};

} // namespace

void qf::populateQFMatmulToVectorPatterns(const TypeConverter &converter,
                                          RewritePatternSet &patterns,
                                          const CPUTargetInfo &target) {
  patterns.add<MatmulOpLowering, FusedMatmulOpLowering>(
      converter, patterns.getContext(), target);
}

qf::Support qf::fusedMatmulKernelSupport(qf::FusedMatmulOp op,
                                         const CPUTargetInfo &target) {
  // The band kernel keeps bands of M rows; with transpose_result a dual
  // GEMM's bands would run over N.
  if (op.getTransposeResult() && op.getRhs2())
    return Support::no("a dual GEMM with transpose_result");
  for (unsigned i = 0; i < op.getEpilogue().size(); ++i)
    if (classifyEpilogueMap(op.getEpilogueMap(i)) == EpRead::Other)
      return Support::no("epilogue input #" + Twine(i) +
                         " is broadcast along other axes than a row, a "
                         "column or the whole batch");
  int64_t rowLen = op.getRowShape().back();
  auto qt = dyn_cast<qf::QTensorType>(op.getResult().getType());
  int64_t n = qt ? qt.getShape().back() : rowLen;
  if (ShapedType::isDynamic(rowLen) || ShapedType::isDynamic(n) || n > 65536)
    return Support::no("the band buffer holds static rows of at most 65536 "
                       "elements");
  if (!qt)
    return Support::yes(); // f32 rows: vector chunks and a masked tail
  return target.supportsRowEncode(qt, bool(op.getTensorScale()));
}
