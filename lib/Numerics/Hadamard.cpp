//===- Hadamard.cpp - Hadamard matrices and the FP32 FWHT -----------------===//
//
// D13-D15: Sylvester matrices in natural order, H_m (kron) H_2^k with the
// pinned Paley I tables for m = 12, 20, randomized signs from SplitMix64, and
// the FP32 transform whose operation order every lowering reproduces.
//
//===----------------------------------------------------------------------===//

#include "qf/Numerics/Hadamard.h"

#include "qf/Numerics/Stats.h"

#include <array>
#include <cassert>
#include <cmath>

namespace qf::numerics {

namespace {

// Paley construction I (q = 11 and q = 19): H = I + [[0, 1^T], [-1, Q]] with
// the Jacobsthal matrix Q_ij = chi(j - i). Pinned as tables (D14) so that the
// matrix never depends on how it is generated; the unit tests re-derive the
// construction and check H H^T = m I. The order-12 rows equal docs/numerics.md
// section 8.
const char *const kPaley12[12] = {
    "++++++++++++", "-++-+++---+-", "--++-+++---+", "-+-++-+++---",
    "--+-++-+++--", "---+-++-+++-", "----+-++-+++", "-+---+-++-++",
    "-++---+-++-+", "-+++---+-++-", "--+++---+-++", "-+-+++---+-+",
};

const char *const kPaley20[20] = {
    "++++++++++++++++++++", "-++--++++-+-+----++-", "--++--++++-+-+----++",
    "-+-++--++++-+-+----+", "-++-++--++++-+-+----", "--++-++--++++-+-+---",
    "---++-++--++++-+-+--", "----++-++--++++-+-+-", "-----++-++--++++-+-+",
    "-+----++-++--++++-+-", "--+----++-++--++++-+", "-+-+----++-++--++++-",
    "--+-+----++-++--++++", "-+-+-+----++-++--+++", "-++-+-+----++-++--++",
    "-+++-+-+----++-++--+", "-++++-+-+----++-++--", "--++++-+-+----++-++-",
    "---++++-+-+----++-++", "-+--++++-+-+----++-+",
};

template <size_t M>
std::array<int8_t, M * M> expand(const char *const (&rows)[M]) {
  std::array<int8_t, M * M> a{};
  for (size_t i = 0; i < M; ++i)
    for (size_t j = 0; j < M; ++j)
      a[i * M + j] = rows[i][j] == '+' ? 1 : -1;
  return a;
}

/// Splits n = m * 2^k with m in {1, 12, 20}; returns false if impossible.
bool splitSizeImpl(int64_t n, int &m, int64_t &p) {
  if (n < 1)
    return false;
  p = 1;
  while (n % 2 == 0) {
    n /= 2;
    p *= 2;
  }
  // n is now odd: 1, 3 (12 = 3 * 4) or 5 (20 = 5 * 4).
  if (n == 1) {
    m = 1;
    return true;
  }
  if ((n == 3 || n == 5) && p >= 4) {
    m = int(n) * 4;
    p /= 4;
    return true;
  }
  return false;
}

int popcount64(uint64_t x) {
  int c = 0;
  while (x) {
    x &= x - 1;
    ++c;
  }
  return c;
}

} // namespace

bool splitHadamardSize(int64_t n, int &m, int64_t &p) {
  return splitSizeImpl(n, m, p);
}

bool isSupportedHadamardSize(int64_t n) {
  int m;
  int64_t p;
  return splitSizeImpl(n, m, p);
}

const int8_t *paleyMatrix(int m) {
  static const std::array<int8_t, 144> h12 = expand(kPaley12);
  static const std::array<int8_t, 400> h20 = expand(kPaley20);
  if (m == 12)
    return h12.data();
  if (m == 20)
    return h20.data();
  return nullptr;
}

std::vector<int8_t> hadamardMatrix(int64_t n) {
  int m;
  int64_t p;
  if (!splitSizeImpl(n, m, p))
    return {};
  const int8_t *hm = m > 1 ? paleyMatrix(m) : nullptr;
  std::vector<int8_t> h(size_t(n * n));
  for (int64_t i = 0; i < n; ++i) {
    int64_t ri = i / p, ti = i % p;
    for (int64_t j = 0; j < n; ++j) {
      int64_t rj = j / p, tj = j % p;
      int s = popcount64(uint64_t(ti & tj)) & 1 ? -1 : 1;
      if (hm)
        s *= hm[ri * m + rj];
      h[size_t(i * n + j)] = int8_t(s);
    }
  }
  return h;
}

std::vector<int8_t> randomSigns(uint64_t seed, int64_t n) {
  SplitMix64 g(seed);
  std::vector<int8_t> s(size_t(n > 0 ? n : 0));
  for (auto &v : s)
    v = (g.next() >> 63) ? -1 : 1;
  return s;
}

void fwht(float *x, int64_t n) {
  int m;
  int64_t p;
  bool ok = splitSizeImpl(n, m, p);
  assert(ok && "unsupported Hadamard size");
  if (!ok)
    return;
  // Butterfly stages h = 1, 2, 4, ... on every contiguous group of p.
  for (int64_t g = 0; g < m; ++g) {
    float *y = x + g * p;
    for (int64_t h = 1; h < p; h *= 2)
      for (int64_t i = 0; i < p; i += 2 * h)
        for (int64_t j = i; j < i + h; ++j) {
          float a = y[j], b = y[j + h];
          y[j] = a + b;
          y[j + h] = a - b;
        }
  }
  // H_m across the m groups (slow index), summing j = 0..m-1 in order.
  if (m > 1) {
    const int8_t *hm = paleyMatrix(m);
    std::vector<float> col(static_cast<size_t>(m));
    for (int64_t t = 0; t < p; ++t) {
      for (int j = 0; j < m; ++j)
        col[size_t(j)] = x[j * p + t];
      for (int r = 0; r < m; ++r) {
        const int8_t *row = hm + r * m;
        float acc = row[0] > 0 ? col[0] : -col[0];
        for (int j = 1; j < m; ++j)
          acc = row[j] > 0 ? acc + col[size_t(j)] : acc - col[size_t(j)];
        x[r * p + t] = acc;
      }
    }
  }
  const float scale = float(1.0 / std::sqrt(double(n)));
  for (int64_t i = 0; i < n; ++i)
    x[i] *= scale;
}

void randomizedFwht(float *x, int64_t n, const int8_t *sigma) {
  for (int64_t i = 0; i < n; ++i)
    if (sigma[i] < 0)
      x[i] = -x[i];
  fwht(x, n);
}

void hadamardAlongAxis(float *data, const std::vector<int64_t> &shape,
                       int axis, int64_t block, bool randomized,
                       uint64_t seed) {
  assert(axis >= 0 && size_t(axis) < shape.size());
  int64_t outer = 1, inner = 1, len = shape[size_t(axis)];
  for (int i = 0; i < axis; ++i)
    outer *= shape[size_t(i)];
  for (size_t i = size_t(axis) + 1; i < shape.size(); ++i)
    inner *= shape[i];
  assert(block > 0 && len % block == 0 && isSupportedHadamardSize(block));
  std::vector<int8_t> sigma;
  if (randomized)
    sigma = randomSigns(seed, block);
  std::vector<float> buf(static_cast<size_t>(block));
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t b = 0; b < len / block; ++b)
      for (int64_t i = 0; i < inner; ++i) {
        float *base = data + (o * len + b * block) * inner + i;
        for (int64_t j = 0; j < block; ++j)
          buf[size_t(j)] = base[j * inner];
        if (randomized)
          randomizedFwht(buf.data(), block, sigma.data());
        else
          fwht(buf.data(), block);
        for (int64_t j = 0; j < block; ++j)
          base[j * inner] = buf[size_t(j)];
      }
}

} // namespace qf::numerics
