//===- PackingTest.cpp - Sub-byte code packing (D10, D11) -----------------===//

#include "qf/Numerics/Packing.h"
#include "qf/Numerics/Stats.h"

#include "gtest/gtest.h"

#include <vector>

using namespace qf::numerics;

namespace {

TEST(Packing, PackedBytes) {
  EXPECT_EQ(packedBytes(0, 4), 0);
  EXPECT_EQ(packedBytes(1, 4), 1);
  EXPECT_EQ(packedBytes(3, 4), 2);
  EXPECT_EQ(packedBytes(4, 6), 3);
  EXPECT_EQ(packedBytes(5, 6), 4);
  EXPECT_EQ(packedBytes(32, 8), 32);
  EXPECT_EQ(packedBytes(5, 2), 2);
  EXPECT_EQ(packedBytes(8, 3), 3);
  EXPECT_EQ(packedBytes(8, 7), 7);
}

TEST(Packing, RoundTripEveryWidth) {
  SplitMix64 g(42);
  for (int bits = 2; bits <= 8; ++bits) {
    for (int64_t n : {0, 1, 2, 3, 5, 7, 8, 31, 32, 33, 1000}) {
      SCOPED_TRACE(std::to_string(bits) + " bits, n = " + std::to_string(n));
      std::vector<uint8_t> codes(static_cast<size_t>(n));
      for (auto &c : codes)
        c = uint8_t(g.next());
      std::vector<uint8_t> packed = packCodes(codes.data(), n, bits);
      ASSERT_EQ(int64_t(packed.size()), packedBytes(n, bits));
      std::vector<uint8_t> back = unpackCodes(packed.data(), n, bits);
      ASSERT_EQ(int64_t(back.size()), n);
      for (int64_t i = 0; i < n; ++i)
        EXPECT_EQ(back[i], codes[i] & ((1u << bits) - 1)) << i;
      // The bit stream: code i occupies bits bits*i .. bits*i+bits-1.
      for (int64_t i = 0; i < n; ++i)
        for (int k = 0; k < bits; ++k) {
          int64_t bit = i * bits + k;
          EXPECT_EQ((packed[bit / 8] >> (bit % 8)) & 1, (codes[i] >> k) & 1);
        }
      // Padding bits of the last byte are zero.
      int64_t used = n * bits;
      if (used % 8)
        EXPECT_EQ(packed.back() >> (used % 8), 0);
    }
  }
}

TEST(Packing, D10FourBitNibbles) {
  const uint8_t codes[] = {0x1, 0x2, 0x3, 0x4, 0xF, 0x0, 0xA};
  std::vector<uint8_t> p = packCodes(codes, 7, 4);
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p[0], 0x21); // element 0 in the low nibble, element 1 high
  EXPECT_EQ(p[1], 0x43);
  EXPECT_EQ(p[2], 0x0F);
  EXPECT_EQ(p[3], 0x0A); // odd tail: high nibble zero
  const uint8_t bytes[] = {0xBA, 0x7C};
  std::vector<uint8_t> u = unpackCodes(bytes, 4, 4);
  EXPECT_EQ(u, (std::vector<uint8_t>{0xA, 0xB, 0xC, 0x7}));
}

TEST(Packing, D11SixBitGroups) {
  // Four codes in three bytes; code i at bits 6i..6i+5 of the 24-bit group.
  const uint8_t codes[] = {0x3F, 0x00, 0x15, 0x2A, 0x01, 0x02, 0x03, 0x04};
  std::vector<uint8_t> p = packCodes(codes, 8, 6);
  ASSERT_EQ(p.size(), 6u);
  // 0x3F | 0x00 << 6 | 0x15 << 12 | 0x2A << 18 = 0xA9503F
  EXPECT_EQ(p[0], 0x3F);
  EXPECT_EQ(p[1], 0x50);
  EXPECT_EQ(p[2], 0xA9);
  // 0x01 | 0x02 << 6 | 0x03 << 12 | 0x04 << 18 = 0x103081
  EXPECT_EQ(p[3], 0x81);
  EXPECT_EQ(p[4], 0x30);
  EXPECT_EQ(p[5], 0x10);
  for (int g = 0; g < 2; ++g) {
    uint32_t v = p[3 * g] | uint32_t(p[3 * g + 1]) << 8 |
                 uint32_t(p[3 * g + 2]) << 16;
    for (int i = 0; i < 4; ++i)
      EXPECT_EQ((v >> (6 * i)) & 0x3F, codes[4 * g + i]);
  }
  EXPECT_EQ(unpackCodes(p.data(), 8, 6),
            std::vector<uint8_t>(codes, codes + 8));
}

TEST(Packing, EightBitIsIdentityAndHighBitsIgnored) {
  const uint8_t codes[] = {0x00, 0x7F, 0x80, 0xFF};
  EXPECT_EQ(packCodes(codes, 4, 8), std::vector<uint8_t>(codes, codes + 4));
  const uint8_t dirty[] = {0xF1, 0xE2};
  EXPECT_EQ(packCodes(dirty, 2, 4), std::vector<uint8_t>{0x21});
  const uint8_t two[] = {0x3, 0x0, 0x1, 0x2, 0x1};
  EXPECT_EQ(packCodes(two, 5, 2), (std::vector<uint8_t>{0x93, 0x01}));
}

} // namespace
