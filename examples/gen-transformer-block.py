#!/usr/bin/env python3
"""Writes a transformer decoder block as linalg-on-tensors IR (the demo model).

The block: RMSNorm -> Q/K/V projections -> multi-head softmax attention ->
O projection -> residual -> RMSNorm -> SwiGLU MLP (gate, up, down) ->
residual. Weights are seeded Gaussian `dense<>` constants (what a frontend
emits for a model with inlined weights). Two copies of the block are written:
@block (to be quantized) and @block_ref (its contractions carry locations
"ref.*", so `qf-quantize-model="exclude=ref"` keeps it in f32); @main runs both
on a generated input, prints the relative RMS error of the quantized output
and the time of each.

With --outliers the weights are heavy-tailed (Student t with 3 degrees of
freedom, scaled to the same variance) and a few input channels carry
activations 12x larger than the rest, as trained LLMs have (the data on
which Hadamard rotations pay, docs/numerics.md 11; `scripts/demo.sh --rotate`).

--layers L stacks L copies of the block (same weights) in each function.
--qf-matmul writes the projections of @block as f32 `qf.matmul` (weights
[in, out]) instead of linalg.matmul, so that qf-insert-hadamard can rotate the
unquantized model (executed f32 equivalence tests; @block_ref stays linalg).
--input-offset N shifts the generated input sequence by N elements: other
tokens from the same generator (held-back tokens for calibration tests).
--calib-runs R writes a calibration @main instead: @block over R consecutive
windows of S tokens from the input offset (same shapes as the evaluated
block, so attention statistics match), printing nothing.
--eval-runs R writes an evaluation @main instead: @block and @block_ref over
R consecutive windows of S tokens from the input offset, printing the
relative RMS error over all of them (no timing; e.g. measuring each
contraction's output gain on calibration tokens, docs/mixed-formats.md).
--ref-kernels writes every contraction of @block_ref (projections and the
attention's batched products) as f32 `qf.matmul`, so that the f32
reference runs them through qf's vectorized GEMM kernels (a tuned f32
baseline for the demo's timing) instead of linalg loops.

usage: gen-transformer-block.py [--seq S] [--dim D] [--heads H] [--ffn F]
                                [--seed N] [--reps R] [--outliers]
                                [--layers L] [--qf-matmul] [--ref-kernels]
                                [--input-offset N] [--calib-runs R]
                                [--eval-runs R] -o OUT.mlir
"""
import argparse
import math
import random
import re


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seq", type=int, default=16)
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--ffn", type=int, default=256)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--outliers", action="store_true")
    ap.add_argument("--layers", type=int, default=1)
    ap.add_argument("--qf-matmul", action="store_true")
    ap.add_argument("--ref-kernels", action="store_true")
    ap.add_argument("--input-offset", type=int, default=0)
    ap.add_argument("--calib-runs", type=int, default=0)
    ap.add_argument("--eval-runs", type=int, default=0)
    ap.add_argument("-o", required=True)
    a = ap.parse_args()
    S, D, H, F = a.seq, a.dim, a.heads, a.ffn
    if D % H:
        raise SystemExit("dim must be a multiple of heads")
    if a.calib_runs and a.eval_runs:
        raise SystemExit("--calib-runs and --eval-runs exclude each other")
    dh = D // H
    rng = random.Random(a.seed)

    def sample():
        if not a.outliers:
            return rng.gauss(0, 1)
        # t(3) / sqrt(3): heavy tails, unit variance.
        z = [rng.gauss(0, 1) for _ in range(4)]
        return z[0] / math.sqrt((z[1] ** 2 + z[2] ** 2 + z[3] ** 2) / 3) / math.sqrt(3)

    def dense(rows, cols, scale):
        return "dense<[" + ", ".join(
            "[" + ", ".join("%.5g" % (sample() * scale) for _ in range(cols)) + "]"
            for _ in range(rows)) + "]>"

    def vec(n, mean, scale):
        return "dense<[" + ", ".join("%.5g" % (mean + rng.gauss(0, 1) * scale)
                                     for _ in range(n)) + "]>"

    # Weights in the frontend layout [in, out]; a few outlier columns in the
    # projections, as trained transformers have.
    W = {
        "wq": dense(D, D, 1 / math.sqrt(D)), "wk": dense(D, D, 1 / math.sqrt(D)),
        "wv": dense(D, D, 1 / math.sqrt(D)), "wo": dense(D, D, 1 / math.sqrt(D)),
        "wg": dense(D, F, 1 / math.sqrt(D)), "wu": dense(D, F, 1 / math.sqrt(D)),
        "wd": dense(F, D, 1 / math.sqrt(F)),
        "g1": vec(D, 1.0, 0.1), "g2": vec(D, 1.0, 0.1),
    }
    t = lambda *dims: "tensor<%sxf32>" % "x".join(str(d) for d in dims)
    par2 = '["parallel", "parallel"]'
    id2 = "affine_map<(i, j) -> (i, j)>"

    def block(name, tag):
        loc = (lambda n: ' loc("%s.%s")' % (tag, n)) if tag else (lambda n: "")
        L = []
        e = L.append
        e("func.func @%s(%%x: %s) -> %s {" % (name, t(S, D), t(S, D)))
        e("  %zero = arith.constant 0.0 : f32")
        for k in ("wq", "wk", "wv", "wo"):
            e("  %%%s = arith.constant %s : %s" % (k, W[k], t(D, D)))
        e("  %%wg = arith.constant %s : %s" % (W["wg"], t(D, F)))
        e("  %%wu = arith.constant %s : %s" % (W["wu"], t(D, F)))
        e("  %%wd = arith.constant %s : %s" % (W["wd"], t(F, D)))
        e("  %%g1 = arith.constant %s : %s" % (W["g1"], t(D)))
        e("  %%g2 = arith.constant %s : %s" % (W["g2"], t(D)))

        def rmsnorm(out, inp, gamma):
            e("  %%%s_e = tensor.empty() : %s" % (out, t(S)))
            e("  %%%s_z = linalg.fill ins(%%zero : f32) outs(%%%s_e : %s) -> %s" % (out, out, t(S), t(S)))
            e("  %%%s_ss = linalg.generic {indexing_maps = [%s, affine_map<(i, j) -> (i)>], "
              "iterator_types = [\"parallel\", \"reduction\"]} ins(%%%s : %s) outs(%%%s_z : %s) {"
              % (out, id2, inp, t(S, D), out, t(S)))
            e("  ^bb0(%v: f32, %acc: f32):")
            e("    %sq = arith.mulf %v, %v : f32")
            e("    %s = arith.addf %acc, %sq : f32")
            e("    linalg.yield %s : f32")
            e("  } -> %s" % t(S))
            e("  %%%s_o = tensor.empty() : %s" % (out, t(S, D)))
            e("  %%%s = linalg.generic {indexing_maps = [%s, affine_map<(i, j) -> (i)>, "
              "affine_map<(i, j) -> (j)>, %s], iterator_types = %s} "
              "ins(%%%s, %%%s_ss, %%%s : %s, %s, %s) outs(%%%s_o : %s) {"
              % (out, id2, id2, par2, inp, out, gamma, t(S, D), t(S), t(D), out, t(S, D)))
            e("  ^bb0(%v: f32, %ss: f32, %g: f32, %o: f32):")
            e("    %%n = arith.constant %s : f32" % float(D))
            e("    %eps = arith.constant 1.0e-5 : f32")
            e("    %m = arith.divf %ss, %n : f32")
            e("    %me = arith.addf %m, %eps : f32")
            e("    %r = math.rsqrt %me : f32")
            e("    %vn = arith.mulf %v, %r : f32")
            e("    %y = arith.mulf %vn, %g : f32")
            e("    linalg.yield %y : f32")
            e("  } -> %s" % t(S, D))

        def matmul(out, lhs, rhs, m, k, n, what):
            e("  %%%s_e = tensor.empty() : %s" % (out, t(m, n)))
            if (a.qf_matmul and not tag) or (a.ref_kernels and tag):
                e("  %%%s = qf.matmul %%%s, %%%s : %s, %s -> %s%s"
                  % (out, lhs, rhs, t(m, k), t(k, n), t(m, n), loc(what)))
                return
            e("  %%%s_z = linalg.fill ins(%%zero : f32) outs(%%%s_e : %s) -> %s" % (out, out, t(m, n), t(m, n)))
            e("  %%%s = linalg.matmul ins(%%%s, %%%s : %s, %s) outs(%%%s_z : %s) -> %s%s"
              % (out, lhs, rhs, t(m, k), t(k, n), out, t(m, n), t(m, n), loc(what)))

        def bmm(out, lhs, rhs, ls, rs, os_, what):  # per-head products
            if a.ref_kernels and tag:
                e("  %%%s = qf.matmul %%%s, %%%s : %s, %s -> %s%s"
                  % (out, lhs, rhs, t(*ls), t(*rs), t(*os_), loc(what)))
                return
            e("  %%%s_e = tensor.empty() : %s" % (out, t(*os_)))
            e("  %%%s_z = linalg.fill ins(%%zero : f32) outs(%%%s_e : %s) -> %s" % (out, out, t(*os_), t(*os_)))
            e("  %%%s = linalg.batch_matmul ins(%%%s, %%%s : %s, %s) outs(%%%s_z : %s) -> %s%s"
              % (out, lhs, rhs, t(*ls), t(*rs), out, t(*os_), t(*os_), loc(what)))

        def heads(out, inp):  # [S, D] -> [H, S, dh]
            e("  %%%s_x = tensor.expand_shape %%%s [[0], [1, 2]] output_shape [%d, %d, %d] : %s into %s"
              % (out, inp, S, H, dh, t(S, D), t(S, H, dh)))
            e("  %%%s_e = tensor.empty() : %s" % (out, t(H, S, dh)))
            e("  %%%s = linalg.transpose ins(%%%s_x : %s) outs(%%%s_e : %s) permutation = [1, 0, 2]"
              % (out, out, t(S, H, dh), out, t(H, S, dh)))

        rmsnorm("n1", "x", "g1")
        matmul("qp", "n1", "wq", S, D, D, "q_proj")
        matmul("kp", "n1", "wk", S, D, D, "k_proj")
        matmul("vp", "n1", "wv", S, D, D, "v_proj")
        heads("qh", "qp")
        heads("vh", "vp")
        # K^T per head: [S, D] -> [S, H, dh] -> [H, dh, S]
        e("  %%kh_x = tensor.expand_shape %%kp [[0], [1, 2]] output_shape [%d, %d, %d] : %s into %s"
          % (S, H, dh, t(S, D), t(S, H, dh)))
        e("  %%kh_e = tensor.empty() : %s" % t(H, dh, S))
        e("  %%kt = linalg.transpose ins(%%kh_x : %s) outs(%%kh_e : %s) permutation = [1, 2, 0]"
          % (t(S, H, dh), t(H, dh, S)))
        bmm("sc", "qh", "kt", (H, S, dh), (H, dh, S), (H, S, S), "scores")
        # Softmax over the last axis of scores / sqrt(dh).
        id3 = "affine_map<(h, i, j) -> (h, i, j)>"
        red3 = "affine_map<(h, i, j) -> (h, i)>"
        e("  %%mx_e = tensor.empty() : %s" % t(H, S))
        e("  %ninf = arith.constant -3.0e38 : f32")
        e("  %%mx_z = linalg.fill ins(%%ninf : f32) outs(%%mx_e : %s) -> %s" % (t(H, S), t(H, S)))
        e("  %%mx = linalg.generic {indexing_maps = [%s, %s], iterator_types = [\"parallel\", \"parallel\", \"reduction\"]} "
          "ins(%%sc : %s) outs(%%mx_z : %s) {" % (id3, red3, t(H, S, S), t(H, S)))
        e("  ^bb0(%v: f32, %acc: f32):")
        e("    %m = arith.maximumf %v, %acc : f32")
        e("    linalg.yield %m : f32")
        e("  } -> %s" % t(H, S))
        e("  %%p_e = tensor.empty() : %s" % t(H, S, S))
        e("  %%p = linalg.generic {indexing_maps = [%s, %s, %s], iterator_types = [\"parallel\", \"parallel\", \"parallel\"]} "
          "ins(%%sc, %%mx : %s, %s) outs(%%p_e : %s) {" % (id3, red3, id3, t(H, S, S), t(H, S), t(H, S, S)))
        e("  ^bb0(%v: f32, %m: f32, %o: f32):")
        e("    %%inv = arith.constant %s : f32" % (1.0 / math.sqrt(dh)))
        e("    %d = arith.subf %v, %m : f32")
        e("    %ds = arith.mulf %d, %inv : f32")
        e("    %ex = math.exp %ds : f32")
        e("    linalg.yield %ex : f32")
        e("  } -> %s" % t(H, S, S))
        e("  %%sum_z = linalg.fill ins(%%zero : f32) outs(%%mx_e : %s) -> %s" % (t(H, S), t(H, S)))
        e("  %%sum = linalg.generic {indexing_maps = [%s, %s], iterator_types = [\"parallel\", \"parallel\", \"reduction\"]} "
          "ins(%%p : %s) outs(%%sum_z : %s) {" % (id3, red3, t(H, S, S), t(H, S)))
        e("  ^bb0(%v: f32, %acc: f32):")
        e("    %s = arith.addf %v, %acc : f32")
        e("    linalg.yield %s : f32")
        e("  } -> %s" % t(H, S))
        e("  %%a = linalg.generic {indexing_maps = [%s, %s, %s], iterator_types = [\"parallel\", \"parallel\", \"parallel\"]} "
          "ins(%%p, %%sum : %s, %s) outs(%%p_e : %s) {" % (id3, red3, id3, t(H, S, S), t(H, S), t(H, S, S)))
        e("  ^bb0(%v: f32, %s: f32, %o: f32):")
        e("    %r = arith.divf %v, %s : f32")
        e("    linalg.yield %r : f32")
        e("  } -> %s" % t(H, S, S))
        bmm("ao", "a", "vh", (H, S, S), (H, S, dh), (H, S, dh), "attn_v")
        e("  %%at_e = tensor.empty() : %s" % t(S, H, dh))
        e("  %%at = linalg.transpose ins(%%ao : %s) outs(%%at_e : %s) permutation = [1, 0, 2]"
          % (t(H, S, dh), t(S, H, dh)))
        e("  %%attn = tensor.collapse_shape %%at [[0], [1, 2]] : %s into %s" % (t(S, H, dh), t(S, D)))
        matmul("op", "attn", "wo", S, D, D, "o_proj")

        def add(out, x, y, shape):
            e("  %%%s_e = tensor.empty() : %s" % (out, t(*shape)))
            e("  %%%s = linalg.add ins(%%%s, %%%s : %s, %s) outs(%%%s_e : %s) -> %s"
              % (out, x, y, t(*shape), t(*shape), out, t(*shape), t(*shape)))

        add("x1", "x", "op", (S, D))
        rmsnorm("n2", "x1", "g2")
        matmul("gate", "n2", "wg", S, D, F, "gate_proj")
        matmul("up", "n2", "wu", S, D, F, "up_proj")
        e("  %%h_e = tensor.empty() : %s" % t(S, F))
        e("  %%h = linalg.generic {indexing_maps = [%s, %s, %s], iterator_types = %s} "
          "ins(%%gate, %%up : %s, %s) outs(%%h_e : %s) {" % (id2, id2, id2, par2, t(S, F), t(S, F), t(S, F)))
        e("  ^bb0(%g: f32, %u: f32, %o: f32):")
        e("    %ng = arith.negf %g : f32")
        e("    %ex = math.exp %ng : f32")
        e("    %one = arith.constant 1.0 : f32")
        e("    %den = arith.addf %one, %ex : f32")
        e("    %silu = arith.divf %g, %den : f32")
        e("    %y = arith.mulf %silu, %u : f32")
        e("    linalg.yield %y : f32")
        e("  } -> %s" % t(S, F))
        matmul("down", "h", "wd", S, F, D, "down_proj")
        add("x2", "x1", "down", (S, D))
        # Stacked layers: layer l > 0 repeats the body with its names
        # prefixed, reading the previous layer's output.
        body, out = L[1:], "x2"
        for l in range(1, a.layers):
            def ren(m, l=l):
                n = m.group(1)
                if n == "x":
                    return "%" + (out if l == 1 else "l%d_x2" % (l - 1))
                return "%%l%d_%s" % (l, n)
            L.extend(re.sub(r"%([A-Za-z_]\w*)", ren, line) for line in body)
        last = "x2" if a.layers == 1 else "l%d_x2" % (a.layers - 1)
        e("  return %%%s : %s" % (last, t(S, D)))
        e("}")
        return "\n".join(L)

    main_fn = """
func.func private @nanoTime() -> i64 attributes {llvm.emit_c_interface}

func.func @input_at(%off: index) -> TSD {
  %e = tensor.empty() : TSD
  %x = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} outs(%e : TSD) {
  ^bb0(%o: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %cd = arith.constant DIM : index
    %n = arith.muli %i, %cd : index
    %nj0 = arith.addi %n, %j : index
    %nj = arith.addi %nj0, %off : index
    %ni = arith.index_cast %nj : index to i32
    %nf = arith.sitofp %ni : i32 to f32
    %s = math.sin %nf : f32
    %c = arith.constant 0.37 : f32
    %nc = arith.mulf %nf, %c : f32
    %t = math.cos %nc : f32
    %v = arith.addf %s, %t : f32
OUTLIERS    linalg.yield %v : f32
  } -> TSD
  return %x : TSD
}

func.func @input() -> TSD {
  %off = arith.constant OFFSET : index
  %x = call @input_at(%off) : (index) -> TSD
  return %x : TSD
}

func.func @main() {
  %x = call @input() : () -> TSD
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %reps = arith.constant REPS : index
  %yq = call @block(%x) : (TSD) -> TSD
  %yf = call @block_ref(%x) : (TSD) -> TSD
  %t0 = call @nanoTime() : () -> i64
  scf.for %i = %c0 to %reps step %c1 {
    %y = func.call @block(%x) : (TSD) -> TSD
  }
  %t1 = call @nanoTime() : () -> i64
  scf.for %i = %c0 to %reps step %c1 {
    %y = func.call @block_ref(%x) : (TSD) -> TSD
  }
  %t2 = call @nanoTime() : () -> i64
  %mq = bufferization.to_buffer %yq : TSD to MSD
  %mf = bufferization.to_buffer %yf : TSD to MSD
  %cs = arith.constant SEQ : index
  %cd = arith.constant DIM : index
  %z = arith.constant 0.0 : f32
  %sums:2 = scf.for %i = %c0 to %cs step %c1 iter_args(%se = %z, %sr = %z) -> (f32, f32) {
    %in:2 = scf.for %j = %c0 to %cd step %c1 iter_args(%e2 = %se, %r2 = %sr) -> (f32, f32) {
      %a = memref.load %mq[%i, %j] : MSD
      %b = memref.load %mf[%i, %j] : MSD
      %d = arith.subf %a, %b : f32
      %dd = arith.mulf %d, %d : f32
      %bb = arith.mulf %b, %b : f32
      %ne = arith.addf %e2, %dd : f32
      %nr = arith.addf %r2, %bb : f32
      scf.yield %ne, %nr : f32, f32
    }
    scf.yield %in#0, %in#1 : f32, f32
  }
  %ratio = arith.divf %sums#0, %sums#1 : f32
  %rel = math.sqrt %ratio : f32
  vector.print str "output relative RMS error (quantized vs f32): "
  vector.print %rel : f32
  %dq = arith.subi %t1, %t0 : i64
  %df = arith.subi %t2, %t1 : i64
  %r64 = arith.index_cast %reps : index to i64
  %uq = arith.divui %dq, %r64 : i64
  %uf = arith.divui %df, %r64 : i64
  vector.print str "time per block, quantized (ns): "
  vector.print %uq : i64
  vector.print str "time per block, f32 (ns):       "
  vector.print %uf : i64
  return
}
""".replace("OUTLIERS", """    %c61 = arith.constant 61 : index
    %c7 = arith.constant 7 : index
    %jm = arith.remui %j, %c61 : index
    %isout = arith.cmpi eq, %jm, %c7 : index
    %big = arith.constant 12.0 : f32
    %one = arith.constant 1.0 : f32
    %f = arith.select %isout, %big, %one : f32
    %v = arith.mulf %v0, %f : f32
""" if a.outliers else "").replace("%v = arith.addf %s, %t" if a.outliers else "@@", "%v0 = arith.addf %s, %t").replace("TSD", t(S, D)).replace("MSD", "memref<%dx%dxf32>" % (S, D)).replace(
        "DIM", str(D)).replace("SEQ", str(S)).replace("OFFSET", str(a.input_offset)).replace("REPS", str(a.reps))

    if a.calib_runs:
        # Calibration: @block over calib_runs consecutive windows of S
        # tokens from the input offset, nothing printed.
        main_fn = main_fn[:main_fn.index("func.func @main()")] + """func.func @main() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %runs = arith.constant RUNS : index
  %stride = arith.constant STRIDE : index
  %base = arith.constant OFFSET : index
  scf.for %r = %c0 to %runs step %c1 {
    %rs = arith.muli %r, %stride : index
    %off = arith.addi %base, %rs : index
    %x = func.call @input_at(%off) : (index) -> TSD
    %y = func.call @block(%x) : (TSD) -> TSD
  }
  return
}
""".replace("RUNS", str(a.calib_runs)).replace("STRIDE", str(S * D)).replace(
            "OFFSET", str(a.input_offset)).replace("TSD", t(S, D))
    if a.eval_runs:
        # Evaluation: the error summed over eval_runs windows, then printed
        # as @main prints it for one window.
        main_fn = main_fn[:main_fn.index("func.func @main()")] + """func.func @main() {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %runs = arith.constant RUNS : index
  %stride = arith.constant STRIDE : index
  %base = arith.constant OFFSET : index
  %cs = arith.constant SEQ : index
  %cd = arith.constant DIM : index
  %z = arith.constant 0.0 : f32
  %tot:2 = scf.for %r = %c0 to %runs step %c1 iter_args(%te = %z, %tr = %z) -> (f32, f32) {
    %rs = arith.muli %r, %stride : index
    %off = arith.addi %base, %rs : index
    %x = func.call @input_at(%off) : (index) -> TSD
    %yq = func.call @block(%x) : (TSD) -> TSD
    %yf = func.call @block_ref(%x) : (TSD) -> TSD
    %mq = bufferization.to_buffer %yq : TSD to MSD
    %mf = bufferization.to_buffer %yf : TSD to MSD
    %sums:2 = scf.for %i = %c0 to %cs step %c1 iter_args(%se = %te, %sr = %tr) -> (f32, f32) {
      %in:2 = scf.for %j = %c0 to %cd step %c1 iter_args(%e2 = %se, %r2 = %sr) -> (f32, f32) {
        %a = memref.load %mq[%i, %j] : MSD
        %b = memref.load %mf[%i, %j] : MSD
        %d = arith.subf %a, %b : f32
        %dd = arith.mulf %d, %d : f32
        %bb = arith.mulf %b, %b : f32
        %ne = arith.addf %e2, %dd : f32
        %nr = arith.addf %r2, %bb : f32
        scf.yield %ne, %nr : f32, f32
      }
      scf.yield %in#0, %in#1 : f32, f32
    }
    scf.yield %sums#0, %sums#1 : f32, f32
  }
  %ratio = arith.divf %tot#0, %tot#1 : f32
  %rel = math.sqrt %ratio : f32
  vector.print str "output relative RMS error (quantized vs f32): "
  vector.print %rel : f32
  return
}
""".replace("RUNS", str(a.eval_runs)).replace("STRIDE", str(S * D)).replace(
            "OFFSET", str(a.input_offset)).replace("TSD", t(S, D)).replace(
            "MSD", "memref<%dx%dxf32>" % (S, D)).replace("SEQ", str(S)).replace(
            "DIM", str(D))
    with open(a.o, "w") as f:
        f.write("// GENERATED by examples/gen-transformer-block.py --seq %d --dim %d --heads %d --ffn %d --seed %d%s%s%s%s%s%s%s\n"
                % (S, D, H, F, a.seed, " --outliers" if a.outliers else "",
                   " --layers %d" % a.layers if a.layers != 1 else "",
                   " --qf-matmul" if a.qf_matmul else "",
                   " --ref-kernels" if a.ref_kernels else "",
                   " --input-offset %d" % a.input_offset if a.input_offset else "",
                   " --calib-runs %d" % a.calib_runs if a.calib_runs else "",
                   " --eval-runs %d" % a.eval_runs if a.eval_runs else ""))
        # Both copies use the same weight constants.
        f.write(block("block", "") + "\n\n" + block("block_ref", "ref") + "\n" + main_fn)


if __name__ == "__main__":
    main()
