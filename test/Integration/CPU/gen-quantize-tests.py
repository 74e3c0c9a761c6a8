#!/usr/bin/env python3
"""Writes the executed CPU tests of quantize / dequantize / requantize.

Each generated test quantizes one seeded input twice: at compile time
(`--canonicalize` folds `qf.quantize` of a constant through the numerics
library, include/qf/Numerics) and at run time (the same op on a function
argument, lowered by convert-qf-to-vector). The program prints the packed
codes, scale bytes and decoded values of both and the number of bytes / bit
patterns that differ; FileCheck requires the two prints to be equal and the
counts to be zero. So the CPU kernels are checked bit for bit against the
numerics library on: every preset, user-defined formats, NaN/Inf/zero/
subnormal blocks, tails shorter than the vector width, a blocked axis that
is not innermost, dynamic leading dimensions, static (calibrated) scales and
requantize.

Usage: gen-quantize-tests.py [output-dir]   (default: this directory)
"""
import math
import os
import random
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

RUNNER = ("mlir-runner -e main -entry-point-result=void "
          "-shared-libs=%mlir_runner_utils,%mlir_c_runner_utils")


def f32_bits(x):
    return struct.unpack("<I", struct.pack("<f", x))[0]


def gen_data(rng, n, block, special):
    """n f32 bit patterns: normal data with outliers; whole blocks of special
    values (zeros, NaN, Inf, FP32 subnormals, tiny and huge) when asked."""
    vals = []
    for i in range(n):
        v = rng.gauss(0.0, 1.0)
        if rng.random() < 0.03:
            v *= 40.0  # outliers
        vals.append(f32_bits(v))
    if special and n >= 8 * block:
        kinds = ["zero", "nan", "inf", "subnormal", "tiny", "huge", "negzero",
                 "ties"]
        for k, kind in enumerate(kinds):
            base = k * block
            for j in range(block):
                if kind == "zero":
                    vals[base + j] = 0
                elif kind == "negzero":
                    vals[base + j] = 0x80000000 if j % 2 else 0
                elif kind == "nan" and j == 3:
                    vals[base + j] = 0x7FC00000
                elif kind == "inf" and j == 1:
                    vals[base + j] = 0xFF800000
                elif kind == "subnormal":
                    vals[base + j] = rng.randrange(1, 0x7FFFFF) | (
                        0x80000000 if j % 3 == 0 else 0)
                elif kind == "tiny":
                    vals[base + j] = f32_bits(rng.gauss(0, 1) * 2.0 ** -120)
                elif kind == "huge":
                    vals[base + j] = f32_bits(rng.gauss(0, 1) * 2.0 ** 120)
                elif kind == "ties":
                    # Midpoints of small grids: k + 0.5 and k * 0.25.
                    vals[base + j] = f32_bits((j - block // 2) * 0.25 + 0.125)
    return vals


def dense(bits, shape):
    def rec(off, dims):
        if not dims:
            return "0x%08X" % bits[off]
        step = 1
        for d in dims[1:]:
            step *= d
        return "[" + ", ".join(rec(off + i * step, dims[1:])
                               for i in range(dims[0])) + "]"
    return "dense<%s>" % rec(0, shape)


def shape_str(shape):
    return "x".join(str(d) for d in shape)


class Case:
    def __init__(self, name, fmt, shape, axis, special=True, dyn=False,
                 dynlast=False,
                 static_scales=False, requant=None, seed=1, vw8=True,
                 bits=None, packed_inner=None, scales=None, scale_elt="i8",
                 ts=False, block=32, given_ts=None):
        self.__dict__.update(locals())
        del self.__dict__["self"]


def storage_types(c, shape):
    """(packed type, scales type, tensor scale type or None) strings."""
    inner = shape[-1]
    pshape = list(shape)
    if c.bits != 8 and not isinstance(inner, str):
        pshape[-1] = (inner * c.bits + 7) // 8
    elif c.bits != 8:
        pshape[-1] = "?"
    r = len(shape)
    if c.axis is None:
        sshape = []
    else:
        sshape = [shape[i] for i in range(r) if i != c.axis]
        blk = c.block if c.block else shape[c.axis]
        sshape.append(shape[c.axis] // blk)
    fmt = lambda s: "tensor<%s%s>" % (shape_str(s) + "x" if s else "",
                                      c.scale_elt) if s else "tensor<%s>" % c.scale_elt
    ptype = "tensor<%sxi8>" % shape_str(pshape)
    return ptype, fmt(sshape), "tensor<f32>" if c.ts else None


def qtype(c, shape, fmt="#fmt"):
    ax = "" if c.axis is None else ", axis = %d" % c.axis
    return "!qf.tensor<%sxf32, %s%s>" % (shape_str(shape), fmt, ax)


def helpers():
    out = []
    for elt, n in (("i8", 24), ("f16", 16), ("bf16", 16), ("f32", 12)):
        ity = {"i8": "i8", "f16": "i16", "bf16": "i16", "f32": "i32"}[elt]
        isf = elt != "i8"
        if isf:
            cmpv = ("    %%xb = arith.bitcast %%x : %s to %s\n"
                    "    %%yb = arith.bitcast %%y : %s to %s\n"
                    "    %%ne = arith.cmpi ne, %%xb, %%yb : %s\n") % (
                        elt, ity, elt, ity, ity)
        else:
            cmpv = "    %%ne = arith.cmpi ne, %%x, %%y : %s\n" % elt
        if elt in ("f16", "bf16"):
            pr = ("  %%vb = arith.bitcast %%v : vector<%dx%s> to vector<%dx%s>\n"
                  "  vector.print %%vb : vector<%dx%s>\n") % (n, elt, n, ity, n, ity)
        else:
            pr = "  vector.print %%v : vector<%dx%s>\n" % (n, elt)
        out.append("""
func.func @mismatch_%(e)s(%%a: memref<?x%(e)s>, %%b: memref<?x%(e)s>) -> index {
  %%c0 = arith.constant 0 : index
  %%c1 = arith.constant 1 : index
  %%n = memref.dim %%a, %%c0 : memref<?x%(e)s>
  %%r = scf.for %%i = %%c0 to %%n step %%c1 iter_args(%%acc = %%c0) -> index {
    %%x = memref.load %%a[%%i] : memref<?x%(e)s>
    %%y = memref.load %%b[%%i] : memref<?x%(e)s>
%(cmp)s    %%inc = arith.select %%ne, %%c1, %%c0 : index
    %%s = arith.addi %%acc, %%inc : index
    scf.yield %%s : index
  }
  return %%r : index
}
func.func @print_head_%(e)s(%%a: memref<?x%(e)s>) {
  %%c0 = arith.constant 0 : index
  %%c2 = arith.constant 2 : index
  %%n = memref.dim %%a, %%c0 : memref<?x%(e)s>
  %%h = arith.divui %%n, %%c2 : index
  %%pad = arith.constant %(pad)s : %(e)s
  %%v = vector.transfer_read %%a[%%h], %%pad : memref<?x%(e)s>, vector<%(n)dx%(e)s>
%(pr)s  return
}""" % {"e": elt, "n": n, "cmp": cmpv.replace("%%", "%"), "pr": pr.replace("%%", "%"),
        "pad": "0.0" if isf else "0"})
    return "\n".join(out)


HELPERS = helpers()


def flat_memref(var, ttype, elt, out):
    """Emits ops turning tensor %var of type ttype into memref<?xelt> %var_f."""
    shape = ttype[len("tensor<"):-1].rsplit("x", 1)[0] if "x" in ttype else ""
    mtype = ttype.replace("tensor<", "memref<")
    out.append("  %%%s_m = bufferization.to_buffer %%%s : %s to %s" %
               (var, var, ttype, mtype))
    rank = 0 if ttype == "tensor<%s>" % elt else len(shape.split("x"))
    if rank == 0:
        out.append("  %%%s_f1 = memref.expand_shape %%%s_m [] output_shape [1] "
                   ": %s into memref<1x%s>" % (var, var, mtype, elt))
        out.append("  %%%s_f = memref.cast %%%s_f1 : memref<1x%s> to memref<?x%s>"
                   % (var, var, elt, elt))
        return
    if rank == 1:
        src = "%%%s_m" % var
        st = mtype
    else:
        dims = shape.split("x")
        total = "?" if "?" in dims else str(math.prod(int(d) for d in dims))
        out.append("  %%%s_c = memref.collapse_shape %%%s_m [[%s]] : %s into memref<%sx%s>"
                   % (var, var, ", ".join(str(i) for i in range(rank)), mtype,
                      total, elt))
        src = "%%%s_c" % var
        st = "memref<%sx%s>" % (total, elt)
    if st == "memref<?x%s>" % elt:
        out.append("  %%%s_f = memref.cast %s : %s to memref<?x%s>" % (var, src, st, elt))
    else:
        out.append("  %%%s_f = memref.cast %s : %s to memref<?x%s>" % (var, src, st, elt))


def compare(name, ref, got, ttype_ref, ttype_got, elt, out, checks):
    flat_memref(ref, ttype_ref, elt, out)
    flat_memref(got, ttype_got, elt, out)
    kind = elt
    out.append('  vector.print str "%s ref "' % name)
    out.append("  call @print_head_%s(%%%s_f) : (memref<?x%s>) -> ()" % (kind, ref, elt))
    out.append('  vector.print str "%s got "' % name)
    out.append("  call @print_head_%s(%%%s_f) : (memref<?x%s>) -> ()" % (kind, got, elt))
    out.append("  %%%s_n = call @mismatch_%s(%%%s_f, %%%s_f) : (memref<?x%s>, memref<?x%s>) -> index"
               % (got, kind, ref, got, elt, elt))
    out.append('  vector.print str "%s mismatches "' % name)
    out.append("  vector.print %%%s_n : index" % got)
    checks.append("// CHECK: %s ref [[%s:.*]]" % (name, name.upper()))
    checks.append("// CHECK-NEXT: %s got [[%s]]" % (name, name.upper()))
    checks.append("// CHECK-NEXT: %s mismatches 0" % name)


def write_case(c, outdir):
    rng = random.Random(c.seed)
    shape = c.shape
    n = math.prod(shape)
    blk = c.block if c.block else (shape[c.axis] if c.axis is not None else n)
    bits = gen_data(rng, n, blk, c.special)
    fmt_def = "#fmt = %s" % c.fmt
    Q = qtype(c, shape)
    dshape = list(shape)
    if c.dyn:
        dshape[0] = "?"
    if c.dynlast:
        dshape[-1] = "?"
    QD = qtype(c, dshape)
    ptype, stype, tstype = storage_types(c, shape)
    pdtype, sdtype, _ = storage_types(c, dshape)
    xt = "tensor<%sxf32>" % shape_str(shape)
    xdt = "tensor<%sxf32>" % shape_str(dshape)
    lines = []
    runs = [
        "// RUN: qf-opt %%s --canonicalize --qf-cpu-pipeline | %s | FileCheck %%s" % RUNNER,
        "// RUN: qf-opt %%s --canonicalize --qf-cpu-pipeline=\"threads=2\" | %s,%%omp_lib | FileCheck %%s"
        % RUNNER,
    ]
    if c.vw8:
        runs.append("// RUN: qf-opt %%s --canonicalize --qf-cpu-pipeline=\"vector-width=8\" | %s | FileCheck %%s"
                    % RUNNER)
    if not (c.requant or c.dyn or c.dynlast):
        # The portable integer codec; with AVX-512 the runs above encode
        # round-to-nearest-even formats in f32 arithmetic (CPUTargetInfo).
        runs.append("// RUN: qf-opt %%s --canonicalize --qf-cpu-pipeline=\"avx512=false\" | %s | FileCheck %%s"
                    % RUNNER)
    lines.append("// GENERATED by gen-quantize-tests.py; do not edit.")
    lines.append("// %s: %s on %s, axis %s%s%s%s%s%s" % (
        c.name, c.fmt, shape_str(shape), c.axis,
        ", dynamic dim 0" if c.dyn else "",
        ", dynamic innermost dim" if c.dynlast else "",
        ", static scales" if c.static_scales else "",
        ", given tensor scale %s" % c.given_ts if c.given_ts else "",
        ", requantize to %s" % c.requant[0] if c.requant else ""))
    lines.extend(runs)
    lines.append("")
    lines.append(fmt_def)
    if c.requant:
        lines.append("#fmt2 = %s" % c.requant[0])
    lines.append("")
    # Kernels under test: take function arguments, so nothing folds.
    if c.static_scales:
        ts_arg = ", %%g: %s" % tstype if tstype else ""
        ts_use = " tensor_scale(%%g : %s)" % tstype if tstype else ""
        lines.append("func.func @quant(%%x: %s, %%s: %s%s) -> %s {" % (xdt, sdtype, ts_arg, QD))
        lines.append("  %%q = qf.quantize %%x scales(%%s : %s)%s : %s -> %s" % (sdtype, ts_use, xdt, QD))
    elif c.given_ts:
        # A given (calibrated) tensor scale, data-dependent block scales (D28).
        lines.append("func.func @quant(%%x: %s, %%g: %s) -> %s {" % (xdt, tstype, QD))
        lines.append("  %%q = qf.quantize %%x tensor_scale(%%g : %s) : %s -> %s" % (tstype, xdt, QD))
    else:
        lines.append("func.func @quant(%%x: %s) -> %s {" % (xdt, QD))
        lines.append("  %%q = qf.quantize %%x : %s -> %s" % (xdt, QD))
    lines.append("  return %%q : %s" % QD)
    lines.append("}")
    RT = "tensor<%sxf32>" % shape_str(dshape)
    lines.append("func.func @deq(%%q: %s) -> %s {" % (QD, RT))
    lines.append("  %%d = qf.dequantize %%q : %s -> %s" % (QD, RT))
    lines.append("  return %%d : %s" % RT)
    lines.append("}")
    if c.requant:
        Q2D = qtype(c, dshape, "#fmt2")
        lines.append("func.func @req(%%q: %s) -> %s {" % (QD, Q2D))
        lines.append("  %%r = qf.requantize %%q : %s -> %s" % (QD, Q2D))
        lines.append("  return %%r : %s" % Q2D)
        lines.append("}")
    lines.append(HELPERS)
    body = []
    checks = []
    body.append("func.func @main() {")
    body.append("  %%x = arith.constant %s : %s" % (dense(bits, shape), xt))
    body.append("  %%xd = tensor.cast %%x : %s to %s" % (xt, xdt))
    if c.static_scales:
        # Scales chosen by quantizing the data once at compile time, then
        # perturbed so they differ from the data-dependent ones.
        body.append("  %%q0 = qf.quantize %%x : %s -> %s" % (xt, Q))
        if tstype:
            body.append("  %%p0:3 = qf.pack %%q0 : %s -> %s, %s, %s" % (Q, ptype, stype, tstype))
            body.append("  %%sd = tensor.cast %%p0#1 : %s to %s" % (stype, sdtype))
            body.append("  %%qr = qf.quantize %%x scales(%%p0#1 : %s) tensor_scale(%%p0#2 : %s) : %s -> %s"
                        % (stype, tstype, xt, Q))
            body.append("  %%qg = call @quant(%%xd, %%sd, %%p0#2) : (%s, %s, %s) -> %s"
                        % (xdt, sdtype, tstype, QD))
        else:
            body.append("  %%p0:2 = qf.pack %%q0 : %s -> %s, %s" % (Q, ptype, stype))
            body.append("  %%sd = tensor.cast %%p0#1 : %s to %s" % (stype, sdtype))
            body.append("  %%qr = qf.quantize %%x scales(%%p0#1 : %s) : %s -> %s" % (stype, xt, Q))
            body.append("  %%qg = call @quant(%%xd, %%sd) : (%s, %s) -> %s" % (xdt, sdtype, QD))
    elif c.given_ts:
        body.append("  %%g = arith.constant dense<%s> : %s" % (c.given_ts, tstype))
        body.append("  %%qr = qf.quantize %%x tensor_scale(%%g : %s) : %s -> %s" % (tstype, xt, Q))
        body.append("  %%qg = call @quant(%%xd, %%g) : (%s, %s) -> %s" % (xdt, tstype, QD))
    else:
        body.append("  %%qr = qf.quantize %%x : %s -> %s" % (xt, Q))
        body.append("  %%qg = call @quant(%%xd) : (%s) -> %s" % (xdt, QD))
    npk = 3 if tstype else 2
    res = ", ".join([ptype, stype] + ([tstype] if tstype else []))
    resd = ", ".join([pdtype, sdtype] + ([tstype] if tstype else []))
    body.append("  %%pr:%d = qf.pack %%qr : %s -> %s" % (npk, Q, res))
    body.append("  %%pg:%d = qf.pack %%qg : %s -> %s" % (npk, QD, resd))
    body.append("  %pr0 = tensor.cast %pr#0 : {0} to {0}".format(ptype))
    body.append("  %pg0 = tensor.cast %pg#0 : {0} to {0}".format(pdtype))
    body.append("  %pr1 = tensor.cast %pr#1 : {0} to {0}".format(stype))
    body.append("  %pg1 = tensor.cast %pg#1 : {0} to {0}".format(sdtype))
    compare("codes", "pr0", "pg0", ptype, pdtype, "i8", body, checks)
    selt = c.scale_elt
    if selt == "i8":
        compare("scales", "pr1", "pg1", stype, sdtype, "i8", body, checks)
    elif selt == "f32":
        compare("scales", "pr1", "pg1", stype, sdtype, "f32", body, checks)
    else:
        # f16 / bf16 scales: compared by bit pattern.
        compare("scales", "pr1", "pg1", stype, sdtype, selt, body, checks)
    if tstype:
        body.append("  %pr2 = tensor.cast %pr#2 : tensor<f32> to tensor<f32>")
        body.append("  %pg2 = tensor.cast %pg#2 : tensor<f32> to tensor<f32>")
        compare("tscale", "pr2", "pg2", "tensor<f32>", "tensor<f32>", "f32", body, checks)
    body.append("  %%dr = qf.dequantize %%qr : %s -> %s" % (Q, xt))
    body.append("  %%dg = call @deq(%%qg) : (%s) -> %s" % (QD, RT))
    compare("values", "dr", "dg", xt, RT, "f32", body, checks)
    if c.requant:
        Q2 = qtype(c, shape, "#fmt2")
        Q2D = qtype(c, dshape, "#fmt2")
        rbits, rp, rs, rts = c.requant[1], None, None, None
        c2 = Case(c.name, c.requant[0], shape, c.axis, bits=rbits,
                  scale_elt=c.requant[2], ts=c.requant[3], block=c.requant[4])
        p2, s2, t2 = storage_types(c2, shape)
        p2d, s2d, _ = storage_types(c2, dshape)
        n2 = 3 if t2 else 2
        body.append("  %%rr = qf.requantize %%qr : %s -> %s" % (Q, Q2))
        body.append("  %%rg = call @req(%%qg) : (%s) -> %s" % (QD, Q2D))
        body.append("  %%rpr:%d = qf.pack %%rr : %s -> %s" % (n2, Q2, ", ".join([p2, s2] + ([t2] if t2 else []))))
        body.append("  %%rpg:%d = qf.pack %%rg : %s -> %s" % (n2, Q2D, ", ".join([p2d, s2d] + ([t2] if t2 else []))))
        body.append("  %rpr0 = tensor.cast %rpr#0 : {0} to {0}".format(p2))
        body.append("  %rpg0 = tensor.cast %rpg#0 : {0} to {0}".format(p2d))
        compare("recodes", "rpr0", "rpg0", p2, p2d, "i8", body, checks)
        if c2.scale_elt == "i8":
            body.append("  %rpr1 = tensor.cast %rpr#1 : {0} to {0}".format(s2))
            body.append("  %rpg1 = tensor.cast %rpg#1 : {0} to {0}".format(s2d))
            compare("rescales", "rpr1", "rpg1", s2, s2d, "i8", body, checks)
    body.append("  return")
    body.append("}")
    text = "\n".join(lines + body + [""] + checks) + "\n"
    with open(os.path.join(outdir, "quantize-%s.mlir" % c.name), "w") as f:
        f.write(text)


def fmt(s):
    return "#qf.format<%s>" % s


CASES = [
    # name, format, shape, axis; bits and storage types of the scales.
    Case("mxfp8", fmt("mxfp8"), [16, 64], 1, bits=8),
    Case("mxfp8-e5m2", fmt("mxfp8_e5m2"), [16, 64], 1, bits=8, seed=2),
    Case("mxfp6", fmt("mxfp6"), [16, 64], 1, bits=6, seed=3),
    Case("mxfp6-e3m2", fmt("mxfp6_e3m2"), [16, 64], 1, bits=6, seed=4),
    Case("mxfp4", fmt("mxfp4"), [16, 64], 1, bits=4, seed=5),
    Case("mxint8", fmt("mxint8"), [16, 64], 1, bits=8, seed=6),
    Case("mxint6", fmt("mxint6"), [16, 64], 1, bits=6, seed=7),
    Case("mxint4", fmt("mxint4"), [16, 64], 1, bits=4, seed=8),
    Case("nvfp4", fmt("nvfp4"), [16, 64], 1, bits=4, ts=True, block=16, seed=9),
    Case("nvint4", fmt("nvint4"), [16, 64], 1, bits=4, ts=True, block=16, seed=10),
    Case("int8-channel", fmt("int8_channel"), [16, 40], 1, bits=8,
         scale_elt="f32", block=None, special=False, seed=11),
    Case("fp8-tensor", fmt("fp8_tensor"), [8, 24], None, bits=8,
         scale_elt="f32", block=None, special=False, seed=12),
    # Blocked axis not innermost, with a tail (20 % 16 = 4 lanes).
    Case("mxfp4-axis0", fmt("mxfp4"), [64, 20], 0, bits=4, seed=13),
    Case("nvfp4-axis1-of-3", fmt("nvfp4"), [3, 32, 6], 1, bits=4, ts=True,
         block=16, special=False, seed=14),
    # Dynamic leading dimension.
    Case("mxfp6-dynamic", fmt("mxfp6"), [12, 64], 1, bits=6, dyn=True, seed=15),
    Case("mxint8-axis0-dynamic", fmt("mxint8"), [32, 18], 0, bits=8, dynlast=True,
         seed=16, special=False),
    Case("mxfp4-axis0-dynamic", fmt("mxfp4"), [3, 64, 10], 1, bits=4, dynlast=True,
         seed=26, special=False),
    Case("mxfp6-axis0-dynamic", fmt("mxfp6"), [32, 12], 0, bits=6, dynlast=True,
         seed=27, special=False),
    # User-defined formats, written in the test only.
    Case("user-e3m2-b16-ceil",
         fmt("elem = f6E3M2FN, block = 16, scale = f8E8M0FNU, rule = ceil"),
         [8, 48], 1, bits=6, block=16, seed=17),
    Case("user-i5-b8-even-away-full",
         fmt("elem = i5, block = 8, scale = f8E8M0FNU, rule = even, "
             "rounding = away, range = full"),
         [8, 40], 1, bits=5, block=8, seed=18, vw8=True),
    Case("user-e4m3-b16-f16-ts",
         fmt("elem = f8E4M3FN, block = 16, scale = f16, tensor_scale = f32"),
         [4, 64], 1, bits=8, block=16, scale_elt="f16", ts=True, seed=19,
         special=False),
    Case("user-i4-channel-bf16",
         fmt("elem = i4, block = channel, scale = bf16"),
         [6, 36], 1, bits=4, block=None, scale_elt="bf16", seed=20, special=False),
    Case("user-e2m1-b12", fmt("elem = f4E2M1FN, block = 12, scale = f8E8M0FNU"),
         [4, 36], 1, bits=4, block=12, seed=21, special=False),
    # Static (calibrated) scales.
    Case("mxfp4-static", fmt("mxfp4"), [8, 64], 1, bits=4, static_scales=True, seed=22),
    Case("nvfp4-static", fmt("nvfp4"), [8, 64], 1, bits=4, ts=True, block=16,
         static_scales=True, seed=23),
    # A given (calibrated) tensor scale with data-dependent block scales
    # (D28): small enough that the largest blocks saturate at scale 448.
    Case("nvfp4-given-ts", fmt("nvfp4"), [8, 64], 1, bits=4, ts=True, block=16,
         given_ts="0.002", dyn=True, seed=35),
    Case("nvint4-given-ts", fmt("nvint4"), [8, 64], 1, bits=4, ts=True, block=16,
         given_ts="0.002", seed=36),
    Case("user-e4m3-b16-f16-given-ts",
         fmt("elem = f8E4M3FN, block = 16, scale = f16, tensor_scale = f32"),
         [4, 64], 1, bits=8, block=16, scale_elt="f16", ts=True, seed=37,
         given_ts="3.0e-06", special=False),
    # Requantize.
    Case("requant-mxfp8-to-mxfp4", fmt("mxfp8"), [8, 64], 1, bits=8, seed=24,
         requant=(fmt("mxfp4"), 4, "i8", False, 32)),
    Case("requant-mxint8-to-nvfp4", fmt("mxint8"), [8, 64], 1, bits=8, seed=25,
         requant=(fmt("nvfp4"), 4, "i8", True, 16)),
    # Integer E8M0 pairs: lowered to exponent arithmetic and shifts
    # (numerics::requantizeIsShift), except where the blocks differ.
    Case("requant-mxint8-to-mxint4", fmt("mxint8"), [8, 64], 1, bits=8, seed=28,
         requant=(fmt("mxint4"), 4, "i8", False, 32)),
    Case("requant-mxint8-to-mxint6", fmt("mxint8"), [8, 64], 1, bits=8, seed=29,
         requant=(fmt("mxint6"), 6, "i8", False, 32)),
    Case("requant-mxint6-to-mxint4", fmt("mxint6"), [8, 64], 1, bits=6, seed=30,
         requant=(fmt("mxint4"), 4, "i8", False, 32)),
    Case("requant-mxint4-to-mxint8", fmt("mxint4"), [8, 64], 1, bits=4, seed=31,
         requant=(fmt("mxint8"), 8, "i8", False, 32)),
    Case("requant-user-i8-b16-to-i5-ceil-away-full",
         fmt("elem = i8, block = 16, scale = f8E8M0FNU"), [8, 64], 1, bits=8,
         block=16, seed=32,
         requant=(fmt("elem = i5, block = 16, scale = f8E8M0FNU, rule = ceil, "
                      "rounding = away, range = full"), 5, "i8", False, 16)),
    Case("requant-mxint8-to-i4-b8-even", fmt("mxint8"), [8, 64], 1, bits=8,
         seed=33,
         requant=(fmt("elem = i4, block = 8, scale = f8E8M0FNU, rule = even"),
                  4, "i8", False, 8)),
    Case("requant-mxint8-to-mxint4-axis0", fmt("mxint8"), [64, 20], 0, bits=8,
         seed=34, special=False, requant=(fmt("mxint4"), 4, "i8", False, 32)),
]


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else HERE
    for c in CASES:
        write_case(c, outdir)


if __name__ == "__main__":
    main()
