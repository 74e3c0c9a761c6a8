//===- MatmulNibbles.cpp - GEMM register tiles for 4-bit weights along K --===//
//
// The tile emitter of Plan::nibbles (4-bit B along K: mxfp4, nvfp4, mxint4,
// ... with transpose_b). K runs in chunks of 2C elements, C bytes of each B
// row. The low nibbles of a chunk are its even elements and the high
// nibbles its odd ones, so instead of interleaving the decoded weights
// (which costs more than decoding them), A is split into the same even and
// odd halves, and every output sums
//
//   acc += A[k0, k0+2, ...] * B[k0, k0+2, ...]      (C lanes)
//   acc += A[k0+1, k0+3, ...] * B[k0+1, k0+3, ...]
//
// chunk by chunk in K order, one vector accumulator per output, reduced
// across lanes at the end and multiplied by the K-invariant factors. The
// split of A does not depend on B, so emitSplitA computes it once per call
// into a buffer (O(M K) work instead of O(M N K / tile) permutes inside the
// tiles), and the tiles load the halves as plain vectors.
//
//===----------------------------------------------------------------------===//
#include "MatmulTiles.h"

#include "qf/Conversion/Kernels/Builder.h"
#include "qf/Conversion/Kernels/Codecs.h"
#include "qf/Conversion/Kernels/ScaleCodec.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using qf::kernel::KB;
using Ix = qf::kernel::Idx;

namespace qf::cpu {

/// Significant bits of an operand's decoded elements and of its block scale:
/// where they add up to at most 24, every decoded element times its block
/// scale is exact in f32 (barring overflow to infinity, which dequantize
/// has too), so the scale can be folded into the elements.
bool scaleFoldsExactly(const nm::BlockFormat &f) {
  int elemBits = f.elem.isInt() ? f.elem.bits - 1 : f.elem.manBits + 1;
  return elemBits + qf::kernel::scaleSignificantBits(f.scale) <= 24;
}

/// C packed bytes (2C codes) of `row` of a kInner operand from K position k0.
static Value nibbleBytes(OpBuilder &b, Location loc, const Operand &o,
                         Value batch, Value row, Value k0, int64_t c) {
  Ix ix{b, loc};
  Value base = batch ? ix.mul(batch, o.batchStride) : ix.c(0);
  base = ix.add(base, ix.mul(row, o.rowStride));
  Value idx = o.tileRows ? tiledCodeByte(b, loc, o, row, k0)
                         : ix.add(base, ix.div(k0, ix.c(2)));
  return vector::LoadOp::create(b, loc, VectorType::get({c}, b.getI8Type()),
                                o.flat, ValueRange{idx});
}

/// The even and odd elements of A's row `r` at [k0, k0 + 2C), decoded and
/// times A's block scale (exact: choosePlan checks scaleFoldsExactly).
static std::pair<Value, Value> splitAChunk(OpBuilder &b, Location loc,
                                           const Plan &p, Value batch, Value r,
                                           Value k0) {
  KB k{b, loc};
  const Operand &A = p.a;
  int64_t c = p.chunk;
  auto vf = VectorType::get({c}, b.getF32Type());
  Value e, o;
  if (A.quant && A.bits == 4) {
    auto [ce, co] =
        qf::kernel::splitNibbles(k, nibbleBytes(b, loc, A, batch, r, k0, c));
    e = qf::kernel::decodeElementsFast(k, A.fmt.elem, ce, p.target);
    o = qf::kernel::decodeElementsFast(k, A.fmt.elem, co, p.target);
  } else {
    SmallVector<int64_t> evenIdx, oddIdx;
    for (int64_t l = 0; l < c; ++l) {
      evenIdx.push_back(2 * l);
      oddIdx.push_back(2 * l + 1);
    }
    Value v = loadChunk(b, loc, A, batch, r, k0, 2 * c, Value());
    e = vector::ShuffleOp::create(b, loc, v, v, evenIdx);
    o = vector::ShuffleOp::create(b, loc, v, v, oddIdx);
  }
  if (A.quant) {
    Value s = vector::BroadcastOp::create(
        b, loc, vf, loadScale(b, loc, A, batch, r, k0));
    e = arith::MulFOp::create(b, loc, e, s);
    o = arith::MulFOp::create(b, loc, o, s);
  }
  return {e, o};
}

void emitSplitA(OpBuilder &b, Location loc, Plan &p, Value batches, Value m) {
  Ix ix{b, loc};
  int64_t K = p.kStatic, c = p.chunk;
  Value rows = p.batched ? ix.mul(batches, m) : m;
  p.aSplit = memref::AllocOp::create(
      b, loc, MemRefType::get({ShapedType::kDynamic}, b.getF32Type()),
      ValueRange{ix.mul(rows, ix.c(K))}, b.getI64IntegerAttr(64));
  p.aSplitRows = m;
  SmallVector<Value> ubs;
  if (p.batched)
    ubs.push_back(batches);
  ubs.push_back(m);
  const Plan &q = p;
  p.target->emitParallelLoop(b, loc, ubs, [&](OpBuilder &bb, ValueRange ivs) {
    Ix jx{bb, loc};
    Value batch = q.batched ? ivs[0] : Value();
    Value r = ivs.back();
    Value base =
        jx.mul(batch ? jx.add(jx.mul(batch, m), r) : r, jx.c(K));
    qf::kernel::forLoop(
        bb, loc, jx.c(0), jx.c(K), jx.c(2 * c), [&](OpBuilder &b3, Value k0) {
          Ix kx{b3, loc};
          auto [e, o] = splitAChunk(b3, loc, q, batch, r, k0);
          Value at = kx.add(base, k0);
          vector::StoreOp::create(b3, loc, e, q.aSplit, ValueRange{at});
          vector::StoreOp::create(b3, loc, o, q.aSplit,
                                  ValueRange{kx.add(at, kx.c(c))});
        });
  });
}

/// Computes and stores the outputs [rowsM] x [rowsN] of one batch when B
/// holds 4-bit codes along K (Plan::nibbles), A read split from p.aSplit.
/// One accumulator per output: a tile's B rows give enough independent FMA
/// chains (tileShape keeps accumulators and decoded B within the vector
/// registers). Block scales are folded into the decoded elements (exact, see
/// scaleFoldsExactly): with a fast lookup16 into a 16-entry table of decoded
/// codes that one vpermps per C weights indexes (when a chunk holds two
/// blocks, the unscaled table and a multiply by the two scales' lanes),
/// otherwise decoded values times the scale. Both give the same bits, and
/// each product is the product of the dequantized operands; the K-invariant
/// factors multiply the sum.
void emitNibbleTile(OpBuilder &b, Location loc, const Plan &p, Value batch,
                    ArrayRef<Value> rowsM, ArrayRef<Value> rowsN) {
  Ix ix{b, loc};
  KB k{b, loc};
  int64_t mt = rowsM.size(), nt = rowsN.size(), c = p.chunk;
  Type f32 = b.getF32Type();
  auto vf = VectorType::get({c}, f32);
  const Operand &B = p.bOp;
  bool twoBlocks = B.blockLen == c; // a chunk of 2C holds two B blocks
  Value table = p.target->hasFastLookup16(p.chunk)
                    ? qf::kernel::elementTable(k, B.fmt.elem)
                    : Value();
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
  // Where each A row's split elements start.
  SmallVector<Value> aBase;
  for (Value r : rowsM) {
    Value row = batch ? ix.add(ix.mul(batch, p.aSplitRows), r) : r;
    aBase.push_back(ix.mul(row, ix.c(p.kStatic)));
  }

  auto chunkStep = [&](OpBuilder &bb, Value k0, SmallVector<Value> &accs) {
    Ix jx{bb, loc};
    KB kk{bb, loc};
    auto bcast = [&](Value s) {
      return vector::BroadcastOp::create(bb, loc, vf, s).getResult();
    };
    // B: decoded and scaled even and odd elements.
    SmallVector<Value> be, bo;
    prefetchNextB(bb, loc, p, batch, rowsN, k0);
    for (Value r : rowsN) {
      auto [ce, co] = qf::kernel::splitNibbles(
          kk, nibbleBytes(bb, loc, B, batch, r, k0, c));
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
            qf::kernel::decodeElementsFast(kk, B.fmt.elem, ce, p.target), sv);
        o = arith::MulFOp::create(
            bb, loc,
            qf::kernel::decodeElementsFast(kk, B.fmt.elem, co, p.target), sv);
      }
      be.push_back(e);
      bo.push_back(o);
    }
    // Even halves, then odd: each output's two FMAs stay in that order.
    for (int64_t half = 0; half < 2; ++half)
      for (int64_t i = 0; i < mt; ++i) {
        Value at = jx.add(jx.add(aBase[i], k0), jx.c(half * c));
        Value a = vector::LoadOp::create(bb, loc, vf, p.aSplit, ValueRange{at});
        for (int64_t j = 0; j < nt; ++j) {
          Value &acc = accs[i * nt + j];
          acc = vector::FMAOp::create(bb, loc, a, half ? bo[j] : be[j], acc);
        }
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

} // namespace qf::cpu
