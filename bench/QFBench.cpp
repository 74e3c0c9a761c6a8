//===- QFBench.cpp - Throughput of the AOT-compiled qf CPU kernels --------===//
//
// The kernels come from bench/gen-kernels.py compiled with
// `qf-cpu-pipeline{threads=T out-params}` (caller-allocated results, so
// buffers are reused across iterations as a runtime would). Every number is
// reported next to a memcpy of the same f32 bytes measured in this run with
// the same number of threads:
//   quantize / dequantize: GB/s of f32 data and the ratio to memcpy
//   (quantize/<nv>_given_ts: the two-level formats with a calibrated tensor
//   scale, docs/numerics.md D28, which read their input once);
//   GEMV: GFLOP/s and the ratio to the weight-streaming roofline, i.e.
//   (packed weight + scale bytes) / memcpy bandwidth divided by the time;
//   GEMM: GFLOP/s and the ratio to this machine's peak measured in the same
//   run (BM_peak: an FP32 FMA loop for f32 activations, an int8 VNNI
//   vpdpbusd loop for 8-bit activations, same thread count).
//
//===----------------------------------------------------------------------===//
#include "Bench.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <random>
#include <thread>
#include <vector>

using namespace qfbench;

namespace {

const Format kFormats[] = {{"mxint8", 8, 32, false}, {"mxfp8", 8, 32, false},
                           {"mxfp6", 6, 32, false},  {"mxfp4", 4, 32, false},
                           {"nvfp4", 4, 16, true},   {"nvint4", 4, 16, true},
                           {"nvfp4_single", 4, 16, false},
                           {"mxint4", 4, 32, false}};

} // namespace

// The AOT-compiled kernels.
#define QF_DECLARE(T)                                                          \
  extern "C" {                                                                 \
  void _mlir_ciface_quant_mxint8_t##T(void *, void *, void *);                 \
  void _mlir_ciface_quant_mxfp8_t##T(void *, void *, void *);                  \
  void _mlir_ciface_quant_mxfp6_t##T(void *, void *, void *);                  \
  void _mlir_ciface_quant_mxfp4_t##T(void *, void *, void *);                  \
  void _mlir_ciface_quant_nvfp4_t##T(void *, void *, void *, void *);          \
  void _mlir_ciface_quant_nvint4_t##T(void *, void *, void *, void *);         \
  void _mlir_ciface_quant_nvfp4_single_t##T(void *, void *, void *);           \
  void _mlir_ciface_deq_nvfp4_single_t##T(void *, void *, void *);             \
  void _mlir_ciface_deq_mxint8_t##T(void *, void *, void *);                   \
  void _mlir_ciface_deq_mxfp8_t##T(void *, void *, void *);                    \
  void _mlir_ciface_deq_mxfp6_t##T(void *, void *, void *);                    \
  void _mlir_ciface_deq_mxfp4_t##T(void *, void *, void *);                    \
  void _mlir_ciface_deq_nvfp4_t##T(void *, void *, void *, void *);            \
  void _mlir_ciface_deq_nvint4_t##T(void *, void *, void *, void *);           \
  void _mlir_ciface_gemv_mxfp4_xf32_t##T(void *, void *, void *, void *);      \
  void _mlir_ciface_gemv_mxfp4_xmxint8_t##T(void *, void *, void *, void *,    \
                                            void *);                           \
  void _mlir_ciface_gemv_nvfp4_xf32_t##T(void *, void *, void *, void *,       \
                                         void *);                              \
  void _mlir_ciface_gemv_nvfp4_xmxint8_t##T(void *, void *, void *, void *,    \
                                            void *, void *);                   \
  void _mlir_ciface_gemv_mxint8_xf32_t##T(void *, void *, void *, void *);     \
  void _mlir_ciface_gemv_big_mxfp4_xf32_t##T(void *, void *, void *, void *);  \
  void _mlir_ciface_gemv_big_nvfp4_xf32_t##T(void *, void *, void *, void *,   \
                                             void *);                          \
  void _mlir_ciface_gemv_mxint8_xmxint8_t##T(void *, void *, void *, void *,   \
                                             void *);                          \
  void _mlir_ciface_quant_mxint4_t##T(void *, void *, void *);                 \
  void _mlir_ciface_deq_mxint4_t##T(void *, void *, void *);                   \
  }
QF_DECLARE(1)
QF_DECLARE(2)

// Two-level formats with a given tensor scale (x, g, codes, scales, ts).
#define QF_DECLARE_GIVEN_TS(P, T)                                              \
  extern "C" {                                                                 \
  void _mlir_ciface_##P##quant_given_ts_nvfp4_t##T(QF_ARGS5);                  \
  void _mlir_ciface_##P##quant_given_ts_nvint4_t##T(QF_ARGS5);                 \
  }
QF_DECLARE_GIVEN_TS(, 1)
QF_DECLARE_GIVEN_TS(, 2)
QF_DECLARE_GIVEN_TS(incache_, 1)

// Hadamard rotations: FWHT alone, and with the quantize fused or not.
#define QF_DECLARE_HADAMARD(T)                                                 \
  extern "C" {                                                                 \
  void _mlir_ciface_hadamard_b32_t##T(void *, void *);                         \
  void _mlir_ciface_hadamard_b4096_t##T(void *, void *);                       \
  void _mlir_ciface_hq_fused_mxint8_t##T(void *, void *, void *);              \
  void _mlir_ciface_hq_fused_mxfp4_t##T(void *, void *, void *);               \
  void _mlir_ciface_hq_unfused_mxint8_t##T(void *, void *, void *, void *);    \
  void _mlir_ciface_hq_unfused_mxfp4_t##T(void *, void *, void *, void *);     \
  void _mlir_ciface_hq_fused_nvint4_t##T(void *, void *, void *, void *);      \
  void _mlir_ciface_hq_unfused_nvint4_t##T(void *, void *, void *, void *,     \
                                           void *);                            \
  }
QF_DECLARE_HADAMARD(1)
QF_DECLARE_HADAMARD(2)

// 64-row (L2-resident) variants, single-threaded module only.
extern "C" {
void _mlir_ciface_incache_quant_mxint8_t1(void *, void *, void *);
void _mlir_ciface_incache_quant_mxfp8_t1(void *, void *, void *);
void _mlir_ciface_incache_quant_mxfp6_t1(void *, void *, void *);
void _mlir_ciface_incache_quant_mxfp4_t1(void *, void *, void *);
void _mlir_ciface_incache_quant_nvfp4_t1(void *, void *, void *, void *);
void _mlir_ciface_incache_quant_nvint4_t1(void *, void *, void *, void *);
void _mlir_ciface_incache_quant_nvfp4_single_t1(void *, void *, void *);
void _mlir_ciface_incache_deq_mxint8_t1(void *, void *, void *);
void _mlir_ciface_incache_deq_mxfp8_t1(void *, void *, void *);
void _mlir_ciface_incache_deq_mxfp6_t1(void *, void *, void *);
void _mlir_ciface_incache_deq_mxfp4_t1(void *, void *, void *);
void _mlir_ciface_incache_deq_nvfp4_t1(void *, void *, void *, void *);
void _mlir_ciface_incache_deq_nvint4_t1(void *, void *, void *, void *);
void _mlir_ciface_incache_deq_nvfp4_single_t1(void *, void *, void *);
void _mlir_ciface_incache_quant_mxint4_t1(void *, void *, void *);
void _mlir_ciface_incache_deq_mxint4_t1(void *, void *, void *);
}


namespace {

struct Kernels {
  std::map<std::string, void *> quant, deq, gemv;
};

#define QF_TABLE(T)                                                            \
  {                                                                            \
    {{"mxint8", (void *)&_mlir_ciface_quant_mxint8_t##T},                      \
     {"mxfp8", (void *)&_mlir_ciface_quant_mxfp8_t##T},                        \
     {"mxfp6", (void *)&_mlir_ciface_quant_mxfp6_t##T},                        \
     {"mxfp4", (void *)&_mlir_ciface_quant_mxfp4_t##T},                        \
     {"nvfp4", (void *)&_mlir_ciface_quant_nvfp4_t##T},                        \
     {"nvint4", (void *)&_mlir_ciface_quant_nvint4_t##T},                      \
     {"nvfp4_single", (void *)&_mlir_ciface_quant_nvfp4_single_t##T},          \
     {"mxint4", (void *)&_mlir_ciface_quant_mxint4_t##T}},                     \
        {{"mxint8", (void *)&_mlir_ciface_deq_mxint8_t##T},                    \
         {"mxfp8", (void *)&_mlir_ciface_deq_mxfp8_t##T},                      \
         {"mxfp6", (void *)&_mlir_ciface_deq_mxfp6_t##T},                      \
         {"mxfp4", (void *)&_mlir_ciface_deq_mxfp4_t##T},                      \
         {"nvfp4", (void *)&_mlir_ciface_deq_nvfp4_t##T},                      \
         {"nvint4", (void *)&_mlir_ciface_deq_nvint4_t##T},                    \
         {"nvfp4_single", (void *)&_mlir_ciface_deq_nvfp4_single_t##T},        \
         {"mxint4", (void *)&_mlir_ciface_deq_mxint4_t##T}},                   \
        {{"mxfp4/f32", (void *)&_mlir_ciface_gemv_mxfp4_xf32_t##T},            \
         {"mxfp4/mxint8", (void *)&_mlir_ciface_gemv_mxfp4_xmxint8_t##T},      \
         {"nvfp4/f32", (void *)&_mlir_ciface_gemv_nvfp4_xf32_t##T},            \
         {"nvfp4/mxint8", (void *)&_mlir_ciface_gemv_nvfp4_xmxint8_t##T},      \
         {"mxint8/f32", (void *)&_mlir_ciface_gemv_mxint8_xf32_t##T},          \
         {"mxint8/mxint8", (void *)&_mlir_ciface_gemv_mxint8_xmxint8_t##T},    \
         {"big/mxfp4/f32", (void *)&_mlir_ciface_gemv_big_mxfp4_xf32_t##T},    \
         {"big/nvfp4/f32", (void *)&_mlir_ciface_gemv_big_nvfp4_xf32_t##T}},   \
  }

const Kernels &incacheKernels() {
  static const Kernels k = {
      {{"mxint8", (void *)&_mlir_ciface_incache_quant_mxint8_t1},
       {"mxfp8", (void *)&_mlir_ciface_incache_quant_mxfp8_t1},
       {"mxfp6", (void *)&_mlir_ciface_incache_quant_mxfp6_t1},
       {"mxfp4", (void *)&_mlir_ciface_incache_quant_mxfp4_t1},
       {"nvfp4", (void *)&_mlir_ciface_incache_quant_nvfp4_t1},
       {"nvint4", (void *)&_mlir_ciface_incache_quant_nvint4_t1},
       {"nvfp4_single", (void *)&_mlir_ciface_incache_quant_nvfp4_single_t1},
       {"mxint4", (void *)&_mlir_ciface_incache_quant_mxint4_t1}},
      {{"mxint8", (void *)&_mlir_ciface_incache_deq_mxint8_t1},
       {"mxfp8", (void *)&_mlir_ciface_incache_deq_mxfp8_t1},
       {"mxfp6", (void *)&_mlir_ciface_incache_deq_mxfp6_t1},
       {"mxfp4", (void *)&_mlir_ciface_incache_deq_mxfp4_t1},
       {"nvfp4", (void *)&_mlir_ciface_incache_deq_nvfp4_t1},
       {"nvint4", (void *)&_mlir_ciface_incache_deq_nvint4_t1},
       {"nvfp4_single", (void *)&_mlir_ciface_incache_deq_nvfp4_single_t1},
       {"mxint4", (void *)&_mlir_ciface_incache_deq_mxint4_t1}},
      {}};
  return k;
}

const Kernels &kernelsFor(int threads) {
  static const Kernels k1 = QF_TABLE(1), k2 = QF_TABLE(2);
  return threads == 1 ? k1 : k2;
}

void runQuant(void *fn, const Format &f, Buffer &x, QStorage &q) {
  Desc<2> dx = desc2(x, kRows, kCols);
  Desc<2> dp = desc2(q.packed, kRows, kCols * f.bits / 8);
  Desc<2> ds = desc2(q.scales, kRows, kCols / f.block);
  Desc<0> dt = desc0(q.ts);
  if (f.tensorScale)
    reinterpret_cast<Fn4>(fn)(&dx, &dp, &ds, &dt);
  else
    reinterpret_cast<Fn3>(fn)(&dx, &dp, &ds);
}

} // namespace

const Format &qfbench::format(const std::string &name) {
  const Format *f = std::find_if(std::begin(kFormats), std::end(kFormats),
                                 [&](const Format &g) { return g.name == name; });
  if (f == std::end(kFormats)) {
    std::fprintf(stderr, "qf-bench: no format %s\n", name.c_str());
    std::abort();
  }
  return *f;
}

/// Input data: normal values with a few outliers (as activations have).
Buffer &qfbench::input() {
  static Buffer x(kRows * kCols * 4);
  static bool init = false;
  if (!init) {
    std::mt19937_64 rng(7);
    std::normal_distribution<float> nd(0.0f, 1.0f);
    float *p = x.as<float>();
    for (int64_t i = 0; i < kRows * kCols; ++i)
      p[i] = nd(rng) * ((i % 97) == 0 ? 30.0f : 1.0f);
    init = true;
  }
  return x;
}

QStorage &qfbench::storage(const Format &f) {
  static std::map<std::string, std::unique_ptr<QStorage>> cache;
  auto &slot = cache[f.name];
  if (!slot) {
    slot = std::make_unique<QStorage>(f);
    runQuant(kernelsFor(1).quant.at(f.name), f, input(), *slot);
  }
  return *slot;
}

namespace {

double threadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

/// One memcpy of the 256 MiB input split over `threads` threads; returns
/// the CPU seconds the copying threads got, summed.
double threadedMemcpy(Buffer &dst, Buffer &src, int threads) {
  std::vector<std::thread> pool;
  std::vector<double> cpu(size_t(threads), 0.0);
  int64_t chunk = src.bytes / threads;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      double c0 = threadCpuSeconds();
      std::memcpy(dst.as<uint8_t>() + t * chunk, src.as<uint8_t>() + t * chunk,
                  size_t(t == threads - 1 ? src.bytes - t * chunk : chunk));
      cpu[size_t(t)] = threadCpuSeconds() - c0;
    });
  for (auto &th : pool)
    th.join();
  double sum = 0;
  for (double c : cpu)
    sum += c;
  return sum;
}

Buffer &memcpyDst() {
  static Buffer dst(kRows * kCols * 4);
  return dst;
}

/// The best memcpy bandwidth seen so far with `threads` threads (a best of 7
/// on first use, raised by every BM_memcpy iteration). Best-of, because the
/// kernels' ratios should not improve when another process slows memcpy.
std::map<int, double> &memcpyBest() {
  static std::map<int, double> best;
  return best;
}

double memcpyBandwidth(int threads) {
  auto &best = memcpyBest();
  if (!best.count(threads)) {
    double b = 0;
    for (int rep = 0; rep < 7; ++rep) {
      auto t0 = std::chrono::steady_clock::now();
      threadedMemcpy(memcpyDst(), input(), threads);
      double s = std::chrono::duration<double>(
                     std::chrono::steady_clock::now() - t0).count();
      b = std::max(b, double(input().bytes) / s);
    }
    best[threads] = b;
  }
  return best[threads];
}

void BM_memcpy(benchmark::State &state) {
  int threads = int(state.range(0));
  Buffer &src = input();
  memcpyBandwidth(threads);
  double cpu = 0, wall = 0;
  for (auto _ : state) {
    auto t0 = std::chrono::steady_clock::now();
    cpu += threadedMemcpy(memcpyDst(), src, threads);
    double s = std::chrono::duration<double>(
                   std::chrono::steady_clock::now() - t0).count();
    wall += s;
    memcpyBest()[threads] =
        std::max(memcpyBest()[threads], double(src.bytes) / s);
  }
  state.counters["GB/s"] = benchmark::Counter(
      double(src.bytes) / 1e9, benchmark::Counter::kIsIterationInvariantRate);
  // Below 1 when the copying threads were descheduled (a busy machine).
  state.counters["cpu_share"] = cpu / (wall * threads);
}

/// GB/s of f32 data and the ratio to memcpy of the same bytes (memcpy
/// seconds per kernel second).
void reportThroughput(benchmark::State &state, double bytes, int threads) {
  state.counters["GB/s"] = benchmark::Counter(
      bytes / 1e9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["x_memcpy"] = benchmark::Counter(
      bytes / memcpyBandwidth(threads),
      benchmark::Counter::kIsIterationInvariantRate);
  state.counters["memcpy_GB/s"] = memcpyBandwidth(threads) / 1e9;
}

void BM_quantize(benchmark::State &state, Format f) {
  int threads = int(state.range(0));
  void *fn = kernelsFor(threads).quant.at(f.name);
  Buffer &x = input();
  QStorage q(f);
  for (auto _ : state)
    runQuant(fn, f, x, q);
  double bytes = double(kRows * kCols * 4);
  reportThroughput(state, bytes, threads);
}

/// The quantize kernel of a two-level format given its tensor scale (the
/// one the data itself gives, as calibration on this data would): no amax
/// pass. `rows`: kRows with `threads` threads, or 64 rows (in cache).
void BM_quantizeGivenTs(benchmark::State &state, Format f, bool incache) {
  int threads = int(state.range(0));
  std::string name = f.name;
  void *fn = nullptr;
  if (incache)
    fn = name == "nvfp4"
             ? (void *)&_mlir_ciface_incache_quant_given_ts_nvfp4_t1
             : (void *)&_mlir_ciface_incache_quant_given_ts_nvint4_t1;
  else if (threads == 1)
    fn = name == "nvfp4" ? (void *)&_mlir_ciface_quant_given_ts_nvfp4_t1
                         : (void *)&_mlir_ciface_quant_given_ts_nvint4_t1;
  else
    fn = name == "nvfp4" ? (void *)&_mlir_ciface_quant_given_ts_nvfp4_t2
                         : (void *)&_mlir_ciface_quant_given_ts_nvint4_t2;
  int64_t rows = incache ? 64 : kRows;
  Buffer &x = input();
  QStorage &ref = storage(f);
  QStorage q(f);
  Desc<2> dx = desc2(x, rows, kCols);
  Desc<0> dg = desc0(ref.ts);
  Desc<2> dp = desc2(q.packed, rows, kCols * f.bits / 8);
  Desc<2> ds = desc2(q.scales, rows, kCols / f.block);
  Desc<0> dt = desc0(q.ts);
  for (auto _ : state)
    reinterpret_cast<Fn5>(fn)(&dx, &dg, &dp, &ds, &dt);
  double bytes = double(rows * kCols * 4);
  if (incache) {
    state.counters["GB/s"] = benchmark::Counter(
        bytes / 1e9, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["elems"] = double(rows * kCols);
  } else {
    reportThroughput(state, bytes, threads);
  }
}

void BM_dequantize(benchmark::State &state, Format f) {
  int threads = int(state.range(0));
  void *fn = kernelsFor(threads).deq.at(f.name);
  QStorage &q = storage(f);
  static Buffer out(kRows * kCols * 4);
  Desc<2> dp = desc2(q.packed, kRows, kCols * f.bits / 8);
  Desc<2> ds = desc2(q.scales, kRows, kCols / f.block);
  Desc<0> dt = desc0(q.ts);
  Desc<2> dout = desc2(out, kRows, kCols);
  for (auto _ : state) {
    if (f.tensorScale)
      reinterpret_cast<Fn4>(fn)(&dp, &ds, &dt, &dout);
    else
      reinterpret_cast<Fn3>(fn)(&dp, &ds, &dout);
  }
  double bytes = double(kRows * kCols * 4);
  reportThroughput(state, bytes, threads);
}

/// Quantize then dequantize the first 64 rows (1 MiB of f32, L2-resident)
/// with one thread: the compute cost of the kernels without the DRAM
/// stream. Reported as GB/s of f32 and cycles per element (nominal clock).
void BM_incache(benchmark::State &state, Format f, bool quant) {
  constexpr int64_t rows = 64;
  void *qfn = incacheKernels().quant.at(f.name);
  void *dfn = incacheKernels().deq.at(f.name);
  Buffer &x = input();
  Buffer packed(rows * kCols * f.bits / 8), scales(rows * kCols / f.block),
      ts(4), out(rows * kCols * 4);
  Desc<2> dx = desc2(x, rows, kCols), dout = desc2(out, rows, kCols);
  Desc<2> dp = desc2(packed, rows, kCols * f.bits / 8);
  Desc<2> ds = desc2(scales, rows, kCols / f.block);
  Desc<0> dt = desc0(ts);
  auto runQ = [&] {
    if (f.tensorScale)
      reinterpret_cast<Fn4>(qfn)(&dx, &dp, &ds, &dt);
    else
      reinterpret_cast<Fn3>(qfn)(&dx, &dp, &ds);
  };
  auto runD = [&] {
    if (f.tensorScale)
      reinterpret_cast<Fn4>(dfn)(&dp, &ds, &dt, &dout);
    else
      reinterpret_cast<Fn3>(dfn)(&dp, &ds, &dout);
  };
  runQ();
  for (auto _ : state) {
    if (quant)
      runQ();
    else
      runD();
  }
  double elems = double(rows * kCols);
  state.counters["GB/s"] = benchmark::Counter(
      elems * 4 / 1e9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["elems"] = elems;
}

/// GEMV y[1, n] = x[1, kK] * W[n, kK]^T, W the first n rows of the
/// quantized input (row-major): n = kN (fits the L3 cache) or kRows (the
/// whole input, larger than L3; the `big/` kernels).
void BM_gemv(benchmark::State &state, Format w, bool xInt8, int64_t n) {
  int threads = int(state.range(0));
  std::string key = std::string(n == kN ? "" : "big/") + w.name +
                    (xInt8 ? "/mxint8" : "/f32");
  void *fn = kernelsFor(threads).gemv.at(key);
  QStorage &qw = storage(w), &qx = storage(format("mxint8"));
  static Buffer y(kRows * 4);
  MatmulArgs args{desc2(input(), 1, kK),         desc2(qx.packed, 1, kK),
                  desc2(qx.scales, 1, kK / 32),  desc2(qw.packed, n, kK * w.bits / 8),
                  desc2(qw.scales, n, kK / w.block), desc0(qw.ts),
                  desc2(y, 1, n)};
  for (auto _ : state)
    callMatmul(fn, w, xInt8, args);
  double flops = 2.0 * double(n) * double(kK);
  double weightBytes = double(n * kK * w.bits / 8 + n * kK / w.block +
                              (w.tensorScale ? 4 : 0));
  // Rates of "value per iteration" divided by the measured time: GFLOP/s,
  // and roofline seconds per kernel second = the fraction of the roofline.
  state.counters["GFLOP/s"] = benchmark::Counter(
      flops / 1e9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["x_roofline"] =
      benchmark::Counter(weightBytes / memcpyBandwidth(threads),
                         benchmark::Counter::kIsIterationInvariantRate);
  state.counters["weight_MB"] = weightBytes / 1e6;
  state.counters["memcpy_GB/s"] = memcpyBandwidth(threads) / 1e9;
}

} // namespace

namespace {

using Fn2 = void (*)(void *, void *);

/// The FWHT along the rows (block 32 or the whole row): GB/s of f32 input.
void BM_hadamard(benchmark::State &state, int block) {
  int threads = int(state.range(0));
  void *fn = block == 32
                 ? (threads == 1 ? (void *)&_mlir_ciface_hadamard_b32_t1
                                 : (void *)&_mlir_ciface_hadamard_b32_t2)
                 : (threads == 1 ? (void *)&_mlir_ciface_hadamard_b4096_t1
                                 : (void *)&_mlir_ciface_hadamard_b4096_t2);
  Buffer &x = input();
  static Buffer out(kRows * kCols * 4);
  Desc<2> dx = desc2(x, kRows, kCols), dout = desc2(out, kRows, kCols);
  for (auto _ : state)
    reinterpret_cast<Fn2>(fn)(&dx, &dout);
  reportThroughput(state, double(kRows * kCols * 4), threads);
}

/// Rotation (block 32) + quantize: one fused kernel (NVINT4: two passes of
/// the rotation, the first for the tensor amax), or the FWHT writing
/// the rotated tensor and the quantize reading it back.
void BM_hadamardQuantize(benchmark::State &state, Format f, bool fused) {
  int threads = int(state.range(0));
  std::string key = std::string(fused ? "fused_" : "unfused_") + f.name;
  static const std::map<std::string, void *> k1 = {
      {"fused_mxint8", (void *)&_mlir_ciface_hq_fused_mxint8_t1},
      {"fused_mxfp4", (void *)&_mlir_ciface_hq_fused_mxfp4_t1},
      {"unfused_mxint8", (void *)&_mlir_ciface_hq_unfused_mxint8_t1},
      {"unfused_mxfp4", (void *)&_mlir_ciface_hq_unfused_mxfp4_t1},
      {"fused_nvint4", (void *)&_mlir_ciface_hq_fused_nvint4_t1},
      {"unfused_nvint4", (void *)&_mlir_ciface_hq_unfused_nvint4_t1}};
  static const std::map<std::string, void *> k2 = {
      {"fused_mxint8", (void *)&_mlir_ciface_hq_fused_mxint8_t2},
      {"fused_mxfp4", (void *)&_mlir_ciface_hq_fused_mxfp4_t2},
      {"unfused_mxint8", (void *)&_mlir_ciface_hq_unfused_mxint8_t2},
      {"unfused_mxfp4", (void *)&_mlir_ciface_hq_unfused_mxfp4_t2},
      {"fused_nvint4", (void *)&_mlir_ciface_hq_fused_nvint4_t2},
      {"unfused_nvint4", (void *)&_mlir_ciface_hq_unfused_nvint4_t2}};
  void *fn = (threads == 1 ? k1 : k2).at(key);
  Buffer &x = input();
  static Buffer h(kRows * kCols * 4);
  QStorage q(f);
  Desc<2> dx = desc2(x, kRows, kCols), dh = desc2(h, kRows, kCols);
  Desc<2> dp = desc2(q.packed, kRows, kCols * f.bits / 8);
  Desc<2> ds = desc2(q.scales, kRows, kCols / f.block);
  Desc<0> dt = desc0(q.ts);
  for (auto _ : state) {
    if (fused && f.tensorScale)
      reinterpret_cast<Fn4>(fn)(&dx, &dp, &ds, &dt);
    else if (fused)
      reinterpret_cast<Fn3>(fn)(&dx, &dp, &ds);
    else if (f.tensorScale)
      reinterpret_cast<Fn5>(fn)(&dx, &dh, &dp, &ds, &dt);
    else
      reinterpret_cast<Fn4>(fn)(&dx, &dh, &dp, &ds);
  }
  reportThroughput(state, double(kRows * kCols * 4), threads);
}

} // namespace

int main(int argc, char **argv) {
  benchmark::RegisterBenchmark("memcpy", BM_memcpy)
      ->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)
      ->MinTime(0.5)->UseRealTime();
  for (const Format &f : kFormats) {
    benchmark::RegisterBenchmark((std::string("quantize/") + f.name).c_str(),
                                 BM_quantize, f)
        ->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)
        ->MinTime(0.5)->UseRealTime();
    benchmark::RegisterBenchmark((std::string("dequantize/") + f.name).c_str(),
                                 BM_dequantize, f)
        ->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)
        ->MinTime(0.5)->UseRealTime();
  }
  for (const char *name : {"nvfp4", "nvint4"}) {
    benchmark::RegisterBenchmark(
        (std::string("quantize/") + name + "_given_ts").c_str(),
        BM_quantizeGivenTs, format(name), false)
        ->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)
        ->MinTime(0.5)->UseRealTime();
    benchmark::RegisterBenchmark(
        (std::string("quantize_incache/") + name + "_given_ts").c_str(),
        BM_quantizeGivenTs, format(name), true)
        ->Arg(1)->ArgName("threads")->Unit(benchmark::kMicrosecond)
        ->MinTime(0.2)->UseRealTime();
  }
  for (const Format &f : kFormats)
    for (bool quant : {true, false})
      benchmark::RegisterBenchmark(
          (std::string(quant ? "quantize_incache/" : "dequantize_incache/") +
           f.name)
              .c_str(),
          BM_incache, f, quant)
          ->Arg(1)->ArgName("threads")->Unit(benchmark::kMicrosecond)
          ->MinTime(0.2)->UseRealTime();
  for (const char *w : {"mxfp4", "nvfp4", "mxint8"}) {
    const Format &f = format(w);
    for (bool xi8 : {false, true})
      benchmark::RegisterBenchmark(
          (std::string("gemv/") + w + (xi8 ? "_x_mxint8" : "_x_f32")).c_str(),
          BM_gemv, f, xi8, kN)
          ->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMicrosecond)
          ->MinTime(0.3)->UseRealTime();
  }
  for (const char *w : {"mxfp4", "nvfp4"})
    benchmark::RegisterBenchmark((std::string("gemv_big/") + w + "_x_f32").c_str(),
                                 BM_gemv, format(w), false, kRows)
        ->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMicrosecond)
        ->MinTime(0.3)->UseRealTime();
  registerPeakAndGemms();
  for (int block : {32, 4096})
    benchmark::RegisterBenchmark(
        ("hadamard/b" + std::to_string(block)).c_str(), BM_hadamard, block)
        ->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)
        ->MinTime(0.5)->UseRealTime();
  for (const char *name : {"mxint8", "mxfp4", "nvint4"}) {
    const Format &f = format(name);
    for (bool fused : {true, false})
      benchmark::RegisterBenchmark(
          (std::string("hadamard_quantize/") + name +
           (fused ? "_fused" : "_unfused"))
              .c_str(),
          BM_hadamardQuantize, f, fused)
          ->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)
          ->MinTime(0.5)->UseRealTime();
  }
  registerPackedGemms();
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
