//===- QFToVector.h - Lowering qf ops to CPU vector kernels -----*- C++ -*-===//
#ifndef QF_CONVERSION_QFTOVECTOR_QFTOVECTOR_H
#define QF_CONVERSION_QFTOVECTOR_QFTOVECTOR_H

#include "qf/Conversion/Kernels/TargetInfo.h"

#include "mlir/Transforms/DialectConversion.h"

namespace qf {

/// The CPU target of the kernel library: kernels on vectors of
/// `vectorWidth` f32 lanes (16 = one AVX-512 register; LLVM splits wider
/// vectors for narrower machines), scf.parallel loops (OpenMP threads with
/// qf-cpu-pipeline threads=N), 4-bit decode by 16-entry table lookups where
/// the CPU has AVX-512 (vpermps).
class CPUTargetInfo final : public TargetInfo {
public:
  CPUTargetInfo(unsigned vectorWidth, bool x86Avx512, bool x86Vnni = false,
                bool intDot = true, int64_t intDotMinRows = 16)
      : vectorWidth(vectorWidth), x86Avx512(x86Avx512), x86Vnni(x86Vnni),
        intDot(intDot), intDotMinRows(intDotMinRows) {}

  llvm::StringRef getName() const override { return "CPU"; }
  unsigned getVectorWidth() const override { return vectorWidth; }
  bool hasFastLookup16(int64_t lanes) const override {
    return x86Avx512 && (lanes == 8 || lanes == 16);
  }
  /// memref.prefetch (into L2), clamped to the buffer.
  void emitPrefetch(mlir::OpBuilder &b, mlir::Location loc, mlir::Value mem,
                    mlir::Value at) const override;
  /// zmm0-31 with AVX-512 (also for 8-lane vectors: AVX-512VL); without
  /// it, 16 ymm registers, and 16-lane vectors take two each.
  unsigned getVectorRegisters() const override {
    return x86Avx512 ? 32 : (vectorWidth > 8 ? 8 : 16);
  }
  /// vpdpbusd (AVX512-VNNI) where enabled, else the portable default.
  mlir::Value emitDotU8S8(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Operation *module, mlir::Value acc,
                          mlir::Value u, mlir::Value s) const override;
  /// Whether qf.matmul of integer-valued codes takes the integer
  /// dot-product kernel (MatmulIntDot.cpp) where it applies.
  bool useIntDot() const { return intDot; }
  /// The fewest lhs rows (static M) for which it does: the kernel repacks
  /// the rhs on every call, which a GEMV does not pay back. Dynamic M
  /// takes it only when this is at most 1.
  int64_t getIntDotMinRows() const { return intDotMinRows; }
  /// The repacked layout the GEMM kernel for `op` (a qf.matmul or
  /// qf.fused_matmul with transpose_b) reads its rhs `rhs` in contiguously,
  /// or std::nullopt to keep it row-major (RepackWeights.cpp).
  std::optional<numerics::Tiling> weightTiling(mlir::Operation *op,
                                               qf::QTensorType rhs) const;
  Support supportsRowEncode(qf::QTensorType t) const override;
  Support supports(mlir::Operation *op) const override;
  /// Integer elements with round-to-nearest-even on AVX-512: exact
  /// power-of-two scaling, roundeven and a clamp in f32 (CPUTargetInfo.cpp).
  mlir::Value encodeElementsNative(mlir::OpBuilder &b, mlir::Location loc,
                                   const numerics::ElementFormat &elem,
                                   numerics::Rounding rounding,
                                   numerics::IntRange range,
                                   mlir::Value v) const override;

private:
  unsigned vectorWidth;
  bool x86Avx512;
  bool x86Vnni;
  bool intDot;
  int64_t intDotMinRows;
};

/// Registers the CPU target as "cpu" (qf::createTarget), with AVX-512
/// lookups off: fusion decisions do not depend on them.
void registerCPUTarget();

/// Maps `!qf.tensor` to its storage tensors (packed codes, scales and, when
/// the format has one, the rank-0 f32 tensor scale); other types are kept.
class QFStorageTypeConverter : public mlir::TypeConverter {
public:
  QFStorageTypeConverter();
};

/// quantize, dequantize, requantize, pack, unpack, transpose, reshape,
/// constant, observe, map (the ops `target` supports as one kernel; run
/// populateQFDecomposeFusedOpsPatterns first).
void populateQFQuantizeToVectorPatterns(const mlir::TypeConverter &converter,
                                        mlir::RewritePatternSet &patterns,
                                        const TargetInfo &target);

/// qf.hadamard (f32 in, f32 out) as a vectorized FWHT kernel, fused with a
/// following qf.quantize where possible.
void populateQFHadamardToVectorPatterns(mlir::RewritePatternSet &patterns,
                                        const TargetInfo &target);

/// qf.swizzle_scales as a kernel: one parallel iteration per 4-byte word of
/// the 128x4 tile layout (SwizzleScales.cpp; on the GPU each iteration is a
/// thread).
void populateQFSwizzleScalesPatterns(mlir::RewritePatternSet &patterns);
/// The qf.swizzle_scales ops that lowerQFToKernels left (a target keeps
/// them legal there: the tcgen05 matmuls create them on storage tensors),
/// computed at most once where their scales are constant: a swizzle of an
/// argument of a private function that only swizzles it moves to the call
/// sites (repeatedly, so through qf-outline-kernels' kernel functions to
/// the qf.constant weights), a swizzle of a constant folds
/// (numerics::swizzleScales, the kernel's layout), and the rest are lowered
/// as kernels.
mlir::LogicalResult lowerScaleSwizzles(mlir::ModuleOp module);
/// qf.matmul and qf.fused_matmul as block-scaled GEMM/GEMV kernels.
void populateQFMatmulToVectorPatterns(const mlir::TypeConverter &converter,
                                      mlir::RewritePatternSet &patterns,
                                      const CPUTargetInfo &target);

/// The lowering every target runs: fused ops `target` does not run as one
/// kernel become their unfused program (same bits), then every qf op becomes
/// its kernel on storage tensors (`tiles` gives the GEMM register tiles) and
/// function signatures take the storage types. Ops the target's patterns
/// produce from other dialects (gpu, llvm, ...) are legal once no qf type is
/// left. `extraPatterns` adds a target's own kernels (e.g. tensor-core GEMMs)
/// to the same conversion; `extraLegality` marks what it leaves for later
/// (e.g. qf.swizzle_scales, for lowerScaleSwizzles).
mlir::LogicalResult lowerQFToKernels(
    mlir::ModuleOp module, const TargetInfo &target, const CPUTargetInfo &tiles,
    llvm::function_ref<void(const mlir::TypeConverter &,
                            mlir::RewritePatternSet &)>
        extraPatterns = {},
    llvm::function_ref<void(mlir::ConversionTarget &)> extraLegality = {});

/// Whether the CPU band kernel runs qf.fused_matmul `op` as one kernel.
Support fusedMatmulKernelSupport(qf::FusedMatmulOp op,
                                 const CPUTargetInfo &target);

} // namespace qf

#endif // QF_CONVERSION_QFTOVECTOR_QFTOVECTOR_H
