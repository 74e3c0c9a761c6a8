#!/usr/bin/env python3
"""Writes a small CNN as linalg-on-tensors to stdout (quantize-model-conv.mlir).

Two networks, each computed twice from the same seeded Gaussian weights: the
convolutions of the quantized copy have locations "q*", those of the f32
reference "ref*" (excluded from qf-quantize-model by `exclude=ref`).
  net_a (NHWC, as TFLite/IREE write it): tensor.pad + conv_2d_nhwc_hwcf 3x3
    32->32, bias, ReLU, residual add; a pointwise (1x1) conv_2d_nhwc_hwcf
    32->32 with ReLU; then conv_2d_nhwc_fhwc 3x3 32->16 with dilation 2, SiLU.
  net_b (NCHW, as torch-mlir writes it): conv_2d_nchw_fchw 5x5 3->8 stride 2
    onto a broadcast bias (K = 75, zero-padded), ReLU; then a grouped
    conv_2d_ngchw_fgchw (2 groups of 4->8 channels, K = 36).
@main prints the relative RMS error of each output against its reference.
"""
import random

rng = random.Random(5)


def dense(shape, scale):
    n = 1
    for s in shape:
        n *= s
    vals = [rng.gauss(0, 1) * scale for _ in range(n)]

    def nest(dims, off):
        if len(dims) == 1:
            return "[" + ", ".join("%.5g" % v for v in vals[off:off + dims[0]]) + "]"
        step = 1
        for d in dims[1:]:
            step *= d
        return "[" + ", ".join(nest(dims[1:], off + i * step) for i in range(dims[0])) + "]"

    return "dense<%s> : tensor<%s>" % (nest(shape, 0), "x".join(map(str, shape)) + "xf32")


def t(shape):
    return "tensor<%sxf32>" % "x".join(map(str, shape))


ELEM2 = '''linalg.generic {indexing_maps = [#id4, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s, %s : %s, %s) outs(%s : %s) {
  ^bb0(%%a: f32, %%b: f32, %%o: f32):
    %%r = %s %%a, %%b : f32
    linalg.yield %%r : f32
  } -> %s'''

out = []
w = out.append
w("#id4 = affine_map<(n, h, w, c) -> (n, h, w, c)>")
w("#bc_last = affine_map<(n, h, w, c) -> (c)>")
w("#bc_c = affine_map<(n, c, h, w) -> (c)>")
w("")

# net_a
w("func.func @net_a(%x: {0}) -> ({1}, {1}) {{".format(t([1, 8, 8, 32]), t([1, 4, 4, 16])))
w("  %w1 = arith.constant " + dense([3, 3, 32, 32], 0.06))
w("  %b1 = arith.constant " + dense([32], 0.1))
w("  %w2 = arith.constant " + dense([16, 3, 3, 32], 0.06))
w("  %wp = arith.constant " + dense([1, 1, 32, 32], 0.15))
w("  %z = arith.constant 0.0 : f32")
w("  %one = arith.constant 1.0 : f32")
w("  %p = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {")
w("  ^bb0(%i: index, %j: index, %k: index, %l: index):")
w("    tensor.yield %z : f32")
w("  } : %s to %s" % (t([1, 8, 8, 32]), t([1, 10, 10, 32])))
for tag in ("q", "ref"):
    s = "_" + tag
    w("  %%e1%s = tensor.empty() : %s" % (s, t([1, 8, 8, 32])))
    w("  %%f1%s = linalg.fill ins(%%z : f32) outs(%%e1%s : %s) -> %s" % (s, s, t([1, 8, 8, 32]), t([1, 8, 8, 32])))
    w("  %%c1%s = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%%p, %%w1 : %s, %s) outs(%%f1%s : %s) -> %s loc(\"%s1\")"
      % (s, t([1, 10, 10, 32]), t([3, 3, 32, 32]), s, t([1, 8, 8, 32]), t([1, 8, 8, 32]), tag))
    # bias + ReLU + residual: one elementwise generic
    w('  %%a1%s = linalg.generic {indexing_maps = [#id4, #bc_last, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%%c1%s, %%b1, %%x : %s, tensor<32xf32>, %s) outs(%%e1%s : %s) {'
      % (s, s, t([1, 8, 8, 32]), t([1, 8, 8, 32]), s, t([1, 8, 8, 32])))
    w("  ^bb0(%v: f32, %b: f32, %r: f32, %o: f32):")
    w("    %s0 = arith.addf %v, %b : f32")
    w("    %s1 = arith.maximumf %s0, %z : f32")
    w("    %s2 = arith.addf %s1, %r : f32")
    w("    linalg.yield %s2 : f32")
    w("  } -> %s" % t([1, 8, 8, 32]))
    w("  %%cp%s = linalg.conv_2d_nhwc_hwcf {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%%a1%s, %%wp : %s, %s) outs(%%f1%s : %s) -> %s loc(\"%sp\")"
      % (s, s, t([1, 8, 8, 32]), t([1, 1, 32, 32]), s, t([1, 8, 8, 32]), t([1, 8, 8, 32]), tag))
    w('  %%ap%s = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%%cp%s : %s) outs(%%e1%s : %s) {'
      % (s, s, t([1, 8, 8, 32]), s, t([1, 8, 8, 32])))
    w("  ^bb0(%v: f32, %o: f32):")
    w("    %m = arith.maximumf %v, %z : f32")
    w("    linalg.yield %m : f32")
    w("  } -> %s" % t([1, 8, 8, 32]))
    w("  %%e2%s = tensor.empty() : %s" % (s, t([1, 4, 4, 16])))
    w("  %%f2%s = linalg.fill ins(%%z : f32) outs(%%e2%s : %s) -> %s" % (s, s, t([1, 4, 4, 16]), t([1, 4, 4, 16])))
    w("  %%c2%s = linalg.conv_2d_nhwc_fhwc {dilations = dense<2> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%%ap%s, %%w2 : %s, %s) outs(%%f2%s : %s) -> %s loc(\"%s2\")"
      % (s, s, t([1, 8, 8, 32]), t([16, 3, 3, 32]), s, t([1, 4, 4, 16]), t([1, 4, 4, 16]), tag))
    # SiLU
    w('  %%y%s = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%%c2%s : %s) outs(%%e2%s : %s) {'
      % (s, s, t([1, 4, 4, 16]), s, t([1, 4, 4, 16])))
    w("  ^bb0(%v: f32, %o: f32):")
    w("    %n = arith.negf %v : f32")
    w("    %e = math.exp %n : f32")
    w("    %d = arith.addf %one, %e : f32")
    w("    %r = arith.divf %v, %d : f32")
    w("    linalg.yield %r : f32")
    w("  } -> %s" % t([1, 4, 4, 16]))
w("  return %%y_q, %%y_ref : %s, %s" % (t([1, 4, 4, 16]), t([1, 4, 4, 16])))
w("}")
w("")

# net_b
w("func.func @net_b(%x: {0}) -> ({1}, {1}) {{".format(t([1, 3, 19, 19]), t([1, 2, 8, 6, 6])))
w("  %w3 = arith.constant " + dense([8, 3, 5, 5], 0.15))
w("  %b3 = arith.constant " + dense([8], 0.1))
w("  %w4 = arith.constant " + dense([8, 2, 4, 3, 3], 0.2))
w("  %z = arith.constant 0.0 : f32")
for tag in ("q", "ref"):
    s = "_" + tag
    w("  %%e3%s = tensor.empty() : %s" % (s, t([1, 8, 8, 8])))
    w("  %%bias%s = linalg.broadcast ins(%%b3 : tensor<8xf32>) outs(%%e3%s : %s) dimensions = [0, 2, 3]" % (s, s, t([1, 8, 8, 8])))
    w("  %%c3%s = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%%x, %%w3 : %s, %s) outs(%%bias%s : %s) -> %s loc(\"%s3\")"
      % (s, t([1, 3, 19, 19]), t([8, 3, 5, 5]), s, t([1, 8, 8, 8]), t([1, 8, 8, 8]), tag))
    w('  %%r3%s = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%%c3%s : %s) outs(%%e3%s : %s) {'
      % (s, s, t([1, 8, 8, 8]), s, t([1, 8, 8, 8])))
    w("  ^bb0(%v: f32, %o: f32):")
    w("    %m = arith.maximumf %v, %z : f32")
    w("    linalg.yield %m : f32")
    w("  } -> %s" % t([1, 8, 8, 8]))
    w("  %%g%s = tensor.expand_shape %%r3%s [[0], [1, 2], [3], [4]] output_shape [1, 2, 4, 8, 8] : %s into %s"
      % (s, s, t([1, 8, 8, 8]), t([1, 2, 4, 8, 8])))
    w("  %%e4%s = tensor.empty() : %s" % (s, t([1, 2, 8, 6, 6])))
    w("  %%f4%s = linalg.fill ins(%%z : f32) outs(%%e4%s : %s) -> %s" % (s, s, t([1, 2, 8, 6, 6]), t([1, 2, 8, 6, 6])))
    w("  %%y%s = linalg.conv_2d_ngchw_fgchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%%g%s, %%w4 : %s, %s) outs(%%f4%s : %s) -> %s loc(\"%s4\")"
      % (s, s, t([1, 2, 4, 8, 8]), t([8, 2, 4, 3, 3]), s, t([1, 2, 8, 6, 6]), t([1, 2, 8, 6, 6]), tag))
w("  return %%y_q, %%y_ref : %s, %s" % (t([1, 2, 8, 6, 6]), t([1, 2, 8, 6, 6])))
w("}")
w("")

w('''// sqrt(sum((a - b)^2) / sum(b^2))
func.func @relerr(%a: tensor<?xf32>, %b: tensor<?xf32>) -> f32 {
  %ma = bufferization.to_buffer %a : tensor<?xf32> to memref<?xf32>
  %mb = bufferization.to_buffer %b : tensor<?xf32> to memref<?xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %ma, %c0 : memref<?xf32>
  %z = arith.constant 0.0 : f32
  %s:2 = scf.for %i = %c0 to %n step %c1 iter_args(%se = %z, %sr = %z) -> (f32, f32) {
    %x = memref.load %ma[%i] : memref<?xf32>
    %y = memref.load %mb[%i] : memref<?xf32>
    %d = arith.subf %x, %y : f32
    %dd = arith.mulf %d, %d : f32
    %yy = arith.mulf %y, %y : f32
    %ne = arith.addf %se, %dd : f32
    %nr = arith.addf %sr, %yy : f32
    scf.yield %ne, %nr : f32, f32
  }
  %q = arith.divf %s#0, %s#1 : f32
  %r = math.sqrt %q : f32
  return %r : f32
}

// Deterministic inputs: sin(i) over the flattened index.
func.func @input(%n: index) -> tensor<?xf32> {
  %e = tensor.empty(%n) : tensor<?xf32>
  %x = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>], iterator_types = ["parallel"]} outs(%e : tensor<?xf32>) {
  ^bb0(%o: f32):
    %i = linalg.index 0 : index
    %ii = arith.index_cast %i : index to i32
    %f = arith.sitofp %ii : i32 to f32
    %s = math.sin %f : f32
    linalg.yield %s : f32
  } -> tensor<?xf32>
  return %x : tensor<?xf32>
}

func.func @main() {
  %na = arith.constant 2048 : index
  %xa = call @input(%na) : (index) -> tensor<?xf32>
  %xa1 = tensor.cast %xa : tensor<?xf32> to tensor<2048xf32>
  %xa4 = tensor.expand_shape %xa1 [[0, 1, 2, 3]] output_shape [1, 8, 8, 32] : tensor<2048xf32> into tensor<1x8x8x32xf32>
  %ya:2 = call @net_a(%xa4) : (tensor<1x8x8x32xf32>) -> (tensor<1x4x4x16xf32>, tensor<1x4x4x16xf32>)
  %qa = tensor.collapse_shape %ya#0 [[0, 1, 2, 3]] : tensor<1x4x4x16xf32> into tensor<256xf32>
  %ra = tensor.collapse_shape %ya#1 [[0, 1, 2, 3]] : tensor<1x4x4x16xf32> into tensor<256xf32>
  %qad = tensor.cast %qa : tensor<256xf32> to tensor<?xf32>
  %rad = tensor.cast %ra : tensor<256xf32> to tensor<?xf32>
  %ea = call @relerr(%qad, %rad) : (tensor<?xf32>, tensor<?xf32>) -> f32
  vector.print str "net_a relative RMS error: "
  vector.print %ea : f32

  %nb = arith.constant 1083 : index
  %xb = call @input(%nb) : (index) -> tensor<?xf32>
  %xb1 = tensor.cast %xb : tensor<?xf32> to tensor<1083xf32>
  %xb4 = tensor.expand_shape %xb1 [[0, 1, 2, 3]] output_shape [1, 3, 19, 19] : tensor<1083xf32> into tensor<1x3x19x19xf32>
  %yb:2 = call @net_b(%xb4) : (tensor<1x3x19x19xf32>) -> (tensor<1x2x8x6x6xf32>, tensor<1x2x8x6x6xf32>)
  %qb = tensor.collapse_shape %yb#0 [[0, 1, 2, 3, 4]] : tensor<1x2x8x6x6xf32> into tensor<576xf32>
  %rb = tensor.collapse_shape %yb#1 [[0, 1, 2, 3, 4]] : tensor<1x2x8x6x6xf32> into tensor<576xf32>
  %qbd = tensor.cast %qb : tensor<576xf32> to tensor<?xf32>
  %rbd = tensor.cast %rb : tensor<576xf32> to tensor<?xf32>
  %eb = call @relerr(%qbd, %rbd) : (tensor<?xf32>, tensor<?xf32>) -> f32
  vector.print str "net_b relative RMS error: "
  vector.print %eb : f32
  return
}''')
print("\n".join(out))
