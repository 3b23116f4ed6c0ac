# Runs one libFuzzer target for SECONDS from the seed corpus SEEDS, growing the corpus WORK
# (kept between runs, so a longer run goes on from where the last one stopped), with the limits
# every input must respect: 1 GB of memory (and no single allocation above it) and 10 s per
# input. Prints the executions and the coverage; fails on any crash, leak, timeout or memory
# overrun, leaving the input that caused it in WORK/../artifacts/.
# Usage: cmake -DFUZZER=path -DSEEDS=dir -DWORK=dir -DSECONDS=n [-DDICT=file] -P run_fuzzer.cmake
get_filename_component(name "${FUZZER}" NAME)
get_filename_component(artifacts "${WORK}/../../artifacts" ABSOLUTE)
file(MAKE_DIRECTORY "${WORK}" "${artifacts}")
set(dict_arg "")
if(DICT)
  set(dict_arg "-dict=${DICT}")
endif()
set(ENV{OMP_NUM_THREADS} 1)
set(ENV{OPENBLAS_NUM_THREADS} 1)
execute_process(
  COMMAND "${FUZZER}" -max_total_time=${SECONDS} -rss_limit_mb=1024 -malloc_limit_mb=1024 -timeout=10
          -max_len=65536 -print_final_stats=1 -artifact_prefix=${artifacts}/${name}- ${dict_arg} "${WORK}" "${SEEDS}"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(REGEX MATCH "stat::number_of_executed_units: *[0-9]+" runs "${err}")
string(REGEX MATCH "#[0-9]+[ \t]+DONE[^\n]*" done "${err}")
string(REGEX MATCH "cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9]+[a-zA-Z]*" cov "${done}")
if(rc EQUAL 0)
  string(REGEX REPLACE "stat::number_of_executed_units: *" "" runs "${runs}")
  message("${name}: ${runs} executions in ${SECONDS} s; at the end ${cov} (cov: edges of our code covered, "
          "ft: features, corp: inputs/bytes kept)")
else()
  message("${err}")
  message(FATAL_ERROR "${name} found a fault (exit ${rc}); the input is in ${artifacts}/")
endif()
