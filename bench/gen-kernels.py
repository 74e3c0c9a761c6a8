#!/usr/bin/env python3
"""Writes the benchmark kernels (one module per thread count) for qf-bench.

Usage: gen-kernels.py THREADS OUT.mlir
Every function gets the suffix _t<THREADS> so that modules compiled with
different `qf-cpu-pipeline{threads=N}` link into one executable.
"""
import sys

ROWS, COLS = 16384, 4096          # 64 Mi f32 elements, blocked along COLS
N = K = 4096                      # GEMV weight
QUANT_FORMATS = ["mxint8", "mxfp8", "mxfp6", "mxfp4", "nvfp4", "nvint4",
                 "mxint4"]
# NVFP4 without its tensor-level scale: isolates the cost of the extra amax
# pass that two-level formats need before any block can be encoded.
EXTRA_FORMATS = {"nvfp4_single": "#qf.format<elem = f4E2M1FN, block = 16, scale = f8E4M3FN>"}
# Two-level formats with a given (calibrated) tensor scale (docs/numerics.md
# D28): block scales from the data, no amax pass over the whole tensor.
GIVEN_TS_FORMATS = ["nvfp4", "nvint4"]
GEMV_FORMATS = ["mxfp4", "nvfp4", "mxint8"]
# GEMV with a weight larger than the L3 cache (16384 x 4096: 34 MB of mxfp4
# codes and scales against a 32 MiB L3), so the weight streams from DRAM.
GEMV_BIG_N = 16384
GEMV_BIG_FORMATS = ["mxfp4", "nvfp4"]
# The same kernels on 64 rows (1 MiB of f32, L2-resident) with one thread:
# the compute cost per element without the DRAM stream.
INCACHE_ROWS = 64
# Hadamard rotations (qf-insert-hadamard's online transform): the FWHT alone
# along the rows with block 32 and the whole 4096-element row, and rotation
# + quantize fused into one kernel (the hadamard's only user is the quantize)
# or unfused (the rotated tensor is also a result, so it goes to memory).
HADAMARD_BLOCKS = [32, 4096]
HQ_FORMATS = ["mxint8", "mxfp4", "nvint4"]
# GEMM x[M, K] * W[N, K]^T at the model's shapes, f32 or mxint8 activations
# (the latter take the integer dot-product kernel for integer / E2M1 weights).
GEMM_FORMATS = ["mxfp4", "nvfp4", "mxint4", "mxint8"]
GEMM_M = [16, 128, 512]
# The same GEMMs with the weight argument in the repacked layout the CPU
# target chooses for it (qf::CPUTargetInfo::weightTiling at vector-width 16):
# the int-dot kernel's panels for mxint8 activations, the f32 tiles' runs
# for f32 ones (bench/GemmPacked.cpp repacks the weight with the same rule).
GEMM_PACKED_LAYOUT = {"f32": "tiled<4x32>", "mxint8": "tiled<32x4>"}


def main():
    t = int(sys.argv[1])
    out = []
    a = "attributes {llvm.emit_c_interface}"
    sizes = [("", ROWS)] + ([("incache_", INCACHE_ROWS)] if t == 1 else [])
    for prefix, rows in sizes:
        for f in QUANT_FORMATS + list(EXTRA_FORMATS):
            q = "!qf.tensor<%dx%dxf32, %s, axis = 1>" % (rows, COLS,
                                                         EXTRA_FORMATS.get(f, f))
            x = "tensor<%dx%dxf32>" % (rows, COLS)
            out.append("func.func @%squant_%s_t%d(%%x: %s) -> %s %s {"
                       % (prefix, f, t, x, q, a))
            out.append("  %%q = qf.quantize %%x : %s -> %s" % (x, q))
            out.append("  return %%q : %s\n}" % q)
            out.append("func.func @%sdeq_%s_t%d(%%q: %s) -> %s %s {"
                       % (prefix, f, t, q, x, a))
            out.append("  %%d = qf.dequantize %%q : %s -> %s" % (q, x))
            out.append("  return %%d : %s\n}" % x)
        for f in GIVEN_TS_FORMATS:
            q = "!qf.tensor<%dx%dxf32, %s, axis = 1>" % (rows, COLS, f)
            x = "tensor<%dx%dxf32>" % (rows, COLS)
            out.append("func.func @%squant_given_ts_%s_t%d(%%x: %s, %%g: tensor<f32>) -> %s %s {"
                       % (prefix, f, t, x, q, a))
            out.append("  %%q = qf.quantize %%x tensor_scale(%%g : tensor<f32>) : %s -> %s"
                       % (x, q))
            out.append("  return %%q : %s\n}" % q)
    x = "tensor<%dx%dxf32>" % (ROWS, COLS)
    for n in HADAMARD_BLOCKS:
        out.append("func.func @hadamard_b%d_t%d(%%x: %s) -> %s %s {" % (n, t, x, x, a))
        out.append("  %%h = qf.hadamard %%x axis = 1 block = %d : %s" % (n, x))
        out.append("  return %%h : %s\n}" % x)
    for f in HQ_FORMATS:
        q = "!qf.tensor<%dx%dxf32, %s, axis = 1>" % (ROWS, COLS, f)
        out.append("func.func @hq_fused_%s_t%d(%%x: %s) -> %s %s {" % (f, t, x, q, a))
        out.append("  %%h = qf.hadamard %%x axis = 1 block = 32 : %s" % x)
        out.append("  %%q = qf.quantize %%h : %s -> %s" % (x, q))
        out.append("  return %%q : %s\n}" % q)
        out.append("func.func @hq_unfused_%s_t%d(%%x: %s) -> (%s, %s) %s {" % (f, t, x, x, q, a))
        out.append("  %%h = qf.hadamard %%x axis = 1 block = 32 : %s" % x)
        out.append("  %%q = qf.quantize %%h : %s -> %s" % (x, q))
        out.append("  return %%h, %%q : %s, %s\n}" % (x, q))
    for f in GEMV_FORMATS:
        w = "!qf.tensor<%dx%dxf32, %s, axis = 1>" % (N, K, f)
        y = "tensor<1x%dxf32>" % N
        for xname, xt in (("f32", "tensor<1x%dxf32>" % K),
                          ("mxint8", "!qf.tensor<1x%dxf32, mxint8, axis = 1>" % K)):
            out.append("func.func @gemv_%s_x%s_t%d(%%x: %s, %%w: %s) -> %s %s {"
                       % (f, xname, t, xt, w, y, a))
            out.append("  %%y = qf.matmul %%x, %%w transpose_b : %s, %s -> %s" % (xt, w, y))
            out.append("  return %%y : %s\n}" % y)
    for f in GEMV_BIG_FORMATS:
        w = "!qf.tensor<%dx%dxf32, %s, axis = 1>" % (GEMV_BIG_N, K, f)
        xt, y = "tensor<1x%dxf32>" % K, "tensor<1x%dxf32>" % GEMV_BIG_N
        out.append("func.func @gemv_big_%s_xf32_t%d(%%x: %s, %%w: %s) -> %s %s {"
                   % (f, t, xt, w, y, a))
        out.append("  %%y = qf.matmul %%x, %%w transpose_b : %s, %s -> %s" % (xt, w, y))
        out.append("  return %%y : %s\n}" % y)
    for f in GEMM_FORMATS:
        w = "!qf.tensor<%dx%dxf32, %s, axis = 1>" % (N, K, f)
        for m in GEMM_M:
            y = "tensor<%dx%dxf32>" % (m, N)
            for xname, xt in (("f32", "tensor<%dx%dxf32>" % (m, K)),
                              ("mxint8", "!qf.tensor<%dx%dxf32, mxint8, axis = 1>"
                               % (m, K))):
                out.append("func.func @gemm_%s_x%s_m%d_t%d(%%x: %s, %%w: %s) -> %s %s {"
                           % (f, xname, m, t, xt, w, y, a))
                out.append("  %%y = qf.matmul %%x, %%w transpose_b : %s, %s -> %s"
                           % (xt, w, y))
                out.append("  return %%y : %s\n}" % y)
    for f in GEMM_FORMATS:
        for m in GEMM_M:
            y = "tensor<%dx%dxf32>" % (m, N)
            for xname, xt in (("f32", "tensor<%dx%dxf32>" % (m, K)),
                              ("mxint8", "!qf.tensor<%dx%dxf32, mxint8, axis = 1>"
                               % (m, K))):
                w = "!qf.tensor<%dx%dxf32, %s, axis = 1, layout = %s>" % (
                    N, K, f, GEMM_PACKED_LAYOUT[xname])
                out.append("func.func @gemm_packed_%s_x%s_m%d_t%d(%%x: %s, %%w: %s) -> %s %s {"
                           % (f, xname, m, t, xt, w, y, a))
                out.append("  %%y = qf.matmul %%x, %%w transpose_b : %s, %s -> %s"
                           % (xt, w, y))
                out.append("  return %%y : %s\n}" % y)
    with open(sys.argv[2], "w") as fh:
        fh.write("// GENERATED by gen-kernels.py\n" + "\n".join(out) + "\n")


if __name__ == "__main__":
    main()
