//===- WeightViewTest.cpp - qf-pack-weights --view steps ------------------===//
//
// The view steps qf-quantize-model records in qf.weight_view, applied to
// small row-major tensors whose elements are their own flat indices, and
// hostile view strings (each an error message, never a crash).
//
//===----------------------------------------------------------------------===//
#include "WeightView.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace qf::packweights;

namespace {

std::vector<float> iota(int64_t n) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i)
    v[size_t(i)] = float(i);
  return v;
}

TEST(WeightView, SliceReshapeTranspose) {
  std::vector<int64_t> shape = {24};
  std::vector<float> data = iota(24);
  ASSERT_EQ(applyView("slice(6;12;1) reshape(3,4) transpose(1,0)", shape,
                      data),
            "");
  EXPECT_EQ(shape, (std::vector<int64_t>{4, 3}));
  // rows of the 3x4 view are 6..9, 10..13, 14..17; transposed.
  EXPECT_EQ(data, (std::vector<float>{6, 10, 14, 7, 11, 15, 8, 12, 16, 9, 13,
                                      17}));
}

TEST(WeightView, StridedSliceOfMatrix) {
  std::vector<int64_t> shape = {4, 5};
  std::vector<float> data = iota(20);
  ASSERT_EQ(applyView("slice(1,0;2,3;2,2)", shape, data), "");
  EXPECT_EQ(shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(data, (std::vector<float>{5, 7, 9, 15, 17, 19}));
}

TEST(WeightView, ThreeDimensionalPermutation) {
  std::vector<int64_t> shape = {2, 3, 4};
  std::vector<float> data = iota(24);
  ASSERT_EQ(applyView("transpose(2,0,1)", shape, data), "");
  EXPECT_EQ(shape, (std::vector<int64_t>{4, 2, 3}));
  // result[i][j][k] = input[j][k][i] = 12 j + 4 k + i.
  EXPECT_EQ(data[0], 0);
  EXPECT_EQ(data[1], 4);
  EXPECT_EQ(data[3], 12);
  EXPECT_EQ(data[6], 1);
}

TEST(WeightView, EmptyViewKeepsData) {
  std::vector<int64_t> shape = {2, 2};
  std::vector<float> data = iota(4);
  EXPECT_EQ(applyView("", shape, data), "");
  EXPECT_EQ(data, iota(4));
}

TEST(WeightView, HostileViewsAreMessages) {
  for (const char *v :
       {"slice(0;5;1)", "slice(3;2;0)", "slice(0;0;1)", "slice(;;)",
        "slice(0;1)", "reshape(5)", "reshape(-4)", "reshape(99999999999999)",
        "transpose(0,1)", "reshape(999999999999,999999999999,999999999999)", "transpose(2,0)", "flip(0)",
        "reshape(4", "slice(0,0;1,1;1,1)", "reshape(2,2)x"}) {
    std::vector<int64_t> shape = {4};
    std::vector<float> data = iota(4);
    EXPECT_NE(applyView(v, shape, data), "") << v;
  }
}

} // namespace
