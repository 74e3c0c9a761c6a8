//===- BlockCodec.h - Encode / decode vectors of one block format -*- C++ -*-===//
//
// A BlockCodec emits, for one numerics::BlockFormat, the per-block steps of
// every quantize and dequantize kernel: the scale of a block from its amax
// or from a stored scale, the encoding of a vector of values under it, the
// decoding of codes, and the loads / stores of values, packed codes and
// scales. Vectors have the target's width.
//
//===----------------------------------------------------------------------===//
#ifndef QF_CONVERSION_KERNELS_BLOCKCODEC_H
#define QF_CONVERSION_KERNELS_BLOCKCODEC_H

#include "qf/Conversion/Kernels/Builder.h"
#include "qf/Numerics/Format.h"

namespace qf {
class TargetInfo;
} // namespace qf

namespace qf::kernel {

/// What encoding one block needs once its scale is known.
struct ScaleInfo {
  mlir::Value stored;   ///< storage value (i32 byte for E8M0/E4M3, else f16/bf16/f32)
  mlir::Value kexp;     ///< MX: the i32 exponent offset of encodeElements
  mlir::Value eb;       ///< float scales: the f32 element multiplier
  mlir::Value nanBlock; ///< i1: the block encodes to zeros (non-finite / NaN scale)
  /// MX: 2^-kexp as two f32 factors (pow2NegPair), for native encodes.
  mlir::Value mulA, mulB;

  /// The info with `fn` applied to every field that is set (a lane of
  /// per-block vectors, a broadcast).
  ScaleInfo map(llvm::function_ref<mlir::Value(mlir::Value)> fn) const {
    auto f = [&](mlir::Value v) { return v ? fn(v) : v; };
    return {f(stored), f(kexp), f(eb), f(nanBlock), f(mulA), f(mulB)};
  }
};

struct BlockCodec {
  BlockCodec(mlir::OpBuilder &b, mlir::Location loc, const TargetInfo &target,
             numerics::BlockFormat f = {}, unsigned bits = 8);

  mlir::OpBuilder &b;
  mlir::Location loc;
  const TargetInfo &target;
  numerics::BlockFormat f;
  unsigned vw;   ///< the target's vector width
  unsigned bits; ///< element code bits

  KB kb() const { return KB{b, loc}; }
  bool isMX() const { return f.scale == numerics::ScaleType::E8M0; }
  /// Scale storage element (i8 for one-byte scale types).
  bool byteScales() const;

  //===--- Scales ----------------------------------------------------------===//

  /// Scale of a block with |x| max bits `amaxBits` (non-finite when
  /// >= 0x7F800000) and tensor encode scale sEnc (float scales only).
  ScaleInfo fromAmax(mlir::Value amaxBits, mlir::Value sEnc);
  /// From a stored scale of any type (static scales).
  ScaleInfo fromStored(mlir::Value stored, mlir::Value sEnc);
  /// Broadcasts scalar scale info to vectors of `vw` lanes.
  ScaleInfo splatInfo(const ScaleInfo &s);

  //===--- Values ----------------------------------------------------------===//

  /// Codes (vector<vw x i32>) of x (vector<vw x f32>) under scale info `s`.
  mlir::Value encode(mlir::Value x, const ScaleInfo &s);
  /// Decoded values (vector<vw x f32>) of codes under stored scale `stored`
  /// (vector) and tensor decode scale g (f32 scalar or null).
  mlir::Value decode(mlir::Value codes, mlir::Value stored, mlir::Value g);
  /// i32 max of |bits| over a vector (lanes past `valid` are zero).
  mlir::Value absMaxScalar(mlir::Value x);

  //===--- Memory ----------------------------------------------------------===//

  mlir::Value mask(mlir::Value valid, int64_t n);
  /// Loads `valid` (<= vw) elements of a 1-D f32/f16/bf16 buffer as f32.
  mlir::Value loadF32(mlir::Value mem, mlir::Value at, mlir::Value valid,
                      bool full);
  /// Stores f32 values into a 1-D buffer of f32/f16/bf16 (RNE narrowing).
  void storeF32(mlir::Value v, mlir::Value mem, mlir::Value at,
                mlir::Value valid, bool full);
  /// Packs codes and stores the bytes of `validCodes` codes at byte `at`.
  void storeCodes(mlir::Value codes, mlir::Value mem, mlir::Value at,
                  mlir::Value validCodes, bool full);
  /// Loads and unpacks `validCodes` codes from byte `at`.
  mlir::Value loadCodes(mlir::Value mem, mlir::Value at,
                        mlir::Value validCodes, bool full);
  /// Scale storage value (scalar, in-register type) at index `at`.
  mlir::Value loadScale(mlir::Value mem, mlir::Value at);
  void storeScale(mlir::Value v, mlir::Value mem, mlir::Value at);
  /// Per-lane scales at indices `idx` (vector<vw x index>), masked.
  mlir::Value gatherScales(mlir::Value mem, mlir::Value idx, mlir::Value m);
  void scatterScales(mlir::Value v, mlir::Value mem, mlir::Value idx,
                     mlir::Value m);

private:
  mlir::Value mxKexp(mlir::Value xs);
  ScaleInfo fromStoredFloat(mlir::Value stored, mlir::Value sEnc);
  mlir::VectorType vecOf(mlir::Type elt, int64_t n);
};

} // namespace qf::kernel

#endif // QF_CONVERSION_KERNELS_BLOCKCODEC_H
