//===- HardwareConvert.cpp - Element encoding by cvt instructions ---------===//
//
// cvt.rn.satfinite.{e4m3x2,e5m2x2}.f32 (sm_89+) and, on Blackwell 'a'/'f'
// chips, cvt.rn.satfinite.{e2m3x2,e3m2x2,e2m1x2}.f32 round to nearest-even
// and saturate to the largest finite value, as the integer codec
// (kernel::encodeElements) does for rounding=even. What differs is handled
// around them, so the codes are the codec's bit for bit:
//  * the codec encodes x * 2^-kexp with an unbounded exponent; the block
//    codec forms the product in f32 by two exact power-of-two multiplies
//    (kernel::pow2NegPair). Upscaling is exact; a downscaled product that
//    falls below the f32 normal range is below half the smallest subnormal
//    of every element format, so both round it to a zero of the same sign;
//  * NaN inputs get the codec's NaN code (sign kept for E4M3 / E5M2, 0 for
//    the formats without NaN): the instruction's canonical NaN is replaced.
// The instructions are emitted as inline PTX (see below). A pair of lanes
// (2i, 2i+1) is one instruction; its first operand lands in
// the high half of the result, so lane 2i + 1 goes first (D10 puts element 2i
// in the low nibble of a 4-bit pair).
//
//===----------------------------------------------------------------------===//
#include "qf/Conversion/QFToNVVM/QFToNVVM.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
namespace nm = qf::numerics;

qf::Support qf::nvvmConvertSupport(const NVVMChip &chip,
                                   const nm::ElementFormat &elem,
                                   nm::Rounding rounding) {
  if (elem.isInt())
    return Support::no("integer elements have no conversion instruction");
  if (rounding != nm::Rounding::NearestEven)
    return Support::no("the conversion instructions round to nearest-even "
                       "only, the format rounds ties away (rounding=away)");
  if (elem == nm::ElementFormat::f8E4M3FN() ||
      elem == nm::ElementFormat::f8E5M2()) {
    if (!chip.hasF8x2Convert())
      return Support::no(
          "cvt.rn.satfinite.{e4m3x2,e5m2x2}.f32 needs sm_89 or later");
    return Support::yes();
  }
  if (elem == nm::ElementFormat::f4E2M1FN() ||
      elem == nm::ElementFormat::f6E2M3FN() ||
      elem == nm::ElementFormat::f6E3M2FN()) {
    if (!chip.hasF4F6Convert())
      return Support::no("cvt.rn.satfinite.{e2m1x2,e2m3x2,e3m2x2}.f32 needs "
                         "an architecture- or family-specific Blackwell chip "
                         "(sm_100a, sm_100f, sm_103a, sm_120a, sm_120f, "
                         "sm_121a)");
    return Support::yes();
  }
  return Support::no("no conversion instruction for " + elem.name());
}


Value qf::NVVMTargetInfo::encodeElementsNative(OpBuilder &b, Location loc,
                                               const nm::ElementFormat &elem,
                                               nm::Rounding rounding,
                                               nm::IntRange, Value v) const {
  auto vt = dyn_cast<VectorType>(v.getType());
  if (!hardwareConvert || !vt || vt.getRank() != 1 ||
      vt.getNumElements() % 2 != 0 || !nvvmConvertSupport(chip, elem, rounding))
    return {};
  int64_t n = vt.getNumElements();
  Type i32 = b.getI32Type();
  auto it = VectorType::get({n}, i32);
  auto cst = [&](Type t, int64_t v) -> Value {
    return arith::ConstantOp::create(
        b, loc, t, SplatElementsAttr::get(cast<ShapedType>(t),
                                          b.getI32IntegerAttr(int32_t(v))));
  };
  // The PTX type of the pair and of its result register.
  StringRef pairTy = "e2m1x2", regTy = "b8", cvtTy = "u8";
  if (elem == nm::ElementFormat::f8E4M3FN())
    pairTy = "e4m3x2";
  else if (elem == nm::ElementFormat::f8E5M2())
    pairTy = "e5m2x2";
  else if (elem == nm::ElementFormat::f6E2M3FN())
    pairTy = "e2m3x2";
  else if (elem == nm::ElementFormat::f6E3M2FN())
    pairTy = "e3m2x2";
  if (elem.bits != 4) {
    regTy = "b16";
    cvtTy = "u16";
  }
  // Inline PTX rather than the nvvm.convert.f32x2.to.* ops: those declare
  // no memory effects, and the buffer deallocation pipeline, which runs
  // after this conversion, rejects any op with unknown effects; an inline
  // asm without side effects is pure. The chip was checked above
  // (nvvmConvertSupport), so ptxas accepts the instruction.
  std::string text = ("{ .reg ." + regTy + " t; cvt.rn.satfinite." + pairTy +
                      ".f32 t, $1, $2; cvt.u32." + cvtTy + " $0, t; }")
                         .str();
  StringAttr asmText = b.getStringAttr(text);
  StringAttr constraints = b.getStringAttr("=r,f,f");
  int64_t hiShift = elem.bits == 4 ? 4 : 8, mask = elem.bits == 4 ? 0xF : 0xFF;
  Value codes = cst(it, 0);
  for (int64_t p = 0; p < n / 2; ++p) {
    Value lo = vector::ExtractOp::create(b, loc, v, ArrayRef<int64_t>{2 * p});
    Value hi =
        vector::ExtractOp::create(b, loc, v, ArrayRef<int64_t>{2 * p + 1});
    // i32: lane 2p in the low half, lane 2p + 1 in the high half.
    Value pair =
        LLVM::InlineAsmOp::create(
            b, loc, i32, ValueRange{hi, lo}, asmText, constraints,
            /*has_side_effects=*/UnitAttr(), /*is_align_stack=*/UnitAttr(),
            LLVM::TailCallKindAttr::get(b.getContext(), LLVM::tailcallkind::TailCallKind::None),
            LLVM::AsmDialectAttr(), ArrayAttr())
            .getResult(0);
    Value cMask = arith::ConstantIntOp::create(b, loc, i32, mask);
    Value c0 = arith::AndIOp::create(b, loc, pair, cMask);
    Value c1 = arith::AndIOp::create(
        b, loc,
        arith::ShRUIOp::create(b, loc, pair,
                               arith::ConstantIntOp::create(b, loc, i32, hiShift)),
        cMask);
    codes = vector::InsertOp::create(b, loc, c0, codes, ArrayRef<int64_t>{2 * p});
    codes =
        vector::InsertOp::create(b, loc, c1, codes, ArrayRef<int64_t>{2 * p + 1});
  }

  // NaN lanes: the codec's NaN code instead of the canonical one (with the
  // sign of v: MX blocks holding a NaN are zeroed by the block codec anyway,
  // and float-scale formats give the integer codec the same v).
  Value isNaN = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, v, v);
  Value nanCode;
  if (elem.nan == nm::NanEncoding::None) {
    nanCode = cst(it, 0);
  } else {
    int64_t m = elem.manBits, allE = (1 << elem.expBits) - 1;
    int64_t quiet = elem.nan == nm::NanEncoding::AllOnes
                        ? (int64_t(1) << (elem.bits - 1)) - 1
                        : (allE << m) | (int64_t(1) << (m - 1));
    Value bits = arith::BitcastOp::create(b, loc, it, v);
    Value neg = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, bits,
                                      cst(it, 0));
    nanCode = arith::SelectOp::create(
        b, loc, neg, cst(it, quiet | (int64_t(1) << (elem.bits - 1))),
        cst(it, quiet));
  }
  return arith::SelectOp::create(b, loc, isNaN, nanCode, codes);
}
