//===- AmaxKernels.cpp - The tensor amax pass of two-level formats -------===//
//
// docs/numerics.md 4.2 step 1: the maximum |x| over a whole tensor, as the
// i32 bits of a non-negative float (an integer maximum: exact in any
// order), for the quantize kernels of formats with a tensor scale.
//
//===----------------------------------------------------------------------===//
#include "BlockView.h"

#include "qf/Conversion/Kernels/BlockCodec.h"
#include "qf/Conversion/Kernels/Builder.h"
#include "qf/Conversion/Kernels/Codecs.h"
#include "qf/Conversion/Kernels/TargetInfo.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

namespace qf::kernel {

/// |x| as i32 bits, 0 for a non-finite x (the tensor amax of section 4.2
/// step 1 is over finite values).
Value finiteAbsBits(KB &k, Value x) {
  Value a = absBits(k, x);
  Value fin = arith::CmpIOp::create(k.b, k.loc, arith::CmpIPredicate::slt, a,
                                    k.i32(a.getType(), 0x7F800000));
  return arith::SelectOp::create(k.b, k.loc, fin, a, k.i32(a.getType(), 0));
}

/// max |x| (as i32 bits) over the whole flat buffer, optionally over finite
/// elements only. Each parallel chunk writes its maximum to a scratch slot and
/// a short sequential loop combines them (scf.parallel reductions of integer
/// max do not convert to OpenMP, and the order is then fixed anyway). Where
/// the target has cooperating lanes (a GPU warp), a chunk is shared by them:
/// lane l reads the vectors l, l + lanes, ..., and their maxima combine by
/// TargetInfo::emitGroupMaxSI (an integer maximum: the same bits).
/// Chunks are read last to first: the encoding pass that follows walks the
/// tensor first to last (each thread its part), so it starts on the chunks
/// this pass read last, which are still in the cache (up to the size of the
/// last-level cache is not read from memory twice; docs/performance.md).
Value emitAmax(BlockCodec &kn, const LoadFn &load, Value n, bool finiteOnly) {
  OpBuilder &b = kn.b;
  Location loc = kn.loc;
  Idx ix{b, loc};
  unsigned vw = kn.vw;
  const int64_t chunk = 16384;
  Value nChunks = ix.ceilDiv(n, chunk);
  Type i32 = b.getI32Type();
  Value partial = memref::AllocOp::create(
      b, loc, MemRefType::get({ShapedType::kDynamic}, i32), ValueRange{nChunks});
  unsigned lanes = kn.target.getCooperativeLanes(b);
  SmallVector<Value> dims{nChunks};
  if (lanes > 1)
    dims.push_back(ix.c(lanes));
  kn.target.emitParallelLoop(b, loc, dims, [&](OpBuilder &nb, ValueRange ivs) {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToEnd(nb.getInsertionBlock());
    Value lane = lanes > 1 ? ivs[1] : Value();
    Value start =
        ix.mul(ix.sub(ix.sub(nChunks, ix.c(1)), ivs[0]), ix.c(chunk));
    Value len = ix.min(ix.sub(n, start), ix.c(chunk));
    Value full = ix.div(len, ix.c(vw));
    KB k = kn.kb();
    VectorType it = VectorType::get({vw}, i32);
    auto absOf = [&](Value v) {
      return finiteOnly ? finiteAbsBits(k, v) : absBits(k, v);
    };
    Value acc = forLoopCarry(
        b, loc, lane ? lane : ix.c(0), full, ix.c(lanes), k.i32(it, 0),
        [&](OpBuilder &, Value s, Value acc) -> Value {
          Value v = load(ix.add(start, ix.mul(s, ix.c(vw))), {}, true);
          return arith::MaxSIOp::create(b, loc, acc, absOf(v));
        });
    // The tail (possibly empty: masked-off lanes read as 0); every lane
    // reads it, which a maximum does not mind.
    Value tailAt = ix.mul(full, ix.c(vw));
    Value tail = load(ix.add(start, tailAt), ix.sub(len, tailAt), false);
    acc = arith::MaxSIOp::create(b, loc, acc, absOf(tail));
    Value r =
        vector::ReductionOp::create(b, loc, vector::CombiningKind::MAXSI, acc);
    if (!lane) {
      memref::StoreOp::create(b, loc, r, partial, ValueRange{ivs[0]});
      return;
    }
    r = kn.target.emitGroupMaxSI(b, loc, r, lanes);
    Value first = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane,
                                        ix.c(0));
    auto store = scf::IfOp::create(b, loc, first, /*withElseRegion=*/false);
    b.setInsertionPointToStart(&store.getThenRegion().front());
    memref::StoreOp::create(b, loc, r, partial, ValueRange{ivs[0]});
  });
  return emitMaxOfPartials(b, loc, partial);
}

Value emitMaxOfPartials(OpBuilder &b, Location loc, Value partial) {
  Idx ix{b, loc};
  KB k{b, loc};
  Value n = memref::DimOp::create(b, loc, partial, 0);
  return forLoopCarry(b, loc, ix.c(0), n, ix.c(1), k.i32(b.getI32Type(), 0),
                      [&](OpBuilder &, Value i, Value acc) -> Value {
                        Value v = memref::LoadOp::create(b, loc, partial,
                                                         ValueRange{i});
                        return arith::MaxSIOp::create(b, loc, acc, v);
                      });
}

} // namespace qf::kernel
