//===- calibration-table-fuzzer.cpp - Fuzzes the calibration reader -------===//
//
// Arbitrary bytes as a calibration table (docs/calibration.md) through the
// reader qf-fold-scales and qf-report use; an accepted table then goes
// through the histogram arithmetic those passes run on every entry (bin
// edges, the bin of the amax, the QSNR estimate for an MX and an NV format).
// Bytes after the first NUL are the table's second-moment sidecar file
// (SecondMoments.h), checked against the table as qf-fold-scales reads it.
//
//===----------------------------------------------------------------------===//
#include "CalibrationTable.h"
#include "SecondMoments.h"

#include <cstdio>
#include <cstdlib>

namespace nm = qf::numerics;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const nm::BlockFormat mx = *nm::presetFormat("mxfp4");
  static const nm::BlockFormat nv = *nm::presetFormat("nvfp4");
  llvm::StringRef all(reinterpret_cast<const char *>(data), size);
  auto [json, sidecar] = all.split('\0');
  qf::calib::Table t;
  std::string err = qf::calib::parseTable(json, "fuzz", t);
  if (!err.empty())
    return 0;
  std::map<std::string, qf::calib::SecondMoment> moments;
  if (qf::calib::parseMoments(sidecar, "fuzz.moments", t, moments).empty())
    for (const auto &[name, m] : moments)
      if (m.h.size() != size_t(m.full ? m.k * m.k : m.k)) {
        std::fprintf(stderr, "'%s': %zu values for K = %lld\n", name.c_str(),
                     m.h.size(), (long long)m.k);
        std::abort();
      }
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
