//===- QFScaleLayoutOps.td - Scales in hardware layouts ----*- tablegen -*-===//
//
// Changes of the block-scale storage layout that tensor-core instructions
// need, as ops of their own so that they are explicit in the IR. Included by
// QFOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef QF_DIALECT_QF_IR_QFSCALELAYOUTOPS_TD
#define QF_DIALECT_QF_IR_QFSCALELAYOUTOPS_TD

def QF_SwizzleScalesOp : QF_Op<"swizzle_scales", [Pure]> {
  let summary = "Block scales in the 128x4 tile layout of tcgen05.mma";
  let description = [{
    Rewrites row-major block scales (`qf.pack`'s scales: one byte per block,
    `[..., rows, cols]` with the blocks of a row along `cols`, D12) into the
    tile layout that block-scaled `tcgen05.mma` (sm_100a/f, sm_103a) reads
    through `tcgen05.cp ... .32x128b.warpx4`, the layout CUTLASS, Triton,
    cuBLAS and TensorRT-LLM use for MXFP8 / MXFP4 / NVFP4 scales: tiles of
    128 rows x 4 scale columns, 512 bytes each, `[..., ceil(rows / 128),
    ceil(cols / 4), 512]`, scale `(r, c)` at byte
    `(r % 32) * 16 + ((r % 128) / 32) * 4 + c % 4` of tile
    `(r / 128, c / 4)` (`qf::numerics` ScaleSwizzle.h).

    Padding bytes (rows past `rows`, columns past `cols`) are 0: a finite
    scale in every scale format (E8M0 0 is 2^-127, E4M3 0 is +0), never the
    E8M0 NaN 0xFF. No byte value changes; a constant input folds.

    ```mlir
    %t = qf.swizzle_scales %scales : tensor<200x6xi8> -> tensor<2x2x512xi8>
    ```

    The tcgen05 matmul kernels of `convert-qf-to-nvvm` (tensor-cores) put
    this op on each operand's scales; for constant scales (constant
    weights, also through `qf-outline-kernels`' kernel functions) it folds
    at compile time, otherwise its kernel runs before the matmul's.
  }];
  let arguments = (ins RankedTensorOf<[I8]>:$scales);
  let results = (outs RankedTensorOf<[I8]>:$result);
  let assemblyFormat = [{
    $scales attr-dict `:` type($scales) `->` type($result)
  }];
  let extraClassDeclaration = [{
    /// The result type for row-major scales of type `scales`.
    static ::mlir::RankedTensorType inferType(::mlir::RankedTensorType scales);
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

#endif // QF_DIALECT_QF_IR_QFSCALELAYOUTOPS_TD
