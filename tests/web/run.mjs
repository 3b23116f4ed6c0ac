// The interactive pages in a real browser: Debian's Chromium driven by playwright-core.
//
//   node tests/web/run.mjs --html DOCS_HTML_DIR --out SCREENSHOT_DIR --page NAME --predict EXE --oracle EXE
//
// Opens DOCS_HTML_DIR/NAME.html from file://, fails on any console error or uncaught exception,
// waits until the page's widget has started (window.nnWeb.ready), runs the page's own checks
// (tests/web/checks/NAME.mjs: export default async function (page, ctx)), takes a screenshot
// SCREENSHOT_DIR/NAME.png, and loads the page once more with JavaScript off to see the static
// figure. --predict (ch08_predict) and --oracle (tests/web/native_oracle.cpp) are the native
// programs the checks compare the page with.
// Exit status: 0 when every check held, 1 otherwise; a missing browser or playwright-core is a
// failure that says what to install, never a skip.
import { existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, "")] = process.argv[i + 1];
const fail = (msg) => {
  console.error("FAIL: " + msg);
  process.exit(1);
};
if (!args.html || !args.out || !args.page || !args.predict || !args.oracle)
  fail("usage: run.mjs --html DIR --out DIR --page NAME --predict ch08_predict --oracle web_oracle " +
       "(the native programs the checks compare the page with: build/chapters/ch08_predict, build-tests/tests/web_oracle)");
for (const exe of [args.predict, args.oracle]) if (!existsSync(exe)) fail(`${exe} does not exist (build it first)`);

const chromium_path = "/usr/bin/chromium";
if (!existsSync(chromium_path))
  fail(`${chromium_path} is missing: apt-get install --no-install-recommends chromium   (or: bash scripts/install-deps.sh tests)`);
let chromium;
try {
  ({ chromium } = await import("playwright-core"));
} catch (e) {
  fail(`playwright-core is missing (${e.message}): npm ci --prefix tests/web   (or: bash scripts/install-deps.sh tests)`);
}

const file = path.join(args.html, args.page + ".html");
if (!existsSync(file)) fail(`${file} does not exist (the docs build makes it)`);
mkdirSync(args.out, { recursive: true });

const browser = await chromium.launch({
  executablePath: chromium_path,
  headless: true,
  // as root in a sandbox; and no connections this machine's closed network would refuse
  // (playwright gives the browser a fresh temporary profile of its own)
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"],
});
let failures = 0;
const check = (ok, what) => {
  console.log((ok ? "ok   " : "FAIL ") + what);
  if (!ok) failures++;
};
try {
  // 1. with JavaScript: no console error, the widget starts, the page's checks hold
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push("uncaught: " + e.message));
  page.on("requestfailed", (r) => errors.push("request failed: " + r.url()));
  const t0 = Date.now();
  await page.goto(pathToFileURL(file).href);
  const ids = await page.$$eval("[id$='-live']", (els) => els.map((e) => e.id.replace(/-live$/, "")));
  check(ids.length > 0, `${args.page}.html has an interactive figure (an element with id ending in -live)`);
  for (const id of ids) {
    const started = await page
      .waitForFunction((i) => window.nnWeb && (window.nnWeb.ready[i] || window.nnWeb.errors.length), id, { timeout: 15000 })
      .then(() => page.evaluate((i) => !!window.nnWeb.ready[i], id))
      .catch(() => false);
    check(started, `widget '${id}' started (the WebAssembly library ran) in ${Date.now() - t0} ms after navigation`);
  }
  // the page's layout settles only once MathJax has typeset its equations: wait for the load
  // event (MathJax.js is an async script) and then for MathJax's queue, so that the checks'
  // mouse positions stay where they were measured
  await page.waitForLoadState("load");
  await page.evaluate(() => (window.MathJax && MathJax.Hub ? new Promise((r) => MathJax.Hub.Queue(r)) : null));
  const checks = path.join(here, "checks", args.page + ".mjs");
  if (existsSync(checks)) {
    const run = (await import(pathToFileURL(checks).href)).default;
    await run(page, { check, args });
  } else check(false, `tests/web/checks/${args.page}.mjs holds the page's checks`);
  // Doxygen's pages scroll inside their content pane, not the window: a tall window shows it all
  await page.setViewportSize({ width: 1280, height: 2600 });
  await page.screenshot({ path: path.join(args.out, args.page + ".png") });
  check(errors.length === 0, "no console errors" + (errors.length ? ":\n  " + errors.join("\n  ") : ""));
  await context.close();

  // 2. without JavaScript: the static figure is shown and the widget is not
  const off = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
  const still = await off.newPage();
  await still.goto(pathToFileURL(file).href);
  for (const id of ids) {
    const shown = await still.isVisible(`#${id}-static img`);
    const hidden = await still.isHidden(`#${id}-live`);
    check(shown && hidden, `without JavaScript '${id}' shows its static figure and hides the widget`);
  }
  await still.setViewportSize({ width: 1280, height: 2600 });
  await still.screenshot({ path: path.join(args.out, args.page + "-no-js.png") });
  await off.close();
} catch (e) {
  check(false, "the browser run: " + (e.stack || e));
} finally {
  await browser.close();
}
console.log(failures ? `${failures} check(s) failed` : "all checks passed");
process.exit(failures ? 1 : 0);
