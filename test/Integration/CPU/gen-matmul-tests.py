#!/usr/bin/env python3
"""Writes the executed CPU tests of qf.matmul (matmul-*.mlir).

Every case fills seeded operands in the program (sines times powers of two,
so that blocks get different scales), quantizes the quantized ones at run
time with qf.quantize, and computes
  * the kernel: qf.matmul lowered by convert-qf-to-vector, and
  * the reference: the dequantized operands (qf.dequantize) multiplied by a
    plain f32 linalg.generic, and sum_k |a_k * b_k| for the error bound.
The program prints the number of outputs whose error exceeds the bound
tol * sum_k |a_k * b_k| with tol = (2K + 8) * 2^-24 (two f32 summations of K
terms in different orders plus the scale products), the largest error in
units of 2^-24 * sum_k |a_k * b_k|, and a hash of the output bits.

The first three RUN lines (unthreaded, threads=2, and avx512=false, which
decodes 4-bit codes by arithmetic instead of table lookups) share the CHECK
lines, so the hash shows that these programs compute the same bits. The
vector-width=8 RUN line has its own hash (other chunks, other order).

Usage: gen-matmul-tests.py [--update QF_OPT RUNNER_LIBS...]
  Without --update, writes the files with the hashes recorded in HASHES.
  With --update, runs each file's programs and records the hashes printed.
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

RUNNER = ("mlir-runner -e main -entry-point-result=void "
          "-shared-libs=%mlir_runner_utils,%mlir_c_runner_utils")


class Case:
    def __init__(self, name, m, n, k, lhs=None, rhs=None, tb=True,
                 batch=None, dyn_m=False, lhs_elt="f32", rhs_elt="f32"):
        self.name, self.m, self.n, self.k = name, m, n, k
        self.lhs, self.rhs, self.tb = lhs, rhs, tb
        self.batch, self.dyn_m = batch, dyn_m
        self.lhs_elt, self.rhs_elt = lhs_elt, rhs_elt

    @property
    def rank(self):
        return 3 if self.batch else 2

    def shape(self, which, dyn=False):
        pre = [self.batch] if self.batch else []
        if which == "a":
            return pre + ["?" if dyn and self.dyn_m else self.m, self.k]
        if which == "b":
            return pre + ([self.n, self.k] if self.tb else [self.k, self.n])
        return pre + ["?" if dyn and self.dyn_m else self.m, self.n]


def dims(shape):
    return "x".join(str(d) for d in shape)


def ttype(shape, elt="f32"):
    return f"tensor<{dims(shape)}x{elt}>"


def is_per_tensor(fmt):
    return "tensor" in fmt


def qtype(case, which, dyn):
    fmt = case.lhs if which == "a" else case.rhs
    shape = case.shape(which, dyn)
    if which == "a":
        axis = case.rank - 1
    else:
        axis = case.rank - 1 if case.tb else case.rank - 2
    ax = "" if is_per_tensor(fmt) else f", axis = {axis}"
    return f"!qf.tensor<{dims(shape)}xf32, {fmt}{ax}>"


def fill(case, which, seed):
    """func @<case>_fill_<which>: x = sin(0.61 i + 1.37 j + seed) * 2^e with
    e = (3 i + j / 8 + batch) mod 9 - 4 over the last two indices."""
    elt = case.lhs_elt if which == "a" else case.rhs_elt
    shape = case.shape(which)
    r = len(shape)
    ds = ", ".join(f"d{i}" for i in range(r))
    body = []
    idx = [f"%i{i}" for i in range(r)]
    for i in range(r):
        body.append(f"      %i{i} = linalg.index {i} : index")
    i, j = idx[-2], idx[-1]
    body += [
        f"      %ii = arith.index_cast {i} : index to i32",
        f"      %jj = arith.index_cast {j} : index to i32",
        "      %fi = arith.sitofp %ii : i32 to f32",
        "      %fj = arith.sitofp %jj : i32 to f32",
        "      %ca = arith.constant 0.61 : f32",
        "      %cb = arith.constant 1.37 : f32",
        f"      %cs = arith.constant {seed}.25 : f32",
        "      %ta = arith.mulf %fi, %ca : f32",
        "      %tb = arith.mulf %fj, %cb : f32",
        "      %t1 = arith.addf %ta, %tb : f32",
        "      %t2 = arith.addf %t1, %cs : f32",
        "      %s = math.sin %t2 : f32",
        "      %c3 = arith.constant 3 : i32",
        "      %c8 = arith.constant 8 : i32",
        "      %c9 = arith.constant 9 : i32",
        "      %c4 = arith.constant 4 : i32",
        "      %e0 = arith.muli %ii, %c3 : i32",
        "      %e1 = arith.divui %jj, %c8 : i32",
        "      %e2 = arith.addi %e0, %e1 : i32",
    ]
    if r == 3:
        body += [f"      %bb = arith.index_cast {idx[0]} : index to i32",
                 "      %e3 = arith.addi %e2, %bb : i32"]
    else:
        body += ["      %e3 = arith.addi %e2, %e2 : i32"]
    body += [
        "      %e4 = arith.remui %e3, %c9 : i32",
        "      %e5 = arith.subi %e4, %c4 : i32",
        "      %fe = arith.sitofp %e5 : i32 to f32",
        "      %p = math.exp2 %fe : f32",
        "      %v = arith.mulf %s, %p : f32",
    ]
    if elt != "f32":
        body += [f"      %w = arith.truncf %v : f32 to {elt}",
                 f"      linalg.yield %w : {elt}"]
    else:
        body += ["      linalg.yield %v : f32"]
    t = ttype(shape, elt)
    par = ", ".join(['"parallel"'] * r)
    return "\n".join([
        f"func.func @{case.name}_fill_{which}() -> {t} {{",
        f"  %e = tensor.empty() : {t}",
        f"  %r = linalg.generic {{indexing_maps = [affine_map<({ds}) -> ({ds})>],",
        f"      iterator_types = [{par}]}} outs(%e : {t}) {{",
        f"    ^bb0(%out: {elt}):",
        *body,
        f"  }} -> {t}",
        f"  return %r : {t}",
        "}",
    ])


def reference(case, absolute):
    """func @<case>_ref (or _absdot): sum_k a*b (or |a*b|) in f32."""
    ta = ttype(case.shape("a", True), case.lhs_elt)
    tbt = ttype(case.shape("b"), case.rhs_elt)
    tc = ttype(case.shape("c", True))
    if case.batch:
        dl = "d0, d1, d2, d3"
        am, cm = "d0, d1, d3", "d0, d1, d2"
        bm = "d0, d2, d3" if case.tb else "d0, d3, d2"
        it = '"parallel", "parallel", "parallel", "reduction"'
    else:
        dl = "d0, d1, d2"
        am, cm = "d0, d2", "d0, d1"
        bm = "d1, d2" if case.tb else "d2, d1"
        it = '"parallel", "parallel", "reduction"'
    lines = [f"func.func @{case.name}_{'absdot' if absolute else 'ref'}"
             f"(%a: {ta}, %b: {tbt}) -> {tc} {{"]
    dyn = ""
    if case.dyn_m:
        lines.append("  %c0 = arith.constant 0 : index")
        lines.append(f"  %m = tensor.dim %a, %c0 : {ta}")
        dyn = "%m"
    lines += [
        f"  %e = tensor.empty({dyn}) : {tc}",
        "  %z = arith.constant 0.0 : f32",
        f"  %f = linalg.fill ins(%z : f32) outs(%e : {tc}) -> {tc}",
        f"  %r = linalg.generic {{indexing_maps = [affine_map<({dl}) -> ({am})>,",
        f"      affine_map<({dl}) -> ({bm})>, affine_map<({dl}) -> ({cm})>],",
        f"      iterator_types = [{it}]}}",
        f"      ins(%a, %b : {ta}, {tbt}) outs(%f : {tc}) {{",
        f"    ^bb0(%x0: {case.lhs_elt}, %y0: {case.rhs_elt}, %o: f32):",
    ]
    for v, e in (("x", case.lhs_elt), ("y", case.rhs_elt)):
        if e != "f32":
            lines.append(f"      %{v} = arith.extf %{v}0 : {e} to f32")
        else:
            lines.append(f"      %{v} = arith.addf %{v}0, %z : f32")
    lines.append("      %p = arith.mulf %x, %y : f32")
    if absolute:
        lines.append("      %q = math.absf %p : f32")
        lines.append("      %s = arith.addf %o, %q : f32")
    else:
        lines.append("      %s = arith.addf %o, %p : f32")
    lines += ["      linalg.yield %s : f32", f"  }} -> {tc}",
              f"  return %r : {tc}", "}"]
    return "\n".join(lines)


def kernel(case):
    ta = qtype(case, "a", True) if case.lhs else ttype(
        case.shape("a", True), case.lhs_elt)
    tbt = qtype(case, "b", True) if case.rhs else ttype(
        case.shape("b"), case.rhs_elt)
    tc = ttype(case.shape("c", True))
    t = " transpose_b" if case.tb else ""
    return "\n".join([
        f"func.func @{case.name}_kernel(%a: {ta}, %b: {tbt}) -> {tc} {{",
        f"  %c = qf.matmul %a, %b{t} : {ta}, {tbt} -> {tc}",
        f"  return %c : {tc}",
        "}",
    ])


COMPARE = """func.func @compare(%c: tensor<?xf32>, %r: tensor<?xf32>, %s: tensor<?xf32>, %tol: f32) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = tensor.dim %c, %c0 : tensor<?xf32>
  %zf = arith.constant 0.0 : f32
  %h0 = arith.constant 0 : i64
  %mul = arith.constant 1000003 : i64
  %ulp = arith.constant 5.96046448e-08 : f32
  %res:3 = scf.for %i = %c0 to %n step %c1
      iter_args(%viol = %c0, %worst = %zf, %h = %h0) -> (index, f32, i64) {
    %x = tensor.extract %c[%i] : tensor<?xf32>
    %y = tensor.extract %r[%i] : tensor<?xf32>
    %b = tensor.extract %s[%i] : tensor<?xf32>
    %d = arith.subf %x, %y : f32
    %err = math.absf %d : f32
    %bound = arith.mulf %b, %tol : f32
    %bad = arith.cmpf ugt, %err, %bound : f32
    %inc = arith.select %bad, %c1, %c0 : index
    %v2 = arith.addi %viol, %inc : index
    %unit = arith.mulf %b, %ulp : f32
    %pos = arith.cmpf ogt, %unit, %zf : f32
    %q = arith.divf %err, %unit : f32
    %q2 = arith.select %pos, %q, %zf : f32
    %w2 = arith.maximumf %worst, %q2 : f32
    %bits = arith.bitcast %x : f32 to i32
    %bits64 = arith.extui %bits : i32 to i64
    %hm = arith.muli %h, %mul : i64
    %h2 = arith.addi %hm, %bits64 : i64
    scf.yield %v2, %w2, %h2 : index, f32, i64
  }
  vector.print str "violations "
  vector.print %res#0 : index
  vector.print str "max error / (2^-24 sum|ab|) "
  vector.print %res#2 : i64
  return
}"""
# (the hash is printed last; see main below for the label)
COMPARE = COMPARE.replace(
    """  vector.print str "max error / (2^-24 sum|ab|) "
  vector.print %res#2 : i64""",
    """  vector.print str "max error / (2^-24 sum|ab|) "
  vector.print %res#1 : f32
  vector.print str "hash "
  vector.print %res#2 : i64""")


def main_body(case, seed):
    n = case.name
    ta_s = ttype(case.shape("a"), case.lhs_elt)
    ta_d = ttype(case.shape("a", True), case.lhs_elt)
    tbt = ttype(case.shape("b"), case.rhs_elt)
    tc = ttype(case.shape("c", True))
    out = [f'  vector.print str "case {n}\\n"',
           f"  %{n}_a0 = call @{n}_fill_a() : () -> {ta_s}",
           f"  %{n}_b0 = call @{n}_fill_b() : () -> {tbt}"]
    a = f"%{n}_a0"
    if case.dyn_m:
        out.append(f"  %{n}_a1 = tensor.cast %{n}_a0 : {ta_s} to {ta_d}")
        a = f"%{n}_a1"
    if case.lhs:
        qa = qtype(case, "a", True)
        out += [f"  %{n}_qa = qf.quantize {a} : {ta_d} -> {qa}",
                f"  %{n}_da = qf.dequantize %{n}_qa : {qa} -> {ta_d}"]
        ka, da, kta = f"%{n}_qa", f"%{n}_da", qa
    else:
        ka, da, kta = a, a, ta_d
    if case.rhs:
        qb = qtype(case, "b", True)
        out += [f"  %{n}_qb = qf.quantize %{n}_b0 : {tbt} -> {qb}",
                f"  %{n}_db = qf.dequantize %{n}_qb : {qb} -> {tbt}"]
        kb, db, ktb = f"%{n}_qb", f"%{n}_db", qb
    else:
        kb, db, ktb = f"%{n}_b0", f"%{n}_b0", tbt
    r = case.rank
    assoc = "[[0, 1, 2]]" if r == 3 else "[[0, 1]]"
    out += [
        f"  %{n}_c = call @{n}_kernel({ka}, {kb}) : ({kta}, {ktb}) -> {tc}",
        f"  %{n}_r = call @{n}_ref({da}, {db}) : ({ta_d}, {tbt}) -> {tc}",
        f"  %{n}_s = call @{n}_absdot({da}, {db}) : ({ta_d}, {tbt}) -> {tc}",
    ]
    flat = []
    for v in ("c", "r", "s"):
        total = "?" if case.dyn_m else (
            (case.batch or 1) * case.m * case.n)
        out.append(f"  %{n}_{v}f = tensor.collapse_shape %{n}_{v} {assoc} : "
                   f"{tc} into tensor<{total}xf32>")
        if total != "?":
            out.append(f"  %{n}_{v}d = tensor.cast %{n}_{v}f : "
                       f"tensor<{total}xf32> to tensor<?xf32>")
            flat.append(f"%{n}_{v}d")
        else:
            flat.append(f"%{n}_{v}f")
    tol = (2 * case.k + 8) * 2.0 ** -24
    out += [f"  %{n}_tol = arith.constant {tol!r} : f32",
            f"  call @compare({', '.join(flat)}, %{n}_tol) : (tensor<?xf32>, "
            "tensor<?xf32>, tensor<?xf32>, f32) -> ()"]
    return out


def describe(case):
    lhs = case.lhs or case.lhs_elt
    rhs = case.rhs or case.rhs_elt
    pre = f"{case.batch}x" if case.batch else ""
    if case.tb:
        shape = f"{pre}[{case.m}x{case.k}] * {pre}[{case.n}x{case.k}]^T"
    else:
        shape = f"{pre}[{case.m}x{case.k}] * {pre}[{case.k}x{case.n}]"
    extra = " (M dynamic)" if case.dyn_m else ""
    return f"// {case.name}: {lhs} x {rhs}, {shape}{extra}"


def write_file(path, title, cases, hashes):
    same_vw8 = os.path.basename(path) in SAME_VW8
    # The integer kernel at the tests' small sizes (default: M >= 16).
    extra = " int-dot-min-rows=1" if same_vw8 else ""
    lines = [
        "// GENERATED by gen-matmul-tests.py; do not edit.",
        f"// {title}",
        "// Kernel vs dequantize + f32 reference within (2K + 8) * 2^-24 * "
        "sum_k |a_k b_k|;",
        "// the same output hash unthreaded, with threads=2 and with avx512=false",
        "// (bit-exact)" + ("; with vector-width=8 too (the integer path's f32"
                            if same_vw8 else "."),
        *(["// steps do not depend on the vector width)."] if same_vw8 else []),
        f'// RUN: qf-opt %s --qf-cpu-pipeline'
        + (f'="{extra.strip()}"' if extra else "") + f' | {RUNNER} | FileCheck %s',
        f'// RUN: qf-opt %s --qf-cpu-pipeline="threads=2{extra}" | {RUNNER},%omp_lib'
        " | FileCheck %s",
        f'// RUN: qf-opt %s --qf-cpu-pipeline="avx512=false{extra}" | {RUNNER} | '
        "FileCheck %s",
        f'// RUN: qf-opt %s --qf-cpu-pipeline="vector-width=8{extra}" | {RUNNER} | '
        "FileCheck %s --check-prefix=VW8",
        "",
    ]
    for c in cases:
        lines.append(describe(c))
    lines.append("")
    for i, c in enumerate(cases):
        lines += [fill(c, "a", 2 * i + 1), fill(c, "b", 2 * i + 2),
                  kernel(c), reference(c, False), reference(c, True), ""]
    lines += [COMPARE, "", "func.func @main() {"]
    for i, c in enumerate(cases):
        lines += main_body(c, i)
    lines += ["  return", "}", ""]
    for c in cases:
        h = hashes.get((c.name, "16"), "{{-?[0-9]+}}")
        h8 = h if same_vw8 else hashes.get((c.name, "8"), "{{-?[0-9]+}}")
        lines += [f"// CHECK-LABEL: case {c.name}",
                  "// CHECK-NEXT: violations 0",
                  "// CHECK-NEXT: max error",
                  f"// CHECK-NEXT: hash {h}",
                  f"// VW8-LABEL: case {c.name}",
                  "// VW8-NEXT: violations 0",
                  "// VW8-NEXT: max error",
                  f"// VW8-NEXT: hash {h8}"]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


FILES = {
    "matmul-fp4.mlir": (
        "4-bit weights, the model layout x[M,K] * W[N,K]^T: GEMV and GEMM",
        [Case("gemv_mxfp4", 1, 44, 256, rhs="mxfp4"),
         Case("gemm_mxfp4", 7, 11, 128, rhs="mxfp4"),
         Case("gemv_nvfp4", 1, 36, 256, rhs="nvfp4"),
         Case("gemm_nvfp4", 6, 9, 64, rhs="nvfp4"),
         Case("gemm_nvint4", 5, 8, 64, rhs="nvint4"),
         Case("gemm_mxint4", 3, 5, 96, rhs="mxint4"),
         # K = 4096: blocks of 6 row tiles of A (emitLoop), then a 4 x 4
         # tile and single-row tiles along N.
         Case("gemm_mxfp4_blocks", 30, 6, 4096, rhs="mxfp4")]),
    "matmul-8bit.mlir": (
        "8-bit formats: mxint8, mxfp8, mxfp8_e5m2, int8_channel, fp8_tensor",
        [Case("gemv_mxint8", 1, 33, 128, rhs="mxint8"),
         Case("gemm_mxint8", 9, 6, 96, rhs="mxint8"),
         Case("gemm_mxfp8", 5, 7, 64, rhs="mxfp8"),
         Case("gemm_mxfp8_e5m2", 4, 4, 64, rhs="mxfp8_e5m2"),
         Case("channel_int8_tail", 3, 5, 100, rhs="int8_channel"),
         Case("tensor_fp8_tail", 4, 3, 37, rhs="fp8_tensor"),
         # K = 4096: blocks of 6 row tiles of A (emitLoop).
         Case("gemm_mxint8_blocks", 27, 3, 4096, rhs="mxint8")]),
    "matmul-qxq.mlir": (
        "quantized x quantized, transpose_b and not",
        [Case("mxfp8_x_mxfp4", 6, 8, 128, lhs="mxfp8", rhs="mxfp4"),
         Case("mxint8_x_nvfp4", 5, 7, 64, lhs="mxint8", rhs="nvfp4"),
         Case("nvfp4_x_mxfp6_kn", 4, 10, 64, lhs="nvfp4", rhs="mxfp6",
              tb=False),
         Case("mxfp8_x_mxfp4_kn", 3, 13, 96, lhs="mxfp8", rhs="mxfp4",
              tb=False),
         Case("mxfp4_x_f32_kn", 5, 6, 64, lhs="mxfp4", tb=False),
         Case("mxint8_x_f32", 4, 9, 64, lhs="mxint8")]),
    "matmul-shapes.mlir": (
        "batch, dynamic M, K tails, f16/bf16 operands, float x float",
        [Case("batch_mxfp4", 3, 5, 64, rhs="mxfp4", batch=2),
         Case("batch_mxfp8_kn", 4, 6, 64, lhs="mxfp8", rhs="mxfp8", tb=False,
              batch=3),
         Case("dyn_m_mxfp4", 5, 12, 128, rhs="mxfp4", dyn_m=True),
         Case("dyn_m_qxq", 6, 7, 64, lhs="mxfp8", rhs="nvfp4", dyn_m=True),
         Case("f32_x_f32_tail", 3, 5, 45),
         Case("f32_x_f32_kn_tail", 4, 3, 21, tb=False),
         Case("f16_x_mxfp4", 3, 4, 64, rhs="mxfp4", lhs_elt="f16"),
         Case("mxfp4_x_bf16_kn", 2, 5, 64, lhs="mxfp4", tb=False,
              rhs_elt="bf16")]),
    "matmul-user-formats.mlir": (
        "user-defined formats written with #qf.format<...>",
        [Case("e3m2_b16_ceil", 4, 6, 64,
              rhs="#qf.format<elem = f6E3M2FN, block = 16, scale = f8E8M0FNU, "
                  "rule = ceil>"),
         Case("i5_b8_bf16", 3, 5, 64,
              rhs="#qf.format<elem = i5, block = 8, scale = bf16>"),
         Case("i5_b8_bf16_kn", 3, 7, 64, tb=False,
              rhs="#qf.format<elem = i5, block = 8, scale = bf16>"),
         Case("e2m1_b12_x_mxfp8", 3, 4, 96, lhs="mxfp8",
              rhs="#qf.format<elem = f4E2M1FN, block = 12>"),
         Case("e4m3_b16_f16_ts", 2, 6, 64,
              rhs="#qf.format<elem = f8E4M3FN, block = 16, scale = f16, "
                  "tensor_scale = f32>"),
         Case("i4_channel_bf16_kn", 3, 5, 40, tb=False,
              lhs="#qf.format<elem = i4, block = channel, scale = bf16>",
              rhs="#qf.format<elem = i4, block = channel, scale = bf16>"),
         Case("i3_b8_x_e2m1_b4", 2, 3, 32,
              lhs="#qf.format<elem = i3, block = 8, scale = f16>",
              rhs="#qf.format<elem = f4E2M1FN, block = 4>"),
         Case("i7_b8_kn", 3, 5, 32, tb=False,
              rhs="#qf.format<elem = i7, block = 8>")]),
    "matmul-intdot.mlir": (
        "8-bit integer activations x integer / E2M1 weights: the integer "
        "dot-product kernel",
        [Case("id_mxint8_x_mxint8", 9, 37, 128, lhs="mxint8", rhs="mxint8"),
         Case("id_mxint8_x_mxint4", 4, 32, 64, lhs="mxint8", rhs="mxint4"),
         Case("id_mxint8_x_mxfp4", 6, 40, 96, lhs="mxint8", rhs="mxfp4"),
         Case("id_mxint8_x_nvfp4", 5, 33, 64, lhs="mxint8", rhs="nvfp4"),
         Case("id_mxint8_x_nvint4", 3, 16, 64, lhs="mxint8", rhs="nvint4"),
         Case("id_gemv_mxint8_x_mxfp4", 1, 64, 256, lhs="mxint8", rhs="mxfp4"),
         Case("id_batch_mxint8_x_mxfp4", 3, 20, 64, lhs="mxint8", rhs="mxfp4",
              batch=2),
         Case("id_dyn_m_mxint8_x_mxint8", 7, 24, 64, lhs="mxint8",
              rhs="mxint8", dyn_m=True),
         # K blocks of 256: accumulators kept in the panel buffer between
         # blocks.
         Case("id_kblocks_mxint8_x_mxfp4", 6, 40, 768, lhs="mxint8",
              rhs="mxfp4"),
         Case("id_kblocks_mxint8_x_nvfp4", 5, 33, 512, lhs="mxint8",
              rhs="nvfp4")]),
}

# Files whose vector-width=8 programs must print the hash of the others.
SAME_VW8 = {"matmul-intdot.mlir"}

HASHES = {}
HASHES_FILE = os.path.join(HERE, "matmul-hashes.txt")


def load_hashes():
    if os.path.exists(HASHES_FILE):
        with open(HASHES_FILE) as f:
            for line in f:
                name, vw, h = line.split()
                HASHES[(name, vw)] = h


def update(qf_opt, libs):
    for fname, (title, cases) in FILES.items():
        path = os.path.join(HERE, fname)
        write_file(path, title, cases, {})
        for vw in ("16", "8"):
            ir = subprocess.run(
                [qf_opt, path, f"--qf-cpu-pipeline=vector-width={vw}"
                 + (" int-dot-min-rows=1" if fname in SAME_VW8 else "")],
                check=True, capture_output=True, text=True).stdout
            out = subprocess.run(
                ["mlir-runner", "-e", "main", "-entry-point-result=void",
                 "-shared-libs=" + ",".join(libs)],
                input=ir, check=True, capture_output=True, text=True).stdout
            name = None
            for line in out.splitlines():
                if line.startswith("case "):
                    name = line.split()[1]
                elif line.startswith("hash "):
                    HASHES[(name, vw)] = line.split()[1]
    with open(HASHES_FILE, "w") as f:
        for (name, vw), h in sorted(HASHES.items()):
            f.write(f"{name} {vw} {h}\n")


# Exhaustive decode check: x = identity [K, K] times W (every code of the
# format, several block scales) gives C[k, n] = decoded W exactly (one
# non-zero product per sum), so the kernel's unpack + decode + scaling is
# compared bit for bit with qf.dequantize (+0 = -0: a sum starting at +0
# loses the sign of zero). NaN/Inf codes and NaN scales are left out: one
# 0 * NaN in a sum makes the whole output NaN, as in the f32 reference.
DECODE = [
    # name, format, bits, block, scale bytes (or floats), tensor scale
    ("mxfp4", "mxfp4", 4, 32, ["0x7F", "0x76", "0x85", "0x00"], None),
    ("nvfp4", "nvfp4", 4, 16, ["0x38", "0x2B", "0x7E", "0x06", "0xB8"], "0.375"),
    ("mxfp6", "mxfp6", 6, 32, ["0x7F", "0x70", "0x90", "0x01"], None),
    ("mxfp6_e3m2", "mxfp6_e3m2", 6, 32, ["0x7F", "0x7C", "0x81", "0x7E"],
     None),
    ("mxfp8", "mxfp8", 8, 32, ["0x7F", "0x60", "0x9A", "0x7D"], None),
    ("mxfp8_e5m2", "mxfp8_e5m2", 8, 32, ["0x7F", "0x50", "0xA0", "0x7E"],
     None),
    # 0xE7 / 0xE8: the last E8M0 scale of the folded tiles' integer decode
    # without a multiply and the first that takes the multiply instead.
    ("mxint8", "mxint8", 8, 32, ["0x7F", "0x66", "0x88", "0x7E", "0xE7", "0xE8"],
     None),
    ("mxint4", "mxint4", 4, 32, ["0x7F", "0x79", "0x84", "0x70"], None),
    ("nvint4", "nvint4", 4, 16, ["0x38", "0x41", "0x07", "0x00"], "2.5"),
    ("e4m3_b16_f16", "#qf.format<elem = f8E4M3FN, block = 16, scale = f16>",
     8, 16, ["1.0", "0.3125", "96.0", "-2.5"], None),
    ("i5_b8_bf16", "#qf.format<elem = i5, block = 8, scale = bf16>", 5, 8,
     ["1.0", "0.75", "-3.0", "1.5e-05"], None),
]


def decode_case(name, fmt, bits, block, scales, ts, tb):
    ncode = 1 << bits
    k = max(ncode, block * 2)
    k = (k + block - 1) // block * block
    n = 2 if tb else 3
    nblk = k // block

    def code(row, kk):
        c = (kk * 5 + row * 3) % ncode
        # 0 * NaN (or Inf) in the other products of the sum would make the
        # whole output NaN: leave the NaN/Inf codes out.
        if "f8E4M3FN" in fmt or fmt == "mxfp8":
            return 0 if c & 0x7F == 0x7F else c
        if fmt == "mxfp8_e5m2":
            return 0 if c & 0x7C == 0x7C else c
        return c

    def sc(row, b):
        return scales[(row + b) % len(scales)]

    if tb:
        codes = [[code(r, kk) for kk in range(k)] for r in range(n)]
        wshape, axis = f"{n}x{k}", 1
    else:
        codes = [[code(c, kk) for c in range(n)] for kk in range(k)]
        wshape, axis = f"{k}x{n}", 0
    sc_rows = [[sc(r, b) for b in range(nblk)] for r in range(n)]

    def lst(rows):
        return "[" + ", ".join("[" + ", ".join(r) + "]" for r in rows) + "]"

    ctext = lst([[f"0x{c:02X}" for c in row] for row in codes])
    stext = lst(sc_rows)
    for st in ("f16", "bf16", "f32"):
        if f"scale = {st}" in fmt:
            stext = f"dense<{stext}> : tensor<{n}x{nblk}x{st}>"
    tsx = f" tensor_scale {ts}" if ts else ""
    qt = f"!qf.tensor<{wshape}xf32, {fmt}, axis = {axis}>"
    t = " transpose_b" if tb else ""
    suffix = "tb" if tb else "kn"
    f = f"{name}_{suffix}"
    ident = f"tensor<{k}x{k}xf32>"
    out = f"tensor<{k}x{n}xf32>"
    lines = [
        f"func.func @{f}_kernel(%x: {ident}, %w: {qt}) -> {out} {{",
        f"  %c = qf.matmul %x, %w{t} : {ident}, {qt} -> {out}",
        f"  return %c : {out}",
        "}",
        f"func.func @{f}() {{",
        f'  vector.print str "decode {f}\\n"',
        f"  %w = qf.constant codes {ctext} scales {stext}{tsx} : {qt}",
        f"  %e = tensor.empty() : {ident}",
        f"  %x = linalg.generic {{indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>],",
        '      iterator_types = ["parallel", "parallel"]}' + f" outs(%e : {ident}) {{",
        "    ^bb0(%o: f32):",
        "      %i = linalg.index 0 : index",
        "      %j = linalg.index 1 : index",
        "      %eq = arith.cmpi eq, %i, %j : index",
        "      %one = arith.constant 1.0 : f32",
        "      %zero = arith.constant 0.0 : f32",
        "      %v = arith.select %eq, %one, %zero : f32",
        "      linalg.yield %v : f32",
        f"  }} -> {ident}",
        f"  %c = func.call @{f}_kernel(%x, %w) : ({ident}, {qt}) -> {out}",
        f"  %d = qf.dequantize %w : {qt} -> tensor<{wshape}xf32>",
    ]
    # Reference laid out like C: [k, n].
    if tb:
        lines += [
            f"  %de = tensor.empty() : {out}",
            f"  %dt = linalg.transpose ins(%d : tensor<{wshape}xf32>) "
            f"outs(%de : {out}) permutation = [1, 0]",
        ]
        ref = "%dt"
    else:
        ref = "%d"
    lines += [
        f"  %cf = tensor.collapse_shape %c [[0, 1]] : {out} into tensor<{k * n}xf32>",
        f"  %rf = tensor.collapse_shape {ref} [[0, 1]] : {out} into tensor<{k * n}xf32>",
        f"  %cd = tensor.cast %cf : tensor<{k * n}xf32> to tensor<?xf32>",
        f"  %rd = tensor.cast %rf : tensor<{k * n}xf32> to tensor<?xf32>",
        "  func.call @mismatches(%cd, %rd) : (tensor<?xf32>, tensor<?xf32>) -> ()",
        "  return",
        "}",
    ]
    return f, "\n".join(lines)


MISMATCHES = """func.func @mismatches(%c: tensor<?xf32>, %r: tensor<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = tensor.dim %c, %c0 : tensor<?xf32>
  %zf = arith.constant 0.0 : f32
  %bad = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %c0) -> index {
    %x = tensor.extract %c[%i] : tensor<?xf32>
    %y = tensor.extract %r[%i] : tensor<?xf32>
    %xb = arith.bitcast %x : f32 to i32
    %yb = arith.bitcast %y : f32 to i32
    %same = arith.cmpi eq, %xb, %yb : i32
    %bothnan = arith.cmpf uno, %x, %y : f32
    %xn = arith.cmpf uno, %x, %x : f32
    %yn = arith.cmpf uno, %y, %y : f32
    %nn = arith.andi %xn, %yn : i1
    %xz = arith.cmpf oeq, %x, %zf : f32
    %yz = arith.cmpf oeq, %y, %zf : f32
    %zz = arith.andi %xz, %yz : i1
    %ok0 = arith.ori %same, %nn : i1
    %ok = arith.ori %ok0, %zz : i1
    %inc = arith.select %ok, %c0, %c1 : index
    %a = arith.addi %acc, %inc : index
    scf.yield %a : index
  }
  vector.print str "mismatches "
  vector.print %bad : index
  return
}"""


def write_decode_file(path):
    lines = [
        "// GENERATED by gen-matmul-tests.py; do not edit.",
        "// Exhaustive decode: identity x W over every code of each format "
        "and",
        "// several block scales is qf.dequantize bit for bit.",
        f"// RUN: qf-opt %s --qf-cpu-pipeline | {RUNNER} | FileCheck %s",
        f'// RUN: qf-opt %s --qf-cpu-pipeline="avx512=false" | {RUNNER} | '
        "FileCheck %s",
        f'// RUN: qf-opt %s --qf-cpu-pipeline="vector-width=8" | {RUNNER} | '
        "FileCheck %s",
        "",
        MISMATCHES,
        "",
    ]
    names = []
    for d in DECODE:
        for tb in (True, False):
            f, text = decode_case(*d, tb)
            names.append(f)
            lines += [text, ""]
    lines.append("func.func @main() {")
    for f in names:
        lines.append(f"  func.call @{f}() : () -> ()")
    lines += ["  return", "}", ""]
    for f in names:
        lines += [f"// CHECK-LABEL: decode {f}", "// CHECK-NEXT: mismatches 0"]
    with open(path, "w") as fh:
        fh.write("\n".join(lines) + "\n")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--update":
        update(sys.argv[2], sys.argv[3:])
    load_hashes()
    for fname, (title, cases) in FILES.items():
        write_file(os.path.join(HERE, fname), title, cases, HASHES)
    write_decode_file(os.path.join(HERE, "matmul-decode-exact.mlir"))


if __name__ == "__main__":
    main()
