//===- HadamardTest.cpp - Hadamard matrices and FWHT (D13-D15, section 8) -===//

#include "TestUtil.h"

#include "qf/Numerics/Hadamard.h"
#include "qf/Numerics/Stats.h"

#include "gtest/gtest.h"

#include <cmath>
#include <string>
#include <vector>

using namespace qf::numerics;
using namespace qf::numerics::test;

namespace {

std::vector<int64_t> supportedSizesUpTo(int64_t limit) {
  std::vector<int64_t> s;
  for (int64_t m : {1, 12, 20})
    for (int64_t n = m; n <= limit; n *= 2)
      s.push_back(n);
  return s;
}

TEST(Hadamard, SupportedSizes) {
  for (int64_t n : {1, 2, 4, 8, 16, 32, 64, 1024, 1 << 20, 12, 24, 48, 96,
                    3072, 20, 40, 80, 5120})
    EXPECT_TRUE(isSupportedHadamardSize(n)) << n;
  for (int64_t n : {0, -4, 3, 5, 6, 10, 28, 36, 44, 60, 100, 7})
    EXPECT_FALSE(isSupportedHadamardSize(n)) << n;
}

TEST(Hadamard, PaleyTablesArePinned) {
  // docs/numerics.md section 8, rows of the pinned H_12.
  const char *spec12 =
      "++++++++++++ / -++-+++---+- / --++-+++---+ / -+-++-+++--- / "
      "--+-++-+++-- / ---+-++-+++- / ----+-++-+++ / -+---+-++-++ / "
      "-++---+-++-+ / -+++---+-++- / --+++---+-++ / -+-+++---+-+";
  const int8_t *h12 = paleyMatrix(12);
  ASSERT_NE(h12, nullptr);
  std::string got;
  for (int i = 0; i < 12; ++i) {
    if (i)
      got += " / ";
    for (int j = 0; j < 12; ++j)
      got += h12[i * 12 + j] > 0 ? '+' : '-';
  }
  EXPECT_EQ(got, spec12);
  EXPECT_EQ(paleyMatrix(7), nullptr);

  // Both tables equal Paley construction I: H = I + [[0, 1^T], [-1, Q]],
  // Q_ij = chi(j - i) over GF(q), q = m - 1.
  for (int m : {12, 20}) {
    SCOPED_TRACE(m);
    int q = m - 1;
    std::vector<int> chi(size_t(q), -1);
    chi[0] = 0;
    for (int a = 1; a < q; ++a)
      chi[size_t((a * a) % q)] = 1;
    const int8_t *h = paleyMatrix(m);
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < m; ++j) {
        int want;
        if (i == 0)
          want = 1;
        else if (j == 0)
          want = -1;
        else
          want = chi[size_t((((j - 1) - (i - 1)) % q + q) % q)] + (i == j);
        EXPECT_EQ(h[i * m + j], want) << i << "," << j;
      }
    for (int i = 0; i < m; ++i)
      for (int k = 0; k < m; ++k) {
        int dot = 0;
        for (int j = 0; j < m; ++j)
          dot += h[i * m + j] * h[k * m + j];
        EXPECT_EQ(dot, i == k ? m : 0);
      }
  }
}

TEST(Hadamard, MatricesAreOrthogonalAndKronecker) {
  for (int64_t n : supportedSizesUpTo(5120)) {
    SCOPED_TRACE(n);
    std::vector<int8_t> h = hadamardMatrix(n);
    ASSERT_EQ(int64_t(h.size()), n * n);
    // Structure: H_m (kron) H_p with Sylvester H_p in natural order.
    int64_t m = n % 12 == 0 ? 12 : n % 20 == 0 ? 20 : 1;
    int64_t p = n / m;
    const int8_t *hm = m > 1 ? paleyMatrix(int(m)) : nullptr;
    SplitMix64 g{uint64_t(n)};
    for (int s = 0; s < 4096; ++s) {
      int64_t i = int64_t(g.next() % uint64_t(n)),
              j = int64_t(g.next() % uint64_t(n));
      int want = __builtin_popcountll(uint64_t((i % p) & (j % p))) & 1 ? -1 : 1;
      if (hm)
        want *= hm[(i / p) * m + j / p];
      ASSERT_EQ(h[size_t(i * n + j)], want) << i << "," << j;
    }
    // H H^T = n I, on bit-packed rows: dot = n - 2 popcount(a xor b).
    int64_t words = (n + 63) / 64;
    std::vector<uint64_t> rows(size_t(n * words), 0);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < n; ++j) {
        int8_t v = h[size_t(i * n + j)];
        ASSERT_TRUE(v == 1 || v == -1);
        if (v < 0)
          rows[size_t(i * words + j / 64)] |= uint64_t(1) << (j % 64);
      }
    int64_t bad = 0;
    for (int64_t i = 0; i < n; ++i) {
      const uint64_t *a = &rows[size_t(i * words)];
      for (int64_t k = i + 1; k < n; ++k) {
        const uint64_t *b = &rows[size_t(k * words)];
        int64_t diff = 0;
        for (int64_t w = 0; w < words; ++w)
          diff += __builtin_popcountll(a[w] ^ b[w]);
        if (n - 2 * diff != 0)
          ++bad;
      }
    }
    EXPECT_EQ(bad, 0) << "non-orthogonal row pairs";
  }
  EXPECT_TRUE(hadamardMatrix(6).empty());
}

/// Dense FP64 product H x / sqrt(n).
std::vector<double> denseReference(const std::vector<float> &x) {
  int64_t n = int64_t(x.size());
  std::vector<int8_t> h = hadamardMatrix(n);
  std::vector<double> y(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    double acc = 0;
    for (int64_t j = 0; j < n; ++j)
      acc += h[size_t(i * n + j)] * double(x[j]);
    y[i] = acc / std::sqrt(double(n));
  }
  return y;
}

TEST(Fwht, MatchesDenseFp64) {
  for (int64_t n : supportedSizesUpTo(5120)) {
    SCOPED_TRACE(n);
    std::vector<float> x = normalTensor(uint64_t(1000 + n), n);
    std::vector<double> ref = denseReference(x);
    std::vector<float> y = x;
    fwht(y.data(), n);
    double norm = 0;
    for (float v : x)
      norm += double(v) * v;
    norm = std::sqrt(norm);
    int m = n % 12 == 0 ? 12 : n % 20 == 0 ? 20 : 1;
    int stages = 0;
    for (int64_t p = n / m; p > 1; p /= 2)
      ++stages;
    // Each FP32 stage adds at most ~1 ulp of the running magnitude.
    double tol = 4.0 * (stages + m + 2) * std::ldexp(1.0, -24) * norm;
    double maxErr = 0;
    for (int64_t i = 0; i < n; ++i)
      maxErr = std::fmax(maxErr, std::fabs(double(y[i]) - ref[i]));
    EXPECT_LE(maxErr, tol);
  }
}

TEST(Fwht, Section8Vectors) {
  std::vector<float> x8 = {0, 1, 2, 3, 4, 5, 6, 7};
  fwht(x8.data(), 8);
  const double want8[8] = {28, -4, -8, 0, -16, 0, 0, 0};
  float s8 = float(1.0 / std::sqrt(8.0));
  for (int i = 0; i < 8; ++i) {
    // Pinned order: exact integer butterflies, one multiply at the end.
    EXPECT_EQ(bitsOf(x8[i]), bitsOf(float(want8[i]) * s8)) << i;
    EXPECT_NEAR(x8[i], want8[i] / std::sqrt(8.0), 1e-6) << i;
  }
  EXPECT_NEAR(x8[0], 9.8995, 5e-5);
  EXPECT_NEAR(x8[1], -1.4142, 5e-5);
  EXPECT_NEAR(x8[4], -5.6569, 5e-5);

  std::vector<float> x16 = {1, -2, 3, -4, 5, -6, 7, -8,
                            0.5f, 0.25f, -0.125f, 1, 2, 4, 8, 16};
  fwht(x16.data(), 16);
  const float want16[16] = {6.90625f,  6.28125f,  -4.53125f, -0.15625f,
                            -7.09375f, -1.71875f, 4.46875f,  -1.15625f,
                            -8.90625f, 11.71875f, 4.53125f,  -3.84375f,
                            7.09375f,  -6.28125f, -4.46875f, 1.15625f};
  for (int i = 0; i < 16; ++i)
    EXPECT_EQ(x16[i], want16[i]) << i; // exact: n = 16 is a power of 4
}

TEST(Fwht, PinnedOrderForNonPowerOfTwo) {
  // n = 12 * 4: butterflies on each contiguous group of 4, then H_12 across
  // the groups summing j = 0..11 in order, then one multiply.
  const int64_t m = 12, p = 4, n = m * p;
  std::vector<float> x = normalTensor(77, n);
  std::vector<float> want = x;
  for (int64_t gi = 0; gi < m; ++gi) {
    float *y = &want[size_t(gi * p)];
    for (int64_t h = 1; h < p; h *= 2)
      for (int64_t i = 0; i < p; i += 2 * h)
        for (int64_t j = i; j < i + h; ++j) {
          float a = y[j], b = y[j + h];
          y[j] = a + b;
          y[j + h] = a - b;
        }
  }
  const int8_t *hm = paleyMatrix(12);
  std::vector<float> tmp = want;
  for (int64_t t = 0; t < p; ++t)
    for (int64_t r = 0; r < m; ++r) {
      float acc = hm[r * m] > 0 ? tmp[size_t(t)] : -tmp[size_t(t)];
      for (int64_t j = 1; j < m; ++j)
        acc = hm[r * m + j] > 0 ? acc + tmp[size_t(j * p + t)]
                                : acc - tmp[size_t(j * p + t)];
      want[size_t(r * p + t)] = acc;
    }
  float s = float(1.0 / std::sqrt(double(n)));
  for (float &v : want)
    v *= s;
  std::vector<float> got = x;
  fwht(got.data(), n);
  for (int64_t i = 0; i < n; ++i)
    EXPECT_EQ(bitsOf(got[i]), bitsOf(want[i])) << i;
}

TEST(Fwht, RandomizedSignsAndAxis) {
  std::vector<int8_t> s = randomSigns(0xABCD, 32);
  std::string str;
  for (int8_t v : s)
    str += v > 0 ? '+' : '-';
  EXPECT_EQ(str, "+++++--+---+++--+-+-++++----+++-"); // section 11.1
  std::vector<int8_t> s16 = randomSigns(0xABCD, 16);
  EXPECT_EQ(std::vector<int8_t>(s.begin(), s.begin() + 16), s16);

  std::vector<float> x = normalTensor(5, 32), y = x, z = x;
  randomizedFwht(y.data(), 32, s.data());
  for (int i = 0; i < 32; ++i)
    z[i] = s[i] < 0 ? -z[i] : z[i];
  fwht(z.data(), 32);
  for (int i = 0; i < 32; ++i)
    EXPECT_EQ(bitsOf(y[i]), bitsOf(z[i]));

  // Along an axis: shape [4, 48, 3], blocks of 24 along axis 1.
  const std::vector<int64_t> shape = {4, 48, 3};
  std::vector<float> t = normalTensor(9, 4 * 48 * 3);
  for (bool randomized : {false, true}) {
    std::vector<float> got = t;
    hadamardAlongAxis(got.data(), shape, 1, 24, randomized, 0x1234);
    std::vector<int8_t> sig = randomSigns(0x1234, 24);
    for (int64_t o = 0; o < 4; ++o)
      for (int64_t i = 0; i < 3; ++i)
        for (int64_t b = 0; b < 2; ++b) {
          std::vector<float> blk(24);
          for (int64_t j = 0; j < 24; ++j)
            blk[j] = t[size_t((o * 48 + b * 24 + j) * 3 + i)];
          if (randomized)
            randomizedFwht(blk.data(), 24, sig.data());
          else
            fwht(blk.data(), 24);
          for (int64_t j = 0; j < 24; ++j)
            EXPECT_EQ(bitsOf(got[size_t((o * 48 + b * 24 + j) * 3 + i)]),
                      bitsOf(blk[j]));
        }
  }
  // Last axis, the layout of the QSNR table.
  std::vector<float> a = t;
  hadamardAlongAxis(a.data(), {12, 48}, 1, 16, false, 0);
  std::vector<float> blk(t.begin(), t.begin() + 16);
  fwht(blk.data(), 16);
  for (int j = 0; j < 16; ++j)
    EXPECT_EQ(bitsOf(a[j]), bitsOf(blk[j]));
}

} // namespace
