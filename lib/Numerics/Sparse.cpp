//===- Sparse.cpp - Sparse-quantized (SQ) formats: outliers per bank ------===//
//
// Selection, split quantization and decoding of SQ formats
// (docs/numerics.md section 6, D20-D25). Each part is quantized by the
// ordinary block quantizer, so the bits of each part are those of its format.
//
//===----------------------------------------------------------------------===//

#include "qf/Numerics/Sparse.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace qf::numerics {

namespace {
/// [outer, K, inner] view of a layout around its blocked axis.
struct AxisView {
  int64_t outer = 1, k = 1, inner = 1;
};

AxisView axisView(const Layout &l) {
  AxisView v;
  for (int i = 0; i < l.axis; ++i)
    v.outer *= l.shape[size_t(i)];
  v.k = l.shape[size_t(l.axis)];
  for (size_t i = size_t(l.axis) + 1; i < l.shape.size(); ++i)
    v.inner *= l.shape[i];
  return v;
}

/// Top-`count` of n keys (read with `stride`), ties to the smaller index,
/// written as ascending indices.
void topCount(int64_t n, int64_t count, uint8_t *out,
              const std::vector<float> &keys) {
  std::vector<int> idx(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i)
    idx[size_t(i)] = int(i);
  // Keys are never NaN (outlierImportance maps NaN to +Inf), so this is a
  // strict weak order; equal keys go by index.
  std::sort(idx.begin(), idx.end(), [&](int a, int b) {
    float ka = keys[size_t(a)], kb = keys[size_t(b)];
    return ka > kb || (ka == kb && a < b);
  });
  std::sort(idx.begin(), idx.begin() + count);
  for (int64_t c = 0; c < count; ++c)
    out[c] = uint8_t(idx[size_t(c)]);
}
} // namespace

BlockFormat lowFormat(const BlockFormat &f) {
  BlockFormat low = f;
  low.outliers.reset();
  return low;
}

BlockFormat highFormat(const BlockFormat &f) {
  const OutlierFormat &o = *f.outliers;
  BlockFormat h;
  h.elem = o.elem;
  h.blockKind = BlockKind::Fixed;
  h.blockSize = f.blockSize / o.bank * o.count;
  h.scale = o.scale;
  h.rule = o.rule;
  h.rounding = f.rounding;
  h.range = IntRange::Symmetric;
  return h;
}

Layout highLayout(const BlockFormat &f, const Layout &l) {
  Layout h = l;
  const OutlierFormat &o = *f.outliers;
  h.shape[size_t(l.axis)] = l.shape[size_t(l.axis)] / o.bank * o.count;
  return h;
}

float outlierImportance(float x, float w) {
  if (!std::isfinite(x))
    return std::numeric_limits<float>::infinity();
  float key = std::fabs(x) * w;
  // A NaN or negative weight must not break the order: it ranks lowest.
  if (!(key >= 0.0f))
    return 0.0f;
  return key;
}

std::vector<uint8_t> selectOutliers(const BlockFormat &f, const Layout &l,
                                    const float *data,
                                    const float *axisWeights) {
  const OutlierFormat &o = *f.outliers;
  AxisView v = axisView(l);
  int64_t banks = v.k / o.bank, kh = banks * o.count;
  std::vector<uint8_t> pos(size_t(v.outer * kh * v.inner));
  std::vector<float> keys(size_t(o.bank));
  for (int64_t out = 0; out < v.outer; ++out)
    for (int64_t in = 0; in < v.inner; ++in)
      for (int64_t b = 0; b < banks; ++b) {
        for (int64_t e = 0; e < o.bank; ++e) {
          int64_t k = b * o.bank + e;
          float x = data[(out * v.k + k) * v.inner + in];
          keys[size_t(e)] =
              outlierImportance(x, axisWeights ? axisWeights[k] : 1.0f);
        }
        uint8_t sel[256];
        topCount(o.bank, o.count, sel, keys);
        for (int64_t c = 0; c < o.count; ++c)
          pos[size_t((out * kh + b * o.count + c) * v.inner + in)] = sel[c];
      }
  return pos;
}

std::string checkPositions(const BlockFormat &f, const Layout &l,
                           const uint8_t *positions, int64_t n) {
  const OutlierFormat &o = *f.outliers;
  AxisView v = axisView(highLayout(f, l));
  if (n != v.outer * v.k * v.inner)
    return "expected " + std::to_string(v.outer * v.k * v.inner) +
           " positions, got " + std::to_string(n);
  for (int64_t out = 0; out < v.outer; ++out)
    for (int64_t in = 0; in < v.inner; ++in)
      for (int64_t j = 0; j < v.k; ++j) {
        int p = positions[(out * v.k + j) * v.inner + in];
        if (p >= o.bank)
          return "position " + std::to_string(p) + " is outside its bank of " +
                 std::to_string(o.bank);
        if (j % o.count != 0 &&
            p <= positions[(out * v.k + j - 1) * v.inner + in])
          return "positions of a bank must strictly ascend; got " +
                 std::to_string(positions[(out * v.k + j - 1) * v.inner + in]) +
                 " then " + std::to_string(p);
      }
  return "";
}

QuantizedTensor quantizeSparseWithPositions(const BlockFormat &f,
                                            const Layout &l, const float *data,
                                            const std::vector<uint8_t> &pos) {
  const OutlierFormat &o = *f.outliers;
  AxisView v = axisView(l);
  Layout hl = highLayout(f, l);
  int64_t kh = hl.shape[size_t(l.axis)];
  std::vector<float> low(data, data + l.numElements());
  std::vector<float> high(size_t(hl.numElements()));
  for (int64_t out = 0; out < v.outer; ++out)
    for (int64_t in = 0; in < v.inner; ++in)
      for (int64_t j = 0; j < kh; ++j) {
        size_t hi = size_t((out * kh + j) * v.inner + in);
        int64_t k = j / o.count * o.bank + pos[hi];
        size_t li = size_t((out * v.k + k) * v.inner + in);
        high[hi] = data[li];
        low[li] = 0.0f; // D22: the low scale sees the block without outliers
      }
  QuantizedTensor q = quantize(lowFormat(f), l, low.data());
  QuantizedTensor h = quantize(highFormat(f), hl, high.data());
  q.outlierCodes = std::move(h.codes);
  q.outlierScales = std::move(h.scales);
  q.positions = pos;
  return q;
}

QuantizedTensor quantizeSparse(const BlockFormat &f, const Layout &l,
                               const float *data, const float *axisWeights) {
  return quantizeSparseWithPositions(
      f, l, data, selectOutliers(f, l, data, axisWeights));
}

void dequantizeSparse(const BlockFormat &f, const Layout &l,
                      const QuantizedTensor &q, float *out) {
  const OutlierFormat &o = *f.outliers;
  dequantize(lowFormat(f), l, q, out);
  Layout hl = highLayout(f, l);
  QuantizedTensor h;
  h.codes = q.outlierCodes;
  h.scales = q.outlierScales;
  std::vector<float> high(size_t(hl.numElements()));
  dequantize(highFormat(f), hl, h, high.data());
  AxisView v = axisView(l);
  int64_t kh = hl.shape[size_t(l.axis)];
  for (int64_t o2 = 0; o2 < v.outer; ++o2)
    for (int64_t in = 0; in < v.inner; ++in)
      for (int64_t j = 0; j < kh; ++j) {
        size_t hi = size_t((o2 * kh + j) * v.inner + in);
        int64_t k = j / o.count * o.bank + q.positions[hi];
        out[(o2 * v.k + k) * v.inner + in] = high[hi];
      }
}

std::vector<uint8_t> staticChannelMask(const OutlierFormat &o, int64_t k,
                                       const float *channelMagnitude) {
  int64_t banks = k / o.bank;
  std::vector<uint8_t> mask(size_t(banks * o.count));
  std::vector<float> keys(size_t(o.bank));
  for (int64_t b = 0; b < banks; ++b) {
    for (int64_t e = 0; e < o.bank; ++e)
      keys[size_t(e)] = outlierImportance(channelMagnitude[b * o.bank + e], 1.0f);
    topCount(o.bank, o.count, mask.data() + b * o.count, keys);
  }
  return mask;
}

std::vector<uint8_t> broadcastMask(const BlockFormat &f, const Layout &l,
                                   const std::vector<uint8_t> &mask) {
  AxisView v = axisView(highLayout(f, l));
  std::vector<uint8_t> pos(size_t(v.outer * v.k * v.inner));
  for (int64_t out = 0; out < v.outer; ++out)
    for (int64_t j = 0; j < v.k; ++j)
      for (int64_t in = 0; in < v.inner; ++in)
        pos[size_t((out * v.k + j) * v.inner + in)] = mask[size_t(j)];
  return pos;
}

} // namespace qf::numerics
