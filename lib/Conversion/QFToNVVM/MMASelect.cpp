//===- MMASelect.cpp - Which tensor-core instruction a qf.matmul maps to --===//
//
// One place decides, per chip and PTX version, which MMA (if any) runs a
// qf.matmul: the diagnostics of tensor-cores, the decomposition of fused
// matmuls and the MMA kernel all ask selectMMA, so they cannot disagree.
// The instruction requirements were checked against LLVM 22's NVPTX
// intrinsics (IntrinsicsNVVM.td) and ptxas 13.0 for every chip in the table.
//
//===----------------------------------------------------------------------===//
#include "qf/Conversion/QFToNVVM/QFToNVVM.h"

#include "qf/Dialect/QF/IR/QF.h"

using namespace mlir;
namespace nm = qf::numerics;

namespace {

bool isF8(const nm::ElementFormat &e) {
  return e == nm::ElementFormat::f8E4M3FN() || e == nm::ElementFormat::f8E5M2();
}
bool isF4(const nm::ElementFormat &e) {
  return e == nm::ElementFormat::f4E2M1FN();
}
bool isF6(const nm::ElementFormat &e) {
  return e == nm::ElementFormat::f6E2M3FN() ||
         e == nm::ElementFormat::f6E3M2FN();
}

bool isF864(const nm::ElementFormat &e) {
  return isF8(e) || isF6(e) || isF4(e);
}
/// The element's type in the PTX of kind::mxf8f6f4.
const char *ptxType(const nm::ElementFormat &e) {
  return e == nm::ElementFormat::f8E4M3FN()   ? "e4m3"
         : e == nm::ElementFormat::f8E5M2()   ? "e5m2"
         : e == nm::ElementFormat::f6E2M3FN() ? "e2m3"
         : e == nm::ElementFormat::f6E3M2FN() ? "e3m2"
                                              : "e2m1";
}
/// The element's code in the a/b type fields of the tcgen05 instruction
/// descriptor for kind::mxf8f6f4 (PTX ISA, "Instruction descriptor"):
/// E4M3 0, E5M2 1, E2M3 3, E3M2 4, E2M1 5.
unsigned f8f6f4Type(const nm::ElementFormat &e) {
  return e == nm::ElementFormat::f8E4M3FN()   ? 0
         : e == nm::ElementFormat::f8E5M2()   ? 1
         : e == nm::ElementFormat::f6E2M3FN() ? 3
         : e == nm::ElementFormat::f6E3M2FN() ? 4
                                              : 5;
}

std::string ptxName(unsigned v) {
  return std::to_string(v / 10) + "." + std::to_string(v % 10);
}

/// Which PTX version is in use, for diagnostics: `ptx` from features, or
/// (0) the chip's default.
std::string ptxInUse(const qf::NVVMChip &chip, unsigned ptx) {
  return ptx ? "features asks for PTX " + ptxName(ptx)
             : "the default for " + chip.name + " is PTX " +
                   ptxName(chip.minPtx);
}

/// Why `q` (the lhs when `isLhs`) cannot be an MMA operand at all.
std::string operandProblem(qf::QTensorType q, bool isLhs, bool transposeB) {
  nm::BlockFormat f = q.getFormat().toNumerics();
  if (f.elem.isInt())
    return "integer elements have no tensor-core mapping";
  if (f.scale == nm::ScaleType::F16 || f.scale == nm::ScaleType::BF16 ||
      f.scale == nm::ScaleType::F32)
    return "block scales of type " +
           std::string(f.scale == nm::ScaleType::F32   ? "f32"
                       : f.scale == nm::ScaleType::F16 ? "f16"
                                                       : "bf16") +
           " have no tensor-core mapping (E8M0 or E4M3 scales only)";
  if (q.getFormat().getBlockKind() != qf::BlockKind::Fixed ||
      (q.getFormat().getBlockSize() != 16 &&
       q.getFormat().getBlockSize() != 32))
    return "block-scaled MMA takes blocks of 16 or 32 elements";
  // The repacked layout is the CPU kernels' (qf-repack-weights); the MMA
  // fragments load row-major rows, so the GEMM tiles (which read any
  // layout) run it instead.
  if (q.isTiled())
    return "the repacked layout tiled<" + std::to_string(q.getTileRows()) +
           "x" + std::to_string(q.getTileK()) +
           "> has no tensor-core mapping (row-major weights only)";
  int64_t r = q.getRank();
  int64_t kAxis = isLhs || transposeB ? r - 1 : r - 2;
  if (q.getAxis() != kAxis)
    return "the blocked axis must be the reduction axis K (axis " +
           std::to_string(kAxis) + " of the " + (isLhs ? "lhs" : "rhs") +
           "), not axis " + std::to_string(q.getAxis());
  return "";
}

/// Why tcgen05.mma with .block16 / .block32 cannot be emitted at PTX
/// version `ptx` (0: the chip's default), or "".
std::string tcgen05PtxProblem(const qf::NVVMChip &chip, unsigned ptx) {
  unsigned used = ptx ? ptx : chip.minPtx;
  if (used >= 88)
    return "";
  return "tcgen05.mma.block_scale with .block16 / .block32 needs PTX 8.8, "
         "and " +
         ptxInUse(chip, ptx) + " (set features=+ptx88 or later)";
}

/// Why a tcgen05 kernel cannot take `rhs` (named so in the message) stored
/// [K, N] (without `transposeB`) or PTX version `ptx`, or "".
std::string tcgen05Problem(const qf::NVVMChip &chip, unsigned ptx,
                           bool transposeB, const std::string &rhs) {
  if (!transposeB)
    return rhs +
           " must be stored [N, K] (transpose_b) for tcgen05: its B operand "
           "is K-major (a rhs stored [K, N] is gathered only by sm_120a/f, "
           "sm_121a's mma.block_scale)";
  return tcgen05PtxProblem(chip, ptx);
}

/// tcgen05 kind::mxf8f6f4 for elements `a` x `b`, their types in the
/// instruction descriptor.
void setTcgen05MXF8(qf::MMAMapping &m, const nm::ElementFormat &a,
                    const nm::ElementFormat &b) {
  m.kind = qf::MMAKind::Tcgen05MXF8;
  m.instruction = "tcgen05.mma.cta_group::1.kind::mxf8f6f4.block_scale."
                  "block32";
  m.aType = f8f6f4Type(a);
  m.bType = f8f6f4Type(b);
}

} // namespace

qf::Support qf::selectMMA(const NVVMChip &chip, unsigned ptx, Type lhs,
                          Type rhs, bool transposeB, MMAMapping *out) {
  auto ql = dyn_cast<qf::QTensorType>(lhs);
  auto qr = dyn_cast<qf::QTensorType>(rhs);
  if (!ql || !qr)
    return Support::no("both operands must be quantized for a block-scaled "
                       "MMA");
  if (std::string p = operandProblem(ql, true, transposeB); !p.empty())
    return Support::no(p);
  if (std::string p = operandProblem(qr, false, transposeB); !p.empty())
    return Support::no(p);
  if (ql.getRank() != qr.getRank())
    return Support::no("both operands must have the same rank");
  nm::BlockFormat fl = ql.getFormat().toNumerics();
  nm::BlockFormat fr = qr.getFormat().toNumerics();
  int64_t bl = ql.getFormat().getBlockSize(),
          br = qr.getFormat().getBlockSize();
  int64_t k = ql.getShape().back();
  unsigned ptxUsed = ptx ? ptx : chip.minPtx;
  MMAMapping m;

  if (isF8(fl.elem) && isF8(fr.elem)) {
    if (bl != 32 || br != 32)
      return Support::no("FP8 MMA takes blocks of 32 along K (one m16n8k32 "
                         "step per block); got blocks of " +
                         std::to_string(bl) + " and " + std::to_string(br));
    if (!chip.hasF8Mma())
      return Support::no("FP8 MMA needs sm_89 or later");
    bool e8m0 = fl.scale == nm::ScaleType::E8M0 &&
                fr.scale == nm::ScaleType::E8M0 && !fl.tensorScale &&
                !fr.tensorScale;
    std::string ty = std::string(ptxType(fl.elem)) + "." + ptxType(fr.elem);
    if (chip.hasTcgen05() && e8m0 && transposeB &&
        tcgen05PtxProblem(chip, ptx).empty()) {
      // MXFP8 on sm_100a/f, sm_103a with PTX 8.8: tcgen05 (otherwise, or
      // with B stored [K, N], the mma.sync path below).
      setTcgen05MXF8(m, fl.elem, fr.elem);
    } else if (chip.hasBlockScaleMma() && e8m0) {
      m.kind = MMAKind::BlockScaleMXF8;
      m.instruction = "mma.sync.aligned.m16n8k32.row.col.kind::mxf8f6f4."
                      "block_scale.scale_vec::1X.f32." +
                      ty + ".f32.ue8m0";
    } else {
      if (ptxUsed < 84)
        return Support::no(
            "mma.sync.m16n8k32 with e4m3/e5m2 operands needs PTX 8.4, and " +
            ptxInUse(chip, ptx) + " (set features=+ptx84 or later)");
      m.kind = MMAKind::F8Sync;
      m.instruction = "mma.sync.aligned.m16n8k32.row.col.f32." + ty + ".f32";
    }
    m.stepK = 32;
  } else if (isF4(fl.elem) && isF4(fr.elem)) {
    if (!chip.hasBlockScaleMma() && !chip.hasTcgen05())
      return Support::no("FP4 MMA needs sm_120a/f, sm_121a (mma.block_scale) "
                         "or sm_100a/f, sm_103a (tcgen05.mma.block_scale, "
                         "PTX 8.8)");
    if (fl.scale != fr.scale || bl != br || fl.tensorScale != fr.tensorScale)
      return Support::no("both FP4 operands must have the same block size, "
                         "scale type and tensor scale (mxfp4 x mxfp4 or "
                         "nvfp4 x nvfp4)");
    bool mx = bl == 32 && fl.scale == nm::ScaleType::E8M0;
    bool nv = bl == 16 && fl.scale == nm::ScaleType::E4M3;
    if (chip.hasTcgen05() && (mx || nv)) {
      if (std::string p = tcgen05Problem(chip, ptx, transposeB, "a 4-bit rhs");
          !p.empty())
        return Support::no(p);
      m.kind = mx ? MMAKind::Tcgen05MXF4 : MMAKind::Tcgen05NVF4;
      m.instruction = mx ? "tcgen05.mma.cta_group::1.kind::mxf4.block_scale."
                           "block32"
                         : "tcgen05.mma.cta_group::1.kind::mxf4nvf4."
                           "block_scale.block16";
      m.aType = m.bType = 1;
    } else if (bl == 32 && fl.scale == nm::ScaleType::E8M0) {
      m.kind = MMAKind::BlockScaleMXF4;
      m.instruction = "mma.sync.aligned.m16n8k64.row.col.kind::mxf4."
                      "block_scale.scale_vec::2X.f32.e2m1.e2m1.f32.ue8m0";
    } else if (bl == 16 && fl.scale == nm::ScaleType::E4M3) {
      m.kind = MMAKind::BlockScaleNVF4;
      m.instruction = "mma.sync.aligned.m16n8k64.row.col.kind::mxf4nvf4."
                      "block_scale.scale_vec::4X.f32.e2m1.e2m1.f32.ue4m3";
    } else {
      return Support::no("FP4 MMA takes blocks of 32 with E8M0 scales "
                         "(mxf4) or blocks of 16 with E4M3 scales (mxf4nvf4)");
    }
    m.stepK = 64;
  } else if (isF864(fl.elem) && isF864(fr.elem)) {
    // Any other mix of FP8, FP6 and FP4 (MXFP8 activations with MXFP4
    // weights is what qf-quantize-model writes by default): kind::mxf8f6f4.
    // mma.block_scale takes FP6 and FP4 codes one per byte in registers,
    // tcgen05 16 codes per 16 bytes of shared memory (packed, then
    // padding); the kernels unpack qf's packed storage into either.
    if (!chip.hasBlockScaleMma() && !chip.hasTcgen05())
      return Support::no("FP4/FP6 MMA needs sm_100a/f, sm_103a (tcgen05) or "
                         "sm_120a/f, sm_121a (mma.block_scale)");
    if (bl != 32 || br != 32 || fl.scale != nm::ScaleType::E8M0 ||
        fr.scale != nm::ScaleType::E8M0 || fl.tensorScale || fr.tensorScale)
      return Support::no("MMA of mixed or FP6 elements (kind::mxf8f6f4) "
                         "takes blocks of 32 with E8M0 scales and no tensor "
                         "scale on both operands (MXFP8, MXFP6, MXFP4)");
    if (chip.hasTcgen05()) {
      if (std::string p = tcgen05Problem(chip, ptx, transposeB,
                                         "the rhs of a mixed or FP6 MMA");
          !p.empty())
        return Support::no(p);
      setTcgen05MXF8(m, fl.elem, fr.elem);
    } else {
      m.kind = MMAKind::BlockScaleMXF8;
      m.instruction = std::string("mma.sync.aligned.m16n8k32.row.col.kind::"
                                  "mxf8f6f4.block_scale.scale_vec::1X.f32.") +
                      ptxType(fl.elem) + "." + ptxType(fr.elem) + ".f32.ue8m0";
    }
    m.stepK = 32;
  } else {
    return Support::no("no MMA takes these element types");
  }
  if (ShapedType::isDynamic(k) || k % m.stepK != 0)
    return Support::no("K must be a static multiple of " +
                       std::to_string(m.stepK) + " (one MMA step), got " +
                       (ShapedType::isDynamic(k) ? std::string("a dynamic K")
                                                 : std::to_string(k)));
  if (out)
    *out = m;
  return Support::yes();
}
