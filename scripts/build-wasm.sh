#!/usr/bin/env bash
# Builds the WebAssembly library of the interactive pages with Debian's emscripten:
# OUT_DIR/nn_web.js (emscripten's loader) and OUT_DIR/nn_web.wasm (the library); build-docs.sh
# puts both beside the pages (lib/web/CMakeLists.txt says what differs from the native build).
#   scripts/build-wasm.sh OUT_DIR
set -euo pipefail
src="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: build-wasm.sh OUT_DIR}"
command -v emcmake >/dev/null ||
  { echo "build-wasm: emscripten is missing: apt-get install --no-install-recommends emscripten" >&2; exit 1; }
# Debian's emscripten finds its JavaScript optimizer's parser (acorn) only through NODE_PATH.
export NODE_PATH=/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}
emcmake cmake -S "$src" -B "$out" -DCMAKE_BUILD_TYPE=Release > "$out.configure.log" 2>&1 ||
  { cat "$out.configure.log" >&2; echo "build-wasm: configuring $out failed" >&2; exit 1; }
# under make (the target 'web' of the native build), the outer make's job server shares the
# cores; run alone, use them all
if [ -n "${MAKEFLAGS:-}" ]; then cmake --build "$out"; else cmake --build "$out" -j "${JOBS:-$(nproc)}"; fi
echo "build-wasm: $out/nn_web.js"
