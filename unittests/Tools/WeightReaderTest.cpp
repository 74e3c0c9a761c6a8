//===- WeightReaderTest.cpp - qf-pack-weights input readers ---------------===//
//
// Hostile .npy headers and raw sizes (pack-weights-fuzzer regressions): each
// is an error message, never a crash or a huge allocation.
//
//===----------------------------------------------------------------------===//
#include "WeightReader.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

using namespace qf::packweights;

namespace {

/// A version-1 .npy file with header dict `dict` and `body` bytes of data.
std::vector<char> npy(const std::string &dict, size_t body) {
  std::string h = dict + "\n";
  std::vector<char> raw = {'\x93', 'N', 'U', 'M', 'P', 'Y', 1, 0,
                           char(h.size() & 0xFF), char(h.size() >> 8)};
  raw.insert(raw.end(), h.begin(), h.end());
  raw.resize(raw.size() + body, 0);
  return raw;
}

std::string read(const std::vector<char> &raw) {
  std::vector<int64_t> shape;
  std::vector<float> data;
  return readNpy(raw, shape, data);
}

std::string dict(const std::string &shape) {
  return "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
}

TEST(WeightReader, NpyValid) {
  std::vector<int64_t> shape;
  std::vector<float> data;
  EXPECT_EQ(readNpy(npy(dict("(2, 3)"), 24), shape, data), "");
  EXPECT_EQ(shape, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(data.size(), 6u);
  EXPECT_EQ(readNpy(npy(dict("(4,)"), 16), shape, data), "");
  EXPECT_EQ(shape, (std::vector<int64_t>{4}));
}

TEST(WeightReader, NpyNegativeDimension) {
  EXPECT_NE(read(npy(dict("(-1,)"), 0)).find("cannot read the shape"),
            std::string::npos);
}

TEST(WeightReader, NpyRankZeroAndEmpty) {
  EXPECT_NE(read(npy(dict("()"), 4)).find("rank 0"), std::string::npos);
  EXPECT_NE(read(npy(dict("(0, 4)"), 0)).find("no elements"),
            std::string::npos);
}

TEST(WeightReader, NpyOverflowingShape) {
  // 2^32 * 2^32 elements: the product overflows int64.
  EXPECT_NE(read(npy(dict("(4294967296, 4294967296)"), 0)).find("more than"),
            std::string::npos);
  EXPECT_NE(read(npy(dict("(99999999999999999999,)"), 0))
                .find("cannot read the shape"),
            std::string::npos);
}

TEST(WeightReader, NpyMalformedHeader) {
  EXPECT_NE(read(npy(dict("(2, 3"), 24)).find("cannot read the shape"),
            std::string::npos);
  EXPECT_NE(read(npy(dict("(2, x)"), 24)).find("cannot read the shape"),
            std::string::npos);
  // Header length beyond the file.
  std::vector<char> raw = npy(dict("(1,)"), 4);
  raw[8] = char(0xFF), raw[9] = char(0xFF);
  EXPECT_EQ(read(raw), "truncated .npy header");
}

TEST(WeightReader, RawSizes) {
  std::vector<int64_t> shape;
  EXPECT_TRUE(parseShape("2x3", shape));
  std::vector<float> data;
  EXPECT_EQ(readRaw(std::vector<char>(24), shape, "2x3", data), "");
  EXPECT_NE(readRaw(std::vector<char>(20), shape, "2x3", data).find("needs 24"),
            std::string::npos);
  shape.clear();
  EXPECT_FALSE(parseShape("4294967296x4294967296", shape));
  shape.clear();
  EXPECT_FALSE(parseShape("0x3", shape));
}

} // namespace
