#!/usr/bin/env python3
"""Writes a version 2 calibration table with a second-moment sidecar, as
libqf_runtime writes them (docs/calibration.md), for the lit tests.

usage: make-moments.py OUT.json NAME:KIND:K[:TOKENS] ... [--truncate N]
                       [--bad-magic] [--asymmetric] [--no-sidecar-entry]
                       [--unit]

Each point gets amax 4 and the second moment of TOKENS (default 4 K)
seeded, correlated tokens (a shared factor plus noise, one channel 8x
larger): H = sum x x^T (KIND full) or its diagonal (KIND diag). A point of
KIND none has no second moment. --unit writes H = TOKENS x I instead
(E[x x^T] = I: no calibration data, every input channel alike). --truncate cuts the sidecar to N bytes,
--bad-magic spoils its magic, --asymmetric makes H[0][1] != H[1][0].
"""
import json
import os
import random
import struct
import sys


def main():
    args = sys.argv[1:]
    out = args.pop(0)
    truncate = None
    flags = set()
    points = []
    while args:
        a = args.pop(0)
        if a == "--truncate":
            truncate = int(args.pop(0))
        elif a.startswith("--"):
            flags.add(a)
        else:
            points.append(a.split(":"))
    side = out + ".moments"
    body = b""
    tensors = []
    records = [p for p in points if p[1] != "none"]
    header = b"QFMOMENT" + struct.pack("<II", 1, len(records))
    for i, p in enumerate(points):
        name, kind, k = p[0], p[1], int(p[2])
        tokens = int(p[3]) if len(p) > 3 else 4 * k
        entry = {"id": i, "name": name, "calls": 1, "count": tokens * k,
                 "zeros": 0, "nonfinite": 0, "amax": 4, "channel_axis": -1,
                 "channel_amax": [], "histogram": []}
        if kind != "none":
            rng = random.Random(k * 7919 + tokens)  # same K and tokens: same H
            h = [[0.0] * k for _ in range(k)]
            for _ in range(0 if "--unit" in flags else tokens):
                c = rng.gauss(0, 1)
                x = [(0.8 * c + 0.6 * rng.gauss(0, 1)) * (8 if j == 3 else 1)
                     for j in range(k)]
                for a_ in range(k):
                    for b_ in range(k):
                        h[a_][b_] += x[a_] * x[b_]
            if "--unit" in flags:
                for j in range(k):
                    h[j][j] = float(tokens)
            if "--asymmetric" in flags:
                h[0][1] += 1
            vals = [h[j][j] for j in range(k)] if kind == "diag" else \
                [v for row in h for v in row]
            entry["second_moment"] = {"kind": kind, "k": k, "tokens": tokens,
                                      "skipped": 0,
                                      "offset": len(header) + len(body)}
            body += struct.pack("<QIIQQ", i, 2 if kind == "full" else 1, 0, k,
                                tokens)
            body += struct.pack("<%dd" % len(vals), *vals)
        tensors.append(entry)
    data = header + body
    if "--bad-magic" in flags:
        data = b"QFMOMENX" + data[8:]
    table = {"format": "qf-calibration", "version": 2,
             "histogram": {"kind": "log2", "bins_per_octave": 8,
                           "min_exp": -64, "max_exp": 64},
             "second_moments": {"file": os.path.basename(side),
                                "bytes": len(data)},
             "tensors": tensors}
    if truncate is not None:
        data = data[:truncate]
    with open(side, "wb") as f:
        f.write(data)
    with open(out, "w") as f:
        json.dump(table, f, indent=1)


if __name__ == "__main__":
    main()
