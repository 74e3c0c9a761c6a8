//===- LowRankTest.cpp - Jacobi and randomized SVD, low-rank splits -------===//

#include "TestUtil.h"

#include "qf/Numerics/Hadamard.h"
#include "qf/Numerics/LowRank.h"
#include "qf/Numerics/Stats.h"

#include "gtest/gtest.h"

#include <cmath>
#include <vector>

using namespace qf::numerics;
using namespace qf::numerics::test;

namespace {

/// max |A - U diag(s) V^T| / max |A| over the r triplets of `svd`.
template <typename T>
double reconstructionError(const std::vector<T> &a, const Svd &svd) {
  double err = 0, amax = 0;
  for (int64_t i = 0; i < svd.m; ++i)
    for (int64_t p = 0; p < svd.n; ++p) {
      double x = 0;
      for (int64_t t = 0; t < svd.r; ++t)
        x += svd.u[size_t(i * svd.r + t)] * svd.s[size_t(t)] *
             svd.v[size_t(p * svd.r + t)];
      double ref = double(a[size_t(i * svd.n + p)]);
      err = std::max(err, std::fabs(x - ref));
      amax = std::max(amax, std::fabs(ref));
    }
  return err / amax;
}

/// max |X^T X - I| over the first `cols` columns of the rows x r matrix x.
double orthogonalityError(const std::vector<double> &x, int64_t rows,
                          int64_t r, int64_t cols) {
  double err = 0;
  for (int64_t a = 0; a < cols; ++a)
    for (int64_t b = 0; b < cols; ++b) {
      double d = 0;
      for (int64_t i = 0; i < rows; ++i)
        d += x[size_t(i * r + a)] * x[size_t(i * r + b)];
      err = std::max(err, std::fabs(d - (a == b ? 1.0 : 0.0)));
    }
  return err;
}

/// A = sum_t s_t u_t v_t^T with u_t, v_t columns 1, 2, ... of normalized
/// Sylvester Hadamard matrices of orders m and n (orthonormal), rounded to
/// float: singular values s (up to float rounding of the entries).
std::vector<float> withSingularValues(int64_t m, int64_t n,
                                      const std::vector<double> &s) {
  std::vector<int8_t> hm = hadamardMatrix(m), hn = hadamardMatrix(n);
  std::vector<float> a(size_t(m * n));
  for (int64_t i = 0; i < m; ++i)
    for (int64_t p = 0; p < n; ++p) {
      double x = 0;
      for (size_t t = 0; t < s.size(); ++t)
        x += s[t] * hm[size_t(i * m) + t + 1] * hn[size_t(p * n) + t + 1];
      a[size_t(i * n + p)] = float(x / std::sqrt(double(m * n)));
    }
  return a;
}

TEST(LowRank, JacobiKnownSingularValues) {
  // [[3, 0], [4, 5]]: A^T A = [[25, 20], [20, 25]], eigenvalues 45 and 5.
  std::vector<double> a = {3, 0, 4, 5};
  Svd r = jacobiSvd(a.data(), 2, 2);
  ASSERT_EQ(r.r, 2);
  EXPECT_NEAR(r.s[0], 3 * std::sqrt(5.0), 1e-14);
  EXPECT_NEAR(r.s[1], std::sqrt(5.0), 1e-14);
  EXPECT_LT(reconstructionError(a, r), 1e-15);
  // [[1, 0], [0, 1], [1, 1]] (tall) and its transpose (wide): sqrt(3), 1.
  std::vector<double> tall = {1, 0, 0, 1, 1, 1}, wide = {1, 0, 1, 0, 1, 1};
  for (auto [m, n, data] : {std::tuple{3, 2, &tall}, std::tuple{2, 3, &wide}}) {
    Svd t = jacobiSvd(data->data(), m, n);
    ASSERT_EQ(t.r, 2);
    EXPECT_NEAR(t.s[0], std::sqrt(3.0), 1e-14) << m << "x" << n;
    EXPECT_NEAR(t.s[1], 1.0, 1e-14) << m << "x" << n;
    EXPECT_LT(reconstructionError(*data, t), 1e-15);
    EXPECT_LT(orthogonalityError(t.u, m, 2, 2), 1e-15);
    EXPECT_LT(orthogonalityError(t.v, n, 2, 2), 1e-15);
  }
  // A rank-deficient matrix: a zero singular value, a zero U column, no NaN.
  std::vector<double> d = {1, 2, 2, 4, 3, 6};
  Svd z = jacobiSvd(d.data(), 3, 2);
  EXPECT_NEAR(z.s[0], std::sqrt(70.0), 1e-13);
  EXPECT_EQ(z.s[1], 0.0);
  for (double u : z.u)
    EXPECT_FALSE(std::isnan(u));
}

TEST(LowRank, JacobiRandomMatrices) {
  for (auto [m, n] : {std::pair{12, 7}, std::pair{7, 12}, std::pair{9, 9}}) {
    std::vector<float> f = normalTensor(uint64_t(m * 100 + n), m * n);
    std::vector<double> a(f.begin(), f.end());
    Svd r = jacobiSvd(a.data(), m, n);
    EXPECT_EQ(r.r, std::min(m, n));
    EXPECT_LT(reconstructionError(a, r), 1e-13) << m << "x" << n;
    EXPECT_LT(orthogonalityError(r.u, m, r.r, r.r), 1e-13);
    EXPECT_LT(orthogonalityError(r.v, n, r.r, r.r), 1e-13);
    for (int64_t t = 1; t < r.r; ++t)
      EXPECT_GE(r.s[size_t(t - 1)], r.s[size_t(t)]);
  }
}

TEST(LowRank, RandomizedReconstructsExactlyLowRank) {
  // Rank 3 with small integer factors: every entry is an integer, exact in
  // float, so A has rank exactly 3.
  const int64_t m = 64, n = 48;
  SplitMix64 g(3);
  std::vector<int> x(m * 3), y(n * 3);
  for (int &v : x)
    v = int(g.next() % 9) - 4;
  for (int &v : y)
    v = int(g.next() % 9) - 4;
  std::vector<float> a(size_t(m * n));
  for (int64_t i = 0; i < m; ++i)
    for (int64_t p = 0; p < n; ++p)
      a[size_t(i * n + p)] = float(x[size_t(i * 3)] * y[size_t(p * 3)] +
                                   x[size_t(i * 3 + 1)] * y[size_t(p * 3 + 1)] +
                                   x[size_t(i * 3 + 2)] * y[size_t(p * 3 + 2)]);
  for (int64_t power : {0, 2}) {
    Svd r = randomizedSvd(a.data(), m, n, {3, 8, power, 7});
    ASSERT_EQ(r.r, 3);
    EXPECT_LT(reconstructionError(a, r), 1e-12) << "power " << power;
    EXPECT_LT(orthogonalityError(r.u, m, 3, 3), 1e-12);
    EXPECT_LT(orthogonalityError(r.v, n, 3, 3), 1e-12);
  }
  // More triplets than the rank: the extra singular values are (nearly)
  // zero and nothing is NaN.
  Svd r5 = randomizedSvd(a.data(), m, n, {5, 0, 1, 7});
  ASSERT_EQ(r5.r, 5);
  EXPECT_LT(r5.s[3], 1e-10 * r5.s[0]);
  EXPECT_LT(r5.s[4], 1e-10 * r5.s[0]);
  for (double u : r5.u)
    EXPECT_FALSE(std::isnan(u));
  EXPECT_LT(reconstructionError(a, r5), 1e-12);
}

TEST(LowRank, RandomizedMatchesKnownSingularValues) {
  std::vector<double> s = {10, 5, 2, 1, 0.5, 0.25};
  for (auto [m, n] : {std::pair{64, 32}, std::pair{32, 64}}) {
    std::vector<float> a = withSingularValues(m, n, s);
    Svd r = randomizedSvd(a.data(), m, n, {4, 4, 2, 1});
    ASSERT_EQ(r.r, 4);
    for (int t = 0; t < 4; ++t)
      EXPECT_NEAR(r.s[size_t(t)], s[size_t(t)], 1e-5 * s[0]) << t;
    // All six directions: the rank-6 reconstruction is exact up to the float
    // rounding of A.
    Svd r6 = randomizedSvd(a.data(), m, n, {6, 2, 1, 1});
    EXPECT_LT(reconstructionError(a, r6), 1e-6);
  }
  // On a Gaussian matrix (a flat spectrum) the leading singular values come
  // close to the exact ones with two power iterations.
  std::vector<float> f = normalTensor(11, 40 * 30);
  std::vector<double> d(f.begin(), f.end());
  Svd exact = jacobiSvd(d.data(), 40, 30);
  Svd r = randomizedSvd(f.data(), 40, 30, {3, 8, 2, 5});
  for (int t = 0; t < 3; ++t)
    EXPECT_NEAR(r.s[size_t(t)], exact.s[size_t(t)], 0.02 * exact.s[0]) << t;
}

TEST(LowRank, DeterministicForASeed) {
  std::vector<float> a = normalTensor(21, 48 * 40);
  Svd x = randomizedSvd(a.data(), 48, 40, {4, 8, 2, 99});
  Svd y = randomizedSvd(a.data(), 48, 40, {4, 8, 2, 99});
  ASSERT_EQ(x.u.size(), y.u.size());
  for (size_t i = 0; i < x.u.size(); ++i)
    ASSERT_EQ(bitsOf(x.u[i]), bitsOf(y.u[i])) << i;
  for (size_t i = 0; i < x.v.size(); ++i)
    ASSERT_EQ(bitsOf(x.v[i]), bitsOf(y.v[i])) << i;
  for (size_t i = 0; i < x.s.size(); ++i)
    ASSERT_EQ(bitsOf(x.s[i]), bitsOf(y.s[i])) << i;
  // Another seed takes another test matrix: other bits.
  Svd z = randomizedSvd(a.data(), 48, 40, {4, 8, 2, 100});
  bool differs = false;
  for (size_t i = 0; i < x.s.size(); ++i)
    differs |= bitsOf(x.s[i]) != bitsOf(z.s[i]);
  EXPECT_TRUE(differs);
}

TEST(LowRank, RankForEnergy) {
  std::vector<double> s = {10, 5, 2, 1, 0.5, 0.25};
  double total = 0;
  for (double v : s)
    total += v * v; // 130.3125
  bool capped = true;
  EXPECT_EQ(rankForEnergy(s, total, 0.7, 6, capped), 1); // 100 / 130.3
  EXPECT_FALSE(capped);
  EXPECT_EQ(rankForEnergy(s, total, 0.9, 6, capped), 2); // 125 / 130.3
  EXPECT_EQ(rankForEnergy(s, total, 0.97, 6, capped), 3);
  EXPECT_EQ(rankForEnergy(s, total, 0.995, 6, capped), 4);
  EXPECT_FALSE(capped);
  EXPECT_EQ(rankForEnergy(s, total, 0.995, 2, capped), 2);
  EXPECT_TRUE(capped);
  // The energy beyond the sketch counts: 1.0 is never reached.
  EXPECT_EQ(rankForEnergy(s, total + 1, 1.0, 6, capped), 6);
  EXPECT_TRUE(capped);
}

TEST(LowRank, SplitByEnergyAndRank) {
  std::vector<double> s = {10, 5, 2, 1, 0.5, 0.25};
  std::vector<float> w = withSingularValues(64, 64, s);
  LowRankOptions o;
  o.energy = 0.97;
  LowRankSplit r = splitLowRank(w.data(), 64, 64, o);
  EXPECT_EQ(r.rank, 3);
  EXPECT_FALSE(r.capped);
  EXPECT_NEAR(r.energyCaptured, 129.0 / 130.3125, 1e-6);
  o.maxRank = 2;
  r = splitLowRank(w.data(), 64, 64, o);
  EXPECT_EQ(r.rank, 2);
  EXPECT_TRUE(r.capped);
  // A fixed rank; the residual holds the energy of the other directions.
  o = LowRankOptions();
  o.rank = 4;
  r = splitLowRank(w.data(), 64, 64, o);
  ASSERT_EQ(r.rank, 4);
  double res = frobeniusEnergy(r.residual.data(), 64 * 64);
  EXPECT_NEAR(res, 0.25 + 0.0625, 1e-5);
}

TEST(LowRank, SplitReassemblesTheWeight) {
  // W = L R + Res up to the one rounding of Res, for f32 and bf16 factors;
  // bf16 factors hold bf16 values.
  std::vector<float> noise = normalTensor(5, 32 * 96);
  std::vector<float> w = withSingularValues(32, 96, {40, 20, 10});
  for (size_t i = 0; i < w.size(); ++i)
    w[i] += 0.1f * noise[i];
  for (FactorType ft : {FactorType::F32, FactorType::BF16}) {
    LowRankOptions o;
    o.rank = 3;
    o.factorType = ft;
    LowRankSplit r = splitLowRank(w.data(), 32, 96, o);
    ASSERT_EQ(r.rank, 3);
    for (int64_t i = 0; i < 32; ++i)
      for (int64_t p = 0; p < 96; ++p) {
        double lr = 0;
        for (int64_t t = 0; t < 3; ++t)
          lr += double(r.left[size_t(i * 3 + t)]) *
                double(r.right[size_t(t * 96 + p)]);
        double res = r.residual[size_t(i * 96 + p)];
        EXPECT_LE(std::fabs(double(w[size_t(i * 96 + p)]) - lr - res),
                  std::ldexp(std::fabs(res), -24) + 1e-12);
      }
    if (ft == FactorType::BF16)
      for (float v : r.left)
        EXPECT_EQ(bitsOf(v) & 0xFFFFu, 0u);
    // The residual is the noise: about 0.1^2 per element, far below W's.
    double res = frobeniusEnergy(r.residual.data(), 32 * 96);
    EXPECT_LT(res, 0.02 * 32 * 96);
    EXPECT_GT(r.energyCaptured, 0.98);
  }
}

TEST(LowRank, ZeroMatrixAndUsefulRank) {
  std::vector<float> z(16 * 16, 0.0f);
  LowRankOptions o;
  o.rank = 2;
  LowRankSplit r = splitLowRank(z.data(), 16, 16, o);
  EXPECT_EQ(r.rank, 0);
  EXPECT_EQ(r.residual, z);
  EXPECT_EQ(largestUsefulRank(64, 64), 31);
  EXPECT_EQ(largestUsefulRank(64, 128), 42);
  EXPECT_EQ(largestUsefulRank(1, 100), 0);
  EXPECT_DOUBLE_EQ(factorBitsPerElement(64, 64, 4, FactorType::F32), 4.0);
  EXPECT_DOUBLE_EQ(factorBitsPerElement(64, 64, 4, FactorType::BF16), 2.0);
}

TEST(LowRank, OptionsAreChecked) {
  LowRankOptions o;
  EXPECT_EQ(checkLowRankOptions(o),
            "give rank=<k> (a fixed rank) or energy=<fraction in (0, 1]>");
  o.rank = 4;
  EXPECT_EQ(checkLowRankOptions(o), "");
  o.energy = 0.5;
  EXPECT_EQ(checkLowRankOptions(o),
            "rank and energy are exclusive: give one of them");
  o.rank = 0;
  EXPECT_EQ(checkLowRankOptions(o), "");
  o.energy = 1.5;
  EXPECT_EQ(checkLowRankOptions(o),
            "energy 1.5 is not a fraction of the Frobenius energy in (0, 1]");
  o.energy = std::nan("");
  EXPECT_NE(checkLowRankOptions(o), "");
  o.energy = 0.9;
  o.maxRank = 0;
  EXPECT_EQ(checkLowRankOptions(o), "max-rank 0 must be at least 1");
  o.maxRank = 8;
  o.oversample = -1;
  EXPECT_EQ(checkLowRankOptions(o), "oversample -1 is negative");
  o.oversample = 0;
  o.powerIterations = -2;
  EXPECT_EQ(checkLowRankOptions(o), "power-iterations -2 is negative");
  o = LowRankOptions();
  o.rank = -3;
  EXPECT_EQ(checkLowRankOptions(o), "rank -3 is negative");
}

} // namespace
