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
t_start=$(date +%s)
# Where the time goes: every step below and every chapter program is timed (scripts/timed.sh,
# one line "NAME SECONDS EXIT-STATUS" each); the table is printed and saved as
# plots/run_all_times.txt, which the docs show, and written even when a step fails.
times="$build/run_all_times.raw"
table="$src/plots/run_all_times.txt"
mkdir -p "$build" "$src/plots"
: > "$times"
rm -f "$table" "$build/chapter_times.txt"
timed() { bash "$src/scripts/timed.sh" "$times" "$@"; }
# The table: the steps in order, each chapter program under "chapters", slowest first; a step
# or program that failed is marked.
write_table() {
  {
    echo "Where the main command's time went: this run, $(nproc) cores," \
         "$(awk -F: '/^model name/{sub(/^ +/, "", $2); print $2; exit}' /proc/cpuinfo)"
    echo
    awk -v programs="$build/chapter_times.txt" '
      function row(indent, width, name, sec, rc) {
        printf "%s%-" width "s %7.1f s%s\n", indent, name, sec, rc != 0 ? "   FAILED (exit " rc ")" : ""
      }
      { row("  ", 28, $1, $2, $3); total += $2 }
      $1 == "chapters" {
        while ((getline line < programs) > 0) { split(line, f, " "); t[f[1]] = f[2]; code[f[1]] = f[3] }
        n = 0; for (p in t) name[++n] = p
        for (i = 1; i <= n; ++i) for (j = i + 1; j <= n; ++j) if (t[name[j]] > t[name[i]]) { x = name[i]; name[i] = name[j]; name[j] = x }
        small = 0; rest = 0
        for (i = 1; i <= n; ++i)
          if (t[name[i]] >= 0.5 || code[name[i]] != 0) row("    ", 26, name[i], t[name[i]], code[name[i]])
          else { ++small; rest += t[name[i]] }
        if (small) row("    ", 26, "(" small " more, < 0.5 s each)", rest, 0)
      }
      END { printf "  %-28s %7.1f s\n", "total until the docs step", total }' "$times"
    echo
    echo "  (the docs step, 6/6, comes after this table is written)"
  } > "$table.tmp" && mv "$table.tmp" "$table"
}
on_exit() {
  local rc=$?
  if [ ! -f "$table" ] && [ -s "$times" ]; then  # a step failed before the table was written
    write_table
    echo; cat "$table"
  fi
  echo; echo "Total time: $(( $(date +%s) - t_start )) s"
  exit $rc
}
trap on_exit EXIT
# fact PROGRAM KEY: the value PROGRAM saved in plots/PROGRAM.facts ("?" if it did not run)
fact() {
  [ -f "$src/plots/$1.facts" ] || { echo "?"; return; }
  awk -v k="$2" '$1 == k { print $2; found = 1 } END { if (!found) print "?" }' "$src/plots/$1.facts"
}

step "1/6 Debian packages";        timed "packages" bash "$src/scripts/install-deps.sh" main
step "2/6 data (MNIST digits, photos, LFW face crops)"; timed "data" bash "$src/scripts/fetch-data.sh"
step "3/6 configure ($build)"
timed "configure" cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DNN_EXERCISES=solutions \
      -DNN_BUILD_TESTS=OFF -DNN_BUILD_CHAPTERS=ON -DNN_BUILD_DOCS=ON -DNN_BUILD_BENCHMARKS=ON
# Only what this command runs: the chapter programs and the WebAssembly library of the docs'
# interactive pages (the exercise checker, the benchmarks and the tests have commands of their own).
step "4/6 build the chapter programs and the WebAssembly library"
timed "build" cmake --build "$build" -j "$jobs" --target chapter_programs web
step "5/6 run every chapter program into $src/plots"
timed "chapters" cmake --build "$build" --target chapters
write_table
echo
cat "$table"
echo
echo "==> Results (each program's own numbers, from plots/*.facts)"
echo "  digits, LeNet-5 + batch norm:      $(fact ch08_lenet_bn accuracy) % test accuracy"
echo "  Fashion-MNIST, epoch chosen on validation: $(fact ch08_fashion accuracy) % test accuracy (epoch $(fact ch08_fashion best_epoch) of $(fact ch08_fashion epochs));" \
     "shifts over $(fact ch08_fashion seeds) seeds: test loss $(fact ch08_fashion seed_test_loss_shift) against $(fact ch08_fashion seed_test_loss_plain) (beyond the spread: $(fact ch08_fashion seed_test_loss_exceeds))"
echo "  predict, real test digits:         $(fact ch08_predict accuracy_original) % as they are, $(fact ch08_predict accuracy_small) % shrunk to 20×20"
echo "  digit detection in scenes:         mAP@0.5 $(fact ch08_detect_digits map)"
echo "  faces, LFW crops, 5-fold CV:       CNN $(fact ch08_real_faces cnn_accuracy) ± $(fact ch08_real_faces cnn_std) %," \
     "logistic regression $(fact ch08_real_faces logistic_accuracy) ± $(fact ch08_real_faces logistic_std) %"
echo "  held-out faces in held-out scenes: AP@0.5 $(fact ch08_real_faces scene_ap)"
echo "  astronaut.png:                     IoU $(fact ch08_real_faces astronaut_iou) with the hand-labelled face;" \
     "$(fact ch08_real_faces photo_false_positives) false positives on the held-out halves of $(fact ch08_real_faces face_free_photos) face-free photos"
echo "  over $(fact ch08_ablations seeds) seeds, LeNet-5 ($(fact ch08_ablations epochs) epochs; difference from the plain baseline ± 95 % interval):"
echo "    batch norm $(fact ch08_ablations bn_on_diff) ± $(fact ch08_ablations bn_on_halfwidth) points (beyond the seed spread: $(fact ch08_ablations bn_on_beyond));" \
     "Adam $(fact ch08_ablations adam_diff) ± $(fact ch08_ablations adam_halfwidth) ($(fact ch08_ablations adam_beyond));" \
     "shifts $(fact ch08_ablations shift_on_diff) ± $(fact ch08_ablations shift_on_halfwidth) ($(fact ch08_ablations shift_on_beyond))"
step "6/6 docs";                   cmake --build "$build" --target docs
echo
echo "Figures and tables: $src/plots/"
echo "Docs:               $build/docs/html/index.html"
echo "Exercises:          bash scripts/exercises.sh"
