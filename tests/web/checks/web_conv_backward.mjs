// Checks of "Convolution backward, Eq. (42)" (docs/web_conv_backward.md): for input sizes 2–8,
// strides 1–3 and paddings 0–2, the page's five steps done in JavaScript must give the δ^(l)
// of the native nn::conv2d_backward_naive (tests/web/native_oracle.cpp) within 1e-12, and the
// page's own check against the WebAssembly library must say so. The numbers are small
// integers, so every sum is exact in double and 1e-12 is far above any rounding; a wrong step
// (a missing rotation, a dilation or a crop off by one) moves entries by at least 1.
import { execFileSync } from "node:child_process";

export default async function (page, { check, args }) {
  const set = async (id, v) =>
    page.$eval(id, (e, v) => {
      e.value = String(v);
      e.dispatchEvent(new Event("input"));
    }, v);
  let runs = 0, worst = 0, bad = [];
  for (const n of [2, 3, 4, 5, 6, 7, 8])
    for (const s of [1, 2, 3])
      for (const p of [0, 1, 2]) {
        await set("#conv-size", n);
        await set("#conv-stride", s);
        await set("#conv-pad", p);
        const st = await page.evaluate(() => structuredClone(window.nnWeb.conv));
        if (n + 2 * p < 3) {
          const msg = await page.textContent("#conv-text");
          check(st.error && msg.length > 10, `n = ${n}, p = ${p}: the kernel does not fit, and the page says so: "${msg}"`);
          continue;
        }
        const out = execFileSync(args.oracle, ["conv_backward", n, n, 3, s, p, ...st.K, ...st.dY].map(String), { encoding: "utf8" });
        const dX = /^dX (.*)$/m.exec(out)[1].split(" ").map(Number);
        const diff = Math.max(...dX.map((v, i) => Math.abs(v - st.dX[i])));
        worst = Math.max(worst, diff);
        runs++;
        if (!(diff <= 1e-12 && st.diff <= 1e-12 && dX.length === n * n)) bad.push(`n = ${n}, s = ${s}, p = ${p}: ${diff}`);
      }
  check(bad.length === 0 && runs > 40,
        `${runs} cases of n, s, p: the page's steps equal the native conv2d_backward_naive, max |Δ| = ${worst} (≤ 1e-12)` +
        (bad.length ? "; differ: " + bad.join("; ") : ""));
  const verdict = await page.textContent("#conv-check");
  check(/agree with the library/.test(verdict), `the page's own check: "${verdict}"`);
  // the default, as a reader first sees it, for the screenshot
  await set("#conv-size", 5);
  await set("#conv-stride", 2);
  await set("#conv-pad", 1);
}
