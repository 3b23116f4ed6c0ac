#!/usr/bin/env bash
# LeNet-5 training throughput, ours against PyTorch (Debian's python3-torch, if installed), in
# one run on the same machine, with the same number of threads; prints both and the ratio.
#   bash scripts/bench-lenet5.sh [THREADS] [EPOCHS]
# Needs the main build (build/benchmarks/bench_lenet5_train) and the data (scripts/fetch-data.sh).
set -euo pipefail
src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
threads="${1:-2}"
epochs="${2:-3}"
bin="${BUILD_DIR:-$src/build}/benchmarks/bench_lenet5_train"
[ -x "$bin" ] || { echo "missing $bin: run  bash scripts/run-all.sh  first" >&2; exit 1; }
echo "bench: OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-<unset>}, $(nproc) cores, $threads threads, $epochs timed epochs"
ours=$("$bin" --threads "$threads" --epochs "$epochs" --data "$src/data")
echo "$ours"
if ! /usr/bin/python3 -c "import torch" 2>/dev/null; then
  echo "bench: PyTorch is not installed (apt-get install --no-install-recommends python3-torch); no ratio"
  exit 0
fi
# PyTorch with its own threads and OpenBLAS kept to one (DESIGN "Speed facts": no oversubscription)
theirs=$(OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS="$threads" /usr/bin/python3 "$src/scripts/lenet5_torch.py" \
           --threads "$threads" --epochs "$epochs" --data "$src/data")
echo "$theirs"
o=$(echo "$ours" | awk '/^ours_images_per_second/{print $2}')
t=$(echo "$theirs" | awk '/^torch_images_per_second/{print $2}')
awk -v o="$o" -v t="$t" 'BEGIN { printf "ratio ours/PyTorch = %.2f  (%.0f vs %.0f images/s)\n", o / t, o, t }'
