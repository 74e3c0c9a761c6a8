//===- QFSparseOps.td - qf ops on sparse-quantized parts ---*- tablegen -*-===//
//
// The two parts of a sparse-quantized (SQ) tensor as values of their own:
// the kernels and folders of ordinary formats then apply to each part.
// Included by QFOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef QF_DIALECT_QF_IR_QFSPARSEOPS_TD
#define QF_DIALECT_QF_IR_QFSPARSEOPS_TD

def QF_SparseSplitOp : QF_Op<"sparse_split", [Pure]> {
  let summary = "The low part, high part and positions of an SQ tensor";
  let description = [{
    Splits a tensor in a sparse-quantized format (docs/formats.md
    "Sparse-quantized formats") into its storage parts, each an ordinary
    value: the low part (`getLowType()`: the same shape in the format without
    outliers, +0 at the outlier slots), the high part (`getHighType()`: the
    blocked axis K becomes K / bank * count) and the in-bank position of each
    high element (`i8`, ascending within a bank). No value changes; at the
    storage level the op is free. Folds on a constant (into the constants
    of the parts) and on a `qf.sparse_join`.

    ```mlir
    %lo, %hi, %pos = qf.sparse_split %w : !qf.tensor<64x16xf32,
        #qf.format<mxint4, bank = 32, outliers = 2>, axis = 0>
        -> !qf.tensor<64x16xf32, mxint4, axis = 0>,
           !qf.tensor<4x16xf32, #qf.format<elem = i8, block = 2, ...>, axis = 0>,
           tensor<4x16xi8>
    ```
  }];
  let arguments = (ins QF_AnyQTensor:$input);
  let results = (outs QF_AnyQTensor:$low, QF_AnyQTensor:$high,
                      RankedTensorOf<[I8]>:$positions);
  let assemblyFormat = [{
    $input attr-dict `:` qualified(type($input)) `->` qualified(type($low)) `,`
    qualified(type($high)) `,` type($positions)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QF_SparseJoinOp : QF_Op<"sparse_join", [Pure]> {
  let summary = "An SQ tensor from its low part, high part and positions";
  let description = [{
    The inverse of `qf.sparse_split`: the types are those split produces for
    the result type. Positions outside their bank or not ascending within a
    bank are undefined behaviour at run time (a constant is checked).
    `qf.sparse_join` of the parts of a `qf.sparse_split` folds to its input.

    ```mlir
    %w = qf.sparse_join %lo, %hi, %pos : !qf.tensor<64x16xf32, mxint4, axis = 0>,
        !qf.tensor<4x16xf32, #qf.format<...>, axis = 0>, tensor<4x16xi8>
        -> !qf.tensor<64x16xf32, #qf.format<mxint4, bank = 32, outliers = 2>, axis = 0>
    ```
  }];
  let arguments = (ins QF_AnyQTensor:$low, QF_AnyQTensor:$high,
                       RankedTensorOf<[I8]>:$positions);
  let results = (outs QF_AnyQTensor:$result);
  let assemblyFormat = [{
    $low `,` $high `,` $positions attr-dict `:` qualified(type($low)) `,`
    qualified(type($high)) `,` type($positions) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QF_SparseQuantizeOp : QF_Op<"sparse_quantize", [Pure]> {
  let summary = "Quantize into an SQ format with static outlier channels";
  let description = [{
    Quantizes `input` into the sparse-quantized (SQ) format of the result
    type with the outliers at fixed channels instead of selecting them from
    the data (docs/numerics.md D25, D27): `outlier_channels` lists, ascending,
    the absolute indices along the blocked axis K that are stored in the
    high precision, exactly `outliers` of them in every bank of `bank`
    channels (K / bank * outliers in all). Every slice along the other axes
    uses the same channels, so nothing is sorted at run time. The block
    scales of both parts are computed from the data, the low part's without
    the outlier channels (D22).

    ```mlir
    %q = qf.sparse_quantize %x outlier_channels [3, 17, 40, 63]
           : tensor<8x64xf32> -> !qf.tensor<8x64xf32,
             #qf.format<mxint4, bank = 32, outliers = 2>, axis = 1>
    ```

    `qf-quantize-model calibration=...` writes it for activations in an SQ
    format (the channels of largest calibrated mean |activation| per bank).
    Folds when its input is a constant; the CPU lowering gives the bits of
    the folder (numerics::quantizeSparseWithPositions).
  }];
  let arguments = (ins QF_FloatTensor:$input,
                       DenseI64ArrayAttr:$outlier_channels);
  let results = (outs QF_AnyQTensor:$result);
  let assemblyFormat = [{
    $input `outlier_channels` $outlier_channels attr-dict `:` type($input)
    `->` qualified(type($result))
  }];
  let extraClassDeclaration = [{
    /// The in-bank position of every outlier channel (K / bank * count
    /// entries, the layout of a static channel mask).
    std::vector<uint8_t> getChannelMask();
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

#endif // QF_DIALECT_QF_IR_QFSPARSEOPS_TD
