//===- numerics-fuzzer.cpp - Fuzzes the numerics library ------------------===//
//
// Fuzzer-chosen format parameters go through BlockFormat::validate (invalid
// ones must be rejected with a message, never crash); valid ones quantize
// fuzzer-chosen f32 bit patterns and the library's own invariants are
// checked (docs/numerics.md):
//  * codes fit the element bits, NaN/Inf blocks are NaN blocks (D3, D8, D18)
//    and decode to NaN;
//  * finite blocks decode to finite values of the input's sign, within
//    0.6 * block amax of the input where the block scale is neither clamped
//    nor saturated (the worst case is the 2-bit integer grid, 0.53);
//  * requantizeIsIdentity(f): quantize(dequantize(q)) == q;
//  * requantizeIsShift(f, g): requantizeShift equals the f32 route;
//  * quantizeWithScales with quantizeMse's scales reproduces quantizeMse.
//
//===----------------------------------------------------------------------===//
#include "FuzzInput.h"

#include "qf/Numerics/Codec.h"
#include "qf/Numerics/Format.h"
#include "qf/Numerics/Packing.h"
#include "qf/Numerics/Quantize.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace nm = qf::numerics;
using qf::fuzz::FuzzInput;

#define QF_FUZZ_CHECK(cond, ...)                                               \
  do {                                                                         \
    if (!(cond)) {                                                             \
      std::fprintf(stderr, "invariant failed: %s: ", #cond);                   \
      std::fprintf(stderr, __VA_ARGS__);                                       \
      std::fprintf(stderr, "\n");                                              \
      std::abort();                                                            \
    }                                                                          \
  } while (0)

/// A format from fuzzer bytes: half the time a supported element type, else
/// raw element parameters (mostly invalid, which validate must reject).
static nm::BlockFormat chooseFormat(FuzzInput &in) {
  nm::BlockFormat f;
  uint8_t e = in.byte();
  switch (e % 8) {
  case 0: f.elem = nm::ElementFormat::f8E4M3FN(); break;
  case 1: f.elem = nm::ElementFormat::f8E5M2(); break;
  case 2: f.elem = nm::ElementFormat::f6E2M3FN(); break;
  case 3: f.elem = nm::ElementFormat::f6E3M2FN(); break;
  case 4: f.elem = nm::ElementFormat::f4E2M1FN(); break;
  case 5: f.elem = nm::ElementFormat::intN(2 + in.below(7)); break;
  default:
    f.elem.kind = in.below(2) ? nm::ElementFormat::Kind::Int
                              : nm::ElementFormat::Kind::Float;
    f.elem.bits = int8_t(in.byte());
    f.elem.expBits = int8_t(in.byte());
    f.elem.manBits = int8_t(in.byte());
    f.elem.bias = int8_t(in.byte());
    f.elem.nan = nm::NanEncoding(in.below(3));
  }
  f.blockKind = nm::BlockKind(in.below(3));
  f.blockSize = int8_t(in.byte());
  f.scale = nm::ScaleType(in.below(5));
  f.rule = nm::ScaleRule(in.below(3));
  f.rounding = nm::Rounding(in.below(2));
  f.range = nm::IntRange(in.below(2));
  f.tensorScale = in.below(2);
  return f;
}

/// Max |x| over a block and whether it holds NaN/Inf.
struct BlockInfo {
  double amax = 0;
  bool finite = true;
};

static void checkQuantized(const nm::BlockFormat &f, const nm::Layout &l,
                           const std::vector<float> &x,
                           const nm::QuantizedTensor &q) {
  int64_t n = l.numElements();
  QF_FUZZ_CHECK(int64_t(q.codes.size()) == n, "%zu codes", q.codes.size());
  int64_t nScales = 1;
  for (int64_t d : nm::scaleShape(f, l))
    nScales *= d;
  QF_FUZZ_CHECK(int64_t(q.scales.size()) == nScales, "%zu scales",
                q.scales.size());
  for (uint8_t c : q.codes)
    QF_FUZZ_CHECK(f.elem.bits == 8 || c < (1u << f.elem.bits), "code %u", c);
  int scaleBits = nm::scaleBits(f.scale);
  for (nm::ScaleBits s : q.scales)
    QF_FUZZ_CHECK(scaleBits == 32 || s < (1u << scaleBits), "scale %u", s);
  // Codes survive packing.
  std::vector<uint8_t> packed = nm::packCodes(q.codes.data(), n, f.elem.bits);
  QF_FUZZ_CHECK(int64_t(packed.size()) == nm::packedBytes(n, f.elem.bits),
                "packed size");
  QF_FUZZ_CHECK(nm::unpackCodes(packed.data(), n, f.elem.bits) == q.codes,
                "pack/unpack");

  std::vector<float> dq(x.size());
  nm::dequantize(f, l, q, dq.data());
  // Blocks by row-major walk: a 2-D layout [rows, cols] blocked along
  // `axis`; element (r, c) belongs to block (other index, pos / len).
  int64_t rows = l.shape[0], cols = l.shape[1];
  int64_t len = nm::blockLength(f, l);
  auto blockOf = [&](int64_t r, int64_t c) -> int64_t {
    if (f.blockKind == nm::BlockKind::Tensor)
      return 0;
    return l.axis == 1 ? r * (cols / len) + c / len
                       : c * (rows / len) + r / len;
  };
  std::vector<BlockInfo> blocks(q.scales.size());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      float v = x[r * cols + c];
      BlockInfo &b = blocks[blockOf(r, c)];
      if (!std::isfinite(v))
        b.finite = false;
      else
        b.amax = std::max(b.amax, double(std::fabs(v)));
    }
  double scaleMax = nm::scaleMaxFinite(f.scale);
  // Error bound relative to the block amax. The floor rule clamps elements
  // above the grid's top (at most ~0.5 amax off for E2M1); the ceil / even
  // rules pick a scale below 2 * amax / top, so rounding to the grid is off
  // by at most half the top gap times that: gap / top * amax. That is 1/3
  // for E2M1 but the whole amax for INT2, whose top {1} sits one step above
  // 0 (found by this harness: amax just above 2^95 with scale 2^96 decodes
  // to 2^96).
  double errorBound = 0.6;
  if (f.elem.isInt()) {
    // Scales come from Qmax = 2^(b-1) - 1 whatever the range; the step is 1.
    errorBound = std::max(errorBound, 1.0 / f.elem.maxFinite());
  } else {
    std::vector<double> mags;
    for (int c = 0; c < (1 << std::min<int>(f.elem.bits, 8)); ++c) {
      float v = nm::decodeElement(f.elem, uint8_t(c));
      if (std::isfinite(v))
        mags.push_back(std::fabs(double(v)));
    }
    std::sort(mags.begin(), mags.end());
    mags.erase(std::unique(mags.begin(), mags.end()), mags.end());
    if (mags.size() >= 2 && mags.back() > 0)
      errorBound = std::max(
          errorBound, (mags.back() - mags[mags.size() - 2]) / mags.back());
  }
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      int64_t i = r * cols + c, bi = blockOf(r, c);
      const BlockInfo &b = blocks[bi];
      nm::ScaleBits sb = q.scales[bi];
      if (!b.finite) {
        QF_FUZZ_CHECK(sb == nm::scaleNaN(f.scale), "NaN block scale %#x", sb);
        QF_FUZZ_CHECK(q.codes[i] == 0, "NaN block code %u", q.codes[i]);
        QF_FUZZ_CHECK(std::isnan(dq[i]), "NaN block decodes to %g", dq[i]);
        continue;
      }
      // A finite block decodes to +-Inf only where the FP32 product X * P
      // (times the tensor decode scale of two-level formats) itself
      // overflows (D19: ceil/even rules in FP32's top binade, where an
      // element rounds up to the type's top power of two; two-level formats
      // whose tensor amax is near FLT_MAX, where the FP32 decode scale
      // 1 / S_enc rounds up).
      if (!std::isfinite(dq[i])) {
        // Integer codes k stand for k * 2^-(b-2) in MX blocks (section 3.2).
        double unit = f.elem.isInt() && f.scale == nm::ScaleType::E8M0
                          ? std::ldexp(1.0, -(f.elem.bits - 2))
                          : 1.0;
        bool twoLevel = f.tensorScale && f.scale != nm::ScaleType::E8M0;
        double g = twoLevel ? double(q.tensorScale) : 1.0;
        double exact = double(nm::decodeScale(f.scale, sb)) * unit *
                       double(nm::decodeElement(f.elem, q.codes[i])) * g;
        // X * P rounds once before the tensor scale multiplies it.
        double threshold = 0x1.ffffffp127 * (twoLevel ? 1 - 0x1p-23 : 1);
        QF_FUZZ_CHECK(!std::isnan(dq[i]) && std::fabs(exact) >= threshold,
                      "finite block decodes to %g (x = %g, X * P = %g)",
                      dq[i], x[i], exact);
      }
      QF_FUZZ_CHECK(dq[i] == 0 || std::signbit(dq[i]) == std::signbit(x[i]),
                    "sign of %g decoded from %g", dq[i], x[i]);
      // The error bound holds where the scale represents amax / Qe: not
      // clamped at the bottom or saturated at the top of its range, and for
      // two-level formats only without non-finite values elsewhere.
      float sf = nm::decodeScale(f.scale, sb);
      bool inRange = f.scale == nm::ScaleType::E8M0
                         ? sb > 0 && sb < 0xFE
                         : std::isnormal(sf) && double(sf) < scaleMax;
      if (inRange && !f.tensorScale && b.amax < 1e37)
        QF_FUZZ_CHECK(std::fabs(double(dq[i]) - double(x[i])) <=
                          errorBound * b.amax + 1e-37,
                      "|%g - %g| above %g * amax %g (scale %#x)", dq[i], x[i],
                      errorBound, b.amax, sb);
    }

}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  FuzzInput in(data, size);
  nm::BlockFormat f = chooseFormat(in);
  std::string err = f.validate();
  if (!err.empty())
    return 0; // rejected with a message: the expected outcome
  // A small 2-D layout the format divides.
  nm::Layout l;
  l.axis = int(in.below(2));
  int64_t len = f.blockKind == nm::BlockKind::Fixed ? f.blockSize : 1 + in.below(16);
  if (len > 64)
    return 0;
  int64_t blocks = 1 + in.below(4), other = 1 + in.below(4);
  l.shape = l.axis == 1 ? std::vector<int64_t>{other, len * blocks}
                        : std::vector<int64_t>{len * blocks, other};
  QF_FUZZ_CHECK(nm::checkLayout(f, l).empty(), "layout rejected: %s",
                nm::checkLayout(f, l).c_str());
  std::vector<float> x(size_t(l.numElements()));
  for (float &v : x)
    v = in.f32();
  nm::QuantizedTensor q = nm::quantize(f, l, x.data());
  checkQuantized(f, l, x, q);
  // Requantizing to the same format is the identity where the library
  // claims it.
  std::vector<float> dq(x.size());
  nm::dequantize(f, l, q, dq.data());
  if (nm::requantizeIsIdentity(f)) {
    nm::QuantizedTensor r = nm::quantize(f, l, dq.data());
    QF_FUZZ_CHECK(r.codes == q.codes && r.scales == q.scales,
                  "requantize is not the identity");
  }
  // quantizeMse's result is reproduced by quantizeWithScales (Quantize.h).
  nm::QuantizedTensor m = nm::quantizeMse(f, l, x.data());
  checkQuantized(f, l, x, m);
  nm::QuantizedTensor s =
      nm::quantizeWithScales(f, l, x.data(), m.scales.data(), m.tensorScale);
  QF_FUZZ_CHECK(s.codes == m.codes && s.scales == m.scales,
                "quantizeWithScales does not reproduce quantizeMse");

  // Requantize into a second format: the shift path equals the f32 route.
  nm::BlockFormat g = chooseFormat(in);
  if (!g.validate().empty() || !nm::checkLayout(g, l).empty())
    return 0;
  nm::QuantizedTensor viaF32 = nm::quantize(g, l, dq.data());
  checkQuantized(g, l, dq, viaF32);
  if (nm::requantizeIsShift(f, g)) {
    nm::QuantizedTensor viaShift = nm::requantizeShift(f, g, l, q);
    QF_FUZZ_CHECK(viaShift.codes == viaF32.codes &&
                      viaShift.scales == viaF32.scales,
                  "requantizeShift differs from the f32 route");
  }
  return 0;
}
