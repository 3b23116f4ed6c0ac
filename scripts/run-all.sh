#!/usr/bin/env bash
# The main command: install what is missing, fetch the data, build, run every chapter program
# (figures and tables into plots/), build the docs (build/docs/html/index.html).
#   bash scripts/run-all.sh
# Idempotent; each step says what it does. BUILD_DIR (default build/) and JOBS may be set.
set -euo pipefail
src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${BUILD_DIR:-$src/build}"
jobs="${JOBS:-$(nproc)}"
step() { echo; echo "==> $*"; }

step "1/6 Debian packages";        bash "$src/scripts/install-deps.sh" main
step "2/6 data (MNIST digits, photos)"; bash "$src/scripts/fetch-data.sh"
step "3/6 configure ($build)"
cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DNN_EXERCISES=solutions \
      -DNN_BUILD_TESTS=OFF -DNN_BUILD_CHAPTERS=ON -DNN_BUILD_DOCS=ON -DNN_BUILD_BENCHMARKS=ON
step "4/6 build";                  cmake --build "$build" -j "$jobs"
step "5/6 run every chapter program into $src/plots"
cmake --build "$build" --target chapters
step "6/6 docs";                   cmake --build "$build" --target docs
echo
echo "Figures and tables: $src/plots/"
echo "Docs:               $build/docs/html/index.html"
echo "Exercises:          bash scripts/exercises.sh"
