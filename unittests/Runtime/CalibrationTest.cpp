//===- CalibrationTest.cpp - The calibration runtime's statistics and JSON ===//
#include "QFCalibration.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <unistd.h>

namespace {

std::string tempPath() {
  char buf[] = "/tmp/qf-calib-XXXXXX";
  int fd = mkstemp(buf);
  if (fd >= 0)
    close(fd);
  return buf;
}

llvm::json::Value writeAndParse() {
  std::string path = tempPath();
  EXPECT_EQ(qf_calib_write_json(path.data(), int64_t(path.size())), 0);
  auto buf = llvm::MemoryBuffer::getFile(path);
  EXPECT_TRUE(bool(buf));
  auto v = llvm::json::parse((*buf)->getBuffer());
  EXPECT_TRUE(bool(v)) << llvm::toString(v.takeError());
  std::remove(path.c_str());
  return std::move(*v);
}

const llvm::json::Object *tensor(const llvm::json::Value &root, int64_t id) {
  for (const auto &t : *root.getAsObject()->getArray("tensors"))
    if (t.getAsObject()->getInteger("id") == id)
      return t.getAsObject();
  return nullptr;
}

TEST(Calibration, AmaxCountsAndChannelsAcrossCalls) {
  qf_calib_reset();
  // A 2x3 row-major tensor, then its transpose viewed through strides.
  float a[6] = {1.0f, -5.0f, 0.0f, 2.0f, 0.25f, -3.0f};
  int64_t sizes[2] = {2, 3}, strides[2] = {3, 1};
  qf_calib_observe_f32(7, a, 2, sizes, strides, /*channelAxis=*/1);
  float b[6] = {-8.0f, NAN, 0.5f, 1.0f, 0.0f, 0.0f};
  qf_calib_observe_f32(7, b, 2, sizes, strides, 1);
  const char name[] = "act.q";
  qf_calib_set_name(7, name, 5);

  llvm::json::Value root = writeAndParse();
  const llvm::json::Object &o = *root.getAsObject();
  EXPECT_EQ(o.getString("format"), "qf-calibration");
  EXPECT_EQ(o.getInteger("version"), 1);
  const llvm::json::Object *t = tensor(root, 7);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->getString("name"), "act.q");
  EXPECT_EQ(t->getInteger("calls"), 2);
  EXPECT_EQ(t->getInteger("count"), 12);
  EXPECT_EQ(t->getInteger("zeros"), 3);
  EXPECT_EQ(t->getInteger("nonfinite"), 1);
  EXPECT_EQ(t->getNumber("amax"), 8.0);
  EXPECT_EQ(t->getInteger("channel_axis"), 1);
  const llvm::json::Array &ch = *t->getArray("channel_amax");
  ASSERT_EQ(ch.size(), 3u);
  EXPECT_EQ(ch[0].getAsNumber(), 8.0); // max(1, 2, 8, 1)
  EXPECT_EQ(ch[1].getAsNumber(), 5.0); // max(5, 0.25, NaN skipped, 0)
  EXPECT_EQ(ch[2].getAsNumber(), 3.0); // max(0, 3, 0.5, 0)
  // Mean |x| over each channel's finite elements, zeros included.
  const llvm::json::Array &mean = *t->getArray("channel_mean_abs");
  ASSERT_EQ(mean.size(), 3u);
  EXPECT_EQ(mean[0].getAsNumber(), 3.0);   // (1 + 2 + 8 + 1) / 4
  EXPECT_EQ(mean[1].getAsNumber(), 1.75);  // (5 + 0.25 + 0) / 3, NaN skipped
  EXPECT_EQ(mean[2].getAsNumber(), 0.875); // (0 + 3 + 0.5 + 0) / 4
  // Histogram: 8 finite nonzero values in total.
  uint64_t histTotal = 0;
  for (const auto &pair : *t->getArray("histogram"))
    histTotal += uint64_t(*(*pair.getAsArray())[1].getAsInteger());
  EXPECT_EQ(histTotal, 8u);
}

TEST(Calibration, HistogramBinsAreLog2WithEightPerOctave) {
  qf_calib_reset();
  // 1.0 is octave 0 sub-bin 0; 1.5 is sub-bin 4; 2^-70 underflows to bin 0.
  float a[3] = {1.0f, 1.5f, std::ldexp(1.0f, -70)};
  int64_t sizes[1] = {3}, strides[1] = {1};
  qf_calib_observe_f32(1, a, 1, sizes, strides, -1);
  llvm::json::Value root = writeAndParse();
  const llvm::json::Object *t = tensor(root, 1);
  ASSERT_TRUE(t);
  std::vector<std::pair<int64_t, int64_t>> bins;
  for (const auto &pair : *t->getArray("histogram"))
    bins.push_back({*(*pair.getAsArray())[0].getAsInteger(),
                    *(*pair.getAsArray())[1].getAsInteger()});
  const int64_t octave0 = 64 * 8;
  std::vector<std::pair<int64_t, int64_t>> expected = {
      {0, 1}, {octave0, 1}, {octave0 + 4, 1}};
  EXPECT_EQ(bins, expected);
  EXPECT_EQ(t->getInteger("channel_axis"), -1);
}

TEST(Calibration, UnwritablePathIsAnError) {
  qf_calib_reset();
  std::string bad = "/nonexistent-dir/x.json";
  EXPECT_NE(qf_calib_write_json(bad.data(), int64_t(bad.size())), 0);
}

} // namespace
