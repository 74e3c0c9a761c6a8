//===- CPUTarget.h - The CPU that qf-cpu-pipeline compiles for --*- C++ -*-===//
#ifndef QF_PIPELINES_CPUTARGET_H
#define QF_PIPELINES_CPUTARGET_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace qf {

/// A CPU in LLVM's spelling, as llc -mcpu / -mattr take it: `features` are
/// the changes to the CPU's own feature set, comma-separated `+name` /
/// `-name` entries applied in order (LLVM's rule, later entries win).
struct CPUTarget {
  std::string cpu;
  std::string features;
  /// Whether the resolved feature set has AVX-512 Foundation.
  bool avx512f = false;
  /// Whether it also has AVX512-VNNI with AVX512VL (vpdpbusd on 512- and
  /// 256-bit vectors).
  bool avx512vnni = false;
};

/// Resolves and checks a CPU for the architecture this process runs on (the
/// generated LLVM module carries no triple, so every tool compiles it for
/// the host's). An empty `cpu` or `native` is the host: LLVM's host CPU name,
/// plus the features the host reports that differ from that CPU's (a VM may
/// hide AVX-512 from a CPU model that has it), then `features`. Fails with a
/// message for a CPU or feature that LLVM does not know for this
/// architecture, or a feature without its `+`/`-`.
llvm::Expected<CPUTarget> resolveCPUTarget(llvm::StringRef cpu,
                                           llvm::StringRef features);

} // namespace qf

#endif // QF_PIPELINES_CPUTARGET_H
