#!/usr/bin/env python3
"""Driver of gptq-demo-block.mlir: per weight format, calibrate the block
with second moments on the calibration tokens, quantize the evaluation block
with round-to-nearest + MSE search and with GPTQ, run both against f32 and
print the two output errors.

usage: weight-rounding-demo.py TMP BLOCK.mlir CALIB.mlir LIBS [FORMATS...]
"""
import os
import re
import subprocess
import sys


def sh(cmd, stdin=None):
    return subprocess.run(cmd, input=stdin, check=True, capture_output=True,
                          text=True).stdout


def main():
    tmp, block, calib, libs = sys.argv[1:5]
    formats = sys.argv[5:] or ["mxfp4", "nvfp4", "mxint4"]
    # QF_MLIR_RUNNER: the runner command (lit sets it for sanitizer builds).
    run = os.environ.get("QF_MLIR_RUNNER", "mlir-runner").split() + [
           "-e", "main", "-entry-point-result=void",
           "-shared-libs=" + libs]
    for fmt in formats:
        quant = ("weight-format=%s activation-format=mxfp8 "
                 "weight-scale-search=mse exclude=ref" % fmt)
        table = "%s.%s.json" % (tmp, fmt)
        ir = sh(["qf-opt", calib, "--qf-quantize-model=" + quant,
                 "--qf-instrument-calibration=second-moments=full",
                 "--qf-cpu-pipeline"])
        subprocess.run(run, input=ir, check=True, capture_output=True,
                       text=True,
                       env=dict(os.environ, QF_CALIBRATION_OUT=table))
        errors = {}
        for name, extra in (("rtn+mse", ""), ("gptq", " weight-rounding=gptq")):
            ir = sh(["qf-opt", block,
                     "--qf-quantize-model=" + quant + " fold-weights=false",
                     "--qf-fold-scales=calibration=" + table + extra,
                     "--canonicalize", "--qf-cpu-pipeline"])
            out = sh(run, ir)
            errors[name] = float(re.search(
                r"error \(quantized vs f32\): ([0-9.e+-]+)", out).group(1))
        r, g = errors["rtn+mse"], errors["gptq"]
        print("%s rtn+mse %.5f gptq %.5f (%.0f %% lower) lower %s"
              % (fmt, r, g, 100 * (1 - g / r), g <= 0.75 * r))


if __name__ == "__main__":
    main()
