//===- Gptq.cpp - Hessian-aware weight rounding (GPTQ / OBS) --------------===//
//
// docs/numerics.md section 7.1. All matrix arithmetic is in double; the
// values handed to the block quantizer are rounded to FP32 first, so the
// codes and scales are those of the numerics library for those values.
//
//===----------------------------------------------------------------------===//

#include "qf/Numerics/Gptq.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace qf::numerics {

namespace {

/// In-place lower Cholesky factor of the symmetric n x n matrix `a` (only
/// the lower triangle is read). False when a pivot is not positive.
bool choleskyLower(std::vector<double> &a, int64_t n) {
  for (int64_t j = 0; j < n; ++j) {
    double d = a[size_t(j * n + j)];
    for (int64_t p = 0; p < j; ++p)
      d -= a[size_t(j * n + p)] * a[size_t(j * n + p)];
    if (!(d > 0) || !std::isfinite(d))
      return false;
    double l = std::sqrt(d);
    a[size_t(j * n + j)] = l;
    for (int64_t i = j + 1; i < n; ++i) {
      double s = a[size_t(i * n + j)];
      for (int64_t p = 0; p < j; ++p)
        s -= a[size_t(i * n + p)] * a[size_t(j * n + p)];
      a[size_t(i * n + j)] = s / l;
    }
    for (int64_t i = 0; i < j; ++i)
      a[size_t(i * n + j)] = 0; // keep the strict upper triangle zero
  }
  return true;
}

/// Inverse of the lower triangular n x n matrix `l` (lower triangular).
std::vector<double> invertLower(const std::vector<double> &l, int64_t n) {
  std::vector<double> inv(size_t(n * n), 0.0);
  for (int64_t c = 0; c < n; ++c) {
    inv[size_t(c * n + c)] = 1.0 / l[size_t(c * n + c)];
    for (int64_t i = c + 1; i < n; ++i) {
      double s = 0;
      for (int64_t p = c; p < i; ++p)
        s += l[size_t(i * n + p)] * inv[size_t(p * n + c)];
      inv[size_t(i * n + c)] = -s / l[size_t(i * n + i)];
    }
  }
  return inv;
}

/// The upper Cholesky factor U of H^-1 (H^-1 = U^T U) without forming
/// H^-1: with P the order-reversing permutation, P H P = L L^T gives
/// H^-1 = (P L^-T P)(P L^-1 P), and P L^-1 P is upper triangular.
bool upperCholeskyOfInverse(const std::vector<double> &h, int64_t n,
                            std::vector<double> &u) {
  std::vector<double> a(size_t(n * n));
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j)
      a[size_t(i * n + j)] = h[size_t((n - 1 - i) * n + (n - 1 - j))];
  if (!choleskyLower(a, n))
    return false;
  std::vector<double> li = invertLower(a, n);
  u.assign(size_t(n * n), 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = i; j < n; ++j)
      u[size_t(i * n + j)] = li[size_t((n - 1 - i) * n + (n - 1 - j))];
  return true;
}

} // namespace

std::string gptqQuantize(const BlockFormat &f, int64_t rows, int64_t k,
                         const float *w, const double *h,
                         const GptqOptions &opts, QuantizedTensor &out,
                         bool *roundedToNearest) {
  if (roundedToNearest)
    *roundedToNearest = false;
  if (std::string v = f.validate(); !v.empty())
    return v;
  if (rows < 0 || k < 1)
    return "the weight must have at least one column (k = " +
           std::to_string(k) + ")";
  Layout l{{rows, k}, 1};
  if (std::string v = checkLayout(f, l); !v.empty())
    return v;
  if (!(opts.damp >= 0) || !std::isfinite(opts.damp))
    return "damping " + std::to_string(opts.damp) +
           " must be a finite value >= 0";
  for (int64_t i = 0; i < k * k; ++i)
    if (!std::isfinite(h[i]))
      return "the second moment H has a non-finite value";
  for (int64_t j = 0; j < k; ++j)
    if (h[j * k + j] < 0)
      return "the second moment H has a negative diagonal value at " +
             std::to_string(j);
  int64_t n = rows * k;
  QuantizedTensor base = quantize(f, l, w);
  for (int64_t i = 0; i < n; ++i)
    if (!std::isfinite(w[i])) {
      out = std::move(base);
      if (roundedToNearest)
        *roundedToNearest = true;
      return "";
    }

  // 1. Damped H with decoupled dead columns.
  std::vector<double> hd(h, h + k * k);
  double mean = 0;
  for (int64_t j = 0; j < k; ++j) {
    if (hd[size_t(j * k + j)] == 0)
      hd[size_t(j * k + j)] = 1;
    mean += hd[size_t(j * k + j)];
  }
  mean /= double(k);
  for (int64_t j = 0; j < k; ++j)
    hd[size_t(j * k + j)] += opts.damp * mean;
  // 2. U.
  std::vector<double> u;
  if (!upperCholeskyOfInverse(hd, k, u))
    return "the damped second moment is not positive definite (damping " +
           std::to_string(opts.damp) + "); raise the damping";

  // 3. Columns in order.
  bool twoLevel = f.scale != ScaleType::E8M0 && f.tensorScale;
  float g = twoLevel ? base.tensorScale : 1.0f;
  float sEnc = twoLevel ? 1.0f / base.tensorScale : 1.0f;
  int64_t len = blockLength(f, l);
  bool perTensor = f.blockKind == BlockKind::Tensor;
  int64_t nb = perTensor ? 1 : k / len;
  std::vector<float> diag(static_cast<size_t>(k));
  for (int64_t j = 0; j < k; ++j)
    diag[size_t(j)] = float(h[j * k + j]);
  out = QuantizedTensor();
  out.codes.assign(size_t(n), 0);
  out.scales = base.scales;
  out.tensorScale = base.tensorScale;
  if (perTensor && opts.mseScales) {
    std::vector<float> wts(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; ++i)
      wts[size_t(i)] = diag[size_t(i % k)];
    out.scales[0] =
        searchBlockScale(f, w, n, base.scales[0], sEnc, g, wts.data());
  }
  int64_t batch = std::max<int64_t>(opts.lazyBatch, 1);
  if (!perTensor)
    batch = (batch + len - 1) / len * len;
  std::vector<double> wd(w, w + n);
  std::vector<float> xb(size_t(perTensor ? 1 : len));
  std::vector<uint8_t> scratch(xb.size());
  for (int64_t b0 = 0; b0 < k; b0 += batch) {
    int64_t b1 = std::min(b0 + batch, k);
    std::vector<double> err(size_t(rows * (b1 - b0)), 0.0);
    for (int64_t j = b0; j < b1; ++j) {
      double ujj = u[size_t(j * k + j)];
      for (int64_t r = 0; r < rows; ++r) {
        double *row = wd.data() + r * k;
        ScaleBits &sb =
            out.scales[size_t(perTensor ? 0 : r * nb + j / len)];
        if (!perTensor && j % len == 0) {
          for (int64_t i = 0; i < len; ++i)
            xb[size_t(i)] = float(row[j + i]);
          sb = quantizeBlock(f, xb.data(), len, 1, sEnc, scratch.data());
          if (opts.mseScales)
            sb = searchBlockScale(f, xb.data(), len, sb, sEnc, g,
                                  diag.data() + j);
        }
        float x = float(row[j]), qv;
        uint8_t &code = out.codes[size_t(r * k + j)];
        quantizeBlockWithScale(f, &x, 1, 1, sb, sEnc, &code);
        dequantizeBlock(f, &code, 1, 1, sb, g, &qv);
        double e = (row[j] - double(qv)) / ujj;
        if (!std::isfinite(e)) {
          // Only reachable when the updates overflow FP32 (a block scale
          // saturated far below the updated values): round to nearest.
          out = std::move(base);
          if (roundedToNearest)
            *roundedToNearest = true;
          return "";
        }
        err[size_t(r * (b1 - b0) + (j - b0))] = e;
        const double *uj = u.data() + j * k;
        for (int64_t c = j + 1; c < b1; ++c)
          row[c] -= e * uj[c];
      }
    }
    // The batch's errors reach the later columns in one pass.
    for (int64_t r = 0; r < rows; ++r) {
      double *row = wd.data() + r * k;
      for (int64_t j = b0; j < b1; ++j) {
        double e = err[size_t(r * (b1 - b0) + (j - b0))];
        const double *uj = u.data() + j * k;
        for (int64_t c = b1; c < k; ++c)
          row[c] -= e * uj[c];
      }
    }
  }
  return "";
}

double relativeOutputError(int64_t rows, int64_t k, const float *w,
                           const float *wq, const double *h) {
  double num = 0, den = 0;
  std::vector<double> d(static_cast<size_t>(k));
  for (int64_t r = 0; r < rows; ++r) {
    const float *wr = w + r * k, *qr = wq + r * k;
    for (int64_t j = 0; j < k; ++j)
      d[size_t(j)] = double(qr[j]) - double(wr[j]);
    for (int64_t i = 0; i < k; ++i) {
      double sd = 0, sw = 0;
      for (int64_t j = 0; j < k; ++j) {
        sd += h[i * k + j] * d[size_t(j)];
        sw += h[i * k + j] * double(wr[j]);
      }
      num += d[size_t(i)] * sd;
      den += double(wr[i]) * sw;
    }
  }
  if (!std::isfinite(num) || !std::isfinite(den))
    return std::nan("");
  return den > 0 ? num / den : 0.0;
}

} // namespace qf::numerics
