#!/usr/bin/env bash
# The test command (CI runs exactly this): install what is missing, build, and run the whole
# suite through ctest — first under AddressSanitizer + UBSan, then in a normal build (with index
# checks on) — and fuzz each file reader for 30 s (scripts/fuzz.sh).
#   bash scripts/run-tests.sh [--no-sanitize]
# BUILD_DIR (default build-tests/) and JOBS may be set.
set -euo pipefail
src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$src/build-tests}"
jobs="${JOBS:-$(nproc)}"
sanitize=1
[ "${1:-}" = "--no-sanitize" ] && sanitize=0
step() { echo; echo "==> $*"; }
start=$(date +%s)

step "Debian packages"; bash "$src/scripts/install-deps.sh" tests

if [ $sanitize = 1 ]; then
  step "AddressSanitizer + UBSan build ($build-asan)"
  # -O1: the sanitizers' usual setting — full checks, and the training tests run in seconds
  cmake -S "$src" -B "$build-asan" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" \
        -DNN_SANITIZE=ON -DNN_BOUNDS_CHECK=ON -DNN_EXERCISES=solutions -DNN_BUILD_DOCS=OFF
  cmake --build "$build-asan" -j "$jobs"
  step "ctest under ASan + UBSan"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$build-asan" -j "$jobs" --output-on-failure --label-exclude docs
fi

step "configure ($build)"
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNN_BOUNDS_CHECK=ON \
      -DNN_EXERCISES=solutions -DNN_BUILD_DOCS=ON
step "build"; cmake --build "$build" -j "$jobs"
step "ctest (the whole suite)"
ctest --test-dir "$build" -j "$jobs" --output-on-failure
step "fuzz smoke run: each reader 30 s under ASan + UBSan ($build-fuzz)"
BUILD_DIR="$build-fuzz" JOBS="$jobs" bash "$src/scripts/fuzz.sh" 30
echo "run-tests: done in $(( $(date +%s) - start )) s"
