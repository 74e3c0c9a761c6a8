//===- Fp8ConvertCheck.cpp - Hardware FP8 conversion vs qf's numerics -----===//
//
// qf-fp8-cvt-check converts f32 bit patterns to E4M3 and E5M2 on the GPU with
// the hardware instructions qf's NVVM lowering may use
// (cvt.rn.satfinite.{e4m3x2,e5m2x2}.f32: sm_89 with PTX 8.1, sm_90 and
// later) and compares every
// code with qf::numerics::encodeFloatElement (round to nearest even,
// saturating), the CPU path's single source of truth. By default it checks
// all 2^32 patterns; --stride=S checks every S-th (a quick smoke run).
// Mismatches are counted by input class (finite, infinite, NaN) with the
// first examples. The exit status is 1 when a FINITE input differs: those are
// the values qf's quantizers hand to the element encoder. Non-finite inputs
// never reach it (an MX or NV block holding NaN/Inf gets the NaN scale and
// codes 0 before any element is encoded, D3/D18), so their differences (the
// hardware's NaN sign, satfinite turning Inf into the largest finite value)
// are reported but do not fail the check. The
// kernels are PTX text, compiled by the driver through qf's CUDA runtime
// (docs/gpu-lowering.md, "Running on a GPU").
//
//===----------------------------------------------------------------------===//
#include "QFCudaRuntime.h"
#include "qf/Numerics/Codec.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

// One thread converts the pair of patterns start + (2i) * stride and
// start + (2i + 1) * stride (mod 2^32); cvt puts its first source in the
// high byte, so the first pattern's code lands at out[2i].
const char *kPtx = R"(
.version 8.1
.target sm_89
.address_size 64
.visible .entry qf_cvt_KIND(.param .u64 out, .param .u32 start,
                            .param .u32 stride, .param .u32 pairs)
{
  .reg .pred %p;
  .reg .b32 %r<11>;
  .reg .b64 %rd<5>;
  .reg .b16 %h;
  .reg .f32 %f<3>;
  ld.param.u64 %rd1, [out];
  ld.param.u32 %r1, [start];
  ld.param.u32 %r2, [stride];
  ld.param.u32 %r3, [pairs];
  mov.u32 %r4, %ctaid.x;
  mov.u32 %r5, %ntid.x;
  mov.u32 %r6, %tid.x;
  mad.lo.u32 %r7, %r4, %r5, %r6;
  setp.ge.u32 %p, %r7, %r3;
  @%p bra DONE;
  shl.b32 %r8, %r7, 1;
  mad.lo.u32 %r9, %r8, %r2, %r1;
  add.u32 %r10, %r9, %r2;
  mov.b32 %f1, %r9;
  mov.b32 %f2, %r10;
  cvt.rn.satfinite.KINDx2.f32 %h, %f2, %f1;
  cvta.to.global.u64 %rd2, %rd1;
  mul.wide.u32 %rd3, %r7, 2;
  add.u64 %rd4, %rd2, %rd3;
  st.global.b16 [%rd4], %h;
DONE:
  ret;
}
)";

std::string ptxFor(const char *kind) {
  std::string ptx = kPtx;
  for (size_t at; (at = ptx.find("KIND")) != std::string::npos;)
    ptx.replace(at, 4, kind);
  return ptx;
}

struct Options {
  uint32_t stride = 1;
  std::string printPtx; // a kind: print its kernel instead of running
  unsigned threads = std::max(1u, std::thread::hardware_concurrency());
};

struct Tally {
  uint64_t checked = 0;
  uint64_t finite = 0, infinite = 0, nan = 0; // mismatches by input class
  std::vector<std::pair<uint32_t, uint8_t>> examples; // first (f32, gpu)
};

/// Compares codes[k] (the hardware's code of pattern start + k * stride)
/// with qf's encoder, for k in [begin, end).
void compareRange(const qf::numerics::ElementFormat &format,
                  const uint8_t *codes, uint32_t start, uint32_t stride,
                  uint64_t begin, uint64_t end, Tally &t) {
  for (uint64_t k = begin; k < end; ++k) {
    uint32_t bits = start + static_cast<uint32_t>(k) * stride;
    float v;
    std::memcpy(&v, &bits, 4);
    uint8_t want = qf::numerics::encodeFloatElement(
        format, v, qf::numerics::Rounding::NearestEven);
    ++t.checked;
    if (codes[k] == want)
      continue;
    uint32_t exp = (bits >> 23) & 0xff, man = bits & 0x7fffff;
    if (exp != 0xff)
      ++t.finite;
    else if (man == 0)
      ++t.infinite;
    else
      ++t.nan;
    if (t.examples.size() < 8)
      t.examples.emplace_back(bits, codes[k]);
  }
}

/// Runs one format over the whole pattern set; returns its mismatch count.
uint64_t checkFormat(const char *kind,
                     const qf::numerics::ElementFormat &format,
                     const Options &opt) {
  std::string ptx = ptxFor(kind);
  mgpuModule module = mgpuModuleLoadJIT(ptx.data(), 4);
  std::string name = std::string("qf_cvt_") + kind;
  mgpuFunction fn = mgpuModuleGetFunction(module, name.c_str());
  mgpuStream stream = mgpuStreamCreate();

  const uint64_t total = (uint64_t(1) << 32) / opt.stride;
  const uint64_t chunk = std::min<uint64_t>(total, uint64_t(1) << 28);
  // Codes are written in pairs: round the buffer up to an even count.
  const uint64_t bufferCodes = (chunk + 1) & ~uint64_t(1);
  auto *device =
      static_cast<uint8_t *>(mgpuMemAlloc(bufferCodes, stream, false));
  std::vector<uint8_t> host(bufferCodes);
  std::vector<Tally> tallies(opt.threads);

  for (uint64_t done = 0; done < total; done += chunk) {
    uint64_t n = std::min(chunk, total - done);
    uint32_t start = static_cast<uint32_t>(done * opt.stride);
    uint32_t stride = opt.stride;
    uint32_t pairs = static_cast<uint32_t>((n + 1) / 2);
    // 0xFF is no code the hardware gives for a finite input: a kernel that
    // does not run shows up as mismatches.
    mgpuMemset16(device, 0xffff, bufferCodes / 2, stream);
    void *params[] = {&device, &start, &stride, &pairs};
    intptr_t blocks = (pairs + 255) / 256;
    mgpuLaunchKernel(fn, blocks, 1, 1, 256, 1, 1, 0, stream, params, nullptr,
                     4);
    mgpuMemcpy(host.data(), device, n, stream);
    mgpuStreamSynchronize(stream);

    std::vector<std::thread> workers;
    uint64_t per = (n + opt.threads - 1) / opt.threads;
    for (unsigned w = 0; w < opt.threads; ++w) {
      uint64_t b = std::min(n, w * per), e = std::min(n, b + per);
      workers.emplace_back(compareRange, std::cref(format), host.data(), start,
                           stride, b, e, std::ref(tallies[w]));
    }
    for (std::thread &w : workers)
      w.join();
  }
  mgpuMemFree(device, stream);
  mgpuStreamDestroy(stream);
  mgpuModuleUnload(module);

  Tally sum;
  for (const Tally &t : tallies) {
    sum.checked += t.checked;
    sum.finite += t.finite;
    sum.infinite += t.infinite;
    sum.nan += t.nan;
    for (auto e : t.examples)
      if (sum.examples.size() < 8)
        sum.examples.push_back(e);
  }
  uint64_t bad = sum.finite + sum.infinite + sum.nan;
  std::printf("%s: %llu patterns (stride %u), %llu mismatches (finite %llu, "
              "infinite %llu, NaN %llu)\n",
              kind, static_cast<unsigned long long>(sum.checked), opt.stride,
              static_cast<unsigned long long>(bad),
              static_cast<unsigned long long>(sum.finite),
              static_cast<unsigned long long>(sum.infinite),
              static_cast<unsigned long long>(sum.nan));
  for (auto [b, gpu] : sum.examples) {
    float v;
    std::memcpy(&v, &b, 4);
    std::printf("  f32 0x%08x (%g): gpu 0x%02x, qf 0x%02x\n", b, v, gpu,
                qf::numerics::encodeFloatElement(
                    format, v, qf::numerics::Rounding::NearestEven));
  }
  return sum.finite;
}

int usage() {
  std::fprintf(stderr,
               "usage: qf-fp8-cvt-check [--stride=S] [--threads=N] "
               "[--print-ptx=e4m3|e5m2]\n"
               "  checks cvt.rn.satfinite.{e4m3x2,e5m2x2}.f32 on the GPU "
               "against qf's numerics\n"
               "  for every S-th f32 bit pattern (S a power of two, default "
               "1: all 2^32)\n");
  return 2;
}

} // namespace

int main(int argc, char **argv) {
  Options opt;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--stride=", 0) == 0) {
      unsigned long s = std::strtoul(a.c_str() + 9, nullptr, 10);
      // A power of two keeps start + k * stride (mod 2^32) a bijection on
      // the checked subset.
      if (s == 0 || s > (1ul << 31) || (s & (s - 1)))
        return usage();
      opt.stride = static_cast<uint32_t>(s);
    } else if (a.rfind("--threads=", 0) == 0) {
      opt.threads = std::max(1ul, std::strtoul(a.c_str() + 10, nullptr, 10));
    } else if (a == "--print-ptx=e4m3" || a == "--print-ptx=e5m2") {
      opt.printPtx = a.substr(12);
    } else {
      return usage();
    }
  }
  if (!opt.printPtx.empty()) {
    std::printf("%s", ptxFor(opt.printPtx.c_str()).c_str());
    return 0;
  }
  if (const char *why = qfCudaDriverStatus()) {
    std::fprintf(stderr, "qf-fp8-cvt-check: %s\n", why);
    return 1;
  }
  int major = 0, minor = 0;
  char name[256] = "";
  if (qfCudaDeviceInfo(0, &major, &minor, name, sizeof(name)) != 0) {
    std::fprintf(stderr, "qf-fp8-cvt-check: no CUDA device\n");
    return 1;
  }
  if (major * 10 + minor < 89) {
    std::fprintf(stderr,
                 "qf-fp8-cvt-check: %s is sm_%d%d; the FP8 conversions need "
                 "sm_89 or later\n",
                 name, major, minor);
    return 1;
  }
  std::printf("device: %s (sm_%d%d)\n", name, major, minor);
  uint64_t badFinite =
      checkFormat("e4m3", qf::numerics::ElementFormat::f8E4M3FN(), opt) +
      checkFormat("e5m2", qf::numerics::ElementFormat::f8E5M2(), opt);
  std::printf("%s\n", badFinite
                         ? "MISMATCH on finite inputs"
                         : "OK: hardware FP8 conversions match qf's numerics "
                           "bit for bit on every finite input");
  return badFinite ? 1 : 0;
}
