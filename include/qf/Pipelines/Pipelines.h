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
  Option<std::string> targetCPU{
      *this, "target-cpu",
      llvm::cl::desc("CPU to compile for, LLVM's name (llc -mcpu spelling: "
                     "x86-64-v3, znver4, ...); empty or native: the host"),
      llvm::cl::init("")};
  Option<std::string> targetFeatures{
      *this, "target-features",
      llvm::cl::desc("comma-separated +feature/-feature changes to the CPU's "
                     "features (llc -mattr spelling: \"+avx2,-avx512f\")"),
      llvm::cl::init("")};
  // Unset, it follows the target; the init value only shows in --help.
  Option<bool> avx512{*this, "avx512",
                      llvm::cl::desc("allow AVX-512 specific vector lowering "
                                     "(x86vector; 4-bit decode by vpermps "
                                     "table lookups); default: on exactly "
                                     "when the target has avx512f, and "
                                     "avx512=true without it is an error"),
                      llvm::cl::init(false)};
  Option<bool> intDot{
      *this, "int-dot",
      llvm::cl::desc("qf.matmul of integer-valued codes (8-bit integer "
                     "activations, integer or E2M1 weights) as exact i32 "
                     "block dot products (vpdpbusd when avx512 is on and the "
                     "target has AVX512-VNNI; the same bits without)"),
      llvm::cl::init(true)};
  Option<int64_t> intDotMinRows{
      *this, "int-dot-min-rows",
      llvm::cl::desc("the fewest lhs rows (static M) that take the int-dot "
                     "kernel, which repacks the rhs on every call; dynamic M "
                     "only when at most 1"),
      llvm::cl::init(16)};
};

/// Tensors with qf ops -> LLVM dialect: qf kernels, bufferization,
/// deallocation, loops (optionally OpenMP), vector and everything to LLVM,
/// every llvm.func marked with the target CPU (qf-set-cpu-target). Fails,
/// through `errorHandler` (default: a message on stderr), for a target that
/// LLVM does not know or avx512=true on a target without avx512f.
mlir::LogicalResult buildQFCPUPipeline(
    mlir::OpPassManager &pm, const QFCPUPipelineOptions &options,
    llvm::function_ref<mlir::LogicalResult(const llvm::Twine &)> errorHandler =
        nullptr);

/// Registers `qf-cpu-pipeline`.
void registerQFPipelines();

} // namespace qf

#endif // QF_PIPELINES_PIPELINES_H
