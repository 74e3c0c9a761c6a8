//===- Stats.cpp - Portable random data and QSNR --------------------------===//
//
// docs/numerics.md section 11.1 generator (bit-reproducible up to libm ulps in
// log/cos/sin) and the section 9 QSNR.
//
//===----------------------------------------------------------------------===//

#include "qf/Numerics/Stats.h"

#include <cmath>

namespace qf::numerics {

uint64_t SplitMix64::next() {
  state += 0x9E3779B97F4A7C15ull;
  uint64_t z = state;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

double SplitMix64::nextUniform() {
  return double(next() >> 11) * 0x1.0p-53;
}

/// FP64 normals from consecutive uniform pairs.
static std::vector<double> normals64(uint64_t seed, int64_t n) {
  const double twoPi = 2.0 * 3.14159265358979323846;
  SplitMix64 g(seed);
  std::vector<double> z(size_t(n > 0 ? n : 0));
  for (int64_t i = 0; i < n; i += 2) {
    double u1 = g.nextUniform();
    double u2 = g.nextUniform();
    double r = std::sqrt(-2.0 * std::log(1.0 - u1));
    double th = twoPi * u2;
    z[size_t(i)] = r * std::cos(th);
    if (i + 1 < n)
      z[size_t(i + 1)] = r * std::sin(th);
  }
  return z;
}

std::vector<float> normalTensor(uint64_t seed, int64_t n) {
  std::vector<double> z = normals64(seed, n);
  return std::vector<float>(z.begin(), z.end());
}

std::vector<float> studentT3Tensor(uint64_t seed, int64_t n) {
  std::vector<double> z = normals64(seed, 4 * n);
  std::vector<float> t(size_t(n > 0 ? n : 0));
  for (int64_t i = 0; i < n; ++i) {
    double z0 = z[size_t(i)], z1 = z[size_t(n + i)], z2 = z[size_t(2 * n + i)],
           z3 = z[size_t(3 * n + i)];
    t[size_t(i)] = float(z0 / std::sqrt((z1 * z1 + z2 * z2 + z3 * z3) / 3.0));
  }
  return t;
}

double qsnrDb(const float *x, const float *xq, int64_t n) {
  double num = 0, den = 0;
  for (int64_t i = 0; i < n; ++i) {
    double d = double(x[i]) - double(xq[i]);
    num += d * d;
    den += double(x[i]) * double(x[i]);
  }
  return -10.0 * std::log10(num / den);
}

} // namespace qf::numerics
