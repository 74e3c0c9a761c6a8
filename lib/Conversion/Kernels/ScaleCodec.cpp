//===- ScaleCodec.cpp - Block and tensor scale codecs as IR --------------===//
//
// The only switches on numerics::ScaleType in the kernel library.
//
//===----------------------------------------------------------------------===//
#include "qf/Conversion/Kernels/ScaleCodec.h"

#include "IntOps.h"

#include "qf/Conversion/Kernels/Codecs.h"
#include "qf/Numerics/Codec.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/SymbolTable.h"

#include <cfloat>
#include <cmath>

using namespace mlir;
namespace nm = qf::numerics;

namespace qf::kernel {
using namespace detail;

// Quantize.cpp mxScaleExponent plus the D4 zero case.
Value mxScaleExponent(KB &k, const nm::BlockFormat &f, Value amaxBits) {
  Ops o{k, amaxBits.getType()};
  Normalized n = normalize(o, amaxBits);
  Value xs = o.sub(n.e, o.c(f.elem.emax()));
  switch (f.rule) {
  case nm::ScaleRule::Floor:
    break;
  case nm::ScaleRule::Ceil: {
    // amax > Qmax * 2^xs compares the 24-bit significands (same exponent).
    int64_t thr = int64_t(std::ldexp(f.elementMax(), 23 - f.elem.emax()));
    Value up = o.cmp(arith::CmpIPredicate::sgt, n.sig, o.c(thr));
    xs = o.add(xs, arith::ExtUIOp::create(k.b, k.loc, o.t, up));
    break;
  }
  case nm::ScaleRule::Even: {
    // m >= 2 - 2^-(y+1) with m = sig / 2^23.
    int y = f.elem.isInt() ? f.elem.bits - 2 : f.elem.manBits;
    int64_t thr = (int64_t(1) << 24) - (int64_t(1) << (22 - y));
    Value up = o.cmp(arith::CmpIPredicate::sge, n.sig, o.c(thr));
    xs = o.add(xs, arith::ExtUIOp::create(k.b, k.loc, o.t, up));
    break;
  }
  }
  xs = o.mins(o.maxs(xs, o.c(-127)), o.c(127));
  return o.sel(o.eq(amaxBits, o.c(0)), o.c(-127), xs);
}

// numerics::decodeScale.
Value decodeScale(KB &k, nm::ScaleType t, Value stored) {
  Type st = stored.getType();
  Type ft = KB::withElt(st, k.b.getF32Type());
  switch (t) {
  case nm::ScaleType::E8M0: {
    Ops o{k, st};
    Value byte = o.band(stored, o.c(0xFF));
    Value bits = o.sel(o.eq(byte, o.c(0)), o.c(0x00400000),
                       o.shl(byte, o.c(23)));
    bits = o.sel(o.eq(byte, o.c(0xFF)), o.c(0x7FC00000), bits);
    return o.floatOf(bits);
  }
  case nm::ScaleType::E4M3: {
    Ops o{k, st};
    return decodeElements(k, nm::ElementFormat::f8E4M3FN(),
                          o.band(stored, o.c(0x7F)));
  }
  case nm::ScaleType::F16:
    return arith::ExtFOp::create(k.b, k.loc, ft, stored);
  case nm::ScaleType::BF16: {
    Type i16 = KB::withElt(st, k.b.getI16Type());
    Type i32 = KB::withElt(st, k.b.getI32Type());
    Value h = arith::BitcastOp::create(k.b, k.loc, i16, stored);
    Value w = arith::ExtUIOp::create(k.b, k.loc, i32, h);
    Ops o{k, i32};
    return o.floatOf(o.shl(w, o.c(16)));
  }
  case nm::ScaleType::F32:
    return stored;
  }
  return stored;
}

Value scaleTable(KB &k, Operation *module, nm::ScaleType t) {
  StringRef name;
  if (t == nm::ScaleType::E8M0)
    name = "__qf_scale_table_e8m0";
  else if (t == nm::ScaleType::E4M3)
    name = "__qf_scale_table_e4m3";
  else
    return Value();
  auto mt = MemRefType::get({256}, k.b.getF32Type());
  if (!SymbolTable::lookupSymbolIn(module, name)) {
    SmallVector<float> vals;
    for (unsigned i = 0; i < 256; ++i)
      vals.push_back(nm::decodeScale(t, i));
    auto tt = RankedTensorType::get({256}, k.b.getF32Type());
    OpBuilder::InsertionGuard guard(k.b);
    k.b.setInsertionPointToStart(&module->getRegion(0).front());
    memref::GlobalOp::create(k.b, k.loc, name, k.b.getStringAttr("private"), mt,
                             DenseElementsAttr::get(tt, ArrayRef(vals)),
                             /*constant=*/true, k.b.getI64IntegerAttr(64));
  }
  return memref::GetGlobalOp::create(k.b, k.loc, mt, name);
}

Value decodeScaleByTable(KB &k, Value table, Value stored) {
  Type i32 = k.b.getI32Type();
  if (stored.getType() != i32)
    stored = arith::ExtUIOp::create(k.b, k.loc, i32, stored);
  stored = arith::AndIOp::create(k.b, k.loc, stored, k.i32(i32, 0xFF));
  Value idx =
      arith::IndexCastUIOp::create(k.b, k.loc, k.b.getIndexType(), stored);
  return memref::LoadOp::create(k.b, k.loc, table, ValueRange{idx});
}

namespace {
nm::ElementFormat halfLike(int expBits, int manBits, int bias) {
  nm::ElementFormat f;
  f.kind = nm::ElementFormat::Kind::Float;
  f.bits = 1 + expBits + manBits;
  f.expBits = expBits;
  f.manBits = manBits;
  f.bias = bias;
  f.nan = nm::NanEncoding::IEEE;
  return f;
}
} // namespace

// numerics::encodeScaleRNE for t >= 0 (the float-scale block scale).
Value encodeScaleRNE(KB &k, nm::ScaleType t, Value tb) {
  Type ft = tb.getType();
  Type it = KB::withElt(ft, k.b.getI32Type());
  Ops o{k, it};
  Value zero = o.c(0);
  switch (t) {
  case nm::ScaleType::E8M0: {
    // Not used by the kernels (E8M0 scales come from the scale rule); the
    // library's floor power of two, for completeness.
    Value A = o.band(o.bitsOf(tb), o.c(0x7FFFFFFF));
    nm::BlockFormat f;
    f.elem = nm::ElementFormat::intN(2); // emax 0: xs = exponent
    f.scale = nm::ScaleType::E8M0;
    Value xs = mxScaleExponent(k, f, A);
    return o.add(xs, o.c(127));
  }
  case nm::ScaleType::E4M3:
    return encodeElements(k, nm::ElementFormat::f8E4M3FN(),
                          nm::Rounding::NearestEven, nm::IntRange::Symmetric, tb,
                          zero);
  case nm::ScaleType::F16:
  case nm::ScaleType::BF16: {
    nm::ElementFormat f =
        t == nm::ScaleType::F16 ? halfLike(5, 10, 15) : halfLike(8, 7, 127);
    Value code = encodeElements(k, f, nm::Rounding::NearestEven,
                                nm::IntRange::Symmetric, tb, zero);
    Type i16 = KB::withElt(ft, k.b.getI16Type());
    Value h = arith::TruncIOp::create(k.b, k.loc, i16, code);
    Type et = t == nm::ScaleType::F16 ? Type(k.b.getF16Type())
                                      : Type(k.b.getBF16Type());
    return arith::BitcastOp::create(k.b, k.loc, KB::withElt(ft, et), h);
  }
  case nm::ScaleType::F32: {
    Value A = o.band(o.bitsOf(tb), o.c(0x7FFFFFFF));
    Value isInf = o.eq(A, o.c(0x7F800000));
    Value isNaN = o.cmp(arith::CmpIPredicate::ugt, A, o.c(0x7F800000));
    Value bits = o.sel(isInf, o.c(0x7F7FFFFF), A);
    bits = o.sel(isNaN, o.c(0x7FC00000), bits);
    return o.floatOf(bits);
  }
  }
  return tb;
}

Value decodeScaleFast(KB &k, nm::ScaleType t, Value stored) {
  // E4M3 scales are unsigned: the sign bit is ignored.
  if (t == nm::ScaleType::E4M3)
    return decodeElementsFast(
        k, nm::ElementFormat::f8E4M3FN(),
        arith::AndIOp::create(k.b, k.loc, stored,
                              k.i32(stored.getType(), 0x7F)));
  return decodeScale(k, t, stored);
}

bool isByteScale(nm::ScaleType t) {
  return t == nm::ScaleType::E8M0 || t == nm::ScaleType::E4M3;
}

Type scaleRegisterType(MLIRContext *ctx, nm::ScaleType t) {
  switch (t) {
  case nm::ScaleType::E8M0:
  case nm::ScaleType::E4M3:
    return IntegerType::get(ctx, 32);
  case nm::ScaleType::F16:
    return Float16Type::get(ctx);
  case nm::ScaleType::BF16:
    return BFloat16Type::get(ctx);
  case nm::ScaleType::F32:
    return Float32Type::get(ctx);
  }
  return {};
}

Value nanScale(KB &k, nm::ScaleType t, Type like) {
  Type it = KB::withElt(like, k.b.getI32Type());
  switch (t) {
  case nm::ScaleType::E8M0:
    return k.i32(it, 0xFF);
  case nm::ScaleType::E4M3:
    return k.i32(it, 0x7F);
  case nm::ScaleType::F16:
  case nm::ScaleType::BF16: {
    Type i16 = KB::withElt(like, k.b.getI16Type());
    Value h = arith::TruncIOp::create(k.b, k.loc, i16,
                                      k.i32(it, nm::scaleNaN(t)));
    return arith::BitcastOp::create(
        k.b, k.loc, KB::withElt(like, scaleRegisterType(k.b.getContext(), t)),
        h);
  }
  case nm::ScaleType::F32:
    return k.f32Bits(like, 0x7FC00000u);
  }
  return {};
}

int scaleSignificantBits(nm::ScaleType t) {
  switch (t) {
  case nm::ScaleType::E8M0:
    return 1;
  case nm::ScaleType::E4M3:
    return 4;
  case nm::ScaleType::F16:
    return 11;
  case nm::ScaleType::BF16:
    return 8;
  case nm::ScaleType::F32:
    return 24;
  }
  return 24;
}

Value tensorEncodeScale(KB &k, const nm::BlockFormat &f, Value amaxBits) {
  OpBuilder &b = k.b;
  Location loc = k.loc;
  Type f32 = b.getF32Type();
  double prod = nm::scaleMaxFinite(f.scale) * f.elementMax();
  float num = prod > double(FLT_MAX) ? FLT_MAX : float(prod);
  Value amax = arith::BitcastOp::create(b, loc, f32, amaxBits);
  Value s = arith::DivFOp::create(b, loc, k.f32(f32, num), amax);
  Value ok = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLE, s,
                                   k.f32(f32, FLT_MAX));
  s = arith::SelectOp::create(b, loc, ok, s, k.f32(f32, FLT_MAX));
  Value isZero = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, s,
                                       k.f32(f32, 0.0f));
  s = arith::SelectOp::create(b, loc, isZero, k.f32(f32, 1.0f), s);
  Value amaxZero = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                         amaxBits, k.i32(b.getI32Type(), 0));
  return arith::SelectOp::create(b, loc, amaxZero, k.f32(f32, 1.0f), s);
}


} // namespace qf::kernel
