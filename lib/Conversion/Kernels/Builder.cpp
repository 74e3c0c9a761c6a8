//===- Builder.cpp - Constants, index arithmetic, buffers and loops ------===//
#include "qf/Conversion/Kernels/Builder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;

namespace qf::kernel {

//===----------------------------------------------------------------------===//
// KB
//===----------------------------------------------------------------------===//

Type KB::withElt(Type like, Type elt) {
  if (auto vt = dyn_cast<VectorType>(like))
    return VectorType::get(vt.getShape(), elt);
  return elt;
}

Value splat(OpBuilder &b, Location loc, Type t, TypedAttr scalar) {
  if (auto vt = dyn_cast<VectorType>(t))
    return arith::ConstantOp::create(b, loc, vt,
                                     SplatElementsAttr::get(vt, scalar));
  return arith::ConstantOp::create(b, loc, t, scalar);
}

Value KB::i32(Type like, int64_t v) {
  Type t = withElt(like, b.getI32Type());
  return splat(b, loc, t, b.getI32IntegerAttr(int32_t(v)));
}

Value KB::f32(Type like, float v) {
  Type t = withElt(like, b.getF32Type());
  return splat(b, loc, t, b.getF32FloatAttr(v));
}

Value KB::f32Bits(Type like, uint32_t bits) {
  Type t = withElt(like, b.getF32Type());
  return splat(b, loc, t,
               FloatAttr::get(b.getF32Type(),
                              APFloat(APFloat::IEEEsingle(), APInt(32, bits))));
}

Value KB::index(int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

//===----------------------------------------------------------------------===//
// Idx
//===----------------------------------------------------------------------===//

Value Idx::c(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }

Value Idx::add(Value x, Value y) {
  std::optional<int64_t> cx = getConstantIntValue(x), cy = getConstantIntValue(y);
  if (cx && cy)
    return c(*cx + *cy);
  if (cx == 0)
    return y;
  if (cy == 0)
    return x;
  return arith::AddIOp::create(b, loc, x, y);
}

Value Idx::sub(Value x, Value y) {
  std::optional<int64_t> cx = getConstantIntValue(x), cy = getConstantIntValue(y);
  if (cx && cy)
    return c(*cx - *cy);
  if (cy == 0)
    return x;
  return arith::SubIOp::create(b, loc, x, y);
}

Value Idx::mul(Value x, Value y) {
  std::optional<int64_t> cx = getConstantIntValue(x), cy = getConstantIntValue(y);
  if (cx && cy)
    return c(*cx * *cy);
  if (cx == 0 || cy == 0)
    return c(0);
  if (cx == 1)
    return y;
  if (cy == 1)
    return x;
  return arith::MulIOp::create(b, loc, x, y);
}

Value Idx::div(Value x, Value y) {
  std::optional<int64_t> cx = getConstantIntValue(x), cy = getConstantIntValue(y);
  if (cx && cy && *cx >= 0 && *cy > 0)
    return c(*cx / *cy);
  if (cy == 1)
    return x;
  return arith::DivUIOp::create(b, loc, x, y);
}

Value Idx::rem(Value x, Value y) {
  std::optional<int64_t> cx = getConstantIntValue(x), cy = getConstantIntValue(y);
  if (cx && cy && *cx >= 0 && *cy > 0)
    return c(*cx % *cy);
  if (cy == 1)
    return c(0);
  return arith::RemUIOp::create(b, loc, x, y);
}

Value Idx::min(Value x, Value y) {
  std::optional<int64_t> cx = getConstantIntValue(x), cy = getConstantIntValue(y);
  if (cx && cy && *cx >= 0 && *cy >= 0)
    return c(std::min(*cx, *cy));
  return arith::MinUIOp::create(b, loc, x, y);
}

Value Idx::ceilDiv(Value x, int64_t d) { return div(add(x, c(d - 1)), c(d)); }

Value Idx::toI32(Value x) {
  return arith::IndexCastOp::create(b, loc, b.getI32Type(), x);
}

//===----------------------------------------------------------------------===//
// Buffers
//===----------------------------------------------------------------------===//

/// Sizes of a tensor value's dims (dynamic ones through tensor.dim).
SmallVector<Value> dimSizes(OpBuilder &b, Location loc, Value tensor) {
  auto t = cast<RankedTensorType>(tensor.getType());
  SmallVector<Value> sizes;
  for (int64_t i = 0; i < t.getRank(); ++i)
    sizes.push_back(t.isDynamicDim(i)
                        ? tensor::DimOp::create(b, loc, tensor, i).getResult()
                        : arith::ConstantIndexOp::create(b, loc, t.getDimSize(i))
                              .getResult());
  return sizes;
}

Value product(Idx &ix, ArrayRef<Value> v, size_t from, size_t to) {
  Value p = ix.c(1);
  for (size_t i = from; i < to; ++i)
    p = ix.mul(p, v[i]);
  return p;
}

MemRefType memrefOf(RankedTensorType t) {
  return MemRefType::get(t.getShape(), t.getElementType());
}

/// A read-only buffer of a tensor.
Value readBuffer(OpBuilder &b, Location loc, Value tensor) {
  auto t = cast<RankedTensorType>(tensor.getType());
  return bufferization::ToBufferOp::create(b, loc, memrefOf(t), tensor,
                                           /*read_only=*/true);
}

/// A new buffer of tensor type `t` whose dynamic sizes are `sizes`.
Value allocBuffer(OpBuilder &b, Location loc, RankedTensorType t,
                  ArrayRef<Value> sizes) {
  SmallVector<Value> dyn;
  for (int64_t i = 0; i < t.getRank(); ++i)
    if (t.isDynamicDim(i))
      dyn.push_back(sizes[i]);
  return memref::AllocOp::create(b, loc, memrefOf(t), dyn, b.getI64IntegerAttr(64));
}

Value toTensor(OpBuilder &b, Location loc, RankedTensorType t, Value buf) {
  return bufferization::ToTensorOp::create(b, loc, t, buf, /*restrict=*/true,
                                           /*writable=*/true);
}

/// 1-D view of an identity-layout buffer (rank 0 becomes [1]).
Value flat(OpBuilder &b, Location loc, Value buf) {
  auto t = cast<MemRefType>(buf.getType());
  if (t.getRank() == 1)
    return buf;
  if (t.getRank() == 0)
    return memref::ExpandShapeOp::create(
        b, loc, MemRefType::get({1}, t.getElementType()), buf,
        ArrayRef<ReassociationIndices>{}, ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
  ReassociationIndices all;
  for (int64_t i = 0; i < t.getRank(); ++i)
    all.push_back(i);
  return memref::CollapseShapeOp::create(b, loc, buf,
                                         ArrayRef<ReassociationIndices>{all});
}

//===----------------------------------------------------------------------===//
// Loops
//===----------------------------------------------------------------------===//

/// scf.for from lb to ub with step; body gets the iv.
void forLoop(OpBuilder &b, Location loc, Value lb, Value ub, Value step,
             function_ref<void(OpBuilder &, Value)> body) {
  scf::ForOp::create(b, loc, lb, ub, step, ValueRange{},
                     [&](OpBuilder &nb, Location, Value iv, ValueRange) {
                       body(nb, iv);
                       scf::YieldOp::create(nb, loc);
                     });
}

/// scf.for carrying one value.
Value forLoopCarry(OpBuilder &b, Location loc, Value lb, Value ub, Value step,
                   Value init,
                   function_ref<Value(OpBuilder &, Value, Value)> body) {
  auto op = scf::ForOp::create(
      b, loc, lb, ub, step, ValueRange{init},
      [&](OpBuilder &nb, Location, Value iv, ValueRange args) {
        Value r = body(nb, iv, args[0]);
        scf::YieldOp::create(nb, loc, r);
      });
  return op.getResult(0);
}


/// Calls fn(start, valid, full) for the vector chunks of a block of length
/// L (static value staticL, or 0): full chunks unrolled when there are at
/// most 8, else in a loop, then a masked tail when L % vw may be nonzero.
void forEachChunk(OpBuilder &b, Location loc, Value L, int64_t staticL,
                  unsigned vw, function_ref<void(Value, Value, bool)> fn) {
  Idx ix{b, loc};
  bool mayTail = !(staticL > 0 && staticL % vw == 0);
  int64_t nChunks = mayTail ? 0 : staticL / vw;
  Value fullChunks = ix.div(L, ix.c(vw));
  if (nChunks > 0 && nChunks <= 8) {
    for (int64_t c = 0; c < nChunks; ++c)
      fn(ix.c(c * vw), {}, true);
  } else {
    forLoop(b, loc, ix.c(0), fullChunks, ix.c(1),
            [&](OpBuilder &, Value c) { fn(ix.mul(c, ix.c(vw)), {}, true); });
  }
  if (!mayTail)
    return;
  Value tailStart = ix.mul(fullChunks, ix.c(vw));
  Value tail = ix.sub(L, tailStart);
  Value has =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, tail, ix.c(0));
  scf::IfOp::create(b, loc, has, [&](OpBuilder &, Location) {
    fn(tailStart, tail, false);
    scf::YieldOp::create(b, loc);
  });
}

Value laneMask(OpBuilder &b, Location loc, Value valid, int64_t n) {
  return vector::CreateMaskOp::create(b, loc, VectorType::get({n}, b.getI1Type()),
                                      ValueRange{valid});
}

} // namespace qf::kernel
