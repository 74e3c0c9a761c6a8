//===- MatmulTcgen05.cpp - qf.matmul on Blackwell tensor cores (tcgen05) --===//
//
// C[b, m, n] = sum_k A[b, m, k] * B[b, n, k] (transpose_b) for MXFP8 x MXFP8
// and any other mix of MXFP8 / MXFP6 / MXFP4 (kind::mxf8f6f4), MXFP4 x MXFP4
// (kind::mxf4) and NVFP4 x NVFP4 (kind::mxf4nvf4) on sm_100a/f, sm_103a
// (PTX 8.8), the mappings selectMMA gives the tcgen05 kinds:
//
//  * The scales of both operands first go through qf.swizzle_scales (the
//    128x4 tile layout, ScaleSwizzle.h), an op and kernel of its own, so the
//    layout change is explicit in the IR.
//  * One CTA of 128 threads (4 warps) per 128 x 128 output tile; the grid is
//    [ceil(N / 128), ceil(M / 128), batch]. Warp 0 allocates 256 tensor
//    memory columns (tcgen05.alloc): columns 0..127 hold the f32
//    accumulator (lane = row), 128..131 A's scales, 132..135 B's.
//  * K runs in stages of one scale tile column (4 blocks: K 128 for MXFP8
//    and MXFP4, 64 for NVFP4). Per stage every thread copies one row of A
//    and of B (32 bytes of shared memory per MMA step) into shared memory
//    in the canonical K-major layout without swizzling (8 x 16-byte core
//    matrices: the two core matrices of a row group along K are 128 bytes
//    apart (LBO), row groups 256 bytes (SBO); the FP6 / FP4 codes of
//    kind::mxf8f6f4 fill 16 bytes per 16 codes, packed then padded,
//    chunkBytes), and one 4-byte word of each 512-byte scale
//    tile. After fence.proxy.async and a barrier, thread 0 issues
//    tcgen05.cp .32x128b.warpx4 of both scale tiles into tensor memory (the
//    copy replicates the 32 x 16-byte tile into the four lane quarters, the
//    layout the MMA reads), the stage's MMAs (the scale ID of the
//    instruction descriptor picks the step's byte(s) of each 32-bit scale
//    word) and tcgen05.commit to an mbarrier, on which every thread waits
//    before the next stage overwrites shared memory. No pipelining: correct
//    first, not yet fast.
//  * Rows past M (N) read a clamped row; their scales are the swizzle's
//    padding 0 and their results are not stored.
//  * The epilogue: each warp reads its 32 lanes (rows) of the accumulator
//    with tcgen05.ld .32x32b.x8 (8 columns per load, tcgen05.wait::ld in
//    the same statement), multiplies by the tensor scales (NVFP4) and
//    stores; then warp 0 frees the tensor memory (tcgen05.dealloc; it gave
//    up further allocations with relinquish_alloc_permit).
//
// Every tcgen05 / mbarrier / shared-memory instruction is inline PTX
// (llvm.inline_asm has_side_effects), as for the warp-level MMAs: the NVVM
// tcgen05 ops require sm_100a/sm_101a targets (not sm_100f / sm_103a) and
// declare no memory effects, which the buffer deallocation pipeline after
// this conversion rejects. The spellings were checked with ptxas 13.0 for
// sm_100a, sm_100f and sm_103a. The instruction descriptor fields follow the
// PTX ISA tables "Instruction descriptor format for .kind::mxf8f6f4" and
// ".kind::mxf4 / .kind::mxf4nvf4"; the shared memory descriptor the
// "Shared memory descriptor" table (version bits 46-48 = 0b001).
//
// Not verified on hardware (no Blackwell GPU ran this kernel).
//
//===----------------------------------------------------------------------===//
#include "TensorCoreMatmul.h"

#include "qf/Conversion/Kernels/Builder.h"
#include "qf/Numerics/ScaleSwizzle.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace {

constexpr int64_t kTileM = 128, kTileN = 128, kThreads = 128;
/// Tensor memory columns allocated, and where the scales go.
constexpr int64_t kTmemCols = 256, kTmemSFA = 128, kTmemSFB = 132;
/// Shared-memory bytes of one MMA step of one row: two 16-byte core-matrix
/// rows (32 FP8 codes; 64 FP4 codes for kind::mxf4 / mxf4nvf4; 32 FP6 or
/// FP4 codes, packed and padded, for kind::mxf8f6f4).
constexpr int64_t kStepBytes = 32;
/// Shared memory (offsets from a 1024-byte aligned base): the mbarrier,
/// the tensor memory address tcgen05.alloc writes, the two scale tiles,
/// then A and B (4096 bytes per MMA step each).
constexpr int64_t kSmemBar = 0, kSmemSlot = 8, kSmemSFA = 512, kSmemSFB = 1024,
                  kSmemA = 2048, kSmemAlign = 1024;

/// The kernel's scalar code and its shared-memory instructions.
struct Emitter : qf::tc::Emitter {
  /// bar.sync 0 as inline PTX: gpu.barrier declares no memory effects,
  /// which the buffer deallocation pipeline after this conversion rejects.
  void barrier() { ptx("bar.sync 0;", "", {}); }
  void storeShared(Value addr, Value v) {
    ptx("st.shared.b32 [$0], $1;", "r,r", {addr, v});
  }

  /// The tcgen05 shared memory descriptor of a K-major operand without
  /// swizzling at shared address `addr` (i32, 16-byte aligned).
  Value smemDesc(Value addr, int64_t lbo, int64_t sbo) {
    Value a = arith::ExtUIOp::create(
        b, loc, b.getI64Type(),
        arith::AndIOp::create(b, loc, addr, i32(0x3FFFF)));
    Value start = arith::ShRUIOp::create(b, loc, a, i64(4));
    int64_t fixed = ((lbo >> 4) << 16) | ((sbo >> 4) << 32) | (1ll << 46);
    return arith::OrIOp::create(b, loc, start, i64(fixed));
  }
};

/// The bytes of an operand row that fill one 16-byte core-matrix row of
/// shared memory: 16 for FP8 and for the FP4 of kind::mxf4 / mxf4nvf4 (two
/// codes a byte, no padding); for kind::mxf8f6f4 a row holds 16 codes,
/// packed as qf stores them (D10 / D11: LSB first, so 8 bytes of FP4 or 12
/// of FP6) and then padded to 16 bytes (PTX ISA, "Packing format used for
/// matrix A and B by .kind::mxf8f6f4 in Shared Memory", the .b4x16_p64 and
/// .b6x16_p32 layouts that TMA writes for it).
int64_t chunkBytes(const qf::MMAMapping &m, const qf::tc::Operand &o) {
  if (m.kind != qf::MMAKind::Tcgen05MXF8)
    return 16;
  return 16 * o.fmt.elem.bits / 8;
}

/// The 32-bit instruction descriptor of step `j` of a stage (PTX ISA,
/// "Instruction descriptor format for .kind::mxf8f6f4 / .kind::mxf4 /
/// .kind::mxf4nvf4"): K-major A and B (no transpose), M 128, N 128, the
/// scale format and the scale IDs that pick the step's bytes of each scale
/// word.
uint32_t instrDesc(const qf::MMAMapping &m, int64_t j) {
  uint32_t scaleId = m.kind == qf::MMAKind::Tcgen05MXF8   ? uint32_t(j)
                     : m.kind == qf::MMAKind::Tcgen05MXF4 ? uint32_t(2 * j)
                                                          : 0u;
  uint32_t ue8m0 = m.kind == qf::MMAKind::Tcgen05NVF4 ? 0u : 1u;
  return (scaleId << 4) | (m.aType << 7) | (m.bType << 10) |
         (uint32_t(kTileN >> 3) << 17) | (ue8m0 << 23) |
         (uint32_t(kTileM >> 7) << 27) | (scaleId << 29);
}

struct MatmulTcgen05Lowering : qf::tc::MatmulPattern {
  MatmulTcgen05Lowering(const TypeConverter &tc, MLIRContext *ctx,
                        const qf::NVVMChip &chip, unsigned ptx)
      : MatmulPattern(tc, ctx, chip, ptx, /*tcgen05=*/true, /*benefit=*/11) {}

  /// The explicit scale layout step (qf.swizzle_scales, its own kernel).
  Value scalesBuffer(OpBuilder &b, Location loc, Value scales) const override {
    auto t = cast<RankedTensorType>(scales.getType());
    Value s = qf::SwizzleScalesOp::create(
        b, loc, qf::SwizzleScalesOp::inferType(t), scales);
    return qf::kernel::readBuffer(b, loc, s);
  }

  void build(qf::tc::Matmul &mm,
             ConversionPatternRewriter &rewriter) const override {
    OpBuilder &b = rewriter;
    const qf::MMAMapping &m = mm.m;
    Emitter e{{b, mm.loc}};
    int64_t steps =
        cast<qf::QTensorType>(mm.op.getLhs().getType()).getShape().back() /
        m.stepK;
    int64_t perStage = m.kind == qf::MMAKind::Tcgen05MXF8   ? 4
                       : m.kind == qf::MMAKind::Tcgen05MXF4 ? 2
                                                            : 1;
    int64_t stages = (steps + perStage - 1) / perStage;
    int64_t operandBytes = perStage * kTileM * kStepBytes;
    int64_t smemB = kSmemA + operandBytes;
    int64_t smemBytes = smemB + operandBytes + kSmemAlign;

    Value gx = e.ceilDiv(mm.N, kTileN), gy = e.ceilDiv(mm.M, kTileM);
    Value gz = mm.batch ? mm.batch : mm.one;
    launch(rewriter, mm, {gx, gy, gz}, kThreads, smemBytes,
           [&](gpu::LaunchOp l) {
             Value smem = gpu::DynamicSharedMemoryOp::create(
                 b, mm.loc,
                 MemRefType::get(
                     {ShapedType::kDynamic}, b.getI8Type(),
                     MemRefLayoutAttrInterface(),
                     gpu::AddressSpaceAttr::get(b.getContext(),
                                                gpu::AddressSpace::Workgroup)));
             emitKernel(e, mm, l, smem, steps, perStage, stages, smemB);
           });
  }

  void emitKernel(Emitter &e, const qf::tc::Matmul &mm, gpu::LaunchOp launch,
                  Value smem, int64_t steps, int64_t perStage, int64_t stages,
                  int64_t smemB) const {
    OpBuilder &b = e.b;
    Location loc = e.loc;
    const qf::MMAMapping &m = mm.m;
    using P = arith::CmpIPredicate;
    Value tid = launch.getThreadIds().x;
    Value nt = launch.getBlockIds().x, mt = launch.getBlockIds().y;
    Value batch = mm.batch ? launch.getBlockIds().z : Value();
    auto at = [&](ArrayRef<Value> rest) {
      SmallVector<Value> v;
      if (batch)
        v.push_back(batch);
      v.append(rest.begin(), rest.end());
      return v;
    };

    // The 1024-byte aligned shared base, as a 32-bit shared address.
    Value raw =
        e.toI32(memref::ExtractAlignedPointerAsIndexOp::create(b, loc, smem));
    Value base = arith::AndIOp::create(
        b, loc, e.add(raw, e.i32(kSmemAlign - 1)), e.i32(-kSmemAlign));
    auto sh = [&](int64_t off) { return e.add(base, e.i32(off)); };
    Value bar = sh(kSmemBar), slot = sh(kSmemSlot);
    Value warp = b.createOrFold<arith::DivUIOp>(loc, tid, e.idx(32));
    Value lane = b.createOrFold<arith::RemUIOp>(loc, tid, e.idx(32));
    Value isWarp0 = e.cmp(P::eq, warp, e.idx(0));
    Value isThread0 = e.cmp(P::eq, tid, e.idx(0));

    // Tensor memory (a whole warp, converged) and the mbarrier.
    e.ifThen(isWarp0, [&] {
      e.ptx("tcgen05.alloc.cta_group::1.sync.aligned.shared::cta.b32 [$0], " +
                std::to_string(kTmemCols) + ";",
            "r", {slot});
      e.ptx("tcgen05.relinquish_alloc_permit.cta_group::1.sync.aligned;", "",
            {});
    });
    e.ifThen(isThread0, [&] {
      e.ptx("mbarrier.init.shared::cta.b64 [$0], 1;", "r", {bar});
    });
    e.ptx("tcgen05.fence::before_thread_sync;", "", {});
    e.barrier();
    e.ptx("tcgen05.fence::after_thread_sync;", "", {});
    Value tmem =
        e.ptx("ld.shared.b32 $0, [$1];", "=r,r", {slot}, b.getI32Type());

    // This thread's rows of A and B (clamped) and its word of a scale tile.
    Value mLast = b.createOrFold<arith::SubIOp>(loc, mm.M, e.idx(1));
    Value nLast = b.createOrFold<arith::SubIOp>(loc, mm.N, e.idx(1));
    Value rowA = b.createOrFold<arith::MinUIOp>(
        loc, e.add(e.mul(mt, e.idx(kTileM)), tid), mLast);
    Value rowB = b.createOrFold<arith::MinUIOp>(
        loc, e.add(e.mul(nt, e.idx(kTileN)), tid), nLast);
    // Core-matrix position of the thread's row: (row / 8) * 256 + (row % 8)
    // * 16 within a step's 4096 bytes.
    Value tid32 = e.toI32(tid);
    Value rowOff = e.add(
        e.mul(arith::DivUIOp::create(b, loc, tid32, e.i32(8)), e.i32(256)),
        e.mul(arith::RemUIOp::create(b, loc, tid32, e.i32(8)), e.i32(16)));
    Value word4 = e.mul(tid, e.idx(4));

    auto stageLoop =
        scf::ForOp::create(b, loc, e.idx(0), e.idx(stages), e.idx(1));
    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(stageLoop.getBody());
      Value s = stageLoop.getInductionVar();
      Value first = e.mul(s, e.idx(perStage));
      Value inStage = b.createOrFold<arith::MinUIOp>(
          loc, e.idx(perStage),
          b.createOrFold<arith::SubIOp>(loc, e.idx(steps), first));
      // Operands: two 16-byte core-matrix rows per step, 128 bytes apart,
      // each filled with chunkBytes of this row (then zero padding).
      int64_t cA = chunkBytes(m, mm.A), cB = chunkBytes(m, mm.B);
      auto stepLoop = scf::ForOp::create(b, loc, e.idx(0), inStage, e.idx(1));
      {
        OpBuilder::InsertionGuard g2(b);
        b.setInsertionPointToStart(stepLoop.getBody());
        Value j = stepLoop.getInductionVar();
        Value step = e.add(first, j);
        Value kA = e.mul(step, e.idx(2 * cA));
        Value kB = cB == cA ? kA : e.mul(step, e.idx(2 * cB));
        Value stepOff = e.add(rowOff, e.mul(e.toI32(j), e.i32(4096)));
        for (int64_t w = 0; w < 8; ++w) {
          int64_t chunk = w / 4, in = (w % 4) * 4;
          Value k = in < cA ? e.add(kA, e.idx(chunk * cA + in)) : Value();
          Value kb = cB == cA  ? k
                     : in < cB ? e.add(kB, e.idx(chunk * cB + in))
                               : Value();
          Value dst = e.add(stepOff, e.i32(chunk * 128 + in));
          e.storeShared(e.add(sh(kSmemA), dst),
                        k ? e.word(mm.A.codes, at({rowA, k})) : e.i32(0));
          e.storeShared(e.add(sh(smemB), dst),
                        kb ? e.word(mm.B.codes, at({rowB, kb})) : e.i32(0));
        }
      }
      Value w4 = e.toI32(word4);
      e.storeShared(e.add(sh(kSmemSFA), w4),
                    e.word(mm.A.scales, at({mt, s, word4})));
      e.storeShared(e.add(sh(kSmemSFB), w4),
                    e.word(mm.B.scales, at({nt, s, word4})));
      // Generic-proxy writes become visible to the tensor core (async proxy).
      e.ptx("fence.proxy.async.shared::cta;", "", {});
      e.barrier();
      e.ptx("tcgen05.fence::after_thread_sync;", "", {});

      e.ifThen(isThread0, [&] {
        Value sfaT = e.add(tmem, e.i32(kTmemSFA));
        Value sfbT = e.add(tmem, e.i32(kTmemSFB));
        // A 512-byte scale tile: 32 rows of 16 bytes, 8-row groups 128 bytes
        // apart.
        e.ptx("tcgen05.cp.cta_group::1.32x128b.warpx4 [$0], $1;", "r,l",
              {sfaT, e.smemDesc(sh(kSmemSFA), 128, 128)});
        e.ptx("tcgen05.cp.cta_group::1.32x128b.warpx4 [$0], $1;", "r,l",
              {sfbT, e.smemDesc(sh(kSmemSFB), 128, 128)});
        std::string mma = "{\n.reg .pred p;\nsetp.ne.b32 p, $6, 0;\n" +
                          m.instruction +
                          " [$0], $1, $2, $3, [$4], [$5], p;\n}";
        for (int64_t j = 0; j < perStage; ++j) {
          // Step j exists unless the last stage is short.
          Value has = e.cmp(P::ult, e.idx(j), inStage);
          e.ifThen(has, [&] {
            Value aDesc = e.smemDesc(sh(kSmemA + j * 4096), 128, 256);
            Value bDesc = e.smemDesc(sh(smemB + j * 4096), 128, 256);
            // The accumulator starts at the first step of the first stage.
            Value accumulate = arith::ExtUIOp::create(
                b, loc, b.getI32Type(),
                e.cmp(P::ne, e.add(first, e.idx(j)), e.idx(0)));
            e.ptx(mma, "r,l,l,r,r,r,r",
                  {tmem, aDesc, bDesc, e.i32(int32_t(instrDesc(m, j))), sfaT,
                   sfbT, accumulate});
          });
        }
        e.ptx("tcgen05.commit.cta_group::1.mbarrier::arrive::one.shared::"
              "cluster.b64 [$0];",
              "r", {bar});
      });
      // Every thread waits for the stage's MMAs before shared memory is
      // reused (phase parity s % 2).
      Value parity = e.toI32(b.createOrFold<arith::RemUIOp>(loc, s, e.idx(2)));
      e.ptx("{\n.reg .pred done;\nQF_TCGEN05_WAIT:\n"
            "mbarrier.try_wait.parity.shared::cta.b64 done, [$0], $1;\n"
            "@!done bra QF_TCGEN05_WAIT;\n}",
            "r,r", {bar, parity});
      e.ptx("tcgen05.fence::after_thread_sync;", "", {});
    }

    // Epilogue: warp w reads lanes 32w .. 32w+31 (its rows), 8 columns at a
    // time.
    Value row =
        e.add(e.add(e.mul(mt, e.idx(kTileM)), e.mul(warp, e.idx(32))), lane);
    Value rowOk = e.cmp(P::ult, row, mm.M);
    Value laneAddr =
        e.add(tmem, arith::ShLIOp::create(
                        b, loc, e.toI32(e.mul(warp, e.idx(32))), e.i32(16)));
    auto cols =
        scf::ForOp::create(b, loc, e.idx(0), e.idx(kTileN / 8), e.idx(1));
    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(cols.getBody());
      Value c = cols.getInductionVar();
      Value addr = e.add(laneAddr, e.mul(e.toI32(c), e.i32(8)));
      SmallVector<Type> r8(8, b.getI32Type());
      Value v = e.ptx("tcgen05.ld.sync.aligned.32x32b.x8.b32 {$0, $1, $2, $3, "
                      "$4, $5, $6, $7}, [$8];\ntcgen05.wait::ld.sync.aligned;",
                      "=r,=r,=r,=r,=r,=r,=r,=r,r", {addr}, r8);
      for (int64_t i = 0; i < 8; ++i) {
        Value col = e.add(e.add(e.mul(nt, e.idx(kTileN)), e.mul(c, e.idx(8))),
                          e.idx(i));
        Value ok =
            arith::AndIOp::create(b, loc, rowOk, e.cmp(P::ult, col, mm.N));
        Value bits = LLVM::ExtractValueOp::create(b, loc, v, i);
        storeIf(
            e, mm, ok,
            [&]() -> Value {
              return arith::BitcastOp::create(b, loc, b.getF32Type(), bits);
            },
            at({row, col}));
      }
    }
    e.ptx("tcgen05.fence::before_thread_sync;", "", {});
    e.barrier();
    e.ifThen(isWarp0, [&] {
      e.ptx("tcgen05.dealloc.cta_group::1.sync.aligned.b32 $0, " +
                std::to_string(kTmemCols) + ";",
            "r", {tmem});
    });
  }
};

} // namespace

void qf::populateQFMatmulToTcgen05Patterns(const TypeConverter &converter,
                                           RewritePatternSet &patterns,
                                           const NVVMChip &chip, unsigned ptx) {
  patterns.add<MatmulTcgen05Lowering>(converter, patterns.getContext(), chip,
                                      ptx);
}
