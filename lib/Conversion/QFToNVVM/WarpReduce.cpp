//===- WarpReduce.cpp - Block maxima across the lanes of a warp -----------===//
//
// The kernel library lets consecutive iterations of a parallel loop share a
// block (TargetInfo::getCooperativeLanes): on the GPU they are consecutive
// threads, i.e. lanes of one warp, and the block's |x| maximum (an integer
// maximum of FP32 bit patterns, D3 / D8 / D18 unchanged: NaN patterns are
// the largest) is combined by shfl.sync.bfly steps. An integer maximum is
// exact in any order, so the scales are the serial kernel's bit for bit.
//
// Why the groups are whole and aligned: mapParallelLoopsToGPU gives
// iteration i (flattened, innermost dimension fastest) the thread with
// global index i, the innermost trip count is a multiple of the lanes, and
// threads-per-block is a multiple of them (getCooperativeLanes), so a group
// of `lanes` iterations is `lanes` consecutive lanes of one warp starting at
// a multiple of `lanes`, all past the bounds guard or none.
//
//===----------------------------------------------------------------------===//
#include "qf/Conversion/QFToNVVM/QFToNVVM.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

unsigned qf::NVVMTargetInfo::getCooperativeLanes(OpBuilder &b) const {
  // A loop nested in another parallel loop or in a kernel is not mapped to
  // threads of its own: its iterations run one after another in a thread.
  Block *at = b.getInsertionBlock();
  Operation *parent = at ? at->getParentOp() : nullptr;
  for (Operation *op = parent; op; op = op->getParentOp())
    if (isa<scf::ParallelOp, gpu::LaunchOp, gpu::GPUFuncOp>(op))
      return 1;
  unsigned lanes = 32;
  while (lanes > 1 && threadsPerBlock % lanes != 0)
    lanes /= 2;
  return lanes;
}

Value qf::NVVMTargetInfo::emitGroupMaxSI(OpBuilder &b, Location loc, Value v,
                                         unsigned lanes) const {
  if (lanes <= 1)
    return v;
  Type i32 = b.getI32Type();
  // The member mask is the group's lanes only: with a bounds guard, the
  // lanes of a warp past the last iteration do not reach the shuffle, and
  // shfl.sync with a full mask would wait for them.
  Value mask;
  if (lanes == 32) {
    mask = arith::ConstantIntOp::create(b, loc, i32, -1);
  } else {
    Value laneId = NVVM::LaneIdOp::create(b, loc, i32);
    Value first = arith::AndIOp::create(
        b, loc, laneId, arith::ConstantIntOp::create(b, loc, i32, 32 - lanes));
    mask = arith::ShLIOp::create(
        b, loc,
        arith::ConstantIntOp::create(b, loc, i32, (int64_t(1) << lanes) - 1),
        first);
  }
  // Inline PTX rather than nvvm.shfl.sync: that op declares no memory
  // effects, which the buffer deallocation pipeline (run after this
  // conversion) rejects, as for the cvt and mma instructions.
  // has_side_effects keeps LLVM from sinking the warp-collective
  // instruction into code only some lanes run; were it duplicated into two
  // paths, the lanes would still meet: from sm_70 on (every chip qf
  // targets) shfl.sync waits for the member mask, not for one instruction
  // address. Butterfly offsets below
  // `lanes` stay inside the (aligned) group; 0x1f: no sub-segments, clamp
  // at lane 31.
  MLIRContext *ctx = b.getContext();
  for (unsigned off = lanes / 2; off >= 1; off /= 2) {
    std::string text =
        "shfl.sync.bfly.b32 $0, $1, " + std::to_string(off) + ", 0x1f, $2;";
    Value other =
        LLVM::InlineAsmOp::create(
            b, loc, i32, ValueRange{v, mask}, b.getStringAttr(text),
            b.getStringAttr("=r,r,r"), /*has_side_effects=*/b.getUnitAttr(),
            /*is_align_stack=*/UnitAttr(),
            LLVM::TailCallKindAttr::get(ctx,
                                        LLVM::tailcallkind::TailCallKind::None),
            LLVM::AsmDialectAttr(), ArrayAttr())
            .getResult(0);
    v = arith::MaxSIOp::create(b, loc, v, other);
  }
  return v;
}
