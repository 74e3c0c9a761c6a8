//===- MatmulRepacked.cpp - GEMM operands in the repacked weight layout ---===//
//
// A rhs of type !qf.tensor<N x K, ..., layout = tiled<R x KC>> stores the
// codes of each group of R rows in runs of KC K positions, the R rows'
// runs side by side, and its block scales [N/R][K/block][R]
// (qf::numerics::Tiling, docs/formats.md). The tile emitters address a
// row's chunk inside its run, so a kernel whose chunks fit the runs reads
// the same codes with the same loads as from the row-major layout, one
// run after the other: the products are bit-identical. A layout the
// chosen kernel cannot read in place is copied back to row-major once per
// call (resolveTiledRhs), which is correct for every layout but not fast;
// qf-repack-weights chooses layouts the kernels read in place.
//
//===----------------------------------------------------------------------===//
#include "MatmulTiles.h"

#include "qf/Conversion/Kernels/Builder.h"
#include "qf/Dialect/QF/IR/QF.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;
using Ix = qf::kernel::Idx;

namespace qf::cpu {

void setupTiling(OpBuilder &b, Location loc, Type t, Operand &o) {
  auto q = dyn_cast<qf::QTensorType>(t);
  if (!q || !q.isTiled())
    return;
  o.tileRows = q.getTileRows();
  o.tileK = q.getTileK();
  o.kDim = q.getShape()[1];
  o.scalesFlat = qf::kernel::flat(b, loc, o.scales);
}

Value tiledCodeByte(OpBuilder &b, Location loc, const Operand &o, Value row,
                    Value k0) {
  Ix ix{b, loc};
  int64_t R = o.tileRows, KC = o.tileK;
  Value run = ix.add(ix.mul(ix.div(row, R), ix.c(o.kDim / KC)), ix.div(k0, KC));
  Value code = ix.add(ix.add(ix.mul(run, ix.c(R * KC)),
                             ix.mul(ix.rem(row, R), ix.c(KC))),
                      ix.rem(k0, KC));
  return ix.div(ix.mul(code, ix.c(o.bits)), 8);
}

Value tiledScaleIndex(OpBuilder &b, Location loc, const Operand &o, Value row,
                      Value blk) {
  Ix ix{b, loc};
  int64_t R = o.tileRows, nb = o.kDim / o.blockLen;
  return ix.add(ix.mul(ix.add(ix.mul(ix.div(row, R), ix.c(nb)), blk), ix.c(R)),
                ix.rem(row, R));
}

/// Whether the kernel of `p` reads its tiled rhs in place.
static bool readsInPlace(const Plan &p, const qf::TargetInfo &target) {
  const Operand &B = p.bOp;
  if (p.intDot)
    // Lane vectors of L rows inside one group, 4 K bytes per lane.
    return B.tileK == 4 &&
           B.tileRows % (intDotPanelRows(target.getVectorWidth()) / 2) == 0;
  // Every chunk load (C codes, 2C for the 4-bit tile) inside one run, at
  // whole bytes, and no masked K tail.
  int64_t codes = p.nibbles ? 2 * p.chunk : p.chunk;
  return B.kInner && B.tileK % codes == 0 && (p.chunk * B.bits) % 8 == 0 &&
         p.kStatic > 0 && p.kStatic % codes == 0;
}

void resolveTiledRhs(OpBuilder &b, Location loc, Plan &p,
                     const qf::TargetInfo &target) {
  Operand &B = p.bOp;
  if (!B.tileRows || readsInPlace(p, target))
    return;
  // Copy the runs back into rows (whole bytes: KC codes fill whole bytes).
  Ix ix{b, loc};
  auto scaleT = cast<MemRefType>(B.scales.getType());
  int64_t n = scaleT.getDimSize(0), nb = B.kDim / B.blockLen;
  int64_t runBytes = B.tileK * B.bits / 8, rowBytes = B.kDim * B.bits / 8;
  Value codes = memref::AllocOp::create(
      b, loc, MemRefType::get({n * rowBytes}, b.getI8Type()), ValueRange{},
      b.getI64IntegerAttr(64));
  Value scales = memref::AllocOp::create(
      b, loc, MemRefType::get({n, nb}, scaleT.getElementType()), ValueRange{},
      b.getI64IntegerAttr(64));
  target.emitParallelLoop(b, loc, {ix.c(n)}, [&](OpBuilder &bb, ValueRange iv) {
    Value row = iv[0];
    Ix jx{bb, loc};
    qf::kernel::forLoop(
        bb, loc, jx.c(0), jx.c(B.kDim), jx.c(B.tileK),
        [&](OpBuilder &b3, Value k0) {
          Ix kx{b3, loc};
          Value from = tiledCodeByte(b3, loc, B, row, k0);
          Value to = kx.add(kx.mul(row, kx.c(rowBytes)),
                            kx.div(kx.mul(k0, kx.c(B.bits)), 8));
          qf::kernel::forLoop(
              b3, loc, kx.c(0), kx.c(runBytes), kx.c(1),
              [&](OpBuilder &b4, Value i) {
                Ix lx{b4, loc};
                Value v = memref::LoadOp::create(b4, loc, B.flat,
                                                 ValueRange{lx.add(from, i)});
                memref::StoreOp::create(b4, loc, v, codes,
                                        ValueRange{lx.add(to, i)});
              });
        });
    qf::kernel::forLoop(
        bb, loc, jx.c(0), jx.c(nb), jx.c(1), [&](OpBuilder &b3, Value blk) {
          Value v = memref::LoadOp::create(
              b3, loc, B.scalesFlat,
              ValueRange{tiledScaleIndex(b3, loc, B, row, blk)});
          memref::StoreOp::create(b3, loc, v, scales, ValueRange{row, blk});
        });
  });
  B.flat = codes;
  B.scales = scales;
  B.tileRows = B.tileK = 0;
  B.scalesFlat = Value();
}

} // namespace qf::cpu
