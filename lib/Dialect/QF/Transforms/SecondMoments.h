//===- SecondMoments.h - Reading the second-moment sidecar file -*- C++ -*-===//
//
// The binary sidecar of a version 2 calibration table (docs/calibration.md):
// per observation point the sum of x x^T over the calibration tokens, or
// its diagonal. Every byte is checked against the table before use, so a
// bad or truncated file is an error message, never a crash. Header-only:
// used by qf-fold-scales, qf-pack-weights and the calibration fuzzer.
//
//===----------------------------------------------------------------------===//
#ifndef QF_LIB_DIALECT_QF_TRANSFORMS_SECONDMOMENTS_H
#define QF_LIB_DIALECT_QF_TRANSFORMS_SECONDMOMENTS_H

#include "CalibrationTable.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Path.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace qf::calib {

/// One point's second moment: H (k x k, row-major) or its diagonal (k).
struct SecondMoment {
  bool full = false;
  int64_t k = 0;
  uint64_t tokens = 0;
  std::vector<double> h;

  /// Entry (j, j) of H (the sum of x_j^2 over the tokens).
  double diag(int64_t j) const { return h[size_t(full ? j * k + j : j)]; }
  /// The outlier importance weight of input channel j for sparse-quantized
  /// weights, sqrt of the diagonal as FP32 (docs/numerics.md D24): the one
  /// definition qf-fold-scales selects with and qf-assign-formats predicts
  /// with.
  float channelRms(int64_t j) const {
    return float(std::sqrt(std::max(0.0, diag(j))));
  }
};

namespace detail {
inline uint64_t readU64(const char *p, int bytes = 8) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i)
    v = (v << 8) | uint64_t(uint8_t(p[i]));
  return v;
}
} // namespace detail

/// Checks the sidecar `bytes` (named `path` in messages) against the
/// references of table `t` and returns the second moment of every entry
/// that has one, by name. Checked: magic "QFMOMENT", version 1, the size
/// the table states, each record inside the file with the id, kind, K and
/// token count of its entry, finite values, a non-negative diagonal and
/// (full) a symmetric matrix.
inline std::string parseMoments(StringRef bytes, StringRef path,
                                const Table &t,
                                std::map<std::string, SecondMoment> &out) {
  const std::string where = "second-moment file '" + path.str() + "'";
  if (bytes.size() < 16 || bytes.substr(0, 8) != "QFMOMENT")
    return where + " is not a qf second-moment file (expected the magic "
                   "\"QFMOMENT\" and a 16-byte header)";
  if (detail::readU64(bytes.data() + 8, 4) != 1)
    return where + " has an unsupported version; this qf reads version 1";
  if (bytes.size() != t.momentsBytes)
    return where + " has " + std::to_string(bytes.size()) +
           " bytes but its table says " + std::to_string(t.momentsBytes) +
           " (truncated or from another run?)";
  for (const auto &[name, e] : t.entries) {
    if (!e.moment)
      continue;
    const Entry::MomentRef &m = *e.moment;
    bool full = m.kind == "full";
    // k <= 2^20 (parseTable), so the sizes below cannot overflow.
    uint64_t count = full ? uint64_t(m.k) * uint64_t(m.k) : uint64_t(m.k);
    uint64_t size = bytes.size();
    if (m.offset > size || size - m.offset < 32 ||
        (size - m.offset - 32) / 8 < count)
      return where + ": the record of tensor '" + name + "' (offset " +
             std::to_string(m.offset) + ", K = " + std::to_string(m.k) +
             ") lies outside the file (truncated?)";
    const char *p = bytes.data() + m.offset;
    if (detail::readU64(p) != uint64_t(e.id) ||
        detail::readU64(p + 8, 4) != (full ? 2u : 1u) ||
        detail::readU64(p + 16) != uint64_t(m.k) ||
        detail::readU64(p + 24) != m.tokens)
      return where + ": the record at offset " + std::to_string(m.offset) +
             " does not match tensor '" + name +
             "' of the table (id, kind, K or token count differ)";
    SecondMoment s;
    s.full = full;
    s.k = m.k;
    s.tokens = m.tokens;
    s.h.resize(size_t(count));
    for (uint64_t i = 0; i < count; ++i) {
      uint64_t u = detail::readU64(p + 32 + 8 * i);
      double v;
      std::memcpy(&v, &u, sizeof v);
      if (!std::isfinite(v))
        return where + ": tensor '" + name + "' has a non-finite value";
      s.h[size_t(i)] = v;
    }
    int64_t k = m.k;
    for (int64_t i = 0; i < k; ++i) {
      if (s.h[size_t(full ? i * k + i : i)] < 0)
        return where + ": tensor '" + name +
               "' has a negative diagonal value (a sum of squares cannot be)";
      if (full)
        for (int64_t j = 0; j < i; ++j)
          if (s.h[size_t(i * k + j)] != s.h[size_t(j * k + i)])
            return where + ": tensor '" + name +
                   "' has a matrix that is not symmetric";
    }
    out[name] = std::move(s);
  }
  return "";
}

/// Reads the sidecar of the table read from `tablePath` (in the same
/// directory). An error when the table has none.
inline std::string readMoments(StringRef tablePath, const Table &t,
                               std::map<std::string, SecondMoment> &out) {
  if (t.momentsFile.empty())
    return "calibration file '" + tablePath.str() +
           "' has no second moments (version 1 table); calibrate with "
           "qf-instrument-calibration=\"second-moments=full\" (or diag)";
  llvm::SmallString<256> p = llvm::sys::path::parent_path(tablePath);
  llvm::sys::path::append(p, t.momentsFile);
  auto buf = llvm::MemoryBuffer::getFile(p, /*IsText=*/false,
                                         /*RequiresNullTerminator=*/false);
  if (!buf)
    return "cannot read second-moment file '" + std::string(p.str()) +
           "' of calibration file '" + tablePath.str() +
           "': " + buf.getError().message();
  return parseMoments((*buf)->getBuffer(), p.str(), t, out);
}

} // namespace qf::calib

#endif // QF_LIB_DIALECT_QF_TRANSFORMS_SECONDMOMENTS_H
