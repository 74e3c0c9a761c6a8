//===- CalibrationTable.h - Reading qf calibration tables -------*- C++ -*-===//
//
// The calibration table of libqf_runtime (docs/calibration.md) as the passes
// read it (qf-fold-scales, qf-report), and the geometry of its log2
// histogram. Header-only: private to lib/Dialect/QF/Transforms.
//
//===----------------------------------------------------------------------===//
#ifndef QF_LIB_DIALECT_QF_TRANSFORMS_CALIBRATIONTABLE_H
#define QF_LIB_DIALECT_QF_TRANSFORMS_CALIBRATIONTABLE_H

#include "qf/Numerics/Codec.h"
#include "qf/Numerics/Format.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cmath>
#include <limits>
#include <optional>
#include <map>
#include <string>
#include <vector>

namespace qf::calib {

using llvm::StringRef;

/// One observed tensor: its amax, optional per-channel amax and mean |x|,
/// and the sparse [bin, count] pairs of the histogram of its finite nonzero
/// |x|.
struct Entry {
  int64_t id = -1;
  double amax = 0;
  int64_t channelAxis = -1;
  std::vector<double> channelAmax;
  /// Per-channel mean |x| over the finite elements along channelAxis (empty
  /// in tables written before it was recorded).
  std::vector<double> channelMeanAbs;
  uint64_t finiteNonzero = 0;
  std::vector<std::pair<int64_t, uint64_t>> hist;
  /// Version 2: where the second moment of the point lies in the sidecar
  /// file (SecondMoments.h reads it); kind is "full" or "diag".
  struct MomentRef {
    std::string kind;
    int64_t k = 0;
    uint64_t tokens = 0, skipped = 0, offset = 0;
  };
  std::optional<MomentRef> moment;
};

/// A whole table: the histogram grid and the entries by name.
struct Table {
  int binsPerOctave = 8, minExp = -64;
  std::map<std::string, Entry> entries;
  /// Version 2: the sidecar file of the second moments (a plain file name,
  /// in the table's directory) and its size in bytes; empty without one.
  std::string momentsFile;
  uint64_t momentsBytes = 0;
};

/// Largest |octave| a table may address: beyond the double range every bin
/// edge is 0 or inf already, and it keeps the octave arithmetic of binEdges
/// far from int64/int overflow.
constexpr int64_t kMaxOctave = 4096;
/// Largest bins_per_octave a table may declare (the runtime writes 8).
constexpr int64_t kMaxBinsPerOctave = 1 << 16;
/// Largest K of a recorded second moment (a full H of 2^20 columns would
/// be 8 TiB; the bound keeps k * k * 8 far from overflow).
constexpr int64_t kMaxMomentK = 1 << 20;

/// Parses and checks the table held in `text` (read from `path`, which only
/// names it in messages); returns an error message on failure. Everything
/// later arithmetic relies on is checked here, so the passes can trust the
/// table: a grid of 1..2^16 bins per octave, octaves within +-4096, and
/// histogram bins and counts that are non-negative and on that grid.
inline std::string parseTable(StringRef text, StringRef path, Table &t) {
  auto json = llvm::json::parse(text);
  if (!json)
    return "calibration file '" + path.str() +
           "' is not valid JSON: " + llvm::toString(json.takeError());
  const llvm::json::Object *root = json->getAsObject();
  if (!root || root->getString("format") != "qf-calibration")
    return "calibration file '" + path.str() +
           "' is not a qf calibration table (expected \"format\": "
           "\"qf-calibration\")";
  std::optional<int64_t> version = root->getInteger("version");
  if (version != 1 && version != 2)
    return "calibration file '" + path.str() +
           "' has an unsupported version; this qf reads versions 1 and 2";
  if (const llvm::json::Object *m = root->getObject("second_moments")) {
    std::optional<StringRef> file = m->getString("file");
    std::optional<int64_t> bytes = m->getInteger("bytes");
    if (version != 2 || !file || file->empty() ||
        file->find_first_of("/\\") != StringRef::npos || *file == "." ||
        *file == ".." || !bytes || *bytes < 0)
      return "calibration file '" + path.str() +
             "' has a malformed \"second_moments\" (expected version 2 with "
             "{\"file\": a file name in the table's directory, \"bytes\": "
             "its size})";
    t.momentsFile = file->str();
    t.momentsBytes = uint64_t(*bytes);
  }
  if (const llvm::json::Object *h = root->getObject("histogram")) {
    int64_t bpo = h->getInteger("bins_per_octave").value_or(8);
    int64_t minExp = h->getInteger("min_exp").value_or(-64);
    if (bpo < 1 || bpo > kMaxBinsPerOctave)
      return "calibration file '" + path.str() + "' has bins_per_octave " +
             std::to_string(bpo) + "; expected 1.." +
             std::to_string(kMaxBinsPerOctave);
    if (minExp < -kMaxOctave || minExp > kMaxOctave)
      return "calibration file '" + path.str() + "' has min_exp " +
             std::to_string(minExp) + "; expected -" +
             std::to_string(kMaxOctave) + ".." + std::to_string(kMaxOctave);
    t.binsPerOctave = int(bpo);
    t.minExp = int(minExp);
  }
  const llvm::json::Array *tensors = root->getArray("tensors");
  if (!tensors)
    return "calibration file '" + path.str() + "' has no \"tensors\" array";
  for (const llvm::json::Value &v : *tensors) {
    const llvm::json::Object *o = v.getAsObject();
    std::optional<StringRef> name = o ? o->getString("name") : std::nullopt;
    std::optional<double> amax = o ? o->getNumber("amax") : std::nullopt;
    if (!name || !amax || *amax < 0 || !std::isfinite(*amax))
      return "calibration file '" + path.str() +
             "' has a tensor entry without a valid \"name\" and \"amax\"";
    Entry e;
    e.amax = *amax;
    e.id = o->getInteger("id").value_or(-1);
    if (const llvm::json::Value *mv = o->get("second_moment")) {
      const llvm::json::Object *m = mv->getAsObject();
      std::optional<StringRef> kind = m ? m->getString("kind") : std::nullopt;
      std::optional<int64_t> k, tokens, skipped, offset;
      if (m) {
        k = m->getInteger("k");
        tokens = m->getInteger("tokens");
        skipped = m->getInteger("skipped");
        offset = m->getInteger("offset");
      }
      if (t.momentsFile.empty() || !kind ||
          (*kind != "full" && *kind != "diag") || !k || *k < 1 ||
          *k > kMaxMomentK || !tokens || *tokens < 0 || !skipped ||
          *skipped < 0 || !offset || *offset < 0)
        return "calibration file '" + path.str() + "': tensor '" +
               name->str() +
               "' has a malformed \"second_moment\" (expected kind full or "
               "diag, 1 <= k <= " + std::to_string(kMaxMomentK) +
               ", counts and offset >= 0, and a \"second_moments\" file)";
      e.moment = Entry::MomentRef{kind->str(), *k, uint64_t(*tokens),
                                  uint64_t(*skipped), uint64_t(*offset)};
    }
    if (const llvm::json::Array *h = o->getArray("histogram"))
      for (const llvm::json::Value &p : *h) {
        const llvm::json::Array *pair = p.getAsArray();
        std::optional<int64_t> bin, count;
        if (pair && pair->size() == 2) {
          bin = (*pair)[0].getAsInteger();
          count = (*pair)[1].getAsInteger();
        }
        // A bin must lie on the grid (its octave within kMaxOctave) and a
        // count must be a real count: the passes divide by neither.
        if (!bin || !count || *bin < 0 || *count < 0 ||
            *bin / t.binsPerOctave > 2 * kMaxOctave)
          return "calibration file '" + path.str() + "': tensor '" +
                 name->str() + "' has a malformed histogram";
        e.hist.push_back({*bin, uint64_t(*count)});
        e.finiteNonzero += uint64_t(*count);
      }
    llvm::sort(e.hist);
    e.channelAxis = o->getInteger("channel_axis").value_or(-1);
    if (const llvm::json::Array *c = o->getArray("channel_amax"))
      for (const llvm::json::Value &v : *c) {
        std::optional<double> a = v.getAsNumber();
        if (!a || *a < 0 || !std::isfinite(*a))
          return "calibration file '" + path.str() + "': tensor '" +
                 name->str() + "' has a malformed \"channel_amax\"";
        e.channelAmax.push_back(*a);
      }
    if (const llvm::json::Array *c = o->getArray("channel_mean_abs"))
      for (const llvm::json::Value &v : *c) {
        std::optional<double> a = v.getAsNumber();
        if (!a || *a < 0 || !std::isfinite(*a))
          return "calibration file '" + path.str() + "': tensor '" +
                 name->str() + "' has a malformed \"channel_mean_abs\"";
        e.channelMeanAbs.push_back(*a);
      }
    t.entries[name->str()] = e;
  }
  return "";
}

/// Reads the file at `path` and parses it with parseTable.
inline std::string readTable(StringRef path, Table &t) {
  auto buf = llvm::MemoryBuffer::getFile(path);
  if (!buf)
    return "cannot read calibration file '" + path.str() +
           "': " + buf.getError().message();
  return parseTable((*buf)->getBuffer(), path, t);
}


/// Lower and upper edge of a bin of the log2 histogram (docs/calibration.md):
/// bin = (octave - min_exp) * bins_per_octave + the sub-bin of the
/// significand, linear within the octave.
inline std::pair<double, double> binEdges(const Table &t, int64_t bin) {
  int64_t oct = bin / t.binsPerOctave + t.minExp;
  int64_t sub = bin % t.binsPerOctave;
  return {std::ldexp(1.0 + double(sub) / t.binsPerOctave, int(oct)),
          std::ldexp(1.0 + double(sub + 1) / t.binsPerOctave, int(oct))};
}

/// The bin holding the positive value v (exact: frexp, no log2).
inline int64_t binOf(const Table &t, double v) {
  int e;
  double m = std::frexp(v, &e); // v = m * 2^e, m in [0.5, 1)
  int64_t sub = int64_t(std::floor((2 * m - 1) * t.binsPerOctave));
  return (int64_t(e - 1) - t.minExp) * t.binsPerOctave + sub;
}

/// |v| quantized with scale value sf on the element grid of f (MX integers
/// count in units of 2^-(b-2)), and the element code it gets.
inline std::pair<double, uint8_t>
quantizeMagnitude(const qf::numerics::BlockFormat &f,
                                             float sf, double v) {
  namespace nm = qf::numerics;
  double unit = f.elem.isInt() && f.scale == nm::ScaleType::E8M0
                    ? std::ldexp(1.0, -(f.elem.bits - 2))
                    : 1.0;
  float scaled = float(v / double(sf) / unit);
  uint8_t code = nm::encodeElement(f.elem, scaled, f.rounding, f.range);
  return {double(nm::decodeElement(f.elem, code)) * unit * double(sf), code};
}


/// Estimated QSNR (dB) of quantizing the recorded |x| distribution with one
/// scale of value sf: every histogram bin at its midpoint, weighted by its
/// count, against signal power sum count * mid^2 (zeros add nothing to
/// either). +inf when the estimated error is zero; nullopt without data.
inline std::optional<double> estimateQsnrDb(const Table &t, const Entry &e,
                                            const numerics::BlockFormat &f,
                                            float sf) {
  double sig = 0, err = 0;
  for (auto [bin, count] : e.hist) {
    auto [lo, hi] = binEdges(t, bin);
    double v = (lo + hi) / 2;
    double d = quantizeMagnitude(f, sf, v).first - v;
    sig += double(count) * v * v;
    err += double(count) * d * d;
  }
  if (!(sig > 0) || !(sf > 0) || !std::isfinite(sf))
    return std::nullopt;
  if (err == 0)
    return std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(sig / err);
}

} // namespace qf::calib

#endif // QF_LIB_DIALECT_QF_TRANSFORMS_CALIBRATIONTABLE_H
