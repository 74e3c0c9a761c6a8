//===- FusedKernels.h - Fused elementwise kernels (qf.map, epilogues) -*- C++ -*-===//
//
// The meaning of the fused ops as kernels, for every target: decode inputs,
// run the scalar elementwise body of a qf.map / qf.fused_matmul on vectors,
// reduce rows (qf.row_reduce), encode the result, all bit-exact with the
// unfused dequantize / linalg / quantize program that
// populateQFDecomposeFusedOpsPatterns writes for what a target does not fuse.
//
//===----------------------------------------------------------------------===//
#ifndef QF_CONVERSION_KERNELS_FUSEDKERNELS_H
#define QF_CONVERSION_KERNELS_FUSEDKERNELS_H

#include "qf/Conversion/Kernels/BlockKernels.h"
#include "qf/Conversion/Kernels/TargetInfo.h"
#include "qf/Dialect/QF/IR/QF.h"

#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

#include <functional>

namespace qf::kernel {

/// One input of a fused elementwise kernel: an f32 tensor read through a
/// broadcast `map`, or the storage tensors of a quantized tensor (identity
/// map).
struct MapInput {
  mlir::Value tensor;                       ///< f32 input, or null
  qf::QTensorType qtype;                    ///< quantized input type, or null
  llvm::SmallVector<mlir::Value> storage;   ///< packed, scales[, tensor scale]
  mlir::AffineMap map;
};

/// Clones the scalar elementwise ops of `body` (block arguments bound to
/// `args`, vector<lanes x f32> each) onto vectors of `lanes` lanes and returns the
/// vector of the value its terminator yields. Each op computes per lane
/// what the scalar op computes, so the values are bit-identical. `scalars`
/// gives body values computed beforehand (value, then an f32 scalar
/// broadcast to every lane, e.g. a qf.row_reduce result, or a vector of
/// `lanes` lanes); their ops are not cloned.
mlir::Value emitBodyOnVectors(
    mlir::OpBuilder &b, mlir::Location loc, mlir::Block &body,
    mlir::ValueRange args, unsigned lanes,
    llvm::ArrayRef<std::pair<mlir::Value, mlir::Value>> scalars = {});

/// Whether emitMapKernel runs `op` as one kernel on `target`: every vector
/// of lanes in one row and one block of each quantized operand, or (with
/// qf.row_reduce) a result the target's row encoder can encode
/// (TargetInfo::supportsRowEncode).
qf::Support mapKernelSupport(qf::MapOp op, const qf::TargetInfo &target);

/// The values of qf.map: result[i] = body(inputs at map(i)), quantized into
/// `resultType` (a !qf.tensor: storage tensors returned; `scales` /
/// `tensorScale` static scales or null) or stored as f32 (one tensor).
/// Inputs are decoded and the result encoded in registers; the op must be
/// one the kernel supports (mapKernelSupport).
mlir::FailureOr<llvm::SmallVector<mlir::Value>>
emitMapKernel(mlir::OpBuilder &b, mlir::Location loc,
              llvm::ArrayRef<MapInput> inputs, mlir::Block &body,
              mlir::Type resultType, mlir::Value scales,
              mlir::Value tensorScale, const qf::TargetInfo &target);

/// Clones the ops computing `v` (a scalar of a fused body) that `m` does not
/// map yet, operands first; returns the mapped value.
mlir::Value cloneScalarSlice(mlir::OpBuilder &b, mlir::Value v,
                             mlir::IRMapping &m);

//===- Row reductions (qf.row_reduce in qf.map / qf.fused_matmul bodies) -===//

/// Whether the row kernels keep the reduced input of `red` per row (a stash
/// of one row) because the body also uses it outside the reduction.
bool rowReduceStashed(qf::RowReduceOp red);
/// One sequential scalar loop over the `len` elements of the current row
/// per qf.row_reduce in `reds` (body order), as the unfused linalg reduction
/// lowered to loops runs it. `bindArgs(b, l, m)` maps the body's arguments
/// to their scalars at element `l` of the row; the reduced input goes to
/// `stashes[i]` (when not null) at `stashBase + l`. Returns (row_reduce
/// result, reduced scalar) pairs for emitBodyOnVectors.
llvm::SmallVector<std::pair<mlir::Value, mlir::Value>> emitRowReductionLoops(
    mlir::OpBuilder &b, mlir::Location loc,
    llvm::ArrayRef<qf::RowReduceOp> reds, llvm::ArrayRef<mlir::Value> stashes,
    mlir::Value stashBase, mlir::Value len,
    llvm::function_ref<void(mlir::OpBuilder &, mlir::Value, mlir::IRMapping &)>
        bindArgs);
/// vw f32 lanes of the 1-D f32 buffer `mem` at `at`: `valid` lanes (the
/// rest +0.0) when !full.
mlir::Value loadF32Chunk(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value mem, mlir::Value at, mlir::Value valid,
                         bool full, const qf::TargetInfo &target);
/// Appends to `given` the stashed values (vw lanes at `at` of each stash)
/// of the reductions that have one.
void appendStashedValues(
    mlir::OpBuilder &b, mlir::Location loc,
    llvm::ArrayRef<qf::RowReduceOp> reds, llvm::ArrayRef<mlir::Value> stashes,
    mlir::Value at, mlir::Value valid, bool full,
    const qf::TargetInfo &target,
    llvm::SmallVectorImpl<std::pair<mlir::Value, mlir::Value>> &given);
/// Stores one f32 row of `len` elements from `load` (built with `b`) at
/// flat `rowBase` of `outFlat`: whole chunks, then a masked tail.
void emitStoreRowF32(mlir::OpBuilder &b, mlir::Location loc,
                     mlir::Value outFlat, mlir::Value rowBase, int64_t len,
                     const LoadFn &load, const qf::TargetInfo &target);

} // namespace qf::kernel

#endif // QF_CONVERSION_KERNELS_FUSEDKERNELS_H
