//===- CPUTargetTest.cpp - Resolving qf-cpu-pipeline's target CPU ---------===//
#include "qf/Pipelines/CPUTarget.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

#include <gtest/gtest.h>

#include <memory>

namespace {

/// LLVM's view of a resolved target, built independently of the code
/// under test (resolveCPUTarget initializes the native target first).
std::unique_ptr<llvm::MCSubtargetInfo> subtarget(const qf::CPUTarget &t) {
  llvm::Triple triple(llvm::sys::getProcessTriple());
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  EXPECT_NE(target, nullptr) << error;
  return std::unique_ptr<llvm::MCSubtargetInfo>(
      target->createMCSubtargetInfo(triple, t.cpu, t.features));
}

bool isKnown(const llvm::MCSubtargetInfo &sti, llvm::StringRef name) {
  for (const llvm::SubtargetFeatureKV &kv : sti.getAllProcessorFeatures())
    if (name == kv.Key)
      return true;
  return false;
}

qf::CPUTarget resolve(llvm::StringRef cpu, llvm::StringRef features) {
  llvm::Expected<qf::CPUTarget> t = qf::resolveCPUTarget(cpu, features);
  EXPECT_TRUE(bool(t)) << llvm::toString(t.takeError());
  return t ? *t : qf::CPUTarget();
}

std::string error(llvm::StringRef cpu, llvm::StringRef features) {
  llvm::Expected<qf::CPUTarget> t = qf::resolveCPUTarget(cpu, features);
  if (t)
    return "";
  return llvm::toString(t.takeError());
}

bool hostIsX86() {
  return llvm::Triple(llvm::sys::getProcessTriple()).isX86();
}

// The short host list (the host CPU's name plus the differences) must
// give LLVM exactly the features the host reports.
TEST(CPUTarget, HostReproducesEveryReportedFeature) {
  qf::CPUTarget host = resolve("", "");
  EXPECT_EQ(host.cpu, llvm::sys::getHostCPUName().str());
  auto sti = subtarget(host);
  ASSERT_NE(sti, nullptr);
  unsigned checked = 0;
  for (const auto &kv : llvm::sys::getHostCPUFeatures()) {
    if (!isKnown(*sti, kv.getKey()))
      continue;
    std::string flag = (kv.getValue() ? "+" : "-") + kv.getKey().str();
    EXPECT_TRUE(sti->checkFeatures(flag)) << flag << " with " << host.features;
    ++checked;
  }
  if (hostIsX86()) {
    EXPECT_GT(checked, 20u);
    EXPECT_EQ(host.avx512f, sti->checkFeatures("+avx512f"));
  }
  EXPECT_EQ(resolve("native", "").features, host.features);
}

TEST(CPUTarget, RequestedFeaturesWinOverTheHost) {
  if (!hostIsX86())
    GTEST_SKIP() << "x86 feature names";
  qf::CPUTarget t = resolve("", " +avx2 , -avx512f ");
  EXPECT_FALSE(t.avx512f);
  EXPECT_TRUE(llvm::StringRef(t.features).ends_with("+avx2,-avx512f"))
      << t.features;
  // Named once: the host's own avx512f entry, if any, is dropped.
  llvm::SmallVector<llvm::StringRef> entries;
  llvm::StringRef(t.features).split(entries, ',');
  EXPECT_EQ(llvm::count_if(entries,
                           [](llvm::StringRef e) {
                             return e.drop_front() == "avx512f";
                           }),
            1);
  EXPECT_FALSE(subtarget(t)->checkFeatures("+avx512bw"));
}

TEST(CPUTarget, NamedCPUsAndImpliedFeatures) {
  if (!hostIsX86())
    GTEST_SKIP() << "x86 CPU names";
  qf::CPUTarget v3 = resolve("x86-64-v3", "");
  EXPECT_EQ(v3.cpu, "x86-64-v3");
  EXPECT_EQ(v3.features, "");
  EXPECT_FALSE(v3.avx512f);
  EXPECT_TRUE(resolve("x86-64-v4", "").avx512f);
  EXPECT_TRUE(resolve("znver4", "").avx512f);
  // -avx512f also clears what implies it; +avx512bw brings avx512f.
  EXPECT_FALSE(resolve("znver4", "-avx512f").avx512f);
  EXPECT_TRUE(resolve("x86-64-v3", "+avx512bw").avx512f);
  EXPECT_FALSE(resolve("x86-64-v4", "+avx512bw,-avx512f").avx512f);
}

TEST(CPUTarget, UnknownNamesAreErrors) {
  if (!hostIsX86())
    GTEST_SKIP() << "x86 names in the messages";
  EXPECT_NE(error("pentium9", "").find("target-cpu 'pentium9' is not a CPU"),
            std::string::npos);
  EXPECT_NE(error("", "+avx513").find("'avx513' is not a CPU feature"),
            std::string::npos);
  EXPECT_NE(error("x86-64-v3", "avx2").find("needs a '+' (enable) or '-'"),
            std::string::npos);
  EXPECT_EQ(error("x86-64-v3", ",,"), "");
}

} // namespace
