// Live reload of `labsite serve` in headless Chromium, run by
// tests/serve.rs (live_reload_in_a_real_browser), which starts the server
// on a copy of the example site and passes:
//   LABSITE_URL       a served report page
//   LABSITE_ROOT      the site's root (its files are edited here)
//   LABSITE_CHROMIUM  the browser (default /usr/bin/chromium)
// Prints "browser: all checks passed" and exits 0, or exits 1.

import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const url = process.env.LABSITE_URL;
const root = process.env.LABSITE_ROOT;
const report = join(root, "content/labs/2025-11-13/report.md");
const labYaml = join(root, "content/labs/2025-11-13/lab.yaml");
const css = join(root, "themes/default/static/style.css");

const step = (what) => console.log(`browser: ${what}`);
// The bound of every wait for something the server or the page does: it
// only turns a hang into a failure (see tests/common/serve.rs).
const WAIT = 60000;
// Resolves once the page's event stream is open: the reload script marks
// <html> when the server's `hello` reaches it.
const streamOpen = (page) =>
  page.waitForFunction(() => document.documentElement.dataset.labsiteLive !== undefined, null, { timeout: WAIT });
const fail = (what) => {
  throw new Error(what);
};

const browser = await chromium.launch({
  executablePath: process.env.LABSITE_CHROMIUM || "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
let code = 0;
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
  const problems = [];
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console error: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));

  await page.goto(url, { waitUntil: "load" });
  await page.waitForFunction(() => document.querySelector("script[data-labsite-live-reload]"));
  // The event stream is open before anything is edited.
  await streamOpen(page);

  // 1. An edit appears without a manual reload, at the same scroll position.
  const scrolled = await page.evaluate(() => {
    window.scrollTo(0, 600);
    return window.scrollY;
  });
  if (scrolled < 100) fail(`the page is too short to scroll (${scrolled})`);
  const original = readFileSync(report, "utf8");
  writeFileSync(report, `${original}\n\nLIVE-RELOAD-MARK-1\n`);
  await page.waitForFunction(() => document.body.innerText.includes("LIVE-RELOAD-MARK-1"), null, { timeout: WAIT });
  await page.waitForLoadState("load");
  await page.waitForFunction((y) => Math.abs(window.scrollY - y) <= 2, scrolled, { timeout: WAIT }).catch(async () => {
    fail(`scroll position not kept: ${await page.evaluate(() => window.scrollY)} instead of ${scrolled}`);
  });
  step(`edit shown without a manual reload, scroll kept at ${scrolled}px`);

  // 2. A broken lab.yaml: an overlay naming the file and line; the page
  //    underneath is still the last good build.
  const yaml = readFileSync(labYaml, "utf8");
  if (!yaml.includes("\nstatus: held\n")) fail("lab.yaml has no `status: held` line");
  writeFileSync(labYaml, yaml.replace("\nstatus: held\n", "\nstatus: hed\n"));
  const overlay = page.locator("#labsite-error-overlay");
  await overlay.waitFor({ state: "visible", timeout: WAIT });
  const text = await overlay.innerText();
  if (!text.includes("content/labs/2025-11-13/lab.yaml:8:9")) fail(`overlay without file:line:col:\n${text}`);
  if (!text.includes("unknown status `hed`")) fail(`overlay without the message:\n${text}`);
  const style = await overlay.evaluate((e) => getComputedStyle(e).position);
  if (style !== "fixed") fail(`overlay is not a fixed panel (${style})`);
  if (!(await page.evaluate(() => document.body.innerText.includes("LIVE-RELOAD-MARK-1")))) fail("the last good page is gone");
  step("broken lab.yaml: overlay shows lab.yaml:8:9 over the last good page");

  // 3. Fixed: the overlay goes and the page shows the new build.
  writeFileSync(labYaml, yaml);
  writeFileSync(report, `${original}\n\nLIVE-RELOAD-MARK-2\n`);
  await page.waitForFunction(
    () => !document.getElementById("labsite-error-overlay") && document.body.innerText.includes("LIVE-RELOAD-MARK-2"),
    null,
    { timeout: WAIT },
  );
  await page.waitForLoadState("load");
  step("fixed: overlay gone, page recovered");

  // 4. A stylesheet edit applies without a full reload (the reloaded
  //    page's stream is open first).
  await streamOpen(page);
  await page.evaluate(() => {
    window.__labsiteSamePage = true;
  });
  writeFileSync(css, `${readFileSync(css, "utf8")}\nmain#main { outline: 3px solid rgb(1, 2, 3); }\n`);
  await page.waitForFunction(() => getComputedStyle(document.getElementById("main")).outlineColor === "rgb(1, 2, 3)", null, {
    timeout: WAIT,
  });
  if (!(await page.evaluate(() => window.__labsiteSamePage === true))) fail("the stylesheet edit reloaded the page");
  const sheets = await page.evaluate(() => document.querySelectorAll('link[rel~="stylesheet"]').length);
  if (sheets !== 1) fail(`${sheets} stylesheets after the swap`);
  step("stylesheet swapped in place (no reload)");

  // The old stylesheet is gone (removed when the new one loaded), so the
  // swap has nothing left to do that could log an error.
  if (problems.length) fail(problems.join("\n"));
  step("no console errors");
  console.log("browser: all checks passed");
} catch (e) {
  console.log(`browser: FAILED: ${e.message}`);
  code = 1;
} finally {
  await browser.close();
}
process.exit(code);
