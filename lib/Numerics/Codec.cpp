//===- Codec.cpp - Bit-exact element and scale encoders/decoders ----------===//
//
// All rounding works on the exact integer significand (docs/numerics.md section 2,
// D9): no std::round, no float log2, no dependence on the FP environment.
//
//===----------------------------------------------------------------------===//

#include "qf/Numerics/Codec.h"

#include "NumericsInternal.h"

#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>

namespace qf::numerics {

using detail::bitsFloat;
using detail::floatBits;

namespace {

/// A sign-magnitude binary float layout together with its largest finite
/// (exponent field, mantissa field) pair.
struct FloatSpec {
  int expBits;
  int manBits;
  int bias;
  int maxE;
  int maxM;
};

FloatSpec specOf(const ElementFormat &f) {
  FloatSpec s{f.expBits, f.manBits, f.bias, 0, 0};
  int allE = (1 << f.expBits) - 1, allM = (1 << f.manBits) - 1;
  switch (f.nan) {
  case NanEncoding::None:
    s.maxE = allE;
    s.maxM = allM;
    break;
  case NanEncoding::AllOnes:
    s.maxE = allE;
    s.maxM = allM - 1;
    break;
  case NanEncoding::IEEE:
    s.maxE = allE - 1;
    s.maxM = allM;
    break;
  }
  return s;
}

constexpr FloatSpec kE4M3Spec{4, 3, 7, 15, 6};
constexpr FloatSpec kF16Spec{5, 10, 15, 30, 1023};
constexpr FloatSpec kBF16Spec{8, 7, 127, 254, 127};

/// Rounds a finite a > 0 onto the grid of `s` (section 2 steps 3-5) and
/// returns the magnitude code, or -1 when the rounded value exceeds the
/// largest finite value (the caller saturates or produces Inf).
int64_t roundMagnitude(const FloatSpec &s, double a, Rounding r) {
  int e2;
  double m = std::frexp(a, &e2); // a = m * 2^e2, m in [0.5, 1)
  // Exact integer significand: a = sig * 2^lsbExp.
  uint64_t sig = uint64_t(std::ldexp(m, 53));
  int lsbExp = e2 - 53;
  int e = e2 - 1; // floor(log2 a), exact
  int minNormalExp = 1 - s.bias;
  int ep = e > minNormalExp ? e : minNormalExp;
  int quantumExp = ep - s.manBits;
  int shift = quantumExp - lsbExp; // > 0 for every format here
  uint64_t n;
  if (shift <= 0) {
    n = sig << (-shift); // not reached for our formats; kept for safety
  } else if (shift > 60) {
    n = 0; // sig < 2^53 < half a quantum
  } else {
    n = sig >> shift;
    uint64_t rem = sig & ((uint64_t(1) << shift) - 1);
    uint64_t half = uint64_t(1) << (shift - 1);
    bool up = r == Rounding::NearestEven ? (rem > half || (rem == half && (n & 1)))
                                         : rem >= half;
    if (up)
      ++n;
  }
  if (n == 0)
    return 0;
  uint64_t hidden = uint64_t(1) << s.manBits;
  if (n >= 2 * hidden) { // carry into the next binade
    n >>= 1;
    ++ep;
  }
  int64_t E, M;
  if (n < hidden) { // subnormal (only at ep == 1 - bias)
    E = 0;
    M = int64_t(n);
  } else {
    E = int64_t(ep) + s.bias;
    M = int64_t(n - hidden);
  }
  if (E > s.maxE || (E == s.maxE && M > s.maxM))
    return -1;
  return (E << s.manBits) | M;
}

int64_t maxCode(const FloatSpec &s) {
  return (int64_t(s.maxE) << s.manBits) | s.maxM;
}

float decodeFields(int expBits, int manBits, int bias, uint32_t E, uint32_t M,
                   bool neg) {
  double v = E == 0 ? std::ldexp(double(M), 1 - bias - manBits)
                    : std::ldexp(double((1u << manBits) + M),
                                 int(E) - bias - manBits);
  float f = float(v);
  return neg ? -f : f;
}

/// Round to integer on FP64, exact for any finite v.
int64_t roundToInteger(double v, Rounding r) {
  double a = std::fabs(v);
  if (a >= 4503599627370496.0) // 2^52: already an integer
    return v < 0 ? -int64_t(a) : int64_t(a);
  int64_t t = int64_t(a); // truncation, exact
  double frac = a - double(t); // exact
  bool up = r == Rounding::NearestEven ? (frac > 0.5 || (frac == 0.5 && (t & 1)))
                                       : frac >= 0.5;
  if (up)
    ++t;
  return v < 0 ? -t : t;
}

} // namespace

//===----------------------------------------------------------------------===//
// Exact helpers
//===----------------------------------------------------------------------===//

int exactExponent(float x) {
  uint32_t u = floatBits(x) & 0x7FFFFFFFu;
  uint32_t e = u >> 23;
  if (e != 0)
    return int(e) - 127;
  uint32_t m = u & 0x7FFFFFu;
  if (m == 0)
    return std::numeric_limits<int>::min(); // caller contract: x != 0
  int msb = 31;
  while (!(m & (1u << msb)))
    --msb;
  return msb - 149;
}

namespace detail {

uint8_t encodeFloatElementExact(const ElementFormat &f, double v, Rounding r) {
  FloatSpec s = specOf(f);
  uint8_t sign = std::signbit(v) ? uint8_t(1u << (f.bits - 1)) : 0;
  if (std::isnan(v)) {
    switch (f.nan) {
    case NanEncoding::AllOnes:
      return uint8_t(sign | ((1u << (f.bits - 1)) - 1));
    case NanEncoding::IEEE: // quiet NaN: exponent all ones, top mantissa bit
      return uint8_t(sign | (((1u << f.expBits) - 1) << f.manBits) |
                     (1u << (f.manBits - 1)));
    case NanEncoding::None:
      return 0;
    }
  }
  double a = std::fabs(v);
  if (a == 0)
    return sign;
  if (std::isinf(a))
    return uint8_t(sign | maxCode(s));
  int64_t c = roundMagnitude(s, a, r);
  if (c < 0)
    c = maxCode(s);
  return uint8_t(sign | c);
}

uint8_t encodeIntElementExact(const ElementFormat &f, double v, Rounding r,
                              IntRange range) {
  if (std::isnan(v))
    return 0;
  int64_t qmax = (int64_t(1) << (f.bits - 1)) - 1;
  int64_t qmin = range == IntRange::Full ? -qmax - 1 : -qmax;
  int64_t k;
  if (v >= double(qmax) + 1)
    k = qmax;
  else if (v <= double(qmin) - 1)
    k = qmin;
  else
    k = roundToInteger(v, r);
  if (k > qmax)
    k = qmax;
  if (k < qmin)
    k = qmin;
  return uint8_t(uint64_t(k) & ((1u << f.bits) - 1));
}

} // namespace detail

//===----------------------------------------------------------------------===//
// Elements
//===----------------------------------------------------------------------===//

float decodeElement(const ElementFormat &f, uint8_t code) {
  uint32_t c = code & ((1u << f.bits) - 1);
  if (f.isInt())
    return float(detail::signExtend(uint8_t(c), f.bits));
  bool neg = (c >> (f.bits - 1)) & 1;
  uint32_t E = (c >> f.manBits) & ((1u << f.expBits) - 1);
  uint32_t M = c & ((1u << f.manBits) - 1);
  uint32_t allE = (1u << f.expBits) - 1, allM = (1u << f.manBits) - 1;
  float nan = std::numeric_limits<float>::quiet_NaN();
  if (f.nan == NanEncoding::AllOnes && E == allE && M == allM)
    return neg ? -nan : nan;
  if (f.nan == NanEncoding::IEEE && E == allE) {
    if (M != 0)
      return neg ? -nan : nan;
    return neg ? -std::numeric_limits<float>::infinity()
               : std::numeric_limits<float>::infinity();
  }
  return decodeFields(f.expBits, f.manBits, f.bias, E, M, neg);
}

uint8_t encodeFloatElement(const ElementFormat &f, float v, Rounding r) {
  return detail::encodeFloatElementExact(f, double(v), r);
}

uint8_t encodeIntElement(const ElementFormat &f, float v, Rounding r,
                         IntRange range) {
  return detail::encodeIntElementExact(f, double(v), r, range);
}

uint8_t encodeElement(const ElementFormat &f, float v, Rounding r,
                      IntRange range) {
  return f.isInt() ? encodeIntElement(f, v, r, range)
                   : encodeFloatElement(f, v, r);
}

//===----------------------------------------------------------------------===//
// Half / bfloat16
//===----------------------------------------------------------------------===//

static uint16_t encode16(const FloatSpec &s, float v, bool saturate) {
  uint32_t u = floatBits(v);
  uint16_t sign = uint16_t((u >> 16) & 0x8000u);
  uint16_t expAllOnes = uint16_t(((1u << s.expBits) - 1) << s.manBits);
  if (std::isnan(v))
    return uint16_t(sign | expAllOnes | (1u << (s.manBits - 1)));
  double a = std::fabs(double(v));
  if (a == 0)
    return sign;
  int64_t c = std::isinf(a) ? -1 : roundMagnitude(s, a, Rounding::NearestEven);
  if (c < 0)
    c = saturate ? maxCode(s) : expAllOnes;
  return uint16_t(sign | c);
}

uint16_t floatToHalfBits(float v) { return encode16(kF16Spec, v, false); }

float halfBitsToFloat(uint16_t h) {
  bool neg = h & 0x8000;
  uint32_t E = (h >> 10) & 0x1F, M = h & 0x3FF;
  if (E == 0x1F) {
    if (M)
      return neg ? -std::numeric_limits<float>::quiet_NaN()
                 : std::numeric_limits<float>::quiet_NaN();
    return neg ? -std::numeric_limits<float>::infinity()
               : std::numeric_limits<float>::infinity();
  }
  return decodeFields(5, 10, 15, E, M, neg);
}

uint16_t floatToBF16Bits(float v) { return encode16(kBF16Spec, v, false); }

float bf16BitsToFloat(uint16_t h) { return bitsFloat(uint32_t(h) << 16); }

//===----------------------------------------------------------------------===//
// Scales
//===----------------------------------------------------------------------===//

float decodeScale(ScaleType t, ScaleBits bits) {
  switch (t) {
  case ScaleType::E8M0: {
    uint32_t b = bits & 0xFFu;
    if (b == 0xFF)
      return std::numeric_limits<float>::quiet_NaN();
    return std::ldexp(1.0f, int(b) - 127); // exact, subnormal at 0x00 (D1)
  }
  case ScaleType::E4M3: {
    uint32_t b = bits & 0x7Fu; // unsigned scale: sign ignored
    if (b == 0x7F)
      return std::numeric_limits<float>::quiet_NaN();
    return decodeFields(4, 3, 7, b >> 3, b & 7, false);
  }
  case ScaleType::F16:
    return halfBitsToFloat(uint16_t(bits));
  case ScaleType::BF16:
    return bf16BitsToFloat(uint16_t(bits));
  case ScaleType::F32:
    return bitsFloat(bits);
  }
  return std::numeric_limits<float>::quiet_NaN();
}

ScaleBits encodeScaleRNE(ScaleType t, float v) {
  if (std::isnan(v))
    return scaleNaN(t);
  float a = std::fabs(v);
  switch (t) {
  case ScaleType::E8M0:
    // Not meant for E8M0 (its exponent comes from the scale rule); give the
    // floor power of two so that the result is at least well defined.
    if (a == 0)
      return 0x00;
    if (std::isinf(a))
      return 0xFE;
    return encodeE8M0(exactExponent(a));
  case ScaleType::E4M3: {
    if (a == 0)
      return 0x00;
    int64_t c = std::isinf(a) ? -1
                              : roundMagnitude(kE4M3Spec, double(a),
                                               Rounding::NearestEven);
    return ScaleBits(c < 0 ? maxCode(kE4M3Spec) : c);
  }
  case ScaleType::F16:
    return encode16(kF16Spec, a, true);
  case ScaleType::BF16:
    return encode16(kBF16Spec, a, true);
  case ScaleType::F32:
    return std::isinf(a) ? floatBits(FLT_MAX) : floatBits(a);
  }
  return scaleNaN(t);
}

ScaleBits encodeE8M0(int xs) {
  if (xs < -127)
    xs = -127;
  if (xs > 127)
    xs = 127;
  return ScaleBits(xs + 127);
}

ScaleBits scaleNaN(ScaleType t) {
  switch (t) {
  case ScaleType::E8M0:
    return 0xFF;
  case ScaleType::E4M3:
    return 0x7F;
  case ScaleType::F16:
    return 0x7E00;
  case ScaleType::BF16:
    return 0x7FC0;
  case ScaleType::F32:
    return 0x7FC00000u;
  }
  return 0;
}

double scaleMaxFinite(ScaleType t) {
  switch (t) {
  case ScaleType::E8M0:
    return std::ldexp(1.0, 127);
  case ScaleType::E4M3:
    return 448.0;
  case ScaleType::F16:
    return 65504.0;
  case ScaleType::BF16:
    return double(bf16BitsToFloat(0x7F7F));
  case ScaleType::F32:
    return double(FLT_MAX);
  }
  return 0;
}

} // namespace qf::numerics
