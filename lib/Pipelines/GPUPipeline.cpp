//===- GPUPipeline.cpp - qf-gpu-pipeline: qf on tensors to NVVM kernels ---===//
#include "qf/Pipelines/Pipelines.h"

#include "qf/Conversion/Passes.h"
#include "qf/Conversion/QFToNVVM/QFToNVVM.h"
#include "qf/Dialect/QF/Transforms/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

LogicalResult qf::buildQFGPUPipeline(
    OpPassManager &pm, const QFGPUPipelineOptions &options,
    llvm::function_ref<LogicalResult(const llvm::Twine &)> errorHandler) {
  auto fail = [&](const llvm::Twine &msg) {
    if (errorHandler)
      return errorHandler("qf-gpu-pipeline: " + msg);
    llvm::errs() << "qf-gpu-pipeline: " << msg << "\n";
    return failure();
  };
  // Checked here too (convert-qf-to-nvvm checks them again) so that a typo
  // fails before any pass runs, with the accepted values.
  if (!NVVMChip::parse(options.chip))
    return fail("unknown chip '" + options.chip + "'; accepted: " +
                NVVMChip::acceptedNames());
  StringRef format = options.format;
  if (!format.empty() && format != "isa" && format != "bin" &&
      format != "fatbin" && format != "offload" && format != "llvm")
    return fail("unknown format '" + format +
                "'; accepted: isa, bin, fatbin, llvm, offload (or empty)");
  // Option values end up in pipeline text below: no characters that would
  // change its structure.
  if (StringRef(options.toolkit).find_first_of("{}, \"") != StringRef::npos)
    return fail("toolkit path '" + options.toolkit +
                "' contains characters that the pipeline text cannot carry");
  if (StringRef(options.features).find_first_of("{} \"") != StringRef::npos)
    return fail("features '" + options.features +
                "' contains characters other than +/-feature lists");

  if (options.fuse) {
    qf::FuseRequantizePassOptions fuseOpts;
    fuseOpts.remarks = false;
    fuseOpts.targetName = "nvvm";
    fuseOpts.vectorWidth = options.vectorWidth;
    pm.addPass(qf::createFuseRequantizePass(fuseOpts));
  }
  if (options.outlineKernels)
    pm.addPass(qf::createOutlineKernelsPass());
  qf::ConvertQFToNVVMPassOptions qfOpts;
  qfOpts.chip = options.chip;
  qfOpts.features = options.features;
  qfOpts.vectorWidth = options.vectorWidth;
  qfOpts.threadsPerBlock = options.threadsPerBlock;
  qfOpts.hwConvert = options.hwConvert;
  qfOpts.requireHwConvert = options.requireHwConvert;
  qfOpts.tensorCores = options.tensorCores;
  qfOpts.fallback = options.fallback;
  pm.addPass(qf::createConvertQFToNVVMPass(qfOpts));

  // The rest is upstream (and qf-gpu-map-parallel-loops); written as
  // pipeline text so that a user can reproduce each step with qf-opt.
  std::string attach =
      options.features.empty()
          ? llvm::formatv("nvvm-attach-target{{chip={0} O=3},",
                          options.chip.getValue())
                .str()
          : llvm::formatv("nvvm-attach-target{{chip={0} features={1} O=3},",
                          options.chip.getValue(), options.features.getValue())
                .str();
  std::string binary;
  if (!format.empty())
    binary = options.toolkit.empty()
                 ? llvm::formatv(",gpu-module-to-binary{{format={0}}",
                                 format)
                       .str()
                 : llvm::formatv(
                       ",gpu-module-to-binary{{format={0} toolkit={1}}", format,
                       options.toolkit.getValue())
                       .str();
  std::string text = llvm::formatv(
      "canonicalize,cse,"
      "one-shot-bufferize{{bufferize-function-boundaries "
      "function-boundary-type-conversion=identity-layout-map},"
      "buffer-deallocation-pipeline,"
      "convert-bufferization-to-memref,"
      // Ops other than qf's (the unfused parts of a model) run as kernels
      // too: linalg as parallel loops, each loop nest one launch.
      "func.func(convert-linalg-to-parallel-loops),"
      "qf-gpu-map-parallel-loops{{threads-per-block={0}},"
      // Buffers the host allocates are CUDA managed memory, shared with the
      // kernels.
      "qf-gpu-host-shared-memory,"
      // rsqrt as 1 / sqrt, both correctly rounded, as the CPU lowering
      // computes it (libdevice's rsqrtf is an approximation).
      "math-expand-ops{{ops=rsqrt},"
      "canonicalize,cse,"
      "gpu-kernel-outlining,"
      "{1}"
      "lower-affine,"
      "convert-vector-to-scf,"
      "convert-scf-to-cf,"
      "expand-strided-metadata,lower-affine,"
      // In kernels: math functions become libdevice calls (per lane of
      // vectors), never approximate instructions.
      "gpu.module(convert-gpu-to-nvvm),"
      "convert-nvvm-to-llvm,"
      // Host code.
      "convert-vector-to-llvm,"
      "convert-math-to-llvm,convert-math-to-libm,"
      "finalize-memref-to-llvm,"
      "convert-arith-to-llvm,convert-index-to-llvm,"
      "gpu-to-llvm,"
      "convert-func-to-llvm,convert-cf-to-llvm,"
      "reconcile-unrealized-casts,canonicalize,cse"
      "{2}",
      unsigned(options.threadsPerBlock), attach, binary);
  if (failed(parsePassPipeline(text, pm, llvm::errs())))
    return fail("bad upstream pipeline text: " + text);
  return success();
}

void qf::registerQFGPUPipeline() {
  registerPassPipeline(
      "qf-gpu-pipeline",
      "Lower tensors with qf ops to host LLVM code launching NVVM kernels "
      "(qf kernels as gpu.launch, bufferization, NVVM, optional binary)",
      [](OpPassManager &pm, StringRef optionsText,
         llvm::function_ref<LogicalResult(const llvm::Twine &)> errorHandler) {
        QFGPUPipelineOptions options;
        if (failed(options.parseFromString(optionsText)))
          return failure();
        return buildQFGPUPipeline(pm, options, errorHandler);
      },
      [](llvm::function_ref<void(const mlir::detail::PassOptions &)>
             optHandler) { optHandler(QFGPUPipelineOptions()); });
}
