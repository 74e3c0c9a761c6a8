//===- Builder.h - Constants, index arithmetic, buffers and loops -*- C++ -*-===//
//
// The small IR-building vocabulary every qf kernel uses, target-neutral:
// splat constants (KB), index arithmetic (Idx), tensor <-> buffer moves and
// loops. Kernels are written on 1-D views of identity-layout buffers.
//
//===----------------------------------------------------------------------===//
#ifndef QF_CONVERSION_KERNELS_BUILDER_H
#define QF_CONVERSION_KERNELS_BUILDER_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributeInterfaces.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"

#include <functional>

namespace qf::kernel {

/// A builder plus location with small helpers for splat constants.
struct KB {
  mlir::OpBuilder &b;
  mlir::Location loc;

  /// i32 constant of the shape of `like` (scalar i32 or vector<N x i32>).
  mlir::Value i32(mlir::Type like, int64_t v);
  /// f32 constant of the shape of `like`.
  mlir::Value f32(mlir::Type like, float v);
  /// f32 constant from raw bits.
  mlir::Value f32Bits(mlir::Type like, uint32_t bits);
  mlir::Value index(int64_t v);
  /// `like` with its element type replaced by `elt`.
  static mlir::Type withElt(mlir::Type like, mlir::Type elt);
};

/// A constant of type `t` (scalar, or vector splat of `scalar`).
mlir::Value splat(mlir::OpBuilder &b, mlir::Location loc, mlir::Type t,
                  mlir::TypedAttr scalar);

/// Index arithmetic (unsigned division; sizes and offsets are never
/// negative). Constant operands fold as the IR is built, so static shapes
/// give static trip counts without a canonicalization round.
struct Idx {
  mlir::OpBuilder &b;
  mlir::Location loc;
  mlir::Value c(int64_t v);
  mlir::Value add(mlir::Value x, mlir::Value y);
  mlir::Value sub(mlir::Value x, mlir::Value y);
  mlir::Value mul(mlir::Value x, mlir::Value y);
  mlir::Value div(mlir::Value x, mlir::Value y);
  mlir::Value div(mlir::Value x, int64_t d) { return div(x, c(d)); }
  mlir::Value rem(mlir::Value x, mlir::Value y);
  mlir::Value rem(mlir::Value x, int64_t d) { return rem(x, c(d)); }
  mlir::Value min(mlir::Value x, mlir::Value y);
  mlir::Value ceilDiv(mlir::Value x, int64_t d);
  /// index -> i32.
  mlir::Value toI32(mlir::Value x);
};

/// f32 values (vector<vw x f32>) of a tensor at flat element `at`: `valid`
/// (< vw) lanes when !full.
using LoadFn =
    std::function<mlir::Value(mlir::Value at, mlir::Value valid, bool full)>;

/// Sizes of a tensor value's dims (dynamic ones through tensor.dim).
llvm::SmallVector<mlir::Value> dimSizes(mlir::OpBuilder &b, mlir::Location loc,
                                        mlir::Value tensor);
/// v[from] * ... * v[to - 1] (1 when empty).
mlir::Value product(Idx &ix, llvm::ArrayRef<mlir::Value> v, size_t from,
                    size_t to);
mlir::MemRefType memrefOf(mlir::RankedTensorType t);
/// A read-only buffer of a tensor.
mlir::Value readBuffer(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::Value tensor);
/// A new buffer of tensor type `t` whose dynamic sizes are `sizes`.
mlir::Value allocBuffer(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::RankedTensorType t,
                        llvm::ArrayRef<mlir::Value> sizes);
/// The tensor of a buffer the kernel wrote.
mlir::Value toTensor(mlir::OpBuilder &b, mlir::Location loc,
                     mlir::RankedTensorType t, mlir::Value buf);
/// 1-D view of an identity-layout buffer (rank 0 becomes [1]).
mlir::Value flat(mlir::OpBuilder &b, mlir::Location loc, mlir::Value buf);

/// scf.for from lb to ub with step; body gets the iv.
void forLoop(mlir::OpBuilder &b, mlir::Location loc, mlir::Value lb,
             mlir::Value ub, mlir::Value step,
             llvm::function_ref<void(mlir::OpBuilder &, mlir::Value)> body);
/// scf.for carrying one value.
mlir::Value forLoopCarry(
    mlir::OpBuilder &b, mlir::Location loc, mlir::Value lb, mlir::Value ub,
    mlir::Value step, mlir::Value init,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Value, mlir::Value)>
        body);
/// Calls fn(start, valid, full) for the vector chunks of a block of length
/// L (static value staticL, or 0): full chunks unrolled when there are at
/// most 8, else in a loop, then a masked tail when L % vw may be nonzero.
void forEachChunk(mlir::OpBuilder &b, mlir::Location loc, mlir::Value L,
                  int64_t staticL, unsigned vw,
                  llvm::function_ref<void(mlir::Value, mlir::Value, bool)> fn);
/// vector<n x i1> with the first `valid` lanes set.
mlir::Value laneMask(mlir::OpBuilder &b, mlir::Location loc, mlir::Value valid,
                     int64_t n);

} // namespace qf::kernel

#endif // QF_CONVERSION_KERNELS_BUILDER_H
