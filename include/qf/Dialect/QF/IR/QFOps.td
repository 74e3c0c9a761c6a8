//===- QFOps.td - qf operations ----------------------------*- tablegen -*-===//

#ifndef QF_DIALECT_QF_IR_QFOPS_TD
#define QF_DIALECT_QF_IR_QFOPS_TD

include "qf/Dialect/QF/IR/QFTypes.td"
include "mlir/IR/OpAsmInterface.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"

// Every op takes the row-major layout; the repacked weight layout
// (`layout = tiled<...>`) only where a weight is stored (constant,
// pack/unpack) and read by the GEMM kernels (the rhs of matmuls).
def QF_AnyQTensor : Type<
    CPred<"::llvm::isa<::qf::QTensorType>($_self) && "
          "!::llvm::cast<::qf::QTensorType>($_self).isTiled()">,
    "block-scaled qf tensor (row-major layout)", "::qf::QTensorType">;
def QF_LayoutQTensor : Type<CPred<"::llvm::isa<::qf::QTensorType>($_self)">,
    "block-scaled qf tensor (any layout)", "::qf::QTensorType">;
def QF_FloatTensor : RankedTensorOf<[F32, F16, BF16]>;
def QF_QOrFloatTensor : AnyTypeOf<[QF_AnyQTensor, QF_FloatTensor]>;
def QF_WeightTensor : AnyTypeOf<[QF_LayoutQTensor, QF_FloatTensor]>;

//===----------------------------------------------------------------------===//
// quantize / dequantize / requantize
//===----------------------------------------------------------------------===//

def QF_QuantizeOp : QF_Op<"quantize", [Pure, AttrSizedOperandSegments]> {
  let summary = "Quantize a float tensor into a block-scaled format";
  let description = [{
    Quantizes `input` into the format of the result type. Without `scales`,
    every block's scale is computed from the data (docs/numerics.md 3.1 for E8M0
    scales, 4.2 for E4M3/f16/bf16/f32 scales; formats with a tensor scale
    first reduce the finite amax over the whole tensor). With `scales` (and
    `tensor_scale` for formats that have one) the given static scales are
    used, as after calibration: E8M0 blocks compute P = round(x / 2^s), float
    scales e = fp32(fp32(1/g) / sf), q = round(fp32(x * e)), where round is
    the format's rounding (ties-to-even unless `rounding` says otherwise).

    ```mlir
    %q = qf.quantize %x : tensor<4x64xf32>
           -> !qf.tensor<4x64xf32, mxfp4, axis = 1>
    %s = qf.quantize %x scales(%sc : tensor<4x2xi8>) : tensor<4x64xf32>
           -> !qf.tensor<4x64xf32, mxfp4, axis = 1>
    ```

    Folds when its operands are constants (`dense<>` or `dense_resource<>`
    with data), so constant weights are quantized at compile time.
  }];
  let arguments = (ins QF_FloatTensor:$input,
                       Optional<AnyRankedTensor>:$scales,
                       Optional<AnyRankedTensor>:$tensor_scale);
  let results = (outs QF_AnyQTensor:$result);
  let assemblyFormat = [{
    $input (`scales` `(` $scales^ `:` type($scales) `)`)?
    (`tensor_scale` `(` $tensor_scale^ `:` type($tensor_scale) `)`)?
    attr-dict `:` type($input) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

def QF_DequantizeOp : QF_Op<"dequantize", [Pure]> {
  let summary = "Decode a block-scaled tensor to floats";
  let description = [{
    Decodes every element: MX formats x = 2^s * P exactly; float scales
    x = fp32(fp32(q * sf) * g). A NaN scale decodes its whole block to NaN.
    The result has the operand's shape and an f32, f16 or bf16 element type
    (the f32 value rounded to nearest-even when narrower).

    ```mlir
    %x = qf.dequantize %q : !qf.tensor<4x64xf32, mxfp4, axis = 1>
           -> tensor<4x64xf32>
    ```
  }];
  let arguments = (ins QF_AnyQTensor:$input);
  let results = (outs QF_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` qualified(type($input)) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QF_RequantizeOp : QF_Op<"requantize", [Pure]> {
  let summary = "Convert a block-scaled tensor to another format";
  let description = [{
    Equivalent to dequantizing to f32 and quantizing into the result format
    with scales computed from the data (the numerics are exactly those of
    that pair). Shapes must agree; format and axis may differ.

    Canonicalization turns `qf.quantize(qf.dequantize(%q))` (f32, scales
    from the data) into `qf.requantize %q`, and a requantize to the same type
    folds away when that is exact (E8M0 floor formats with float or
    symmetric integer elements; see `numerics::requantizeIsIdentity`). A
    chain `requantize(requantize(%q : A) : B) : C` becomes
    `requantize(%q : A) : C` when A -> B is lossless (same blocked axis;
    `numerics::requantizeIsLossless`).

    ```mlir
    %r = qf.requantize %q : !qf.tensor<4x64xf32, mxfp8, axis = 1>
           -> !qf.tensor<4x64xf32, mxfp4, axis = 1>
    ```
  }];
  let arguments = (ins QF_AnyQTensor:$input);
  let results = (outs QF_AnyQTensor:$result);
  let assemblyFormat = "$input attr-dict `:` qualified(type($input)) `->` qualified(type($result))";
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
}

//===----------------------------------------------------------------------===//
// pack / unpack
//===----------------------------------------------------------------------===//

def QF_PackOp : QF_Op<"pack", [Pure]> {
  let summary = "Expose the storage of a block-scaled tensor";
  let description = [{
    Produces the storage tensors of a block-scaled tensor: the packed codes
    (`getPackedType()`: little-endian bit stream per innermost row, D10/D11),
    the block scales (`getScalesType()`, D12) and, for formats with one, the
    rank-0 f32 tensor decode scale.

    ```mlir
    %codes, %scales = qf.pack %q : !qf.tensor<4x64xf32, mxfp4, axis = 1>
                        -> tensor<4x32xi8>, tensor<4x2xi8>
    ```
  }];
  let arguments = (ins QF_LayoutQTensor:$input);
  let results = (outs AnyRankedTensor:$packed, AnyRankedTensor:$scales,
                      Optional<AnyRankedTensor>:$tensor_scale);
  let assemblyFormat = [{
    $input attr-dict `:` qualified(type($input)) `->` type($packed) `,` type($scales)
    (`,` type($tensor_scale)^)?
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QF_UnpackOp : QF_Op<"unpack", [Pure]> {
  let summary = "Build a block-scaled tensor from its storage";
  let description = [{
    The inverse of `qf.pack`: interprets packed codes, block scales and (for
    formats with one) the tensor decode scale as a block-scaled tensor. This
    is how pre-quantized weights enter a program.

    ```mlir
    %q = qf.unpack %codes, %scales : tensor<4x32xi8>, tensor<4x2xi8>
           -> !qf.tensor<4x64xf32, mxfp4, axis = 1>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$packed, AnyRankedTensor:$scales,
                       Optional<AnyRankedTensor>:$tensor_scale);
  let results = (outs QF_LayoutQTensor:$result);
  let assemblyFormat = [{
    $packed `,` $scales (`,` $tensor_scale^)? attr-dict `:` type($packed) `,`
    type($scales) (`,` type($tensor_scale)^)? `->` qualified(type($result))
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// transpose / reshape (data movement on the storage)
//===----------------------------------------------------------------------===//

def QF_TransposeOp : QF_Op<"transpose", [Pure]> {
  let summary = "Permute the dimensions of a block-scaled tensor";
  let description = [{
    `result[i_perm[0], ...] = input[i_0, ...]`: result dimension `d` is
    input dimension `permutation[d]`, as `linalg.transpose`. Blocks move
    with their axis, so this is exactly `qf.quantize(linalg.transpose(x))`
    of a tensor quantized before the permutation (the same elements form
    each block; a tensor scale does not depend on the order). The blocked
    axis must be the innermost one and stay innermost (the packed codes and
    the scales are then permuted as they are, in the leading dimensions);
    fixed-size blocks only.

    ```mlir
    %t = qf.transpose %q permutation = [1, 0, 2]
           : !qf.tensor<8x2x32xf32, mxfp8, axis = 2>
           -> !qf.tensor<2x8x32xf32, mxfp8, axis = 2>
    ```
  }];
  let arguments = (ins QF_AnyQTensor:$input, DenseI64ArrayAttr:$permutation);
  let results = (outs QF_AnyQTensor:$result);
  let assemblyFormat = [{
    $input `permutation` `=` $permutation attr-dict `:` qualified(type($input))
    `->` qualified(type($result))
  }];
  let hasVerifier = 1;
}

def QF_ReshapeOp : QF_Op<"reshape", [Pure]> {
  let summary = "Row-major reshape of a block-scaled tensor";
  let description = [{
    The row-major reshape of `input` (same elements in the same flat order,
    as `tensor.reshape`), e.g. splitting `[s, h*d]` into heads `[s, h, d]`
    or merging them back. Both types are blocked along their innermost axis
    with the same fixed-size block format and static shapes; the block size
    divides both innermost sizes, so every block stays the same set of
    elements and this is exactly the quantize of the reshaped f32 tensor.
    Lowered as a reshape of the packed codes and of the scales.
    Canonicalization composes a chain of reshapes into one (none when the
    chain returns to the input's type).

    ```mlir
    %r = qf.reshape %q : !qf.tensor<8x64xf32, mxfp8, axis = 1>
           -> !qf.tensor<8x2x32xf32, mxfp8, axis = 2>
    ```
  }];
  let arguments = (ins QF_AnyQTensor:$input);
  let results = (outs QF_AnyQTensor:$result);
  let assemblyFormat = [{
    $input attr-dict `:` qualified(type($input)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
}

//===----------------------------------------------------------------------===//
// constant
//===----------------------------------------------------------------------===//

def QF_ConstantOp : QF_Op<"constant", [ConstantLike, Pure,
    DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmResultNames"]>]> {
  let summary = "A quantized constant";
  let description = [{
    A block-scaled constant. The printed form shows the element codes (hex,
    one per element, in the tensor's shape) and the block scales (hex bytes
    for E8M0/E4M3 scales, floats otherwise), so a reader sees exactly what is
    stored:

    ```mlir
    %w = qf.constant codes [[0x00, 0x03, ...]] scales [[0x84]]
           : !qf.tensor<1x32xf32, mxint8, axis = 1>
    %n = qf.constant codes [...] scales [0x76, 0x7E]
           tensor_scale 0.0227708574 : !qf.tensor<32xf32, nvfp4, axis = 0>
    ```

    Large constants (more than 4096 codes) print their codes and scales as
    `dense<...>` attributes instead, so the usual elision flags apply.
  }];
  let arguments = (ins QF_QuantizedAttr:$value);
  let results = (outs QF_LayoutQTensor:$result);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let hasFolder = 1;
}

//===----------------------------------------------------------------------===//
// matmul
//===----------------------------------------------------------------------===//

def QF_MatmulOp : QF_Op<"matmul", [Pure]> {
  let summary = "Block-scaled matrix multiplication with f32 accumulation";
  let description = [{
    C = A * B (or A * B^T with `transpose_b`) accumulated in f32. Each operand
    is a float tensor or a block-scaled `!qf.tensor` blocked along the
    reduction axis K; a quantized operand contributes its decoded values
    (scales applied per block). Rank 2 ([M,K] x [K,N]) or rank 3 with a
    leading batch dimension on both operands.

    ```mlir
    %c = qf.matmul %a, %w : !qf.tensor<8x64xf32, mxfp8, axis = 1>,
           !qf.tensor<64x16xf32, mxfp4, axis = 0> -> tensor<8x16xf32>
    %d = qf.matmul %x, %wt transpose_b : tensor<8x64xf32>,
           !qf.tensor<16x64xf32, nvfp4, axis = 1> -> tensor<8x16xf32>
    ```
  }];
  let arguments = (ins QF_QOrFloatTensor:$lhs, QF_WeightTensor:$rhs,
                       UnitAttr:$transpose_b);
  let results = (outs RankedTensorOf<[F32]>:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs (`transpose_b` $transpose_b^)? attr-dict `:` type($lhs) `,`
    type($rhs) `->` type($result)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// hadamard / observe
//===----------------------------------------------------------------------===//

def QF_HadamardOp : QF_Op<"hadamard", [Pure, SameOperandsAndResultType]> {
  let summary = "Block-diagonal (randomized) Hadamard rotation along an axis";
  let description = [{
    Applies I (kron) H_block / sqrt(block) along `axis`: every group of
    `block` consecutive elements along the axis is transformed by the
    normalized Hadamard matrix of that order (docs/numerics.md D13/D14: powers of
    two, and 12 * 2^k, 20 * 2^k). With `seed`, the randomized transform
    H * diag(sigma) of D15 is applied. The FP32 evaluation order is pinned
    (butterflies h = 1, 2, 4, ..., then H_m, then one scaling), so folding and
    every lowering agree bit for bit.

    ```mlir
    %r = qf.hadamard %x axis = 1 block = 32 : tensor<4x64xf32>
    %s = qf.hadamard %x axis = 1 block = 64 seed = 7 : tensor<4x64xf32>
    ```
  }];
  let arguments = (ins QF_FloatTensor:$input, I64Attr:$axis, I64Attr:$block,
                       OptionalAttr<I64Attr>:$seed);
  let results = (outs QF_FloatTensor:$result);
  let assemblyFormat = [{
    $input `axis` `=` $axis `block` `=` $block (`seed` `=` $seed^)? attr-dict
    `:` type($input)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QF_ObserveOp : QF_Op<"observe", [SameOperandsAndResultType]> {
  let summary = "Identity marker naming a tensor for calibration";
  let description = [{
    Returns its operand unchanged. Calibration instrumentation lowers it to a
    call that records statistics under `name`; other pipelines erase it.
    It is not `Pure`, so it survives canonicalization and DCE until a pass
    decides what to do with it.

    ```mlir
    %y = qf.observe "layer0.q_proj.input" %x : tensor<4x64xf32>
    ```
  }];
  let arguments = (ins StrAttr:$name, AnyRankedTensor:$input);
  let results = (outs AnyRankedTensor:$result);
  let assemblyFormat = "$name $input attr-dict `:` type($input)";
  let hasVerifier = 1;
}


//===----------------------------------------------------------------------===//
// map / yield (fused elementwise kernels, qf-fuse-requantize)
//===----------------------------------------------------------------------===//

def QF_MapOp : QF_Op<"map", [AttrSizedOperandSegments, IsolatedFromAbove,
                             RecursiveMemoryEffects,
                             SingleBlockImplicitTerminator<"YieldOp">]> {
  let summary = "Elementwise function of qf and f32 tensors, fused in one kernel";
  let description = [{
    Computes `result[i] = body(inputs[map_0(i)], inputs[map_1(i)], ...)` for
    every index `i` of the result: each `!qf.tensor` input is decoded to f32
    (exactly `qf.dequantize`), each f32 input is read as is, the body (a
    block of elementwise `arith` / `math` ops on f32 scalars ending in
    `qf.yield`) runs on the values, and a `!qf.tensor` result is quantized
    (exactly `qf.quantize` with the given static `scales` / `tensor_scale`,
    or scales from the data) while an f32 result is stored. The CPU lowering
    keeps the decoded and computed values in vector registers, so only the
    inputs and the (quantized) result touch memory; `qf-fuse-requantize`
    builds it from `qf.dequantize` -> `linalg` elementwise ops ->
    `qf.quantize` chains, and the result equals that unfused program bit for
    bit.

    `indexing_maps` (one per input; default: all identities) are broadcasts:
    each picks an increasing subset of the result's dimensions, so a bias
    `tensor<64xf32>` added to every row of an 8x64 result has map
    `(i, j) -> (j)`. `!qf.tensor` inputs use the identity map. At least one
    input has the identity map (it gives the dynamic sizes).

    ```mlir
    %y = qf.map(%q, %bias) {indexing_maps = [affine_map<(i, j) -> (i, j)>,
                                             affine_map<(i, j) -> (j)>]}
           : (!qf.tensor<8x64xf32, mxfp8, axis = 1>, tensor<64xf32>)
           -> !qf.tensor<8x64xf32, mxfp4, axis = 1> {
    ^bb0(%x: f32, %b: f32):
      %s = arith.addf %x, %b : f32
      %zero = arith.constant 0.0 : f32
      %r = arith.maximumf %s, %zero : f32
      qf.yield %r : f32
    }
    ```
  }];
  let arguments = (ins Variadic<QF_QOrFloatTensor>:$inputs,
                       Optional<AnyRankedTensor>:$scales,
                       Optional<AnyRankedTensor>:$tensor_scale,
                       OptionalAttr<AffineMapArrayAttr>:$indexing_maps);
  let results = (outs QF_QOrFloatTensor:$result);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    `(` $inputs `)` (`scales` `(` $scales^ `:` type($scales) `)`)?
    (`tensor_scale` `(` $tensor_scale^ `:` type($tensor_scale) `)`)?
    attr-dict `:` `(` qualified(type($inputs)) `)` `->` qualified(type($result))
    $body
  }];
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    /// The indexing map of input `i` (identity when no maps are given).
    ::mlir::AffineMap getInputMap(unsigned i);
    /// Rank of the result.
    int64_t getRank();
    /// Shape of the result.
    ::llvm::ArrayRef<int64_t> getResultShape();
  }];
}

def QF_FusedMatmulOp : QF_Op<"fused_matmul", [AttrSizedOperandSegments,
    IsolatedFromAbove, RecursiveMemoryEffects,
    SingleBlockImplicitTerminator<"YieldOp">]> {
  let summary = "qf.matmul with an elementwise epilogue, result quantized or f32";
  let description = [{
    `qf.matmul %lhs, %rhs` followed by the elementwise `body` applied to each
    f32 accumulator (first block argument) and the matching elements of the
    `epilogue` inputs (f32 tensors of the result's shape), then quantized into
    the result type (static `scales` / `tensor_scale`, or scales from the
    data). Exactly `qf.map` of the `qf.matmul` result; the CPU kernel keeps one
    band of output rows in a thread-local buffer, applies the body and
    encodes whole blocks along N, so the f32 product never reaches memory.
    The result is blocked along its last axis (N), as the next contraction's
    lhs needs. An empty body (only `qf.yield %acc`) is a plain quantize.

    With a second weight `rhs2` (a dual GEMM), the kernel also computes
    `qf.matmul %lhs, %rhs2` (same `transpose_b`, same result shape) on the
    same band of rows, and its accumulator is the body's second argument:
    SwiGLU's gate and up projections share the quantized input, so the gate
    product never reaches memory either. Each product is accumulated exactly
    as `qf.matmul` accumulates it.

    ```mlir
    %h = qf.fused_matmul %a, %wu, %wg transpose_b
           : !qf.tensor<8x64xf32, mxfp8, axis = 1>,
             !qf.tensor<128x64xf32, mxfp4, axis = 1>,
             !qf.tensor<128x64xf32, mxfp4, axis = 1>
           -> !qf.tensor<8x128xf32, mxfp8, axis = 1> {
    ^bb0(%up: f32, %gate: f32):
      ... silu(%gate) * %up ...
      qf.yield %y : f32
    }
    ```

    An f32 result (no scales, not padded or transposed) stores the body's
    values instead: a residual add in the epilogue of the projection that
    writes the residual stream, so the product itself is never stored.

    ```mlir
    %h = qf.fused_matmul %attn, %wo transpose_b epilogue(%x : tensor<8x64xf32>)
           : !qf.tensor<8x64xf32, mxfp8, axis = 1>,
             !qf.tensor<64x64xf32, mxfp4, axis = 1> -> tensor<8x64xf32> {
    ^bb0(%acc: f32, %res: f32):
      %s = arith.addf %res, %acc : f32
      qf.yield %s : f32
    }
    ```

    Row reductions: a `qf.row_reduce` in the body is the reduction of its
    operand over the whole result row (every element of the row, in order),
    so a row softmax or normalization of the product runs in the epilogue.

    ```mlir
    %p = qf.fused_matmul %q, %k transpose_b
           : !qf.tensor<2x8x32xf32, mxfp8, axis = 2>,
             !qf.tensor<2x8x32xf32, mxfp8, axis = 2>
           -> !qf.tensor<2x8x32xf32, mxfp8, axis = 2> {
    ^bb0(%s: f32):
      %ninf = arith.constant -3.0e38 : f32
      %m = qf.row_reduce %s init(%ninf) {
      ^bb0(%v: f32, %acc: f32):
        %r = arith.maximumf %v, %acc : f32
        qf.yield %r : f32
      }
      %d = arith.subf %s, %m : f32
      %e = math.exp %d : f32
      %zero = arith.constant 0.0 : f32
      %sum = qf.row_reduce %e init(%zero) {
      ^bb0(%v: f32, %acc: f32):
        %r = arith.addf %v, %acc : f32
        qf.yield %r : f32
      }
      %y = arith.divf %e, %sum : f32
      qf.yield %y : f32
    }
    ```

    The example's product is 2x8x8 (N = 8 from `%k`), its result 2x8x32:
    a result whose last axis is longer than the product's is padded with
    zeros after the body (`tensor.pad` with 0.0, then quantize), as a
    contraction over that axis needs whole blocks. Row reductions see only
    the product's elements.

    With `transpose_result`, result row `n` holds product column `n`: the
    result is [B,] N x M (last axis padded as above), blocked along M, and
    `qf.row_reduce` runs along M. The products are computed exactly as
    without it, so `qf.transpose` of the plain product gives the same bits;
    a projection whose next contraction reduces over M (attention's V)
    encodes its blocks in its own epilogue.

    Epilogue inputs are read at the identity of the row shape (the result
    before padding, [B,] M x N, or N x M with transpose_result) unless
    `epilogue_maps` gives broadcast maps, as `qf.map`'s `indexing_maps`:
    a bias over N, `affine_map<(i, j) -> (j)>`, is read once per column
    instead of being materialized at the product's shape (torch-mlir's bias
    add after each projection, the attention mask of the scores).

    ```mlir
    %h = qf.fused_matmul %a, %w transpose_b epilogue(%gate : tensor<8x128xf32>)
           : !qf.tensor<8x64xf32, mxfp8, axis = 1>,
             !qf.tensor<128x64xf32, mxfp4, axis = 1>
           -> !qf.tensor<8x128xf32, mxfp8, axis = 1> {
    ^bb0(%acc: f32, %g: f32):
      %p = arith.mulf %acc, %g : f32
      qf.yield %p : f32
    }
    ```
  }];
  let arguments = (ins QF_QOrFloatTensor:$lhs, QF_WeightTensor:$rhs,
                       Optional<QF_WeightTensor>:$rhs2,
                       Variadic<RankedTensorOf<[F32]>>:$epilogue,
                       Optional<AnyRankedTensor>:$scales,
                       Optional<AnyRankedTensor>:$tensor_scale,
                       UnitAttr:$transpose_b, UnitAttr:$transpose_result,
                       OptionalAttr<AffineMapArrayAttr>:$epilogue_maps);
  let results = (outs QF_QOrFloatTensor:$result);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    $lhs `,` $rhs (`,` $rhs2^)? (`transpose_b` $transpose_b^)?
    (`transpose_result` $transpose_result^)?
    (`epilogue` `(` $epilogue^ `:` type($epilogue) `)`)?
    (`scales` `(` $scales^ `:` type($scales) `)`)?
    (`tensor_scale` `(` $tensor_scale^ `:` type($tensor_scale) `)`)?
    attr-dict `:` type($lhs) `,` type($rhs) (`,` type($rhs2)^)? `->`
    qualified(type($result))
    $body
  }];
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let extraClassDeclaration = [{
    /// The product's shape in the result's orientation ([B,] M x N, or
    /// [B,] N x M with transpose_result), before padding; dynamic sizes
    /// where the operands do not give them.
    ::llvm::SmallVector<int64_t> getRowShape();
    /// How epilogue input `i` is read from the row shape (getRowShape):
    /// the identity unless `epilogue_maps` says otherwise.
    ::mlir::AffineMap getEpilogueMap(unsigned i);
  }];
}

def QF_RowReduceOp : QF_Op<"row_reduce", [ParentOneOf<["FusedMatmulOp", "MapOp"]>,
    IsolatedFromAbove, RecursiveMemoryEffects,
    SingleBlockImplicitTerminator<"YieldOp">]> {
  let summary = "Reduction over the result row in a qf.fused_matmul / qf.map body";
  let description = [{
    In the body of a `qf.fused_matmul` or a `qf.map`, the reduction of `input` over every
    element of the current result row: starting from `init`, the combiner
    (`^bb0(%element: f32, %accumulator: f32)`, elementwise arith / math ops,
    `qf.yield` of the new accumulator) runs on the row's elements in
    increasing order, exactly as a `linalg.generic` reduction over the last
    axis lowered to loops does. `init` may not depend on the body's
    arguments. Padding elements of the result are not part of the row.

    ```mlir
    %sum = qf.row_reduce %e init(%zero) {
    ^bb0(%v: f32, %acc: f32):
      %r = arith.addf %v, %acc : f32
      qf.yield %r : f32
    }
    ```
  }];
  let arguments = (ins F32:$input, F32:$init);
  let results = (outs F32:$result);
  let regions = (region SizedRegion<1>:$combiner);
  let assemblyFormat = [{
    $input `init` `(` $init `)` $combiner attr-dict
  }];
  let hasRegionVerifier = 1;
}

def QF_YieldOp : QF_Op<"yield", [Pure, Terminator,
    ParentOneOf<["MapOp", "FusedMatmulOp", "RowReduceOp"]>]> {
  let summary = "Yields the f32 value of a qf.map / qf.fused_matmul / qf.row_reduce body";
  let arguments = (ins Variadic<AnyType>:$values);
  let builders = [OpBuilder<(ins), [{ /* nothing */ }]>];
  let assemblyFormat = "($values^ `:` type($values))? attr-dict";
}

include "qf/Dialect/QF/IR/QFSparseOps.td"
include "qf/Dialect/QF/IR/QFScaleLayoutOps.td"

#endif // QF_DIALECT_QF_IR_QFOPS_TD
