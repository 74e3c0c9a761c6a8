#!/usr/bin/env python3
"""Writes a small BERT-style encoder layer in the form torch-mlir gives
(linalg-on-tensors): copy generics for transposes and broadcasts, a leading
unit batch dim, batch_matmul through expand/collapse_shape, the bias add
after each projection as a broadcast generic, the scores' softmax as 4-D
generics with a division by a tensor<f64> constant, an attention mask and
torch's max-with-index reduction, post-LayerNorm and a GELU (erf) MLP.
Weights are deterministic dense<> constants; @main builds the input,
runs @forward and prints the FNV-1a hash of the output bits. Used by
fuse-torch-attention.mlir (fused and unfused programs must agree)."""
import argparse
import math

p = argparse.ArgumentParser()
p.add_argument("--seq", type=int, default=8)
p.add_argument("--dim", type=int, default=64)
p.add_argument("--heads", type=int, default=2)
p.add_argument("--ffn", type=int, default=128)
p.add_argument("-o", "--output", required=True)
a = p.parse_args()
S, D, H, F = a.seq, a.dim, a.heads, a.ffn
HD = D // H

state = [12345]


def rnd():
    # A fixed LCG: the same constants on every machine and Python version.
    state[0] = (state[0] * 1103515245 + 12345) % (1 << 31)
    return state[0] / float(1 << 31) * 2.0 - 1.0


def dense(shape, scale):
    n = 1
    for s in shape:
        n *= s
    vals = [f"{rnd() * scale:.6e}" for _ in range(n)]

    def nest(vs, dims):
        if len(dims) == 1:
            return "[" + ", ".join(vs) + "]"
        step = len(vs) // dims[0]
        return "[" + ", ".join(nest(vs[i * step:(i + 1) * step], dims[1:])
                               for i in range(dims[0])) + "]"
    return f"dense<{nest(vals, shape)}> : tensor<{'x'.join(map(str, shape))}xf32>"


def T(*shape, t="f32"):
    return f"tensor<{'x'.join(map(str, shape))}x{t}>"


out = []
emit = out.append
cnt = [0]


def v(prefix="v"):
    cnt[0] += 1
    return f"%{prefix}{cnt[0]}"


PAR3 = '["parallel", "parallel", "parallel"]'
PAR4 = '["parallel", "parallel", "parallel", "parallel"]'
RED3 = '["parallel", "parallel", "reduction"]'
RED4 = '["parallel", "parallel", "parallel", "reduction"]'
PAR2 = '["parallel", "parallel"]'

emit("""#map = affine_map<(d0, d1) -> (d0, d1)>
#mapT = affine_map<(d0, d1) -> (d1, d0)>
#m12 = affine_map<(d0, d1, d2) -> (d1, d2)>
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#u3 = affine_map<(d0, d1, d2) -> (0, d1, d2)>
#r3 = affine_map<(d0, d1, d2) -> (d0, d1, 0)>
#ur3 = affine_map<(d0, d1, d2) -> (0, d1, 0)>
#c3 = affine_map<(d0, d1, d2) -> (d2)>
#id4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#u4 = affine_map<(d0, d1, d2, d3) -> (0, d1, d2, d3)>
#r4 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, 0)>
#ur4 = affine_map<(d0, d1, d2, d3) -> (0, d1, d2, 0)>
#mask4 = affine_map<(d0, d1, d2, d3) -> (0, 0, 0, d3)>
#s4 = affine_map<(d0, d1, d2, d3) -> ()>
#heads = affine_map<(d0, d1, d2, d3) -> (d0, d2, d1, d3)>
#kt = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3, d2)>
module {""")
emit(f"  func.func @forward(%x: {T(1, S, D)}) -> {T(1, S, D)} {{")
emit("    %zero = arith.constant 0.000000e+00 : f32")
emit("    %ninf = arith.constant -3.40282347E+38 : f32")
emit("    %c0i = arith.constant 0 : i64")
emit(f"    %sqrtd = arith.constant dense<{float(math.sqrt(HD))!r}> : tensor<f64>")
mask = ", ".join("0.000000e+00" if j < S - 2 else "-1.000000e+04" for j in range(S))
emit(f"    %mask = arith.constant dense<[[[[{mask}]]]]> : {T(1, 1, 1, S)}")




def copy(src, st, dst_shape, inmap, outmap, its):
    e = v("e")
    emit(f"    {e} = tensor.empty() : {T(*dst_shape)}")
    r = v()
    emit(f"    {r} = linalg.generic {{indexing_maps = [{inmap}, {outmap}], iterator_types = {its}}} "
         f"ins({src} : {st}) outs({e} : {T(*dst_shape)}) {{\n"
         f"    ^bb0(%in: f32, %out: f32):\n      linalg.yield %in : f32\n    }} -> {T(*dst_shape)}")
    return r


def ew(ins, maps, shape, its, body, outmap):
    """An elementwise generic: ins [(value, type)], body lines using %a0.."""
    e = v("e")
    emit(f"    {e} = tensor.empty() : {T(*shape)}")
    r = v()
    args = ", ".join(f"%a{i}: {t.split('x')[-1][:-1] if t != 'tensor<f64>' else 'f64'}"
                     for i, (_, t) in enumerate(ins))
    emit(f"    {r} = linalg.generic {{indexing_maps = [{', '.join(maps + [outmap])}], iterator_types = {its}}} "
         f"ins({', '.join(x for x, _ in ins)} : {', '.join(t for _, t in ins)}) outs({e} : {T(*shape)}) {{\n"
         f"    ^bb0({args}, %out: f32):")
    for line in body[:-1]:
        emit("      " + line)
    emit(f"      linalg.yield {body[-1]} : f32\n    }} -> {T(*shape)}")
    return r


def linear(x, din, dout, name):
    """torch's nn.Linear on [1, S, din]: W^T by a copy, broadcast to the
    batch, batch_matmul, bias as a broadcast generic."""
    w = f"%w_{name}"
    b = f"%b_{name}"
    emit(f"    {w} = arith.constant {dense([dout, din], 1.0 / math.sqrt(din))}")
    emit(f"    {b} = arith.constant {dense([dout], 0.1)}")
    wt = copy(w, T(dout, din), [din, dout], "#map", "#mapT", PAR2)
    wb = copy(wt, T(din, dout), [1, din, dout], "#m12", "#id3", PAR3)
    xc = copy(x, T(1, S, din), [1, S, din], "#u3", "#id3", PAR3)
    e = v("e")
    emit(f"    {e} = tensor.empty() : {T(1, S, dout)}")
    f = v("f")
    emit(f"    {f} = linalg.fill ins(%zero : f32) outs({e} : {T(1, S, dout)}) -> {T(1, S, dout)}")
    mm = v("mm")
    emit(f"    {mm} = linalg.batch_matmul ins({xc}, {wb} : {T(1, S, din)}, {T(1, din, dout)}) "
         f"outs({f} : {T(1, S, dout)}) -> {T(1, S, dout)}")
    return ew([(mm, T(1, S, dout)), (b, T(dout))], ["#u3", "#c3"], [1, S, dout], PAR3,
              ["%s = arith.addf %a0, %a1 : f32", "%s"], "#id3")


def heads(x):
    """[1, S, D] -> [1, H, S, HD] (expand, transpose copy)."""
    ex = v("ex")
    emit(f"    {ex} = tensor.expand_shape {x} [[0], [1], [2, 3]] output_shape [1, {S}, {H}, {HD}] : "
         f"{T(1, S, D)} into {T(1, S, H, HD)}")
    return copy(ex, T(1, S, H, HD), [1, H, S, HD], "#id4", "#heads", PAR4)


def rowsum(x, shape4, body_in, red_its, rmap, idmap, init="%zero"):
    rs = shape4[:-1] + [1]
    e = v("e")
    emit(f"    {e} = tensor.empty() : {T(*rs)}")
    f = v("f")
    emit(f"    {f} = linalg.fill ins({init} : f32) outs({e} : {T(*rs)}) -> {T(*rs)}")
    r = v()
    emit(f"    {r} = linalg.generic {{indexing_maps = [{idmap}, {rmap}], iterator_types = {red_its}}} "
         f"ins({x} : {T(*shape4)}) outs({f} : {T(*rs)}) {{\n    ^bb0(%in: f32, %out: f32):\n"
         f"      %s = {body_in} %in, %out : f32\n      linalg.yield %s : f32\n    }} -> {T(*rs)}")
    return r


q = linear("%x", D, D, "q")
k = linear("%x", D, D, "k")
val = linear("%x", D, D, "v")
qh, kh, vh = heads(q), heads(k), heads(val)
kT = copy(kh, T(1, H, S, HD), [1, H, HD, S], "#id4", "#kt", PAR4)
qc = copy(qh, T(1, H, S, HD), [1, H, S, HD], "#u4", "#id4", PAR4)
kc = copy(kT, T(1, H, HD, S), [1, H, HD, S], "#u4", "#id4", PAR4)
q3, k3 = v("c"), v("c")
emit(f"    {q3} = tensor.collapse_shape {qc} [[0, 1], [2], [3]] : {T(1, H, S, HD)} into {T(H, S, HD)}")
emit(f"    {k3} = tensor.collapse_shape {kc} [[0, 1], [2], [3]] : {T(1, H, HD, S)} into {T(H, HD, S)}")
e, f, sc = v("e"), v("f"), v("mm")
emit(f"    {e} = tensor.empty() : {T(H, S, S)}")
emit(f"    {f} = linalg.fill ins(%zero : f32) outs({e} : {T(H, S, S)}) -> {T(H, S, S)}")
emit(f"    {sc} = linalg.batch_matmul ins({q3}, {k3} : {T(H, S, HD)}, {T(H, HD, S)}) outs({f} : {T(H, S, S)}) -> {T(H, S, S)}")
sx = v("ex")
emit(f"    {sx} = tensor.expand_shape {sc} [[0, 1], [2], [3]] output_shape [1, {H}, {S}, {S}] : {T(H, S, S)} into {T(1, H, S, S)}")
S4 = [1, H, S, S]
d1 = ew([(sx, T(*S4)), ("%sqrtd", "tensor<f64>")], ["#u4", "#s4"], S4, PAR4,
        ["%t = arith.truncf %a1 : f64 to f32", "%s = arith.divf %a0, %t : f32", "%s"], "#id4")
d2 = ew([(d1, T(*S4)), ("%mask", T(1, 1, 1, S))], ["#u4", "#mask4"], S4, PAR4,
        ["%s = arith.addf %a0, %a1 : f32", "%s"], "#id4")
# torch's max with index (dim=-1, keepdim): two results, the index unused.
R4 = [1, H, S, 1]
e, f, ei, fi, mx = v("e"), v("f"), v("e"), v("f"), v("mx")
emit(f"    {e} = tensor.empty() : {T(*R4)}")
emit(f"    {f} = linalg.fill ins(%ninf : f32) outs({e} : {T(*R4)}) -> {T(*R4)}")
emit(f"    {ei} = tensor.empty() : {T(*R4, t='i64')}")
emit(f"    {fi} = linalg.fill ins(%c0i : i64) outs({ei} : {T(*R4, t='i64')}) -> {T(*R4, t='i64')}")
emit(f"""    {mx}:2 = linalg.generic {{indexing_maps = [#id4, #r4, #r4], iterator_types = {RED4}}} ins({d2} : {T(*S4)}) outs({f}, {fi} : {T(*R4)}, {T(*R4, t='i64')}) {{
    ^bb0(%in: f32, %out: f32, %outi: i64):
      %i = linalg.index 3 : index
      %ii = arith.index_cast %i : index to i64
      %m = arith.maximumf %in, %out : f32
      %c = arith.cmpf ogt, %in, %out : f32
      %s = arith.select %c, %ii, %outi : i64
      linalg.yield %m, %s : f32, i64
    }} -> ({T(*R4)}, {T(*R4, t='i64')})""")
sub = ew([(d2, T(*S4)), (f"{mx}#0", T(*R4))], ["#u4", "#ur4"], S4, PAR4,
         ["%s = arith.subf %a0, %a1 : f32", "%s"], "#id4")
ex_ = ew([(sub, T(*S4))], ["#u4"], S4, PAR4, ["%s = math.exp %a0 : f32", "%s"], "#id4")
sm = rowsum(ex_, S4, "arith.addf", RED4, "#r4", "#id4")
pr = ew([(ex_, T(*S4)), (sm, T(*R4))], ["#u4", "#ur4"], S4, PAR4,
        ["%s = arith.divf %a0, %a1 : f32", "%s"], "#id4")
pc = copy(pr, T(*S4), S4, "#u4", "#id4", PAR4)
vc = copy(vh, T(1, H, S, HD), [1, H, S, HD], "#u4", "#id4", PAR4)
p3, v3 = v("c"), v("c")
emit(f"    {p3} = tensor.collapse_shape {pc} [[0, 1], [2], [3]] : {T(*S4)} into {T(H, S, S)}")
emit(f"    {v3} = tensor.collapse_shape {vc} [[0, 1], [2], [3]] : {T(1, H, S, HD)} into {T(H, S, HD)}")
e, f, pv = v("e"), v("f"), v("mm")
emit(f"    {e} = tensor.empty() : {T(H, S, HD)}")
emit(f"    {f} = linalg.fill ins(%zero : f32) outs({e} : {T(H, S, HD)}) -> {T(H, S, HD)}")
emit(f"    {pv} = linalg.batch_matmul ins({p3}, {v3} : {T(H, S, S)}, {T(H, S, HD)}) outs({f} : {T(H, S, HD)}) -> {T(H, S, HD)}")
px = v("ex")
emit(f"    {px} = tensor.expand_shape {pv} [[0, 1], [2], [3]] output_shape [1, {H}, {S}, {HD}] : {T(H, S, HD)} into {T(1, H, S, HD)}")
mt = copy(px, T(1, H, S, HD), [1, S, H, HD], "#id4", "#heads", PAR4)
mc = v("c")
emit(f"    {mc} = tensor.collapse_shape {mt} [[0], [1], [2, 3]] : {T(1, S, H, HD)} into {T(1, S, D)}")
o = linear(mc, D, D, "o")
res = ew([(o, T(1, S, D)), ("%x", T(1, S, D))], ["#u3", "#u3"], [1, S, D], PAR3,
         ["%s = arith.addf %a0, %a1 : f32", "%s"], "#id3")


def layernorm(x, name):
    emit(f"    %g_{name} = arith.constant {dense([D], 0.5)}")
    emit(f"    %be_{name} = arith.constant {dense([D], 0.1)}")
    S3 = [1, S, D]
    s = rowsum(x, S3, "arith.addf", RED3, "#r3", "#id3")
    R3 = [1, S, 1]
    mean = ew([(s, T(*R3))], ["#u3"], R3, PAR3,
              [f"%n = arith.constant {float(D)} : f32", "%s = arith.divf %a0, %n : f32", "%s"], "#id3")
    c = ew([(x, T(*S3)), (mean, T(*R3))], ["#u3", "#ur3"], S3, PAR3,
           ["%s = arith.subf %a0, %a1 : f32", "%s"], "#id3")
    sq = ew([(c, T(*S3))], ["#u3"], S3, PAR3, ["%s = arith.mulf %a0, %a0 : f32", "%s"], "#id3")
    s2 = rowsum(sq, S3, "arith.addf", RED3, "#r3", "#id3")
    var = ew([(s2, T(*R3))], ["#u3"], R3, PAR3,
             [f"%n = arith.constant {float(D)} : f32", "%s = arith.divf %a0, %n : f32", "%s"], "#id3")
    rs = ew([(var, T(*R3))], ["#u3"], R3, PAR3,
            ["%eps = arith.constant 9.99999996E-13 : f32", "%t = arith.addf %a0, %eps : f32",
             "%s = math.rsqrt %t : f32", "%s"], "#id3")
    y = ew([(c, T(*S3)), (rs, T(*R3))], ["#u3", "#ur3"], S3, PAR3,
           ["%s = arith.mulf %a0, %a1 : f32", "%s"], "#id3")
    y = ew([(y, T(*S3)), (f"%g_{name}", T(D))], ["#u3", "#c3"], S3, PAR3,
           ["%s = arith.mulf %a0, %a1 : f32", "%s"], "#id3")
    return ew([(y, T(*S3)), (f"%be_{name}", T(D))], ["#u3", "#c3"], S3, PAR3,
              ["%s = arith.addf %a0, %a1 : f32", "%s"], "#id3")


h = layernorm(res, "ln1")
up = linear(h, D, F, "up")
gelu = ew([(up, T(1, S, F))], ["#u3"], [1, S, F], PAR3,
          ["%r2 = arith.constant 1.41421354 : f32", "%half = arith.constant 5.000000e-01 : f32",
           "%one = arith.constant 1.000000e+00 : f32", "%d = arith.divf %a0, %r2 : f32",
           "%e = math.erf %d : f32", "%p = arith.addf %e, %one : f32",
           "%m = arith.mulf %a0, %half : f32", "%s = arith.mulf %m, %p : f32", "%s"], "#id3")
down = linear(gelu, F, D, "down")
res2 = ew([(down, T(1, S, D)), (h, T(1, S, D))], ["#u3", "#u3"], [1, S, D], PAR3,
          ["%s = arith.addf %a0, %a1 : f32", "%s"], "#id3")
y = layernorm(res2, "ln2")
emit(f"    return {y} : {T(1, S, D)}\n  }}")

emit(f"""
  func.func @main() {{
    %e = tensor.empty() : {T(1, S, D)}
    %x = linalg.generic {{indexing_maps = [#id3], iterator_types = {PAR3}}} outs(%e : {T(1, S, D)}) {{
    ^bb0(%o: f32):
      %i = linalg.index 1 : index
      %j = linalg.index 2 : index
      %cd = arith.constant {D} : index
      %n = arith.muli %i, %cd : index
      %nj = arith.addi %n, %j : index
      %ni = arith.index_cast %nj : index to i32
      %nf = arith.sitofp %ni : i32 to f32
      %s = math.sin %nf : f32
      %c = arith.constant 0.37 : f32
      %tc = arith.mulf %nf, %c : f32
      %k = math.cos %tc : f32
      %w = arith.addf %s, %k : f32
      linalg.yield %w : f32
    }} -> {T(1, S, D)}
    %y = call @forward(%x) : ({T(1, S, D)}) -> {T(1, S, D)}
    %yc = tensor.collapse_shape %y [[0, 1, 2]] : {T(1, S, D)} into {T(S * D)}
    %m = bufferization.to_buffer %yc : {T(S * D)} to memref<{S * D}xf32>
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %cn = arith.constant {S * D} : index
    %basis = arith.constant -2128831035 : i32
    %prime = arith.constant 16777619 : i32
    %h = scf.for %r = %c0 to %cn step %c1 iter_args(%acc = %basis) -> i32 {{
      %f = memref.load %m[%r] : memref<{S * D}xf32>
      %b = arith.bitcast %f : f32 to i32
      %t = arith.xori %acc, %b : i32
      %u = arith.muli %t, %prime : i32
      scf.yield %u : i32
    }}
    vector.print str "torch layer output hash: "
    vector.print %h : i32
    %v0 = tensor.extract %y[%c0, %c0, %c0] : {T(1, S, D)}
    vector.print str "torch layer output [0, 0, 0]: "
    vector.print %v0 : f32
    return
  }}
}}""")
open(a.output, "w").write("\n".join(out) + "\n")
