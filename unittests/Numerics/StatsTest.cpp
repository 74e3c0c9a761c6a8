//===- StatsTest.cpp - Portable generator (11.1) and QSNR (9) -------------===//

#include "TestUtil.h"

#include "qf/Numerics/Stats.h"

#include "gtest/gtest.h"

#include <cmath>
#include <vector>

using namespace qf::numerics;
using namespace qf::numerics::test;

namespace {

TEST(SplitMix64, CheckValues) {
  SplitMix64 g0(0);
  EXPECT_EQ(g0.next(), 0xE220A8397B1DCDAFull);
  EXPECT_EQ(g0.next(), 0x6E789E6AA1B965F4ull);
  SplitMix64 g1(0x1234);
  EXPECT_EQ(g1.next(), 0x5F642F87D5E23888ull);
  EXPECT_EQ(g1.next(), 0x5A4D78533D034CB5ull);
}

TEST(SplitMix64, UniformIsTop53Bits) {
  SplitMix64 a(0x1234), b(0x1234);
  for (int i = 0; i < 100; ++i) {
    uint64_t z = a.next();
    double u = b.nextUniform();
    EXPECT_EQ(u, std::ldexp(double(z >> 11), -53));
    EXPECT_GE(u, 0.0);
    EXPECT_LT(u, 1.0);
  }
}

TEST(NormalTensor, FirstValuesAndMoments) {
  std::vector<float> x = normalTensor(0x1234, 1 << 20);
  ASSERT_EQ(x.size(), size_t(1) << 20);
  const uint32_t first[8] = {0xBF14B9E0, 0x3F4573A9, 0xBF0FA85A, 0xBF8EB4A1,
                             0x3F5F1B4B, 0x3F4BE288, 0xBF2588AA, 0xBD1BA0FB};
  for (int i = 0; i < 8; ++i)
    EXPECT_EQ(bitsOf(x[i]), first[i]) << "value " << i;
  double s = 0, s2 = 0, amax = 0;
  for (float v : x) {
    s += v;
    s2 += double(v) * v;
    amax = std::fmax(amax, std::fabs(double(v)));
  }
  // Printed to 10 / 6 / 6 decimals in docs/numerics.md 11.1; libm ulps may move a
  // handful of FP32 values.
  EXPECT_NEAR(s, 204.8033398191, 1e-6);
  EXPECT_NEAR(s2, 1049693.858452, 1e-5);
  EXPECT_NEAR(amax, 4.737666, 5e-7);
}

TEST(NormalTensor, OddLengthIsPrefixOfEven) {
  std::vector<float> a = normalTensor(7, 9), b = normalTensor(7, 10);
  for (int i = 0; i < 9; ++i)
    EXPECT_EQ(bitsOf(a[i]), bitsOf(b[i]));
}

TEST(StudentT3Tensor, DefinitionFromNormalRows) {
  const int64_t n = 1000;
  std::vector<float> t = studentT3Tensor(0x5678, n);
  ASSERT_EQ(t.size(), size_t(n));
  // Recompute from the FP64 Box-Muller normals directly.
  SplitMix64 g(0x5678);
  std::vector<double> z(4 * n);
  for (int64_t i = 0; i < 4 * n; i += 2) {
    double u1 = g.nextUniform(), u2 = g.nextUniform();
    double r = std::sqrt(-2.0 * std::log(1.0 - u1));
    z[i] = r * std::cos(2.0 * M_PI * u2);
    z[i + 1] = r * std::sin(2.0 * M_PI * u2);
  }
  for (int64_t i = 0; i < n; ++i) {
    double d = std::sqrt((z[n + i] * z[n + i] + z[2 * n + i] * z[2 * n + i] +
                          z[3 * n + i] * z[3 * n + i]) /
                         3.0);
    EXPECT_EQ(bitsOf(t[i]), bitsOf(float(z[i] / d))) << i;
  }
}

TEST(Qsnr, Definition) {
  std::vector<float> x = {1, -2, 3, -4};
  std::vector<float> y = {1, -2, 3, -4};
  EXPECT_TRUE(std::isinf(qsnrDb(x.data(), y.data(), 4)));
  y = {1.1f, -2, 3, -4};
  double err = double(1.1f) - 1.0;
  EXPECT_NEAR(qsnrDb(x.data(), y.data(), 4),
              -10 * std::log10(err * err / 30.0), 1e-12);
  // Scaling both by a power of two changes nothing.
  std::vector<float> x2 = {2, -4, 6, -8}, y2 = {2.2f, -4, 6, -8};
  EXPECT_DOUBLE_EQ(qsnrDb(x.data(), y.data(), 4),
                   qsnrDb(x2.data(), y2.data(), 4));
}

} // namespace
