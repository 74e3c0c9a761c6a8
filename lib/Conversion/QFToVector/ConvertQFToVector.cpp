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
    // Sparse-quantized formats: the high part's storage, then the positions.
    if (qf::QTensorType high = t.getHighType()) {
      results.push_back(high.getPackedType());
      results.push_back(high.getScalesType());
      results.push_back(t.getOutlierPositionsType());
    }
    return success();
  });
}

mlir::LogicalResult qf::lowerQFToKernels(
    ModuleOp module, const TargetInfo &target, const CPUTargetInfo &tiles,
    llvm::function_ref<void(const TypeConverter &, RewritePatternSet &)>
        extraPatterns,
    llvm::function_ref<void(ConversionTarget &)> extraLegality) {
  MLIRContext *ctx = module.getContext();
  {
    RewritePatternSet decompose(ctx);
    qf::populateQFDecomposeFusedOpsPatterns(decompose, target);
    qf::populateQFSparseDecomposePatterns(decompose);
    // Only the rewrites: no folding or region simplification of the rest.
    GreedyRewriteConfig config;
    config.enableFolding(false).enableConstantCSE(false).setRegionSimplificationLevel(
        GreedySimplifyRegionLevel::Disabled);
    if (failed(applyPatternsGreedily(module, std::move(decompose), config)))
      return failure();
  }
  if (failed(qf::checkSparseLowered(module)))
    return failure();

  qf::QFStorageTypeConverter converter;
  RewritePatternSet patterns(ctx);
  qf::populateQFQuantizeToVectorPatterns(converter, patterns, target);
  qf::populateQFHadamardToVectorPatterns(patterns, target);
  qf::populateQFMatmulToVectorPatterns(converter, patterns, tiles);
  qf::populateQFSparseStoragePatterns(converter, patterns);
  qf::populateQFSwizzleScalesPatterns(patterns);
  if (extraPatterns)
    extraPatterns(converter, patterns);
  populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                 converter);
  populateCallOpTypeConversionPattern(patterns, converter);
  populateReturnOpTypeConversionPattern(patterns, converter);

  ConversionTarget legal(*ctx);
  legal.addIllegalDialect<qf::QFDialect>();
  legal.addLegalDialect<arith::ArithDialect, bufferization::BufferizationDialect,
                        linalg::LinalgDialect, math::MathDialect,
                        memref::MemRefDialect, scf::SCFDialect,
                        tensor::TensorDialect, vector::VectorDialect>();
  legal.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp op) {
    return converter.isSignatureLegal(op.getFunctionType()) &&
           converter.isLegal(&op.getBody());
  });
  legal.addDynamicallyLegalOp<func::CallOp, func::ReturnOp>(
      [&](Operation *op) { return converter.isLegal(op); });
  legal.markUnknownOpDynamicallyLegal(
      [&](Operation *op) { return converter.isLegal(op); });
  if (extraLegality)
    extraLegality(legal);
  return applyFullConversion(module, legal, std::move(patterns));
}

namespace {
struct ConvertQFToVectorPass final
    : qf::impl::ConvertQFToVectorPassBase<ConvertQFToVectorPass> {
  using Base::Base;

  void runOnOperation() override {
    if (vectorWidth < 1 || (vectorWidth & (vectorWidth - 1)) ||
        vectorWidth > 64) {
      getOperation().emitError()
          << "convert-qf-to-vector: vector-width " << unsigned(vectorWidth)
          << " is not supported; expected a power of two in 1..64";
      return signalPassFailure();
    }
    qf::CPUTargetInfo cpu(vectorWidth, x86Avx512, x86Vnni, intDot,
                          intDotMinRows);

    if (failed(qf::lowerQFToKernels(getOperation(), cpu, cpu)))
      return signalPassFailure();
  }
};
} // namespace
