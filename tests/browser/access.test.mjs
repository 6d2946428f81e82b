// Browser tests of touch, keyboard and assistive access (issue 11, parts 5 and 6):
//   a. keyboard only, from page load: Tab reaches the canvas (with a focus ring), Space plays and
//      pauses, Right arrow steps, F6 and Tab reach a slider of the Moment window, arrows change it;
//   b. the DOM mirror of index.html: every control with an accessible name, and operating them
//      changes the simulator (run controls, speed, seed, engine, scenario, a moment's odds, add /
//      remove / undo / redo with the answer announced), results and charts as tables;
//   c. the embed's mirror reaches moments past the 12th (a 20-moment journey);
//   d. touch on a 768x1024 tablet: a swipe on a panel's body scrolls it and never moves it, one
//      tap switches a chart tab;
//   e. a window moved by its title bar is in the same place after a reload;
//   f. axe-core on index.html and embed.html: no serious or critical violations.
//
// usage: node tests/browser/access.test.mjs SITE_DIR ARTIFACT_DIR
import fs from "node:fs";
import path from "node:path";
import { createChecker, frames, repo, runSuite, siteAndArtifactDirs, sleep, startServer } from "./harness.mjs";

const { siteDir, artifactDir } = siteAndArtifactDirs("tests/browser/access.test.mjs");
if (!fs.existsSync(path.join(siteDir, "index.html")) || !fs.existsSync(path.join(siteDir, "motsim_app.wasm"))) {
  console.error(`${siteDir} does not look like the built site (index.html, motsim_app.wasm)`);
  process.exit(2);
}
fs.mkdirSync(artifactDir, { recursive: true });
const AXE = fs.readFileSync(path.join(repo, "node_modules", "axe-core", "axe.min.js"), "utf8");

const checker = createChecker();
const { check } = checker;
const consoleErrors = [];

function watchConsole(page, label) {
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(`${label}: ${m.text()}`); });
  page.on("pageerror", (e) => consoleErrors.push(`${label}: page error: ${e && e.message ? e.message : e}`));
}
async function openApp(context, url, label) {
  const page = await context.newPage();
  watchConsole(page, label);
  await page.goto(url);
  await page.waitForFunction(() => typeof window.motsim === "object" && window.motsim !== null, null, { timeout: 30000 });
  await frames(page, 4);
  return page;
}
const state = (page) => page.evaluate(() => window.motsim.state());
const scenario = (page) => page.evaluate(() => window.motsim.scenario());
const widget = (page, name) => page.evaluate((n) => window.motsim.widget(n), name);
const near = (a, b, tol = 2) => a && b && Math.abs(a.x - b.x) <= tol && Math.abs(a.y - b.y) <= tol;
const selectedMoment = async (page) => {
  const [s, sc] = [await state(page), await scenario(page)];
  return sc.moments.find((m) => m.id === s.selected);
};
async function key(page, k, n = 3) {
  await page.keyboard.press(k);
  await frames(page, n);
}
const shot = (page, name) => page.screenshot({ path: path.join(artifactDir, name) });

// A 20-moment line: each moment sends its customers to the next (the last to done).
function longJourney(n) {
  const moments = [];
  for (let i = 0; i < n; i++) {
    const next = i + 1 < n ? `m${i + 1}` : "done";
    moments.push({ id: `m${i}`, name: `Step ${i + 1}`, phase: ["zmot", "fmot", "amot", "smot"][i % 4],
                   positive: 0.6, negative: 0.1, next: { positive: next, neutral: next, negative: "lost" } });
  }
  return { motsim: 1, name: `A ${n}-moment line`, ticks: 60, moments };
}

// ==== a. keyboard only =============================================================================
async function testKeyboard(ctx) {
  const page = await openApp(ctx.desktop, ctx.url, "keyboard");
  ctx.keyboardPage = page;
  // Focus back to the start of the page (the page gave it to the canvas when the app was ready).
  await page.evaluate(() => {
    document.body.tabIndex = -1;
    document.body.focus();
    document.body.removeAttribute("tabindex");
  });
  await key(page, "Tab");
  const focus = await page.evaluate(() => {
    const a = document.activeElement;
    return { id: a && a.id, outline: a ? getComputedStyle(a).outlineStyle + " " + getComputedStyle(a).outlineWidth : "" };
  });
  check(focus.id === "canvas", "Tab from the page body reaches the canvas", focus);
  check(/solid/.test(focus.outline) && !/^solid 0px/.test(focus.outline), "the focused canvas shows a focus outline", focus);
  await shot(page, "keyboard-canvas-focus.png");

  const s0 = await state(page);
  await key(page, " ");
  const s1 = await state(page);
  check(s1.playing === !s0.playing, `Space toggles play (${s0.playing} -> ${s1.playing})`);
  await key(page, " ");
  const s2 = await state(page);
  check(s2.playing === s0.playing, `Space again toggles back (${s1.playing} -> ${s2.playing})`);
  if (s2.playing) await key(page, " ");
  const t0 = (await state(page)).tick;
  await key(page, "ArrowRight");
  const s3 = await state(page);
  check(s3.tick === t0 + 1 && !s3.playing, `Right arrow steps one tick while paused (${t0} -> ${s3.tick})`);
  check((await widget(page, "focus")) === null, "the arrow was a step: no item got the keyboard highlight");

  // F6 to the Moment of truth window, then Tab until a probability slider has the highlight.
  const editor = await widget(page, "editor");
  let reached = false;
  for (let i = 0; i < 8 && !reached; i++) {
    await key(page, "F6");
    reached = near(await widget(page, "keyboard_window"), editor);
  }
  check(reached, "F6 moves the keyboard to the Moment of truth window", { editor, kw: await widget(page, "keyboard_window") });
  let onSlider = null;
  for (let i = 0; i < 16 && !onSlider; i++) {
    await key(page, "Tab");
    const f = await widget(page, "focus");
    for (const name of ["slider_positive", "slider_negative"]) if (f && near(f, await widget(page, name), 3)) onSlider = name;
    const a = await page.evaluate(() => document.activeElement && document.activeElement.id);
    if (a !== "canvas") break;
  }
  check(onSlider !== null, `Tab reaches a probability slider of the Moment window (${onSlider})`, await widget(page, "focus"));
  await shot(page, "keyboard-slider-focus.png");
  if (onSlider) {
    const field = onSlider === "slider_positive" ? "positive" : "negative";
    const before = (await selectedMoment(page))[field];
    const tick = (await state(page)).tick;
    for (let i = 0; i < 3; i++) await key(page, field === "positive" ? "ArrowLeft" : "ArrowRight", 2);
    const after = (await selectedMoment(page))[field];
    check(Math.abs(after - before) > 0.001, `arrow keys change the ${field} probability (${before} -> ${after})`);
    check((await state(page)).tick === tick, "... and do not step the run while the slider has them");
    await key(page, "Escape");
  }
  // Tab eventually leaves the canvas for the page's mirror: the canvas never traps the keyboard.
  let left = null;
  for (let i = 0; i < 40 && !left; i++) {
    await key(page, "Tab", 2);
    left = await page.evaluate(() => (document.activeElement && document.activeElement.id !== "canvas" &&
                                       document.activeElement !== document.body ? document.activeElement.outerHTML.slice(0, 80) : null));
  }
  check(left !== null, "Tab leaves the canvas for the next control of the page", left);
}

// ==== b. the mirror on index.html ==================================================================
async function testMirror(ctx) {
  const page = ctx.keyboardPage;
  await page.focus("#canvas");
  const names = await page.evaluate(() => {
    const name = (e) => (e.getAttribute("aria-label") || (e.labels && e.labels[0] && e.labels[0].textContent) ||
                         e.textContent || "").trim();
    const root = document.getElementById("mirror");
    const q = (s) => Array.from(root.querySelectorAll(s));
    const buttons = {};
    q("button[data-action]").forEach((b) => { buttons[b.getAttribute("data-action")] = name(b); });
    const selects = q("select").map((s) => ({ name: name(s), options: Array.from(s.options).map((o) => o.textContent) }));
    const inputs = q("input").map((i) => ({ type: i.type, name: name(i), path: i.getAttribute("data-path") }));
    const tables = q("table").map((t) => ({ caption: t.caption ? t.caption.textContent : "", rows: t.rows.length }));
    const live = q("[aria-live]").length;
    const box = root.getBoundingClientRect();
    return { buttons, selects, inputs, tables, live, hidden: getComputedStyle(root).display === "none", offscreen: box.right <= 0 };
  });
  for (const a of ["play", "step", "reset", "finish", "add-moment", "remove-moment", "undo", "redo", "load-scenario"])
    check(names.buttons[a] && names.buttons[a].length > 2, `mirror button "${a}" has a name ("${names.buttons[a]}")`);
  const byName = (re) => names.inputs.find((i) => re.test(i.name)) || names.selects.find((s) => re.test(s.name));
  check(byName(/^Speed/), "mirror: a speed field with a label");
  check(byName(/^Seed/), "mirror: a seed field with a label");
  const engine = names.selects.find((s) => /Engine/.test(s.name));
  check(engine && engine.options.length === 3, "mirror: an engine choice of three", engine);
  const shipped = names.selects.find((s) => /Shipped/.test(s.name));
  check(shipped && shipped.options.length >= 5 && shipped.options.every((o) => !/\.json$/.test(o)),
        "mirror: the shipped scenarios by title", shipped);
  const sliders = names.inputs.filter((i) => i.type === "range");
  check(sliders.length >= 4 && sliders.every((i) => i.name.length > 5), `mirror: the selected moment's parameters as labelled sliders (${sliders.length})`);
  check(names.tables.length >= 2 && names.tables.every((t) => t.caption && t.rows >= 2), "mirror: charts as data tables with captions", names.tables);
  check(names.live >= 2, "mirror: live regions for results and announcements");
  check(!names.hidden && names.offscreen, "mirror: off screen but not display:none", names);

  // Operating the mirror (focus and keys, as a keyboard user does).
  const press = async (sel, k = "Enter") => { await page.focus(sel); await page.keyboard.press(k); await frames(page, 3); };
  const p0 = (await state(page)).playing;
  await press('#mirror button[data-action="play"]');
  check((await state(page)).playing === !p0, "mirror Play toggles the run");
  await shot(page, "mirror-open.png");
  if ((await state(page)).playing) await press('#mirror button[data-action="play"]');
  const t0 = (await state(page)).tick;
  await press('#mirror button[data-action="step"]');
  check((await state(page)).tick === t0 + 1, "mirror Step advances one tick");
  const setField = async (path, value) => {
    await page.focus(`#mirror [data-path="${path}"]`);
    await page.fill(`#mirror [data-path="${path}"]`, String(value));
    await page.keyboard.press("Tab");
    await frames(page, 3);
  };
  await setField("speed", 7);
  check((await state(page)).speed === 7, "mirror speed field sets the speed");
  await setField("seed", 4242);
  check((await state(page)).seed === 4242, "mirror seed field sets the seed");
  await page.selectOption('#mirror select[data-path="engine"]', "1");
  await frames(page, 3);
  check((await state(page)).engine === "cohort", "mirror engine choice switches to the cohort engine");
  await page.selectOption('#mirror select[data-path="engine"]', "0");
  await frames(page, 3);
  // A probability slider of the selected moment, by keyboard.
  const m = await selectedMoment(page);
  const sel = `#mirror input[data-path="/moments/${m.id}/positive"]`;
  await page.focus(sel);
  for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowLeft");
  await frames(page, 3);
  const m2 = await selectedMoment(page);
  check(m2.positive < m.positive - 0.02, `mirror slider changes ${m.id}'s positive odds (${m.positive} -> ${m2.positive})`);
  // Authoring.
  const n0 = (await scenario(page)).moments.length;
  await press('#mirror button[data-action="add-moment"]');
  const n1 = (await scenario(page)).moments.length;
  await sleep(100);
  const said = await page.evaluate(() => document.querySelector("#mirror .mirror-live").textContent);
  check(n1 === n0 + 1 && /Added/.test(said), `mirror "Add a moment" adds one and says so (${n0} -> ${n1}: "${said}")`);
  await press('#mirror button[data-action="undo"]');
  check((await scenario(page)).moments.length === n0, "mirror Undo takes it back");
  await press('#mirror button[data-action="redo"]');
  check((await scenario(page)).moments.length === n0 + 1, "mirror Redo puts it back");
  await press('#mirror button[data-action="remove-moment"]');
  check((await scenario(page)).moments.length === n0, "mirror 'Remove the selected moment' removes one");
  // A shipped scenario by title.
  const hotel = shipped && shipped.options.find((o) => /hotel/i.test(o));
  if (hotel) {
    await page.selectOption("#mirror select:not([data-path])", { label: hotel });
    await press('#mirror button[data-action="load-scenario"]');
    await page.waitForFunction((t) => window.motsim.state().scenario === t, hotel, { timeout: 5000 }).catch(() => {});
    check((await state(page)).scenario === hotel, `mirror loads the shipped scenario "${hotel}"`);
  }
  const summary = await page.evaluate(() => document.querySelector("#mirror .mirror-summary").textContent);
  check(/customers/.test(summary) && /conversion/.test(summary) && /NPS/.test(summary), "mirror results summary", summary);
  await page.close();
}

// ==== c. the embed mirror past 12 moments ===========================================================
async function testEmbedMirror(ctx) {
  const page = await ctx.desktop.newPage();
  watchConsole(page, "embed");
  await page.goto(`${ctx.url}embed.html?autoplay=0`);
  await page.waitForFunction(() => document.querySelector(".motsim-mirror button"), null, { timeout: 30000 });
  const r = await page.evaluate(async (sc) => {
    const div = document.createElement("div");
    document.body.appendChild(div);
    const sim = await MotsimEmbed.mount(div, { scenario: sc, autoplay: false, height: 300 });
    const root = div.querySelector(".motsim-mirror");
    const pick = root.querySelector('select[data-action="pick-moment"]');
    const options = pick ? pick.options.length : 0;
    if (pick) { pick.value = "m15"; pick.dispatchEvent(new Event("change")); }
    const fieldsets = Array.from(root.querySelectorAll("fieldset.motsim-moment")).map((f) => f.getAttribute("data-moment"));
    const slider = root.querySelector('input[data-path="/moments/m15/positive"]');
    const shown = !!slider && !slider.closest("fieldset").hidden;
    const label = slider && slider.labels[0] ? slider.labels[0].textContent : "";
    let changed = null;
    if (slider) {
      slider.value = "0.3";
      slider.dispatchEvent(new Event("input"));
      const m = JSON.parse(sim.scenario ? JSON.stringify(sim.scenario()) : "null");
      changed = m && m.moments ? m.moments.find((x) => x.id === "m15").positive : null;
    }
    return { fieldsets, options, shown, label, changed };
  }, longJourney(20));
  check(r.options === 20 && r.fieldsets.join() === "m15", "the embed mirror lists all 20 moments (no cap of 12) and shows the chosen one's sliders in its own group", r);
  check(r.shown && /Step 16/.test(r.label), "the 16th moment's sliders show when chosen", r);
  if (r.changed !== null) check(Math.abs(r.changed - 0.3) < 1e-9, "its slider sets the 16th moment's odds", r);
  await page.close();
}

// ==== d. touch on a tablet =========================================================================
async function swipe(page, cdp, x, y, dx, dy, steps = 8) {
  const pt = (px, py) => [{ x: px, y: py, id: 1, radiusX: 4, radiusY: 4, force: 1 }];
  await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: pt(x, y) });
  await frames(page, 3);
  for (let i = 1; i <= steps; i++) {
    await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: pt(x + (dx * i) / steps, y + (dy * i) / steps) });
    await frames(page, 1);
  }
  await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
  await frames(page, 4);
}
async function testTouch(ctx) {
  const page = await openApp(ctx.tablet, ctx.url, "tablet");
  const cdp = await ctx.tablet.newCDPSession(page);
  await frames(page, 6);
  // The first visit's Info window: closed with one tap on "Start exploring".
  const close = await widget(page, "info_close");
  if (close) {
    await page.touchscreen.tap(close.x + close.w / 2, close.y + close.h / 2);
    await frames(page, 6);
    check((await widget(page, "info")) === null, "one tap on Info's 'Start exploring' closes it");
  }
  // Touch targets: the Play button is at least 40 CSS px tall.
  const play = await widget(page, "play");
  check(play && play.h >= 39.5, `touch targets are at least 40 px tall on a touch device (Play: ${play && play.h} px)`);
  // Portrait: the journey map across the top, the full width.
  const map = await widget(page, "journey");
  check(map && map.w >= 760 && map.y < 60 && map.h >= 300, "portrait layout: the journey map across the top", map);
  await shot(page, "tablet-portrait.png");
  // A swipe up on the Run window's body (right of its sliders, on label text).
  const run0 = await widget(page, "controls");
  const x = run0.x + run0.w * 0.82, y = run0.y + run0.h * 0.6;
  await swipe(page, cdp, x, y, 0, -150);
  const run1 = await widget(page, "controls");
  const play1 = await widget(page, "play");
  check(near(run0, run1, 0.5) && run0.w === run1.w, "a swipe on a panel's body does not move the panel", { run0, run1 });
  check(play1 === null || play1.y < play.y - 20, `... and scrolls it (Play's top ${play.y} -> ${play1 ? play1.y : "scrolled out"})`);
  await shot(page, "tablet-after-swipe.png");
  // One tap on a chart tab switches to it.
  const tabs = await page.evaluate(() => {
    const out = [];
    for (const t of ["Funnel", "Impressions", "NPS", "Flow", "Why they left"]) {
      const r = window.motsim.widget("tab:" + t);
      if (r) out.push([t, r]);
    }
    return out;
  });
  let selectedBefore = null;
  for (const [t] of tabs) if (await widget(page, "tab_selected:" + t)) selectedBefore = t;
  const pick = tabs.find(([t]) => t !== selectedBefore);
  check(!!pick, "the chart tabs are known (tab:<label>)", tabs.map(([t]) => t));
  if (pick) {
    const [label, r] = pick;
    await page.touchscreen.tap(r.x + r.w / 2, r.y + r.h / 2);
    await frames(page, 6);
    check(!!(await widget(page, "tab_selected:" + label)), `one tap on the "${label}" tab switches to it (was "${selectedBefore}")`);
    await shot(page, "tablet-after-tap.png");
  }
  await page.close();
}

// ==== e. the layout survives a reload ==============================================================
async function testLayoutReload(ctx) {
  const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
  try {
    const page = await openApp(context, ctx.url, "layout");
    const r0 = await widget(page, "story");
    // Drag by the title bar, a frame per step (ImGui reads the mouse once a frame).
    await page.mouse.move(r0.x + 40, r0.y + 6);
    await frames(page, 2);
    await page.mouse.down();
    await frames(page, 2);
    for (let i = 1; i <= 6; i++) { await page.mouse.move(r0.x + 40 - 20 * i, r0.y + 6 - 15 * i); await frames(page, 1); }
    await page.mouse.up();
    await frames(page, 3);
    const r1 = await widget(page, "story");
    check(r1 && Math.abs(r1.x - (r0.x - 120)) <= 3 && Math.abs(r1.y - (r0.y - 90)) <= 3, "a window moves by its title bar", { r0, r1 });
    // A drag on the body of a window does not move it.
    const c0 = await widget(page, "controls");
    await page.mouse.move(c0.x + c0.w * 0.85, c0.y + c0.h * 0.7);
    await frames(page, 2);
    await page.mouse.down();
    await frames(page, 2);
    for (let i = 1; i <= 4; i++) { await page.mouse.move(c0.x + c0.w * 0.85 + 30 * i, c0.y + c0.h * 0.7 + 10 * i); await frames(page, 1); }
    await page.mouse.up();
    await frames(page, 3);
    check(near(await widget(page, "controls"), c0, 0.5), "a mouse drag on a window's body does not move it");
    await sleep(1600);  // ImGui saves its settings a second after a change
    await frames(page, 3);
    await page.reload();
    await page.waitForFunction(() => typeof window.motsim === "object" && window.motsim !== null, null, { timeout: 30000 });
    await frames(page, 6);
    const r2 = await widget(page, "story");
    check(near(r1, r2, 1.5), "after a reload the moved window is where it was left", { r1, r2 });
    await page.close();
  } finally {
    await context.close();
  }
}

// ==== f. axe-core ==================================================================================
async function axe(page) {
  await page.evaluate(AXE);
  return page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
  });
}
async function testAxe(ctx) {
  const page = await openApp(ctx.desktop, ctx.url, "axe-index");
  const v1 = await axe(page);
  check(v1.length === 0, `axe-core: index.html has no serious or critical violations (${v1.length})`, v1);
  await page.close();
  const p2 = await ctx.desktop.newPage();
  watchConsole(p2, "axe-embed");
  await p2.goto(`${ctx.url}embed.html?autoplay=0`);
  await p2.waitForFunction(() => document.querySelector(".motsim-mirror button"), null, { timeout: 30000 });
  await frames(p2, 4);
  const v2 = await axe(p2);
  check(v2.length === 0, `axe-core: embed.html has no serious or critical violations (${v2.length})`, v2);
  await p2.close();
}

let server = null;
const killServer = () => { if (server) { try { server.proc.kill(); } catch (e) { /* gone */ } server = null; } };
await runSuite({
  checker, artifactDir, seconds: 240, cleanup: killServer,
  setup: async (launch) => {
    server = await startServer(siteDir);
    console.log(`serving ${siteDir} at ${server.url}`);
    const browser = await launch();
    const desktop = await browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 });
    const tablet = await browser.newContext({ viewport: { width: 768, height: 1024 }, deviceScaleFactor: 1, hasTouch: true, isMobile: true });
    return { browser, desktop, tablet, url: server.url };
  },
  tests: [
    ["a. keyboard only", testKeyboard, true],
    ["b. the DOM mirror on index.html", testMirror],
    ["c. the embed mirror past 12 moments", testEmbedMirror],
    ["d. touch on a tablet", testTouch],
    ["e. the layout survives a reload", testLayoutReload],
    ["f. axe-core", testAxe],
  ],
  after: () => {
    check(consoleErrors.length === 0, `no console errors or page errors (${consoleErrors.length})`, [...new Set(consoleErrors)]);
  },
});
