//===- MseOuterAxisTest.cpp - quantizeMse on blocks along an outer axis ---===//
//
// Regression of a numerics-fuzzer find: quantizeMse's trial encodings wrote
// strided codes into a scratch buffer of one block, overflowing the heap
// (and scoring wrong codes) when the blocked axis is not the innermost one.
//
//===----------------------------------------------------------------------===//
#include "qf/Numerics/Quantize.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace qf::numerics;

namespace {

// Blocks along axis 0 of a [len*2, cols] tensor give the same scales and
// codes (transposed) as blocks along axis 1 of its transpose.
TEST(MseSearch, OuterAxisEqualsTransposedInnerAxis) {
  for (const char *name : {"mxfp4", "mxint8", "nvfp4"}) {
    BlockFormat f = *presetFormat(name);
    int64_t rows = 2 * f.blockSize, cols = 3;
    std::vector<float> x(size_t(rows * cols)), xt(x.size());
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c) {
        float v = std::sin(float(r * 7 + c * 13)) * float(1 + r % 5);
        x[size_t(r * cols + c)] = v;
        xt[size_t(c * rows + r)] = v;
      }
    // A non-finite value in one block: that block keeps quantize's NaN
    // scale, the others are searched.
    x[size_t(1 * cols + 2)] = xt[size_t(2 * rows + 1)] = INFINITY;
    QuantizedTensor outer = quantizeMse(f, Layout{{rows, cols}, 0}, x.data());
    QuantizedTensor inner = quantizeMse(f, Layout{{cols, rows}, 1}, xt.data());
    EXPECT_EQ(outer.scales, inner.scales) << name;
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t c = 0; c < cols; ++c)
        EXPECT_EQ(outer.codes[size_t(r * cols + c)],
                  inner.codes[size_t(c * rows + r)])
            << name << " at " << r << "," << c;
  }
}

} // namespace
