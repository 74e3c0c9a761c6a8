// In-cache GEMM timing for scripts/gemm-incache.sh: y[M,N] = x[M,K] * W[N,K]^T
// with the kernel _mlir_ciface_k (qf.matmul, out-params), random codes and
// scales; prints the minimum rdtsc ticks over the calls, multiply-adds per
// tick and a hash of the output bits (compare two compilers' bits with it).
#include "common.h"
int main(int argc, char **argv) {
  // M K N wbits wblock nv(0: E8M0 scales, 1: E4M3 + tensor scale) xint8 reps
  if (argc < 8) {
    fprintf(stderr, "usage: %s M K N wbits wblock nv xint8 [reps]\n", argv[0]);
    return 1;
  }
  int64_t M = atol(argv[1]), K = atol(argv[2]), N = atol(argv[3]);
  int wb = atoi(argv[4]), blk = atoi(argv[5]), nv = atoi(argv[6]), xi8 = atoi(argv[7]);
  int reps = argc > 8 ? atoi(argv[8]) : 40;
  int64_t wbytes = N * K * wb / 8;
  uint8_t *wp = aligned_alloc(64, wbytes + 64), *ws = aligned_alloc(64, N * K / blk + 64);
  for (int64_t i = 0; i < wbytes; ++i) wp[i] = nx();
  for (int64_t i = 0; i < N * K / blk; ++i) ws[i] = nv ? 0x30 + nx() % 0x20 : 120 + nx() % 10;
  float ts = 1.25f;
  float *x = aligned_alloc(64, M * K * 4 + 64);
  for (int64_t i = 0; i < M * K; ++i) x[i] = (float)((int64_t)(nx() % 2001) - 1000) / 37.0f;
  uint8_t *xp = aligned_alloc(64, M * K + 64), *xs = aligned_alloc(64, M * K / 32 + 64);
  for (int64_t i = 0; i < M * K; ++i) xp[i] = nx();
  for (int64_t i = 0; i < M * K / 32; ++i) xs[i] = 120 + nx() % 10;
  float *y = aligned_alloc(64, M * N * 4 + 64);
  D2 dx = d2(x, M, K), dwp = d2(wp, N, K * wb / 8), dws = d2(ws, N, K / blk), dy = d2(y, M, N);
  D2 dxp = d2(xp, M, K), dxs = d2(xs, M, K / 32);
  D0 dts = {&ts, &ts, 0};
  uint64_t best = ~0ull;
  for (int r = 0; r < reps; ++r) {
    uint64_t t0 = __rdtsc();
    if (!xi8 && !nv) _mlir_ciface_k(&dx, &dwp, &dws, &dy);
    else if (!xi8) _mlir_ciface_k(&dx, &dwp, &dws, &dts, &dy);
    else if (!nv) _mlir_ciface_k(&dxp, &dxs, &dwp, &dws, &dy);
    else _mlir_ciface_k(&dxp, &dxs, &dwp, &dws, &dts, &dy);
    uint64_t t = __rdtsc() - t0;
    if (t < best) best = t;
  }
  uint64_t h = 1469598103934665603ull;
  for (int64_t i = 0; i < M * N; ++i) { uint32_t u; memcpy(&u, &y[i], 4); h = (h ^ u) * 1099511628211ull; }
  double macs = (double)M * N * K;
  printf("M=%ld K=%ld N=%ld ticks=%lu MAC/tick=%.2f hash=%016lx\n", M, K, N, best, macs / best, h);
  return 0;
}
