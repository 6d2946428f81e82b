// Browser test of the v2 model in the full page (issue 12, the app's side): a journey with a
// market, loyalty and money, loaded through window.motsim.load.
//   a. At tick 0 the state says nobody was asked (nps null, "NPS of buyers" in the mirror's
//      summary), no returns, no money, nothing of the market reached; the Charts window has the
//      Adoption and Retention tabs (a v1 journey has neither).
//   b. After a run: returns, customers waiting to come back, repeat buyers, revenue and profit
//      (profit = revenue - cost), the share of the market reached, an NPS; the mirror's table has
//      the v2 columns.
//   c. The Adoption and Retention tabs pressed through the canvas (screenshots), a real mouse drag
//      on the loyalty slider changes /loyalty/base, the expected-values engine says it is a
//      mean-field approximation here, axe-core finds no serious or critical violation.
//   d. The same journey at 1024x768 and on a 768x1024 touch tablet: the tabs pressed with a
//      finger, screenshots, nothing shortened.
// Usage: node tests/browser/v2.test.mjs SITE_DIR ARTIFACT_DIR
import fs from "node:fs";
import path from "node:path";
import { createChecker, frames, repo, runSuite, siteAndArtifactDirs, sleep, startServer } from "./harness.mjs";

const { siteDir, artifactDir } = siteAndArtifactDirs("tests/browser/v2.test.mjs");
fs.mkdirSync(artifactDir, { recursive: true });
const AXE = fs.readFileSync(path.join(repo, "node_modules", "axe-core", "axe.min.js"), "utf8");

// A launch: a market of 200,000 people (Bass p, q, r), loyal customers coming back to research,
// revenue per purchase and costs per visit.
const LAUNCH = JSON.stringify({
  motsim: 1, name: "Browser test: launch", ticks: 200, seed: 3,
  population: { initial: 0 },
  market: { size: 200000, advertising: 0.004, word_of_mouth: 0.3, negative: 0.1 },
  loyalty: { return_to: "research", after: { min: 10, max: 20 }, base: 0.3, impression: 2 },
  money: { currency: "EUR", revenue: 80 },
  moments: [
    { id: "ad", phase: "stimulus", positive: 0.6, negative: 0.3 },
    { id: "research", phase: "zmot", positive: 0.5, negative: 0.2, reads_reviews: true },
    { id: "buy", phase: "fmot", positive: 0.7, negative: 0.1, purchase: true, cost: { visit: 5 } },
    { id: "use", phase: "smot", positive: 0.6, negative: 0.2, magic: 0.2,
      review: { promoter: 0.05, passive: 0.02, detractor: 0.15 }, cost: { visit: 10, magic: 20, improve: 1000 } },
  ],
});

const SIZES = [
  { name: "1280x800", opts: { viewport: { width: 1280, height: 800 } } },
  { name: "1024x768", opts: { viewport: { width: 1024, height: 768 } } },
  { name: "768x1024-touch", touch: true,
    opts: { viewport: { width: 768, height: 1024 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 } },
];

const checker = createChecker();
const { check } = checker;

const consoleErrors = [];
function watchConsole(page, label) {
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(`${label}: ${m.text()}`); });
  page.on("pageerror", (e) => consoleErrors.push(`${label}: page error: ${e && e.message ? e.message : e}`));
}
const state = (page) => page.evaluate(() => window.motsim.state());
const widget = (page, name) => page.evaluate((n) => window.motsim.widget(n), name);
const usable = (r) => r && r.w > 2 && r.h > 2;
const centre = (r) => ({ x: r.x + r.w / 2, y: r.y + r.h / 2 });

// A press the app sees (each step its own frames); a finger on a touch device.
async function press(c, x, y) {
  if (c.touch) {
    await c.cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x, y }] });
    await frames(c.page, 2);
    await c.cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
    await frames(c.page, 2);
    return;
  }
  await c.page.mouse.move(x, y);
  await frames(c.page, 1);
  await c.page.mouse.down();
  await frames(c.page, 1);
  await c.page.mouse.up();
  await frames(c.page, 1);
}
async function rest(c) {
  if (!c.touch) await c.page.mouse.move(2, c.size.opts.viewport.height - 2);
  await frames(c.page, 2);
}

// Opens a Charts tab through the canvas; a scrolling tab bar may hide it, then the last tab on
// screen is pressed (the bar scrolls) and we look again.
async function openTab(c, label) {
  const all = ["Flow", "Funnel", "Impressions", "NPS & rating", "Adoption", "Retention", "Why they left", "Compare",
               "Replications", "Sweep", "Where to invest", "Large populations"];
  for (let attempt = 0; attempt < 6; attempt++) {
    const r = await widget(c.page, `tab:${label}`);
    const charts = await widget(c.page, "charts");
    if (usable(r) && charts && r.x >= charts.x && r.x + r.w <= charts.x + charts.w + 0.5) {
      const p = centre(r);
      await press(c, p.x, p.y);
      return true;
    }
    const shown = [];
    for (const t of all) {
      const tr = await widget(c.page, `tab:${t}`);
      if (usable(tr) && charts && tr.x + tr.w <= charts.x + charts.w) shown.push(tr);
    }
    if (!shown.length) return false;
    const last = shown.reduce((a, b) => (b.x > a.x ? b : a));
    const p = centre(last);
    await press(c, p.x, p.y);
  }
  return false;
}

async function openPage(ctx, size) {
  const context = await ctx.browser.newContext({ ...size.opts, screen: size.opts.viewport });
  const page = await context.newPage();
  watchConsole(page, size.name);
  await page.goto(ctx.url);
  await page.waitForFunction(() => typeof window.motsim === "object" && window.motsim !== null, null, { timeout: 30000 });
  await frames(page, 3);
  const c = { page, context, size, touch: !!size.touch, cdp: size.touch ? await context.newCDPSession(page) : null };
  const close = await widget(page, "info_close");  // the first visit's Info window
  if (usable(close)) {
    const p = centre(close);
    await press(c, p.x, p.y);
  }
  await rest(c);
  return c;
}

async function loadLaunch(c) {
  const ok = await c.page.evaluate((t) => window.motsim.load(t, "launch.json"), LAUNCH);
  await frames(c.page, 3);
  return ok;
}

async function truncation(page) {
  await frames(page, 1);
  const s = await state(page);
  return { n: s.truncated, texts: s.truncated_texts };
}

// ==== a-c. The full page at 1280x800 ==============================================================

async function testDesktop(ctx) {
  const c = await openPage(ctx, SIZES[0]);
  const { page } = c;
  try {
    // A v1 journey (the default) has neither v2 tab.
    check(await widget(page, "tab_adoption") === null && await widget(page, "tab_retention") === null,
          "a journey without market or loyalty has no Adoption or Retention tab");
    check(await loadLaunch(c), "motsim.load of the v2 launch journey works");
    const s0 = await state(page);
    check(s0.scenario === "Browser test: launch" && s0.tick === 0, "the launch journey runs, at tick 0", { scenario: s0.scenario, tick: s0.tick });
    check(s0.nps === null && s0.nps_asked === "buyers", "tick 0: NPS is null (nobody asked yet), asked: buyers",
          { nps: s0.nps, asked: s0.nps_asked });
    check(s0.returns === 0 && s0.waiting === 0 && Array.isArray(s0.buyers) && s0.buyers.join() === "0,0,0",
          "tick 0: no returns, nobody waiting, no buyers", { returns: s0.returns, waiting: s0.waiting, buyers: s0.buyers });
    check(s0.market && s0.market.size === 200000 && s0.market.reached === 0 && s0.market.share === 0,
          "tick 0: the market's size 200,000, nothing reached", s0.market);
    check(s0.money && s0.money.currency === "EUR" && s0.money.revenue === 0 && s0.money.profit === 0,
          "tick 0: money in EUR, no revenue, no profit", s0.money);
    check(usable(await widget(page, "tab_adoption")) && usable(await widget(page, "tab_retention")),
          "the Charts window has the Adoption and Retention tabs");
    await page.evaluate(() => window.motsim.mirror && window.motsim.mirror.refresh(true));
    const summary0 = await page.evaluate(() => (document.querySelector("#mirror .mirror-summary") || {}).textContent || "");
    check(/NPS of buyers - \(nobody asked yet\)/.test(summary0), 'the mirror\'s summary says "NPS of buyers - (nobody asked yet)"', summary0);
    await page.screenshot({ path: path.join(artifactDir, "1280x800-tick0.png") });

    // b. A run of 150 ticks.
    await page.evaluate(() => window.motsim.runTo(150));
    for (let i = 0; i < 100 && (await state(page)).tick < 150; i++) await sleep(100);
    const s = await state(page);
    check(s.tick === 150, "runTo(150) reaches tick 150", s.tick);
    check(s.returns > 0 && s.waiting >= 0 && Number.isInteger(s.returns), "after 150 ticks customers came back", { returns: s.returns, waiting: s.waiting });
    check(s.buyers[0] > 0 && s.buyers[0] >= s.buyers[1] && s.buyers[1] >= s.buyers[2] && s.buyers[1] > 0,
          "buyers with >= 1, 2, 3 purchases, repeat buyers among them", s.buyers);
    check(s.market.reached === s.arrivals && s.market.share > 0 && s.market.share <= 1 &&
          Math.abs(s.market.share - s.arrivals / 200000) < 1e-9, "the share of the market reached is arrivals / size", s.market);
    check(s.market.advocates > 0 && s.market.critics >= 0, "the market has advocates", s.market);
    check(s.money.revenue === 80 * s.purchases && s.money.cost > 0 && Math.abs(s.money.profit - (s.money.revenue - s.money.cost)) < 1e-6 &&
          Math.abs(s.money.per_customer - s.money.profit / s.arrivals) < 1e-6,
          "revenue = 80 x purchases, profit = revenue - cost, per customer = profit / customers", s.money);
    check(typeof s.nps === "number" && s.nps >= -100 && s.nps <= 100, "after buyers left, NPS is a number", s.nps);
    const mirror = await page.evaluate(() => window.motsim.bridge.json("motsim_mirror", ["number"], [5]));
    const cols = mirror && mirror.series ? mirror.series.columns : [];
    check(["returns", "waiting to come back", "reached so far", "NPS of buyers"].every((x) => cols.includes(x)),
          "the mirror's table has the v2 columns", cols);

    // c. The tabs through the canvas.
    check(await openTab(c, "Adoption"), "the Adoption tab is pressed on the canvas");
    await rest(c);
    await page.screenshot({ path: path.join(artifactDir, "1280x800-adoption.png") });
    let t = await truncation(page);
    check(t.n === 0, "Adoption tab at 1280x800: no text shortened", t.texts);
    check(await openTab(c, "Retention"), "the Retention tab is pressed on the canvas");
    await rest(c);
    await page.screenshot({ path: path.join(artifactDir, "1280x800-retention.png") });
    t = await truncation(page);
    check(t.n === 0, "Retention tab at 1280x800: no text shortened", t.texts);

    // The loyalty slider in the Run window, dragged with the mouse. The window scrolls to it: its
    // scroll bar's thumb (at the window's right edge) dragged down a step at a time.
    const controls = await widget(page, "controls");
    let slider = await widget(page, "slider_loyalty_base");
    const sx = controls.x + controls.w - 6;
    let sy = controls.y + 40;
    for (let i = 0; i < 8 && slider && slider.y + slider.h > controls.y + controls.h - 4; i++) {
      await page.mouse.move(sx, sy);
      await frames(page, 2);
      await page.mouse.down();
      await frames(page, 2);
      sy = Math.min(controls.y + controls.h - 4, sy + 60);
      await page.mouse.move(sx, sy);
      await frames(page, 2);
      await page.mouse.up();
      await frames(page, 2);
      slider = await widget(page, "slider_loyalty_base");
    }
    check(usable(slider) && slider.y >= controls.y && slider.y + slider.h <= controls.y + controls.h + 0.5,
          "the loyalty slider is in view in the Run window", { slider, controls });
    const before = (await page.evaluate(() => window.motsim.scenario())).loyalty.base;
    if (usable(slider)) {
      const y = slider.y + slider.h / 2;
      await page.mouse.move(slider.x + slider.w * 0.3, y);
      await frames(page, 1);
      await page.mouse.down();
      await frames(page, 1);
      for (let k = 1; k <= 5; k++) {
        await page.mouse.move(slider.x + slider.w * (0.3 + 0.1 * k), y);
        await frames(page, 1);
      }
      await page.mouse.up();
      await frames(page, 2);
    }
    const after = (await page.evaluate(() => window.motsim.scenario())).loyalty.base;
    check(before === 0.3 && after > 0.5 && after <= 1, "dragging the loyalty slider raises /loyalty/base", { before, after });
    await page.screenshot({ path: path.join(artifactDir, "1280x800-slider.png") });

    // Expected values: with reviews, word of mouth and a market it is a mean-field approximation.
    await page.evaluate(() => window.motsim.set("engine", 2));
    await frames(page, 3);
    const s2 = await state(page);
    check(s2.engine === "expected" && usable(await widget(page, "expected_label")),
          "the expected-values engine shows its label (mean-field approximation here)", s2.engine);
    await page.screenshot({ path: path.join(artifactDir, "1280x800-expected.png") });
    await page.evaluate(() => window.motsim.set("engine", 0));
    await frames(page, 2);

    // axe-core on the page with the v2 journey.
    await page.evaluate(AXE);
    const v = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ["violations"] });
      return r.violations.filter((x) => x.impact === "serious" || x.impact === "critical")
        .map((x) => `${x.id} (${x.impact}): ${x.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
    });
    check(v.length === 0, `axe-core: no serious or critical violations with the v2 journey (${v.length})`, v);
  } finally {
    await c.context.close();
  }
}

// ==== d. Other sizes ==============================================================================

async function testSize(ctx, size) {
  const c = await openPage(ctx, size);
  const { page } = c;
  try {
    check(await loadLaunch(c), `${size.name}: the launch journey loads`);
    await page.evaluate(() => window.motsim.runTo(120));
    for (let i = 0; i < 100 && (await state(page)).tick < 120; i++) await sleep(100);
    await rest(c);
    for (const tab of ["Adoption", "Retention"]) {
      check(await openTab(c, tab), `${size.name}: the ${tab} tab is pressed on the canvas`);
      await rest(c);
      const t = await truncation(page);
      check(t.n === 0, `${size.name}, ${tab} tab: no text shortened`, t.texts);
      await page.screenshot({ path: path.join(artifactDir, `${size.name}-${tab.toLowerCase()}.png`) });
    }
  } finally {
    await c.context.close();
  }
}

let server = null;
const killServer = () => { if (server && server.proc.exitCode === null) server.proc.kill("SIGTERM"); };
await runSuite({
  checker, artifactDir, seconds: 240, cleanup: killServer,
  setup: async (launch) => {
    server = await startServer(siteDir);
    console.log(`serving ${siteDir} at ${server.url}`);
    return { browser: await launch(), url: server.url };
  },
  tests: [
    ["v2 at 1280x800", testDesktop, false],
    ...SIZES.slice(1).map((size) => [`v2 at ${size.name}`, (ctx) => testSize(ctx, size), false]),
  ],
  after: () => check(consoleErrors.length === 0, "no console errors or page errors", consoleErrors),
});
