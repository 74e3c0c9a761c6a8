//===- QFInterfaces.td - qf type interfaces ----------------*- tablegen -*-===//

#ifndef QF_DIALECT_QF_IR_QFINTERFACES_TD
#define QF_DIALECT_QF_IR_QFINTERFACES_TD

include "mlir/IR/OpBase.td"

def QF_BlockScaledTypeInterface : TypeInterface<"BlockScaledTypeInterface"> {
  let cppNamespace = "::qf";
  let description = [{
    A type whose values are block-scaled: it exposes the storage a lowering
    or a runtime works with. Codes are one `i8` per element (code in the low
    bits); packed bytes follow the little-endian bit-stream rule of
    docs/numerics.md D10/D11, each innermost row packed on its own; scales follow
    D12 (blocked axis innermost). Sparse-quantized (SQ) formats add the
    outlier storage (docs/formats.md "Sparse-quantized formats").
  }];
  let methods = [
    InterfaceMethod<"Unpacked element codes: the shape with i8 elements.",
      "::mlir::RankedTensorType", "getCodesType">,
    InterfaceMethod<"Packed codes: the innermost dimension holds "
      "ceil(n * bits / 8) bytes.",
      "::mlir::RankedTensorType", "getPackedType">,
    InterfaceMethod<"Block scales in storage layout (i8 bytes for E8M0/E4M3).",
      "::mlir::RankedTensorType", "getScalesType">,
    InterfaceMethod<"Rank-0 f32 tensor-level decode scale, or null.",
      "::mlir::RankedTensorType", "getTensorScaleType">,
    InterfaceMethod<"SQ formats: the packed codes of the high-precision "
      "outliers (the blocked axis K becomes K / bank * count), or null.",
      "::mlir::RankedTensorType", "getOutlierPackedType">,
    InterfaceMethod<"SQ formats: the block scales of the outliers, or null.",
      "::mlir::RankedTensorType", "getOutlierScalesType">,
    InterfaceMethod<"SQ formats: the in-bank position of each outlier (one "
      "i8 each, ascending within a bank), or null.",
      "::mlir::RankedTensorType", "getOutlierPositionsType">,
    InterfaceMethod<"Bits of one element code.",
      "unsigned", "getElementBits">,
    InterfaceMethod<"Storage bits per element, block scales amortized and "
      "(when the shape is static) the tensor scale included.",
      "double", "getBitsPerElement">
  ];
}

#endif // QF_DIALECT_QF_IR_QFINTERFACES_TD
