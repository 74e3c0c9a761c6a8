//===- Codecs.h - Element codecs and code packing as IR ----------*- C++ -*-===//
//
// Emit the numerics of include/qf/Numerics as integer/FP32 arith on scalars
// or vectors (every helper works on i32/f32 or vector<N x i32/f32> alike),
// so that every target's kernels agree with the numerics library bit for
// bit. Block scales: ScaleCodec.h.
//
//===----------------------------------------------------------------------===//
#ifndef QF_CONVERSION_KERNELS_CODECS_H
#define QF_CONVERSION_KERNELS_CODECS_H

#include "qf/Conversion/Kernels/Builder.h"
#include "qf/Numerics/Format.h"

#include <utility>

namespace qf {
class TargetInfo;
} // namespace qf

namespace qf::kernel {

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

/// 2^-kexp (i32 or vector of i32, kexp in [-252, 252]) as two f32 powers
/// of two built from their bits, 2^-h and 2^-(kexp - h) with h = kexp >> 1,
/// so that (x * first) * second is x * 2^-kexp exactly wherever that is a
/// normal f32; where it is not (|x * 2^-kexp| < 2^-126) it lies below every
/// element format's smallest nonzero magnitude times 2^-100, and encoding
/// it gives the code of zero either way. The targets' native encodes
/// (TargetInfo::encodeElementsNative) take the scaled values.
std::pair<mlir::Value, mlir::Value> pow2NegPair(KB &k, mlir::Value kexp);

/// Decodes element codes (i32 / vector<i32>, code in the low bits) to f32
/// (numerics::decodeElement).
mlir::Value decodeElements(KB &k, const numerics::ElementFormat &elem,
                           mlir::Value codes);

/// Decodes like decodeElements (bit for bit; bits above the code are
/// ignored) with fewer instructions:
///  * 4-bit codes where `target` has a fast 16-entry lookup for vectors of
///    this length (TargetInfo::hasFastLookup16): one lookup (lookup16, a vpermps) in the 16-entry table of
///    numerics::decodeElement values (elementTable);
///  * other small floats: the code is placed into an f16 bit pattern, widened
///    exactly and rebiased with one exact multiply;
///  * everything else: decodeElements.
mlir::Value decodeElementsFast(KB &k, const numerics::ElementFormat &elem,
                               mlir::Value codes,
                               const TargetInfo *target = nullptr);

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
                              mlir::Value bytes,
                              const TargetInfo *target = nullptr);

/// Packs a vector<N x i32> of codes (consecutive elements of one innermost
/// row, N a multiple of 8 / bits) into vector<N*bits/8 x i8> (D10/D11).
mlir::Value packCodes(KB &k, unsigned bits, mlir::Value codes);
/// Inverse of packCodes: vector<N*bits/8 x i8> -> vector<N x i32>.
mlir::Value unpackCodes(KB &k, unsigned bits, mlir::Value packed, int64_t n);

/// E8M0 shared exponent xs (i32, clamped to [-127, 127]) of blocks with
/// finite amax given as |bits| (i32); amax == 0 gives -127
} // namespace qf::kernel

#endif // QF_CONVERSION_KERNELS_CODECS_H
