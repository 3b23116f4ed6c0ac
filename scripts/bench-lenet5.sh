#!/usr/bin/env bash
# LeNet-5 training throughput, ours against PyTorch (Debian's python3-torch, if installed), in
# one run on the same machine, with the same number of threads; prints both and the ratio.
#   bash scripts/bench-lenet5.sh [THREADS] [EPOCHS] [ROUNDS]
# The two programs take turns ROUNDS times (default 3), each timing EPOCHS epochs after a
# warm-up one: a slow spell of a noisy machine then hits both sides, not one. Every round's
# ratio is printed, and the median of the rounds is the result.
# Needs the main build (build/benchmarks/bench_lenet5_train) and the data (scripts/fetch-data.sh).
# BASELINE_BIN=path/to/another/bench_lenet5_train adds a third program to every round (say, the
# build of an earlier commit) and prints the ratio ours/baseline: a before-and-after measured
# interleaved, so that a slow spell of the machine hits both.
set -euo pipefail
src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
threads="${1:-2}"
epochs="${2:-2}"
rounds="${3:-3}"
bin="${BUILD_DIR:-$src/build}/benchmarks/bench_lenet5_train"
[ -x "$bin" ] || { echo "missing $bin: run  bash scripts/run-all.sh  first" >&2; exit 1; }
cpu=$(awk -F: '/^model name/{sub(/^ +/, "", $2); print $2; exit}' /proc/cpuinfo)
echo "bench: CPU ${cpu:-unknown}, OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-<unset>}, $(nproc) cores, $threads threads," \
     "$epochs timed epochs, $rounds rounds"
baseline="${BASELINE_BIN:-}"
[ -z "$baseline" ] || [ -x "$baseline" ] || { echo "BASELINE_BIN=$baseline is not an executable" >&2; exit 1; }
have_torch=1
/usr/bin/python3 -c "import torch" 2>/dev/null || have_torch=0

ours_all=() theirs_all=() ratios=() base_all=() base_ratios=()
for r in $(seq 1 "$rounds"); do
  ours=$("$bin" --threads "$threads" --epochs "$epochs" --data "$src/data")
  [ "$r" = 1 ] && echo "$ours" | head -1
  o=$(echo "$ours" | awk '/^ours_images_per_second/{print $2}')
  ours_all+=("$o")
  if [ -n "$baseline" ]; then
    bo=$("$baseline" --threads "$threads" --epochs "$epochs" --data "$src/data" | awk '/^ours_images_per_second/{print $2}')
    base_all+=("$bo")
    base_ratios+=("$(awk -v o="$o" -v b="$bo" 'BEGIN { printf "%.3f", o / b }')")
    echo "round $r: baseline $bo images/s, ours/baseline ${base_ratios[-1]}"
  fi
  if [ $have_torch = 0 ]; then
    echo "round $r: ours $o images/s"
    continue
  fi
  # PyTorch with its own threads and OpenBLAS kept to one (design notes, "Speed facts": no oversubscription)
  theirs=$(OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS="$threads" /usr/bin/python3 "$src/scripts/lenet5_torch.py" \
             --threads "$threads" --epochs "$epochs" --data "$src/data")
  [ "$r" = 1 ] && echo "$theirs" | head -1
  t=$(echo "$theirs" | awk '/^torch_images_per_second/{print $2}')
  theirs_all+=("$t")
  ratio=$(awk -v o="$o" -v t="$t" 'BEGIN { printf "%.3f", o / t }')
  ratios+=("$ratio")
  echo "round $r: ours $o images/s, PyTorch $t images/s, ratio $ratio"
done

median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo "ours_images_per_second_median $(median "${ours_all[@]}")"
if [ -n "$baseline" ]; then
  echo "baseline_images_per_second_median $(median "${base_all[@]}")"
  echo "ratio ours/baseline, median of $rounds rounds = $(median "${base_ratios[@]}")  (rounds: ${base_ratios[*]})"
fi
if [ $have_torch = 0 ]; then
  echo "bench: PyTorch is not installed (apt-get install --no-install-recommends python3-torch); no ratio"
  exit 0
fi
echo "torch_images_per_second_median $(median "${theirs_all[@]}")"
echo "ratio ours/PyTorch, median of $rounds rounds = $(median "${ratios[@]}")  (rounds: ${ratios[*]})"
