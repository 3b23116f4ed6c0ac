#!/usr/bin/env bash
# Fuzzes the readers of files a user hands the programs (IDX, PNG, model files, WIDER FACE
# annotations, .npy arrays) with libFuzzer, under AddressSanitizer + UBSan, each target for SECONDS
# (default 600). The test command runs it with 30. The corpus grows in BUILD_DIR/tests/fuzz/corpus
# and is kept between runs; an input that breaks a reader is left in BUILD_DIR/tests/fuzz/artifacts/.
#   bash scripts/fuzz.sh [SECONDS]
# BUILD_DIR (default build-fuzz/) and JOBS may be set.
set -euo pipefail
src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$src/build-fuzz}"
jobs="${JOBS:-$(nproc)}"
seconds="${1:-600}"
command -v clang++ >/dev/null || { echo "fuzz: clang++ is missing; as root run:  apt-get install --no-install-recommends clang libclang-rt-14-dev libomp-dev" >&2; exit 1; }
echo "fuzz: building the library and 5 fuzz targets with clang, ASan + UBSan ($build)"
CXX=clang++ cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DNN_FUZZ=ON -DNN_NATIVE=OFF \
      -DNN_FUZZ_SECONDS="$seconds" >/dev/null
cmake --build "$build" -j "$jobs"
log="$build/fuzz.log"
echo "fuzz: running the IDX, PNG, model-file, WIDER FACE and .npy targets for $seconds s each, $jobs at a time (log: $log)"
rc=0
ctest --test-dir "$build" -j "$jobs" --output-on-failure -V -L fuzz >"$log" 2>&1 || rc=$?
# one line per target: executions and coverage (the whole output is in the log)
grep -E "fuzz_[a-z_]+: [0-9]+ executions|found a fault" "$log" | sed 's/^[0-9]*: //' || true
[ $rc -eq 0 ] && echo "fuzz: all 5 targets ran without a crash, leak, timeout or memory overrun"
if [ $rc -ne 0 ]; then
  grep -E -A40 "found a fault|ERROR: (AddressSanitizer|libFuzzer)|runtime error" "$log" | head -80 >&2 || true
  echo "fuzz: a target failed; its log is $log" >&2
fi
exit $rc
