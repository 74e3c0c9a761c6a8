//===- LowRank.h - Randomized SVD and low-rank + residual splits -*- C++ -*-===//
//
// The compile-time linear algebra of qf-split-low-rank (docs/passes.md):
// W = L R + Res with L R the best rank-k approximation found by a
// seeded randomized SVD (Halko, Martinsson, Tropp 2011: range finder, power
// iterations, then the SVD of the small projected matrix by one-sided
// Jacobi), all in double precision. Only +, -, *, / and sqrt are used (the
// test matrix is Rademacher from SplitMix64, no libm), so a seed gives the
// same bits on every IEEE machine built without FMA contraction.
//
//===----------------------------------------------------------------------===//
#ifndef QF_NUMERICS_LOWRANK_H
#define QF_NUMERICS_LOWRANK_H

#include <cstdint>
#include <string>
#include <vector>

namespace qf::numerics {

/// A thin SVD A ~ U diag(s) V^T of an m x n matrix: U is m x r and V is
/// n x r (row-major), s has r values in descending order.
struct Svd {
  int64_t m = 0, n = 0, r = 0;
  std::vector<double> u, s, v;
};

/// The full thin SVD (r = min(m, n)) of a small dense row-major matrix by
/// one-sided Jacobi (Hestenes) rotations on the columns of A (or of A^T when
/// m < n), swept in cyclic order until no pair has a relative inner product
/// above 1e-15 (at most 100 sweeps). Columns of U for zero singular values
/// are zero. Ties in s keep the column order.
Svd jacobiSvd(const double *a, int64_t m, int64_t n);

/// Randomized SVD parameters: `rank` triplets from a sketch of
/// rank + oversample columns (capped at min(m, n)).
struct RandomizedSvdOptions {
  int64_t rank = 1;
  int64_t oversample = 8;
  int64_t powerIterations = 2;
  uint64_t seed = 0;
};

/// The leading `rank` singular triplets of the row-major m x n float matrix
/// `a`: Y = A Omega with Omega n x l Rademacher (entry (i, j) is -1 iff bit
/// 63 of SplitMix64(seed) output i * l + j is set, as randomSigns), Q =
/// orth(Y); each power iteration Q = orth(A orth(A^T Q)); then the Jacobi
/// SVD of B = Q^T A gives U = Q U_B. orth is modified Gram-Schmidt run twice
/// (re-orthonormalization); a column whose remaining norm is below 1e-12 of
/// the largest input column is set to zero (A has lower rank than the
/// sketch), which gives zero singular values, never NaN. Returns
/// min(rank, min(m, n)) triplets.
Svd randomizedSvd(const float *a, int64_t m, int64_t n,
                  const RandomizedSvdOptions &o);

/// Sum of squares of `n` floats in double (the Frobenius energy).
double frobeniusEnergy(const float *a, int64_t n);

/// The smallest k whose leading singular values capture `fraction` of the
/// energy `total` (sum_{i<k} s_i^2 >= fraction * total), at most `cap` and
/// s.size(); `capped` is set when that limit stopped the search first.
int64_t rankForEnergy(const std::vector<double> &s, double total,
                      double fraction, int64_t cap, bool &capped);

/// The largest rank whose factors hold fewer numbers than the m x n matrix:
/// the largest k with k (m + n) < m n (and k < min(m, n)).
int64_t largestUsefulRank(int64_t m, int64_t n);

/// Element type of the factors L and R.
enum class FactorType { F32, BF16 };

/// How a split chooses its rank: exactly `rank`, or (rank = 0) the smallest
/// rank capturing `energy` of the Frobenius energy, at most `maxRank`.
struct LowRankOptions {
  int64_t rank = 0;
  double energy = 0;
  int64_t maxRank = 64;
  int64_t oversample = 8;
  int64_t powerIterations = 2;
  uint64_t seed = 0;
  FactorType factorType = FactorType::F32;
};

/// An empty string when `o` is usable: exactly one of rank > 0 and energy in
/// (0, 1]; maxRank >= 1; oversample, powerIterations >= 0. Otherwise a
/// message naming the bad value.
std::string checkLowRankOptions(const LowRankOptions &o);

/// W (m x n) = L R + Res: L = U_k sqrt(S_k) (m x k) and R = sqrt(S_k) V_k^T
/// (k x n), each rounded to the factor type (bf16: round to nearest even,
/// the values kept as floats), and Res = W - L R evaluated in double from the
/// rounded factors and rounded once to float, so the rounding of the
/// factors is carried by the residual. The square root of S goes to both
/// sides so that the two factors have the same range (better for bf16).
struct LowRankSplit {
  int64_t m = 0, n = 0, rank = 0;
  std::vector<float> left, right, residual;
  /// The leading singular values the sketch found (descending): `rank` of
  /// them, or the cap of an energy= selection.
  std::vector<double> singularValues;
  double totalEnergy = 0;
  /// sum_{i<rank} s_i^2 / totalEnergy.
  double energyCaptured = 0;
  /// energy= selection stopped at maxRank or the useful rank.
  bool capped = false;
};

/// Splits the row-major m x n matrix `w`; rank = 0 in the result when the
/// matrix is zero. Requires checkLowRankOptions(o) to be empty. With
/// o.rank, the caller checks o.rank against largestUsefulRank; an energy
/// selection is capped by min(o.maxRank, largestUsefulRank(m, n)).
LowRankSplit splitLowRank(const float *w, int64_t m, int64_t n,
                          const LowRankOptions &o);

/// Bits per element of W that factors of `rank` cost: rank (m + n) * bits /
/// (m n), bits 32 (f32) or 16 (bf16).
double factorBitsPerElement(int64_t m, int64_t n, int64_t rank, FactorType t);

/// The value a float takes in the factor type (identity for f32).
float roundToFactorType(float v, FactorType t);

} // namespace qf::numerics

#endif // QF_NUMERICS_LOWRANK_H
