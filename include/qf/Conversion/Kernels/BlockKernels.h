//===- BlockKernels.h - Quantize / dequantize / requantize kernels -*- C++ -*-===//
//
// Whole-tensor kernels on buffers, target-neutral (vector + scf + memref):
// every qf.quantize, qf.dequantize and qf.requantize of every format, with
// data-dependent or static scales, and the row-at-a-time quantize that fused
// kernels (qf.map, matmul epilogues) encode their results with. A quantized
// value is its storage tensors (packed codes, block scales and, for
// two-level formats, the rank-0 f32 tensor scale).
//
//===----------------------------------------------------------------------===//
#ifndef QF_CONVERSION_KERNELS_BLOCKKERNELS_H
#define QF_CONVERSION_KERNELS_BLOCKKERNELS_H

#include "qf/Conversion/Kernels/Builder.h"
#include "qf/Dialect/QF/IR/QF.h"

namespace qf {
class TargetInfo;
} // namespace qf

namespace qf::kernel {

/// Storage tensors of a quantized value (the 1:N converted operands).
struct Storage {
  mlir::Value packed, scales, ts;
};
Storage storageOf(mlir::ValueRange vals);
llvm::SmallVector<mlir::Value> valuesOf(const Storage &s);

/// A full quantize into type `t` of the values `load` gives (flat element
/// indices of a tensor of `sizes`); returns the storage tensors. `given`
/// holds static scales (and tensor scale) or nulls. `amaxBits` (i32 bits of
/// the finite max |x| of the values, known to the caller) replaces the pass
/// over the input that a two-level format's tensor scale from the data
/// needs (docs/numerics.md 4.2 step 1); same bits.
mlir::FailureOr<Storage>
emitQuantizeFrom(mlir::OpBuilder &b, mlir::Location loc,
                 llvm::ArrayRef<mlir::Value> sizes, LoadFn load,
                 qf::QTensorType t, Storage given, const TargetInfo &target,
                 mlir::Value amaxBits = {});
/// emitQuantizeFrom reading the float tensor `input`.
mlir::FailureOr<Storage> emitQuantize(mlir::OpBuilder &b, mlir::Location loc,
                                      mlir::Value input, qf::QTensorType t,
                                      Storage given, const TargetInfo &target);
/// A dequantize of storage `in` of type `t` into a float tensor of type
/// `resultT`.
mlir::Value emitDequantize(mlir::OpBuilder &b, mlir::Location loc, Storage in,
                           qf::QTensorType t, mlir::RankedTensorType resultT,
                           const TargetInfo &target);

/// Whether emitRequantizeShift handles src -> dst: the integer path is exact
/// (numerics::requantizeIsShift) and the row kernel's straight-line shape
/// applies to both sides.
bool canRequantizeByShift(qf::QTensorType src, qf::QTensorType dst,
                          const TargetInfo &target);
/// numerics::requantizeShift between integer E8M0 formats: no floating
/// point; requires canRequantizeByShift.
Storage emitRequantizeShift(mlir::OpBuilder &b, mlir::Location loc, Storage in,
                            qf::QTensorType src, qf::QTensorType dst,
                            const TargetInfo &target);

/// Output buffers of a kernel that quantizes whole rows of `type` (fixed
/// blocks along the last axis, a multiple of the vector width) one row at a
/// time, e.g. in a matmul epilogue.
struct RowQuantizeOutput {
  qf::QTensorType type;
  llvm::SmallVector<mlir::Value> sizes; ///< of the expressed tensor
  mlir::Value packedBuf, packedFlat, scalesBuf, scalesFlat;
  mlir::Value givenScales, givenTensorScale; ///< static scales, or null
  mlir::Value sEnc;                          ///< f32 encode scale (float scales)
  /// A two-level format with its tensor scale from the data, which depends
  /// on every value (docs/numerics.md 4.2 step 1): the rows are kept as f32
  /// in `stage`, each row's finite max |x| (i32 bits) noted in `rowAmax`
  /// while its values are in registers, and endRowQuantize encodes the kept
  /// rows once the tensor's amax is known: one read of them instead of two.
  mlir::Value stage, rowAmax;
};
/// Allocates the outputs (static `scales` / `tensorScale` are read, not
/// computed). A two-level format without a given tensor scale is staged
/// (see `stage`); with static block scales it needs its tensor scale.
mlir::FailureOr<RowQuantizeOutput>
beginRowQuantize(mlir::OpBuilder &b, mlir::Location loc, qf::QTensorType type,
                 llvm::ArrayRef<mlir::Value> sizes, mlir::Value scales,
                 mlir::Value tensorScale);
/// Quantizes flat row `row` (all its blocks) reading values from `load`
/// (flat element indices of the whole tensor); exactly the rows of
/// qf.quantize.
void emitQuantizeRow(mlir::OpBuilder &b, mlir::Location loc,
                     const RowQuantizeOutput &out, mlir::Value row,
                     const LoadFn &load, const TargetInfo &target);
/// The storage tensors (packed, scales[, tensor scale]); encodes the staged
/// rows first when there are any.
mlir::FailureOr<llvm::SmallVector<mlir::Value>>
endRowQuantize(mlir::OpBuilder &b, mlir::Location loc,
               const RowQuantizeOutput &out, const TargetInfo &target);

} // namespace qf::kernel

#endif // QF_CONVERSION_KERNELS_BLOCKKERNELS_H
