//===- KernelBuilder.h - IR emitters for bit-exact qf kernels ---*- C++ -*-===//
//
// Emit the numerics of include/qf/Numerics as integer/FP32 arith on scalars
// or vectors (every helper works on i32/f32 or vector<N x i32/f32> alike).
// The CPU kernels (quantize, dequantize, matmul, hadamard) are built from
// these so that they agree with the numerics library bit for bit.
//
//===----------------------------------------------------------------------===//
#ifndef QF_LIB_CONVERSION_QFTOVECTOR_KERNELBUILDER_H
#define QF_LIB_CONVERSION_QFTOVECTOR_KERNELBUILDER_H

#include "qf/Numerics/Format.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Value.h"

#include <utility>

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

/// Bits of |x| for x (f32 or vector of f32) as i32.
mlir::Value absBits(KB &k, mlir::Value x);

/// Encodes x (f32 / vector<f32>) times 2^-kexp (i32 of the same shape) into
/// element codes (i32, code in the low bits) of `elem` with `rounding` and
/// `range`; saturating, NaN to the NaN code (floats) or 0 (ints), signed zero
/// kept for floats. Exactly numerics::detail::encode{Float,Int}ElementExact
/// of x * 2^-kexp.
mlir::Value encodeElements(KB &k, const numerics::ElementFormat &elem,
                           numerics::Rounding rounding,
                           numerics::IntRange range, mlir::Value x,
                           mlir::Value kexp);

/// Decodes element codes (i32 / vector<i32>, code in the low bits) to f32
/// (numerics::decodeElement).
mlir::Value decodeElements(KB &k, const numerics::ElementFormat &elem,
                           mlir::Value codes);

/// Decodes like decodeElements (bit for bit; bits above the code are
/// ignored) with fewer instructions:
///  * 4-bit codes in vector<16 x i32> or vector<8 x i32> with `x86Avx512`:
///    one lookup (lookup16, a vpermps) in the 16-entry table of
///    numerics::decodeElement values (elementTable);
///  * other small floats: the code is placed into an f16 bit pattern, widened
///    exactly and rebiased with one exact multiply;
///  * everything else: decodeElements.
mlir::Value decodeElementsFast(KB &k, const numerics::ElementFormat &elem,
                               mlir::Value codes, bool x86Avx512);

/// The decoded values (numerics::decodeElement) of the 16 codes of a 4-bit
/// element format as a vector<16 x f32> constant.
mlir::Value elementTable(KB &k, const numerics::ElementFormat &elem);

/// out[i] = table[idx[i] & 15] for a vector<16 x f32> table and idx of
/// vector<N x i32>: target-independent IR that the x86 backend emits as one
/// vpermps with AVX-512 (N = 8 or 16).
mlir::Value lookup16(KB &k, mlir::Value table, mlir::Value idx);

/// Splits packed 4-bit codes (vector<C x i8>, 2C elements of one row, D10)
/// into {even, odd}: the codes of elements 0, 2, 4, ... and 1, 3, 5, ... as
/// vector<C x i32>. The even codes keep the odd nibble above bit 3 (every
/// decoder here ignores bits above the code); no lane interleaving is done.
std::pair<mlir::Value, mlir::Value> splitNibbles(KB &k, mlir::Value bytes);

/// Decodes 2C packed 4-bit codes (vector<C x i8>) to vector<2C x f32> in
/// element order: splitNibbles, two decodeElementsFast and one interleave.
/// Equal to decodeElements(unpackCodes(bytes)) bit for bit.
mlir::Value decodePacked4Fast(KB &k, const numerics::ElementFormat &elem,
                              mlir::Value bytes, bool x86Avx512);

/// Packs a vector<N x i32> of codes (consecutive elements of one innermost
/// row, N a multiple of 8 / bits) into vector<N*bits/8 x i8> (D10/D11).
mlir::Value packCodes(KB &k, unsigned bits, mlir::Value codes);
/// Inverse of packCodes: vector<N*bits/8 x i8> -> vector<N x i32>.
mlir::Value unpackCodes(KB &k, unsigned bits, mlir::Value packed, int64_t n);

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

} // namespace qf::kernel

#endif // QF_LIB_CONVERSION_QFTOVECTOR_KERNELBUILDER_H
