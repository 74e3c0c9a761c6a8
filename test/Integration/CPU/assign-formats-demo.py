#!/usr/bin/env python3
"""Driver of assign-formats-demo-block.mlir: calibrates the demo block with
diagonal second moments on held-back tokens, then runs the evaluation
tokens through the block quantized with every uniform weight format and with
qf-assign-formats at several budgets, each against its f32 version, and
prints one row per run: the name, the average bits per weight and the
output's relative RMS error. Then checks what docs/mixed-formats.md states:
the error of the mixed assignment does not rise with the budget, and at
each budget it beats every uniform format of the same or fewer bits.

usage: assign-formats-demo.py TMP BLOCK.mlir CALIB.mlir LIBS [MOMENTS]

MOMENTS: what qf-instrument-calibration records, diag (default) or full.
"""
import os
import re
import subprocess
import sys

UNIFORM = {"mxint4": 4.25, "mxfp4": 4.25, "nvfp4": 4.5, "mxfp6": 6.25,
           "mxint8": 8.25}
BUDGETS = [4.25, 4.75, 5.0, 5.5, 6.25, 7.0, 8.25]
QUANT = "activation-format=mxfp8 weight-scale-search=mse exclude=ref"


def sh(cmd, stdin=None, env=None):
    return subprocess.run(cmd, input=stdin, check=True, capture_output=True,
                          text=True, env=env)


def main():
    tmp, block, calib, libs = sys.argv[1:5]
    moments = sys.argv[5] if len(sys.argv) > 5 else "diag"
    run = ["mlir-runner", "-e", "main", "-entry-point-result=void",
           "-shared-libs=" + libs]
    table = tmp + ".json"
    ir = sh(["qf-opt", calib, "--qf-quantize-model=" + QUANT,
             "--qf-instrument-calibration=second-moments=" + moments,
             "--qf-cpu-pipeline"]).stdout
    sh(run, ir, dict(os.environ, QF_CALIBRATION_OUT=table))

    def error(passes, fmt="mxfp4"):
        ir = sh(["qf-opt", block] + passes + [
            "--qf-quantize-model=weight-format=%s %s" % (fmt, QUANT),
            "--qf-fold-scales=calibration=" + table, "--canonicalize",
            "--qf-cpu-pipeline"]).stdout
        out = sh(run, ir).stdout
        return float(re.search(r"error \(quantized vs f32\): ([0-9.e+-]+)",
                               out).group(1))

    uniform = {}
    for fmt, bits in UNIFORM.items():
        uniform[fmt] = error([], fmt)
        print("uniform %-7s bits %.2f error %.5f" % (fmt, bits, uniform[fmt]))
    mixed = []
    for budget in BUDGETS:
        assign = ("--qf-assign-formats=calibration=%s budget=%g "
                  "quantize-options='%s'" % (table, budget, QUANT))
        r = sh(["qf-opt", block, assign, "-o", "/dev/null"])
        bits = float(re.search(r"contractions, ([0-9.]+) bits per weight",
                               r.stderr).group(1))
        chosen = re.findall(r"qf-assign-formats: linalg\.\w+: #qf\.format<(\w+)> \(",
                            r.stderr)
        e = error([assign])
        mixed.append((budget, bits, e))
        counts = {f: chosen.count(f) for f in sorted(set(chosen))}
        print("mixed budget %.2f bits %.4f error %.5f formats %s"
              % (budget, bits, e, " ".join("%s:%d" % kv
                                           for kv in counts.items())))
    falls = all(b[2] <= a[2] for a, b in zip(mixed, mixed[1:]))
    print("error falls as the budget rises %s" % falls)
    # Against every uniform format of the same or fewer bits: "beats" is
    # strict, so where one uniform format is the best choice (budget 4.25,
    # 6.25, 8.25) the mixed assignment equals it and the answer is False.
    for budget, bits, e in mixed:
        beaten = [f for f, b in UNIFORM.items() if b <= budget + 1e-9]
        best = min(uniform[f] for f in beaten)
        print("budget %.2f beats %s %s (%+.1f %%)"
              % (budget, ",".join(beaten), all(e < uniform[f] for f in beaten),
                 100 * (e / best - 1)))

if __name__ == "__main__":
    main()
