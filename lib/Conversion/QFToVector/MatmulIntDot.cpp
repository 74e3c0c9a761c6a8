//===- MatmulIntDot.cpp - Block-scaled GEMM with exact i32 block sums -----===//
//
// qf.matmul lhs * rhs^T when both operands hold integer-valued codes: lhs
// 8-bit integers (mxint8, int8 block formats), rhs 8- or 4-bit integers or
// E2M1 (whose values times 2 are integers), byte block scales (E8M0, E4M3)
// along K. For every output, every segment of g = gcd(block lengths) K
// positions lies inside one block of each operand, so
//
//   C[m, n] = factor * sum_s  S_s[m, n] * (sa[m, s] * sb[n, s])
//
// where S_s is the dot product of the integer codes over segment s (times 2
// for E2M1), |S_s| <= g * 128 * 128 < 2^24: exact in i32 and in f32. The
// f32 steps per output are fixed: acc = fma(S_s, sa * sb, acc) over the
// segments in K order from acc = 0, then one multiply by the K-invariant
// factor (the MX integer units 2^-(b-2), the NV tensor scales, 1/2 for
// E2M1). Nothing depends on vector width, threads or the instruction that
// computes S_s, so every build gives the same bits (docs/cpu-lowering.md,
// "Integer dot products").
//
// Layout. Lanes run along N: a vector holds 4 consecutive K bytes of L
// consecutive rhs rows, so one 4-byte dot product instruction (vpdpbusd,
// TargetInfo::emitDotU8S8) multiplies them with the same 4 lhs bytes
// broadcast to every lane. rhs rows are repacked into that order per
// panel of NV * L rows (decoded to unsigned bytes u = value + off, then a
// 4-byte transpose in registers) into a thread-local buffer that every row
// tile of lhs reuses; lhs stays as stored. The offset is removed exactly:
// sum u * a = S + off * sum a, and off * sum a per lhs row and segment is
// computed once before the panels.
//
//===----------------------------------------------------------------------===//
#include "MatmulTiles.h"

#include "qf/Conversion/Kernels/Builder.h"
#include "qf/Conversion/Kernels/ScaleCodec.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cmath>
#include <numeric>

using namespace mlir;
using qf::kernel::KB;
using Ix = qf::kernel::Idx;

namespace qf::cpu {

namespace {

/// rhs K positions decoded and transposed per pack step.
constexpr int64_t kPackK = 32;
/// Rows of lhs per register tile.
constexpr int64_t kRowTile = 8;
/// Lane vectors of rhs rows per panel.
constexpr int64_t kPanelVectors = 2;
/// K positions per K block: the packed block of a panel (kBlockK x 2L
/// bytes) fits L1 with the lhs rows and accumulators it meets.
constexpr int64_t kBlockK = 256;

bool isE2M1(const nm::ElementFormat &e) {
  return e == nm::ElementFormat::f4E2M1FN();
}

/// The kernel's fixed parameters and buffers.
struct IntDot {
  IntDot(const Plan &p, const qf::TargetInfo &target) : p(p), target(target) {}
  const Plan &p;
  const qf::TargetInfo &target;
  int64_t L = 16;   ///< lanes (i32 / f32) of a vector
  int64_t NV = kPanelVectors;
  int64_t NP = 0;   ///< rhs rows per panel
  int64_t K = 0, g = 0, blkB = 0, segs = 0;
  int64_t off = 0;  ///< the offset that makes rhs values unsigned
  Value M, N;       ///< sizes (index)
  Value aWords;     ///< lhs codes as memref<?xi32>
  Value corr, sa;   ///< -off * sum of lhs codes, lhs scales, per row/segment
  int64_t KB = 0;   ///< K positions per K block (a multiple of kPackK, blkB)
  Value factor;     ///< K-invariant f32 factor, or null
  Value outFlat;
  Operation *module = nullptr;

  VectorType vi(OpBuilder &b) const { return VectorType::get({L}, b.getI32Type()); }
  VectorType vf(OpBuilder &b) const { return VectorType::get({L}, b.getF32Type()); }
  VectorType vb(OpBuilder &b) const {
    return VectorType::get({4 * L}, b.getI8Type());
  }
};

/// A splat i8 vector constant.
Value splatI8(OpBuilder &b, Location loc, VectorType t, int64_t v) {
  return arith::ConstantOp::create(
      b, loc, t, DenseElementsAttr::get(t, b.getI8IntegerAttr(v)));
}

/// n consecutive codes of the rhs storage from byte `at` (kPackK of one
/// row; 4L of a repacked panel), decoded to unsigned bytes value + off
/// (value * 2 + off for E2M1).
Value decodeRowU8(OpBuilder &b, Location loc, const IntDot &c, Value at,
                  int64_t n = kPackK) {
  const Operand &B = c.p.bOp;
  auto v32 = VectorType::get({n}, b.getI8Type());
  if (B.bits == 8) {
    Value x = vector::LoadOp::create(b, loc, v32, B.flat, ValueRange{at});
    return arith::XOrIOp::create(b, loc, x, splatI8(b, loc, v32, -128));
  }
  // Two codes per byte, element 2i in the low nibble (D10).
  auto v16 = VectorType::get({n / 2}, b.getI8Type());
  Value x = vector::LoadOp::create(b, loc, v16, B.flat, ValueRange{at});
  Value lo = arith::AndIOp::create(b, loc, x, splatI8(b, loc, v16, 15));
  Value hi = arith::ShRUIOp::create(b, loc, x, splatI8(b, loc, v16, 4));
  SmallVector<int64_t> inter;
  for (int64_t i = 0; i < n / 2; ++i)
    inter.append({i, n / 2 + i});
  Value code = vector::ShuffleOp::create(b, loc, lo, hi, inter);
  if (B.fmt.elem.isInt()) // two's complement nibble + 8
    return arith::XOrIOp::create(b, loc, code, splatI8(b, loc, v32, 8));
  // E2M1 magnitude m -> 2|v|: 0 1 2 3 4 6 8 12 = m + max(m - 4, 0) + 2 [m = 7].
  Value m = arith::AndIOp::create(b, loc, code, splatI8(b, loc, v32, 7));
  Value w = arith::AddIOp::create(
      b, loc, m,
      arith::MaxSIOp::create(
          b, loc, arith::SubIOp::create(b, loc, m, splatI8(b, loc, v32, 4)),
          splatI8(b, loc, v32, 0)));
  Value is7 = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, m,
                                    splatI8(b, loc, v32, 7));
  w = arith::AddIOp::create(
      b, loc, w,
      arith::SelectOp::create(b, loc, is7, splatI8(b, loc, v32, 2),
                              splatI8(b, loc, v32, 0)));
  Value neg = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::ne,
      arith::AndIOp::create(b, loc, code, splatI8(b, loc, v32, 8)),
      splatI8(b, loc, v32, 0));
  Value twelve = splatI8(b, loc, v32, 12);
  return arith::SelectOp::create(b, loc, neg,
                                 arith::SubIOp::create(b, loc, twelve, w),
                                 arith::AddIOp::create(b, loc, twelve, w));
}

/// Transposes 8 vectors of L i32 (v[i] lane l: row i / lane-bit 3 of row,
/// column l % 8, see the caller) so that vector j holds column j of every
/// row: three stages that each swap one bit of the vector index with the
/// same bit of the lane index (one two-source shuffle per vector).
void transpose8(OpBuilder &b, Location loc, SmallVector<Value> &v, int64_t L) {
  for (int64_t j = 0; j < 3; ++j) {
    int64_t bit = int64_t(1) << j;
    SmallVector<int64_t> maskLo(L), maskHi(L);
    for (int64_t l = 0; l < L; ++l) {
      bool set = (l >> j) & 1;
      maskLo[l] = set ? L + (l ^ bit) : l;
      maskHi[l] = set ? L + l : (l | bit);
    }
    for (int64_t i = 0; i < 8; ++i) {
      if (i & bit)
        continue;
      Value lo = v[i], hi = v[i | bit];
      v[i] = vector::ShuffleOp::create(b, loc, lo, hi, maskLo);
      v[i | bit] = vector::ShuffleOp::create(b, loc, lo, hi, maskHi);
    }
  }
}


/// emitPack for a rhs in the repacked layout tiled<R x 4> with R a multiple
/// of L (what qf-repack-weights writes for this kernel): the 4 K codes of
/// the L rows of a lane vector are already consecutive, so each vector of
/// the panel is one contiguous load and the decode, and each lane vector's
/// block scales one contiguous load of L bytes (no transpose, no gather).
/// Rows past N reuse the last L rows (N is a multiple of R); their outputs
/// are not stored.
void emitPackTiled(OpBuilder &b, Location loc, const IntDot &c, Value n0,
                   Value kLo, Value pack, Value sbBuf) {
  Ix ix{b, loc};
  const Operand &B = c.p.bOp;
  int64_t L = c.L, R = B.tileRows, nb = c.K / c.blkB;
  Value kgLo = ix.div(kLo, 4), blkLo = ix.div(kLo, c.blkB);
  SmallVector<Value> grp, inGrp; // per lane vector: row group, row in it
  for (int64_t v = 0; v < c.NV; ++v) {
    Value row = ix.min(ix.add(n0, ix.c(v * L)), ix.sub(c.N, ix.c(L)));
    grp.push_back(ix.div(row, R));
    inGrp.push_back(ix.rem(row, R));
  }
  constexpr int64_t kSteps = kPackK / 4; // K groups of 4 per loop step
  qf::kernel::forLoop(
      b, loc, kgLo, ix.add(kgLo, ix.c(c.KB / 4)), ix.c(kSteps),
      [&](OpBuilder &bb, Value kg0) {
        Ix jx{bb, loc};
        for (int64_t j = 0; j < kSteps; ++j) {
          Value kg = jx.add(kg0, jx.c(j));
          for (int64_t v = 0; v < c.NV; ++v) {
            Value code = jx.mul(
                jx.add(jx.mul(jx.add(jx.mul(grp[v], jx.c(c.K / 4)), kg),
                              jx.c(R)),
                       inGrp[v]),
                jx.c(4));
            Value u = decodeRowU8(bb, loc, c, jx.div(jx.mul(code, jx.c(B.bits)), 8),
                                  4 * L);
            // The same codes of the next K block (KB * R codes on): the
            // pack of a K block reads one contiguous run of a few KiB and
            // the row tiles then compute on it for a while, a burst the
            // hardware prefetcher does not run ahead of (M = 16, a 17 MB
            // mxint8 weight: +20 %; docs/performance-log.md). The row-major
            // pack reads 32 separate streams the hardware follows; there
            // it was slower.
            c.target.emitPrefetch(
                bb, loc, B.flat,
                jx.div(jx.mul(jx.add(code, jx.c(c.KB * R)), jx.c(B.bits)), 8));
            Value at = jx.mul(
                jx.add(jx.mul(jx.sub(kg, kgLo), jx.c(c.NV)), jx.c(v)),
                jx.c(4 * L));
            vector::StoreOp::create(bb, loc, u, pack, ValueRange{at});
          }
        }
      });
  auto vi = c.vi(b);
  auto vb8 = VectorType::get({L}, b.getI8Type());
  qf::kernel::forLoop(
      b, loc, blkLo, ix.add(blkLo, ix.c(c.KB / c.blkB)), ix.c(1),
      [&](OpBuilder &bb, Value blk) {
        Ix jx{bb, loc};
        KB k{bb, loc};
        for (int64_t v = 0; v < c.NV; ++v) {
          Value at = jx.add(
              jx.mul(jx.add(jx.mul(grp[v], jx.c(nb)), blk), jx.c(R)), inGrp[v]);
          Value bytes =
              vector::LoadOp::create(bb, loc, vb8, B.scalesFlat, ValueRange{at});
          Value s = qf::kernel::decodeScaleFast(
              k, B.fmt.scale, arith::ExtUIOp::create(bb, loc, vi, bytes));
          vector::StoreOp::create(
              bb, loc, s, sbBuf,
              ValueRange{jx.add(jx.mul(jx.sub(blk, blkLo), jx.c(c.NP)),
                                jx.c(v * L))});
        }
      });
}

/// Fills the panel buffers for K positions [kLo, kLo + KB): `pack`
/// [KB/4][NV][L][4] unsigned bytes and `sbBuf` [KB/blkB][NP] decoded rhs
/// block scales, for rhs rows n0.. (rows past N repeat row N-1; their
/// outputs are not stored).
void emitPack(OpBuilder &b, Location loc, const IntDot &c, Value batch,
              Value n0, Value kLo, Value pack, Value sbBuf) {
  if (c.p.bOp.tileRows) // read in place (resolveTiledRhs checked the layout)
    return emitPackTiled(b, loc, c, n0, kLo, pack, sbBuf);
  Ix ix{b, loc};
  const Operand &B = c.p.bOp;
  int64_t L = c.L;
  Value bBase = batch ? ix.mul(batch, B.batchStride) : ix.c(0);
  Value last = ix.sub(c.N, ix.c(1));
  auto rowOf = [&](OpBuilder &bb, int64_t r) {
    Ix jx{bb, loc};
    return jx.min(jx.add(n0, jx.c(r)), last);
  };
  // Codes: kPackK positions of NP rows per step.
  qf::kernel::forLoop(
      b, loc, kLo, ix.add(kLo, ix.c(c.KB)), ix.c(kPackK),
      [&](OpBuilder &bb, Value k0) {
        Ix jx{bb, loc};
        Value byte0 = jx.div(jx.mul(k0, jx.c(B.bits)), 8);
        for (int64_t v = 0; v < c.NV; ++v) {
          SmallVector<Value> rows;
          for (int64_t r = 0; r < L; ++r) {
            Value at = jx.add(jx.add(bBase, jx.mul(rowOf(bb, v * L + r),
                                                   B.rowStride)),
                              byte0);
            rows.push_back(vector::BitCastOp::create(
                bb, loc, VectorType::get({kPackK / 4}, bb.getI32Type()),
                decodeRowU8(bb, loc, c, at)));
          }
          // 8 vectors of L lanes: rows i and i + 8 side by side (L = 16).
          SmallVector<Value> t;
          for (int64_t i = 0; i < 8; ++i) {
            if (L == 8) {
              t.push_back(rows[i]);
              continue;
            }
            SmallVector<int64_t> cat(16);
            std::iota(cat.begin(), cat.end(), 0);
            t.push_back(
                vector::ShuffleOp::create(bb, loc, rows[i], rows[i + 8], cat));
          }
          transpose8(bb, loc, t, L);
          for (int64_t j = 0; j < 8; ++j) {
            Value kg = jx.add(jx.div(jx.sub(k0, kLo), 4), jx.c(j));
            Value at = jx.mul(jx.add(jx.mul(kg, jx.c(c.NV)), jx.c(v)),
                              jx.c(4 * L));
            vector::StoreOp::create(
                bb, loc, vector::BitCastOp::create(bb, loc, c.vb(bb), t[j]),
                pack, ValueRange{at});
          }
        }
      });
  // Block scales: one gather of L bytes per block and lane vector.
  Value sFlat = qf::kernel::flat(b, loc, B.scales);
  int64_t nBlk = c.K / c.blkB;
  Value sBase = batch ? ix.mul(ix.mul(batch, c.N), ix.c(nBlk)) : ix.c(0);
  auto vi = c.vi(b);
  SmallVector<Value> laneRows;
  for (int64_t v = 0; v < c.NV; ++v) {
    SmallVector<Value> rs;
    for (int64_t r = 0; r < L; ++r)
      rs.push_back(ix.toI32(ix.mul(rowOf(b, v * L + r), ix.c(nBlk))));
    laneRows.push_back(vector::FromElementsOp::create(b, loc, vi, rs));
  }
  auto vb8 = VectorType::get({L}, b.getI8Type());
  auto allTrue = arith::ConstantOp::create(
      b, loc, VectorType::get({L}, b.getI1Type()),
      DenseElementsAttr::get(VectorType::get({L}, b.getI1Type()), true));
  Value zero8 = splatI8(b, loc, vb8, 0);
  Value blkLo = ix.div(kLo, c.blkB);
  qf::kernel::forLoop(
      b, loc, blkLo, ix.add(blkLo, ix.c(c.KB / c.blkB)), ix.c(1),
      [&](OpBuilder &bb, Value blk) {
        Ix jx{bb, loc};
        KB k{bb, loc};
        for (int64_t v = 0; v < c.NV; ++v) {
          Value bytes = vector::GatherOp::create(
              bb, loc, vb8, sFlat, ValueRange{jx.add(sBase, blk)},
              laneRows[v], allTrue, zero8);
          Value s = qf::kernel::decodeScaleFast(
              k, B.fmt.scale, arith::ExtUIOp::create(bb, loc, vi, bytes));
          Value at =
              jx.add(jx.mul(jx.sub(blk, blkLo), jx.c(c.NP)), jx.c(v * L));
          vector::StoreOp::create(bb, loc, s, sbBuf, ValueRange{at});
        }
      });
}

/// Per lhs row (all batches flattened) and segment: -off * sum of the codes
/// (i32) and the decoded block scale (f32).
void emitRowPrep(OpBuilder &b, Location loc, IntDot &c, Value rows) {
  Ix ix{b, loc};
  const Operand &A = c.p.a;
  Type i32 = b.getI32Type(), f32 = b.getF32Type();
  Value n = ix.mul(rows, ix.c(c.segs));
  c.corr = memref::AllocOp::create(b, loc, MemRefType::get({ShapedType::kDynamic}, i32),
                                   ValueRange{n}, b.getI64IntegerAttr(64));
  c.sa = memref::AllocOp::create(b, loc, MemRefType::get({ShapedType::kDynamic}, f32),
                                 ValueRange{n}, b.getI64IntegerAttr(64));
  Value sFlat = qf::kernel::flat(b, loc, A.scales);
  int64_t blkA = A.blockLen;
  c.target.emitParallelLoop(b, loc, {rows}, [&](OpBuilder &bb, ValueRange iv) {
    Value r = iv[0];
    qf::kernel::forLoop(
        bb, loc, Ix{bb, loc}.c(0), Ix{bb, loc}.c(c.segs), Ix{bb, loc}.c(1),
        [&](OpBuilder &b3, Value s) {
          Ix jx{b3, loc};
          KB k{b3, loc};
          Value k0 = jx.mul(s, jx.c(c.g));
          auto vg = VectorType::get({c.g}, b3.getI8Type());
          Value codes = vector::LoadOp::create(
              b3, loc, vg, A.flat,
              ValueRange{jx.add(jx.mul(r, A.rowStride), k0)});
          Value wide = arith::ExtSIOp::create(
              b3, loc, VectorType::get({c.g}, b3.getI32Type()), codes);
          Value sum = vector::ReductionOp::create(
              b3, loc, vector::CombiningKind::ADD, wide);
          sum = arith::MulIOp::create(b3, loc, sum, k.i32(i32, -c.off));
          Value at = jx.add(jx.mul(r, jx.c(c.segs)), s);
          memref::StoreOp::create(b3, loc, sum, c.corr, ValueRange{at});
          Value byte = memref::LoadOp::create(
              b3, loc, sFlat,
              ValueRange{jx.add(jx.mul(r, jx.c(c.K / blkA)), jx.div(k0, blkA))});
          Value sc = A.scaleTable
                         ? qf::kernel::decodeScaleByTable(k, A.scaleTable, byte)
                         : qf::kernel::decodeScaleFast(
                               k, A.fmt.scale,
                               arith::ExtUIOp::create(b3, loc, i32, byte));
          memref::StoreOp::create(b3, loc, sc, c.sa, ValueRange{at});
        });
  });
}

/// K positions [kLo, kLo + KB) of the outputs of lhs rows `rows` (flattened
/// over batches; row0: the batch's first) x the panel's NP rhs rows. The f32
/// accumulators live in `accBuf` [M][NP] (read, fma'd and written back once
/// per segment, so every output takes the same fma steps in K order as in
/// registers); the registers hold the tile's i32 sums: 8 rows x 2 lane
/// vectors give 16 independent vpdpbusd chains per segment.
void emitRowTile(OpBuilder &b, Location loc, const IntDot &c,
                 ArrayRef<Value> rows, Value row0, Value kLo, Value pack,
                 Value sbBuf, Value accBuf) {
  Ix ix{b, loc};
  int64_t mt = rows.size(), NV = c.NV, L = c.L;
  auto vi = c.vi(b), vf = c.vf(b);
  Value wordsPerRow = ix.c(c.K / 4);
  SmallVector<Value> accAt;
  for (int64_t i = 0; i < mt; ++i)
    for (int64_t v = 0; v < NV; ++v)
      accAt.push_back(
          ix.add(ix.mul(ix.sub(rows[i], row0), ix.c(c.NP)), ix.c(v * L)));
  Value kgLo = ix.div(kLo, 4), blkLo = ix.div(kLo, c.blkB);
  qf::kernel::forLoop(
      b, loc, kLo, ix.add(kLo, ix.c(c.KB)), ix.c(c.g),
      [&](OpBuilder &bb, Value k0) {
        Ix jx{bb, loc};
        Value seg = jx.div(k0, c.g);
        // The i32 sums start at -off * sum a: they end at S exactly.
        SmallVector<Value> iacc(mt * NV);
        for (int64_t i = 0; i < mt; ++i) {
          Value at = jx.add(jx.mul(rows[i], jx.c(c.segs)), seg);
          Value corr = vector::BroadcastOp::create(
              bb, loc, vi,
              memref::LoadOp::create(bb, loc, c.corr, ValueRange{at}));
          for (int64_t v = 0; v < NV; ++v)
            iacc[i * NV + v] = corr;
        }
        for (int64_t q = 0; q < c.g / 4; ++q) {
          Value kg = jx.add(jx.div(k0, 4), jx.c(q));
          Value kgRel = jx.sub(kg, kgLo);
          SmallVector<Value> bv;
          for (int64_t v = 0; v < NV; ++v)
            bv.push_back(vector::LoadOp::create(
                bb, loc, c.vb(bb), pack,
                ValueRange{jx.mul(jx.add(jx.mul(kgRel, jx.c(NV)), jx.c(v)),
                                  jx.c(4 * L))}));
          for (int64_t i = 0; i < mt; ++i) {
            Value w = memref::LoadOp::create(
                bb, loc, c.aWords,
                ValueRange{jx.add(jx.mul(rows[i], wordsPerRow), kg)});
            Value a = vector::BitCastOp::create(
                bb, loc, c.vb(bb), vector::BroadcastOp::create(bb, loc, vi, w));
            for (int64_t v = 0; v < NV; ++v)
              iacc[i * NV + v] =
                  c.target.emitDotU8S8(bb, loc, c.module, iacc[i * NV + v],
                                       bv[v], a);
          }
        }
        SmallVector<Value> sb;
        Value blkRel = jx.sub(jx.div(k0, c.blkB), blkLo);
        for (int64_t v = 0; v < NV; ++v)
          sb.push_back(vector::LoadOp::create(
              bb, loc, vf, sbBuf,
              ValueRange{jx.add(jx.mul(blkRel, jx.c(c.NP)), jx.c(v * L))}));
        for (int64_t i = 0; i < mt; ++i) {
          Value at = jx.add(jx.mul(rows[i], jx.c(c.segs)), seg);
          Value sa = vector::BroadcastOp::create(
              bb, loc, vf, memref::LoadOp::create(bb, loc, c.sa, ValueRange{at}));
          for (int64_t v = 0; v < NV; ++v) {
            Value s = arith::SIToFPOp::create(bb, loc, vf, iacc[i * NV + v]);
            Value scale = arith::MulFOp::create(bb, loc, sa, sb[v]);
            Value accV = accAt[i * NV + v];
            Value acc =
                vector::LoadOp::create(bb, loc, vf, accBuf, ValueRange{accV});
            acc = vector::FMAOp::create(bb, loc, s, scale, acc);
            vector::StoreOp::create(bb, loc, acc, accBuf, ValueRange{accV});
          }
        }
      });
}

/// The panel's outputs of the batch's M rows from `accBuf`, times the
/// K-invariant factor (lanes past N are not stored).
void emitPanelStore(OpBuilder &b, Location loc, const IntDot &c, Value row0,
                    Value n0, Value accBuf) {
  Ix ix{b, loc};
  auto vf = c.vf(b);
  int64_t L = c.L;
  Value fac = c.factor ? vector::BroadcastOp::create(b, loc, vf, c.factor)
                       : Value();
  qf::kernel::forLoop(b, loc, ix.c(0), c.M, ix.c(1), [&](OpBuilder &bb,
                                                        Value r) {
    Ix jx{bb, loc};
    for (int64_t v = 0; v < c.NV; ++v) {
      Value y = vector::LoadOp::create(
          bb, loc, vf, accBuf,
          ValueRange{jx.add(jx.mul(r, jx.c(c.NP)), jx.c(v * L))});
      if (fac)
        y = arith::MulFOp::create(bb, loc, y, fac);
      Value col = jx.add(n0, jx.c(v * L));
      Value at = jx.add(jx.mul(jx.add(row0, r), c.N), col);
      Value left = arith::SubIOp::create(bb, loc, c.N, col);
      vector::MaskedStoreOp::create(bb, loc, c.outFlat, ValueRange{at},
                                    qf::kernel::laneMask(bb, loc, left, L), y);
    }
  });
}

} // namespace

int64_t intDotPanelRows(unsigned vectorWidth) {
  return kPanelVectors * (vectorWidth >= 16 ? 16 : 8);
}

bool chooseIntDot(Plan &p, unsigned vectorWidth) {
  const Operand &A = p.a, &B = p.bOp;
  if (vectorWidth < 8 || p.kStatic <= 0 || p.kStatic % kPackK != 0)
    return false;
  if (!A.quant || !B.quant || !A.kInner || !B.kInner || !A.blockLen ||
      !B.blockLen)
    return false;
  if (!A.fmt.elem.isInt() || A.bits != 8 ||
      !qf::kernel::isByteScale(A.fmt.scale) ||
      !qf::kernel::isByteScale(B.fmt.scale))
    return false;
  bool bInt = B.fmt.elem.isInt() && (B.bits == 8 || B.bits == 4);
  if (!bInt && !isE2M1(B.fmt.elem))
    return false;
  int64_t g = std::gcd(A.blockLen, B.blockLen);
  if (g % 4 != 0 || kPackK % g != 0)
    return false;
  p.intDot = true;
  return true;
}

void emitIntDotProducts(OpBuilder &b, Location loc, const Plan &p,
                        Value batches, Value m, Value n,
                        const qf::TargetInfo &target) {
  Ix ix{b, loc};
  IntDot c(p, target);
  c.NP = intDotPanelRows(target.getVectorWidth());
  c.L = c.NP / c.NV;
  c.K = p.kStatic;
  c.g = std::gcd(p.a.blockLen, p.bOp.blockLen);
  c.blkB = p.bOp.blockLen;
  c.segs = c.K / c.g;
  // K blocks of kBlockK positions where they split K into whole blocks of
  // both operands (else one block): the packed block stays in L1.
  c.KB = c.K;
  if (c.K % kBlockK == 0 && kBlockK % c.blkB == 0 &&
      kBlockK % p.a.blockLen == 0)
    c.KB = kBlockK;
  c.M = m;
  c.N = n;
  const nm::ElementFormat &eb = p.bOp.fmt.elem;
  c.off = eb.isInt() ? (int64_t(1) << (eb.bits - 1)) : 12;
  c.factor = mulf(b, loc, p.a.factor, p.bOp.factor);
  if (isE2M1(eb))
    c.factor = mulf(b, loc, c.factor,
                    arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.5f)));
  c.outFlat = qf::kernel::flat(b, loc, p.out);
  c.module = p.out.getDefiningOp()->getParentOfType<ModuleOp>();
  // lhs codes as words (rows of K bytes, K a multiple of 4).
  Value aBytes = memref::DimOp::create(b, loc, p.a.flat, 0);
  c.aWords = memref::ViewOp::create(
      b, loc, MemRefType::get({ShapedType::kDynamic}, b.getI32Type()),
      p.a.flat, ix.c(0), ValueRange{ix.div(aBytes, 4)});
  Value rowsAll = p.batched ? ix.mul(batches, m) : m;
  emitRowPrep(b, loc, c, rowsAll);

  Value panels = ix.ceilDiv(n, c.NP);
  SmallVector<Value> ubs;
  if (p.batched)
    ubs.push_back(batches);
  ubs.push_back(panels);
  target.emitParallelLoop(b, loc, ubs, [&](OpBuilder &bb, ValueRange ivs) {
    Ix jx{bb, loc};
    Value batch = p.batched ? ivs[0] : Value();
    Value n0 = jx.mul(ivs.back(), jx.c(c.NP));
    // Thread-local panel buffers (freed by the deallocation pipeline at the
    // end of the iteration): one K block of the packed panel (L1-resident
    // while every row tile reads it) and the f32 accumulators of the
    // panel's outputs between K blocks.
    Value pack = memref::AllocOp::create(
        bb, loc, MemRefType::get({c.KB * c.NP}, bb.getI8Type()), ValueRange{},
        bb.getI64IntegerAttr(64));
    Value sbBuf = memref::AllocOp::create(
        bb, loc, MemRefType::get({c.KB / c.blkB * c.NP}, bb.getF32Type()),
        ValueRange{}, bb.getI64IntegerAttr(64));
    // Static when M is (a per-thread stack buffer on GPU targets).
    std::optional<int64_t> mStatic = getConstantIntValue(m);
    Value accBuf =
        mStatic ? memref::AllocOp::create(
                      bb, loc,
                      MemRefType::get({*mStatic * c.NP}, bb.getF32Type()),
                      ValueRange{}, bb.getI64IntegerAttr(64))
                : memref::AllocOp::create(
                      bb, loc,
                      MemRefType::get({ShapedType::kDynamic}, bb.getF32Type()),
                      ValueRange{jx.mul(m, jx.c(c.NP))},
                      bb.getI64IntegerAttr(64));
    Value zf = zeroVec(bb, loc, c.vf(bb));
    qf::kernel::forLoop(bb, loc, jx.c(0), jx.mul(m, jx.c(c.NV)), jx.c(1),
                        [&](OpBuilder &b3, Value i) {
                          Ix kx{b3, loc};
                          vector::StoreOp::create(
                              b3, loc, zf, accBuf,
                              ValueRange{kx.mul(i, kx.c(c.L))});
                        });
    Value row0 = batch ? jx.mul(batch, m) : jx.c(0);
    qf::kernel::forLoop(
        bb, loc, jx.c(0), jx.c(c.K), jx.c(c.KB), [&](OpBuilder &b2, Value kLo) {
          Ix lx{b2, loc};
          emitPack(b2, loc, c, batch, n0, kLo, pack, sbBuf);
          // Tiles of 8 rows, then one of 4 where 4 or more are left, then
          // single rows.
          Value lo = lx.c(0);
          for (int64_t t : {kRowTile, kRowTile / 2, int64_t(1)}) {
            Value hi = lx.add(lo, lx.mul(lx.div(lx.sub(m, lo), t), lx.c(t)));
            qf::kernel::forLoop(
                b2, loc, lo, hi, lx.c(t), [&](OpBuilder &b3, Value r) {
                  Ix kx{b3, loc};
                  Value r0 = kx.add(row0, r);
                  SmallVector<Value> rows;
                  for (int64_t i = 0; i < t; ++i)
                    rows.push_back(i ? kx.add(r0, kx.c(i)) : r0);
                  emitRowTile(b3, loc, c, rows, row0, kLo, pack, sbBuf,
                              accBuf);
                });
            lo = hi;
          }
        });
    emitPanelStore(bb, loc, c, row0, n0, accBuf);
  });
}

} // namespace qf::cpu
