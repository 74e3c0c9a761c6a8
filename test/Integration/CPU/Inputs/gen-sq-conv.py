#!/usr/bin/env python3
"""Writes convolutions with sparse-quantized (SQ) weights to stdout (sq-conv.mlir).

Each convolution appears three times with the same filter: "q" (quantized by
qf-quantize-model through im2col into an SQ qf.matmul), "arg" (the same with
the filter a function argument: quantized at run time in the callee, or
passed quantized with weights-as-arguments) and "ref" (excluded with
`exclude=ref`): the f32 convolution of the filter folded through
qf.quantize + qf.dequantize in the same SQ format, along the axis that is K
of the im2col weight. Integer inputs and filters in 1/16 steps keep every
partial sum exact, so the two agree bit for bit whatever the summation order.
  conv_a: conv_2d_nhwc_fhwc 3x3, 32 -> 8 channels (K = 3*3*32 = 288, the
          filter [F, KH, KW, C] collapsed to [F, K], blocked along axis 1);
  conv_b: conv_2d_nhwc_hwcf 1x1, 64 -> 8 channels (K = 64, the filter
          [1, 1, C, F] collapsed to [C, F], blocked along axis 0).
@main prints, per convolution, the number of output elements whose f32 bits
differ from "ref", then one row of outputs, for "q" and then for "arg".
"""
import random
import sys

rng = random.Random(3)
SQ = sys.argv[1] if len(sys.argv) > 1 else "#qf.format<mxint4, bank = 32, outliers = 2>"


def dense(shape, gen):
    n = 1
    for s in shape:
        n *= s
    vals = [gen() for _ in range(n)]

    def nest(dims, off):
        if len(dims) == 1:
            return "[" + ", ".join(repr(float(v)) for v in vals[off:off + dims[0]]) + "]"
        step = 1
        for d in dims[1:]:
            step *= d
        return "[" + ", ".join(nest(dims[1:], off + i * step) for i in range(dims[0])) + "]"

    return "dense<%s> : %s" % (nest(shape, 0), t(shape))


def t(shape):
    return "tensor<%sxf32>" % "x".join(map(str, shape))


def act():
    return rng.randint(-4, 4)


def weight():
    # Heavy tails (a cubed Gaussian): a few large values per bank.
    return round(rng.gauss(0, 1) ** 3 * 16) / 16


out = []
w = out.append
convs = [
    # name, op, input, filter, output, collapsed filter, reassociation, axis
    ("conv_a", "linalg.conv_2d_nhwc_fhwc", [1, 6, 6, 32], [8, 3, 3, 32],
     [1, 4, 4, 8], [8, 288], "[[0], [1, 2, 3]]", 1),
    ("conv_b", "linalg.conv_2d_nhwc_hwcf", [1, 4, 4, 64], [1, 1, 64, 8],
     [1, 4, 4, 8], [64, 8], "[[0, 1, 2], [3]]", 0),
]
inputs = {}
filters = {}
for name, op, xs, fs, ys, cs, assoc, axis in convs:
    filt = dense(fs, weight)
    filters[name] = filt
    inputs[name] = dense(xs, act)
    qt = "!qf.tensor<%sxf32, %s, axis = %d>" % ("x".join(map(str, cs)), SQ, axis)
    for kind in ("q", "ref", "arg"):
        if kind == "arg":
            # The filter as a function argument (weights-as-arguments).
            w("func.func @%s_arg(%%x: %s, %%f: %s) -> %s {" % (name, t(xs), t(fs), t(ys)))
        else:
            w("func.func @%s_%s(%%x: %s) -> %s {" % (name, kind, t(xs), t(ys)))
            w("  %%f = arith.constant %s" % filt)
        if kind == "ref":
            w("  %%c = tensor.collapse_shape %%f %s : %s into %s" % (assoc, t(fs), t(cs)))
            w("  %%q = qf.quantize %%c : %s -> %s" % (t(cs), qt))
            w("  %%d = qf.dequantize %%q : %s -> %s" % (qt, t(cs)))
            w("  %%fd = tensor.expand_shape %%d %s output_shape [%s] : %s into %s"
              % (assoc, ", ".join(map(str, fs)), t(cs), t(fs)))
        fv = "%fd" if kind == "ref" else "%f"
        w("  %z = arith.constant 0.0 : f32")
        w("  %%e = tensor.empty() : %s" % t(ys))
        w("  %%i = linalg.fill ins(%%z : f32) outs(%%e : %s) -> %s" % (t(ys), t(ys)))
        loc = "q" if kind == "arg" else kind
        w("  %%y = %s {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} "
          "ins(%%x, %s : %s, %s) outs(%%i : %s) -> %s loc(\"%s\")"
          % (op, fv, t(xs), t(fs), t(ys), t(ys), loc))
        w("  return %%y : %s" % t(ys))
        w("}")

w("""func.func @compare(%a: tensor<1x4x4x8xf32>, %b: tensor<1x4x4x8xf32>) {
  %ca = tensor.collapse_shape %a [[0, 1, 2, 3]] : tensor<1x4x4x8xf32> into tensor<128xf32>
  %cb = tensor.collapse_shape %b [[0, 1, 2, 3]] : tensor<1x4x4x8xf32> into tensor<128xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant 128 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %c0) -> index {
    %x = tensor.extract %ca[%i] : tensor<128xf32>
    %y = tensor.extract %cb[%i] : tensor<128xf32>
    %xb = arith.bitcast %x : f32 to i32
    %yb = arith.bitcast %y : f32 to i32
    %ne = arith.cmpi ne, %xb, %yb : i32
    %inc = arith.select %ne, %c1, %c0 : index
    %s = arith.addi %acc, %inc : index
    scf.yield %s : index
  }
  vector.print %r : index
  %pad = arith.constant 0.0 : f32
  %row = vector.transfer_read %ca[%c0], %pad : tensor<128xf32>, vector<8xf32>
  vector.print %row : vector<8xf32>
  return
}""")
w("func.func @main() {")
for name, op, xs, fs, ys, cs, assoc, axis in convs:
    w("  %%x_%s = arith.constant %s" % (name, inputs[name]))
    w("  %%q_%s = call @%s_q(%%x_%s) : (%s) -> %s" % (name, name, name, t(xs), t(ys)))
    w("  %%r_%s = call @%s_ref(%%x_%s) : (%s) -> %s" % (name, name, name, t(xs), t(ys)))
    w("  call @compare(%%q_%s, %%r_%s) : (%s, %s) -> ()" % (name, name, t(ys), t(ys)))
    w("  %%f_%s = arith.constant %s" % (name, filters[name]))
    w("  %%a_%s = call @%s_arg(%%x_%s, %%f_%s) : (%s, %s) -> %s"
      % (name, name, name, name, t(xs), t(fs), t(ys)))
    w("  call @compare(%%a_%s, %%r_%s) : (%s, %s) -> ()" % (name, name, t(ys), t(ys)))
w("  return")
w("}")
print("\n".join(out))
