//===- Bench.h - Shared pieces of the qf-bench sources ---------*- C++ -*-===//
//
// Memref descriptors for the AOT-compiled kernels' C interface, aligned
// buffers, the formats, the quantized copies of the input, the machine's
// measured peaks and the GEMM timing loop that QFBench.cpp, Gemm.cpp and
// GemmPacked.cpp share.
//
//===----------------------------------------------------------------------===//
#ifndef QF_BENCH_BENCH_H
#define QF_BENCH_BENCH_H

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

namespace qfbench {

constexpr int64_t kRows = 16384, kCols = 4096; // 64 Mi f32 input
constexpr int64_t kN = 4096, kK = 4096;        // GEMV / GEMM weight

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
    mem.reset(static_cast<uint8_t *>(
        std::aligned_alloc(64, size_t((n + 63) / 64 * 64))));
    std::memset(mem.get(), 0, size_t(bytes));
  }
  template <typename T> T *as() { return reinterpret_cast<T *>(mem.get()); }
};

inline Desc<2> desc2(void *p, int64_t rows, int64_t cols) {
  return {p, p, 0, {rows, cols}, {cols, 1}};
}
inline Desc<2> desc2(Buffer &b, int64_t rows, int64_t cols) {
  return desc2(b.mem.get(), rows, cols);
}
inline Desc<0> desc0(void *p) { return {p, p, 0}; }
inline Desc<0> desc0(Buffer &b) { return desc0(b.mem.get()); }

using Fn3 = void (*)(void *, void *, void *);
using Fn4 = void (*)(void *, void *, void *, void *);
using Fn5 = void (*)(void *, void *, void *, void *, void *);
using Fn6 = void (*)(void *, void *, void *, void *, void *, void *);

struct Format {
  const char *name;
  int bits;
  int block;
  bool tensorScale;
};
/// The format named `name` (one of gen-kernels.py's).
const Format &format(const std::string &name);

/// The f32 input [kRows, kCols]: normal values with a few outliers.
Buffer &input();
/// The input quantized to `f` (computed once).
struct QStorage {
  Buffer packed, scales, ts;
  explicit QStorage(const Format &f)
      : packed(kRows * kCols * f.bits / 8), scales(kRows * kCols / f.block),
        ts(4) {}
};
QStorage &storage(const Format &f);

/// This machine's peak with `threads` threads (Gemm.cpp): FP32 FMA or int8
/// VNNI operations per second; 0 when the CPU lacks the instructions.
double peak(int threads, bool int8);

/// Operands of one matmul kernel call: f32 activations `x` or mxint8 ones
/// (`xCodes`, `xScales`), the weight's codes, scales and (NV formats)
/// tensor scale, and the output.
struct MatmulArgs {
  Desc<2> x, xCodes, xScales, wCodes, wScales;
  Desc<0> wTensorScale;
  Desc<2> y;
};
/// One call of a gen-kernels.py matmul (its C interface takes the
/// activations, then the weight, then the output).
inline void callMatmul(void *fn, const Format &w, bool xInt8, MatmulArgs &a) {
  if (!xInt8 && !w.tensorScale)
    reinterpret_cast<Fn4>(fn)(&a.x, &a.wCodes, &a.wScales, &a.y);
  else if (!xInt8)
    reinterpret_cast<Fn5>(fn)(&a.x, &a.wCodes, &a.wScales, &a.wTensorScale,
                              &a.y);
  else if (!w.tensorScale)
    reinterpret_cast<Fn5>(fn)(&a.xCodes, &a.xScales, &a.wCodes, &a.wScales,
                              &a.y);
  else
    reinterpret_cast<Fn6>(fn)(&a.xCodes, &a.xScales, &a.wCodes, &a.wScales,
                              &a.wTensorScale, &a.y);
}

/// The GEMM timing loop: y[m, kN] = x[m, kK] * W^T by `fn` (the C
/// interface of a gen-kernels.py GEMM) with the weight's codes and scales
/// at `wCodes` / `wScales` (in whatever layout `fn` expects) and the input
/// (f32, or quantized to mxint8) as activations; reports GFLOP/s and the
/// ratio to peak(threads, xInt8).
void runGemm(benchmark::State &state, void *fn, const Format &w,
             void *wCodes, void *wScales, bool xInt8, int m);

/// The GEMM kernels of gen-kernels.py: X(weight, M, threads, number of
/// arguments with f32 activations, with mxint8 activations) for every weight
/// format and M (nvfp4 weights carry a tensor scale: one argument more).
#define QF_ARGS4 void *, void *, void *, void *
#define QF_ARGS5 QF_ARGS4, void *
#define QF_ARGS6 QF_ARGS5, void *
#define QF_GEMMS_M(X, M, T)                                                    \
  X(mxfp4, M, T, 4, 5) X(nvfp4, M, T, 5, 6) X(mxint4, M, T, 4, 5)              \
      X(mxint8, M, T, 4, 5)
#define QF_GEMMS(X, T)                                                         \
  QF_GEMMS_M(X, 16, T) QF_GEMMS_M(X, 128, T) QF_GEMMS_M(X, 512, T)
inline const char *const kGemmWeights[] = {"mxfp4", "nvfp4", "mxint4",
                                           "mxint8"};
constexpr int kGemmM[] = {16, 128, 512};

/// Registration of the benchmarks of Gemm.cpp and GemmPacked.cpp.
void registerPeakAndGemms();
void registerPackedGemms();

} // namespace qfbench

#endif // QF_BENCH_BENCH_H
