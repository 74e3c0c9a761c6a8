#!/usr/bin/env python3
"""Crash matrix: every qf pass and pipeline over every .mlir input of the tests.

Each (input, configuration) pair runs `qf-opt --split-input-file <input>
<passes> -o /dev/null`. An input a pass rejects is fine (exit 1 with an
`error:` diagnostic); a signal, any other exit code, an exit 1 without a
diagnostic, a crash signature on stderr (LLVM ERROR, assertion, stack dump,
sanitizer report: Release builds have no assertions, so the text is checked
too) or a run past the timeout (a hang) is a failure. Known failures are
listed in EXPECTED_FAILURES with their reason; one that no longer fails is
reported too, so the list stays true.

Usage: crash-matrix.py --qf-opt BIN --tests DIR [--models DIR] [-j N]
The models folder defaults to $QF_MODELS_DIR; without one only the test
suite's own inputs run.
"""

import argparse
import concurrent.futures
import fnmatch
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time

# Passes whose options read files get them from test/Transforms/Inputs
# ({inputs}); the missing and garbage files check the error paths.
CONFIGS = [
    ("canonicalize", "--canonicalize"),
    ("canonicalize-cse", "--canonicalize --cse"),
    ("quantize-model", "--qf-quantize-model"),
    ("quantize-model-weight-only",
     "--qf-quantize-model=weight-format=nvfp4 activation-format=none"),
    ("quantize-model-args",
     "--qf-quantize-model=weight-format=mxint8 activation-format=nvint4 "
     "weights-as-arguments=true pad-k=false"),
    ("quantize-model-unfolded-mse",
     "--qf-quantize-model=fold-weights=false weight-scale-search=mse "
     "weight-format=mxfp6 activation-format=mxint8"),
    ("quantize-model-user-format",
     "--qf-quantize-model=weight-format=\"#qf.format<elem = f4E2M1FN, block = 16, "
     "scale = f8E4M3FN>\" "
     "activation-format=mxfp8"),
    ("quantize-model-bad-format", "--qf-quantize-model=weight-format=bogus"),
    ("insert-hadamard", "--qf-insert-hadamard"),
    ("quantize-hadamard",
     "--qf-quantize-model=fold-weights=false --qf-insert-hadamard"),
    ("quantize-hadamard-random-all",
     "--qf-quantize-model=fold-weights=false weight-format=nvint4 "
     "activation-format=nvint4 "
     "--qf-insert-hadamard=block=full randomize seed=7 mode=all "
     "--canonicalize --cse"),
    ("quantize-hadamard-residual",
     "--qf-quantize-model=fold-weights=false "
     "--qf-insert-hadamard=rotate-residual block=16"),
    ("quantize-hadamard-gamma",
     "--qf-quantize-model=fold-weights=false --qf-insert-hadamard=fold-gamma"),
    ("split-low-rank", "--qf-split-low-rank=rank=2"),
    ("quantize-split-low-rank",
     "--qf-quantize-model=fold-weights=false "
     "--qf-split-low-rank=energy=0.9 factor-type=bf16 --qf-report"),
    ("quantize-split-low-rank-decoded",
     "--qf-quantize-model=fold-weights=false weight-scale-search=mse "
     "--qf-split-low-rank=rank=1 factor-input=decoded --qf-fuse-requantize"),
    ("fuse-requantize", "--qf-fuse-requantize"),
    ("fuse-requantize-off",
     "--qf-fuse-requantize=epilogue=false elementwise=false remarks=false"),
    ("fuse-requantize-w8", "--qf-fuse-requantize=vector-width=8"),
    ("quantize-fuse", "--qf-quantize-model --qf-fuse-requantize"),
    ("fold-scales", "--qf-fold-scales=calibration={inputs}/calib.json"),
    ("fold-scales-percentile",
     "--qf-fold-scales=calibration={inputs}/calib.json method=percentile "
     "percentile=90"),
    ("fold-scales-mse", "--qf-fold-scales=calibration={inputs}/calib-mse.json "
     "method=mse"),
    ("fold-scales-entropy",
     "--qf-fold-scales=calibration={inputs}/calib-entropy.json method=entropy"),
    ("fold-scales-smooth",
     "--qf-fold-scales=calibration={inputs}/calib-smooth.json smooth-alpha=0.5"),
    ("fold-scales-missing",
     "--qf-fold-scales=calibration={inputs}/missing.json"),
    ("fold-scales-broken",
     "--qf-fold-scales=calibration={inputs}/calib-broken.json"),
    ("fold-scales-garbage", "--qf-fold-scales=calibration={garbage}"),
    ("quantize-unfolded-fold-scales",
     "--qf-quantize-model=fold-weights=false "
     "--qf-fold-scales=calibration={inputs}/calib.json"),
    ("assign-formats",
     "--qf-assign-formats=calibration={inputs}/calib-moments.json"),
    ("assign-formats-quantize",
     "--qf-assign-formats=calibration={inputs}/calib-moments.json budget=8 "
     "candidates=mxint8,nvfp4 objective=absolute "
     "quantize-options='activation-format=none' "
     "--qf-quantize-model=activation-format=none --qf-report"),
    ("assign-formats-v1", "--qf-assign-formats=calibration={inputs}/calib.json"),
    ("assign-formats-garbage", "--qf-assign-formats=calibration={garbage}"),
    ("assign-formats-gains-garbage",
     "--qf-assign-formats=calibration={inputs}/calib-moments.json "
     "objective=output output-gains={garbage}"),
    ("instrument-calibration", "--qf-instrument-calibration"),
    ("instrument-calibration-axis0",
     "--qf-instrument-calibration=channel-axis=0"),
    ("outline-kernels", "--qf-outline-kernels"),
    ("report", "--qf-report"),
    ("report-json-calibration",
     "--qf-report=json calibration={inputs}/calib-report.json"),
    ("convert-qf-to-vector", "--convert-qf-to-vector"),
    ("convert-qf-to-vector-w8", "--convert-qf-to-vector=vector-width=8"),
    ("convert-qf-to-vector-avx512", "--convert-qf-to-vector=x86-avx512"),
    ("cpu-pipeline", "--qf-cpu-pipeline"),
    ("cpu-pipeline-threads", "--qf-cpu-pipeline=threads=2"),
    ("cpu-pipeline-plain",
     "--qf-cpu-pipeline=fuse=false outline-kernels=false vector-width=8"),
    ("cpu-pipeline-out-params",
     "--qf-cpu-pipeline=out-params=true outline-kernels=false"),
    ("cpu-pipeline-avx512",
     "--qf-cpu-pipeline=target-cpu=x86-64-v4 avx512=true"),
    ("quantize-cpu-pipeline", "--qf-quantize-model --qf-cpu-pipeline"),
    ("quantize-arg-weight-activation",
     "--qf-quantize-model=arg-weight-format=activation"),
    ("repack-weights", "--canonicalize --qf-repack-weights"),
    ("sq-weights-cpu-pipeline",
     "--qf-quantize-model=weight-format=\"#qf.format<mxint4, bank = 32, "
     "outliers = 2>\" weight-scale-search=none activation-format=mxint8 "
     "--qf-cpu-pipeline"),
    ("sq-activations-calibration",
     "--qf-quantize-model=weight-format=mxint4 activation-format=\"#qf.format<"
     "mxint4, bank = 32, outliers = 2>\" calibration={inputs}/calib-sq-act.json "
     "--qf-cpu-pipeline"),
    ("sq-activations-garbage",
     "--qf-quantize-model=weight-format=mxint4 activation-format=\"#qf.format<"
     "mxint4, bank = 32, outliers = 2>\" calibration={garbage}"),
    ("import-int8", "--qf-import-int8"),
    ("import-int8-quantize-cpu-pipeline",
     "--qf-import-int8 --qf-quantize-model --qf-cpu-pipeline"),
    ("convert-qf-to-nvvm", "--convert-qf-to-nvvm=chip=sm_100a"),
    ("convert-qf-to-nvvm-requests",
     "--convert-qf-to-nvvm=chip=sm_90a require-hw-convert tensor-cores"),
    ("set-cpu-target", "--qf-set-cpu-target"),
    ("set-cpu-target-named",
     "--qf-set-cpu-target=target-cpu=znver4 target-features=-avx512f"),
]

# (input glob relative to its root, config name) -> reason. Every entry is a
# known failure still to be fixed; none may hide without a reason.
EXPECTED_FAILURES = {
}

CRASH_SIGNATURES = [
    "LLVM ERROR", "PLEASE submit a bug report", "Stack dump", "Assertion",
    "UNREACHABLE executed", "AddressSanitizer", "UndefinedBehaviorSanitizer",
    "runtime error:", "ThreadSanitizer", "LeakSanitizer", "terminate called",
    "Segmentation fault",
]


def split_args(spec, inputs, garbage):
    """Splits a config into qf-opt arguments: one per `--pass[=options]`."""
    spec = spec.format(inputs=inputs, garbage=garbage)
    return ["--" + a.strip() for a in re.split(r"(?:^|\s)--", spec) if a.strip()]


def find_inputs(root, label):
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for f in sorted(filenames):
            if f.endswith(".mlir"):
                path = os.path.join(dirpath, f)
                found.append((label + "/" + os.path.relpath(path, root), path))
    return found


def classify(proc_rc, stderr, timed_out):
    """Returns None for a clean run, else why it failed."""
    if timed_out:
        return "timeout (hang)"
    if proc_rc < 0:
        return "killed by signal %d" % -proc_rc
    for sig in CRASH_SIGNATURES:
        if sig in stderr:
            return "crash signature '%s'" % sig
    if proc_rc not in (0, 1):
        return "exit code %d" % proc_rc
    if proc_rc == 1 and "error:" not in stderr:
        return "exit code 1 without a diagnostic"
    return None


def is_asan_build(qf_opt):
    """Whether `qf_opt` carries the AddressSanitizer runtime (scripts/test.sh
    --sanitize): it reserves terabytes of shadow address space at start, so
    an address-space limit would stop every run."""
    try:
        with open(qf_opt, "rb") as f:
            return b"AddressSanitizer" in f.read()
    except OSError:
        return False


def limit_memory(mb, qf_opt):
    """A child over `mb` MiB of address space gets an allocation failure
    (reported as a crash) instead of taking the machine down. Under ASan the
    bound is ASan's own hard_rss_limit_mb instead (its report fails the
    run)."""
    if mb <= 0:
        return None
    if is_asan_build(qf_opt):
        os.environ["ASAN_OPTIONS"] = ":".join(
            o for o in (os.environ.get("ASAN_OPTIONS", ""),
                        "hard_rss_limit_mb=%d" % mb) if o)
        return None
    import resource

    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (mb << 20, mb << 20))
    return apply


def run_qf_opt(qf_opt, path, args, timeout, preexec):
    """Runs one command; returns (cmd, why it failed or None, stderr, secs)."""
    cmd = [qf_opt, "--split-input-file", path] + args + ["-o", "/dev/null"]
    start = time.monotonic()
    try:
        p = subprocess.run(cmd, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, timeout=timeout,
                           preexec_fn=preexec)
        rc, err, timed_out = p.returncode, p.stderr.decode(errors="replace"), False
    except OSError as e:
        rc, timed_out, err = 127, False, "error: cannot run: %s" % e
    except subprocess.TimeoutExpired as e:
        rc, timed_out = -9, True
        err = (e.stderr or b"").decode(errors="replace")
    return cmd, classify(rc, err, timed_out), err, time.monotonic() - start


def run_batch(a, batch, cfg, args, preexec, tmpdir):
    """Runs a config over a batch of inputs in one process (the inputs joined
    by split markers: qf-opt's start-up dominates small inputs). A batch that
    fails (or runs past the timeout of one input) is rerun input by input to
    name the culprits."""
    results = []
    if len(batch) > 1:
        joined = os.path.join(tmpdir, "%s-%d.mlir" % (cfg, id(batch)))
        with open(joined, "w") as f:
            for i, (_, path) in enumerate(batch):
                if i:
                    f.write("\n// -----\n")
                with open(path) as src:
                    f.write(src.read())
        cmd, why, err, secs = run_qf_opt(a.qf_opt, joined, args,
                                         a.timeout, preexec)
        os.unlink(joined)
        if not why:
            return [(name, cfg, None, None, "", secs / len(batch))
                    for name, _ in batch]
    for name, path in batch:
        cmd, why, err, secs = run_qf_opt(a.qf_opt, path, args, a.timeout,
                                         preexec)
        results.append((name, cfg, cmd, why, err, secs))
    return results


def report_stderr(err):
    """The diagnostic and the top of a stack dump: where it crashed."""
    lines = err.strip().splitlines()
    if "Stack dump" in err:
        first = next(i for i, l in enumerate(lines) if "Stack dump" in l)
        lines = lines[max(0, first - 6):first + 18]
    return lines[-24:]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--qf-opt", required=True)
    ap.add_argument("--tests", required=True, help="the test/ folder")
    ap.add_argument("--models", default=os.environ.get("QF_MODELS_DIR", ""),
                    help="third-party models (default: $QF_MODELS_DIR, else "
                    "--models-default)")
    ap.add_argument("--models-default", default="",
                    help="the build's QF_MODELS_DIR (CMake cache)")
    ap.add_argument("--garbage", default=os.path.abspath(__file__),
                    help="a file that is not a calibration table (default: "
                    "this script)")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=60,
                    help="seconds per input and config; past it, a hang")
    ap.add_argument("--batch", type=int, default=12,
                    help="inputs per qf-opt process")
    ap.add_argument("--memory-limit-mb", type=int, default=4096)
    ap.add_argument("--filter", default="",
                    help="only inputs or configs whose name matches this regex")
    a = ap.parse_args()

    inputs = find_inputs(a.tests, "test")
    a.models = a.models or a.models_default
    if a.models and os.path.isdir(a.models):
        inputs += find_inputs(a.models, "models")
    calib_dir = os.path.join(a.tests, "Transforms", "Inputs")
    preexec = limit_memory(a.memory_limit_mb, a.qf_opt)
    jobs, runs = [], 0
    for cfg, spec in CONFIGS:
        args = split_args(spec, calib_dir, a.garbage)
        chosen = [(n, p) for n, p in inputs
                  if not a.filter or re.search(a.filter, n) or
                  re.search(a.filter, cfg)]
        runs += len(chosen)
        for i in range(0, len(chosen), a.batch):
            jobs.append((chosen[i:i + a.batch], cfg, args))

    failures, xfails, xpasses, slowest = [], [], [], (0, "")
    start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="qf-crash-matrix-") as tmpdir, \
            concurrent.futures.ThreadPoolExecutor(a.jobs) as pool:
        futs = [pool.submit(run_batch, a, batch, cfg, args, preexec, tmpdir)
                for batch, cfg, args in jobs]
        for fut in concurrent.futures.as_completed(futs):
            for name, cfg, cmd, why, err, secs in fut.result():
                slowest = max(slowest, (secs, name + " x " + cfg))
                reason = next((r for (g, c), r in EXPECTED_FAILURES.items()
                               if c == cfg and fnmatch.fnmatch(name, g)), None)
                if why and reason:
                    xfails.append((name, cfg, reason))
                elif why:
                    failures.append((name, cfg, cmd, why, err))
                elif reason:
                    xpasses.append((name, cfg, reason))

    for name, cfg, cmd, why, err in sorted(failures, key=lambda f: f[:2]):
        print("FAIL: %s x %s: %s" % (name, cfg, why))
        print("  $ " + " ".join(shlex.quote(c) for c in cmd))
        for line in report_stderr(err):
            print("  | " + line)
    for name, cfg, reason in sorted(xfails):
        print("XFAIL: %s x %s (%s)" % (name, cfg, reason))
    for name, cfg, reason in sorted(xpasses):
        print("XPASS: %s x %s no longer fails; drop it from EXPECTED_FAILURES "
              "(%s)" % (name, cfg, reason))
    print("crash-matrix: %d inputs x %d configs = %d runs (%d processes) in "
          "%.0f s (slowest %.1f s: %s): %d failures, %d expected failures, "
          "%d unexpected passes" % (
              len(inputs), len(CONFIGS), runs, len(jobs),
              time.monotonic() - start, slowest[0], slowest[1],
              len(failures), len(xfails), len(xpasses)))
    return 1 if failures or xpasses else 0


if __name__ == "__main__":
    sys.exit(main())
