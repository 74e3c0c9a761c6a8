//===- NVVMTargetInfo.cpp - NVIDIA chips and what each can run ------------===//
#include "qf/Conversion/QFToNVVM/QFToNVVM.h"

#include "qf/Conversion/Kernels/FusedKernels.h"
#include "qf/Dialect/QF/IR/QF.h"

#include "llvm/ADT/StringExtras.h"

using namespace mlir;
namespace nm = qf::numerics;

namespace {
/// The chips qf lowers for. minPtx: the lowest PTX ISA version whose ptxas
/// accepts the target (LLVM 22 defaults to it as well).
struct ChipRow {
  const char *name;
  unsigned sm;
  char variant; ///< 0, 'a' or 'f'
  unsigned minPtx;
};
constexpr ChipRow kChips[] = {
    {"sm_80", 80, 0, 70},    {"sm_89", 89, 0, 78},    {"sm_90", 90, 0, 78},
    {"sm_90a", 90, 'a', 80}, {"sm_100", 100, 0, 86},  {"sm_100a", 100, 'a', 86},
    {"sm_100f", 100, 'f', 88}, {"sm_103a", 103, 'a', 88},
    {"sm_120", 120, 0, 87},  {"sm_120a", 120, 'a', 87},
    {"sm_120f", 120, 'f', 88}, {"sm_121a", 121, 'a', 88},
};
} // namespace

std::optional<qf::NVVMChip> qf::NVVMChip::parse(StringRef name) {
  for (const ChipRow &r : kChips) {
    if (name != r.name)
      continue;
    NVVMChip c;
    c.name = r.name;
    c.sm = r.sm;
    c.archSpecific = r.variant == 'a';
    c.familySpecific = r.variant == 'f';
    c.minPtx = r.minPtx;
    return c;
  }
  return std::nullopt;
}

std::string qf::NVVMChip::acceptedNames() {
  std::string s;
  for (const ChipRow &r : kChips) {
    if (!s.empty())
      s += ", ";
    s += r.name;
  }
  return s;
}

unsigned qf::ptxVersionOf(StringRef features, std::string &error) {
  unsigned v = 0;
  SmallVector<StringRef> parts;
  features.split(parts, ',', -1, /*KeepEmpty=*/false);
  for (StringRef p : parts) {
    p = p.trim();
    if (!p.consume_front("+ptx"))
      continue;
    unsigned x;
    if (p.getAsInteger(10, x) || x < 10) {
      error = ("malformed PTX feature '+ptx" + p + "'; expected e.g. +ptx86")
                  .str();
      return 0;
    }
    v = x;
  }
  return v;
}

namespace {
std::string noTensorCoreMatmul(const qf::NVVMChip &chip, unsigned ptx,
                               Operation *op);
} // namespace

qf::Support qf::NVVMTargetInfo::supportsRowEncode(qf::QTensorType t) const {
  // Fused kernels encode rows with the kernel library's row encoder, whose
  // shape rule is the CPU target's (the same vectors, one thread per row).
  return tiles.supportsRowEncode(t);
}

qf::Support qf::NVVMTargetInfo::supports(Operation *op) const {
  if (auto map = dyn_cast<qf::MapOp>(op))
    return qf::kernel::mapKernelSupport(map, *this);
  // The band kernel of qf.fused_matmul is the CPU target's GEMM tiles, one
  // band per thread.
  if (auto mm = dyn_cast<qf::FusedMatmulOp>(op)) {
    // With tensor cores, a GEMM that has an MMA runs as the MMA kernel and
    // the epilogue as the unfused kernels (the same bits as the band kernel).
    if (tensorCorePtx && noTensorCoreMatmul(chip, tensorCorePtx, op).empty())
      return Support::no("its GEMM runs on tensor cores (tensor-cores)");
    return fusedMatmulKernelSupport(mm, tiles);
  }
  return Support::yes();
}

void qf::registerNVVMTarget() {
  registerTarget("nvvm", [](unsigned vectorWidth) {
    return std::make_unique<NVVMTargetInfo>(*NVVMChip::parse("sm_80"),
                                            vectorWidth);
  });
}

//===----------------------------------------------------------------------===//
// Instruction requests
//===----------------------------------------------------------------------===//

namespace {

/// The operand types and transpose_b of a qf.matmul / qf.fused_matmul
/// GEMM (the second GEMM of a dual one is `second`).
struct Gemm {
  Type lhs, rhs;
  bool transposeB;
};
SmallVector<Gemm> gemmsOf(Operation *op) {
  SmallVector<Gemm> g;
  if (auto mm = dyn_cast<qf::MatmulOp>(op))
    g.push_back({mm.getLhs().getType(), mm.getRhs().getType(),
                 mm.getTransposeB()});
  if (auto mm = dyn_cast<qf::FusedMatmulOp>(op)) {
    g.push_back({mm.getLhs().getType(), mm.getRhs().getType(),
                 mm.getTransposeB()});
    if (Value r2 = mm.getRhs2())
      g.push_back({mm.getLhs().getType(), r2.getType(), mm.getTransposeB()});
  }
  return g;
}

/// Why the GEMMs of `op` cannot all run on tensor cores (empty: they can).
std::string noTensorCoreMatmul(const qf::NVVMChip &chip, unsigned ptx,
                               Operation *op) {
  for (const Gemm &g : gemmsOf(op))
    if (qf::Support s = qf::selectMMA(chip, ptx, g.lhs, g.rhs, g.transposeB);
        !s)
      return s.why().str();
  return "";
}

} // namespace

LogicalResult qf::checkNVVMRequests(Operation *root,
                                    const NVVMTargetInfo &target,
                                    const NVVMLoweringOptions &opts) {
  const NVVMChip &chip = target.getChip();
  bool failedAny = false;
  auto report = [&](Operation *op, const Twine &what, const Twine &why,
                    const Twine &accepted) {
    if (opts.fallback) {
      op->emitRemark() << what << " on " << chip.name << ": " << why
                       << "; using the portable kernel (fallback)";
      return;
    }
    op->emitError() << what << " on " << chip.name << ": " << why << "; "
                    << accepted;
    failedAny = true;
  };
  root->walk([&](Operation *op) {
    if (opts.requireHardwareConvert) {
      qf::QTensorType t;
      if (auto q = dyn_cast<qf::QuantizeOp>(op))
        t = cast<qf::QTensorType>(q.getResult().getType());
      else if (auto q = dyn_cast<qf::RequantizeOp>(op))
        t = cast<qf::QTensorType>(q.getResult().getType());
      else if (isa<qf::MapOp, qf::FusedMatmulOp>(op))
        t = dyn_cast<qf::QTensorType>(op->getResult(0).getType());
      if (t) {
        nm::BlockFormat f = t.getFormat().toNumerics();
        if (Support why = nvvmConvertSupport(chip, f.elem, f.rounding); !why)
          report(op,
                 "'" + op->getName().getStringRef() +
                     "' requires a hardware conversion to " +
                     t.getFormat().str(),
                 why.why(),
                 "accepted: E4M3/E5M2 elements on sm_89+, E2M1/E2M3/E3M2 on "
                 "Blackwell 'a'/'f' chips, with rounding=even; or drop "
                 "require-hw-convert, or set fallback");
      }
    }
    if (opts.tensorCores && isa<qf::MatmulOp, qf::FusedMatmulOp>(op)) {
      std::string why = noTensorCoreMatmul(chip, opts.ptxVersion, op);
      if (why.empty())
        return;
      Type lhs = op->getOperand(0).getType(), rhs = op->getOperand(1).getType();
      std::string fmts;
      for (Type t : {lhs, rhs}) {
        if (!fmts.empty())
          fmts += " x ";
        auto q = dyn_cast<qf::QTensorType>(t);
        fmts += q ? q.getFormat().str() : std::string("f32");
      }
      report(op,
             "'" + op->getName().getStringRef() + "' (" + fmts +
                 ") requires tensor cores",
             why,
             "accepted: MXFP8 x MXFP8 (E4M3/E5M2, E8M0 or E4M3 scales, "
             "blocks of 32 along K) on sm_89+ with PTX 8.4, MXFP4 x MXFP4, "
             "NVFP4 x NVFP4 and any mix of MXFP8, MXFP6 and MXFP4 on "
             "sm_120a/f, sm_121a; MXFP8 x MXFP8 (E8M0), MXFP4 x MXFP4, NVFP4 "
             "x NVFP4 and any mix of MXFP8, MXFP6 and MXFP4 with transpose_b "
             "on sm_100a/f, sm_103a with PTX 8.8 (tcgen05); or drop "
             "tensor-cores, or set fallback to use the portable CUDA-core "
             "kernel");
    }
  });
  return failure(failedAny);
}
