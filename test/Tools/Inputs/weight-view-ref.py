"""Prints qf.pack(qf.quantize(view)) of two views of the flat weight
sin(i) * (1 + i mod 7), the views computed here (not by qf) for
qf-pack-weights-view.mlir."""
import math
import struct

flat = [math.sin(i) * (1 + i % 7) for i in range(4096)]


def hexf(vals):
    return "0x" + b"".join(struct.pack("<f", v) for v in vals).hex().upper()


# slice(2048;2048;1) reshape(32,64) transpose(1,0): 64x32, [n][k] = r[k][n].
r = [flat[2048 + i * 64:2048 + (i + 1) * 64] for i in range(32)]
t = [r[k][n] for n in range(64) for k in range(32)]
# slice(8,0;16,64;2,1) of 64x64: rows 8, 10, ..., 38.
s = [flat[(8 + 2 * i) * 64 + j] for i in range(16) for j in range(64)]

print(f'''func.func @transposed() -> (tensor<64x16xi8>, tensor<64x1xi8>) {{
  %w = arith.constant dense<"{hexf(t)}"> : tensor<64x32xf32>
  %q = qf.quantize %w : tensor<64x32xf32> -> !qf.tensor<64x32xf32, mxfp4, axis = 1>
  %c, %s = qf.pack %q : !qf.tensor<64x32xf32, mxfp4, axis = 1> -> tensor<64x16xi8>, tensor<64x1xi8>
  return %c, %s : tensor<64x16xi8>, tensor<64x1xi8>
}}

func.func @strided() -> (tensor<16x32xi8>, tensor<16x4xi8>, tensor<f32>) {{
  %w = arith.constant dense<"{hexf(s)}"> : tensor<16x64xf32>
  %q = qf.quantize %w : tensor<16x64xf32> -> !qf.tensor<16x64xf32, nvfp4, axis = 1>
  %c, %s, %t = qf.pack %q : !qf.tensor<16x64xf32, nvfp4, axis = 1> -> tensor<16x32xi8>, tensor<16x4xi8>, tensor<f32>
  return %c, %s, %t : tensor<16x32xi8>, tensor<16x4xi8>, tensor<f32>
}}''')
