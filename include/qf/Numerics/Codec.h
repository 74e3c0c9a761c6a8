//===- Codec.h - Bit-exact element and scale encoders/decoders -*- C++ -*-===//
//
// Scalar conversions between FP32 and the element and scale codes of
// docs/numerics.md sections 1-2. All rounding is done on the exact
// significand (no std::round, no float log2); FP32 subnormals are honoured
// (D1).
//
//===----------------------------------------------------------------------===//
#ifndef QF_NUMERICS_CODEC_H
#define QF_NUMERICS_CODEC_H

#include "qf/Numerics/Format.h"

#include <cstdint>

namespace qf::numerics {

/// Exact floor(log2|x|) of a finite non-zero FP32 value, also for subnormals
/// (section 3.1 step 4, D9).
int exactExponent(float x);

/// Decodes one element code. Float formats give the real value (signed zero,
/// NaN and Inf as encoded). Integer formats give the signed integer k (two's
/// complement in the low `bits` bits); the MX fixed-point factor 2^-(b-2) is
/// applied by the block quantizer, not here.
float decodeElement(const ElementFormat &f, uint8_t code);

/// Rounds an already scaled FP32 value onto a float element grid (section 2):
/// exact quantum, ties-to-even or ties-away, saturating to +-max normal, sign
/// of zero kept (D2). NaN input gives the format's NaN code if it has one,
/// else 0 (block-level code handles non-finite data before this is reached).
uint8_t encodeFloatElement(const ElementFormat &f, float v, Rounding r);

/// Rounds an FP32 value on the integer grid with rounding `r` (ties-to-even
/// by default; never ties-away unless the format asks for it), clamped to
/// [-Qmax, Qmax] (Symmetric) or [-Qmax-1, Qmax] (Full). Returns the two's
/// complement code masked to `bits` bits. No -0 (D2).
uint8_t encodeIntElement(const ElementFormat &f, float v, Rounding r,
                         IntRange range);

/// Dispatches to encodeFloatElement / encodeIntElement.
uint8_t encodeElement(const ElementFormat &f, float v, Rounding r,
                      IntRange range);

/// Raw scale bits are carried in a uint32_t whatever the scale width:
/// E8M0/E4M3 use the low 8 bits, F16/BF16 the low 16 bits, F32 all 32.
using ScaleBits = uint32_t;

/// Decodes a scale. E8M0: 2^(b-127), 0xFF = NaN, exact even below 2^-126
/// (D1). E4M3 is decoded as an unsigned scale (sign bit ignored, 0x7F NaN).
float decodeScale(ScaleType t, ScaleBits bits);

/// Rounds a non-negative FP32 value to the scale type with round-to-nearest-
/// even and saturation to the largest finite value (E4M3: 448, the
/// `satfinite` of section 4.2 step 3). NaN gives the NaN code. Not for E8M0
/// (whose value comes from the scale rule, see encodeE8M0).
ScaleBits encodeScaleRNE(ScaleType t, float v);

/// E8M0 byte for the power of two 2^xs, xs clamped to [-127, 127] (D5).
ScaleBits encodeE8M0(int xs);

/// The NaN code of a scale type.
ScaleBits scaleNaN(ScaleType t);

/// Largest finite value of a scale type.
double scaleMaxFinite(ScaleType t);

/// IEEE half / bfloat16 conversions used for F16/BF16 scales (RNE).
uint16_t floatToHalfBits(float v);
float halfBitsToFloat(uint16_t h);
uint16_t floatToBF16Bits(float v);
float bf16BitsToFloat(uint16_t h);

} // namespace qf::numerics

#endif // QF_NUMERICS_CODEC_H
