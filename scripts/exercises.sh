#!/usr/bin/env bash
# Shows the status of every exercise: builds YOUR bodies in exercises/stubs/ and runs the checks.
#   bash scripts/exercises.sh                            all exercises
#   bash scripts/exercises.sh dense_backward,sgd_step    just these
#   bash scripts/exercises.sh --list                     their names
#   bash scripts/exercises.sh relu_prime --timeout 30    more time for each (default 10 s)
# Each exercise runs in a process of its own, so a crash or an endless loop in one is reported
# (CRASHED, TIMEOUT) and the others still run. A failing one prints the first wrong element,
# which kinds of input fail, the typical mistake your answer equals (if it equals one), a hint
# citing the report's equation, and the file to edit.
#
# All exercises are linked into one checker, so a file that does not compile stops every check
# until it is fixed (put the throw back to skip an exercise). JOBS=N sets the build's parallel
# jobs (default: the number of cores).
#
# Exit status: 0 every selected exercise passes; 1 some do not (NOT DONE, WRONG, CRASHED,
# TIMEOUT); 2 a usage error; 3 your code does not compile.
set -uo pipefail
src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$src/build-exercises}"
args=()
if [ $# -ge 1 ] && [ "${1#--}" = "$1" ]; then  # a first argument without -- names the exercises
  args=(--only "$1")
  shift
fi
args+=("$@")

mkdir -p "$build"
log="$build/exercises-build.log"
first_run=0
if [ ! -f "$build/CMakeCache.txt" ]; then
  first_run=1
  echo "exercises: first run: configuring $build and building the library once" \
       "(a few minutes on 2 cores; later runs rebuild only the files you changed)"
  if ! cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DNN_EXERCISES=stubs -DNN_BOUNDS_CHECK=ON \
         -DNN_BUILD_TESTS=OFF -DNN_BUILD_CHAPTERS=OFF -DNN_BUILD_DOCS=OFF >"$log" 2>&1; then
    cat "$log" >&2
    echo "exercises: cmake could not configure $build (see above)" >&2
    exit 3
  fi
fi
# Build once, keeping the compiler's output: on an error it is shown once, without make's own
# progress lines; warnings in your files are shown but do not stop the checks.
jobs="${JOBS:-$(nproc)}"
make_noise='^\[ *[0-9]+%\]|^g?make(\[[0-9]+\])?: |^Consolidate compiler generated'  # make's own lines
# On the first run, which compiles the library, the checks and the catalogue of mistakes, the
# build's progress every 10 %; later runs rebuild a file or two and say nothing.
progress() {
  awk -v logfile="$log" -v show="$first_run" '{ print > logfile; fflush(logfile) }
    show && match($0, /^\[ *[0-9]+%\]/) { p = substr($0, 2, RLENGTH - 3) + 0
      if (p >= next_mark) { printf "exercises: building, %d %%\n", p; next_mark = p - p % 10 + 10; fflush() } }'
}
cmake --build "$build" --target exercise_check -j "$jobs" 2>&1 | progress
if [ "${PIPESTATUS[0]}" -ne 0 ]; then
  echo "exercises: your code does not compile; the compiler says:" >&2
  grep -v -E "$make_noise" "$log" >&2
  echo "exercises: fix the first error above, then run this again (the full log: $log)" >&2
  exit 3
fi
if grep -q "warning:" "$log"; then
  echo "exercises: your code compiles, with warnings (they do not stop the checks):"
  grep -v -E "$make_noise" "$log"
  echo
fi
"$build/exercises/exercise_check" "${args[@]}"
status=$?
if [ "$status" -eq 2 ]; then
  echo "usage: bash scripts/exercises.sh [NAME[,NAME...]] [--list] [--timeout SECONDS]" >&2
fi
exit "$status"
