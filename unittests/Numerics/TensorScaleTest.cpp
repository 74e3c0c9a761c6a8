//===- TensorScaleTest.cpp - two-level formats with a given tensor scale --===//
//
// docs/numerics.md D28: a given decode tensor scale g replaces steps 1-2 of
// section 4.2 (S_enc = fp32(1/g)); the block scales are computed from the
// data as in steps 3-5.
//
//===----------------------------------------------------------------------===//
#include "TestUtil.h"

#include "qf/Numerics/Codec.h"
#include "qf/Numerics/Quantize.h"
#include "qf/Numerics/Stats.h"

#include "gtest/gtest.h"

#include <cmath>
#include <limits>
#include <vector>

using namespace qf::numerics;
using namespace qf::numerics::test;

namespace {

const char *kTwoLevel[] = {"nvfp4", "nvint4"};

TEST(GivenTensorScale, HandComputedBlock) {
  // One NVFP4 block with amax 3 and g = 0.01f: S_enc = fp32(1 / g) = 100
  // (1 / 0.0099999998 = 100.0000002 rounds to 100); t_b = fp32(3 / 6) * 100
  // = 50, a tie between the E4M3 values 48 and 52 (spacing 4 in [32, 64)),
  // to even: 48; e_b = fp32(100 / 48) = 2.0833;
  // 3 * e_b = 6.25 -> E2M1 6 (code 7), 1 * e_b = 2.08 -> 2 (code 4),
  // -0.5 * e_b = -1.04 -> -1 (code 0xA), 0 -> 0.
  BlockFormat f = *presetFormat("nvfp4");
  std::vector<float> x(16, 0.0f);
  x[0] = 3.0f;
  x[1] = 1.0f;
  x[2] = -0.5f;
  Layout l{{16}, 0};
  QuantizedTensor q = quantizeWithTensorScale(f, l, x.data(), 0.01f);
  ASSERT_EQ(q.scales.size(), 1u);
  EXPECT_FLOAT_EQ(decodeScale(f.scale, q.scales[0]), 48.0f);
  EXPECT_EQ(q.codes[0], 0x7);
  EXPECT_EQ(q.codes[1], 0x4);
  EXPECT_EQ(q.codes[2], 0xA);
  EXPECT_EQ(q.codes[3], 0x0);
  EXPECT_EQ(bitsOf(q.tensorScale), bitsOf(0.01f));
}

TEST(GivenTensorScale, SaturatesBlocksBeyondTheCalibratedAmax) {
  // g for a calibrated amax of 1; a block with amax 10 saturates its scale
  // at 448 (E4M3 0x7E) and its largest elements at +-6.
  BlockFormat f = *presetFormat("nvfp4");
  float g = 1.0f / tensorEncodeScaleForAmax(f, 1.0f);
  std::vector<float> x(32, 0.25f);
  x[16] = 10.0f;
  x[17] = -10.0f;
  Layout l{{32}, 0};
  QuantizedTensor q = quantizeWithTensorScale(f, l, x.data(), g);
  EXPECT_EQ(q.scales[1], 0x7Eu);
  EXPECT_EQ(q.codes[16], 0x7);
  EXPECT_EQ(q.codes[17], 0xF);
  // The block within the calibrated range is encoded as quantize would.
  EXPECT_NE(q.scales[0], 0x7Eu);
}

TEST(GivenTensorScale, NonFiniteBlocksAreNaN) {
  BlockFormat f = *presetFormat("nvint4");
  std::vector<float> x(32, 1.0f);
  x[20] = std::numeric_limits<float>::quiet_NaN();
  Layout l{{32}, 0};
  QuantizedTensor q = quantizeWithTensorScale(f, l, x.data(), 0.003f);
  EXPECT_EQ(q.scales[1], 0x7Fu);
  for (int i = 16; i < 32; ++i)
    EXPECT_EQ(q.codes[i], 0) << i;
  EXPECT_NE(q.scales[0], 0x7Fu);
}

TEST(GivenTensorScale, StaticBlockScalesReproduceTheCodes) {
  std::vector<float> x = studentT3Tensor(7, 32 * 128);
  for (const char *name : kTwoLevel)
    for (float g : {1e-4f, 3e-3f, 0.25f})
      for (int axis : {0, 1}) {
        BlockFormat f = *presetFormat(name);
        Layout l{{32, 128}, axis};
        QuantizedTensor q = quantizeWithTensorScale(f, l, x.data(), g);
        EXPECT_EQ(bitsOf(q.tensorScale), bitsOf(g));
        QuantizedTensor r =
            quantizeWithScales(f, l, x.data(), q.scales.data(), g);
        EXPECT_EQ(r.codes, q.codes) << name << " g " << g << " axis " << axis;
      }
}

TEST(GivenTensorScale, TheDataOwnScaleGivesQuantize) {
  // With g = the decode scale quantize stores, the result is quantize's
  // wherever fp32(1 / g) gives back its S_enc (checked per case).
  int compared = 0;
  for (uint64_t seed = 1; seed <= 8; ++seed) {
    std::vector<float> x = studentT3Tensor(seed, 16 * 64);
    for (const char *name : kTwoLevel) {
      BlockFormat f = *presetFormat(name);
      Layout l{{16, 64}, 1};
      float sEnc = tensorEncodeScale(f, x.data(), int64_t(x.size()));
      QuantizedTensor q = quantize(f, l, x.data());
      ASSERT_EQ(bitsOf(q.tensorScale), bitsOf(1.0f / sEnc));
      if (1.0f / q.tensorScale != sEnc)
        continue;
      ++compared;
      QuantizedTensor r = quantizeWithTensorScale(f, l, x.data(), q.tensorScale);
      EXPECT_EQ(r.codes, q.codes) << name << " seed " << seed;
      EXPECT_EQ(r.scales, q.scales) << name << " seed " << seed;
    }
  }
  EXPECT_GT(compared, 4);
}

TEST(GivenTensorScale, EncodeScaleForAmax) {
  BlockFormat f = *presetFormat("nvfp4");
  EXPECT_EQ(tensorEncodeScaleForAmax(f, 10.0f), 2688.0f / 10.0f);
  EXPECT_EQ(tensorEncodeScaleForAmax(f, 0.0f), 1.0f);
  EXPECT_EQ(tensorEncodeScaleForAmax(f, std::numeric_limits<float>::infinity()),
            1.0f);
  EXPECT_EQ(tensorEncodeScaleForAmax(f, std::numeric_limits<float>::quiet_NaN()),
            1.0f);
  // A subnormal amax clamps S_enc to FLT_MAX (section 4.2 step 2).
  EXPECT_EQ(tensorEncodeScaleForAmax(f, 1e-45f),
            std::numeric_limits<float>::max());
}

} // namespace
