# Script mode: install the build tree, configure/build the consumer, run it;
# then run the installed qf-opt, qf-pack-weights and libQFPlugin.so.
set(prefix "${QF_WORK_DIR}/prefix")
file(REMOVE_RECURSE "${QF_WORK_DIR}")
file(MAKE_DIRECTORY "${QF_WORK_DIR}")

function(run_step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "step failed (${rc}): ${ARGN}")
  endif()
endfunction()

# Runs a command, fails unless it exits 0 and its stdout matches `regex`.
function(run_and_match what regex)
  execute_process(COMMAND ${ARGN}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message(STATUS "${what} output:\n${out}${err}")
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${what} failed (${rc}): ${ARGN}")
  endif()
  if(NOT out MATCHES "${regex}")
    message(FATAL_ERROR "${what}: output does not match '${regex}'")
  endif()
endfunction()

run_step(${CMAKE_COMMAND} --install "${QF_BUILD_DIR}" --prefix "${prefix}")
run_step(${CMAKE_COMMAND} -S "${QF_CONSUMER_SRC}" -B "${QF_WORK_DIR}/build"
  -G "${CMAKE_GENERATOR}"
  -DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER}
  -DCMAKE_C_COMPILER=${CMAKE_C_COMPILER}
  -DCMAKE_BUILD_TYPE=Release
  "-DCMAKE_EXE_LINKER_FLAGS=${QF_CONSUMER_LINK_FLAGS}"
  -DMLIR_DIR=${MLIR_DIR}
  -DQF_DIR=${prefix}/lib/cmake/qf)
run_step(${CMAKE_COMMAND} --build "${QF_WORK_DIR}/build")

# [4.0, 1.5] in one E2M1 block of 2: scale 2^0 (0x7F), codes 6 -> 0x06 and
# 1.5 -> 0x03 (docs/numerics.md section 3.1).
set(folded "qf.constant codes \\[0x06, 0x03\\] scales \\[0x7F\\]")
run_and_match("qf-consumer" "${folded}" "${QF_WORK_DIR}/build/qf-consumer")

# The installed executables and plugin must load LLVM's shared libraries
# through their own run path (no LD_LIBRARY_PATH, no build tree).
set(input "${QF_WORK_DIR}/fold.mlir")
file(WRITE "${input}" [=[
!t = !qf.tensor<2xf32, #qf.format<elem = f4E2M1FN, block = 2, scale = f8E8M0FNU>>
func.func @f() -> !t {
  %c = arith.constant dense<[4.0, 1.5]> : tensor<2xf32>
  %q = qf.quantize %c : tensor<2xf32> -> !t
  return %q : !t
}
]=])
run_and_match("installed qf-opt" "${folded}"
  "${prefix}/bin/qf-opt" "${input}" --canonicalize)
# Two f32 weights written as text: the bytes "@@@@" and "AAAA" are the
# little-endian floats 0x40404040 (3.0039) and 0x41414141 (12.078). One E2M1
# block: amax 12.078 gives scale 2^1 (0x80); 1.502 -> 1.5 (0x3) and 6.039
# saturates to 6 (0x7), packed low nibble first (D10): 0x73.
set(weights "${QF_WORK_DIR}/w.f32")
file(WRITE "${weights}" "@@@@AAAA")
run_and_match("installed qf-pack-weights" "codes 0x73\nscales 0x80"
  "${prefix}/bin/qf-pack-weights"
  "--format=#qf.format<elem = f4E2M1FN, block = 2, scale = f8E8M0FNU>"
  --shape=2 --axis=0 --hex "${weights}")
set(plugin "${prefix}/lib/libQFPlugin.so")
run_and_match("mlir-opt + installed dialect plugin" "${folded}"
  ${QF_TOOL_ENV} "${QF_MLIR_OPT}" "--load-dialect-plugin=${plugin}" "${input}" --canonicalize)
run_and_match("mlir-opt + installed pass plugin"
  "qf-report: 1 quantized tensors"
  ${QF_TOOL_ENV} "${QF_MLIR_OPT}" "--load-dialect-plugin=${plugin}"
  "--load-pass-plugin=${plugin}" "${input}"
  "--pass-pipeline=builtin.module(qf-report)" -o /dev/null)
# The installed qf-cuda-probe finds the installed libqf_cuda_runtime.so and,
# with no driver to load, says so and exits 1 (on any machine: the driver
# library is pointed at a file that does not exist).
execute_process(
  COMMAND ${CMAKE_COMMAND} -E env
    "QF_CUDA_DRIVER_LIBRARY=${QF_WORK_DIR}/no-such-libcuda.so.1"
    "${prefix}/bin/qf-cuda-probe"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message(STATUS "installed qf-cuda-probe output:\n${out}${err}")
if(NOT rc EQUAL 1 OR NOT err MATCHES "no CUDA driver: cannot load")
  message(FATAL_ERROR "installed qf-cuda-probe: expected exit status 1 and "
                      "'no CUDA driver', got ${rc}")
endif()
