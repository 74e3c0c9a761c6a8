#!/usr/bin/env python3
"""Writes an N-layer decoder-only LLM forward pass as linalg-on-tensors IR.

The compile-time benchmark's model (bench/compile-time.sh,
docs/performance.md "Compile time at LLM scale"). It is written the way
torch-mlir / TOSA->linalg lower a Llama-style model, not as a runnable demo:

  embeddings x [S, D] -> L x { RMSNorm -> Q, K, V projections -> rotary
  embedding (rotate-half on slices, tensor.insert_slice) -> per-head scores
  (batch_matmul) -> scale, causal mask, softmax (max / exp / sum / div
  generics) -> P x V (batch_matmul) -> O projection -> residual -> RMSNorm
  -> SwiGLU MLP (gate, up, down) -> residual } -> RMSNorm -> lm_head.

Every layer has 9 contractions (7 projections, scores, P x V); with the
lm_head a model has 9 L + 1 (32 layers: 289, the prefill graph of the
issue). Rotary cos/sin are computed once from the positions as elementwise
`math.cos` / `math.sin` / `arith.mulf` on whole tensors (what frontends
write; qf-cpu-pipeline turns them into linalg first) and shared by the
layers.

--seq S: tokens of this call (prefill, e.g. 128; decode: 1). --ctx C: with
--seq 1 (decode), each layer also takes its K and V caches [H, C, dh] as
arguments and attends over C + 1 positions; prefill attends causally over
its own S tokens.

Weights (--weights): `args` (default) passes every weight as a function
argument in the PyTorch layout [out, in], used through `linalg.transpose`
(qf-quantize-model quantizes them at run time, one quantize per weight and
call); `constants` writes them as `dense_resource` blobs of seeded random
f32 (torch-mlir's form for inlined weights; qf-quantize-model quantizes
them at compile time into `qf.constant`). Constants cost 4 bytes per weight
in the file and in every tool, so use small sizes with them (e.g. --dim 64
--heads 2 --ffn 128 --vocab 256: 32 layers are 11 MB of hex); at LLM sizes
(dim 2048, ffn 8192, 32 layers: 2.2 G weights) only `args` is affordable.

usage: gen-llm-model.py [--layers L] [--seq S] [--ctx C] [--dim D]
                        [--heads H] [--ffn F] [--vocab V]
                        [--weights args|constants] [--seed N] -o OUT.mlir
"""
import argparse
import random
import struct


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--layers", type=int, default=32)
    ap.add_argument("--seq", type=int, default=128)
    ap.add_argument("--ctx", type=int, default=128)
    ap.add_argument("--dim", type=int, default=2048)
    ap.add_argument("--heads", type=int, default=32)
    ap.add_argument("--ffn", type=int, default=8192)
    ap.add_argument("--vocab", type=int, default=32000)
    ap.add_argument("--weights", choices=["args", "constants"], default="args")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-o", required=True)
    a = ap.parse_args()
    S, D, H, F, V, L = a.seq, a.dim, a.heads, a.ffn, a.vocab, a.layers
    if D % H or (D // H) % 2:
        raise SystemExit("dim must be a multiple of heads with an even head size")
    dh = D // H
    half = dh // 2
    decode = S == 1
    T = a.ctx + 1 if decode else S  # attended positions
    rng = random.Random(a.seed)

    t = lambda *dims: "tensor<%sxf32>" % "x".join(str(d) for d in dims)
    args = ["%%x: %s" % t(S, D), "%%pos: %s" % t(S, 1)]
    consts = []     # lines in the function before the layers
    blobs = []      # (name, hex) for dialect_resources

    def weight(name, *shape):
        """A weight [out, in] or a gamma [D]: an argument or a constant."""
        if a.weights == "args":
            args.append("%%%s: %s" % (name, t(*shape)))
            return
        n = 1
        for d in shape:
            n *= d
        scale = 1.0 if len(shape) == 1 else 1.0 / shape[-1] ** 0.5
        data = struct.pack("<I", 4) + struct.pack(
            "<%df" % n, *((1.0 + 0.1 * rng.gauss(0, 1)) if len(shape) == 1
                          else rng.gauss(0, scale) for _ in range(n)))
        blobs.append((name, data.hex()))
        consts.append("  %%%s = arith.constant dense_resource<%s> : %s"
                      % (name, name, t(*shape)))

    lines = []
    e = lines.append
    e("  %zero = arith.constant 0.0 : f32")
    e("  %ninf = arith.constant -3.0e38 : f32")
    id2 = "affine_map<(i, j) -> (i, j)>"
    row2 = "affine_map<(i, j) -> (i)>"
    col2 = "affine_map<(i, j) -> (j)>"
    par2 = '["parallel", "parallel"]'
    id3 = "affine_map<(h, i, j) -> (h, i, j)>"
    red3 = "affine_map<(h, i, j) -> (h, i)>"
    par3 = '["parallel", "parallel", "parallel"]'
    rd3 = '["parallel", "parallel", "reduction"]'

    # Rotary tables, once: angle[s, j] = pos[s] * inv_freq[j], as elementwise
    # math on tensors (broadcast by linalg.broadcast, as TOSA->linalg does).
    inv = ", ".join("%.9e" % (10000.0 ** (-2.0 * j / dh)) for j in range(half))
    e("  %%invf = arith.constant dense<[%s]> : %s" % (inv, t(half)))
    e("  %%invb_e = tensor.empty() : %s" % t(S, half))
    e("  %%invb = linalg.broadcast ins(%%invf : %s) outs(%%invb_e : %s) dimensions = [0]"
      % (t(half), t(S, half)))
    e("  %%posc = tensor.collapse_shape %%pos [[0, 1]] : %s into %s" % (t(S, 1), t(S)))
    e("  %%posb_e = tensor.empty() : %s" % t(S, half))
    e("  %%posb = linalg.broadcast ins(%%posc : %s) outs(%%posb_e : %s) dimensions = [1]"
      % (t(S), t(S, half)))
    e("  %%ang = arith.mulf %%posb, %%invb : %s" % t(S, half))
    e("  %%cos = math.cos %%ang : %s" % t(S, half))
    e("  %%sin = math.sin %%ang : %s" % t(S, half))

    def rmsnorm(out, inp, gamma, rows):
        e("  %%%s_e = tensor.empty() : %s" % (out, t(rows)))
        e("  %%%s_z = linalg.fill ins(%%zero : f32) outs(%%%s_e : %s) -> %s"
          % (out, out, t(rows), t(rows)))
        e("  %%%s_ss = linalg.generic {indexing_maps = [%s, %s], iterator_types = "
          "[\"parallel\", \"reduction\"]} ins(%%%s : %s) outs(%%%s_z : %s) {"
          % (out, id2, row2, inp, t(rows, D), out, t(rows)))
        e("  ^bb0(%v: f32, %acc: f32):")
        e("    %sq = arith.mulf %v, %v : f32")
        e("    %s = arith.addf %acc, %sq : f32")
        e("    linalg.yield %s : f32")
        e("  } -> %s" % t(rows))
        e("  %%%s_o = tensor.empty() : %s" % (out, t(rows, D)))
        e("  %%%s = linalg.generic {indexing_maps = [%s, %s, %s, %s], iterator_types = %s} "
          "ins(%%%s, %%%s_ss, %%%s : %s, %s, %s) outs(%%%s_o : %s) {"
          % (out, id2, row2, col2, id2, par2, inp, out, gamma, t(rows, D), t(rows),
             t(D), out, t(rows, D)))
        e("  ^bb0(%v: f32, %ss: f32, %g: f32, %o: f32):")
        e("    %%n = arith.constant %s : f32" % float(D))
        e("    %eps = arith.constant 1.0e-5 : f32")
        e("    %m = arith.divf %ss, %n : f32")
        e("    %me = arith.addf %m, %eps : f32")
        e("    %r = math.rsqrt %me : f32")
        e("    %vn = arith.mulf %v, %r : f32")
        e("    %y = arith.mulf %vn, %g : f32")
        e("    linalg.yield %y : f32")
        e("  } -> %s" % t(rows, D))

    def linear(out, inp, w, k, n):
        """x[S, k] @ w[n, k]^T, the weight transposed as torch-mlir does."""
        e("  %%%s_te = tensor.empty() : %s" % (out, t(k, n)))
        e("  %%%s_t = linalg.transpose ins(%%%s : %s) outs(%%%s_te : %s) permutation = [1, 0]"
          % (out, w, t(n, k), out, t(k, n)))
        e("  %%%s_e = tensor.empty() : %s" % (out, t(S, n)))
        e("  %%%s_z = linalg.fill ins(%%zero : f32) outs(%%%s_e : %s) -> %s"
          % (out, out, t(S, n), t(S, n)))
        e("  %%%s = linalg.matmul ins(%%%s, %%%s_t : %s, %s) outs(%%%s_z : %s) -> %s"
          % (out, inp, out, t(S, k), t(k, n), out, t(S, n), t(S, n)))

    def heads(out, inp):  # [S, D] -> [H, S, dh]
        e("  %%%s_x = tensor.expand_shape %%%s [[0], [1, 2]] output_shape [%d, %d, %d] : %s into %s"
          % (out, inp, S, H, dh, t(S, D), t(S, H, dh)))
        e("  %%%s_e = tensor.empty() : %s" % (out, t(H, S, dh)))
        e("  %%%s = linalg.transpose ins(%%%s_x : %s) outs(%%%s_e : %s) permutation = [1, 0, 2]"
          % (out, out, t(S, H, dh), out, t(H, S, dh)))

    def rope(out, inp):  # rotate-half on [H, S, dh] with cos/sin [S, half]
        cs = "affine_map<(h, i, j) -> (i, j)>"
        e("  %%%s_1 = tensor.extract_slice %%%s[0, 0, 0] [%d, %d, %d] [1, 1, 1] : %s to %s"
          % (out, inp, H, S, half, t(H, S, dh), t(H, S, half)))
        e("  %%%s_2 = tensor.extract_slice %%%s[0, 0, %d] [%d, %d, %d] [1, 1, 1] : %s to %s"
          % (out, inp, half, H, S, half, t(H, S, dh), t(H, S, half)))
        for part, (p, q, op) in (("a", ("1", "2", "subf")), ("b", ("2", "1", "addf"))):
            e("  %%%s_%se = tensor.empty() : %s" % (out, part, t(H, S, half)))
            e("  %%%s_%s = linalg.generic {indexing_maps = [%s, %s, %s, %s, %s], iterator_types = %s} "
              "ins(%%%s_%s, %%%s_%s, %%cos, %%sin : %s, %s, %s, %s) outs(%%%s_%se : %s) {"
              % (out, part, id3, id3, cs, cs, id3, par3, out, p, out, q,
                 t(H, S, half), t(H, S, half), t(S, half), t(S, half), out, part,
                 t(H, S, half)))
            e("  ^bb0(%u: f32, %w: f32, %c: f32, %s: f32, %o: f32):")
            e("    %uc = arith.mulf %u, %c : f32")
            e("    %ws = arith.mulf %w, %s : f32")
            e("    %%r = arith.%s %%uc, %%ws : f32" % op)
            e("    linalg.yield %r : f32")
            e("  } -> %s" % t(H, S, half))
        e("  %%%s_e = tensor.empty() : %s" % (out, t(H, S, dh)))
        e("  %%%s_i = tensor.insert_slice %%%s_a into %%%s_e[0, 0, 0] [%d, %d, %d] [1, 1, 1] : %s into %s"
          % (out, out, out, H, S, half, t(H, S, half), t(H, S, dh)))
        e("  %%%s = tensor.insert_slice %%%s_b into %%%s_i[0, 0, %d] [%d, %d, %d] [1, 1, 1] : %s into %s"
          % (out, out, out, half, H, S, half, t(H, S, half), t(H, S, dh)))

    def bmm(out, lhs, rhs, ls, rs, os_):
        e("  %%%s_e = tensor.empty() : %s" % (out, t(*os_)))
        e("  %%%s_z = linalg.fill ins(%%zero : f32) outs(%%%s_e : %s) -> %s"
          % (out, out, t(*os_), t(*os_)))
        e("  %%%s = linalg.batch_matmul ins(%%%s, %%%s : %s, %s) outs(%%%s_z : %s) -> %s"
          % (out, lhs, rhs, t(*ls), t(*rs), out, t(*os_), t(*os_)))

    def add(out, x, y):
        e("  %%%s_e = tensor.empty() : %s" % (out, t(S, D)))
        e("  %%%s = linalg.add ins(%%%s, %%%s : %s, %s) outs(%%%s_e : %s) -> %s"
          % (out, x, y, t(S, D), t(S, D), out, t(S, D), t(S, D)))

    x = "x"
    for l in range(L):
        p = "l%d_" % l
        for w, shape in (("wq", (D, D)), ("wk", (D, D)), ("wv", (D, D)), ("wo", (D, D)),
                         ("wg", (F, D)), ("wu", (F, D)), ("wd", (D, F)),
                         ("g1", (D,)), ("g2", (D,))):
            weight(p + w, *shape)
        if decode:
            args.append("%%%skc: %s" % (p, t(H, a.ctx, dh)))
            args.append("%%%svc: %s" % (p, t(H, a.ctx, dh)))
        rmsnorm(p + "n1", x, p + "g1", S)
        linear(p + "q", p + "n1", p + "wq", D, D)
        linear(p + "k", p + "n1", p + "wk", D, D)
        linear(p + "v", p + "n1", p + "wv", D, D)
        heads(p + "qh", p + "q")
        heads(p + "kh", p + "k")
        heads(p + "vh", p + "v")
        rope(p + "qr", p + "qh")
        rope(p + "kr", p + "kh")
        kk, vv = p + "kr", p + "vh"
        if decode:  # the new token after the cached ones
            for c, new in (("kc", kk), ("vc", vv)):
                e("  %%%s%sa_e = tensor.empty() : %s" % (p, c, t(H, T, dh)))
                e("  %%%s%sa_i = tensor.insert_slice %%%s%s into %%%s%sa_e[0, 0, 0] [%d, %d, %d] [1, 1, 1] : %s into %s"
                  % (p, c, p, c, p, c, H, a.ctx, dh, t(H, a.ctx, dh), t(H, T, dh)))
                e("  %%%s%sa = tensor.insert_slice %%%s into %%%s%sa_i[0, %d, 0] [%d, 1, %d] [1, 1, 1] : %s into %s"
                  % (p, c, new, p, c, a.ctx, H, dh, t(H, 1, dh), t(H, T, dh)))
            kk, vv = p + "kca", p + "vca"
        e("  %%%skt_e = tensor.empty() : %s" % (p, t(H, dh, T)))
        e("  %%%skt = linalg.transpose ins(%%%s : %s) outs(%%%skt_e : %s) permutation = [0, 2, 1]"
          % (p, kk, t(H, T, dh), p, t(H, dh, T)))
        bmm(p + "sc", p + "qr", p + "kt", (H, S, dh), (H, dh, T), (H, S, T))
        # scale + causal mask (prefill: key j > query i masked), then softmax.
        e("  %%%ssm_e = tensor.empty() : %s" % (p, t(H, S, T)))
        e("  %%%ssm = linalg.generic {indexing_maps = [%s, %s], iterator_types = %s} "
          "ins(%%%ssc : %s) outs(%%%ssm_e : %s) {" % (p, id3, id3, par3, p, t(H, S, T), p, t(H, S, T)))
        e("  ^bb0(%v: f32, %o: f32):")
        e("    %%inv = arith.constant %.9e : f32" % (dh ** -0.5))
        if decode:
            e("    %vs = arith.mulf %v, %inv : f32")
        else:
            e("    %vs0 = arith.mulf %v, %inv : f32")
            e("    %i = linalg.index 1 : index")
            e("    %j = linalg.index 2 : index")
            e("    %future = arith.cmpi ugt, %j, %i : index")
            e("    %vs = arith.select %future, %ninf, %vs0 : f32")
        e("    linalg.yield %vs : f32")
        e("  } -> %s" % t(H, S, T))
        e("  %%%smx_e = tensor.empty() : %s" % (p, t(H, S)))
        e("  %%%smx_z = linalg.fill ins(%%ninf : f32) outs(%%%smx_e : %s) -> %s"
          % (p, p, t(H, S), t(H, S)))
        e("  %%%smx = linalg.generic {indexing_maps = [%s, %s], iterator_types = %s} "
          "ins(%%%ssm : %s) outs(%%%smx_z : %s) {" % (p, id3, red3, rd3, p, t(H, S, T), p, t(H, S)))
        e("  ^bb0(%v: f32, %acc: f32):")
        e("    %m = arith.maximumf %v, %acc : f32")
        e("    linalg.yield %m : f32")
        e("  } -> %s" % t(H, S))
        e("  %%%sex = linalg.generic {indexing_maps = [%s, %s, %s], iterator_types = %s} "
          "ins(%%%ssm, %%%smx : %s, %s) outs(%%%ssm_e : %s) {"
          % (p, id3, red3, id3, par3, p, p, t(H, S, T), t(H, S), p, t(H, S, T)))
        e("  ^bb0(%v: f32, %m: f32, %o: f32):")
        e("    %d = arith.subf %v, %m : f32")
        e("    %ex = math.exp %d : f32")
        e("    linalg.yield %ex : f32")
        e("  } -> %s" % t(H, S, T))
        e("  %%%ssum_z = linalg.fill ins(%%zero : f32) outs(%%%smx_e : %s) -> %s"
          % (p, p, t(H, S), t(H, S)))
        e("  %%%ssum = linalg.generic {indexing_maps = [%s, %s], iterator_types = %s} "
          "ins(%%%sex : %s) outs(%%%ssum_z : %s) {" % (p, id3, red3, rd3, p, t(H, S, T), p, t(H, S)))
        e("  ^bb0(%v: f32, %acc: f32):")
        e("    %s = arith.addf %v, %acc : f32")
        e("    linalg.yield %s : f32")
        e("  } -> %s" % t(H, S))
        e("  %%%sp = linalg.generic {indexing_maps = [%s, %s, %s], iterator_types = %s} "
          "ins(%%%sex, %%%ssum : %s, %s) outs(%%%ssm_e : %s) {"
          % (p, id3, red3, id3, par3, p, p, t(H, S, T), t(H, S), p, t(H, S, T)))
        e("  ^bb0(%v: f32, %s: f32, %o: f32):")
        e("    %r = arith.divf %v, %s : f32")
        e("    linalg.yield %r : f32")
        e("  } -> %s" % t(H, S, T))
        bmm(p + "ao", p + "p", vv, (H, S, T), (H, T, dh), (H, S, dh))
        e("  %%%sat_e = tensor.empty() : %s" % (p, t(S, H, dh)))
        e("  %%%sat = linalg.transpose ins(%%%sao : %s) outs(%%%sat_e : %s) permutation = [1, 0, 2]"
          % (p, p, t(H, S, dh), p, t(S, H, dh)))
        e("  %%%sattn = tensor.collapse_shape %%%sat [[0], [1, 2]] : %s into %s"
          % (p, p, t(S, H, dh), t(S, D)))
        linear(p + "o", p + "attn", p + "wo", D, D)
        add(p + "x1", x, p + "o")
        rmsnorm(p + "n2", p + "x1", p + "g2", S)
        linear(p + "gate", p + "n2", p + "wg", D, F)
        linear(p + "up", p + "n2", p + "wu", D, F)
        e("  %%%sh_e = tensor.empty() : %s" % (p, t(S, F)))
        e("  %%%sh = linalg.generic {indexing_maps = [%s, %s, %s], iterator_types = %s} "
          "ins(%%%sgate, %%%sup : %s, %s) outs(%%%sh_e : %s) {"
          % (p, id2, id2, id2, par2, p, p, t(S, F), t(S, F), p, t(S, F)))
        e("  ^bb0(%g: f32, %u: f32, %o: f32):")
        e("    %ng = arith.negf %g : f32")
        e("    %ex = math.exp %ng : f32")
        e("    %one = arith.constant 1.0 : f32")
        e("    %den = arith.addf %one, %ex : f32")
        e("    %silu = arith.divf %g, %den : f32")
        e("    %y = arith.mulf %silu, %u : f32")
        e("    linalg.yield %y : f32")
        e("  } -> %s" % t(S, F))
        linear(p + "down", p + "h", p + "wd", F, D)
        add(p + "x2", p + "x1", p + "down")
        x = p + "x2"
    weight("gf", D)
    weight("lm_head", V, D)
    rmsnorm("nf", x, "gf", S)
    linear("logits", "nf", "lm_head", D, V)
    e("  return %%logits : %s" % t(S, V))

    with open(a.o, "w") as f:
        f.write("// GENERATED by bench/gen-llm-model.py --layers %d --seq %d --ctx %d --dim %d "
                "--heads %d --ffn %d --vocab %d --weights %s --seed %d\n"
                "// %d contractions (9 per layer + lm_head)\n"
                % (L, S, a.ctx, D, H, F, V, a.weights, a.seed, 9 * L + 1))
        f.write("func.func @forward(%s) -> %s {\n" % (", ".join(args), t(S, V)))
        f.write("\n".join(consts + lines) + "\n}\n")
        if blobs:
            f.write("\n{-#\n  dialect_resources: {\n    builtin: {\n")
            f.write(",\n".join('      %s: "0x%s"' % (n, h) for n, h in blobs))
            f.write("\n    }\n  }\n#-}\n")


if __name__ == "__main__":
    main()
