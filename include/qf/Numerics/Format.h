//===- Format.h - Element, scale and block format descriptions -*- C++ -*-===//
//
// Plain C++17 descriptions of block-scaled formats. These structs are the
// numerics library's vocabulary; the MLIR dialect converts its attributes into
// them (qf::FormatAttr::toNumerics) so that folding, lowering and tests all
// agree on one definition. Section references are to docs/numerics.md.
//
//===----------------------------------------------------------------------===//
#ifndef QF_NUMERICS_FORMAT_H
#define QF_NUMERICS_FORMAT_H

#include <cstdint>
#include <optional>
#include <string>

namespace qf::numerics {

/// How a floating-point element format encodes NaN (none of ours encode Inf
/// except E5M2).
enum class NanEncoding : uint8_t {
  None,       ///< no NaN codes (FP6, FP4): conversion saturates
  AllOnes,    ///< only S.1111.111 is NaN ("fn" types: E4M3FN)
  IEEE,       ///< exponent all ones: M == 0 is Inf, M != 0 is NaN (E5M2)
};

/// An element format: a small binary float (sign-magnitude ExMy) or a signed
/// two's-complement integer of 2..8 bits.
struct ElementFormat {
  enum class Kind : uint8_t { Float, Int };
  Kind kind = Kind::Float;
  int bits = 8;      ///< total storage bits of one code (2..8)
  int expBits = 0;   ///< float only
  int manBits = 0;   ///< float only
  int bias = 0;      ///< float only
  NanEncoding nan = NanEncoding::None; ///< float only

  static ElementFormat f8E4M3FN();
  static ElementFormat f8E5M2();
  static ElementFormat f6E2M3FN();
  static ElementFormat f6E3M2FN();
  static ElementFormat f4E2M1FN();
  /// Signed integer of `bits` bits (2..8).
  static ElementFormat intN(int bits);

  bool isFloat() const { return kind == Kind::Float; }
  bool isInt() const { return kind == Kind::Int; }
  /// Largest finite magnitude (floats: max normal; ints: 2^(b-1)-1).
  double maxFinite() const;
  /// Exponent of the largest normal value (section 1 `emax_elem`); 0 for ints
  /// (the MX integer view k * 2^-(b-2)).
  int emax() const;
  /// Mnemonic, e.g. "f4E2M1FN" or "i8".
  std::string name() const;
  bool operator==(const ElementFormat &o) const;
  bool operator!=(const ElementFormat &o) const { return !(*this == o); }
};

/// Scale types (section 1 and D8).
enum class ScaleType : uint8_t { E8M0, E4M3, F16, BF16, F32 };
/// MX shared-exponent rule (section 3.1 step 5, D7). Only meaningful for
/// E8M0 scales; other scale types round the scale to nearest-even.
enum class ScaleRule : uint8_t { Floor, Ceil, Even };
/// Element rounding (section 2, D6/D7).
enum class Rounding : uint8_t { NearestEven, NearestAway };
/// Integer element range (section 2 step 7, D6/D7).
enum class IntRange : uint8_t { Symmetric, Full };

/// Storage width of one scale in bits.
int scaleBits(ScaleType t);
const char *scaleTypeName(ScaleType t);
const char *scaleRuleName(ScaleRule r);
const char *roundingName(Rounding r);
const char *intRangeName(IntRange r);

/// What a block covers.
enum class BlockKind : uint8_t {
  Fixed,   ///< `blockSize` consecutive elements along the blocked axis
  Channel, ///< the whole blocked axis (one scale per channel)
  Tensor,  ///< the whole tensor (one scale)
};

/// The outlier part of a sparse-quantized (SQ) format (docs/numerics.md
/// section 6, D20-D25): within every bank of `bank` consecutive elements
/// along the blocked axis, exactly `count` elements (the most important ones)
/// are stored in `elem` instead of the base element type. The high values of
/// one base block form one block of their own with a `scale` scale (rule
/// `rule`); each keeps its in-bank position (one byte, ascending per bank).
struct OutlierFormat {
  int64_t bank = 32;
  int64_t count = 2;
  ElementFormat elem = ElementFormat::intN(8);
  ScaleType scale = ScaleType::E8M0;
  ScaleRule rule = ScaleRule::Floor;

  /// Bits of one stored position: ceil(log2(bank)) (what the bits per
  /// element count; the storage tensors hold one byte per position).
  int positionBits() const;
  bool operator==(const OutlierFormat &o) const;
  bool operator!=(const OutlierFormat &o) const { return !(*this == o); }
};

/// A complete block-scaled format.
struct BlockFormat {
  ElementFormat elem;
  BlockKind blockKind = BlockKind::Fixed;
  int64_t blockSize = 32; ///< only for BlockKind::Fixed
  ScaleType scale = ScaleType::E8M0;
  ScaleRule rule = ScaleRule::Floor;
  Rounding rounding = Rounding::NearestEven;
  IntRange range = IntRange::Symmetric;
  /// Second-level FP32 tensor scale (NVFP4 style, section 4.2 / D8).
  bool tensorScale = false;
  /// SQ outliers (section 6); none for ordinary block formats.
  std::optional<OutlierFormat> outliers;

  /// Checks that the combination is one the library implements. Returns an
  /// empty string when valid, else a message naming the offending parameter
  /// and what would be accepted.
  std::string validate() const;
  /// The part of validate() for `outliers` (set).
  std::string validateOutliers() const;
  /// Largest element magnitude on the grid used to pick scales: for floats
  /// the max normal; for integers with E8M0 scales Qmax * 2^-(b-2) (MX
  /// fixed-point view), with other scales the integer Qmax.
  double elementMax() const;
  /// Storage bits per element including the amortized block scale (and not
  /// the single tensor scale). For Channel/Tensor blocks only the element
  /// bits are counted, since the scale cost depends on the shape. SQ formats
  /// add count/bank * (high bits + position bits) and the amortized high
  /// block scale.
  double bitsPerElement() const;
  bool operator==(const BlockFormat &o) const;
};

/// Named presets (docs/formats.md lists their parameters).
std::optional<BlockFormat> presetFormat(const std::string &name);
/// Name of the preset equal to `f`, or empty if none.
std::string presetName(const BlockFormat &f);
/// All preset names in a stable order.
const char *const *presetNames(int &count);

} // namespace qf::numerics

#endif // QF_NUMERICS_FORMAT_H
