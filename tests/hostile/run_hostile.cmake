# Runs one program on a hostile input and checks that it ends as the issue demands: with the
# expected exit code, a message matching REGEX (the file and the fault), within TIMEOUT seconds
# and under MEMORY_MB of memory. Memory is capped with prlimit --as in a normal build; under
# AddressSanitizer (whose shadow memory needs terabytes of address space) with ASan's own
# hard_rss_limit_mb and max_allocation_size_mb, which is stricter: a single allocation above the
# cap aborts the program (fails the test) even where the code would have survived a failed malloc.
# Usage: cmake -DPROGRAM=path "-DARGS=a|b|c" -DEXIT=n "-DREGEX=..." -DSANITIZED=ON|OFF
#              [-DMEMORY_MB=1024] [-DTIMEOUT=30] -P run_hostile.cmake
if(NOT DEFINED MEMORY_MB)
  set(MEMORY_MB 1024)
endif()
if(NOT DEFINED TIMEOUT)
  set(TIMEOUT 10)  # "within a few seconds"; every case takes under 3 s even under ASan
endif()
string(REPLACE "|" ";" args "${ARGS}")
set(ENV{OMP_NUM_THREADS} 1)
set(ENV{OPENBLAS_NUM_THREADS} 1)
if(SANITIZED)
  set(ENV{ASAN_OPTIONS} "hard_rss_limit_mb=${MEMORY_MB}:max_allocation_size_mb=${MEMORY_MB}:allocator_may_return_null=0:detect_leaks=0")
  set(cmd "${PROGRAM}" ${args})
else()
  math(EXPR bytes "${MEMORY_MB} * 1024 * 1024")
  set(cmd prlimit "--as=${bytes}" -- "${PROGRAM}" ${args})
endif()
string(TIMESTAMP t0 "%s")
execute_process(COMMAND ${cmd} TIMEOUT ${TIMEOUT} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(TIMESTAMP t1 "%s")
math(EXPR seconds "${t1} - ${t0}")
message("${out}")
message("stderr:\n${err}")
message("exit ${rc} after about ${seconds} s, memory capped at ${MEMORY_MB} MB")
if(NOT rc STREQUAL "${EXIT}")
  message(FATAL_ERROR "expected exit code ${EXIT}, got '${rc}'")
endif()
if(NOT "${out}${err}" MATCHES "${REGEX}")
  message(FATAL_ERROR "the output does not match: ${REGEX}")
endif()
