#!/usr/bin/env bash
# Builds the Doxygen HTML with offline MathJax and the doxygen-awesome-css theme (with its dark-mode
# toggle), both from Debian packages; fails on any Doxygen warning.
#   scripts/build-docs.sh OUT_DIR [PLOTS_DIR [WEB_JS]]
# OUT_DIR/html/index.html is the result; PLOTS_DIR (default plots/) holds the figures and
# tables the chapter pages show, made by the chapter programs. WEB_JS is the WebAssembly library
# of the interactive pages (nn_web.js from scripts/build-wasm.sh); without it those pages show
# their static figures and say what is missing.
set -euo pipefail
src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: build-docs.sh OUT_DIR [PLOTS_DIR]}"
plots="${2:-$src/plots}"
web_js="${3:-}"
mathjax=/usr/share/javascript/mathjax
theme=/usr/share/doxygen-awesome-css
command -v doxygen >/dev/null || { echo "doxygen is missing: apt-get install --no-install-recommends doxygen graphviz libjs-mathjax" >&2; exit 1; }
[ -f "$mathjax/MathJax.js" ] || { echo "MathJax is missing: apt-get install --no-install-recommends libjs-mathjax" >&2; exit 1; }
for f in doxygen-awesome.css doxygen-awesome-sidebar-only.css doxygen-awesome-sidebar-only-darkmode-toggle.css \
         doxygen-awesome-darkmode-toggle.js; do
  [ -f "$theme/$f" ] || { echo "the doxygen-awesome-css theme is missing ($theme/$f): apt-get install --no-install-recommends doxygen-awesome-css" >&2; exit 1; }
done
mkdir -p "$out"
out="$(cd "$out" && pwd)"
plots="$(cd "$plots" && pwd)"
sed -e "s|@SOURCE_DIR@|$src|g" -e "s|@OUT_DIR@|$out|g" -e "s|@PLOTS_DIR@|$plots|g" -e "s|@THEME_DIR@|$theme|g" \
  "$src/docs/Doxyfile.in" > "$out/Doxyfile"
# The page header: this Doxygen's own template with the theme's dark-mode toggle added before </head>
# (it needs jquery.js, which the template loads earlier in <head>).
mkdir -p "$out/theme"
(cd "$out/theme" && doxygen -w html header-default.html footer-default.html stylesheet-default.css)
sed -e 's|^</head>$|<script type="text/javascript" src="$relpath^doxygen-awesome-darkmode-toggle.js"></script>\
<script type="text/javascript">DoxygenAwesomeDarkModeToggle.init()</script>\
</head>|' "$out/theme/header-default.html" > "$out/theme/header.html"
grep -q 'DoxygenAwesomeDarkModeToggle.init' "$out/theme/header.html" ||
  { echo "docs: could not add the dark-mode toggle to Doxygen's header ($out/theme/header-default.html has no </head> line)" >&2; exit 1; }
# Every measured number a page quotes ({{PROGRAM:KEY}}) must have been saved by its program.
perl "$src/scripts/docs-facts.pl" check "$plots" "$src"/docs/*.md ||
  { echo "docs: pages quote measurements that $plots lacks (see above)" >&2; exit 1; }
# The main command's table of where its time went (scripts/run-all.sh writes it before this
# step); docs built by another command (the tests) say where it comes from instead.
rm -rf "$out/fallback"
mkdir -p "$out/fallback"
[ -f "$plots/run_all_times.txt" ] ||
  echo "(No table here: these pages were not built by the main command, bash scripts/run-all.sh, which times its steps.)" \
    > "$out/fallback/run_all_times.txt"
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
# Markup that Doxygen left raw (it does not warn about it) fails the build too.
perl "$src/scripts/docs-lint-html.pl" "$out/html" ||
  { echo "docs: raw markup in the generated pages (see above)" >&2; exit 1; }
# The interactive pages' scripts, the WebAssembly library (its wasm as a script) and the digit
# model that ch08_lenet_bn saved (as a script too, so that the pages load both from file://).
cp "$src"/docs/web/*.js "$src"/docs/web/*.css "$out/html/"
if [ -n "$web_js" ]; then
  [ -f "$web_js" ] || { echo "docs: $web_js is missing: build it with  bash scripts/build-wasm.sh $(dirname "$web_js")" >&2; exit 1; }
  wasm="${web_js%.js}.wasm"
  [ -f "$wasm" ] || { echo "docs: $wasm is missing: build it with  bash scripts/build-wasm.sh $(dirname "$web_js")" >&2; exit 1; }
  cp "$web_js" "$out/html/nn_web.js"
  { printf 'window.NN_WEB_WASM = "'; base64 -w0 "$wasm"; printf '";\n'; } > "$out/html/nn_web_wasm.js"
fi
if [ -f "$plots/ch08_lenet_bn.nnm" ]; then
  { printf 'window.NN_MODEL = "'; base64 -w0 "$plots/ch08_lenet_bn.nnm"; printf '";\n'; } > "$out/html/nn_model.js"
fi
# MathJax from Debian's libjs-mathjax, linked so the pages work offline.
ln -sfn "$mathjax" "$out/html/mathjax"
echo "docs: $out/html/index.html"
