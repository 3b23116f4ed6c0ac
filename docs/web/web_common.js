// The interactive pages' shared part: starts the WebAssembly library (nn_web.js, built by
// scripts/build-wasm.sh from lib/web/api.cpp), swaps the static figure for the live one, and
// moves arrays between JavaScript and the wasm heap.
//
// A page holds <div id="ID-static"> (the figure the chapter program drew; all a reader without
// JavaScript sees) and <div id="ID-live" hidden> (the widget), and calls
// NNWeb.start("ID", function (lib) { ... }). When it has started, window.nnWeb.ready[ID] is
// true, and window.nnWeb.timing[ID] holds when (performance.now(), ms after navigation) its
// script ran, the library had started and the widget was ready; a failure is logged with console.error and shown in the page, and the static figure
// stays.
"use strict";
window.nnWeb = window.nnWeb || { ready: {}, errors: [], timing: {} };

const NNWeb = {
  /// Starts the library once for the page and calls init(lib) with the helpers below.
  start(id, init) {
    const go = async () => {
      const live = document.getElementById(id + "-live");
      const fail = (why) => {
        window.nnWeb.errors.push(why);
        console.error("nn_web (" + id + "): " + why);
        if (live) {
          const p = document.createElement("p");
          p.className = "nn-web-error";
          p.textContent = "The interactive figure could not start: " + why;
          live.parentNode.insertBefore(p, live);
        }
      };
      if (typeof NN_WEB !== "function")
        return fail("nn_web.js is missing beside this page (build the docs with: cmake --build build --target docs)");
      try {
        const timing = (window.nnWeb.timing[id] = { script: performance.now() });
        if (!window.nnWeb.module) {
          // the wasm's bytes, from nn_web_wasm.js (a browser fetches no .wasm from file://)
          if (typeof window.NN_WEB_WASM !== "string")
            throw new Error("nn_web_wasm.js is missing beside this page (build the docs with: cmake --build build --target docs)");
          const text = atob(window.NN_WEB_WASM), wasm = new Uint8Array(text.length);
          for (let i = 0; i < text.length; ++i) wasm[i] = text.charCodeAt(i);
          window.nnWeb.module = NN_WEB({ wasmBinary: wasm });
        }
        const lib = NNWeb.helpers(await window.nnWeb.module);
        timing.library = performance.now();
        await init(lib);
        timing.ready = performance.now();
        const still = document.getElementById(id + "-static");
        if (still) still.hidden = true;
        if (live) live.hidden = false;
        window.nnWeb.ready[id] = true;
      } catch (e) {
        fail(e && e.message ? e.message : String(e));
      }
    };
    // the page's scripts stand after its widget: start at once, while the rest of the page
    // (MathJax, the navigation tree) still loads, unless the widget is not there yet
    if (document.getElementById(id + "-live") || document.readyState !== "loading") go();
    else document.addEventListener("DOMContentLoaded", go);
  },

  /// The module M with helpers for calls that take and return arrays of doubles.
  helpers(M) {
    const lib = {
      M,
      /// The message of the last failed call.
      error: () => M.UTF8ToString(M._nn_web_error()),
      /// Calls M["_" + name](...args), where an array argument (of numbers) is copied to the
      /// heap as doubles and {out: n} is an output of n doubles; returns {ret, outs: [arrays]}.
      /// A negative return throws with the library's message.
      call(name, ...args) {
        const ptrs = [], outs = [];
        const real = args.map((a) => {
          if (Array.isArray(a) || a instanceof Float64Array) {
            const p = M._malloc(8 * Math.max(1, a.length));
            M.HEAPF64.set(a, p / 8);
            ptrs.push(p);
            return p;
          }
          if (a && typeof a === "object" && "out" in a) {
            const p = M._malloc(8 * Math.max(1, a.out));
            ptrs.push(p);
            outs.push({ p, n: a.out });
            return p;
          }
          return a;
        });
        try {
          const ret = M["_" + name](...real);
          if (ret < 0) throw new Error(name + ": " + lib.error());
          return { ret, outs: outs.map((o) => Array.from(M.HEAPF64.subarray(o.p / 8, o.p / 8 + o.n))) };
        } finally {
          ptrs.forEach((p) => M._free(p));
        }
      },
    };
    return lib;
  },

  /// A number as the pages print it: up to 4 significant digits, no trailing zeros.
  fmt(x) {
    if (x === 0) return "0";
    const s = Math.abs(x) >= 1e4 || Math.abs(x) < 1e-3 ? x.toExponential(2) : String(+x.toPrecision(4));
    return s.replace("-", "−");
  },

  /// A table of rows × cols cells under a caption, appended to parent; cell(td, i) fills the
  /// cell of row-major index i (the grids of numbers of the max-pool and Eq. (42) pages).
  grid(parent, caption, rows, cols, cell) {
    const t = NNWeb.el("table", "nn-grid", undefined, parent);
    NNWeb.el("caption", "", caption, t);
    for (let r = 0; r < rows; ++r) {
      const tr = NNWeb.el("tr", "", undefined, t);
      for (let c = 0; c < cols; ++c) cell(NNWeb.el("td", "", undefined, tr), r * cols + c);
    }
  },

  /// An element with a class and text, optionally appended to a parent.
  el(tag, cls, text, parent) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    if (parent) parent.appendChild(e);
    return e;
  },
};
window.NNWeb = NNWeb;
