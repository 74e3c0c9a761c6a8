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
  Option<bool> repackWeights{
      *this, "repack-weights",
      llvm::cl::desc("fold constant GEMM weights into the layout their CPU "
                     "kernel reads contiguously (qf-repack-weights, "
                     "layout = tiled<...>; the same products)"),
      llvm::cl::init(true)};
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

/// Options of `qf-gpu-pipeline`.
struct QFGPUPipelineOptions
    : public mlir::PassPipelineOptions<QFGPUPipelineOptions> {
  Option<std::string> chip{
      *this, "chip",
      llvm::cl::desc("NVIDIA chip (sm_80, sm_89, sm_90, sm_90a, sm_100, "
                     "sm_100a, sm_100f, sm_103a, sm_120, sm_120a, sm_120f, "
                     "sm_121a)"),
      llvm::cl::init("sm_80")};
  Option<std::string> features{
      *this, "features",
      llvm::cl::desc("NVPTX features (\"+ptx88\"), for nvvm-attach-target"),
      llvm::cl::init("")};
  Option<unsigned> threadsPerBlock{
      *this, "threads-per-block",
      llvm::cl::desc("threads per block of every kernel (1..1024)"),
      llvm::cl::init(128)};
  Option<unsigned> vectorWidth{
      *this, "vector-width",
      llvm::cl::desc("f32 lanes per vector inside one thread"),
      llvm::cl::init(4)};
  Option<bool> fuse{*this, "fuse",
                    llvm::cl::desc("run qf-fuse-requantize first (target "
                                   "nvvm), with the same codes"),
                    llvm::cl::init(true)};
  Option<bool> outlineKernels{
      *this, "outline-kernels",
      llvm::cl::desc("share one private function between identical qf "
                     "kernels (qf-outline-kernels) before lowering"),
      llvm::cl::init(true)};
  Option<bool> hwConvert{
      *this, "hw-convert",
      llvm::cl::desc("encode with the chip's conversion instructions where "
                     "they give the integer codec's bits (convert-qf-to-nvvm)"),
      llvm::cl::init(true)};
  Option<bool> requireHwConvert{
      *this, "require-hw-convert",
      llvm::cl::desc("every quantize must use a hardware conversion "
                     "(convert-qf-to-nvvm)"),
      llvm::cl::init(false)};
  Option<bool> tensorCores{
      *this, "tensor-cores",
      llvm::cl::desc("qf.matmul must run on tensor cores "
                     "(convert-qf-to-nvvm)"),
      llvm::cl::init(false)};
  Option<bool> fallback{
      *this, "fallback",
      llvm::cl::desc("requests a chip cannot serve take the portable kernel "
                     "with a remark instead of an error"),
      llvm::cl::init(false)};
  Option<std::string> format{
      *this, "format",
      llvm::cl::desc("end with gpu-module-to-binary in this format (isa: "
                     "PTX text, bin: cubin through ptxas, fatbin); empty: "
                     "keep the gpu.module as LLVM IR"),
      llvm::cl::init("")};
  Option<std::string> toolkit{
      *this, "toolkit",
      llvm::cl::desc("CUDA toolkit folder for gpu-module-to-binary (ptxas, "
                     "libdevice); empty: MLIR's default search"),
      llvm::cl::init("")};
};

/// Tensors with qf ops -> LLVM dialect host code launching NVVM kernels:
/// fusion, qf kernels as gpu.launch (convert-qf-to-nvvm), bufferization, the
/// remaining parallel loops as kernels, outlining, NVVM and host lowering,
/// optionally gpu-module-to-binary. Fails through `errorHandler` for a chip
/// or format it does not know.
mlir::LogicalResult buildQFGPUPipeline(
    mlir::OpPassManager &pm, const QFGPUPipelineOptions &options,
    llvm::function_ref<mlir::LogicalResult(const llvm::Twine &)> errorHandler =
        nullptr);

/// Registers `qf-gpu-pipeline` (called by registerQFPipelines).
void registerQFGPUPipeline();

/// Registers `qf-cpu-pipeline`.
void registerQFPipelines();

} // namespace qf

#endif // QF_PIPELINES_PIPELINES_H
