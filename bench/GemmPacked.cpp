//===- GemmPacked.cpp - qf-bench GEMMs with repacked weights --------------===//
//
// gemm_packed/<weight>_x_<activations>_m<M>: the GEMMs of Gemm.cpp with the
// weight argument in the repacked layout (!qf.tensor<..., layout =
// tiled<R x KC>>, docs/formats.md) that the CPU target chooses for the
// kernel: tiled<32x4> for mxint8 activations (the int-dot kernel's panels),
// tiled<4x32> for f32 ones (runs of the f32 tiles). The weight is
// BM_gemm's, repacked here once as qf-pack-weights --layout does, so the two
// entries compare the layouts on the same data.
//
//===----------------------------------------------------------------------===//
#include "Bench.h"

#include <map>

#define QF_PGEMM_DECL(W, M, T, NF, NI)                                         \
  void _mlir_ciface_gemm_packed_##W##_xf32_m##M##_t##T(QF_ARGS##NF);           \
  void _mlir_ciface_gemm_packed_##W##_xmxint8_m##M##_t##T(QF_ARGS##NI);
extern "C" {
QF_GEMMS(QF_PGEMM_DECL, 1)
QF_GEMMS(QF_PGEMM_DECL, 2)
}

namespace qfbench {
namespace {

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
Packed &packedWeight(const Format &w, Tiling t) {
  static std::map<std::string, Packed> cache;
  std::string key = std::string(w.name) + "/" + std::to_string(t.rows);
  Packed &p = cache[key];
  if (p.codes)
    return p;
  QStorage &q = storage(w);
  const uint8_t *codes = q.packed.as<uint8_t>(), *scales = q.scales.as<uint8_t>();
  int64_t rowBytes = kK * w.bits / 8, runBytes = t.run * w.bits / 8;
  int64_t runs = kK / t.run, nb = kK / w.block;
  p.codes.reset(static_cast<uint8_t *>(std::aligned_alloc(64, size_t(kN * rowBytes))));
  p.scales.reset(static_cast<uint8_t *>(std::aligned_alloc(64, size_t(kN * nb))));
  for (int64_t r = 0; r < kN; ++r) {
    for (int64_t j = 0; j < runs; ++j) {
      int64_t at = ((r / t.rows) * runs + j) * t.rows * runBytes +
                   (r % t.rows) * runBytes;
      std::memcpy(p.codes.get() + at, codes + r * rowBytes + j * runBytes,
                  size_t(runBytes));
    }
    for (int64_t b = 0; b < nb; ++b)
      p.scales.get()[((r / t.rows) * nb + b) * t.rows + r % t.rows] =
          scales[r * nb + b];
  }
  return p;
}

#define QF_PGEMM_ENTRY(W, M, T, NF, NI)                                        \
  {#W "/f32/" #M, (void *)&_mlir_ciface_gemm_packed_##W##_xf32_m##M##_t##T},   \
      {#W "/mxint8/" #M,                                                       \
       (void *)&_mlir_ciface_gemm_packed_##W##_xmxint8_m##M##_t##T},

void *packedKernel(int threads, const std::string &key) {
  static const std::map<std::string, void *> k1 = {QF_GEMMS(QF_PGEMM_ENTRY, 1)};
  static const std::map<std::string, void *> k2 = {QF_GEMMS(QF_PGEMM_ENTRY, 2)};
  return (threads == 1 ? k1 : k2).at(key);
}

/// BM_gemm with the repacked weight: same counters, so the report puts the
/// two layouts side by side.
void BM_gemmPacked(benchmark::State &state, Format w, bool xInt8, int m) {
  void *fn = packedKernel(int(state.range(0)),
                          std::string(w.name) + (xInt8 ? "/mxint8/" : "/f32/") +
                              std::to_string(m));
  Packed &pw = packedWeight(w, tilingFor(xInt8));
  runGemm(state, fn, w, pw.codes.get(), pw.scales.get(), xInt8, m);
}

} // namespace

void registerPackedGemms() {
  for (const char *name : kGemmWeights)
    for (int m : kGemmM)
      for (bool xi8 : {false, true})
        benchmark::RegisterBenchmark(
            (std::string("gemm_packed/") + name +
             (xi8 ? "_x_mxint8" : "_x_f32") + "_m" + std::to_string(m))
                .c_str(),
            BM_gemmPacked, format(name), xi8, m)
            ->Arg(1)->Arg(2)->ArgName("threads")->Unit(benchmark::kMillisecond)
            ->MinTime(0.3)->UseRealTime();
}

} // namespace qfbench
