//===- QuantizeKernels.cpp - qf.quantize as a kernel (row, lane, tensor) -===//
//
// See BlockView.h for the views the kernels iterate over.
//
//===----------------------------------------------------------------------===//
#include "BlockView.h"

#include "qf/Conversion/Kernels/BlockCodec.h"
#include "qf/Conversion/Kernels/BlockKernels.h"
#include "qf/Conversion/Kernels/Codecs.h"
#include "qf/Conversion/Kernels/ScaleCodec.h"
#include "qf/Conversion/Kernels/TargetInfo.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cfloat>
#include <numeric>

using namespace mlir;
namespace nm = qf::numerics;

namespace qf::kernel {

namespace {

/// Inputs of a quantize kernel.
struct QuantizeArgs {
  LoadFn load;        ///< the input values (a buffer or a fused computation)
  Value packed;       ///< 1-D output bytes
  Value scales;       ///< 1-D scales (written when computed, read when static)
  bool staticScales = false;
  Value sEnc;         ///< f32 scalar tensor encode scale (float scales)
};

/// Row kernel over groups of `vw` consecutive blocks of a row: the blocks'
/// scales are computed together in vector registers (one lane per block),
/// which amortizes the scale arithmetic over short blocks (NVFP4's 16).
void emitRowQuantizeGrouped(BlockCodec &kn, const QView &v, const QuantizeArgs &a) {
  OpBuilder &b = kn.b;
  Location loc = kn.loc;
  Idx ix{b, loc};
  unsigned vw = kn.vw;
  int64_t nChunks = v.staticL / vw;
  Value groups = ix.c(v.staticNb / vw);
  VectorType it = VectorType::get({vw}, b.getI32Type());
  VectorType ft = VectorType::get({vw}, b.getF32Type());
  kn.target.emitParallelLoop(b, loc, {v.P, groups}, [&](OpBuilder &nb, ValueRange ivs) {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToEnd(nb.getInsertionBlock());
    KB k = kn.kb();
    Value p = ivs[0], grp = ivs[1];
    Value firstBlock = ix.mul(grp, ix.c(vw));
    Value groupBase = ix.add(ix.mul(p, v.K), ix.mul(firstBlock, v.L));
    Value scaleAt = ix.add(ix.mul(p, v.nb), firstBlock);
    Value sEncV = a.sEnc ? vector::BroadcastOp::create(b, loc, ft, a.sEnc).getResult()
                         : Value();
    ScaleInfo s;
    Type selt = cast<MemRefType>(a.scales.getType()).getElementType();
    if (a.staticScales) {
      Value st = vector::LoadOp::create(b, loc, VectorType::get({vw}, selt),
                                        a.scales, ValueRange{scaleAt});
      if (kn.byteScales())
        st = arith::ExtUIOp::create(b, loc, it, st);
      s = kn.fromStored(st, sEncV);
    } else {
      // One vector of |x| maxima per block (lane-wise over its chunks), then
      // a transposing tree reduction: step h halves the lanes per block and
      // merges two vectors, so vw blocks take vw - 1 merges instead of vw
      // horizontal reductions; lane j of the result is block j's amax.
      SmallVector<Value> level;
      for (unsigned j = 0; j < vw; ++j) {
        Value blockBase = ix.add(groupBase, ix.c(int64_t(j) * v.staticL));
        Value m;
        for (int64_t c = 0; c < nChunks; ++c) {
          Value x = a.load(ix.add(blockBase, ix.c(c * vw)), {}, true);
          Value ab = absBits(k, x);
          m = m ? arith::MaxSIOp::create(b, loc, m, ab).getResult() : ab;
        }
        level.push_back(m);
      }
      for (int64_t h = vw / 2; h >= 1; h /= 2) {
        SmallVector<int64_t> lo, hi;
        int64_t blocksPer = int64_t(vw) / (2 * h);
        for (int64_t side = 0; side < 2; ++side)
          for (int64_t i = 0; i < blocksPer; ++i)
            for (int64_t l = 0; l < h; ++l) {
              lo.push_back(side * vw + i * 2 * h + l);
              hi.push_back(side * vw + i * 2 * h + h + l);
            }
        SmallVector<Value> next;
        for (size_t i = 0; i + 1 < level.size(); i += 2) {
          Value l = vector::ShuffleOp::create(b, loc, level[i], level[i + 1], lo);
          Value r = vector::ShuffleOp::create(b, loc, level[i], level[i + 1], hi);
          next.push_back(arith::MaxSIOp::create(b, loc, l, r));
        }
        level = next;
      }
      Value amax = level[0];
      s = kn.fromAmax(amax, sEncV);
      Value st = s.stored;
      if (kn.byteScales())
        st = arith::TruncIOp::create(b, loc, VectorType::get({vw}, selt), st);
      vector::StoreOp::create(b, loc, st, a.scales, ValueRange{scaleAt});
    }
    // The vw blocks unrolled: each takes its scale from a constant lane
    // (a register permute; a loop index would extract through memory).
    for (int64_t j = 0; j < int64_t(vw); ++j) {
      ScaleInfo sv = kn.splatInfo(s.map([&](Value vec) -> Value {
        return vector::ExtractOp::create(b, loc, vec, ArrayRef<int64_t>{j});
      }));
      Value blockBase = ix.add(groupBase, ix.mul(ix.c(j), v.L));
      for (int64_t c = 0; c < nChunks; ++c) {
        Value at = ix.add(blockBase, ix.c(c * vw));
        Value x = a.load(at, {}, true);
        kn.storeCodes(kn.encode(x, sv), a.packed,
                      ix.div(ix.mul(at, ix.c(v.bits)), ix.c(8)), {}, true);
      }
    }
  });
}

/// Stores the codes of the full vector chunk at element `at` of the row
/// kernel: unpacked bytes into `codesBuf` when given, else packed.
void storeChunkCodes(BlockCodec &kn, const QView &v, const QuantizeArgs &a,
                     Value codesBuf, Value at, Value codes) {
  OpBuilder &b = kn.b;
  Location loc = kn.loc;
  Idx ix{b, loc};
  if (codesBuf) {
    Value c8 = arith::TruncIOp::create(
        b, loc, VectorType::get({kn.vw}, b.getI8Type()), codes);
    vector::StoreOp::create(b, loc, c8, codesBuf, ValueRange{at});
    return;
  }
  kn.storeCodes(codes, a.packed, ix.div(ix.mul(at, ix.c(v.bits)), ix.c(8)), {},
                true);
}

/// One block `blk` of row `p` of the row kernel: amax (or the static
/// scale), scale, encode. Short static blocks stay in registers.
void emitRowBlock(BlockCodec &kn, const QView &v, const QuantizeArgs &a,
                  Value codesBuf, Value p, Value blk) {
  OpBuilder &b = kn.b;
  Location loc = kn.loc;
  Idx ix{b, loc};
  unsigned vw = kn.vw;
  Value rowBase = ix.add(ix.mul(p, v.K), ix.mul(blk, v.L));
  Value scaleIdx = ix.add(ix.mul(p, v.nb), blk);
  Value fullChunks = ix.div(v.L, ix.c(vw));
  Value tail = ix.sub(v.L, ix.mul(fullChunks, ix.c(vw)));
  Value tailStart = ix.mul(fullChunks, ix.c(vw));
  bool mayTail = !(v.staticL > 0 && v.staticL % vw == 0);
  // Short static blocks (e.g. 16 or 32 elements): straight-line code, the
  // chunks stay in registers between the amax and the encoding.
  int64_t nChunks = mayTail ? 0 : v.staticL / vw;
  if (nChunks > 0 && nChunks <= 8) {
    KB k = kn.kb();
    SmallVector<Value> xs;
    for (int64_t c = 0; c < nChunks; ++c)
      xs.push_back(a.load(ix.add(rowBase, ix.c(c * vw)), {}, true));
    ScaleInfo s;
    if (a.staticScales) {
      s = kn.fromStored(kn.loadScale(a.scales, scaleIdx), a.sEnc);
    } else {
      Value m = absBits(k, xs[0]);
      for (int64_t c = 1; c < nChunks; ++c)
        m = arith::MaxSIOp::create(b, loc, m, absBits(k, xs[c]));
      Value amax =
          vector::ReductionOp::create(b, loc, vector::CombiningKind::MAXSI, m);
      s = kn.fromAmax(amax, a.sEnc);
      kn.storeScale(s.stored, a.scales, scaleIdx);
    }
    ScaleInfo sv = kn.splatInfo(s);
    for (int64_t c = 0; c < nChunks; ++c) {
      Value codes = kn.encode(xs[c], sv);
      storeChunkCodes(kn, v, a, codesBuf, ix.add(rowBase, ix.c(c * vw)), codes);
    }
    return;
  }
  ScaleInfo s;
  if (a.staticScales) {
    s = kn.fromStored(kn.loadScale(a.scales, scaleIdx), a.sEnc);
  } else {
    KB k = kn.kb();
    Value amaxV = forLoopCarry(
        b, loc, ix.c(0), fullChunks, ix.c(1),
        k.i32(VectorType::get({vw}, b.getI32Type()), 0),
        [&](OpBuilder &, Value c, Value acc) -> Value {
          Value x = a.load(ix.add(rowBase, ix.mul(c, ix.c(vw))), {},
                               true);
          return arith::MaxSIOp::create(b, loc, acc, absBits(k, x));
        });
    Value amax = vector::ReductionOp::create(
        b, loc, vector::CombiningKind::MAXSI, amaxV);
    if (mayTail) {
      Value x = a.load(ix.add(rowBase, tailStart), tail, false);
      amax = arith::MaxSIOp::create(b, loc, amax, kn.absMaxScalar(x));
    }
    s = kn.fromAmax(amax, a.sEnc);
    kn.storeScale(s.stored, a.scales, scaleIdx);
  }
  ScaleInfo sv = kn.splatInfo(s);
  auto encodeChunk = [&](Value start, Value valid, bool full) {
    Value x = a.load(ix.add(rowBase, start), valid, full);
    Value codes = kn.encode(x, sv);
    if (codesBuf) {
      Value c8 = arith::TruncIOp::create(
          b, loc, VectorType::get({vw}, b.getI8Type()), codes);
      Value at = ix.add(rowBase, start);
      if (full)
        vector::StoreOp::create(b, loc, c8, codesBuf, ValueRange{at});
      else
        vector::MaskedStoreOp::create(b, loc, codesBuf, ValueRange{at},
                                      kn.mask(valid, vw), c8);
      return;
    }
    Value byteAt = ix.div(ix.mul(ix.add(rowBase, start), ix.c(v.bits)), ix.c(8));
    kn.storeCodes(codes, a.packed, byteAt, valid, full);
  };
  forEachChunk(b, loc, v.L, v.staticL, vw, encodeChunk);
}

/// How many lanes (consecutive parallel iterations,
/// TargetInfo::getCooperativeLanes) share one block of the row kernel: a
/// power of two dividing the block's vector chunks, so that every lane has
/// the same number of full chunks. 1 where the target has no cooperating
/// iterations (the CPU) or the block length is not a static multiple of
/// the vector width.
unsigned blockLanes(BlockCodec &kn, const QView &v) {
  unsigned most = kn.target.getCooperativeLanes(kn.b);
  if (most <= 1 || v.staticL <= 0 || v.staticL % kn.vw != 0)
    return 1;
  int64_t chunks = v.staticL / kn.vw;
  unsigned n = 1;
  while (2 * n <= most && chunks % (2 * n) == 0)
    n *= 2;
  return n;
}

/// Block `blk` of row `p` shared by `n` lanes (blockLanes), this one
/// `lane`: lane l takes the vector chunks l, l + n, l + 2n, ... (neighbouring
/// lanes read neighbouring vectors), the block's amax is the lanes'
/// combined integer maximum (TargetInfo::emitGroupMaxSI, exact in any
/// order), every lane derives the same scale from it, lane 0 stores it, and
/// each lane encodes its own chunks.
void emitRowBlockLanes(BlockCodec &kn, const QView &v, const QuantizeArgs &a,
                       Value codesBuf, Value p, Value blk, Value lane,
                       unsigned n) {
  OpBuilder &b = kn.b;
  Location loc = kn.loc;
  Idx ix{b, loc};
  unsigned vw = kn.vw;
  KB k = kn.kb();
  Value rowBase = ix.add(ix.mul(p, v.K), ix.mul(blk, v.L));
  Value scaleIdx = ix.add(ix.mul(p, v.nb), blk);
  int64_t perLane = v.staticL / vw / n;
  // Element offset of this lane's j-th chunk.
  auto chunkAt = [&](Value j) {
    return ix.add(rowBase, ix.mul(ix.add(lane, ix.mul(j, ix.c(n))), ix.c(vw)));
  };
  // Few chunks per lane stay in registers between the amax and the encoding.
  bool inRegisters = perLane <= 8;
  SmallVector<Value> xs;
  if (inRegisters)
    for (int64_t j = 0; j < perLane; ++j)
      xs.push_back(a.load(chunkAt(ix.c(j)), {}, true));
  ScaleInfo s;
  if (a.staticScales) {
    s = kn.fromStored(kn.loadScale(a.scales, scaleIdx), a.sEnc);
  } else {
    Value m;
    if (inRegisters) {
      m = absBits(k, xs[0]);
      for (int64_t j = 1; j < perLane; ++j)
        m = arith::MaxSIOp::create(b, loc, m, absBits(k, xs[j]));
    } else {
      m = forLoopCarry(b, loc, ix.c(0), ix.c(perLane), ix.c(1),
                       k.i32(VectorType::get({vw}, b.getI32Type()), 0),
                       [&](OpBuilder &, Value j, Value acc) -> Value {
                         Value x = a.load(chunkAt(j), {}, true);
                         return arith::MaxSIOp::create(b, loc, acc,
                                                       absBits(k, x));
                       });
    }
    Value amax =
        vector::ReductionOp::create(b, loc, vector::CombiningKind::MAXSI, m);
    amax = kn.target.emitGroupMaxSI(b, loc, amax, n);
    s = kn.fromAmax(amax, a.sEnc);
    Value first =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, lane, ix.c(0));
    auto store = scf::IfOp::create(b, loc, first, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(&store.getThenRegion().front());
    kn.storeScale(s.stored, a.scales, scaleIdx);
  }
  ScaleInfo sv = kn.splatInfo(s);
  if (inRegisters) {
    for (int64_t j = 0; j < perLane; ++j)
      storeChunkCodes(kn, v, a, codesBuf, chunkAt(ix.c(j)),
                      kn.encode(xs[j], sv));
    return;
  }
  forLoop(b, loc, ix.c(0), ix.c(perLane), ix.c(1), [&](OpBuilder &, Value j) {
    Value at = chunkAt(j);
    storeChunkCodes(kn, v, a, codesBuf, at,
                    kn.encode(a.load(at, {}, true), sv));
  });
}

/// Row kernel (axis innermost). Codes go to `codesBuf` (1-D i8, unpacked)
/// when the chunks do not align with packing groups.
void emitRowQuantize(BlockCodec &kn, const QView &v, const QuantizeArgs &a,
                     Value codesBuf) {
  OpBuilder &b = kn.b;
  Location loc = kn.loc;
  unsigned vw = kn.vw;
  if (unsigned n = blockLanes(kn, v); n > 1) {
    Idx ix{b, loc};
    kn.target.emitParallelLoop(
        b, loc, {v.P, v.nb, ix.c(n)}, [&](OpBuilder &nb, ValueRange ivs) {
          OpBuilder::InsertionGuard g(b);
          b.setInsertionPointToEnd(nb.getInsertionBlock());
          emitRowBlockLanes(kn, v, a, codesBuf, ivs[0], ivs[1], ivs[2], n);
        });
    return;
  }
  if (!codesBuf && v.staticL > 0 && v.staticL % vw == 0 &&
      v.staticL / vw <= 8 && v.staticNb > 0 && v.staticNb % vw == 0)
    return emitRowQuantizeGrouped(kn, v, a);
  kn.target.emitParallelLoop(b, loc, {v.P, v.nb}, [&](OpBuilder &nb, ValueRange ivs) {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToEnd(nb.getInsertionBlock());
    emitRowBlock(kn, v, a, codesBuf, ivs[0], ivs[1]);
  });
}

/// Lane kernel: lanes along W; blocks of L rows along K. `scalarScale`: one
/// scale for the whole tensor at index 0 (already in `a.scales`).
void emitLaneQuantize(BlockCodec &kn, const QView &v, const QuantizeArgs &a,
                      bool scalarScale) {
  OpBuilder &b = kn.b;
  Location loc = kn.loc;
  Idx ix{b, loc};
  unsigned vw = kn.vw;
  LaneGeometry lg = laneGeometry(ix, v);
  Value P = lg.P, K = lg.K, Q1 = lg.Q1, W = lg.W, L = lg.L, nbk = lg.nb;
  Value chunks = ix.ceilDiv(W, vw);
  kn.target.emitParallelLoop(b, loc, {P, Q1, chunks}, [&](OpBuilder &nb, ValueRange ivs) {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToEnd(nb.getInsertionBlock());
    Value p = ivs[0], q1 = ivs[1], wc = ivs[2];
    Value w0 = ix.mul(wc, ix.c(vw));
    Value valid = ix.min(ix.sub(W, w0), ix.c(vw));
    Value m = kn.mask(valid, vw);
    auto elemAt = [&](Value k) {
      return ix.add(ix.mul(ix.add(ix.mul(ix.add(ix.mul(p, K), k), Q1), q1), W), w0);
    };
    auto byteAt = [&](Value k) {
      Value row = ix.add(ix.mul(ix.add(ix.mul(p, K), k), Q1), q1);
      return ix.add(ix.mul(row, v.Wp), ix.div(ix.mul(w0, ix.c(v.bits)), ix.c(8)));
    };
    auto scaleIdx = [&](Value blk) -> Value {
      return laneScaleIndices(b, loc, lg, p, q1, w0, blk, vw, scalarScale);
    };
    forLoop(b, loc, ix.c(0), nbk, ix.c(1), [&](OpBuilder &, Value blk) {
      Value k0 = ix.mul(blk, L);
      ScaleInfo s;
      Value sEncV = a.sEnc ? vector::BroadcastOp::create(
                                 b, loc, VectorType::get({vw}, b.getF32Type()),
                                 a.sEnc)
                                 .getResult()
                           : Value();
      if (a.staticScales || scalarScale) {
        s = kn.fromStored(kn.gatherScales(a.scales, scaleIdx(blk), m), sEncV);
      } else {
        KB k = kn.kb();
        VectorType it = VectorType::get({vw}, b.getI32Type());
        Value amax = forLoopCarry(
            b, loc, ix.c(0), L, ix.c(1), k.i32(it, 0),
            [&](OpBuilder &, Value l, Value acc) -> Value {
              Value x = a.load(elemAt(ix.add(k0, l)), valid, false);
              return arith::MaxSIOp::create(b, loc, acc,
                                            absBits(k, x));
            });
        s = kn.fromAmax(amax, sEncV);
        kn.scatterScales(s.stored, a.scales, scaleIdx(blk), m);
      }
      forLoop(b, loc, ix.c(0), L, ix.c(1), [&](OpBuilder &, Value l) {
        Value kk = ix.add(k0, l);
        Value x = a.load(elemAt(kk), valid, false);
        kn.storeCodes(kn.encode(x, s), a.packed, byteAt(kk), valid, false);
      });
    });
  });
}

} // namespace

Storage storageOf(ValueRange vals) {
  Storage s;
  s.packed = vals[0];
  s.scales = vals[1];
  if (vals.size() > 2)
    s.ts = vals[2];
  return s;
}

SmallVector<Value> valuesOf(const Storage &s) {
  SmallVector<Value> v{s.packed, s.scales};
  if (s.ts)
    v.push_back(s.ts);
  return v;
}

/// Emits a full quantize of f32 tensor `input` into type `t`; returns the
/// storage tensors. `given` holds static scales (and tensor scale) or nulls.
FailureOr<Storage> emitQuantizeFrom(OpBuilder &b, Location loc,
                                    ArrayRef<Value> sizesIn, LoadFn load,
                                    qf::QTensorType t, Storage given,
                                    const TargetInfo &target, Value amaxBits) {
  unsigned vw = target.getVectorWidth();
  Idx ix{b, loc};
  SmallVector<Value> sizes(sizesIn);
  QView v = makeView(b, loc, t, sizes);
  BlockCodec kn(b, loc, target, v.f, v.bits);
  RankedTensorType packedT = t.getPackedType(), scalesT = t.getScalesType();
  RankedTensorType tsT = t.getTensorScaleType();

  SmallVector<Value> packedSizes(sizes);
  if (!packedSizes.empty())
    packedSizes.back() = v.Wp;
  SmallVector<Value> scaleSizes;
  for (int64_t i = 0; i < t.getRank(); ++i)
    if (i != t.getAxis())
      scaleSizes.push_back(sizes[i]);
  if (!v.tensorBlock)
    scaleSizes.push_back(v.nb);

  Value packedBuf = allocBuffer(b, loc, packedT, packedSizes);
  Value packedFlat = flat(b, loc, packedBuf);
  Value scalesBuf, tsBuf;
  bool staticScales = bool(given.scales);
  if (staticScales)
    scalesBuf = readBuffer(b, loc, given.scales);
  else
    scalesBuf = allocBuffer(b, loc, scalesT, v.tensorBlock ? ArrayRef<Value>{}
                                                           : ArrayRef<Value>(scaleSizes));
  Value scalesFlat = flat(b, loc, scalesBuf);

  Type f32 = b.getF32Type();
  KB k{b, loc};
  Value sEnc;
  if (!kn.isMX()) {
    if (tsT) {
      if (given.ts) {
        Value g = tensor::ExtractOp::create(b, loc, given.ts, ValueRange{});
        sEnc = arith::DivFOp::create(b, loc, k.f32(f32, 1.0f), g);
        tsBuf = readBuffer(b, loc, given.ts);
      } else {
        Value amax = amaxBits ? amaxBits
                              : emitAmax(kn, load, v.N, /*finiteOnly=*/true);
        sEnc = tensorEncodeScale(k, kn.f, amax);
        Value g = arith::DivFOp::create(b, loc, k.f32(f32, 1.0f), sEnc);
        tsBuf = memref::AllocOp::create(b, loc, MemRefType::get({}, f32));
        memref::StoreOp::create(b, loc, g, tsBuf, ValueRange{});
      }
    } else {
      sEnc = k.f32(f32, 1.0f);
    }
  }

  QuantizeArgs args{load, packedFlat, scalesFlat, staticScales, sEnc};
  if (v.tensorBlock) {
    if (!staticScales) {
      // One block: the amax over everything (non-finite included), then the
      // scale, then the lane kernel encodes with it.
      Value amax = emitAmax(kn, load, v.N, /*finiteOnly=*/false);
      ScaleInfo s = kn.fromAmax(amax, sEnc);
      kn.storeScale(s.stored, scalesFlat, ix.c(0));
    }
    emitLaneQuantize(kn, v, args, /*scalarScale=*/true);
  } else if (v.rowKernel) {
    Value codesBuf;
    if (!rowKernelPacksInRegisters(v, vw)) {
      if (v.bits == 8)
        codesBuf = packedFlat;
      else
        codesBuf = memref::AllocOp::create(
            b, loc, MemRefType::get({ShapedType::kDynamic}, b.getI8Type()),
            ValueRange{v.N}, b.getI64IntegerAttr(64));
    }
    emitRowQuantize(kn, v, args, codesBuf);
    if (codesBuf && codesBuf != packedFlat)
      emitPackRows(kn, v, codesBuf, packedFlat);
  } else {
    emitLaneQuantize(kn, v, args, /*scalarScale=*/false);
  }

  Storage out;
  out.packed = toTensor(b, loc, packedT, packedBuf);
  out.scales = staticScales ? given.scales : toTensor(b, loc, scalesT, scalesBuf);
  if (tsT)
    out.ts = given.ts ? given.ts : toTensor(b, loc, tsT, tsBuf);
  return out;
}

/// f32 loads of the 1-D buffer `buf` read as a stream from memory: each
/// whole-vector load hints the element kStreamPrefetchBytes ahead (mxint8
/// from DRAM, one thread: 0.75 -> 0.37 ticks per element, its in-cache
/// cost).
static LoadFn streamLoad(BlockCodec &kn, Value buf) {
  return [&kn, buf](Value at, Value valid, bool full) {
    if (full) {
      Idx ix{kn.b, kn.loc};
      kn.target.emitPrefetch(kn.b, kn.loc, buf,
                             ix.add(at, ix.c(kStreamPrefetchBytes / 4)));
    }
    return kn.loadF32(buf, at, valid, full);
  };
}

/// emitQuantizeFrom reading the float tensor `input`.
FailureOr<Storage> emitQuantize(OpBuilder &b, Location loc, Value input,
                                qf::QTensorType t, Storage given,
                                const TargetInfo &target) {
  SmallVector<Value> sizes = dimSizes(b, loc, input);
  Value xBuf = flat(b, loc, readBuffer(b, loc, input));
  BlockCodec kn(b, loc, target, t.getFormat().toNumerics(), t.getElementBits());
  return emitQuantizeFrom(b, loc, sizes, streamLoad(kn, xBuf), t, given,
                          target);
}

FailureOr<RowQuantizeOutput>
beginRowQuantize(OpBuilder &b, Location loc, qf::QTensorType t,
                             ArrayRef<Value> sizes, Value scales,
                             Value tensorScale) {
  RowQuantizeOutput out;
  out.type = t;
  out.sizes.assign(sizes.begin(), sizes.end());
  nm::BlockFormat f = t.getFormat().toNumerics();
  bool staged = f.scale != nm::ScaleType::E8M0 && f.tensorScale && !tensorScale;
  if (staged && scales)
    return failure();
  Idx ix{b, loc};
  if (staged) {
    Value n = ix.c(1);
    for (Value s : sizes)
      n = ix.mul(n, s);
    out.stage = memref::AllocOp::create(
        b, loc, MemRefType::get({ShapedType::kDynamic}, b.getF32Type()),
        ValueRange{n}, b.getI64IntegerAttr(64));
    out.rowAmax = memref::AllocOp::create(
        b, loc, MemRefType::get({ShapedType::kDynamic}, b.getI32Type()),
        ValueRange{ix.div(n, sizes.back())});
    return out;
  }
  SmallVector<Value> packedSizes(sizes);
  packedSizes.back() =
      ix.ceilDiv(ix.mul(sizes.back(), ix.c(t.getElementBits())), 8);
  out.packedBuf = allocBuffer(b, loc, t.getPackedType(), packedSizes);
  out.packedFlat = flat(b, loc, out.packedBuf);
  if (scales) {
    out.givenScales = scales;
    out.scalesBuf = readBuffer(b, loc, scales);
  } else {
    SmallVector<Value> scaleSizes(sizes.drop_back());
    scaleSizes.push_back(ix.div(sizes.back(), ix.c(f.blockSize)));
    out.scalesBuf = allocBuffer(b, loc, t.getScalesType(), scaleSizes);
  }
  out.scalesFlat = flat(b, loc, out.scalesBuf);
  if (f.scale != nm::ScaleType::E8M0) {
    KB k{b, loc};
    Type f32 = b.getF32Type();
    out.sEnc = k.f32(f32, 1.0f);
    if (tensorScale) {
      out.givenTensorScale = tensorScale;
      Value g = tensor::ExtractOp::create(b, loc, tensorScale, ValueRange{});
      out.sEnc = arith::DivFOp::create(b, loc, k.f32(f32, 1.0f), g);
    }
  }
  return out;
}

void emitQuantizeRow(OpBuilder &b, Location loc,
                                 const RowQuantizeOutput &out, Value row,
                                 const LoadFn &load,
                     const TargetInfo &target) {
  Idx ix{b, loc};
  if (out.stage) {
    // Whole vectors: rows are whole blocks, blocks whole vectors
    // (TargetInfo::supportsRowEncode).
    unsigned vw = target.getVectorWidth();
    KB k{b, loc};
    Value len = out.sizes.back(), base = ix.mul(row, len);
    Type it = VectorType::get({vw}, b.getI32Type());
    Value acc = forLoopCarry(
        b, loc, ix.c(0), ix.div(len, ix.c(vw)), ix.c(1), k.i32(it, 0),
        [&](OpBuilder &, Value c, Value acc) -> Value {
          Value at = ix.add(base, ix.mul(c, ix.c(vw)));
          Value y = load(at, Value(), true);
          vector::StoreOp::create(b, loc, y, out.stage, ValueRange{at});
          return arith::MaxSIOp::create(b, loc, acc, finiteAbsBits(k, y));
        });
    Value m =
        vector::ReductionOp::create(b, loc, vector::CombiningKind::MAXSI, acc);
    memref::StoreOp::create(b, loc, m, out.rowAmax, ValueRange{row});
    return;
  }
  QView v = makeView(b, loc, out.type, out.sizes);
  BlockCodec kn(b, loc, target, v.f, v.bits);
  QuantizeArgs a{load, out.packedFlat, out.scalesFlat, bool(out.givenScales),
                 out.sEnc};
  forLoop(b, loc, ix.c(0), v.nb, ix.c(1), [&](OpBuilder &, Value blk) {
    emitRowBlock(kn, v, a, Value(), row, blk);
  });
}

FailureOr<SmallVector<Value>> endRowQuantize(OpBuilder &b, Location loc,
                                             const RowQuantizeOutput &out,
                                             const TargetInfo &target) {
  if (out.stage) {
    Value amax = emitMaxOfPartials(b, loc, out.rowAmax);
    BlockCodec kn(b, loc, target, out.type.getFormat().toNumerics(),
                  out.type.getElementBits());
    FailureOr<Storage> st =
        emitQuantizeFrom(b, loc, out.sizes, streamLoad(kn, out.stage),
                         out.type, Storage(), target, amax);
    if (failed(st))
      return failure();
    return valuesOf(*st);
  }
  Storage s;
  s.packed = toTensor(b, loc, out.type.getPackedType(), out.packedBuf);
  s.scales = out.givenScales
                 ? out.givenScales
                 : toTensor(b, loc, out.type.getScalesType(), out.scalesBuf);
  s.ts = out.givenTensorScale;
  return valuesOf(s);
}

} // namespace qf::kernel
