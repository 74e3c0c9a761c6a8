//===- QuantizeTest.cpp - Block quantizers, layouts and edge cases -------===//

#include "TestUtil.h"

#include "qf/Numerics/Codec.h"
#include "qf/Numerics/Quantize.h"
#include "qf/Numerics/Stats.h"

#include "gtest/gtest.h"

#include <cfloat>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

using namespace qf::numerics;
using namespace qf::numerics::test;

namespace {

const char *const kMxPresets[] = {"mxfp8",  "mxfp8_e5m2", "mxfp6", "mxfp6_e3m2",
                                  "mxfp4",  "mxint8",     "mxint6", "mxint4"};

std::vector<float> testData(uint64_t seed, int64_t n) {
  // Mix of Gaussian, heavy-tailed and wide-range values, with exact zeros.
  std::vector<float> a = normalTensor(seed, n);
  std::vector<float> t = studentT3Tensor(seed + 1, n);
  SplitMix64 g(seed + 2);
  for (int64_t i = 0; i < n; ++i) {
    uint64_t r = g.next();
    switch (r % 8) {
    case 0:
      a[i] = t[i];
      break;
    case 1:
      a[i] = std::ldexp(a[i], int((r >> 8) % 80) - 40);
      break;
    case 2:
      if (((r >> 8) & 15) == 0)
        a[i] = (r >> 12) & 1 ? -0.0f : 0.0f;
      break;
    default:
      break;
    }
  }
  return a;
}

TEST(Layout, ScaleShapeAndChecks) {
  BlockFormat mx = *presetFormat("mxfp4");
  Layout l{{4, 64, 6}, 1};
  EXPECT_EQ(l.numElements(), 4 * 64 * 6);
  EXPECT_EQ(blockLength(mx, l), 32);
  EXPECT_EQ(scaleShape(mx, l), (std::vector<int64_t>{4, 6, 2}));
  EXPECT_EQ(checkLayout(mx, l), "");
  Layout l0{{64, 3}, 0};
  EXPECT_EQ(scaleShape(mx, l0), (std::vector<int64_t>{3, 2}));

  BlockFormat ch = *presetFormat("int8_channel");
  Layout lc{{8, 5}, 0};
  EXPECT_EQ(blockLength(ch, lc), 8);
  EXPECT_EQ(scaleShape(ch, lc), (std::vector<int64_t>{5, 1}));
  EXPECT_EQ(checkLayout(ch, lc), "");

  BlockFormat t = *presetFormat("fp8_tensor");
  EXPECT_EQ(blockLength(t, lc), 40);
  EXPECT_TRUE(scaleShape(t, lc).empty());
  EXPECT_EQ(checkLayout(t, Layout{{8, 5}, 7}), ""); // axis ignored

  EXPECT_EQ(checkLayout(mx, Layout{{4, 48}, 1}),
            "block size 32 does not divide dimension 1 (size 48) of the "
            "blocked axis");
  std::string m = checkLayout(mx, Layout{{4, 64}, 2});
  EXPECT_NE(m.find("axis 2"), std::string::npos) << m;
  EXPECT_NE(m.find("rank 2"), std::string::npos) << m;
  EXPECT_NE(checkLayout(mx, Layout{{4, 64}, -1}), "");
  EXPECT_NE(checkLayout(mx, Layout{{-4, 64}, 1}), "");
}

/// The scale index and element positions of every block follow D12.
TEST(Layout, BlocksAlongAnyAxis) {
  const int64_t A = 3, B = 64, C = 5;
  std::vector<float> x = testData(11, A * B * C);
  for (const char *name : {"mxfp8", "mxint4", "nvfp4", "nvint4"}) {
    SCOPED_TRACE(name);
    BlockFormat f = *presetFormat(name);
    Layout l{{A, B, C}, 1};
    QuantizedTensor q = quantize(f, l, x.data());
    int64_t nb = B / f.blockSize;
    ASSERT_EQ(int64_t(q.scales.size()), A * C * nb);
    float sEnc = f.tensorScale ? tensorEncodeScale(f, x.data(), A * B * C) : 1;
    for (int64_t a = 0; a < A; ++a)
      for (int64_t c = 0; c < C; ++c)
        for (int64_t b = 0; b < nb; ++b) {
          std::vector<float> blk;
          for (int64_t j = 0; j < f.blockSize; ++j)
            blk.push_back(x[size_t((a * B + b * f.blockSize + j) * C + c)]);
          std::vector<uint8_t> codes(blk.size());
          ScaleBits s = quantizeBlock(f, blk.data(), int64_t(blk.size()), 1,
                                      sEnc, codes.data());
          EXPECT_EQ(q.scales[size_t((a * C + c) * nb + b)], s);
          for (int64_t j = 0; j < f.blockSize; ++j)
            EXPECT_EQ(q.codes[size_t((a * B + b * f.blockSize + j) * C + c)],
                      codes[j]);
        }
    // Strided block API agrees with the contiguous one.
    std::vector<uint8_t> strided(size_t(A * B * C), 0);
    ScaleBits s0 =
        quantizeBlock(f, x.data() + 2, f.blockSize, C, sEnc, strided.data() + 2);
    EXPECT_EQ(s0, q.scales[2 * nb]);
    std::vector<float> out(size_t(A * B * C), 0), out2 = out;
    dequantize(f, l, q, out.data());
    dequantizeBlock(f, q.codes.data() + 2, f.blockSize, C, s0, q.tensorScale,
                    out2.data() + 2);
    for (int64_t j = 0; j < f.blockSize; ++j)
      EXPECT_EQ(bitsOf(out[size_t(2 + j * C)]), bitsOf(out2[size_t(2 + j * C)]));
  }
}

/// Brute-force nearest-grid reference for one MX block (ties to the even
/// code for RNE, away from zero otherwise; saturating).
double nearestOnGrid(const BlockFormat &f, double v, int xs) {
  double best = 0, bestErr = INFINITY;
  unsigned bestCode = 0;
  int n = 1 << f.elem.bits;
  for (int c = 0; c < n; ++c) {
    double g;
    if (f.elem.isInt()) {
      int k = c < n / 2 ? c : c - n;
      int qmax = n / 2 - 1;
      if (k < (f.range == IntRange::Full ? -qmax - 1 : -qmax))
        continue;
      g = std::ldexp(double(k), xs - (f.elem.bits - 2));
    } else {
      float d = decodeElement(f.elem, uint8_t(c));
      if (!std::isfinite(d))
        continue;
      g = std::ldexp(double(d), xs);
    }
    double err = std::fabs(v - g);
    bool better = err < bestErr;
    if (err == bestErr && g != best) {
      if (f.rounding == Rounding::NearestAway)
        better = std::fabs(g) > std::fabs(best);
      else // the even code: for ints the even integer, for floats LSB 0
        better = f.elem.isInt() ? (((c < n / 2 ? c : c - n) & 1) == 0)
                                : (c & 1) == 0;
    }
    if (better) {
      best = g;
      bestErr = err;
      bestCode = unsigned(c);
    }
  }
  (void)bestCode;
  return best;
}

TEST(MxQuantize, MatchesBruteForceNearest) {
  std::vector<float> x = testData(21, 32 * 48);
  for (const char *name : kMxPresets)
    for (ScaleRule rule : {ScaleRule::Floor, ScaleRule::Ceil, ScaleRule::Even})
      for (Rounding r : {Rounding::NearestEven, Rounding::NearestAway})
        for (IntRange range : {IntRange::Symmetric, IntRange::Full}) {
          BlockFormat f = *presetFormat(name);
          if (f.elem.isFloat() && range == IntRange::Full)
            continue;
          f.rule = rule;
          f.rounding = r;
          f.range = range;
          ASSERT_EQ(f.validate(), "");
          SCOPED_TRACE(std::string(name) + " " + scaleRuleName(rule) + " " +
                       roundingName(r) + " " + intRangeName(range));
          Layout l{{48, 32}, 1};
          QuantizedTensor q = quantize(f, l, x.data());
          std::vector<float> y(x.size());
          dequantize(f, l, q, y.data());
          for (int64_t b = 0; b < 48; ++b) {
            int xs = int(q.scales[b]) - 127;
            double amax = 0;
            for (int j = 0; j < 32; ++j)
              amax = std::fmax(amax, std::fabs(double(x[b * 32 + j])));
            // Scale exponent by rule (section 3.1 step 5), independently.
            int e = std::ilogb(amax);
            int want = e - f.elem.emax();
            double qmax = f.elementMax();
            if (rule == ScaleRule::Ceil && amax > std::ldexp(qmax, want))
              ++want;
            int ybits = f.elem.isInt() ? f.elem.bits - 2 : f.elem.manBits;
            if (rule == ScaleRule::Even &&
                std::ldexp(amax, -e) >= 2 - std::ldexp(1.0, -(ybits + 1)))
              ++want;
            want = std::max(-127, std::min(127, want));
            if (amax == 0)
              want = -127;
            ASSERT_EQ(xs, want) << "block " << b;
            for (int j = 0; j < 32; ++j) {
              double v = x[b * 32 + j];
              double ref = nearestOnGrid(f, v, xs);
              ASSERT_EQ(double(y[b * 32 + j]), ref)
                  << "block " << b << " elem " << j << " x=" << v;
              if (f.elem.isFloat())
                ASSERT_EQ(std::signbit(y[b * 32 + j]), std::signbit(float(v)));
            }
          }
          // Static scales reproduce the codes (and so the values).
          QuantizedTensor q2 =
              quantizeWithScales(f, l, x.data(), q.scales.data(), 1.0f);
          EXPECT_EQ(q2.codes, q.codes);
          EXPECT_EQ(q2.scales, q.scales);
        }
}

TEST(MxQuantize, QuantizeWithScalesReproducesCodesOnLargeTensors) {
  std::vector<float> x = studentT3Tensor(99, 64 * 256);
  for (const char *name : kMxPresets)
    for (ScaleRule rule : {ScaleRule::Floor, ScaleRule::Ceil, ScaleRule::Even}) {
      BlockFormat f = *presetFormat(name);
      f.rule = rule;
      for (int axis : {0, 1}) {
        Layout l{{64, 256}, axis};
        QuantizedTensor q = quantize(f, l, x.data());
        QuantizedTensor q2 =
            quantizeWithScales(f, l, x.data(), q.scales.data(), q.tensorScale);
        EXPECT_EQ(q2.codes, q.codes) << name << " axis " << axis;
      }
    }
}

TEST(MxQuantize, SpecialBlocks) {
  BlockFormat f8 = *presetFormat("mxfp8");
  BlockFormat i8 = *presetFormat("mxint8");
  std::vector<uint8_t> c(32);
  // D4: all-zero block -> 0x00, codes +-0.
  std::vector<float> z(32, 0.0f);
  for (int i = 1; i < 32; i += 2)
    z[i] = -0.0f;
  EXPECT_EQ(quantizeBlock(f8, z.data(), 32, 1, 1, c.data()), 0x00u);
  for (int i = 0; i < 32; ++i)
    EXPECT_EQ(c[i], i % 2 ? 0x80 : 0x00);
  EXPECT_EQ(quantizeBlock(i8, z.data(), 32, 1, 1, c.data()), 0x00u);
  for (int i = 0; i < 32; ++i)
    EXPECT_EQ(c[i], 0);
  // D3: Inf or NaN anywhere -> 0xFF, codes 0, decode NaN.
  for (float bad : {std::numeric_limits<float>::infinity(),
                    -std::numeric_limits<float>::infinity(),
                    std::numeric_limits<float>::quiet_NaN()}) {
    std::vector<float> v(32, 1.0f);
    v[17] = bad;
    std::fill(c.begin(), c.end(), 0x55);
    EXPECT_EQ(quantizeBlock(f8, v.data(), 32, 1, 1, c.data()), 0xFFu);
    for (uint8_t code : c)
      EXPECT_EQ(code, 0);
    std::vector<float> out(32);
    dequantizeBlock(f8, c.data(), 32, 1, 0xFF, 1.0f, out.data());
    for (float o : out)
      EXPECT_TRUE(std::isnan(o));
  }
  // D5: exponent above 127 (CEIL at the top of FP32) clamps and saturates.
  BlockFormat ceil8 = i8;
  ceil8.rule = ScaleRule::Ceil;
  std::vector<float> big(32, 1.0f);
  big[3] = FLT_MAX;
  big[4] = -FLT_MAX;
  EXPECT_EQ(quantizeBlock(ceil8, big.data(), 32, 1, 1, c.data()), 0xFEu);
  EXPECT_EQ(c[3], 0x7F);
  EXPECT_EQ(c[4], 0x81);
  std::vector<float> out(32);
  dequantizeBlock(ceil8, c.data(), 32, 1, 0xFE, 1.0f, out.data());
  EXPECT_EQ(double(out[3]), std::ldexp(127.0 / 64, 127));
  // FLOOR at the same amax stays finite and exact.
  EXPECT_EQ(quantizeBlock(i8, big.data(), 32, 1, 1, c.data()), 0xFEu);
  // D19: CEIL with E4M3 at amax = FLT_MAX: xs = 127 - 8 + 1 = 120 (0xF7),
  // FLT_MAX / 2^120 = 255.99998 rounds to the element 256 (0x78), and the
  // FP32 product 256 * 2^120 = 2^128 overflows: the decode is +-Inf. A value
  // whose element rounds to 240 stays finite.
  big[5] = std::ldexp(1.875f, 127);
  BlockFormat ceilTop = f8;
  ceilTop.rule = ScaleRule::Ceil;
  EXPECT_EQ(quantizeBlock(ceilTop, big.data(), 32, 1, 1, c.data()),
            0xF7u);
  EXPECT_EQ(c[3], 0x78);
  EXPECT_EQ(c[4], 0xF8);
  EXPECT_EQ(c[5], 0x77);
  dequantizeBlock(ceilTop, c.data(), 32, 1, 0xF7, 1.0f, out.data());
  EXPECT_EQ(out[3], std::numeric_limits<float>::infinity());
  EXPECT_EQ(out[4], -std::numeric_limits<float>::infinity());
  EXPECT_EQ(double(out[5]), std::ldexp(240.0, 120));
  big[5] = 1.0f;
  // D19, two-level formats: with a tensor amax at FLT_MAX the FP32 decode
  // scale 1 / S_enc can round up, and X * P times it passes FP32's range
  // (found by the numerics fuzzer). INT2 with an F16 block scale: S_enc =
  // 65504 / FLT_MAX, the block scale saturates at 65504, and 65504 * (1 /
  // S_enc) rounds past FLT_MAX. NVFP4 at the same amax stays finite.
  {
    BlockFormat two;
    two.elem = ElementFormat::intN(2);
    two.blockKind = BlockKind::Tensor;
    two.scale = ScaleType::F16;
    two.tensorScale = true;
    ASSERT_EQ(two.validate(), "");
    Layout l2;
    l2.shape = {2, 2};
    std::vector<float> x2 = {FLT_MAX, -FLT_MAX, 1.0f, 1.0f};
    QuantizedTensor q2 = quantize(two, l2, x2.data());
    EXPECT_EQ(q2.scales[0], 0x7BFFu);
    EXPECT_EQ(q2.codes[0], 0x1);
    std::vector<float> d2(4);
    dequantize(two, l2, q2, d2.data());
    EXPECT_EQ(d2[0], std::numeric_limits<float>::infinity());
    EXPECT_EQ(d2[1], -std::numeric_limits<float>::infinity());
    BlockFormat nv = *presetFormat("nvfp4");
    Layout l16;
    l16.shape = {1, 16};
    l16.axis = 1;
    std::vector<float> x16(16, 1.0f);
    x16[0] = FLT_MAX;
    std::vector<float> d16(16);
    dequantize(nv, l16, quantize(nv, l16, x16.data()), d16.data());
    EXPECT_EQ(d16[0], FLT_MAX);
  }
  // FLOOR/CEIL boundary: amax exactly Qmax * 2^j does not bump the scale.
  BlockFormat ceilF8 = f8;
  ceilF8.rule = ScaleRule::Ceil;
  std::vector<float> v(32, 0.5f);
  v[0] = 448.0f;
  EXPECT_EQ(quantizeBlock(ceilF8, v.data(), 32, 1, 1, c.data()), 127u);
  v[0] = std::nextafter(448.0f, 1000.0f);
  EXPECT_EQ(quantizeBlock(ceilF8, v.data(), 32, 1, 1, c.data()), 128u);
  EXPECT_EQ(quantizeBlock(f8, v.data(), 32, 1, 1, c.data()), 127u);
  // The largest float below 2^k has exponent k-1 (the log2f hazard).
  v[0] = std::nextafter(512.0f, 0.0f);
  EXPECT_EQ(quantizeBlock(f8, v.data(), 32, 1, 1, c.data()), 127u);
  // EVEN rule: E2M1 bumps iff the significand is >= 1.75.
  BlockFormat evenF4 = *presetFormat("mxfp4");
  evenF4.rule = ScaleRule::Even;
  v.assign(32, 0.0f);
  v[0] = 1.75f * 8;
  EXPECT_EQ(quantizeBlock(evenF4, v.data(), 32, 1, 1, c.data()), 127u + 2);
  v[0] = std::nextafter(1.75f, 0.0f) * 8;
  EXPECT_EQ(quantizeBlock(evenF4, v.data(), 32, 1, 1, c.data()), 127u + 1);
  // Small scales decode exactly through FP32 subnormals (D1).
  v.assign(32, 0.0f);
  v[0] = std::ldexp(1.5f, -130);
  v[1] = std::ldexp(1.0f, -140);
  ScaleBits s = quantizeBlock(f8, v.data(), 32, 1, 1, c.data());
  EXPECT_EQ(s, 0u); // 2^-138 clamps to 2^-127
  dequantizeBlock(f8, c.data(), 32, 1, s, 1.0f, out.data());
  EXPECT_EQ(out[0], v[0]);
  EXPECT_EQ(double(out[1]), 0.0); // 2^-13 below half the E4M3 subnormal
}

TEST(TensorScale, EncodeScaleFormula) {
  BlockFormat nv = *presetFormat("nvfp4");
  std::vector<float> x = {1.0f, -6.0f, 2.0f};
  EXPECT_EQ(tensorEncodeScale(nv, x.data(), 3), 448.0f);
  x.push_back(std::numeric_limits<float>::infinity());
  x.push_back(std::numeric_limits<float>::quiet_NaN());
  EXPECT_EQ(tensorEncodeScale(nv, x.data(), 5), 448.0f); // finite amax
  std::vector<float> z = {0.0f, -0.0f, std::numeric_limits<float>::quiet_NaN()};
  EXPECT_EQ(tensorEncodeScale(nv, z.data(), 3), 1.0f);
  std::vector<float> tiny = {std::ldexp(1.0f, -149)};
  EXPECT_EQ(tensorEncodeScale(nv, tiny.data(), 1), FLT_MAX);
  std::vector<float> huge = {FLT_MAX};
  EXPECT_EQ(tensorEncodeScale(nv, huge.data(), 1), 2688.0f / FLT_MAX);
  BlockFormat ni = *presetFormat("nvint4");
  std::vector<float> seven = {7.0f};
  EXPECT_EQ(tensorEncodeScale(ni, seven.data(), 1), 448.0f);
}

/// Spacing of the scale type's grid at v > 0.
double scaleUlp(ScaleType t, double v) {
  int e = std::ilogb(v);
  switch (t) {
  case ScaleType::E4M3:
    return std::ldexp(1.0, std::max(e, -6) - 3);
  case ScaleType::F16:
    return std::ldexp(1.0, std::max(e, -14) - 10);
  case ScaleType::BF16:
    return std::ldexp(1.0, std::max(e, -126) - 7);
  case ScaleType::F32:
    return std::ldexp(1.0, std::max(e, -126) - 23);
  case ScaleType::E8M0:
    break;
  }
  return v;
}

/// Largest |x - dequant(x)| for one element of a float-scaled block with
/// decoded scale sf: half a grid step of the element type at the scaled
/// value, or the saturation excess above the element max; plus FP32 slack
/// for the rounded encode factor and the two decode products.
double errorBound(const BlockFormat &f, double v, double sf, double sEnc) {
  double step = sf / sEnc;
  if (step == 0)
    return std::fabs(v);
  double s = std::fabs(v) / step, qe = f.elementMax(), half;
  if (s > qe)
    half = s - qe;
  else if (f.elem.isInt())
    half = 0.5;
  else
    half = std::ldexp(0.5, std::max(s > 0 ? std::ilogb(s) : -1000,
                                    1 - f.elem.bias) -
                               f.elem.manBits);
  return half * step * (1 + 1e-6) + 1e-6 * std::fabs(v) + 1e-30;
}

struct FloatScaleCase {
  const char *label;
  BlockFormat f;
};

std::vector<FloatScaleCase> floatScaleCases() {
  std::vector<FloatScaleCase> cases;
  cases.push_back({"int8_channel", *presetFormat("int8_channel")});
  cases.push_back({"fp8_tensor", *presetFormat("fp8_tensor")});
  cases.push_back({"nvfp4", *presetFormat("nvfp4")});
  cases.push_back({"nvint4", *presetFormat("nvint4")});
  for (ScaleType t : {ScaleType::F16, ScaleType::BF16, ScaleType::E4M3,
                      ScaleType::F32})
    for (bool ts : {false, true}) {
      if (ts && (t == ScaleType::F32 || t == ScaleType::BF16))
        continue; // rejected by validate()
      for (const char *el : {"fp4", "int8", "fp8"}) {
        BlockFormat f;
        f.elem = std::string(el) == "fp4"    ? ElementFormat::f4E2M1FN()
                 : std::string(el) == "int8" ? ElementFormat::intN(8)
                                             : ElementFormat::f8E4M3FN();
        f.blockKind = BlockKind::Fixed;
        f.blockSize = 32;
        f.scale = t;
        f.tensorScale = ts;
        cases.push_back({nullptr, f});
      }
    }
  return cases;
}

std::string describe(const BlockFormat &f) {
  return f.elem.name() + "/" + scaleTypeName(f.scale) +
         (f.tensorScale ? "+tensor" : "") + "/" +
         std::to_string(f.blockKind == BlockKind::Fixed ? f.blockSize : -1);
}

TEST(FloatScale, RoundTripIsSensible) {
  const int64_t R = 64, C = 256;
  std::vector<float> x = normalTensor(31, R * C);
  for (int64_t i = 0; i < R * C; i += 7)
    x[i] *= 8.0f; // some spread between blocks
  for (const FloatScaleCase &fc : floatScaleCases()) {
    const BlockFormat &f = fc.f;
    SCOPED_TRACE(fc.label ? fc.label : describe(f));
    ASSERT_EQ(f.validate(), "");
    Layout l{{R, C}, 1};
    ASSERT_EQ(checkLayout(f, l), "");
    QuantizedTensor q = quantize(f, l, x.data());
    std::vector<float> y(x.size());
    dequantize(f, l, q, y.data());
    double sEnc = f.tensorScale ? 1.0 / double(q.tensorScale) : 1.0;
    if (!f.tensorScale)
      EXPECT_EQ(q.tensorScale, 1.0f);
    // Each block: the scale is about amax/Qe and every element is within
    // half a grid step (plus FP32 slack) of its input.
    int64_t len = blockLength(f, l);
    std::vector<int64_t> ss = scaleShape(f, l);
    int64_t nScales = 1;
    for (int64_t d : ss)
      nScales *= d;
    ASSERT_EQ(int64_t(q.scales.size()), nScales);
    int64_t blocksPerRow = C / len;
    for (int64_t s = 0; s < nScales; ++s) {
      int64_t row = f.blockKind == BlockKind::Tensor ? 0 : s / blocksPerRow;
      int64_t off = f.blockKind == BlockKind::Tensor
                        ? 0
                        : row * C + (s % blocksPerRow) * len;
      double amax = 0;
      for (int64_t j = 0; j < len; ++j)
        amax = std::fmax(amax, std::fabs(double(x[size_t(off + j)])));
      double sf = decodeScale(f.scale, q.scales[size_t(s)]);
      double want = amax / f.elementMax() * sEnc;
      ASSERT_GT(want, 0);
      EXPECT_LE(std::fabs(sf - want),
                0.5 * scaleUlp(f.scale, want) * (1 + 1e-6) + 1e-6 * want)
          << "scale " << s << ": " << sf << " vs " << want;
      for (int64_t j = 0; j < len; ++j) {
        double v = x[size_t(off + j)], d = y[size_t(off + j)];
        EXPECT_LE(std::fabs(v - d), errorBound(f, v, sf, sEnc))
            << "elem " << j << " x=" << v << " scale " << sf;
      }
    }
    double qsnr = qsnrDb(x.data(), y.data(), R * C);
    double minQsnr = f.elem.bits == 4 ? 15 : f.elem.isInt() ? 30 : 25;
    EXPECT_GT(qsnr, minQsnr);
    // With g = 1 (no tensor scale) static scales reproduce the codes.
    if (!f.tensorScale) {
      QuantizedTensor q2 = quantizeWithScales(f, l, x.data(), q.scales.data(),
                                              q.tensorScale);
      EXPECT_EQ(q2.codes, q.codes);
    }
  }
}

TEST(FloatScale, NonFiniteAndZeroBlocks) {
  for (const FloatScaleCase &fc : floatScaleCases()) {
    const BlockFormat &f = fc.f;
    if (f.blockKind != BlockKind::Fixed)
      continue;
    SCOPED_TRACE(fc.label ? fc.label : describe(f));
    int64_t b = f.blockSize;
    std::vector<float> x(size_t(4 * b));
    for (int64_t i = 0; i < 4 * b; ++i)
      x[i] = float(i % 13) - 6.0f;
    x[size_t(b + 3)] = std::numeric_limits<float>::quiet_NaN(); // block 1
    x[size_t(2 * b + 1)] = std::numeric_limits<float>::infinity(); // block 2
    for (int64_t i = 3 * b; i < 4 * b; ++i)
      x[i] = i % 2 ? -0.0f : 0.0f; // block 3 all zero
    Layout l{{4 * b}, 0};
    QuantizedTensor q = quantize(f, l, x.data());
    ASSERT_EQ(q.scales.size(), 4u);
    EXPECT_EQ(q.scales[1], scaleNaN(f.scale));
    EXPECT_EQ(q.scales[2], scaleNaN(f.scale));
    EXPECT_EQ(q.scales[3], 0u);
    if (f.tensorScale) { // amax over finite values only
      std::vector<float> finite = {6.0f};
      EXPECT_EQ(bitsOf(q.tensorScale),
                bitsOf(1.0f / tensorEncodeScale(f, finite.data(), 1)));
    }
    float sEnc = f.tensorScale ? 1.0f / q.tensorScale : 1.0f;
    std::vector<float> y(x.size());
    dequantize(f, l, q, y.data());
    for (int64_t i = 0; i < 4 * b; ++i) {
      if (i >= b && i < 3 * b) {
        EXPECT_EQ(q.codes[i], 0);
        EXPECT_TRUE(std::isnan(y[i])) << i;
      } else if (i >= 3 * b) {
        EXPECT_EQ(double(y[i]), 0.0);
        if (f.elem.isFloat())
          EXPECT_EQ(std::signbit(y[i]), bool(i % 2)) << i;
        else
          EXPECT_EQ(q.codes[i], 0);
      } else {
        double sf = decodeScale(f.scale, q.scales[size_t(i / b)]);
        EXPECT_LE(std::fabs(double(y[i]) - x[i]), errorBound(f, x[i], sf, sEnc))
            << i;
      }
    }
  }
}

// requantizeIsIdentity: for the formats it accepts, quantize(dequantize(q))
// reproduces q exactly on heavy-tailed data with special blocks; and it is
// right to refuse full-range integers (a counterexample exists).
std::vector<float> requantizeData(uint64_t seed) {
  std::vector<float> x = studentT3Tensor(seed, 64 * 256);
  for (int j = 0; j < 32; ++j) {
    x[j] = 0.0f;                                 // zero block
    x[32 + j] = j == 5 ? NAN : 1.0f;             // NaN block
    x[64 + j] = std::ldexp(float(j - 16), -140); // subnormal block
    x[96 + j] = float(j) * 1e30f;                // huge block
  }
  return x;
}

bool roundTrips(const BlockFormat &f, const std::vector<float> &x) {
  Layout l{{64, 256}, 1};
  QuantizedTensor q = quantize(f, l, x.data());
  std::vector<float> d(x.size());
  dequantize(f, l, q, d.data());
  QuantizedTensor r = quantize(f, l, d.data());
  return r.codes == q.codes && r.scales == q.scales;
}

TEST(Requantize, IdentityWhereClaimed) {
  int count = 0;
  const char *const *names = presetNames(count);
  int accepted = 0;
  for (int i = 0; i < count; ++i) {
    BlockFormat f = *presetFormat(names[i]);
    if (!requantizeIsIdentity(f))
      continue;
    ++accepted;
    for (uint64_t seed = 1; seed <= 4; ++seed)
      EXPECT_TRUE(roundTrips(f, requantizeData(seed))) << names[i];
  }
  EXPECT_EQ(accepted, 8); // mxfp8, mxfp8_e5m2, mxfp6, mxfp6_e3m2, mxfp4, mxint8/6/4
  // Rounding away keeps the property (elements are already on the grid).
  BlockFormat away = *presetFormat("mxfp4");
  away.rounding = Rounding::NearestAway;
  EXPECT_TRUE(requantizeIsIdentity(away));
  EXPECT_TRUE(roundTrips(away, requantizeData(9)));
}

TEST(Requantize, FullRangeIntegersAreNotIdentity) {
  BlockFormat f = *presetFormat("mxint4");
  f.range = IntRange::Full;
  EXPECT_FALSE(requantizeIsIdentity(f));
  // amax 1.9 -> X = 2^0, 1.9 * 4 = 7.6 rounds to -8 (full range) for the
  // negative value: decoded -2, whose exponent moves X to 2^1.
  std::vector<float> x(64 * 256, 0.0f);
  x[0] = -1.9f;
  x[1] = 0.3f;
  EXPECT_FALSE(roundTrips(f, x));
  for (ScaleRule rule : {ScaleRule::Ceil, ScaleRule::Even}) {
    BlockFormat g = *presetFormat("mxfp4");
    g.rule = rule;
    EXPECT_FALSE(requantizeIsIdentity(g));
  }
  EXPECT_FALSE(requantizeIsIdentity(*presetFormat("nvfp4")));
}

// scaleForAmax gives the scale quantize computes for a block with that
// maximum (E8M0 rules and float scales without a tensor scale).
TEST(StaticScales, ScaleForAmaxMatchesQuantize) {
  std::vector<BlockFormat> formats = {*presetFormat("mxfp8"), *presetFormat("mxfp4"),
                                      *presetFormat("mxint8")};
  BlockFormat ceil4 = *presetFormat("mxfp4");
  ceil4.rule = ScaleRule::Ceil;
  BlockFormat even6 = *presetFormat("mxfp6");
  even6.rule = ScaleRule::Even;
  BlockFormat e4m3f16 = *presetFormat("mxfp8");
  e4m3f16.scale = ScaleType::F16;
  e4m3f16.blockSize = 16;
  formats.insert(formats.end(), {ceil4, even6, e4m3f16});
  std::vector<float> amaxes = studentT3Tensor(5, 200);
  amaxes.push_back(0.0f);
  amaxes.push_back(std::ldexp(1.0f, -140));
  for (const BlockFormat &f : formats)
    for (float a : amaxes) {
      std::vector<float> block(size_t(f.blockSize), 0.0f);
      block[3] = a;
      block[5] = a * 0.25f;
      Layout l{{f.blockSize}, 0};
      QuantizedTensor q = quantize(f, l, block.data());
      EXPECT_EQ(scaleForAmax(f, a), q.scales[0]) << a;
    }
  EXPECT_EQ(scaleForAmax(*presetFormat("mxfp4"), NAN), 0xFFu);
}

// The MSE scale search never does worse than the default scales, helps on
// heavy-tailed data, and is exactly what quantizeWithScales gives for its
// scales (so static-scale code paths reproduce it).
TEST(MseSearch, NoWorseAndReproducible) {
  for (const char *name : {"mxfp4", "mxfp8", "mxint8", "mxfp6", "nvfp4", "nvint4"}) {
    BlockFormat f = *presetFormat(name);
    Layout l{{64, 256}, 1};
    for (uint64_t seed : {1ull, 2ull}) {
      std::vector<float> x = seed == 1 ? normalTensor(seed, 64 * 256)
                                       : studentT3Tensor(seed, 64 * 256);
      QuantizedTensor q0 = quantize(f, l, x.data());
      QuantizedTensor q1 = quantizeMse(f, l, x.data());
      std::vector<float> d0(x.size()), d1(x.size());
      dequantize(f, l, q0, d0.data());
      dequantize(f, l, q1, d1.data());
      double s0 = qsnrDb(x.data(), d0.data(), int64_t(x.size()));
      double s1 = qsnrDb(x.data(), d1.data(), int64_t(x.size()));
      EXPECT_GE(s1, s0 - 1e-9) << name << " seed " << seed;
      QuantizedTensor r = quantizeWithScales(f, l, x.data(), q1.scales.data(),
                                             q1.tensorScale);
      EXPECT_EQ(r.codes, q1.codes) << name;
    }
  }
  // On FP4 the search gains measurably (the nearest-exponent scale is often
  // not the best one).
  BlockFormat f = *presetFormat("mxfp4");
  Layout l{{64, 256}, 1};
  std::vector<float> x = normalTensor(3, 64 * 256);
  QuantizedTensor q0 = quantize(f, l, x.data()), q1 = quantizeMse(f, l, x.data());
  std::vector<float> d0(x.size()), d1(x.size());
  dequantize(f, l, q0, d0.data());
  dequantize(f, l, q1, d1.data());
  EXPECT_GT(qsnrDb(x.data(), d1.data(), int64_t(x.size())),
            qsnrDb(x.data(), d0.data(), int64_t(x.size())) + 0.2);
}

} // namespace
