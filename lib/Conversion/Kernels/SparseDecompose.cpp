//===- SparseDecompose.cpp - SQ tensors as two ordinary parts -------------===//
//
// Every op on a sparse-quantized (SQ) tensor becomes ops on its two parts
// (qf.sparse_split / qf.sparse_join), so the kernels of ordinary formats do
// all the encoding and decoding (docs/numerics.md D20-D27):
//   dequantize -> dequantize(low), then each outlier slot overwritten by the
//                 decoded high value (scf loops over the high part);
//   matmul     -> qf.matmul with the low part (the dense low-bit product,
//                 rank 2 or batched rank 3),
//                 then the banked sparse correction: for every output
//                 element, in ascending high slot j, c += a[k(j)] * h[j]
//                 (fp32 product, then fp32 sum) with k(j) = (j / count) *
//                 bank + position[j];
//   quantize   -> the selection of D23 at run time, the low part quantized
//                 with the outliers zeroed, the high part gathered;
//   sparse_quantize -> the same with the static channel mask broadcast as
//                 the positions (no selection);
//   requantize -> dequantize + quantize; constants -> constants per part.
//
//===----------------------------------------------------------------------===//
#include "qf/Conversion/Kernels/Builder.h"
#include "qf/Conversion/Kernels/Decompose.h"

#include "qf/Dialect/QF/IR/ConstantData.h"
#include "qf/Dialect/QF/IR/QF.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

#include <limits>

using namespace mlir;

namespace {

qf::QTensorType sparseType(Type t) {
  auto q = dyn_cast<qf::QTensorType>(t);
  return q && q.getFormat().hasOutliers() ? q : qf::QTensorType();
}

bool hasSparseType(Operation *op) {
  for (Type t : op->getOperandTypes())
    if (sparseType(t))
      return true;
  for (Type t : op->getResultTypes())
    if (sparseType(t))
      return true;
  return false;
}

RankedTensorType withElement(ArrayRef<int64_t> shape, Type elt) {
  return RankedTensorType::get(shape, elt);
}

qf::SparseSplitOp split(PatternRewriter &rewriter, Location loc, Value v) {
  auto t = cast<qf::QTensorType>(v.getType());
  return qf::SparseSplitOp::create(rewriter, loc, t.getLowType(),
                                   t.getHighType(),
                                   t.getOutlierPositionsType(), v);
}

Value cIdx(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// The bank-relative index of high slot `j` as an absolute index along the
/// blocked axis: (j / count) * bank + zext(pos).
Value outlierIndex(OpBuilder &b, Location loc, Value j, Value pos,
                   qf::OutliersAttr o) {
  Value bankIdx = arith::DivUIOp::create(b, loc, j, cIdx(b, loc, o.getCount()));
  Value start = arith::MulIOp::create(b, loc, bankIdx, cIdx(b, loc, o.getBank()));
  Value p32 = arith::ExtUIOp::create(b, loc, b.getI32Type(), pos);
  Value p = arith::IndexCastUIOp::create(b, loc, b.getIndexType(), p32);
  return arith::AddIOp::create(b, loc, start, p);
}

/// Upper bounds of every dimension of `v` (a ranked tensor).
SmallVector<Value> dimsOf(OpBuilder &b, Location loc, Value v) {
  SmallVector<Value> ubs;
  auto t = cast<RankedTensorType>(v.getType());
  for (int64_t d = 0; d < t.getRank(); ++d)
    ubs.push_back(tensor::DimOp::create(b, loc, v, d));
  return ubs;
}

/// dense[.., k(j), ..] = high[.., j, ..] for every high slot: the decode of
/// an SQ tensor from its decoded parts.
Value scatterOutliers(PatternRewriter &rewriter, Location loc, Value dense,
                      Value high, Value pos, int64_t axis,
                      qf::OutliersAttr o) {
  SmallVector<Value> ubs = dimsOf(rewriter, loc, high);
  SmallVector<Value> lbs(ubs.size(), cIdx(rewriter, loc, 0));
  SmallVector<Value> steps(ubs.size(), cIdx(rewriter, loc, 1));
  scf::LoopNest nest = scf::buildLoopNest(
      rewriter, loc, lbs, ubs, steps, ValueRange{dense},
      [&](OpBuilder &b, Location l, ValueRange ivs,
          ValueRange args) -> scf::ValueVector {
        Value p = tensor::ExtractOp::create(b, l, pos, ivs);
        Value v = tensor::ExtractOp::create(b, l, high, ivs);
        SmallVector<Value> dst(ivs);
        dst[axis] = outlierIndex(b, l, ivs[axis], p, o);
        return {tensor::InsertOp::create(b, l, v, args[0], dst)};
      });
  return nest.results[0];
}

/// SQ constants become constants of their parts; the join disappears again
/// when the value is split (SplitOfJoin).
struct SparseConstant : OpRewritePattern<qf::ConstantOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(qf::ConstantOp op,
                                PatternRewriter &rewriter) const override {
    qf::QTensorType t = sparseType(op.getType());
    if (!t)
      return failure();
    qf::QuantizedAttr v = op.getValue();
    Location loc = op.getLoc();
    qf::QTensorType lowT = t.getLowType(), highT = t.getHighType();
    auto low = qf::ConstantOp::create(
        rewriter, loc, lowT,
        qf::QuantizedAttr::get(getContext(), lowT, v.getCodes(), v.getScales(),
                               {}, {}, {}, {}));
    auto high = qf::ConstantOp::create(
        rewriter, loc, highT,
        qf::QuantizedAttr::get(getContext(), highT, v.getOutlierCodes(),
                               v.getOutlierScales(), {}, {}, {}, {}));
    auto pos = arith::ConstantOp::create(rewriter, loc, v.getPositions());
    rewriter.replaceOpWithNewOp<qf::SparseJoinOp>(op, t, low, high, pos);
    return success();
  }
};

struct SplitOfJoin : OpRewritePattern<qf::SparseSplitOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(qf::SparseSplitOp op,
                                PatternRewriter &rewriter) const override {
    auto join = op.getInput().getDefiningOp<qf::SparseJoinOp>();
    if (!join)
      return failure();
    rewriter.replaceOp(op, join.getOperands());
    return success();
  }
};

struct SparseDequantize : OpRewritePattern<qf::DequantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(qf::DequantizeOp op,
                                PatternRewriter &rewriter) const override {
    qf::QTensorType t = sparseType(op.getInput().getType());
    if (!t)
      return failure();
    Location loc = op.getLoc();
    auto parts = split(rewriter, loc, op.getInput());
    auto resT = cast<RankedTensorType>(op.getResult().getType());
    Value low = qf::DequantizeOp::create(rewriter, loc, resT, parts.getLow());
    Value high = qf::DequantizeOp::create(
        rewriter, loc,
        withElement(t.getHighType().getShape(), resT.getElementType()),
        parts.getHigh());
    rewriter.replaceOp(op, scatterOutliers(rewriter, loc, low, high,
                                           parts.getPositions(), t.getAxis(),
                                           t.getFormat().getOutliers()));
    return success();
  }
};

struct SparseRequantize : OpRewritePattern<qf::RequantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(qf::RequantizeOp op,
                                PatternRewriter &rewriter) const override {
    if (!hasSparseType(op))
      return failure();
    qf::QTensorType src = op.getInput().getType();
    Value f = qf::DequantizeOp::create(
        rewriter, op.getLoc(),
        withElement(src.getShape(), src.getExpressedType()), op.getInput());
    rewriter.replaceOpWithNewOp<qf::QuantizeOp>(op, op.getResult().getType(),
                                                f, Value(), Value());
    return success();
  }
};

/// `dst[r, c] = src2d[f / cols, f % cols]` over a static [rows, cols]
/// result, with the flat source index f = index(r, c): a gather of storage
/// bytes (or scales) in another order.
Value gather2d(PatternRewriter &rewriter, Location loc, Value src,
               function_ref<Value(OpBuilder &, Location, Value, Value)> index) {
  auto t = cast<RankedTensorType>(src.getType());
  int64_t cols = t.getShape()[1];
  Value empty = tensor::EmptyOp::create(rewriter, loc, t.getShape(),
                                        t.getElementType());
  AffineMap id = AffineMap::getMultiDimIdentityMap(2, rewriter.getContext());
  SmallVector<utils::IteratorType> par(2, utils::IteratorType::parallel);
  auto g = linalg::GenericOp::create(
      rewriter, loc, TypeRange{t}, ValueRange{}, ValueRange{empty},
      ArrayRef<AffineMap>{id}, par,
      [&](OpBuilder &b, Location l, ValueRange) {
        Value f = index(b, l, linalg::IndexOp::create(b, l, 0),
                        linalg::IndexOp::create(b, l, 1));
        Value c = cIdx(b, l, cols);
        SmallVector<Value> at = {arith::DivUIOp::create(b, l, f, c),
                                 arith::RemUIOp::create(b, l, f, c)};
        linalg::YieldOp::create(b, l,
                                Value(tensor::ExtractOp::create(b, l, src, at)));
      });
  return g.getResult(0);
}

/// A weight in the repacked layout (`layout = tiled<R x KC>`) as the
/// row-major tensor of the same values: its storage (qf.pack) permuted back,
/// run by run of KC codes (whole bytes, the type verifier checks it) and
/// scale by scale (qf::numerics::Tiling), then qf.unpack. The decode of the
/// SQ correction reads it like any row-major weight, so its numbers do not
/// depend on the layout.
Value rowMajor(PatternRewriter &rewriter, Location loc, Value v) {
  auto t = cast<qf::QTensorType>(v.getType());
  RankedTensorType packedT = t.getPackedType(), scalesT = t.getScalesType();
  RankedTensorType tsT = t.getTensorScaleType();
  auto pack = qf::PackOp::create(rewriter, loc, packedT, scalesT,
                                 tsT ? Type(tsT) : Type(), v);
  int64_t R = t.getTileRows(), k = t.getShape()[1];
  int64_t runs = k / t.getTileK();
  int64_t runBytes = t.getTileK() * int64_t(t.getElementBits()) / 8;
  int64_t nb = scalesT.getShape()[1];
  // Byte c of row r: run c / runBytes of row group r / R, row r % R of it.
  Value codes = gather2d(
      rewriter, loc, pack.getPacked(),
      [&](OpBuilder &b, Location l, Value r, Value c) {
        qf::kernel::Idx e{b, l};
        Value run = e.add(e.mul(e.div(r, R), e.c(runs)), e.div(c, runBytes));
        return e.add(e.add(e.mul(run, e.c(R * runBytes)),
                           e.mul(e.rem(r, R), e.c(runBytes))),
                     e.rem(c, runBytes));
      });
  // Scales [N/R][nb][R].
  Value scales = gather2d(
      rewriter, loc, pack.getScales(),
      [&](OpBuilder &b, Location l, Value r, Value blk) {
        qf::kernel::Idx e{b, l};
        return e.add(e.mul(e.add(e.mul(e.div(r, R), e.c(nb)), blk), e.c(R)),
                     e.rem(r, R));
      });
  return qf::UnpackOp::create(rewriter, loc, t.cloneWith(t.getFormat(), 1),
                              codes, scales, pack.getTensorScale());
}

/// f32 values of a matmul operand (decoded when quantized; a repacked
/// weight back in row-major order first).
Value decoded(PatternRewriter &rewriter, Location loc, Value v) {
  auto q = dyn_cast<qf::QTensorType>(v.getType());
  if (!q)
    return v;
  if (q.isTiled())
    v = rowMajor(rewriter, loc, v);
  return qf::DequantizeOp::create(
      rewriter, loc, withElement(q.getShape(), rewriter.getF32Type()), v);
}

/// qf.matmul with an SQ operand: the low product, then the correction.
struct SparseMatmul : OpRewritePattern<qf::MatmulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(qf::MatmulOp op,
                                PatternRewriter &rewriter) const override {
    qf::QTensorType lhsT = sparseType(op.getLhs().getType());
    qf::QTensorType rhsT = sparseType(op.getRhs().getType());
    if (!lhsT && !rhsT)
      return failure();
    // One operand at a time: the low product of the lhs split is matched
    // again for an SQ rhs.
    bool onLhs = bool(lhsT);
    qf::QTensorType t = onLhs ? lhsT : rhsT;
    auto resT = cast<RankedTensorType>(op.getResult().getType());
    bool tb = op.getTransposeB();
    Location loc = op.getLoc();
    auto parts = split(rewriter, loc, onLhs ? op.getLhs() : op.getRhs());
    Value c0 = qf::MatmulOp::create(
        rewriter, loc, resT, onLhs ? Value(parts.getLow()) : op.getLhs(),
        onLhs ? op.getRhs() : Value(parts.getLow()), op.getTransposeBAttr());
    Value high = qf::DequantizeOp::create(
        rewriter, loc,
        withElement(t.getHighType().getShape(), rewriter.getF32Type()),
        parts.getHigh());
    Value pos = parts.getPositions();
    Value other = decoded(rewriter, loc, onLhs ? op.getRhs() : op.getLhs());
    qf::OutliersAttr o = t.getFormat().getOutliers();

    // Loops ([batch,] m, n, j); the high part and positions are [M, Kh] for
    // the lhs, [Kh, N] for the rhs, [N, Kh] for a transposed rhs, each after
    // the batch index of a rank-3 matmul.
    MLIRContext *ctx = getContext();
    unsigned nb = resT.getRank() == 3 ? 1 : 0, nd = nb + 3;
    AffineExpr m = getAffineDimExpr(nb, ctx), n = getAffineDimExpr(nb + 1, ctx),
               j = getAffineDimExpr(nb + 2, ctx);
    auto withBatch = [&](ArrayRef<AffineExpr> e) {
      SmallVector<AffineExpr> r;
      if (nb)
        r.push_back(getAffineDimExpr(0, ctx));
      r.append(e.begin(), e.end());
      return AffineMap::get(nd, 0, r, ctx);
    };
    AffineMap partMap = withBatch(
        onLhs ? ArrayRef<AffineExpr>{m, j}
              : (tb ? ArrayRef<AffineExpr>{n, j} : ArrayRef<AffineExpr>{j, n}));
    AffineMap outMap = withBatch({m, n});
    SmallVector<utils::IteratorType> iters(nd, utils::IteratorType::parallel);
    iters.back() = utils::IteratorType::reduction;
    auto generic = linalg::GenericOp::create(
        rewriter, loc, resT, ValueRange{high, pos}, ValueRange{c0},
        ArrayRef<AffineMap>{partMap, partMap, outMap}, iters,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value mi = linalg::IndexOp::create(b, l, nb);
          Value ni = linalg::IndexOp::create(b, l, nb + 1);
          Value ji = linalg::IndexOp::create(b, l, nb + 2);
          Value k = outlierIndex(b, l, ji, args[1], o);
          SmallVector<Value> at;
          if (nb)
            at.push_back(linalg::IndexOp::create(b, l, 0));
          if (onLhs)
            at.append(tb ? SmallVector<Value>{ni, k}
                         : SmallVector<Value>{k, ni});
          else
            at.append({mi, k});
          Value x = tensor::ExtractOp::create(b, l, other, at);
          Value prod = arith::MulFOp::create(b, l, x, args[0]);
          linalg::YieldOp::create(b, l,
                                  Value(arith::AddFOp::create(b, l, args[2], prod)));
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

/// The importance of D23 without calibration: |x|, +Inf for NaN and +-Inf.
Value importance(OpBuilder &b, Location loc, Value x) {
  if (!x.getType().isF32())
    x = arith::ExtFOp::create(b, loc, b.getF32Type(), x);
  Value a = math::AbsFOp::create(b, loc, x);
  Value inf = arith::ConstantOp::create(
      b, loc, b.getF32FloatAttr(std::numeric_limits<float>::infinity()));
  Value finite =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, a, inf);
  return arith::SelectOp::create(b, loc, finite, a, inf);
}

/// The SQ tensor of `x` (type `t`) with the outliers at `pos` (the high
/// part's shape, i8 in-bank positions): the high part gathered, the low part
/// quantized with the outlier slots zeroed (D22), as
/// numerics::quantizeSparseWithPositions does.
Value quantizeAtPositions(PatternRewriter &rewriter, Location loc, Value x,
                          qf::QTensorType t, Value pos) {
  auto xT = cast<RankedTensorType>(x.getType());
  int64_t axis = t.getAxis();
  qf::OutliersAttr o = t.getFormat().getOutliers();
  qf::QTensorType highT = t.getHighType();
  SmallVector<Value> dyn;
  for (int64_t d = 0; d < xT.getRank(); ++d)
    if (xT.isDynamicDim(d))
      dyn.push_back(tensor::DimOp::create(rewriter, loc, x, d));
  auto emptyHigh = [&](Type elt) -> Value {
    return tensor::EmptyOp::create(rewriter, loc, highT.getShape(), elt, dyn);
  };
  // The high part gathered, the low part with the outlier slots zeroed.
  Type elt = xT.getElementType();
  MLIRContext *ctx = rewriter.getContext();
  AffineMap id = AffineMap::getMultiDimIdentityMap(xT.getRank(), ctx);
  SmallVector<utils::IteratorType> par(xT.getRank(),
                                       utils::IteratorType::parallel);
  auto gather = linalg::GenericOp::create(
      rewriter, loc, TypeRange{withElement(highT.getShape(), elt)},
      ValueRange{pos}, ValueRange{emptyHigh(elt)}, ArrayRef<AffineMap>{id, id},
      par, [&](OpBuilder &b, Location l, ValueRange args) {
        SmallVector<Value> at;
        for (int64_t d = 0; d < xT.getRank(); ++d)
          at.push_back(linalg::IndexOp::create(b, l, d));
        at[axis] = outlierIndex(b, l, at[axis], args[0], o);
        linalg::YieldOp::create(b, l,
                                Value(tensor::ExtractOp::create(b, l, x, at)));
      });
  Value zero =
      arith::ConstantOp::create(rewriter, loc, rewriter.getZeroAttr(elt));
  Value zeros =
      linalg::FillOp::create(rewriter, loc, zero, emptyHigh(elt)).getResult(0);
  Value xl = scatterOutliers(rewriter, loc, x, zeros, pos, axis, o);
  Value low = qf::QuantizeOp::create(rewriter, loc, t.getLowType(), xl, Value(),
                                     Value());
  Value high = qf::QuantizeOp::create(rewriter, loc, highT, gather.getResult(0),
                                      Value(), Value());
  return qf::SparseJoinOp::create(rewriter, loc, t, low, high, pos);
}

/// qf.quantize into an SQ format with the selection done at run time: per
/// bank, element e is kept high when fewer than `count` elements of the bank
/// rank before it (larger importance, or equal importance and a smaller
/// index), so the positions come out ascending and equal the library's.
struct SparseQuantize : OpRewritePattern<qf::QuantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(qf::QuantizeOp op,
                                PatternRewriter &rewriter) const override {
    qf::QTensorType t = sparseType(op.getType());
    if (!t || op.getScales())
      return failure();
    Location loc = op.getLoc();
    Value x = op.getInput();
    auto xT = cast<RankedTensorType>(x.getType());
    int64_t axis = t.getAxis();
    qf::OutliersAttr o = t.getFormat().getOutliers();
    int64_t bank = o.getBank(), count = o.getCount();
    qf::QTensorType highT = t.getHighType();

    // Empty tensors of the high part's shape (dynamic sizes from x).
    SmallVector<Value> dyn;
    for (int64_t d = 0; d < xT.getRank(); ++d)
      if (xT.isDynamicDim(d))
        dyn.push_back(tensor::DimOp::create(rewriter, loc, x, d));
    auto emptyHigh = [&](Type elt) -> Value {
      return tensor::EmptyOp::create(rewriter, loc, highT.getShape(), elt, dyn);
    };

    // Selection: loops over every bank, then over its elements.
    SmallVector<Value> ubs = dimsOf(rewriter, loc, x);
    ubs[axis] = cIdx(rewriter, loc, xT.getDimSize(axis) / bank);
    SmallVector<Value> lbs(ubs.size(), cIdx(rewriter, loc, 0));
    SmallVector<Value> steps(ubs.size(), cIdx(rewriter, loc, 1));
    Value c0 = cIdx(rewriter, loc, 0), c1 = cIdx(rewriter, loc, 1);
    Value cBank = cIdx(rewriter, loc, bank), cCount = cIdx(rewriter, loc, count);
    scf::LoopNest nest = scf::buildLoopNest(
        rewriter, loc, lbs, ubs, steps,
        ValueRange{emptyHigh(rewriter.getI8Type())},
        [&](OpBuilder &b, Location l, ValueRange ivs,
            ValueRange args) -> scf::ValueVector {
          Value start = arith::MulIOp::create(b, l, ivs[axis], cBank);
          auto keyAt = [&](OpBuilder &bb, Value e) {
            SmallVector<Value> at(ivs);
            at[axis] = arith::AddIOp::create(bb, l, start, e);
            return importance(bb, l, tensor::ExtractOp::create(bb, l, x, at));
          };
          auto elems = scf::ForOp::create(
              b, l, c0, cBank, c1, ValueRange{c0, args[0]},
              [&](OpBuilder &b2, Location l2, Value e, ValueRange st) {
                Value key = keyAt(b2, e);
                auto ranks = scf::ForOp::create(
                    b2, l2, c0, cBank, c1, ValueRange{c0},
                    [&](OpBuilder &b3, Location l3, Value e2, ValueRange r) {
                      Value key2 = keyAt(b3, e2);
                      Value gt = arith::CmpFOp::create(
                          b3, l3, arith::CmpFPredicate::OGT, key2, key);
                      Value eq = arith::CmpFOp::create(
                          b3, l3, arith::CmpFPredicate::OEQ, key2, key);
                      Value before = arith::CmpIOp::create(
                          b3, l3, arith::CmpIPredicate::ult, e2, e);
                      Value ahead = arith::OrIOp::create(
                          b3, l3, gt,
                          arith::AndIOp::create(b3, l3, eq, before));
                      Value inc = arith::SelectOp::create(b3, l3, ahead, c1, c0);
                      scf::YieldOp::create(
                          b3, l3, Value(arith::AddIOp::create(b3, l3, r[0], inc)));
                    });
                Value high = arith::CmpIOp::create(b2, l2, arith::CmpIPredicate::ult,
                                                   ranks.getResult(0), cCount);
                auto sel = scf::IfOp::create(
                    b2, l2, high,
                    [&](OpBuilder &b3, Location l3) {
                      SmallVector<Value> at(ivs);
                      at[axis] = arith::AddIOp::create(
                          b3, l3, arith::MulIOp::create(b3, l3, ivs[axis], cCount),
                          st[0]);
                      Value e8 = arith::IndexCastUIOp::create(
                          b3, l3, b3.getI8Type(), e);
                      Value pos = tensor::InsertOp::create(b3, l3, e8, st[1], at);
                      Value next = arith::AddIOp::create(b3, l3, st[0], c1);
                      scf::YieldOp::create(b3, l3, ValueRange{next, pos});
                    },
                    [&](OpBuilder &b3, Location l3) {
                      scf::YieldOp::create(b3, l3, st);
                    });
                scf::YieldOp::create(b2, l2, sel.getResults());
              });
          return {elems.getResult(1)};
        });
    Value pos = nest.results[0];
    rewriter.replaceOp(op, quantizeAtPositions(rewriter, loc, x, t, pos));
    return success();
  }
};

/// qf.sparse_quantize: the positions are the static channel mask,
/// broadcast over the other axes; the rest is SparseQuantize's.
struct SparseQuantizeStatic : OpRewritePattern<qf::SparseQuantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(qf::SparseQuantizeOp op,
                                PatternRewriter &rewriter) const override {
    qf::QTensorType t = op.getResult().getType();
    Location loc = op.getLoc();
    Value x = op.getInput();
    auto xT = cast<RankedTensorType>(x.getType());
    int64_t axis = t.getAxis();
    qf::QTensorType highT = t.getHighType();
    std::vector<uint8_t> mask = op.getChannelMask();
    auto maskT =
        RankedTensorType::get({int64_t(mask.size())}, rewriter.getI8Type());
    SmallVector<int8_t> bytes(mask.begin(), mask.end());
    Value maskV = arith::ConstantOp::create(
        rewriter, loc, DenseElementsAttr::get(maskT, ArrayRef<int8_t>(bytes)));
    SmallVector<Value> dyn;
    for (int64_t d = 0; d < xT.getRank(); ++d)
      if (xT.isDynamicDim(d))
        dyn.push_back(tensor::DimOp::create(rewriter, loc, x, d));
    Value empty = tensor::EmptyOp::create(rewriter, loc, highT.getShape(),
                                          rewriter.getI8Type(), dyn);
    MLIRContext *ctx = getContext();
    int64_t rank = xT.getRank();
    AffineMap id = AffineMap::getMultiDimIdentityMap(rank, ctx);
    AffineMap along = AffineMap::get(rank, 0, getAffineDimExpr(axis, ctx));
    SmallVector<utils::IteratorType> par(rank, utils::IteratorType::parallel);
    auto pos = linalg::GenericOp::create(
        rewriter, loc, TypeRange{empty.getType()}, ValueRange{maskV},
        ValueRange{empty}, ArrayRef<AffineMap>{along, id}, par,
        [](OpBuilder &b, Location l, ValueRange args) {
          linalg::YieldOp::create(b, l, args[0]);
        });
    rewriter.replaceOp(
        op, quantizeAtPositions(rewriter, loc, x, t, pos.getResult(0)));
    return success();
  }
};

} // namespace

void qf::populateQFSparseDecomposePatterns(RewritePatternSet &patterns) {
  patterns.add<SparseConstant, SplitOfJoin, SparseDequantize, SparseRequantize,
               SparseMatmul, SparseQuantize, SparseQuantizeStatic>(
      patterns.getContext());
}

LogicalResult qf::checkSparseLowered(ModuleOp module) {
  WalkResult r = module.walk([](Operation *op) {
    // Layout ops move every storage tensor of an SQ value as they are
    // (QuantizeToVector.cpp).
    if (isa<qf::SparseSplitOp, qf::SparseJoinOp, qf::TransposeOp,
            qf::ReshapeOp, func::ReturnOp, func::CallOp, func::FuncOp>(op) ||
        !hasSparseType(op))
      return WalkResult::advance();
    op->emitOpError()
        << "with a sparse-quantized operand or result cannot "
           "be lowered yet (supported: quantize, sparse_quantize, "
           "dequantize, requantize, transpose, reshape, constants and "
           "matmul); "
           "dequantize it first";
    return WalkResult::interrupt();
  });
  return failure(r.wasInterrupted());
}

namespace {
/// At the storage level the parts are the SQ tensor's storage values: the
/// low part's, the high part's, then the positions.
struct SparseSplitLowering : OpConversionPattern<qf::SparseSplitOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(qf::SparseSplitOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    ValueRange all = adaptor.getInput();
    SmallVector<Type> lowTypes;
    if (failed(getTypeConverter()->convertType(op.getLow().getType(),
                                               lowTypes)))
      return failure();
    size_t nl = lowTypes.size();
    SmallVector<SmallVector<Value>> parts = {
        SmallVector<Value>(all.take_front(nl)),
        SmallVector<Value>(all.drop_front(nl).drop_back(1)),
        SmallVector<Value>(all.take_back(1))};
    rewriter.replaceOpWithMultiple(op, std::move(parts));
    return success();
  }
};

struct SparseJoinLowering : OpConversionPattern<qf::SparseJoinOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(qf::SparseJoinOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    SmallVector<Value> all;
    for (ValueRange r : adaptor.getOperands())
      llvm::append_range(all, r);
    rewriter.replaceOpWithMultiple(op, {all});
    return success();
  }
};
} // namespace

void qf::populateQFSparseStoragePatterns(const TypeConverter &converter,
                                         RewritePatternSet &patterns) {
  patterns.add<SparseSplitLowering, SparseJoinLowering>(converter,
                                                        patterns.getContext());
}
