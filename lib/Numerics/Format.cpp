//===- Format.cpp - Element, scale and block format descriptions ----------===//
//
// Format factories, derived constants, validation and the named presets.
//
//===----------------------------------------------------------------------===//

#include "qf/Numerics/Format.h"

#include <cmath>
#include <string>

namespace qf::numerics {

//===----------------------------------------------------------------------===//
// ElementFormat
//===----------------------------------------------------------------------===//

static ElementFormat makeFloat(int bits, int e, int m, int bias,
                               NanEncoding nan) {
  ElementFormat f;
  f.kind = ElementFormat::Kind::Float;
  f.bits = bits;
  f.expBits = e;
  f.manBits = m;
  f.bias = bias;
  f.nan = nan;
  return f;
}

ElementFormat ElementFormat::f8E4M3FN() {
  return makeFloat(8, 4, 3, 7, NanEncoding::AllOnes);
}
ElementFormat ElementFormat::f8E5M2() {
  return makeFloat(8, 5, 2, 15, NanEncoding::IEEE);
}
ElementFormat ElementFormat::f6E2M3FN() {
  return makeFloat(6, 2, 3, 1, NanEncoding::None);
}
ElementFormat ElementFormat::f6E3M2FN() {
  return makeFloat(6, 3, 2, 3, NanEncoding::None);
}
ElementFormat ElementFormat::f4E2M1FN() {
  return makeFloat(4, 2, 1, 1, NanEncoding::None);
}

ElementFormat ElementFormat::intN(int bits) {
  ElementFormat f;
  f.kind = Kind::Int;
  f.bits = bits;
  f.expBits = 0;
  f.manBits = 0;
  f.bias = 0;
  f.nan = NanEncoding::None;
  return f;
}

/// Largest exponent field of a finite value and the largest mantissa field
/// allowed with it.
static void maxFiniteFields(const ElementFormat &f, int &expField,
                            int &manField) {
  int allOnesE = (1 << f.expBits) - 1;
  int allOnesM = (1 << f.manBits) - 1;
  switch (f.nan) {
  case NanEncoding::None:
    expField = allOnesE;
    manField = allOnesM;
    break;
  case NanEncoding::AllOnes:
    expField = allOnesE;
    manField = allOnesM - 1;
    break;
  case NanEncoding::IEEE:
    expField = allOnesE - 1;
    manField = allOnesM;
    break;
  }
}

double ElementFormat::maxFinite() const {
  if (isInt())
    return double((1 << (bits - 1)) - 1);
  int e, m;
  maxFiniteFields(*this, e, m);
  return std::ldexp(1.0 + std::ldexp(double(m), -manBits), e - bias);
}

int ElementFormat::emax() const {
  if (isInt())
    return 0;
  int e, m;
  maxFiniteFields(*this, e, m);
  return e - bias;
}

std::string ElementFormat::name() const {
  if (isInt())
    return "i" + std::to_string(bits);
  std::string s = "f" + std::to_string(bits) + "E" + std::to_string(expBits) +
                  "M" + std::to_string(manBits);
  if (nan != NanEncoding::IEEE)
    s += "FN";
  return s;
}

bool ElementFormat::operator==(const ElementFormat &o) const {
  if (kind != o.kind || bits != o.bits)
    return false;
  if (isInt())
    return true;
  return expBits == o.expBits && manBits == o.manBits && bias == o.bias &&
         nan == o.nan;
}

//===----------------------------------------------------------------------===//
// Scale / option names
//===----------------------------------------------------------------------===//

int scaleBits(ScaleType t) {
  switch (t) {
  case ScaleType::E8M0:
  case ScaleType::E4M3:
    return 8;
  case ScaleType::F16:
  case ScaleType::BF16:
    return 16;
  case ScaleType::F32:
    return 32;
  }
  return 0;
}

const char *scaleTypeName(ScaleType t) {
  switch (t) {
  case ScaleType::E8M0:
    return "e8m0";
  case ScaleType::E4M3:
    return "e4m3";
  case ScaleType::F16:
    return "f16";
  case ScaleType::BF16:
    return "bf16";
  case ScaleType::F32:
    return "f32";
  }
  return "?";
}

const char *scaleRuleName(ScaleRule r) {
  switch (r) {
  case ScaleRule::Floor:
    return "floor";
  case ScaleRule::Ceil:
    return "ceil";
  case ScaleRule::Even:
    return "even";
  }
  return "?";
}

const char *roundingName(Rounding r) {
  switch (r) {
  case Rounding::NearestEven:
    return "even";
  case Rounding::NearestAway:
    return "away";
  }
  return "?";
}

const char *intRangeName(IntRange r) {
  switch (r) {
  case IntRange::Symmetric:
    return "symmetric";
  case IntRange::Full:
    return "full";
  }
  return "?";
}

//===----------------------------------------------------------------------===//
// BlockFormat
//===----------------------------------------------------------------------===//

static bool isSupportedFloat(const ElementFormat &e) {
  return e == ElementFormat::f8E4M3FN() || e == ElementFormat::f8E5M2() ||
         e == ElementFormat::f6E2M3FN() || e == ElementFormat::f6E3M2FN() ||
         e == ElementFormat::f4E2M1FN();
}

static std::string describeFloat(const ElementFormat &e) {
  return "f" + std::to_string(e.bits) + "E" + std::to_string(e.expBits) + "M" +
         std::to_string(e.manBits) + " (bias " + std::to_string(e.bias) + ")";
}

std::string BlockFormat::validate() const {
  if (elem.isInt()) {
    if (elem.bits < 2 || elem.bits > 8)
      return "integer element width " + std::to_string(elem.bits) +
             " bits is not supported; accepted integer widths are 2..8 bits";
  } else {
    if (!isSupportedFloat(elem))
      return "float element type " + describeFloat(elem) +
             " is not supported; accepted float element types are f8E4M3FN, "
             "f8E5M2, f6E2M3FN, f6E3M2FN, f4E2M1FN";
    if (range != IntRange::Symmetric)
      return std::string("integer range '") + intRangeName(range) +
             "' is only meaningful for integer elements; float element type " +
             elem.name() + " accepts only 'symmetric'";
  }
  if (blockKind == BlockKind::Fixed && blockSize < 1)
    return "block size " + std::to_string(blockSize) +
           " is invalid; a fixed block size must be >= 1";
  if (scale != ScaleType::E8M0 && rule != ScaleRule::Floor)
    return std::string("scale rule '") + scaleRuleName(rule) +
           "' is only defined for e8m0 scales; " + scaleTypeName(scale) +
           " scales are rounded to nearest even and accept only scale rule "
           "'floor'";
  // The FP32 tensor level maps the tensor amax to Smax * Qe (section 4.2).
  // E8M0 blocks have no such level; F32 and BF16 block scales already span
  // the FP32 range, and for them Smax * Qe is not a finite FP32 number, so
  // the D8 decode fp32(fp32(q * sf) * g) would overflow.
  if (tensorScale && (scale == ScaleType::E8M0 || scale == ScaleType::F32 ||
                      scale == ScaleType::BF16))
    return std::string("tensor scale is not supported with ") +
           scaleTypeName(scale) +
           " block scales; accepted block scale types with a tensor scale "
           "are e4m3, f16";
  if (outliers)
    return validateOutliers();
  return "";
}

std::string BlockFormat::validateOutliers() const {
  const OutlierFormat &o = *outliers;
  if (blockKind != BlockKind::Fixed)
    return "outliers need a fixed block size; 'channel' and 'tensor' blocks "
           "have no banks";
  if (tensorScale)
    return "outliers are not supported with a tensor scale";
  if (o.bank < 2 || o.bank > 256)
    return "outlier bank size " + std::to_string(o.bank) +
           " is invalid; expected 2..256 (an in-bank position is one byte)";
  if (blockSize % o.bank != 0)
    return "outlier bank size " + std::to_string(o.bank) +
           " does not divide the block size " + std::to_string(blockSize) +
           "; a bank must lie in one block";
  if (o.count < 1 || o.count >= o.bank)
    return "outlier count " + std::to_string(o.count) + " per bank of " +
           std::to_string(o.bank) + " is out of range; expected 1.." +
           std::to_string(o.bank - 1);
  BlockFormat high;
  high.elem = o.elem;
  high.blockSize = blockSize / o.bank * o.count;
  high.scale = o.scale;
  high.rule = o.rule;
  high.rounding = rounding;
  std::string msg = high.validate();
  if (!msg.empty())
    return "outlier format: " + msg;
  return "";
}

int OutlierFormat::positionBits() const {
  int b = 0;
  while ((int64_t(1) << b) < bank)
    ++b;
  return b;
}

bool OutlierFormat::operator==(const OutlierFormat &o) const {
  return bank == o.bank && count == o.count && elem == o.elem &&
         scale == o.scale && rule == o.rule;
}

double BlockFormat::elementMax() const {
  if (elem.isFloat())
    return elem.maxFinite();
  double qmax = elem.maxFinite();
  if (scale == ScaleType::E8M0)
    return std::ldexp(qmax, -(elem.bits - 2));
  return qmax;
}

double BlockFormat::bitsPerElement() const {
  if (blockKind != BlockKind::Fixed || blockSize < 1)
    return double(elem.bits);
  double bits =
      double(elem.bits) + double(scaleBits(scale)) / double(blockSize);
  if (outliers) {
    const OutlierFormat &o = *outliers;
    bits += double(o.count) / double(o.bank) *
                double(o.elem.bits + o.positionBits()) +
            double(scaleBits(o.scale)) / double(blockSize);
  }
  return bits;
}

bool BlockFormat::operator==(const BlockFormat &o) const {
  if (!(elem == o.elem) || blockKind != o.blockKind || scale != o.scale ||
      rule != o.rule || rounding != o.rounding || range != o.range ||
      tensorScale != o.tensorScale || outliers != o.outliers)
    return false;
  // The block size only means something for fixed blocks.
  return blockKind != BlockKind::Fixed || blockSize == o.blockSize;
}

//===----------------------------------------------------------------------===//
// Presets
//===----------------------------------------------------------------------===//

static const char *const kPresetNames[] = {
    "mxfp8", "mxfp8_e5m2", "mxfp6",  "mxfp6_e3m2",   "mxfp4",     "mxint8",
    "mxint6", "mxint4",    "nvfp4",  "nvint4",       "int8_channel", "fp8_tensor",
};

static BlockFormat mx(ElementFormat e) {
  BlockFormat f;
  f.elem = e;
  f.blockKind = BlockKind::Fixed;
  f.blockSize = 32;
  f.scale = ScaleType::E8M0;
  return f;
}

static BlockFormat nv(ElementFormat e) {
  BlockFormat f;
  f.elem = e;
  f.blockKind = BlockKind::Fixed;
  f.blockSize = 16;
  f.scale = ScaleType::E4M3;
  f.tensorScale = true;
  return f;
}

std::optional<BlockFormat> presetFormat(const std::string &name) {
  if (name == "mxfp8")
    return mx(ElementFormat::f8E4M3FN());
  if (name == "mxfp8_e5m2")
    return mx(ElementFormat::f8E5M2());
  if (name == "mxfp6")
    return mx(ElementFormat::f6E2M3FN());
  if (name == "mxfp6_e3m2")
    return mx(ElementFormat::f6E3M2FN());
  if (name == "mxfp4")
    return mx(ElementFormat::f4E2M1FN());
  if (name == "mxint8")
    return mx(ElementFormat::intN(8));
  if (name == "mxint6")
    return mx(ElementFormat::intN(6));
  if (name == "mxint4")
    return mx(ElementFormat::intN(4));
  if (name == "nvfp4")
    return nv(ElementFormat::f4E2M1FN());
  if (name == "nvint4")
    return nv(ElementFormat::intN(4));
  if (name == "int8_channel") {
    BlockFormat f;
    f.elem = ElementFormat::intN(8);
    f.blockKind = BlockKind::Channel;
    f.blockSize = 0;
    f.scale = ScaleType::F32;
    return f;
  }
  if (name == "fp8_tensor") {
    BlockFormat f;
    f.elem = ElementFormat::f8E4M3FN();
    f.blockKind = BlockKind::Tensor;
    f.blockSize = 0;
    f.scale = ScaleType::F32;
    return f;
  }
  return std::nullopt;
}

std::string presetName(const BlockFormat &f) {
  for (const char *n : kPresetNames)
    if (auto p = presetFormat(n); p && *p == f)
      return n;
  return "";
}

const char *const *presetNames(int &count) {
  count = int(sizeof(kPresetNames) / sizeof(kPresetNames[0]));
  return kPresetNames;
}

} // namespace qf::numerics
