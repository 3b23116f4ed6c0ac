// "Gradient descent, Figure 3" (docs/web_gradient_descent.md): Eq. (20), θ ← θ − α∇f(θ), by
// nn::sgd_step of the WebAssembly library (lib/web/api.cpp: nn_web_descend) on the valley
// f(x, y) = ½(λ₁x² + λ₂y²) of ch03_gradient_descent. Drag the start point, slide α and λ₂.
//
// For the browser test (tests/web/checks/web_gradient_descent.mjs), window.nnWeb.gd holds the
// start, α, λ₁, λ₂, the path the library took, the threshold 2/λ_max and the verdict.
"use strict";
NNWeb.start("gd", async (lib) => {
  const $ = (id) => document.getElementById(id);
  const canvas = $("gd-canvas"), alpha = $("gd-alpha"), lambda2 = $("gd-lambda2"), text = $("gd-text");
  const g = canvas.getContext("2d");
  const X = 5, Y = 2.5;  // the picture shows [−X, X] × [−Y, Y], as Figure 3
  const l1 = 1, steps = 60, limit = 50;
  const state = (window.nnWeb.gd = { x0: -4.5, y0: 1.6 });  // Figure 3's start
  Object.assign(alpha, { min: 0.005, max: 0.3, step: 0.005 });
  alpha.value = 0.24;  // Figure 3's zig-zag

  const px = (x) => ((x + X) / (2 * X)) * canvas.width;
  const py = (y) => ((Y - y) / (2 * Y)) * canvas.height;
  const fromPx = (u, v) => [(u / canvas.width) * 2 * X - X, Y - (v / canvas.height) * 2 * Y];

  const draw = () => {
    const a = +alpha.value, l2 = +lambda2.value, lmax = Math.max(l1, l2), threshold = 2 / lmax;
    $("gd-alpha-v").textContent = a.toFixed(3);
    $("gd-lambda2-v").textContent = l2;
    const path = lib.call("nn_web_descend", state.x0, state.y0, a, l1, l2, steps, limit, { out: 2 * (steps + 1) });
    const n = path.ret, pts = [];
    for (let i = 0; i < n; ++i) pts.push([path.outs[0][2 * i], path.outs[0][2 * i + 1]]);
    // each step multiplies x by 1 − αλ₁ and y by 1 − αλ₂: it diverges once one |1 − αλ| > 1
    const factor = Math.max(Math.abs(1 - a * l1), Math.abs(1 - a * l2));
    const verdict = factor > 1 ? "diverges" : factor === 1 ? "neither" : "converges";
    const outside = pts.findIndex(([x, y]) => Math.abs(x) > X || Math.abs(y) > Y);  // −1: never left
    Object.assign(state, { alpha: a, l1, l2, path: pts, threshold, factor, verdict, outside, diverges: factor > 1 });

    // the valley's level sets f = c (ellipses), the path, the start
    g.fillStyle = "#fff";
    g.fillRect(0, 0, canvas.width, canvas.height);
    g.strokeStyle = "#c9d3e0";
    g.lineWidth = 1;
    for (const c of [0.1, 0.5, 1, 2, 4, 7, 11, 16]) {
      g.beginPath();
      for (let t = 0; t <= 64; ++t) {
        const x = Math.sqrt((2 * c) / l1) * Math.cos((2 * Math.PI * t) / 64), y = Math.sqrt((2 * c) / l2) * Math.sin((2 * Math.PI * t) / 64);
        t ? g.lineTo(px(x), py(y)) : g.moveTo(px(x), py(y));
      }
      g.stroke();
    }
    g.fillStyle = "#333";
    g.beginPath();
    g.arc(px(0), py(0), 3, 0, 2 * Math.PI);
    g.fill();
    g.strokeStyle = state.diverges ? "#d62728" : "#1f77b4";
    g.lineWidth = 2;
    g.beginPath();
    pts.forEach(([x, y], i) => (i ? g.lineTo(px(x), py(y)) : g.moveTo(px(x), py(y))));
    g.stroke();
    g.fillStyle = g.strokeStyle;
    for (const [x, y] of pts) g.fillRect(px(x) - 2, py(y) - 2, 4, 4);
    g.fillStyle = "#ff7f0e";
    g.beginPath();
    g.arc(px(state.x0), py(state.y0), 7, 0, 2 * Math.PI);
    g.fill();

    const [xe, ye] = pts[pts.length - 1];
    const fe = 0.5 * (l1 * xe * xe + l2 * ye * ye);
    text.textContent =
      `λ₁ = ${l1}, λ₂ = ${l2}: λ_max = ${lmax}, so the descent converges for α < 2/λ_max = ${NNWeb.fmt(threshold)} ` +
      `and diverges beyond. Now α = ${a.toFixed(3)}: each step multiplies x by 1 − αλ₁ = ${NNWeb.fmt(1 - a * l1)} ` +
      `and y by 1 − αλ₂ = ${NNWeb.fmt(1 - a * l2)}, so it ` +
      (state.diverges ? `DIVERGES (|1 − αλ₂| = ${NNWeb.fmt(factor)} > 1)` + (outside >= 0 ? `; the path leaves the picture at step ${outside}.` : ".")
       : factor === 1 ? "neither converges nor diverges: at α = 2/λ_max exactly it jumps between two points for ever."
       : `converges: after ${n - 1} steps f = ${NNWeb.fmt(fe)}.`);
  };

  // drag the start point (or click anywhere to move it there)
  let dragging = false;
  const move = (e) => {
    const r = canvas.getBoundingClientRect();
    const [x, y] = fromPx(((e.clientX - r.left) * canvas.width) / r.width, ((e.clientY - r.top) * canvas.height) / r.height);
    state.x0 = Math.max(-X, Math.min(X, x));
    state.y0 = Math.max(-Y, Math.min(Y, y));
    draw();
  };
  canvas.addEventListener("pointerdown", (e) => {
    dragging = true;
    canvas.setPointerCapture(e.pointerId);
    move(e);
  });
  canvas.addEventListener("pointermove", (e) => dragging && move(e));
  canvas.addEventListener("pointerup", () => (dragging = false));
  canvas.addEventListener("pointercancel", () => (dragging = false));
  alpha.addEventListener("input", draw);
  lambda2.addEventListener("input", draw);
  draw();
});
