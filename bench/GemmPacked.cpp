//===- GemmPacked.cpp - qf-bench GEMMs with repacked weights --------------===//
//
// gemm_packed/<weight>_x_<activations>_m<M>: the GEMMs of BM_gemm
// (QFBench.cpp) with the weight argument in the repacked layout
// (!qf.tensor<..., layout = tiled<R x KC>>, docs/formats.md) that the CPU
// target chooses for the kernel: tiled<32x4> for mxint8 activations (the
// int-dot kernel's panels), tiled<4x32> for f32 ones (runs of the f32
// tiles). The weight is BM_gemm's, repacked here once as qf-pack-weights
// --layout does, so the two entries compare the layouts on the same data.
//
//===----------------------------------------------------------------------===//
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

// QFBench.cpp.
struct GemmOperands {
  uint8_t *wPacked, *wScales, *wTs, *xPacked, *xScales;
  float *x;
};
GemmOperands gemmOperands(const std::string &w);
double gemmPeak(int threads, bool int8);

#define QF_PARGS4 void *, void *, void *, void *
#define QF_PARGS5 QF_PARGS4, void *
#define QF_PARGS6 QF_PARGS5, void *
#define QF_PGEMMS_M(X, M, T)                                                   \
  X(mxfp4, M, T, 4, 5) X(nvfp4, M, T, 5, 6) X(mxint4, M, T, 4, 5)              \
      X(mxint8, M, T, 4, 5)
#define QF_PGEMMS(X, T)                                                        \
  QF_PGEMMS_M(X, 16, T) QF_PGEMMS_M(X, 128, T) QF_PGEMMS_M(X, 512, T)
#define QF_PGEMM_DECL(W, M, T, NF, NI)                                         \
  void _mlir_ciface_gemm_packed_##W##_xf32_m##M##_t##T(QF_PARGS##NF);          \
  void _mlir_ciface_gemm_packed_##W##_xmxint8_m##M##_t##T(QF_PARGS##NI);
extern "C" {
QF_PGEMMS(QF_PGEMM_DECL, 1)
QF_PGEMMS(QF_PGEMM_DECL, 2)
}

namespace {

constexpr int64_t kN = 4096, kK = 4096;

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
Desc<2> desc2(void *p, int64_t rows, int64_t cols) {
  return {p, p, 0, {rows, cols}, {cols, 1}};
}

struct Weight {
  const char *name;
  int bits, block;
  bool tensorScale;
};
const Weight kWeights[] = {{"mxfp4", 4, 32, false},
                           {"nvfp4", 4, 16, true},
                           {"mxint4", 4, 32, false},
                           {"mxint8", 8, 32, false}};

/// The repacked layout gen-kernels.py gives the weight argument.
struct Tiling {
  int64_t rows, run;
};
Tiling tilingFor(bool xInt8) { return xInt8 ? Tiling{32, 4} : Tiling{4, 32}; }

/// A 64-byte aligned copy of the weight's codes and scales in layout `t`
/// (qf::numerics::Tiling: runs of t.run codes of t.rows rows side by side;
/// a run is whole bytes, so the packed bytes move as they are).
struct Packed {
  std::unique_ptr<uint8_t, decltype(&std::free)> codes{nullptr, &std::free},
      scales{nullptr, &std::free};
};
Packed &packedWeight(const Weight &w, Tiling t) {
  static std::map<std::string, Packed> cache;
  std::string key = std::string(w.name) + "/" + std::to_string(t.rows);
  Packed &p = cache[key];
  if (p.codes)
    return p;
  GemmOperands o = gemmOperands(w.name);
  int64_t rowBytes = kK * w.bits / 8, runBytes = t.run * w.bits / 8;
  int64_t runs = kK / t.run, nb = kK / w.block;
  p.codes.reset(static_cast<uint8_t *>(std::aligned_alloc(64, size_t(kN * rowBytes))));
  p.scales.reset(static_cast<uint8_t *>(std::aligned_alloc(64, size_t(kN * nb))));
  for (int64_t r = 0; r < kN; ++r) {
    for (int64_t j = 0; j < runs; ++j) {
      int64_t at = ((r / t.rows) * runs + j) * t.rows * runBytes +
                   (r % t.rows) * runBytes;
      std::memcpy(p.codes.get() + at, o.wPacked + r * rowBytes + j * runBytes,
                  size_t(runBytes));
    }
    for (int64_t b = 0; b < nb; ++b)
      p.scales.get()[((r / t.rows) * nb + b) * t.rows + r % t.rows] =
          o.wScales[r * nb + b];
  }
  return p;
}

#define QF_PGEMM_ENTRY(W, M, T, NF, NI)                                        \
  {#W "/f32/" #M, (void *)&_mlir_ciface_gemm_packed_##W##_xf32_m##M##_t##T},   \
      {#W "/mxint8/" #M,                                                       \
       (void *)&_mlir_ciface_gemm_packed_##W##_xmxint8_m##M##_t##T},

void *packedKernel(int threads, const std::string &key) {
  static const std::map<std::string, void *> k1 = {QF_PGEMMS(QF_PGEMM_ENTRY, 1)};
  static const std::map<std::string, void *> k2 = {QF_PGEMMS(QF_PGEMM_ENTRY, 2)};
  return (threads == 1 ? k1 : k2).at(key);
}

using Fn4 = void (*)(void *, void *, void *, void *);
using Fn5 = void (*)(void *, void *, void *, void *, void *);
using Fn6 = void (*)(void *, void *, void *, void *, void *, void *);

/// BM_gemm with the repacked weight: same counters, so the report puts the
/// two layouts side by side.
void BM_gemmPacked(benchmark::State &state, Weight w, bool xInt8, int m) {
  int threads = int(state.range(0));
  void *fn = packedKernel(threads, std::string(w.name) +
                                       (xInt8 ? "/mxint8/" : "/f32/") +
                                       std::to_string(m));
  GemmOperands o = gemmOperands(w.name);
  Packed &pw = packedWeight(w, tilingFor(xInt8));
  Desc<2> dwp = desc2(pw.codes.get(), kN, kK * w.bits / 8);
  Desc<2> dws = desc2(pw.scales.get(), kN, kK / w.block);
  Desc<0> dwt = {o.wTs, o.wTs, 0};
  Desc<2> dx = desc2(o.x, m, kK);
  Desc<2> dxp = desc2(o.xPacked, m, kK);
  Desc<2> dxs = desc2(o.xScales, m, kK / 32);
  static std::vector<float> y(size_t(512 * kN));
  Desc<2> dy = desc2(y.data(), m, kN);
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
  double p = gemmPeak(threads, xInt8);
  if (p > 0) {
    state.counters["x_peak"] = benchmark::Counter(
        flops / p, benchmark::Counter::kIsIterationInvariantRate);
    state.counters["peak_GOP/s"] = p / 1e9;
  }
}

} // namespace

void registerPackedGemms() {
  for (const Weight &w : kWeights)
    for (int m : {16, 128, 512})
      for (bool xi8 : {false, true})
        benchmark::RegisterBenchmark(
            (std::string("gemm_packed/") + w.name +
             (xi8 ? "_x_mxint8" : "_x_f32") + "_m" + std::to_string(m))
                .c_str(),
            BM_gemmPacked, w, xi8, m)
            ->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)
            ->MinTime(0.3)->UseRealTime();
}
