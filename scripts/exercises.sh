#!/usr/bin/env bash
# Shows the status of every exercise: builds YOUR bodies in exercises/stubs/ and runs the checks.
#   bash scripts/exercises.sh              all exercises
#   bash scripts/exercises.sh dense_backward,sgd_step   just these
# Each line says PASS, NOT DONE or WRONG; a failing one prints what was wrong, a hint citing
# the report's equation, and the file to edit. Exit 0 once every selected exercise passes.
set -euo pipefail
src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$src/build-exercises}"
if [ ! -f "$build/CMakeCache.txt" ]; then
  echo "exercises: configuring $build (NN_EXERCISES=stubs)"
  cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Debug -DNN_EXERCISES=stubs -DNN_BOUNDS_CHECK=ON \
        -DNN_BUILD_TESTS=OFF -DNN_BUILD_CHAPTERS=OFF -DNN_BUILD_DOCS=OFF >/dev/null
fi
cmake --build "$build" --target exercise_check -j "$(nproc)" >/dev/null || {
  echo "exercises: your code does not compile; the compiler says:" >&2
  cmake --build "$build" --target exercise_check -j 1 2>&1 | grep -E "error|note" | head -40 >&2
  exit 1
}
if [ $# -ge 1 ]; then exec "$build/exercises/exercise_check" --only "$1"; fi
exec "$build/exercises/exercise_check"
