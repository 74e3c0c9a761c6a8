//===- QFBench.cpp - Throughput of the AOT-compiled qf CPU kernels --------===//
//
// The kernels come from bench/gen-kernels.py compiled with
// `qf-cpu-pipeline{threads=T out-params}` (caller-allocated results, so
// buffers are reused across iterations as a runtime would). Every number is
// reported next to a memcpy of the same f32 bytes measured in this run with
// the same number of threads:
//   quantize / dequantize: GB/s of f32 data and the ratio to memcpy;
//   GEMV: GFLOP/s and the ratio to the weight-streaming roofline, i.e.
//   (packed weight + scale bytes) / memcpy bandwidth divided by the time;
//   GEMM: GFLOP/s and the ratio to this machine's peak measured in the same
//   run (BM_peak: an FP32 FMA loop for f32 activations, an int8 VNNI
//   vpdpbusd loop for 8-bit activations, same thread count).
//
//===----------------------------------------------------------------------===//
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <immintrin.h>

namespace {

constexpr int64_t kRows = 16384, kCols = 4096; // 64 Mi f32
constexpr int64_t kN = 4096, kK = 4096;        // GEMV weight

/// A memref descriptor of rank R (rank 0 has no sizes/strides).
template <int R> struct Desc {
  void *base;
  void *data;
  int64_t offset;
  int64_t sizes[R];
  int64_t strides[R];
};
template <> struct Desc<0> {
  void *base;
  void *data;
  int64_t offset;
};

/// A 64-byte aligned buffer touched once, so page faults stay out of timing.
struct Buffer {
  std::unique_ptr<uint8_t, decltype(&std::free)> mem{nullptr, &std::free};
  int64_t bytes = 0;
  explicit Buffer(int64_t n) : bytes(n) {
    mem.reset(static_cast<uint8_t *>(std::aligned_alloc(64, size_t((n + 63) / 64 * 64))));
    std::memset(mem.get(), 0, size_t(bytes));
  }
  template <typename T> T *as() { return reinterpret_cast<T *>(mem.get()); }
};

Desc<2> desc2(Buffer &b, int64_t rows, int64_t cols) {
  return {b.mem.get(), b.mem.get(), 0, {rows, cols}, {cols, 1}};
}
Desc<0> desc0(Buffer &b) { return {b.mem.get(), b.mem.get(), 0}; }

struct Format {
  const char *name;
  int bits;
  int block;
  bool tensorScale;
};
const Format kFormats[] = {{"mxint8", 8, 32, false}, {"mxfp8", 8, 32, false},
                           {"mxfp6", 6, 32, false},  {"mxfp4", 4, 32, false},
                           {"nvfp4", 4, 16, true},   {"nvint4", 4, 16, true},
                           {"nvfp4_single", 4, 16, false},
                           {"mxint4", 4, 32, false}};

using Fn3 = void (*)(void *, void *, void *);
using Fn4 = void (*)(void *, void *, void *, void *);
using Fn5 = void (*)(void *, void *, void *, void *, void *);
using Fn6 = void (*)(void *, void *, void *, void *, void *, void *);

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
  void _mlir_ciface_gemv_mxint8_xmxint8_t##T(void *, void *, void *, void *,   \
                                             void *);                          \
  void _mlir_ciface_quant_mxint4_t##T(void *, void *, void *);                 \
  void _mlir_ciface_deq_mxint4_t##T(void *, void *, void *);                   \
  }
QF_DECLARE(1)
QF_DECLARE(2)

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

// GEMM x[M, 4096] * W[4096, 4096]^T: every weight format, f32 and mxint8
// activations, M = 16, 128, 512 (X(weight, M, threads, f32 args, mxint8
// args); nvfp4 weights carry a tensor scale).
#define QF_ARGS4 void *, void *, void *, void *
#define QF_ARGS5 QF_ARGS4, void *
#define QF_ARGS6 QF_ARGS5, void *
#define QF_GEMMS_M(X, M, T)                                                    \
  X(mxfp4, M, T, 4, 5) X(nvfp4, M, T, 5, 6) X(mxint4, M, T, 4, 5)              \
      X(mxint8, M, T, 4, 5)
#define QF_GEMMS(X, T)                                                         \
  QF_GEMMS_M(X, 16, T) QF_GEMMS_M(X, 128, T) QF_GEMMS_M(X, 512, T)
#define QF_GEMM_DECL(W, M, T, NF, NI)                                          \
  void _mlir_ciface_gemm_##W##_xf32_m##M##_t##T(QF_ARGS##NF);                  \
  void _mlir_ciface_gemm_##W##_xmxint8_m##M##_t##T(QF_ARGS##NI);
extern "C" {
QF_GEMMS(QF_GEMM_DECL, 1)
QF_GEMMS(QF_GEMM_DECL, 2)
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
     {"nvfp4_single", (void *)&_mlir_ciface_quant_nvfp4_single_t##T}},         \
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
         {"mxint8/mxint8", (void *)&_mlir_ciface_gemv_mxint8_xmxint8_t##T}},   \
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

Kernels kernelsFor(int threads) {
  static const Kernels k1 = QF_TABLE(1), k2 = QF_TABLE(2);
  return threads == 1 ? k1 : k2;
}

/// Input data: normal values with a few outliers (as activations have).
Buffer &input() {
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

/// The quantized storage of the input for one format.
struct QStorage {
  Buffer packed, scales, ts;
  QStorage(const Format &f)
      : packed(kRows * kCols * f.bits / 8), scales(kRows * kCols / f.block),
        ts(4) {}
};

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

QStorage &storage(const Format &f) {
  static std::map<std::string, std::unique_ptr<QStorage>> cache;
  auto &slot = cache[f.name];
  if (!slot) {
    slot = std::make_unique<QStorage>(f);
    runQuant(kernelsFor(1).quant.at(f.name), f, input(), *slot);
  }
  return *slot;
}

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

void BM_gemv(benchmark::State &state, Format w, bool xInt8) {
  int threads = int(state.range(0));
  std::string key = std::string(w.name) + (xInt8 ? "/mxint8" : "/f32");
  void *fn = kernelsFor(threads).gemv.at(key);
  // The weight: the first kN rows of the quantized input (row-major).
  QStorage &qw = storage(w);
  Desc<2> dwp = desc2(qw.packed, kN, kK * w.bits / 8);
  Desc<2> dws = desc2(qw.scales, kN, kK / w.block);
  Desc<0> dwt = desc0(qw.ts);
  Buffer &x = input();
  Desc<2> dx = desc2(x, 1, kK);
  const Format &i8 = kFormats[0];
  QStorage &qx = storage(i8);
  Desc<2> dxp = desc2(qx.packed, 1, kK);
  Desc<2> dxs = desc2(qx.scales, 1, kK / 32);
  static Buffer y(kN * 4);
  Desc<2> dy = desc2(y, 1, kN);
  for (auto _ : state) {
    if (!xInt8 && !w.tensorScale)
      reinterpret_cast<Fn4>(fn)(&dx, &dwp, &dws, &dy);
    else if (!xInt8)
      reinterpret_cast<Fn5>(fn)(&dx, &dwp, &dws, &dwt, &dy);
    else if (!w.tensorScale)
      reinterpret_cast<Fn5>(fn)(&dxp, &dxs, &dwp, &dws, &dy);
    else
      reinterpret_cast<Fn6>(fn)(&dxp, &dxs, &dwp, &dws, &dwt, &dy);
  }
  double flops = 2.0 * double(kN) * double(kK);
  double weightBytes = double(kN * kK * w.bits / 8 + kN * kK / w.block +
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

/// Peak of this machine with `threads` threads: 12 independent chains of
/// 16-lane FP32 FMAs (2 flops per lane), or of int8 VNNI vpdpbusd (64
/// multiply-adds, 128 ops per instruction); returns ops per second.
__attribute__((target("avx512f,fma"))) double fmaChains(int64_t iters) {
  __m512 acc[12];
  for (int j = 0; j < 12; ++j)
    acc[j] = _mm512_set1_ps(float(j));
  __m512 a = _mm512_set1_ps(0.999f), b = _mm512_set1_ps(1e-3f);
  for (int64_t i = 0; i < iters; ++i)
    for (int j = 0; j < 12; ++j)
      acc[j] = _mm512_fmadd_ps(acc[j], a, b);
  __m512 s = acc[0];
  for (int j = 1; j < 12; ++j)
    s = _mm512_add_ps(s, acc[j]);
  return double(_mm512_reduce_add_ps(s));
}
__attribute__((target("avx512f,avx512bw,avx512vnni"))) double
vnniChains(int64_t iters) {
  __m512i acc[12];
  for (int j = 0; j < 12; ++j)
    acc[j] = _mm512_set1_epi32(j);
  __m512i a = _mm512_set1_epi8(3), b = _mm512_set1_epi8(-2);
  for (int64_t i = 0; i < iters; ++i)
    for (int j = 0; j < 12; ++j)
      acc[j] = _mm512_dpbusd_epi32(acc[j], a, b);
  __m512i s = acc[0];
  for (int j = 1; j < 12; ++j)
    s = _mm512_add_epi32(s, acc[j]);
  return double(_mm512_reduce_add_epi32(s));
}

bool hasPeakLoop(bool int8) {
  __builtin_cpu_init();
  return int8 ? __builtin_cpu_supports("avx512vnni")
              : __builtin_cpu_supports("avx512f");
}

/// One run of the peak loop on `threads` threads: ops per second.
double peakOnce(int threads, bool int8) {
  constexpr int64_t iters = 1 << 18;
  std::vector<std::thread> pool;
  std::vector<double> sink(static_cast<size_t>(threads));
  auto t0 = std::chrono::steady_clock::now();
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      sink[size_t(t)] = int8 ? vnniChains(iters) : fmaChains(iters);
    });
  for (auto &th : pool)
    th.join();
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() -
                                           t0).count();
  benchmark::DoNotOptimize(sink.data());
  double perInstr = int8 ? 128.0 : 32.0;
  return double(threads) * double(iters) * 12.0 * perInstr / s;
}

/// The best peak seen so far (a best of 20 on first use, raised by every
/// BM_peak iteration), as memcpyBandwidth.
std::map<std::pair<int, bool>, double> &peakBest() {
  static std::map<std::pair<int, bool>, double> best;
  return best;
}
double peak(int threads, bool int8) {
  auto &best = peakBest();
  auto key = std::make_pair(threads, int8);
  if (!best.count(key)) {
    double p = 0;
    for (int rep = 0; rep < 20 && hasPeakLoop(int8); ++rep)
      p = std::max(p, peakOnce(threads, int8));
    best[key] = p;
  }
  return best[key];
}

void BM_peak(benchmark::State &state, bool int8) {
  int threads = int(state.range(0));
  if (!hasPeakLoop(int8)) {
    state.SkipWithError("the CPU lacks the instructions of this loop");
    return;
  }
  peak(threads, int8);
  for (auto _ : state) {
    double p = peakOnce(threads, int8);
    peakBest()[{threads, int8}] = std::max(peakBest()[{threads, int8}], p);
  }
  state.counters["GOP/s"] = peak(threads, int8) / 1e9;
}

#define QF_GEMM_ENTRY(W, M, T, NF, NI)                                         \
  {#W "/f32/" #M, (void *)&_mlir_ciface_gemm_##W##_xf32_m##M##_t##T},          \
      {#W "/mxint8/" #M, (void *)&_mlir_ciface_gemm_##W##_xmxint8_m##M##_t##T},

void *gemmKernel(int threads, const std::string &key) {
  static const std::map<std::string, void *> k1 = {QF_GEMMS(QF_GEMM_ENTRY, 1)};
  static const std::map<std::string, void *> k2 = {QF_GEMMS(QF_GEMM_ENTRY, 2)};
  return (threads == 1 ? k1 : k2).at(key);
}

/// GEMM x[m, K] * W[N, K]^T with the GEMV weight and the first m rows of the
/// input as activations (f32, or quantized to mxint8): GFLOP/s and the ratio
/// to the peak of the arithmetic the kernel uses (FP32 FMA for f32
/// activations, int8 VNNI for mxint8 ones), and cost per multiply-add.
void BM_gemm(benchmark::State &state, Format w, bool xInt8, int m) {
  int threads = int(state.range(0));
  void *fn = gemmKernel(threads, std::string(w.name) +
                                     (xInt8 ? "/mxint8/" : "/f32/") +
                                     std::to_string(m));
  QStorage &qw = storage(w);
  Desc<2> dwp = desc2(qw.packed, kN, kK * w.bits / 8);
  Desc<2> dws = desc2(qw.scales, kN, kK / w.block);
  Desc<0> dwt = desc0(qw.ts);
  Desc<2> dx = desc2(input(), m, kK);
  QStorage &qx = storage(kFormats[0]);
  Desc<2> dxp = desc2(qx.packed, m, kK);
  Desc<2> dxs = desc2(qx.scales, m, kK / 32);
  static Buffer y(512 * kN * 4);
  Desc<2> dy = desc2(y, m, kN);
  for (auto _ : state) {
    if (!xInt8 && !w.tensorScale)
      reinterpret_cast<Fn4>(fn)(&dx, &dwp, &dws, &dy);
    else if (!xInt8)
      reinterpret_cast<Fn5>(fn)(&dx, &dwp, &dws, &dwt, &dy);
    else if (!w.tensorScale)
      reinterpret_cast<Fn5>(fn)(&dxp, &dxs, &dwp, &dws, &dy);
    else
      reinterpret_cast<Fn6>(fn)(&dxp, &dxs, &dwp, &dws, &dwt, &dy);
  }
  double flops = 2.0 * double(m) * double(kN) * double(kK);
  state.counters["GFLOP/s"] = benchmark::Counter(
      flops / 1e9, benchmark::Counter::kIsIterationInvariantRate);
  double p = peak(threads, xInt8);
  if (p > 0) {
    state.counters["x_peak"] = benchmark::Counter(
        flops / p, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["peak_GOP/s"] = p / 1e9;
  }
}

} // namespace

// For bench/GemmPacked.cpp: BM_gemm's row-major operands and the peak.
struct GemmOperands {
  uint8_t *wPacked, *wScales, *wTs, *xPacked, *xScales;
  float *x;
};
GemmOperands gemmOperands(const std::string &w) {
  const Format &f = *std::find_if(std::begin(kFormats), std::end(kFormats),
                                  [&](const Format &g) { return g.name == w; });
  QStorage &qw = storage(f), &qx = storage(kFormats[0]);
  return {qw.packed.as<uint8_t>(), qw.scales.as<uint8_t>(), qw.ts.as<uint8_t>(),
          qx.packed.as<uint8_t>(), qx.scales.as<uint8_t>(), input().as<float>()};
}
double gemmPeak(int threads, bool int8) { return peak(threads, int8); }
void registerPackedGemms();

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
    const Format &f = *std::find_if(std::begin(kFormats), std::end(kFormats),
                                    [&](const Format &g) { return std::string(g.name) == w; });
    for (bool xi8 : {false, true})
      benchmark::RegisterBenchmark(
          (std::string("gemv/") + w + (xi8 ? "_x_mxint8" : "_x_f32")).c_str(),
          BM_gemv, f, xi8)
          ->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMicrosecond)
          ->MinTime(0.3)->UseRealTime();
  }
  for (bool int8 : {false, true})
    benchmark::RegisterBenchmark(int8 ? "peak/int8_vnni" : "peak/fp32_fma",
                                 BM_peak, int8)
        ->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)
        ->MinTime(0.2)->UseRealTime();
  for (const char *w : {"mxfp4", "nvfp4", "mxint4", "mxint8"}) {
    const Format &f = *std::find_if(std::begin(kFormats), std::end(kFormats),
                                    [&](const Format &g) { return std::string(g.name) == w; });
    for (int m : {16, 128, 512})
      for (bool xi8 : {false, true})
        benchmark::RegisterBenchmark(
            (std::string("gemm/") + w + (xi8 ? "_x_mxint8" : "_x_f32") +
             "_m" + std::to_string(m))
                .c_str(),
            BM_gemm, f, xi8, m)
            ->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)
            ->MinTime(0.3)->UseRealTime();
  }
  for (int block : {32, 4096})
    benchmark::RegisterBenchmark(
        ("hadamard/b" + std::to_string(block)).c_str(), BM_hadamard, block)
        ->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)
        ->MinTime(0.5)->UseRealTime();
  for (const char *name : {"mxint8", "mxfp4", "nvint4"}) {
    const Format &f = *std::find_if(std::begin(kFormats), std::end(kFormats),
                                    [&](const Format &g) { return std::string(g.name) == name; });
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
