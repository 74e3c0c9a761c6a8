//===- QFToNVVM.h - Lowering qf ops to NVIDIA GPU kernels -------*- C++ -*-===//
//
// The NVVM target of the kernel library: the same kernels as the CPU target
// (codecs, block quantize / dequantize, fused bodies, GEMM tiles, FWHT), one
// parallel iteration per GPU thread (gpu.launch), plus the chip table that
// says which NVIDIA instructions each chip has, so that a request for one the
// chip lacks is an error here and never an "LLVM ERROR: Cannot select" later.
//
//===----------------------------------------------------------------------===//
#ifndef QF_CONVERSION_QFTONVVM_QFTONVVM_H
#define QF_CONVERSION_QFTONVVM_QFTONVVM_H

#include "qf/Conversion/Kernels/TargetInfo.h"
#include "qf/Conversion/QFToVector/QFToVector.h"

#include "llvm/ADT/ArrayRef.h"

#include <optional>
#include <string>

namespace mlir::gpu {
class LaunchOp;
} // namespace mlir::gpu

namespace qf {

/// One NVIDIA chip as the NVVM target spells it (nvvm-attach-target chip=).
struct NVVMChip {
  std::string name; ///< "sm_90a", "sm_100f", ...
  unsigned sm = 0;  ///< 90, 100, 120, ...
  /// Architecture-specific ('a') or family-specific ('f') variant: the
  /// instructions that only such targets assemble (wgmma, tcgen05,
  /// block-scaled MMA, FP4/FP6/E8M0 conversions) need one.
  bool archSpecific = false, familySpecific = false;
  unsigned minPtx = 0; ///< lowest PTX ISA version (x10) ptxas takes for it

  /// The chip `name`, or nullopt.
  static std::optional<NVVMChip> parse(llvm::StringRef name);
  /// Every accepted chip name, for diagnostics.
  static std::string acceptedNames();

  bool specific() const { return archSpecific || familySpecific; }
  /// cvt.rn.satfinite.{e4m3x2,e5m2x2}.f32 (PTX 7.8, sm_89 and later).
  bool hasF8x2Convert() const { return sm >= 89; }
  /// cvt.*.{e2m1x2,e2m3x2,e3m2x2,ue8m0x2}.f32: Blackwell 'a'/'f' targets only.
  bool hasF4F6Convert() const { return sm >= 100 && specific(); }
  /// mma.sync.m16n8k32 with e4m3/e5m2 operands (sm_89 and later).
  bool hasF8Mma() const { return sm >= 89; }
  /// mma.sync...block_scale (sm_120a/f, sm_121a).
  bool hasBlockScaleMma() const { return sm >= 120 && specific(); }
  /// tcgen05.mma...block_scale (sm_100a/f, sm_103a).
  bool hasTcgen05() const { return sm >= 100 && sm < 110 && specific(); }
};

/// The PTX version (x10) a `features` string asks for ("+ptx86" -> 86), or 0
/// when it names none (LLVM then picks the chip's default). Sets `error` for
/// a malformed "+ptx" entry.
unsigned ptxVersionOf(llvm::StringRef features, std::string &error);

/// The NVVM target: kernels on vectors of `vectorWidth` f32 lanes inside one
/// GPU thread; every parallel iteration of a kernel becomes a thread
/// (mapParallelLoopsToGPU). Numerics are the kernel library's integer codecs,
/// so the codes and scales are those of the CPU target bit for bit.
class NVVMTargetInfo final : public TargetInfo {
public:
  /// `hardwareConvert`: encode with the chip's conversion instructions
  /// where they give the integer codec's bits (nvvmConvertSupport).
  /// `threadsPerBlock`: what mapParallelLoopsToGPU will launch with (the
  /// lanes that cooperate must not straddle thread blocks).
  NVVMTargetInfo(NVVMChip chip, unsigned vectorWidth,
                 bool hardwareConvert = true, unsigned threadsPerBlock = 128)
      : chip(std::move(chip)), vectorWidth(vectorWidth),
        hardwareConvert(hardwareConvert), threadsPerBlock(threadsPerBlock),
        tiles(vectorWidth, /*x86Avx512=*/false) {}

  llvm::StringRef getName() const override { return chip.name; }
  unsigned getVectorWidth() const override { return vectorWidth; }
  Support supportsRowEncode(qf::QTensorType t) const override;
  Support supports(mlir::Operation *op) const override;
  /// cvt.rn.satfinite.{e4m3x2,e5m2x2,e2m1x2,e2m3x2,e3m2x2}.f32 on pairs of
  /// lanes, where nvvmConvertSupport allows (HardwareConvert.cpp).
  mlir::Value encodeElementsNative(mlir::OpBuilder &b, mlir::Location loc,
                                   const numerics::ElementFormat &elem,
                                   numerics::Rounding rounding,
                                   numerics::IntRange range,
                                   mlir::Value v) const override;

  /// Lanes of a warp: the largest power of two up to 32 that divides
  /// threads-per-block, for a parallel loop that will be a gpu.launch (not
  /// one nested in another parallel loop or a kernel, which runs as a loop
  /// inside one thread); else 1 (WarpReduce.cpp).
  unsigned getCooperativeLanes(mlir::OpBuilder &b) const override;
  /// shfl.sync.bfly steps and integer maxima within the group's lanes of
  /// the warp (WarpReduce.cpp).
  mlir::Value emitGroupMaxSI(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value v, unsigned lanes) const override;

  const NVVMChip &getChip() const { return chip; }
  /// tensor-cores: qf.matmul runs on tensor cores where the chip has a
  /// mapping (selectMMA), so a qf.fused_matmul whose GEMM has one is
  /// decomposed (its epilogue runs as the unfused kernels, same bits) instead
  /// of running as the CUDA-core band kernel. `ptx`: the PTX version in use.
  void requestTensorCores(unsigned ptx) { tensorCorePtx = ptx; }
  /// The GEMM tile and FWHT emitters are the CPU target's (one thread runs
  /// one tile); they take their parameters from this CPU description.
  const CPUTargetInfo &getTileTarget() const { return tiles; }

private:
  NVVMChip chip;
  unsigned vectorWidth;
  bool hardwareConvert;
  unsigned threadsPerBlock;
  CPUTargetInfo tiles;
  unsigned tensorCorePtx = 0; ///< nonzero: tensor cores requested
};

/// Whether `chip` has a conversion instruction that encodes elements of
/// `elem` with `rounding` exactly as the integer codec does: Support::yes(),
/// or the reason it has none (for diagnostics and remarks).
Support nvvmConvertSupport(const NVVMChip &chip,
                           const numerics::ElementFormat &elem,
                           numerics::Rounding rounding);

/// The tensor-core instruction a qf.matmul maps to (MatmulMMA.cpp).
enum class MMAKind {
  /// mma.sync.m16n8k32.row.col.f32.{e4m3,e5m2}.{e4m3,e5m2}.f32 (sm_89+,
  /// PTX 8.4): one step per K block of 32, the block scales applied to each
  /// step's f32 partial result.
  F8Sync,
  /// mma.sync...kind::mxf8f6f4.block_scale.scale_vec::1X.m16n8k32 with ue8m0
  /// scales (MXFP8 x MXFP8, and any mix of MXFP8 / MXFP6 / MXFP4 with FP6
  /// and E2M1 codes one a byte; sm_120a/f, sm_121a).
  BlockScaleMXF8,
  /// mma.sync...kind::mxf4.block_scale.scale_vec::2X.m16n8k64, ue8m0 (MXFP4).
  BlockScaleMXF4,
  /// mma.sync...kind::mxf4nvf4.block_scale.scale_vec::4X.m16n8k64, ue4m3
  /// (NVFP4; the tensor scales multiply the sum).
  BlockScaleNVF4,
  /// tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale.block32 (MXFP8 x
  /// MXFP8 and any other mix of MXFP8 / MXFP6 / MXFP4, sm_100a/f, sm_103a,
  /// PTX 8.8): K 32 per MMA (MatmulTcgen05.cpp).
  Tcgen05MXF8,
  /// tcgen05.mma...kind::mxf4.block_scale.block32 (MXFP4), K 64 per MMA.
  Tcgen05MXF4,
  /// tcgen05.mma...kind::mxf4nvf4.block_scale.block16 (NVFP4), K 64.
  Tcgen05NVF4,
};

/// Whether `k` is one of the tcgen05 kinds (MatmulTcgen05.cpp).
inline bool isTcgen05(MMAKind k) {
  return k == MMAKind::Tcgen05MXF8 || k == MMAKind::Tcgen05MXF4 ||
         k == MMAKind::Tcgen05NVF4;
}

struct MMAMapping {
  MMAKind kind = MMAKind::F8Sync;
  int64_t stepK = 32; ///< K elements per MMA step
  /// The PTX instruction, for remarks and docs.
  std::string instruction;
  /// tcgen05 only: the element types' codes in the instruction descriptor
  /// (mxf8f6f4: E4M3 0, E5M2 1, E2M3 3, E3M2 4, E2M1 5; E2M1 is 1 for mxf4 /
  /// mxf4nvf4).
  unsigned aType = 0, bType = 0;
};

/// The tensor-core mapping `chip` (with PTX version `ptx`, 0: the chip's
/// default) has for C = lhs * rhs (rhs^T with `transposeB`), or the reason it
/// has none, naming what would be accepted.
Support selectMMA(const NVVMChip &chip, unsigned ptx, mlir::Type lhs,
                  mlir::Type rhs, bool transposeB, MMAMapping *out = nullptr);

/// qf.matmul ops with a tensor-core mapping (selectMMA) as warp-level MMA
/// kernels (one gpu.launch, one warp per m16n8 output tile) or, for the
/// tcgen05 kinds, as tcgen05 kernels whose scales go through
/// qf.swizzle_scales first (MatmulTcgen05.cpp). Takes
/// precedence over the portable GEMM pattern.
void populateQFMatmulToMMAPatterns(const mlir::TypeConverter &converter,
                                   mlir::RewritePatternSet &patterns,
                                   const NVVMChip &chip, unsigned ptx);
/// The tcgen05 part of populateQFMatmulToMMAPatterns (MatmulTcgen05.cpp).
void populateQFMatmulToTcgen05Patterns(const mlir::TypeConverter &converter,
                                       mlir::RewritePatternSet &patterns,
                                       const NVVMChip &chip, unsigned ptx);

/// Registers the NVVM target as "nvvm" (qf::createTarget; a portable sm_80
/// description: fusion decisions do not depend on the chip).
void registerNVVMTarget();

/// Rewrites every scf.parallel under `root` that is not nested in another
/// parallel loop or a GPU kernel into a gpu.launch: the iteration space is
/// flattened, one iteration per thread, `threadsPerBlock` threads per block,
/// a bounds guard, no launch when it is empty. Loops carrying reductions are
/// left alone (a remark says so). Allocations of static shape inside an
/// iteration become per-thread stack buffers (memref.alloca) and their
/// deallocations go; vector masks are materialized as lane compares, which
/// the NVPTX backend selects.
mlir::LogicalResult mapParallelLoopsToGPU(mlir::Operation *root,
                                          unsigned threadsPerBlock);

/// How convert-qf-to-nvvm treats an instruction request a chip cannot serve.
struct NVVMLoweringOptions {
  bool requireHardwareConvert = false; ///< error where there is none
  bool tensorCores = false; ///< qf.matmul on tensor cores (mma / tcgen05)
  bool fallback = false;    ///< portable path plus a remark instead of errors
  unsigned ptxVersion = 0;  ///< from features; 0: the chip's default
};

/// Checks, per op, the instruction requests of `opts` against the chip:
/// every op whose request cannot be met gets an error naming the op, the
/// format, the chip and what would be accepted, or, with opts.fallback, a
/// remark that the portable kernel is used.
mlir::LogicalResult checkNVVMRequests(mlir::Operation *root,
                                      const NVVMTargetInfo &target,
                                      const NVVMLoweringOptions &opts);

/// Before the launch of a matmul kernel whose grid may be empty (`none`, an
/// i1 that is true when it is; not constant true): when `none` is not a
/// constant, an scf.if on its negation, with `b` moved into it, returned as
/// the op the code after the launch follows; null when `none` is constant
/// false (the launch itself is that op then).
mlir::Operation *guardNonEmptyGrid(mlir::OpBuilder &b, mlir::Location loc,
                                   mlir::Value none);

/// Fills in the terminator of a new gpu.launch and moves `b` before it.
void enterLaunchBody(mlir::OpBuilder &b, mlir::gpu::LaunchOp launch);

} // namespace qf

#endif // QF_CONVERSION_QFTONVVM_QFTONVVM_H
