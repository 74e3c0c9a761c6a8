//===- ScaleCodec.h - Block and tensor scale codecs as IR --------*- C++ -*-===//
//
// The one place that knows how each numerics::ScaleType is computed, stored
// and decoded in IR (E8M0 shared exponents, E4M3 / f16 / bf16 / f32 scales).
// BlockCodec.h combines these with the element codecs per block.
//
//===----------------------------------------------------------------------===//
#ifndef QF_CONVERSION_KERNELS_SCALECODEC_H
#define QF_CONVERSION_KERNELS_SCALECODEC_H

#include "qf/Conversion/Kernels/Builder.h"
#include "qf/Numerics/Format.h"

namespace qf::kernel {

/// E8M0 shared exponent xs (i32, clamped to [-127, 127]) of blocks with
/// finite amax given as |bits| (i32); amax == 0 gives -127
/// (section 3.1, D4, D5).
mlir::Value mxScaleExponent(KB &k, const numerics::BlockFormat &f,
                            mlir::Value amaxBits);

/// Decodes stored block scales to f32: the storage element is i8 for E8M0 /
/// E4M3 (as i32 here, byte in the low bits), else f16/bf16/f32 values
/// (numerics::decodeScale). NaN scales decode to NaN.
mlir::Value decodeScale(KB &k, numerics::ScaleType t, mlir::Value stored);

/// For byte scales (E8M0, E4M3): a memref<256 x f32> holding
/// numerics::decodeScale of every byte, as memref.get_global of a private
/// constant global that is added to `module` once per scale type. Null for
/// other scale types. With it, a scalar scale decodes with one load
/// (decodeScaleByTable) instead of a dozen scalar instructions.
mlir::Value scaleTable(KB &k, mlir::Operation *module, numerics::ScaleType t);
/// The decoded scale of a stored byte (i8, or i32 holding the byte) from a
/// scaleTable.
mlir::Value decodeScaleByTable(KB &k, mlir::Value table, mlir::Value stored);

/// Rounds t >= 0 (f32) to the scale type with RNE and saturation and
/// returns the storage value (i32 byte for E4M3, else f16/bf16/f32 value)
/// (numerics::encodeScaleRNE).
mlir::Value encodeScaleRNE(KB &k, numerics::ScaleType t, mlir::Value tb);

/// decodeScale with fewer instructions where a shorter exact decode exists
/// (E4M3: the element decode of the unsigned byte), bit for bit the same.
mlir::Value decodeScaleFast(KB &k, numerics::ScaleType t, mlir::Value stored);

/// Whether scale values are stored as bytes (E8M0, E4M3: i8 storage, i32 in
/// registers) rather than as f16 / bf16 / f32 values.
bool isByteScale(numerics::ScaleType t);
/// Element type of scale values in registers (i32 for byte scales).
mlir::Type scaleRegisterType(mlir::MLIRContext *ctx, numerics::ScaleType t);
/// The NaN storage value of scale type `t`, shaped like `like` (f32 or
/// vector of f32).
mlir::Value nanScale(KB &k, numerics::ScaleType t, mlir::Type like);
/// Significant bits of a decoded scale value: where an element's and its
/// scale's significant bits add up to at most 24, the product is exact in
/// f32 (barring overflow), so a scale can be folded into decoded elements.
int scaleSignificantBits(numerics::ScaleType t);
/// numerics::tensorEncodeScale of format `f` from the finite amax bits
/// (i32 scalar).
mlir::Value tensorEncodeScale(KB &k, const numerics::BlockFormat &f,
                              mlir::Value amaxBits);

} // namespace qf::kernel

#endif // QF_CONVERSION_KERNELS_SCALECODEC_H
