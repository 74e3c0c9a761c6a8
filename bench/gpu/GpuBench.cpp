//===- GpuBench.cpp - GPU baselines for qf's kernels: copy, cuBLASLt FP8 --===//
//
// qf-gpu-bench measures, on the first GPU, what qf's GPU kernels are judged
// against (docs/performance.md):
//   - device-to-device copy bandwidth of 256 MiB (quantize/dequantize are
//     memory bound: their target is a fraction of this copy), and
//   - cuBLASLt FP8 (E4M3 x E4M3, FP32 accumulation) GEMM in TFLOP/s at
//     4096^3 and a few model shapes, with BF16 and FP32 outputs, the
//     baseline for qf's FP8 GEMM.
// --smoke runs tiny sizes once and checks one GEMM result, so that scripts
// can prove the harness works without taking the GPU for long. Every CUDA or
// cuBLASLt error is reported with the call that failed; without a driver the
// program says so and exits 1.
//
//===----------------------------------------------------------------------===//
#include <cublasLt.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

void fail(const std::string &message) {
  std::fflush(stdout);
  std::fprintf(stderr, "qf-gpu-bench: %s\n", message.c_str());
  std::exit(1);
}

void check(cudaError_t e, const char *call) {
  if (e != cudaSuccess)
    fail(std::string(call) + " failed: " + cudaGetErrorName(e) + " (" +
         cudaGetErrorString(e) + ")");
}

void check(cublasStatus_t s, const char *call) {
  if (s != CUBLAS_STATUS_SUCCESS)
    fail(std::string(call) + " failed: " + cublasLtGetStatusName(s) + " (" +
         cublasLtGetStatusString(s) + ")");
}

#define CHECK(call) check((call), #call)

/// Milliseconds per repetition of `body` on `stream`: warm-up, then repeats
/// until at least `minMs` of GPU time (or `maxReps`) has passed.
template <typename F>
double timeMs(cudaStream_t stream, int warmup, int maxReps, double minMs,
              F body) {
  cudaEvent_t start, stop;
  CHECK(cudaEventCreate(&start));
  CHECK(cudaEventCreate(&stop));
  for (int i = 0; i < warmup; ++i)
    body();
  CHECK(cudaStreamSynchronize(stream));
  int reps = 0;
  float total = 0;
  while (reps < maxReps && total < minMs) {
    CHECK(cudaEventRecord(start, stream));
    body();
    CHECK(cudaEventRecord(stop, stream));
    CHECK(cudaEventSynchronize(stop));
    float ms = 0;
    CHECK(cudaEventElapsedTime(&ms, start, stop));
    total += ms;
    ++reps;
  }
  CHECK(cudaEventDestroy(start));
  CHECK(cudaEventDestroy(stop));
  return total / reps;
}

struct Config {
  bool smoke = false;
  int warmup = 3, maxReps = 50;
  double minMs = 200;
};

void benchCopy(const Config &c, cudaStream_t stream) {
  size_t bytes = c.smoke ? (16u << 20) : (256u << 20);
  void *src, *dst;
  CHECK(cudaMalloc(&src, bytes));
  CHECK(cudaMalloc(&dst, bytes));
  CHECK(cudaMemsetAsync(src, 0x5a, bytes, stream));
  double ms = timeMs(stream, c.warmup, c.maxReps, c.minMs, [&] {
    CHECK(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, stream));
  });
  // A copy reads and writes every byte: bandwidth counts both.
  std::printf("copy_d2d  %4zu MiB  %8.3f ms  %8.1f GB/s (read + write)\n",
              bytes >> 20, ms, 2.0 * bytes / (ms * 1e6));
  CHECK(cudaFree(src));
  CHECK(cudaFree(dst));
}

struct Shape {
  int m, n, k;
};

/// D[m x n] = A[m x k] * B[k x n] in cuBLASLt's column-major terms with the
/// "TN" layout FP8 requires: A stored k-major (op T), B k-major (op N).
/// Returns TFLOP/s; with `checkOnes`, A = B = 1 and D must be k everywhere
/// sampled.
double benchFp8Gemm(const Config &c, cudaStream_t stream, cublasLtHandle_t lt,
                    Shape s, cudaDataType_t outType, bool fastAccum,
                    bool checkOnes) {
  size_t aBytes = size_t(s.m) * s.k, bBytes = size_t(s.k) * s.n;
  size_t outSize = outType == CUDA_R_32F ? 4 : 2;
  size_t dBytes = size_t(s.m) * s.n * outSize;
  void *a, *b, *d, *workspace;
  size_t workspaceBytes = 32u << 20;
  CHECK(cudaMalloc(&a, aBytes));
  CHECK(cudaMalloc(&b, bBytes));
  CHECK(cudaMalloc(&d, dBytes));
  CHECK(cudaMalloc(&workspace, workspaceBytes));
  if (checkOnes) {
    CHECK(cudaMemsetAsync(a, 0x38, aBytes, stream)); // E4M3 1.0
    CHECK(cudaMemsetAsync(b, 0x38, bBytes, stream));
  } else {
    // Random finite E4M3 codes: power, and so clocks, depend on the data.
    std::vector<uint8_t> host(std::max(aBytes, bBytes));
    std::mt19937 rng(42);
    for (uint8_t &v : host) {
      v = static_cast<uint8_t>(rng());
      if ((v & 0x7f) == 0x7f)
        v ^= 1; // not NaN
    }
    CHECK(cudaMemcpy(a, host.data(), aBytes, cudaMemcpyHostToDevice));
    CHECK(cudaMemcpy(b, host.data(), bBytes, cudaMemcpyHostToDevice));
  }

  cublasLtMatmulDesc_t op;
  CHECK(cublasLtMatmulDescCreate(&op, CUBLAS_COMPUTE_32F, CUDA_R_32F));
  cublasOperation_t transA = CUBLAS_OP_T, transB = CUBLAS_OP_N;
  CHECK(cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_TRANSA, &transA,
                                       sizeof(transA)));
  CHECK(cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_TRANSB, &transB,
                                       sizeof(transB)));
  int8_t fast = fastAccum ? 1 : 0;
  CHECK(cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_FAST_ACCUM,
                                       &fast, sizeof(fast)));
  cublasLtMatrixLayout_t la, lb, ld;
  CHECK(cublasLtMatrixLayoutCreate(&la, CUDA_R_8F_E4M3, s.k, s.m, s.k));
  CHECK(cublasLtMatrixLayoutCreate(&lb, CUDA_R_8F_E4M3, s.k, s.n, s.k));
  CHECK(cublasLtMatrixLayoutCreate(&ld, outType, s.m, s.n, s.m));
  cublasLtMatmulPreference_t pref;
  CHECK(cublasLtMatmulPreferenceCreate(&pref));
  CHECK(cublasLtMatmulPreferenceSetAttribute(
      pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &workspaceBytes,
      sizeof(workspaceBytes)));
  cublasLtMatmulHeuristicResult_t heuristic{};
  int found = 0;
  CHECK(cublasLtMatmulAlgoGetHeuristic(lt, op, la, lb, ld, ld, pref, 1,
                                       &heuristic, &found));
  if (found == 0)
    fail("cuBLASLt has no FP8 algorithm for " + std::to_string(s.m) + "x" +
         std::to_string(s.n) + "x" + std::to_string(s.k));
  float alpha = 1, beta = 0;
  auto run = [&] {
    CHECK(cublasLtMatmul(lt, op, &alpha, a, la, b, lb, &beta, d, ld, d, ld,
                         &heuristic.algo, workspace, workspaceBytes, stream));
  };
  double ms = c.smoke ? (run(), timeMs(stream, 0, 1, 0, run))
                      : timeMs(stream, c.warmup, c.maxReps, c.minMs, run);
  double tflops = 2.0 * s.m * s.n * s.k / (ms * 1e9);

  if (checkOnes) {
    // Sample the first and the last element of D: both must equal k.
    float first = 0, last = 0;
    if (outType == CUDA_R_32F) {
      CHECK(cudaMemcpy(&first, d, 4, cudaMemcpyDeviceToHost));
      CHECK(cudaMemcpy(&last, static_cast<char *>(d) + dBytes - 4, 4,
                       cudaMemcpyDeviceToHost));
    } else {
      uint16_t h[2];
      CHECK(cudaMemcpy(&h[0], d, 2, cudaMemcpyDeviceToHost));
      CHECK(cudaMemcpy(&h[1], static_cast<char *>(d) + dBytes - 2, 2,
                       cudaMemcpyDeviceToHost));
      uint32_t f0 = uint32_t(h[0]) << 16, f1 = uint32_t(h[1]) << 16;
      std::memcpy(&first, &f0, 4);
      std::memcpy(&last, &f1, 4);
    }
    if (first != float(s.k) || last != float(s.k))
      fail("cuBLASLt FP8 GEMM of ones gave " + std::to_string(first) + " and " +
           std::to_string(last) + ", expected " + std::to_string(s.k));
  }

  CHECK(cublasLtMatmulPreferenceDestroy(pref));
  CHECK(cublasLtMatrixLayoutDestroy(la));
  CHECK(cublasLtMatrixLayoutDestroy(lb));
  CHECK(cublasLtMatrixLayoutDestroy(ld));
  CHECK(cublasLtMatmulDescDestroy(op));
  for (void *p : {a, b, d, workspace})
    CHECK(cudaFree(p));
  return tflops;
}

void benchGemms(const Config &c, cudaStream_t stream) {
  cublasLtHandle_t lt;
  CHECK(cublasLtCreate(&lt));
  std::vector<Shape> shapes =
      c.smoke ? std::vector<Shape>{{256, 256, 256}}
              : std::vector<Shape>{{4096, 4096, 4096}, {8192, 8192, 8192},
                                   {2048, 2048, 2048}, {16, 4096, 4096},
                                   {128, 14336, 4096}, {4096, 14336, 4096}};
  for (Shape s : shapes)
    for (cudaDataType_t out : {CUDA_R_16BF, CUDA_R_32F}) {
      double t = benchFp8Gemm(c, stream, lt, s, out, false, c.smoke);
      std::printf("cublaslt_fp8_e4m3 %5d x %5d x %5d  out %s  %8.1f TFLOP/s\n",
                  s.m, s.n, s.k, out == CUDA_R_32F ? "f32 " : "bf16", t);
    }
  if (!c.smoke) {
    // Hopper's fast FP8 accumulation (no periodic FP32 promotion): faster,
    // less accurate; shown for reference, not qf's baseline.
    double t = benchFp8Gemm(c, stream, lt, {4096, 4096, 4096}, CUDA_R_16BF,
                            true, false);
    std::printf("cublaslt_fp8_e4m3  4096 x  4096 x  4096  out bf16  %8.1f "
                "TFLOP/s (fast accumulation)\n",
                t);
  }
  CHECK(cublasLtDestroy(lt));
}

} // namespace

int main(int argc, char **argv) {
  Config c;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--smoke") == 0) {
      c.smoke = true;
      c.warmup = 1;
      c.maxReps = 1;
      c.minMs = 0;
    } else {
      std::fprintf(stderr, "usage: qf-gpu-bench [--smoke]\n");
      return 2;
    }
  }
  int count = 0;
  cudaError_t e = cudaGetDeviceCount(&count);
  if (e != cudaSuccess || count == 0)
    fail(std::string("no usable CUDA driver or device: cudaGetDeviceCount: ") +
         (e == cudaSuccess ? "0 devices" : cudaGetErrorString(e)));
  cudaDeviceProp prop;
  CHECK(cudaGetDeviceProperties(&prop, 0));
  int runtimeVersion = 0, driverVersion = 0;
  CHECK(cudaRuntimeGetVersion(&runtimeVersion));
  CHECK(cudaDriverGetVersion(&driverVersion));
  std::printf(
      "device: %s (sm_%d%d), CUDA runtime %d, driver %d, cuBLASLt %zu%s\n",
      prop.name, prop.major, prop.minor, runtimeVersion, driverVersion,
      cublasLtGetVersion(), c.smoke ? ", smoke run" : "");
  cudaStream_t stream;
  CHECK(cudaStreamCreate(&stream));
  benchCopy(c, stream);
  if (prop.major * 10 + prop.minor >= 89)
    benchGemms(c, stream);
  else
    std::printf("cublaslt_fp8: skipped, sm_%d%d has no FP8 tensor cores\n",
                prop.major, prop.minor);
  CHECK(cudaStreamDestroy(stream));
  return 0;
}
