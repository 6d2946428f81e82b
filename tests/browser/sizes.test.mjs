// Browser test: the app is readable and usable at the screen sizes trainers use (issue 11):
// 1920x1080, 1280x800, 1024x768 and a 768x1024 touch tablet. At each size it lets the journey
// run, clicks a moment on the map, opens the Charts tabs one by one and checks that the app had
// to shorten no text (state.truncated == 0; the texts it cut are printed otherwise), then starts
// a Sweep through its button on the canvas. Also: a text size and presentation mode that take
// effect and survive a reload. Screenshots of each size go to ARTIFACT_DIR.
//
// usage: node tests/browser/sizes.test.mjs SITE_DIR ARTIFACT_DIR
// Needs playwright-core (npm) and /usr/bin/chromium. Exit code 0 when every check passed.
import fs from "node:fs";
import path from "node:path";
import { createChecker, decodePng, frames, regionStats, runSuite, siteAndArtifactDirs, sleep,
         startServer } from "./harness.mjs";

const { siteDir, artifactDir } = siteAndArtifactDirs("tests/browser/sizes.test.mjs");
if (!fs.existsSync(path.join(siteDir, "index.html")) || !fs.existsSync(path.join(siteDir, "motsim_app.wasm"))) {
  console.error(`${siteDir} does not look like the built site (index.html, motsim_app.wasm)`);
  process.exit(2);
}
fs.mkdirSync(artifactDir, { recursive: true });

const ALL_SIZES = [
  { name: "1920x1080", opts: { viewport: { width: 1920, height: 1080 } } },
  { name: "1280x800", opts: { viewport: { width: 1280, height: 800 } } },
  { name: "1024x768", opts: { viewport: { width: 1024, height: 768 } } },
  { name: "tablet-768x1024", touch: true,
    opts: { viewport: { width: 768, height: 1024 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 } },
];
// MOTSIM_SIZES=1024x768,tablet-768x1024 runs some of them (while working on one).
const SIZES = process.env.MOTSIM_SIZES ? ALL_SIZES.filter((z) => process.env.MOTSIM_SIZES.split(",").includes(z.name))
                                      : ALL_SIZES;
// The Charts tabs, in the order the window shows them (a tab that is not there is reported).
const TABS = ["Flow", "Funnel", "Impressions", "NPS & rating", "Why they left", "Compare", "Replications", "Sweep",
              "Where to invest", "Large populations"];

// Text still cut in windows other engineers own (issue 11), by window: reported on every run as
// "known", not failed, until its owner fixes it and deletes the line here. Anything else fails.
const KNOWN = {};
// Texts fit_text shortened (no "window"/"tab:" prefix) while a tab shows, by tab.
const KNOWN_IN_TAB = {
  "Funnel": "src/app/plot.cpp (the funnel's bar labels are fitted to their bar: long moment names at 1024 wide)",
};
const knownWhy = (text, where) => {
  const w = Object.keys(KNOWN).find((k) => text.startsWith(`window ${k}:`));
  if (w) return KNOWN[w];
  const tab = where.startsWith("tab ") ? where.slice(4) : null;
  if (tab && KNOWN_IN_TAB[tab] && !text.startsWith("window ") && !text.startsWith("tab: ")) return KNOWN_IN_TAB[tab];
  return null;
};

const checker = createChecker();
const { check } = checker;

// ==== Page helpers ================================================================================

const consoleErrors = [];
function watchConsole(page, label) {
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(`${label}: ${m.text()}`); });
  page.on("pageerror", (e) => consoleErrors.push(`${label}: page error: ${e && e.message ? e.message : e}`));
}
const state = (page) => page.evaluate(() => window.motsim.state());
const widget = (page, name) => page.evaluate((n) => window.motsim.widget(n), name);
const usable = (r) => r && r.w > 2 && r.h > 2;
const centre = (r) => ({ x: r.x + r.w / 2, y: r.y + r.h / 2 });

// A press the app sees: ImGui reads the pointer once a frame, so each step gets its own frames.
// On a touch device a finger (held for a few frames, as a person's tap is), else the mouse.
async function press(ctx, x, y) {
  const { page } = ctx;
  if (ctx.touch) {
    await ctx.cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x, y }] });
    await frames(page, 2);
    await ctx.cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
    await frames(page, 2);
    return;
  }
  await page.mouse.move(x, y);
  await frames(page, 1);
  await page.mouse.down();
  await frames(page, 1);
  await page.mouse.up();
  await frames(page, 1);
}

// Moves the pointer off the canvas's windows so no tooltip stays open (a tooltip is not text the
// app shortened, but it may cover what a screenshot should show).
async function rest(ctx) {
  if (!ctx.touch) await ctx.page.mouse.move(2, ctx.size.opts.viewport.height - 2);
  await frames(ctx.page, 2);
}

// The truncation count of the last frames: a few frames in a row, the largest (with its texts).
async function truncation(page) {
  await frames(page, 1);
  const s = await state(page);
  if (typeof s.truncated !== "number") return { truncated: NaN, texts: ["state.truncated is missing"] };
  return { truncated: s.truncated, texts: s.truncated_texts };
}

async function checkNothingCut(ctx, where, problems) {
  const t = await truncation(ctx.page);
  const texts = t.texts || [];
  const unknown = texts.filter((x) => !knownWhy(x, where));
  for (const x of texts.filter((x) => knownWhy(x, where))) if (!ctx.knownSeen.has(x)) {
    ctx.knownSeen.add(x);
    console.log(`   known, not failed (${knownWhy(x, where)}): ${x}`);
  }
  // Every text cut is listed (up to 20), so a count above the list's length is cut text too.
  const ok = Number.isInteger(t.truncated) && unknown.length === 0 && t.truncated <= texts.length;
  check(ok, `${ctx.size.name}, ${where}: no text shortened (state.truncated ${t.truncated}, ` +
        `${texts.length - unknown.length} known)`, ok ? undefined : unknown);
  if (!ok) {
    problems.push({ size: ctx.size.name, where, texts: t.texts });
    await ctx.page.screenshot({ path: path.join(artifactDir, `${ctx.size.name}-cut-${where.replace(/[^a-z0-9]+/gi, "_")}.png`) });
  }
}

// Opens a Charts tab through the canvas. A scrolling tab bar may hide it: then the last tab on
// screen is pressed, which scrolls the bar, and we look again.
async function openTab(ctx, label) {
  for (let attempt = 0; attempt < 6; attempt++) {
    const r = await widget(ctx.page, `tab:${label}`);
    if (usable(r)) {
      const c = centre(r);
      await press(ctx, c.x, c.y);
      return true;
    }
    const shown = [];
    for (const t of TABS) {
      const tr = await widget(ctx.page, `tab:${t}`);
      if (usable(tr)) shown.push({ t, r: tr });
    }
    if (!shown.length) return false;
    const last = shown.reduce((a, b) => (b.r.x > a.r.x ? b : a));
    const c = centre(last.r);
    await press(ctx, c.x, c.y);
  }
  return false;
}

// ==== One size ====================================================================================

async function testSize(ctx, size, problems) {
  const context = await ctx.browser.newContext({ ...size.opts, screen: size.opts.viewport });
  const page = await context.newPage();
  watchConsole(page, size.name);
  const c = { page, size, touch: !!size.touch, cdp: size.touch ? await context.newCDPSession(page) : null,
              knownSeen: new Set() };
  try {
    await page.goto(ctx.url);
    await page.waitForFunction(() => typeof window.motsim === "object" && window.motsim !== null, null, { timeout: 30000 });
    // A first visit opens the Info window: read as it is, then closed with its button.
    await frames(page, 3);
    if (usable(await widget(page, "info"))) {
      await checkNothingCut(c, "Info window (first visit)", problems);
      const close = await widget(page, "info_close");
      check(usable(close), `${size.name}: the Info window's close button is on the canvas`, close);
      if (usable(close)) {
        const p = centre(close);
        await press(c, p.x, p.y);
      }
      await frames(page, 2);
      check(!usable(await widget(page, "info")), `${size.name}: pressing "Start exploring" closes the Info window`);
    }
    await page.evaluate(() => window.motsim.command("play"));
    await sleep(1200);  // customers on the map, numbers in the panels
    await rest(c);
    await checkNothingCut(c, "after a run", problems);

    // A moment on the map, pressed on the canvas: it becomes the selected moment.
    const s0 = await state(page);
    const ids = Object.keys(s0.moments);
    const target = ids.find((id) => id !== s0.selected) || ids[0];
    const node = await widget(page, `moment:${target}`);
    check(usable(node), `${size.name}: the map names the rectangle of moment "${target}"`, node);
    if (usable(node)) {
      const p = centre(node);
      await press(c, p.x, p.y);
      const s1 = await state(page);
      check(s1.selected === target, `${size.name}: pressing moment "${target}" on the map selects it`, s1.selected);
    }
    await rest(c);
    await checkNothingCut(c, "a moment selected", problems);
    await page.screenshot({ path: path.join(artifactDir, `${size.name}.png`) });

    // Every Charts tab, one by one.
    for (const label of TABS) {
      const opened = await openTab(c, label);
      check(opened, `${size.name}: the "${label}" tab can be pressed`);
      if (!opened) continue;
      await checkNothingCut(c, `tab ${label}`, problems);
    }

    // The Sweep: its Start button is on the canvas and starts it.
    check(await openTab(c, "Sweep"), `${size.name}: back to the Sweep tab`);
    await rest(c);
    const start = await widget(page, "sweep_start");
    const charts = await widget(page, "charts");
    const vw = size.opts.viewport.width, vh = size.opts.viewport.height;
    // Its centre must be in the Charts window and on the screen (where a press lands); a button
    // partly below the window's foot is said, not failed (the window scrolls).
    const mid = usable(start) ? centre(start) : null;
    const onScreen = mid && charts && mid.x >= 0 && mid.y >= 0 && mid.x <= vw && mid.y <= vh && mid.x >= charts.x &&
      mid.x <= charts.x + charts.w && mid.y >= charts.y && mid.y <= charts.y + charts.h;
    check(onScreen, `${size.name}: the Sweep's start button is inside the Charts window and the screen`, { start, charts });
    if (onScreen && (start.y + start.h > charts.y + charts.h + 0.5 || start.x + start.w > charts.x + charts.w + 0.5))
      console.log(`   note: ${size.name}: the Sweep's button is partly past the Charts window's edge`, { start, charts });
    if (onScreen) {
      const p = centre(start);
      await press(c, p.x, p.y);
      let ex = (await state(page)).experiment;
      for (let i = 0; i < 10 && !(ex.running || ex.sweep); i++) {
        await frames(page, 2);
        ex = (await state(page)).experiment;
      }
      check(ex.running || ex.sweep, `${size.name}: pressing it starts the sweep`, ex);
    }
    await page.screenshot({ path: path.join(artifactDir, `${size.name}-sweep.png`) });
  } finally {
    await context.close();
  }
}

// ==== Text size and presentation mode =============================================================

// Text size "Large" and presentation mode through the page's API: the state says so, the menu
// bar's text grows (taller bright rows), and both survive a reload.
async function testReading(ctx) {
  const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  watchConsole(page, "reading");
  try {
    await page.goto(ctx.url);
    await page.waitForFunction(() => typeof window.motsim === "object" && window.motsim !== null, null, { timeout: 30000 });
    await page.evaluate(() => window.motsim.command("pause"));
    await frames(page, 3);
    const menuHeight = async () => (await widget(page, "tab:Flow")) || {};
    const before = await menuHeight();
    const s0 = await state(page);
    check(s0.text_size === 1 && s0.presentation === false, "the text size starts Normal, presentation mode off",
          { text_size: s0.text_size, presentation: s0.presentation });
    check(await page.evaluate(() => window.motsim.set("text_size", 1.5)), 'motsim.set("text_size", 1.5) is accepted');
    await frames(page, 4);
    const large = await menuHeight();
    check(large.h > before.h * 1.3, `the tabs grow with the text size (${before.h} -> ${large.h} px high)`);
    check(await page.evaluate(() => window.motsim.set("presentation", 1)), 'motsim.set("presentation", 1) is accepted');
    await frames(page, 4);
    const img = decodePng(await page.screenshot({ path: path.join(artifactDir, "presentation.png") }));
    const s1 = await state(page);
    check(s1.presentation === true && s1.text_size === 1.5, "the state reports presentation mode and the text size",
          { text_size: s1.text_size, presentation: s1.presentation });
    const pres = await menuHeight();
    check(pres.h > large.h * 1.15, `presentation mode makes text bigger still (${large.h} -> ${pres.h} px)`);
    // Higher contrast: the windows' backgrounds are near black (the story window's empty foot).
    const j = await widget(page, "story");
    check(usable(j), 'widget("story") is on the screen', j);
    if (usable(j)) {
      const st = regionStats(img, { x: j.x + 10, y: j.y + j.h - 30, w: 20, h: 20 },
                             { black: (r, g, b) => r < 12 && g < 12 && b < 14 });
      check(st.counts.black > 0.8 * st.pixels, `presentation mode's windows are black (${st.counts.black} of ${st.pixels} px)`);
    }
    await sleep(300);
    await page.reload();
    await page.waitForFunction(() => typeof window.motsim === "object" && window.motsim !== null, null, { timeout: 30000 });
    await frames(page, 3);
    const s2 = await state(page);
    check(s2.presentation === true && s2.text_size === 1.5, "text size and presentation mode survive a reload",
          { text_size: s2.text_size, presentation: s2.presentation });
    check(!(await page.evaluate(() => window.motsim.set("text_size", Number.NaN))), "a text size that is not a number is refused");
    await page.evaluate(() => { window.motsim.set("text_size", 1); window.motsim.set("presentation", 0); });
    await frames(page, 3);
    const s3 = await state(page);
    check(s3.text_size === 1 && s3.presentation === false, "and both can be set back");
  } finally {
    await context.close();
  }
}

// ==== Runner ======================================================================================

let server = null;
const killServer = () => { if (server && server.proc.exitCode === null) server.proc.kill("SIGTERM"); };
const problems = [];
await runSuite({
  checker, artifactDir, seconds: 840, cleanup: killServer,
  setup: async (launch) => {
    server = await startServer(siteDir);
    console.log(`serving ${siteDir} at ${server.url}`);
    return { browser: await launch(), url: server.url };
  },
  tests: [
    ...SIZES.map((size) => [`size ${size.name}`, (ctx) => testSize(ctx, size, problems), false]),
    ["text size and presentation mode", testReading, false],
  ],
  after: () => {
    check(consoleErrors.length === 0, "no console errors or page errors", consoleErrors);
    if (problems.length) {
      console.log("\ntext the app shortened:");
      for (const p of problems) console.log(`  ${p.size}, ${p.where}: ${JSON.stringify(p.texts)}`);
    }
  },
});
