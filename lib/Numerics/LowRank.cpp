//===- LowRank.cpp - Randomized SVD and low-rank + residual splits --------===//
//
// Matrices that are worked on column by column (the sketch Y, its basis Q,
// the Jacobi iterate) are kept as vectors of columns, so that every dot
// product and update runs over contiguous memory in a fixed order; the order
// of every sum is part of the result's bits.
//
//===----------------------------------------------------------------------===//

#include "qf/Numerics/LowRank.h"

#include "qf/Numerics/Codec.h"
#include "qf/Numerics/Stats.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <sstream>

namespace qf::numerics {

namespace {

using Columns = std::vector<std::vector<double>>;

double dot(const std::vector<double> &x, const std::vector<double> &y) {
  double s = 0;
  for (size_t i = 0; i < x.size(); ++i)
    s += x[i] * y[i];
  return s;
}

/// Modified Gram-Schmidt, run twice per column: one pass loses
/// orthogonality in proportion to the condition number of the sketch,
/// which power iterations make large; the second pass restores it to
/// rounding level (Giraud et al., "twice is enough"). Columns left with
/// (numerically) nothing are set to zero.
void orthonormalize(Columns &cols) {
  double maxNorm = 0;
  for (const std::vector<double> &c : cols)
    maxNorm = std::max(maxNorm, std::sqrt(dot(c, c)));
  const double tol = 1e-12 * maxNorm;
  for (size_t j = 0; j < cols.size(); ++j) {
    std::vector<double> &v = cols[j];
    for (int pass = 0; pass < 2; ++pass)
      for (size_t i = 0; i < j; ++i) {
        double d = dot(cols[i], v);
        if (d == 0)
          continue;
        for (size_t t = 0; t < v.size(); ++t)
          v[t] -= d * cols[i][t];
      }
    double nv = std::sqrt(dot(v, v));
    if (nv <= tol || nv == 0) {
      std::fill(v.begin(), v.end(), 0.0);
      continue;
    }
    for (double &x : v)
      x /= nv;
  }
}

/// Y = A X for A m x n (row-major floats) and X given as columns of length n.
Columns timesA(const float *a, int64_t m, int64_t n, const Columns &x) {
  Columns y(x.size(), std::vector<double>(size_t(m), 0.0));
  for (size_t j = 0; j < x.size(); ++j)
    for (int64_t i = 0; i < m; ++i) {
      const float *row = a + i * n;
      double s = 0;
      for (int64_t p = 0; p < n; ++p)
        s += double(row[p]) * x[j][size_t(p)];
      y[j][size_t(i)] = s;
    }
  return y;
}

/// Z = A^T Q for Q given as columns of length m (columns of length n).
Columns timesAT(const float *a, int64_t m, int64_t n, const Columns &q) {
  Columns z(q.size(), std::vector<double>(size_t(n), 0.0));
  for (size_t j = 0; j < q.size(); ++j)
    for (int64_t i = 0; i < m; ++i) {
      double c = q[j][size_t(i)];
      if (c == 0)
        continue;
      const float *row = a + i * n;
      for (int64_t p = 0; p < n; ++p)
        z[j][size_t(p)] += double(row[p]) * c;
    }
  return z;
}

/// One-sided Jacobi (Hestenes) on the columns g_0..g_{k-1}: rotates pairs
/// until all are orthogonal, accumulating the rotations in J (k x k,
/// row-major, starting from the identity), so that G_in J = G_out.
/// Rotation of Demmel and Veselic (1992): zeta = (b - a) / 2c,
/// t = sign(zeta) / (|zeta| + sqrt(1 + zeta^2)), which makes the new pair
/// orthogonal with the smaller angle.
std::vector<double> jacobiRotate(Columns &g) {
  size_t k = g.size();
  std::vector<double> j(k * k, 0.0);
  for (size_t i = 0; i < k; ++i)
    j[i * k + i] = 1.0;
  for (int sweep = 0; sweep < 100; ++sweep) {
    bool rotated = false;
    for (size_t p = 0; p + 1 < k; ++p)
      for (size_t q = p + 1; q < k; ++q) {
        double alpha = dot(g[p], g[p]), beta = dot(g[q], g[q]);
        double gamma = dot(g[p], g[q]);
        if (alpha == 0 || beta == 0 ||
            std::fabs(gamma) <= 1e-15 * std::sqrt(alpha * beta))
          continue;
        rotated = true;
        double zeta = (beta - alpha) / (2 * gamma);
        double t = (zeta >= 0 ? 1.0 : -1.0) /
                   (std::fabs(zeta) + std::sqrt(1 + zeta * zeta));
        double c = 1 / std::sqrt(1 + t * t), s = c * t;
        for (size_t i = 0; i < g[p].size(); ++i) {
          double x = g[p][i], y = g[q][i];
          g[p][i] = c * x - s * y;
          g[q][i] = s * x + c * y;
        }
        for (size_t i = 0; i < k; ++i) {
          double x = j[i * k + p], y = j[i * k + q];
          j[i * k + p] = c * x - s * y;
          j[i * k + q] = s * x + c * y;
        }
      }
    if (!rotated)
      break;
  }
  return j;
}

/// Column norms of the converged iterate, and the order that sorts them
/// descending (ties keep the column order).
std::vector<size_t> sortedByNorm(const Columns &g, std::vector<double> &s) {
  s.resize(g.size());
  for (size_t i = 0; i < g.size(); ++i)
    s[i] = std::sqrt(dot(g[i], g[i]));
  std::vector<size_t> order(g.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    return s[x] > s[y] || (s[x] == s[y] && x < y);
  });
  return order;
}

} // namespace

Svd jacobiSvd(const double *a, int64_t m, int64_t n) {
  // Rotate the columns of A (m >= n) or of A^T (m < n): the Jacobi side is
  // the one with min(m, n) columns.
  bool tall = m >= n;
  int64_t rows = tall ? m : n, k = tall ? n : m;
  Columns g(static_cast<size_t>(k), std::vector<double>(size_t(rows)));
  for (int64_t i = 0; i < m; ++i)
    for (int64_t p = 0; p < n; ++p) {
      if (tall)
        g[size_t(p)][size_t(i)] = a[i * n + p];
      else
        g[size_t(i)][size_t(p)] = a[i * n + p];
    }
  std::vector<double> j = jacobiRotate(g);
  std::vector<double> norms;
  std::vector<size_t> order = sortedByNorm(g, norms);
  // G J = W diag(s): W's columns are the normalized g, J the other side.
  std::vector<double> w(size_t(rows * k), 0.0), other(size_t(k * k));
  Svd r;
  r.m = m;
  r.n = n;
  r.r = k;
  r.s.resize(size_t(k));
  for (int64_t t = 0; t < k; ++t) {
    size_t src = order[size_t(t)];
    double s = norms[src];
    r.s[size_t(t)] = s;
    if (s > 0)
      for (int64_t i = 0; i < rows; ++i)
        w[size_t(i * k + t)] = g[src][size_t(i)] / s;
    for (int64_t i = 0; i < k; ++i)
      other[size_t(i * k + t)] = j[size_t(i) * size_t(k) + src];
  }
  r.u = tall ? std::move(w) : std::move(other);
  r.v = tall ? std::move(other) : std::move(w);
  return r;
}

Svd randomizedSvd(const float *a, int64_t m, int64_t n,
                  const RandomizedSvdOptions &o) {
  int64_t full = std::min(m, n);
  int64_t k = std::min(o.rank, full);
  int64_t l = std::min(o.rank + o.oversample, full);
  // Rademacher test matrix, row-major order of SplitMix64 outputs.
  Columns omega(static_cast<size_t>(l), std::vector<double>(size_t(n)));
  SplitMix64 gen(o.seed);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < l; ++j)
      omega[size_t(j)][size_t(i)] = (gen.next() >> 63) ? -1.0 : 1.0;
  Columns q = timesA(a, m, n, omega);
  orthonormalize(q);
  for (int64_t it = 0; it < o.powerIterations; ++it) {
    Columns z = timesAT(a, m, n, q);
    orthonormalize(z);
    q = timesA(a, m, n, z);
    orthonormalize(q);
  }
  // B = Q^T A; its transpose A^T Q has l columns of length n, which the
  // Jacobi iteration orthogonalizes: B^T J = V_B diag(s), so B = J diag(s)
  // V_B^T and A ~ (Q J) diag(s) V_B^T.
  Columns g = timesAT(a, m, n, q);
  std::vector<double> j = jacobiRotate(g);
  std::vector<double> norms;
  std::vector<size_t> order = sortedByNorm(g, norms);
  Svd r;
  r.m = m;
  r.n = n;
  r.r = k;
  r.s.resize(size_t(k));
  r.u.assign(size_t(m * k), 0.0);
  r.v.assign(size_t(n * k), 0.0);
  for (int64_t t = 0; t < k; ++t) {
    size_t src = order[size_t(t)];
    double s = norms[src];
    r.s[size_t(t)] = s;
    if (s == 0)
      continue;
    for (int64_t p = 0; p < n; ++p)
      r.v[size_t(p * k + t)] = g[src][size_t(p)] / s;
    for (int64_t i = 0; i < m; ++i) {
      double u = 0;
      for (int64_t c = 0; c < l; ++c)
        u += q[size_t(c)][size_t(i)] * j[size_t(c * l) + src];
      r.u[size_t(i * k + t)] = u;
    }
  }
  return r;
}

double frobeniusEnergy(const float *a, int64_t n) {
  double s = 0;
  for (int64_t i = 0; i < n; ++i)
    s += double(a[i]) * double(a[i]);
  return s;
}

int64_t rankForEnergy(const std::vector<double> &s, double total,
                      double fraction, int64_t cap, bool &capped) {
  capped = false;
  int64_t lim = std::min(cap, int64_t(s.size()));
  double target = fraction * total, cum = 0;
  for (int64_t i = 0; i < lim; ++i) {
    cum += s[size_t(i)] * s[size_t(i)];
    if (cum >= target)
      return i + 1;
  }
  capped = true;
  return std::max<int64_t>(lim, 0);
}

int64_t largestUsefulRank(int64_t m, int64_t n) {
  if (m <= 0 || n <= 0)
    return 0;
  return (m * n - 1) / (m + n);
}

std::string checkLowRankOptions(const LowRankOptions &o) {
  std::ostringstream os;
  if (o.rank < 0)
    os << "rank " << o.rank << " is negative";
  else if (!(o.energy >= 0 && o.energy <= 1))
    os << "energy " << o.energy
       << " is not a fraction of the Frobenius energy in (0, 1]";
  else if (o.rank > 0 && o.energy > 0)
    os << "rank and energy are exclusive: give one of them";
  else if (o.rank == 0 && o.energy == 0)
    os << "give rank=<k> (a fixed rank) or energy=<fraction in (0, 1]>";
  else if (o.maxRank < 1)
    os << "max-rank " << o.maxRank << " must be at least 1";
  else if (o.oversample < 0)
    os << "oversample " << o.oversample << " is negative";
  else if (o.powerIterations < 0)
    os << "power-iterations " << o.powerIterations << " is negative";
  return os.str();
}

float roundToFactorType(float v, FactorType t) {
  return t == FactorType::BF16 ? bf16BitsToFloat(floatToBF16Bits(v)) : v;
}

LowRankSplit splitLowRank(const float *w, int64_t m, int64_t n,
                          const LowRankOptions &o) {
  LowRankSplit r;
  r.m = m;
  r.n = n;
  r.totalEnergy = frobeniusEnergy(w, m * n);
  r.residual.assign(w, w + m * n);
  int64_t want =
      o.rank > 0 ? o.rank : std::min(o.maxRank, largestUsefulRank(m, n));
  if (r.totalEnergy == 0 || want <= 0)
    return r;
  Svd svd = randomizedSvd(
      w, m, n, {want, o.oversample, o.powerIterations, o.seed});
  r.singularValues = svd.s;
  int64_t k = o.rank > 0 ? svd.r
                         : rankForEnergy(svd.s, r.totalEnergy, o.energy, svd.r,
                                         r.capped);
  r.rank = k;
  r.left.assign(size_t(m * k), 0.0f);
  r.right.assign(size_t(k * n), 0.0f);
  double captured = 0;
  for (int64_t t = 0; t < k; ++t) {
    double s = svd.s[size_t(t)];
    captured += s * s;
    double root = std::sqrt(s);
    for (int64_t i = 0; i < m; ++i)
      r.left[size_t(i * k + t)] = roundToFactorType(
          float(svd.u[size_t(i * svd.r + t)] * root), o.factorType);
    for (int64_t p = 0; p < n; ++p)
      r.right[size_t(t * n + p)] = roundToFactorType(
          float(root * svd.v[size_t(p * svd.r + t)]), o.factorType);
  }
  r.energyCaptured = captured / r.totalEnergy;
  for (int64_t i = 0; i < m; ++i)
    for (int64_t p = 0; p < n; ++p) {
      double lr = 0;
      for (int64_t t = 0; t < k; ++t)
        lr += double(r.left[size_t(i * k + t)]) *
              double(r.right[size_t(t * n + p)]);
      r.residual[size_t(i * n + p)] = float(double(w[i * n + p]) - lr);
    }
  return r;
}

double factorBitsPerElement(int64_t m, int64_t n, int64_t rank,
                            FactorType t) {
  if (m <= 0 || n <= 0)
    return 0;
  double bits = t == FactorType::BF16 ? 16 : 32;
  return double(rank) * double(m + n) * bits / (double(m) * double(n));
}

} // namespace qf::numerics
