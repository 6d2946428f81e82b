// The full page's LMS package download (web/motsim-package.js) against the command line's
// package of the same lesson and scenario: `motsim package web/examples/lesson.json --scenario
// assets/scenarios/default.json --format F -o OUT.zip --site SITE` (binary $MOTSIM_CLI or
// build/native/motsim). In the page the scenario is loaded and the lesson configured, then the
// download is asked for the way the lesson editor asks for it: the module's host event "package"
// {format} (Module.motsimHost.event, what App::download_package emits), and through
// window.motsim.makePackage(format). The saved zip is unpacked in Node (fflate):
//   - its file list equals the CLI's, for cmi5 and SCORM 1.2
//   - imsmanifest.xml / cmi5.xml, lesson.json, scenario.json and package.json are byte for byte the
//     CLI's; the site's files (launch page, runtime, simulator, vendor libraries) too
//   - named "<lesson title>-<format>.zip"; the notice says it was saved
//   - the zip was made in slices of a few milliseconds (MotsimPackage.stats: 95th percentile < 50 ms)
//   - refusals are messages in the notice: no lesson yet (the module's reason), an unknown format
// At 1024x768 (the same page, resized) and on a 768x1024 touch tablet a SCORM 2004 package is made
// the same way and its list and manifest checked. axe-core finds no serious or critical violation with the notice shown.
// usage: node tests/browser/package.test.mjs SITE_DIR ARTIFACT_DIR   (MOTSIM_QUICK=1: 1280x800 and 1024x768 only)
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { repo, createChecker, runSuite, startServer, siteAndArtifactDirs, sleep, frames } from "./harness.mjs";

const require = createRequire(path.join(repo, "package.json"));
const { unzipSync } = require("fflate");
const AXE = fs.readFileSync(path.join(repo, "node_modules", "axe-core", "axe.min.js"), "utf8");

const { siteDir, artifactDir } = siteAndArtifactDirs("tests/browser/package.test.mjs");
fs.mkdirSync(artifactDir, { recursive: true });
const checker = createChecker();
const { check } = checker;
const CLI = process.env.MOTSIM_CLI || path.join(repo, "build", "native", "motsim");
const LESSON = fs.readFileSync(path.join(repo, "web/examples/lesson.json"), "utf8");
const HOTEL = fs.readFileSync(path.join(repo, "assets/scenarios/default.json"), "utf8");
const GENERATED = ["lesson.json", "scenario.json", "package.json", "imsmanifest.xml", "cmi5.xml"];

const consoleErrors = [];
function watchConsole(page, label) {
  page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(`${label}: ${m.text()}`); });
  page.on("pageerror", (e) => consoleErrors.push(`${label}: page error: ${e && e.message ? e.message : e}`));
}

let work = null;
function cliPackage(format) {
  const zip = path.join(work, `cli-${format}.zip`);
  const r = spawnSync(CLI, ["package", path.join(repo, "web/examples/lesson.json"), "--scenario", path.join(repo, "assets/scenarios/default.json"),
                            "--format", format, "-o", zip, "--site", siteDir], { encoding: "utf8" });
  if (r.error || r.status !== 0) throw new Error(`${CLI} package --format ${format} failed (${r.error ? r.error.message : r.status}): ${r.stderr}`);
  return unzipSync(new Uint8Array(fs.readFileSync(zip)));
}
const fileList = (files) => Object.keys(files).filter((n) => !n.endsWith("/")).sort();
const same = (a, b) => a && b && a.length === b.length && Buffer.from(a).equals(Buffer.from(b));
const noticeText = (page) => page.evaluate(() => { const n = document.getElementById("notice"); return n && !n.classList.contains("hidden") ? n.textContent : ""; });

async function openApp(ctx, size, label) {
  const context = await ctx.browser.newContext({ ...size, acceptDownloads: true });
  const page = await context.newPage();
  watchConsole(page, label);
  await page.goto(ctx.url + "index.html");
  await page.waitForFunction(() => typeof window.motsim === "object" && window.motsim !== null, null, { timeout: 30000 });
  return { context, page };
}

// The hotel scenario and the example lesson, as a trainer has them in the app.
async function loadLesson(page) {
  return page.evaluate(([hotel, lesson]) => {
    const loaded = window.motsim.load(hotel, "hotel.json");
    const configured = window.motsim.bridge.configure({ lesson: JSON.parse(lesson) }, "lesson");
    return { loaded, configured, lesson: window.motsim.state().lesson };
  }, [HOTEL, LESSON]);
}

// ImGui reads the pointer once a frame: each step of a press gets its own frames.
async function press(page, r) {
  await page.mouse.move(r.x + r.w / 2, r.y + r.h / 2);
  await frames(page, 2);
  await page.mouse.down();
  await frames(page, 2);
  await page.mouse.up();
  await frames(page, 2);
}
const widget = (page, name) => page.evaluate((n) => window.motsim.widget(n), name);
const usable = (r) => r && r.w > 2 && r.h > 2;

// Lesson > Edit lesson... on the canvas, then the button at the editor's foot pressed (the editor
// scrolled with the mouse wheel if it is below): what a trainer does.
async function pressEditorButton(page, name) {
  const size = page.viewportSize();
  // A tall window shows the editor's foot without scrolling (the wheel over the editor did not
  // reach ImGui in headless Chromium here); the window is put back afterwards.
  await page.setViewportSize({ width: size.width, height: 1100 });
  await frames(page, 4);
  try {
    return await pressEditorButtonIn(page, name);
  } finally {
    await page.setViewportSize(size);
    await frames(page, 3);
  }
}
async function pressEditorButtonIn(page, name) {
  for (const w of ["menu_lesson", "menu_lesson_edit"]) {
    const r = await widget(page, w);
    if (!usable(r)) return `no ${w} (${JSON.stringify(r)})`;
    await press(page, r);
    await frames(page, 3);
  }
  let ed = null, b = null;
  for (let i = 0; i < 12; i++) {
    ed = await widget(page, "lesson_editor");
    b = await widget(page, name);
    if (!usable(ed)) return `no lesson editor (${JSON.stringify(ed)})`;
    if (usable(b) && b.y >= ed.y && b.y + b.h <= ed.y + ed.h) {
      await press(page, b);
      return true;
    }
    await page.mouse.move(ed.x + 5, ed.y + ed.h / 2);  // the window's padding: no text field there to take the wheel
    await frames(page, 2);
    await page.mouse.wheel(0, 3000);
    await frames(page, 3);
  }
  await page.screenshot({ path: path.join(artifactDir, "editor-not-reached.png") });
  return `the button stayed out of the editor (${JSON.stringify({ ed, b })})`;
}

// Asks for a package as the editor does (the host event) and returns the saved download.
async function downloadVia(page, format, how) {
  const wait = page.waitForEvent("download", { timeout: 60000 });
  wait.catch(() => {});  // a throw below closes the page: not an unhandled rejection
  if (how === "editor") {
    const why = await pressEditorButton(page, `package_${format}`);
    if (why !== true) throw new Error(`the editor's package_${format} button was not reached: ${why}`);
  } else if (how === "event")
    await page.evaluate((f) => window.motsim.module.motsimHost.event("package", JSON.stringify({ format: f })), format);
  else await page.evaluate((f) => { window.packageResult = window.motsim.makePackage(f); }, format);
  const d = await wait;
  const file = path.join(work, `page-${format}-${how}.zip`);
  await d.saveAs(file);
  return { name: d.suggestedFilename(), files: unzipSync(new Uint8Array(fs.readFileSync(file))) };
}

function compare(format, page, cli) {
  check(JSON.stringify(fileList(page)) === JSON.stringify(fileList(cli)),
        `${format}: the page's zip holds the CLI's files (${fileList(cli).length})`, { page: fileList(page), cli: fileList(cli) });
  const manifest = format === "cmi5" ? "cmi5.xml" : "imsmanifest.xml";
  check(same(page[manifest], cli[manifest]), `${format}: ${manifest} is byte for byte the CLI's`);
  const gen = GENERATED.filter((n) => cli[n] && n !== manifest);
  const genDiff = gen.filter((n) => !same(page[n], cli[n]));
  check(genDiff.length === 0, `${format}: ${gen.join(", ")} are the CLI's`, genDiff);
  const site = fileList(cli).filter((n) => !GENERATED.includes(n));
  const siteDiff = site.filter((n) => !same(page[n], cli[n]));
  check(siteDiff.length === 0, `${format}: the site's files (${site.join(", ")}) are the CLI's`, siteDiff);
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

// ==== 1280x800: both ways, two formats, refusals ===================================================
async function testDesktop(ctx) {
  const { context, page } = await openApp(ctx, { viewport: { width: 1280, height: 800 } }, "1280x800");
  try {
    // No lesson yet: the module's reason, in the notice; no download.
    let downloads = 0;
    page.on("download", () => downloads++);
    const none = await page.evaluate(() => window.motsim.makePackage("cmi5"));
    check(none && none.ok === false && /no lesson/.test(none.error), "without a lesson: refused with the module's reason", none);
    check(/The package was not made: .*no lesson/.test(await noticeText(page)), "the notice says why", await noticeText(page));
    const bad = await page.evaluate(() => window.motsim.makePackage("zip<script>"));
    check(bad && bad.ok === false && /unknown package format/.test(bad.error), "an unknown format is refused with a message", bad);

    const r = await loadLesson(page);
    check(r.loaded === true && r.configured === true, "the hotel scenario loads and the example lesson is configured", r);

    const title = JSON.parse(LESSON).title;
    const cmi5 = await downloadVia(page, "cmi5", "editor");
    check(cmi5.name === `${title}-cmi5.zip`, `the lesson editor's cmi5 button saves "${title}-cmi5.zip"`, cmi5.name);
    compare("cmi5", cmi5.files, ctx.cli.cmi5);
    const saved = await (async () => { for (let i = 0; i < 40; i++) { const t = await noticeText(page); if (/^Saved/.test(t)) return t; await sleep(100); } return noticeText(page); })();
    check(/^Saved Win the booking-cmi5\.zip \(\d+(\.\d)? (KB|MB)\): upload it to your LMS as a cmi5 package\./.test(saved), "the notice says the package was saved", saved);
    await page.screenshot({ path: path.join(artifactDir, "1280x800-saved.png") });
    await axe(page, "app with the package notice");

    const s12 = await downloadVia(page, "scorm12", "call");
    const result = await page.evaluate(() => window.packageResult);
    check(result && result.ok === true && s12.name === `${title}-scorm12.zip`, "window.motsim.makePackage('scorm12') resolves ok and saves the SCORM 1.2 zip", result);
    compare("scorm12", s12.files, ctx.cli.scorm12);
    // Each slice deflates at most 8 KB after 8 ms of work (about 1 ms natively); on a machine whose
    // other processes starve the browser a slice can still take long on the clock, so the bound is
    // on the 95th percentile, and the longest is printed.
    const stats = await page.evaluate(() => window.MotsimPackage.stats);
    const sorted = stats.sliceMs.slice().sort((a, b) => a - b), p95 = sorted[Math.floor(0.95 * (sorted.length - 1))];
    check(stats.slices > 20 && p95 < 50, `the zip was made in ${stats.slices} slices: 95 % under ${p95} ms (< 50), the longest ${stats.longestSliceMs.toFixed(1)} ms (${stats.longestSliceAt})`,
          { p95, longest: stats.longestSliceMs });
    check(downloads === 2, "exactly the two packages asked for were saved", downloads);

    // 1024x768: the same page, a SCORM 2004 package through the host event.
    await page.setViewportSize({ width: 1024, height: 768 });
    const z = await downloadVia(page, "scorm2004", "event");
    check(JSON.stringify(fileList(z.files)) === JSON.stringify(fileList(ctx.cli.scorm2004)) && same(z.files["imsmanifest.xml"], ctx.cli.scorm2004["imsmanifest.xml"]),
          "1024x768: the SCORM 2004 zip has the CLI's files and manifest");
    await noticeInside(page, "1024x768");
  } finally {
    await context.close();
  }
}

async function noticeInside(page, name) {
  await sleep(200);
  await page.screenshot({ path: path.join(artifactDir, `${name}-saved.png`) });
  const box = await page.evaluate(() => {
    const n = document.getElementById("notice"), r = n.getBoundingClientRect();
    return { text: n.textContent.slice(0, 80), l: r.left, r: r.right, t: r.top, b: r.bottom, w: innerWidth, h: innerHeight };
  });
  check(/^Saved .*scorm2004\.zip/.test(box.text) && box.l >= 0 && box.r <= box.w && box.t >= 0 && box.b <= box.h,
        `${name}: the notice says it was saved, inside the window`, box);
}

// ==== the tablet: SCORM 2004 through the host event ================================================
async function testSize(ctx, name, size) {
  const { context, page } = await openApp(ctx, size, name);
  try {
    const r = await loadLesson(page);
    check(r.loaded && r.configured, `${name}: lesson configured`);
    const z = await downloadVia(page, "scorm2004", "event");
    check(JSON.stringify(fileList(z.files)) === JSON.stringify(fileList(ctx.cli.scorm2004)) && same(z.files["imsmanifest.xml"], ctx.cli.scorm2004["imsmanifest.xml"]),
          `${name}: the SCORM 2004 zip has the CLI's files and manifest`);
    await noticeInside(page, name);
  } finally {
    await context.close();
  }
}

let server = null;
const cleanup = () => {
  if (server && server.proc.exitCode === null) server.proc.kill("SIGTERM");
  if (work) fs.rmSync(work, { recursive: true, force: true });
};
await runSuite({
  checker, artifactDir, seconds: 240, cleanup,
  setup: async (launch) => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "motsim-package-"));
    const cli = { cmi5: cliPackage("cmi5"), scorm12: cliPackage("scorm12"), scorm2004: cliPackage("scorm2004") };
    server = await startServer(siteDir);
    return { browser: await launch(), url: server.url, cli };
  },
  tests: [
    ["1280x800: the download equals the CLI's package", testDesktop, false],
    ...(process.env.MOTSIM_QUICK ? [] : [["768x1024 touch", (ctx) => testSize(ctx, "768x1024-touch", { viewport: { width: 768, height: 1024 }, screen: { width: 768, height: 1024 },
                                                                    hasTouch: true, isMobile: true, deviceScaleFactor: 2 }), false]]),
  ],
  after: () => check(consoleErrors.length === 0, "no console errors or page errors", consoleErrors),
});
