#!/usr/bin/env python3
"""Checks a measured relative RMS error against the one qf-report predicts.

Usage: check-qsnr-prediction.py REPORT.json RUN-OUTPUT.txt
REPORT.json: `qf-report{json calibration=...}` of a chain of quantized
contractions (weight QSNR measured, activation QSNR estimated from the
calibration histogram). RUN-OUTPUT.txt holds a line `relative RMS error: E`.

First-order model: every quantized operand adds independent noise of
relative power 10^(-QSNR/10), and a contraction with a random-looking weight
carries its input's relative error to its output, so the output's relative
error is sqrt(sum over tensors of 10^(-QSNR/10)). The check passes when the
measured error lies within a factor of 1.5 of that prediction either way.
"""
import json
import math
import re
import sys


def main():
    report = json.load(open(sys.argv[1]))
    text = open(sys.argv[2]).read()
    m = re.search(r"relative RMS error: ([0-9.eE+-]+)", text)
    if not m:
        sys.exit("no 'relative RMS error:' line in " + sys.argv[2])
    measured = float(m.group(1))
    power = 0.0
    for t in report["tensors"]:
        db = t.get("qsnr_db")
        if db is None:
            db = t.get("qsnr_db_estimated")
        if db is None:
            sys.exit("tensor at %s has no QSNR (measured or estimated)" %
                     t["location"])
        power += 10.0 ** (-db / 10.0)
    predicted = math.sqrt(power)
    ratio = measured / predicted
    verdict = "within" if 1 / 1.5 <= ratio <= 1.5 else "OUTSIDE"
    print("predicted %.3f measured %.3f ratio %.2f: %s 1.5x" %
          (predicted, measured, ratio, verdict))
    sys.exit(0 if verdict == "within" else 1)


if __name__ == "__main__":
    main()
