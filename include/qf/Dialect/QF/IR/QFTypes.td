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
    !qf.tensor<256x4096xf32, mxfp4, axis = 1, layout = tiled<32x4>>
    ```

    The blocked dimension must be static and divisible by the block size;
    other dimensions may be dynamic. Per-tensor formats carry no axis.

    `layout = tiled<R x KC>` is the repacked weight layout
    (`qf::numerics::Tiling`, docs/formats.md): the codes and scales of each
    group of R rows interleaved in runs of KC positions along the blocked
    axis, so a GEMM kernel reads the rows of its register tile from one
    contiguous run. Rank 2, static shape, fixed blocks along axis 1, R
    dividing dimension 0, KC dividing dimension 1 and KC codes whole bytes.
    Without it the layout is row-major (D12). Only `qf.constant`,
    `qf.pack`/`qf.unpack` and the rhs of `qf.matmul` / `qf.fused_matmul`
    (with `transpose_b`) take a tiled tensor.
  }];
  let parameters = (ins
    ArrayRefParameter<"int64_t">:$shape,
    "::mlir::Type":$expressedType,
    "::qf::FormatAttr":$format,
    "int64_t":$axis,
    "int64_t":$tileRows,
    "int64_t":$tileK
  );
  let builders = [
    TypeBuilder<(ins "::llvm::ArrayRef<int64_t>":$shape,
                     "::mlir::Type":$expressedType,
                     "::qf::FormatAttr":$format, "int64_t":$axis), [{
      return $_get($_ctxt, shape, expressedType, format, axis, 0, 0);
    }]>
  ];
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
    /// Same tensor with another format/axis (row-major).
    QTensorType cloneWith(::qf::FormatAttr format, int64_t axis) const;
    /// The storage layout (rows == 0: row-major).
    ::qf::numerics::Tiling getTiling() const { return {getTileRows(), getTileK()}; }
    bool isTiled() const { return getTileRows() != 0; }
    /// Same tensor in layout `t`.
    QTensorType withTiling(::qf::numerics::Tiling t) const;
  }];
}

#endif // QF_DIALECT_QF_IR_QFTYPES_TD
