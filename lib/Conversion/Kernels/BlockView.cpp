//===- BlockView.cpp - The [P, K, Q1, W] view and byte-wise packing ------===//
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

QView makeView(OpBuilder &b, Location loc, qf::QTensorType t,
               ArrayRef<Value> sizes) {
  Idx ix{b, loc};
  QView v;
  v.type = t;
  v.f = t.getFormat().toNumerics();
  v.bits = t.getElementBits();
  v.sizes.assign(sizes.begin(), sizes.end());
  int64_t r = t.getRank();
  v.N = product(ix, sizes, 0, r);
  v.tensorBlock = v.f.blockKind == nm::BlockKind::Tensor;
  int64_t a = v.tensorBlock ? std::max<int64_t>(r - 1, 0) : t.getAxis();
  if (r == 0) {
    v.P = v.K = v.Q1 = v.W = ix.c(1);
  } else {
    v.P = product(ix, sizes, 0, a);
    v.K = sizes[a];
    v.W = sizes[r - 1];
    v.Q1 = a == r - 1 ? ix.c(1) : product(ix, sizes, a + 1, r - 1);
    if (a == r - 1)
      v.W = ix.c(1);
  }
  Value inner = r == 0 ? ix.c(1) : sizes[r - 1];
  v.Wp = ix.ceilDiv(ix.mul(inner, ix.c(v.bits)), 8);
  v.rowKernel = !v.tensorBlock && a == r - 1;
  if (v.tensorBlock) {
    v.L = v.N;
    v.nb = ix.c(1);
  } else if (v.f.blockKind == nm::BlockKind::Channel) {
    v.L = v.K;
    v.nb = ix.c(1);
    if (!ShapedType::isDynamic(t.getShape()[a]))
      v.staticL = t.getShape()[a];
  } else {
    v.staticL = v.f.blockSize;
    v.L = ix.c(v.f.blockSize);
    v.nb = ix.div(v.K, v.L);
    if (!ShapedType::isDynamic(t.getShape()[a]))
      v.staticNb = t.getShape()[a] / v.f.blockSize;
  }
  return v;
}

int64_t packGroup(unsigned bits) {
  return std::lcm<int64_t>(bits, 8) / bits;
}

bool rowKernelPacksInRegisters(const QView &v, unsigned vw) {
  int64_t g = packGroup(v.bits);
  return v.staticL > 0 && v.staticL % g == 0 && vw % g == 0;
}

LaneGeometry laneGeometry(Idx &ix, const QView &v) {
  LaneGeometry g{v.P, v.K, v.Q1, v.W, v.L, v.nb};
  if (v.tensorBlock) {
    Value inner = v.type.getRank() == 0 ? ix.c(1) : v.sizes.back();
    g.P = ix.c(1);
    g.W = inner;
    g.K = ix.div(v.N, inner);
    g.Q1 = ix.c(1);
    g.L = g.K;
    g.nb = ix.c(1);
  }
  return g;
}

/// D12 scale indices of the lanes w0 + [0, vw) of block `blk`:
/// ((p * Q1 + q1) * W + w) * nb + blk, or all 0 for a single tensor scale.
Value laneScaleIndices(OpBuilder &b, Location loc, const LaneGeometry &g,
                       Value p, Value q1, Value w0, Value blk, unsigned vw,
                       bool scalarScale) {
  Idx ix{b, loc};
  VectorType idxT = VectorType::get({vw}, b.getIndexType());
  if (scalarScale)
    return arith::ConstantOp::create(
        b, loc, idxT, SplatElementsAttr::get(idxT, b.getIndexAttr(0)));
  SmallVector<int64_t> lanes(vw);
  std::iota(lanes.begin(), lanes.end(), 0);
  Value laneIdx = arith::ConstantOp::create(
      b, loc, idxT, DenseElementsAttr::get(idxT, ArrayRef<int64_t>(lanes)));
  auto splatIdx = [&](Value v) {
    return vector::BroadcastOp::create(b, loc, idxT, v);
  };
  Value base = ix.add(ix.mul(ix.add(ix.mul(p, g.Q1), q1), g.W), w0);
  Value wv = arith::AddIOp::create(b, loc, splatIdx(base), laneIdx);
  return arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, wv, splatIdx(g.nb)), splatIdx(blk));
}

/// Packs unpacked codes (1-D i8, innermost rows of `inner` codes) into the
/// packed buffer, one byte at a time (used when blocks break the
/// in-register packing alignment).
void emitPackRows(BlockCodec &kn, const QView &v, Value codes, Value packed) {
  OpBuilder &b = kn.b;
  Location loc = kn.loc;
  Idx ix{b, loc};
  Value inner = v.type.getRank() == 0 ? ix.c(1) : v.sizes.back();
  Value rows = ix.div(v.N, inner);
  unsigned bits = v.bits;
  kn.target.emitParallelLoop(b, loc, {rows, v.Wp}, [&](OpBuilder &nb, ValueRange ivs) {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToEnd(nb.getInsertionBlock());
    Value r = ivs[0], byte = ivs[1];
    // Codes overlapping bits [8 * byte, 8 * byte + 8).
    Value first = ix.div(ix.mul(byte, ix.c(8)), ix.c(bits));
    Value last = ix.min(ix.div(ix.add(ix.mul(byte, ix.c(8)), ix.c(7)), ix.c(bits)),
                        ix.sub(inner, ix.c(1)));
    Type i32 = b.getI32Type();
    KB k = kn.kb();
    Value acc = forLoopCarry(
        b, loc, first, ix.add(last, ix.c(1)), ix.c(1), k.i32(i32, 0),
        [&](OpBuilder &, Value i, Value acc) -> Value {
          Value c = memref::LoadOp::create(b, loc, codes,
                                           ValueRange{ix.add(ix.mul(r, inner), i)});
          Value c32 = arith::ExtUIOp::create(b, loc, i32, c);
          c32 = arith::AndIOp::create(b, loc, c32, k.i32(i32, (1 << bits) - 1));
          // Bit position of code i relative to the byte: i*bits - 8*byte.
          Value rel = ix.toI32(ix.mul(i, ix.c(bits)));
          Value base = ix.toI32(ix.mul(byte, ix.c(8)));
          Value d = arith::SubIOp::create(b, loc, rel, base);
          Value neg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, d,
                                            k.i32(i32, 0));
          Value left = arith::ShLIOp::create(b, loc, c32, d);
          Value right = arith::ShRUIOp::create(
              b, loc, c32, arith::SubIOp::create(b, loc, k.i32(i32, 0), d));
          Value part = arith::SelectOp::create(b, loc, neg, right, left);
          return arith::OrIOp::create(b, loc, acc, part);
        });
    Value out = arith::TruncIOp::create(b, loc, b.getI8Type(), acc);
    memref::StoreOp::create(b, loc, out, packed,
                            ValueRange{ix.add(ix.mul(r, v.Wp), byte)});
  });
}

/// Inverse of emitPackRows.
void emitUnpackRows(BlockCodec &kn, const QView &v, Value packed, Value codes) {
  OpBuilder &b = kn.b;
  Location loc = kn.loc;
  Idx ix{b, loc};
  Value inner = v.type.getRank() == 0 ? ix.c(1) : v.sizes.back();
  Value rows = ix.div(v.N, inner);
  unsigned bits = v.bits;
  kn.target.emitParallelLoop(b, loc, {rows, inner}, [&](OpBuilder &nb, ValueRange ivs) {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToEnd(nb.getInsertionBlock());
    Value r = ivs[0], i = ivs[1];
    Type i32 = b.getI32Type();
    KB k = kn.kb();
    Value bit = ix.mul(i, ix.c(bits));
    Value byte = ix.div(bit, ix.c(8));
    Value rowBase = ix.mul(r, v.Wp);
    Value lo = arith::ExtUIOp::create(
        b, loc, i32,
        memref::LoadOp::create(b, loc, packed, ValueRange{ix.add(rowBase, byte)}));
    Value nextIdx = ix.min(ix.add(byte, ix.c(1)), ix.sub(v.Wp, ix.c(1)));
    Value hi = arith::ExtUIOp::create(
        b, loc, i32,
        memref::LoadOp::create(b, loc, packed, ValueRange{ix.add(rowBase, nextIdx)}));
    Value hasNext = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                          ix.add(byte, ix.c(1)), v.Wp);
    hi = arith::SelectOp::create(b, loc, hasNext, hi, k.i32(i32, 0));
    Value word = arith::OrIOp::create(
        b, loc, lo, arith::ShLIOp::create(b, loc, hi, k.i32(i32, 8)));
    Value sh = ix.toI32(ix.sub(bit, ix.mul(byte, ix.c(8))));
    Value c = arith::AndIOp::create(
        b, loc, arith::ShRUIOp::create(b, loc, word, sh), k.i32(i32, (1 << bits) - 1));
    memref::StoreOp::create(b, loc, arith::TruncIOp::create(b, loc, b.getI8Type(), c),
                            codes, ValueRange{ix.add(ix.mul(r, inner), i)});
  });
}

} // namespace qf::kernel
