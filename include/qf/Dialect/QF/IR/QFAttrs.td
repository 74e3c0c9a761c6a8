//===- QFAttrs.td - qf enums and attributes ----------------*- tablegen -*-===//

#ifndef QF_DIALECT_QF_IR_QFATTRS_TD
#define QF_DIALECT_QF_IR_QFATTRS_TD

include "qf/Dialect/QF/IR/QFDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/BuiltinAttributeInterfaces.td"
include "mlir/IR/EnumAttr.td"

//===----------------------------------------------------------------------===//
// Enums
//===----------------------------------------------------------------------===//

def QF_BlockKind : I32Enum<"BlockKind", "what one scale covers", [
    I32EnumCase<"Fixed", 0, "fixed">,
    I32EnumCase<"Channel", 1, "channel">,
    I32EnumCase<"Tensor", 2, "tensor">]> {
  let cppNamespace = "::qf";
}

def QF_ScaleRule : I32Enum<"ScaleRule",
    "MX shared-exponent rule (docs/numerics.md 3.1 step 5)", [
    I32EnumCase<"Floor", 0, "floor">,
    I32EnumCase<"Ceil", 1, "ceil">,
    I32EnumCase<"Even", 2, "even">]> {
  let cppNamespace = "::qf";
}

def QF_Rounding : I32Enum<"Rounding", "element rounding", [
    I32EnumCase<"Even", 0, "even">,
    I32EnumCase<"Away", 1, "away">]> {
  let cppNamespace = "::qf";
}

def QF_IntRange : I32Enum<"IntRange", "integer element range", [
    I32EnumCase<"Sym", 0, "sym">,
    I32EnumCase<"Full", 1, "full">]> {
  let cppNamespace = "::qf";
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

class QF_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<QF_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

def QF_OutliersAttr : QF_Attr<"Outliers", "outliers"> {
  let summary = "The outlier part of a sparse-quantized (SQ) format";
  let description = [{
    In every bank of `bank` consecutive elements along the blocked axis,
    `count` elements are stored in `elementType` (with `scaleType` block
    scales and scale rule `rule`, one scale per block of the format) instead
    of the format's element type (docs/numerics.md section 6, D20-D25). It
    is written inside `#qf.format<...>` with the keys `bank`, `outliers` (or
    `sparsity`), `outlier_elem`, `outlier_scale` and `outlier_rule`.
  }];
  let parameters = (ins
    "int64_t":$bank,
    "int64_t":$count,
    "::mlir::Type":$elementType,
    "::mlir::Type":$scaleType,
    EnumParameter<QF_ScaleRule>:$rule
  );
  // Its own spelling exists for completeness; formats print the keys above.
  let assemblyFormat = [{
    `<` `bank` `=` $bank `,` `count` `=` $count `,` `elem` `=` $elementType
    `,` `scale` `=` $scaleType `,` `rule` `=` $rule `>`
  }];
}

def QF_FormatAttr : QF_Attr<"Format", "format"> {
  let summary = "A block-scaled number format";
  let description = [{
    Describes how a tensor is quantized: the element type, what one scale
    covers (a fixed block of consecutive elements along the blocked axis, the
    whole axis, or the whole tensor), the scale type, the MX scale rule, the
    element rounding, the integer range and an optional second-level FP32
    tensor scale.

    Presets print and parse by name; any other combination is written out:

    ```mlir
    #qf.format<mxfp4>
    #qf.format<nvfp4>
    #qf.format<mxfp4, rule = ceil>        // a preset with overrides
    #qf.format<elem = f6E3M2FN, block = 16, scale = f8E8M0FNU, rule = ceil,
               rounding = even, range = sym>
    #qf.format<elem = i8, block = channel, scale = f32>
    ```

    Keys (defaults in brackets): `elem` (f8E4M3FN, f8E5M2, f6E2M3FN,
    f6E3M2FN, f4E2M1FN, i2..i8), `block` (an integer [32], `channel` or
    `tensor`), `scale` (f8E8M0FNU [default], f8E4M3FN, f16, bf16, f32),
    `rule` (floor [default], ceil, even; E8M0 scales only), `rounding`
    (even [default], away), `range` (sym [default], full; integer elements
    only), `tensor_scale` (f32; with f8E4M3FN/f16/bf16 block scales).
  }];
  let parameters = (ins
    "::mlir::Type":$elementType,
    EnumParameter<QF_BlockKind>:$blockKind,
    "int64_t":$blockSize,
    "::mlir::Type":$scaleType,
    EnumParameter<QF_ScaleRule>:$rule,
    EnumParameter<QF_Rounding>:$rounding,
    EnumParameter<QF_IntRange>:$range,
    OptionalParameter<"::mlir::Type">:$tensorScaleType,
    OptionalParameter<"::qf::OutliersAttr">:$outliers
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Whether this is a sparse-quantized (SQ) format.
    bool hasOutliers() const { return bool(getOutliers()); }
    /// This format without its outliers (the low part of an SQ format).
    FormatAttr getLowFormat() const;
    /// The format of the high part of an SQ format (numerics::highFormat).
    FormatAttr getHighFormat() const;
    /// The numerics library's description of this format.
    ::qf::numerics::BlockFormat toNumerics() const;
    /// Builds the attribute for a numerics format (inverse of toNumerics).
    static FormatAttr fromNumerics(::mlir::MLIRContext *ctx,
                                   const ::qf::numerics::BlockFormat &f);
    /// Looks up a preset by name; null if unknown.
    static FormatAttr getPreset(::mlir::MLIRContext *ctx,
                                ::llvm::StringRef name);
    /// The preset name this format equals, or "".
    std::string getPresetName() const;
    /// Bits of one element code.
    unsigned getElementBits() const;
    bool hasTensorScale() const { return bool(getTensorScaleType()); }
    /// Storage type of one block scale in tensors: i8 for 8-bit scale
    /// formats (E8M0, E4M3 bytes), else f16/bf16/f32.
    ::mlir::Type getScaleStorageType() const;
    /// A short human-readable name: the preset name or the written-out form.
    std::string str() const;
  }];
}

def QF_QuantizedAttr : QF_Attr<"Quantized", "quantized",
                               [TypedAttrInterface]> {
  let summary = "The value of a quantized constant";
  let description = [{
    Element codes (one `i8` per element in the tensor's shape, the code in
    the low bits), block scales in the storage layout of the type's
    `getScalesType()`, and the FP32 tensor-level decode scale for formats that
    have one; for SQ formats also the outlier codes (the high part's codes,
    one `i8` each, `getHighType()`), their block scales and their in-bank
    positions. `qf.constant` holds one; quantize folders produce one.
  }];
  let parameters = (ins
    AttributeSelfTypeParameter<"", "::qf::QTensorType">:$type,
    "::mlir::DenseIntElementsAttr":$codes,
    "::mlir::DenseElementsAttr":$scales,
    OptionalParameter<"::mlir::FloatAttr">:$tensorScale,
    OptionalParameter<"::mlir::DenseIntElementsAttr">:$outlierCodes,
    OptionalParameter<"::mlir::DenseElementsAttr">:$outlierScales,
    OptionalParameter<"::mlir::DenseIntElementsAttr">:$positions
  );
  // The outlier group starts with its keyword, not a comma: an optional
  // group is chosen by its first token, and `,` already opens tensor_scale.
  let assemblyFormat = [{
    `<` `codes` `=` $codes `,` `scales` `=` $scales
    (`,` `tensor_scale` `=` $tensorScale^)?
    (`outliers` `=` $outlierCodes^ `,` `outlier_scales` `=` $outlierScales
     `,` `positions` `=` $positions)? `>`
  }];
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// Unpacks into the numerics library's representation.
    ::qf::numerics::QuantizedTensor toNumerics() const;
    /// Builds the attribute from the numerics library's representation.
    static QuantizedAttr fromNumerics(::qf::QTensorType type,
                                      const ::qf::numerics::QuantizedTensor &q);
  }];
}

#endif // QF_DIALECT_QF_IR_QFATTRS_TD
