//===- Passes.td - qf dialect passes ------------------------*- tablegen -*-===//
#ifndef QF_DIALECT_QF_TRANSFORMS_PASSES_TD
#define QF_DIALECT_QF_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def QuantizeModelPass : Pass<"qf-quantize-model", "::mlir::ModuleOp"> {
  let summary = "Quantize the contractions of linalg-on-tensors model IR";
  let description = [{
    Rewrites every contraction with one reduction dimension K
    (`linalg.matmul`, `linalg.batch_matmul`, their transposed forms written
    with `indexing_maps`, and `linalg.generic` multiply-add contractions laid
    out as [batch..., M..., K] x [batch..., K, N...] or [batch..., N..., K]
    -> [batch..., M..., N...]) into `qf.quantize` + `qf.matmul` (f32
    accumulation) with blocks along K. Groups of several batch, M or N
    dimensions are collapsed with `tensor.collapse_shape` and the result is
    expanded back with `tensor.expand_shape`.

    * The second operand B is the weight. When it is a constant (`dense<>`
      or `dense_resource<>` with data), possibly through `tensor.cast`,
      reshapes and one `linalg.transpose` of its last two dimensions, it is
      put in [N, K] layout and quantized at compile time into a
      `qf.constant` in `weight-format` (with `fold-weights=false` it stays
      `qf.quantize` of an f32 constant, for `qf-report` to measure its QSNR;
      `canonicalize` folds it later).
    * A constant without data (an elided `dense_resource<__elided__>`), or
      one reached through a copying `linalg.generic` (torch-mlir transposes
      and broadcasts), is quantized at run time in `weight-format`, with a
      remark.
    * With `weights-as-arguments`, a weight that is a `func.func` argument
      (possibly through `tensor.cast` / one transpose) is replaced by its
      storage: the argument is removed and the packed codes, the block scales
      and (for formats with one) the rank-0 f32 tensor scale are inserted in
      its place, in that order (the `qf.pack` results of the weight, with the
      argument's own shape, blocked along its K axis). The function body
      rebuilds the weight with `qf.unpack`; other f32 uses read its
      `qf.dequantize`. Callers inside the module are rewritten to
      `qf.quantize` + `qf.pack` the f32 weight they passed.
    * With `weights-as-arguments`, a weight cut from an argument through
      views (static `tensor.extract_slice`, `expand_shape` /
      `collapse_shape`, `linalg.transpose`, copying `linalg.generic`) is
      passed as the storage of the view, in new arguments after the source
      (whose codes argument carries `qf.weight_view = {source, view, axis}`
      for `qf-pack-weights --view`); the source goes when nothing else reads
      it. A weight that cannot be followed gets a remark naming the op.
    * Without it, a B operand that comes from a function argument is a
      weight quantized at run time in `weight-format`, with a remark
      (`arg-weight-format=activation`: in `activation-format`).
    * The first operand A (and a B that is neither) is quantized at run time
      in `activation-format`; `none` keeps it in f32 (weight-only), and a
      contraction without a weight is then left alone with a remark.
      `auto` picks `mxint8` when the weight format's codes are
      integer-valued (integers, E2M1: mxint8/6/4, nvint4, mxfp4, nvfp4),
      which lets the CPU kernel sum exact integer block dot products, and
      `mxfp8` otherwise. The default stays `mxfp8` (the outputs of existing
      programs do not change). MXINT8 keeps 7 significant bits of a block's
      largest values against MXFP8's 4, but fixed-point steps for the small
      ones: compare with `qf-report` before choosing it for activations with
      a wide range inside a block.
    * An `activation-format` with outliers (a sparse-quantized format) gets
      static outlier channels (docs/numerics.md D25, D27): with
      `calibration=FILE` every such activation quantize becomes
      `qf.sparse_quantize` with, per bank, the channels of largest recorded
      mean |x| (the table entry named as qf-instrument-calibration names it).
      Without a table, or when the entry has no per-channel mean along the
      blocked axis, it keeps the run-time selection with a remark saying so;
      an entry missing from a given table is an error.
    * A non-zero accumulator (`outs` not a zero `linalg.fill`) is added back
      with `linalg.add`.
    * When the block size does not divide K, A and B are zero-padded along K
      (exact: zeros change no product, block maximum or tensor amax), with a
      remark; `pad-k=false` leaves such contractions in f32 instead.

    `include` and `exclude` are regular expressions (llvm::Regex, unanchored
    search) matched against each of: the op name (`linalg.matmul`), the
    printed location (`loc("lm_head")`, `loc("model.py":12:3)`, fused
    locations in full), the `qf.name` string attribute of the op, and the
    name of every `qf.observe` that consumes the op's result. A contraction
    is quantized when `include` is empty or one of them matches, and
    `exclude` is empty or none of them matches.

    Convolutions (`linalg.conv_2d_*` named ops and convolution generics, 1-D
    to 3-D, strides, dilations, groups; padding is the `tensor.pad` before
    them) become im2col (a copying `linalg.generic`, or a reshape for 1x1
    windows over [rows, channels] inputs) + `qf.matmul`: patches
    [G, N*OH*OW, KH*KW*C] x weights [G, F, KH*KW*C] blocked along the
    reduction (window first, channels last), the product moved back to the
    output layout. Depthwise convolutions (a reduction of only the kernel
    window) stay in f32 with a remark.

    Every contraction or convolution that is not rewritten gets a remark
    naming the op and the reason (dynamic K, K not divisible with
    `pad-k=false`, excluded or not included, below `min-size`, unsupported
    layout or element type, depthwise), so nothing is skipped silently, and
    every function one summary remark ("5 of 7 contractions quantized (2 of
    4 convolutions); left in f32: 2 linalg.depthwise_conv_2d_nhwc_hwc").
    Remarks give the location and op name only; `remarks-print-op` attaches
    the operation.

    ```sh
    qf-opt model.mlir --qf-quantize-model="weight-format=mxfp4 activation-format=mxfp8 exclude=lm_head"
    ```
  }];
  let dependentDialects = ["::qf::QFDialect", "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect"];
  let options = [
    Option<"weightFormat", "weight-format", "std::string", "\"mxfp4\"",
           "format of weights: a preset name or a #qf.format<...>">,
    Option<"activationFormat", "activation-format", "std::string",
           "\"mxfp8\"",
           "format of run-time operands, `none` for weight-only, or `auto`: "
           "mxint8 for integer or E2M1 weights (the CPU's integer "
           "dot-product GEMM), mxfp8 otherwise">,
    Option<"include", "include", "std::string", "\"\"",
           "only contractions whose op name, location, qf.name or observed "
           "result name matches this regex">,
    Option<"exclude", "exclude", "std::string", "\"\"",
           "skip contractions whose op name, location, qf.name or observed "
           "result name matches this regex">,
    Option<"minSize", "min-size", "int64_t", "0",
           "skip contractions whose weight operand has fewer elements">,
    Option<"weightsAsArguments", "weights-as-arguments", "bool", "false",
           "replace f32 weight arguments by their packed codes and scales">,
    Option<"argWeightFormat", "arg-weight-format", "std::string",
           "\"weight\"",
           "format of a weight argument quantized at run time: weight "
           "(weight-format) or activation (activation-format)">,
    Option<"padK", "pad-k", "bool", "true",
           "zero-pad K to a multiple of the block size (else leave in f32)">,
    Option<"weightScaleSearch", "weight-scale-search", "std::string",
           "\"none\"",
           "none: weight block scales as quantize computes them; mse: per-block "
           "search minimizing the squared error (docs/numerics.md 7)">,
    Option<"foldWeights", "fold-weights", "bool", "true",
           "quantize constant weights into qf.constant now (else leave "
           "qf.quantize of the f32 constant)">,
    Option<"remarksPrintOp", "remarks-print-op", "bool", "false",
           "attach the whole operation to each remark (slow on large "
           "models; by default a remark names the op and its location)">,
    Option<"calibration", "calibration", "std::string", "\"\"",
           "calibration table (qf-instrument-calibration's JSON) giving "
           "activations in a sparse-quantized format static outlier "
           "channels">
  ];
}

def AssignFormatsPass : Pass<"qf-assign-formats", "::mlir::ModuleOp"> {
  let summary = "Choose one weight format per contraction under a bit budget";
  let description = [{
    For each contraction with a constant weight (the matmuls and
    convolutions `qf-quantize-model` handles), measures the predicted
    output error of every candidate format from the calibration table's
    second moments, sum_j E[x_j^2] ||dW_:,j||^2 (dW: the weight's
    quantization error in that candidate, from the numerics library), then
    chooses one candidate per contraction minimizing the total predicted
    error subject to the average bits per weight (element bits + amortized
    scale bits, weighted by element count) <= `budget`: an exact
    multiple-choice knapsack over the Pareto frontier (docs/mixed-formats.md).
    The per-contraction errors are summed relative to each output's energy
    (`objective=relative`), as they are (`absolute`), or each times its
    measured gain to the model output (`output`, with `output-gains`: the
    rise of the output's error when that weight alone is quantized in a
    probe format), which sees what the per-layer proxy cannot: how the
    rest of the model damps or passes on each layer's error.
    The choice is the discardable dictionary `qf.format_choice` on the
    contraction; `qf-quantize-model` quantizes that weight in its `format`.
    `quantize-options` must be the `qf-quantize-model` options of the
    calibration run (the calibration points are named after the ops that
    run created).

    ```sh
    qf-opt model.mlir --qf-assign-formats="calibration=calib.json budget=4.5 quantize-options='exclude=head'" \
      --qf-quantize-model="exclude=head"
    ```
  }];
  let dependentDialects = ["::qf::QFDialect", "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect"];
  let options = [
    Option<"calibration", "calibration", "std::string", "\"\"",
           "calibration table with second moments (qf-instrument-calibration "
           "second-moments=diag or full)">,
    Option<"budget", "budget", "double", "4.5",
           "average bits per weight element (element + scale bits)">,
    ListOption<"candidates", "candidates", "std::string",
               "candidate weight formats (preset names or #qf.format<...>); "
               "default mxfp4,nvfp4,mxint4,mxfp6,mxint8">,
    Option<"quantizeOptions", "quantize-options", "std::string", "\"\"",
           "the qf-quantize-model options of the calibration run">,
    Option<"objective", "objective", "std::string", "\"relative\"",
           "what is summed over contractions: relative (each predicted "
           "output error divided by the output energy E||W x||^2), "
           "absolute (the predicted output errors themselves) or output "
           "(each times its measured gain to the model output, from "
           "output-gains)">,
    ListOption<"outputGains", "output-gains", "std::string",
           "objective=output: files of the measured rise of the model "
           "output's mean square error per contraction, one per probe format "
           "(a candidate equal to a file's probe takes that file's gain, the "
           "others the first file's; docs/mixed-formats.md)">
  ];
}

def ImportInt8Pass : Pass<"qf-import-int8", "::mlir::ModuleOp"> {
  let summary = "Import int8 frontend contractions (TFLite / TOSA) into qf";
  let description = [{
    Rewrites `linalg.quantized_matmul`, `linalg.quantized_batch_matmul` and
    `linalg.matmul` / `linalg.batch_matmul` on i8 operands with an i32
    accumulator (what TOSA -> linalg emits for int8 models) into
    `qf.matmul` of `qf.unpack`ed operands: the i8 tensors are the codes of
    `#qf.format<elem = i8, block = channel, scale = f32, range = full>`
    with unit scales (A blocked along K, B along K), so no data is
    converted. The zero points are kept exactly:

        sum_k (a - za)(b - zb) = sum_k a b - zb * rowsum(A) - za * colsum(B)
                                 + K za zb

    where the first term is the qf.matmul (f32 sums of i8 products are exact
    integers up to 2^24, so K is cut into chunks of at most 1024, with a
    remark) and the others are i32 `linalg.generic` reductions (a zero
    point that is a constant 0 drops its term). The result is the
    frontend's i32 accumulator bit for bit; the rescale that follows
    (fixed-point multiplier and shift, output zero point, clamp, truncation
    to i8) is left as the frontend wrote it, so the int8 outputs are those
    of the frontend's own lowering (test/Integration/CPU/import-int8.mlir).

    Int8 convolutions (`conv_*_q` with zero points, and convolutions on i8
    x i8 -> i32) take the same path after im2col (the decomposition
    qf-quantize-model uses for f32 convolutions): the i8 patch matrix times
    the filter as [F, KH*KW*C], the row sums running over each im2col row;
    the padding the frontend wrote (TOSA: the input zero point) is part of
    those rows, so the result stays exact. Depthwise convolutions keep
    their upstream lowering (a GEMM of one column per channel), with a
    remark.

    Left alone, each with a remark saying why: depthwise and single-channel
    int8 convolutions, transposed (`indexing_maps`) or unsigned
    (`cast_unsigned`) integer matmuls, dynamic shapes, element types other
    than i8 x i8 -> i32.

    Upstream `quant` types on function boundaries: a symmetric (zero point
    0) type with signed 8-bit storage and f32 scales on an argument,
    per-tensor or per-axis on a rank-2 tensor, becomes its i8 storage
    (upstream `--strip-func-quant-types` rewrites the signature and the
    calls) read through `qf.unpack` with the type's scales, and its
    `quant.dcast` becomes `qf.dequantize` (the same f32 values as
    `--lower-quant-ops`). Every other quant type on a boundary (asymmetric,
    results, other storage, per-axis on other ranks, other uses) is
    refused with an error naming the function, the position, the type and
    the reason, before anything changes; those are lowered to their i8
    storage first (`--strip-func-quant-types --lower-quant-ops`, or the
    frontend's own lowering).

    ```sh
    qf-opt model.mlir --qf-import-int8 --qf-cpu-pipeline
    ```
  }];
  let dependentDialects = ["::qf::QFDialect", "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect"];
}

def ReportPass : Pass<"qf-report", "::mlir::ModuleOp"> {
  let summary = "Print a table of every quantized tensor (analysis only)";
  let description = [{
    Lists every block-scaled tensor that the module creates: `qf.constant`
    (kind `weight`), `qf.quantize` of a constant (`weight`, quantized when
    folded), `qf.unpack` (`weight-arg`: pre-quantized storage passed in) and
    other `qf.quantize` (`activation`). For each: location, kind, shape,
    format (preset name or full form), bits per element (from the type),
    bytes before (f32) and after (packed codes + block scales + tensor
    scale), and the weight QSNR in dB.

    The QSNR needs the f32 original, so it is computed for `qf.quantize` of
    a constant with data (quantized and decoded with the numerics library);
    a folded `qf.constant` no longer has its original and shows `-`. To get
    the QSNR of every weight, quantize without folding, report, then fold:

    ```sh
    qf-opt model.mlir --qf-quantize-model=fold-weights=false --qf-report --canonicalize
    ```

    Totals (static shapes only) follow the table. The IR is not changed.
    `output=FILE` writes to a file instead of stdout; `json` prints a JSON
    object `{"tensors": [...], "totals": {...}}`.

    `calibration=FILE` (a table of an instrumented run) adds an estimated
    QSNR for every activation found in the table (matched by the names of
    `qf-instrument-calibration`): the recorded histogram quantized with the
    activation's static splat scale (from `qf-fold-scales`), or with the
    scale of the recorded amax when the scales are data-dependent (docs
    /calibration.md). Shown as `~dB` in the table, `qsnr_db_estimated` in
    JSON.

    `compare="mxfp4;mxint4;#qf.format<mxint4, bank = 32, outliers = 2>"`
    adds a table: for every weight with its f32 data (a `qf.quantize` of a
    constant), the QSNR in each listed format along the weight's blocked
    axis, each format's bits per element, and the mean per format; the way to
    compare sparse-quantized formats with plain ones at equal bits.
  }];
  let options = [
    Option<"output", "output", "std::string", "\"-\"",
           "file to write the report to (`-`: stdout)">,
    Option<"json", "json", "bool", "false", "print JSON instead of a table">,
    Option<"calibration", "calibration", "std::string", "\"\"",
           "calibration table for estimated activation QSNR">,
    Option<"compare", "compare", "std::string", "\"\"",
           "formats to compare every weight in, separated by ';' (preset "
           "names or #qf.format<...>): adds a table of weight QSNR per format "
           "with each format's bits per element">
  ];
}

def FoldScalesPass : Pass<"qf-fold-scales", "::mlir::ModuleOp"> {
  let summary = "Turn a calibration table into static activation scales";
  let description = [{
    For every `qf.quantize` that `qf-instrument-calibration` observes (the
    same points, in the same order, so the names `<function>.act<i>` match;
    an explicit `qf.observe "name"` on the input names it instead), reads
    the calibrated |x| maximum from the table and replaces the data-dependent
    scales by constant ones: every block gets the scale that a block with that
    maximum gets (`numerics::scaleForAmax`: E8M0 by the format's rule, float
    scales rounded to nearest-even), so no amax is computed at run time and
    larger values saturate.

    `method=max` uses the recorded amax; `method=percentile` the upper edge
    of the histogram bin holding the `percentile`-th percentile of |x|
    (docs/calibration.md); `method=mse` the scale with the least expected
    squared error over the histogram; `method=entropy` the scale whose
    quantized histogram has the least KL divergence from the clipped
    original (TensorRT entropy calibration, docs/calibration.md).
    Two-level formats (NVFP4/NVINT4) keep their
    data-dependent scales and get a remark. A missing, unreadable,
    malformed or mismatched table, or a point missing from it, is an error
    naming the file and the tensor.

    `smooth-alpha=A` (0 < A <= 1, with `method=max`) first migrates
    quantization difficulty from activations to weights (SmoothQuant, Xiao
    et al. 2022): for an activation X feeding `qf.matmul` with constant f32
    weights (`qf-quantize-model="fold-weights=false"`),
    s_j = max|X_j|^A / max|W_j|^(1-A) from the table's per-channel amax and
    the weights; X is divided by s (in the gamma of a producing
    normalization `linalg.generic`, or by an inserted per-channel division)
    and the weight constants are multiplied by s before quantization. The
    static scale then uses max_j amax_j / s_j. What cannot migrate gets a
    remark naming the tensor.

    `weight-rounding=gptq` and `weight-scale-search=mse` round the constant
    weights (`qf.quantize` of an f32 constant, `fold-weights=false`) of every
    `qf.matmul` with the second moments of its left operand, recorded by
    `qf-instrument-calibration="second-moments=full"` (or `diag`, enough
    for the search alone): GPTQ spreads each column's rounding error over
    the columns not yet rounded (docs/numerics.md 7.1); the search picks each
    block scale by the squared error weighted by diag(H). Each weight becomes
    a `qf.constant` carrying its QSNR and the predicted relative output
    errors tr(dW H dW^T) / tr(W H W^T) of the chosen rounding and of
    round-to-nearest (`qf.output_error`), which `qf-report` shows. Missing
    statistics, a diagonal where GPTQ needs the matrix, an already folded
    weight and a weight argument quantized at run time are errors; weights
    packed by `qf-pack-weights` get a remark naming their calibration point.
    Not with `smooth-alpha`.

    ```sh
    qf-opt quantized.mlir --qf-fold-scales="calibration=calib.json method=percentile percentile=99.9"
    ```
  }];
  let dependentDialects = ["::qf::QFDialect", "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect"];
  let options = [
    Option<"calibration", "calibration", "std::string", "\"\"",
           "calibration table (JSON written by libqf_runtime)">,
    Option<"method", "method", "std::string", "\"max\"",
           "max | percentile | mse | entropy">,
    Option<"percentile", "percentile", "double", "99.99",
           "percentile of |x| for method=percentile">,
    Option<"smoothAlpha", "smooth-alpha", "double", "0",
           "SmoothQuant migration strength in (0, 1]; 0: none">,
    Option<"weightRounding", "weight-rounding", "std::string", "\"rtn\"",
           "rtn: weights as qf-quantize-model made them; gptq: GPTQ/OBS "
           "rounding with the recorded second moments (docs/numerics.md 7.1)">,
    Option<"weightScaleSearch", "weight-scale-search", "std::string",
           "\"none\"",
           "mse: weight block scales by the search weighted by diag(H) (the "
           "importance matrix); with gptq, per block as it is reached">,
    Option<"gptqDamp", "gptq-damp", "double", "0.01",
           "GPTQ damping: mean(diag H) times this is added to diag H">
  ];
}

def InstrumentCalibrationPass
    : Pass<"qf-instrument-calibration", "::mlir::ModuleOp"> {
  let summary = "Record statistics of the activations feeding quantized ops";
  let description = [{
    Inserts an observation point (`qf.observe`) on the input of every
    `qf.quantize` whose scales are computed from the data (the activations;
    constant weights are folded already), named `<function>.act<i>` unless an
    observe already names it, and lowers every `qf.observe` to calls into
    the calibration runtime (`libqf_runtime.so`, docs/calibration.md):
    `qf_calib_name` and `qf_calib_observe(id, tensor, channel-axis)`. Run the
    instrumented program over calibration inputs with
    `QF_CALIBRATION_OUT=table.json` to get the calibration table.

    `second-moments=full` (or `diag`) also records, for every point that is
    the left operand of a `qf.matmul` with a weight on the right (a
    `qf.constant`, a `qf.quantize` of a constant or a `qf.unpack`), the
    second moment H = sum x x^T over its tokens (rows of the last axis K),
    or only its diagonal (`qf_calib_moments(id, tensor, mode)`); the table
    becomes version 2 with a sidecar file (docs/calibration.md). An f32 left
    operand of a weight-only model gets its own point `<function>.in<i>`.
    A full H above `max-full-k` columns is an error (use `diag`).
    `qf-fold-scales weight-rounding=gptq` reads the full matrices,
    `weight-scale-search=mse` the diagonals.

    ```sh
    qf-opt model.mlir --qf-quantize-model --qf-instrument-calibration --qf-cpu-pipeline \
      | QF_CALIBRATION_OUT=calib.json mlir-runner ... -shared-libs=...,build/lib/libqf_runtime.so
    ```
  }];
  let dependentDialects = ["::qf::QFDialect", "::mlir::func::FuncDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::bufferization::BufferizationDialect",
                           "::mlir::arith::ArithDialect"];
  let options = [
    Option<"channelAxis", "channel-axis", "int64_t", "-1",
           "axis whose per-index amax is recorded; -1 means the last axis, "
           "-2 records none">,
    Option<"secondMoments", "second-moments", "std::string", "\"none\"",
           "none | full | diag: also record sum x x^T (or its diagonal) of "
           "the left operands of weight matmuls (for qf-fold-scales "
           "weight-rounding / weight-scale-search)">,
    Option<"maxFullK", "max-full-k", "int64_t", "4096",
           "largest K recorded with second-moments=full (K^2 doubles per "
           "point); larger K is an error">
  ];
}

def OutlineKernelsPass : Pass<"qf-outline-kernels", "::mlir::ModuleOp"> {
  let summary = "Move each qf kernel op into a shared private function";
  let description = [{
    Replaces every `qf.quantize`, `qf.dequantize`, `qf.requantize`,
    `qf.matmul`, `qf.hadamard` and fused kernel (`qf.map`,
    `qf.fused_matmul`) by a `func.call` to a private function
    `__qf_kernel_<n>` holding that op alone. Ops with the same name, operand
    and result types and attributes (for the fused ops: the same body, as
    printed) share one function, so a model with hundreds of identical
    layers compiles each kernel once (the LLVM backend time is then
    independent of the number of layers). `qf-cpu-pipeline` runs it after
    fusion unless `outline-kernels=false`.

    ```mlir
    %y = qf.matmul %x, %w transpose_b : ... -> tensor<8x256xf32>
    // becomes
    %y = call @__qf_kernel_0(%x, %w) : (...) -> tensor<8x256xf32>
    ```
  }];
  let dependentDialects = ["::qf::QFDialect", "::mlir::func::FuncDialect"];
}

def InsertHadamardPass : Pass<"qf-insert-hadamard", "::mlir::ModuleOp"> {
  let summary = "Rotate quantized contractions by a Hadamard transform";
  let description = [{
    For every `qf.matmul` y = W x (docs/numerics.md 8), applies an orthogonal
    rotation Q along the reduction axis K to both operands, so that
    W' x' = (W Q^T)(Q x) = W x: the run-time operand gets an online
    `qf.hadamard` just before its `qf.quantize`, and a constant weight is
    rotated at compile time (the same transform along its K axis, since each
    row of W Q^T is Q applied to that row of W). Rotations spread outliers
    over the block, which lifts the QSNR of integer formats on heavy-tailed
    data (docs/numerics.md 11: MXINT8 +4.7 dB, NVINT4 +3.4 dB on t(3); it lowers
    NVFP4). After QuaRot (Ashkboos et al. 2024) and QuIP# (Tseng et al.
    2024).

    The pass runs after `qf-quantize-model="fold-weights=false"` (the weight
    must still be `qf.quantize` of an f32 constant so that the fold is exact;
    `canonicalize` quantizes it afterwards) and before calibration
    (`qf-instrument-calibration` / `qf-fold-scales` then observe the rotated
    activations). A weight already folded into `qf.constant`, or an
    activation with static scales, is left alone with a remark.

    * `block`: `auto` (the largest quantization block size of the two
      operands, so rotation blocks align with quantization blocks), a size
      (powers of two, 12 * 2^k, 20 * 2^k; D13/D14), or `full` (Q of size K).
      A size that is not supported or does not divide K is a remark naming
      the op; the contraction is left unrotated.
    * `randomize` with `seed`: Q = H diag(sigma), sigma from SplitMix64(seed)
      (D15).
    * `mode=weights` rotates contractions with a constant weight or a weight
      argument; `mode=all` also rotates contractions of two run-time
      operands (attention scores, attention x V), both sides online.
    * `fold-gamma`: where the activation is a normalization times a per-K
      constant scale (RMSNorm/LayerNorm gamma, a `linalg.generic` ending in
      `mulf(v, gamma[k])`) and every user of it is a contraction with a
      constant weight, gamma is folded into those weights (W diag(gamma)) and
      removed from the normalization, so the rotated value is the
      scale-free normalized activation (QuaRot's first step).
    * `rotate-residual` (implies `fold-gamma`): the rotation of the
      contractions after a gamma-free RMSNorm moves up the residual stream
      (Q RMSNorm(x) = RMSNorm(Q x) for an orthogonal, block-diagonal Q):
      through RMSNorms and residual adds into the residual writers (a
      contraction with a constant weight gets Q folded on its output side),
      so the online transform after each normalization disappears; one
      online `qf.hadamard` stays where the stream enters (a function
      argument, a producer that cannot be rotated) and one (Q^T = Q, the
      normalized Sylvester Hadamard is symmetric) where it leaves. Not with
      `randomize` (qf.hadamard cannot express (H diag(sigma))^T).
    * Weights given as function arguments (`weights-as-arguments`) are
      rotated by the callers in the module (before their `qf.quantize` +
      `qf.pack`); the packed-codes argument gets a `qf.hadamard` attribute
      `{axis, block[, seed]}` and a remark says that storage prepared
      outside (a packing tool) must apply the same rotation.

    Rotated weight quantizes carry a `qf.rotation` attribute
    `{axis, block[, seed]}` so that `qf-report` can show the QSNR with and
    without the rotation.

    ```sh
    qf-opt model.mlir --qf-quantize-model="weight-format=nvint4 activation-format=nvint4 fold-weights=false" \
      --qf-insert-hadamard="block=16 randomize seed=7" --canonicalize --cse
    ```
  }];
  let dependentDialects = ["::qf::QFDialect", "::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect"];
  let options = [
    Option<"block", "block", "std::string", "\"auto\"",
           "rotation size: auto (quantization block), a supported size, or "
           "full (K)">,
    Option<"randomize", "randomize", "bool", "false",
           "randomized Hadamard H diag(sigma) (D15)">,
    Option<"seed", "seed", "int64_t", "0",
           "SplitMix64 seed of the random signs (with randomize)">,
    Option<"mode", "mode", "std::string", "\"weights\"",
           "weights: contractions with a weight; all: also two run-time "
           "operands">,
    Option<"foldGamma", "fold-gamma", "bool", "false",
           "fold normalization scales (gamma) into the next weights">,
    Option<"rotateResidual", "rotate-residual", "bool", "false",
           "rotate the residual stream (QuaRot): the rotation moves through "
           "gamma-free RMSNorms and residual adds into the residual writers' "
           "weights; implies fold-gamma, not with randomize">
  ];
}


def SplitLowRankPass : Pass<"qf-split-low-rank", "::mlir::ModuleOp"> {
  let summary = "Keep a weight's dominant singular directions in f32/bf16, "
                "quantize the residual";
  let description = [{
    For every `qf.matmul` whose weight is `qf.quantize` of an f32 constant,
    computes W ~ L R (rank k, a seeded randomized SVD at compile time:
    range finder with a Rademacher test matrix from SplitMix64, power
    iterations, one-sided Jacobi on the projected matrix, all in double) and
    rewrites y = x W (W as [K, N]) into y = x Q(W - L R) + (x L) R: the
    residual is
    quantized in the weight's format (static scales from the MSE search are
    searched again on it), the factors stay f32 or bf16 constants of two
    f32 `linalg.matmul` products of the unquantized activation, and their
    sum is a `linalg.add` after the quantized product, which
    `qf-fuse-requantize` moves into the product's epilogue. After Metis
    (arXiv 2509.00404): the few dominant directions carry the anisotropy
    that makes block scales coarse for the rest.

    Runs after `qf-quantize-model="fold-weights=false"` (every quantized
    weight is then `qf.quantize` of a constant in one normalized form) and
    before `canonicalize` folds the residual. The residual's `qf.quantize`
    carries `qf.low_rank = {rank, factors}`; `qf-report` shows the weight's
    QSNR quantized directly and split, and the bits the factors add.

    * `rank=k` or `energy=e`: a fixed rank, or the smallest rank whose
      singular values capture the fraction e of the weight's Frobenius
      energy, at most `max-rank` and the largest useful rank (factors with
      fewer numbers than the weight: k (N + K) < N K). Exactly one of them.
    * `oversample`, `power-iterations`, `seed`: the sketch has k +
      oversample columns; the same seed gives the same bits.
    * `factor-type=f32|bf16`; `min-size`: skip smaller weights.
    * `factor-input=f32` (default): the factors multiply the activation
      before its quantization (the dominant directions see no quantization
      error at all); `decoded`: the quantized activation, through a
      `qf.matmul` reading its codes, so that a producer that writes the
      activation quantized (a fused RMSNorm, a SwiGLU epilogue) keeps
      doing so.

    Every contraction not split gets a remark with the reason (weight not a
    constant, folded, an argument, too small, rank not useful, zero); one
    summary remark on the module.

    ```sh
    qf-opt model.mlir --qf-quantize-model="fold-weights=false" \
      --qf-split-low-rank="energy=0.9 max-rank=16" --qf-report --canonicalize
    ```
  }];
  let dependentDialects = ["::qf::QFDialect", "::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
  let options = [
    Option<"rank", "rank", "int64_t", "0", "fixed rank of the factors">,
    Option<"energy", "energy", "double", "0",
           "choose the smallest rank capturing this fraction of the "
           "Frobenius energy, in (0, 1]">,
    Option<"maxRank", "max-rank", "int64_t", "64",
           "largest rank an energy selection may take">,
    Option<"oversample", "oversample", "int64_t", "8",
           "extra sketch columns of the randomized SVD">,
    Option<"powerIterations", "power-iterations", "int64_t", "2",
           "power iterations of the randomized SVD">,
    Option<"seed", "seed", "int64_t", "0",
           "SplitMix64 seed of the test matrix">,
    Option<"factorType", "factor-type", "std::string", "\"f32\"",
           "element type of the factors: f32 or bf16">,
    Option<"minSize", "min-size", "int64_t", "0",
           "skip weights with fewer elements">,
    Option<"factorInput", "factor-input", "std::string", "\"f32\"",
           "what the factors multiply: f32 (the activation before "
           "quantization) or decoded (the quantized activation, read by a "
           "qf.matmul)">
  ];
}

def FuseRequantizePass : Pass<"qf-fuse-requantize", "::mlir::ModuleOp"> {
  let summary = "Fuse qf conversions and elementwise chains between contractions";
  let description = [{
    Removes f32 tensors that a quantized model writes only to read them back:

    * `qf.quantize(qf.dequantize(%q))` (f32, scales from the data) becomes
      `qf.requantize %q`, or `%q` itself when the types are equal and
      requantizing that format is exact (`numerics::requantizeIsIdentity`);
    * `qf.requantize(qf.requantize(%q))` skips the inner conversion when it
      is lossless (`numerics::requantizeIsLossless`, e.g. mxfp4 -> mxfp8);
    * a `qf.quantize` of a chain of `linalg` elementwise ops (generic or
      named, all loops parallel, broadcast indexing maps, scalar
      `arith`/`math` bodies) becomes one `qf.map` (`elementwise`): the
      chain's `qf.dequantize` inputs are read as `!qf.tensor`s, decoded in
      registers, and only the quantized result is written. A chain that
      starts at a `qf.dequantize` and ends in f32 becomes a `qf.map` with an
      f32 result;
    * a `qf.quantize` or quantizing `qf.map` whose input is a `qf.matmul`
      result becomes a `qf.fused_matmul` (`epilogue`): the product is
      encoded in the matmul's epilogue; when that epilogue reads another
      `qf.matmul` of the same lhs (used nowhere else), both products run in
      one dual GEMM (`rhs2`, e.g. SwiGLU's gate and up projections);
    * a `qf.quantize` of a `linalg.transpose` or a
      `tensor.expand_shape`/`collapse_shape` that moves whole blocks along
      the innermost axis quantizes first and moves codes (`qf.transpose`,
      `qf.reshape`), so it can meet its producer (`epilogue`): attention
      head split/merge; a `qf.matmul` rhs quantized as [B, K, N] along K
      (K^T) is quantized as [B, N, K] and read with `transpose_b`;
    * identical qf ops (same operands, attributes and types: quantizes of the
      same value to the same format, ...) are merged, and unused qf ops
      are erased.

    Every rewrite keeps the codes of the unfused program exactly. A chain
    is left alone when an intermediate has another user (it would be
    computed twice), when a body op is not an elementwise scalar op, when
    an indexing map is not a broadcast, or when a non-elementwise op
    (transpose, reduction, reshape) sits between; a quantize of an
    elementwise op that stays unfused gets a remark saying why.

    ```sh
    qf-opt model.mlir --qf-fuse-requantize
    ```
  }];
  let dependentDialects = ["::qf::QFDialect", "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect"];
  let options = [
    Option<"elementwise", "elementwise", "bool", "true",
           "fuse elementwise chains into qf.map">,
    Option<"epilogue", "epilogue", "bool", "true",
           "fuse quantizes of qf.matmul results into qf.fused_matmul">,
    Option<"remarks", "remarks", "bool", "true",
           "remark on quantizes of elementwise ops that stay unfused">,
    Option<"targetName", "target", "std::string", "\"cpu\"",
           "the target the module will be lowered for: results are encoded "
           "in a matmul epilogue only where it can (registered targets: cpu)">,
    Option<"vectorWidth", "vector-width", "unsigned", "16",
           "f32 lanes of the target's vectors (as its lowering's "
           "vector-width)">
  ];
}

#endif // QF_DIALECT_QF_TRANSFORMS_PASSES_TD
