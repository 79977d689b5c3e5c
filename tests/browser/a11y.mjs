// Accessibility and visual checks of a built site in headless Chromium,
// run by tests/a11y.rs, which builds the example site and passes:
//   LABSITE_OUT       the build's output directory
//   LABSITE_BASE_URL  the base_url it was built for (e.g. https://example.org/lab/)
//   LABSITE_CHROMIUM  the browser (default /usr/bin/chromium)
//   LABSITE_SHOTS     optional: a directory to save screenshots into
//   LABSITE_ONLY      optional: check only this HTML file of the output
//
// The browser answers every request under the base URL from the output
// directory (a missing file gets 404.html with status 404, as a static host
// serves it) and refuses every other request, so nothing leaves the machine
// and no port is needed.
//
// Every HTML page of the output is checked (and a missing page, for the
// 404 page), at 390 px and 1280 px, in the light and dark colour schemes:
//   - axe-core with the WCAG 2.0 and 2.1 A and AA rules: 0 violations;
//     text whose contrast axe leaves undecided (over a gradient, beside a
//     pseudo-element) is measured in a screenshot with the text hidden;
//   - the skip link: the first Tab focuses it, it is then visible in the
//     viewport, and following it moves focus into <main>;
//   - every element reached by Tab shows a focus outline (on itself or an
//     ancestor that draws it) with 3:1 contrast against what is behind it;
//   - no horizontal scroll (also at 360 px and 320 px);
//   - chart bars filled with the theme's --chart-bar colour (else its
//     --accent; not SVG's default black), labels and values readable against the page, the
//     chart fits its column, and its text alternative is a labelled table;
//   - the page's share card (og:image) loads and is 1200×630.
// Prints one line per page, width and scheme (its kind, axe's result, the
// focus stops, charts and card; tests/a11y.rs reads them) and "browser: all
// checks passed", or every problem found and exits 1.

import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { extname, join, relative, sep } from "node:path";
import { chromium } from "playwright-core";

const out = process.env.LABSITE_OUT;
const base = process.env.LABSITE_BASE_URL;
const shots = process.env.LABSITE_SHOTS;
if (!out || !base || !base.endsWith("/")) {
  console.log("browser: FAILED: set LABSITE_OUT and LABSITE_BASE_URL (ending in /)");
  process.exit(1);
}
const axeSource = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const SCHEMES = ["light", "dark"];
// axe and the focus checks run at these widths; layout checks also at
// 360 px (a small phone) and 320 px (1280 px zoomed to 400%: WCAG 1.4.10).
const WIDTHS = [390, 1280];
const NARROW = [320, 360, 390];
const problems = [];
const problem = (what) => {
  problems.push(what);
  console.log(`browser: PROBLEM: ${what}`);
};
const step = (what) => console.log(`browser: ${what}`);

// ------------------------------------------------------------ the pages

function htmlFiles(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...htmlFiles(path));
    else if (name.endsWith(".html")) found.push(relative(out, path).split(sep).join("/"));
  }
  return found.sort();
}

// The URL a reader opens for each HTML file; 404.html is what a missing
// page shows.
const only = process.env.LABSITE_ONLY;
const pages = htmlFiles(out)
  .filter((file) => !only || file === only)
  .map((file) => {
  if (file === "404.html") return { file, url: `${base}no-such-page/`, status: 404 };
  const path = file === "index.html" ? "" : file.replace(/(^|\/)index\.html$/, "$1");
  return { file, url: base + path, status: 200 };
});

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".webp": "image/webp",
  ".gif": "image/gif",
  ".xml": "application/xml",
  ".ics": "text/calendar; charset=utf-8",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".woff2": "font/woff2",
};

// A static host over the output directory.
async function serve(route) {
  const url = new URL(route.request().url());
  if (!url.href.startsWith(base)) return route.abort("blockedbyclient");
  let rel = decodeURIComponent(url.pathname.slice(new URL(base).pathname.length));
  if (rel === "" || rel.endsWith("/")) rel += "index.html";
  const path = join(out, ...rel.split("/"));
  if (!relative(out, path).startsWith("..") && existsSync(path) && statSync(path).isFile()) {
    return route.fulfill({
      status: 200,
      contentType: TYPES[extname(path)] || "application/octet-stream",
      body: readFileSync(path),
    });
  }
  return route.fulfill({ status: 404, contentType: TYPES[".html"], body: readFileSync(join(out, "404.html")) });
}

// ---------------------------------------------------- in-page helpers

// Runs in the page: colours, contrast and backgrounds (WCAG's formulas).
const PAGE_HELPERS = `
window.__labsite = {
  rgb(css) {
    const m = css.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const p = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
  },
  // A colour as the browser computes it (for custom properties that hold
  // a hex value).
  resolve(color) {
    const probe = document.createElement("span");
    probe.style.color = color;
    document.body.append(probe);
    const c = getComputedStyle(probe).color;
    probe.remove();
    return c;
  },
  luminance({ r, g, b }) {
    const f = (v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  },
  contrast(a, b) {
    const [x, y] = [this.luminance(a), this.luminance(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  },
  // The opaque background colour behind an element: the first ancestor
  // (itself included) with a background colour, blended over what is
  // behind it when translucent.
  background(el) {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = this.rgb(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) {
        layers.push(c);
        if (c.a >= 1) break;
      }
    }
    let col = { r: 255, g: 255, b: 255, a: 1 };
    for (const c of layers.reverse()) {
      col = { r: c.r * c.a + col.r * (1 - c.a), g: c.g * c.a + col.g * (1 - c.a), b: c.b * c.a + col.b * (1 - c.a), a: 1 };
    }
    return col;
  },
  describe(el) {
    if (!el || el === document.body) return "body";
    let s = el.tagName.toLowerCase();
    if (el.id) s += "#" + el.id;
    if (el.classList.length) s += "." + [...el.classList].join(".");
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().replace(/\\s+/g, " ");
    return text ? s + " \\"" + text.slice(0, 40) + "\\"" : s;
  },
};
`;

// ------------------------------------------------------------ the checks

async function runAxe(page) {
  await page.evaluate(axeSource);
  return page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations", "incomplete"] });
    return {
      violations: r.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
      })),
      // What axe could not decide. Text over a gradient or beside a
      // pseudo-element is measured in pixels by checkContrastInPixels;
      // chart text (hidden from screen readers, too short for axe) by
      // checkCharts; what remains is reported, not failed.
      undecided: r.incomplete.flatMap((v) =>
        v.nodes.map((n) => ({
          rule: v.id,
          target: n.target,
          reason: n.any[0]?.data?.messageKey || "",
          expected: parseFloat(n.any[0]?.data?.expectedContrastRatio || "4.5"),
        })),
      ),
    };
  }, AXE_TAGS);
}

// Why axe leaves a text's contrast undecided when the background is
// there to be measured: a gradient or image behind it, a pseudo-element
// near it, another element overlapping it, or text too short or too
// symbolic (a seat count, an arrow) for axe to call it text; such text is
// held to the same ratio here.
const MEASURABLE = new Set([
  "bgGradient",
  "bgImage",
  "pseudoContent",
  "bgOverlap",
  "elmPartiallyObscured",
  "shortTextContent",
  "nonBmp",
]);

// For text axe could not judge, measure the real background: hide the
// text (transparent, layout unchanged), take a screenshot of the boxes its
// glyphs occupy, and compare the text colour with those pixels. The
// darkest-case percentile keeps a stray anti-aliased edge from counting.
async function checkContrastInPixels(page, where, undecided) {
  let measured = 0;
  const rest = [];
  let charts = 0;
  for (const u of undecided) {
    const inChart =
      u.target.length === 1 && (await page.evaluate((sel) => !!document.querySelector(sel)?.closest("svg.bar-chart"), u.target[0]));
    if (u.rule === "color-contrast" && inChart) {
      charts++;
      continue;
    }
    if (u.rule !== "color-contrast" || !MEASURABLE.has(u.reason) || u.target.length !== 1) {
      rest.push(`${u.rule}${u.reason ? `/${u.reason}` : ""}`);
      continue;
    }
    const selector = u.target[0];
    const box = await page.evaluate((sel) => {
      const el = document.querySelector(sel);
      if (!el) return null;
      el.scrollIntoView({ block: "center" });
      const range = document.createRange();
      range.selectNodeContents(el);
      const rects = [...range.getClientRects()].filter((r) => r.width >= 1 && r.height >= 1);
      if (!rects.length) return null;
      const x = Math.max(0, Math.min(...rects.map((r) => r.left)));
      const y = Math.max(0, Math.min(...rects.map((r) => r.top)));
      const right = Math.min(innerWidth, Math.max(...rects.map((r) => r.right)));
      const bottom = Math.min(innerHeight, Math.max(...rects.map((r) => r.bottom)));
      const color = getComputedStyle(el).color;
      el.classList.add("labsite-probe-hidden");
      let style = document.getElementById("labsite-probe-style");
      if (!style) {
        style = document.createElement("style");
        style.id = "labsite-probe-style";
        style.textContent =
          ".labsite-probe-hidden, .labsite-probe-hidden * { color: transparent !important; -webkit-text-fill-color: transparent !important; text-shadow: none !important; text-decoration-color: transparent !important; transition: none !important; }";
        document.head.append(style);
      }
      return { x, y, width: right - x, height: bottom - y, color, rects: rects.map((r) => [r.left - x, r.top - y, r.width, r.height]) };
    }, selector);
    if (!box || box.width < 1 || box.height < 1) {
      rest.push(`color-contrast/${u.reason} (not measurable)`);
      continue;
    }
    const png = await page.screenshot({ clip: { x: box.x, y: box.y, width: box.width, height: box.height } });
    const worst = await page.evaluate(
      async ({ data, color, rects }) => {
        const h = window.__labsite;
        const img = new Image();
        img.src = `data:image/png;base64,${data}`;
        await img.decode();
        const canvas = document.createElement("canvas");
        canvas.width = img.naturalWidth;
        canvas.height = img.naturalHeight;
        const g = canvas.getContext("2d");
        g.drawImage(img, 0, 0);
        // Screenshot pixels per CSS pixel.
        const scale = img.naturalWidth / Math.max(1, rects.reduce((m, r) => Math.max(m, r[0] + r[2]), 0));
        const fg = h.rgb(color);
        const ratios = [];
        for (const [x, y, w, hgt] of rects) {
          const px = g.getImageData(Math.floor(x * scale), Math.floor(y * scale), Math.max(1, Math.floor(w * scale)), Math.max(1, Math.floor(hgt * scale))).data;
          for (let i = 0; i < px.length; i += 4) ratios.push(h.contrast(fg, { r: px[i], g: px[i + 1], b: px[i + 2] }));
        }
        ratios.sort((a, b) => a - b);
        document.querySelectorAll(".labsite-probe-hidden").forEach((e) => e.classList.remove("labsite-probe-hidden"));
        return ratios[Math.floor(ratios.length * 0.01)];
      },
      { data: png.toString("base64"), color: box.color, rects: box.rects },
    );
    measured++;
    if (!(worst >= u.expected)) problem(`${where}: text at ${selector} has contrast ${worst?.toFixed(2)}:1 over its background (< ${u.expected}:1, measured in pixels)`);
  }
  return { measured, charts, rest };
}

// The first Tab from the top of the page reaches the skip link, which is
// hidden until then and visible once focused; following it puts focus in
// <main>, so the next Tab goes to main's first link, not to the header.
async function checkSkipLink(page, where, shot) {
  const before = await page.evaluate(() => {
    const a = document.querySelector("a[href^='#']");
    const r = a?.getBoundingClientRect();
    return r ? { visible: r.bottom > 0 && r.right > 0 && r.width > 1 && r.height > 1 && r.top < innerHeight } : null;
  });
  if (!before) return problem(`${where}: no in-page link at all (a skip link)`);
  if (before.visible) problem(`${where}: the skip link is visible before it is focused`);
  await page.keyboard.press("Tab");
  if (shot) await page.screenshot({ path: shot });
  const got = await page.evaluate(() => {
    const a = document.activeElement;
    const r = a.getBoundingClientRect();
    const cs = getComputedStyle(a);
    const href = a.getAttribute("href") || "";
    const target = href.startsWith("#") ? document.getElementById(href.slice(1)) : null;
    return {
      what: window.__labsite.describe(a),
      isSkip: a.tagName === "A" && !!target,
      text: a.innerText.trim(),
      targetTag: target?.tagName,
      rect: { top: r.top, left: r.left, bottom: r.bottom, right: r.right, width: r.width, height: r.height },
      vw: innerWidth,
      vh: innerHeight,
      outline: cs.outlineStyle,
      outlineWidth: parseFloat(cs.outlineWidth),
    };
  });
  if (!got.isSkip) return problem(`${where}: the first Tab focuses ${got.what}, not a skip link`);
  if (got.targetTag !== "MAIN") problem(`${where}: the skip link points at <${got.targetTag}>, not <main>`);
  if (!got.text) problem(`${where}: the skip link has no text`);
  const r = got.rect;
  if (!(r.width > 10 && r.height > 10 && r.top >= 0 && r.left >= 0 && r.bottom <= got.vh && r.right <= got.vw)) {
    problem(`${where}: the focused skip link is not visible in the viewport: ${JSON.stringify(r)}`);
  }
  if (got.outline === "none" || got.outlineWidth < 2) problem(`${where}: the focused skip link has no focus outline`);
  await page.keyboard.press("Enter");
  const after = await page.evaluate(() => ({
    tag: document.activeElement.tagName,
    hash: location.hash,
  }));
  if (after.tag !== "MAIN") problem(`${where}: following the skip link focuses <${after.tag}>, not <main>`);
  await page.keyboard.press("Tab");
  // The next stop is main's first link, or what follows main when it has
  // none: never the header that the skip link skipped.
  const next = await page.evaluate(() => {
    const main = document.querySelector("main");
    const a = document.activeElement;
    return {
      skipped: main.contains(a) || !!(main.compareDocumentPosition(a) & Node.DOCUMENT_POSITION_FOLLOWING),
      what: window.__labsite.describe(a),
    };
  });
  if (!next.skipped) problem(`${where}: after the skip link, Tab goes back to ${next.what}, before <main>`);
  return got.text;
}

// Tab through the whole page: every stop shows an outline of at least
// 2 px, with 3:1 contrast against the background behind it (WCAG 2.4.7,
// 1.4.11), on the element or on the nearest ancestor that draws it (a
// card whose whole area is the link).
async function checkFocusRing(page, where) {
  const seen = new Set();
  let stops = 0;
  for (let i = 0; i < 300; i++) {
    await page.keyboard.press("Tab");
    const s = await page.evaluate(() => {
      const h = window.__labsite;
      const a = document.activeElement;
      if (!a || a === document.body) return null;
      let ring = null;
      for (let e = a; e && e !== document.body; e = e.parentElement) {
        const cs = getComputedStyle(e);
        if (cs.outlineStyle !== "none" && parseFloat(cs.outlineWidth) >= 2) {
          ring = e;
          break;
        }
      }
      const key = h.describe(a) + "@" + [...document.querySelectorAll("*")].indexOf(a);
      if (!ring) return { key, what: h.describe(a), ring: false };
      const color = h.rgb(getComputedStyle(ring).outlineColor);
      // The outline sits just outside the element (outline-offset), over
      // the parent's background.
      const behind = h.background(ring.parentElement || ring);
      return { key, what: h.describe(a), ring: true, contrast: h.contrast(color, behind) };
    });
    if (!s) break;
    if (seen.has(s.key)) break;
    seen.add(s.key);
    stops++;
    if (!s.ring) problem(`${where}: no visible focus outline on ${s.what}`);
    else if (s.contrast < 3) problem(`${where}: focus outline of ${s.what} has contrast ${s.contrast.toFixed(2)}:1 (< 3:1)`);
  }
  return stops;
}

async function checkNoHorizontalScroll(page, where) {
  const s = await page.evaluate(() => ({ sw: document.documentElement.scrollWidth, vw: innerWidth }));
  if (s.sw > s.vw) problem(`${where}: horizontal scroll (${s.sw}px wide in a ${s.vw}px viewport)`);
}

// The charts: bars in the theme's colour (read from computed styles, not
// the CSS file), text readable, the drawing within its column and the
// viewport, and the data table as its text alternative.
async function checkCharts(page, where) {
  const r = await page.evaluate(() => {
    const h = window.__labsite;
    const root = getComputedStyle(document.documentElement);
    // The bars' own colour where the theme names one, else its accent.
    const property = root.getPropertyValue("--chart-bar").trim() ? "--chart-bar" : "--accent";
    const expected = root.getPropertyValue(property).trim();
    const found = [];
    const charts = [...document.querySelectorAll("svg.bar-chart")];
    for (const [i, svg] of charts.entries()) {
      const name = `chart ${i + 1}`;
      const bg = h.background(svg.parentElement);
      const bars = [...svg.querySelectorAll(".bar-chart__bar")];
      if (!bars.length) found.push(`${name}: no .bar-chart__bar`);
      for (const bar of bars) {
        const fill = getComputedStyle(bar).fill;
        if (fill === "rgb(0, 0, 0)") found.push(`${name}: a bar is black (SVG's default fill)`);
        if (!expected) found.push(`${name}: the theme defines neither --chart-bar nor --accent`);
        else if (fill !== h.resolve(expected)) found.push(`${name}: a bar is ${fill}, not ${property} ${h.resolve(expected)}`);
        const c = h.contrast(h.rgb(fill), bg);
        if (c < 3) found.push(`${name}: bars have contrast ${c.toFixed(2)}:1 against the page (< 3:1)`);
      }
      for (const t of svg.querySelectorAll("text")) {
        const c = h.contrast(h.rgb(getComputedStyle(t).fill), bg);
        if (c < 4.5) found.push(`${name}: text "${t.textContent}" has contrast ${c.toFixed(2)}:1 (< 4.5:1)`);
        const tr = t.getBoundingClientRect();
        const sr = svg.getBoundingClientRect();
        if (tr.right > innerWidth + 0.5 || tr.left < -0.5) found.push(`${name}: text "${t.textContent}" runs out of the viewport`);
        if (tr.right > sr.right + 1 || tr.left < sr.left - 1) found.push(`${name}: text "${t.textContent}" runs out of the chart`);
      }
      // The text alternative: the SVG is hidden from assistive technology
      // and a labelled table beside it carries the numbers, or the SVG is
      // an image described by that table.
      const figure = svg.closest("figure");
      const table = figure?.querySelector("table");
      if (!table) {
        found.push(`${name}: no data table in its figure`);
        continue;
      }
      const caption = table.caption?.textContent.trim() || table.getAttribute("aria-label") || "";
      if (!caption) found.push(`${name}: its table has no caption`);
      if (table.closest("[aria-hidden='true'], [hidden]")) found.push(`${name}: its table is hidden`);
      const hidden = !!svg.closest("[aria-hidden='true']");
      const describedBy = (svg.getAttribute("aria-describedby") || "").split(/\s+/);
      if (!hidden && !(table.id && describedBy.includes(table.id))) {
        found.push(`${name}: the SVG is neither aria-hidden nor described by its table`);
      }
      const rows = table.tBodies[0]?.rows.length || 0;
      if (rows !== svg.querySelectorAll(".bar-chart__track").length) {
        found.push(`${name}: ${rows} table rows for ${svg.querySelectorAll(".bar-chart__track").length} bars`);
      }
    }
    return { charts: charts.length, found, fill: charts.length ? getComputedStyle(charts[0].querySelector(".bar-chart__bar")).fill : null };
  });
  for (const f of r.found) problem(`${where}: ${f}`);
  return r;
}

// The page's share card: loads, and a generated card is 1200×630 as its
// og:image:width/height say.
async function checkCard(page, where) {
  const r = await page.evaluate(async () => {
    const meta = (p) => document.querySelector(`meta[property="${p}"]`)?.content;
    const src = meta("og:image");
    if (!src) return null;
    const img = new Image();
    img.src = src;
    try {
      await img.decode();
    } catch {
      return { src, error: "does not load" };
    }
    return {
      src,
      width: img.naturalWidth,
      height: img.naturalHeight,
      declared: [meta("og:image:width"), meta("og:image:height")],
      alt: meta("og:image:alt"),
    };
  });
  if (!r) return null;
  if (r.error) problem(`${where}: og:image ${r.src} ${r.error}`);
  else {
    if (r.width !== 1200 || r.height !== 630) problem(`${where}: og:image ${r.src} is ${r.width}×${r.height}, not 1200×630`);
    if (r.declared[0] !== "1200" || r.declared[1] !== "630") problem(`${where}: og:image:width/height say ${r.declared.join("×")}`);
    if (!r.alt) problem(`${where}: og:image has no og:image:alt`);
  }
  return r;
}

// ------------------------------------------------------------ the run

const browser = await chromium.launch({
  executablePath: process.env.LABSITE_CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const summary = [];
try {
  const kinds = new Set();
  for (const scheme of SCHEMES) {
    const context = await browser.newContext({ colorScheme: scheme, viewport: { width: 1280, height: 800 } });
    await context.route("**/*", serve);
    await context.addInitScript(PAGE_HELPERS);
    const page = await context.newPage();
    page.on("pageerror", (e) => problem(`${page.url()}: page error: ${e.message}`));
    page.on("console", (m) => {
      // A missing page's own 404 is expected; anything else is not.
      if (m.type() === "error" && !m.text().includes("404")) problem(`${page.url()}: console error: ${m.text()}`);
    });
    const chartFills = new Set();
    for (const p of pages) {
      for (const width of [...new Set([...NARROW, ...WIDTHS])].sort((a, b) => a - b)) {
        await page.setViewportSize({ width, height: 800 });
        await page.emulateMedia({ colorScheme: scheme });
        const res = await page.goto(p.url, { waitUntil: "load" });
        await page.evaluate(() => document.fonts.ready);
        const where = `${p.file} ${width}px ${scheme}`;
        if (res.status() !== p.status) problem(`${where}: status ${res.status()}, expected ${p.status}`);
        const kind = await page.evaluate(() => [...document.body.classList].find((c) => c.startsWith("kind-"))?.slice(5));
        kinds.add(kind);

        await checkNoHorizontalScroll(page, where);
        const charts = await checkCharts(page, where);
        if (charts.fill) chartFills.add(charts.fill);
        if (!WIDTHS.includes(width)) {
          step(`${where}: layout checked (${charts.charts} chart(s))`);
          continue;
        }

        const { violations, undecided } = await runAxe(page);
        for (const v of violations) {
          for (const n of v.nodes) problem(`${where}: axe ${v.id} (${v.impact}): ${v.help}\n    at ${n.target}\n    ${n.summary.replace(/\n/g, "\n    ")}`);
        }
        const name = `${p.file.replace(/\//g, "_").replace(/\.html$/, "")}-${width}-${scheme}`;
        const pixels = await checkContrastInPixels(page, where, undecided);
        await page.evaluate(() => window.scrollTo(0, 0));
        const card = await checkCard(page, where);
        if (shots) {
          mkdirSync(shots, { recursive: true });
          await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
        }
        const skip = await checkSkipLink(page, where, shots && join(shots, `${name}-skip.png`));
        // The Tab walk starts from the top of a fresh page.
        await page.goto(p.url, { waitUntil: "load" });
        const stops = await checkFocusRing(page, where);
        const line = `${where} [${kind}]: axe ${violations.length} violation(s), ${pixels.measured} contrast(s) measured in pixels, ${pixels.charts} in charts${pixels.rest.length ? ` (left undecided: ${[...new Set(pixels.rest)].join(" ")} ×${pixels.rest.length})` : ""}, ${stops} focus stops, ${charts.charts} chart(s)${card ? `, card ${card.width}×${card.height}` : ""}${skip ? `, skip link 「${skip}」` : ""}`;
        summary.push(line);
        step(line);
      }
    }
    // The dark scheme's bars are not the light scheme's: the fill follows
    // the theme, not a fixed colour.
    step(`${scheme}: chart bars filled with ${[...chartFills].join(", ") || "(no charts)"}`);
    summary.push(`${scheme} bars: ${[...chartFills].join(", ")}`);
    await context.close();
  }
  if (!pages.length) problem(`no HTML page to check in ${out}${only ? ` named ${only}` : ""}`);
  step(`kinds of page checked: ${[...kinds].sort().join(" ")}`);
  const [light, dark] = summary.filter((l) => l.includes(" bars: ")).map((l) => l.split(": ")[1]);
  if (light && light === dark) problem(`chart bars are the same colour in light and dark (${light})`);
} catch (e) {
  problem(`the test itself failed: ${e.stack || e.message}`);
} finally {
  await browser.close();
}
if (problems.length) {
  console.log(`browser: FAILED: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log("browser: all checks passed");
