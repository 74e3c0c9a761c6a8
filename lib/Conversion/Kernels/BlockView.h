//===- BlockView.h - The [P, K, Q1, W] view of a blocked tensor -*- C++ -*-===//
//
// Internal to the kernel library. Kernels work on flat (1-D) views of the
// buffers. A blocked tensor of shape S with blocked axis a is viewed as
// [P, K, Q1, W]: P = prod(S[0..a)), K = S[a], W = the innermost dimension,
// Q1 = the dimensions in between.
//  * axis innermost (W = 1): vector lanes run along a block; one scale per
//    block is computed in scalar code ("row kernel").
//  * axis not innermost: lanes run along W (independent blocks side by side,
//    one scale per lane), the block's L elements are L vector rows ("lane
//    kernel").
//  * one block for the whole tensor: a reduction pass gives the scale, then
//    the lane kernel encodes with it.
// Lanes always start at multiples of the vector width inside an innermost
// row, so 4/6-bit codes pack in registers (D10/D11); when a block's length
// breaks that alignment along the innermost axis, codes go through an
// unpacked buffer and a separate packing loop.
//
//===----------------------------------------------------------------------===//
#ifndef QF_LIB_CONVERSION_KERNELS_BLOCKVIEW_H
#define QF_LIB_CONVERSION_KERNELS_BLOCKVIEW_H

#include "qf/Conversion/Kernels/BlockCodec.h"
#include "qf/Dialect/QF/IR/QF.h"

namespace qf::kernel {

using mlir::Value;
using llvm::SmallVector;
namespace nm = qf::numerics;

/// Everything a kernel needs about one quantized tensor.
struct QView {
  qf::QTensorType type;
  nm::BlockFormat f;
  unsigned bits;
  SmallVector<Value> sizes; ///< of the expressed tensor
  Value P, K, Q1, W, N;     ///< view [P, K, Q1, W]; N = total elements
  Value Wp;                 ///< packed bytes per innermost row
  Value L, nb;              ///< block length, blocks per (p, q1, w)
  bool rowKernel;           ///< blocked axis innermost, Fixed/Channel
  bool tensorBlock;         ///< one block for everything
  int64_t staticL = 0;      ///< L when static, else 0
  int64_t staticNb = 0;     ///< nb when static, else 0
};

QView makeView(mlir::OpBuilder &b, mlir::Location loc, qf::QTensorType t,
               llvm::ArrayRef<Value> sizes);

/// Codes per packing group: lcm(bits, 8) / bits.
int64_t packGroup(unsigned bits);

/// Whether the row kernel can pack in registers: every vector chunk starts
/// on a packing-group boundary.
bool rowKernelPacksInRegisters(const QView &v, unsigned vw);

/// The [P, K, Q1, W] view the lane kernels iterate over; one block for the
/// whole tensor becomes rows of W elements forming a single block of R rows.
struct LaneGeometry {
  Value P, K, Q1, W, L, nb;
};
LaneGeometry laneGeometry(Idx &ix, const QView &v);

/// D12 scale indices of the lanes w0 + [0, vw) of block `blk`:
/// ((p * Q1 + q1) * W + w) * nb + blk, or all 0 for a single tensor scale.
Value laneScaleIndices(mlir::OpBuilder &b, mlir::Location loc,
                       const LaneGeometry &g, Value p, Value q1, Value w0,
                       Value blk, unsigned vw, bool scalarScale);

/// Packs unpacked codes (1-D i8, innermost rows of `inner` codes) into the
/// packed buffer, one byte at a time (used when blocks break the
/// in-register packing alignment).
void emitPackRows(BlockCodec &kn, const QView &v, Value codes, Value packed);
/// Inverse of emitPackRows.
void emitUnpackRows(BlockCodec &kn, const QView &v, Value packed, Value codes);

/// |x| as i32 bits, 0 for a non-finite x (AmaxKernels.cpp).
Value finiteAbsBits(KB &k, Value x);
/// max |x| (i32 bits) over the `n` values `load` gives, optionally over
/// finite values only (AmaxKernels.cpp).
Value emitAmax(BlockCodec &kn, const LoadFn &load, Value n, bool finiteOnly);
/// The maximum of the i32 maxima in the 1-D buffer `partial` (one per
/// parallel chunk or row), combined by a short sequential loop.
Value emitMaxOfPartials(mlir::OpBuilder &b, mlir::Location loc, Value partial);

} // namespace qf::kernel

#endif // QF_LIB_CONVERSION_KERNELS_BLOCKVIEW_H
