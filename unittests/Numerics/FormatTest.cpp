//===- FormatTest.cpp - Presets, derived constants and validate() --------===//

#include "qf/Numerics/Format.h"

#include "gtest/gtest.h"

#include <cmath>
#include <set>
#include <string>

using namespace qf::numerics;

namespace {

bool contains(const std::string &s, const std::string &sub) {
  return s.find(sub) != std::string::npos;
}

TEST(Presets, Parameters) {
  struct Want {
    const char *name;
    ElementFormat elem;
    BlockKind kind;
    int64_t block;
    ScaleType scale;
    bool tensorScale;
  };
  const Want wants[] = {
      {"mxfp8", ElementFormat::f8E4M3FN(), BlockKind::Fixed, 32, ScaleType::E8M0, false},
      {"mxfp8_e5m2", ElementFormat::f8E5M2(), BlockKind::Fixed, 32, ScaleType::E8M0, false},
      {"mxfp6", ElementFormat::f6E2M3FN(), BlockKind::Fixed, 32, ScaleType::E8M0, false},
      {"mxfp6_e3m2", ElementFormat::f6E3M2FN(), BlockKind::Fixed, 32, ScaleType::E8M0, false},
      {"mxfp4", ElementFormat::f4E2M1FN(), BlockKind::Fixed, 32, ScaleType::E8M0, false},
      {"mxint8", ElementFormat::intN(8), BlockKind::Fixed, 32, ScaleType::E8M0, false},
      {"mxint6", ElementFormat::intN(6), BlockKind::Fixed, 32, ScaleType::E8M0, false},
      {"mxint4", ElementFormat::intN(4), BlockKind::Fixed, 32, ScaleType::E8M0, false},
      {"nvfp4", ElementFormat::f4E2M1FN(), BlockKind::Fixed, 16, ScaleType::E4M3, true},
      {"nvint4", ElementFormat::intN(4), BlockKind::Fixed, 16, ScaleType::E4M3, true},
      {"int8_channel", ElementFormat::intN(8), BlockKind::Channel, 0, ScaleType::F32, false},
      {"fp8_tensor", ElementFormat::f8E4M3FN(), BlockKind::Tensor, 0, ScaleType::F32, false},
  };
  int count = 0;
  const char *const *names = presetNames(count);
  ASSERT_EQ(count, int(sizeof(wants) / sizeof(wants[0])));
  for (int i = 0; i < count; ++i) {
    const Want &w = wants[i];
    SCOPED_TRACE(w.name);
    EXPECT_EQ(std::string(names[i]), w.name);
    auto f = presetFormat(w.name);
    ASSERT_TRUE(f.has_value());
    EXPECT_EQ(f->elem, w.elem);
    EXPECT_EQ(f->blockKind, w.kind);
    if (w.kind == BlockKind::Fixed)
      EXPECT_EQ(f->blockSize, w.block);
    EXPECT_EQ(f->scale, w.scale);
    EXPECT_EQ(f->tensorScale, w.tensorScale);
    EXPECT_EQ(f->rule, ScaleRule::Floor);
    EXPECT_EQ(f->rounding, Rounding::NearestEven);
    EXPECT_EQ(f->range, IntRange::Symmetric);
    EXPECT_EQ(f->validate(), "");
    EXPECT_EQ(presetName(*f), w.name);
  }
  EXPECT_FALSE(presetFormat("mxfp3").has_value());
  BlockFormat odd = *presetFormat("mxfp4");
  odd.rule = ScaleRule::Ceil;
  EXPECT_EQ(presetName(odd), "");
}

TEST(Presets, DerivedConstants) {
  EXPECT_EQ(presetFormat("mxint8")->elementMax(), 127.0 / 64);
  EXPECT_EQ(presetFormat("mxint4")->elementMax(), 7.0 / 4);
  EXPECT_EQ(presetFormat("mxint6")->elementMax(), 31.0 / 16);
  EXPECT_EQ(presetFormat("nvint4")->elementMax(), 7.0);
  EXPECT_EQ(presetFormat("int8_channel")->elementMax(), 127.0);
  EXPECT_EQ(presetFormat("nvfp4")->elementMax(), 6.0);
  EXPECT_EQ(presetFormat("mxfp8")->elementMax(), 448.0);
  EXPECT_EQ(presetFormat("mxfp6_e3m2")->elementMax(), 28.0);
  EXPECT_EQ(presetFormat("mxfp4")->bitsPerElement(), 4.25);
  EXPECT_EQ(presetFormat("nvfp4")->bitsPerElement(), 4.5);
  EXPECT_EQ(presetFormat("mxfp8")->bitsPerElement(), 8.25);
  EXPECT_EQ(presetFormat("mxfp6")->bitsPerElement(), 6.25);
  EXPECT_EQ(presetFormat("int8_channel")->bitsPerElement(), 8.0);
  EXPECT_EQ(presetFormat("fp8_tensor")->bitsPerElement(), 8.0);
}

TEST(Names, OptionsAndScales) {
  EXPECT_STREQ(scaleTypeName(ScaleType::E8M0), "e8m0");
  EXPECT_STREQ(scaleTypeName(ScaleType::E4M3), "e4m3");
  EXPECT_STREQ(scaleTypeName(ScaleType::F16), "f16");
  EXPECT_STREQ(scaleTypeName(ScaleType::BF16), "bf16");
  EXPECT_STREQ(scaleTypeName(ScaleType::F32), "f32");
  EXPECT_STREQ(scaleRuleName(ScaleRule::Floor), "floor");
  EXPECT_STREQ(scaleRuleName(ScaleRule::Ceil), "ceil");
  EXPECT_STREQ(scaleRuleName(ScaleRule::Even), "even");
  EXPECT_STREQ(roundingName(Rounding::NearestEven), "even");
  EXPECT_STREQ(roundingName(Rounding::NearestAway), "away");
  EXPECT_STREQ(intRangeName(IntRange::Symmetric), "symmetric");
  EXPECT_STREQ(intRangeName(IntRange::Full), "full");
}

TEST(Equality, ElementAndBlock) {
  EXPECT_EQ(ElementFormat::intN(4), ElementFormat::intN(4));
  EXPECT_NE(ElementFormat::intN(4), ElementFormat::intN(5));
  EXPECT_NE(ElementFormat::f8E4M3FN(), ElementFormat::f8E5M2());
  EXPECT_NE(ElementFormat::f6E2M3FN(), ElementFormat::f6E3M2FN());
  BlockFormat a = *presetFormat("mxfp8"), b = a;
  EXPECT_TRUE(a == b);
  b.blockSize = 64;
  EXPECT_FALSE(a == b);
  b = a;
  b.rounding = Rounding::NearestAway;
  EXPECT_FALSE(a == b);
  // The block size is irrelevant for channel/tensor blocks.
  BlockFormat c = *presetFormat("int8_channel"), d = c;
  d.blockSize = 17;
  EXPECT_TRUE(c == d);
}

TEST(Validate, RejectsWithNamedParameter) {
  // Scale rule other than floor on non-E8M0 scales.
  for (ScaleType t :
       {ScaleType::E4M3, ScaleType::F16, ScaleType::BF16, ScaleType::F32}) {
    for (ScaleRule r : {ScaleRule::Ceil, ScaleRule::Even}) {
      BlockFormat f = *presetFormat("int8_channel");
      f.scale = t;
      f.rule = r;
      std::string m = f.validate();
      EXPECT_TRUE(contains(m, "scale rule")) << m;
      EXPECT_TRUE(contains(m, scaleRuleName(r))) << m;
      EXPECT_TRUE(contains(m, scaleTypeName(t))) << m;
      EXPECT_TRUE(contains(m, "'floor'")) << m;
    }
  }
  {
    BlockFormat f = *presetFormat("mxint8");
    for (ScaleRule r : {ScaleRule::Floor, ScaleRule::Ceil, ScaleRule::Even}) {
      f.rule = r;
      EXPECT_EQ(f.validate(), "");
    }
  }
  // Tensor scale with E8M0 or F32 block scales, and with BF16 ones (whose
  // Smax * Qe overflows FP32, so the section 4.2 order cannot work).
  for (ScaleType t : {ScaleType::E8M0, ScaleType::F32, ScaleType::BF16}) {
    BlockFormat f = *presetFormat("nvfp4");
    f.scale = t;
    std::string m = f.validate();
    EXPECT_TRUE(contains(m, "tensor scale")) << m;
    EXPECT_TRUE(contains(m, scaleTypeName(t))) << m;
    EXPECT_TRUE(contains(m, "e4m3, f16")) << m;
  }
  for (ScaleType t : {ScaleType::E4M3, ScaleType::F16}) {
    BlockFormat f = *presetFormat("nvfp4");
    f.scale = t;
    EXPECT_EQ(f.validate(), "");
  }
  // Fixed block size < 1.
  for (int64_t bs : {int64_t(0), int64_t(-4)}) {
    BlockFormat f = *presetFormat("mxfp4");
    f.blockSize = bs;
    std::string m = f.validate();
    EXPECT_TRUE(contains(m, "block size " + std::to_string(bs))) << m;
    EXPECT_TRUE(contains(m, ">= 1")) << m;
    f.blockKind = BlockKind::Channel; // not a fixed block: size irrelevant
    EXPECT_EQ(f.validate(), "");
  }
  // Integer widths outside 2..8.
  for (int bits : {0, 1, 9, 16}) {
    BlockFormat f = *presetFormat("mxint8");
    f.elem = ElementFormat::intN(bits);
    std::string m = f.validate();
    EXPECT_TRUE(contains(m, "integer element width " + std::to_string(bits)))
        << m;
    EXPECT_TRUE(contains(m, "2..8")) << m;
  }
  for (int bits = 2; bits <= 8; ++bits) {
    BlockFormat f = *presetFormat("mxint8");
    f.elem = ElementFormat::intN(bits);
    EXPECT_EQ(f.validate(), "");
  }
  // Float element types other than the five.
  {
    BlockFormat f = *presetFormat("mxfp8");
    f.elem.bias = 8; // E4M3 with a different bias (e.g. f8E4M3FNUZ-like)
    std::string m = f.validate();
    EXPECT_TRUE(contains(m, "float element type")) << m;
    EXPECT_TRUE(contains(m, "f8E4M3FN, f8E5M2, f6E2M3FN, f6E3M2FN, f4E2M1FN"))
        << m;
    f.elem = ElementFormat::f8E5M2();
    f.elem.nan = NanEncoding::None;
    EXPECT_NE(f.validate(), "");
    f.elem = ElementFormat::f4E2M1FN();
    f.elem.manBits = 2;
    f.elem.bits = 5;
    EXPECT_NE(f.validate(), "");
  }
  // Full integer range with float elements.
  {
    BlockFormat f = *presetFormat("mxfp4");
    f.range = IntRange::Full;
    std::string m = f.validate();
    EXPECT_TRUE(contains(m, "integer range 'full'")) << m;
    EXPECT_TRUE(contains(m, "f4E2M1FN")) << m;
    EXPECT_TRUE(contains(m, "'symmetric'")) << m;
    BlockFormat g = *presetFormat("mxint4");
    g.range = IntRange::Full;
    EXPECT_EQ(g.validate(), "");
  }
}

} // namespace
