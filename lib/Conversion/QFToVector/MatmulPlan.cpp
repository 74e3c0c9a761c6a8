//===- MatmulPlan.cpp - Operands, sizes and plans of a CPU GEMM -----------===//
//
// Sets up a qf.matmul / qf.fused_matmul for the CPU kernels: operand
// buffers and factors, logical sizes, the summation plan of each product
// (which depends only on its two operands) and the register tile shape.
//
//===----------------------------------------------------------------------===//
#include "MatmulPlan.h"

#include "qf/Conversion/Kernels/Builder.h"
#include "qf/Conversion/Kernels/ScaleCodec.h"
#include "qf/Dialect/QF/IR/QF.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

#include <algorithm>
#include <cmath>
#include <numeric>

using namespace mlir;
using qf::kernel::KB;
using Ix = qf::kernel::Idx;
using qf::kernel::flat;

namespace qf::cpu {

/// Checks that a quantized operand is blocked along K. The verifier checks
/// this too; a kernel that silently read blocks across K would compute
/// something else, so check again here.
static LogicalResult checkBlockedAlongK(Operation *op, Type t, int64_t kAxis,
                                 StringRef name) {
  auto q = dyn_cast<qf::QTensorType>(t);
  if (!q || q.getFormat().getBlockKind() == qf::BlockKind::Tensor ||
      q.getAxis() == kAxis)
    return success();
  return op->emitOpError() << "cannot lower to a CPU kernel: " << name
                           << " is blocked along axis " << q.getAxis()
                           << ", but the kernel needs blocks along the "
                              "reduction axis "
                           << kAxis;
}

/// The buffers and factors of one operand (`storage`: its converted values).
static LogicalResult setupOperand(OpBuilder &b, Operation *op, int64_t rank, Type t,
                           ValueRange storage, bool kInner, Operand &o) {
  Location loc = op->getLoc();
  o.kInner = kInner;
  auto toBuffer = [&](Value tensor) -> Value {
    auto tt = cast<RankedTensorType>(tensor.getType());
    return bufferization::ToBufferOp::create(
        b, loc, MemRefType::get(tt.getShape(), tt.getElementType()), tensor,
        /*read_only=*/true);
  };
  if (auto q = dyn_cast<qf::QTensorType>(t)) {
    if (storage.size() < 2)
      return op->emitOpError("expected the storage tensors of ") << t;
    o.quant = true;
    o.fmt = q.getFormat().toNumerics();
    o.bits = q.getElementBits();
    o.nd = toBuffer(storage[0]);
    o.scales = toBuffer(storage[1]);
    KB k{b, loc};
    o.scaleTable = qf::kernel::scaleTable(k, op->getParentOfType<ModuleOp>(),
                                          o.fmt.scale);
    if (q.getFormat().getBlockKind() == qf::BlockKind::Fixed)
      o.blockLen = q.getFormat().getBlockSize();
    if (o.fmt.tensorScale) {
      if (storage.size() < 3)
        return op->emitOpError("expected a tensor scale for ") << t;
      o.tensorScale =
          memref::LoadOp::create(b, loc, toBuffer(storage[2]), ValueRange{});
    }
    // The MX integer unit 2^-(b-2) and the tensor scale do not change
    // along K: they multiply the reduced sum once.
    if (o.fmt.elem.isInt() && o.fmt.scale == nm::ScaleType::E8M0)
      o.factor = arith::ConstantOp::create(
          b, loc, b.getF32FloatAttr(std::ldexp(1.0f, 2 - int(o.bits))));
    o.factor = mulf(b, loc, o.factor, o.tensorScale);
  } else {
    if (storage.size() != 1)
      return op->emitOpError("expected one float tensor for ") << t;
    o.elt = cast<RankedTensorType>(t).getElementType();
    o.nd = toBuffer(storage[0]);
  }
  Ix ix{b, loc};
  auto mt = cast<MemRefType>(o.nd.getType());
  auto dim = [&](int64_t i) -> Value {
    if (!mt.isDynamicDim(i))
      return ix.c(mt.getDimSize(i));
    return memref::DimOp::create(b, loc, o.nd, i);
  };
  o.rowStride = dim(rank - 1);
  o.batchStride = ix.mul(dim(rank - 2), dim(rank - 1));
  o.flat = flat(b, loc, o.nd);
  setupTiling(b, loc, t, o); // a repacked weight (MatmulRepacked.cpp)
  return success();
}

/// Where a logical size can be read: dimension `d` of an operand.
namespace {
struct SizeSource {
  const Operand *o;
  ArrayRef<int64_t> shape;
  int64_t d;
};
} // namespace

/// A logical size: static from the types when one knows it, else read from
/// an operand buffer (a packed innermost dimension of sub-byte codes does
/// not give back the element count).
static FailureOr<Size> logicalSize(OpBuilder &b, Operation *op, int64_t rank,
                            ArrayRef<int64_t> resultShape,
                            ArrayRef<SizeSource> srcs, int64_t resultDim,
                            StringRef what) {
  Ix ix{b, op->getLoc()};
  Size s;
  if (resultDim >= 0 && !ShapedType::isDynamic(resultShape[resultDim]))
    s.s = resultShape[resultDim];
  for (const SizeSource &x : srcs)
    if (!ShapedType::isDynamic(x.shape[x.d]))
      s.s = x.shape[x.d];
  if (!ShapedType::isDynamic(s.s)) {
    s.v = ix.c(s.s);
    return s;
  }
  for (const SizeSource &x : srcs) {
    bool packedDim = x.o->quant && x.d == rank - 1 && x.o->bits != 8;
    if (!packedDim) {
      s.v = memref::DimOp::create(b, op->getLoc(), x.o->nd, x.d);
      return s;
    }
  }
  return op->emitOpError() << "cannot lower to a CPU kernel: the " << what
                           << " size is dynamic and only stored in packed "
                              "sub-byte codes";
}

/// The summation scheme of a plan, which depends only on its two operands
/// (so each product of a dual GEMM sums as its own qf.matmul does): K
/// segments of the gcd of the block lengths and chunks of C lanes, or the
/// 4-bit B tile (emitNibbleTile).
static void choosePlan(Plan &p, const qf::TargetInfo &target) {
  int64_t pref = std::max<int64_t>(target.getVectorWidth(), 8);
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
    return;
  }
  // Float A, B blocked along K in whole chunks, a scale that folds exactly
  // (mxint8, mxfp8, ... and 4-bit B stored [K, N]): emitFoldedTile. Not
  // taken from the layout, so [N, K] and [K, N] B sum alike.
  if (!A.quant && B.quant && B.blockLen > 0 && B.blockLen % c == 0 &&
      scaleFoldsExactly(B.fmt) && p.kStatic > 0 &&
      p.kStatic % B.blockLen == 0) {
    p.folded = true;
    p.chunk = c;
  }
}

/// Register tiles: up to 4 rows of A; B rows 4 at a time for GEMV, 2
/// otherwise (accumulators + partial sums stay within 16 registers), more
/// with 32 registers (below).
static std::pair<int64_t, int64_t> tileShape(const Plan &p, const Size &m,
                                             const Size &n,
                                             const qf::TargetInfo &target) {
  auto tileOf = [](const Size &s, int64_t pref) {
    return ShapedType::isDynamic(s.s)
               ? pref
               : std::max<int64_t>(1, std::min(pref, s.s));
  };
  int64_t mt = tileOf(m, 4);
  int64_t nt = tileOf(n, mt == 1 ? 4 : 2);
  // With 32 registers, more B rows per A chunk load (the A rows stream from
  // L2, the B rows of a tile stay in L1, see emitLoop): 4-bit B 4 x 4
  // outputs (16 accumulators, 4 decoded B halves and the table), folded
  // tiles 4 x 4 (16 accumulators, 4 scaled B chunks), segment tiles 4 x 3
  // (12 accumulators and 12 segment sums).
  if (mt > 1 && target.getVectorRegisters() >= 32 && p.chunk == 16)
    nt = tileOf(n, p.nibbles || p.folded ? 4 : 3);
  if (p.chunk > 16) {
    mt = std::min<int64_t>(mt, 2);
    nt = std::min<int64_t>(nt, 2);
  }
  return {mt, nt};
}

/// Bytes of A that a block of row tiles may hold (about a third of a 1 MiB
/// L2, leaving room for the B rows streaming through and the outputs).
static constexpr int64_t kABlockBytes = 384 * 1024;

/// Row tiles of A per block of emitLoop: as many as keep the block's A rows
/// (what the tiles read of them: the split f32 halves for nibbles, the
/// stored elements otherwise) within kABlockBytes. Only for AVX-512 CPUs
/// (32 vector registers); other users of these tiles (AVX2, the GPU
/// targets' per-thread tiles) keep one tile per parallel iteration.
static int64_t tilesPerBlock(const Plan &p, int64_t mt,
                             const qf::TargetInfo &target) {
  if (target.getVectorRegisters() < 32)
    return 1;
  const Operand &A = p.a;
  int64_t K = p.kStatic > 0 ? p.kStatic : 4096;
  int64_t rowBytes =
      p.nibbles ? 4 * K
                : (A.quant ? K * A.bits / 8
                           : K * int64_t(A.elt.getIntOrFloatBitWidth()) / 8);
  return std::clamp<int64_t>(
      kABlockBytes / std::max<int64_t>(1, rowBytes * mt), 1, 64);
}

SmallVector<Part> splitTiles(Ix &ix, const Size &s, int64_t t) {
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
}

/// Operands, sizes, plans and tiles of lhs * rhs (and lhs * rhs2).
FailureOr<Contraction>
prepareContraction(OpBuilder &b, Operation *op, Type lhsT, Type rhsT,
                   Type rhs2T, bool tb, ValueRange lhsStorage,
                   ValueRange rhsStorage, ValueRange rhs2Storage,
                   RankedTensorType resultT, const qf::TargetInfo &target) {
  auto shapeOf = [](Type t) -> ArrayRef<int64_t> {
    if (auto q = dyn_cast<qf::QTensorType>(t))
      return q.getShape();
    return cast<RankedTensorType>(t).getShape();
  };
  Contraction c(op, int64_t(shapeOf(lhsT).size()));
  int64_t r = c.rank;
  if (failed(checkBlockedAlongK(op, lhsT, r - 1, "lhs")) ||
      failed(checkBlockedAlongK(op, rhsT, tb ? r - 1 : r - 2, "rhs")) ||
      (rhs2T &&
       failed(checkBlockedAlongK(op, rhs2T, tb ? r - 1 : r - 2, "rhs2"))))
    return failure();
  c.dual = bool(rhs2T);
  c.p.batched = r == 3;
  if (failed(setupOperand(b, op, r, lhsT, lhsStorage, true, c.p.a)) ||
      failed(setupOperand(b, op, r, rhsT, rhsStorage, tb, c.p.bOp)))
    return failure();
  // The second product: the same lhs (set up once), its own rhs.
  c.p2.batched = c.p.batched;
  c.p2.a = c.p.a;
  if (c.dual && failed(setupOperand(b, op, r, rhs2T, rhs2Storage, tb, c.p2.bOp)))
    return failure();

  ArrayRef<int64_t> as = shapeOf(lhsT), bs = shapeOf(rhsT),
                    cs = resultT.getShape();
  FailureOr<Size> mS = logicalSize(b, op, r, cs, {{&c.p.a, as, r - 2}}, r - 2, "M");
  FailureOr<Size> nS = logicalSize(
      b, op, r, cs, {{&c.p.bOp, bs, tb ? r - 2 : r - 1}}, r - 1, "N");
  FailureOr<Size> kS = logicalSize(
      b, op, r, cs, {{&c.p.a, as, r - 1}, {&c.p.bOp, bs, tb ? r - 1 : r - 2}},
      -1, "K");
  if (failed(mS) || failed(nS) || failed(kS))
    return failure();
  c.m = *mS;
  c.n = *nS;
  c.k = *kS;
  if (c.p.batched) {
    FailureOr<Size> bS = logicalSize(
        b, op, r, cs, {{&c.p.a, as, 0}, {&c.p.bOp, bs, 0}}, 0, "batch");
    if (failed(bS))
      return failure();
    c.batch = *bS;
  }
  for (Plan *p : {&c.p, &c.p2}) {
    p->kSize = c.k.v;
    p->kStatic = ShapedType::isDynamic(c.k.s) ? -1 : c.k.s;
  }
  choosePlan(c.p, target);
  std::tie(c.mt, c.nt) = tileShape(c.p, c.m, c.n, target);
  c.p.rowTilesPerBlock = tilesPerBlock(c.p, c.mt, target);
  // AVX-512 CPUs (blocks of A tiles per B tile): the 4-bit tiles prefetch
  // the next B tile of their thread (prefetchNextB). Measured on the 8-bit
  // folded tiles too, where it was slower (docs/performance.md).
  if (target.getVectorRegisters() >= 32 && c.p.nibbles) {
    c.p.prefetchRows = c.nt;
  }
  if (c.dual) {
    // A dual GEMM shares the band of rows; tile shapes do not change sums.
    choosePlan(c.p2, target);
    auto [mt2, nt2] = tileShape(c.p2, c.m, c.n, target);
    c.mt = std::min(c.mt, mt2);
    c.nt2 = nt2;
  }
  return c;
}

/// Dynamic sizes of a [B,] M x N result (N only `withN`).
SmallVector<Value> resultDynSizes(const Contraction &c, RankedTensorType t,
                                  bool withN) {
  int64_t r = c.rank;
  SmallVector<Value> dyn;
  if (c.p.batched && t.isDynamicDim(0))
    dyn.push_back(c.batch.v);
  if (t.isDynamicDim(r - 2))
    dyn.push_back(c.m.v);
  if (withN && t.isDynamicDim(r - 1))
    dyn.push_back(c.n.v);
  return dyn;
}

} // namespace qf::cpu
