// Shared by the in-cache timing drivers (scripts/gemm-incache.sh,
// scripts/quantize-incache.sh): memref descriptors of the kernels' C
// interface, the kernel _mlir_ciface_k, and a fixed xorshift generator.
#ifndef QF_SCRIPTS_INCACHE_COMMON_H
#define QF_SCRIPTS_INCACHE_COMMON_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <x86intrin.h>
typedef struct { void *base, *data; int64_t off, sz[2], st[2]; } D2;
typedef struct { void *base, *data; int64_t off; } D0;
extern void _mlir_ciface_k(void *, ...);
static D2 d2(void *p, int64_t r, int64_t c) { D2 d = {p, p, 0, {r, c}, {c, 1}}; return d; }
static uint64_t rng = 88172645463325252ull;
static uint64_t nx(void) { rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17; return rng; }
#endif
