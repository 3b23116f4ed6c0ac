#!/usr/bin/env bash
# LeNet-5, ours against PyTorch (Debian's python3-torch, if installed), in one run on the same
# machine with the same number of threads: training throughput, then inference (batch 64
# images/s and batch 1 latency); prints every round, the medians and the ratios.
#   bash scripts/bench-lenet5.sh [THREADS] [EPOCHS] [ROUNDS]
# The programs take turns ROUNDS times (default 5): ours, then PyTorch's, in every round, so
# that a slow spell of a noisy machine hits both sides, not one. Training times EPOCHS epochs
# (default 2) after a warm-up one; inference times 3 passes over the digits after a warm-up one
# and 2,000 single images. The median of the rounds is the result.
# PyTorch runs with glibc's malloc tuned, its best setting here (it loses 5–40 % without):
#   TORCH_GLIBC_TUNABLES (default glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=17179869184);
# set TORCH_GLIBC_TUNABLES= (empty) for glibc's defaults.
# Needs the main build (scripts/run-all.sh; the benchmark programs are built here if missing)
# and the data (scripts/fetch-data.sh).
# BASELINE_BIN=path/to/another/bench_lenet5_train adds a third program to every training round
# (say, the build of an earlier commit) and prints the ratio ours/baseline: a before-and-after
# measured interleaved.
set -euo pipefail
src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
threads="${1:-2}"
epochs="${2:-2}"
rounds="${3:-5}"
for v in "threads:$threads:64" "epochs:$epochs:100" "rounds:$rounds:100"; do
  IFS=: read -r what value limit <<< "$v"
  [[ "$value" =~ ^[0-9]+$ ]] && [ "$value" -ge 1 ] && [ "$value" -le "$limit" ] ||
    { echo "bench: $what must be a whole number from 1 to $limit, not '$value'" \
           "(usage: bash scripts/bench-lenet5.sh [THREADS] [EPOCHS] [ROUNDS])" >&2; exit 2; }
done
build="${BUILD_DIR:-$src/build}"
tunables="${TORCH_GLIBC_TUNABLES-glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=17179869184}"
[ -f "$build/CMakeCache.txt" ] || { echo "missing $build: run  bash scripts/run-all.sh  first" >&2; exit 1; }
cmake --build "$build" --target bench_lenet5_train bench_lenet5_infer -j "$(nproc)" > /dev/null ||
  { echo "bench: could not build the benchmarks in $build (configured with -DNN_BUILD_BENCHMARKS=ON?)" >&2; exit 1; }
train_bin="$build/benchmarks/bench_lenet5_train"
infer_bin="$build/benchmarks/bench_lenet5_infer"
cpu=$(awk -F: '/^model name/{sub(/^ +/, "", $2); print $2; exit}' /proc/cpuinfo)
echo "bench: CPU ${cpu:-unknown}, OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-<unset>}, $(nproc) cores, $threads threads," \
     "$epochs timed epochs, $rounds rounds; PyTorch's GLIBC_TUNABLES=${tunables:-<glibc defaults>}"
baseline="${BASELINE_BIN:-}"
[ -z "$baseline" ] || [ -x "$baseline" ] || { echo "BASELINE_BIN=$baseline is not an executable" >&2; exit 1; }
have_torch=1
/usr/bin/python3 -c "import torch" 2>/dev/null || have_torch=0
# PyTorch with its own threads and OpenBLAS kept to one (design notes, "Speed facts": no oversubscription)
torch_run() {
  env ${tunables:+GLIBC_TUNABLES="$tunables"} OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS="$threads" \
    /usr/bin/python3 "$src/scripts/lenet5_torch.py" --threads "$threads" --data "$src/data" "$@"
}
field() { awk -v k="$1" '$1 == k { print $2 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# spread WHAT VALUES...: warns when the rounds' ratios differ by more than 1.5× (a busy machine)
spread() {
  local what=$1; shift
  printf '%s\n' "$@" | sort -g | awk -v w="$what" 'NR == 1 { lo = $1 } { hi = $1 }
    END { if (lo > 0 && hi / lo > 1.5) printf "bench: WARNING: the %s ratios of the rounds range from %s to %s: the machine was busy, so the median says little; run again when it is idle\n", w, lo, hi }'
}

echo
echo "== training: images/s (higher is better)"
ours_all=() theirs_all=() ratios=() base_all=() base_ratios=()
for r in $(seq 1 "$rounds"); do
  ours=$("$train_bin" --threads "$threads" --epochs "$epochs" --data "$src/data")
  [ "$r" = 1 ] && echo "$ours" | head -1
  o=$(echo "$ours" | field ours_images_per_second)
  ours_all+=("$o")
  if [ -n "$baseline" ]; then
    bo=$("$baseline" --threads "$threads" --epochs "$epochs" --data "$src/data" | field ours_images_per_second)
    base_all+=("$bo")
    base_ratios+=("$(ratio "$o" "$bo")")
    echo "round $r: baseline $bo images/s, ours/baseline ${base_ratios[-1]}"
  fi
  if [ $have_torch = 0 ]; then
    echo "round $r: ours $o images/s"
    continue
  fi
  theirs=$(torch_run --epochs "$epochs")
  [ "$r" = 1 ] && echo "$theirs" | head -1
  t=$(echo "$theirs" | field torch_images_per_second)
  theirs_all+=("$t")
  ratios+=("$(ratio "$o" "$t")")
  echo "round $r: ours $o images/s, PyTorch $t images/s, ratio ${ratios[-1]}"
done
echo "ours_images_per_second_median $(median "${ours_all[@]}")"
if [ -n "$baseline" ]; then
  echo "baseline_images_per_second_median $(median "${base_all[@]}")"
  echo "ratio ours/baseline, median of $rounds rounds = $(median "${base_ratios[@]}")  (rounds: ${base_ratios[*]})"
fi
[ $have_torch = 0 ] || {
  echo "torch_images_per_second_median $(median "${theirs_all[@]}")"
  echo "training ratio ours/PyTorch, median of $rounds rounds = $(median "${ratios[@]}")  (rounds: ${ratios[*]})"
  spread training "${ratios[@]}"
}

echo
echo "== inference: batch 64 images/s (higher is better), batch 1 median latency in µs (lower is better)"
o64=() o1=() t64=() t1=() r64=() r1=()
for r in $(seq 1 "$rounds"); do
  ours=$("$infer_bin" --threads "$threads" --data "$src/data")
  [ "$r" = 1 ] && echo "$ours" | head -1
  o64+=("$(echo "$ours" | field ours_batch64_images_per_second)")
  o1+=("$(echo "$ours" | field ours_batch1_median_us)")
  if [ $have_torch = 0 ]; then
    echo "round $r: ours ${o64[-1]} images/s at batch 64, ${o1[-1]} µs at batch 1"
    continue
  fi
  theirs=$(torch_run --inference)
  [ "$r" = 1 ] && echo "$theirs" | head -1
  t64+=("$(echo "$theirs" | field torch_batch64_images_per_second)")
  t1+=("$(echo "$theirs" | field torch_batch1_median_us)")
  r64+=("$(ratio "${o64[-1]}" "${t64[-1]}")")
  r1+=("$(ratio "${o1[-1]}" "${t1[-1]}")")
  echo "round $r: batch 64 ours ${o64[-1]} images/s, PyTorch ${t64[-1]}, ratio ${r64[-1]};" \
       "batch 1 ours ${o1[-1]} µs, PyTorch ${t1[-1]} µs, ratio ${r1[-1]}"
done
echo "ours_batch64_images_per_second_median $(median "${o64[@]}")"
echo "ours_batch1_median_us_median $(median "${o1[@]}")"
if [ $have_torch = 0 ]; then
  echo "bench: PyTorch is not installed (apt-get install --no-install-recommends python3-torch); no ratios"
  exit 0
fi
echo "torch_batch64_images_per_second_median $(median "${t64[@]}")"
echo "torch_batch1_median_us_median $(median "${t1[@]}")"
echo "inference batch 64 ratio ours/PyTorch (images/s), median of $rounds rounds = $(median "${r64[@]}")  (rounds: ${r64[*]})"
echo "inference batch 1 latency ratio ours/PyTorch (time), median of $rounds rounds = $(median "${r1[@]}")  (rounds: ${r1[*]})"
spread "inference batch 64" "${r64[@]}"
spread "inference batch 1" "${r1[@]}"
