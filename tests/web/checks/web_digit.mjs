// Checks of "Draw a digit" (docs/web_digit.md): draws digits with mouse events, then runs the
// native ch08_predict on the very canvas (saved as a PNG) with the very model (decoded from
// the page's nn_model.js), and requires the same 28 × 28 input, the same class and
// probabilities within 1e-5, and the input shown as it is.
// The tolerance: both builds compute in float, and differ only in rounding (fused
// multiply-adds and the order of the sums in the vector kernels); LeNet-5's probabilities
// moved by at most 5e-7 between them in our runs, and 1e-5 is the bound. Where the network is sure
// (p ≈ 1) the probabilities hardly move with the picture, so the 28 × 28 input is compared too.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

// Strokes in the 280 × 280 canvas's pixels, drawn as a person would.
const ellipse = (cx, cy, rx, ry) =>
  Array.from({ length: 33 }, (_, i) => [cx + rx * Math.sin((2 * Math.PI * i) / 32), cy - ry * Math.cos((2 * Math.PI * i) / 32)]);
const drawings = [
  { digit: 7, strokes: [[[75, 65], [205, 65], [190, 95], [125, 225]]] },
  { digit: 0, strokes: [ellipse(140, 140, 58, 85)] },
  { digit: 1, strokes: [[[118, 85], [148, 55], [148, 228]]] },
];

export default async function (page, { check, args }) {
  // the page predicts its preset digit at once, and says when (how fast is a benchmark's
  // question, not a test's: node tests/web/bench.mjs)
  const first = await page.evaluate(() => window.nnWeb.digit.firstPredictionMs);
  const said = await page.textContent("#digit-timing");
  check(typeof first === "number" && said.includes(`${Math.round(first)} ms`),
        `the preset digit was predicted ${Math.round(first)} ms after navigation, and the page says: "${said}"`);

  // the model the page holds, as a file for ch08_predict
  const work = mkdtempSync(path.join(tmpdir(), "nn-web-digit-"));
  const script = readFileSync(path.join(args.html, "nn_model.js"), "utf8");
  const b64 = /window\.NN_MODEL = "([^"]*)"/.exec(script);
  check(b64 !== null, "nn_model.js holds the model as base64");
  if (!b64) return;
  const model = path.join(work, "model.nnm");
  writeFileSync(model, Buffer.from(b64[1], "base64"));

  const canvas = page.locator("#digit-canvas");
  let box;
  const at = ([x, y]) => [box.x + (x * box.width) / 280, box.y + (y * box.height) / 280];
  for (const { digit, strokes } of drawings) {
    await page.click("#digit-clear");
    for (const s of strokes) {
      // where the canvas is now (clicking Clear may have scrolled the page)
      await canvas.scrollIntoViewIfNeeded();
      box = await canvas.boundingBox();
      const before = await page.evaluate(() => window.nnWeb.digit.count);
      await page.mouse.move(...at(s[0]));
      await page.mouse.down();
      for (const q of s.slice(1)) await page.mouse.move(...at(q), { steps: 6 });
      await page.mouse.up();
      await page.waitForFunction((n) => window.nnWeb.digit.count > n, before);
    }
    // two frames, so that no prediction of the stroke is still pending
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const web = await page.evaluate(() => ({
      cls: window.nnWeb.digit.cls,
      p: window.nnWeb.digit.p,
      input: window.nnWeb.digit.input,
      // the 28 × 28 picture the page shows as what the network sees
      shown: Array.from(document.getElementById("digit-input").getContext("2d").getImageData(0, 0, 28, 28).data).filter((_, i) => i % 4 === 0),
      png: document.getElementById("digit-canvas").toDataURL("image/png"),
    }));
    const png = path.join(work, `drawn_${digit}.png`);
    writeFileSync(png, Buffer.from(web.png.split(",")[1], "base64"));
    await page.screenshot({ path: path.join(args.out, `web_digit-${digit}.png`) });

    const out = execFileSync(args.predict, ["--model", model, "--exact", "--out", work, png], { encoding: "utf8" });
    const p = [];
    for (const m of out.matchAll(/^probability (\d+) (\S+)$/gm)) p[+m[1]] = Number(m[2]);
    const label = /^predicted: (\S+)$/m.exec(out);
    const diff = Math.max(...p.map((pk, k) => Math.abs(pk - web.p[k])));
    check(web.cls === digit, `the page reads the drawn ${digit} as ${web.cls} (p = ${web.p[web.cls]?.toFixed(3)})`);
    check(label !== null && label[1] === String(web.cls),
          `ch08_predict reads the same canvas as ${label && label[1]}, the page as ${web.cls}`);
    check(p.length === web.p.length && diff <= 1e-5,
          `the ${p.length} probabilities agree with ch08_predict's: max |Δp| = ${diff.toExponential(2)} (≤ 1e-5)`);
    // the 28 × 28 input: mnist_preprocess in float on both sides, so only its rounding differs
    // (~1e-7); 1e-5 catches any change of the preparation, which moves pixels by far more
    const x = [];
    for (const m of out.matchAll(/^input (\d+) (\S+)$/gm)) x[+m[1]] = Number(m[2]);
    const dx = Math.max(...x.map((v, i) => Math.abs(v - web.input[i])));
    check(x.length === 784 && web.input.length === 784 && dx <= 1e-5,
          `the 28×28 input equals ch08_predict's: max |Δ| = ${dx.toExponential(2)} (≤ 1e-5)`);
    const shownOff = Math.max(...web.shown.map((v, i) => Math.abs(v - Math.round(255 * web.input[i]))));
    check(web.shown.length === 784 && shownOff <= 1, `the page shows that input as it is, unturned (max |Δ| = ${shownOff} of 255)`);
  }
}
