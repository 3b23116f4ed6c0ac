// Checks of "Gradient descent, Figure 3" (docs/web_gradient_descent.md): drags the start point
// and requires it where the mouse left it; for several α and λ₂ requires the path of the
// library's nn::sgd_step to equal the closed form ((1 − αλ₁)^k x₀, (1 − αλ₂)^k y₀) within
// 1e-12 · max(1, |point|) (each step rounds once in the product and once in the sum, a relative
// 1e-16; 60 steps of it stay below 1e-14), the verdict "converges" exactly when α < 2/λ_max
// ("neither" at 2/λ_max itself), the step at which the path leaves the picture, and the start
// marker's pixel.
export default async function (page, { check }) {
  const set = async (id, v) =>
    page.$eval(id, (e, v) => {
      e.value = String(v);
      e.dispatchEvent(new Event("input"));
    }, v);

  // drag the start from Figure 3's (−4.5, 1.6) to (3, −2): the picture is [−5, 5] × [−2.5, 2.5]
  await page.locator("#gd-canvas").scrollIntoViewIfNeeded();
  const box = await page.locator("#gd-canvas").boundingBox();
  const at = (x, y) => [box.x + ((x + 5) / 10) * box.width, box.y + ((2.5 - y) / 5) * box.height];
  await page.mouse.move(...at(-4.5, 1.6));
  await page.mouse.down();
  await page.mouse.move(...at(0, 0), { steps: 5 });
  await page.mouse.move(...at(3, -2), { steps: 5 });
  await page.mouse.up();
  let st = await page.evaluate(() => structuredClone(window.nnWeb.gd));
  const pixel = 10 / box.width;
  check(Math.abs(st.x0 - 3) <= pixel && Math.abs(st.y0 + 2) <= pixel,
        `the dragged start point is at (${st.x0.toFixed(3)}, ${st.y0.toFixed(3)}), where the mouse let go (3, −2)`);

  // the start marker is drawn where the start is: the canvas pixel there is the marker's orange
  const marker = await page.evaluate(() => {
    const c = document.getElementById("gd-canvas"), st = window.nnWeb.gd;
    const u = Math.round(((st.x0 + 5) / 10) * c.width), v = Math.round(((2.5 - st.y0) / 5) * c.height);
    return Array.from(c.getContext("2d").getImageData(u, v, 1, 1).data);
  });
  check(marker[0] === 255 && marker[1] === 127 && marker[2] === 14, `the start marker is drawn at the start (pixel ${marker.join(", ")})`);

  const cases = [];
  for (const l2 of [8, 4, 12]) for (const a of [0.02, 0.1, 0.16, 0.24, 0.26, 0.3]) cases.push([l2, a]);
  cases.push([8, 0.25], [16, 0.125]);  // α = 2/λ_max exactly: the path bounces for ever
  for (const [l2, a] of cases) {
    await set("#gd-lambda2", l2);
    await set("#gd-alpha", a);
    st = await page.evaluate(() => structuredClone(window.nnWeb.gd));
    let worst = 0;
    st.path.forEach(([x, y], k) => {
      const cx = Math.pow(1 - st.alpha * st.l1, k) * st.x0, cy = Math.pow(1 - st.alpha * st.l2, k) * st.y0;
      worst = Math.max(worst, Math.abs(x - cx) / Math.max(1, Math.abs(cx)), Math.abs(y - cy) / Math.max(1, Math.abs(cy)));
    });
    const text = await page.textContent("#gd-text");
    const threshold = 2 / Math.max(1, l2);
    const expected = a < threshold ? "converges" : a === threshold ? "neither" : "diverges";
    const words = { converges: "converges:", neither: "neither converges nor diverges", diverges: "DIVERGES" };
    check(st.path.length > 1 && worst <= 1e-12,
          `λ₂ = ${l2}, α = ${a}: ${st.path.length - 1} steps of sgd_step equal the closed form (max relative |Δ| = ${worst.toExponential(1)})`);
    check(st.verdict === expected && text.includes(words[expected]) && text.includes("2/λ_max = " + String(+threshold.toPrecision(4))),
          `λ₂ = ${l2}, α = ${a}: the page says '${st.verdict}' (${expected} expected) and gives 2/λ_max = ${threshold}`);
    if (expected === "diverges") {
      const out = st.path.findIndex(([x, y]) => Math.abs(x) > 5 || Math.abs(y) > 2.5);
      check(out > 0 && text.includes(`leaves the picture at step ${out}`), `λ₂ = ${l2}, α = ${a}: the page says the path leaves the picture at step ${out}`);
    }
  }
  // as a reader first sees it, but with the dragged start, for the screenshot
  await set("#gd-lambda2", 8);
  await set("#gd-alpha", 0.24);
}
