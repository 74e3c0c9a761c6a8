//===- RequantizeShiftTest.cpp - Integer requantize path vs the f32 route -===//

#include "qf/Numerics/Quantize.h"
#include "qf/Numerics/Stats.h"

#include "gtest/gtest.h"

#include <string>
#include <vector>

using namespace qf::numerics;

namespace {

BlockFormat intFormat(int bits, int64_t block,
                      ScaleRule rule = ScaleRule::Floor,
                      Rounding r = Rounding::NearestEven,
                      IntRange range = IntRange::Symmetric) {
  BlockFormat f;
  f.elem = ElementFormat::intN(bits);
  f.blockKind = BlockKind::Fixed;
  f.blockSize = block;
  f.scale = ScaleType::E8M0;
  f.rule = rule;
  f.rounding = r;
  f.range = range;
  return f;
}

std::string describe(const BlockFormat &f) {
  return f.elem.name() + " b" + std::to_string(f.blockSize) + " " +
         scaleRuleName(f.rule) + " " + roundingName(f.rounding) + " " +
         intRangeName(f.range) + " kind " + std::to_string(int(f.blockKind));
}

/// Random quantized tensor of `from`: codes over the whole code space (the
/// decoder accepts the full range), scales mostly near 2^0 with every edge
/// byte (0x00, 0x01, 0xFE, 0xFF) and whole zero / max-code blocks mixed in.
QuantizedTensor randomInput(const BlockFormat &from, const Layout &l,
                            uint64_t seed) {
  SplitMix64 g(seed);
  QuantizedTensor q;
  int64_t n = l.numElements();
  int a = from.elem.bits;
  q.codes.resize(size_t(n));
  for (auto &c : q.codes)
    c = uint8_t(g.next() & ((1u << a) - 1));
  std::vector<int64_t> ss = scaleShape(from, l);
  int64_t ns = 1;
  for (int64_t d : ss)
    ns *= d;
  q.scales.resize(size_t(ns));
  for (auto &s : q.scales) {
    uint64_t r = g.next();
    switch (r % 8) {
    case 0: {
      static const ScaleBits edge[] = {0x00, 0x01, 0x02, 0xFD, 0xFE, 0xFF};
      s = edge[(r >> 8) % 6];
      break;
    }
    case 1:
      s = ScaleBits((r >> 8) & 0xFF);
      break;
    default:
      s = ScaleBits(127 + int((r >> 8) % 9) - 4);
    }
  }
  // Whole-block patterns along the source blocks: zero, max, min codes.
  int64_t len = blockLength(from, l);
  if (len > 0 && from.blockKind == BlockKind::Fixed &&
      l.axis == int(l.shape.size()) - 1) {
    for (int64_t blk = 0; blk * len < n; ++blk) {
      uint64_t r = g.next() % 6;
      uint8_t fill;
      if (r == 0)
        fill = 0;
      else if (r == 1)
        fill = uint8_t((1u << (a - 1)) - 1); // +max
      else if (r == 2)
        fill = uint8_t(1u << (a - 1)); // -2^(a-1)
      else
        continue;
      for (int64_t i = 0; i < len; ++i)
        if (r == 0 || i % 3 == 0)
          q.codes[size_t(blk * len + i)] = fill;
    }
  }
  return q;
}

void expectSame(const BlockFormat &from, const BlockFormat &to, const Layout &l,
                const QuantizedTensor &q) {
  std::vector<float> x(size_t(l.numElements()));
  dequantize(from, l, q, x.data());
  QuantizedTensor ref = quantize(to, l, x.data());
  QuantizedTensor got = requantizeShift(from, to, l, q);
  ASSERT_EQ(got.scales.size(), ref.scales.size());
  for (size_t i = 0; i < ref.scales.size(); ++i)
    ASSERT_EQ(got.scales[i], ref.scales[i])
        << describe(from) << " -> " << describe(to) << " scale " << i;
  for (size_t i = 0; i < ref.codes.size(); ++i)
    ASSERT_EQ(got.codes[i], ref.codes[i])
        << describe(from) << " -> " << describe(to) << " code " << i
        << " (input " << int(q.codes[i]) << ")";
}

TEST(RequantizeShift, Predicate) {
  BlockFormat i8 = *presetFormat("mxint8"), i4 = *presetFormat("mxint4");
  EXPECT_TRUE(requantizeIsShift(i8, i4));
  EXPECT_TRUE(requantizeIsShift(i4, i8));
  EXPECT_TRUE(requantizeIsShift(*presetFormat("mxint6"), i4));
  EXPECT_FALSE(requantizeIsShift(*presetFormat("mxfp8"), i4));
  EXPECT_FALSE(requantizeIsShift(i8, *presetFormat("mxfp4")));
  EXPECT_FALSE(requantizeIsShift(i8, *presetFormat("nvint4")));
  EXPECT_FALSE(requantizeIsShift(*presetFormat("int8_channel"), i4));
  EXPECT_TRUE(requantizeIsShift(intFormat(8, 16), intFormat(4, 32)));
  EXPECT_TRUE(requantizeIsShift(intFormat(8, 32), intFormat(4, 8)));
  EXPECT_FALSE(requantizeIsShift(intFormat(8, 12), intFormat(4, 8)));
  BlockFormat bf16 = intFormat(8, 32);
  bf16.scale = ScaleType::BF16;
  EXPECT_FALSE(requantizeIsShift(bf16, i4));
}

TEST(RequantizeShift, ShiftRoundInt) {
  BlockFormat to = intFormat(4, 32);
  EXPECT_EQ(shiftRoundInt(5, 1, Rounding::NearestEven, to), 2); // 2.5
  EXPECT_EQ(shiftRoundInt(7, 1, Rounding::NearestEven, to), 4); // 3.5
  EXPECT_EQ(shiftRoundInt(5, 1, Rounding::NearestAway, to), 3);
  EXPECT_EQ(shiftRoundInt(-5, 1, Rounding::NearestAway, to), -3);
  EXPECT_EQ(shiftRoundInt(-5, 1, Rounding::NearestEven, to), -2);
  EXPECT_EQ(shiftRoundInt(3, -2, Rounding::NearestEven, to), 7); // 12 clamps
  EXPECT_EQ(shiftRoundInt(-8, 0, Rounding::NearestEven, to), -7);
  to.range = IntRange::Full;
  EXPECT_EQ(shiftRoundInt(-8, 0, Rounding::NearestEven, to), -8);
  EXPECT_EQ(shiftRoundInt(255, 20, Rounding::NearestAway, to), 0);
}

/// Every preset pair with integer elements and E8M0 scales, every rule,
/// rounding and range the destination allows, both layouts.
TEST(RequantizeShift, PresetPairsAllOptions) {
  const char *names[] = {"mxint8", "mxint6", "mxint4"};
  uint64_t seed = 1;
  for (const char *fn : names)
    for (const char *tn : names)
      for (ScaleRule rule :
           {ScaleRule::Floor, ScaleRule::Ceil, ScaleRule::Even})
        for (Rounding r : {Rounding::NearestEven, Rounding::NearestAway})
          for (IntRange range : {IntRange::Symmetric, IntRange::Full}) {
            BlockFormat from = *presetFormat(fn), to = *presetFormat(tn);
            to.rule = rule;
            to.rounding = r;
            to.range = range;
            ASSERT_TRUE(requantizeIsShift(from, to));
            for (Layout l : {Layout{{3, 128}, 1}, Layout{{64, 5}, 0},
                             Layout{{2, 32, 3}, 1}})
              expectSame(from, to, l, randomInput(from, l, seed++));
          }
}

/// Exhaustive over one code and one scale: a block holding code c at
/// position 0 and code c2 elsewhere, for every c, c2 and a range of scales.
TEST(RequantizeShift, AllCodesAllScales) {
  for (int a : {8, 6, 4, 3, 2})
    for (int b : {8, 6, 5, 4, 2}) {
      BlockFormat from = intFormat(a, 4), to = intFormat(b, 4);
      Layout l{{4}, 0};
      for (int c = 0; c < (1 << a); ++c)
        for (int c2 : {0, 1, (1 << a) - 1, 1 << (a - 1), c ^ 1})
          for (int sb = 0; sb < 256; sb += (sb < 4 || sb > 250) ? 1 : 31) {
            QuantizedTensor q;
            q.codes = {uint8_t(c), uint8_t(c2 & ((1 << a) - 1)), 0,
                       uint8_t(c2 & ((1 << a) - 1))};
            q.scales = {ScaleBits(sb)};
            expectSame(from, to, l, q);
            if (::testing::Test::HasFatalFailure())
              return;
          }
    }
}

/// User formats: odd widths, small blocks, block sizes that divide one
/// another (destination blocks spanning or splitting source blocks), channel
/// and tensor blocks.
TEST(RequantizeShift, UserFormatsAndBlockSizes) {
  struct Case {
    BlockFormat from, to;
    Layout l;
  };
  BlockFormat ch8 = intFormat(8, 1), ch4 = intFormat(4, 1);
  ch8.blockKind = ch4.blockKind = BlockKind::Channel;
  BlockFormat t8 = intFormat(8, 1), t5 = intFormat(5, 1, ScaleRule::Ceil);
  t8.blockKind = t5.blockKind = BlockKind::Tensor;
  std::vector<Case> cases = {
      {intFormat(5, 8),
       intFormat(3, 8, ScaleRule::Even, Rounding::NearestAway, IntRange::Full),
       {{6, 40}, 1}},
      {intFormat(8, 16), intFormat(4, 32), {{4, 96}, 1}},
      {intFormat(8, 32), intFormat(4, 8, ScaleRule::Ceil), {{4, 64}, 1}},
      {intFormat(6, 8, ScaleRule::Floor, Rounding::NearestEven, IntRange::Full),
       intFormat(6, 64),
       {{3, 128}, 1}},
      {intFormat(4, 16), intFormat(8, 16), {{32, 3}, 0}},
      {intFormat(2, 4), intFormat(7, 2, ScaleRule::Even), {{5, 8, 2}, 1}},
      {ch8, ch4, {{7, 33}, 1}},
      {ch8, ch4, {{33, 7}, 0}},
      {t8, t5, {{9, 10}, 1}},
  };
  uint64_t seed = 1000;
  for (const Case &c : cases) {
    ASSERT_TRUE(requantizeIsShift(c.from, c.to)) << describe(c.from);
    ASSERT_EQ(checkLayout(c.from, c.l), "");
    ASSERT_EQ(checkLayout(c.to, c.l), "");
    for (int rep = 0; rep < 20; ++rep)
      expectSame(c.from, c.to, c.l, randomInput(c.from, c.l, seed++));
  }
}

} // namespace
