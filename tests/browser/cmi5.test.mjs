// cmi5 packages in a browser against a real (small) learning record store: the package is made
// by the command line (`motsim package web/examples/lesson.json --scenario
// assets/scenarios/default.json --format cmi5` (the default hotel journey the example lesson was
// written for: docs/embedding.md measured its steps), binary $MOTSIM_CLI or build/native/motsim, from the
// site under test), unzipped with fflate, served on one origin; tests/lrs/lrs.mjs is the LMS on
// another (CORS, as in real life). The LMS side does what a cmi5 LMS does before a launch (the
// "launched" statement, LMS.LaunchData with the AU's masteryScore and moveOn from cmi5.xml, the
// learner preferences, a one-time fetch URL) and the page is opened with the five launch
// parameters. Everything below is read back from the LRS's SQLite.
//   a. first session: the learner meets both steps with the DOM mirror's ad slider (keyboard) and
//      "Check my answer" (the check runs with the live view's customer cap: the ad's positive odds
//      at 0.9 give a conversion of 64.7 %, step 1; at 0.95 a lost share of 39.6 %, step 2), presses Finish: launched, initialized, interacted (batched: fewer than the key presses),
//      passed (score 1, raw 2 of 2), completed, terminated with durations; registration, session
//      id and actor the launch's; cmi5 / moveOn categories where cmi5 wants them; the state
//      document says passed and completed and holds the suspend data
//   b. relaunch (same registration, new session): resumes at 2 of 2 steps with the slider where
//      it was; no second passed or completed; leaving the page sends terminated (keepalive)
//   c. a new registration, Finish at once: failed (scaled 0 under masteryScore 1), terminated, no
//      completed, then the LMS's returnURL (a javascript: one in a is not followed) (1024x768)
//   d. hostile launches: an actor that is not JSON, and LMS.LaunchData that is not an object:
//      the lesson runs with a notice, nothing is recorded, nothing crashes (768x1024 touch tablet)
// Every statement the LRS received passed xapi-validation and the LRS's cmi5 session rules (the
// only refusals are the one d provokes). axe-core: no serious or critical violation.
// usage: node tests/browser/cmi5.test.mjs SITE_DIR ARTIFACT_DIR
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import crypto from "node:crypto";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { repo, createChecker, runSuite, startServer, siteAndArtifactDirs, sleep } from "./harness.mjs";
import { startLrs, VERBS, SESSION_EXT, CMI5_CATEGORY, MOVEON_CATEGORY } from "../lrs/lrs.mjs";

const require = createRequire(path.join(repo, "package.json"));
const { unzipSync, strFromU8 } = require("fflate");
const validateStatement = require("xapi-validation").default;
const AXE = fs.readFileSync(path.join(repo, "node_modules", "axe-core", "axe.min.js"), "utf8");

const { siteDir, artifactDir } = siteAndArtifactDirs("tests/browser/cmi5.test.mjs");
fs.mkdirSync(artifactDir, { recursive: true });
const checker = createChecker();
const { check } = checker;
const CLI = process.env.MOTSIM_CLI || path.join(repo, "build", "native", "motsim");
const EXT_PATH = "urn:motsim:xapi:parameter-path", EXT_VALUE = "urn:motsim:xapi:parameter-value";
const ISO_DURATION = /^P(?:\d+D)?T(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?$/;
const actor = { objectType: "Agent", name: "Ada Lovelace", account: { homePage: "http://127.0.0.1/lms", name: "learner-42" } };

const consoleErrors = [];
function watchConsole(page, label, refusals) {
  page.on("console", (m) => {
    // A State API document that does not exist yet is a 404 (xAPI), which Chromium logs; in a
    // hostile launch the LRS's refusals (400) are expected too.
    const http = /Failed to load resource: the server responded with a status of (\d+)/.exec(m.text());
    if (m.type() === "error" && !(http && (http[1] === "404" || (refusals && http[1] === "400"))))
      consoleErrors.push(`${label}: ${m.text()}`);
  });
  page.on("pageerror", (e) => consoleErrors.push(`${label}: page error: ${e && e.message ? e.message : e}`));
}

// ---- the package --------------------------------------------------------------------------------
function makePackage(work) {
  const zip = path.join(work, "lesson-cmi5.zip");
  const r = spawnSync(CLI, ["package", path.join(repo, "web/examples/lesson.json"), "--scenario",
                            path.join(repo, "assets/scenarios/default.json"), "--format", "cmi5", "-o", zip, "--site", siteDir],
                      { encoding: "utf8" });
  if (r.error || r.status !== 0) throw new Error(`${CLI} package failed (${r.error ? r.error.message : r.status}): ${r.stderr}`);
  const files = unzipSync(new Uint8Array(fs.readFileSync(zip)));
  const dir = path.join(work, "pkg");
  for (const [name, data] of Object.entries(files)) {
    if (name.endsWith("/")) continue;
    const to = path.join(dir, name);
    if (!to.startsWith(dir + path.sep)) throw new Error(`zip entry ${name} leaves the folder`);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.writeFileSync(to, data);
  }
  const xml = strFromU8(files["cmi5.xml"] || new Uint8Array());
  const au = /<au\s[^>]*>/.exec(xml);
  const attr = (n) => { const m = au && new RegExp(`\\s${n}="([^"]*)"`).exec(au[0]); return m ? m[1] : null; };
  return { dir, names: Object.keys(files).sort(), au: { id: attr("id"), masteryScore: attr("masteryScore") === null ? undefined : Number(attr("masteryScore")),
                                                       moveOn: attr("moveOn") } };
}

// ---- helpers ------------------------------------------------------------------------------------
const verbOf = (s) => s.verb.id.split("/").pop();
const categories = (s) => ((s.context && s.context.contextActivities && s.context.contextActivities.category) || []).map((c) => c.id);
function seconds(iso) {
  const m = /^P(?:(\d+)D)?T(?:(\d+)H)?(?:(\d+)M)?(?:([\d.]+)S)?$/.exec(iso || "");
  return m ? (+m[1] || 0) * 86400 + (+m[2] || 0) * 3600 + (+m[3] || 0) * 60 + (+m[4] || 0) : NaN;
}
async function until(fn, ms, step = 100) {
  const t = Date.now();
  for (;;) {
    const v = await fn();
    if (v || Date.now() - t > ms) return v;
    await sleep(step);
  }
}
const statusText = (page) => page.evaluate(() => (document.getElementById("lms-status") || {}).textContent || "");
const notices = (page) => page.evaluate(() => (document.getElementById("lms-notices") || {}).textContent || "");

async function open(ctx, size, query, label, refusals) {
  const context = await ctx.browser.newContext(size);
  const page = await context.newPage();
  watchConsole(page, label, refusals);
  await page.goto(`${ctx.pkgUrl}index.html?${query}`);
  return { context, page };
}

// The ad's positive odds through the DOM mirror's slider with the keyboard, one press at a time
// (each press is one learner change: a drag's worth of param events). Returns the presses.
async function slideAdTo(page, target) {
  const input = page.locator('input[data-path="/moments/ad/positive"]');
  await input.waitFor({ state: "attached", timeout: 20000 });
  await input.focus();
  let presses = 0;
  for (let i = 0; i < 60; i++) {
    const v = Number(await input.inputValue());
    if (v >= target - 1e-9) break;
    await page.keyboard.press("ArrowRight");
    presses++;
    await sleep(40);
  }
  return { presses, value: Number(await input.inputValue()) };
}

async function axe(page, what) {
  await page.evaluate(AXE);
  const v = await page.evaluate(async () => {
    const r = await window.axe.run(document, { resultTypes: ["violations"] });
    return r.violations.filter((x) => x.impact === "serious" || x.impact === "critical")
      .map((x) => `${x.id} (${x.impact}): ${x.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ")}`);
  });
  check(v.length === 0, `axe-core: no serious or critical violations (${what})`, v);
}

// The rules every AU statement of a session must follow (cmi5 7.1.3, 9.3, 9.5, 9.6).
function checkSession(list, launch, label) {
  const au = list.filter((s) => s.authority && s.authority.account && s.authority.account.name === launch.sessionId);
  check(au.length > 0 && verbOf(au[0]) === "initialized", `${label}: the AU's first statement is initialized`, au.map(verbOf));
  check(au.length > 0 && verbOf(au[au.length - 1]) === "terminated", `${label}: the AU's last statement is terminated`, au.map(verbOf));
  const bad = [];
  for (const s of au) {
    const v = verbOf(s), cats = categories(s);
    const defined = ["initialized", "passed", "failed", "completed", "terminated"].includes(v);
    if (JSON.stringify(s.actor.account) !== JSON.stringify(actor.account)) bad.push(`${v}: actor`);
    if (s.context.registration !== launch.registration) bad.push(`${v}: registration ${s.context.registration}`);
    if (!s.context.extensions || s.context.extensions[SESSION_EXT] !== launch.sessionId) bad.push(`${v}: session id`);
    const grouping = (s.context.contextActivities && s.context.contextActivities.grouping) || [];
    if (!grouping.some((g) => g.id === launch.publisherId)) bad.push(`${v}: publisher id grouping of the context template missing`);
    if (defined !== cats.includes(CMI5_CATEGORY)) bad.push(`${v}: cmi5 category ${defined ? "missing" : "on an allowed statement"}`);
    const moveOn = ["passed", "failed", "completed"].includes(v);
    if (moveOn !== cats.includes(MOVEON_CATEGORY)) bad.push(`${v}: moveOn category`);
    if (defined && s.object.id !== launch.activityId) bad.push(`${v}: object is not the AU`);
    if (["passed", "failed", "completed", "terminated"].includes(v) && !ISO_DURATION.test((s.result || {}).duration || ""))
      bad.push(`${v}: duration ${JSON.stringify((s.result || {}).duration)}`);
    if (!["passed", "failed"].includes(v) && s.result && s.result.score) bad.push(`${v}: a score`);
    if (validateStatement(s).length) bad.push(`${v}: xapi-validation`);
  }
  check(bad.length === 0, `${label}: every statement has the launch's actor, registration, session id, context template, categories, durations`, bad);
  const times = au.map((s) => Date.parse(s.timestamp));
  check(times.every((t, i) => i === 0 || t >= times[i - 1]), `${label}: timestamps in order`);
  const count = (v) => au.filter((s) => verbOf(s) === v).length;
  for (const v of ["initialized", "terminated"]) check(count(v) === 1, `${label}: one ${v}`, count(v));
  return au;
}

// ==== a. first session ===========================================================================
async function testFirstSession(ctx) {
  const { lrs, pkg } = ctx;
  // A returnURL that is a script: never followed (only http(s) addresses are).
  const launch = ctx.a = lrs.launch({ actor, registration: crypto.randomUUID(), activityId: ctx.activityId,
                                      publisherId: pkg.au.id, masteryScore: pkg.au.masteryScore, moveOn: pkg.au.moveOn,
                                      returnURL: "javascript:document.title='pwned'" });
  launch.activityId = ctx.activityId;
  launch.publisherId = pkg.au.id;
  const { context, page } = await open(ctx, { viewport: { width: 1280, height: 800 } }, launch.query, "a");
  try {
    const status = await until(async () => /Recording to your LMS \(cmi5\) for Ada Lovelace/.test(await statusText(page)), 30000);
    check(status, "the launched page says it records to the LMS (cmi5) for the actor's name", await statusText(page));
    const initialized = await until(() => lrs.statements(launch.sessionId).some((s) => verbOf(s) === "initialized"), 5000);
    check(initialized, "initialized is in the LRS after the start");

    const s1 = await slideAdTo(page, 0.9);
    await page.click('button[data-action="check"]');
    const met1 = await until(async () => /1 of 2 steps met/.test(await statusText(page)), 30000);
    check(met1, `step 1 met with the ad's positive odds at ${s1.value} (${s1.presses} key presses)`, await statusText(page));
    const s2 = await slideAdTo(page, 0.95);
    await page.click('button[data-action="check"]');
    const met2 = await until(async () => /2 of 2 steps met/.test(await statusText(page)), 30000);
    check(met2, `step 2 met at ${s2.value}`, await statusText(page));
    const outcome = await until(() => {
      const v = lrs.statements(launch.sessionId).map(verbOf);
      return v.includes("passed") && v.includes("completed");
    }, 10000);
    check(outcome, "passed and completed reach the LRS when the last step is met (before Finish)",
          lrs.statements(launch.sessionId).map(verbOf));
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(artifactDir, "1280x800-passed.png") });
    await axe(page, "launched lesson, both steps met");

    await page.click("#lms-finish");
    const ended = await until(() => lrs.statements(launch.sessionId).some((s) => verbOf(s) === "terminated"), 10000);
    check(ended, "Finish sends terminated");
    check(/Finished/.test(await statusText(page)), "the page says it finished", await statusText(page));
    await sleep(300);
    check(page.url().startsWith(ctx.pkgUrl) && (await page.title()) !== "pwned", "a javascript: returnURL is not followed", page.url());

    const all = lrs.statements(launch.sessionId);
    check(all.length && verbOf(all[0]) === "launched" && all[0].authority.name === "LMS", "the session starts with the LMS's launched statement");
    const au = checkSession(all, launch, "session 1");
    const verbs = au.map(verbOf);
    const core = verbs.filter((v) => v !== "interacted" && v !== "progressed");
    check(JSON.stringify(core) === JSON.stringify(["initialized", "passed", "completed", "terminated"]),
          "session 1: initialized, passed, completed, terminated (interacted / progressed only between)", verbs);
    const passed = au.find((s) => verbOf(s) === "passed") || { result: {} };
    const sc = passed.result.score || {};
    check(sc.scaled === 1 && sc.raw === 2 && sc.min === 0 && sc.max === 2 && passed.result.success === true,
          "passed: score scaled 1, raw 2 of 0..2, success true", passed.result);
    const ms = passed.context && passed.context.extensions && passed.context.extensions["https://w3id.org/xapi/cmi5/context/extensions/masteryscore"];
    check(ms === pkg.au.masteryScore, `passed carries the masteryScore of LMS.LaunchData (${pkg.au.masteryScore})`, ms);
    const completed = au.find((s) => verbOf(s) === "completed") || { result: {} };
    check(completed.result.completion === true && !("score" in completed.result), "completed: completion true, no score", completed.result);
    const term = au.find((s) => verbOf(s) === "terminated") || { result: {} };
    const d = seconds(term.result.duration);
    const wall = (Date.parse(term.timestamp) - Date.parse(au[0].timestamp)) / 1000;
    check(d > 1 && Math.abs(d - wall) < 2, `terminated's duration ${term.result.duration} is the session's time (${wall.toFixed(1)} s from initialized)`);

    const inter = au.filter((s) => verbOf(s) === "interacted");
    const presses = s1.presses + s2.presses;
    check(inter.length >= 1 && inter.length < presses, `the learner's changes are batched: ${inter.length} interacted statements for ${presses} key presses`);
    const paths = inter.map((s) => s.result && s.result.extensions && s.result.extensions[EXT_PATH]);
    const values = inter.map((s) => s.result && s.result.extensions && s.result.extensions[EXT_VALUE]);
    // The ad's positive odds; the model also lowers its negative odds when the two would pass 1.
    check(paths.every((p) => p === "/moments/ad/positive" || p === "/moments/ad/negative") && values.every((v) => typeof v === "number" && v >= 0 && v <= 1),
          "interacted statements hold the parameter's path and value in result extensions", { paths, values });
    const adValues = values.filter((v, i) => paths[i] === "/moments/ad/positive");
    check(Math.abs(adValues[adValues.length - 1] - s2.value) < 1e-9 && adValues.every((v, i) => i === 0 || v > adValues[i - 1]),
          `the ad's interacted values rise with the slider and end at its last value (${s2.value})`, adValues);
    check(inter.every((s) => s.object.id === launch.activityId), "interacted statements are about the AU");

    const doc = JSON.parse(lrs.state(ctx.activityId, actor, launch.registration, "motsim.suspend") || "null");
    check(doc && doc.passed === true && doc.completed === true && typeof doc.suspend === "string" && doc.suspend.length > 10,
          "the State API document holds the suspend data and that this registration passed and completed",
          doc && { passed: doc.passed, completed: doc.completed, suspend: (doc.suspend || "").length });
  } finally {
    await context.close();
  }
}

// ==== b. relaunch =================================================================================
async function testRelaunch(ctx) {
  const { lrs, pkg, a } = ctx;
  if (!a) throw new Error("needs the first session");
  const launch = lrs.launch({ actor, registration: a.registration, activityId: ctx.activityId,
                              publisherId: pkg.au.id, masteryScore: pkg.au.masteryScore, moveOn: pkg.au.moveOn });
  launch.activityId = ctx.activityId;
  launch.publisherId = pkg.au.id;
  check(launch.sessionId !== a.sessionId, "the relaunch is a new session of the same registration");
  const { context, page } = await open(ctx, { viewport: { width: 1280, height: 800 } }, launch.query, "b");
  try {
    const resumed = await until(async () => /Recording to your LMS.*2 of 2 steps met/.test(await statusText(page)), 40000);
    check(resumed, "the relaunch resumes with 2 of 2 steps met (from the State API)", await statusText(page));
    const v = Number(await page.locator('input[data-path="/moments/ad/positive"]').inputValue());
    check(Math.abs(v - 0.95) < 0.006, `the learner's edit is back: the ad's positive odds ${v}`);
    await sleep(1500);
    // Leaving the page: terminated with fetch keepalive.
    await page.goto("about:blank");
    const ended = await until(() => lrs.statements(launch.sessionId).some((s) => verbOf(s) === "terminated"), 8000);
    check(ended, "leaving the page sends terminated (pagehide, keepalive)");
    const au = checkSession(lrs.statements(launch.sessionId), launch, "session 2");
    const verbs = au.map(verbOf);
    check(!verbs.some((x) => ["passed", "failed", "completed"].includes(x)),
          "session 2 sends no second passed / failed / completed (one per registration)", verbs);
  } finally {
    await context.close();
  }
}

// ==== c. failed =================================================================================
async function testFailed(ctx) {
  const { lrs, pkg } = ctx;
  const returnURL = `${lrs.endpoint}about`;
  const launch = lrs.launch({ actor, registration: crypto.randomUUID(), activityId: ctx.activityId,
                              publisherId: pkg.au.id, masteryScore: pkg.au.masteryScore, moveOn: pkg.au.moveOn, returnURL });
  launch.activityId = ctx.activityId;
  launch.publisherId = pkg.au.id;
  const { context, page } = await open(ctx, { viewport: { width: 1024, height: 768 } }, launch.query, "c");
  try {
    const ready = await until(async () => /Recording to your LMS \(cmi5\).*0 of 2 steps met/.test(await statusText(page)), 30000);
    check(ready, "a fresh registration starts at 0 of 2 steps", await statusText(page));
    await page.screenshot({ path: path.join(artifactDir, "1024x768-started.png") });
    await axe(page, "1024x768, a fresh registration");
    await page.click("#lms-finish");
    const ended = await until(() => lrs.statements(launch.sessionId).some((s) => verbOf(s) === "terminated"), 10000);
    check(ended, "Finish with steps unmet sends terminated");
    const au = checkSession(lrs.statements(launch.sessionId), launch, "failed session");
    const core = au.map(verbOf).filter((v) => v !== "interacted" && v !== "progressed");
    check(JSON.stringify(core) === JSON.stringify(["initialized", "failed", "terminated"]), "Finish with steps unmet: initialized, failed, terminated", core);
    const failed = au.find((s) => verbOf(s) === "failed") || { result: {} };
    const sc = failed.result.score || {};
    check(failed.result.success === false && sc.scaled === 0 && sc.raw === 0 && sc.max === 2 && sc.scaled < pkg.au.masteryScore,
          "failed: success false, score scaled 0 (under the masteryScore)", failed.result);
    const back = await until(() => page.url() === returnURL, 8000);
    check(back, "after terminated the page goes to LaunchData's returnURL (cmi5 section 10)", page.url());
  } finally {
    await context.close();
  }
}

// ==== d. hostile launches ========================================================================
async function testHostile(ctx) {
  const { lrs, pkg } = ctx;
  const tablet = { viewport: { width: 768, height: 1024 }, screen: { width: 768, height: 1024 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 };
  const before = lrs.query("SELECT COUNT(*) AS n FROM statements")[0].n;
  // An actor that is not JSON (and a script in it): the lesson runs, nothing is sent.
  const bad = lrs.launch({ actor, activityId: ctx.activityId, publisherId: pkg.au.id, moveOn: pkg.au.moveOn });
  const q = new URLSearchParams(bad.query);
  q.set("actor", "<img src=x onerror=alert(1)>{");
  const one = await open(ctx, tablet, q.toString(), "d1");
  try {
    const noted = await until(async () => /Progress is not being recorded.*actor is not JSON/.test(await notices(one.page)), 30000);
    check(noted, "an actor that is not JSON: the lesson runs and says progress is not recorded, and why", await notices(one.page));
    check(await one.page.evaluate(() => !!document.querySelector('input[data-path="/moments/ad/positive"]')), "the simulator runs anyway");
    await one.page.screenshot({ path: path.join(artifactDir, "768x1024-touch-bad-launch.png") });
    await axe(one.page, "tablet, launch without an LMS");
  } finally {
    await one.context.close();
  }
  const after = lrs.query("SELECT COUNT(*) AS n FROM statements")[0].n;
  check(after === before + 1, "nothing but the LMS's own launched statement was recorded for it", { before, after });
  // LMS.LaunchData that is not an object: no valid statement can be made; the LRS refuses what the
  // library sends and the page says the LMS could not be reached.
  const errorsBefore = lrs.errors.length;
  const broken = lrs.launch({ actor, activityId: ctx.activityId, publisherId: pkg.au.id, moveOn: pkg.au.moveOn, launchData: "\"not an object\"" });
  const two = await open(ctx, tablet, broken.query, "d2", true);
  try {
    const noted = await until(async () => /could not be reached|not being recorded/.test(await notices(two.page)), 30000);
    check(noted, "LaunchData that is not an object: a notice, and the lesson runs", await notices(two.page));
    check(!lrs.statements(broken.sessionId).some((s) => s.authority.name !== "LMS"), "no AU statement was stored for that launch");
    ctx.expectedErrors = lrs.errors.slice(errorsBefore);
  } finally {
    await two.context.close();
  }
}

// ==== run =======================================================================================
let server = null, lrsRef = null, work = null;
const cleanup = () => {
  if (server && server.proc.exitCode === null) server.proc.kill("SIGTERM");
  if (work) fs.rmSync(work, { recursive: true, force: true });
};
await runSuite({
  checker, artifactDir, seconds: 240, cleanup,
  setup: async (launch) => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "motsim-cmi5-"));
    const pkg = makePackage(work);
    check(["cmi5.xml", "index.html", "motsim-cmi5.js", "vendor/cmi5.js", "lesson.json", "scenario.json"].every((n) => pkg.names.includes(n)),
          "the CLI's cmi5 package holds cmi5.xml, the launch page, the adapter and the cmi5 library", pkg.names);
    check(typeof pkg.au.id === "string" && pkg.au.id.length > 0, `cmi5.xml names the AU (${pkg.au.id}, masteryScore ${pkg.au.masteryScore}, moveOn ${pkg.au.moveOn})`);
    server = await startServer(pkg.dir);
    lrsRef = await startLrs({ dbFile: path.join(artifactDir, "lrs.sqlite") });
    console.log(`package at ${server.url}, LRS at ${lrsRef.endpoint}`);
    return { browser: await launch(), pkgUrl: server.url, lrs: lrsRef, pkg,
             activityId: `http://127.0.0.1/lms/activities/${crypto.randomUUID()}` };
  },
  tests: [
    ["a. first session: steps met, passed, completed, terminated", testFirstSession, false],
    ["b. relaunch resumes from the State API", testRelaunch, false],
    ["c. Finish with steps unmet: failed", testFailed, false],
    ["d. hostile launches", testHostile, false],
  ],
  after: (ctx) => {
    const expected = new Set(ctx.expectedErrors || []);
    const other = lrsRef.errors.filter((e) => !expected.has(e) && !(e.status === 404 && /state|profile/.test(e.path)));
    check(other.length === 0, "the LRS refused nothing else: every statement valid (xapi-validation) and in its session's rules", other);
    check(consoleErrors.length === 0, "no console errors or page errors", consoleErrors);
  },
});
if (lrsRef) await lrsRef.close();
