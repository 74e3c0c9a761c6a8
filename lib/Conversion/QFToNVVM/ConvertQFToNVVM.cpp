//===- ConvertQFToNVVM.cpp - The convert-qf-to-nvvm pass ------------------===//
//
// The CPU target's patterns are target-neutral around qf::TargetInfo, so the
// GPU target runs the same ones with its own TargetInfo (the kernels' parallel
// loops then become gpu.launch kernels). What is specific to NVIDIA chips is
// checked first: the chip, its PTX version, and instruction requests the
// chip cannot serve.
//
//===----------------------------------------------------------------------===//
#include "qf/Conversion/QFToNVVM/QFToNVVM.h"

#include "qf/Conversion/Passes.h"
#include "qf/Dialect/QF/IR/QF.h"

namespace qf {
#define GEN_PASS_DEF_CONVERTQFTONVVMPASS
#include "qf/Conversion/Passes.h.inc"
} // namespace qf

using namespace mlir;

namespace {
struct ConvertQFToNVVMPass final
    : qf::impl::ConvertQFToNVVMPassBase<ConvertQFToNVVMPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    std::optional<qf::NVVMChip> c = qf::NVVMChip::parse(chip);
    if (!c) {
      module.emitError() << "convert-qf-to-nvvm: unknown chip '" << chip
                         << "'; accepted: " << qf::NVVMChip::acceptedNames();
      return signalPassFailure();
    }
    std::string ptxError;
    unsigned ptx = qf::ptxVersionOf(features, ptxError);
    if (!ptxError.empty()) {
      module.emitError() << "convert-qf-to-nvvm: " << ptxError;
      return signalPassFailure();
    }
    if (ptx && ptx < c->minPtx) {
      module.emitError() << "convert-qf-to-nvvm: features=\"" << features
                         << "\" asks for PTX " << ptx / 10 << "." << ptx % 10
                         << ", which is too old for " << c->name
                         << "; ptxas needs PTX " << c->minPtx / 10 << "."
                         << c->minPtx % 10 << " or later (+ptx" << c->minPtx
                         << ")";
      return signalPassFailure();
    }
    if (vectorWidth < 1 || (vectorWidth & (vectorWidth - 1)) ||
        vectorWidth > 64) {
      module.emitError() << "convert-qf-to-nvvm: vector-width "
                         << unsigned(vectorWidth)
                         << " is not supported; expected a power of two in "
                            "1..64";
      return signalPassFailure();
    }
    qf::NVVMTargetInfo gpu(*c, vectorWidth, hwConvert, threadsPerBlock);
    qf::NVVMLoweringOptions opts;
    opts.requireHardwareConvert = requireHwConvert;
    opts.tensorCores = tensorCores;
    opts.fallback = fallback;
    opts.ptxVersion = ptx;
    if (failed(qf::checkNVVMRequests(module, gpu, opts)))
      return signalPassFailure();

    unsigned ptxUsed = ptx ? ptx : c->minPtx;
    if (tensorCores)
      gpu.requestTensorCores(ptxUsed);
    auto mma = [&](const TypeConverter &converter, RewritePatternSet &p) {
      if (tensorCores)
        qf::populateQFMatmulToMMAPatterns(converter, p, *c, ptxUsed);
    };
    // The scale swizzles of tcgen05 matmuls are left for
    // lowerScaleSwizzles, which computes those of constant weights at
    // compile time instead of per call.
    auto keepSwizzles = [](ConversionTarget &t) {
      t.addLegalOp<qf::SwizzleScalesOp>();
    };
    if (failed(qf::lowerQFToKernels(module, gpu, gpu.getTileTarget(), mma,
                                    keepSwizzles)) ||
        failed(qf::lowerScaleSwizzles(module)))
      return signalPassFailure();

    if (failed(qf::mapParallelLoopsToGPU(module, threadsPerBlock)))
      return signalPassFailure();
  }
};
} // namespace
