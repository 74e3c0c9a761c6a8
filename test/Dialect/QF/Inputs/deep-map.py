"""Prints a function with one qf.map whose body chains N ops (argv[1])."""
import sys

n = int(sys.argv[1])
t8 = "!qf.tensor<8x64xf32, mxfp8, axis = 1>"
t4 = "!qf.tensor<8x64xf32, mxfp4, axis = 1>"
print("func.func @deep(%%q: %s, %%b: tensor<64xf32>) -> %s {" % (t8, t4))
print("  %%r = qf.map(%%q, %%b) {indexing_maps = [affine_map<(i, j) -> (i, j)>, "
      "affine_map<(i, j) -> (j)>]} : (%s, tensor<64xf32>) -> %s {" % (t8, t4))
print("  ^bb0(%v0: f32, %y: f32):")
for i in range(n):
    print("    %%v%d = arith.addf %%v%d, %%y : f32" % (i + 1, i))
print("    qf.yield %%v%d : f32" % n)
print("  }")
print("  return %%r : %s" % t4)
print("}")
