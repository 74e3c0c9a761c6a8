// In-cache quantize timing for scripts/quantize-incache.sh: the kernel
// _mlir_ciface_k (qf.quantize of x[R, C] along axis 1, out-params: codes,
// scales and, for two-level formats, the tensor scale) on random values of
// a wide range; prints the minimum rdtsc ticks over the calls, ticks per
// element and a hash of the code and scale bytes (compare two compilers'
// bits with it).
#include "common.h"
static uint64_t fnv(uint64_t h, const uint8_t *p, int64_t n) {
  for (int64_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}
int main(int argc, char **argv) {
  // R C bits block two-level tensor-scale-given reps
  if (argc < 7) {
    fprintf(stderr, "usage: %s R C bits block twolevel tsgiven [reps]\n", argv[0]);
    return 1;
  }
  int64_t R = atol(argv[1]), C = atol(argv[2]);
  int bits = atoi(argv[3]), blk = atoi(argv[4]), nv = atoi(argv[5]), tsIn = atoi(argv[6]);
  int reps = argc > 7 ? atoi(argv[7]) : 400;
  int64_t rowBytes = C * bits / 8, nb = C / blk;
  float *x = aligned_alloc(64, R * C * 4 + 64);
  // Magnitudes over about 2^-8 .. 2^8 with random signs, some exact zeros.
  for (int64_t i = 0; i < R * C; ++i) {
    uint64_t r = nx();
    float m = (float)(r % 100000) / 1000.0f;
    int e = (int)((r >> 20) % 16) - 8;
    float v = r % 97 == 0 ? 0.0f : m * (e >= 0 ? (float)(1 << e) : 1.0f / (float)(1 << -e));
    x[i] = (r >> 40) & 1 ? -v : v;
  }
  uint8_t *codes = aligned_alloc(64, R * rowBytes + 64), *scales = aligned_alloc(64, R * nb + 64);
  float ts = 0.0f;
  D2 dx = d2(x, R, C), dc = d2(codes, R, rowBytes), ds = d2(scales, R, nb);
  float g = 0.0123f;
  D0 dts = {&ts, &ts, 0}, dg = {&g, &g, 0};
  uint64_t best = ~0ull;
  for (int r = 0; r < reps; ++r) {
    uint64_t t0 = __rdtsc();
    if (tsIn) _mlir_ciface_k(&dx, &dg, &dc, &ds, &dts);
    else if (nv) _mlir_ciface_k(&dx, &dc, &ds, &dts);
    else _mlir_ciface_k(&dx, &dc, &ds);
    uint64_t t = __rdtsc() - t0;
    if (t < best) best = t;
  }
  uint64_t h = fnv(1469598103934665603ull, codes, R * rowBytes);
  h = fnv(h, scales, R * nb);
  if (nv) h = fnv(h, (const uint8_t *)&ts, 4);
  printf("R=%ld C=%ld ticks=%lu ticks/elem=%.3f hash=%016lx\n", R, C, best,
         (double)best / (double)(R * C), h);
  return 0;
}
