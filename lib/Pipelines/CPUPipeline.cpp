//===- CPUPipeline.cpp - qf-cpu-pipeline: qf on tensors to LLVM -----------===//
#include "qf/Pipelines/Pipelines.h"

#include "qf/Conversion/Passes.h"
#include "qf/Dialect/QF/Transforms/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

void qf::buildQFCPUPipeline(OpPassManager &pm,
                            const QFCPUPipelineOptions &options) {
  // Fusion first, so that outlining sees the fused kernels. Its remarks are
  // for users running the pass on its own.
  if (options.fuse) {
    qf::FuseRequantizePassOptions fuseOpts;
    fuseOpts.remarks = false;
    pm.addPass(qf::createFuseRequantizePass(fuseOpts));
  }
  // buffer-results-to-out-params cannot give private kernels with dynamic
  // results out-parameters, so out-params keeps the kernels inline.
  if (options.outlineKernels && !options.outParams)
    pm.addPass(qf::createOutlineKernelsPass());
  qf::ConvertQFToVectorPassOptions qfOpts;
  qfOpts.vectorWidth = options.vectorWidth;
  qfOpts.x86Avx512 = options.avx512;
  pm.addPass(qf::createConvertQFToVectorPass(qfOpts));

  // The rest is upstream; written as pipeline text so that a user can read
  // and reproduce each step with mlir-opt.
  std::string text = llvm::formatv(
      "canonicalize,cse,"
      "one-shot-bufferize{{bufferize-function-boundaries "
      "function-boundary-type-conversion=identity-layout-map},"
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
      options.avx512 ? "true" : "false",
      options.threads > 1 ? "convert-openmp-to-llvm," : "",
      options.outParams ? "buffer-results-to-out-params{hoist-static-allocs "
                          "hoist-dynamic-allocs modify-public-functions},"
                        : "");
  if (failed(parsePassPipeline(text, pm, llvm::errs())))
    llvm::report_fatal_error("qf-cpu-pipeline: bad upstream pipeline text");
}

void qf::registerQFPipelines() {
  PassPipelineRegistration<QFCPUPipelineOptions>(
      "qf-cpu-pipeline",
      "Lower tensors with qf ops to the LLVM dialect for CPUs (qf kernels, "
      "bufferization, vector, optional OpenMP threads)",
      buildQFCPUPipeline);
}
