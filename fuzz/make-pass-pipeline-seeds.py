#!/usr/bin/env python3
"""Writes seeds of the pass-pipeline harness (fuzz/pass-pipeline-fuzzer.cpp)
from lit inputs: each `// -----` part of a test file, with the CHECK and RUN
lines dropped, prefixed by the selector byte of the harness pipeline that
its RUN lines exercise.

usage: fuzz/make-pass-pipeline-seeds.py SELECTOR NAME TEST.mlir ...
Writes fuzz/corpus/pass-pipeline/NAME-<file>-NN (run from the repository root).
"""
import os
import re
import sys


def main():
    selector, name, files = int(sys.argv[1]), sys.argv[2], sys.argv[3:]
    out = os.path.join("fuzz", "corpus", "pass-pipeline")
    for path in files:
        stem = os.path.splitext(os.path.basename(path))[0]
        text = open(path).read()
        parts = re.split(r"^// -----\s*$", text, flags=re.M)
        for i, part in enumerate(parts):
            lines = [l for l in part.splitlines()
                     if not re.match(r"\s*//\s*(RUN|[A-Z0-9_-]*CHECK|expected-)", l)]
            body = "\n".join(lines).strip() + "\n"
            if len(body) < 16 or len(body) > 12000:
                continue
            with open(os.path.join(out, f"{name}-{stem}-{i:02d}"), "wb") as f:
                f.write(bytes([selector]) + body.encode())


if __name__ == "__main__":
    main()
