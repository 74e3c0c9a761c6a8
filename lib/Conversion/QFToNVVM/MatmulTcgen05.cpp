//===- MatmulTcgen05.cpp - qf.matmul on Blackwell tensor cores (tcgen05) --===//
//
// C[b, m, n] = sum_k A[b, m, k] * B[b, n, k] (transpose_b) for MXFP8 x MXFP8,
// MXFP4 x MXFP4 and NVFP4 x NVFP4 on sm_100a/f, sm_103a (PTX 8.8), the
// mappings selectMMA gives the tcgen05 kinds:
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
//    and of B (32 bytes per MMA step) into shared memory in the canonical
//    K-major layout without swizzling (8 x 16-byte core matrices: the two
//    core matrices of a row group along K are 128 bytes apart (LBO), row
//    groups 256 bytes (SBO)), and one 4-byte word of each 512-byte scale
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
#include "qf/Conversion/QFToNVVM/QFToNVVM.h"

#include "qf/Conversion/Kernels/Builder.h"
#include "qf/Dialect/QF/IR/QF.h"
#include "qf/Numerics/ScaleSwizzle.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
namespace nm = qf::numerics;

namespace {

constexpr int64_t kTileM = 128, kTileN = 128, kThreads = 128;
/// Tensor memory columns allocated, and where the scales go.
constexpr int64_t kTmemCols = 256, kTmemSFA = 128, kTmemSFB = 132;
/// Bytes of one MMA step of one row (32 FP8 codes, 64 FP4 codes).
constexpr int64_t kStepBytes = 32;
/// Shared memory (offsets from a 1024-byte aligned base): the mbarrier,
/// the tensor memory address tcgen05.alloc writes, the two scale tiles,
/// then A and B (4096 bytes per MMA step each).
constexpr int64_t kSmemBar = 0, kSmemSlot = 8, kSmemSFA = 512, kSmemSFB = 1024,
                  kSmemA = 2048, kSmemAlign = 1024;

/// Builds the kernel's scalar code.
struct Emitter {
  OpBuilder &b;
  Location loc;

  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value i32(int64_t v) {
    return arith::ConstantIntOp::create(b, loc, b.getI32Type(), v);
  }
  Value i64(int64_t v) {
    return arith::ConstantIntOp::create(b, loc, b.getI64Type(), v);
  }
  Value add(Value x, Value y) {
    return b.createOrFold<arith::AddIOp>(loc, x, y);
  }
  Value mul(Value x, Value y) {
    return b.createOrFold<arith::MulIOp>(loc, x, y);
  }
  Value toI32(Value index) {
    return arith::IndexCastUIOp::create(b, loc, b.getI32Type(), index);
  }
  Value cmp(arith::CmpIPredicate p, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, p, x, y);
  }

  /// Inline PTX with side effects; `results` empty, one type, or several
  /// (returned as an LLVM struct).
  Value ptx(StringRef text, StringRef constraints, ValueRange args,
            TypeRange results = {}) {
    Type res;
    if (results.size() == 1)
      res = results[0];
    else if (!results.empty())
      res = LLVM::LLVMStructType::getLiteral(b.getContext(),
                                             SmallVector<Type>(results));
    auto op = LLVM::InlineAsmOp::create(
        b, loc, res, args, b.getStringAttr(text), b.getStringAttr(constraints),
        /*has_side_effects=*/b.getUnitAttr(),
        /*is_align_stack=*/UnitAttr(),
        LLVM::TailCallKindAttr::get(b.getContext(),
                                    LLVM::tailcallkind::TailCallKind::None),
        LLVM::AsmDialectAttr(), ArrayAttr());
    return res ? op.getResult(0) : Value();
  }

  /// Four bytes buf[at..] as an i32 (one aligned 32-bit load).
  Value word(Value buf, ArrayRef<Value> at) {
    auto v4 =
        vector::LoadOp::create(b, loc, VectorType::get({4}, b.getI8Type()), buf,
                               at, /*nontemporal=*/false, llvm::MaybeAlign(4));
    auto w = vector::BitCastOp::create(
        b, loc, VectorType::get({1}, b.getI32Type()), v4);
    return vector::ExtractOp::create(b, loc, w, ArrayRef<int64_t>{0});
  }
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

struct MatmulTcgen05Lowering : OpConversionPattern<qf::MatmulOp> {
  MatmulTcgen05Lowering(const TypeConverter &tc, MLIRContext *ctx,
                        const qf::NVVMChip &chip, unsigned ptx)
      : OpConversionPattern(tc, ctx, /*benefit=*/11), chip(chip), ptx(ptx) {}

  LogicalResult
  matchAndRewrite(qf::MatmulOp op, OneToNOpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    qf::MMAMapping m;
    if (qf::Support s =
            qf::selectMMA(chip, ptx, op.getLhs().getType(),
                          op.getRhs().getType(), op.getTransposeB(), &m);
        !s)
      return rewriter.notifyMatchFailure(op, s.why());
    if (!qf::isTcgen05(m.kind))
      return rewriter.notifyMatchFailure(op, "not a tcgen05 mapping");
    auto lt = cast<qf::QTensorType>(op.getLhs().getType());
    ValueRange ls = adaptor.getLhs(), rs = adaptor.getRhs();
    if (ls.size() < 2 || rs.size() < 2)
      return rewriter.notifyMatchFailure(op, "expected storage tensors");
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    Emitter e{b, loc};
    auto resultT = cast<RankedTensorType>(op.getType());
    int64_t rank = resultT.getRank();

    // The explicit scale layout step (qf.swizzle_scales, its own kernel).
    auto swizzled = [&](Value scales) {
      auto t = cast<RankedTensorType>(scales.getType());
      Value s = qf::SwizzleScalesOp::create(
          b, loc, qf::SwizzleScalesOp::inferType(t), scales);
      return qf::kernel::readBuffer(b, loc, s);
    };
    Value codesA = qf::kernel::readBuffer(b, loc, ls[0]);
    Value codesB = qf::kernel::readBuffer(b, loc, rs[0]);
    Value sfA = swizzled(ls[1]), sfB = swizzled(rs[1]);
    // Tensor scales (NVFP4) multiply the finished sums, read once on the
    // host (managed memory).
    Value factor;
    for (ValueRange st : {ls, rs}) {
      if (st.size() < 3)
        continue;
      Value ts = memref::LoadOp::create(
          b, loc, qf::kernel::readBuffer(b, loc, st[2]), ValueRange{});
      factor =
          factor ? arith::MulFOp::create(b, loc, factor, ts).getResult() : ts;
    }

    auto dim = [&](Value buf, int64_t i) -> Value {
      return b.createOrFold<memref::DimOp>(loc, buf, i);
    };
    Value M = dim(codesA, rank - 2), N = dim(codesB, rank - 2);
    Value nb = rank == 3 ? dim(codesA, 0) : Value();
    SmallVector<Value> sizes;
    if (nb)
      sizes.push_back(nb);
    sizes.append({M, N});
    Value out = qf::kernel::allocBuffer(b, loc, resultT, sizes);

    int64_t steps = lt.getShape().back() / m.stepK;
    int64_t perStage = m.kind == qf::MMAKind::Tcgen05MXF8   ? 4
                       : m.kind == qf::MMAKind::Tcgen05MXF4 ? 2
                                                            : 1;
    int64_t stages = (steps + perStage - 1) / perStage;
    int64_t operandBytes = perStage * kTileM * kStepBytes;
    int64_t smemB = kSmemA + operandBytes;
    int64_t smemBytes = smemB + operandBytes + kSmemAlign;

    Value c1 = e.idx(1);
    auto ceilDiv = [&](Value x, int64_t d) -> Value {
      return b.createOrFold<arith::CeilDivUIOp>(loc, x, e.idx(d));
    };
    Value gx = ceilDiv(N, kTileN), gy = ceilDiv(M, kTileM);
    Value gz = nb ? nb : c1;
    // No launch without a tile (a zero-block launch is a CUDA error).
    Value none;
    for (Value g : {gx, gy, gz}) {
      Value z = b.createOrFold<arith::CmpIOp>(loc, arith::CmpIPredicate::eq, g,
                                              e.idx(0));
      none = none ? b.createOrFold<arith::OrIOp>(loc, none, z) : z;
    }
    std::optional<int64_t> noneC = getConstantIntValue(none);
    if (noneC && *noneC) {
      rewriter.replaceOp(op, qf::kernel::toTensor(b, loc, resultT, out));
      return success();
    }
    OpBuilder::InsertionGuard guard(b);
    Operation *after = qf::guardNonEmptyGrid(b, loc, none);
    // Dynamic shared memory rather than a workgroup attribution, which the
    // buffer deallocation pipeline after this conversion does not support.
    auto launch = gpu::LaunchOp::create(b, loc, gx, gy, gz, e.idx(kThreads), c1,
                                        c1, e.i32(smemBytes));
    if (!after)
      after = launch;
    Block &body = launch.getBody().front();
    b.setInsertionPointToStart(&body);
    gpu::TerminatorOp::create(b, loc);
    b.setInsertionPoint(body.getTerminator());
    Value smem = gpu::DynamicSharedMemoryOp::create(
        b, loc,
        MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                        MemRefLayoutAttrInterface(),
                        gpu::AddressSpaceAttr::get(
                            b.getContext(), gpu::AddressSpace::Workgroup)));
    emitKernel(e, m, launch, smem, codesA, codesB, sfA, sfB, out, factor, M, N,
               nb != Value(), steps, perStage, stages, smemB);

    b.setInsertionPointAfter(after);
    rewriter.replaceOp(op, qf::kernel::toTensor(b, loc, resultT, out));
    return success();
  }

  void emitKernel(Emitter &e, const qf::MMAMapping &m, gpu::LaunchOp launch,
                  Value smem, Value codesA, Value codesB, Value sfA, Value sfB,
                  Value out, Value factor, Value M, Value N, bool batched,
                  int64_t steps, int64_t perStage, int64_t stages,
                  int64_t smemB) const {
    OpBuilder &b = e.b;
    Location loc = e.loc;
    using P = arith::CmpIPredicate;
    Value tid = launch.getThreadIds().x;
    Value nt = launch.getBlockIds().x, mt = launch.getBlockIds().y;
    Value batch = batched ? launch.getBlockIds().z : Value();
    auto at = [&](ArrayRef<Value> rest) {
      SmallVector<Value> v;
      if (batch)
        v.push_back(batch);
      v.append(rest.begin(), rest.end());
      return v;
    };
    auto ifThen = [&](Value cond, llvm::function_ref<void()> then) {
      auto i = scf::IfOp::create(b, loc, cond, /*withElseRegion=*/false);
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(&i.getThenRegion().front());
      then();
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
    ifThen(isWarp0, [&] {
      e.ptx("tcgen05.alloc.cta_group::1.sync.aligned.shared::cta.b32 [$0], " +
                std::to_string(kTmemCols) + ";",
            "r", {slot});
      e.ptx("tcgen05.relinquish_alloc_permit.cta_group::1.sync.aligned;", "",
            {});
    });
    ifThen(isThread0, [&] {
      e.ptx("mbarrier.init.shared::cta.b64 [$0], 1;", "r", {bar});
    });
    e.ptx("tcgen05.fence::before_thread_sync;", "", {});
    e.barrier();
    e.ptx("tcgen05.fence::after_thread_sync;", "", {});
    Value tmem =
        e.ptx("ld.shared.b32 $0, [$1];", "=r,r", {slot}, b.getI32Type());

    // This thread's rows of A and B (clamped) and its word of a scale tile.
    Value mLast = b.createOrFold<arith::SubIOp>(loc, M, e.idx(1));
    Value nLast = b.createOrFold<arith::SubIOp>(loc, N, e.idx(1));
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
      // Operands: 32 bytes of this row per step, two 16-byte core-matrix
      // rows 128 bytes apart.
      auto stepLoop = scf::ForOp::create(b, loc, e.idx(0), inStage, e.idx(1));
      {
        OpBuilder::InsertionGuard g2(b);
        b.setInsertionPointToStart(stepLoop.getBody());
        Value j = stepLoop.getInductionVar();
        Value k0 = e.mul(e.add(first, j), e.idx(kStepBytes));
        Value stepOff = e.add(rowOff, e.mul(e.toI32(j), e.i32(4096)));
        for (int64_t w = 0; w < 8; ++w) {
          Value k = e.add(k0, e.idx(4 * w));
          int64_t off = (w / 4) * 128 + (w % 4) * 4;
          Value dst = e.add(stepOff, e.i32(off));
          e.storeShared(e.add(sh(kSmemA), dst), e.word(codesA, at({rowA, k})));
          e.storeShared(e.add(sh(smemB), dst), e.word(codesB, at({rowB, k})));
        }
      }
      Value w4 = e.toI32(word4);
      e.storeShared(e.add(sh(kSmemSFA), w4), e.word(sfA, at({mt, s, word4})));
      e.storeShared(e.add(sh(kSmemSFB), w4), e.word(sfB, at({nt, s, word4})));
      // Generic-proxy writes become visible to the tensor core (async proxy).
      e.ptx("fence.proxy.async.shared::cta;", "", {});
      e.barrier();
      e.ptx("tcgen05.fence::after_thread_sync;", "", {});

      ifThen(isThread0, [&] {
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
          ifThen(has, [&] {
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
    Value rowOk = e.cmp(P::ult, row, M);
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
        Value ok = arith::AndIOp::create(b, loc, rowOk, e.cmp(P::ult, col, N));
        Value bits = LLVM::ExtractValueOp::create(b, loc, v, i);
        ifThen(ok, [&] {
          Value f = arith::BitcastOp::create(b, loc, b.getF32Type(), bits);
          if (factor)
            f = arith::MulFOp::create(b, loc, f, factor);
          memref::StoreOp::create(b, loc, f, out, at({row, col}));
        });
      }
    }
    e.ptx("tcgen05.fence::before_thread_sync;", "", {});
    e.barrier();
    ifThen(isWarp0, [&] {
      e.ptx("tcgen05.dealloc.cta_group::1.sync.aligned.b32 $0, " +
                std::to_string(kTmemCols) + ";",
            "r", {tmem});
    });
  }

  qf::NVVMChip chip;
  unsigned ptx;
};

} // namespace

void qf::populateQFMatmulToTcgen05Patterns(const TypeConverter &converter,
                                           RewritePatternSet &patterns,
                                           const NVVMChip &chip, unsigned ptx) {
  patterns.add<MatmulTcgen05Lowering>(converter, patterns.getContext(), chip,
                                      ptx);
}
