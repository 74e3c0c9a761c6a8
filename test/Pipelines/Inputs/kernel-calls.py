#!/usr/bin/env python3
"""Prints how often each outlined kernel is called, one line per kernel:

  <calls> x <first op of the kernel> : <the kernel's function type>

from qf-opt output after qf-outline-kernels (read from stdin), by calls, then
the number of kernel functions. Used by shared-kernels-llm.mlir.
"""
import re
import sys

text = sys.stdin.read()
calls = {}
for name in re.findall(r"call @(__qf_kernel_\d+)\(", text):
    calls[name] = calls.get(name, 0) + 1
lines = []
for m in re.finditer(r"func\.func private @(__qf_kernel_\d+)\((.*)\) -> (.*) \{\n\s*(?:%\S+ = )?([a-z_]+\.[a-z_]+)",
                     text):
    name, args, results, op = m.groups()
    types = ", ".join(re.findall(r"%arg\d+: ((?:[^,<]|<[^>]*>)+)", args))
    lines.append((calls.get(name, 0), "%s : (%s) -> %s" % (op, types, results)))
for n, line in sorted(lines):
    print("%d x %s" % (n, line))
print("%d kernel functions" % len(lines))
