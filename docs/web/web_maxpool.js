// "Max-pool, Figure 8" (docs/web_maxpool.md): nn::maxpool2d_forward and nn::maxpool2d_backward
// of the WebAssembly library (lib/web/api.cpp) on Figure 8's 4 × 4 map, or on the 5 × 5 map of
// ch06_overlap with overlapping windows, step by step. A click on a δ of the next layer shows
// where the library sends it.
//
// For the browser test (tests/web/checks/web_maxpool.mjs), window.nnWeb.maxpool holds the
// input, the spec, the δ's, the selected δ and the cells it reached, and the δ^(l) shown.
"use strict";
NNWeb.start("maxpool", async (lib) => {
  const $ = (id) => document.getElementById(id);
  // Figure 8 (ch06_figure8) and the overlap example (ch06_overlap); with "ties", one value
  // changed so that a window holds its maximum twice
  const cases = {
    figure8: { H: 4, W: 4, k: 2, s: 2, dY: [0.1, -0.2, 0.3, 0.4],
               X: [1, 3, 2, 1, 4, 2, 0, 6, 5, 1, 7, 3, 0, 2, 4, 8], tie: [1, 4] },
    overlap: { H: 5, W: 5, k: 3, s: 2, dY: [0.1, 0.2, 0.3, 0.4],
               X: [1, 2, 0, 1, 3, 4, 1, 2, 5, 0, 0, 3, 9, 1, 2, 2, 1, 4, 0, 1, 1, 0, 2, 3, 10], tie: [8, 9] },
  };
  const overlap = $("maxpool-overlap"), ties = $("maxpool-ties"), text = $("maxpool-text");
  const state = (window.nnWeb.maxpool = {});

  // one step: forward windows 0 … n−1, then backward δ's 0 … n−1
  let step = -1;
  const setup = () => {
    const c = cases[overlap.checked ? "overlap" : "figure8"];
    const X = c.X.slice();
    if (ties.checked) X[c.tie[0]] = c.tie[1];
    const Hp = lib.M._nn_web_conv_out_size(c.H, c.k, c.s, 0), Wp = lib.M._nn_web_conv_out_size(c.W, c.k, c.s, 0);
    const Y = lib.call("nn_web_maxpool_forward", X, c.H, c.W, c.k, c.s, { out: Hp * Wp }).outs[0];
    Object.assign(state, { X, H: c.H, W: c.W, k: c.k, s: c.s, Hp, Wp, Y, dY: c.dY, selected: -1, hits: [], dX: [] });
    step = -1;
    render();
  };

  // δ^(l) from the δ's 0 … last only (the others set to 0), by the library's backward pass
  const backward = (dY) => lib.call("nn_web_maxpool_backward", state.X, state.H, state.W, state.k, state.s, dY,
                                    { out: state.H * state.W }).outs[0];
  const grid = NNWeb.grid;
  const windowOf = (o) => {
    const hp = Math.floor(o / state.Wp), wp = o % state.Wp, cells = [];
    for (let j = 0; j < state.k; ++j)
      for (let i = 0; i < state.k; ++i) cells.push((hp * state.s + j) * state.W + wp * state.s + i);
    return cells;
  };
  const render = () => {
    const n = state.Hp * state.Wp, forward = step >= 0 && step < n, o = forward ? step : step - n;
    const shownY = step < 0 ? 0 : Math.min(step + 1, n);
    const win = step >= 0 ? windowOf(o) : [];
    if (step >= n) {
      state.selected = o;
      state.hits = backward(state.dY.map((d, q) => (q === o ? d : 0))).flatMap((v, i) => (v !== 0 ? [i] : []));
      state.dX = backward(state.dY.map((d, q) => (q <= o ? d : 0)));
    } else (state.selected = -1), (state.hits = []), (state.dX = []);
    // the window's argmax, as the library keeps it: where a δ of 1 at o goes
    const argmax = forward ? backward(state.dY.map((_, q) => (q === o ? 1 : 0))).flatMap((v, i) => (v !== 0 ? [i] : [])) : [];
    const box = $("maxpool-grids");
    box.textContent = "";
    grid(box, "X⁽ˡ⁾ (input)", state.H, state.W, (td, i) => {
      td.textContent = NNWeb.fmt(state.X[i]);
      td.dataset.i = i;
      if (win.includes(i)) td.classList.add("window");
      if (argmax.includes(i)) td.classList.add("max");
      if (state.hits.includes(i)) td.classList.add("hit");
    });
    grid(box, "X⁽ˡ⁺¹⁾, Eq. (49)", state.Hp, state.Wp, (td, i) => {
      td.textContent = i < shownY ? NNWeb.fmt(state.Y[i]) : "·";
      if (forward && i === o) td.classList.add("selected");
    });
    grid(box, "δ⁽ˡ⁺¹⁾ (click one)", state.Hp, state.Wp, (td, i) => {
      td.textContent = NNWeb.fmt(state.dY[i]);
      td.dataset.i = i;
      td.classList.add("clickable");
      if (state.selected === i) td.classList.add("selected");
      td.addEventListener("click", () => {
        step = n + i;
        render();
      });
    });
    grid(box, "δ⁽ˡ⁾, Eq. (51)", state.H, state.W, (td, i) => {
      td.textContent = state.dX.length ? NNWeb.fmt(state.dX[i]) : "·";
      td.dataset.i = i;
      if (state.hits.includes(i)) td.classList.add("hit");
    });
    const rc = (i, W) => `(${Math.floor(i / W)}, ${i % W})`;
    if (step < 0) text.textContent = `k = ${state.k}, s = ${state.s}: ${state.H}×${state.W} → ${state.Hp}×${state.Wp} (Eqs. (46)–(47)). Press "Step", or click a δ.`;
    else if (forward)
      text.textContent = `Forward, window ${rc(o, state.Wp)}: rows ${Math.floor(o / state.Wp) * state.s}–${Math.floor(o / state.Wp) * state.s + state.k - 1}, ` +
        `columns ${(o % state.Wp) * state.s}–${(o % state.Wp) * state.s + state.k - 1}; its maximum ${NNWeb.fmt(state.Y[o])} is at ${rc(argmax[0], state.W)}` +
        (win.filter((i) => state.X[i] === state.Y[o]).length > 1 ? " — a tie: the first maximum in row-major order is kept" : "") + ".";
    else
      text.textContent = `Backward, δ ${rc(o, state.Wp)} = ${NNWeb.fmt(state.dY[o])} goes to ${state.hits.map((i) => rc(i, state.W)).join(", ")}, ` +
        `its window's argmax; δ⁽ˡ⁾ shows the sum over δ's ${rc(0, state.Wp)} … ${rc(o, state.Wp)}` +
        (state.hits.some((i) => state.dX[i] !== state.dY[o]) ? " (an input that wins several windows collects the sum of their δ's)" : "") + ".";
  };
  $("maxpool-step").addEventListener("click", () => {
    step = step + 1 >= 2 * state.Hp * state.Wp ? -1 : step + 1;
    render();
  });
  $("maxpool-reset").addEventListener("click", () => ((step = -1), render()));
  overlap.addEventListener("change", setup);
  ties.addEventListener("change", setup);
  setup();
});
