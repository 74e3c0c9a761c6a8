//===- calibration-table-fuzzer.cpp - Fuzzes the calibration reader -------===//
//
// Arbitrary bytes as a calibration table (docs/calibration.md) through the
// reader qf-fold-scales and qf-report use; an accepted table then goes
// through the histogram arithmetic those passes run on every entry (bin
// edges, the bin of the amax, the QSNR estimate for an MX and an NV format).
//
//===----------------------------------------------------------------------===//
#include "CalibrationTable.h"

#include <cstdio>
#include <cstdlib>

namespace nm = qf::numerics;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const nm::BlockFormat mx = *nm::presetFormat("mxfp4");
  static const nm::BlockFormat nv = *nm::presetFormat("nvfp4");
  qf::calib::Table t;
  std::string err = qf::calib::parseTable(
      llvm::StringRef(reinterpret_cast<const char *>(data), size), "fuzz", t);
  if (!err.empty())
    return 0;
  for (const auto &[name, e] : t.entries) {
    for (auto [bin, count] : e.hist) {
      auto [lo, hi] = qf::calib::binEdges(t, bin);
      if (!(lo <= hi)) {
        std::fprintf(stderr, "bin %lld has edges %g > %g\n", (long long)bin,
                     lo, hi);
        std::abort();
      }
    }
    if (e.amax > 0)
      (void)qf::calib::binOf(t, e.amax);
    float sf = float(e.amax);
    (void)qf::calib::estimateQsnrDb(t, e, mx, sf);
    (void)qf::calib::estimateQsnrDb(t, e, nv, sf);
  }
  return 0;
}
