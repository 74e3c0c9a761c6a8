//===- SparseTest.cpp - SQ formats: selection, split quantization (D20-D25) ===//

#include "qf/Numerics/Sparse.h"
#include "qf/Numerics/Stats.h"

#include "gtest/gtest.h"

#include <cmath>
#include <limits>
#include <vector>

using namespace qf::numerics;

namespace {

/// i4 elements in blocks of `block` (E8M0, floor) with `count` i8 outliers
/// per bank of `bank`.
BlockFormat sq(int64_t block, int64_t bank, int64_t count) {
  BlockFormat f;
  f.elem = ElementFormat::intN(4);
  f.blockSize = block;
  OutlierFormat o;
  o.bank = bank;
  o.count = count;
  f.outliers = o;
  return f;
}

Layout vec(int64_t n) { return Layout{{n}, 0}; }

const float kNaN = std::numeric_limits<float>::quiet_NaN();
const float kInf = std::numeric_limits<float>::infinity();

TEST(Sparse, FixedVector) {
  BlockFormat f = sq(8, 4, 1);
  ASSERT_EQ(f.validate(), "");
  std::vector<float> x = {1, -0.5f, 8, 0.25f, 0.5f, 0.5f, -0.5f, 3};
  QuantizedTensor q = quantize(f, vec(8), x.data());
  // Low part without the outliers 8 and 3: amax 1, X = 2^0 (0x7F), codes
  // k with value k/4 (i4 two's complement); the outliers' slots hold +0.
  EXPECT_EQ(q.codes, (std::vector<uint8_t>{4, 0xE, 0, 1, 2, 2, 0xE, 0}));
  EXPECT_EQ(q.scales, (std::vector<ScaleBits>{0x7F}));
  // High part [8, 3] as one MXINT8-style block: X = 2^3 (0x82), k/64.
  EXPECT_EQ(q.positions, (std::vector<uint8_t>{2, 3}));
  EXPECT_EQ(q.outlierCodes, (std::vector<uint8_t>{64, 24}));
  EXPECT_EQ(q.outlierScales, (std::vector<ScaleBits>{0x82}));
  std::vector<float> d(8);
  dequantize(f, vec(8), q, d.data());
  EXPECT_EQ(d, x);
}

TEST(Sparse, LowScaleIgnoresOutliers) {
  // Without the outlier the base format's block scale is set by 8 (0x80 for
  // i4: e = 3, xs = 3 - 0 = 3 -> 0x82) and 0.25 rounds to 0.
  BlockFormat f = sq(8, 8, 1);
  std::vector<float> x = {0.25f, 0, 0, 0, 0, 0, 0, 8};
  QuantizedTensor base = quantize(lowFormat(f), vec(8), x.data());
  EXPECT_EQ(base.scales, (std::vector<ScaleBits>{0x82}));
  EXPECT_EQ(base.codes[0], 0);
  QuantizedTensor q = quantize(f, vec(8), x.data());
  EXPECT_EQ(q.scales, (std::vector<ScaleBits>{0x7D})); // 0.25 = 2^-2
  EXPECT_EQ(q.codes[0], 4);
  EXPECT_EQ(q.codes[7], 0);
  EXPECT_EQ(q.positions, (std::vector<uint8_t>{7}));
}

TEST(Sparse, TiesGoToTheSmallerIndex) {
  BlockFormat f = sq(4, 4, 1);
  std::vector<float> x = {2, -2, 1, 0};
  EXPECT_EQ(selectOutliers(f, vec(4), x.data(), nullptr),
            (std::vector<uint8_t>{0}));
  BlockFormat g = sq(4, 4, 2);
  std::vector<float> same = {1, 1, 1, 1};
  EXPECT_EQ(selectOutliers(g, vec(4), same.data(), nullptr),
            (std::vector<uint8_t>{0, 1}));
  std::vector<float> zeros = {0, -0.0f, 0, 0};
  EXPECT_EQ(selectOutliers(g, vec(4), zeros.data(), nullptr),
            (std::vector<uint8_t>{0, 1}));
  // Positions ascend even when the larger importance comes later.
  std::vector<float> y = {0.1f, 0, 5, 7};
  EXPECT_EQ(selectOutliers(g, vec(4), y.data(), nullptr),
            (std::vector<uint8_t>{2, 3}));
}

TEST(Sparse, CalibratedImportance) {
  BlockFormat f = sq(4, 4, 1);
  std::vector<float> x = {1, 0.5f, 0.25f, 0.1f};
  std::vector<float> w = {0.1f, 1, 1, 1};
  EXPECT_EQ(selectOutliers(f, vec(4), x.data(), w.data()),
            (std::vector<uint8_t>{1}));
  EXPECT_EQ(selectOutliers(f, vec(4), x.data(), nullptr),
            (std::vector<uint8_t>{0}));
  // A NaN or negative weight ranks lowest; fp32(|x| * w) decides, so
  // 0.5 * 0.5 ties 0.25 * 1 and the smaller index wins.
  std::vector<float> w2 = {kNaN, 0.5f, 1, -1};
  EXPECT_EQ(selectOutliers(f, vec(4), x.data(), w2.data()),
            (std::vector<uint8_t>{1}));
}

TEST(Sparse, NonFiniteIsSelectedAndMakesItsPartNaN) {
  BlockFormat f = sq(4, 4, 1);
  std::vector<float> x = {1, kNaN, 2, 3};
  QuantizedTensor q = quantize(f, vec(4), x.data());
  EXPECT_EQ(q.positions, (std::vector<uint8_t>{1}));
  EXPECT_EQ(q.outlierScales, (std::vector<ScaleBits>{0xFF}));
  EXPECT_EQ(q.outlierCodes, (std::vector<uint8_t>{0}));
  EXPECT_EQ(q.scales, (std::vector<ScaleBits>{0x80}));
  EXPECT_EQ(q.codes, (std::vector<uint8_t>{2, 0, 4, 6}));
  std::vector<float> d(4);
  dequantize(f, vec(4), q, d.data());
  EXPECT_EQ(d[0], 1.0f);
  EXPECT_TRUE(std::isnan(d[1]));
  EXPECT_EQ(d[2], 2.0f);
  EXPECT_EQ(d[3], 3.0f);

  // More non-finite values than outlier slots: the rest stay low and make
  // the low block NaN (D3), so every value decodes to NaN.
  std::vector<float> y = {kNaN, kInf, 1, 2};
  QuantizedTensor r = quantize(f, vec(4), y.data());
  EXPECT_EQ(r.positions, (std::vector<uint8_t>{0}));
  EXPECT_EQ(r.scales, (std::vector<ScaleBits>{0xFF}));
  EXPECT_EQ(r.outlierScales, (std::vector<ScaleBits>{0xFF}));
  dequantize(f, vec(4), r, d.data());
  for (float v : d)
    EXPECT_TRUE(std::isnan(v));
}

TEST(Sparse, AllZeroBlock) {
  BlockFormat f = sq(8, 4, 1);
  std::vector<float> x(8, 0.0f);
  QuantizedTensor q = quantize(f, vec(8), x.data());
  EXPECT_EQ(q.scales, (std::vector<ScaleBits>{0x00}));       // D4
  EXPECT_EQ(q.outlierScales, (std::vector<ScaleBits>{0x00})); // D4
  EXPECT_EQ(q.positions, (std::vector<uint8_t>{0, 0}));
  std::vector<float> d(8, 1.0f);
  dequantize(f, vec(8), q, d.data());
  EXPECT_EQ(d, x);
}

TEST(Sparse, OuterAxisAndBankEdges) {
  // Axis 0 of [8, 3]: every column is selected on its own; the result equals
  // the 1-D quantization of each column.
  BlockFormat f = sq(8, 4, 1);
  SplitMix64 g(7);
  std::vector<float> x(24);
  for (float &v : x)
    v = float(g.nextUniform() * 8 - 4);
  Layout l{{8, 3}, 0};
  QuantizedTensor q = quantize(f, l, x.data());
  Layout hl = highLayout(f, l);
  EXPECT_EQ(hl.shape, (std::vector<int64_t>{2, 3}));
  for (int c = 0; c < 3; ++c) {
    std::vector<float> col(8);
    for (int k = 0; k < 8; ++k)
      col[k] = x[k * 3 + c];
    QuantizedTensor qc = quantize(f, vec(8), col.data());
    for (int k = 0; k < 8; ++k)
      EXPECT_EQ(q.codes[k * 3 + c], qc.codes[k]);
    for (int j = 0; j < 2; ++j) {
      EXPECT_EQ(q.positions[j * 3 + c], qc.positions[j]);
      EXPECT_EQ(q.outlierCodes[j * 3 + c], qc.outlierCodes[j]);
    }
    EXPECT_EQ(q.outlierScales[c], qc.outlierScales[0]);
  }
  // The largest count (bank - 1) and a bank equal to the block.
  BlockFormat h = sq(8, 8, 7);
  ASSERT_EQ(h.validate(), "");
  std::vector<float> y = {1, 2, 3, 4, 5, 6, 7, 8};
  QuantizedTensor r = quantize(h, vec(8), y.data());
  EXPECT_EQ(r.positions, (std::vector<uint8_t>{1, 2, 3, 4, 5, 6, 7}));
  EXPECT_EQ(r.codes[0], 4); // 1 alone in the low block: X = 1, k = 4
}

TEST(Sparse, GivenPositionsAndStaticMask) {
  BlockFormat f = sq(8, 4, 1);
  std::vector<float> mag = {0.1f, 0.9f, 0.2f, 0.3f, 2, 2, 1, 0};
  std::vector<uint8_t> mask = staticChannelMask(*f.outliers, 8, mag.data());
  EXPECT_EQ(mask, (std::vector<uint8_t>{1, 0}));
  Layout l{{2, 8}, 1};
  std::vector<uint8_t> pos = broadcastMask(f, l, mask);
  EXPECT_EQ(pos, (std::vector<uint8_t>{1, 0, 1, 0}));
  EXPECT_EQ(checkPositions(f, l, pos.data(), 4), "");
  std::vector<float> x = {1, 2, 3, 4, 5, 6, 7, 8, -1, -2, -3, -4, -5, -6, -7, -8};
  QuantizedTensor q = quantizeSparseWithPositions(f, l, x.data(), pos);
  EXPECT_EQ(q.positions, pos);
  std::vector<float> d(16);
  dequantize(f, l, q, d.data());
  EXPECT_EQ(d[1], 2.0f);  // the high value, exact in i8
  EXPECT_EQ(d[4], 5.0f);
  std::vector<uint8_t> bad = {1, 4, 1, 0};
  EXPECT_EQ(checkPositions(f, l, bad.data(), 4),
            "position 4 is outside its bank of 4");
  BlockFormat g = sq(8, 4, 2);
  std::vector<uint8_t> desc = {2, 1, 0, 1, 0, 1, 0, 1};
  EXPECT_EQ(checkPositions(g, l, desc.data(), 8),
            "positions of a bank must strictly ascend; got 2 then 1");
}

TEST(Sparse, Validate) {
  BlockFormat f = sq(32, 12, 2);
  EXPECT_EQ(f.validate(), "outlier bank size 12 does not divide the block "
                          "size 32; a bank must lie in one block");
  f = sq(32, 16, 16);
  EXPECT_EQ(f.validate(),
            "outlier count 16 per bank of 16 is out of range; expected 1..15");
  f = sq(32, 16, 0);
  EXPECT_NE(f.validate(), "");
  f = sq(32, 1, 1);
  EXPECT_NE(f.validate(), "");
  f = sq(32, 16, 1);
  f.blockKind = BlockKind::Channel;
  EXPECT_EQ(f.validate(), "outliers need a fixed block size; 'channel' and "
                          "'tensor' blocks have no banks");
  f = sq(32, 16, 1);
  f.outliers->scale = ScaleType::F16;
  f.outliers->rule = ScaleRule::Ceil;
  EXPECT_EQ(f.validate().rfind("outlier format: scale rule 'ceil'", 0), 0u);
}

TEST(Sparse, BitsPerElement) {
  // MXINT4 (4.25) + 2 i8 outliers per 32 with 5-bit positions and one E8M0
  // high scale per block of 32: 4.25 + 2/32 * 13 + 8/32.
  EXPECT_DOUBLE_EQ(sq(32, 32, 2).bitsPerElement(), 5.3125);
  EXPECT_DOUBLE_EQ(sq(32, 16, 1).bitsPerElement(), 4.25 + 12.0 / 16 + 0.25);
  BlockFormat a = sq(32, 16, 1), b = sq(32, 16, 2);
  EXPECT_FALSE(a == b);
  EXPECT_FALSE(a == lowFormat(a));
  EXPECT_FALSE(requantizeIsIdentity(a));
}

TEST(Sparse, OutliersRaiseQsnrOnHeavyTails) {
  std::vector<float> x = studentT3Tensor(11, 4096);
  BlockFormat f = sq(32, 32, 2);
  std::vector<float> ds(x.size()), db(x.size());
  dequantize(f, vec(4096), quantize(f, vec(4096), x.data()), ds.data());
  BlockFormat base = lowFormat(f);
  dequantize(base, vec(4096), quantize(base, vec(4096), x.data()), db.data());
  EXPECT_GT(qsnrDb(x.data(), ds.data(), 4096),
            qsnrDb(x.data(), db.data(), 4096) + 3.0);
}

} // namespace

namespace {

// The MSE scale search does not apply to SQ formats: a search over the whole
// block used to re-encode the outlier slots of the low part, which must stay
// +0 (the SQ matmul adds the high part to the low product).
TEST(Sparse, MseSearchKeepsTheSplit) {
  BlockFormat f = sq(8, 4, 1);
  std::vector<float> x = {1, -0.5f, 8, 0.25f, 0.5f, 0.5f, -0.5f, 3,
                          -7, 0.1f, 0.2f, 0.3f, 6, -0.4f, 0.6f, 0.7f};
  Layout l = vec(16);
  QuantizedTensor q = quantize(f, l, x.data());
  QuantizedTensor m = quantizeMse(f, l, x.data());
  EXPECT_EQ(m.codes, q.codes);
  EXPECT_EQ(m.scales, q.scales);
  EXPECT_EQ(m.outlierCodes, q.outlierCodes);
  EXPECT_EQ(m.outlierScales, q.outlierScales);
  EXPECT_EQ(m.positions, q.positions);
  for (size_t j = 0; j < m.positions.size(); ++j)
    EXPECT_EQ(m.codes[j * 4 + m.positions[j]], 0) << "outlier slot " << j;
}

} // namespace
