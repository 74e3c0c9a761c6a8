#!/usr/bin/env python3
"""For qf-pack-weights-layout.mlir: writes PREFIX.f32 (a 32x64 weight,
raw little-endian f32) and PREFIX.mlir, which multiplies the same weight as
a constant (mxfp4 with mxint8 activations: the int-dot kernel; nvfp4 with
f32 activations: the f32 tiles)."""
import math
import struct
import sys

prefix = sys.argv[1]
# Block magnitudes vary, so the scales do (no splat).
vals = [math.sin(i) * (1 + i % 7) * 2.0 ** ((i // 32) % 5 - 2)
        for i in range(32 * 64)]
raw = struct.pack("<%df" % len(vals), *vals)
with open(prefix + ".f32", "wb") as f:
    f.write(raw)
w = 'dense<"0x%s"> : tensor<32x64xf32>' % raw.hex().upper()
with open(prefix + ".mlir", "w") as f:
    f.write(f"""
func.func @dot(%x: !qf.tensor<16x64xf32, mxint8, axis = 1>) -> tensor<16x32xf32> {{
  %w = arith.constant {w}
  %q = qf.quantize %w : tensor<32x64xf32> -> !qf.tensor<32x64xf32, mxfp4, axis = 1>
  %c = qf.matmul %x, %q transpose_b : !qf.tensor<16x64xf32, mxint8, axis = 1>, !qf.tensor<32x64xf32, mxfp4, axis = 1> -> tensor<16x32xf32>
  return %c : tensor<16x32xf32>
}}

func.func @f32(%x: tensor<16x64xf32>) -> tensor<16x32xf32> {{
  %w = arith.constant {w}
  %q = qf.quantize %w : tensor<32x64xf32> -> !qf.tensor<32x64xf32, nvfp4, axis = 1>
  %c = qf.matmul %x, %q transpose_b : tensor<16x64xf32>, !qf.tensor<32x64xf32, nvfp4, axis = 1> -> tensor<16x32xf32>
  return %c : tensor<16x32xf32>
}}
""")
