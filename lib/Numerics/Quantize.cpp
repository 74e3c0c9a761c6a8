//===- Quantize.cpp - Block quantization of FP32 tensors ------------------===//
//
// MX (E8M0, section 3.1, D3-D5) and float-scale (section 4.2 / D8 order)
// block quantizers, the tensor-level encode scale and the block layout (D12).
// This file must be compiled without FP contraction (see CMakeLists.txt): the
// float-scale path is specified as a sequence of individually rounded FP32
// operations.
//
//===----------------------------------------------------------------------===//

#include "qf/Numerics/Quantize.h"

#include "NumericsInternal.h"
#include "qf/Numerics/Sparse.h"

#include <cfloat>
#include <cmath>
#include <limits>

namespace qf::numerics {

namespace {

/// Geometry of a blocked tensor: the data is viewed as [outer, axisLen, inner]
/// and split into `numBlocks` blocks of `len` along the middle dimension.
struct BlockGeometry {
  int64_t outer = 1;
  int64_t axisLen = 1;
  int64_t inner = 1;
  int64_t len = 1;
  int64_t numBlocks = 1; ///< per (outer, inner) pair
};

BlockGeometry geometry(const BlockFormat &f, const Layout &l) {
  BlockGeometry g;
  if (f.blockKind == BlockKind::Tensor) {
    g.axisLen = l.numElements();
    g.len = g.axisLen;
    g.numBlocks = 1;
    return g;
  }
  for (int i = 0; i < l.axis; ++i)
    g.outer *= l.shape[i];
  g.axisLen = l.shape[l.axis];
  for (size_t i = size_t(l.axis) + 1; i < l.shape.size(); ++i)
    g.inner *= l.shape[i];
  g.len = blockLength(f, l);
  g.numBlocks = g.len > 0 ? g.axisLen / g.len : 0;
  return g;
}

/// Calls fn(dataOffset, stride, scaleIndex) for every block in scale order.
template <typename Fn>
void forEachBlock(const BlockFormat &f, const Layout &l, Fn fn) {
  BlockGeometry g = geometry(f, l);
  if (f.blockKind == BlockKind::Tensor) {
    fn(int64_t(0), int64_t(1), int64_t(0), g.len);
    return;
  }
  int64_t s = 0;
  for (int64_t o = 0; o < g.outer; ++o)
    for (int64_t i = 0; i < g.inner; ++i)
      for (int64_t b = 0; b < g.numBlocks; ++b, ++s)
        fn(o * g.axisLen * g.inner + b * g.len * g.inner + i, g.inner, s,
           g.len);
}

bool blockHasNonFinite(const float *x, int64_t n, int64_t stride) {
  for (int64_t i = 0; i < n; ++i)
    if (!std::isfinite(x[i * stride]))
      return true;
  return false;
}

/// max |x| of a block of finite values (-0 and +0 equal).
float blockAmax(const float *x, int64_t n, int64_t stride) {
  float amax = 0.0f;
  for (int64_t i = 0; i < n; ++i) {
    float a = std::fabs(x[i * stride]);
    if (a > amax)
      amax = a;
  }
  return amax;
}

void writeZeros(uint8_t *codes, int64_t n, int64_t stride) {
  for (int64_t i = 0; i < n; ++i)
    codes[i * stride] = 0;
}

/// Section 3.1 step 5: the shared exponent of a block with finite amax > 0.
int mxScaleExponent(const BlockFormat &f, float amax) {
  int e = exactExponent(amax);
  int xs = e - f.elem.emax();
  switch (f.rule) {
  case ScaleRule::Floor:
    break;
  case ScaleRule::Ceil:
    // Smallest power of two with amax / X <= Qmax; Qmax * 2^xs is exact.
    if (double(amax) > std::ldexp(f.elementMax(), xs))
      ++xs;
    break;
  case ScaleRule::Even: {
    // Round amax's significand to the element's trailing-mantissa width with
    // ties away, then floor: +1 iff m >= 2 - 2^-(y+1).
    int y = f.elem.isInt() ? f.elem.bits - 2 : f.elem.manBits;
    double m = std::ldexp(double(amax), -e); // exact, in [1, 2)
    if (m >= 2.0 - std::ldexp(1.0, -(y + 1)))
      ++xs;
    break;
  }
  }
  if (xs < -127)
    xs = -127;
  if (xs > 127) // D5: clamp, elements saturate
    xs = 127;
  return xs;
}

/// Encodes one MX block with the given shared exponent xs.
void encodeMxBlock(const BlockFormat &f, const float *x, int64_t n,
                   int64_t stride, int xs, uint8_t *codes) {
  if (f.elem.isInt()) {
    int shift = (f.elem.bits - 2) - xs;
    for (int64_t i = 0; i < n; ++i)
      codes[i * stride] = detail::encodeIntElementExact(
          f.elem, std::ldexp(double(x[i * stride]), shift), f.rounding,
          f.range);
    return;
  }
  for (int64_t i = 0; i < n; ++i)
    codes[i * stride] = detail::encodeFloatElementExact(
        f.elem, std::ldexp(double(x[i * stride]), -xs), f.rounding);
}

/// Section 4.2 steps 4-5 for one block with stored scale `sf` (finite).
void encodeFloatScaledBlock(const BlockFormat &f, const float *x, int64_t n,
                            int64_t stride, float sf, float sEnc,
                            uint8_t *codes) {
  float eb = 0.0f;
  if (sf != 0.0f) {
    eb = sEnc / sf;
    if (!(eb <= FLT_MAX))
      eb = FLT_MAX;
  }
  for (int64_t i = 0; i < n; ++i) {
    float v = x[i * stride] * eb;
    codes[i * stride] =
        f.elem.isInt()
            ? detail::encodeIntElementExact(f.elem, double(v), f.rounding,
                                            f.range)
            : detail::encodeFloatElementExact(f.elem, double(v), f.rounding);
  }
}

} // namespace

//===----------------------------------------------------------------------===//
// Layout
//===----------------------------------------------------------------------===//

int64_t Layout::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

int64_t blockLength(const BlockFormat &f, const Layout &l) {
  switch (f.blockKind) {
  case BlockKind::Fixed:
    return f.blockSize;
  case BlockKind::Channel:
    return l.axis >= 0 && size_t(l.axis) < l.shape.size() ? l.shape[l.axis]
                                                          : 0;
  case BlockKind::Tensor:
    return l.numElements();
  }
  return 0;
}

std::vector<int64_t> scaleShape(const BlockFormat &f, const Layout &l) {
  if (f.blockKind == BlockKind::Tensor)
    return {};
  std::vector<int64_t> s;
  for (size_t i = 0; i < l.shape.size(); ++i)
    if (int(i) != l.axis)
      s.push_back(l.shape[i]);
  int64_t len = blockLength(f, l);
  s.push_back(len > 0 ? l.shape[l.axis] / len : 0);
  return s;
}

std::string checkLayout(const BlockFormat &f, const Layout &l) {
  for (size_t i = 0; i < l.shape.size(); ++i)
    if (l.shape[i] < 0)
      return "dimension " + std::to_string(i) + " has negative size " +
             std::to_string(l.shape[i]);
  if (f.blockKind == BlockKind::Tensor)
    return "";
  if (l.axis < 0 || size_t(l.axis) >= l.shape.size())
    return "blocked axis " + std::to_string(l.axis) +
           " is out of range for a tensor of rank " +
           std::to_string(l.shape.size()) + "; expected 0.." +
           std::to_string(int64_t(l.shape.size()) - 1);
  int64_t dim = l.shape[l.axis];
  if (f.blockKind == BlockKind::Fixed) {
    if (f.blockSize < 1)
      return "block size " + std::to_string(f.blockSize) + " must be >= 1";
    if (dim % f.blockSize != 0)
      return "block size " + std::to_string(f.blockSize) +
             " does not divide dimension " + std::to_string(l.axis) +
             " (size " + std::to_string(dim) + ") of the blocked axis";
  }
  return "";
}

//===----------------------------------------------------------------------===//
// Quantization
//===----------------------------------------------------------------------===//

float tensorEncodeScaleForAmax(const BlockFormat &f, float amax) {
  if (!(amax > 0.0f) || !std::isfinite(amax))
    return 1.0f;
  // fp32(Smax * Qe); only a BF16 scale makes the product exceed FLT_MAX.
  double prod = scaleMaxFinite(f.scale) * f.elementMax();
  float num = prod > double(FLT_MAX) ? FLT_MAX : float(prod);
  float sEnc = num / amax;
  if (!(sEnc <= FLT_MAX))
    sEnc = FLT_MAX;
  if (sEnc == 0.0f)
    sEnc = 1.0f;
  return sEnc;
}

float tensorEncodeScale(const BlockFormat &f, const float *data, int64_t n) {
  float amax = 0.0f;
  for (int64_t i = 0; i < n; ++i) {
    float a = std::fabs(data[i]);
    if (std::isfinite(a) && a > amax)
      amax = a;
  }
  return tensorEncodeScaleForAmax(f, amax);
}

ScaleBits searchBlockScale(const BlockFormat &f, const float *x, int64_t len,
                           ScaleBits initial, float sEnc, float g,
                           const float *weights) {
  if (blockHasNonFinite(x, len, 1))
    return initial;
  std::vector<uint8_t> codes(size_t(len), 0);
  std::vector<float> out(size_t(len), 0.0f);
  auto sse = [&](ScaleBits sb) {
    float sf = decodeScale(f.scale, sb);
    if (std::isnan(sf))
      return std::numeric_limits<double>::infinity();
    if (f.scale == ScaleType::E8M0)
      encodeMxBlock(f, x, len, 1, int(sb & 0xFF) - 127, codes.data());
    else
      encodeFloatScaledBlock(f, x, len, 1, sf, sEnc, codes.data());
    dequantizeBlock(f, codes.data(), len, 1, sb, g, out.data());
    double e = 0;
    for (int64_t i = 0; i < len; ++i) {
      double d = double(out[size_t(i)]) - double(x[i]);
      e += weights ? double(weights[i]) * d * d : d * d;
    }
    return e;
  };
  ScaleBits best = initial;
  double bestErr = sse(best);
  std::vector<ScaleBits> candidates;
  if (f.scale == ScaleType::E8M0) {
    int xs = int(best & 0xFF) - 127;
    for (int d : {-1, 1})
      if (xs + d >= -127 && xs + d <= 127)
        candidates.push_back(encodeE8M0(xs + d));
  } else {
    float amax = blockAmax(x, len, 1);
    float qe = float(f.elementMax());
    for (int k = 50; k <= 151; ++k) {
      if (k == 100)
        continue;
      float a = amax * (float(k) / 100.0f);
      candidates.push_back(encodeScaleRNE(f.scale, (a / qe) * sEnc));
    }
  }
  for (ScaleBits c : candidates) {
    double e = sse(c);
    if (e < bestErr) {
      bestErr = e;
      best = c;
    }
  }
  return best;
}

void quantizeBlockWithScale(const BlockFormat &f, const float *x, int64_t n,
                            int64_t stride, ScaleBits sb, float sEnc,
                            uint8_t *codes) {
  float sf = decodeScale(f.scale, sb);
  if (std::isnan(sf)) {
    writeZeros(codes, n, stride);
    return;
  }
  if (f.scale == ScaleType::E8M0)
    encodeMxBlock(f, x, n, stride, int(sb & 0xFF) - 127, codes);
  else
    encodeFloatScaledBlock(f, x, n, stride, sf, sEnc, codes);
}

QuantizedTensor quantizeMse(const BlockFormat &f, const Layout &l,
                            const float *data, const float *axisWeights) {
  QuantizedTensor q = quantize(f, l, data);
  // SQ formats: the low blocks' scales ignore the outliers (D22); a search
  // over the whole block would re-encode the outlier slots, which must stay
  // +0, so the selection by |w| and the scales from the data stand.
  if (f.outliers)
    return q;
  float sEnc = f.scale != ScaleType::E8M0 && f.tensorScale ? 1.0f / q.tensorScale
                                                           : 1.0f;
  float g = f.scale != ScaleType::E8M0 && f.tensorScale ? q.tensorScale : 1.0f;
  BlockGeometry geo = geometry(f, l);
  std::vector<float> xb, wb;
  forEachBlock(f, l, [&](int64_t off, int64_t stride, int64_t s, int64_t len) {
    const float *x = data + off;
    // The trial encodings write contiguous scratch codes, so they read a
    // contiguous copy of the block (blocks along an outer axis are strided).
    xb.resize(size_t(len));
    for (int64_t i = 0; i < len; ++i)
      xb[size_t(i)] = x[i * stride];
    if (axisWeights) {
      // Position of the block's first element along the blocked axis.
      int64_t a0 = (off / geo.inner) % geo.axisLen;
      wb.resize(size_t(len));
      for (int64_t i = 0; i < len; ++i)
        wb[size_t(i)] = axisWeights[f.blockKind == BlockKind::Tensor ? i : a0 + i];
    }
    ScaleBits best =
        searchBlockScale(f, xb.data(), len, q.scales[size_t(s)], sEnc, g,
                         axisWeights ? wb.data() : nullptr);
    q.scales[size_t(s)] = best;
    quantizeBlockWithScale(f, x, len, stride, best, sEnc, q.codes.data() + off);
  });
  return q;
}

ScaleBits scaleForAmax(const BlockFormat &f, float amax) {
  amax = std::fabs(amax);
  if (!std::isfinite(amax))
    return scaleNaN(f.scale);
  if (f.scale == ScaleType::E8M0)
    return encodeE8M0(amax == 0.0f ? -127 : mxScaleExponent(f, amax));
  float qe = float(f.elementMax());
  return encodeScaleRNE(f.scale, (amax / qe) * 1.0f);
}

bool requantizeIsIdentity(const BlockFormat &f) {
  // SQ: decoded outliers can lose to decoded low values in a re-selection.
  if (f.outliers)
    return false;
  return f.scale == ScaleType::E8M0 && f.rule == ScaleRule::Floor &&
         (f.elem.isFloat() || f.range == IntRange::Symmetric);
}

bool requantizeIsLossless(const BlockFormat &from, const BlockFormat &to) {
  if (from.outliers || to.outliers)
    return false;
  if (from.scale != ScaleType::E8M0 || to.scale != ScaleType::E8M0 ||
      to.rule != ScaleRule::Floor || from.blockKind != BlockKind::Fixed ||
      to.blockKind != BlockKind::Fixed || from.blockSize != to.blockSize ||
      from.tensorScale || to.tensorScale)
    return false;
  const ElementFormat &a = from.elem, &b = to.elem;
  if (a.isInt() && b.isInt()) {
    // Codes k of `from` become k * 2^(bits(to) - bits(from) + d), d >= 0
    // (see the header); the most negative full-range code needs one more bit.
    int need = from.range == IntRange::Full ? a.bits + 1 : a.bits;
    return b.bits >= need;
  }
  if (!a.isFloat() || !b.isFloat() || b.manBits < a.manBits ||
      b.emax() < a.emax())
    return false;
  // No clipping of the largest significand of `from` in `to`'s top binade.
  double sigA = 2.0 - std::ldexp(1.0, -a.manBits);
  if (sigA * std::ldexp(1.0, b.emax()) > b.maxFinite())
    return false;
  // The quantum of `from`'s grid lands on `to`'s grid for every exponent
  // distance the two block scales can have: d >= emax(to) - emax(from)
  // normally, d >= 0 when `to`'s scale clamps at 2^-127.
  int quantumA = (1 - a.bias) - a.manBits;
  int quantumB = (1 - b.bias) - b.manBits;
  return quantumA >= quantumB &&
         quantumA + (b.emax() - a.emax()) >= quantumB;
}

bool requantizeIsShift(const BlockFormat &from, const BlockFormat &to) {
  if (from.outliers || to.outliers)
    return false;
  if (!from.elem.isInt() || !to.elem.isInt() || from.scale != ScaleType::E8M0 ||
      to.scale != ScaleType::E8M0 || from.tensorScale || to.tensorScale ||
      from.blockKind != to.blockKind)
    return false;
  if (from.blockKind != BlockKind::Fixed)
    return true;
  if (from.blockSize < 1 || to.blockSize < 1)
    return false;
  return from.blockSize % to.blockSize == 0 ||
         to.blockSize % from.blockSize == 0;
}

int shiftRoundInt(int k, int d, Rounding r, const BlockFormat &to) {
  int qmax = (1 << (to.elem.bits - 1)) - 1;
  int qmin = to.range == IntRange::Full ? -qmax - 1 : -qmax;
  int mag = k < 0 ? -k : k;
  int q;
  if (d <= 0) {
    // Only small left shifts occur (the caller's exponent bounds them), but
    // keep the product in range for any input.
    q = -d >= 16 ? (mag ? qmax + 1 : 0) : mag << -d;
  } else if (d >= 16) {
    q = 0; // |k| <= 2^8 is below half a unit
  } else {
    q = mag >> d;
    int rem = mag & ((1 << d) - 1), half = 1 << (d - 1);
    bool up = r == Rounding::NearestAway
                  ? rem >= half
                  : rem > half || (rem == half && (q & 1));
    q += up;
  }
  if (k < 0)
    q = -q;
  return q > qmax ? qmax : (q < qmin ? qmin : q);
}

namespace {
/// Index of the highest set bit of v > 0.
int msb(int v) {
  int m = 0;
  while (v >>= 1)
    ++m;
  return m;
}
} // namespace

QuantizedTensor requantizeShift(const BlockFormat &from, const BlockFormat &to,
                                const Layout &l, const QuantizedTensor &q) {
  QuantizedTensor out;
  out.codes.assign(q.codes.size(), 0);
  std::vector<int64_t> ss = scaleShape(to, l);
  int64_t numScales = 1;
  for (int64_t d : ss)
    numScales *= d;
  out.scales.assign(size_t(numScales), 0);
  const int a = from.elem.bits, b = to.elem.bits;
  // Source scale of the element at flat index i (D12 order, see
  // forEachBlock): [outer, axis, inner] -> (o * inner + in) * nb + axis / len.
  BlockGeometry gs = geometry(from, l);
  auto srcScale = [&](int64_t i) -> ScaleBits {
    if (from.blockKind == BlockKind::Tensor)
      return q.scales[0];
    int64_t o = i / (gs.axisLen * gs.inner), r = i % (gs.axisLen * gs.inner);
    int64_t ax = r / gs.inner, in = r % gs.inner;
    return q.scales[size_t((o * gs.inner + in) * gs.numBlocks + ax / gs.len)];
  };
  std::vector<int> k, t;
  forEachBlock(to, l, [&](int64_t off, int64_t stride, int64_t s, int64_t len) {
    k.assign(size_t(len), 0);
    t.assign(size_t(len), 0);
    bool nan = false, zero = true;
    int maxE = 0,
        maxMant = 0; // largest |k| 2^t as mant 2^(E-8), mant in [256, 512)
    for (int64_t i = 0; i < len; ++i) {
      int64_t at = off + i * stride;
      int sb = int(srcScale(at) & 0xFF);
      if (sb == 0xFF)
        nan = true;
      int ki = detail::signExtend(q.codes[size_t(at)], a);
      int ti = sb - 127 - (a - 2);
      k[size_t(i)] = ki;
      t[size_t(i)] = ti;
      if (ki == 0)
        continue;
      int mag = ki < 0 ? -ki : ki, m = msb(mag);
      int e = m + ti, mant = mag << (8 - m);
      if (e >= 128) // -2^(a-1) under 2^127 decodes to -Inf in FP32
        nan = true;
      if (zero || e > maxE || (e == maxE && mant > maxMant)) {
        maxE = e;
        maxMant = mant;
      }
      zero = false;
    }
    uint8_t *codes = out.codes.data() + off;
    if (nan) { // D3
      writeZeros(codes, len, stride);
      out.scales[size_t(s)] = scaleNaN(ScaleType::E8M0);
      return;
    }
    if (zero) { // D4; integer codes have no -0
      writeZeros(codes, len, stride);
      out.scales[size_t(s)] = encodeE8M0(-127);
      return;
    }
    // mxScaleExponent on the exact amax maxMant * 2^(maxE - 8), emax = 0.
    int xs = maxE;
    int qmax = (1 << (b - 1)) - 1;
    if (to.rule == ScaleRule::Ceil && (maxMant << (b - 2)) > (qmax << 8))
      ++xs;
    if (to.rule == ScaleRule::Even &&
        (maxMant << (b - 1)) >= (((1 << b) - 1) << 8))
      ++xs;
    xs = xs < -127 ? -127 : (xs > 127 ? 127 : xs);
    out.scales[size_t(s)] = encodeE8M0(xs);
    for (int64_t i = 0; i < len; ++i) {
      int ki = k[size_t(i)];
      int v = ki == 0 ? 0
                      : shiftRoundInt(ki, xs - (b - 2) - t[size_t(i)],
                                      to.rounding, to);
      codes[i * stride] = uint8_t(unsigned(v) & ((1u << b) - 1));
    }
  });
  return out;
}

ScaleBits quantizeBlock(const BlockFormat &f, const float *x, int64_t n,
                        int64_t stride, float sEnc, uint8_t *codes) {
  if (blockHasNonFinite(x, n, stride)) { // D3 / D8
    writeZeros(codes, n, stride);
    return scaleNaN(f.scale);
  }
  float amax = blockAmax(x, n, stride);
  if (f.scale == ScaleType::E8M0) {
    if (amax == 0.0f) { // D4: scale 2^-127, elements keep the sign of zero
      encodeMxBlock(f, x, n, stride, -127, codes);
      return encodeE8M0(-127);
    }
    int xs = mxScaleExponent(f, amax);
    encodeMxBlock(f, x, n, stride, xs, codes);
    return encodeE8M0(xs);
  }
  // Section 4.2 step 3 in FP32: t_b = fp32(fp32(amax_b / Qe) * S_enc).
  float qe = float(f.elementMax());
  float tb = (amax / qe) * sEnc;
  ScaleBits sfBits = encodeScaleRNE(f.scale, tb);
  encodeFloatScaledBlock(f, x, n, stride, decodeScale(f.scale, sfBits), sEnc,
                         codes);
  return sfBits;
}

/// Block scales from the data under encode scale sEnc; g is the stored
/// decode tensor scale.
static QuantizedTensor quantizeBlocks(const BlockFormat &f, const Layout &l,
                                      const float *data, float sEnc, float g) {
  QuantizedTensor q;
  int64_t n = l.numElements();
  q.codes.assign(size_t(n), 0);
  q.tensorScale = g;
  std::vector<int64_t> ss = scaleShape(f, l);
  int64_t numScales = 1;
  for (int64_t d : ss)
    numScales *= d;
  q.scales.assign(size_t(numScales), 0);
  forEachBlock(f, l, [&](int64_t off, int64_t stride, int64_t s, int64_t len) {
    q.scales[size_t(s)] =
        quantizeBlock(f, data + off, len, stride, sEnc, q.codes.data() + off);
  });
  return q;
}

QuantizedTensor quantize(const BlockFormat &f, const Layout &l,
                         const float *data) {
  if (f.outliers)
    return quantizeSparse(f, l, data, nullptr);
  if (f.scale != ScaleType::E8M0 && f.tensorScale) {
    float sEnc = tensorEncodeScale(f, data, l.numElements());
    return quantizeBlocks(f, l, data, sEnc, 1.0f / sEnc);
  }
  return quantizeBlocks(f, l, data, 1.0f, 1.0f);
}

QuantizedTensor quantizeWithTensorScale(const BlockFormat &f, const Layout &l,
                                        const float *data, float tensorScale) {
  return quantizeBlocks(f, l, data, 1.0f / tensorScale, tensorScale);
}

QuantizedTensor quantizeWithScales(const BlockFormat &f, const Layout &l,
                                   const float *data, const ScaleBits *scales,
                                   float tensorScale) {
  QuantizedTensor q;
  int64_t n = l.numElements();
  q.codes.assign(size_t(n), 0);
  std::vector<int64_t> ss = scaleShape(f, l);
  int64_t numScales = 1;
  for (int64_t d : ss)
    numScales *= d;
  q.scales.assign(scales, scales + numScales);
  q.tensorScale = tensorScale;
  float sEnc = 1.0f / tensorScale;
  forEachBlock(f, l, [&](int64_t off, int64_t stride, int64_t s, int64_t len) {
    quantizeBlockWithScale(f, data + off, len, stride, scales[s], sEnc,
                           q.codes.data() + off);
  });
  return q;
}

void dequantizeBlock(const BlockFormat &f, const uint8_t *codes, int64_t n,
                     int64_t stride, ScaleBits scale, float g, float *out) {
  float sf = decodeScale(f.scale, scale);
  if (std::isnan(sf)) {
    for (int64_t i = 0; i < n; ++i)
      out[i * stride] = std::numeric_limits<float>::quiet_NaN();
    return;
  }
  if (f.scale == ScaleType::E8M0) {
    // X * P is exact in FP32 (section 1); for integers P = k * 2^-(b-2).
    if (f.elem.isInt()) {
      float unit = std::ldexp(1.0f, int(scale & 0xFF) - 127 - (f.elem.bits - 2));
      for (int64_t i = 0; i < n; ++i)
        out[i * stride] =
            float(detail::signExtend(codes[i * stride], f.elem.bits)) * unit;
    } else {
      for (int64_t i = 0; i < n; ++i)
        out[i * stride] = decodeElement(f.elem, codes[i * stride]) * sf;
    }
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    float qv = decodeElement(f.elem, codes[i * stride]);
    float t = qv * sf;
    out[i * stride] = t * g;
  }
}

void dequantize(const BlockFormat &f, const Layout &l,
                const QuantizedTensor &q, float *out) {
  if (f.outliers)
    return dequantizeSparse(f, l, q, out);
  forEachBlock(f, l, [&](int64_t off, int64_t stride, int64_t s, int64_t len) {
    dequantizeBlock(f, q.codes.data() + off, len, stride, q.scales[size_t(s)],
                    q.tensorScale, out + off);
  });
}

} // namespace qf::numerics
