//===- FusedKernels.h - Fused elementwise kernels (qf.map, epilogues) -*- C++ -*-===//
//
// Shared by QuantizeToVector.cpp (qf.map) and MatmulToVector.cpp
// (qf.fused_matmul): decode inputs, run a scalar elementwise body on vectors,
// encode the result, all bit-exact with the unfused dequantize / linalg /
// quantize program.
//
//===----------------------------------------------------------------------===//
#ifndef QF_LIB_CONVERSION_QFTOVECTOR_FUSEDKERNELS_H
#define QF_LIB_CONVERSION_QFTOVECTOR_FUSEDKERNELS_H

#include "qf/Dialect/QF/IR/QF.h"

#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"

#include <functional>

namespace qf::kernel {

/// f32 values (vector<vw x f32>) of a tensor at flat element `at`: `valid`
/// (< vw) lanes when !full.
using LoadFn =
    std::function<mlir::Value(mlir::Value at, mlir::Value valid, bool full)>;

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
/// `args`, vector<vw x f32> each) onto vectors of vw lanes and returns the
/// vector of the value its terminator yields. Each op computes per lane
/// what the scalar op computes, so the values are bit-identical. `scalars`
/// gives body values computed beforehand (value, then an f32 scalar
/// broadcast to every lane, e.g. a qf.row_reduce result, or a vector of vw
/// lanes); their ops are not cloned.
mlir::Value emitBodyOnVectors(
    mlir::OpBuilder &b, mlir::Location loc, mlir::Block &body,
    mlir::ValueRange args, unsigned vw,
    llvm::ArrayRef<std::pair<mlir::Value, mlir::Value>> scalars = {});

/// The values of qf.map: result[i] = body(inputs at map(i)), quantized into
/// `resultType` (a !qf.tensor: storage tensors returned; `scales` /
/// `tensorScale` static scales or null) or stored as f32 (one tensor).
/// Inputs are decoded and the result encoded in registers when every chunk
/// of vw lanes lies in one row and one block of each operand; otherwise the
/// unfused program is emitted (dequantize kernels, linalg.generic, quantize
/// kernel), which computes the same bits.
mlir::FailureOr<llvm::SmallVector<mlir::Value>>
emitMapKernel(mlir::OpBuilder &b, mlir::Location loc,
              llvm::ArrayRef<MapInput> inputs, mlir::Block &body,
              mlir::Type resultType, mlir::Value scales,
              mlir::Value tensorScale, unsigned vw);

/// Output buffers of a kernel that quantizes whole rows of `type` (fixed
/// blocks along the last axis, a multiple of the vector width) one row at a
/// time, e.g. in a matmul epilogue.
struct RowQuantizeOutput {
  qf::QTensorType type;
  llvm::SmallVector<mlir::Value> sizes; ///< of the expressed tensor
  mlir::Value packedBuf, packedFlat, scalesBuf, scalesFlat;
  mlir::Value givenScales, givenTensorScale; ///< static scales, or null
  mlir::Value sEnc;                          ///< f32 encode scale (float scales)
};
/// Allocates the outputs (static `scales` / `tensorScale` are read, not
/// computed). Formats with a tensor scale need static scales.
mlir::FailureOr<RowQuantizeOutput>
beginRowQuantize(mlir::OpBuilder &b, mlir::Location loc, qf::QTensorType type,
                 llvm::ArrayRef<mlir::Value> sizes, mlir::Value scales,
                 mlir::Value tensorScale);
/// Quantizes flat row `row` (all its blocks) reading values from `load`
/// (flat element indices of the whole tensor); exactly the rows of
/// qf.quantize.
void emitQuantizeRow(mlir::OpBuilder &b, mlir::Location loc,
                     const RowQuantizeOutput &out, mlir::Value row,
                     const LoadFn &load, unsigned vw);
/// The storage tensors (packed, scales[, tensor scale]).
llvm::SmallVector<mlir::Value> endRowQuantize(mlir::OpBuilder &b,
                                              mlir::Location loc,
                                              const RowQuantizeOutput &out);

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
                         bool full, unsigned vw);
/// Appends to `given` the stashed values (vw lanes at `at` of each stash)
/// of the reductions that have one.
void appendStashedValues(
    mlir::OpBuilder &b, mlir::Location loc,
    llvm::ArrayRef<qf::RowReduceOp> reds, llvm::ArrayRef<mlir::Value> stashes,
    mlir::Value at, mlir::Value valid, bool full, unsigned vw,
    llvm::SmallVectorImpl<std::pair<mlir::Value, mlir::Value>> &given);
/// Stores one f32 row of `len` elements from `load` (built with `b`) at
/// flat `rowBase` of `outFlat`: whole chunks, then a masked tail.
void emitStoreRowF32(mlir::OpBuilder &b, mlir::Location loc,
                     mlir::Value outFlat, mlir::Value rowBase, int64_t len,
                     const LoadFn &load, unsigned vw);
/// The unfused program of a body with row reductions over f32 tensors
/// `args` read at `argMaps` (broadcasts of the static `rowShape`): one
/// linalg reduction over the last axis per qf.row_reduce (body order; its
/// init from a generic over the reduced shape), then one elementwise
/// generic for the body. Returns the f32 result of `rowShape`.
mlir::Value emitRowReductionGenerics(mlir::OpBuilder &b, mlir::Location loc,
                                     llvm::ArrayRef<mlir::Value> args,
                                     llvm::ArrayRef<mlir::AffineMap> argMaps,
                                     mlir::Block *body,
                                     llvm::ArrayRef<int64_t> rowShape);

} // namespace qf::kernel

#endif // QF_LIB_CONVERSION_QFTOVECTOR_FUSEDKERNELS_H
