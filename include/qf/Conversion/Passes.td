//===- Passes.td - qf conversion passes --------------------*- tablegen -*-===//
#ifndef QF_CONVERSION_PASSES_TD
#define QF_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertQFToVectorPass : Pass<"convert-qf-to-vector", "::mlir::ModuleOp"> {
  let summary = "Lower qf ops to vector/scf/memref kernels for CPUs";
  let description = [{
    Splits every `!qf.tensor` into its storage tensors (packed codes, block
    scales and, for two-level formats, the FP32 tensor scale) through
    function signatures, calls and returns (a 1:N type conversion), and
    lowers each qf op to a kernel: `bufferization.to_buffer` of the inputs,
    a `memref.alloc` per output, `scf.parallel` over rows and blocks with
    `vector` arithmetic inside, and `bufferization.to_tensor` of the results.
    Run one-shot bufferization afterwards (`qf-cpu-pipeline` does).

    Every conversion to and from the small float and integer formats is the
    project's own integer arithmetic, bit-exact with the numerics library
    (`include/qf/Numerics`); no upstream `arith.truncf` to small floats is
    used. `qf.observe` is dropped (it is an identity).

    With `x86-avx512`, kernels decode 4-bit codes by indexing a 16-entry
    table of decoded values (`vector.extract` at dynamic positions, which
    the x86 backend turns into one `vpermps` with AVX-512) instead of
    integer arithmetic. The IR stays target-independent and computes the
    same bits; on targets without a 16-entry permute it is slower.

    ```sh
    qf-opt model.mlir --convert-qf-to-vector="vector-width=16 x86-avx512"
    ```

    With `int-dot` (default), a `qf.matmul` whose operands both hold
    integer-valued codes (8-bit integer activations against 8- or 4-bit
    integer or E2M1 weights, byte block scales along K) computes each
    block's dot product exactly in i32 and scales it once per block pair
    (docs/cpu-lowering.md, "Integer dot products"). With `x86-vnni` those
    dot products are `vpdpbusd` (`llvm.x86.avx512.vpdpbusd.*`); without it,
    portable vector arithmetic with the same bits.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::func::FuncDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::tensor::TensorDialect",
    "::mlir::vector::VectorDialect"
  ];
  let options = [
    Option<"vectorWidth", "vector-width", "unsigned", "16",
           "f32 lanes per vector (16 for AVX-512, 8 for AVX2)">,
    Option<"x86Avx512", "x86-avx512", "bool", "false",
           "decode 4-bit codes with 16-entry table lookups, one vpermps "
           "each on AVX-512 (the same bits as the arithmetic decode)">,
    Option<"x86Vnni", "x86-vnni", "bool", "false",
           "emit the integer dot products of the int-dot GEMM as AVX512-VNNI "
           "vpdpbusd (the same bits as the portable arithmetic)">,
    Option<"intDot", "int-dot", "bool", "true",
           "qf.matmul of integer-valued codes (8-bit integer activations, "
           "integer or E2M1 weights) with exact per-block i32 dot products">,
    Option<"intDotMinRows", "int-dot-min-rows", "int64_t", "16",
           "the fewest lhs rows (static M) that take the int-dot kernel (it "
           "repacks the rhs per call); dynamic M only when at most 1">
  ];
}

def RepackWeightsPass : Pass<"qf-repack-weights", "::mlir::ModuleOp"> {
  let summary = "Constant GEMM weights in the CPU kernel's repacked layout";
  let description = [{
    Rewrites the constant rhs of every `qf.matmul` / `qf.fused_matmul` with
    `transpose_b` (a `qf.constant` [N, K] blocked along K) into a
    `qf.constant` of the same codes and scales, permuted into the layout
    the CPU kernel that will multiply it reads contiguously
    (`!qf.tensor<..., layout = tiled<R x KC>>`, docs/formats.md). The CPU
    target decides the layout (`qf::CPUTargetInfo::weightTiling`): the
    int-dot kernel's panels, `tiled<2L x 4>` (L = 16 lanes, 8 with
    `vector-width=8`), where `convert-qf-to-vector` will take that kernel
    for the same options; otherwise the f32 tiles' `tiled<4 x 32>` for 4-
    and 8-bit codes. Weights whose rows are not a multiple of R, and other
    formats, keep the row-major layout. The products are bit-identical
    (the kernels sum the same values in the same order).

    `target-tile=RxKC` forces one layout for every weight it fits.
    `qf-cpu-pipeline` runs this pass (option `repack-weights`, on by
    default) with its own vector width and int-dot options, before kernel
    outlining.
  }];
  let options = [
    Option<"vectorWidth", "vector-width", "unsigned", "16",
           "f32 lanes per vector of the kernels that will read the weights">,
    Option<"intDot", "int-dot", "bool", "true",
           "as convert-qf-to-vector's int-dot">,
    Option<"intDotMinRows", "int-dot-min-rows", "int64_t", "16",
           "as convert-qf-to-vector's int-dot-min-rows">,
    Option<"targetTile", "target-tile", "std::string", "\"\"",
           "RxKC: this layout for every weight it fits (empty: the CPU "
           "target's choice per matmul)">
  ];
}

def ConvertQFToNVVMPass : Pass<"convert-qf-to-nvvm", "::mlir::ModuleOp"> {
  let summary = "Lower qf ops to gpu.launch kernels for NVIDIA GPUs";
  let description = [{
    The GPU target of the kernel library: the same 1:N split of `!qf.tensor`
    values into their storage tensors and the same kernels as
    `convert-qf-to-vector` (quantize with data-dependent or static scales,
    dequantize, requantize, pack/unpack, transpose, reshape, constant,
    matmul, fused_matmul, map, hadamard; fused ops the target does not run
    as one kernel are decomposed first), built with the NVVM target; then
    every parallel loop becomes a `gpu.launch` with one iteration (a row, a
    block, a GEMM tile) per thread. Codes and scales are the kernel library's
    integer arithmetic, bit-exact with the numerics library on every chip;
    no fast-math, flush-to-zero or approximate reciprocal is introduced.

    `chip` selects the instruction set; requests the chip cannot serve are
    errors naming the op, the format, the chip and what would be accepted
    (with `fallback`: a remark per op and the portable kernel). See
    docs/gpu-lowering.md.

    ```sh
    qf-opt model.mlir --convert-qf-to-nvvm="chip=sm_90a"
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::func::FuncDialect", "::mlir::gpu::GPUDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect", "::mlir::NVVM::NVVMDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect", "::mlir::vector::VectorDialect"
  ];
  let options = [
    Option<"chip", "chip", "std::string", "\"sm_80\"",
           "NVIDIA chip (sm_80, sm_89, sm_90, sm_90a, sm_100, sm_100a, "
           "sm_100f, sm_103a, sm_120, sm_120a, sm_120f, sm_121a)">,
    Option<"features", "features", "std::string", "\"\"",
           "NVPTX features as nvvm-attach-target takes them (\"+ptx88\"); "
           "checked against the chip">,
    Option<"vectorWidth", "vector-width", "unsigned", "4",
           "f32 lanes per vector inside one thread">,
    Option<"threadsPerBlock", "threads-per-block", "unsigned", "128",
           "threads per block of every kernel (1..1024)">,
    Option<"hwConvert", "hw-convert", "bool", "true",
           "encode with the chip's conversion instructions (cvt ... e4m3x2, "
           "e2m1x2, ...) where they give the integer codec's bits">,
    Option<"requireHwConvert", "require-hw-convert", "bool", "false",
           "every quantize must encode with a hardware conversion "
           "instruction (an error where the chip or format has none)">,
    Option<"tensorCores", "tensor-cores", "bool", "false",
           "qf.matmul must run on tensor cores (an error where the chip or "
           "the operand formats have no MMA mapping)">,
    Option<"fallback", "fallback", "bool", "false",
           "where a request above cannot be met, use the portable kernel "
           "and emit a remark instead of an error">
  ];
}

def GPUMapParallelLoopsPass
    : Pass<"qf-gpu-map-parallel-loops", "::mlir::ModuleOp"> {
  let summary = "Run each outermost scf.parallel as a gpu.launch kernel";
  let description = [{
    Every `scf.parallel` that is not inside another parallel loop or a GPU
    kernel becomes a `gpu.launch`: the iteration space is flattened, one
    iteration per thread, `threads-per-block` threads per block, with a
    bounds guard and no launch for an empty loop. Static-shape allocations
    in an iteration become per-thread stack buffers. `convert-qf-to-nvvm`
    does this for the qf kernels; `qf-gpu-pipeline` runs it again for the
    loops of other ops (linalg lowered to parallel loops).
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::gpu::GPUDialect",
    "::mlir::memref::MemRefDialect", "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect"
  ];
  let options = [
    Option<"threadsPerBlock", "threads-per-block", "unsigned", "128",
           "threads per block (1..1024)">
  ];
}

def GPUHostSharedMemoryPass
    : Pass<"qf-gpu-host-shared-memory", "::mlir::ModuleOp"> {
  let summary = "Allocate host buffers as CUDA managed memory for the kernels";
  let description = [{
    Every `memref.alloc` outside a GPU kernel becomes `gpu.alloc
    host_shared` (CUDA managed memory: valid in host code and in kernels),
    every `memref.dealloc` outside kernels a `gpu.dealloc`; a constant (`memref.get_global`)
    that a kernel reads is copied into managed memory first (host globals
    are not visible to the device) and freed where the function returns.
    Kernel launches are synchronous, so host code between kernels reads what
    they wrote. Buffers that callers pass in must be device-accessible
    (managed or device memory). `qf-gpu-pipeline` runs it after the loops
    have become kernels.
  }];
  let dependentDialects = [
    "::mlir::gpu::GPUDialect", "::mlir::memref::MemRefDialect"
  ];
}

#endif // QF_CONVERSION_PASSES_TD
