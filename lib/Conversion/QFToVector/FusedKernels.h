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

} // namespace qf::kernel

#endif // QF_LIB_CONVERSION_QFTOVECTOR_FUSEDKERNELS_H
