# lit configuration for the qf test suite.
import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "QF"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py",
                   "consumer", "lib"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.qf_obj_root, "test")

llvm_config.with_system_environment(["HOME", "TMPDIR", "TMP", "TEMP"])
llvm_config.use_default_substitutions()

def lib(name):
    return os.path.join(config.mlir_lib_dir, "lib" + name + ".so")

config.substitutions.append(("%qf_plugin", os.path.join(config.qf_lib_dir, "libQFPlugin.so")))
config.substitutions.append(("%mlir_runner_utils", lib("mlir_runner_utils")))
config.substitutions.append(("%mlir_c_runner_utils", lib("mlir_c_runner_utils")))
config.substitutions.append(("%qf_src", config.qf_src_root))

tool_dirs = [config.qf_tools_dir, config.llvm_tools_dir]
# A sanitizer build (QF_SANITIZE) instruments the plugin and libqf_runtime.so;
# the uninstrumented mlir-opt and mlir-runner that load them get the ASan
# runtime preloaded.
upstream_prefix = []
if getattr(config, "qf_sanitize", "OFF").upper() in ("ON", "1", "TRUE", "YES"):
    config.available_features.add("asan")
    import subprocess
    asan_rt = subprocess.check_output(
        [config.qf_cxx_compiler, "-print-file-name=libclang_rt.asan-x86_64.so"],
        text=True).strip()
    upstream_prefix = ["env", "LD_PRELOAD=" + asan_rt]
    # The Python drivers of the demo tests run mlir-runner themselves.
    config.environment["QF_MLIR_RUNNER"] = " ".join(
        upstream_prefix + [os.path.join(config.llvm_tools_dir, "mlir-runner")])
def upstream(name):
    if not upstream_prefix:
        return ToolSubst(name, unresolved="fatal")
    path = os.path.join(config.llvm_tools_dir, name)
    return ToolSubst(name, command=" ".join(upstream_prefix + [path]),
                     unresolved="fatal")
tools = [
    ToolSubst("qf-opt", unresolved="fatal"),
    ToolSubst("qf-gen-ref", unresolved="ignore"),
    ToolSubst("qf-cuda-probe", unresolved="fatal"),
    upstream("mlir-opt"),
    upstream("mlir-runner"),
    ToolSubst("mlir-translate", unresolved="fatal"),
    ToolSubst("llc", unresolved="fatal"),
    ToolSubst("llvm-nm", unresolved="fatal"),
    ToolSubst("llvm-objdump", unresolved="fatal"),
    ToolSubst("clang", unresolved="ignore"),
]
llvm_config.add_tool_substitutions(tools, tool_dirs)
llvm_config.with_environment("PATH", config.qf_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

# test/Models needs third-party IR that is not in the repository: the folder
# is QF_MODELS_DIR from the environment of the test run, else the CMake cache
# option of the same name; without one those tests report UNSUPPORTED.
_models_dir = os.environ.get("QF_MODELS_DIR") or config.qf_models_dir
if _models_dir and os.path.isdir(_models_dir):
    config.available_features.add("models")
    config.substitutions.append(("%models_dir", os.path.abspath(_models_dir)))
# ptxas and its CUDA toolkit (CMake's QF_PTXAS): `REQUIRES: ptxas` tests
# assemble kernels with gpu-module-to-binary toolkit=%cuda_toolkit.
if config.ptxas and os.path.exists(config.ptxas):
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", config.ptxas))
    config.substitutions.append(("%cuda_toolkit", config.cuda_toolkit))

# OpenMP runtime for the threaded qf-cpu-pipeline (convert-scf-to-openmp).
_omp = os.path.join(config.mlir_lib_dir, "libomp.so")
config.substitutions.append(("%omp_lib", _omp))

# The qf runtime (calibration observers) for executed tests.
config.substitutions.append(("%qf_runtime", os.path.join(config.qf_lib_dir, "libqf_runtime.so")))

import sys
config.substitutions.append(("%python", sys.executable))

# The host CPU, for tests of qf-cpu-pipeline's default (the host's CPU, with
# AVX-512 kernels exactly when it has avx512f) and of named x86 CPUs.
import platform
if platform.machine().lower() in ("x86_64", "amd64"):
    config.available_features.add("host-x86_64")
    try:
        with open("/proc/cpuinfo") as f:
            _flags = next((l.split(":", 1)[1].split() for l in f
                           if l.startswith("flags")), [])
    except OSError:
        _flags = []
    if "avx512f" in _flags:
        config.available_features.add("host-avx512f")

# GPU programs: qf's CUDA runtime (mlir-runner -shared-libs=%qf_cuda_runtime),
# the fake driver that runs their host side anywhere (test/lib), and the
# features of the GPUs present: `cuda` with any usable NVIDIA GPU,
# `cuda-sm_<NN>` per chip (cuda-sm_90, cuda-sm_100, cuda-sm_120, ...) and its
# family `cuda-sm_<N>x` (cuda-sm_9x, cuda-sm_10x, cuda-sm_12x).
# qf-cuda-probe asks the driver through the runtime; LLVM's nvptx-arch is the
# fallback. QF_NO_GPU_TESTS=1 in the environment turns the features off.
config.substitutions.append(("%qf_cuda_runtime",
                             os.path.join(config.qf_lib_dir, "libqf_cuda_runtime.so")))
config.substitutions.append(("%qf_lib_dir", config.qf_lib_dir))
# The C++ compiler of this build, to link ahead-of-time compiled test programs.
config.substitutions.append(("%host_cxx", config.qf_cxx_compiler))
config.substitutions.append(("%fake_cuda_driver",
                             os.path.join(config.qf_lib_dir, "libqf_fake_cuda_driver.so")))
llvm_config.with_system_environment(["QF_CUDA_DRIVER_LIBRARY"])
# Host-side lowering of a GPU program after its kernels are in NVVM, upstream
# passes only (the tail of MLIR's gpu-lower-to-nvvm-pipeline).
config.substitutions.append(("%gpu_host_lowering", ", ".join([
    "convert-nvgpu-to-nvvm", "convert-scf-to-cf", "convert-cf-to-llvm",
    "convert-arith-to-llvm", "convert-index-to-llvm", "finalize-memref-to-llvm",
    "convert-func-to-llvm", "gpu-to-llvm", "reconcile-unrealized-casts"])))

def _cuda_chips():
    import subprocess
    for tool in (os.path.join(config.qf_tools_dir, "qf-cuda-probe"),
                 os.path.join(config.llvm_tools_dir, "nvptx-arch")):
        if not os.path.exists(tool):
            continue
        try:
            out = subprocess.run([tool], capture_output=True, text=True,
                                 timeout=120)
        except (OSError, subprocess.SubprocessError):
            continue
        if out.returncode == 0:
            # Device order, each chip once.
            return list(dict.fromkeys(line.split()[0] for line in
                                      out.stdout.splitlines()
                                      if line.startswith("sm_")))
        return []
    return []

if os.environ.get("QF_NO_GPU_TESTS", "") not in ("1", "ON", "on", "yes"):
    _chips = _cuda_chips()
    if _chips:
        # Tests compile for the first GPU's chip.
        config.substitutions.append(("%cuda_chip", _chips[0]))
    for _chip in _chips:
        config.available_features.add("cuda")
        config.available_features.add("cuda-" + _chip)
        # The family too (cuda-sm_12x for sm_120 and sm_121): instructions of
        # the family-specific targets (sm_120f) run on all of its chips.
        config.available_features.add("cuda-" + _chip[:-1] + "x")
        lit_config.note("GPU present: " + _chip)
