// Checks of "Max-pool, Figure 8" (docs/web_maxpool.md): for Figure 8 and the overlap example,
// each with and without ties, steps through the forward windows (the marked maximum against
// the native argmax), clicks every δ of the next layer and compares the highlighted
// inputs with the native nn::maxpool2d_backward (tests/web/native_oracle.cpp) given that δ
// alone; after the last δ, δ^(l) must equal the native result for all δ's. Max-pooling only
// moves values, so both comparisons are exact.
import { execFileSync } from "node:child_process";

const oracle = (exe, s, dY) => {
  const out = execFileSync(exe, ["maxpool", s.H, s.W, s.k, s.s, ...s.X, ...dY].map(String), { encoding: "utf8" });
  const line = (name) => new RegExp(`^${name} (.*)$`, "m").exec(out)[1].split(" ").map(Number);
  return { Y: line("Y"), dX: line("dX") };
};
const nonzero = (v) => v.flatMap((x, i) => (x !== 0 ? [i] : []));
const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

export default async function (page, { check, args }) {
  for (const overlap of [false, true])
    for (const ties of [false, true]) {
      await page.setChecked("#maxpool-overlap", overlap);
      await page.setChecked("#maxpool-ties", ties);
      const s = await page.evaluate(() => structuredClone(window.nnWeb.maxpool));
      const name = `k = ${s.k}, s = ${s.s}${ties ? ", ties" : ""}`;
      const full = oracle(args.oracle, s, s.dY);
      check(same(s.Y, full.Y), `${name}: the page's forward pass equals the native maxpool2d_forward (${s.Y.join(" ")})`);
      const n = s.Hp * s.Wp;
      // forward, step by step: each window's marked maximum is where native maxpool2d_backward
      // sends a δ of 1 (the argmax it keeps, the first in row-major order on a tie)
      await page.click("#maxpool-reset");
      for (let o = 0; o < n; ++o) {
        await page.click("#maxpool-step");
        const marked = await page.$$eval("#maxpool-grids table:nth-of-type(1) td.max", (tds) => tds.map((td) => +td.dataset.i));
        const native = nonzero(oracle(args.oracle, s, s.dY.map((_, q) => (q === o ? 1 : 0))).dX);
        check(same(marked, native), `${name}: Step ${o + 1} marks the maximum of window ${o} at ${marked.join(", ")}; native argmax ${native.join(", ")}`);
      }
      for (let o = 0; o < n; ++o) {
        await page.click(`#maxpool-grids table:nth-of-type(3) td[data-i="${o}"]`);
        const shown = await page.$$eval("#maxpool-grids table:nth-of-type(1) td.hit", (tds) => tds.map((td) => +td.dataset.i));
        const native = nonzero(oracle(args.oracle, s, s.dY.map((d, q) => (q === o ? d : 0))).dX);
        check(same(shown, native), `${name}: δ ${o} highlights input ${shown.join(", ")}; native maxpool2d_backward sends it to ${native.join(", ")}`);
      }
      const dX = await page.evaluate(() => window.nnWeb.maxpool.dX);
      const cells = await page.$$eval("#maxpool-grids table:nth-of-type(4) td", (tds) => tds.map((td) => td.textContent));
      check(same(dX, full.dX) && cells.length === s.H * s.W,
            `${name}: δ(l) after the last δ equals the native maxpool2d_backward (${full.dX.filter((x) => x !== 0).join(" ")} at ${nonzero(full.dX).join(", ")})`);
    }
  // leave the page as a reader first sees it, with one δ clicked, for the screenshot
  await page.setChecked("#maxpool-overlap", false);
  await page.setChecked("#maxpool-ties", false);
  await page.click(`#maxpool-grids table:nth-of-type(3) td[data-i="1"]`);
}
