//===- CPUTarget.cpp - Host CPU resolution and qf-set-cpu-target ----------===//
#include "qf/Pipelines/CPUTarget.h"
#include "qf/Pipelines/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/Threading.h"
#include "llvm/TargetParser/Host.h"

#include <memory>

namespace qf {
#define GEN_PASS_DEF_SETCPUTARGETPASS
#include "qf/Pipelines/Passes.h.inc"
} // namespace qf

using namespace mlir;

namespace {

/// LLVM's subtarget tables for the host architecture: which CPUs and
/// features exist, and what a CPU plus a feature string enables (with the
/// implications between features, e.g. -avx512f also clears avx512bw).
/// These are the tables llc and the JIT use, so the answer here is theirs.
class HostArch {
public:
  static llvm::Expected<HostArch> get() {
    static llvm::once_flag once;
    // Only the native target: the generated module has no triple, so every
    // tool compiles it for the host's architecture. Once, since pass
    // managers may get here from several threads.
    llvm::call_once(once, [] { llvm::InitializeNativeTarget(); });
    HostArch arch;
    arch.triple = llvm::Triple(llvm::sys::getProcessTriple());
    std::string error;
    arch.target = llvm::TargetRegistry::lookupTarget(arch.triple, error);
    if (!arch.target)
      return llvm::createStringError("no LLVM target for the host (" +
                                     arch.triple.str() + "): " + error);
    arch.generic = arch.subtarget("", "");
    if (!arch.generic)
      return llvm::createStringError("LLVM has no subtarget tables for " +
                                     arch.triple.str());
    return std::move(arch);
  }

  std::unique_ptr<llvm::MCSubtargetInfo> subtarget(llvm::StringRef cpu,
                                                   llvm::StringRef fs) const {
    return std::unique_ptr<llvm::MCSubtargetInfo>(
        target->createMCSubtargetInfo(triple, cpu, fs));
  }

  bool isCPU(llvm::StringRef cpu) const {
    return generic->isCPUStringValid(cpu);
  }
  bool isFeature(llvm::StringRef name) const {
    return llvm::any_of(
        generic->getAllProcessorFeatures(),
        [&](const llvm::SubtargetFeatureKV &kv) { return name == kv.Key; });
  }

  llvm::Triple triple;

private:
  const llvm::Target *target = nullptr;
  std::unique_ptr<llvm::MCSubtargetInfo> generic;
};

/// Splits a feature string into trimmed `+name`/`-name` entries, rejecting
/// a missing sign or an unknown name (which LLVM would only warn about and
/// ignore, compiling for something other than what was asked).
llvm::Expected<llvm::SmallVector<std::string>>
parseFeatures(const HostArch &arch, llvm::StringRef features) {
  llvm::SmallVector<llvm::StringRef> parts;
  features.split(parts, ',', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
  llvm::SmallVector<std::string> out;
  for (llvm::StringRef part : parts) {
    llvm::StringRef entry = part.trim();
    if (entry.empty())
      continue;
    if (entry[0] != '+' && entry[0] != '-')
      return llvm::createStringError(
          "target-features entry '" + entry +
          "' needs a '+' (enable) or '-' (disable) in front, e.g. +" + entry);
    if (!arch.isFeature(entry.drop_front()))
      return llvm::createStringError(
          "'" + entry.drop_front() +
          "' is not a CPU feature that LLVM knows for " + arch.triple.str() +
          " (feature names as in llc -mattr=help, e.g. avx2, "
          "avx512f)");
    out.push_back(entry.str());
  }
  return out;
}

/// The host's reported features that differ from what LLVM assumes for the
/// host CPU's name, disables first: a disable clears the features that imply
/// it, an enable sets those it implies, so for a consistent host report this
/// order reproduces it. Where it does not (a report LLVM's tables disagree
/// with), every reported feature is listed, as clang -march=native does.
llvm::SmallVector<std::string> hostFeatureChanges(const HostArch &arch,
                                                  llvm::StringRef cpu) {
  llvm::StringMap<bool> host = llvm::sys::getHostCPUFeatures();
  llvm::SmallVector<std::string> reported;
  for (const auto &kv : host)
    if (arch.isFeature(kv.getKey()))
      reported.push_back((kv.getValue() ? "+" : "-") + kv.getKey().str());
  // Disables first, then by name (the map's order varies between runs).
  llvm::sort(reported, [](const std::string &a, const std::string &b) {
    if (a[0] != b[0])
      return a[0] == '-';
    return a < b;
  });
  auto base = arch.subtarget(cpu, "");
  llvm::SmallVector<std::string> changes;
  for (const std::string &f : reported)
    if (!base->checkFeatures(f))
      changes.push_back(f);
  auto check = arch.subtarget(cpu, llvm::join(changes, ","));
  if (llvm::all_of(reported, [&](const std::string &f) {
        return check->checkFeatures(f);
      }))
    return changes;
  return reported;
}

} // namespace

llvm::Expected<qf::CPUTarget> qf::resolveCPUTarget(llvm::StringRef cpu,
                                                   llvm::StringRef features) {
  llvm::Expected<HostArch> arch = HostArch::get();
  if (!arch)
    return arch.takeError();
  auto requested = parseFeatures(*arch, features);
  if (!requested)
    return requested.takeError();

  CPUTarget result;
  llvm::SmallVector<std::string> all;
  cpu = cpu.trim();
  if (cpu.empty() || cpu == "native") {
    result.cpu = llvm::sys::getHostCPUName().str();
    if (!arch->isCPU(result.cpu))
      return llvm::createStringError("LLVM names the host CPU '" + result.cpu +
                                     "' but does not know it; give "
                                     "target-cpu explicitly");
    // The requested changes replace the host's for the same feature and
    // come last, so that they win.
    llvm::StringSet<> named;
    for (const std::string &f : *requested)
      named.insert(llvm::StringRef(f).drop_front());
    for (std::string &f : hostFeatureChanges(*arch, result.cpu))
      if (!named.contains(llvm::StringRef(f).drop_front()))
        all.push_back(std::move(f));
  } else {
    if (!arch->isCPU(cpu))
      return llvm::createStringError(
          "target-cpu '" + cpu + "' is not a CPU that LLVM knows for " +
          arch->triple.str() +
          " (names as in llc -mcpu=help, e.g. x86-64-v3, "
          "znver4, or empty for the host)");
    result.cpu = cpu.str();
  }
  llvm::append_range(all, *requested);
  result.features = llvm::join(all, ",");

  // checkFeatures aborts on a feature the architecture lacks: ask only x86.
  if (arch->isFeature("avx512f")) {
    auto sub = arch->subtarget(result.cpu, result.features);
    result.avx512f = sub->checkFeatures("+avx512f");
    result.avx512vnni =
        result.avx512f && sub->checkFeatures("+avx512vnni,+avx512vl");
  }
  return result;
}

namespace {

struct SetCPUTargetPass final
    : qf::impl::SetCPUTargetPassBase<SetCPUTargetPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    llvm::Expected<qf::CPUTarget> target =
        qf::resolveCPUTarget(targetCPU, targetFeatures);
    if (!target) {
      // At the module's location, without the module printed as a note.
      mlir::emitError(module.getLoc())
          << "qf-set-cpu-target: " << llvm::toString(target.takeError());
      return signalPassFailure();
    }
    MLIRContext *ctx = module.getContext();
    auto cpu = StringAttr::get(ctx, target->cpu);
    // Always set, even empty: a function without the attribute would get
    // the TargetMachine's features (the JIT's are the host's).
    llvm::SmallVector<llvm::StringRef> names;
    llvm::StringRef(target->features)
        .split(names, ',', /*MaxSplit=*/-1, /*KeepEmpty=*/false);
    auto features = LLVM::TargetFeaturesAttr::get(
        ctx, llvm::ArrayRef<llvm::StringRef>(names));
    module.walk([&](LLVM::LLVMFuncOp func) {
      func.setTargetCpuAttr(cpu);
      func.setTargetFeaturesAttr(features);
    });
  }
};

} // namespace
