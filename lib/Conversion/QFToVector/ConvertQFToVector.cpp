//===- ConvertQFToVector.cpp - The convert-qf-to-vector pass --------------===//
#include "qf/Conversion/Passes.h"
#include "qf/Conversion/Kernels/Decompose.h"
#include "qf/Conversion/QFToVector/QFToVector.h"
#include "qf/Dialect/QF/IR/QF.h"

#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Transforms/DialectConversion.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace qf {
#define GEN_PASS_DEF_CONVERTQFTOVECTORPASS
#include "qf/Conversion/Passes.h.inc"
} // namespace qf

using namespace mlir;

qf::QFStorageTypeConverter::QFStorageTypeConverter() {
  addConversion([](Type t) { return t; });
  addConversion([](qf::QTensorType t, SmallVectorImpl<Type> &results) {
    results.push_back(t.getPackedType());
    results.push_back(t.getScalesType());
    if (RankedTensorType ts = t.getTensorScaleType())
      results.push_back(ts);
    return success();
  });
}

namespace {
struct ConvertQFToVectorPass final
    : qf::impl::ConvertQFToVectorPassBase<ConvertQFToVectorPass> {
  using Base::Base;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    if (vectorWidth < 1 || (vectorWidth & (vectorWidth - 1)) ||
        vectorWidth > 64) {
      getOperation().emitError()
          << "convert-qf-to-vector: vector-width " << unsigned(vectorWidth)
          << " is not supported; expected a power of two in 1..64";
      return signalPassFailure();
    }
    qf::CPUTargetInfo cpu(vectorWidth, x86Avx512, x86Vnni, intDot,
                          intDotMinRows);

    // Fused ops the CPU kernels do not run in one piece become their
    // unfused program first (same bits).
    {
      RewritePatternSet decompose(ctx);
      qf::populateQFDecomposeFusedOpsPatterns(decompose, cpu);
      // Only the rewrites: no folding or region simplification of the rest.
      GreedyRewriteConfig config;
      config.enableFolding(false).enableConstantCSE(false).setRegionSimplificationLevel(
          GreedySimplifyRegionLevel::Disabled);
      if (failed(applyPatternsGreedily(getOperation(), std::move(decompose),
                                       config)))
        return signalPassFailure();
    }

    qf::QFStorageTypeConverter converter;
    RewritePatternSet patterns(ctx);
    qf::populateQFQuantizeToVectorPatterns(converter, patterns, cpu);
    qf::populateQFHadamardToVectorPatterns(patterns, cpu);
    qf::populateQFMatmulToVectorPatterns(converter, patterns, cpu);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   converter);
    populateCallOpTypeConversionPattern(patterns, converter);
    populateReturnOpTypeConversionPattern(patterns, converter);

    ConversionTarget target(*ctx);
    target.addIllegalDialect<qf::QFDialect>();
    target.addLegalDialect<arith::ArithDialect, bufferization::BufferizationDialect,
                           linalg::LinalgDialect, math::MathDialect,
                           memref::MemRefDialect, scf::SCFDialect,
                           tensor::TensorDialect, vector::VectorDialect>();
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp op) {
      return converter.isSignatureLegal(op.getFunctionType()) &&
             converter.isLegal(&op.getBody());
    });
    target.addDynamicallyLegalOp<func::CallOp, func::ReturnOp>(
        [&](Operation *op) { return converter.isLegal(op); });
    target.markUnknownOpDynamicallyLegal(
        [&](Operation *op) { return converter.isLegal(op); });

    if (failed(applyFullConversion(getOperation(), target, std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
