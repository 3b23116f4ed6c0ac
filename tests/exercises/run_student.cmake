# Runs a checker built from a student's file twice — on a terminal (a pseudo-terminal from
# script(1)) and piped to a file — and asserts that both outputs report the exercise with the
# expected status (and mistake), that the exercises after it still ran, and that the summary
# line was printed.
#   cmake -DCHECKER=… -DEXERCISE=… -DEXPECT=wrong|crashed|timeout [-DMISTAKE=…] -DOUT=prefix -P run_student.cmake
string(TOUPPER "${EXPECT}" label)
if(EXPECT STREQUAL "timeout")
  set(label "TIMEOUT")
endif()
set(args --timeout 4)  # seconds for each exercise: the endless one is stopped after this
string(REPLACE ";" " " args_str "${args}")
execute_process(COMMAND "${CHECKER}" --list OUTPUT_VARIABLE names RESULT_VARIABLE rc)
string(REGEX REPLACE "\n$" "" names "${names}")
string(REPLACE "\n" ";" names "${names}")
list(LENGTH names n)
# the piped run
execute_process(COMMAND "${CHECKER}" ${args} OUTPUT_FILE "${OUT}.piped.txt" ERROR_FILE "${OUT}.piped.err"
                RESULT_VARIABLE piped_rc TIMEOUT 100)
file(READ "${OUT}.piped.txt" piped)
# the terminal run: script(1) gives the checker a pseudo-terminal, so stdout is a tty
find_program(SCRIPT script REQUIRED)
execute_process(COMMAND "${SCRIPT}" -qefc "\"${CHECKER}\" ${args_str}" /dev/null OUTPUT_VARIABLE tty
                ERROR_VARIABLE tty_err RESULT_VARIABLE tty_rc TIMEOUT 100)
string(REPLACE "\r" "" tty "${tty}")
foreach(run piped tty)
  set(text "${${run}}")
  if(NOT text MATCHES "${label} +[0-9.a-z]+ +${EXERCISE} ")
    message(FATAL_ERROR "${run}: no '${label} … ${EXERCISE}' line in:\n${text}")
  endif()
  if(MISTAKE AND NOT text MATCHES "exercises/mistakes/${MISTAKE}\\.cpp")
    message(FATAL_ERROR "${run}: the mistake ${MISTAKE} is not named in:\n${text}")
  endif()
  # every exercise has its line, so the ones after the broken one ran too
  foreach(name IN LISTS names)
    if(NOT text MATCHES "(PASS|NOT DONE|WRONG|CRASHED|TIMEOUT|ERROR) +[0-9.a-z]+ +${name} ")
      message(FATAL_ERROR "${run}: no line for exercise ${name} in:\n${text}")
    endif()
  endforeach()
  math(EXPR others "${n} - 1")
  if(NOT text MATCHES "\n${others} of ${n} exercises pass \\(1 ")
    message(FATAL_ERROR "${run}: no summary '${others} of ${n} exercises pass (1 …)' in:\n${text}")
  endif()
  if(${run}_rc EQUAL 0)
    message(FATAL_ERROR "${run}: exit status 0 although an exercise did not pass")
  endif()
endforeach()
message(STATUS "both runs report ${EXERCISE} as ${label}; the other ${others} exercises pass")
