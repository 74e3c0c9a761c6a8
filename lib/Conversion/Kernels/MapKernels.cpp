//===- MapKernels.cpp - qf.map as one kernel --------------------------------===//
//
// Elementwise bodies run on vectors between the decode of their inputs and
// the encode of their result (BlockCodec), in registers; bodies with row
// reductions run a row at a time (RowKernels.cpp).
//
//===----------------------------------------------------------------------===//
#include "qf/Conversion/Kernels/FusedKernels.h"

#include "qf/Conversion/Kernels/BlockCodec.h"
#include "qf/Conversion/Kernels/TargetInfo.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;
namespace nm = qf::numerics;
namespace qf::kernel {

Value emitBodyOnVectors(
    OpBuilder &b, Location loc, Block &body, ValueRange args, unsigned lanes,
    ArrayRef<std::pair<Value, Value>> scalars) {
  IRMapping m;
  for (auto [arg, v] : llvm::zip(body.getArguments(), args))
    m.map(arg, v);
  for (auto [v, s] : scalars)
    m.map(v, isa<VectorType>(s.getType())
                 ? s
                 : vector::BroadcastOp::create(
                       b, loc, VectorType::get({lanes}, s.getType()), s)
                       .getResult());
  for (Operation &op : body.without_terminator()) {
    if (op.getNumResults() == 1 && m.contains(op.getResult(0)))
      continue; // given (a row reduction, or a value computed with one)
    if (auto c = dyn_cast<arith::ConstantOp>(op)) {
      auto vt = VectorType::get({lanes}, c.getType());
      m.map(c.getResult(),
            arith::ConstantOp::create(
                b, loc, vt, SplatElementsAttr::get(vt, c.getValue()))
                .getResult());
      continue;
    }
    Operation *n = b.clone(op, m);
    for (Value r : n->getResults())
      r.setType(VectorType::get({lanes}, r.getType()));
  }
  return m.lookup(body.getTerminator()->getOperand(0));
}

namespace {

/// The inputs of a qf.map kernel as f32 tensors (quantized ones decoded by
/// the dequantize kernel) with their maps; returns the first input read at
/// the identity (it gives the dynamic sizes).
Value decodeMapInputs(OpBuilder &b, Location loc,
                      ArrayRef<MapInput> inputs, const qf::TargetInfo &target,
                      SmallVectorImpl<Value> &tensors,
                      SmallVectorImpl<AffineMap> &maps) {
  Value sizeSource;
  for (const MapInput &in : inputs) {
    Value t = in.tensor;
    if (in.qtype)
      t = emitDequantize(b, loc, storageOf(in.storage), in.qtype,
                         RankedTensorType::get(in.qtype.getShape(),
                                               b.getF32Type()),
                         target);
    tensors.push_back(t);
    maps.push_back(in.map);
    if (!sizeSource && in.map.isIdentity())
      sizeSource = t;
  }
  return sizeSource;
}

/// Whether every chunk of vw lanes at a multiple of vw lies in one row and
/// one block of a quantized tensor of type `t` (innermost size `inner`).
bool chunkInOneBlock(qf::QTensorType t, unsigned vw, bool asResult) {
  nm::BlockFormat f = t.getFormat().toNumerics();
  int64_t r = t.getRank();
  if (f.blockKind == nm::BlockKind::Tensor)
    return true;
  if (t.getAxis() != r - 1)
    return asResult; // the lane kernel keeps whole rows of lanes
  if (f.blockKind == nm::BlockKind::Channel)
    return true;
  return f.blockSize % vw == 0;
}

/// qf.map whose body has row reductions: one row of the result (its last,
/// static axis) per iteration of a parallel loop. Per row, one sequential
/// scalar loop per qf.row_reduce in body order (inputs read through their
/// broadcast maps, in the order of the unfused linalg reduction lowered to
/// loops), with a row stash of a reduced value the body reuses; then the
/// body on vectors with the reductions broadcast, encoded by the row
/// quantize kernel or stored as f32. The row is read again by the vector
/// body while it is still in cache, and no f32 tensor reaches memory.
/// Results the row kernel cannot encode (blocks that are not whole vector
/// chunks along the last axis, tensor-scale formats without static scales)
/// take the unfused program, which computes the same bits.
FailureOr<SmallVector<Value>>
emitRowMap(OpBuilder &b, Location loc, ArrayRef<MapInput> inputs,
           Block &body, Type resultType, Value scales, Value tensorScale,
           const qf::TargetInfo &target) {
  unsigned vw = target.getVectorWidth();
  auto qt = dyn_cast<qf::QTensorType>(resultType);
  auto outT = qt ? RankedTensorType::get(qt.getShape(), b.getF32Type())
                 : cast<RankedTensorType>(resultType);
  ArrayRef<int64_t> shape = outT.getShape();
  int64_t r = shape.size();
  int64_t L = shape.back(); // static: the verifier checks it
  // The reduction loops read scalars: a quantized input is decoded by the
  // dequantize kernel first (exactly what qf.map's decode computes).
  SmallVector<Value> ts;
  SmallVector<AffineMap> maps;
  Value sizeSource = decodeMapInputs(b, loc, inputs, target, ts, maps);
  Idx ix{b, loc};
  SmallVector<Value> sizes = dimSizes(b, loc, sizeSource);
  Value rows = product(ix, sizes, 0, r - 1);
  SmallVector<Value> bufs;
  SmallVector<SmallVector<unsigned>> dims;
  for (auto [t, map] : llvm::zip(ts, maps)) {
    bufs.push_back(flat(b, loc, readBuffer(b, loc, t)));
    SmallVector<unsigned> d;
    for (AffineExpr e : map.getResults())
      d.push_back(cast<AffineDimExpr>(e).getPosition());
    dims.push_back(d);
  }
  FailureOr<RowQuantizeOutput> out;
  Value outBuf, outFlat;
  if (qt) {
    out = beginRowQuantize(b, loc, qt, sizes, scales, tensorScale);
    if (failed(out))
      return failure();
  } else {
    outBuf = allocBuffer(b, loc, outT, sizes);
    outFlat = flat(b, loc, outBuf);
  }
  SmallVector<qf::RowReduceOp> reds(body.getOps<qf::RowReduceOp>());
  BlockCodec f32Kernels(b, loc, target, nm::BlockFormat(), 8);
  VectorType vf = VectorType::get({vw}, b.getF32Type());
  target.emitParallelLoop(b, loc, {rows}, [&](OpBuilder &nb, ValueRange ivs) {
    OpBuilder::InsertionGuard gd(b);
    b.setInsertionPointToEnd(nb.getInsertionBlock());
    Value row = ivs[0];
    Value rowBase = ix.mul(row, ix.c(L));
    // The row's index along the leading dims, for broadcast inputs.
    SmallVector<Value> idx(r);
    Value rem = row;
    for (int64_t d = r - 2; d >= 0; --d) {
      idx[d] = arith::RemUIOp::create(b, loc, rem, sizes[d]);
      rem = ix.div(rem, sizes[d]);
    }
    // Flat index of input k at column c of this row.
    auto offset = [&](Idx &jx, size_t k, Value c) -> Value {
      if (maps[k].isIdentity())
        return jx.add(rowBase, c);
      Value off = jx.c(0);
      for (unsigned d : dims[k])
        off = jx.add(jx.mul(off, sizes[d]), d == unsigned(r - 1) ? c : idx[d]);
      return off;
    };
    auto readsRow = [&](size_t k) {
      return !dims[k].empty() && dims[k].back() == unsigned(r - 1);
    };
    SmallVector<Value> stashes;
    for (qf::RowReduceOp red : reds)
      stashes.push_back(
          rowReduceStashed(red)
              ? memref::AllocOp::create(b, loc, MemRefType::get({L}, b.getF32Type()),
                                        ValueRange{}, b.getI64IntegerAttr(64))
                    .getResult()
              : Value());
    SmallVector<std::pair<Value, Value>> scalars =
        emitRowReductionLoops(
            b, loc, reds, stashes, ix.c(0), ix.c(L),
            [&](OpBuilder &lb, Value l, IRMapping &m) {
              Idx jx{lb, loc};
              for (size_t k = 0; k < bufs.size(); ++k)
                m.map(body.getArgument(k),
                      memref::LoadOp::create(lb, loc, bufs[k],
                                             ValueRange{offset(jx, k, l)})
                          .getResult());
            });
    LoadFn load = [&](Value at, Value valid, bool full) -> Value {
      Value col = ix.sub(at, rowBase);
      SmallVector<Value> args;
      for (size_t k = 0; k < bufs.size(); ++k) {
        if (readsRow(k)) {
          args.push_back(
              f32Kernels.loadF32(bufs[k], offset(ix, k, col), valid, full));
          continue;
        }
        // One value for the whole row, in every lane.
        Value v = memref::LoadOp::create(b, loc, bufs[k],
                                         ValueRange{offset(ix, k, ix.c(0))});
        args.push_back(vector::BroadcastOp::create(b, loc, vf, v));
      }
      SmallVector<std::pair<Value, Value>> given(scalars);
      appendStashedValues(b, loc, reds, stashes, col, valid, full,
                                      target, given);
      return emitBodyOnVectors(b, loc, body, args, vw, given);
    };
    if (qt)
      emitQuantizeRow(b, loc, *out, row, load, target);
    else
      emitStoreRowF32(b, loc, outFlat, rowBase, L, load, target);
  });
  if (qt)
    return endRowQuantize(b, loc, *out, target);
  return SmallVector<Value>{toTensor(b, loc, outT, outBuf)};
}

} // namespace

FailureOr<SmallVector<Value>> emitMapKernel(
    OpBuilder &b, Location loc, ArrayRef<MapInput> inputs, Block &body,
    Type resultType, Value scales, Value tensorScale,
    const qf::TargetInfo &target) {
  if (!body.getOps<qf::RowReduceOp>().empty())
    return emitRowMap(b, loc, inputs, body, resultType, scales, tensorScale,
                      target);
  unsigned vw = target.getVectorWidth();
  auto qt = dyn_cast<qf::QTensorType>(resultType);
  ArrayRef<int64_t> shape =
      qt ? qt.getShape() : cast<RankedTensorType>(resultType).getShape();
  int64_t r = shape.size();
  Idx ix{b, loc};
  // Sizes from the first identity input.
  SmallVector<Value> sizes;
  for (const MapInput &in : inputs) {
    if (!in.map.isIdentity())
      continue;
    Value src = in.qtype ? in.storage[0] : in.tensor;
    sizes = dimSizes(b, loc, src);
    sizes.back() = ix.c(shape[r - 1]); // packed codes hide it
    break;
  }
  for (int64_t i = 0; i < r; ++i)
    if (!ShapedType::isDynamic(shape[i]))
      sizes[i] = ix.c(shape[i]);
  Value n = product(ix, sizes, 0, r);

  // Per-input state, set up outside the loops.
  struct In {
    const MapInput *in;
    std::unique_ptr<BlockCodec> kn;
    Value buf; ///< f32: flat buffer; quantized: flat packed codes
    Value scales, g;
    int64_t blockLen = 0; ///< elements per scale along the row; 0: one scale
    bool channel = false;
    SmallVector<unsigned> dims; ///< broadcast: the result dims it reads
  };
  SmallVector<In> ins;
  for (const MapInput &in : inputs) {
    In s;
    s.in = &in;
    if (in.qtype) {
      nm::BlockFormat f = in.qtype.getFormat().toNumerics();
      s.kn = std::make_unique<BlockCodec>(b, loc, target, f, in.qtype.getElementBits());
      s.buf = flat(b, loc, readBuffer(b, loc, in.storage[0]));
      s.scales = flat(b, loc, readBuffer(b, loc, in.storage[1]));
      if (in.storage.size() > 2)
        s.g = tensor::ExtractOp::create(b, loc, in.storage[2], ValueRange{});
      if (f.blockKind == nm::BlockKind::Fixed)
        s.blockLen = f.blockSize;
      s.channel = f.blockKind == nm::BlockKind::Channel;
    } else {
      s.buf = flat(b, loc, readBuffer(b, loc, in.tensor));
      for (AffineExpr e : in.map.getResults())
        s.dims.push_back(cast<AffineDimExpr>(e).getPosition());
    }
    ins.push_back(std::move(s));
  }
  bool anyBroadcast = llvm::any_of(
      inputs, [](const MapInput &in) { return !in.map.isIdentity(); });
  BlockCodec f32Kernels(b, loc, target, nm::BlockFormat(), 8);

  LoadFn load = [&, n, r](Value at, Value valid, bool full) -> Value {
    // Scalar positions stay inside the tensor for an empty masked tail.
    Value atS = full ? at : ix.min(at, ix.sub(n, ix.c(1)));
    SmallVector<Value> idx(r);
    if (anyBroadcast) {
      Value rem = atS;
      for (int64_t d = r - 1; d >= 0; --d) {
        idx[d] = arith::RemUIOp::create(b, loc, rem, sizes[d]);
        rem = ix.div(rem, sizes[d]);
      }
    }
    VectorType vf = VectorType::get({vw}, b.getF32Type());
    SmallVector<Value> args;
    for (In &s : ins) {
      const MapInput &in = *s.in;
      if (in.qtype) {
        BlockCodec &kn = *s.kn;
        Value byteAt = ix.div(ix.mul(at, ix.c(kn.bits)), ix.c(8));
        Value codes = kn.loadCodes(s.buf, byteAt, valid, full);
        Value si = s.blockLen ? ix.div(atS, ix.c(s.blockLen))
                   : s.channel ? ix.div(atS, sizes[r - 1])
                               : ix.c(0);
        Value stored = kn.loadScale(s.scales, si);
        Value sv = vector::BroadcastOp::create(
            b, loc, VectorType::get({vw}, stored.getType()), stored);
        args.push_back(kn.decode(codes, sv, s.g));
        continue;
      }
      if (in.map.isIdentity()) {
        if (full) // a stream from memory (see kStreamPrefetchBytes)
          target.emitPrefetch(b, loc, s.buf,
                              ix.add(at, ix.c(kStreamPrefetchBytes / 4)));
        args.push_back(f32Kernels.loadF32(s.buf, at, valid, full));
        continue;
      }
      // Broadcast: the flat index in the operand from the result index.
      Value off = ix.c(0);
      for (unsigned d : s.dims)
        off = ix.add(ix.mul(off, sizes[d]), idx[d]);
      if (!s.dims.empty() && s.dims.back() == unsigned(r - 1)) {
        args.push_back(f32Kernels.loadF32(s.buf, off, valid, full));
      } else {
        Value v = memref::LoadOp::create(b, loc, s.buf, ValueRange{off});
        args.push_back(vector::BroadcastOp::create(b, loc, vf, v));
      }
    }
    return emitBodyOnVectors(b, loc, body, args, vw);
  };

  if (qt) {
    Storage given;
    given.scales = scales;
    given.ts = tensorScale;
    FailureOr<Storage> st = emitQuantizeFrom(b, loc, sizes, load, qt, given, target);
    if (failed(st))
      return failure();
    return valuesOf(*st);
  }
  auto outT = cast<RankedTensorType>(resultType);
  Value outBuf = allocBuffer(b, loc, outT, sizes);
  Value outFlat = flat(b, loc, outBuf);
  target.emitParallelLoop(b, loc, {ix.div(n, ix.c(vw))}, [&](OpBuilder &nb, ValueRange ivs) {
    OpBuilder::InsertionGuard gd(b);
    b.setInsertionPointToEnd(nb.getInsertionBlock());
    Value at = ix.mul(ivs[0], ix.c(vw));
    f32Kernels.storeF32(load(at, {}, true), outFlat, at, {}, true);
  });
  return SmallVector<Value>{toTensor(b, loc, outT, outBuf)};
}

qf::Support mapKernelSupport(qf::MapOp op, const qf::TargetInfo &target) {
  unsigned vw = target.getVectorWidth();
  Type resultType = op.getResult().getType();
  auto qt = dyn_cast<qf::QTensorType>(resultType);
  ArrayRef<int64_t> shape = op.getResultShape();
  int64_t r = shape.size();
  // The row kernel: rows along the static last axis (the verifier checks
  // it), encoded a row at a time by the target's row encoder.
  if (!op.getBody().front().getOps<qf::RowReduceOp>().empty())
    return qt ? target.supportsRowEncode(qt)
              : qf::Support::yes();
  // Every chunk of vw lanes at a multiple of vw lies in one row, and in one
  // block of every operand.
  if (r < 1 || ShapedType::isDynamic(shape[r - 1]) || shape[r - 1] % vw != 0)
    return qf::Support::no("the innermost size is not a static multiple of " +
                           Twine(vw));
  for (Value in : op.getInputs())
    if (auto q = dyn_cast<qf::QTensorType>(in.getType()))
      if (!chunkInOneBlock(q, vw, /*asResult=*/false))
        return qf::Support::no("vectors of " + Twine(vw) +
                               " lanes straddle blocks of an input");
  if (qt && !chunkInOneBlock(qt, vw, /*asResult=*/true))
    return qf::Support::no("vectors of " + Twine(vw) +
                           " lanes straddle blocks of the result");
  return qf::Support::yes();
}

} // namespace qf::kernel
