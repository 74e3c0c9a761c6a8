//===- RotationQsnr.cpp - weight QSNR with and without a rotation ---------===//
//
// qf-report's "no-rot" / "rot" columns: the numerics library quantizes the
// weight both ways (with the MSE scale search when the quantize has searched
// static scales, as qf-quantize-model weight-scale-search=mse writes them)
// and measures QSNR in the domain that is quantized (section 9).
//
//===----------------------------------------------------------------------===//
#include "RotationQsnr.h"

#include "qf/Dialect/QF/IR/ConstantData.h"
#include "qf/Numerics/Hadamard.h"
#include "qf/Numerics/Quantize.h"
#include "qf/Numerics/Stats.h"

#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace {

double quantizedQsnr(qf::QuantizeOp op, const std::vector<float> &x) {
  qf::QTensorType t = op.getResult().getType();
  qf::numerics::BlockFormat f = t.getFormat().toNumerics();
  qf::numerics::Layout l = t.getLayout();
  qf::numerics::QuantizedTensor q =
      op.getScales() ? qf::numerics::quantizeMse(f, l, x.data())
                     : qf::numerics::quantize(f, l, x.data());
  std::vector<float> xq(x.size());
  qf::numerics::dequantize(f, l, q, xq.data());
  return qf::numerics::qsnrDb(x.data(), xq.data(), int64_t(x.size()));
}

/// x <- Q^-1 x for Q = H diag(sigma) (per block along `axis`):
/// diag(sigma) H, since the normalized H is its own inverse.
void unrotate(std::vector<float> &x, const std::vector<int64_t> &shape,
              int axis, int64_t block, std::optional<int64_t> seed) {
  qf::numerics::hadamardAlongAxis(x.data(), shape, axis, block, false, 0);
  if (!seed)
    return;
  std::vector<int8_t> sigma = qf::numerics::randomSigns(uint64_t(*seed), block);
  int64_t inner = 1;
  for (size_t d = size_t(axis) + 1; d < shape.size(); ++d)
    inner *= shape[d];
  for (size_t i = 0; i < x.size(); ++i)
    if (sigma[size_t((int64_t(i) / inner) % block)] < 0)
      x[i] = -x[i];
}

} // namespace

qf::RotationQsnr qf::rotationQsnr(QuantizeOp op) {
  RotationQsnr r;
  Attribute attr;
  qf::QTensorType t = op.getResult().getType();
  if (!t.hasStaticShape() || !matchPattern(op.getInput(), m_Constant(&attr)))
    return r;
  std::optional<std::vector<float>> x = readFloatElements(attr);
  if (!x)
    return r;
  std::vector<int64_t> shape(t.getShape().begin(), t.getShape().end());
  if (auto rot = op->getAttrOfType<DictionaryAttr>("qf.rotation")) {
    auto axis = rot.getAs<IntegerAttr>("axis");
    auto block = rot.getAs<IntegerAttr>("block");
    auto seed = rot.getAs<IntegerAttr>("seed");
    if (!axis || !block || axis.getInt() < 0 ||
        axis.getInt() >= int64_t(shape.size()) ||
        !numerics::isSupportedHadamardSize(block.getInt()) ||
        shape[size_t(axis.getInt())] % block.getInt())
      return r;
    r.with = quantizedQsnr(op, *x);
    unrotate(*x, shape, int(axis.getInt()), block.getInt(),
             seed ? std::optional<int64_t>(seed.getInt()) : std::nullopt);
    r.without = quantizedQsnr(op, *x);
    return r;
  }
  r.without = quantizedQsnr(op, *x);
  qf::FormatAttr f = t.getFormat();
  int64_t b = f.getBlockSize();
  if (f.getBlockKind() != BlockKind::Fixed ||
      !numerics::isSupportedHadamardSize(b) || shape[size_t(t.getAxis())] % b)
    return r;
  numerics::hadamardAlongAxis(x->data(), shape, int(t.getAxis()), b, false, 0);
  r.with = quantizedQsnr(op, *x);
  return r;
}
