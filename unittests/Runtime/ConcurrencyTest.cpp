//===- ConcurrencyTest.cpp - The calibration runtime under many threads ---===//
//
// The threaded qf-cpu-pipeline (convert-scf-to-openmp) calls the calibration
// runtime from several threads at once. Every statistic it keeps is order
// independent (counts, maxima, histogram bins), so observations split across
// threads must give exactly the table of the same observations made serially.
// Under ThreadSanitizer (scripts/test.sh --tsan) this test is also the race
// check of the runtime.
//
//===----------------------------------------------------------------------===//
#include "QFCalibration.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

constexpr int kPoints = 3, kTensors = 64, kRows = 4, kCols = 32;

/// A deterministic tensor per (point, tensor index) with zeros, NaNs and a
/// wide range of magnitudes, so every statistic is exercised.
std::vector<float> tensorData(int point, int index) {
  std::vector<float> v(kRows * kCols);
  uint32_t s = 0x9e3779b9u * uint32_t(point * 1000 + index + 1);
  for (float &x : v) {
    s = s * 1664525u + 1013904223u;
    int e = int(s >> 27) - 16;           // 2^-16 .. 2^15
    float m = 1.0f + float(s & 0xffff) / 65536.0f;
    x = std::ldexp((s & 0x100) ? -m : m, e);
    if ((s & 0x7e00) == 0)
      x = 0.0f;
  }
  if (index % 17 == 3)
    v[index % v.size()] = NAN;
  return v;
}

void observe(int point, int index) {
  std::vector<float> v = tensorData(point, index);
  int64_t sizes[2] = {kRows, kCols}, strides[2] = {kCols, 1};
  qf_calib_observe_f32(point, v.data(), 2, sizes, strides,
                       /*channelAxis=*/point == 0 ? 1 : -1);
}

/// The table as text with every tensor's statistics, after naming the points.
std::string table() {
  for (int p = 0; p < kPoints; ++p) {
    std::string name = "p" + std::to_string(p);
    qf_calib_set_name(p, name.data(), int64_t(name.size()));
  }
  char path[] = "/tmp/qf-calib-threads-XXXXXX";
  int fd = mkstemp(path);
  if (fd >= 0)
    close(fd);
  EXPECT_EQ(qf_calib_write_json(path, int64_t(sizeof(path) - 1)), 0);
  auto buf = llvm::MemoryBuffer::getFile(path);
  std::remove(path);
  if (!buf)
    return "";
  auto v = llvm::json::parse((*buf)->getBuffer());
  EXPECT_TRUE(bool(v));
  if (!v)
    return "";
  // Compare the tensors only: the header may carry a time stamp.
  std::string out;
  llvm::raw_string_ostream os(out);
  os << llvm::json::Value(llvm::json::Array(*v->getAsObject()->getArray("tensors")));
  return out;
}

TEST(CalibrationThreads, ConcurrentObservationsEqualSerialOnes) {
  qf_calib_reset();
  for (int p = 0; p < kPoints; ++p)
    for (int i = 0; i < kTensors; ++i)
      observe(p, i);
  std::string serial = table();
  ASSERT_FALSE(serial.empty());

  qf_calib_reset();
  // Four threads, each taking every fourth tensor of every point, the way a
  // parallel loop splits its iterations; all write the same points at once.
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([t] {
      for (int i = t; i < kTensors; i += 4)
        for (int p = 0; p < kPoints; ++p)
          observe(p, i);
    });
  for (std::thread &th : threads)
    th.join();
  EXPECT_EQ(table(), serial);
}

} // namespace
