//===- CalibrationTableTest.cpp - Calibration table reader ----------------===//
//
// Tables the reader must reject (calibration-table-fuzzer regressions): a
// zero bins_per_octave divided every bin index by zero in qf-fold-scales,
// and negative bins or counts wrapped to huge unsigned values.
//
//===----------------------------------------------------------------------===//
#include "CalibrationTable.h"

#include <gtest/gtest.h>

namespace {

std::string parse(const std::string &histogram, const std::string &bins) {
  qf::calib::Table t;
  return qf::calib::parseTable(
      "{\"format\": \"qf-calibration\", \"version\": 1, \"histogram\": " +
          histogram +
          ", \"tensors\": [{\"name\": \"x\", \"amax\": 2, \"histogram\": " +
          bins + "}]}",
      "t.json", t);
}

TEST(CalibrationTable, Valid) {
  EXPECT_EQ(parse("{\"bins_per_octave\": 8, \"min_exp\": -64}", "[[512, 5]]"),
            "");
}

TEST(CalibrationTable, ZeroBinsPerOctave) {
  EXPECT_NE(parse("{\"bins_per_octave\": 0}", "[[512, 5]]")
                .find("bins_per_octave 0; expected 1..65536"),
            std::string::npos);
  EXPECT_NE(parse("{\"bins_per_octave\": -8}", "[]").find("bins_per_octave"),
            std::string::npos);
}

TEST(CalibrationTable, MinExpOutOfRange) {
  EXPECT_NE(parse("{\"min_exp\": -9223372036854775807}", "[]")
                .find("min_exp"),
            std::string::npos);
}

TEST(CalibrationTable, NegativeOrOffGridBins) {
  for (const char *bins : {"[[-1, 5]]", "[[512, -5]]", "[[9223372036854775807, 1]]"})
    EXPECT_NE(parse("{}", bins).find("malformed histogram"), std::string::npos)
        << bins;
}

// The per-channel mean |x| (static SQ outlier channels, D27): read when
// present, absent in older tables, rejected when negative or not a number.
TEST(CalibrationTable, ChannelMeanAbs) {
  auto table = [](const std::string &means, qf::calib::Table &t) {
    return qf::calib::parseTable(
        "{\"format\": \"qf-calibration\", \"version\": 1, \"tensors\": "
        "[{\"name\": \"x\", \"amax\": 2, \"channel_axis\": 1" +
            means + "}]}",
        "t.json", t);
  };
  qf::calib::Table t;
  ASSERT_EQ(table(", \"channel_mean_abs\": [0.5, 2]", t), "");
  EXPECT_EQ(t.entries["x"].channelMeanAbs, (std::vector<double>{0.5, 2}));
  qf::calib::Table old;
  ASSERT_EQ(table("", old), "");
  EXPECT_TRUE(old.entries["x"].channelMeanAbs.empty());
  for (const char *bad :
       {", \"channel_mean_abs\": [-1]", ", \"channel_mean_abs\": [\"a\"]"}) {
    qf::calib::Table b;
    EXPECT_NE(table(bad, b).find("malformed \"channel_mean_abs\""),
              std::string::npos)
        << bad;
  }
}

} // namespace
