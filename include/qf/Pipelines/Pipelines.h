//===- Pipelines.h - Named end-to-end qf pipelines ---------------*- C++ -*-===//
#ifndef QF_PIPELINES_PIPELINES_H
#define QF_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

namespace qf {

/// Options of `qf-cpu-pipeline`.
struct QFCPUPipelineOptions
    : public mlir::PassPipelineOptions<QFCPUPipelineOptions> {
  Option<unsigned> vectorWidth{*this, "vector-width",
                               llvm::cl::desc("f32 lanes per vector"),
                               llvm::cl::init(16)};
  Option<unsigned> threads{
      *this, "threads",
      llvm::cl::desc("worker threads (OpenMP) for the kernels' parallel "
                     "loops; 1 keeps the code single-threaded"),
      llvm::cl::init(1)};
  Option<bool> outParams{
      *this, "out-params",
      llvm::cl::desc("public functions take their results as caller-allocated "
                     "out-parameters (memref arguments after the inputs) "
                     "instead of returning fresh buffers"),
      llvm::cl::init(false)};
  Option<bool> outlineKernels{
      *this, "outline-kernels",
      llvm::cl::desc("move each qf kernel into a private function shared by "
                     "identical ops (qf-outline-kernels) before lowering; "
                     "not combined with out-params"),
      llvm::cl::init(true)};
  Option<bool> fuse{
      *this, "fuse",
      llvm::cl::desc("run qf-fuse-requantize first: dequantize/quantize pairs, "
                     "requantize chains, elementwise chains (qf.map) and "
                     "matmul epilogues fused, with the same codes"),
      llvm::cl::init(true)};
  Option<bool> avx512{*this, "avx512",
                      llvm::cl::desc("allow AVX-512 specific vector lowering "
                                     "(x86vector; 4-bit decode by vpermps "
                                     "table lookups)"),
                      llvm::cl::init(true)};
};

/// Tensors with qf ops -> LLVM dialect: qf kernels, bufferization,
/// deallocation, loops (optionally OpenMP), vector and everything to LLVM.
void buildQFCPUPipeline(mlir::OpPassManager &pm,
                        const QFCPUPipelineOptions &options);

/// Registers `qf-cpu-pipeline`.
void registerQFPipelines();

} // namespace qf

#endif // QF_PIPELINES_PIPELINES_H
