//===- ScaleSwizzleTest.cpp - The 128x4 tiled scale layout of tcgen05 ----===//
#include "qf/Numerics/ScaleSwizzle.h"

#include <gtest/gtest.h>

#include <set>

using namespace qf::numerics;

namespace {

// Byte positions written out from the layout's definition (cuBLAS "1D block
// scaling factors layout": offset (r % 32) * 16 + (r % 128) / 32 * 4 + c % 4
// in 512-byte tiles, tiles row-major over [rows / 128, cols / 4]).
TEST(ScaleSwizzle, BytePositions) {
  EXPECT_EQ(swizzledScaleOffset(0, 0, 4), 0);
  EXPECT_EQ(swizzledScaleOffset(0, 3, 4), 3);
  EXPECT_EQ(swizzledScaleOffset(1, 0, 4), 16);
  EXPECT_EQ(swizzledScaleOffset(31, 2, 4), 31 * 16 + 2);
  EXPECT_EQ(swizzledScaleOffset(32, 0, 4), 4);
  EXPECT_EQ(swizzledScaleOffset(33, 1, 4), 16 + 4 + 1);
  EXPECT_EQ(swizzledScaleOffset(64, 0, 4), 8);
  EXPECT_EQ(swizzledScaleOffset(127, 3, 4), 31 * 16 + 12 + 3);
  // The second column tile of a row, then the second row tile.
  EXPECT_EQ(swizzledScaleOffset(0, 4, 8), 512);
  EXPECT_EQ(swizzledScaleOffset(5, 6, 8), 512 + 5 * 16 + 2);
  EXPECT_EQ(swizzledScaleOffset(128, 0, 8), 2 * 512);
  EXPECT_EQ(swizzledScaleOffset(130, 5, 8), 3 * 512 + 2 * 16 + 1);
  // Columns padded to 4: 5 columns take two column tiles.
  EXPECT_EQ(swizzledScaleOffset(128, 0, 5), 2 * 512);
}

// Every position of a full tile is hit once, and swizzleSource inverts it.
TEST(ScaleSwizzle, Bijection) {
  std::set<int64_t> seen;
  for (int64_t r = 0; r < 256; ++r)
    for (int64_t c = 0; c < 8; ++c) {
      int64_t off = swizzledScaleOffset(r, c, 8);
      EXPECT_TRUE(seen.insert(off).second);
      int64_t tile = off / kSwizzleTileBytes, rr, cc;
      swizzleSource(tile / 2, tile % 2, off % kSwizzleTileBytes, rr, cc);
      EXPECT_EQ(rr, r);
      EXPECT_EQ(cc, c);
    }
  EXPECT_EQ(seen.size(), 256u * 8u);
}

// Padding rows and columns hold 0 (never the E8M0 NaN 0xFF); batches are
// consecutive.
TEST(ScaleSwizzle, PaddingAndBatches) {
  int64_t rows = 3, cols = 2;
  std::vector<uint8_t> in(2 * rows * cols);
  for (size_t i = 0; i < in.size(); ++i)
    in[i] = uint8_t(0xF0 + i);
  std::vector<uint8_t> out = swizzleScales(in, 2, rows, cols);
  ASSERT_EQ(out.size(), 2u * 512u);
  for (int64_t b = 0; b < 2; ++b)
    for (int64_t byte = 0; byte < 512; ++byte) {
      int64_t r, c;
      swizzleSource(0, 0, byte, r, c);
      uint8_t want =
          r < rows && c < cols ? in[(b * rows + r) * cols + c] : kScalePad;
      EXPECT_EQ(out[b * 512 + byte], want) << "batch " << b << " byte " << byte;
    }
  EXPECT_EQ(kScalePad, 0);
}

} // namespace
