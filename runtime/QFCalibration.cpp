//===- QFCalibration.cpp - Calibration statistics runtime -----------------===//
#include "QFCalibration.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace {

constexpr int kBinsPerOctave = 8;
constexpr int kMinExp = -64; // |x| below 2^-64 counts in bin 0
constexpr int kMaxExp = 64;  // |x| at or above 2^64 counts in the last bin
constexpr int kNumBins = (kMaxExp - kMinExp) * kBinsPerOctave;

struct Stats {
  std::string name;
  uint64_t count = 0, zeros = 0, nonFinite = 0, calls = 0;
  float amax = 0.0f;
  int64_t channelAxis = -1;
  std::vector<float> channelAmax;
  /// Per channel: sum of |x| and count over the finite elements (zeros
  /// included), for the mean magnitude that picks static SQ outlier
  /// channels (docs/numerics.md D25, D27).
  std::vector<double> channelSumAbs;
  std::vector<uint64_t> channelFinite;
  std::vector<uint64_t> hist = std::vector<uint64_t>(kNumBins, 0);
};

/// The second moment of one point: `sum` holds the diagonal (mode 1) or
/// the upper triangle of the K x K matrix, row-major (mode 2).
struct Moments {
  int64_t mode = 0, k = 0;
  uint64_t tokens = 0, skipped = 0;
  std::vector<double> sum;
};

std::mutex gMutex;
std::map<int64_t, Stats> gStats;
std::map<int64_t, Moments> gMoments;
bool gAtExitRegistered = false;

/// Histogram bin of a finite a > 0: octave from the exact exponent, then the
/// top three significand bits.
int binOf(float a) {
  int e;
  float m = std::frexp(a, &e); // a = m * 2^e, m in [0.5, 1)
  int octave = e - 1;          // floor(log2 a)
  if (octave < kMinExp)
    return 0;
  if (octave >= kMaxExp)
    return kNumBins - 1;
  int sub = int((m * 2.0f - 1.0f) * kBinsPerOctave); // [0, 8)
  if (sub >= kBinsPerOctave)
    sub = kBinsPerOctave - 1;
  return (octave - kMinExp) * kBinsPerOctave + sub;
}

void writeAtExit() {
  const char *path = std::getenv("QF_CALIBRATION_OUT");
  if (path && *path)
    qf_calib_write_json(path, int64_t(std::strlen(path)));
}

/// Little-endian serialization of the sidecar file, whatever the host.
void putU64(std::string &b, uint64_t v, int bytes = 8) {
  for (int i = 0; i < bytes; ++i)
    b.push_back(char((v >> (8 * i)) & 0xFF));
}
void putF64(std::string &b, double v) {
  uint64_t u;
  std::memcpy(&u, &v, sizeof u);
  putU64(b, u);
}

/// Writes the second moments to `path` (docs/calibration.md, sidecar
/// version 1): the header, then one record per point in id order; returns
/// each record's offset, or an empty map with `ok` false on I/O error.
std::map<int64_t, uint64_t> writeMoments(const std::string &path, bool &ok,
                                         uint64_t &bytes) {
  std::map<int64_t, uint64_t> offsets;
  ok = false;
  FILE *f = std::fopen(path.c_str(), "wb");
  if (!f) {
    std::fprintf(stderr, "qf calibration: cannot open '%s' for writing\n",
                 path.c_str());
    return offsets;
  }
  std::string b = "QFMOMENT";
  putU64(b, 1, 4);
  putU64(b, gMoments.size(), 4);
  uint64_t off = 0;
  bool bad = false;
  auto flush = [&]() {
    bad |= std::fwrite(b.data(), 1, b.size(), f) != b.size();
    off += b.size();
    b.clear();
  };
  flush();
  for (auto &[id, m] : gMoments) {
    offsets[id] = off;
    putU64(b, uint64_t(id));
    putU64(b, uint64_t(m.mode), 4);
    putU64(b, 0, 4);
    putU64(b, uint64_t(m.k));
    putU64(b, m.tokens);
    if (m.mode == 1) {
      for (double v : m.sum)
        putF64(b, v);
      flush();
      continue;
    }
    // The full symmetric matrix, row by row, mirrored from the triangle.
    for (int64_t i = 0; i < m.k; ++i) {
      for (int64_t j = 0; j < m.k; ++j)
        putF64(b, j >= i ? m.sum[size_t(i * m.k + j)]
                         : m.sum[size_t(j * m.k + i)]);
      flush();
    }
  }
  bytes = off;
  if (std::fclose(f) != 0 || bad) {
    std::fprintf(stderr, "qf calibration: error writing '%s'\n", path.c_str());
    return {};
  }
  ok = true;
  return offsets;
}

void jsonString(FILE *f, const std::string &s) {
  std::fputc('"', f);
  for (unsigned char c : s) {
    if (c == '"' || c == '\\')
      std::fprintf(f, "\\%c", c);
    else if (c < 0x20)
      std::fprintf(f, "\\u%04x", c);
    else
      std::fputc(c, f);
  }
  std::fputc('"', f);
}

} // namespace

extern "C" {

void qf_calib_observe_f32(int64_t id, const float *data, int64_t rank,
                          const int64_t *sizes, const int64_t *strides,
                          int64_t channelAxis) {
  std::lock_guard<std::mutex> lock(gMutex);
  if (!gAtExitRegistered) {
    std::atexit(writeAtExit);
    gAtExitRegistered = true;
  }
  Stats &s = gStats[id];
  s.calls++;
  if (channelAxis >= rank)
    channelAxis = -1;
  if (channelAxis >= 0) {
    int64_t n = sizes[channelAxis];
    if (s.channelAxis != channelAxis || int64_t(s.channelAmax.size()) != n) {
      s.channelAxis = channelAxis;
      s.channelAmax.assign(size_t(n), 0.0f);
      s.channelSumAbs.assign(size_t(n), 0.0);
      s.channelFinite.assign(size_t(n), 0);
    }
  }
  int64_t total = 1;
  for (int64_t d = 0; d < rank; ++d)
    total *= sizes[d];
  std::vector<int64_t> idx(size_t(rank > 0 ? rank : 1), 0);
  for (int64_t i = 0; i < total; ++i) {
    int64_t off = 0;
    for (int64_t d = 0; d < rank; ++d)
      off += idx[size_t(d)] * strides[d];
    float a = std::fabs(data[off]);
    s.count++;
    if (std::isfinite(a) && channelAxis >= 0) {
      size_t c = size_t(idx[size_t(channelAxis)]);
      s.channelSumAbs[c] += double(a);
      s.channelFinite[c]++;
    }
    if (!std::isfinite(a)) {
      s.nonFinite++;
    } else if (a == 0.0f) {
      s.zeros++;
    } else {
      s.hist[size_t(binOf(a))]++;
      if (a > s.amax)
        s.amax = a;
      if (channelAxis >= 0) {
        float &c = s.channelAmax[size_t(idx[size_t(channelAxis)])];
        if (a > c)
          c = a;
      }
    }
    for (int64_t d = rank - 1; d >= 0; --d) {
      if (++idx[size_t(d)] < sizes[d])
        break;
      idx[size_t(d)] = 0;
    }
  }
}

void qf_calib_moments_f32(int64_t id, const float *data, int64_t rank,
                          const int64_t *sizes, const int64_t *strides,
                          int64_t mode) {
  std::lock_guard<std::mutex> lock(gMutex);
  if (!gAtExitRegistered) {
    std::atexit(writeAtExit);
    gAtExitRegistered = true;
  }
  (void)gStats[id]; // the point has a table entry even without observe
  if (rank < 1 || (mode != 1 && mode != 2)) {
    std::fprintf(stderr,
                 "qf calibration: point %lld: second moments need a tensor of "
                 "rank >= 1 and mode 1 (diagonal) or 2 (full); ignored\n",
                 (long long)id);
    return;
  }
  int64_t k = sizes[rank - 1];
  Moments &m = gMoments[id];
  if (m.mode == 0) {
    m.mode = mode;
    m.k = k;
    m.sum.assign(size_t(mode == 1 ? k : k * k), 0.0);
  } else if (m.mode != mode || m.k != k) {
    std::fprintf(stderr,
                 "qf calibration: point %lld: second moment of K = %lld (mode "
                 "%lld) after K = %lld (mode %lld); call ignored\n",
                 (long long)id, (long long)k, (long long)mode,
                 (long long)m.k, (long long)m.mode);
    return;
  }
  int64_t tokens = 1;
  for (int64_t d = 0; d + 1 < rank; ++d)
    tokens *= sizes[d];
  std::vector<int64_t> idx(size_t(rank), 0);
  std::vector<double> x(static_cast<size_t>(k));
  for (int64_t t = 0; t < tokens; ++t) {
    int64_t off = 0;
    for (int64_t d = 0; d + 1 < rank; ++d)
      off += idx[size_t(d)] * strides[d];
    bool finite = true;
    for (int64_t j = 0; j < k; ++j) {
      x[size_t(j)] = double(data[off + j * strides[rank - 1]]);
      finite &= std::isfinite(x[size_t(j)]);
    }
    for (int64_t d = rank - 2; d >= 0; --d) {
      if (++idx[size_t(d)] < sizes[d])
        break;
      idx[size_t(d)] = 0;
    }
    if (!finite) {
      m.skipped++;
      continue;
    }
    m.tokens++;
    if (mode == 1) {
      for (int64_t j = 0; j < k; ++j)
        m.sum[size_t(j)] += x[size_t(j)] * x[size_t(j)];
      continue;
    }
    for (int64_t i = 0; i < k; ++i) {
      double xi = x[size_t(i)];
      if (xi == 0)
        continue;
      double *row = m.sum.data() + i * k;
      for (int64_t j = i; j < k; ++j)
        row[j] += xi * x[size_t(j)];
    }
  }
}

void qf_calib_set_name(int64_t id, const char *name, int64_t length) {
  std::lock_guard<std::mutex> lock(gMutex);
  gStats[id].name.assign(name, size_t(length));
}

void qf_calib_reset() {
  std::lock_guard<std::mutex> lock(gMutex);
  gStats.clear();
  gMoments.clear();
}

int qf_calib_write_json(const char *pathPtr, int64_t length) {
  std::lock_guard<std::mutex> lock(gMutex);
  std::string path(pathPtr, size_t(length));
  FILE *f = std::fopen(path.c_str(), "w");
  if (!f) {
    std::fprintf(stderr, "qf calibration: cannot open '%s' for writing\n",
                 path.c_str());
    return 1;
  }
  // Second moments go to a sidecar file next to the table (version 2).
  std::map<int64_t, uint64_t> offsets;
  std::string sidecar = path + ".moments";
  uint64_t sidecarBytes = 0;
  if (!gMoments.empty()) {
    bool ok;
    offsets = writeMoments(sidecar, ok, sidecarBytes);
    if (!ok) {
      std::fclose(f);
      return 1;
    }
  }
  std::fprintf(f, "{\n  \"format\": \"qf-calibration\",\n  \"version\": %d,\n",
               gMoments.empty() ? 1 : 2);
  if (!gMoments.empty()) {
    size_t slash = sidecar.find_last_of('/');
    std::fprintf(f, "  \"second_moments\": {\"file\": ");
    jsonString(f, slash == std::string::npos ? sidecar
                                             : sidecar.substr(slash + 1));
    std::fprintf(f, ", \"bytes\": %llu},\n", (unsigned long long)sidecarBytes);
  }
  std::fprintf(f, "  \"histogram\": {\"kind\": \"log2\", \"bins_per_octave\": %d, "
                  "\"min_exp\": %d, \"max_exp\": %d},\n",
               kBinsPerOctave, kMinExp, kMaxExp);
  std::fprintf(f, "  \"tensors\": [");
  bool first = true;
  for (auto &[id, s] : gStats) {
    std::fprintf(f, "%s\n    {\"id\": %lld, \"name\": ", first ? "" : ",",
                 (long long)id);
    first = false;
    jsonString(f, s.name);
    // %.9g round-trips every float exactly.
    std::fprintf(f, ", \"calls\": %llu, \"count\": %llu, \"zeros\": %llu, "
                    "\"nonfinite\": %llu, \"amax\": %.9g",
                 (unsigned long long)s.calls, (unsigned long long)s.count,
                 (unsigned long long)s.zeros, (unsigned long long)s.nonFinite,
                 double(s.amax));
    std::fprintf(f, ", \"channel_axis\": %lld, \"channel_amax\": [",
                 (long long)s.channelAxis);
    for (size_t i = 0; i < s.channelAmax.size(); ++i)
      std::fprintf(f, "%s%.9g", i ? ", " : "", double(s.channelAmax[i]));
    // The mean as an FP32 value (%.9g round-trips it): readers rank
    // channels by exactly these numbers.
    std::fprintf(f, "], \"channel_mean_abs\": [");
    for (size_t i = 0; i < s.channelSumAbs.size(); ++i) {
      uint64_t n = s.channelFinite[i];
      float mean = n ? float(s.channelSumAbs[i] / double(n)) : 0.0f;
      std::fprintf(f, "%s%.9g", i ? ", " : "", double(mean));
    }
    // Sparse histogram: [bin, count] pairs of the nonzero bins.
    std::fprintf(f, "], \"histogram\": [");
    bool firstBin = true;
    for (int b = 0; b < kNumBins; ++b)
      if (s.hist[size_t(b)]) {
        std::fprintf(f, "%s[%d, %llu]", firstBin ? "" : ", ", b,
                     (unsigned long long)s.hist[size_t(b)]);
        firstBin = false;
      }
    std::fprintf(f, "]");
    if (auto m = gMoments.find(id); m != gMoments.end())
      std::fprintf(f,
                   ", \"second_moment\": {\"kind\": \"%s\", \"k\": %lld, "
                   "\"tokens\": %llu, \"skipped\": %llu, \"offset\": %llu}",
                   m->second.mode == 1 ? "diag" : "full",
                   (long long)m->second.k,
                   (unsigned long long)m->second.tokens,
                   (unsigned long long)m->second.skipped,
                   (unsigned long long)offsets[id]);
    std::fprintf(f, "}");
  }
  std::fprintf(f, "\n  ]\n}\n");
  bool bad = std::ferror(f) != 0;
  if (std::fclose(f) != 0 || bad) {
    std::fprintf(stderr, "qf calibration: error writing '%s'\n", path.c_str());
    return 1;
  }
  return 0;
}

void _mlir_ciface_qf_calib_observe(int64_t id, UnrankedMemRefType<float> *x,
                                   int64_t channelAxis) {
  // Every ranked descriptor starts with {basePtr, data, offset, sizes[rank],
  // strides[rank]}.
  struct Head {
    float *base;
    float *data;
    int64_t offset;
  };
  auto *h = static_cast<Head *>(x->descriptor);
  const int64_t *sizes = reinterpret_cast<const int64_t *>(h + 1);
  const int64_t *strides = sizes + x->rank;
  qf_calib_observe_f32(id, h->data + h->offset, x->rank, sizes, strides,
                       channelAxis);
}

void _mlir_ciface_qf_calib_moments(int64_t id, UnrankedMemRefType<float> *x,
                                   int64_t mode) {
  struct Head {
    float *base;
    float *data;
    int64_t offset;
  };
  auto *h = static_cast<Head *>(x->descriptor);
  const int64_t *sizes = reinterpret_cast<const int64_t *>(h + 1);
  const int64_t *strides = sizes + x->rank;
  qf_calib_moments_f32(id, h->data + h->offset, x->rank, sizes, strides, mode);
}

void _mlir_ciface_qf_calib_name(int64_t id, StridedMemRefType<int8_t, 1> *name) {
  std::string s;
  for (int64_t i = 0; i < name->sizes[0]; ++i)
    s.push_back(char(name->data[name->offset + i * name->strides[0]]));
  qf_calib_set_name(id, s.data(), int64_t(s.size()));
}

void _mlir_ciface_qf_calib_write(StridedMemRefType<int8_t, 1> *path) {
  std::string s;
  for (int64_t i = 0; i < path->sizes[0]; ++i)
    s.push_back(char(path->data[path->offset + i * path->strides[0]]));
  if (qf_calib_write_json(s.data(), int64_t(s.size())) != 0)
    std::exit(1);
}
}
