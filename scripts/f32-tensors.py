#!/usr/bin/env python3
"""Prints the ops of one function that produce f32 tensors (one line each:
`<op name> -> <type>`), from MLIR in the generic or custom text form on
stdin. Used to show which f32 tensors a fused program still materializes.

usage: scripts/f32-tensors.py FUNCTION < in.mlir
(scripts/demo.sh prints the count; test/Integration/CPU/fuse-demo-block.mlir
checks the list.)
"""
import re
import sys


def main():
    name = sys.argv[1]
    lines = sys.stdin.read().splitlines()
    start = None
    for i, l in enumerate(lines):
        if re.match(r"\s*func\.func (?:private )?@%s\(" % re.escape(name), l):
            start = i
            break
    if start is None:
        sys.exit("function @%s not found" % name)
    ind = lambda l: len(l) - len(l.lstrip())
    indent = ind(lines[start])
    pending = []  # region ops whose type follows their closing brace
    for l in lines[start + 1:]:
        if l.strip() == "}" and ind(l) == indent:
            break
        if pending and l.lstrip().startswith("}") and ind(l) == pending[-1][1]:
            op, _ = pending.pop()
            t = re.search(r"-> (tensor<[0-9?x]*xf32>)$", l.rstrip())
            if t:
                print("%s -> %s" % (op, t.group(1)))
            continue
        m = re.match(r"\s*%[\w.$-]+(?::\d+)? = ([\w.]+)", l)
        if not m:
            continue
        head = l.rstrip()
        opens = head.endswith("{")
        head = head.rstrip("{").rstrip()
        t = re.search(r"(?:->|:) (tensor<[0-9?x]*xf32>)$", head)
        if t:
            print("%s -> %s" % (m.group(1), t.group(1)))
        elif opens:
            pending.append((m.group(1), ind(l)))


if __name__ == "__main__":
    main()
