//===- CodecTest.cpp - Element and scale codecs (sections 1-2) ------------===//

#include "TestUtil.h"

#include "qf/Numerics/Codec.h"

#include "gtest/gtest.h"

#include <cfloat>
#include <cmath>
#include <limits>
#include <vector>

using namespace qf::numerics;
using namespace qf::numerics::test;

namespace {

std::vector<ElementFormat> floatFormats() {
  return {ElementFormat::f8E4M3FN(), ElementFormat::f8E5M2(),
          ElementFormat::f6E2M3FN(), ElementFormat::f6E3M2FN(),
          ElementFormat::f4E2M1FN()};
}

/// Independent reference decode of a float code (FP64, std::pow).
double referenceValue(const ElementFormat &f, unsigned code, bool &isNan,
                      bool &isInf) {
  unsigned s = (code >> (f.bits - 1)) & 1;
  unsigned E = (code >> f.manBits) & ((1u << f.expBits) - 1);
  unsigned M = code & ((1u << f.manBits) - 1);
  unsigned allE = (1u << f.expBits) - 1, allM = (1u << f.manBits) - 1;
  isNan = isInf = false;
  if (f.nan == NanEncoding::AllOnes && E == allE && M == allM)
    isNan = true;
  if (f.nan == NanEncoding::IEEE && E == allE) {
    isNan = M != 0;
    isInf = M == 0;
  }
  double mag = E == 0 ? std::pow(2.0, 1 - f.bias) * (M / std::pow(2.0, f.manBits))
                      : std::pow(2.0, int(E) - f.bias) *
                            (1.0 + M / std::pow(2.0, f.manBits));
  return s ? -mag : mag;
}

TEST(ElementCodec, EveryFloatCodeDecodesAndReencodes) {
  for (const ElementFormat &f : floatFormats()) {
    SCOPED_TRACE(f.name());
    for (unsigned c = 0; c < (1u << f.bits); ++c) {
      bool isNan, isInf;
      double want = referenceValue(f, c, isNan, isInf);
      float got = decodeElement(f, uint8_t(c));
      if (isNan) {
        EXPECT_TRUE(std::isnan(got)) << "code " << c;
        uint8_t back = encodeFloatElement(f, got, Rounding::NearestEven);
        EXPECT_TRUE(std::isnan(decodeElement(f, back))) << "code " << c;
        continue;
      }
      if (isInf) {
        EXPECT_TRUE(std::isinf(got)) << "code " << c;
        EXPECT_EQ(std::signbit(got), bool(c >> (f.bits - 1)));
        // Conversion is satfinite (section 2 step 6): Inf -> +-max normal.
        uint8_t back = encodeFloatElement(f, got, Rounding::NearestEven);
        EXPECT_EQ(double(decodeElement(f, back)),
                  std::copysign(f.maxFinite(), double(got)));
        continue;
      }
      EXPECT_EQ(double(got), want) << "code " << c;
      EXPECT_EQ(std::signbit(got), bool(c >> (f.bits - 1))) << "code " << c;
      for (Rounding r : {Rounding::NearestEven, Rounding::NearestAway})
        EXPECT_EQ(unsigned(encodeFloatElement(f, got, r)), c) << "code " << c;
      EXPECT_EQ(unsigned(encodeElement(f, got, Rounding::NearestEven,
                                       IntRange::Symmetric)),
                c);
    }
  }
}

TEST(ElementCodec, SpecTableConstants) {
  ElementFormat e4m3 = ElementFormat::f8E4M3FN();
  EXPECT_EQ(decodeElement(e4m3, 0x7E), 448.0f);
  EXPECT_EQ(decodeElement(e4m3, 0x08), std::ldexp(1.0f, -6));
  EXPECT_EQ(decodeElement(e4m3, 0x01), std::ldexp(1.0f, -9));
  EXPECT_TRUE(std::isnan(decodeElement(e4m3, 0x7F)));
  EXPECT_TRUE(std::isnan(decodeElement(e4m3, 0xFF)));
  EXPECT_EQ(e4m3.maxFinite(), 448.0);
  EXPECT_EQ(e4m3.emax(), 8);

  ElementFormat e5m2 = ElementFormat::f8E5M2();
  EXPECT_EQ(decodeElement(e5m2, 0x7B), 57344.0f);
  EXPECT_EQ(decodeElement(e5m2, 0x04), std::ldexp(1.0f, -14));
  EXPECT_EQ(decodeElement(e5m2, 0x01), std::ldexp(1.0f, -16));
  EXPECT_EQ(decodeElement(e5m2, 0x7C), std::numeric_limits<float>::infinity());
  EXPECT_EQ(decodeElement(e5m2, 0xFC), -std::numeric_limits<float>::infinity());
  for (unsigned c : {0x7Du, 0x7Eu, 0x7Fu, 0xFDu, 0xFEu, 0xFFu})
    EXPECT_TRUE(std::isnan(decodeElement(e5m2, uint8_t(c))));
  EXPECT_EQ(e5m2.maxFinite(), 57344.0);
  EXPECT_EQ(e5m2.emax(), 15);

  ElementFormat e2m3 = ElementFormat::f6E2M3FN();
  EXPECT_EQ(e2m3.maxFinite(), 7.5);
  EXPECT_EQ(e2m3.emax(), 2);
  EXPECT_EQ(decodeElement(e2m3, 0x08), 1.0f);
  EXPECT_EQ(decodeElement(e2m3, 0x01), 0.125f);

  ElementFormat e3m2 = ElementFormat::f6E3M2FN();
  EXPECT_EQ(e3m2.maxFinite(), 28.0);
  EXPECT_EQ(e3m2.emax(), 4);
  EXPECT_EQ(decodeElement(e3m2, 0x04), 0.25f);
  EXPECT_EQ(decodeElement(e3m2, 0x01), 0.0625f);

  ElementFormat e2m1 = ElementFormat::f4E2M1FN();
  const float table[8] = {0, 0.5f, 1, 1.5f, 2, 3, 4, 6};
  for (unsigned c = 0; c < 8; ++c) {
    EXPECT_EQ(decodeElement(e2m1, uint8_t(c)), table[c]);
    EXPECT_EQ(decodeElement(e2m1, uint8_t(c | 8)), -table[c]);
  }
  EXPECT_TRUE(std::signbit(decodeElement(e2m1, 0x8)));
  EXPECT_EQ(e2m1.maxFinite(), 6.0);
  EXPECT_EQ(e2m1.emax(), 2);

  EXPECT_EQ(e4m3.name(), "f8E4M3FN");
  EXPECT_EQ(e5m2.name(), "f8E5M2");
  EXPECT_EQ(e2m3.name(), "f6E2M3FN");
  EXPECT_EQ(e3m2.name(), "f6E3M2FN");
  EXPECT_EQ(e2m1.name(), "f4E2M1FN");
  EXPECT_EQ(ElementFormat::intN(6).name(), "i6");
}

/// Adjacent finite non-negative values of a float format in increasing
/// order, with their codes.
std::vector<std::pair<float, unsigned>> positiveGrid(const ElementFormat &f) {
  std::vector<std::pair<float, unsigned>> g;
  for (unsigned c = 0; c < (1u << (f.bits - 1)); ++c) {
    float v = decodeElement(f, uint8_t(c));
    if (std::isfinite(v))
      g.push_back({v, c});
  }
  return g;
}

TEST(ElementCodec, RoundingAtEveryMidpoint) {
  for (const ElementFormat &f : floatFormats()) {
    SCOPED_TRACE(f.name());
    auto g = positiveGrid(f);
    for (size_t i = 0; i + 1 < g.size(); ++i) {
      ASSERT_LT(g[i].first, g[i + 1].first);
      float lo = g[i].first, hi = g[i + 1].first;
      float mid = (lo + hi) / 2; // exact: few mantissa bits
      ASSERT_EQ(double(mid), (double(lo) + double(hi)) / 2);
      unsigned even = (g[i].second & 1) == 0 ? g[i].second : g[i + 1].second;
      for (float sgn : {1.0f, -1.0f}) {
        unsigned s = sgn < 0 ? 1u << (f.bits - 1) : 0;
        EXPECT_EQ(unsigned(encodeFloatElement(f, sgn * mid,
                                              Rounding::NearestEven)),
                  even | s)
            << "tie " << sgn * mid;
        EXPECT_EQ(unsigned(encodeFloatElement(f, sgn * mid,
                                              Rounding::NearestAway)),
                  g[i + 1].second | s)
            << "tie " << sgn * mid;
        for (Rounding r : {Rounding::NearestEven, Rounding::NearestAway}) {
          EXPECT_EQ(unsigned(encodeFloatElement(
                        f, sgn * std::nextafter(mid, 0.0f), r)),
                    g[i].second | s)
              << "below tie " << sgn * mid;
          EXPECT_EQ(unsigned(encodeFloatElement(
                        f, sgn * std::nextafter(mid, 1e30f), r)),
                    g[i + 1].second | s)
              << "above tie " << sgn * mid;
        }
      }
    }
    // Saturation above the largest normal, keeping the sign.
    unsigned maxCode = g.back().second;
    float mx = g.back().first;
    for (float v : {std::nextafter(mx, 1e30f), mx * 1.5f, mx * 2, 1e30f,
                    FLT_MAX, std::numeric_limits<float>::infinity()}) {
      EXPECT_EQ(unsigned(encodeFloatElement(f, v, Rounding::NearestEven)),
                maxCode);
      EXPECT_EQ(unsigned(encodeFloatElement(f, -v, Rounding::NearestAway)),
                maxCode | (1u << (f.bits - 1)));
    }
    // Zero and values far below the smallest subnormal keep their sign.
    EXPECT_EQ(encodeFloatElement(f, 0.0f, Rounding::NearestEven), 0);
    EXPECT_EQ(unsigned(encodeFloatElement(f, -0.0f, Rounding::NearestEven)),
              1u << (f.bits - 1));
    EXPECT_EQ(unsigned(encodeFloatElement(f, -1e-40f, Rounding::NearestAway)),
              1u << (f.bits - 1));
    EXPECT_EQ(encodeFloatElement(f, std::ldexp(1.0f, -149),
                                 Rounding::NearestAway),
              0);
  }
}

TEST(ElementCodec, E2M1TiesOfSection2) {
  ElementFormat f = ElementFormat::f4E2M1FN();
  const float in[] = {0.25f, 0.75f, 1.25f, 1.75f, 2.5f, 3.5f, 5.0f};
  const float out[] = {0, 1, 1, 2, 2, 4, 4};
  for (int i = 0; i < 7; ++i) {
    EXPECT_EQ(decodeElement(f, encodeFloatElement(f, in[i],
                                                  Rounding::NearestEven)),
              out[i])
        << in[i];
    EXPECT_EQ(decodeElement(f, encodeFloatElement(f, -in[i],
                                                  Rounding::NearestEven)),
              -out[i])
        << -in[i];
  }
}

TEST(ElementCodec, E4M3SaturationOfSection2) {
  ElementFormat f = ElementFormat::f8E4M3FN();
  for (float v : {449.0f, 464.0f, 465.0f, 479.0f, 480.0f, 500.0f, 511.0f,
                  512.0f, 1e9f}) {
    EXPECT_EQ(encodeFloatElement(f, v, Rounding::NearestEven), 0x7E) << v;
    EXPECT_EQ(encodeFloatElement(f, v, Rounding::NearestAway), 0x7E) << v;
    EXPECT_EQ(encodeFloatElement(f, -v, Rounding::NearestEven), 0xFE) << v;
  }
  EXPECT_EQ(encodeFloatElement(f, 447.0f, Rounding::NearestEven), 0x7E);
  EXPECT_EQ(encodeFloatElement(f, 431.0f, Rounding::NearestEven), 0x7D);
  // NaN input: the format's NaN code (or 0 when it has none).
  float nan = std::numeric_limits<float>::quiet_NaN();
  EXPECT_TRUE(std::isnan(
      decodeElement(f, encodeFloatElement(f, nan, Rounding::NearestEven))));
  ElementFormat e5m2 = ElementFormat::f8E5M2();
  EXPECT_TRUE(std::isnan(decodeElement(
      e5m2, encodeFloatElement(e5m2, nan, Rounding::NearestEven))));
  EXPECT_EQ(encodeFloatElement(ElementFormat::f4E2M1FN(), nan,
                               Rounding::NearestEven),
            0);
}

TEST(ElementCodec, EveryIntCode) {
  for (int bits = 2; bits <= 8; ++bits) {
    SCOPED_TRACE(bits);
    ElementFormat f = ElementFormat::intN(bits);
    int qmax = (1 << (bits - 1)) - 1;
    EXPECT_EQ(f.maxFinite(), double(qmax));
    EXPECT_EQ(f.emax(), 0);
    for (unsigned c = 0; c < (1u << bits); ++c) {
      int k = c < (1u << (bits - 1)) ? int(c) : int(c) - (1 << bits);
      // Decode accepts the full range always (D7).
      EXPECT_EQ(decodeElement(f, uint8_t(c)), float(k));
      // High bits of the byte are ignored.
      EXPECT_EQ(decodeElement(f, uint8_t(c | (0xFFu << bits))), float(k));
      for (Rounding r : {Rounding::NearestEven, Rounding::NearestAway}) {
        EXPECT_EQ(unsigned(encodeIntElement(f, float(k), r, IntRange::Full)),
                  c);
        unsigned sym = encodeIntElement(f, float(k), r, IntRange::Symmetric);
        if (k == -qmax - 1)
          EXPECT_EQ(decodeElement(f, uint8_t(sym)), float(-qmax));
        else
          EXPECT_EQ(sym, c);
      }
    }
    // Clamping and no -0 (D2).
    EXPECT_EQ(encodeIntElement(f, 1e9f, Rounding::NearestEven,
                               IntRange::Symmetric),
              uint8_t(qmax));
    EXPECT_EQ(decodeElement(f, encodeIntElement(f, -1e9f, Rounding::NearestEven,
                                                IntRange::Full)),
              float(-qmax - 1));
    EXPECT_EQ(encodeIntElement(f, -0.0f, Rounding::NearestEven,
                               IntRange::Symmetric),
              0);
    EXPECT_EQ(encodeIntElement(f, -0.25f, Rounding::NearestAway,
                               IntRange::Symmetric),
              0);
    EXPECT_EQ(encodeIntElement(f, std::numeric_limits<float>::quiet_NaN(),
                               Rounding::NearestEven, IntRange::Symmetric),
              0);
  }
}

TEST(ElementCodec, IntTies) {
  ElementFormat f = ElementFormat::intN(8);
  auto enc = [&](float v, Rounding r) {
    return decodeElement(f, encodeIntElement(f, v, r, IntRange::Full));
  };
  const float in[] = {0.5f, 1.5f, 2.5f, 3.5f, 126.5f, 127.5f, -0.5f, -1.5f,
                      -2.5f, -127.5f, -128.5f};
  const float even[] = {0, 2, 2, 4, 126, 127, 0, -2, -2, -128, -128};
  const float away[] = {1, 2, 3, 4, 127, 127, -1, -2, -3, -128, -128};
  for (int i = 0; i < 11; ++i) {
    EXPECT_EQ(enc(in[i], Rounding::NearestEven), even[i]) << in[i];
    EXPECT_EQ(enc(in[i], Rounding::NearestAway), away[i]) << in[i];
  }
  EXPECT_EQ(enc(std::nextafter(0.5f, 1.0f), Rounding::NearestEven), 1.0f);
  EXPECT_EQ(enc(std::nextafter(0.5f, 0.0f), Rounding::NearestAway), 0.0f);
  EXPECT_EQ(enc(std::nextafter(2.5f, 3.0f), Rounding::NearestEven), 3.0f);
}

TEST(ExactExponent, PowersOfTwoAndTheirPredecessors) {
  for (int k = -149; k <= 127; ++k) {
    float p = std::ldexp(1.0f, k);
    EXPECT_EQ(exactExponent(p), k);
    EXPECT_EQ(exactExponent(-p), k);
    if (k > -149)
      EXPECT_EQ(exactExponent(std::nextafter(p, 0.0f)), k - 1) << k;
    if (k < 127)
      EXPECT_EQ(exactExponent(std::nextafter(2 * p, 0.0f)), k) << k;
  }
  EXPECT_EQ(exactExponent(FLT_MAX), 127);
  EXPECT_EQ(exactExponent(3.0f * std::ldexp(1.0f, -149)), -148);
}

TEST(ScaleCodec, E8M0) {
  for (unsigned b = 0; b < 255; ++b) {
    float v = decodeScale(ScaleType::E8M0, b);
    EXPECT_EQ(double(v), std::ldexp(1.0, int(b) - 127)) << b;
    EXPECT_EQ(encodeE8M0(int(b) - 127), b);
  }
  EXPECT_GT(decodeScale(ScaleType::E8M0, 0x00), 0.0f); // 2^-127, not flushed
  EXPECT_TRUE(std::isnan(decodeScale(ScaleType::E8M0, 0xFF)));
  EXPECT_EQ(encodeE8M0(-200), 0x00u);
  EXPECT_EQ(encodeE8M0(128), 0xFEu);
  EXPECT_EQ(encodeE8M0(1000), 0xFEu);
  EXPECT_EQ(scaleNaN(ScaleType::E8M0), 0xFFu);
  EXPECT_EQ(scaleMaxFinite(ScaleType::E8M0), std::ldexp(1.0, 127));
  EXPECT_EQ(scaleBits(ScaleType::E8M0), 8);
}

TEST(ScaleCodec, E4M3Unsigned) {
  ElementFormat e4m3 = ElementFormat::f8E4M3FN();
  for (unsigned b = 0; b < 256; ++b) {
    float v = decodeScale(ScaleType::E4M3, b);
    float want = std::fabs(decodeElement(e4m3, uint8_t(b & 0x7F)));
    if ((b & 0x7F) == 0x7F) {
      EXPECT_TRUE(std::isnan(v));
      continue;
    }
    EXPECT_EQ(bitsOf(v), bitsOf(want)) << b; // sign ignored
    if (b < 0x80)
      EXPECT_EQ(encodeScaleRNE(ScaleType::E4M3, v), b);
  }
  // satfinite and RNE (section 4.2 step 3).
  EXPECT_EQ(encodeScaleRNE(ScaleType::E4M3, 464.0f), 0x7Eu);
  EXPECT_EQ(encodeScaleRNE(ScaleType::E4M3, 1e30f), 0x7Eu);
  EXPECT_EQ(encodeScaleRNE(ScaleType::E4M3,
                           std::numeric_limits<float>::infinity()),
            0x7Eu);
  EXPECT_EQ(encodeScaleRNE(ScaleType::E4M3,
                           std::numeric_limits<float>::quiet_NaN()),
            0x7Fu);
  EXPECT_EQ(encodeScaleRNE(ScaleType::E4M3, std::ldexp(1.0f, -10)), 0x00u);
  EXPECT_EQ(encodeScaleRNE(ScaleType::E4M3,
                           std::nextafter(std::ldexp(1.0f, -10), 1.0f)),
            0x01u);
  EXPECT_EQ(encodeScaleRNE(ScaleType::E4M3, 3 * std::ldexp(1.0f, -10)),
            0x02u);
  EXPECT_EQ(encodeScaleRNE(ScaleType::E4M3, 0.0f), 0x00u);
  EXPECT_EQ(scaleNaN(ScaleType::E4M3), 0x7Fu);
  EXPECT_EQ(scaleMaxFinite(ScaleType::E4M3), 448.0);
}

/// Reference FP32 -> binary16 (IEEE, RNE, overflow to Inf) on FP64.
uint16_t refHalf(float x) {
  uint16_t sign = (bitsOf(x) >> 16) & 0x8000;
  if (std::isnan(x))
    return sign | 0x7E00;
  double a = std::fabs(double(x));
  if (a == 0)
    return sign;
  // Enumerate: the correctly rounded value is the nearest of the 0x7C00
  // non-negative finite halves (and Inf beyond 65520).
  if (a >= 65520.0)
    return sign | 0x7C00;
  int e;
  std::frexp(a, &e);
  int q = std::max(e - 11, -24); // quantum exponent
  double n = a / std::ldexp(1.0, q);
  double r = std::nearbyint(n); // FE_TONEAREST: ties to even
  double v = r * std::ldexp(1.0, q);
  // Re-derive the code from the rounded value.
  if (v == 0)
    return sign;
  int ev;
  std::frexp(v, &ev);
  if (ev - 1 < -14)
    return sign | uint16_t(v / std::ldexp(1.0, -24));
  uint16_t E = uint16_t(ev - 1 + 15);
  uint16_t M = uint16_t((v / std::ldexp(1.0, ev - 1) - 1.0) * 1024);
  return sign | uint16_t(E << 10) | M;
}

TEST(ScaleCodec, HalfExhaustiveAndRounding) {
  for (unsigned h = 0; h < 65536; ++h) {
    float f = halfBitsToFloat(uint16_t(h));
    unsigned E = (h >> 10) & 0x1F, M = h & 0x3FF;
    if (E == 0x1F && M) {
      EXPECT_TRUE(std::isnan(f));
      EXPECT_TRUE(std::isnan(halfBitsToFloat(floatToHalfBits(f))));
      continue;
    }
    EXPECT_EQ(floatToHalfBits(f), h) << h;
    EXPECT_EQ(bitsOf(decodeScale(ScaleType::F16, h)), bitsOf(f));
  }
  // Every FP32 midpoint pattern class, sampled: compare against the
  // reference on a stride through all FP32 bit patterns.
  for (uint64_t u = 0; u < 0x100000000ull; u += 65521) {
    float x = floatOf(uint32_t(u));
    if (std::isnan(x))
      continue;
    EXPECT_EQ(floatToHalfBits(x), refHalf(x)) << std::hex << u;
  }
  EXPECT_EQ(floatToHalfBits(65504.0f), 0x7BFF);
  EXPECT_EQ(floatToHalfBits(65520.0f), 0x7C00);
  EXPECT_EQ(encodeScaleRNE(ScaleType::F16, 65520.0f), 0x7BFFu); // satfinite
  EXPECT_EQ(floatToHalfBits(std::ldexp(1.0f, -25)), 0x0000);     // tie -> 0
  EXPECT_EQ(floatToHalfBits(3 * std::ldexp(1.0f, -25)), 0x0002); // tie -> even
  EXPECT_EQ(scaleNaN(ScaleType::F16), 0x7E00u);
  EXPECT_TRUE(std::isnan(decodeScale(ScaleType::F16, 0x7E00)));
  EXPECT_EQ(scaleMaxFinite(ScaleType::F16), 65504.0);
}

TEST(ScaleCodec, BF16ExhaustiveAndRounding) {
  for (unsigned h = 0; h < 65536; ++h) {
    float f = bf16BitsToFloat(uint16_t(h));
    EXPECT_EQ(bitsOf(f), uint32_t(h) << 16);
    if (std::isnan(f)) {
      EXPECT_TRUE(std::isnan(bf16BitsToFloat(floatToBF16Bits(f))));
      continue;
    }
    EXPECT_EQ(floatToBF16Bits(f), h) << h;
  }
  // Reference: the classic integer RNE on the FP32 bits.
  for (uint64_t u = 0; u < 0x100000000ull; u += 65519) {
    float x = floatOf(uint32_t(u));
    if (std::isnan(x))
      continue;
    uint32_t b = uint32_t(u);
    uint16_t want = uint16_t((b + 0x7FFFu + ((b >> 16) & 1)) >> 16);
    EXPECT_EQ(floatToBF16Bits(x), want) << std::hex << u;
  }
  EXPECT_EQ(encodeScaleRNE(ScaleType::BF16, FLT_MAX), 0x7F7Fu); // satfinite
  EXPECT_EQ(floatToBF16Bits(FLT_MAX), 0x7F80);
  EXPECT_EQ(scaleNaN(ScaleType::BF16), 0x7FC0u);
  EXPECT_EQ(scaleMaxFinite(ScaleType::BF16), double(bf16BitsToFloat(0x7F7F)));
}

TEST(ScaleCodec, F32) {
  for (float v : {0.0f, 1e-45f, 1.5f, 3.4e38f, FLT_MAX})
    EXPECT_EQ(encodeScaleRNE(ScaleType::F32, v), bitsOf(v));
  EXPECT_EQ(encodeScaleRNE(ScaleType::F32,
                           std::numeric_limits<float>::infinity()),
            bitsOf(FLT_MAX));
  EXPECT_EQ(scaleNaN(ScaleType::F32), 0x7FC00000u);
  EXPECT_TRUE(std::isnan(decodeScale(ScaleType::F32, 0x7FC00000u)));
  EXPECT_EQ(decodeScale(ScaleType::F32, bitsOf(0.375f)), 0.375f);
  EXPECT_EQ(scaleBits(ScaleType::F32), 32);
  EXPECT_EQ(scaleBits(ScaleType::BF16), 16);
  for (ScaleType t : {ScaleType::E8M0, ScaleType::E4M3, ScaleType::F16,
                      ScaleType::BF16, ScaleType::F32})
    EXPECT_TRUE(std::isnan(decodeScale(t, scaleNaN(t))));
}

} // namespace
