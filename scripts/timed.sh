#!/usr/bin/env bash
# Runs a command and appends "NAME SECONDS EXIT-STATUS" to TIMES (one line per run), so that the main
# command can say where its time went (scripts/run-all.sh prints the table and saves it for the
# docs). The command's exit status is passed on.
#   timed.sh TIMES NAME COMMAND [ARGS...]
set -uo pipefail
[ $# -ge 3 ] || { echo "usage: timed.sh TIMES NAME COMMAND [ARGS...]" >&2; exit 2; }
times=$1 name=$2
shift 2
t0=$(date +%s%N)
"$@"
rc=$?
t1=$(date +%s%N)
awk -v n="$name" -v ns=$((t1 - t0)) -v rc=$rc 'BEGIN { printf "%s %.1f %d\n", n, ns / 1e9, rc }' >> "$times"
exit $rc
