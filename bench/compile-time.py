#!/usr/bin/env python3
"""Compile time and peak memory of an LLM-sized model, quantized vs f32.

Generates a model with bench/gen-llm-model.py, then times each stage of the
ahead-of-time flow of docs/cpu-lowering.md and records its peak resident
memory (the child's ru_maxrss from wait4):

  qf:  qf-opt --qf-quantize-model | qf-opt --qf-cpu-pipeline
       | mlir-translate --mlir-to-llvmir | llc -O3 -filetype=obj
  f32: the same without qf-quantize-model (the contractions stay linalg)

and prints one table per model: contractions, distinct kernel functions
(`__qf_kernel_*` of qf-outline-kernels), seconds and MiB per stage, the
object size, and the qf / f32 ratio of the total. Each stage reads the
previous stage's file, so a stage's numbers are its own.

usage: bench/compile-time.py [--build build] [--llvm /usr/lib/llvm-22]
           [--model NAME:GENERATOR-ARGS]... [--pipeline-options OPTS]
           [--keep DIR]
The default models are the issue's two graphs at Llama-7B-like depth with
1B-like widths: prefill (32 layers, seq 128, 289 contractions) and decode
(32 layers, seq 1, context 128, 289 contractions).
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

DEFAULT_MODELS = [
    "prefill:--layers 32 --seq 128",
    "decode:--layers 32 --seq 1 --ctx 128",
]


def run(cmd, out=None):
    """Runs cmd (stdout to the file out); returns (wall s, CPU s, peak MiB,
    stderr). CPU time (user + system) is what the stage costs; on a loaded
    machine the wall time also holds the time spent waiting for a core."""
    t0 = time.monotonic()
    with open(out, "wb") if out else open(os.devnull, "wb") as f:
        p = subprocess.Popen(cmd, stdout=f, stderr=subprocess.PIPE)
        err = p.stderr.read()
        _, status, ru = os.wait4(p.pid, 0)
    dt = time.monotonic() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("failed (%s): %s\n%s" % (status, " ".join(cmd), err.decode()[-4000:]))
    return dt, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024.0, err.decode()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--llvm", default="/usr/lib/llvm-22")
    ap.add_argument("--model", action="append")
    ap.add_argument("--pipeline-options", default="")
    ap.add_argument("--keep")
    a = ap.parse_args()
    qfopt = os.path.join(a.build, "bin", "qf-opt")
    translate = os.path.join(a.llvm, "bin", "mlir-translate")
    llc = os.path.join(a.llvm, "bin", "llc")
    work = a.keep or tempfile.mkdtemp(prefix="qf-compile-time-")
    os.makedirs(work, exist_ok=True)
    pipe = "--qf-cpu-pipeline" + ("=" + a.pipeline_options if a.pipeline_options else "")
    print("machine: %d cores, load average %.2f %.2f %.2f at start"
          % ((os.cpu_count() or 0,) + os.getloadavg()))
    for spec in a.model or DEFAULT_MODELS:
        name, _, gen = spec.partition(":")
        src = os.path.join(work, name + ".mlir")
        subprocess.check_call([sys.executable, os.path.join(HERE, "gen-llm-model.py"),
                               "-o", src] + gen.split())
        rows = {}
        for flow in ("qf", "f32"):
            base = os.path.join(work, "%s.%s" % (name, flow))
            stages = []
            inp = src
            if flow == "qf":
                dt, cpu, mb, err = run([qfopt, inp, "--qf-quantize-model"], base + ".q.mlir")
                stages.append(("quantize", dt, cpu, mb))
                m = re.search(r"(\d+) of (\d+) contractions quantized", err)
                contractions = "%s/%s" % (m.group(1), m.group(2)) if m else "?"
                inp = base + ".q.mlir"
            dt, cpu, mb, _ = run([qfopt, inp, pipe], base + ".llvm.mlir")
            stages.append(("pipeline", dt, cpu, mb))
            with open(base + ".llvm.mlir") as f:
                kernels = len(set(re.findall(r"llvm\.func (?:private )?@(__qf_kernel_\d+)\(",
                                             f.read())))
            dt, cpu, mb, _ = run([translate, "--mlir-to-llvmir", base + ".llvm.mlir"],
                                base + ".ll")
            stages.append(("translate", dt, cpu, mb))
            dt, cpu, mb, _ = run([llc, "-O3", "-filetype=obj", base + ".ll", "-o", base + ".o"])
            stages.append(("llc -O3", dt, cpu, mb))
            rows[flow] = (stages, kernels, os.path.getsize(base + ".o"))
        print("\n%s (%s): %s contractions quantized, %d distinct kernel functions"
              % (name, gen, contractions, rows["qf"][1]))
        print("| flow | " + " | ".join("%s CPU s / MiB" % s[0] for s in rows["qf"][0])
              + " | total CPU s | total wall s | peak MiB | object MB |")
        print("|---|" + "---|" * (len(rows["qf"][0]) + 4))
        cpu, wall = {}, {}
        for flow in ("qf", "f32"):
            stages, _, size = rows[flow]
            cells = {s[0]: "%.1f / %.0f" % (s[2], s[3]) for s in stages}
            wall[flow] = sum(s[1] for s in stages)
            cpu[flow] = sum(s[2] for s in stages)
            print("| %s | %s | %.1f | %.1f | %.0f | %.2f |" % (
                flow, " | ".join(cells.get(s[0], "-") for s in rows["qf"][0]), cpu[flow],
                wall[flow], max(s[3] for s in stages), size / 1e6))
        print("qf / f32: %.2fx CPU time, %.2fx wall time"
              % (cpu["qf"] / cpu["f32"], wall["qf"] / wall["f32"]))
    print("\nload average %.2f %.2f %.2f at the end; files in %s" % (os.getloadavg() + (work,)))


if __name__ == "__main__":
    main()
