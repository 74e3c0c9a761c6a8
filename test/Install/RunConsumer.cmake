# Script mode: install the build tree, configure/build the consumer, run it.
set(prefix "${QF_WORK_DIR}/prefix")
file(REMOVE_RECURSE "${QF_WORK_DIR}")
file(MAKE_DIRECTORY "${QF_WORK_DIR}")

function(run_step)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "step failed (${rc}): ${ARGN}")
  endif()
endfunction()

run_step(${CMAKE_COMMAND} --install "${QF_BUILD_DIR}" --prefix "${prefix}")
run_step(${CMAKE_COMMAND} -S "${QF_CONSUMER_SRC}" -B "${QF_WORK_DIR}/build"
  -G "${CMAKE_GENERATOR}"
  -DCMAKE_CXX_COMPILER=${CMAKE_CXX_COMPILER}
  -DCMAKE_C_COMPILER=${CMAKE_C_COMPILER}
  -DCMAKE_BUILD_TYPE=Release
  -DMLIR_DIR=${MLIR_DIR}
  -DQF_DIR=${prefix}/lib/cmake/qf)
run_step(${CMAKE_COMMAND} --build "${QF_WORK_DIR}/build")
execute_process(COMMAND "${QF_WORK_DIR}/build/qf-consumer"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message(STATUS "consumer output:\n${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "qf-consumer failed (${rc})")
endif()
if(NOT out MATCHES "qf.constant codes \\[0x06, 0x03\\] scales \\[0x7F\\]")
  message(FATAL_ERROR "qf-consumer did not fold the quantized constant")
endif()
