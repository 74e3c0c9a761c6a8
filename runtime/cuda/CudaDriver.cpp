//===- CudaDriver.cpp - Loading the CUDA driver and reporting its errors -===//
//
// libcuda.so.1 is opened with dlopen at the first use rather than linked:
// qf builds and its tests run on machines without an NVIDIA driver, and a
// GPU program started on one gets a message instead of a loader error.
//
//===----------------------------------------------------------------------===//
#include "CudaDriver.h"
#include "QFCudaRuntime.h"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <vector>

namespace qf::cuda {
namespace {

constexpr const char *kDefaultLibrary = "libcuda.so.1";

struct Loaded {
  Driver driver;
  std::string error;               // empty when the driver is usable
  std::vector<CUcontext> contexts; // primary context per ordinal, lazily
  std::mutex mutex;
};

std::string loadInto(Driver &d) {
  const char *env = std::getenv("QF_CUDA_DRIVER_LIBRARY");
  const char *path = env && *env ? env : kDefaultLibrary;
  void *handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *why = dlerror();
    return std::string("no CUDA driver: cannot load ") + path + " (" +
           (why ? why : "unknown error") +
           "); running GPU code needs an NVIDIA GPU and its driver";
  }
  // The handle stays open for the life of the process: the driver must
  // outlive the module destructors MLIR emits.
#define QF_CUDA_RESOLVE(member, symbol, params)                                \
  d.member = reinterpret_cast<decltype(d.member)>(dlsym(handle, #symbol));     \
  if (!d.member)                                                               \
    return std::string("the CUDA driver ") + path +                            \
           " has no " #symbol                                                  \
           " (qf's runtime needs a CUDA 12.0 or newer driver)";
  QF_CUDA_DRIVER_FUNCTIONS(QF_CUDA_RESOLVE)
#undef QF_CUDA_RESOLVE
  CUresult r = d.cuInit(0);
  if (r != CUDA_SUCCESS) {
    const char *name = nullptr;
    const char *text = nullptr;
    // The toolkit's stub libcuda.so knows no error names.
    if (d.cuGetErrorName(r, &name) != CUDA_SUCCESS || !name)
      name = r == CUDA_ERROR_STUB_LIBRARY ? "CUDA_ERROR_STUB_LIBRARY"
                                          : "unknown CUresult";
    if (d.cuGetErrorString(r, &text) != CUDA_SUCCESS || !text)
      text = r == CUDA_ERROR_STUB_LIBRARY
                 ? "the toolkit's stub library, not a driver"
                 : "no description";
    std::string why =
        std::string(name) + " (" + text + ", code " + std::to_string(r) + ")";
    if (r == CUDA_ERROR_NO_DEVICE || r == CUDA_ERROR_STUB_LIBRARY)
      return "no CUDA driver: cuInit failed: " + why +
             "; running GPU code needs an NVIDIA GPU and its driver";
    return "the CUDA driver cannot be used: cuInit failed: " + why;
  }
  return "";
}

Loaded &loaded() {
  // Leaked on purpose: module destructors run after static destructors.
  static Loaded *l = [] {
    auto *l = new Loaded;
    l->error = loadInto(l->driver);
    return l;
  }();
  return *l;
}

thread_local int defaultDevice = 0;

} // namespace

const Driver *tryDriver(std::string *whyNot) {
  Loaded &l = loaded();
  if (!l.error.empty()) {
    if (whyNot)
      *whyNot = l.error;
    return nullptr;
  }
  return &l.driver;
}

const Driver &driver() {
  std::string why;
  const Driver *d = tryDriver(&why);
  if (!d)
    fatal(why);
  return *d;
}

void fatal(const std::string &message) {
  std::fflush(stdout);
  std::fprintf(stderr, "qf_cuda_runtime: %s\n", message.c_str());
  std::fflush(stderr);
  std::_Exit(1);
}

void check(CUresult result, const char *call, const std::string &detail) {
  if (result == CUDA_SUCCESS)
    return;
  const Driver &d = driver();
  const char *name = nullptr;
  const char *text = nullptr;
  if (d.cuGetErrorName(result, &name) != CUDA_SUCCESS || !name)
    name = "unknown CUresult";
  if (d.cuGetErrorString(result, &text) != CUDA_SUCCESS || !text)
    text = "no description";
  std::string message = std::string(call) + " failed: " + name + " (" + text +
                        ", code " + std::to_string(result) + ")";
  if (!detail.empty())
    message += "; " + detail;
  fatal(message);
}

int currentDevice() { return defaultDevice; }

namespace {
void requireDevice(int ordinal, const char *caller) {
  int count = 0;
  check(driver().cuDeviceGetCount(&count), "cuDeviceGetCount");
  if (ordinal < 0 || ordinal >= count)
    fatal(std::string(caller ? caller : "") + (caller ? ": " : "") +
          "there is no CUDA device " + std::to_string(ordinal) +
          " (the driver reports " + std::to_string(count) + ")");
}
} // namespace

void setCurrentDevice(int ordinal) {
  requireDevice(ordinal, "mgpuSetDefaultDevice");
  defaultDevice = ordinal;
}

void makeCurrent() {
  const Driver &d = driver();
  Loaded &l = loaded();
  CUcontext ctx;
  {
    std::lock_guard<std::mutex> lock(l.mutex);
    if (l.contexts.size() <= static_cast<size_t>(defaultDevice))
      l.contexts.resize(defaultDevice + 1, nullptr);
    ctx = l.contexts[defaultDevice];
    if (!ctx) {
      requireDevice(defaultDevice, nullptr);
      CUdevice dev = 0;
      check(d.cuDeviceGet(&dev, defaultDevice), "cuDeviceGet",
            "device " + std::to_string(defaultDevice));
      check(d.cuDevicePrimaryCtxRetain(&ctx, dev), "cuDevicePrimaryCtxRetain",
            describeDevice(defaultDevice));
      l.contexts[defaultDevice] = ctx;
    }
  }
  // Setting the context on every entry is cheap and keeps threads that
  // another library switched to a different context correct.
  check(d.cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
}

std::string describeDevice(int ordinal) {
  int major = 0, minor = 0;
  char name[256] = "";
  std::string text = "device " + std::to_string(ordinal);
  if (qfCudaDeviceInfo(ordinal, &major, &minor, name, sizeof(name)) == 0)
    text += std::string(" (") + name + ", sm_" + std::to_string(major) +
            std::to_string(minor) + ")";
  return text;
}

} // namespace qf::cuda

using namespace qf::cuda;

QF_CUDA_EXPORT const char *qfCudaDriverStatus(void) {
  const std::string &error = loaded().error;
  return error.empty() ? nullptr : error.c_str();
}

QF_CUDA_EXPORT int qfCudaDeviceCount(void) {
  const Driver *d = tryDriver();
  int count = 0;
  if (!d || d->cuDeviceGetCount(&count) != CUDA_SUCCESS)
    return 0;
  return count;
}

QF_CUDA_EXPORT int qfCudaDeviceInfo(int ordinal, int *major, int *minor,
                                    char *name, int nameSize) {
  const Driver *d = tryDriver();
  CUdevice dev = 0;
  if (!d || d->cuDeviceGet(&dev, ordinal) != CUDA_SUCCESS)
    return 1;
  if (major && d->cuDeviceGetAttribute(
                   major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev))
    return 1;
  if (minor && d->cuDeviceGetAttribute(
                   minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev))
    return 1;
  if (name && nameSize > 0 &&
      d->cuDeviceGetName(name, nameSize, dev) != CUDA_SUCCESS)
    name[0] = '\0';
  return 0;
}
