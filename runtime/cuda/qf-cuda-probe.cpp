//===- qf-cuda-probe.cpp - Lists the CUDA devices qf's runtime sees ------===//
//
// One line per device, "sm_<major><minor> <name>", exit status 0; without a
// usable driver or device, the reason on stderr and exit status 1. The lit
// configuration and scripts/gpu-test.sh decide from it what can run.
//
//===----------------------------------------------------------------------===//
#include "QFCudaRuntime.h"

#include <cstdio>

int main() {
  if (const char *why = qfCudaDriverStatus()) {
    std::fprintf(stderr, "qf-cuda-probe: %s\n", why);
    return 1;
  }
  int count = qfCudaDeviceCount();
  if (count == 0) {
    std::fprintf(stderr, "qf-cuda-probe: the CUDA driver reports no device\n");
    return 1;
  }
  for (int i = 0; i < count; ++i) {
    int major = 0, minor = 0;
    char name[256] = "";
    if (qfCudaDeviceInfo(i, &major, &minor, name, sizeof(name)) != 0) {
      std::fprintf(stderr, "qf-cuda-probe: cannot query device %d\n", i);
      return 1;
    }
    std::printf("sm_%d%d %s\n", major, minor, name);
  }
  return 0;
}
