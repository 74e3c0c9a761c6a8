//===- GptqTest.cpp - gptqQuantize against a plain OBS reference ----------===//
//
// The reference below is the Optimal Brain Surgeon update written plainly:
// an explicit inverse of the damped H, and after each column the inverse of
// the remaining columns by the rank-one downdate. It shares nothing with
// lib/Numerics/Gptq.cpp but the block quantizer.
//
//===----------------------------------------------------------------------===//
#include "qf/Numerics/Gptq.h"
#include "qf/Numerics/Stats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace qf::numerics;

namespace {

/// Gauss-Jordan inverse with partial pivoting (double).
std::vector<double> inverse(std::vector<double> a, int64_t n) {
  std::vector<double> inv(size_t(n * n), 0.0);
  for (int64_t i = 0; i < n; ++i)
    inv[size_t(i * n + i)] = 1;
  for (int64_t c = 0; c < n; ++c) {
    int64_t p = c;
    for (int64_t r = c + 1; r < n; ++r)
      if (std::fabs(a[size_t(r * n + c)]) > std::fabs(a[size_t(p * n + c)]))
        p = r;
    for (int64_t j = 0; j < n; ++j) {
      std::swap(a[size_t(c * n + j)], a[size_t(p * n + j)]);
      std::swap(inv[size_t(c * n + j)], inv[size_t(p * n + j)]);
    }
    double d = a[size_t(c * n + c)];
    for (int64_t j = 0; j < n; ++j) {
      a[size_t(c * n + j)] /= d;
      inv[size_t(c * n + j)] /= d;
    }
    for (int64_t r = 0; r < n; ++r) {
      if (r == c)
        continue;
      double m = a[size_t(r * n + c)];
      for (int64_t j = 0; j < n; ++j) {
        a[size_t(r * n + j)] -= m * a[size_t(c * n + j)];
        inv[size_t(r * n + j)] -= m * inv[size_t(c * n + j)];
      }
    }
  }
  return inv;
}

/// Plain OBS: for every column j in order, the block scale (at a block's
/// first column, from the current values), the code, then
/// W[:, c] -= (w_j - q_j) / Hinv_jj * Hinv_jc for c > j, and the downdate
/// Hinv -= Hinv[:, j] Hinv[j, :] / Hinv_jj.
QuantizedTensor referenceObs(const BlockFormat &f, int64_t rows, int64_t k,
                             const std::vector<float> &w0,
                             std::vector<double> h, double damp) {
  Layout l{{rows, k}, 1};
  QuantizedTensor base = quantize(f, l, w0.data());
  double mean = 0;
  for (int64_t j = 0; j < k; ++j) {
    if (h[size_t(j * k + j)] == 0)
      h[size_t(j * k + j)] = 1;
    mean += h[size_t(j * k + j)] / double(k);
  }
  for (int64_t j = 0; j < k; ++j)
    h[size_t(j * k + j)] += damp * mean;
  std::vector<double> hinv = inverse(h, k);
  bool twoLevel = f.scale != ScaleType::E8M0 && f.tensorScale;
  float g = twoLevel ? base.tensorScale : 1.0f;
  float sEnc = twoLevel ? 1.0f / base.tensorScale : 1.0f;
  int64_t len = blockLength(f, l), nb = k / len;
  QuantizedTensor q = base;
  std::vector<double> w(w0.begin(), w0.end());
  std::vector<float> xb(static_cast<size_t>(len));
  std::vector<uint8_t> scratch(static_cast<size_t>(len));
  for (int64_t j = 0; j < k; ++j) {
    for (int64_t r = 0; r < rows; ++r) {
      ScaleBits &sb = q.scales[size_t(r * nb + j / len)];
      if (j % len == 0) {
        for (int64_t i = 0; i < len; ++i)
          xb[size_t(i)] = float(w[size_t(r * k + j + i)]);
        sb = quantizeBlock(f, xb.data(), len, 1, sEnc, scratch.data());
      }
      float x = float(w[size_t(r * k + j)]), qv;
      uint8_t &code = q.codes[size_t(r * k + j)];
      quantizeBlockWithScale(f, &x, 1, 1, sb, sEnc, &code);
      dequantizeBlock(f, &code, 1, 1, sb, g, &qv);
      double e = (w[size_t(r * k + j)] - double(qv)) / hinv[size_t(j * k + j)];
      for (int64_t c = j + 1; c < k; ++c)
        w[size_t(r * k + c)] -= e * hinv[size_t(j * k + c)];
    }
    double d = hinv[size_t(j * k + j)];
    for (int64_t a = j + 1; a < k; ++a)
      for (int64_t c = j + 1; c < k; ++c)
        hinv[size_t(a * k + c)] -=
            hinv[size_t(a * k + j)] * hinv[size_t(j * k + c)] / d;
  }
  return q;
}

/// H = X^T X of `tokens` rows of correlated inputs: a shared factor plus
/// noise, with one channel ten times larger.
std::vector<double> secondMoment(int64_t k, int64_t tokens, uint64_t seed) {
  std::vector<float> z = normalTensor(seed, tokens * (k + 1));
  std::vector<double> h(size_t(k * k), 0.0);
  std::vector<double> x(static_cast<size_t>(k));
  for (int64_t t = 0; t < tokens; ++t) {
    double common = z[size_t(t * (k + 1) + k)];
    for (int64_t j = 0; j < k; ++j)
      x[size_t(j)] = (0.8 * common + 0.6 * z[size_t(t * (k + 1) + j)]) *
                     (j == 3 ? 10.0 : 1.0);
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < k; ++j)
        h[size_t(i * k + j)] += x[size_t(i)] * x[size_t(j)];
  }
  return h;
}

std::vector<float> decoded(const BlockFormat &f, int64_t rows, int64_t k,
                           const QuantizedTensor &q) {
  std::vector<float> out(size_t(rows * k));
  dequantize(f, Layout{{rows, k}, 1}, q, out.data());
  return out;
}

const char *const kFormats[] = {"mxfp4", "nvfp4", "mxint4", "mxfp8",
                                "mxint8", "nvint4"};

TEST(Gptq, MatchesPlainObsReference) {
  for (const char *name : kFormats) {
    BlockFormat f = *presetFormat(name);
    int64_t rows = 5, k = 2 * f.blockSize;
    std::vector<float> w = normalTensor(11, rows * k);
    std::vector<double> h = secondMoment(k, 3 * k, 5);
    QuantizedTensor q;
    GptqOptions o;
    o.lazyBatch = f.blockSize; // several lazy batches
    ASSERT_EQ(gptqQuantize(f, rows, k, w.data(), h.data(), o, q), "") << name;
    QuantizedTensor r = referenceObs(f, rows, k, w, h, o.damp);
    EXPECT_EQ(q.codes, r.codes) << name;
    EXPECT_EQ(q.scales, r.scales) << name;
    EXPECT_EQ(q.tensorScale, r.tensorScale) << name;
  }
}

TEST(Gptq, LazyBatchDoesNotChangeTheResult) {
  BlockFormat f = *presetFormat("mxfp4");
  int64_t rows = 4, k = 128;
  std::vector<float> w = normalTensor(3, rows * k);
  std::vector<double> h = secondMoment(k, 300, 9);
  QuantizedTensor a, b;
  GptqOptions o;
  o.lazyBatch = 1; // rounded up to one block
  ASSERT_EQ(gptqQuantize(f, rows, k, w.data(), h.data(), o, a), "");
  o.lazyBatch = 1000;
  ASSERT_EQ(gptqQuantize(f, rows, k, w.data(), h.data(), o, b), "");
  EXPECT_EQ(a.codes, b.codes);
  EXPECT_EQ(a.scales, b.scales);
}

// With H = identity nothing is propagated (U is diagonal): round to nearest,
// and with the scale search, quantizeMse with unit weights.
TEST(Gptq, IdentityHessianIsRoundToNearest) {
  for (const char *name : kFormats) {
    BlockFormat f = *presetFormat(name);
    int64_t rows = 3, k = 4 * f.blockSize;
    std::vector<float> w = studentT3Tensor(21, rows * k);
    std::vector<double> h(size_t(k * k), 0.0);
    for (int64_t j = 0; j < k; ++j)
      h[size_t(j * k + j)] = 1;
    Layout l{{rows, k}, 1};
    QuantizedTensor q, qm;
    GptqOptions o;
    ASSERT_EQ(gptqQuantize(f, rows, k, w.data(), h.data(), o, q), "");
    QuantizedTensor rtn = quantize(f, l, w.data());
    EXPECT_EQ(q.codes, rtn.codes) << name;
    EXPECT_EQ(q.scales, rtn.scales) << name;
    o.mseScales = true;
    ASSERT_EQ(gptqQuantize(f, rows, k, w.data(), h.data(), o, qm), "");
    QuantizedTensor mse = quantizeMse(f, l, w.data());
    EXPECT_EQ(qm.codes, mse.codes) << name;
    EXPECT_EQ(qm.scales, mse.scales) << name;
  }
}

// What the method is for: a lower output error than round to nearest on
// correlated inputs, for every 4-bit format.
TEST(Gptq, LowersThePredictedOutputError) {
  for (const char *name : {"mxfp4", "nvfp4", "mxint4", "nvint4"}) {
    BlockFormat f = *presetFormat(name);
    int64_t rows = 16, k = 64;
    std::vector<float> w = normalTensor(7, rows * k);
    std::vector<double> h = secondMoment(k, 512, 13);
    QuantizedTensor q;
    ASSERT_EQ(gptqQuantize(f, rows, k, w.data(), h.data(), GptqOptions(), q),
              "");
    std::vector<float> wg = decoded(f, rows, k, q);
    std::vector<float> wr =
        decoded(f, rows, k, quantize(f, Layout{{rows, k}, 1}, w.data()));
    double eg = relativeOutputError(rows, k, w.data(), wg.data(), h.data());
    double er = relativeOutputError(rows, k, w.data(), wr.data(), h.data());
    EXPECT_LT(eg, 0.75 * er) << name << ": gptq " << eg << " rtn " << er;
  }
}

// Dead columns (never reached by an input) and a weight with a NaN.
TEST(Gptq, DeadColumnsAndNonFiniteWeights) {
  BlockFormat f = *presetFormat("mxfp4");
  int64_t rows = 2, k = 64;
  std::vector<float> w = normalTensor(5, rows * k);
  std::vector<double> h = secondMoment(k, 200, 3);
  for (int64_t j = 0; j < k; ++j)
    h[size_t(5 * k + j)] = h[size_t(j * k + 5)] = 0;
  QuantizedTensor q;
  ASSERT_EQ(gptqQuantize(f, rows, k, w.data(), h.data(), GptqOptions(), q), "");
  EXPECT_EQ(q.codes, referenceObs(f, rows, k, w, h, 0.01).codes);
  w[7] = NAN;
  bool rtn = false;
  ASSERT_EQ(
      gptqQuantize(f, rows, k, w.data(), h.data(), GptqOptions(), q, &rtn), "");
  EXPECT_TRUE(rtn);
  EXPECT_EQ(q.codes, quantize(f, Layout{{rows, k}, 1}, w.data()).codes);
}

TEST(Gptq, RejectsBadInput) {
  BlockFormat f = *presetFormat("mxfp4");
  std::vector<float> w(2 * 32, 1.0f);
  std::vector<double> h(32 * 32, 0.0);
  QuantizedTensor q;
  h[0] = NAN;
  EXPECT_NE(gptqQuantize(f, 2, 32, w.data(), h.data(), GptqOptions(), q), "");
  h[0] = -1;
  EXPECT_NE(gptqQuantize(f, 2, 32, w.data(), h.data(), GptqOptions(), q), "");
  h[0] = 1;
  // Not positive definite without damping: a zero-free diagonal whose
  // off-diagonal entries dominate.
  for (int64_t j = 0; j < 32; ++j)
    for (int64_t i = 0; i < 32; ++i)
      h[size_t(i * 32 + j)] = i == j ? 1 : 2;
  GptqOptions o;
  o.damp = 0;
  EXPECT_NE(gptqQuantize(f, 2, 32, w.data(), h.data(), o, q), "");
  // Block size does not divide k.
  std::vector<double> h2(40 * 40, 0.0);
  std::vector<float> w2(40, 1.0f);
  EXPECT_NE(gptqQuantize(f, 1, 40, w2.data(), h2.data(), GptqOptions(), q), "");
}

TEST(Gptq, RelativeOutputError) {
  // tr(dW H dW^T) / tr(W H W^T) for a 1 x 2 weight by hand.
  float w[2] = {1, 2}, wq[2] = {1.5f, 2};
  double h[4] = {2, 1, 1, 3};
  // dW = [0.5, 0]: 0.5 * 2 * 0.5 = 0.5; W H W^T = 2 + 2*2 + 12 = 18.
  EXPECT_DOUBLE_EQ(relativeOutputError(1, 2, w, wq, h), 0.5 / 18);
}

// The importance-weighted search: a block where one element carries all the
// weight takes the candidate best for that element.
TEST(Gptq, WeightedMseSearch) {
  BlockFormat f = *presetFormat("nvfp4");
  int64_t k = 16;
  std::vector<float> x = normalTensor(17, k);
  std::vector<float> unit(size_t(k), 1.0f), one(size_t(k), 0.0f);
  one[4] = 1.0f;
  Layout l{{1, k}, 1};
  QuantizedTensor a = quantizeMse(f, l, x.data(), unit.data());
  QuantizedTensor b = quantizeMse(f, l, x.data());
  EXPECT_EQ(a.codes, b.codes);
  EXPECT_EQ(a.scales, b.scales);
  QuantizedTensor c = quantizeMse(f, l, x.data(), one.data());
  std::vector<float> dc(static_cast<size_t>(k)), db(static_cast<size_t>(k));
  dequantize(f, l, c, dc.data());
  dequantize(f, l, b, db.data());
  EXPECT_LE(std::fabs(dc[4] - x[4]), std::fabs(db[4] - x[4]));
}

} // namespace
