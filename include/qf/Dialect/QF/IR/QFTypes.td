//===- QFTypes.td - qf types -------------------------------*- tablegen -*-===//

#ifndef QF_DIALECT_QF_IR_QFTYPES_TD
#define QF_DIALECT_QF_IR_QFTYPES_TD

include "qf/Dialect/QF/IR/QFAttrs.td"
include "qf/Dialect/QF/IR/QFInterfaces.td"
include "mlir/IR/AttrTypeBase.td"

def QF_QTensorType : TypeDef<QF_Dialect, "QTensor", [
    DeclareTypeInterfaceMethods<QF_BlockScaledTypeInterface>]> {
  let mnemonic = "tensor";
  let summary = "A ranked block-scaled tensor";
  let description = [{
    A tensor of `shape` whose values (of the expressed float type) are stored
    in `format`, with blocks running along `axis`:

    ```mlir
    !qf.tensor<128x256xf32, mxfp4, axis = 1>
    !qf.tensor<?x4096xf32, #qf.format<elem = f6E3M2FN, block = 16>, axis = 1>
    !qf.tensor<64x64xf32, fp8_tensor>          // per-tensor: no axis
    ```

    The blocked dimension must be static and divisible by the block size;
    other dimensions may be dynamic. Per-tensor formats carry no axis.
  }];
  let parameters = (ins
    ArrayRefParameter<"int64_t">:$shape,
    "::mlir::Type":$expressedType,
    "::qf::FormatAttr":$format,
    "int64_t":$axis
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    int64_t getRank() const { return getShape().size(); }
    bool hasStaticShape() const {
      return !::llvm::is_contained(getShape(), ::mlir::ShapedType::kDynamic);
    }
    /// The float tensor type this quantizes (shape x expressed type).
    ::mlir::RankedTensorType getExpressedTensorType() const;
    /// The numerics library layout (requires a static shape for sizes).
    ::qf::numerics::Layout getLayout() const;
    /// SQ formats: the low part (this shape in the format without outliers)
    /// and the high part (the blocked axis K / bank * count, in
    /// getFormat().getHighFormat()); both null for other formats.
    QTensorType getLowType() const;
    QTensorType getHighType() const;
    /// Same tensor with another format/axis.
    QTensorType cloneWith(::qf::FormatAttr format, int64_t axis) const;
  }];
}

#endif // QF_DIALECT_QF_IR_QFTYPES_TD
