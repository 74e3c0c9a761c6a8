//===- MatmulToVector.cpp - qf.matmul / qf.fused_matmul as CPU kernels ----===//
//
// A qf.matmul becomes one parallel loop of register tiles (MatmulTiles.cpp);
// a qf.fused_matmul the CPU runs as one kernel (fusedMatmulKernelSupport)
// computes bands of output rows with the same tiles into a thread-local
// buffer, then runs the epilogue body (kernel library, FusedKernels.h) and
// encodes each row, so every f32 product has the bits of the unfused
// matmul.
//
//===----------------------------------------------------------------------===//
#include "qf/Conversion/QFToVector/QFToVector.h"

#include "MatmulPlan.h"
#include "MatmulTiles.h"

#include "qf/Conversion/Kernels/BlockKernels.h"
#include "qf/Conversion/Kernels/Builder.h"
#include "qf/Conversion/Kernels/Codecs.h"
#include "qf/Conversion/Kernels/FusedKernels.h"
#include "qf/Conversion/Kernels/ScaleCodec.h"
#include "qf/Dialect/QF/IR/QF.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cmath>
#include <numeric>

using namespace mlir;
namespace nm = qf::numerics;
using qf::kernel::KB;
using Ix = qf::kernel::Idx;
using qf::kernel::flat;
using qf::kernel::readBuffer;

using namespace qf::cpu;

namespace {

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

/// A new f32 buffer for the [B,] M x N product.
Value allocProduct(OpBuilder &b, const Contraction &c,
                   RankedTensorType resultT) {
  return memref::AllocOp::create(
      b, c.loc, MemRefType::get(resultT.getShape(), b.getF32Type()),
      resultDynSizes(c, resultT, true), b.getI64IntegerAttr(64));
}

/// qf.matmul: one parallel loop of tiles per (M part, N part).
Value emitProducts(OpBuilder &b, Contraction &c, RankedTensorType resultT,
                   const qf::TargetInfo &target) {
  Location loc = c.loc;
  Ix ix{b, loc};
  c.p.out = allocProduct(b, c, resultT);
  if (c.p.intDot)
    emitIntDotProducts(b, loc, c.p, c.batch.v, c.m.v, c.n.v, target);
  else
    for (const Part &pm : splitTiles(ix, c.m, c.mt))
      for (const Part &pn : splitTiles(ix, c.n, c.nt))
        emitLoop(b, loc, c.p, c.batch.v, pm.lo, pm.tiles, pm.t, pn.lo, pn.tiles,
               pn.t);
  return bufferization::ToTensorOp::create(b, loc, resultT, c.p.out,
                                           /*restrict=*/true,
                                           /*writable=*/true);
}

/// Epilogue inputs as 1-D buffers with how each is read along a row.
struct EpilogueInputs {
  SmallVector<Value> flat;
  SmallVector<EpRead> read;
  bool perRow(size_t k) const {
    return read[k] == EpRead::Row || read[k] == EpRead::BatchRow;
  }
};
EpilogueInputs bufferEpilogueInputs(OpBuilder &b, Location loc,
                                    const Epilogue &ep) {
  EpilogueInputs in;
  for (auto [t, map] : llvm::zip(ep.inputs, ep.maps)) {
    in.flat.push_back(flat(b, loc, readBuffer(b, loc, t)));
    in.read.push_back(classifyEpilogueMap(map));
  }
  return in;
}

/// The band's buffer of products: tiles along the other axis (all of N, or
/// all of M with transpose_result) stored into `buf` by plan `src`'s tile
/// emitter.
void emitBandProducts(OpBuilder &bb, const Contraction &c, const Plan &src,
                      Value buf, Value r0, ArrayRef<Value> bandRows,
                      Value batch, int64_t otherTile, int64_t L, bool tr) {
  Location loc = c.loc;
  Ix jx{bb, loc};
  Plan q = src;
  q.scratch = buf;
  q.scratchRow0 = r0;
  q.scratchN = jx.c(L);
  q.scratchTransposed = tr;
  for (const Part &po : splitTiles(jx, tr ? c.m : c.n, otherTile)) {
    scf::ForOp::create(
        bb, loc, jx.c(0), po.tiles, jx.c(1), ValueRange{},
        [&](OpBuilder &b3, Location, Value u, ValueRange) {
          Ix kx{b3, loc};
          Value o0 = kx.add(po.lo, kx.mul(u, kx.c(po.t)));
          SmallVector<Value> ro;
          for (int64_t j = 0; j < po.t; ++j)
            ro.push_back(j ? kx.add(o0, kx.c(j)) : o0);
          ArrayRef<Value> rm = tr ? ArrayRef<Value>(ro) : bandRows;
          ArrayRef<Value> rn = tr ? bandRows : ArrayRef<Value>(ro);
          emitPlanTile(b3, loc, q, batch, rm, rn);
          scf::YieldOp::create(b3, loc);
        });
  }
}

/// Where the epilogue writes: the row encoder, or an f32 [B,] M x N result.
struct EpilogueOutput {
  FailureOr<qf::kernel::RowQuantizeOutput> q = failure();
  Value f32Out, f32Flat;
};

/// One result row of a band: its row reductions (sequential scalar loops
/// over the row's L elements each, as the unfused linalg reduction lowered
/// to loops runs), then the body on vectors and the row's encoding.
void emitEpilogueRow(OpBuilder &bb, const Contraction &c, const Epilogue &ep,
                     const EpilogueInputs &in, const EpilogueOutput &out,
                     ArrayRef<qf::RowReduceOp> reductions,
                     ArrayRef<Value> stashes, Value band, Value band2,
                     Value productBase, Value row, Value bandRow, int64_t i,
                     int64_t L, int64_t Lp, const qf::TargetInfo &target) {
  Location loc = c.loc;
  Ix jx{bb, loc};
  unsigned vw = target.getVectorWidth();
  auto vt = VectorType::get({int64_t(vw)}, bb.getF32Type());
  bool padded = Lp > L;
  Value rowBase = jx.mul(row, jx.c(Lp)); // in the (padded) result
  Value inBase = jx.mul(row, jx.c(L));   // in the epilogue inputs
  Value bandBase = jx.c(i * L); // the row in the band's stash buffers
  // Where epilogue input k holds column `col` of this row.
  auto epAt = [&](OpBuilder &eb, size_t k, Value col) -> Value {
    Ix ex{eb, loc};
    switch (in.read[k]) {
    case EpRead::Column:
      return col;
    case EpRead::Row:
      return row;
    case EpRead::BatchRow:
      return bandRow;
    default:
      return ex.add(inBase, col);
    }
  };
  SmallVector<std::pair<Value, Value>> scalars =
      qf::kernel::emitRowReductionLoops(
          bb, loc, reductions, stashes, bandBase, jx.c(L),
          [&](OpBuilder &b3, Value l, IRMapping &m) {
            Ix kx{b3, loc};
            Block *body = ep.body;
            unsigned a = 0;
            auto loadAt = [&](Value mem, Value at) {
              return memref::LoadOp::create(b3, loc, mem, ValueRange{at})
                  .getResult();
            };
            m.map(body->getArgument(a++),
                  loadAt(band, kx.add(productBase, l)));
            if (band2)
              m.map(body->getArgument(a++),
                    loadAt(band2, kx.add(productBase, l)));
            for (auto [k, f] : llvm::enumerate(in.flat))
              m.map(body->getArgument(a++), loadAt(f, epAt(b3, k, l)));
          });
  qf::kernel::LoadFn load = [&](Value at, Value valid, bool full) -> Value {
    Ix lx{bb, loc};
    Value col = lx.sub(at, rowBase);
    Value mask;
    if (padded) {
      // Lanes at or past L are padding: masked loads (reading nothing past
      // the row) and +0.0 after the body.
      Value left =
          arith::MaxSIOp::create(bb, loc, lx.sub(lx.c(L), col), lx.c(0));
      Value n = lx.min(left, full ? lx.c(vw) : valid);
      valid = n;
      full = false;
      mask = qf::kernel::laneMask(bb, loc, n, vw);
    }
    SmallVector<std::pair<Value, Value>> given(scalars);
    qf::kernel::appendStashedValues(bb, loc, reductions, stashes,
                                    lx.add(bandBase, col), valid, full, target,
                                    given);
    auto chunk = [&](Value mem, Value at) {
      return qf::kernel::loadF32Chunk(bb, loc, mem, at, valid, full, target);
    };
    SmallVector<Value> args{chunk(band, lx.add(productBase, col))};
    if (band2)
      args.push_back(chunk(band2, lx.add(productBase, col)));
    for (auto [k, f] : llvm::enumerate(in.flat)) {
      Value at = epAt(bb, k, col);
      if (in.perRow(k)) // one value for the row, in every lane
        args.push_back(vector::BroadcastOp::create(
            bb, loc, vt, memref::LoadOp::create(bb, loc, f, ValueRange{at})));
      else
        args.push_back(chunk(f, at));
    }
    Value y =
        qf::kernel::emitBodyOnVectors(bb, loc, *ep.body, args, vw, given);
    if (mask)
      y = arith::SelectOp::create(bb, loc, mask, y, zeroVec(bb, loc, vt));
    return y;
  };
  if (ep.type)
    qf::kernel::emitQuantizeRow(bb, loc, *out.q, row, load, target);
  else
    qf::kernel::emitStoreRowF32(bb, loc, out.f32Flat, rowBase, L, load,
                                target);
}

/// qf.fused_matmul: one parallel iteration per band of output rows (and
/// batch). The band's outputs go to a thread-local buffer (computed by the
/// same tile emitters, so every f32 output has the bits of the unfused
/// matmul), then each row runs its row reductions and the body and is
/// encoded block by block. A band is mt rows of M, each of length L = N;
/// with transpose_result it is nt columns of N, each a result row of length
/// L = M (the tiles store transposed). Result rows longer than L (padded)
/// read zeros past L.
FailureOr<SmallVector<Value>>
emitBandEpilogue(OpBuilder &b, const Contraction &c, const Epilogue &ep,
                 RankedTensorType resultT, const qf::TargetInfo &target) {
  Location loc = c.loc;
  Operation *op = c.op;
  Ix ix{b, loc};
  bool tr = ep.transposed;
  if (tr && c.dual)
    return op->emitOpError("cannot lower a dual GEMM with transpose_result");
  const Size &bandS = tr ? c.n : c.m; // the result rows
  int64_t bandTile = tr ? c.nt : c.mt;
  int64_t L = ep.rowLen;
  int64_t Lp = ep.type ? ep.type.getShape().back() : L;
  SmallVector<Value> sizes;
  if (c.p.batched)
    sizes.push_back(c.batch.v);
  sizes.push_back(bandS.v);
  sizes.push_back(ix.c(Lp));
  EpilogueOutput out;
  if (ep.type) {
    out.q = qf::kernel::beginRowQuantize(b, loc, ep.type, sizes, ep.scales,
                                         ep.tensorScale);
    if (failed(out.q))
      return op->emitOpError("cannot encode the epilogue result ") << ep.type;
  } else {
    out.f32Out = memref::AllocOp::create(
        b, loc, MemRefType::get(resultT.getShape(), b.getF32Type()),
        resultDynSizes(c, resultT, false), b.getI64IntegerAttr(64));
    out.f32Flat = flat(b, loc, out.f32Out);
  }
  EpilogueInputs in = bufferEpilogueInputs(b, loc, ep);
  auto f32 = b.getF32Type();
  // The integer dot-product kernel runs over panels of N with all M rows,
  // so it computes the whole product first (the bits of the unfused
  // qf.matmul); the bands then read their rows from it.
  Value product;
  if (c.p.intDot) {
    Plan p = c.p;
    p.out = allocProduct(b, c, resultT);
    emitIntDotProducts(b, loc, p, c.batch.v, c.m.v, c.n.v, target);
    product = flat(b, loc, p.out);
  }
  SmallVector<qf::RowReduceOp> reductions(ep.body->getOps<qf::RowReduceOp>());
  for (const Part &pb : splitTiles(ix, bandS, bandTile)) {
    SmallVector<Value> ubs;
    if (c.p.batched)
      ubs.push_back(c.batch.v);
    ubs.push_back(pb.tiles);
    target.emitParallelLoop(b, loc, ubs, [&](OpBuilder &bb, ValueRange ivs) {
      Ix jx{bb, loc};
      Value batch = c.p.batched ? ivs[0] : Value();
      Value r0 = jx.add(pb.lo, jx.mul(ivs.back(), jx.c(pb.t)));
      // The band buffer is allocated per iteration (a thread's; the
      // deallocation pipeline frees it at the end of the iteration). A
      // stack buffer would need memref.alloca_scope, whose single block
      // does not survive scf-to-cf.
      auto bandT = MemRefType::get({pb.t * L}, f32);
      auto alloc = [&]() -> Value {
        return memref::AllocOp::create(bb, loc, bandT, ValueRange{},
                                       bb.getI64IntegerAttr(64));
      };
      Value band = product ? product : alloc();
      Value band2 = c.dual ? alloc() : Value();
      // A reduced value that the body also uses elsewhere (softmax's exp,
      // summed and then divided) is kept per row while it is reduced and
      // read back, not computed twice.
      SmallVector<Value> stashes;
      for (qf::RowReduceOp red : reductions)
        stashes.push_back(qf::kernel::rowReduceStashed(red) ? alloc()
                                                            : Value());
      SmallVector<Value> rb; // the band's rows (of M, or of N)
      for (int64_t i = 0; i < pb.t; ++i)
        rb.push_back(i ? jx.add(r0, jx.c(i)) : r0);
      if (!product)
        emitBandProducts(bb, c, c.p, band, r0, rb, batch, tr ? c.mt : c.nt, L,
                         tr);
      if (c.dual)
        emitBandProducts(bb, c, c.p2, band2, r0, rb, batch, c.nt2, L, tr);
      for (int64_t i = 0; i < pb.t; ++i) {
        Value row = rb[i];
        if (batch)
          row = jx.add(jx.mul(batch, bandS.v), row);
        Value productBase = product ? jx.mul(row, jx.c(L)) : jx.c(i * L);
        emitEpilogueRow(bb, c, ep, in, out, reductions, stashes, band, band2,
                        productBase, row, rb[i], i, L, Lp, target);
      }
    });
  }
  if (!ep.type)
    return SmallVector<Value>{bufferization::ToTensorOp::create(
        b, loc, resultT, out.f32Out, /*restrict=*/true, /*writable=*/true)};
  return qf::kernel::endRowQuantize(b, loc, *out.q, target);
}

/// qf.matmul as a kernel. Without `ep`: returns the f32 result tensor. With
/// `ep`: the epilogue and row encoding run on bands of output rows held in
/// a thread-local buffer; returns the storage tensors (the caller checks
/// fusedMatmulKernelSupport first). With `ep` and `rhs2T` (a dual GEMM), the
/// band of lhs * rhs2 goes to a second buffer, computed by the tile emitter
/// that qf.matmul of lhs and rhs2 would use, and is the body's second
/// argument.
FailureOr<SmallVector<Value>>
emitMatmul(ConversionPatternRewriter &rewriter, Operation *op, Type lhsT,
           Type rhsT, bool tb, ValueRange lhsStorage, ValueRange rhsStorage,
           RankedTensorType resultT, const qf::CPUTargetInfo &target,
           const Epilogue *ep, Type rhs2T = Type(),
           ValueRange rhs2Storage = {}) {
  if (rhs2T && !ep)
    return op->emitOpError("a second product needs the fused epilogue");
  FailureOr<Contraction> c =
      prepareContraction(rewriter, op, lhsT, rhsT, rhs2T, tb, lhsStorage,
                         rhsStorage, rhs2Storage, resultT, target);
  if (failed(c))
    return failure();
  // Integer codes on both sides: exact i32 block sums (MatmulIntDot.cpp);
  // with an epilogue whose bands are rows of M (not a dual GEMM, whose
  // second product keeps the f32 tiles, nor a transposed result).
  int64_t minRows = target.getIntDotMinRows();
  bool rowBands = !ep || (!c->dual && !ep->transposed);
  if (rowBands && target.useIntDot() &&
      (ShapedType::isDynamic(c->m.s) ? minRows <= 1 : c->m.s >= minRows))
    chooseIntDot(c->p, target.getVectorWidth());
  // Repacked weights the chosen kernels do not read in place: row-major.
  resolveTiledRhs(rewriter, c->loc, c->p, target);
  resolveTiledRhs(rewriter, c->loc, c->p2, target);
  // 4-bit weights: A split into even and odd halves once, for every tile.
  if (c->p.nibbles && !c->p.intDot)
    emitSplitA(rewriter, c->loc, c->p, c->batch.v, c->m.v);
  if (c->dual && c->p2.nibbles) {
    if (c->p.nibbles && !c->p.intDot) {
      c->p2.aSplit = c->p.aSplit;
      c->p2.aSplitRows = c->p.aSplitRows;
    } else {
      emitSplitA(rewriter, c->loc, c->p2, c->batch.v, c->m.v);
    }
  }
  if (!ep)
    return SmallVector<Value>{emitProducts(rewriter, *c, resultT, target)};
  return emitBandEpilogue(rewriter, *c, *ep, resultT, target);
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
  return target.supportsRowEncode(qt);
}
