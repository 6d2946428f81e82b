// Browser test of the lesson editor, done as a trainer does it, on the canvas: Lesson > Edit
// lesson... from the menu bar, a title typed, a step added with a goal, a goal's value typed in
// percent, a step's text written, a parameter locked with lock mode's toggle in the Moment of truth
// window, the learner preview (the lesson window, the lock honoured, "Back to editing" giving the
// trainer's journey back), Save lesson (a download of lesson.json), a package button (the page
// hears "package"), a bad lesson file that keeps the draft; nothing cut at 1280x800 and 1024x768;
// on a 768x1024 touch tablet the editor is opened with a finger and does not move under one;
// axe-core on the page. Screenshots in ARTIFACT_DIR (docs/lms-editor.png and docs/lms-preview.png
// are made from this test's 1280x800 ones with MOTSIM_DOCS_SHOTS=1).
//
// usage: node tests/browser/editor.test.mjs SITE_DIR ARTIFACT_DIR
import fs from "node:fs";
import path from "node:path";
import { createChecker, frames, repo, runSuite, siteAndArtifactDirs, sleep, startServer } from "./harness.mjs";

const { siteDir, artifactDir } = siteAndArtifactDirs("tests/browser/editor.test.mjs");
if (!fs.existsSync(path.join(siteDir, "index.html")) || !fs.existsSync(path.join(siteDir, "motsim_app.wasm"))) {
  console.error(`${siteDir} does not look like the built site (index.html, motsim_app.wasm)`);
  process.exit(2);
}
fs.mkdirSync(artifactDir, { recursive: true });
const AXE = fs.readFileSync(path.join(repo, "node_modules", "axe-core", "axe.min.js"), "utf8");

const checker = createChecker();
const { check } = checker;

// ==== Page helpers ================================================================================

const consoleErrors = [];
const state = (page) => page.evaluate(() => window.motsim.state());
const widget = (page, name) => page.evaluate((n) => window.motsim.widget(n), name);
const usable = (r) => r && r.w > 2 && r.h > 2;
const centre = (r) => [r.x + r.w / 2, r.y + r.h / 2];
const draft = async (page) => (await state(page)).lesson_editor.draft;

// A press the app sees (ImGui reads the pointer once a frame): the mouse, or on a touch device
// a finger held for a few frames.
async function press(ctx, x, y) {
  const { page } = ctx;
  if (ctx.cdp) {
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
  await frames(page, 2);
}

async function pressWidget(ctx, name) {
  const r = await widget(ctx.page, name);
  if (!check(usable(r), `"${name}" is on the canvas`, r)) return false;
  await press(ctx, ...centre(r));
  return true;
}

// A finger (or the mouse) dragged from one point to another over a few frames.
async function drag(ctx, from, to) {
  const { page } = ctx;
  const steps = 6;
  if (ctx.cdp) {
    await ctx.cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x: from[0], y: from[1] }] });
    await frames(page, 2);
    for (let i = 1; i <= steps; i++) {
      const x = from[0] + ((to[0] - from[0]) * i) / steps, y = from[1] + ((to[1] - from[1]) * i) / steps;
      await ctx.cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: [{ x, y }] });
      await frames(page, 1);
    }
    await ctx.cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
    await frames(page, 3);
    return;
  }
  await page.mouse.move(...from);
  await frames(page, 2);
  await page.mouse.down();
  for (let i = 1; i <= steps; i++) {
    await page.mouse.move(from[0] + ((to[0] - from[0]) * i) / steps, from[1] + ((to[1] - from[1]) * i) / steps);
    await frames(page, 1);
  }
  await page.mouse.up();
  await frames(page, 3);
}

// Text typed into the field at `name` (the whole field replaced); Enter when `enter`.
async function typeInto(ctx, name, text, enter = true) {
  if (!(await pressWidget(ctx, name))) return;
  await frames(ctx.page, 3);  // the field takes the keys from the frame after the press
  await ctx.page.keyboard.press("Control+A");
  await frames(ctx.page, 2);
  await ctx.page.keyboard.type(text);
  await frames(ctx.page, 2);
  if (enter) await ctx.page.keyboard.press("Enter");
  await frames(ctx.page, 3);
}

const INTRO = "You run the Harbour Hotel. Guests find you through an ad and online reviews, book, wait and stay. " +
  "Too many give up on the way: find where, and fix it with the fewest changes.";
const STEP1 = "Raise conversion to at least 62% by changing at most two touchpoints.";
const STEP2 = "Now lose fewer people on the way: bring the share of lost customers down to 42% or less.";

// A learner's text (the introduction, a step): a press opens its box, the text is typed, and a
// press elsewhere in the editor (its status line) closes the box.
async function writeText(ctx, name, text) {
  if (!(await pressWidget(ctx, name))) return;
  await frames(ctx.page, 3);  // the box takes the keys two frames after the press
  await ctx.page.keyboard.press("Control+A");
  await frames(ctx.page, 2);  // Ctrl is let go a frame later: a letter before that is no letter
  await ctx.page.keyboard.type(text);
  await frames(ctx.page, 2);
  await pressWidget(ctx, "lesson_status");
}

// The mouse wheel over the lesson editor (down for dy > 0).
async function scrollEditor(ctx, dy) {
  const ed = await widget(ctx.page, "lesson_editor");
  await ctx.page.mouse.move(ed.x + ed.w / 2, ed.y + ed.h / 2);
  await frames(ctx.page, 2);  // ImGui hears the wheel in the window the mouse was over
  await ctx.page.mouse.wheel(0, dy);
  await frames(ctx.page, 3);
}

// The mouse away from every window, so no tooltip covers what a screenshot shows.
async function rest(ctx) {
  if (!ctx.cdp) await ctx.page.mouse.move(2, ctx.viewport.height - 2);
  await frames(ctx.page, 3);
}

async function nothingCut(ctx, where) {
  await frames(ctx.page, 2);
  const s = await state(ctx.page);
  check(s.truncated === 0, `${ctx.name}: nothing is cut ${where} (${s.truncated})`, s.truncated_texts);
}

async function openEditorFromMenu(ctx) {
  if (!(await pressWidget(ctx, "menu_lesson"))) return false;
  await frames(ctx.page, 2);
  if (!(await pressWidget(ctx, "menu_lesson_edit"))) return false;
  await frames(ctx.page, 3);
  const s = await state(ctx.page);
  return check(s.lesson_editor.open && usable(await widget(ctx.page, "lesson_editor")),
               `${ctx.name}: Lesson > Edit lesson... opens the lesson editor`, s.lesson_editor);
}

async function openApp(browser, url, name, opts) {
  const context = await browser.newContext({ ...opts, screen: opts.viewport, acceptDownloads: true });
  const page = await context.newPage();
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(`${name}: ${m.text()}`); });
  page.on("pageerror", (e) => consoleErrors.push(`${name}: page error: ${e && e.message ? e.message : e}`));
  await page.goto(url);
  await page.waitForFunction(() => typeof window.motsim === "object" && window.motsim !== null, null, { timeout: 30000 });
  await frames(page, 3);
  const ctx = { context, page, name, viewport: opts.viewport, cdp: opts.hasTouch ? await context.newCDPSession(page) : null };
  const close = await widget(page, "info_close");  // the first visit's Info window
  if (usable(close)) await press(ctx, ...centre(close));
  await rest(ctx);
  return ctx;
}

async function shot(ctx, file) {
  await rest(ctx);
  await ctx.page.screenshot({ path: path.join(artifactDir, file) });
}

// ==== 1280x800: the whole way through ===============================================================

async function testDesktop(env) {
  const ctx = await openApp(env.browser, env.url, "1280x800", { viewport: { width: 1280, height: 800 } });
  const { page } = ctx;
  try {
    const before = await page.evaluate(() => window.motsim.scenario());
    if (!(await openEditorFromMenu(ctx))) return;
    let d = await draft(page);
    check(d && d.steps.length === 1 && d.steps[0].goals.length === 1, "a new lesson has one step with one goal", d);

    await typeInto(ctx, "lesson_title", "Win the booking");
    d = await draft(page);
    check(d.title === "Win the booking", `typing the title sets it ("${d.title}")`);

    // The introduction and step 1's text, each written in its box (shown wrapped once it closes).
    await writeText(ctx, "lesson_intro", INTRO);
    await writeText(ctx, "step_text:0", STEP1);
    d = await draft(page);
    check(d.introduction === INTRO, "writing the introduction sets it", d.introduction);
    check(d.steps[0].text === STEP1, "writing step 1's text sets it", d.steps[0].text);

    // Its goal in percent: 62 means 0.62 of arrivals.
    await typeInto(ctx, "goal_value:0:0", "62");
    d = await draft(page);
    check(d.steps[0].goals[0].metric === "conversion" && Math.abs(d.steps[0].goals[0].at_least - 0.62) < 1e-9,
          "a conversion goal typed as 62 (%) is stored as at_least 0.62", d.steps[0].goals[0]);

    // A second step with a second goal.
    await pressWidget(ctx, "step_add");
    await frames(page, 2);
    await pressWidget(ctx, "goal_add:1");
    d = await draft(page);
    check(d.steps.length === 2 && d.steps[1].goals.length === 2, '"+ Add step" then "+ Add goal" give step 2 two goals',
          d.steps.map((s) => s.goals.length));
    await writeText(ctx, "step_text:1", STEP2);
    // Step 2's first goal: lost customers at most 42 %, chosen from the combos' plain words.
    await pressWidget(ctx, "goal_metric:1:0");
    await pressWidget(ctx, "metric_option:lost_share");
    await pressWidget(ctx, "goal_side:1:0");
    await pressWidget(ctx, "side_option:at_most");
    await typeInto(ctx, "goal_value:1:0", "42");
    d = await draft(page);
    check(d.steps[1].text === STEP2 && d.steps[1].goals[0].metric === "lost_share" &&
          Math.abs(d.steps[1].goals[0].at_most - 0.42) < 1e-9,
          "step 2: its text, and a goal of lost customers at most 42 % from the combos", d.steps[1]);

    // Lock mode: the lock beside the selected moment's positive odds.
    await pressWidget(ctx, "lesson_lock_mode");
    let s = await state(page);
    check(s.lesson_editor.lock_mode, "the lock mode checkbox turns lock mode on");
    const lockPath = `/moments/${s.selected}/positive`;
    await pressWidget(ctx, `lock:${lockPath}`);
    d = await draft(page);
    check(d.locked && d.locked.includes(lockPath), `the lock toggle locks ${lockPath}`, d.locked);
    check((await state(page)).locked.length === 0, "the trainer's own sliders stay free while choosing locks");
    await nothingCut(ctx, "with the lesson editor open and lock mode on");
    await shot(ctx, "editor-1280x800.png");

    // Preview as learner.
    await pressWidget(ctx, "lesson_preview");
    s = await state(page);
    check(s.lesson_editor.previewing && s.lesson && s.lesson.title === "Win the booking",
          "Preview as learner shows the draft as the page's lesson", s.lesson);
    check(s.locked.includes(lockPath), "the preview locks what the draft locks", s.locked);
    check(!usable(await widget(page, "lesson_editor")) && usable(await widget(page, "lesson")) &&
          usable(await widget(page, "preview_back")),
          "in the preview: the Lesson window and \"Back to editing\", no editor");
    await nothingCut(ctx, "in the learner preview");
    await shot(ctx, "preview-1280x800.png");
    if (process.env.MOTSIM_DOCS_SHOTS === "1")  // docs/lms.md's pictures, remade on purpose only
      for (const [from, to] of [["editor-1280x800.png", "lms-editor.png"], ["preview-1280x800.png", "lms-preview.png"]])
        fs.copyFileSync(path.join(artifactDir, from), path.join(repo, "docs", to));
    const refused = await page.evaluate((p) => window.motsim.bridge.set(p, 0.99, true), lockPath);
    check(refused === false, "a learner's change of the locked parameter is refused in the preview");
    await page.evaluate(() => window.motsim.bridge.set("/population/arrivals_per_tick", 33, true));
    await frames(page, 2);
    const bar = await widget(page, "preview_back"), msg = await widget(page, "message");
    check(usable(bar) && usable(msg) && msg.y >= bar.y + bar.h, "the refusal's message stays clear of \"Back to editing\"",
          { bar, msg });
    await pressWidget(ctx, "preview_back");
    s = await state(page);
    const after = await page.evaluate(() => window.motsim.scenario());
    check(!s.lesson_editor.previewing && s.lesson_editor.open && s.lesson === null && s.locked.length === 0,
          '"Back to editing" returns to the editor, without the lesson or its locks', s.lesson_editor);
    check(JSON.stringify(after) === JSON.stringify(before), "the trainer's journey is back as it was (the learner's edit is gone)");

    // Save lesson: a download of lesson.json with what was built.
    const [download] = await Promise.all([page.waitForEvent("download", { timeout: 10000 }),
                                          pressWidget(ctx, "lesson_save")]);
    check(download.suggestedFilename() === "lesson.json", `Save lesson downloads lesson.json (${download.suggestedFilename()})`);
    const saved = JSON.parse(fs.readFileSync(await download.path(), "utf8"));
    check(saved.title === "Win the booking" && saved.steps.length === 2 && saved.locked.includes(lockPath) &&
          saved.steps[0].goals[0].at_least === 0.62, "the saved lesson holds the title, steps, goal and lock", saved);
    fs.writeFileSync(path.join(artifactDir, "lesson.json"), JSON.stringify(saved, null, 2));

    // A package button, at the foot of the editor: the page hears "package" with the format.
    await scrollEditor(ctx, 3000);
    await pressWidget(ctx, "package_scorm12");
    await sleep(300);
    const events = await page.evaluate(() => window.motsim.events.filter((e) => e.name === "package").map((e) => e.data));
    check(events.some((e) => e && e.format === "scorm12"), "the SCORM 1.2 button asks the page for a package", events);
    const files = await page.evaluate(() => JSON.parse(window.motsim.bridge.call("motsim_package_files", "string", ["text"], ["cmi5"])));
    check(files.ok === true && typeof files.files["cmi5.xml"] === "string" &&
          JSON.parse(files.files["lesson.json"]).title === "Win the booking",
          "motsim_package_files gives the draft's package files", files.ok ? Object.keys(files.files) : files);

    // A bad lesson file on the Open path: the draft stays, the problem is named with its pointer.
    const draftBefore = JSON.stringify(await draft(page));
    const ok = await page.evaluate(() => window.motsim.load(JSON.stringify(
      { title: "Bad", steps: [{ text: "t", goals: [{ metric: "happiness", at_least: 1 }] }] }), "bad-lesson.json"));
    s = await state(page);
    const last = s.messages[s.messages.length - 1];
    check(ok === false && JSON.stringify(s.lesson_editor.draft) === draftBefore, "a bad lesson file keeps the draft");
    check(last && last.error && last.text.includes("/steps/0/goals/0/metric"), "its problem is shown with its pointer",
          last && last.text);
    // A good one comes into the editor.
    const loaded = await page.evaluate((t) => window.motsim.load(t, "lesson.json"),
                                       JSON.stringify({ ...saved, title: "Loaded again" }));
    check(loaded && (await draft(page)).title === "Loaded again", "a lesson file loads into the open editor");

    // axe-core on the page with the editor open.
    await page.evaluate(AXE);
    const v = await page.evaluate(async () => {
      const r = await window.axe.run(document, { resultTypes: ["violations"] });
      return r.violations.filter((x) => x.impact === "serious" || x.impact === "critical").map((x) => `${x.id} (${x.impact})`);
    });
    check(v.length === 0, `axe-core: no serious or critical violations (${v.length})`, v);
  } finally {
    await ctx.context.close();
  }
}

// ==== 1024x768: nothing cut in the editor and the preview ==========================================

async function testSmall(env) {
  const ctx = await openApp(env.browser, env.url, "1024x768", { viewport: { width: 1024, height: 768 } });
  const { page } = ctx;
  try {
    if (!(await openEditorFromMenu(ctx))) return;
    await pressWidget(ctx, "step_add");
    await pressWidget(ctx, "goal_add:0");
    await pressWidget(ctx, "lesson_lock_mode");
    const s = await state(page);
    check(usable(await widget(page, `lock:/moments/${s.selected}/positive`)), "1024x768: lock toggles beside the moment's sliders");
    await nothingCut(ctx, "with the editor open, two steps and lock mode");
    await shot(ctx, "editor-1024x768.png");
    // The lower half of the editor too (its panels, the mirror's sliders, the packages).
    await scrollEditor(ctx, 3000);
    await nothingCut(ctx, "at the foot of the editor");
    const ed = await widget(page, "lesson_editor"), pk = await widget(page, "package_cmi5");
    check(usable(pk) && pk.y + pk.h <= ed.y + ed.h, "1024x768: the package buttons are reached by scrolling", { ed, pk });
    await shot(ctx, "editor-foot-1024x768.png");
    await scrollEditor(ctx, -3000);  // back to the top, where "Preview as learner" is
    await pressWidget(ctx, "lesson_preview");
    check((await state(page)).lesson_editor.previewing, "1024x768: the preview starts");
    await nothingCut(ctx, "in the preview");
    await shot(ctx, "preview-1024x768.png");
    await pressWidget(ctx, "preview_back");
    check(!(await state(page)).lesson_editor.previewing, "1024x768: back to editing");
  } finally {
    await ctx.context.close();
  }
}

// ==== A 768x1024 touch tablet: a finger opens it, and it does not move under one ====================

async function testTablet(env) {
  const ctx = await openApp(env.browser, env.url, "tablet-768x1024",
                            { viewport: { width: 768, height: 1024 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
  const { page } = ctx;
  try {
    if (!(await openEditorFromMenu(ctx))) return;
    const r0 = await widget(page, "lesson_editor");
    // A finger dragged over the title bar and over the body: the editor stays where it is.
    await drag(ctx, [r0.x + r0.w * 0.6, r0.y + 8], [r0.x + r0.w * 0.3, r0.y + 200]);
    await drag(ctx, [r0.x + r0.w / 2, r0.y + r0.h * 0.8], [r0.x + r0.w / 2, r0.y + r0.h * 0.3]);
    const r1 = await widget(page, "lesson_editor");
    check(r1 && Math.abs(r1.x - r0.x) < 1 && Math.abs(r1.y - r0.y) < 1 && Math.abs(r1.w - r0.w) < 1 &&
          Math.abs(r1.h - r0.h) < 1, "tablet: the editor does not move or resize under a finger", { r0, r1 });
    await pressWidget(ctx, "lesson_lock_mode");
    check((await state(page)).lesson_editor.lock_mode, "tablet: a tap turns lock mode on");
    await nothingCut(ctx, "with the editor open");
    await shot(ctx, "editor-tablet.png");
    await pressWidget(ctx, "lesson_preview");
    check((await state(page)).lesson_editor.previewing && usable(await widget(page, "preview_back")),
          "tablet: the preview starts with \"Back to editing\" in reach");
    await nothingCut(ctx, "in the preview");
    await shot(ctx, "preview-tablet.png");
    await pressWidget(ctx, "preview_back");
    check(!(await state(page)).lesson_editor.previewing, "tablet: a tap on \"Back to editing\" returns");
  } finally {
    await ctx.context.close();
  }
}

let server = null;
const killServer = () => { if (server) { try { server.proc.kill(); } catch (e) { /* gone */ } server = null; } };
await runSuite({
  checker, artifactDir, seconds: 380, cleanup: killServer,
  setup: async (launch) => {
    server = await startServer(siteDir);
    console.log(`serving ${siteDir} at ${server.url}`);
    return { browser: await launch(), url: server.url };
  },
  tests: [
    ["1280x800: build, lock, preview, save, package, load", testDesktop, false],
    ["1024x768: nothing cut", testSmall, false],
    ["tablet: touch", testTablet, false],
  ],
  after: () => {
    check(consoleErrors.length === 0, `no console errors (${consoleErrors.length})`, consoleErrors.slice(0, 5));
  },
});
