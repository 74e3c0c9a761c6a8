//===- CPUTargetInfo.cpp - What the CPU target runs as one kernel ---------===//
#include "qf/Conversion/QFToVector/QFToVector.h"

#include "qf/Conversion/Kernels/Builder.h"
#include "qf/Conversion/Kernels/Codecs.h"
#include "qf/Conversion/Kernels/FusedKernels.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"

using namespace mlir;
namespace nm = qf::numerics;

qf::Support qf::CPUTargetInfo::supportsRowEncode(qf::QTensorType t) const {
  // The row encoder (qf::kernel::emitQuantizeRow) runs the quantize kernel's
  // straight-line block code on whole vectors of each row.
  qf::FormatAttr f = t.getFormat();
  if (f.getBlockKind() != qf::BlockKind::Fixed ||
      t.getAxis() != t.getRank() - 1)
    return Support::no("rows are encoded with fixed blocks along the last "
                       "axis only");
  if (f.getBlockSize() % vectorWidth != 0)
    return Support::no("blocks of " + Twine(f.getBlockSize()) +
                       " elements are not whole vectors of " +
                       Twine(vectorWidth));
  // A tensor scale from the data: the rows are staged as f32 with their
  // amax (qf::kernel::RowQuantizeOutput::stage) and encoded at the end.
  return Support::yes();
}

void qf::CPUTargetInfo::emitPrefetch(OpBuilder &b, Location loc, Value mem,
                                     Value at) const {
  qf::kernel::Idx ix{b, loc};
  Value last = ix.sub(memref::DimOp::create(b, loc, mem, 0), ix.c(1));
  memref::PrefetchOp::create(b, loc, mem, ValueRange{ix.min(at, last)},
                             /*isWrite=*/false, /*localityHint=*/2,
                             /*isDataCache=*/true);
}

Value qf::CPUTargetInfo::emitDotU8S8(OpBuilder &b, Location loc,
                                     Operation *moduleOp, Value acc, Value u,
                                     Value s) const {
  int64_t lanes = cast<VectorType>(acc.getType()).getNumElements();
  if (!x86Vnni || (lanes != 8 && lanes != 16))
    return TargetInfo::emitDotU8S8(b, loc, moduleOp, acc, u, s);
  // A call of a private declaration named after the intrinsic: LLVM IR
  // takes any function named llvm.* as that intrinsic, and a func.call has
  // the known (no) memory effects that buffer deallocation requires, which
  // llvm.call_intrinsic lacks. LLVM 22 spells the VNNI intrinsics on byte
  // vectors.
  StringRef name = lanes == 16 ? "llvm.x86.avx512.vpdpbusd.512"
                               : "llvm.x86.avx512.vpdpbusd.256";
  auto module = cast<ModuleOp>(moduleOp);
  auto type = b.getFunctionType({acc.getType(), u.getType(), s.getType()},
                                {acc.getType()});
  if (!module.lookupSymbol<func::FuncOp>(name)) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(module.getBody());
    auto decl = func::FuncOp::create(b, loc, name, type);
    decl.setPrivate();
  }
  return func::CallOp::create(b, loc, name, TypeRange{acc.getType()},
                              ValueRange{acc, u, s})
      .getResult(0);
}

namespace {

using qf::kernel::KB;

/// Integer codes: v rounded to an integer with roundeven (one vrndscaleps,
/// its rounding mode in the instruction), clamped to the format's limits
/// (Inf saturates, as in the integer codec), converted (exact: an integer
/// of at most 8 bits) and masked to the code bits; NaN lanes give code 0.
/// Every step is exact, so the codes are round-half-even(v) clamped:
/// numerics encodeIntElementExact's bits.
Value encodeIntRNE(KB &k, const nm::ElementFormat &elem, nm::IntRange range,
                   Value v) {
  OpBuilder &b = k.b;
  Type ft = v.getType(), it = KB::withElt(ft, b.getI32Type());
  int64_t qmax = (int64_t(1) << (elem.bits - 1)) - 1;
  int64_t qmin = range == nm::IntRange::Full ? -qmax - 1 : -qmax;
  Value r = math::RoundEvenOp::create(b, k.loc, v);
  // minnumf / maxnumf with a constant bound: one vminps / vmaxps each; a
  // NaN lane becomes a bound here and code 0 below.
  r = arith::MinNumFOp::create(b, k.loc, r, k.f32(ft, float(qmax)));
  r = arith::MaxNumFOp::create(b, k.loc, r, k.f32(ft, float(qmin)));
  Value q = arith::FPToSIOp::create(b, k.loc, it, r);
  q = arith::AndIOp::create(b, k.loc, q,
                            k.i32(it, (int64_t(1) << elem.bits) - 1));
  Value isNaN =
      arith::CmpFOp::create(b, k.loc, arith::CmpFPredicate::UNO, v, v);
  return arith::SelectOp::create(b, k.loc, isNaN, k.i32(it, 0), q);
}

/// Small-float codes (ExMy, bias, NaN encoding of `elem`) of v, rounded to
/// nearest-even by the FPU instead of integer shifts:
///  1. a = min(|v|, max finite): saturation (Inf too) before rounding gives
///     min(round(|v|), max), as the library's satfinite encode does;
///  2. with E = max(exponent of a, emin) and q = 2^(E - m) the spacing of
///     the element values around a, c = q * 2^23: the f32 values in
///     [c, 2c) are c + n * q with bit patterns bits(c) + n, and a < 2^(m+1)
///     q keeps a + c below 2c, so the FPU's a + c rounds a to n * q, ties to
///     even, and n = bits(a + c) - bits(c);
///  3. n is the subnormal code when E = emin and the code's low bits
///     otherwise: code = ((E - emin) << m) + n (n = 2^(m+1), a round-up into
///     the next binade, carries into the exponent field correctly);
///  4. the sign bit of v, and the NaN code of the encoding for NaN lanes.
/// Each step is exact, so the codes are numerics encodeFloatElementExact's.
Value encodeFloatRNE(KB &k, const nm::ElementFormat &elem, Value v) {
  OpBuilder &b = k.b;
  Location loc = k.loc;
  Type ft = v.getType(), it = KB::withElt(ft, b.getI32Type());
  auto ci = [&](int64_t x) { return k.i32(it, x); };
  auto bits = [&](Value f) -> Value {
    return arith::BitcastOp::create(b, loc, it, f);
  };
  auto flt = [&](Value i) -> Value {
    return arith::BitcastOp::create(b, loc, ft, i);
  };
  int64_t m = elem.manBits, emin = 1 - elem.bias;
  Value u = bits(v);
  Value a = flt(arith::AndIOp::create(b, loc, u, ci(0x7FFFFFFF)));
  a = arith::MinNumFOp::create(b, loc, a, k.f32(ft, float(elem.maxFinite())));
  // Biased f32 exponents: E + 127 and that of c.
  Value e = arith::ShRUIOp::create(b, loc, bits(a), ci(23));
  e = arith::MaxSIOp::create(b, loc, e, ci(emin + 127));
  Value cb = arith::ShLIOp::create(
      b, loc, arith::AddIOp::create(b, loc, e, ci(23 - m)), ci(23));
  Value n = arith::SubIOp::create(
      b, loc, bits(arith::AddFOp::create(b, loc, a, flt(cb))), cb);
  Value mag = arith::AddIOp::create(
      b, loc,
      arith::ShLIOp::create(b, loc,
                            arith::SubIOp::create(b, loc, e, ci(emin + 127)),
                            ci(m)),
      n);
  Value signBit = arith::AndIOp::create(
      b, loc, arith::ShRUIOp::create(b, loc, u, ci(32 - elem.bits)),
      ci(int64_t(1) << (elem.bits - 1)));
  Value code = arith::OrIOp::create(b, loc, mag, signBit);
  Value isNaN = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, v, v);
  switch (elem.nan) {
  case nm::NanEncoding::None:
    return arith::SelectOp::create(b, loc, isNaN, ci(0), code);
  case nm::NanEncoding::AllOnes:
    return arith::SelectOp::create(
        b, loc, isNaN,
        arith::OrIOp::create(b, loc, signBit,
                             ci((int64_t(1) << (elem.bits - 1)) - 1)),
        code);
  case nm::NanEncoding::IEEE: {
    int64_t allE = (int64_t(1) << elem.expBits) - 1;
    return arith::SelectOp::create(
        b, loc, isNaN,
        arith::OrIOp::create(b, loc, signBit,
                             ci((allE << m) | (int64_t(1) << (m - 1)))),
        code);
  }
  }
  return code;
}

} // namespace

/// Round-to-nearest-even encodes in f32 arithmetic on AVX-512 (a fifth to
/// a half of the integer codec's instructions, the same bits). Ties away
/// from zero keep the integer codec.
Value qf::CPUTargetInfo::encodeElementsNative(OpBuilder &b, Location loc,
                                              const nm::ElementFormat &elem,
                                              nm::Rounding rounding,
                                              nm::IntRange range,
                                              Value v) const {
  if (!x86Avx512 || rounding != nm::Rounding::NearestEven ||
      !isa<VectorType>(v.getType()))
    return {};
  KB k{b, loc};
  return elem.isInt() ? encodeIntRNE(k, elem, range, v)
                      : encodeFloatRNE(k, elem, v);
}

qf::Support qf::CPUTargetInfo::supports(Operation *op) const {
  if (auto map = dyn_cast<qf::MapOp>(op))
    return qf::kernel::mapKernelSupport(map, *this);
  if (auto mm = dyn_cast<qf::FusedMatmulOp>(op))
    return fusedMatmulKernelSupport(mm, *this);
  return Support::yes();
}

void qf::registerCPUTarget() {
  registerTarget("cpu", [](unsigned vectorWidth) {
    return std::make_unique<CPUTargetInfo>(vectorWidth, /*x86Avx512=*/false);
  });
}
