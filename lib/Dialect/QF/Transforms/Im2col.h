//===- Im2col.h - convolutions as im2col GEMMs, any element type -*- C++ -*-===//
//
// A convolution is a contraction over the kernel window and the input
// channels; these pieces rewrite it as
//
//   patches[G, N*OH*OW, KH*KW*C] x W[G, F, KH*KW*C]^T -> [G, N*OH*OW, F]
//
// and back. qf-quantize-model uses them for f32 convolutions (blocked
// formats, QuantizeConv.cpp) and qf-import-int8 for int8 ones (exact integer
// sums, ImportInt8Conv.cpp); everything is derived from the op's indexing
// maps, so every layout, stride, dilation and grouping takes the same path,
// and the element type is the op's own (the gather copies, it computes
// nothing).
//
//===----------------------------------------------------------------------===//
#ifndef QF_LIB_DIALECT_QF_TRANSFORMS_IM2COL_H
#define QF_LIB_DIALECT_QF_TRANSFORMS_IM2COL_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <optional>
#include <string>

namespace qf::conv {

/// The loops of a convolution sorted into the roles of the im2col GEMM.
struct ConvLoops {
  llvm::SmallVector<unsigned> groups;  ///< depth: the GEMM's batch (grouped)
  llvm::SmallVector<unsigned> rows;    ///< batch, then output image: M
  llvm::SmallVector<unsigned> window;  ///< filter loops, then channels: K
  llvm::SmallVector<unsigned> columns; ///< output channels: N
  llvm::SmallVector<int64_t> sizes;    ///< static loop ranges
  int64_t size(llvm::ArrayRef<unsigned> dims) const {
    int64_t p = 1;
    for (unsigned d : dims)
      p *= sizes[d];
    return p;
  }
};

/// Sorts the loops of the convolution `op` (input, filter, optional scalar
/// operands such as zero points, one init) into ConvLoops; otherwise the
/// reason in `why`. A depthwise or single-channel convolution (no input
/// channel loop) is refused with its window size, followed by `; <leftAs>`.
mlir::FailureOr<ConvLoops> classify(mlir::linalg::LinalgOp op,
                                    llvm::StringRef leftAs, std::string &why);

/// The im2col patch matrix [groups?, rows, K] of the op's input (a reshape
/// of the input when the window is 1x1 and the layout already matches).
mlir::Value buildPatches(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::linalg::LinalgOp op, const ConvLoops &l);

/// The permutation taking the filter to [groups, output channels, window].
llvm::SmallVector<int64_t> filterPermutation(mlir::linalg::LinalgOp op,
                                             const ConvLoops &l);

/// The filter rearranged at run time to [groups?, N, K].
mlir::Value buildFilterMatrix(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::linalg::LinalgOp op, const ConvLoops &l);

/// The filter as [groups?, K, N] when it is already laid out [groups...,
/// window..., output channels...] (HWCF): a reshape, no transpose; null
/// otherwise.
mlir::Value filterAsKN(mlir::OpBuilder &b, mlir::Location loc,
                       mlir::linalg::LinalgOp op, const ConvLoops &l);

/// The GEMM result [groups?, M, N] `y` moved to the convolution's output
/// layout (same element type as `y`).
mlir::Value toOutputLayout(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::linalg::LinalgOp op, const ConvLoops &l,
                           mlir::Value y);

/// Replaces convolution `op` by its GEMM result `y` ([groups?, M, N]):
/// moved to the output layout, plus the op's init unless that is a zero
/// fill (TOSA's broadcast bias; integer addition wraps like the op's own
/// accumulation), then erases `op` and whatever only fed it.
void replaceWithGemm(mlir::OpBuilder &b, mlir::Location loc,
                     mlir::linalg::LinalgOp op, const ConvLoops &l,
                     mlir::Value y, mlir::Value init);

/// Whether `init` is a linalg.fill of zero (float or integer): adding it
/// changes nothing.
bool isZeroFill(mlir::Value init);

/// Erases the ops that computed `operands` once they are dead (the filter
/// constant and a zero init of a rewritten convolution).
void eraseDeadProducers(llvm::ArrayRef<mlir::Value> operands);

} // namespace qf::conv

#endif // QF_LIB_DIALECT_QF_TRANSFORMS_IM2COL_H
