//===- TilingTest.cpp - The repacked weight layout's permutation ----------===//
#include "qf/Numerics/Tiling.h"

#include <gtest/gtest.h>

#include <numeric>

namespace nm = qf::numerics;

// tiled<2x4> of a [2, 8] weight: each row's first run of 4 codes, then each
// row's second run (docs/formats.md, "Repacked weight layout").
TEST(Tiling, CodesRunsOfRowsSideBySide) {
  std::vector<uint8_t> x(16);
  std::iota(x.begin(), x.end(), 0);
  std::vector<uint8_t> t = nm::tileCodes({2, 4}, x, 2, 8);
  EXPECT_EQ(t, (std::vector<uint8_t>{0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7, 12,
                                     13, 14, 15}));
  EXPECT_EQ(nm::untileCodes({2, 4}, t, 2, 8), x);
}

// Scales [n, nb]: the blocks of a group's rows side by side.
TEST(Tiling, ScalesOfAGroupSideBySide) {
  std::vector<uint8_t> x{10, 11, 20, 21, 30, 31, 40, 41}; // 4 rows, 2 blocks
  std::vector<uint8_t> t = nm::tileScales({2, 4}, x, 4, 2, 1);
  EXPECT_EQ(t, (std::vector<uint8_t>{10, 20, 11, 21, 30, 40, 31, 41}));
  EXPECT_EQ(nm::untileScales({2, 4}, t, 4, 2, 1), x);
  // Two-byte scales (f16) move as units.
  std::vector<uint8_t> w{1, 2, 3, 4, 5, 6, 7, 8}; // 2 rows, 2 blocks
  EXPECT_EQ(nm::tileScales({2, 4}, w, 2, 2, 2),
            (std::vector<uint8_t>{1, 2, 5, 6, 3, 4, 7, 8}));
}

// Every position is hit once (a permutation) for the kernels' layouts.
TEST(Tiling, IsAPermutation) {
  for (nm::Tiling t : {nm::Tiling{32, 4}, nm::Tiling{4, 32}, nm::Tiling{16, 4}}) {
    int64_t n = 64, k = 128;
    std::vector<int> hit(size_t(n * k));
    for (int64_t r = 0; r < n; ++r)
      for (int64_t j = 0; j < k; ++j)
        ++hit[size_t(nm::tiledCodeIndex(t, k, r, j))];
    for (int h : hit)
      ASSERT_EQ(h, 1);
  }
}

TEST(Tiling, Checks) {
  EXPECT_EQ(nm::checkTiling({32, 4}, 64, 128, 4), "");
  EXPECT_NE(nm::checkTiling({32, 4}, 48, 128, 4).find("do not divide dimension 0"),
            std::string::npos);
  EXPECT_NE(nm::checkTiling({4, 96}, 64, 128, 4).find("does not divide dimension 1"),
            std::string::npos);
  EXPECT_NE(nm::checkTiling({4, 3}, 64, 96, 4).find("not whole bytes"),
            std::string::npos);
  EXPECT_NE(nm::checkTiling({0, 4}, 64, 96, 4).find("must be positive"),
            std::string::npos);
}
