#!/usr/bin/env bash
# Builds the Doxygen HTML with offline MathJax; fails on any Doxygen warning.
#   scripts/build-docs.sh OUT_DIR [PLOTS_DIR]
# OUT_DIR/html/index.html is the result; PLOTS_DIR (default plots/) holds the figures and
# tables the chapter pages show, made by the chapter programs.
set -euo pipefail
src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: build-docs.sh OUT_DIR [PLOTS_DIR]}"
plots="${2:-$src/plots}"
mathjax=/usr/share/javascript/mathjax
command -v doxygen >/dev/null || { echo "doxygen is missing: apt-get install --no-install-recommends doxygen graphviz libjs-mathjax" >&2; exit 1; }
[ -f "$mathjax/MathJax.js" ] || { echo "MathJax is missing: apt-get install --no-install-recommends libjs-mathjax" >&2; exit 1; }
mkdir -p "$out"
out="$(cd "$out" && pwd)"
plots="$(cd "$plots" && pwd)"
sed -e "s|@SOURCE_DIR@|$src|g" -e "s|@OUT_DIR@|$out|g" -e "s|@PLOTS_DIR@|$plots|g" \
  "$src/docs/Doxyfile.in" > "$out/Doxyfile"
rm -rf "$out/html"
echo "docs: doxygen $out/Doxyfile (figures from $plots)"
if ! doxygen "$out/Doxyfile"; then
  echo "docs: doxygen failed; warnings:" >&2
  cat "$out/doxygen-warnings.log" >&2
  exit 1
fi
if [ -s "$out/doxygen-warnings.log" ]; then
  echo "docs: doxygen warnings (they count as errors):" >&2
  cat "$out/doxygen-warnings.log" >&2
  exit 1
fi
# MathJax from Debian's libjs-mathjax, linked so the pages work offline.
ln -sfn "$mathjax" "$out/html/mathjax"
echo "docs: $out/html/index.html"
