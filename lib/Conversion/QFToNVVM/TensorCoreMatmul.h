//===- TensorCoreMatmul.h - What the tensor-core matmuls share --*- C++ -*-===//
//-*-===//
//
// The warp-level MMA kernels (MatmulMMA.cpp) and the tcgen05 kernels
// (MatmulTcgen05.cpp) differ in their kernel bodies only. The rest is here,
// once: the pattern that asks selectMMA and checks the storage, the operands
// read as buffers, the tensor-scale factor, the result buffer, the launch
// (none for an empty grid), the guarded epilogue store, and the scalar
// helpers both bodies build with (index arithmetic, aligned words, inline
// PTX).
//
//===----------------------------------------------------------------------===//
#ifndef QF_LIB_CONVERSION_QFTONVVM_TENSORCOREMATMUL_H
#define QF_LIB_CONVERSION_QFTONVVM_TENSORCOREMATMUL_H

#include "qf/Conversion/QFToNVVM/QFToNVVM.h"
#include "qf/Dialect/QF/IR/QF.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Transforms/DialectConversion.h"

#include <array>

namespace qf::tc {

/// Scalar IR of a tensor-core kernel (or of its host side).
struct Emitter {
  mlir::OpBuilder &b;
  mlir::Location loc;

  mlir::Value idx(int64_t v);
  mlir::Value i32(int64_t v);
  mlir::Value i64(int64_t v);
  mlir::Value add(mlir::Value x, mlir::Value y);
  mlir::Value mul(mlir::Value x, mlir::Value y);
  mlir::Value ceilDiv(mlir::Value x, int64_t d);
  mlir::Value toI32(mlir::Value index);
  mlir::Value cmp(mlir::arith::CmpIPredicate p, mlir::Value x, mlir::Value y);
  /// `v` or'ed into `acc` (just `v` when `acc` is null): words built a
  /// piece at a time.
  mlir::Value orInto(mlir::Value acc, mlir::Value v);
  /// Four bytes buf[at..] as one i32, the first byte in the low bits (one
  /// 32-bit load with alignment 4: the callers' addresses are multiples of
  /// 4 bytes in buffers that CUDA allocates aligned).
  mlir::Value word(mlir::Value buf, llvm::ArrayRef<mlir::Value> at);
  /// Inline PTX with side effects; `results` empty, one type, or several
  /// (returned as an LLVM struct). Inline PTX rather than NVVM ops or
  /// intrinsics: those declare no memory effects, which the buffer
  /// deallocation pipeline after this conversion rejects, and
  /// has_side_effects keeps LLVM from moving warp-collective instructions
  /// into divergent code.
  mlir::Value ptx(llvm::StringRef text, llvm::StringRef constraints,
                  mlir::ValueRange args, mlir::TypeRange results = {});
  /// An scf.if on `cond` whose then-block `then` fills.
  void ifThen(mlir::Value cond, llvm::function_ref<void()> then);
};

/// One operand in memory: codes and block scales as buffers.
struct Operand {
  mlir::Value codes, scales;
  numerics::BlockFormat fmt;
  int64_t block = 32;
  bool kInner = true;      ///< codes[.., row, k] (else codes[.., k, row])
  mlir::Value tensorScale; ///< f32, or null
};

/// A qf.matmul a tensor-core kernel computes, with what both kernels start
/// from.
struct Matmul {
  Matmul(qf::MatmulOp op, const MMAMapping &m, mlir::RankedTensorType resultT)
      : op(op), m(m), loc(op.getLoc()), resultT(resultT),
        rank(resultT.getRank()) {}

  qf::MatmulOp op;
  MMAMapping m;
  mlir::Location loc;
  mlir::RankedTensorType resultT;
  int64_t rank = 2;
  Operand A, B;
  /// The product of the operands' tensor scales (read once on the host,
  /// from managed memory), or null.
  mlir::Value factor;
  /// Rows of A, columns of the result, the batch (null for rank 2).
  mlir::Value M, N, batch;
  /// The result buffer and the index constant 1.
  mlir::Value out, one;
};

/// The tensor-core lowering of qf.matmul for the mappings whose kind is (or,
/// with `tcgen05` false, is not) a tcgen05 kind: checks the mapping and the
/// storage, reads the operands and allocates the result, then lets the
/// subclass build its kernel(s) with `launch`.
class MatmulPattern : public mlir::OpConversionPattern<qf::MatmulOp> {
public:
  MatmulPattern(const mlir::TypeConverter &tc, mlir::MLIRContext *ctx,
                const NVVMChip &chip, unsigned ptx, bool tcgen05,
                mlir::PatternBenefit benefit)
      : OpConversionPattern(tc, ctx, benefit), chip(chip), ptxVersion(ptx),
        tcgen05(tcgen05) {}

  mlir::LogicalResult
  matchAndRewrite(qf::MatmulOp op, OneToNOpAdaptor adaptor,
                  mlir::ConversionPatternRewriter &rewriter) const final;

protected:
  /// The buffer the kernel reads an operand's block scales from.
  virtual mlir::Value scalesBuffer(mlir::OpBuilder &b, mlir::Location loc,
                                   mlir::Value scales) const;
  /// Builds the kernel of `mm` (with `launch`) and replaces the op.
  virtual void build(Matmul &mm,
                     mlir::ConversionPatternRewriter &rewriter) const = 0;

  /// One gpu.launch of `grid` blocks of `threads` threads (and `smemBytes`
  /// of dynamic shared memory when nonzero) whose body `body` fills; no
  /// launch when a grid dimension is 0 (a zero-block launch is a CUDA
  /// error; the check folds away for static shapes). Then replaces the op
  /// by the result.
  static void launch(mlir::ConversionPatternRewriter &rewriter, Matmul &mm,
                     std::array<mlir::Value, 3> grid, int64_t threads,
                     int64_t smemBytes,
                     llvm::function_ref<void(mlir::gpu::LaunchOp)> body);
  /// Stores value() (times mm.factor, when there is one) at out[at] when
  /// `ok`.
  static void storeIf(Emitter &e, const Matmul &mm, mlir::Value ok,
                      llvm::function_ref<mlir::Value()> value,
                      llvm::ArrayRef<mlir::Value> at);

  NVVMChip chip;
  unsigned ptxVersion;

private:
  bool tcgen05;
};

} // namespace qf::tc

#endif // QF_LIB_CONVERSION_QFTONVVM_TENSORCOREMATMUL_H
