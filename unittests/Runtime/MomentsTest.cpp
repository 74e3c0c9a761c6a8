//===- MomentsTest.cpp - Second moments: runtime writer and pass reader ---===//
//
// What libqf_runtime records with qf_calib_moments_f32 is what qf-fold-scales
// reads back (CalibrationTable.h + SecondMoments.h): the sums by hand, the
// sidecar's layout, and the reader's checks on a damaged file.
//
//===----------------------------------------------------------------------===//
#include "QFCalibration.h"

#include "SecondMoments.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <unistd.h>

namespace {

std::string tempPath() {
  char buf[] = "/tmp/qf-moments-XXXXXX";
  int fd = mkstemp(buf);
  if (fd >= 0)
    close(fd);
  return buf;
}

std::string slurp(const std::string &path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

TEST(Moments, FullAndDiagonalRoundTripThroughTheSidecar) {
  qf_calib_reset();
  // Three tokens of K = 3 given as the columns of a 3x3 buffer (strides
  // {1, 3}: token t is {a[t], a[t+3], a[t+6]}); the middle one has a NaN.
  float a[9] = {1, NAN, 2, -1, 5, 0.5f, 3, 1, -2};
  int64_t sizes[2] = {3, 3}, strides[2] = {1, 3};
  qf_calib_moments_f32(4, a, 2, sizes, strides, /*mode=*/2);
  qf_calib_set_name(4, "p.full", 6);
  // The same tokens, diagonal only, under another point; then a call with
  // another K, which is ignored.
  qf_calib_moments_f32(9, a, 2, sizes, strides, /*mode=*/1);
  int64_t small[2] = {1, 2};
  qf_calib_moments_f32(9, a, 2, small, strides, 1);
  qf_calib_set_name(9, "p.diag", 6);

  std::string path = tempPath();
  ASSERT_EQ(qf_calib_write_json(path.data(), int64_t(path.size())), 0);
  qf::calib::Table t;
  ASSERT_EQ(qf::calib::readTable(path, t), "");
  EXPECT_EQ(t.momentsFile, path.substr(path.rfind('/') + 1) + ".moments");
  std::map<std::string, qf::calib::SecondMoment> m;
  ASSERT_EQ(qf::calib::readMoments(path, t, m), "");
  ASSERT_EQ(m.size(), 2u);
  // Tokens {1, -1, 3} and {2, 0.5, -2}.
  const double x[2][3] = {{1, -1, 3}, {2, 0.5, -2}};
  const qf::calib::SecondMoment &full = m["p.full"];
  EXPECT_TRUE(full.full);
  EXPECT_EQ(full.k, 3);
  EXPECT_EQ(full.tokens, 2u);
  EXPECT_EQ(t.entries["p.full"].moment->skipped, 1u);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j)
      EXPECT_DOUBLE_EQ(full.h[size_t(i * 3 + j)],
                       x[0][i] * x[0][j] + x[1][i] * x[1][j]);
  const qf::calib::SecondMoment &diag = m["p.diag"];
  EXPECT_FALSE(diag.full);
  ASSERT_EQ(diag.h.size(), 3u);
  for (int i = 0; i < 3; ++i)
    EXPECT_DOUBLE_EQ(diag.h[size_t(i)], x[0][i] * x[0][i] + x[1][i] * x[1][i]);

  // Damaged copies of the sidecar: every one is a message, none a crash.
  std::string bytes = slurp(path + ".moments");
  auto parse = [&](const std::string &b) {
    std::map<std::string, qf::calib::SecondMoment> out;
    return qf::calib::parseMoments(b, "x", t, out);
  };
  EXPECT_EQ(parse(bytes), "");
  EXPECT_NE(parse(bytes.substr(0, bytes.size() - 8)), "");
  EXPECT_NE(parse(bytes.substr(0, 10)), "");
  std::string bad = bytes;
  bad[3] = 'X';
  EXPECT_NE(parse(bad), "");
  bad = bytes;
  bad[8] = 2; // version
  EXPECT_NE(parse(bad), "");
  bad = bytes;
  bad[16] ^= 1; // the first record's id
  EXPECT_NE(parse(bad), "");
  bad = bytes;
  for (int i = 0; i < 8; ++i) // its first value becomes NaN
    bad[size_t(48 + i)] = char(0xFF);
  EXPECT_NE(parse(bad), "");
  std::remove(path.c_str());
  std::remove((path + ".moments").c_str());
}

TEST(Moments, TablesWithoutMomentsStayVersionOne) {
  qf_calib_reset();
  float a[2] = {1, 2};
  int64_t sizes[1] = {2}, strides[1] = {1};
  qf_calib_observe_f32(1, a, 1, sizes, strides, -1);
  std::string path = tempPath();
  ASSERT_EQ(qf_calib_write_json(path.data(), int64_t(path.size())), 0);
  EXPECT_NE(slurp(path).find("\"version\": 1"), std::string::npos);
  qf::calib::Table t;
  ASSERT_EQ(qf::calib::readTable(path, t), "");
  std::map<std::string, qf::calib::SecondMoment> m;
  EXPECT_NE(qf::calib::readMoments(path, t, m).find("no second moments"),
            std::string::npos);
  std::remove(path.c_str());
}

} // namespace
