// "Draw a digit" (docs/web_digit.md): the page's canvas goes through the same calls as
// ch08_predict's PNG — nn::to_grayscale, nn::mnist_preprocess, nn::predict_probabilities —
// in the WebAssembly build of the library (lib/web/api.cpp: nn_web_load_model, nn_web_predict).
// The model is the one ch08_lenet_bn saved, as base64 in nn_model.js (window.NN_MODEL).
//
// For the browser test (tests/web/checks/web_digit.mjs), window.nnWeb.digit holds the last
// prediction {cls, p}, the number of predictions made, and the time of the first one.
"use strict";
NNWeb.start("digit", async (lib) => {
  const M = lib.M;
  const $ = (id) => document.getElementById(id);
  const canvas = $("digit-canvas"), seen = $("digit-input"), bars = $("digit-bars"), maps = $("digit-maps");
  const status = $("digit-status");
  const state = (window.nnWeb.digit = { count: 0, cls: -1, p: [], firstPredictionMs: null });

  // 1. the model: the bytes of ch08_lenet_bn.nnm, read by nn::load_model in the page
  if (typeof window.NN_MODEL !== "string")
    throw new Error("nn_model.js (the digit model) is missing: run ch08_lenet_bn, then build the docs");
  const text = atob(window.NN_MODEL), bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; ++i) bytes[i] = text.charCodeAt(i);
  const at = M._malloc(bytes.length);
  M.HEAPU8.set(bytes, at);
  const classes = M._nn_web_load_model(at, bytes.length);
  M._free(at);
  if (classes < 0) throw new Error("nn::load_model: " + lib.error());
  state.modelMs = performance.now();

  // 2. the ten bars
  const bar = [];
  for (let k = 0; k < classes; ++k) {
    const row = NNWeb.el("div", "nn-bar", undefined, bars);
    NNWeb.el("span", "nn-bar-label", String(k), row);
    const track = NNWeb.el("span", "nn-bar-track", undefined, row);
    const fill = NNWeb.el("span", "nn-bar-fill", undefined, track);
    const value = NNWeb.el("span", "nn-bar-value", "", row);
    bar.push({ row, fill, value });
  }

  // 3. the drawing: dark ink on white paper, as a photo of a drawing would be
  const ink = canvas.getContext("2d", { willReadFrequently: true });
  const clear = () => {
    ink.fillStyle = "#fff";
    ink.fillRect(0, 0, canvas.width, canvas.height);
  };
  ink.lineCap = ink.lineJoin = "round";
  ink.lineWidth = canvas.width / 14;
  ink.strokeStyle = "#111";
  const stroke = (points) => {
    ink.beginPath();
    ink.moveTo(points[0][0], points[0][1]);
    for (const [x, y] of points.slice(1)) ink.lineTo(x, y);
    if (points.length === 1) ink.lineTo(points[0][0] + 0.01, points[0][1]);
    ink.stroke();
  };

  // 4. one prediction: the canvas's RGBA bytes into the library, its results out
  const grayCanvas = (c, values, H, W, lo, hi) => {
    const g = c.getContext("2d");
    const img = g.createImageData(W, H);
    for (let i = 0; i < H * W; ++i) {
      const v = Math.round(255 * (hi > lo ? (values[i] - lo) / (hi - lo) : 0));
      img.data[4 * i] = img.data[4 * i + 1] = img.data[4 * i + 2] = v;
      img.data[4 * i + 3] = 255;
    }
    c.width = W;
    c.height = H;
    g.putImageData(img, 0, 0);
  };
  const mapCanvases = [];
  const predict = () => {
    const pixels = ink.getImageData(0, 0, canvas.width, canvas.height).data;
    const p8 = M._malloc(pixels.length);
    M.HEAPU8.set(pixels, p8);
    const cls = M._nn_web_predict(p8, canvas.width, canvas.height);
    M._free(p8);
    if (cls < 0) {
      status.textContent = lib.error();  // e.g. no ink yet
      return;
    }
    const p = Array.from(M.HEAPF64.subarray(M._nn_web_probabilities() / 8, M._nn_web_probabilities() / 8 + classes));
    const input = M.HEAPF32.subarray(M._nn_web_input() / 4, M._nn_web_input() / 4 + 784);
    grayCanvas(seen, input, 28, 28, 0, 1);
    state.input = Array.from(input);
    p.forEach((pk, k) => {
      bar[k].fill.style.width = (100 * pk).toFixed(1) + "%";
      bar[k].value.textContent = (100 * pk).toFixed(1) + " %";
      bar[k].row.classList.toggle("best", k === cls);
    });
    // the feature maps after each convolution, each map on its own gray scale (black = its
    // smallest value, white = its largest)
    const chw = M._malloc(12);
    for (let i = 0; i < M._nn_web_map_count(); ++i) {
      M._nn_web_map_shape(i, chw);
      const [C, H, W] = Array.from(M.HEAP32.subarray(chw / 4, chw / 4 + 3));
      if (!mapCanvases[i]) {
        const row = NNWeb.el("div", "nn-maps", undefined, maps);
        NNWeb.el("div", "nn-note", `after convolution ${i + 1}: ${C} maps of ${H}×${W}`, row);
        mapCanvases[i] = Array.from({ length: C }, () => NNWeb.el("canvas", "nn-map", undefined, row));
      }
      const base = M._nn_web_map(i) / 4;
      for (let c = 0; c < C; ++c) {
        const v = M.HEAPF32.subarray(base + c * H * W, base + (c + 1) * H * W);
        let lo = Infinity, hi = -Infinity;
        for (const x of v) (lo = Math.min(lo, x)), (hi = Math.max(hi, x));
        grayCanvas(mapCanvases[i][c], v, H, W, lo, hi);
      }
    }
    M._free(chw);
    state.cls = cls;
    state.p = p;
    state.count++;
    if (state.firstPredictionMs === null) state.firstPredictionMs = performance.now();
    status.textContent = `predicted: ${cls}  (${(100 * p[cls]).toFixed(1)} %)`;
  };
  // at most one prediction per frame while a stroke is drawn
  let pending = false;
  const soon = () => {
    if (!pending) (pending = true), requestAnimationFrame(() => ((pending = false), predict()));
  };

  // 5. mouse, pen or touch
  let drawing = null;
  const where = (e) => {
    const r = canvas.getBoundingClientRect();
    return [((e.clientX - r.left) * canvas.width) / r.width, ((e.clientY - r.top) * canvas.height) / r.height];
  };
  canvas.addEventListener("pointerdown", (e) => {
    canvas.setPointerCapture(e.pointerId);
    drawing = [where(e)];
    stroke(drawing);
    soon();
  });
  canvas.addEventListener("pointermove", (e) => {
    if (!drawing) return;
    const q = where(e);
    stroke([drawing[drawing.length - 1], q]);
    drawing.push(q);
    soon();
  });
  const end = () => {
    if (!drawing) return;
    drawing = null;
    predict();  // the final picture, at once
  };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  $("digit-clear").addEventListener("click", () => {
    clear();
    // nothing drawn, nothing predicted: the results go blank too
    grayCanvas(seen, new Float32Array(784), 28, 28, 0, 1);
    bar.forEach((b) => ((b.fill.style.width = "0"), (b.value.textContent = ""), b.row.classList.remove("best")));
    mapCanvases.flat().forEach((c) => c.getContext("2d").clearRect(0, 0, c.width, c.height));
    status.textContent = "draw a digit";
  });

  // 6. a digit to start with (a 2), predicted as soon as the page has loaded
  clear();
  const s = canvas.width / 280;
  stroke([[90, 95], [110, 70], [150, 62], [185, 80], [190, 115], [165, 150], [120, 190], [88, 215], [195, 215]].map(([x, y]) => [x * s, y * s]));
  predict();
  const t = window.nnWeb.timing.digit, ms = (x) => Math.round(x) + " ms";
  $("digit-timing").textContent =
    `This page classified its first digit ${ms(state.firstPredictionMs)} after it began to load: its script started at ` +
    `${ms(t.script)}, the library was running ${ms(t.library - t.script)} later, nn::load_model took ` +
    `${ms(state.modelMs - t.library)} and the first prediction ${ms(state.firstPredictionMs - state.modelMs)}.`;
});
