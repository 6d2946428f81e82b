// Browser test of comparing and exporting (issue 11, part 4), through the canvas as a trainer
// does it: run the hotel to the end, pin it as the baseline with the Charts window's button,
// change a probability, run again, and read the difference; start a sweep with its button
// (which must be on screen at 1280 x 800, 1024 x 768 and on a 768 x 1024 tablet) and export its
// CSV; save a PNG of the view through the Export menu and check it has no menu bar.
//
// usage: node tests/browser/compare.test.mjs SITE_DIR ARTIFACT_DIR
import fs from "node:fs";
import path from "node:path";
import { createChecker, decodePng, frames, repo, runSuite, siteAndArtifactDirs, startServer } from "./harness.mjs";

const { siteDir, artifactDir } = siteAndArtifactDirs("tests/browser/compare.test.mjs");
if (!fs.existsSync(path.join(siteDir, "index.html"))) {
  console.error(`${siteDir} does not look like the built site`);
  process.exit(2);
}
fs.mkdirSync(artifactDir, { recursive: true });
// The shipped hotel, shorter and with fewer guests so that the runs and the sweep fit the time.
const HOTEL = (() => {
  const s = JSON.parse(fs.readFileSync(path.join(repo, "assets", "scenarios", "hotel.json"), "utf8"));
  s.ticks = 60;
  s.population.arrivals_per_tick = 20;
  return JSON.stringify(s);
})();
const AXE = fs.readFileSync(path.join(repo, "node_modules", "axe-core", "axe.min.js"), "utf8");

const checker = createChecker();
const { check } = checker;
const consoleErrors = [];

const state = (page) => page.evaluate(() => window.motsim.state());
const widget = (page, name) => page.evaluate((n) => window.motsim.widget(n), name);
const inside = (r, w, h) => r && r.x >= -0.5 && r.y >= -0.5 && r.x + r.w <= w + 0.5 && r.y + r.h <= h + 0.5;

// A click the app sees: ImGui reads the mouse once a frame, so each step gets its own frames.
async function clickAt(page, x, y, touch) {
  if (touch) {
    await page.touchscreen.tap(x, y);
    await frames(page, 4);
    return;
  }
  await page.mouse.move(x, y);
  await frames(page, 2);
  await page.mouse.down();
  await frames(page, 2);
  await page.mouse.up();
  await frames(page, 2);
}
// Clicks the middle of a remembered widget; false when the app has no such rectangle.
async function clickWidget(page, name, touch = false) {
  await frames(page, 2);
  const r = await widget(page, name);
  if (!r) return false;
  await clickAt(page, r.x + r.w / 2, r.y + r.h / 2, touch);
  return true;
}

async function openApp(context, url, label) {
  const page = await context.newPage();
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(`${label}: ${m.text()}`); });
  page.on("pageerror", (e) => consoleErrors.push(`${label}: ${e && e.message ? e.message : e}`));
  await page.goto(url);
  await page.waitForFunction(() => typeof window.motsim === "object" && window.motsim !== null, null, { timeout: 30000 });
  await frames(page, 3);
  // A first visit opens the Info window: close it with its button, as a trainer would.
  const close = await widget(page, "info_close");
  if (close) await clickAt(page, close.x + close.w / 2, close.y + close.h / 2, false);
  await page.evaluate((text) => { window.motsim.command("pause"); window.motsim.load(text, "hotel.json"); },
                      HOTEL);
  await frames(page, 3);
  return page;
}

async function runToEnd(page) {
  await page.evaluate(() => { window.motsim.command("pause"); window.motsim.command("reset"); window.motsim.finish(); });
  await page.waitForFunction(() => window.motsim.state().finished, null, { timeout: 30000 });
  await frames(page, 2);
}

// "+4.2 pts": what the app should show for a change of a share.
const pts = (now, before) => {
  let d = Math.round(1000 * (now - before)) / 10;
  if (d === 0) d = 0;
  return `${d >= 0 ? "+" : "-"}${Math.abs(d).toFixed(1)} pts`;
};

// ==== Pin, change, run again =========================================================================
async function testBaseline(ctx) {
  const page = await openApp(ctx.desktop, ctx.url, "baseline");
  await runToEnd(page);
  let s = (await state(page));
  check(s.baselines.length === 0, "no baselines before pinning", s.baselines);
  const pin = await widget(page, "pin_baseline");
  check(inside(pin, 1280, 800), "the Pin as baseline button is on screen", pin);
  await page.screenshot({ path: path.join(artifactDir, "compare-1280-before-pin.png") });
  await clickWidget(page, "pin_baseline");
  s = (await state(page));
  const before = s.conversion;
  check(s.baselines.length === 1 && s.baselines[0].pinned && s.baselines[0].label === `Baseline: ${s.scenario}, seed 1, day ${s.ticks}`,
        "the click pinned the run as 'Baseline: <scenario>, seed 1, day <ticks>'", s.baselines);
  check(s.baselines[0].conversion === before && s.baselines[0].purchases === s.purchases,
        "the baseline holds the run's numbers", s.baselines[0]);
  // A better booking desk, then the run again.
  check(await page.evaluate(() => window.motsim.set("/moments/booking/negative", 0.02)), "the booking's negative odds changed");
  await runToEnd(page);
  s = (await state(page));
  const base = s.baselines.find((b) => b.pinned);
  check(s.baselines.length === 2 && s.baselines[1].label.startsWith("Run 1: ") && !s.baselines[1].pinned,
        "the run before the restart is kept as 'Run 1'", s.baselines.map((b) => b.label));
  check(s.conversion > before, "fewer lost at the booking: the conversion went up", { before, now: s.conversion });
  check(base.difference.conversion === pts(s.conversion, base.conversion),
        `the conversion difference shown is the numbers' (${base.difference.conversion})`,
        { shown: base.difference.conversion, computed: pts(s.conversion, base.conversion) });
  check(base.difference.rating === pts(s.rating, base.rating), "the rating difference shown is the numbers'",
        { shown: base.difference.rating, computed: pts(s.rating, base.rating) });
  const dp = s.purchases - base.purchases;
  check(base.difference.purchases === `${dp >= 0 ? "+" : "-"}${Math.abs(dp).toLocaleString("en-US")}`,
        "the purchases difference shown is the numbers'", { shown: base.difference.purchases, dp });
  // The overlays and the differences, for the eye.
  for (const [tab, file] of [["tab_flow", "flow"], ["tab_funnel", "funnel"], ["tab_nps", "nps"], ["tab_compare", "compare"]]) {
    check(await clickWidget(page, tab), `the ${file} tab can be clicked`);
    await frames(page, 3);
    await page.screenshot({ path: path.join(artifactDir, `compare-1280-${file}.png`) });
  }
  // A chart tooltip names the series and its unit.
  await clickWidget(page, "tab_flow");
  const charts = await widget(page, "charts");
  await page.mouse.move(charts.x + charts.w * 0.6, charts.y + charts.h * 0.6);
  await frames(page, 3);
  await page.screenshot({ path: path.join(artifactDir, "compare-1280-tooltip.png") });
  // Clear.
  await clickWidget(page, "clear_baselines");
  s = (await state(page));
  check(s.baselines.length === 0, "Clear baselines empties them");
  const v = await axe(page);
  check(v.length === 0, `axe-core: no serious or critical violations (${v.length})`, v);
  await page.close();
}

async function axe(page) {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => v.id);
  });
}

// ==== The sweep's button at three sizes; its CSV ===============================================
async function sweepAt(context, url, size, touch, exportIt) {
  const page = await openApp(context, url, `sweep-${size}`);
  await frames(page, 3);
  // The tabs scroll when they do not fit: the tab bar's ">" arrow (at its right end) brings
  // the Sweep tab into view, as a trainer would press it.
  const charts = await widget(page, "charts");
  for (let i = 0; i < 12; i++) {
    const t = await widget(page, "tab_sweep");
    if (t && t.x >= charts.x && t.x + t.w <= charts.x + charts.w - 30) break;
    const flow = await widget(page, "tab_flow");
    await clickAt(page, charts.x + charts.w - 14, flow.y + flow.h / 2, touch);
  }
  check(await clickWidget(page, "tab_sweep", touch), `${size}: the Sweep tab can be tapped`);
  await frames(page, 3);
  const [w, h] = size.split("x").map(Number);
  const start = await widget(page, "sweep_start");
  const mid = start && { x: start.x + start.w / 2, y: start.y + start.h / 2, w: 0, h: 0 };
  check(start && inside(mid, w, h) && start.x >= charts.x && start.x + start.w <= charts.x + charts.w + 0.5 &&
        mid.y <= charts.y + charts.h, `${size}: the Sweep button is in the Charts window, on screen`, { start, charts });
  await page.screenshot({ path: path.join(artifactDir, `compare-${size}-sweep.png`) });
  await clickWidget(page, "sweep_start", touch);
  let s = (await state(page));
  check(s.experiment.running || s.experiment.sweep, `${size}: the button started the sweep`, s.experiment);
  if (!exportIt) {
    await page.evaluate(() => window.motsim.command("cancel"));
    await page.close();
    return;
  }
  await page.waitForFunction(() => { const e = window.motsim.state().experiment; return e.sweep && !e.running; },
                             null, { timeout: 60000 });
  await frames(page, 3);
  s = (await state(page));
  await page.screenshot({ path: path.join(artifactDir, `compare-${size}-sweep-done.png`) });
  const [download] = await Promise.all([page.waitForEvent("download", { timeout: 10000 }),
                                        clickWidget(page, "sweep_export_csv", touch)]);
  const name = download.suggestedFilename();
  const selected = s.selected;
  check(name.startsWith("grand-hotel-") && name.endsWith(`-seed1-sweep-${selected}-positive.csv`) && /^[a-z0-9_.-]+$/.test(name),
        `the sweep's file name says the scenario, the seed and what it is (${name})`);
  const text = fs.readFileSync(await download.path(), "utf8");
  const lines = text.trim().split("\n");
  const header = lines[0].split(",");
  check(header[0] === `/moments/${selected}/positive` && header[1] === "runs" && header.includes("conversion_lo"),
        "the CSV header names the parameter and the metrics", header.slice(0, 6));
  check(lines.length === 1 + 8, `the CSV has one row per point (${lines.length - 1})`);
  const first = lines[1].split(",").map(Number);
  check(first[0] === 0.3 && first.every(Number.isFinite), "the rows are numbers, from the 0.3 the panel shows", lines[1]);
  await page.close();
}
async function testSweep(ctx) {
  // The sweep varies the selected moment's positive odds: after a load, the first moment.
  await sweepAt(ctx.desktop, ctx.url, "1280x800", false, true);
  const small = await ctx.browser.newContext({ viewport: { width: 1024, height: 768 }, acceptDownloads: true });
  await sweepAt(small, ctx.url, "1024x768", false, false);
  await small.close();
  const tablet = await ctx.browser.newContext({ viewport: { width: 768, height: 1024 }, isMobile: true, hasTouch: true,
                                               acceptDownloads: true });
  await sweepAt(tablet, ctx.url, "768x1024", true, false);
  await tablet.close();
}
// ==== The picture ==================================================================================
async function testPicture(ctx) {
  const page = await openApp(ctx.desktop, ctx.url, "picture");
  await frames(page, 3);
  const withMenu = decodePng(await page.screenshot({ path: path.join(artifactDir, "compare-1280-page.png") }));
  check(await clickWidget(page, "menu_export"), "the Export menu opens");
  await frames(page, 3);
  await page.screenshot({ path: path.join(artifactDir, "compare-1280-export-menu.png") });
  const item = await widget(page, "export_png");
  check(item !== null, "the Export menu has 'A picture of the view (PNG)'");
  const [download] = await Promise.all([page.waitForEvent("download", { timeout: 10000 }),
                                        clickAt(page, item.x + item.w / 2, item.y + item.h / 2, false)]);
  const name = download.suggestedFilename();
  check(/^grand-hotel-[a-z0-9_-]*-seed1-view\.png$/.test(name), `the picture's name says the scenario and seed (${name})`);
  const png = decodePng(fs.readFileSync(await download.path()));
  fs.copyFileSync(await download.path(), path.join(artifactDir, "compare-exported.png"));
  // The menu bar's colour along the top rows, in the page and in the picture.
  const menuBar = (img) => {
    const o = (4 * img.width + Math.floor(img.width * 0.9)) * 4;  // row 4, right of the menus' names
    return [img.data[o], img.data[o + 1], img.data[o + 2]];
  };
  const same = (a, b) => a.every((v, i) => Math.abs(v - b[i]) <= 3);
  const bar = menuBar(withMenu);
  let rowsLikeBar = 0;
  for (let y = 0; y < 12; y++)
    for (let x = 0; x < png.width; x += 8) {
      const o = (y * png.width + x) * 4;
      if (same([png.data[o], png.data[o + 1], png.data[o + 2]], bar)) rowsLikeBar++;
    }
  check(png.width === withMenu.width && png.height === withMenu.height, "the picture is the whole view", [png.width, png.height]);
  check(rowsLikeBar < 0.1 * 12 * (png.width / 8), `the picture has no menu bar along its top (${rowsLikeBar} pixels of its colour)`,
        { bar });
  const s = (await state(page));
  check(s.pictures.taken === 1 && !s.pictures.pending, "one picture taken, none pending", s.pictures);
  await frames(page, 3);
  const after = decodePng(await page.screenshot());
  check(same(menuBar(after), bar), "the menu bar is back on the next frame");
  await page.close();
}

let server = null;
const killServer = () => { if (server) { try { server.proc.kill(); } catch (e) { /* gone */ } server = null; } };
await runSuite({
  checker, artifactDir, seconds: 280, cleanup: killServer,
  setup: async (launch) => {
    server = await startServer(siteDir);
    const browser = await launch();
    const desktop = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true });
    return { browser, desktop, url: server.url };
  },
  tests: [
    ["pin a baseline, change, run again", testBaseline, true],
    ["the sweep's button at three sizes", testSweep, false],
    ["a picture without the menu bar", testPicture, false],
  ],
  after: () => {
    check(consoleErrors.length === 0, "no console errors", consoleErrors.slice(0, 5));
  },
});
