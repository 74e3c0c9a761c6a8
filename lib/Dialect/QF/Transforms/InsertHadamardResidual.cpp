//===- InsertHadamardResidual.cpp - qf-insert-hadamard: gamma, residual ---===//
//
// Part of qf-insert-hadamard (the layout is in HadamardRotation.h): QuaRot's
// model-level steps (Ashkboos et al. 2024). fold-gamma moves a
// normalization's scale into the weights that read it; rotate-residual
// rotates the whole residual stream, so that the contractions reading its
// gamma-free RMSNorms need no online transform.
//
//===----------------------------------------------------------------------===//
#include "HadamardRotation.h"

#include "qf/Dialect/QF/IR/ConstantData.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace qf::hadamard;

namespace {

/// r[..] = sum over the last axis of x * x (the RMSNorm row statistic): the
/// same for Q x with Q orthogonal along that axis (||Q x|| = ||x||; a
/// block-diagonal Q keeps every row's norm as well).
bool isRowSumOfSquares(Operation *op, Value x) {
  auto r = dyn_cast_or_null<linalg::GenericOp>(op);
  auto xt = dyn_cast<RankedTensorType>(x.getType());
  if (!r || !xt || r.getNumDpsInputs() != 1 || r.getNumDpsInits() != 1 ||
      r.getNumResults() != 1 || r.getDpsInputOperand(0)->get() != x ||
      int64_t(r.getNumLoops()) != xt.getRank())
    return false;
  int64_t rank = xt.getRank();
  SmallVector<utils::IteratorType> its = r.getIteratorTypesArray();
  for (int64_t d = 0; d < rank; ++d)
    if ((d == rank - 1) != (its[d] == utils::IteratorType::reduction))
      return false;
  SmallVector<AffineMap> maps = r.getIndexingMapsArray();
  if (!maps[0].isIdentity() || maps[1].getNumResults() != rank - 1)
    return false;
  for (int64_t d = 0; d + 1 < rank; ++d)
    if (maps[1].getResult(d) != getAffineDimExpr(d, r.getContext()))
      return false;
  Block &body = r.getRegion().front();
  Value in = body.getArgument(0), acc = body.getArgument(1);
  auto add = body.getTerminator()->getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add)
    return false;
  Value sq = add.getLhs() == acc   ? add.getRhs()
             : add.getRhs() == acc ? add.getLhs()
                                   : Value();
  auto mul = sq ? sq.getDefiningOp<arith::MulFOp>() : arith::MulFOp();
  return mul && mul.getLhs() == in && mul.getRhs() == in;
}

/// How a linalg.generic that reads `x` relates to a rotation of x.
enum class NormKind {
  NotNorm,  ///< no row statistic of x: not a normalization of x
  Commutes, ///< y = x * s(sum of squares of x's row): RMSNorm without gamma
  Scaled,   ///< reads such a statistic but computes something else
};

/// Commutes: y[.., k] = x[.., k] * s where s depends only on row sums of
/// squares of x (RMSNorm without gamma, or with gamma folded), so
/// Q y = norm(Q x) for Q orthogonal along k (QuaRot, Ashkboos et al. 2024).
/// A kept gamma (diag(gamma) does not commute with Q) or a subtracted mean
/// (not rotation-invariant: LayerNorm) is Scaled.
NormKind normKind(linalg::GenericOp g, Value x) {
  auto xt = dyn_cast<RankedTensorType>(x.getType());
  if (!xt || g.getNumDpsInits() != 1 || g.getNumResults() != 1 ||
      g.getNumParallelLoops() != g.getNumLoops() ||
      g.getResult(0).getType() != xt)
    return NormKind::NotNorm;
  int64_t rank = xt.getRank();
  Block &body = g.getRegion().front();
  BlockArgument xArg;
  bool hasStat = false, ok = true;
  SmallVector<BlockArgument> stats;
  for (OpOperand *in : g.getDpsInputOperands()) {
    BlockArgument ba = g.getMatchingBlockArgument(in);
    AffineMap map = g.getMatchingIndexingMap(in);
    if (in->get() == x && map.isIdentity()) {
      if (xArg)
        return NormKind::NotNorm;
      xArg = ba;
      continue;
    }
    if (isRowSumOfSquares(in->get().getDefiningOp(), x)) {
      bool rowMap = map.getNumResults() == rank - 1;
      for (int64_t d = 0; rowMap && d + 1 < rank; ++d)
        rowMap = map.getResult(d) == getAffineDimExpr(d, g.getContext());
      hasStat = true;
      if (rowMap)
        stats.push_back(ba);
      else if (!ba.use_empty())
        ok = false;
      continue;
    }
    // Anything else (gamma, a mean, x itself through another map) must be
    // unused: fold-gamma leaves the gamma input in place.
    if (!ba.use_empty())
      ok = false;
  }
  if (!xArg || !hasStat)
    return NormKind::NotNorm;
  if (!ok || !g.getMatchingBlockArgument(g.getDpsInitOperand(0)).use_empty() ||
      !xArg.hasOneUse())
    return NormKind::Scaled;
  auto mul = body.getTerminator()->getOperand(0).getDefiningOp<arith::MulFOp>();
  if (!mul || (mul.getLhs() != xArg && mul.getRhs() != xArg))
    return NormKind::Scaled;
  // The factor depends on the row statistics only (x's argument has its one
  // use in the multiply, so it cannot appear in the factor).
  Value s = mul.getLhs() == xArg ? mul.getRhs() : mul.getLhs();
  if (s == xArg)
    return NormKind::Scaled;
  return NormKind::Commutes;
}

/// An elementwise a + b with identity maps: linalg.add or a generic whose
/// body is one addf of its two inputs. Q a + Q b = Q (a + b).
bool isResidualAdd(Operation *op) {
  auto lo = dyn_cast_or_null<linalg::LinalgOp>(op);
  if (!lo || !isa<linalg::AddOp, linalg::GenericOp>(op) ||
      lo.getNumDpsInputs() != 2 || lo.getNumDpsInits() != 1 ||
      op->getNumResults() != 1 || lo.getNumParallelLoops() != lo.getNumLoops())
    return false;
  for (AffineMap m : lo.getIndexingMapsArray())
    if (!m.isIdentity())
      return false;
  if (isa<linalg::AddOp>(op))
    return true;
  Block &body = cast<linalg::GenericOp>(op).getRegion().front();
  auto add = body.getTerminator()->getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add || &body.front() != add.getOperation())
    return false;
  Value a = body.getArgument(0), b = body.getArgument(1);
  return (add.getLhs() == a && add.getRhs() == b) ||
         (add.getLhs() == b && add.getRhs() == a);
}

/// Whether the normalized H_n (D13/D14) equals its transpose, so that the
/// stream's exits can undo Q with the same qf.hadamard (Sylvester: yes;
/// the Paley factors of 12 * 2^k and 20 * 2^k: no).
bool isSymmetricHadamard(int64_t n) {
  std::vector<int8_t> h = qf::numerics::hadamardMatrix(n);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < i; ++j)
      if (h[i * n + j] != h[j * n + i])
        return false;
  return true;
}

/// Find the stream: the values joined to `x0` by residual adds, and each of
/// their uses sorted into those that read Q x (residual adds, row sums of
/// squares, commuting normalizations, whose outputs are collected) and the
/// exits.
ResidualStream collectStream(Value x0) {
  ResidualStream s;
  SmallVector<Value> work = {x0};
  s.values.insert(x0);
  while (!work.empty()) {
    Value v = work.pop_back_val();
    if (Operation *d = v.getDefiningOp(); d && isResidualAdd(d))
      for (Value o : {d->getOperand(0), d->getOperand(1)})
        if (s.values.insert(o))
          work.push_back(o);
    for (OpOperand &u : v.getUses()) {
      Operation *user = u.getOwner();
      if (isResidualAdd(user) && u.getOperandNumber() < 2) {
        s.inStream.push_back(&u);
        for (Value o : {Value(user->getResult(0)),
                        user->getOperand(1 - u.getOperandNumber())})
          if (s.values.insert(o))
            work.push_back(o);
        continue;
      }
      if (isRowSumOfSquares(user, v)) {
        s.inStream.push_back(&u);
        continue;
      }
      auto g = dyn_cast<linalg::GenericOp>(user);
      if (g && g.isDpsInput(&u) && normKind(g, v) == NormKind::Commutes) {
        s.inStream.push_back(&u);
        s.normOut.insert(g.getResult(0));
        continue;
      }
      s.exits.push_back(&u);
    }
  }
  return s;
}

/// Find the writers: the producers of the stream's values that are
/// contractions with a constant weight (they write Q y); every other
/// producer but a residual add is an entry, where one online Q goes (said
/// in a remark).
void findWriters(const ResidualStream &s, int64_t n,
                 SmallVectorImpl<qf::MatmulOp> &writers,
                 SmallVectorImpl<Value> &entries) {
  for (Value v : s.values) {
    Operation *d = v.getDefiningOp();
    if (d && isResidualAdd(d))
      continue;
    auto mm = dyn_cast_or_null<qf::MatmulOp>(d);
    WeightKind wk = mm ? classifyWeight(mm.getRhs()) : WeightKind::Other;
    if (mm && hasConstantValues(wk)) {
      writers.push_back(mm);
      continue;
    }
    entries.push_back(v);
    InFlightDiagnostic diag = mlir::emitRemark(v.getLoc());
    diag << "qf-insert-hadamard: the residual stream enters unrotated here (";
    if (!d)
      diag << "a block argument";
    else if (mm)
      diag << "a contraction whose weight is not an f32 constant";
    else
      diag << "'" << d->getName() << "', not a contraction with a constant "
           << "weight";
    diag << "): online qf.hadamard block = " << n;
  }
}

/// Rewrite the writers' weights: W' = Q W, so that y' = Q y (the rotation
/// along the weight's output axis N).
void rotateWriterWeights(ArrayRef<qf::MatmulOp> writers, int64_t n) {
  for (qf::MatmulOp mm : writers) {
    Rotation wrot;
    qf::QuantizeOp nq = rewriteConstantWeight(mm, [&](std::vector<float> &data,
                                                      ArrayRef<int64_t> shape) {
      int64_t wr = shape.size();
      wrot = Rotation{mm.getTransposeB() ? wr - 2 : wr - 1, n, std::nullopt};
      wrot.applyTo(data, shape);
    });
    if (nq)
      nq->setAttr("qf.output_rotation", wrot.attr(mm.getContext()));
  }
}

/// Place the online transforms: Q after each entry (for the uses in the
/// stream; its other uses still read the unrotated value), Q^T (= Q) in
/// front of every use that leaves the stream (said in a remark). Returns the
/// number of exit transforms.
int64_t placeOnlineTransforms(ResidualStream &s, ArrayRef<Value> entries,
                              const Rotation &rot) {
  DenseSet<Value> entrySet(entries.begin(), entries.end());
  for (Value v : entries) {
    OpBuilder b(v.getContext());
    if (auto ba = dyn_cast<BlockArgument>(v))
      b.setInsertionPointToStart(ba.getOwner());
    else
      b.setInsertionPointAfter(v.getDefiningOp());
    Value h = rot.emit(b, v.getLoc(), v);
    for (OpOperand *u : s.inStream)
      if (u->get() == v)
        u->set(h);
  }
  int64_t numExits = 0;
  for (OpOperand *u : s.exits) {
    if (entrySet.contains(u->get()))
      continue;
    ++numExits;
    Operation *user = u->getOwner();
    OpBuilder b(user);
    u->set(rot.emit(b, user->getLoc(), u->get()));
    user->emitRemark("qf-insert-hadamard: this use leaves the rotated "
                     "residual stream (")
        << (isa<func::ReturnOp>(user) ? "returned"
                                      : "it cannot take the rotated value")
        << "): online inverse rotation Q^T = qf.hadamard block = " << rot.block;
  }
  return numExits;
}

} // namespace

//===----------------------------------------------------------------------===//
// fold-gamma
//===----------------------------------------------------------------------===//

void qf::hadamard::foldGamma(linalg::GenericOp g) {
  if (g.getNumDpsInits() != 1 || g.getNumResults() != 1 ||
      g.getNumParallelLoops() != g.getNumLoops())
    return;
  auto resT = dyn_cast<RankedTensorType>(g.getResult(0).getType());
  if (!resT || !resT.getElementType().isF32() || !resT.hasStaticShape())
    return;
  int64_t rank = resT.getRank();
  Block &body = g.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto mul = yield.getOperand(0).getDefiningOp<arith::MulFOp>();
  if (!mul || !mul->hasOneUse())
    return;
  // Which operand of the multiply is gamma: a block argument of an input
  // indexed by the last dimension only, holding a constant with data.
  std::optional<std::vector<float>> gamma;
  Value other;
  for (int i = 0; i < 2 && !gamma; ++i) {
    auto ba = dyn_cast<BlockArgument>(mul->getOperand(i));
    if (!ba || ba.getOwner() != &body || !ba.hasOneUse())
      continue;
    OpOperand *in = g.getMatchingOpOperand(ba);
    if (!in || !g.isDpsInput(in))
      continue;
    AffineMap map = g.getMatchingIndexingMap(in);
    if (map.getNumResults() != 1 ||
        map.getResult(0) != getAffineDimExpr(rank - 1, g.getContext()))
      continue;
    Attribute attr;
    if (!matchPattern(in->get(), m_Constant(&attr)))
      continue;
    gamma = qf::readFloatElements(attr);
    other = mul->getOperand(1 - i);
  }
  if (!gamma || int64_t(gamma->size()) != resT.getDimSize(rank - 1))
    return;
  // Every user must be a contraction over this last axis with a constant
  // weight, directly or through a qf.quantize without static scales.
  SmallVector<qf::MatmulOp> users;
  for (Operation *u : g.getResult(0).getUsers()) {
    if (auto q = dyn_cast<qf::QuantizeOp>(u)) {
      if (q.getScales() || q.getResult().getType().getAxis() != rank - 1)
        return;
      for (OpOperand &use : q.getResult().getUses()) {
        auto mm = dyn_cast<qf::MatmulOp>(use.getOwner());
        if (!mm || use.getOperandNumber() != 0)
          return;
        users.push_back(mm);
      }
      continue;
    }
    auto mm = dyn_cast<qf::MatmulOp>(u);
    if (!mm || mm.getLhs() != g.getResult(0) || mm.getRhs() == g.getResult(0))
      return;
    users.push_back(mm);
  }
  if (users.empty())
    return;
  for (qf::MatmulOp mm : users) {
    if (int64_t(qf::shapeOfQOrFloat(mm.getLhs().getType()).size()) != rank ||
        !hasConstantValues(classifyWeight(mm.getRhs())))
      return;
  }
  for (qf::MatmulOp mm : users)
    rewriteConstantWeight(
        mm, [&](std::vector<float> &data, ArrayRef<int64_t> shape) {
          // W diag(gamma): every element scaled by gamma at its K index.
          int64_t kB = mm.getTransposeB() ? rank - 1 : rank - 2;
          int64_t inner = 1;
          for (int64_t d = kB + 1; d < rank; ++d)
            inner *= shape[d];
          int64_t K = shape[kB];
          for (size_t i = 0; i < data.size(); ++i)
            data[i] *= (*gamma)[size_t((int64_t(i) / inner) % K)];
        });
  mul.getResult().replaceAllUsesWith(other);
  mul->erase();
  g->emitRemark("qf-insert-hadamard: normalization scale folded into the "
                "weights of ")
      << users.size() << " contraction(s)";
}

//===----------------------------------------------------------------------===//
// rotate-residual
//===----------------------------------------------------------------------===//

/// Every RMSNorm without gamma whose output feeds rotatable contractions
/// takes Q x instead of x (Q RMSNorm(x) = RMSNorm(Q x)), so those
/// contractions need no online transform. Q x is propagated up the residual
/// stream: through residual adds (both addends rotated) into the writers (a
/// contraction with a constant weight gets Q on its output side, W' with
/// y' = Q y); where the stream enters unrotated one online Q is placed,
/// where it leaves, one online Q^T (= Q: the normalized Sylvester Hadamard
/// is symmetric).
void HadamardInserter::rotateResidualStream(func::FuncOp f) {
  SmallVector<std::pair<linalg::GenericOp, Value>> norms;
  f.walk([&](linalg::GenericOp g) {
    for (OpOperand *in : g.getDpsInputOperands())
      if (normKind(g, in->get()) != NormKind::NotNorm) {
        norms.push_back({g, in->get()});
        break;
      }
  });
  DenseSet<Value> visited;
  for (auto [g, x] : norms)
    if (!visited.contains(x) && normKind(g, x) == NormKind::Commutes)
      rotateComponent(g, x, visited);
  for (auto [g, x] : norms)
    if (!visited.contains(x))
      g->emitRemark("qf-insert-hadamard: residual stream not rotated at "
                    "this normalization: it is not x * f(sum of x^2) "
                    "(a gamma that fold-gamma could not fold, or a mean "
                    "subtraction), which does not commute with Q");
}

/// The rotation goes on the constant weight's K side.
std::optional<int64_t> HadamardInserter::consumerRotation(qf::MatmulOp mm,
                                                          int64_t rank) {
  ArrayRef<int64_t> lhsShape = qf::shapeOfQOrFloat(mm.getLhs().getType());
  if (int64_t(lhsShape.size()) != rank ||
      ShapedType::isDynamic(lhsShape.back()) ||
      !hasConstantValues(classifyWeight(mm.getRhs())))
    return std::nullopt;
  return chooseBlockSize(mm, lhsShape.back(), /*quiet=*/true);
}

std::optional<int64_t>
HadamardInserter::chooseStreamBlockSize(linalg::GenericOp seed,
                                        ResidualStream &s, int64_t rank,
                                        SmallVector<qf::MatmulOp> &consumers) {
  std::optional<int64_t> size;
  bool sizesAgree = true;
  auto take = [&](qf::MatmulOp mm) {
    std::optional<int64_t> n = consumerRotation(mm, rank);
    if (!n)
      return false;
    if (size && *size != *n)
      sizesAgree = false;
    size = n;
    consumers.push_back(mm);
    return true;
  };
  for (Value n : s.normOut)
    for (OpOperand &u : n.getUses()) {
      Operation *user = u.getOwner();
      if (auto q = dyn_cast<qf::QuantizeOp>(user)) {
        bool all = !q.getScales() && !q.getResult().use_empty() &&
                   llvm::all_of(q.getResult().getUses(), [&](OpOperand &qu) {
                     auto mm = dyn_cast<qf::MatmulOp>(qu.getOwner());
                     return mm && qu.getOperandNumber() == 0 &&
                            mm.getRhs() != q.getResult() &&
                            consumerRotation(mm, rank);
                   });
        if (all) {
          for (Operation *qu : q.getResult().getUsers())
            take(cast<qf::MatmulOp>(qu));
          continue;
        }
      } else if (auto mm = dyn_cast<qf::MatmulOp>(user)) {
        if (u.getOperandNumber() == 0 && mm.getRhs() != n && take(mm))
          continue;
      }
      s.exits.push_back(&u);
    }
  if (!size) {
    seed->emitRemark("qf-insert-hadamard: residual stream not rotated: no "
                     "contraction with a constant weight reads its "
                     "normalizations");
    return std::nullopt;
  }
  if (!sizesAgree) {
    seed->emitRemark("qf-insert-hadamard: residual stream not rotated: the "
                     "contractions reading it get different rotation sizes; "
                     "give block=<size> or block=full");
    return std::nullopt;
  }
  if (!isSymmetricHadamard(*size)) {
    seed->emitRemark("qf-insert-hadamard: residual stream not rotated: H_")
        << *size << " (a Paley factor, D14) is not symmetric, so Q^T at the "
        << "stream's exits is not a qf.hadamard; use a power-of-two block";
    return std::nullopt;
  }
  return size;
}

void HadamardInserter::rotateComponent(linalg::GenericOp seed, Value x0,
                                       DenseSet<Value> &visited) {
  ResidualStream s = collectStream(x0);
  for (Value v : s.values)
    visited.insert(v);

  auto xT = cast<RankedTensorType>(x0.getType());
  int64_t rank = xT.getRank();
  SmallVector<Value> all(s.values.begin(), s.values.end());
  all.append(s.normOut.begin(), s.normOut.end());
  for (Value v : all)
    if (v.getType() != xT || (s.values.contains(v) && s.normOut.contains(v))) {
      seed->emitRemark("qf-insert-hadamard: residual stream not rotated: ")
          << "it mixes shapes or feeds a normalization output back into "
             "itself";
      return;
    }

  // The contractions reading the normalizations: their rotations must
  // agree, since they all read the one rotated stream.
  SmallVector<qf::MatmulOp> consumers;
  std::optional<int64_t> n = chooseStreamBlockSize(seed, s, rank, consumers);
  if (!n)
    return;
  Rotation rot{rank - 1, *n, std::nullopt};

  SmallVector<qf::MatmulOp> writers;
  SmallVector<Value> entries;
  findWriters(s, *n, writers, entries);
  rotateWriterWeights(writers, *n);
  int64_t numExits = placeOnlineTransforms(s, entries, rot);
  for (qf::MatmulOp mm : consumers) {
    int64_t r = int64_t(qf::shapeOfQOrFloat(mm.getLhs().getType()).size());
    preRotated[mm] = Rotation{r - 1, *n, std::nullopt};
  }
  seed->emitRemark("qf-insert-hadamard: residual stream rotated (block = ")
      << *n << "): " << s.normOut.size() << " normalization(s), "
      << consumers.size() << " contraction(s) without online transform, "
      << writers.size() << " writer(s) rotated on the output side, "
      << entries.size() << " entry and " << numExits
      << " exit transform(s) online";
}
