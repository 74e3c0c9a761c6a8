//===- TargetInfo.h - What the kernel library asks a target ------*- C++ -*-===//
//
// The kernel library (codecs, block quantize/dequantize, fused bodies)
// emits target-neutral IR (arith, math, vector, scf, memref) and asks the
// target only what differs between targets: how wide its vectors are,
// whether it has a fast 16-entry table lookup for 4-bit decode, how a
// parallel loop nest is written (and whether its iterations can combine a
// maximum, as the lanes of a GPU warp can), and which fused ops it runs as
// one kernel.
// A target that answers "not supported" for a qf.map or qf.fused_matmul
// gets the unfused program from populateQFDecomposeFusedOpsPatterns.
//
//===----------------------------------------------------------------------===//
#ifndef QF_CONVERSION_KERNELS_TARGETINFO_H
#define QF_CONVERSION_KERNELS_TARGETINFO_H

#include "qf/Dialect/QF/IR/QF.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/Twine.h"

#include <functional>
#include <memory>
#include <string>

namespace qf {

/// The answer to a support query: supported, or the reason it is not
/// (for remarks and diagnostics).
class Support {
public:
  static Support yes() { return Support(""); }
  static Support no(const llvm::Twine &why) {
    std::string s = why.str();
    return Support(s.empty() ? "unsupported" : s);
  }
  explicit operator bool() const { return reason.empty(); }
  /// Why not (empty when supported).
  llvm::StringRef why() const { return reason; }

private:
  explicit Support(std::string r) : reason(std::move(r)) {}
  std::string reason;
};

/// How far ahead of its loads a kernel streaming an f32 input from memory
/// asks for it (TargetInfo::emitPrefetch): one core does not keep enough
/// misses in flight on its own; 8 KiB was the best of 2, 8, 16 and 32 KiB
/// for the quantize kernels (docs/performance.md).
constexpr int64_t kStreamPrefetchBytes = 8192;

class TargetInfo {
public:
  virtual ~TargetInfo();

  /// A short name for diagnostics ("cpu", "sm_90a", ...).
  virtual llvm::StringRef getName() const = 0;

  /// f32 lanes of the vectors the kernels are written with (a power of
  /// two). Packed codes are produced a vector at a time, so a format whose
  /// packing group (lcm(bits, 8) / bits codes) does not divide it cannot be
  /// lowered (checkLowerable).
  virtual unsigned getVectorWidth() const = 0;

  /// Whether out[i] = table[idx[i] & 15] over a 16-entry f32 table (the
  /// target-independent lookup16) is cheap for vectors of `lanes` lanes
  /// (one vpermps with AVX-512), so that 4-bit codes decode by table lookup
  /// instead of integer arithmetic. Both give the same bits.
  virtual bool hasFastLookup16(int64_t lanes) const { return false; }

  /// A hint that element `at` of the 1-D buffer `mem` will be read soon
  /// (streaming kernels issue it kStreamPrefetchBytes ahead of their loads).
  /// No value depends on it; the default emits nothing.
  virtual void emitPrefetch(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value mem, mlir::Value at) const {}

  /// Vector registers of the width getVectorWidth() that kernels can keep
  /// values in (register tiles are sized to fit them).
  virtual unsigned getVectorRegisters() const { return 16; }

  /// acc + d where d[i] = sum_{t<4} zext(u[4i+t]) * sext(s[4i+t]): the
  /// four-byte integer dot product of the integer GEMM path (acc:
  /// vector<L x i32>, u and s: vector<4L x i8>). Exact in i32 for any
  /// operands, so every implementation gives the same bits. The default is
  /// portable vector arithmetic; a target with a dot-product instruction
  /// (x86 VNNI vpdpbusd) emits that instead, declaring what it needs in
  /// `module` (the module the kernel is built in).
  virtual mlir::Value emitDotU8S8(mlir::OpBuilder &b, mlir::Location loc,
                                  mlir::Operation *module, mlir::Value acc,
                                  mlir::Value u, mlir::Value s) const;

  /// Emits a loop nest over [0, ubs) (step 1) whose iterations are
  /// independent and may run concurrently; `body` builds one iteration at
  /// the builder's insertion point and must not add a terminator. The
  /// default is one scf.parallel (with scf.reduce as its terminator).
  virtual void emitParallelLoop(
      mlir::OpBuilder &b, mlir::Location loc, llvm::ArrayRef<mlir::Value> ubs,
      llvm::function_ref<void(mlir::OpBuilder &, mlir::ValueRange)> body) const;

  /// How many consecutive iterations of the innermost dimension of a
  /// parallel loop emitted at `b`'s insertion point (emitParallelLoop) may
  /// cooperate through emitGroupMaxSI: a power of two, 1 when iterations
  /// never cooperate (the default; on the CPU each iteration runs alone).
  virtual unsigned getCooperativeLanes(mlir::OpBuilder &b) const { return 1; }

  /// Inside such a loop, whose innermost trip count is a multiple of
  /// `lanes` (at most getCooperativeLanes()): the signed maximum of the i32
  /// `v` over the aligned group of `lanes` iterations this one belongs to
  /// (innermost index / lanes), returned to each of them. Every iteration of
  /// the group must reach the call under the same control flow. An integer
  /// maximum is exact in any order, so the result is the serial one bit for
  /// bit. With lanes == 1 (the default implementation's only case) it is v.
  virtual mlir::Value emitGroupMaxSI(mlir::OpBuilder &b, mlir::Location loc,
                                     mlir::Value v, unsigned lanes) const;

  /// The codes (i32 lanes, code in the low bits) of the f32 vector v (the
  /// block's values times 2^-kexp or the float scale's multiplier) in
  /// element format `elem` with `rounding` (and, for integer elements,
  /// `range`), from instructions of the target that give exactly
  /// numerics::encodeElement's bits; null where the target has none for
  /// this element format and rounding (kernel::encodeElements, the integer
  /// codec, then runs).
  virtual mlir::Value
  encodeElementsNative(mlir::OpBuilder &b, mlir::Location loc,
                       const numerics::ElementFormat &elem,
                       numerics::Rounding rounding, numerics::IntRange range,
                       mlir::Value v) const {
    return {};
  }

  /// Whether a fused kernel of this target can encode values it computes in
  /// registers, row by row, into the quantized type `t` (a qf.map result or
  /// a qf.fused_matmul epilogue). A two-level format whose tensor scale
  /// comes from the data has its rows staged (kernel::RowQuantizeOutput).
  /// This is the one rule qf-fuse-requantize and the lowering share.
  virtual Support supportsRowEncode(qf::QTensorType t) const = 0;

  /// Whether the fused op (qf.map, qf.fused_matmul) lowers as one kernel on
  /// this target. Other ops: always supported.
  virtual Support supports(mlir::Operation *op) const = 0;

  /// Whether the kernels can hold codes of `t` at all (diagnoses on `op`
  /// otherwise).
  mlir::LogicalResult checkLowerable(mlir::Operation *op,
                                     qf::QTensorType t) const;
};

/// Makes a target with vectors of `vectorWidth` f32 lanes (a power of two).
using TargetFactory =
    std::function<std::unique_ptr<TargetInfo>(unsigned vectorWidth)>;

/// Registers a target under `name` for passes that take a target by name
/// (qf-fuse-requantize); each lowering target registers itself (the CPU:
/// registerCPUTarget, called by qf::registerAllPasses).
void registerTarget(llvm::StringRef name, TargetFactory factory);

/// The registered target `name`, or null with the reason in `error`.
std::unique_ptr<TargetInfo> createTarget(llvm::StringRef name,
                                         unsigned vectorWidth,
                                         std::string &error);

} // namespace qf

#endif // QF_CONVERSION_KERNELS_TARGETINFO_H
