//===- Gemm.cpp - qf-bench: machine peaks and block-scaled GEMMs ----------===//
//
// peak/fp32_fma and peak/int8_vnni: this machine's arithmetic peak measured
// in the same run as the kernels; gemm/<weight>_x_<activations>_m<M>:
// x[M, 4096] * W[4096, 4096]^T for mxfp4, nvfp4, mxint4 and mxint8 weights
// (row-major) with f32 or mxint8 activations, reported against that peak.
//
//===----------------------------------------------------------------------===//
#include "Bench.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <thread>
#include <vector>

#include <immintrin.h>

#define QF_GEMM_DECL(W, M, T, NF, NI)                                          \
  void _mlir_ciface_gemm_##W##_xf32_m##M##_t##T(QF_ARGS##NF);                  \
  void _mlir_ciface_gemm_##W##_xmxint8_m##M##_t##T(QF_ARGS##NI);
extern "C" {
QF_GEMMS(QF_GEMM_DECL, 1)
QF_GEMMS(QF_GEMM_DECL, 2)
}

namespace qfbench {
namespace {

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

/// GEMM x[m, K] * W[N, K]^T with the GEMV weight (the first kN rows of the
/// quantized input, row-major) and the first m rows of the input as
/// activations: GFLOP/s and the ratio to the peak of the arithmetic the
/// kernel uses (FP32 FMA for f32 activations, int8 VNNI for mxint8 ones).
void BM_gemm(benchmark::State &state, Format w, bool xInt8, int m) {
  void *fn = gemmKernel(int(state.range(0)),
                        std::string(w.name) + (xInt8 ? "/mxint8/" : "/f32/") +
                            std::to_string(m));
  QStorage &qw = storage(w);
  runGemm(state, fn, w, qw.packed.mem.get(), qw.scales.mem.get(), xInt8, m);
}

} // namespace

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

void runGemm(benchmark::State &state, void *fn, const Format &w,
             void *wCodes, void *wScales, bool xInt8, int m) {
  int threads = int(state.range(0));
  QStorage &qx = storage(format("mxint8"));
  static Buffer y(512 * kN * 4);
  MatmulArgs args{desc2(input(), m, kK),         desc2(qx.packed, m, kK),
                  desc2(qx.scales, m, kK / 32),  desc2(wCodes, kN, kK * w.bits / 8),
                  desc2(wScales, kN, kK / w.block), desc0(storage(w).ts),
                  desc2(y, m, kN)};
  for (auto _ : state)
    callMatmul(fn, w, xInt8, args);
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

void registerPeakAndGemms() {
  for (bool int8 : {false, true})
    benchmark::RegisterBenchmark(int8 ? "peak/int8_vnni" : "peak/fp32_fma",
                                 BM_peak, int8)
        ->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)
        ->MinTime(0.2)->UseRealTime();
  for (const char *w : kGemmWeights)
    for (int m : kGemmM)
      for (bool xi8 : {false, true})
        benchmark::RegisterBenchmark(
            (std::string("gemm/") + w + (xi8 ? "_x_mxint8" : "_x_f32") +
             "_m" + std::to_string(m))
                .c_str(),
            BM_gemm, format(w), xi8, m)
            ->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)
            ->MinTime(0.3)->UseRealTime();
}

} // namespace qfbench
