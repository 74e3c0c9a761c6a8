//===- SwizzleScales.cpp - qf.swizzle_scales as a kernel ------------------===//
//
// One parallel iteration per 32-bit word of the 128x4 tile layout
// (qf::numerics ScaleSwizzle.h): the 4 bytes of a word are one row's 4
// consecutive scale columns, so an iteration reads 4 bytes of one source row
// and writes one aligned word. Padding rows and columns get
// numerics::kScalePad (0), never the E8M0 NaN. Target-neutral: the CPU runs
// the loop (tested by executing it), on the GPU it becomes a gpu.launch
// (mapParallelLoopsToGPU) before the tcgen05 matmul that needs it.
//
//===----------------------------------------------------------------------===//
#include "qf/Conversion/QFToVector/QFToVector.h"

#include "qf/Conversion/Kernels/Builder.h"
#include "qf/Dialect/QF/IR/QF.h"
#include "qf/Numerics/ScaleSwizzle.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
namespace nm = qf::numerics;

namespace {

struct SwizzleScalesLowering : OpConversionPattern<qf::SwizzleScalesOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(qf::SwizzleScalesOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    OpBuilder &b = rewriter;
    auto inT = cast<RankedTensorType>(op.getScales().getType());
    auto outT = cast<RankedTensorType>(op.getType());
    int64_t rank = inT.getRank();
    bool batched = rank == 3;
    auto idx = [&](int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, loc, v);
    };
    Value in = qf::kernel::readBuffer(b, loc, adaptor.getScales());
    auto dim = [&](Value buf, int64_t i) -> Value {
      return b.createOrFold<memref::DimOp>(loc, buf, i);
    };
    Value rows = dim(in, rank - 2), cols = dim(in, rank - 1);
    Value batch = batched ? dim(in, 0) : Value();
    auto ceilDiv = [&](Value x, int64_t d) -> Value {
      return b.createOrFold<arith::CeilDivUIOp>(loc, x, idx(d));
    };
    Value tr = ceilDiv(rows, nm::kSwizzleTileRows);
    Value tc = ceilDiv(cols, nm::kSwizzleTileCols);
    SmallVector<Value> sizes;
    if (batched)
      sizes.push_back(batch);
    sizes.append({tr, tc, idx(nm::kSwizzleTileBytes)});
    Value out = qf::kernel::allocBuffer(b, loc, outT, sizes);

    // Iterations: [batch,] row tile, column tile, word of the tile.
    SmallVector<Value> ubs(sizes.begin(), sizes.end() - 1);
    ubs.push_back(idx(nm::kSwizzleTileBytes / 4));
    SmallVector<Value> lbs(ubs.size(), idx(0)), steps(ubs.size(), idx(1));
    Value rowsLast = b.createOrFold<arith::SubIOp>(loc, rows, idx(1));
    Value colsLast = b.createOrFold<arith::SubIOp>(loc, cols, idx(1));
    auto par = scf::ParallelOp::create(b, loc, lbs, ubs, steps);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(par.getBody());
      OpBuilder &pb = b;
      SmallVector<Value> iv(par.getInductionVars());
      auto c = [&](int64_t v) -> Value {
        return arith::ConstantIndexOp::create(pb, loc, v);
      };
      auto mul = [&](Value x, Value y) -> Value {
        return pb.createOrFold<arith::MulIOp>(loc, x, y);
      };
      auto add = [&](Value x, Value y) -> Value {
        return pb.createOrFold<arith::AddIOp>(loc, x, y);
      };
      size_t o = batched ? 1 : 0;
      Value ti = iv[o], tj = iv[o + 1], word = iv[o + 2];
      // Bytes 4w .. 4w+3 (numerics::swizzleSource): row
      // ti*128 + (w % 4) * 32 + w / 4, columns tj*4 + 0..3.
      Value byte0 = mul(word, c(4));
      Value r = add(
          add(mul(ti, c(nm::kSwizzleTileRows)),
              mul(pb.createOrFold<arith::RemUIOp>(
                      loc, pb.createOrFold<arith::DivUIOp>(loc, byte0, c(4)),
                      c(4)),
                  c(32))),
          pb.createOrFold<arith::DivUIOp>(loc, byte0, c(16)));
      Value rowOk =
          arith::CmpIOp::create(pb, loc, arith::CmpIPredicate::ult, r, rows);
      Value rc = pb.createOrFold<arith::MinUIOp>(loc, r, rowsLast);
      Value zero =
          arith::ConstantIntOp::create(pb, loc, pb.getI8Type(), nm::kScalePad);
      SmallVector<Value> bytes;
      for (int64_t i = 0; i < 4; ++i) {
        Value col = add(mul(tj, c(nm::kSwizzleTileCols)), c(i));
        Value ok = arith::AndIOp::create(
            pb, loc, rowOk,
            arith::CmpIOp::create(pb, loc, arith::CmpIPredicate::ult, col,
                                  cols));
        // Clamped, in-bounds read; padding selects kScalePad.
        Value cc = pb.createOrFold<arith::MinUIOp>(loc, col, colsLast);
        SmallVector<Value> at;
        if (batched)
          at.push_back(iv[0]);
        at.append({rc, cc});
        Value v = memref::LoadOp::create(pb, loc, in, at);
        bytes.push_back(arith::SelectOp::create(pb, loc, ok, v, zero));
      }
      Value vec = vector::FromElementsOp::create(
          pb, loc, VectorType::get({4}, pb.getI8Type()), bytes);
      SmallVector<Value> dst;
      if (batched)
        dst.push_back(iv[0]);
      dst.append({ti, tj, byte0});
      vector::StoreOp::create(pb, loc, vec, out, dst,
                              /*nontemporal=*/false, llvm::MaybeAlign(4));
    }
    rewriter.replaceOp(op, qf::kernel::toTensor(b, loc, outT, out));
    return success();
  }
};

} // namespace

void qf::populateQFSwizzleScalesPatterns(RewritePatternSet &patterns) {
  patterns.add<SwizzleScalesLowering>(patterns.getContext());
}
