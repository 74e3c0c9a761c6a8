//===- QuantizeToVector.cpp - qf ops on quantized values as CPU kernels ---===//
//
// The conversion patterns: each op's storage tensors (1:N type conversion)
// go to a kernel of the shared library (qf/Conversion/Kernels) built for the
// CPU target, or are moved as they are (pack, unpack, transpose, reshape).
//
//===----------------------------------------------------------------------===//
#include "qf/Conversion/QFToVector/QFToVector.h"

#include "qf/Conversion/Kernels/BlockKernels.h"
#include "qf/Conversion/Kernels/FusedKernels.h"
#include "qf/Dialect/QF/IR/ConstantData.h"
#include "qf/Dialect/QF/IR/QF.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace qf::kernel;

namespace {

struct QuantizeLowering : OpConversionPattern<qf::QuantizeOp> {
  QuantizeLowering(const TypeConverter &tc, MLIRContext *ctx,
                   const qf::TargetInfo &target)
      : OpConversionPattern(tc, ctx), target(target) {}
  LogicalResult
  matchAndRewrite(qf::QuantizeOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto t = cast<qf::QTensorType>(op.getResult().getType());
    if (failed(target.checkLowerable(op, t)))
      return failure();
    Storage given;
    if (!adaptor.getScales().empty())
      given.scales = adaptor.getScales()[0];
    if (!adaptor.getTensorScale().empty())
      given.ts = adaptor.getTensorScale()[0];
    FailureOr<Storage> s = emitQuantize(rewriter, op.getLoc(),
                                        adaptor.getInput()[0], t, given, target);
    if (failed(s))
      return failure();
    rewriter.replaceOpWithMultiple(op, {valuesOf(*s)});
    return success();
  }
  const qf::TargetInfo &target;
};

struct DequantizeLowering : OpConversionPattern<qf::DequantizeOp> {
  DequantizeLowering(const TypeConverter &tc, MLIRContext *ctx,
                   const qf::TargetInfo &target)
      : OpConversionPattern(tc, ctx), target(target) {}
  LogicalResult
  matchAndRewrite(qf::DequantizeOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto t = cast<qf::QTensorType>(op.getInput().getType());
    if (failed(target.checkLowerable(op, t)))
      return failure();
    Value r = emitDequantize(rewriter, op.getLoc(), storageOf(adaptor.getInput()),
                             t, cast<RankedTensorType>(op.getResult().getType()),
                             target);
    rewriter.replaceOp(op, r);
    return success();
  }
  const qf::TargetInfo &target;
};

struct RequantizeLowering : OpConversionPattern<qf::RequantizeOp> {
  RequantizeLowering(const TypeConverter &tc, MLIRContext *ctx,
                   const qf::TargetInfo &target)
      : OpConversionPattern(tc, ctx), target(target) {}
  LogicalResult
  matchAndRewrite(qf::RequantizeOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto src = cast<qf::QTensorType>(op.getInput().getType());
    auto dst = cast<qf::QTensorType>(op.getResult().getType());
    if (failed(target.checkLowerable(op, src)) || failed(target.checkLowerable(op, dst)))
      return failure();
    if (canRequantizeByShift(src, dst, target)) {
      Storage s = emitRequantizeShift(
          rewriter, op.getLoc(), storageOf(adaptor.getInput()), src, dst, target);
      rewriter.replaceOpWithMultiple(op, {valuesOf(s)});
      return success();
    }
    // Decode to f32 and encode again: the composition the op is defined as.
    auto mid = RankedTensorType::get(src.getShape(), rewriter.getF32Type());
    Value f = emitDequantize(rewriter, op.getLoc(), storageOf(adaptor.getInput()),
                             src, mid, target);
    FailureOr<Storage> s = emitQuantize(rewriter, op.getLoc(), f, dst, {}, target);
    if (failed(s))
      return failure();
    rewriter.replaceOpWithMultiple(op, {valuesOf(*s)});
    return success();
  }
  const qf::TargetInfo &target;
};

struct PackLowering : OpConversionPattern<qf::PackOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(qf::PackOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

struct UnpackLowering : OpConversionPattern<qf::UnpackOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(qf::UnpackOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    SmallVector<Value> vals{adaptor.getPacked()[0], adaptor.getScales()[0]};
    if (!adaptor.getTensorScale().empty())
      vals.push_back(adaptor.getTensorScale()[0]);
    rewriter.replaceOpWithMultiple(op, {vals});
    return success();
  }
};

/// The storage tensors of `t` that a layout op moves, in the type
/// converter's order: the packed codes and the scales, and for an SQ format
/// the outlier part's packed codes and scales and the positions (all blocked
/// along the same innermost axis). The tensor scale is not among them.
static SmallVector<RankedTensorType> movedStorage(qf::QTensorType t) {
  SmallVector<RankedTensorType> types{t.getPackedType(), t.getScalesType()};
  if (qf::QTensorType high = t.getHighType())
    types.append({high.getPackedType(), high.getScalesType(),
                  t.getOutlierPositionsType()});
  return types;
}

/// Lowers a layout op on a quantized tensor (qf.transpose, qf.reshape) by
/// applying `move(value, resultType)` to each storage tensor of
/// movedStorage; the tensor scale (third, if any) passes through.
template <typename MoveFn>
static LogicalResult lowerStorageMove(Operation *op, qf::QTensorType t,
                                      ValueRange in,
                                      ConversionPatternRewriter &rewriter,
                                      MoveFn move) {
  SmallVector<RankedTensorType> moved = movedStorage(t);
  bool tensorScale = bool(t.getTensorScaleType());
  SmallVector<Value> vals;
  size_t next = 0; // the next entry of `moved`
  for (auto [i, v] : llvm::enumerate(in))
    vals.push_back(tensorScale && i == 2 ? v : move(v, moved[next++]));
  rewriter.replaceOpWithMultiple(op, {vals});
  return success();
}

/// qf.transpose: the blocked axis is innermost and stays there, so the
/// packed codes and the scales (blocks last) are permuted as they are.
struct TransposeLowering : OpConversionPattern<qf::TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(qf::TransposeOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    qf::QTensorType t = op.getResult().getType();
    ArrayRef<int64_t> perm = op.getPermutation();
    for (RankedTensorType rt : movedStorage(t))
      if (!rt.hasStaticShape())
        return op.emitOpError("cannot lower a dynamic shape ") << t;
    return lowerStorageMove(
        op, t, adaptor.getInput(), rewriter,
        [&](Value v, RankedTensorType rt) -> Value {
          Value empty = tensor::EmptyOp::create(rewriter, loc, rt.getShape(),
                                                rt.getElementType());
          return linalg::TransposeOp::create(rewriter, loc, v, empty, perm)
              ->getResult(0);
        });
  }
};

/// qf.reshape: whole blocks and bytes per innermost row, so the packed
/// codes and the scales keep their flat order; reshaped through 1-D.
struct ReshapeLowering : OpConversionPattern<qf::ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(qf::ReshapeOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto all = [](int64_t rank) {
      ReassociationIndices r;
      for (int64_t i = 0; i < rank; ++i)
        r.push_back(i);
      return SmallVector<ReassociationIndices>{r};
    };
    return lowerStorageMove(
        op, op.getResult().getType(), adaptor.getInput(), rewriter,
        [&](Value v, RankedTensorType rt) -> Value {
          auto vt = cast<RankedTensorType>(v.getType());
          Value flat = v;
          if (vt.getRank() != 1)
            flat = tensor::CollapseShapeOp::create(rewriter, loc, v,
                                                   all(vt.getRank()));
          if (rt.getRank() == 1)
            return flat;
          return tensor::ExpandShapeOp::create(rewriter, loc, rt, flat,
                                               all(rt.getRank()));
        });
  }
};

struct ConstantLowering : OpConversionPattern<qf::ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(qf::ConstantOp op, OneToNOpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto t = cast<qf::QTensorType>(op.getResult().getType());
    qf::QuantizedAttr q = op.getValue();
    std::vector<uint8_t> codes = qf::readBytes(q.getCodes());
    std::vector<uint8_t> packed =
        qf::packRows(codes, t.getShape(), t.getElementBits());
    Location loc = op.getLoc();
    SmallVector<Value> vals;
    vals.push_back(arith::ConstantOp::create(
        rewriter, loc, qf::makeFromRaw(t.getPackedType(), packed)));
    vals.push_back(arith::ConstantOp::create(rewriter, loc, q.getScales()));
    if (RankedTensorType tsT = t.getTensorScaleType()) {
      float g = q.getTensorScale() ? float(q.getTensorScale().getValueAsDouble())
                                   : 1.0f;
      vals.push_back(arith::ConstantOp::create(
          rewriter, loc, DenseElementsAttr::get(tsT, rewriter.getF32FloatAttr(g))));
    }
    rewriter.replaceOpWithMultiple(op, {vals});
    return success();
  }
};

struct ObserveLowering : OpConversionPattern<qf::ObserveOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(qf::ObserveOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithMultiple(op, {adaptor.getInput()});
    return success();
  }
};

struct MapLowering : OpConversionPattern<qf::MapOp> {
  MapLowering(const TypeConverter &tc, MLIRContext *ctx,
                   const qf::TargetInfo &target)
      : OpConversionPattern(tc, ctx), target(target) {}
  LogicalResult
  matchAndRewrite(qf::MapOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    SmallVector<MapInput> inputs;
    for (auto [i, in] : llvm::enumerate(op.getInputs())) {
      MapInput mi;
      mi.map = op.getInputMap(i);
      ValueRange conv = adaptor.getInputs()[i];
      if (auto q = dyn_cast<qf::QTensorType>(in.getType())) {
        if (failed(target.checkLowerable(op, q)))
          return failure();
        mi.qtype = q;
        mi.storage.assign(conv.begin(), conv.end());
      } else {
        mi.tensor = conv[0];
      }
      inputs.push_back(mi);
    }
    if (auto q = dyn_cast<qf::QTensorType>(op.getResult().getType()))
      if (failed(target.checkLowerable(op, q)))
        return failure();
    if (qf::Support s = target.supports(op); !s)
      return rewriter.notifyMatchFailure(op, s.why());
    Value scales = adaptor.getScales().empty() ? Value() : adaptor.getScales()[0];
    Value ts =
        adaptor.getTensorScale().empty() ? Value() : adaptor.getTensorScale()[0];
    FailureOr<SmallVector<Value>> r = emitMapKernel(
        rewriter, op.getLoc(), inputs, op.getBody().front(),
        op.getResult().getType(), scales, ts, target);
    if (failed(r))
      return failure();
    rewriter.replaceOpWithMultiple(op, {*r});
    return success();
  }
  const qf::TargetInfo &target;
};

} // namespace

void qf::populateQFQuantizeToVectorPatterns(const TypeConverter &converter,
                                            RewritePatternSet &patterns,
                                            const TargetInfo &target) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<QuantizeLowering, DequantizeLowering, RequantizeLowering,
               MapLowering>(converter, ctx, target);
  patterns.add<PackLowering, UnpackLowering, TransposeLowering, ReshapeLowering,
               ConstantLowering, ObserveLowering>(converter, ctx);
}
