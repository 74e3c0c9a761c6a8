#!/usr/bin/env python3
# Generates test/Integration/CPU/hadamard*.mlir: qf.hadamard kernels checked
# bit for bit against the folder (numerics library). Run: python3 gen-hadamard-tests.py
import random, sys

HEADER = """// {title}
// The kernel functions get their input as an argument, so only the reference
// op (on a constant) is folded by --canonicalize, through the numerics
// library; every output is compared bit for bit.
// RUN: qf-opt %s --canonicalize --qf-cpu-pipeline | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
// RUN: qf-opt %s --canonicalize --qf-cpu-pipeline="threads=2" | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils,%omp_lib | FileCheck %s
// RUN: qf-opt %s --canonicalize --qf-cpu-pipeline="vector-width=8" | mlir-runner -e main -entry-point-result=void -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils | FileCheck %s
"""

MISMATCH = """
// Number of elements whose bits differ.
func.func @mismatches(%a: memref<?xf32>, %b: memref<?xf32>) -> i64 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0 : i64
  %n = memref.dim %a, %c0 : memref<?xf32>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %zero) -> i64 {
    %x = memref.load %a[%i] : memref<?xf32>
    %y = memref.load %b[%i] : memref<?xf32>
    %xi = arith.bitcast %x : f32 to i32
    %yi = arith.bitcast %y : f32 to i32
    %ne = arith.cmpi ne, %xi, %yi : i32
    %inc = arith.extui %ne : i1 to i64
    %s = arith.addi %acc, %inc : i64
    scf.yield %s : i64
  }
  return %r : i64
}
"""

def ttype(shape):
    return "tensor<" + "x".join("?" if d is None else str(d) for d in shape) + "xf32>"

def mtype(shape):
    return "memref<" + "x".join(str(d) for d in shape) + "xf32>"

def gen(path, title, cases, seed=1):
    rnd = random.Random(seed)
    out = [HEADER.format(title=title), MISMATCH]
    main = ["func.func @main() {", "  %c0 = arith.constant 0 : index"]
    checks = []
    for c in cases:
        name, shape, axis, block = c["name"], c["shape"], c["axis"], c["block"]
        s = c.get("seed")
        dyn = c.get("dyn", [])
        kshape = [None if i in dyn else d for i, d in enumerate(shape)]
        st, kt = ttype(shape), ttype(kshape)
        attrs = f"axis = {axis} block = {block}" + (f" seed = {s}" if s is not None else "")
        out.append(f"""
func.func @{name}(%x: {kt}) -> {kt} {{
  %r = qf.hadamard %x {attrs} : {kt}
  return %r : {kt}
}}""")
        n = 1
        for d in shape:
            n *= d
        vals = c.get("values") or [f"{rnd.uniform(-4, 4):.3f}" for _ in range(n)]
        # Nested dense literal.
        def nest(v, sh):
            if len(sh) == 1:
                return "[" + ", ".join(v) + "]"
            k = len(v) // sh[0]
            return "[" + ", ".join(nest(v[i*k:(i+1)*k], sh[1:]) for i in range(sh[0])) + "]"
        lit = nest(vals, shape)
        rank = len(shape)
        re = "[[" + ", ".join(str(i) for i in range(rank)) + "]]"
        p = "%" + name
        main.append(f"""
  {p}_in = arith.constant dense<{lit}> : {st}
  {p}_ref = qf.hadamard {p}_in {attrs} : {st}""")
        if kt != st:
            main.append(f"""  {p}_arg = tensor.cast {p}_in : {st} to {kt}
  {p}_res = call @{name}({p}_arg) : ({kt}) -> {kt}
  {p}_got = tensor.cast {p}_res : {kt} to {st}""")
        else:
            main.append(f"  {p}_got = call @{name}({p}_in) : ({st}) -> {st}")
        last = n - 1
        main.append(f"""  {p}_rm = bufferization.to_buffer {p}_ref : {st} to {mtype(shape)}
  {p}_gm = bufferization.to_buffer {p}_got : {st} to {mtype(shape)}""")
        if rank > 1:
            main.append(f"""  {p}_r1 = memref.collapse_shape {p}_rm {re} : {mtype(shape)} into memref<{n}xf32>
  {p}_g1 = memref.collapse_shape {p}_gm {re} : {mtype(shape)} into memref<{n}xf32>""")
        else:
            main.append(f"""  {p}_r1 = memref.cast {p}_rm : memref<{n}xf32> to memref<{n}xf32>
  {p}_g1 = memref.cast {p}_gm : memref<{n}xf32> to memref<{n}xf32>""")
        main.append(f"""  {p}_rd = memref.cast {p}_r1 : memref<{n}xf32> to memref<?xf32>
  {p}_gd = memref.cast {p}_g1 : memref<{n}xf32> to memref<?xf32>
  {p}_cnt = call @mismatches({p}_rd, {p}_gd) : (memref<?xf32>, memref<?xf32>) -> i64
  vector.print str "{name} mismatches "
  vector.print {p}_cnt : i64
  {p}_last = arith.constant {last} : index
  {p}_g0 = memref.load {p}_gd[%c0] : memref<?xf32>
  {p}_gl = memref.load {p}_gd[{p}_last] : memref<?xf32>
  {p}_r0 = memref.load {p}_rd[%c0] : memref<?xf32>
  {p}_rl = memref.load {p}_rd[{p}_last] : memref<?xf32>
  vector.print str "{name} got "
  vector.print {p}_g0 : f32
  vector.print str "{name} got "
  vector.print {p}_gl : f32
  vector.print str "{name} ref "
  vector.print {p}_r0 : f32
  vector.print str "{name} ref "
  vector.print {p}_rl : f32""")
        checks.append(f"// CHECK: {name} mismatches 0")
        if "expect" in c:
            checks.append(f"// CHECK-NEXT: {name} got {c['expect'][0]}")
            checks.append(f"// CHECK-NEXT: {name} got {c['expect'][1]}")
            checks.append(f"// CHECK-NEXT: {name} ref {c['expect'][0]}")
            checks.append(f"// CHECK-NEXT: {name} ref {c['expect'][1]}")
        else:
            checks.append(f"// CHECK-NEXT: {name} got [[{name.upper()}_A:.*]]")
            checks.append(f"// CHECK-NEXT: {name} got [[{name.upper()}_B:.*]]")
            checks.append(f"// CHECK-NEXT: {name} ref [[{name.upper()}_A]]")
            checks.append(f"// CHECK-NEXT: {name} ref [[{name.upper()}_B]]")
    main.append("  return\n}")
    out.append("\n" + "\n".join(main))
    out.append("\n" + "\n".join(checks) + "\n")
    open(path, "w").write("\n".join(out))

import os
D = os.path.dirname(os.path.abspath(__file__)) + "/"
gen(D + "hadamard.mlir", "qf.hadamard on the innermost axis, power-of-two blocks, CPU kernel vs the folder.", [
    dict(name="known", shape=[1, 4], axis=1, block=4, values=["1.0", "2.0", "3.0", "4.0"], expect=["5", "0"]),
    dict(name="b4_tail", shape=[3, 8], axis=1, block=4),
    dict(name="b8_seed", shape=[2, 16], axis=1, block=8, seed=5),
    dict(name="b16", shape=[4, 64], axis=1, block=16),
    dict(name="b32", shape=[3, 32], axis=1, block=32),
    dict(name="b32_rank1", shape=[128], axis=0, block=32),
    dict(name="b64", shape=[2, 128], axis=1, block=64),
    dict(name="b64_seed_dyn", shape=[3, 64], axis=1, block=64, seed=7, dyn=[0]),
    dict(name="b256", shape=[2, 256], axis=1, block=256),
    dict(name="b256_seed", shape=[1, 512], axis=1, block=256, seed=12345),
    dict(name="b4096", shape=[2, 4096], axis=1, block=4096),
    dict(name="b4096_seed", shape=[1, 4096], axis=1, block=4096, seed=3),
], seed=1)
gen(D + "hadamard-axis.mlir", "qf.hadamard on a non-innermost axis (lanes over columns), CPU kernel vs the folder.", [
    dict(name="a0_b32", shape=[32, 20], axis=0, block=32),
    dict(name="a0_b16_seed", shape=[32, 16], axis=0, block=16, seed=2),
    dict(name="a0_b64_seed", shape=[64, 16], axis=0, block=64, seed=11),
    dict(name="a0_b128", shape=[128, 3], axis=0, block=128),
    dict(name="a1_b8_3d", shape=[2, 16, 5], axis=1, block=8),
    dict(name="a1_b8_dyn_inner", shape=[4, 8, 19], axis=1, block=8, dyn=[2]),
    dict(name="a1_b16_dyn_outer", shape=[3, 16, 32], axis=1, block=16, dyn=[0]),
    dict(name="a0_b24", shape=[24, 20], axis=0, block=24, seed=4),
    dict(name="a0_b48", shape=[48, 16], axis=0, block=48),
    dict(name="a0_b80_seed", shape=[80, 3], axis=0, block=80, seed=9),
], seed=2)
gen(D + "hadamard-paley.mlir", "qf.hadamard with 12*2^k and 20*2^k blocks (D14) on the innermost axis, CPU kernel vs the folder.", [
    dict(name="b12", shape=[3, 12], axis=1, block=12),
    dict(name="b20_seed", shape=[4, 20], axis=1, block=20, seed=1),
    dict(name="b24", shape=[2, 48], axis=1, block=24),
    dict(name="b40_dyn", shape=[3, 40], axis=1, block=40, dyn=[0]),
    dict(name="b48", shape=[2, 96], axis=1, block=48),
    dict(name="b80_seed", shape=[2, 80], axis=1, block=80, seed=9),
    dict(name="b320_seed", shape=[2, 320], axis=1, block=320, seed=4),
    dict(name="b768", shape=[1, 768], axis=1, block=768),
    dict(name="b1280_seed", shape=[1, 1280], axis=1, block=1280, seed=6),
], seed=3)
