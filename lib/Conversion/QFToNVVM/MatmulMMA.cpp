//===- MatmulMMA.cpp - qf.matmul on tensor cores (warp-level MMA) ---------===//
//
// C[b, m, n] = sum_k A[b, m, k] * B[b, n, k] (B[b, k, n] without transpose_b)
// with block-scaled operands, on the mapping selectMMA picked:
//
//  * One gpu.launch; each warp computes one m16n8 output tile, walking K in
//    MMA steps (32 elements for FP8, 64 for FP4). Consecutive tiles run
//    along N; the tile index depends on the warp only, so a warp runs the
//    MMAs converged or skips them as a whole (mma.sync needs all 32 lanes).
//  * Fragments are the PTX ISA layouts of mma.m16n8k32 (8-bit elements) and
//    mma.m16n8k64 (e2m1): with g = lane / 4 and t = lane % 4, A registers
//    are rows g and g+8 at K offsets 4t and 4t+16 (8t and 8t+32 for FP4,
//    packed two codes a byte, element 2i in the low nibble as qf stores
//    them), B registers column g at the same K offsets, and the f32
//    accumulators rows g, g+8 by columns 2t, 2t+1. kind::mxf8f6f4 takes FP6
//    and FP4 codes one a byte (KernelBuilder::containerShift): they are
//    unpacked from qf's packing (D10 / D11) in registers. A 4- or 6-bit rhs
//    stored [K, N] (no transpose_b) is gathered a code at a time.
//  * Rows past M and columns past N read a clamped (in-bounds) row; their
//    results are not stored, and a row of A only meets its own outputs.
//  * F8Sync (sm_89+): each step covers exactly one K block, so its f32
//    partial result is multiplied by scale_a(row) * scale_b(col) and added
//    to the accumulator with one fma, as the CPU kernel adds block partial
//    sums. Block-scaled MMA (sm_120a/f, sm_121a): the scale bytes go into the
//    instruction and the MMA accumulates across steps itself.
//  * Tensor scales (NVFP4) multiply the finished sum, as on the CPU.
//  * The scale registers of the block-scaled MMAs follow the PTX ISA (and
//    CUTLASS's SM120 SFA/SFB layouts): A row g from even lanes of quad g,
//    row g+8 from odd lanes; B column g from every lane of quad g.
//
//===----------------------------------------------------------------------===//
#include "TensorCoreMatmul.h"

#include "qf/Conversion/Kernels/Builder.h"
#include "qf/Conversion/Kernels/ScaleCodec.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using qf::kernel::KB;
using qf::tc::Operand;

namespace {

/// Warps per thread block.
constexpr int64_t kWarpsPerBlock = 4;

/// The warp's loads and register packing.
struct KernelBuilder : qf::tc::Emitter {
  Value batch; ///< index, or null for rank 2

  SmallVector<Value> at(Value r, Value c) {
    if (batch)
      return {batch, r, c};
    return {r, c};
  }
  /// The i8 at buffer[.., r, c], zero-extended to i32.
  Value byte(Value buf, Value r, Value c) {
    Value v = memref::LoadOp::create(b, loc, buf, at(r, c));
    return arith::ExtUIOp::create(b, loc, b.getI32Type(), v);
  }
  /// n values at(j) for j = 0..n-1 as one i32, value j shifted left by
  /// j * width + shift bits.
  Value pack(int64_t n, int64_t width, int64_t shift,
             llvm::function_ref<Value(int64_t)> valueAt) {
    Value w;
    for (int64_t j = 0; j < n; ++j) {
      Value v = valueAt(j);
      if (j * width + shift)
        v = arith::ShLIOp::create(b, loc, v, i32(j * width + shift));
      w = orInto(w, v);
    }
    return w;
  }
  /// Four consecutive bytes buffer[.., r, c .. c+3] as one i32. One 32-bit
  /// load: c is a multiple of 4 and rows are multiples of 16 bytes long (K
  /// is a multiple of the MMA step), so the address is 4-byte aligned
  /// whenever the buffer is, which every CUDA allocation is
  /// (gpu-lowering.md).
  Value word(Value buf, Value r, Value c) {
    return Emitter::word(buf, at(r, c));
  }
  /// Bytes buffer[.., r + j, c] for j = 0..3 as one i32 (a column of a
  /// [K, N] operand along K).
  Value column(Value buf, Value r, Value c) {
    return pack(4, 8, 0,
                [&](int64_t j) { return byte(buf, add(r, idx(j)), c); });
  }
  /// Codes of operand `o` for row `row` (a column of B) at K element `k`,
  /// as an MMA register holds them (element k in the low bits): 4 FP8 codes
  /// a byte each; 8 FP4 codes a nibble each (kind::mxf4, mxf4nvf4; k even);
  /// or, with `containers` (kind::mxf8f6f4), 4 FP6 / FP4 codes one a byte
  /// (k a multiple of 4), placed as containerShift says.
  Value codes(const Operand &o, Value row, Value k, bool containers) {
    unsigned bits = o.fmt.elem.bits;
    if (!o.kInner)
      return bits == 8 ? column(o.codes, k, row)
                       : gathered(o, k, row, containers);
    if (bits == 8)
      return word(o.codes, row, k);
    if (bits == 6)
      return fp6Containers(o, row, k);
    Value kb = b.createOrFold<arith::DivUIOp>(loc, k, idx(2));
    if (!containers)
      return word(o.codes, row, kb);
    // Two packed bytes: nibble j (element k + j) moves to bits 8j+5 .. 8j+2.
    auto v2 = vector::LoadOp::create(
        b, loc, VectorType::get({2}, b.getI8Type()), o.codes, at(row, kb),
        /*nontemporal=*/false, llvm::MaybeAlign(2));
    auto h = vector::BitCastOp::create(
        b, loc, VectorType::get({1}, b.getI16Type()), v2);
    Value w = arith::ExtUIOp::create(
        b, loc, b.getI32Type(),
        vector::ExtractOp::create(b, loc, h, ArrayRef<int64_t>{0}));
    return pack(4, 4, containerShift(4), [&](int64_t j) -> Value {
      return arith::AndIOp::create(b, loc, w, i32(0xFll << (4 * j)));
    });
  }
  /// Where kind::mxf8f6f4 takes a code in its byte: an FP6 code (E2M3,
  /// E3M2) in bits 5..0, an E2M1 code in bits 5..2, bits 7..6 zero. The PTX
  /// ISA's fragment tables for mma.m16n8k32 (9.7.14.5) give one
  /// .e2m3 / .e3m2 / .e2m1 element a byte in the same places as 8-bit
  /// elements; the placement inside the byte is CUTLASS's register form
  /// (float_e2m3_unpack8bits_t / float_e3m2_unpack8bits_t, "used in
  /// register": the 6-bit code in the low bits of a byte) and the E2M1
  /// placement its SM120 kernels use. The PTX ISA figure for it was not
  /// found to check against, and no GPU has run this (gpu-lowering.md).
  static int64_t containerShift(unsigned bits) { return bits == 4 ? 2 : 0; }
  /// 4 FP6 codes of a row stored along K (D11: code i in bits 6i .. 6i+5 of
  /// a little-endian 3-byte group; k is a multiple of 4, so the codes are
  /// exactly bytes 3k/4 .. 3k/4 + 2), one a byte.
  Value fp6Containers(const Operand &o, Value row, Value k) {
    Value byte0 = b.createOrFold<arith::MulIOp>(
        loc, b.createOrFold<arith::DivUIOp>(loc, k, idx(4)), idx(3));
    Value w = pack(3, 8, 0, [&](int64_t j) {
      return byte(o.codes, row, add(byte0, idx(j)));
    });
    return pack(4, 8, 0, [&](int64_t j) -> Value {
      Value c =
          j ? arith::ShRUIOp::create(b, loc, w, i32(6 * j)).getResult() : w;
      return arith::AndIOp::create(b, loc, c, i32(0x3F));
    });
  }
  /// The code at [.., r, c] of a 4- or 6-bit operand packed along its last
  /// axis (D10 / D11), in the low bits of an i32. A 6-bit code at bit offset
  /// 4 or 6 of its byte continues in the next one, which then exists; at
  /// offset 0 or 2 the same byte is read twice (never past the row).
  Value packedCode(const Operand &o, Value r, Value c) {
    unsigned bits = o.fmt.elem.bits;
    Value bit = b.createOrFold<arith::MulIOp>(loc, c, idx(bits));
    Value at = b.createOrFold<arith::DivUIOp>(loc, bit, idx(8));
    Value sh = arith::IndexCastUIOp::create(
        b, loc, b.getI32Type(),
        b.createOrFold<arith::RemUIOp>(loc, bit, idx(8)));
    Value w = byte(o.codes, r, at);
    if (bits == 6) {
      Value spans =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, sh, i32(2));
      Value next =
          add(at, arith::IndexCastUIOp::create(
                      b, loc, b.getIndexType(),
                      arith::ExtUIOp::create(b, loc, b.getI32Type(), spans)));
      w = arith::OrIOp::create(
          b, loc, w,
          arith::ShLIOp::create(b, loc, byte(o.codes, r, next), i32(8)));
    }
    return arith::AndIOp::create(b, loc, arith::ShRUIOp::create(b, loc, w, sh),
                                 i32((1 << bits) - 1));
  }
  /// A B register of a 4- or 6-bit rhs stored [K, N] (no transpose_b):
  /// the codes of column `col` at K rows k, k+1, ... gathered one by one,
  /// 4 one a byte with `containers`, else 8 FP4 codes a nibble each.
  Value gathered(const Operand &o, Value k, Value col, bool containers) {
    int64_t n = containers ? 4 : 8, width = containers ? 8 : 4;
    int64_t shift = containers ? containerShift(o.fmt.elem.bits) : 0;
    return pack(n, width, shift,
                [&](int64_t j) { return packedCode(o, add(k, idx(j)), col); });
  }
  /// Scale bytes of blocks blk .. blk+n-1 of `row` packed into one i32
  /// (block blk in the low byte), as the block-scale MMAs take them.
  Value scaleBytes(const Operand &o, Value row, Value blk, int64_t n) {
    return pack(n, 8, 0, [&](int64_t j) {
      return byte(o.scales, row, add(blk, idx(j)));
    });
  }
  /// The decoded f32 scale of block blk of `row`.
  Value scale(const Operand &o, Value row, Value blk) {
    KB k{b, loc};
    return qf::kernel::decodeScaleFast(k, o.fmt.scale,
                                       byte(o.scales, row, blk));
  }
};

/// `instruction` (selectMMA's spelling) on `args`: A (4 x i32), B (2 x
/// i32), C (4 x f32) and, when `scaled`, the scale operands {data, byte-id,
/// thread-id} of A and B; returns D as a struct of 4 f32. Inline PTX
/// (Emitter::ptx says why) in the spelling LLVM 22 prints for the
/// intrinsics (llvm.nvvm.mma.m16n8k32...e4m3, nvvm.mma.block_scale), which
/// ptxas 13.0 accepts for every chip selectMMA allows.
Value mmaAsm(KernelBuilder &kb, StringRef instruction, ArrayRef<Value> args,
             bool scaled) {
  SmallVector<Type, 4> d(4, kb.b.getF32Type());
  std::string text = instruction.str() +
                     " {$0, $1, $2, $3}, {$4, $5, $6, $7}, {$8, $9}, "
                     "{$10, $11, $12, $13}";
  std::string constraints = "=f,=f,=f,=f,r,r,r,r,r,r,f,f,f,f";
  if (scaled) {
    text += ", $14, {$15, $16}, $17, {$18, $19}";
    constraints += ",r,h,h,r,h,h";
  }
  text += ";";
  return kb.ptx(text, constraints, args, d);
}

/// One MMA step of the warp: the accumulators after adding A[rows, k0 ..
/// k0+stepK) * B[k0 .., cols] (block-scaled) to `acc`.
SmallVector<Value> emitStep(KernelBuilder &kb, const qf::MMAMapping &m,
                            const Operand &A, const Operand &B, Value rLo,
                            Value rHi, Value colB, Value c0, Value c1, Value t,
                            Value kStep, ValueRange acc) {
  OpBuilder &b = kb.b;
  Location loc = kb.loc;
  // Elements per register: 4 bytes of FP8 codes, 8 FP4 codes.
  int64_t per = m.stepK / 8;
  Value k0 = kb.add(kb.mul(kStep, kb.idx(m.stepK)), kb.mul(t, kb.idx(per)));
  Value kHi = kb.add(k0, kb.idx(m.stepK / 2));
  // m16n8k32 steps take FP6 / FP4 one code a byte (kind::mxf8f6f4).
  bool containers = m.stepK == 32;
  SmallVector<Value> a = {
      kb.codes(A, rLo, k0, containers), kb.codes(A, rHi, k0, containers),
      kb.codes(A, rLo, kHi, containers), kb.codes(A, rHi, kHi, containers)};
  SmallVector<Value> bb = {kb.codes(B, colB, k0, containers),
                           kb.codes(B, colB, kHi, containers)};

  if (m.kind == qf::MMAKind::F8Sync) {
    Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
    SmallVector<Value> args(a);
    args.append(bb);
    args.append(4, zero);
    Value d = mmaAsm(kb, m.instruction, args, /*scaled=*/false);
    // One step is one K block: scale the exact-product partial sums.
    Value sLo = kb.scale(A, rLo, kStep), sHi = kb.scale(A, rHi, kStep);
    Value s0 = kb.scale(B, c0, kStep), s1 = kb.scale(B, c1, kStep);
    Value prod[4] = {arith::MulFOp::create(b, loc, sLo, s0),
                     arith::MulFOp::create(b, loc, sLo, s1),
                     arith::MulFOp::create(b, loc, sHi, s0),
                     arith::MulFOp::create(b, loc, sHi, s1)};
    SmallVector<Value> out;
    for (int64_t i = 0; i < 4; ++i) {
      Value di = LLVM::ExtractValueOp::create(b, loc, d, i);
      out.push_back(math::FmaOp::create(b, loc, di, prod[i], acc[i]));
    }
    return out;
  }

  // Block-scaled MMA: the scale registers. A's rows g and g+8 are taken
  // from threads 4g and 4g+1 (thread-id-a 0); every thread of group g
  // holds column g's scales for B, and odd threads row g+8's for A, so the
  // selection within a quad does not matter for B.
  int64_t nScales = m.stepK / A.block;
  Value blk = kb.mul(kStep, kb.idx(nScales));
  Value odd = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::ne,
      b.createOrFold<arith::RemUIOp>(loc, t, kb.idx(2)), kb.idx(0));
  Value sa =
      arith::SelectOp::create(b, loc, odd, kb.scaleBytes(A, rHi, blk, nScales),
                              kb.scaleBytes(A, rLo, blk, nScales));
  Value sb = kb.scaleBytes(B, colB, blk, nScales);
  // byte-id 0, thread-id 0 for both scales.
  Value z16 = arith::ConstantIntOp::create(b, loc, b.getI16Type(), 0);
  SmallVector<Value> args(a);
  args.append(bb);
  args.append(acc.begin(), acc.end());
  args.append({sa, z16, z16, sb, z16, z16});
  Value d = mmaAsm(kb, m.instruction, args, /*scaled=*/true);
  SmallVector<Value> out;
  for (int64_t i = 0; i < 4; ++i)
    out.push_back(LLVM::ExtractValueOp::create(b, loc, d, i));
  return out;
}

struct MatmulMMALowering : qf::tc::MatmulPattern {
  MatmulMMALowering(const TypeConverter &tc, MLIRContext *ctx,
                    const qf::NVVMChip &chip, unsigned ptx)
      : MatmulPattern(tc, ctx, chip, ptx, /*tcgen05=*/false, /*benefit=*/10) {}

  void build(qf::tc::Matmul &mm,
             ConversionPatternRewriter &rewriter) const override {
    OpBuilder &b = rewriter;
    Location loc = mm.loc;
    const qf::MMAMapping &m = mm.m;
    int64_t kSteps =
        cast<qf::QTensorType>(mm.op.getLhs().getType()).getShape().back() /
        m.stepK;

    qf::tc::Emitter hb{b, loc};
    Value tilesN = hb.ceilDiv(mm.N, 8);
    Value tiles = hb.mul(hb.ceilDiv(mm.M, 16), tilesN);
    Value blocks = hb.ceilDiv(tiles, kWarpsPerBlock);
    Value gridY = mm.batch ? mm.batch : mm.one;
    launch(rewriter, mm, {blocks, gridY, mm.one}, 32 * kWarpsPerBlock,
           /*smemBytes=*/0, [&](gpu::LaunchOp l) {
             emitKernel(b, mm, l, tiles, tilesN, kSteps);
           });
  }

  void emitKernel(OpBuilder &b, const qf::tc::Matmul &mm, gpu::LaunchOp launch,
                  Value tiles, Value tilesN, int64_t kSteps) const {
    Location loc = mm.loc;
    KernelBuilder kb{{b, loc}, mm.batch ? launch.getBlockIds().y : Value()};
    Value tid = launch.getThreadIds().x;
    Value warp = b.createOrFold<arith::DivUIOp>(loc, tid, kb.idx(32));
    Value lane = b.createOrFold<arith::RemUIOp>(loc, tid, kb.idx(32));
    Value tile =
        kb.add(kb.mul(launch.getBlockIds().x, kb.idx(kWarpsPerBlock)), warp);
    // Warp-uniform: the whole warp runs the MMAs or none of it does.
    auto inRange = scf::IfOp::create(
        b, loc, kb.cmp(arith::CmpIPredicate::ult, tile, tiles),
        /*withElseRegion=*/false);
    b.setInsertionPointToStart(&inRange.getThenRegion().front());
    Value tm = b.createOrFold<arith::DivUIOp>(loc, tile, tilesN);
    Value tn = b.createOrFold<arith::RemUIOp>(loc, tile, tilesN);
    Value g = b.createOrFold<arith::DivUIOp>(loc, lane, kb.idx(4));
    Value t = b.createOrFold<arith::RemUIOp>(loc, lane, kb.idx(4));
    Value row0 = kb.add(kb.mul(tm, kb.idx(16)), g);
    Value row1 = kb.add(row0, kb.idx(8));
    Value colG = kb.add(kb.mul(tn, kb.idx(8)), g);
    Value col0 = kb.add(kb.mul(tn, kb.idx(8)), kb.mul(t, kb.idx(2)));
    Value col1 = kb.add(col0, kb.idx(1));
    Value mLast = b.createOrFold<arith::SubIOp>(loc, mm.M, mm.one);
    Value nLast = b.createOrFold<arith::SubIOp>(loc, mm.N, mm.one);
    auto clamp = [&](Value v, Value last) -> Value {
      return b.createOrFold<arith::MinUIOp>(loc, v, last);
    };
    Value rLo = clamp(row0, mLast), rHi = clamp(row1, mLast);
    Value cG = clamp(colG, nLast), c0 = clamp(col0, nLast),
          c1c = clamp(col1, nLast);

    Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
    auto loop = scf::ForOp::create(
        b, loc, kb.idx(0), kb.idx(kSteps), kb.idx(1),
        ValueRange{zero, zero, zero, zero},
        [&](OpBuilder &lb, Location, Value ks, ValueRange acc) {
          KernelBuilder sb{{lb, loc}, kb.batch};
          SmallVector<Value> next =
              emitStep(sb, mm.m, mm.A, mm.B, rLo, rHi, cG, c0, c1c, t, ks, acc);
          scf::YieldOp::create(lb, loc, next);
        });

    // Accumulator i is row (i < 2 ? g : g + 8), column 2t + (i & 1).
    Value rows[2] = {row0, row1}, cols[2] = {col0, col1};
    for (int64_t i = 0; i < 4; ++i) {
      Value r = rows[i / 2], c = cols[i % 2];
      Value ok = arith::AndIOp::create(
          b, loc, kb.cmp(arith::CmpIPredicate::ult, r, mm.M),
          kb.cmp(arith::CmpIPredicate::ult, c, mm.N));
      storeIf(
          kb, mm, ok, [&] { return loop.getResult(i); }, kb.at(r, c));
    }
  }
};

} // namespace

void qf::populateQFMatmulToMMAPatterns(const TypeConverter &converter,
                                       RewritePatternSet &patterns,
                                       const NVVMChip &chip, unsigned ptx) {
  patterns.add<MatmulMMALowering>(converter, patterns.getContext(), chip, ptx);
  populateQFMatmulToTcgen05Patterns(converter, patterns, chip, ptx);
}
