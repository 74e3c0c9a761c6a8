# lit configuration for the qf test suite.
import os

import lit.formats
from lit.llvm import llvm_config
from lit.llvm.subst import ToolSubst

config.name = "QF"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir"]
config.excludes = ["Inputs", "CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py",
                   "consumer"]
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
def upstream(name):
    if not upstream_prefix:
        return ToolSubst(name, unresolved="fatal")
    path = os.path.join(config.llvm_tools_dir, name)
    return ToolSubst(name, command=" ".join(upstream_prefix + [path]),
                     unresolved="fatal")
tools = [
    ToolSubst("qf-opt", unresolved="fatal"),
    ToolSubst("qf-gen-ref", unresolved="ignore"),
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
