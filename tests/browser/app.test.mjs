// Browser tests of the live web app (build/web/site): load, the first visit (the Info window, a
// paused start, Play through the canvas), drawing, play/pause/step, the finished run (Replay, Run
// again), a real mouse drag on an odds slider, a broken file, persistence across a reload, resize
// and HiDPI.
// No test framework: each test is a plain async function; check() records failures.
//
// usage: node tests/browser/app.test.mjs SITE_DIR ARTIFACT_DIR
//   SITE_DIR      the built site (index.html, motsim_app.js, motsim_app.wasm), e.g. build/web/site
//   ARTIFACT_DIR  where the screenshots go (created if missing)
// Needs playwright-core (npm, in the repository's node_modules) and /usr/bin/chromium.
// Exit code 0 when every check passed, 1 otherwise.
import fs from "node:fs";
import path from "node:path";
import { createChecker, decodePng, frames, regionStats, runSuite, siteAndArtifactDirs, sleep,
         startServer } from "./harness.mjs";

const { siteDir, artifactDir } = siteAndArtifactDirs("tests/browser/app.test.mjs");
if (!fs.existsSync(path.join(siteDir, "index.html")) || !fs.existsSync(path.join(siteDir, "motsim_app.wasm"))) {
  console.error(`${siteDir} does not look like the built site (index.html, motsim_app.wasm)`);
  process.exit(2);
}
fs.mkdirSync(artifactDir, { recursive: true });

const VIEWPORT = { width: 1280, height: 800 };
// A desktop screen larger than the window (Playwright otherwise makes screen == viewport).
const SCREEN = { width: 1920, height: 1080 };
const WIDGETS = ["journey", "controls", "charts", "editor", "story", "play", "slider_positive", "slider_negative", "message"];

// ==== Checks =====================================================================================

const checker = createChecker();
const { check } = checker;

// The terminal nodes: "lost" is filled dark red (140,45,40), "done" dark green (40,120,60).
const reddish = (r, g, b) => r >= 90 && r > 2 * g && r > 2 * b;
const greenish = (r, g, b) => g >= 80 && g > 1.6 * r && g > 1.3 * b;
// The error message window's background (0.45, 0.08, 0.08).
const errorRed = (r, g, b) => r >= 95 && r <= 135 && g <= 40 && b <= 40;

async function shot(page, name) {
  const buf = await page.screenshot({ path: path.join(artifactDir, name) });
  return decodePng(buf);
}

// ==== Page helpers ================================================================================

const consoleErrors = [];
const consoleWarnings = [];
function watchConsole(page, label) {
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(`${label}: ${m.text()}`);
    else if (m.type() === "warning") {
      const w = `${label}: ${m.text()}`;
      if (!consoleWarnings.includes(w)) console.log(`  (console warning, allowed; each shown once) ${w}`);
      consoleWarnings.push(w);
    }
  });
  page.on("pageerror", (e) => consoleErrors.push(`${label}: page error: ${e && e.message ? e.message : e}`));
}

async function waitForApp(page) {
  await page.waitForFunction(() => typeof window.motsim === "object" && window.motsim !== null, null, { timeout: 30000 });
}

// A click the app sees: ImGui reads the mouse once a frame, so each step gets its own frames.
async function click(page, x, y) {
  await page.mouse.move(x, y);
  await frames(page, 2);
  await page.mouse.down();
  await frames(page, 2);
  await page.mouse.up();
  await frames(page, 2);
}

const state = (page) => page.evaluate(() => window.motsim.state());
// A fresh browser is a first visit: the Info window is open. Close it with its button.
async function closeInfo(page) {
  const close = await page.evaluate(() => window.motsim.widget("info_close"));
  if (!close) return false;
  await click(page, close.x + close.w / 2, close.y + close.h / 2);
  await page.mouse.move(5, 5);
  await frames(page, 2);
  return true;
}
const scenario = (page) => page.evaluate(() => window.motsim.scenario());
const widget = (page, name) => page.evaluate((n) => window.motsim.widget(n), name);
const command = (page, c) => page.evaluate((c) => window.motsim.command(c), c);
const steps = (page, n) => page.evaluate((n) => { for (let i = 0; i < n; i++) window.motsim.command("step"); }, n);
const inside = (r, w, h) => r && r.x >= -0.5 && r.y >= -0.5 && r.x + r.w <= w + 0.5 && r.y + r.h <= h + 0.5;
const contains = (outer, inner) => outer && inner && inner.x >= outer.x - 0.5 && inner.y >= outer.y - 0.5 &&
  inner.x + inner.w <= outer.x + outer.w + 0.5 && inner.y + inner.h <= outer.y + outer.h + 0.5;

// A one-moment scenario where the odds of the desk decide everything: positive and neutral go
// to done, negative to lost; no influence, reviews or referrals that would blur the effect.
const DESK = JSON.stringify({
  motsim: 1,
  name: "Browser test: one desk",
  time_unit: "tick",
  ticks: 1000,
  seed: 7,
  population: { initial: 0, arrivals_per_tick: 200, max_customers: 1000000 },
  influence: { impression: 0, reviews: 0 },
  word_of_mouth: { advocate_threshold: 0.5, referral_rate: 0, referral_ticks: 30, referral_boost: 0 },
  entry: "desk",
  moments: [{ id: "desk", name: "Front desk", phase: "fmot", positive: 0.5, negative: 0.2, dwell: 1,
              next: { positive: "done", neutral: "done", negative: "lost" } }],
});
const BROKEN = '{"motsim": 1, "moments": [{"id": "a", "positive": 1.5, "negative": 0}]}';

// ==== Tests ========================================================================================

// a. Loads with no console errors, window.motsim appears, the loading indicator goes away.
async function testLoads(ctx) {
  const t0 = Date.now();
  await ctx.page.goto(ctx.url);
  let ready = true;
  try {
    await waitForApp(ctx.page);
  } catch (e) {
    ready = false;
  }
  check(ready, `window.motsim is available within 30 s (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  if (!ready) throw new Error("the app did not start; later tests cannot run");
  await frames(ctx.page, 3);
  const status = await ctx.page.evaluate(() => {
    const s = document.getElementById("status");
    return { hidden: s.classList.contains("hidden"), display: getComputedStyle(s).display };
  });
  check(status.hidden && status.display === "none", "the loading indicator (#status) is hidden", status);
  const api = await ctx.page.evaluate(() => ["state", "load", "set", "command", "scenario", "widget", "story"]
    .filter((f) => typeof window.motsim[f] !== "function"));
  check(api.length === 0, "window.motsim has state, load, set, command, scenario, widget, story", { missing: api });
  const s = await state(ctx.page);
  check(typeof s.scenario === "string" && s.scenario.length > 0 && Number.isInteger(s.tick) && s.moments &&
        Object.keys(s.moments).length > 0, "state() describes a running scenario", { scenario: s.scenario, tick: s.tick });
  check(consoleErrors.length === 0, "no console errors or page errors while loading", consoleErrors);
}

// a2. The first visit: the Info window greets the learner, the run waits at tick 0 with a call to
// play, Play (clicked through the canvas) starts it, and a reload does not show Info again.
async function testFirstVisit(ctx) {
  const { page } = ctx;
  await frames(page, 3);
  const info = await widget(page, "info");
  check(info && inside(info, VIEWPORT.width, VIEWPORT.height) && info.w > 400 && info.h > 300,
        'the first visit shows the Info window (widget "info") inside the window', info);
  const s0 = await state(page);
  check(s0.tick === 0 && s0.playing === false, "the full page starts paused at tick 0", { tick: s0.tick, playing: s0.playing });
  await shot(page, "first-visit-info.png");

  // An error shown while Info is open stays readable: the message is drawn over it.
  const ok = await page.evaluate((t) => window.motsim.load(t, "broken.json"), BROKEN);
  await frames(page, 3);
  const msg = await widget(page, "message");
  if (check(ok === false && msg, 'a broken file while Info is open shows widget("message")', msg)) {
    const img = decodePng(await page.screenshot());
    const st = regionStats(img, msg, { err: errorRed });
    check(st.counts.err > 0.3 * st.pixels, `the error is drawn over the Info window (${st.counts.err} of ${st.pixels} pixels red)`);
    await click(page, msg.x + 24, msg.y + msg.h - 14);  // Dismiss
    await page.mouse.move(5, VIEWPORT.height - 5);
    await frames(page, 2);
  }

  // The guided tour from Info's "Take a short tour" (through the canvas): one step per widget,
  // Next to the end. ("Start exploring" closes Info in testInfoSizes.)
  const close = await widget(page, "info_close"), tour = await widget(page, "info_tour");
  check(close && contains(info, close) && tour && contains(info, tour), 'the Info window has "Start exploring" and "Take a short tour"', { close, tour });
  if (tour) await click(page, tour.x + tour.w / 2, tour.y + tour.h / 2);
  await frames(page, 3);
  check(await widget(page, "info") === null, "the tour closes the Info window");
  const seen = [];
  for (let k = 0; k < 8; k++) {
    const step = await widget(page, "tour"), next = await widget(page, "tour_next");
    if (!step || !next) break;
    seen.push(step);
    if (k === 1) await shot(page, "tour-map.png");
    await click(page, next.x + next.w / 2, next.y + next.h / 2);
    await frames(page, 2);
  }
  await page.mouse.move(5, VIEWPORT.height - 5);
  await frames(page, 3);
  check(seen.length === 5 && seen.every((r) => inside(r, VIEWPORT.width, VIEWPORT.height)) && await widget(page, "tour") === null,
        `the tour shows 5 steps inside the window and ends with its last button (${seen.length} steps)`, seen);
  const hint = await widget(page, "start_hint"), journey = await widget(page, "journey");
  const call = await widget(page, "call_to_play");
  check(hint && contains(journey, hint), 'the journey map shows "Press Play" while the run waits (widget "start_hint")', hint);
  check(call && contains(await widget(page, "controls"), call), "the Run window says how to start (widget \"call_to_play\")", call);
  await shot(page, "first-visit-start.png");
  await sleep(800);
  check((await state(page)).tick === 0, "nothing moves before Play");

  const play = await widget(page, "play");
  check(play && play.w > 20, 'widget("play") is the Play button', play);
  if (play) await click(page, play.x + play.w / 2, play.y + play.h / 2);
  await sleep(800);
  const s1 = await state(page);
  check(s1.playing === true && s1.tick > 0, `clicking Play on the canvas starts the run (tick ${s1.tick})`);
  check(await widget(page, "start_hint") === null && await widget(page, "call_to_play") === null,
        "the call to play goes once the run moves");

  await command(page, "pause");
  await sleep(1200);  // the app saves at most once a second
  await page.reload();
  await waitForApp(page);
  await frames(page, 4);
  check(await widget(page, "info") === null, "a reload does not show the Info window again");
  const s2 = await state(page);
  check(s2.tick === 0 && !s2.playing, "a reload starts paused at tick 0 too", { tick: s2.tick, playing: s2.playing });
}

// a3. The Info window at a small laptop's 1024x768 and on a 768x1024 touch tablet (fresh
// browsers, so each is a first visit): inside the screen, with its close button reachable.
async function testInfoSizes(ctx) {
  const { browser, url } = ctx;
  const sizes = [
    { name: "1024x768", opts: { viewport: { width: 1024, height: 768 }, screen: SCREEN, deviceScaleFactor: 1 } },
    // (Device pixel ratio 1: twice the pixels would double the software renderer's time.)
    { name: "tablet", opts: { viewport: { width: 768, height: 1024 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true } },
  ];
  for (const { name, opts } of sizes) {
    const context = await browser.newContext(opts);
    try {
      const page = await context.newPage();
      watchConsole(page, name);
      await page.goto(url);
      await waitForApp(page);
      await frames(page, 4);
      const { width, height } = opts.viewport;
      const info = await widget(page, "info"), close = await widget(page, "info_close");
      check(info && inside(info, width, height) && info.w > 0.6 * Math.min(width, 660),
            `at ${name} the Info window is inside the screen`, info);
      check(close && inside(close, width, height) && contains(info, close), `at ${name} its close button is on the screen`, close);
      await page.screenshot({ path: path.join(artifactDir, `info-${name}.png`) });
      const s = await state(page);
      check(s.tick === 0 && !s.playing, `at ${name} the page starts paused at tick 0`);
      check(await closeInfo(page) && await widget(page, "info") === null, `at ${name} Info closes with its button`);
      await page.screenshot({ path: path.join(artifactDir, `start-${name}.png`) });
      await page.evaluate(() => window.motsim.finish());
      await frames(page, 3);
      const again = await widget(page, "run_again"), controls = await widget(page, "controls");
      check(again && contains(controls, again) && inside(again, width, height), `at ${name} a finished run shows Run again`, again);
      await page.screenshot({ path: path.join(artifactDir, `finished-${name}.png`) });
    } finally {
      await context.close();
    }
  }
}

// b. The canvas shows the journey map: many colours, the red "lost" and green "done" nodes.
async function testDrawn(ctx) {
  const { page } = ctx;
  await command(page, "play");
  await sleep(500);  // let some customers arrive so the map has dots and flows
  const img = await shot(page, "loaded.png");
  check(img.width === VIEWPORT.width && img.height === VIEWPORT.height, "screenshot has the viewport's size",
        { width: img.width, height: img.height });
  const all = regionStats(img, { x: 0, y: 0, w: img.width, h: img.height });
  check(all.distinct > 300, `the canvas is not blank (${all.distinct} distinct colours)`);
  const rects = {};
  for (const n of ["journey", "controls", "charts", "editor", "story"]) rects[n] = await widget(page, n);
  for (const n of Object.keys(rects))
    check(inside(rects[n], VIEWPORT.width, VIEWPORT.height) && rects[n].w > 50 && rects[n].h > 50,
          `widget("${n}") is a visible rectangle inside the window`, rects[n]);
  const j = rects.journey;
  if (!j) return;
  const st = regionStats(img, j, { red: reddish, green: greenish });
  check(st.counts.red > 300, `the journey map has reddish pixels (the "lost" node): ${st.counts.red}`);
  check(st.counts.green > 300, `the journey map has greenish pixels (the "done" node): ${st.counts.green}`);
  check(st.distinct > 100 && st.lumStd > 8, `the journey map is not uniform (${st.distinct} colours, ` +
        `luminance sd ${st.lumStd.toFixed(1)})`);
  // The terminals sit in the right part of the map; the colours should not come only from edges.
  const rightPart = regionStats(img, { x: j.x + j.w * 0.6, y: j.y, w: j.w * 0.4, h: j.h }, { red: reddish, green: greenish });
  check(rightPart.counts.red > 300 && rightPart.counts.green > 300,
        "the red and green terminal nodes are in the right part of the map", rightPart.counts);
}

// c. Play advances ticks, pause stops them, step advances exactly one.
async function testPlayPause(ctx) {
  const { page } = ctx;
  await command(page, "reset");
  check(await command(page, "play"), 'command("play") is accepted');
  const s0 = await state(page);
  await sleep(1500);
  const s1 = await state(page);
  check(s1.playing === true && s1.tick > s0.tick, `ticks advance while playing (${s0.tick} -> ${s1.tick} in 1.5 s)`);
  check(s1.tick - s0.tick >= 5 && s1.tick - s0.tick <= 40,
        `the pace follows the speed (${s1.speed} ticks/s): ${s1.tick - s0.tick} ticks in 1.5 s`);
  check(await command(page, "pause"), 'command("pause") is accepted');
  await frames(page, 2);
  const p0 = await state(page);
  await sleep(1000);
  const p1 = await state(page);
  check(p0.playing === false && p1.tick === p0.tick, `pause stops the clock (${p0.tick} and ${p1.tick} 1 s apart)`);
  await command(page, "step");
  const p2 = await state(page);
  check(p2.tick === p1.tick + 1, `command("step") advances exactly one tick (${p1.tick} -> ${p2.tick})`);
  await frames(page, 5);
  const p3 = await state(page);
  check(p3.tick === p2.tick && !p3.playing, "a step leaves the run paused");
  check(!(await command(page, "fly")), 'an unknown command is refused');
}

// c2. The end of a run: "Finished", Replay (same seed, from tick 0) and Run again (the next seed),
// clicked through the canvas.
async function testFinished(ctx) {
  const { page } = ctx;
  await command(page, "pause");
  await command(page, "reset");
  const done = await page.evaluate(() => window.motsim.finish());
  await frames(page, 3);
  const s0 = await state(page);
  check(done === true && s0.finished && s0.tick === s0.ticks, `finish() ends the run (${s0.tick} of ${s0.ticks})`);
  const replay = await widget(page, "play"), again = await widget(page, "run_again"), fin = await widget(page, "finished");
  const controls = await widget(page, "controls");
  check(replay && again && contains(controls, replay) && contains(controls, again) && replay.w > 40 && again.w > 40,
        "a finished run shows Replay and Run again in the Run window", { replay, again });
  check(fin && contains(controls, fin), 'the Run window says the run finished (widget "finished")', fin);
  await shot(page, "finished.png");
  if (!replay || !again) return;
  await click(page, replay.x + replay.w / 2, replay.y + replay.h / 2);
  await page.mouse.move(5, VIEWPORT.height - 5);
  const s1 = await state(page);
  check(!s1.finished && s1.tick < 10 && s1.playing && s1.seed === s0.seed,
        `clicking Replay restarts at tick 0 with the same seed and plays (tick ${s1.tick}, seed ${s1.seed})`);
  await page.evaluate(() => window.motsim.finish());
  await frames(page, 3);
  const a = await widget(page, "run_again");
  if (a) await click(page, a.x + a.w / 2, a.y + a.h / 2);
  await page.mouse.move(5, VIEWPORT.height - 5);
  const s2 = await state(page);
  check(!s2.finished && s2.tick < 10 && s2.playing && s2.seed === s0.seed + 1,
        `clicking Run again restarts with the next seed (seed ${s0.seed} -> ${s2.seed}, tick ${s2.tick})`);
  await command(page, "pause");
  await page.evaluate((seed) => window.motsim.set("seed", seed), s0.seed);
}

// d. A real mouse drag on the "negative" slider raises p- and the lost share follows.
async function testSliderDrag(ctx) {
  const { page } = ctx;
  await command(page, "pause");
  const loaded = await page.evaluate((t) => window.motsim.load(t, "desk.json"), DESK);
  check(loaded, "the one-desk scenario loads");
  await command(page, "pause");
  await command(page, "reset");
  await frames(page, 3);
  const s = await state(page);
  check(s.scenario === "Browser test: one desk" && s.selected === "desk" && s.tick === 0,
        "the desk scenario runs from tick 0 with its moment selected", { scenario: s.scenario, selected: s.selected, tick: s.tick });

  // Outcomes before the drag.
  await steps(page, 3);
  const b0 = await state(page);
  await steps(page, 25);
  const b1 = await state(page);
  const beforeN = b1.done + b1.lost - b0.done - b0.lost;
  const before = (b1.lost - b0.lost) / Math.max(1, beforeN);
  check(beforeN > 2000 && Math.abs(before - 0.2) < 0.05, `before the drag, the lost share is near p- = 0.2: ${before.toFixed(3)} of ${beforeN}`);

  await frames(page, 2);
  const slider = await widget(page, "slider_negative");
  const editor = await widget(page, "editor");
  const plausible = slider && contains(editor, slider) && slider.h > 4 && slider.h < 60 && slider.w > 40 &&
                    slider.w < editor.w && !(slider.x === editor.x && slider.y === editor.y && slider.h === editor.h);
  check(plausible, 'widget("slider_negative") is the slider\'s own rectangle inside the editor window',
        { slider_negative: slider, editor });
  if (!plausible) {
    check(false, "dragging the negative slider to the right raises p- (not run: no slider rectangle to drag)");
    await shot(page, "after-drag.png");
    return;
  }
  const y = slider.y + slider.h / 2;
  const xStart = slider.x + slider.w / 2;
  // Past the right end of the slider's frame (the rectangle may include the label on the right);
  // the slider clamps to 1. Stay inside the page: the canvas gets no events from outside it.
  const xEnd = Math.min(slider.x + slider.w + 60, VIEWPORT.width - 2);
  await page.mouse.move(xStart, y);
  await frames(page, 2);
  await page.mouse.down();
  await frames(page, 2);
  for (let k = 1; k <= 8; k++) {
    await page.mouse.move(xStart + ((xEnd - xStart) * k) / 8, y);
    await frames(page, 1);
  }
  await frames(page, 2);
  await page.mouse.up();
  await frames(page, 3);
  await page.mouse.move(slider.x + slider.w / 2, slider.y - 200 > 0 ? slider.y - 200 : slider.y + 300);  // away, no hover tooltips
  await frames(page, 2);

  const sc = await scenario(page);
  const a = await state(page);
  const pNeg = sc.moments[0].negative;
  check(pNeg > 0.8, `the drag raised p- of the desk to near 1 (scenario ${pNeg}, state ${a.moments.desk && a.moments.desk.p_negative})`);
  check(a.moments.desk && Math.abs(a.moments.desk.p_negative - pNeg) < 1e-9, "state() and scenario() agree on p-");
  check(sc.moments[0].positive + sc.moments[0].negative <= 1 + 1e-9, "p+ + p- stays <= 1 after the drag",
        { positive: sc.moments[0].positive, negative: sc.moments[0].negative });
  check(a.tick === b1.tick && !a.playing, "the drag edited the live run without restarting or playing it",
        { tick: a.tick, before: b1.tick, playing: a.playing });

  await steps(page, 3);  // customers already at the desk when the odds changed
  const a0 = await state(page);
  await steps(page, 25);
  const a1 = await state(page);
  const afterN = a1.done + a1.lost - a0.done - a0.lost;
  const after = (a1.lost - a0.lost) / Math.max(1, afterN);
  check(afterN > 2000 && after > 0.75 && after > before + 0.4,
        `after the drag, the lost share rose: ${before.toFixed(3)} -> ${after.toFixed(3)} (${afterN} finished)`);
  await shot(page, "after-drag.png");
}

// e. A broken file is reported, and the previous scenario keeps running.
async function testBrokenFile(ctx) {
  const { page } = ctx;
  await command(page, "play");
  await frames(page, 2);
  const s0 = await state(page);
  const ok = await page.evaluate((t) => window.motsim.load(t, "broken.json"), BROKEN);
  check(ok === false, 'motsim.load of a broken scenario returns false');
  await frames(page, 3);
  const s1 = await state(page);
  check(s1.scenario === s0.scenario, `the previous scenario is still loaded ("${s1.scenario}")`);
  const last = s1.messages[s1.messages.length - 1];
  check(last && last.error === true && last.text.includes("/moments/0/positive") && last.text.includes("broken.json"),
        "the last message is an error naming broken.json and /moments/0/positive", last);
  await sleep(1000);
  const s2 = await state(page);
  check(s2.playing && s2.tick > s1.tick, `the previous scenario keeps running (${s1.tick} -> ${s2.tick})`);
  const msg = await widget(page, "message");
  check(msg && inside(msg, VIEWPORT.width, VIEWPORT.height) && msg.w > 100 && msg.h > 20,
        'widget("message") is shown inside the window', msg);
  if (msg) {
    const img = decodePng(await page.screenshot());
    const st = regionStats(img, msg, { err: errorRed });
    check(st.counts.err > 0.3 * st.pixels, `the error message window is visible on top (${st.counts.err} of ` +
          `${st.pixels} pixels have its red background)`);
  }

  // Dismiss closes the error window: the widget is gone in the next frame.
  if (msg) {
    // The "Dismiss" small button is the last line of the window, at its left padding.
    await click(page, msg.x + 24, msg.y + msg.h - 14);
    await page.mouse.move(5, VIEWPORT.height - 5);
    await frames(page, 2);
    const s = await state(page);
    const m = s.messages[s.messages.length - 1];
    check(m && m.error === false, '"Dismiss" in the error window clears the error', m);
    const img = decodePng(await page.screenshot());
    const st = regionStats(img, msg, { err: errorRed });
    check(st.counts.err < 0.05 * st.pixels, `the error window is no longer drawn after Dismiss (${st.counts.err} red pixels)`);
    const gone = await widget(page, "message");
    check(gone === null, 'widget("message") is null once the message window is no longer drawn', gone);
  }

  // The same file through the real file input, as the "Open JSON file..." menu item uses it.
  await page.setInputFiles("#file", { name: "broken.json", mimeType: "application/json", buffer: Buffer.from(BROKEN) });
  let viaInput = null;
  for (let k = 0; k < 40 && !viaInput; k++) {
    await frames(page, 2);
    const s = await state(page);
    const m = s.messages[s.messages.length - 1];
    if (m && m.error && m.text.includes("broken.json") && m.text.includes("/moments/0/positive")) viaInput = { s, m };
  }
  check(viaInput !== null, "a broken file chosen in the file input is reported as an error naming /moments/0/positive");
  if (viaInput) check(viaInput.s.scenario === s0.scenario, "the scenario is unchanged after the broken file input");
  await frames(page, 3);
  const img = await shot(page, "bad-file.png");
  const m3 = await widget(page, "message");
  if (m3) {
    const st = regionStats(img, m3, { err: errorRed });
    check(st.counts.err > 0.3 * st.pixels, "the error window is shown again for the file input");
  }
  const s3 = await state(page);
  await sleep(600);
  check((await state(page)).tick > s3.tick, "the run still advances after the file input error");
}

// f. A reload restores the edited scenario from local storage.
async function testReload(ctx) {
  const { page } = ctx;
  const sc = await scenario(page);
  const id = sc.moments[0].id;
  const name = sc.name;
  const ok = await page.evaluate((p) => window.motsim.set(p, 0.123), `/moments/${id}/positive`);
  check(ok === true, `motsim.set("/moments/${id}/positive", 0.123) returns true`);
  check((await scenario(page)).moments[0].positive === 0.123, "the edit shows in scenario() at once");
  check(!(await page.evaluate((p) => window.motsim.set(p, 1.5), `/moments/${id}/positive`)),
        "an out-of-range probability is refused");
  check(!(await page.evaluate(() => window.motsim.set("/moments/no_such_moment/positive", 0.5))),
        "an unknown moment is refused");
  await sleep(1500);  // the app saves at most once a second
  await page.reload();
  await waitForApp(page);
  await frames(page, 3);
  const after = await scenario(page);
  check(after.name === name, `the reload restores the scenario "${name}"`, { got: after.name });
  check(after.moments[0].id === id && after.moments[0].positive === 0.123,
        "the reload restores the edited probability 0.123", after.moments[0]);
  const s = await state(page);
  check(s.moments[id] && s.moments[id].p_positive === 0.123, "state() of the reloaded app has the edited odds");
}

// g. The canvas follows the window size and the device pixel ratio.
async function testResize(ctx) {
  const { page, browser } = ctx;
  const errorsBefore = consoleErrors.length, warningsBefore = consoleWarnings.length;
  // Note: Playwright's setViewportSize also makes screen.width x height 900 x 600, so this is a
  // window that fills its screen (a full-screen or kiosk browser, a phone).
  await page.setViewportSize({ width: 900, height: 600 });
  await sleep(300);
  await frames(page, 10);
  const newErrors = consoleErrors.slice(errorsBefore), newWarnings = consoleWarnings.slice(warningsBefore);
  check(newErrors.length === 0 && newWarnings.length === 0,
        `resizing the window to 900x600 (= the screen size) logs no errors or warnings (${newErrors.length} errors, ` +
        `${newWarnings.length} warnings)`, [...new Set([...newErrors, ...newWarnings])]);
  const img = await shot(page, "resized.png");
  const j = await widget(page, "journey");
  check(inside(j, 900, 600) && j.w > 100 && j.h > 100, 'after resizing to 900x600, widget("journey") fits inside', j);
  for (const n of ["controls", "charts", "editor", "story"]) {
    const r = await widget(page, n);
    check(inside(r, 900, 600), `after resizing, widget("${n}") fits inside 900x600`, r);
  }
  const c = await page.evaluate(() => {
    const e = document.getElementById("canvas");
    const r = e.getBoundingClientRect();
    return { width: e.width, height: e.height, cssW: r.width, cssH: r.height, dpr: window.devicePixelRatio };
  });
  check(c.cssW === 900 && c.cssH === 600, "the canvas fills the resized window", c);
  check(c.width === Math.round(c.cssW * c.dpr) && c.height === Math.round(c.cssH * c.dpr),
        "the canvas drawing buffer is its CSS size times devicePixelRatio", c);
  const st = regionStats(img, { x: 0, y: 0, w: img.width, h: img.height });
  check(st.distinct > 300, `the resized canvas is drawn (${st.distinct} colours)`);
  // The drawing lines up with the window: the menu bar's light text is in the top rows and the
  // windows reach the bottom edge (a stale GL size shifts everything down and cuts it off).
  const bright = (r, g, b) => r > 150 && g > 150 && b > 150;
  const menu = regionStats(img, { x: 0, y: 0, w: 300, h: 18 }, { bright });
  check(menu.counts.bright > 40, `the menu bar is drawn at the top of the resized canvas (${menu.counts.bright} text pixels in rows 0-17)`);
  const c0 = await widget(page, "controls");
  check(c0 && Math.abs(c0.y + c0.h - 600) < 1.5, 'after resizing, the Run window reaches the bottom of the window', c0);

  // HiDPI: a fresh context (fresh local storage) with a device pixel ratio of 2.
  const hctx = await browser.newContext({ viewport: { width: 1000, height: 700 }, screen: SCREEN, deviceScaleFactor: 2 });
  try {
    const hp = await hctx.newPage();
    watchConsole(hp, "hidpi");
    await hp.goto(ctx.url);
    await waitForApp(hp);
    await frames(hp, 3);
    check(await closeInfo(hp), "the HiDPI page's first visit shows Info, closed with its button");
    await command(hp, "play");
    await sleep(500);
    await frames(hp, 4);
    const hc = await hp.evaluate(() => {
      const e = document.getElementById("canvas");
      return { width: e.width, height: e.height, clientWidth: e.clientWidth, clientHeight: e.clientHeight, dpr: window.devicePixelRatio };
    });
    check(hc.dpr === 2 && hc.width === 2 * hc.clientWidth && hc.height === 2 * hc.clientHeight,
          "with deviceScaleFactor 2 the canvas buffer is twice its CSS size", hc);
    const himg = decodePng(await hp.screenshot({ path: path.join(artifactDir, "hidpi.png") }));
    check(himg.width === 2000 && himg.height === 1400, "the HiDPI screenshot has device pixels", { w: himg.width, h: himg.height });
    const hs = regionStats(himg, { x: 0, y: 0, w: himg.width, h: himg.height });
    check(hs.distinct > 300 && hs.lumStd > 8, `the HiDPI canvas is not blank (${hs.distinct} colours)`);
    const hj = await hp.evaluate(() => window.motsim.widget("journey"));
    check(inside(hj, 1000, 700) && hj.w > 200, 'with HiDPI, widget("journey") is in CSS pixels inside the window', hj);
    if (hj) {
      const js = regionStats(himg, { x: hj.x * 2, y: hj.y * 2, w: hj.w * 2, h: hj.h * 2 }, { red: reddish, green: greenish });
      check(js.counts.red > 1000 && js.counts.green > 1000, "with HiDPI, the journey map shows the red and green terminals", js.counts);
    }
  } finally {
    await hctx.close();
  }

  await page.setViewportSize(VIEWPORT);
}

// h. Hostile input on the full page (issue 9): the strict CSP, a second tab, the Open dialog's
// limits, long text through the heap, a corrupt link that keeps the saved work, a trap.
async function testHostile(ctx) {
  const { page, context, url } = ctx;
  // A second tab of the same app: it runs under the strict policy, and without storage (the
  // first tab holds it).
  const p2 = await context.newPage();
  watchConsole(p2, "second-tab");
  await p2.addInitScript(() => {
    window.__csp = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await p2.goto(url);
  await waitForApp(p2);
  await frames(p2, 3);
  const e0 = consoleErrors.length;
  const csp = await p2.evaluate(async () => {
    const meta = document.querySelector('meta[http-equiv="Content-Security-Policy"]');
    const before = window.__csp.slice();
    const st = document.createElement("style");
    st.textContent = "body { outline: 7px solid rgb(1, 2, 3); }";
    document.head.appendChild(st);
    const sc = document.createElement("script");
    sc.textContent = "window.__inline = true;";
    document.body.appendChild(sc);
    await new Promise((r) => setTimeout(r, 150));
    return { policy: meta && meta.content, before, after: window.__csp.slice(before.length), inline: !!window.__inline,
             outline: getComputedStyle(document.body).outlineWidth, storage: window.motsim.storage,
             notice: document.getElementById("notice").textContent, inlineHandlers: document.querySelectorAll("[onerror],[onload],[style]").length,
             inlineScripts: [...document.scripts].filter((x) => !x.src && x !== sc).length,
             inlineStyles: document.querySelectorAll("style").length - 1 };
  });
  for (let i = consoleErrors.length - 1; i >= e0; i--)
    if (/violates the following Content Security Policy/.test(consoleErrors[i])) consoleErrors.splice(i, 1);
  check(csp.policy && /script-src 'self' 'wasm-unsafe-eval'/.test(csp.policy) && /style-src 'self'(;|$)/.test(csp.policy) &&
        !/unsafe-inline|'unsafe-eval'/.test(csp.policy), "index.html declares script-src 'self' 'wasm-unsafe-eval'; style-src 'self'", csp.policy);
  check(csp.before.length === 0, "the app starts and runs with no Content-Security-Policy violation", csp.before);
  check(!csp.inline && csp.outline !== "7px" && csp.after.length >= 2, "an inline script and an inline style are blocked (the policy is in force)", csp);
  check(csp.inlineHandlers === 0 && csp.inlineScripts === 0 && csp.inlineStyles === 0, "the page has no inline script, style or handler", csp);
  check(csp.storage === false && /another tab/.test(csp.notice), "a second tab runs without storage and says so", { storage: csp.storage, notice: csp.notice });
  await p2.close();

  // The Open dialog: a Latin-1 file and a 5 MB file are refused, the scenario kept.
  const s0 = await state(page);
  const noticeAfter = async (file) => {
    await page.evaluate(() => { document.getElementById("notice").textContent = ""; });
    await page.setInputFiles("#file", file);
    await page.waitForFunction(() => document.getElementById("notice").textContent.length > 0, null, { timeout: 10000 }).catch(() => {});
    return page.evaluate(() => document.getElementById("notice").textContent);
  };
  const latin = await noticeAfter({ name: "latin1.json", mimeType: "application/json", buffer: Buffer.from('{"motsim": 1, "name": "Caf\xe9"}', "latin1") });
  check(/latin1\.json is not UTF-8 text/.test(latin), "the Open dialog refuses a Latin-1 file with a clear message", latin);
  const huge = await noticeAfter({ name: "huge.json", mimeType: "application/json", buffer: Buffer.alloc(5 * 1024 * 1024, 32) });
  check(/huge\.json is 5\.0 MB; the limit is 4 MB/.test(huge), "the Open dialog refuses a 5 MB file with its size and the limit", huge);
  check((await state(page)).scenario === s0.scenario, "the scenario is unchanged after both");

  // Text through the heap: a valid 1.8 MB scenario loads; a 5 MB one is refused.
  const pad = (n) => DESK.replace(/\}$/, " ".repeat(n) + "}");
  const r = await page.evaluate(([a, b]) => ({ a: window.motsim.load(a, "long.json"), name: window.motsim.state().scenario,
                                              b: window.motsim.load(b, "big.json"), name2: window.motsim.state().scenario }),
                                [pad(1800000), pad(5 * 1024 * 1024)]);
  check(r.a === true && r.name === "Browser test: one desk", "motsim.load() of a valid 1.8 MB scenario works (past the old stack limit)", r);
  check(r.b === false && r.name2 === "Browser test: one desk", "motsim.load() of a 5 MB text is refused and the scenario kept", r);

  // Long work is promise-based: runTo, finish, cancel.
  const w = await page.evaluate(async () => {
    const m = window.motsim;
    m.command("pause"); m.command("reset");
    const a = await m.runTo(40);
    const t = m.state().tick;
    const f = m.finish();
    const c = m.cancel();
    const fin = await f;
    const f2 = await m.finish();
    const s = m.state();
    return { a, t, c, fin, f2, tick: s.tick, ticks: s.ticks, busy: s.busy };
  });
  check(w.a === true && w.t === 40, "motsim.runTo(40) resolves true at tick 40", w);
  check(w.c === true && w.fin === false, "cancel() stops finish(), whose promise gives false", w);
  check(w.f2 === true && w.tick === w.ticks && !w.busy, "finish() resolves true at the last tick", w);

  // A corrupt link keeps the saved work: edit, let the app save, open a bad link.
  await page.evaluate(() => { window.motsim.set("/moments/desk/positive", 0.321); });
  await sleep(1500);
  await page.goto("about:blank");
  await page.goto(`${url}#motsim=QUJDREVGR0hJSktM`);
  await waitForApp(page);
  const applied = await page.evaluate(() => window.motsim.fragment);
  await frames(page, 3);
  const kept = await page.evaluate(() => ({ sc: window.motsim.scenario(), notice: document.getElementById("notice").textContent }));
  check(applied === false && kept.sc.name === "Browser test: one desk" && kept.sc.moments[0].positive === 0.321 &&
        /link could not be used/.test(kept.notice), "a corrupt #motsim= link is reported and the saved scenario stays", { applied, notice: kept.notice });

  // A trap in a module call: the failure box, later calls refused.
  const e1 = consoleErrors.length;
  const t = await page.evaluate(() => {
    window.motsim.bridge.call("motsim_load", "number", ["number", "number"], [0x7ffffff0, 0]);
    const st = document.getElementById("status");
    return { visible: !st.classList.contains("hidden"), text: st.textContent, set: window.motsim.set("/moments/desk/positive", 0.5) };
  });
  check(t.visible && /motsim stopped/.test(t.text) && /internal error/.test(t.text), "a trap in a module call shows the readable failure box", t.text);
  check(t.set === false, "later calls are refused");
  for (let i = consoleErrors.length - 1; i >= e1; i--)
    if (/memory access out of bounds|stopped after an internal error/.test(consoleErrors[i])) consoleErrors.splice(i, 1);
}

// i. Touch on the full page: a finger drag on the canvas slider (through MotsimEmbed.adaptTouch,
// the one touch adapter, which the page hands to the module as a host service).
async function testTouch(ctx) {
  const { browser, url } = ctx;
  // Taller than VIEWPORT: with touch the controls are finger-sized, and the odds sliders must be
  // in view without scrolling the editor.
  const context = await browser.newContext({ viewport: { width: VIEWPORT.width, height: 1000 }, screen: SCREEN,
                                             deviceScaleFactor: 1, hasTouch: true });
  const page = await context.newPage();
  watchConsole(page, "touch");
  try {
    await page.goto(url);
    await waitForApp(page);
    await frames(page, 3);
    await closeInfo(page);
    check(await page.evaluate(() => typeof window.MotsimEmbed.adaptTouch === "function"),
          "MotsimEmbed.adaptTouch is public");
    await command(page, "pause");
    check(await page.evaluate((t) => window.motsim.load(t, "desk.json"), DESK), "the one-desk scenario loads (touch)");
    await command(page, "pause");
    await frames(page, 3);
    const before = (await scenario(page)).moments[0].negative;
    const slider = await widget(page, "slider_negative");
    const c = await page.evaluate(() => { const r = document.getElementById("canvas").getBoundingClientRect(); return { x: r.left, y: r.top }; });
    const editor = await widget(page, "editor");
    check(slider && slider.w > 40 && contains(editor, slider), 'widget("slider_negative") is on the screen for a finger', { slider, editor });
    if (!slider || slider.w <= 40) return;
    const cdp = await context.newCDPSession(page);
    const y = c.y + slider.y + slider.h / 2;
    const x0 = c.x + slider.x + slider.w / 2, x1 = Math.min(c.x + slider.x + slider.w + 60, VIEWPORT.width - 2);
    await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x: x0, y }] });
    await frames(page, 3);
    for (let i = 1; i <= 6; i++) {
      await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: [{ x: x0 + (x1 - x0) * i / 6, y }] });
      await frames(page, 2);
    }
    await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
    await frames(page, 3);
    const after = (await scenario(page)).moments[0].negative;
    check(after > before + 0.3, `a finger drag on the canvas slider raises p- of the desk (${before} -> ${after})`);
  } finally {
    await context.close();
  }
}

// ==== Runner =======================================================================================

let server = null;
const killServer = () => { if (server && server.proc.exitCode === null) server.proc.kill("SIGTERM"); };
await runSuite({
  checker, artifactDir, seconds: 420, cleanup: killServer,
  setup: async (launch) => {
    server = await startServer(siteDir);
    console.log(`serving ${siteDir} at ${server.url}`);
    const browser = await launch();
    const context = await browser.newContext({ viewport: VIEWPORT, screen: SCREEN, deviceScaleFactor: 1 });
    const page = await context.newPage();
    watchConsole(page, "page");
    return { browser, context, page, url: server.url };
  },
  tests: [
    ["a. loads without errors", testLoads, true],
    ["a2. first visit: Info, a paused start, Play", testFirstVisit],
    ["a3. Info at 1024x768 and on a tablet", testInfoSizes],
    ["b. canvas shows the journey", testDrawn],
    ["c. play, pause and step", testPlayPause],
    ["c2. finished run: Replay and Run again", testFinished],
    ["d. slider drag changes the outcome", testSliderDrag],
    ["e. broken file is reported, run goes on", testBrokenFile],
    ["f. reload restores the edited scenario", testReload],
    ["g. resize and HiDPI", testResize],
    ["h. hostile input on the full page", testHostile],
    ["i. touch on the full page", testTouch],
  ],
  after: () => {
    const distinct = [...new Set(consoleErrors)].map((e) => `${e} (x${consoleErrors.filter((x) => x === e).length})`);
    check(consoleErrors.length === 0, `no console errors or page errors over the whole run (${consoleErrors.length})`, distinct);
    if (consoleWarnings.length) console.log(`${consoleWarnings.length} console warning(s) (allowed), ` +
                                            `${new Set(consoleWarnings).size} distinct, listed above`);
  },
});
