// "Convolution backward, Eq. (42)" (docs/web_conv_backward.md): δ^(l) of one input plane and
// one kernel, done by hand in the page in the five steps of Eq. (42) — dilate, pad, rotate,
// convolve, crop — with every number shown, and checked, as it runs, against
// nn::conv2d_backward_naive of the WebAssembly library (lib/web/api.cpp).
//
// For the browser test (tests/web/checks/web_conv_backward.mjs), window.nnWeb.conv holds the
// sizes, K, δ^(l+1), the result of the steps and the library's, and their largest difference.
"use strict";
NNWeb.start("conv", async (lib) => {
  const $ = (id) => document.getElementById(id);
  const size = $("conv-size"), stride = $("conv-stride"), pad = $("conv-pad"), grids = $("conv-grids");
  const text = $("conv-text"), verdict = $("conv-check");
  const K = [1, 0, -1, 2, 1, 0, 0, -1, 3], k = 3;  // one 3 × 3 kernel, row-major
  const state = (window.nnWeb.conv = {});
  const steps = ["δ⁽ˡ⁺¹⁾", "1. dilate", "2. pad", "3. rotate W", "4. convolve", "5. crop"];
  let shown = steps.length - 1;

  const matrix = (rows, cols, f = () => 0) => Array.from({ length: rows }, (_, r) => Array.from({ length: cols }, (_, c) => f(r, c)));
  // a matrix m as a grid of numbers; mark(r, c) gives a cell's class
  const grid = (caption, m, mark = () => "") =>
    NNWeb.grid(grids, caption, m.length, m[0].length, (td, i) => {
      const r = Math.floor(i / m[0].length), c = i % m[0].length;
      td.textContent = NNWeb.fmt(m[r][c]);
      if (mark(r, c)) td.className = mark(r, c);
      td.dataset.rc = r + "," + c;
    });

  const run = () => {
    const n = +size.value, s = +stride.value, p = +pad.value;
    $("conv-size-v").textContent = n, $("conv-stride-v").textContent = s, $("conv-pad-v").textContent = p;
    grids.textContent = "";
    const Ho = lib.M._nn_web_conv_out_size(n, k, s, p);
    if (Ho < 0) {  // the library's message: the kernel does not fit
      text.textContent = lib.error();
      verdict.textContent = "";
      Object.assign(state, { n, s, p, error: lib.error() });
      return;
    }
    const dY = matrix(Ho, Ho, (r, c) => ((r * Ho + c) % 4) + 1);  // δ^(l+1): 1, 2, 3, 4, 1, …
    // 1. dilate: s − 1 zeros between the entries (the forward windows were s apart)
    const Hd = (Ho - 1) * s + 1;
    const dil = matrix(Hd, Hd, (r, c) => (r % s === 0 && c % s === 0 ? dY[r / s][c / s] : 0));
    // 2. pad with k − 1 zeros on every side, and on the bottom and the right also the rows and
    //    columns of the padded input that no window reached (the floor of Eq. (34))
    const Hpad = n + 2 * p, rest = Hpad - k - (Ho - 1) * s, Hp2 = Hd + 2 * (k - 1) + rest;
    const padded = matrix(Hp2, Hp2, (r, c) => (r >= k - 1 && c >= k - 1 && r - k + 1 < Hd && c - k + 1 < Hd ? dil[r - k + 1][c - k + 1] : 0));
    // 3. rotate the kernel by 180°
    const rot = matrix(k, k, (j, i) => K[(k - 1 - j) * k + (k - 1 - i)]);
    // 4. convolve: Eq. (39)'s cross-correlation at stride 1, which gives ∂L/∂X̃ (Hpad × Hpad)
    const full = matrix(Hpad, Hpad, (a, b) => {
      let sum = 0;
      for (let j = 0; j < k; ++j) for (let i = 0; i < k; ++i) sum += padded[a + j][b + i] * rot[j][i];
      return sum;
    });
    // 5. crop p from every side: δ^(l), n × n
    const dX = matrix(n, n, (r, c) => full[r + p][c + p]);

    // the library's answer for the same δ^(l+1) and kernel
    const X = new Array(n * n).fill(0);  // δ^(l) does not depend on X; it gives the shape
    const ref = lib.call("nn_web_conv_backward", X, n, n, K, k, s, p, dY.flat(), { out: n * n }).outs[0];
    const diff = Math.max(...dX.flat().map((v, i) => Math.abs(v - ref[i])));
    Object.assign(state, { n, s, p, k, K, Ho, dY: dY.flat(), dX: dX.flat(), ref, diff, error: null });

    const pieces = [
      () => grid(`δ⁽ˡ⁺¹⁾: ${Ho}×${Ho} (Eq. (34))`, dY),
      () => grid(`1. dilate by s = ${s}: ${Hd}×${Hd}`, dil, (r, c) => (r % s || c % s ? "" : "max")),
      () => grid(`2. pad k − 1 = ${k - 1}${rest ? ` (+${rest} right, below)` : ""}: ${Hp2}×${Hp2}`, padded,
                 (r, c) => (r >= k - 1 && c >= k - 1 && r - k + 1 < Hd && c - k + 1 < Hd ? "window" : "")),
      () => {
        grid("W", matrix(k, k, (j, i) => K[j * k + i]));
        grid("3. rot₁₈₀(W)", rot, () => "hit");
      },
      () => grid(`4. convolve: ∂L/∂X̃, ${Hpad}×${Hpad}`, full,
                 (r, c) => (r >= p && c >= p && r < n + p && c < n + p ? "window" : "")),
      () => grid(`5. crop p = ${p}: δ⁽ˡ⁾, ${n}×${n}`, dX, () => "max"),
    ];
    pieces.slice(0, shown + 1).forEach((f) => f());
    const say = [
      `The forward pass took ${n}×${n} (padded to ${Hpad}×${Hpad}) to ${Ho}×${Ho}. Step through Eq. (42).`,
      `Each δ goes back to the row and column where its window started: s − 1 = ${s - 1} zero${s === 2 ? "" : "s"} between neighbours.`,
      `k − 1 = ${k - 1} zeros around it, so that the kernel can overhang every edge` + (rest ? `, and ${rest} more at the bottom and right: inputs no window reached, whose gradient is 0.` : "."),
      "The kernel turned by 180°: a weight that took input j to output h′ in the forward pass takes δ back from h′ to j.",
      `Slide rot₁₈₀(W) over the padded δ at stride 1: the gradient of all ${Hpad}×${Hpad} padded inputs.`,
      `Drop the ${p} padded row${p === 1 ? "" : "s"} and column${p === 1 ? "" : "s"} on each side: they were zeros, not inputs.`,
    ];
    text.textContent = steps[shown] + ": " + say[shown];
    verdict.textContent = `nn::conv2d_backward_naive, run in this page on the same δ⁽ˡ⁺¹⁾ and W, gives δ⁽ˡ⁾ with max |difference| = ${diff}` +
      (diff <= 1e-12 ? ": the steps agree with the library." : ": they DISAGREE.");
    verdict.className = diff <= 1e-12 ? "nn-note" : "nn-web-error";
  };
  $("conv-prev").addEventListener("click", () => ((shown = Math.max(0, shown - 1)), run()));
  $("conv-next").addEventListener("click", () => ((shown = Math.min(steps.length - 1, shown + 1)), run()));
  $("conv-first").addEventListener("click", () => ((shown = 0), run()));
  [size, stride, pad].forEach((e) => e.addEventListener("input", run));
  run();
});
