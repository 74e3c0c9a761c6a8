//===- CPUPipeline.cpp - qf-cpu-pipeline: qf on tensors to LLVM -----------===//
#include "qf/Pipelines/Pipelines.h"

#include "qf/Conversion/Passes.h"
#include "qf/Dialect/QF/Transforms/Passes.h"
#include "qf/Pipelines/CPUTarget.h"
#include "qf/Pipelines/Passes.h"

#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

LogicalResult qf::buildQFCPUPipeline(
    OpPassManager &pm, const QFCPUPipelineOptions &options,
    llvm::function_ref<LogicalResult(const llvm::Twine &)> errorHandler) {
  auto fail = [&](const llvm::Twine &msg) {
    if (errorHandler)
      return errorHandler("qf-cpu-pipeline: " + msg);
    llvm::errs() << "qf-cpu-pipeline: " << msg << "\n";
    return failure();
  };
  // Resolved once here, so that the kernels' AVX-512 choice and the CPU the
  // functions are compiled for cannot disagree.
  llvm::Expected<CPUTarget> target =
      resolveCPUTarget(options.targetCPU, options.targetFeatures);
  if (!target)
    return fail(llvm::toString(target.takeError()));
  bool avx512 = target->avx512f;
  if (options.avx512.hasValue()) {
    if (options.avx512 && !target->avx512f)
      return fail(
          "avx512=true needs AVX-512 (avx512f), which the target lacks: "
          "target-cpu=" +
          target->cpu +
          // Resolved from empty or native: the host's name.
          (target->cpu != options.targetCPU.getValue() ? " (the host)" : "") +
          " with target-features=\"" + target->features +
          "\"; leave avx512 unset or choose an AVX-512 CPU");
    avx512 = options.avx512;
  }

  // Frontends write elementwise math and arith on whole tensors
  // (`math.cos %x : tensor<1x128xf32>` in rotary embeddings); as
  // linalg.generic they bufferize, and fusion can fold them into qf.map.
  pm.addPass(createConvertElementwiseToLinalgPass());

  // Fusion first, so that outlining sees the fused kernels. Its remarks are
  // for users running the pass on its own.
  if (options.fuse) {
    qf::FuseRequantizePassOptions fuseOpts;
    fuseOpts.remarks = false;
    fuseOpts.vectorWidth = options.vectorWidth;
    pm.addPass(qf::createFuseRequantizePass(fuseOpts));
  }
  // Constant weights in the layout their kernel reads (decided by the CPU
  // target for the same options as the conversion below), before outlining
  // turns them into kernel arguments.
  if (options.repackWeights) {
    qf::RepackWeightsPassOptions repackOpts;
    repackOpts.vectorWidth = options.vectorWidth;
    repackOpts.intDot = options.intDot;
    repackOpts.intDotMinRows = options.intDotMinRows;
    pm.addPass(qf::createRepackWeightsPass(repackOpts));
  }
  // buffer-results-to-out-params cannot give private kernels with dynamic
  // results out-parameters, so out-params keeps the kernels inline.
  bool outlined = options.outlineKernels && !options.outParams;
  if (outlined)
    pm.addPass(qf::createOutlineKernelsPass());
  qf::ConvertQFToVectorPassOptions qfOpts;
  qfOpts.vectorWidth = options.vectorWidth;
  qfOpts.x86Avx512 = avx512;
  qfOpts.x86Vnni = avx512 && target->avx512vnni;
  qfOpts.intDot = options.intDot;
  qfOpts.intDotMinRows = options.intDotMinRows;
  pm.addPass(qf::createConvertQFToVectorPass(qfOpts));
  if (options.outParams) {
    // After CSE: two equal results (e.g. two identical linalg.fill) become
    // one value only there, and a buffer returned twice crashes
    // buffer-results-to-out-params.
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createCSEPass());
    pm.addPass(qf::createCopyRepeatedResultsPass());
  }

  // The rest is upstream (except qf-kernel-out-params); written as pipeline
  // text so that a user can read and reproduce each step with mlir-opt.
  if (failed(parsePassPipeline(
          "canonicalize,cse,"
          "one-shot-bufferize{bufferize-function-boundaries "
          "function-boundary-type-conversion=identity-layout-map}",
          pm, llvm::errs())))
    llvm::report_fatal_error("qf-cpu-pipeline: bad upstream pipeline text");
  // Kernel results allocated by the callers, so that deallocation knows
  // where every buffer comes from (the pass explains the quadratic cost
  // without it).
  if (outlined)
    pm.addPass(qf::createKernelOutParamsPass());
  std::string text = llvm::formatv(
      "{3}"
      "buffer-deallocation-pipeline,"
      "convert-bufferization-to-memref,"
      "func.func(convert-linalg-to-loops),"
      // Math functions without an LLVM intrinsic (erf, tanh, ...) become libm
      // calls, on scalars and per lane of vectors alike (the others are LLVM
      // intrinsics, which the backend also expands per lane), so a fused
      // kernel (qf.map) computes the bits of the unfused scalar loop.
      "convert-math-to-llvm,convert-math-to-libm,"
      "{0}"
      "canonicalize,cse,"
      "lower-affine,"
      "func.func(convert-vector-to-scf),"
      "convert-scf-to-cf,"
      "convert-vector-to-llvm{{enable-x86vector={1}},"
      "expand-strided-metadata,lower-affine,"
      "convert-math-to-llvm,"
      "finalize-memref-to-llvm,"
      "convert-arith-to-llvm,convert-index-to-llvm,"
      "{2}"
      "convert-func-to-llvm,convert-cf-to-llvm,"
      "reconcile-unrealized-casts,canonicalize,cse",
      options.threads > 1
          ? std::string(llvm::formatv("convert-scf-to-openmp{{num-threads={0}},",
                                      unsigned(options.threads)))
          : std::string(),
      avx512 ? "true" : "false",
      options.threads > 1 ? "convert-openmp-to-llvm," : "",
      options.outParams ? "buffer-results-to-out-params{hoist-static-allocs "
                          "hoist-dynamic-allocs modify-public-functions},"
                        : "");
  if (failed(parsePassPipeline(text, pm, llvm::errs())))
    llvm::report_fatal_error("qf-cpu-pipeline: bad upstream pipeline text");

  qf::SetCPUTargetPassOptions targetOpts;
  targetOpts.targetCPU = target->cpu;
  targetOpts.targetFeatures = target->features;
  pm.addPass(qf::createSetCPUTargetPass(targetOpts));
  return success();
}

void qf::registerQFPipelines() {
  // PassPipelineRegistration's builder cannot fail; this one reports a bad
  // target through the pipeline parser's error handler.
  registerPassPipeline(
      "qf-cpu-pipeline",
      "Lower tensors with qf ops to the LLVM dialect for CPUs (qf kernels, "
      "bufferization, vector, optional OpenMP threads)",
      [](OpPassManager &pm, StringRef optionsText,
         llvm::function_ref<LogicalResult(const llvm::Twine &)> errorHandler) {
        QFCPUPipelineOptions options;
        if (failed(options.parseFromString(optionsText)))
          return failure();
        return buildQFCPUPipeline(pm, options, errorHandler);
      },
      [](llvm::function_ref<void(const mlir::detail::PassOptions &)>
             optHandler) { optHandler(QFCPUPipelineOptions()); });
  registerQFGPUPipeline();
  registerQFPipelinesPasses();
}
