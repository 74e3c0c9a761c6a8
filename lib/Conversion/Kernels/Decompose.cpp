//===- Decompose.cpp - Fused qf ops back into their unfused program ------===//
//
// qf-fuse-requantize builds qf.map and qf.fused_matmul from an unfused
// program; these patterns write that program back, for the ops a target
// does not run as one kernel. The result computes the same bits: the fused
// kernels are defined (and tested) as equal to it.
//
//===----------------------------------------------------------------------===//
#include "qf/Conversion/Kernels/Decompose.h"

#include "qf/Conversion/Kernels/FusedKernels.h"
#include "qf/Conversion/Kernels/TargetInfo.h"
#include "qf/Dialect/QF/IR/QF.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;

namespace {

/// The unfused program of a body with row reductions over f32 tensors
/// `args` read at `argMaps` (broadcasts of the static `rowShape`): one
/// linalg reduction over the last axis per qf.row_reduce (body order; its
/// init from a generic over the reduced shape), then one elementwise
/// generic for the body. Returns the f32 result of `rowShape`.
Value emitRowReductionGenerics(OpBuilder &b, Location loc, ArrayRef<Value> args,
                               ArrayRef<AffineMap> argMaps, Block *body,
                               ArrayRef<int64_t> rowShape) {
  Type f32 = b.getF32Type();
  int64_t r = rowShape.size();
  auto rowT = RankedTensorType::get(rowShape, f32);
  auto redT = RankedTensorType::get(rowShape.drop_back(), f32);
  MLIRContext *ctx = b.getContext();
  AffineMap id = AffineMap::getMultiDimIdentityMap(r, ctx);
  AffineMap rowMap = id.dropResult(r - 1);
  AffineMap redId = AffineMap::getMultiDimIdentityMap(r - 1, ctx);
  auto mapArgs = [&](IRMapping &m, ValueRange blockArgs) {
    for (unsigned i = 0; i < body->getNumArguments(); ++i)
      m.map(body->getArgument(i), blockArgs[i]);
  };
  SmallVector<qf::RowReduceOp> reds(body->getOps<qf::RowReduceOp>());
  SmallVector<Value> redTensors;
  SmallVector<utils::IteratorType> par(r, utils::IteratorType::parallel);
  SmallVector<utils::IteratorType> red = par;
  red.back() = utils::IteratorType::reduction;
  for (size_t k = 0; k < reds.size(); ++k) {
    qf::RowReduceOp rr = reds[k]; // captured below: not a structured binding
    // The init: a function of constants and earlier reductions, per row.
    SmallVector<AffineMap> initMaps(k + 1, redId);
    Value initEmpty = tensor::EmptyOp::create(b, loc, redT.getShape(), f32);
    auto init = linalg::GenericOp::create(
        b, loc, TypeRange{redT}, ArrayRef(redTensors).take_front(k),
        ValueRange{initEmpty}, initMaps,
        SmallVector<utils::IteratorType>(r - 1, utils::IteratorType::parallel),
        [&](OpBuilder &nb, Location, ValueRange bargs) {
          IRMapping m;
          for (unsigned j = 0; j < k; ++j)
            m.map(reds[j].getResult(), bargs[j]);
          linalg::YieldOp::create(nb, loc,
                                  qf::kernel::cloneScalarSlice(nb, rr.getInit(), m));
        });
    SmallVector<Value> ins(args);
    ins.append(redTensors.begin(), redTensors.end());
    SmallVector<AffineMap> maps(argMaps);
    maps.append(k, rowMap);
    maps.push_back(rowMap);
    auto g = linalg::GenericOp::create(
        b, loc, TypeRange{redT}, ins, ValueRange{init.getResult(0)}, maps, red,
        [&](OpBuilder &nb, Location, ValueRange bargs) {
          IRMapping m;
          mapArgs(m, bargs);
          for (unsigned j = 0; j < k; ++j)
            m.map(reds[j].getResult(), bargs[args.size() + j]);
          Value x = qf::kernel::cloneScalarSlice(nb, rr.getInput(), m);
          Block &comb = rr.getCombiner().front();
          IRMapping cm;
          cm.map(comb.getArgument(0), x);
          cm.map(comb.getArgument(1), bargs.back());
          for (Operation &o : comb.without_terminator())
            nb.clone(o, cm);
          linalg::YieldOp::create(
              nb, loc, cm.lookup(comb.getTerminator()->getOperand(0)));
        });
    redTensors.push_back(g.getResult(0));
  }
  SmallVector<Value> ins(args);
  ins.append(redTensors.begin(), redTensors.end());
  SmallVector<AffineMap> maps(argMaps);
  maps.append(redTensors.size(), rowMap);
  maps.push_back(id);
  Value empty = tensor::EmptyOp::create(b, loc, rowShape, f32);
  auto y = linalg::GenericOp::create(
      b, loc, TypeRange{rowT}, ins, ValueRange{empty}, maps, par,
      [&](OpBuilder &nb, Location, ValueRange bargs) {
        IRMapping m;
        mapArgs(m, bargs);
        for (auto [j, rr] : llvm::enumerate(reds))
          m.map(rr.getResult(), bargs[args.size() + j]);
        linalg::YieldOp::create(
            nb, loc,
            qf::kernel::cloneScalarSlice(nb, body->getTerminator()->getOperand(0), m));
      });
  return y.getResult(0);
}


/// One elementwise linalg.generic computing `body` over f32 tensors `args`
/// read at `maps` (broadcasts of the result), result type `resultT`, its
/// dynamic sizes from `sizeSource` (an argument read at the identity).
Value emitElementwiseGeneric(OpBuilder &b, Location loc, ArrayRef<Value> args,
                             ArrayRef<AffineMap> argMaps, Block &body,
                             RankedTensorType resultT, Value sizeSource) {
  SmallVector<Value> dyn;
  for (int64_t i = 0; i < resultT.getRank(); ++i)
    if (resultT.isDynamicDim(i))
      dyn.push_back(tensor::DimOp::create(b, loc, sizeSource, i));
  Value init = tensor::EmptyOp::create(b, loc, resultT, dyn);
  SmallVector<AffineMap> maps(argMaps);
  maps.push_back(
      AffineMap::getMultiDimIdentityMap(resultT.getRank(), b.getContext()));
  SmallVector<utils::IteratorType> iters(resultT.getRank(),
                                         utils::IteratorType::parallel);
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultT}, args, ValueRange{init}, maps, iters,
      [&](OpBuilder &nb, Location, ValueRange bargs) {
        IRMapping m;
        for (auto [arg, v] : llvm::zip(body.getArguments(), bargs))
          m.map(arg, v);
        for (Operation &op : body.without_terminator())
          nb.clone(op, m);
        linalg::YieldOp::create(
            nb, loc, m.lookup(body.getTerminator()->getOperand(0)));
      });
  return generic.getResult(0);
}

/// `f` (f32) as the op's result: quantized with the op's static scales, or
/// as it is.
Value finishResult(PatternRewriter &rewriter, Location loc, Value f,
                   Type resultType, Value scales, Value tensorScale) {
  auto qt = dyn_cast<qf::QTensorType>(resultType);
  if (!qt)
    return f;
  return qf::QuantizeOp::create(rewriter, loc, qt, f, scales, tensorScale);
}

/// A fused op on a sparse-quantized tensor is never one kernel: its unfused
/// program goes through the SQ decomposition (SparseDecompose.cpp).
qf::Support supportsUnlessSparse(const qf::TargetInfo &target, Operation *op) {
  auto sparse = [](Type t) {
    auto q = dyn_cast<qf::QTensorType>(t);
    return q && q.getFormat().hasOutliers();
  };
  if (llvm::any_of(op->getOperandTypes(), sparse) ||
      llvm::any_of(op->getResultTypes(), sparse))
    return qf::Support::no("a sparse-quantized operand or result");
  return target.supports(op);
}

struct DecomposeMap : OpRewritePattern<qf::MapOp> {
  DecomposeMap(MLIRContext *ctx, const qf::TargetInfo &target)
      : OpRewritePattern(ctx), target(target) {}

  LogicalResult matchAndRewrite(qf::MapOp op,
                                PatternRewriter &rewriter) const override {
    qf::Support s = supportsUnlessSparse(target, op);
    if (s)
      return rewriter.notifyMatchFailure(op, "one kernel on this target");
    Location loc = op.getLoc();
    Block &body = op.getBody().front();
    Type resultType = op.getResult().getType();
    auto qt = dyn_cast<qf::QTensorType>(resultType);
    auto f32T = qt ? RankedTensorType::get(qt.getShape(), rewriter.getF32Type())
                   : cast<RankedTensorType>(resultType);
    bool rows = !body.getOps<qf::RowReduceOp>().empty();
    if (rows && !f32T.hasStaticShape())
      return op.emitOpError() << "cannot lower to a " << target.getName()
                              << " kernel (" << s.why()
                              << "), and its unfused program needs a static "
                                 "shape for the row reductions";
    // Quantized inputs decoded exactly as qf.map decodes them.
    SmallVector<Value> args;
    SmallVector<AffineMap> maps;
    Value sizeSource;
    for (auto [i, in] : llvm::enumerate(op.getInputs())) {
      Value t = in;
      if (auto q = dyn_cast<qf::QTensorType>(in.getType()))
        t = qf::DequantizeOp::create(
            rewriter, loc,
            RankedTensorType::get(q.getShape(), rewriter.getF32Type()), in);
      args.push_back(t);
      maps.push_back(op.getInputMap(i));
      if (!sizeSource && maps.back().isIdentity())
        sizeSource = t;
    }
    Value f = rows ? emitRowReductionGenerics(rewriter, loc, args, maps, &body,
                                              f32T.getShape())
                   : emitElementwiseGeneric(rewriter, loc, args, maps, body,
                                            f32T, sizeSource);
    rewriter.replaceOp(op, finishResult(rewriter, loc, f, resultType,
                                        op.getScales(), op.getTensorScale()));
    return success();
  }

  const qf::TargetInfo &target;
};

struct DecomposeFusedMatmul : OpRewritePattern<qf::FusedMatmulOp> {
  DecomposeFusedMatmul(MLIRContext *ctx, const qf::TargetInfo &target)
      : OpRewritePattern(ctx), target(target) {}

  LogicalResult matchAndRewrite(qf::FusedMatmulOp op,
                                PatternRewriter &rewriter) const override {
    qf::Support s = supportsUnlessSparse(target, op);
    if (s)
      return rewriter.notifyMatchFailure(op, "one kernel on this target");
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Type f32 = rewriter.getF32Type();
    Block *body = &op.getBody().front();
    Type resultType = op.getResult().getType();
    auto qt = dyn_cast<qf::QTensorType>(resultType);
    SmallVector<int64_t> rowShape = op.getRowShape();
    int64_t r = rowShape.size();
    bool transposed = op.getTransposeResult();
    bool padded = qt && qt.getShape().back() != rowShape.back();
    bool rows = transposed || padded || !body->getOps<qf::RowReduceOp>().empty();
    if (rows && llvm::any_of(rowShape, ShapedType::isDynamic))
      return op.emitOpError()
             << "cannot lower to a " << target.getName() << " kernel ("
             << s.why()
             << "), and its unfused program needs static shapes for row "
                "reductions, padding or transpose_result";

    // The products [B,] M x N in f32 (transposed with transpose_result).
    SmallVector<int64_t> product(rowShape);
    if (transposed)
      std::swap(product[r - 2], product[r - 1]);
    auto productT = RankedTensorType::get(product, f32);
    SmallVector<Value> args;
    for (Value rhs : {op.getRhs(), op.getRhs2()}) {
      if (!rhs)
        continue;
      Value p = qf::MatmulOp::create(rewriter, loc, productT, op.getLhs(), rhs,
                                     op.getTransposeB());
      if (transposed) {
        SmallVector<int64_t> perm = llvm::to_vector(llvm::seq<int64_t>(0, r));
        std::swap(perm[r - 2], perm[r - 1]);
        Value empty = tensor::EmptyOp::create(rewriter, loc, rowShape, f32);
        p = linalg::TransposeOp::create(rewriter, loc, p, empty, perm)
                ->getResult(0);
      }
      args.push_back(p);
    }
    AffineMap id = AffineMap::getMultiDimIdentityMap(r, ctx);
    SmallVector<AffineMap> maps(args.size(), id);
    for (auto [i, v] : llvm::enumerate(op.getEpilogue())) {
      args.push_back(v);
      maps.push_back(op.getEpilogueMap(i));
    }

    if (!rows) {
      // An elementwise epilogue is a qf.map over the products, which the
      // target may again run as one kernel.
      SmallVector<Attribute> mapAttrs;
      for (AffineMap m : maps)
        mapAttrs.push_back(AffineMapAttr::get(m));
      bool allIdentity =
          llvm::all_of(maps, [](AffineMap m) { return m.isIdentity(); });
      auto map = qf::MapOp::create(
          rewriter, loc, resultType, args, op.getScales(), op.getTensorScale(),
          allIdentity ? ArrayAttr() : rewriter.getArrayAttr(mapAttrs));
      IRMapping m;
      op.getBody().cloneInto(&map.getBody(), m);
      rewriter.replaceOp(op, map.getResult());
      return success();
    }

    Value f = emitRowReductionGenerics(rewriter, loc, args, maps, body,
                                       rowShape);
    if (padded) {
      SmallVector<OpFoldResult> low(r, rewriter.getIndexAttr(0));
      SmallVector<OpFoldResult> high(low);
      high.back() = rewriter.getIndexAttr(qt.getShape().back() - rowShape.back());
      Value zero = arith::ConstantOp::create(rewriter, loc,
                                             rewriter.getF32FloatAttr(0.0f));
      f = tensor::PadOp::create(rewriter, loc,
                                RankedTensorType::get(qt.getShape(), f32), f,
                                low, high, zero);
    }
    rewriter.replaceOp(op, finishResult(rewriter, loc, f, resultType,
                                        op.getScales(), op.getTensorScale()));
    return success();
  }

  const qf::TargetInfo &target;
};

} // namespace

void qf::populateQFDecomposeFusedOpsPatterns(RewritePatternSet &patterns,
                                             const TargetInfo &target) {
  patterns.add<DecomposeMap, DecomposeFusedMatmul>(patterns.getContext(),
                                                   target);
}
