//===- Stats.h - Portable random data and QSNR -----------------*- C++ -*-===//
//
// The portable generator of docs/numerics.md section 11.1 (SplitMix64 + FP64
// Box-Muller) and the QSNR of section 9.
//
//===----------------------------------------------------------------------===//
#ifndef QF_NUMERICS_STATS_H
#define QF_NUMERICS_STATS_H

#include <cstdint>
#include <vector>

namespace qf::numerics {

/// SplitMix64 as specified in section 11.1: output k (k = 1, 2, ...) is the
/// mix of seed + k * 0x9E3779B97F4A7C15.
class SplitMix64 {
public:
  explicit SplitMix64(uint64_t seed) : state(seed) {}
  uint64_t next();
  /// (z >> 11) * 2^-53.
  double nextUniform();

private:
  uint64_t state;
};

/// n N(0,1) values (FP64 Box-Muller on consecutive uniform pairs, rounded to
/// FP32).
std::vector<float> normalTensor(uint64_t seed, int64_t n);

/// The heavy-tailed t(3) tensor of section 11.1: 4n normals from `seed` as 4
/// rows z0..z3, t = z0 / sqrt((z1^2 + z2^2 + z3^2) / 3), rounded to FP32.
std::vector<float> studentT3Tensor(uint64_t seed, int64_t n);

/// QSNR in dB = -10 log10(sum (x - xq)^2 / sum x^2), sums in FP64.
double qsnrDb(const float *x, const float *xq, int64_t n);

} // namespace qf::numerics

#endif // QF_NUMERICS_STATS_H
