// How soon "Draw a digit" shows its first prediction: loads the page ROUNDS times (default 7)
// in Debian's Chromium, as the browser tests do, and prints the median, the smallest and the
// largest of each moment, in ms after navigation:
//   script      the page's own script starts (everything before it is Doxygen's page);
//   library     the WebAssembly library has started (decoded, compiled, instantiated);
//   model       nn::load_model has read the saved LeNet-5;
//   prediction  the preset digit is classified and drawn;
//   load        the page's load event (MathJax, the navigation tree, the figures).
// A benchmark, not a test: the timings depend on the machine and its load.
//   node tests/web/bench.mjs --html build/docs/html [--rounds N]
import { cpus } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, "")] = process.argv[i + 1];
if (!args.html) {
  console.error("usage: node tests/web/bench.mjs --html DOCS_HTML_DIR [--rounds N]");
  process.exit(2);
}
const rounds = +(args.rounds || 7);
const { chromium } = await import("playwright-core");
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
const url = pathToFileURL(path.join(args.html, "web_digit.html")).href;
const rows = { script: [], library: [], model: [], prediction: [], load: [] };
for (let r = 0; r < rounds; ++r) {
  const context = await browser.newContext();  // a fresh context: nothing cached between rounds
  const page = await context.newPage();
  await page.goto(url, { waitUntil: "load" });
  await page.waitForFunction(() => window.nnWeb && window.nnWeb.digit && window.nnWeb.digit.firstPredictionMs !== null);
  const t = await page.evaluate(() => ({
    script: window.nnWeb.timing.digit.script,
    library: window.nnWeb.timing.digit.library,
    model: window.nnWeb.digit.modelMs,
    prediction: window.nnWeb.digit.firstPredictionMs,
    load: performance.getEntriesByType("navigation")[0].loadEventStart,
  }));
  for (const k in rows) rows[k].push(t[k]);
  await context.close();
}
await browser.close();
const median = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
console.log(`CPU: ${cpus()[0].model}, ${cpus().length} cores; the WebAssembly build uses one thread and no OpenBLAS`);
console.log(`${url}, ${rounds} loads, ms after navigation:`);
console.log("moment        median    min    max");
for (const k in rows)
  console.log(`${k.padEnd(12)} ${median(rows[k]).toFixed(0).padStart(7)} ${Math.min(...rows[k]).toFixed(0).padStart(6)} ${Math.max(...rows[k]).toFixed(0).padStart(6)}`);
const ours = rows.prediction.map((p, i) => p - rows.script[i]);
console.log(`from the page's script to the first prediction: median ${median(ours).toFixed(0)} ms` +
            ` (min ${Math.min(...ours).toFixed(0)}, max ${Math.max(...ours).toFixed(0)})`);
