//===- Passes.td - Passes that qf pipelines end with -------*- tablegen -*-===//
#ifndef QF_PIPELINES_PASSES_TD
#define QF_PIPELINES_PASSES_TD

include "mlir/Pass/PassBase.td"

def SetCPUTargetPass : Pass<"qf-set-cpu-target", "::mlir::ModuleOp"> {
  let summary = "Record the target CPU and its features on every llvm.func";
  let description = [{
    Sets `target_cpu` and `target_features` of every `llvm.func` in the
    module. They become the functions' `"target-cpu"` and
    `"target-features"` attributes in LLVM IR, which LLVM's code generator
    takes over its own CPU (`llc -mcpu`, the host CPU of `mlir-runner`'s
    JIT): each function is compiled for this CPU and uses only its
    instructions. `qf-cpu-pipeline` ends with this pass.

    An empty `target-cpu` (or `native`) is the host: LLVM's name for the host
    CPU and the host's features where they differ from that CPU's, then
    `target-features`. A CPU or feature that LLVM does not know for the
    host's architecture is an error.

    ```sh
    qf-opt llvm.mlir --qf-set-cpu-target="target-cpu=x86-64-v3"
    qf-opt llvm.mlir --qf-set-cpu-target="target-cpu=znver4 target-features=-avx512f"
    ```
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
  let options = [
    Option<"targetCPU", "target-cpu", "std::string", "\"\"",
           "LLVM CPU name (llc -mcpu spelling); empty or native: the host">,
    Option<"targetFeatures", "target-features", "std::string", "\"\"",
           "comma-separated +feature/-feature changes to the CPU's features "
           "(llc -mattr spelling)">
  ];
}

def CopyRepeatedResultsPass
    : Pass<"qf-copy-repeated-results", "::mlir::ModuleOp"> {
  let summary = "Give each tensor result of a public function its own value";
  let description = [{
    A public function that returns the same tensor value more than once
    (`return %a, %a`) gets a copy (`bufferization.alloc_tensor() copy(%a)`)
    for every repetition, so that each result bufferizes to its own buffer.
    `qf-cpu-pipeline="out-params=true"` runs it before bufferization: the
    upstream `buffer-results-to-out-params` (with hoisted allocations)
    crashes on a buffer returned twice, and a caller's two out-parameters
    must both be written anyway.
  }];
  let dependentDialects = ["::mlir::bufferization::BufferizationDialect"];
}

def KernelOutParamsPass
    : Pass<"qf-kernel-out-params", "::mlir::ModuleOp"> {
  let summary = "Outlined kernels write into buffers their callers allocate";
  let description = [{
    Runs after bufferization, on the private functions of
    `qf-outline-kernels` (`__qf_kernel_<n>`) whose memref results all have
    static shapes (and are distinct values): each result becomes an
    out-parameter that the caller allocates with `memref.alloc` right before
    the call, the kernel's own allocation of it is removed
    (`buffer-results-to-out-params{hoist-static-allocs}` restricted to those
    functions), and the call returns nothing.

    Why: the buffer deallocation pipeline cannot tell where a buffer returned
    by a call comes from, so it could not prove that any of a model's kernel
    results is distinct from the value the model returns. Every buffer of the
    model then went into one `bufferization.dealloc` with a run-time alias
    check of each pair (`dealloc_helper`) and one `scf.if` per buffer in one
    block: 1264 of them for 32 decoder layers, which `convert-scf-to-cf`
    splits one by one (quadratic: 30% of `qf-cpu-pipeline`). Allocations in
    the caller are plain `memref.alloc`s, deallocated like those of f32 code.
    `qf-cpu-pipeline` runs it when it outlines kernels.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

#endif // QF_PIPELINES_PASSES_TD
