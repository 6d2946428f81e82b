// Browser tests of the embedding layer (motsim-embed.js, built from web/embed/; web/embed.html, web/examples/):
// both instances of the example lesson page render; the host sets parameters and reads metrics
// back (script and iframe); locked controls refuse the learner; messages from a disallowed origin
// are ignored; a #motsim= link reproduces the run's digest (embed and full-window app); a lesson
// step fires its event; malformed messages and fragments give error events and a working page;
// the accessibility tree names the metrics and controls; keyboard-only operation meets a lesson
// step; a touch drag on an emulated tablet changes a parameter; several instances per page; the
// page runs under a CSP without 'unsafe-eval'. Prints "page weight: ..." (gzip).
//
// usage: node tests/browser/embed.test.mjs SITE_DIR ARTIFACT_DIR
//   SITE_DIR      the built site (build/web/site: embed.html, motsim-embed.js, examples/, the module)
//   ARTIFACT_DIR  where the screenshots go (lesson-page.png, tablet.png, ...)
// Needs playwright-core (npm) and /usr/bin/chromium. Exit code 0 when every check passed.
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { createChecker, decodePng, distinctColours, frames, runSuite, siteAndArtifactDirs, sleep,
         startServer } from "./harness.mjs";

const { siteDir, artifactDir } = siteAndArtifactDirs("tests/browser/embed.test.mjs");
for (const f of ["embed.html", "motsim-embed.js", "examples/lesson.html", "motsim_app.wasm", "motsim_app.js"])
  if (!fs.existsSync(path.join(siteDir, f))) {
    console.error(`${siteDir} does not look like the built site (missing ${f})`);
    process.exit(2);
  }
fs.mkdirSync(artifactDir, { recursive: true });

// The tests serve a snapshot of the site: a rebuild during the run (others at work in the same
// tree) must not hand a page a new .wasm for an old .js. The snapshot also gets a test-only host
// page on a second origin, which frames embed.html from the first.
const snapshotDir = fs.mkdtempSync(path.join(fs.realpathSync(process.env.TMPDIR || "/tmp"), "motsim-embed-site-"));
fs.cpSync(siteDir, snapshotDir, { recursive: true });
fs.writeFileSync(path.join(snapshotDir, "foreign-host.html"), `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A page on another origin</title><link rel="icon" href="data:,"></head>
<body><iframe id="f" title="framed simulator" style="width:900px;height:600px"></iframe>
<script>document.getElementById("f").src = new URLSearchParams(location.search).get("frame");</script></body></html>
`);

// Files a hostile parent would like to read: one outside the deployer's folders, one inside that
// is not a valid scenario and holds "secrets" (test n).
fs.writeFileSync(path.join(snapshotDir, "private.json"), JSON.stringify({ user: "alice", session_token: "SECRET-TOKEN-42" }));
fs.writeFileSync(path.join(snapshotDir, "scenarios", "secret-bad.json"),
                 JSON.stringify({ motsim: 1, session_token: "SECRET-TOKEN-42", moments: [{ id: "SECRET-MOMENT", positive: 7 }] }));

// A module folder whose .wasm is not WebAssembly (test m: a failure at start-up).
fs.mkdirSync(path.join(snapshotDir, "broken"), { recursive: true });
fs.writeFileSync(path.join(snapshotDir, "broken", "motsim_app.wasm"), "this is not WebAssembly");
fs.copyFileSync(path.join(snapshotDir, "motsim_app.js"), path.join(snapshotDir, "broken", "motsim_app.js"));

const VIEWPORT = { width: 1280, height: 900 };

// ==== Checks =====================================================================================

const checker = createChecker();
const { check } = checker;

// ==== Page helpers ===============================================================================

const consoleErrors = [];
const consoleWarnings = [];
function watchConsole(page, label) {
  page.on("console", (m) => {
    const t = `${label}: ${m.text()}`;
    if (m.type() === "error") consoleErrors.push(t);
    else if (m.type() === "warning") consoleWarnings.push(t);
  });
  page.on("pageerror", (e) => consoleErrors.push(`${label}: page error: ${e && e.message ? e.message : e}`));
}
function warningsSince(n, re) { return consoleWarnings.slice(n).filter((w) => re.test(w)); }

// Opens the lesson page and waits for both simulators.
async function openLesson(page, url, hash = "") {
  // Records CSP violations and every event each instance sends, before any page script runs.
  await page.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(`${url}examples/lesson.html${hash}`);
  await page.waitForFunction(() => window.lessonPage && window.lessonPage.hotel && window.lessonPage.hotel.ready,
                             null, { timeout: 30000 });
  await page.evaluate(() => {
    const lp = window.lessonPage;
    lp.hotelEvents = [];
    lp.shelfEvents = [];
    for (const n of ["tick", "finished", "param", "error", "lesson_step", "lesson_done", "loaded"]) {
      if (n !== "tick") lp.hotel.on(n, (d) => lp.hotelEvents.push({ name: n, data: d }));
      lp.shelf.on(n, (d) => lp.shelfEvents.push({ name: n, data: d }));
    }
    return lp.shelf.ready;
  });
  await frames(page, 3);
}

const hotel = (page, fn, arg) => page.evaluate(([f, a]) => {
  const sim = window.lessonPage.hotel;
  return new Function("sim", "arg", `return (${f})(sim, arg);`)(sim, a);  // test-only helper; the page's CSP is not involved (CDP)
}, [fn.toString(), arg]);

// ==== Tests ======================================================================================

// a. Both instances render, no console errors, CSP without 'unsafe-eval' holds.
async function testRender(ctx) {
  const { page, url } = ctx;
  const t0 = Date.now();
  await openLesson(page, url);
  check(true, `the lesson page's two simulators are ready (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  await sleep(800);
  const canvasBox = await page.locator("#sim-hotel canvas").boundingBox();
  const frameBox = await page.locator("#shelf-frame").boundingBox();
  check(canvasBox && canvasBox.width > 300 && canvasBox.height > 300, "the script instance has a sizeable canvas", canvasBox);
  const c1 = distinctColours(decodePng(await page.locator("#sim-hotel canvas").screenshot()));
  check(c1 > 300, `the script instance's canvas is drawn (${c1} colours)`);
  await page.locator("#shelf-frame").scrollIntoViewIfNeeded();
  const c2 = distinctColours(decodePng(await page.locator("#shelf-frame").screenshot()));
  check(c2 > 300, `the iframe instance is drawn (${c2} colours)`, frameBox);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: path.join(artifactDir, "lesson-page.png"), fullPage: true });
  const m = await hotel(page, (sim) => sim.metrics());
  check(m && m.scenario.startsWith("A weekend at the Harbour Hotel") && m.lesson && m.lesson.steps.length === 2,
        "the script instance runs the default scenario with the two-step lesson", m && m.lesson);
  const sm = await page.evaluate(() => window.lessonPage.shelf.metrics());
  check(sm && sm.scenario.startsWith("Brightwash") && sm.tick > 0, `the iframe instance runs the shelf scenario (tick ${sm && sm.tick})`);
  // CSP: the page's policy has no 'unsafe-eval', eval is blocked, and nothing the simulator needs was blocked.
  const csp = await page.evaluate(async () => {
    const meta = document.querySelector('meta[http-equiv="Content-Security-Policy"]');
    const violations = window.__cspViolations.slice();
    // An inline script must be refused: the policy is really in force.
    const s = document.createElement("script");
    s.textContent = "window.__inlineRan = true;";
    document.body.appendChild(s);
    await new Promise((r) => setTimeout(r, 100));
    return { policy: meta && meta.content, evalResult: window.__inlineRan ? "allowed" : "blocked", violations,
             reported: window.__cspViolations.slice(violations.length) };
  });
  check(csp.policy && /script-src 'self' 'wasm-unsafe-eval'/.test(csp.policy) && !/unsafe-eval'(?!)/.test(csp.policy.replace("'wasm-unsafe-eval'", "")),
        "the lesson page declares script-src 'self' 'wasm-unsafe-eval' and no 'unsafe-eval'", csp.policy);
  // The blocked inline script is logged as a console error by Chromium: expected here, not a fault.
  for (let i = consoleErrors.length - 1; i >= 0; i--)
    if (/Executing inline script violates the following Content Security Policy/.test(consoleErrors[i])) consoleErrors.splice(i, 1);
  check(csp.evalResult === "blocked" && csp.reported.length > 0,
        "an inline script is blocked and reported (the policy is in force) while both simulators run", csp);
  check(csp.violations.length === 0, "no other Content-Security-Policy violations", csp.violations);
  const frameCsp = await page.frameLocator("#shelf-frame").locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
  check(frameCsp && frameCsp.includes("'wasm-unsafe-eval'") && !frameCsp.replace("'wasm-unsafe-eval'", "").includes("unsafe-eval"),
        "embed.html runs under the same kind of policy", frameCsp);
  check(consoleErrors.length === 0, "no console errors while loading", consoleErrors);
}

// b. The host sets a parameter and reads changed metrics back (script and iframe).
async function testHostSet(ctx) {
  const { page } = ctx;
  const r = await hotel(page, async (sim) => {
    sim.pause(); sim.reset(); await sim.finish();
    const before = sim.metrics();
    const ok = sim.set("/moments/ad/positive", 0.9);
    sim.reset(); await sim.finish();
    // A finished run starts the lesson check by itself (in slices): stop it, or it would meet the
    // lesson's step 1 with these odds before test g.
    sim.cancel();
    const after = sim.metrics();
    const restored = sim.set("/moments/ad/positive", 0.6);
    const bad = [sim.set("/moments/ad/positive", 1.5), sim.set("no path", 0.5), sim.set("/moments/ad/positive", NaN)];
    sim.reset();
    sim.play();
    return { before, after, ok, restored, bad, now: sim.scenario().moments[0].positive };
  });
  check(r.ok && r.restored, "sim.set() of /moments/ad/positive returns true");
  check(r.after.conversion > r.before.conversion + 0.05,
        `the metrics read back change: conversion ${r.before.conversion.toFixed(3)} -> ${r.after.conversion.toFixed(3)}`);
  check(r.after.digest !== r.before.digest, "the run's digest changes with the parameter");
  check(r.bad.every((b) => b === false), "out-of-range, malformed and non-finite set() calls return false", r.bad);
  await sleep(100);
  const errs = await page.evaluate(() => window.lessonPage.hotelEvents.filter((e) => e.name === "error").map((e) => e.data.message));
  check(errs.length >= 3, `each refused set() produced an "error" event (${errs.length})`, errs);

  const s = await page.evaluate(async () => {
    const c = window.lessonPage.shelf;
    await c.pause(); await c.reset(); await c.finish();
    const before = await c.metrics();
    const ok = await c.set("/moments/shelf/positive", 0.8);
    await c.reset(); await c.finish();
    const after = await c.metrics();
    const sc = await c.scenario();
    await c.set("/moments/shelf/positive", 0.45);
    await c.reset();
    const stepped = await c.step(3);
    const m3 = await c.metrics();
    return { before, after, ok, value: sc.moments.find((m) => m.id === "shelf").positive, stepped, tick3: m3.tick };
  });
  check(s.ok && s.value === 0.8, "through the iframe, set() changes /moments/shelf/positive to 0.8", s.value);
  check(s.after.conversion > s.before.conversion + 0.03,
        `through the iframe, metrics read back change: conversion ${s.before.conversion.toFixed(3)} -> ${s.after.conversion.toFixed(3)}`);
  check(s.stepped && s.tick3 === 3, `through the iframe, step(3) after reset is at tick 3 (${s.tick3})`);
  // The host buttons of the page drive the frame too.
  await page.click("#shelf-run");
  await page.waitForFunction(() => /At the end: \d+ purchases/.test(document.getElementById("shelf-results").textContent), null, { timeout: 15000 });
  check(true, "the page's \"Run to the end and report\" button reads the frame's results back");
}

// c. Locked controls cannot be changed by the learner.
async function testLocked(ctx) {
  const { page } = ctx;
  const r = await page.evaluate(() => {
    const sim = window.lessonPage.hotel;
    const input = document.querySelector('#sim-hotel input[data-path="/moments/check_in/positive"]');
    const label = input && document.querySelector(`label[for="${input.id}"]`);
    const before = sim.scenario().moments.find((m) => m.id === "check_in").positive;
    const refused = sim.module.ccall("motsim_set_learner", "number", ["string", "number"], ["/moments/check_in/positive", 0.95]);
    const refusedStar = sim.module.ccall("motsim_set_learner", "number", ["string", "number"], ["/moments/stay/magic", 0.5]);
    const allowed = sim.module.ccall("motsim_set_learner", "number", ["string", "number"], ["/moments/booking/negative", 0.1]);
    const after = sim.scenario().moments.find((m) => m.id === "check_in").positive;
    return { exists: !!input, disabled: input && input.disabled, label: label && label.textContent, before, after, refused, refusedStar, allowed,
             locked: sim.metrics().locked };
  });
  check(r.exists && r.disabled, "the mirrored locked parameter (check-in positive) is a disabled <input>", r);
  check(r.label && r.label.includes("(locked)"), "its label says it is locked", r.label);
  check(r.refused === 0 && r.refusedStar === 0 && r.after === r.before,
        "motsim_set_learner refuses locked paths (exact and /moments/stay/*) and the value is unchanged", r);
  check(r.allowed === 1, "motsim_set_learner accepts an unlocked path");
  // A real click on the disabled slider changes nothing.
  const box = await page.locator('#sim-hotel input[data-path="/moments/check_in/positive"]').boundingBox();
  await page.mouse.click(box.x + box.width * 0.95, box.y + box.height / 2);
  const after = await hotel(page, (sim) => sim.scenario().moments.find((m) => m.id === "check_in").positive);
  check(after === r.before, "clicking the disabled slider leaves the locked parameter unchanged", after);
  const defaults = await page.evaluate(() => window.MotsimEmbed !== undefined);
  check(defaults, "window.MotsimEmbed is defined by the classic script");
}

// d. Messages from a disallowed origin are ignored (a real cross-origin parent, and a synthetic event).
async function testForeignOrigin(ctx) {
  const { browser, url, url2 } = ctx;
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  watchConsole(page, "foreign");
  const w0 = consoleWarnings.length;
  try {
    // A host page on another origin (another port) framing embed.html, which allows only its own origin.
    const frameUrl = `${url}embed.html?autoplay=0&origins=${encodeURIComponent(url.replace(/\/$/, ""))}`;
    await page.goto(`${url2}foreign-host.html?frame=${encodeURIComponent(frameUrl)}`);
    const frame = page.frameLocator("#f");
    await frame.locator("canvas").waitFor({ timeout: 30000 });
    const inner = page.frames().find((f) => f !== page.mainFrame() && f.url().startsWith(`${url}embed.html`));
    await inner.waitForFunction(() => window.motsimFrame && window.motsimFrame.sim.ready, null, { timeout: 30000 });
    const before = await inner.evaluate(() => window.motsimFrame.sim.scenario().moments[0].positive);
    const replies = await page.evaluate(async () => {
      const got = [];
      window.addEventListener("message", (e) => got.push(e.data));
      const f = document.getElementById("f").contentWindow;
      f.postMessage({ motsim: 1, id: "evil-1", type: "set", path: "/moments/ad/positive", value: 0.99 }, "*");
      f.postMessage({ motsim: 1, id: "evil-2", type: "get" }, "*");
      await new Promise((r) => setTimeout(r, 800));
      return got;
    });
    const after = await inner.evaluate(() => window.motsimFrame.sim.scenario().moments[0].positive);
    check(after === before, `a "set" from a disallowed origin changes nothing (${before} -> ${after})`);
    check(replies.length === 0, "the disallowed parent gets no replies and no events", replies);
    check(warningsSince(w0, /ignored a message from http:\/\/127\.0\.0\.1:\d+/).length >= 2,
          "the frame warns on the console about each ignored message", warningsSince(w0, /motsim/));
    check(warningsSince(w0, /not in the origins allow-list/).length >= 1, "the frame warns that its parent is not allowed");
  } finally {
    await context.close();
  }
  // A synthetic message event with a foreign origin inside the lesson page's own frame.
  const { page: lp } = ctx;
  const w1 = consoleWarnings.length;
  const inner = lp.frames().find((f) => f !== lp.mainFrame() && f.url().includes("/embed.html"));
  const r = await inner.evaluate(async () => {
    const sim = window.motsimFrame.sim;
    const before = sim.scenario().moments.find((m) => m.id === "shelf").positive;
    window.dispatchEvent(new MessageEvent("message", {
      data: { motsim: 1, id: "x", type: "set", path: "/moments/shelf/positive", value: 0.99 },
      origin: "https://evil.example", source: window.parent,
    }));
    await new Promise((r) => setTimeout(r, 200));
    return { before, after: sim.scenario().moments.find((m) => m.id === "shelf").positive };
  });
  check(r.after === r.before, "a synthetic message claiming https://evil.example is ignored", r);
  check(warningsSince(w1, /ignored a message from https:\/\/evil\.example/).length === 1, "and warned about on the console");
  // The client side checks the reply origin too: a message from the frame's window with another origin is ignored.
  const clientOk = await lp.evaluate(() => window.lessonPage.shelf.origin === location.origin);
  check(clientOk, "connect() defaults to and validates the frame's exact origin");
}

// e. A malformed message or fragment gives an error event, never a broken page.
async function testMalformed(ctx) {
  const { page, url, browser } = ctx;
  const r = await page.evaluate(async () => {
    const c = window.lessonPage.shelf;
    const f = document.getElementById("shelf-frame").contentWindow;
    const got = [];
    const listen = (e) => { if (e.source === f) got.push(e.data); };
    window.addEventListener("message", listen);
    const n0 = window.lessonPage.shelfEvents.filter((e) => e.name === "error").length;
    f.postMessage("just text", location.origin);
    f.postMessage({ motsim: 2, id: "v2", type: "get" }, location.origin);
    f.postMessage({ motsim: 1, id: "u1", type: "explode" }, location.origin);
    f.postMessage({ motsim: 1, id: { x: 1 }, type: "get" }, location.origin);
    f.postMessage({ motsim: 1, id: "c1", type: "configure", options: { base: "https://evil.example/" } }, location.origin);
    f.postMessage({ motsim: 1, id: "l1", type: "load", scenario: "https://evil.example/x.json" }, location.origin);
    f.postMessage({ motsim: 1, id: "s1", type: "set", path: "/moments/shelf/positive", value: "alert(1)" }, location.origin);
    f.postMessage({ motsim: 1, id: "b1", type: "load", scenario: { motsim: 1, moments: [{ id: "a", positive: 1.5, negative: 0 }] } }, location.origin);
    await new Promise((r) => setTimeout(r, 1200));
    window.removeEventListener("message", listen);
    const m = await c.metrics();
    return { got, errorEvents: window.lessonPage.shelfEvents.filter((e) => e.name === "error").slice(n0).map((e) => e.data.message), m };
  });
  const reply = (id) => r.got.find((d) => d && d.re === id);
  check(reply("v2") && reply("v2").ok === false && /version/.test(reply("v2").error), "a wrong protocol version gets an error reply", reply("v2"));
  check(reply("u1") && reply("u1").ok === false && /unknown message type/.test(reply("u1").error), "an unknown type gets an error reply", reply("u1"));
  check(reply("c1") && reply("c1").ok === false && /cannot be set through messages/.test(reply("c1").error),
        "configure with a mount-only option (base) is refused", reply("c1"));
  check(reply("l1") && reply("l1").ok === false && /on this site/.test(reply("l1").error), "a scenario URL on another site is refused", reply("l1"));
  check(reply("s1") && reply("s1").ok === false, "a non-number value is refused (never evaluated)", reply("s1"));
  check(reply("b1") && reply("b1").ok === false && /is not a valid scenario \(\d+ problems?\)/.test(reply("b1").error),
        "a broken scenario is refused with a count of the loader's problems (no values quoted)", reply("b1"));
  check(r.errorEvents.some((m) => /malformed message/.test(m)), "a message that is not an object produces an error event", r.errorEvents);
  check(r.m && r.m.scenario.startsWith("Brightwash"), "the frame still answers and still runs the shelf scenario");

  // Fragments: corrupt, oversized, a deflate bomb, a wrong version.
  const bomb = zlib.deflateRawSync(Buffer.from(JSON.stringify({ v: 1, scenario: {}, pad: " ".repeat(2 * 1024 * 1024) }))).toString("base64url");
  const wrongVersion = zlib.deflateRawSync(Buffer.from(JSON.stringify({ v: 9, scenario: { motsim: 1 } }))).toString("base64url");
  const cases = [
    ["corrupt", "#motsim=!!not-base64!!", /corrupt/],
    ["not deflate", "#motsim=QUJDREVGR0hJSktM", /corrupt|does not decompress/],
    ["oversized", "#motsim=" + "A".repeat(40 * 1024), /too large/],
    ["a deflate bomb", "#motsim=" + bomb, /more than 1 MB/],
    ["another version", "#motsim=" + wrongVersion, /another version/],
  ];
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    for (const [what, hash, re] of cases) {
      const p = await context.newPage();
      watchConsole(p, `fragment-${what}`);
      const errorsBefore = consoleErrors.length;
      await openLesson(p, url, hash);
      await sleep(300);
      const st = await p.evaluate(() => ({
        m: window.lessonPage.hotel.metrics(),
        log: window.lessonPage.events.slice(),
        live: document.querySelector("#sim-hotel .motsim-live").textContent,
      }));
      const msg = st.log.find((l) => l.startsWith("Problem:")) || "";
      check(re.test(msg), `a ${what} fragment gives an error event with a clear message ("${msg.slice(0, 90)}")`);
      const t0 = st.m.tick;
      await sleep(600);
      const t1 = await p.evaluate(() => window.lessonPage.hotel.metrics().tick);
      check(st.m.scenario.startsWith("A weekend at the Harbour Hotel") && t1 > t0,
            `after a ${what} fragment the default scenario runs (${t0} -> ${t1})`);
      check(consoleErrors.length === errorsBefore, `no console errors with a ${what} fragment`, consoleErrors.slice(errorsBefore));
      await p.close();
    }
    // The full-window app with a corrupt fragment: a notice, and the scenario it would run anyway
    // (here, a fresh browser: the default) - nothing is loaded or saved over it.
    const p = await context.newPage();
    watchConsole(p, "app-corrupt");
    await p.goto(`${url}index.html#motsim=QUJDREVGR0hJSktM`);
    await p.waitForFunction(() => window.motsim && window.motsim.fragment, null, { timeout: 30000 });
    const applied = await p.evaluate(() => window.motsim.fragment);
    await frames(p, 3);
    const s = await p.evaluate(() => ({ st: window.motsim.state(), notice: document.getElementById("notice").textContent }));
    check(applied === false && /link could not be used/.test(s.notice) && s.st.scenario.startsWith("A weekend at the Harbour Hotel"),
          "index.html with a corrupt fragment says so and runs the scenario it had", { applied, notice: s.notice, scenario: s.st.scenario });
    await p.close();
  } finally {
    await context.close();
  }
}

// f. The URL fragment reproduces the run: finish, shareLink, open it in a new page, finish, compare digests.
async function testFragment(ctx) {
  const { page, browser, url } = ctx;
  const r = await page.evaluate(async () => {
    const sim = window.lessonPage.hotel;
    sim.pause();
    sim.set("/moments/reviews/positive", 0.7);
    sim.set("seed", 4242);
    sim.reset();
    await sim.finish();
    sim.cancel();  // the lesson check a finished run starts (see test b)
    const m = sim.metrics();
    const link = await sim.shareLink();
    sim.set("/moments/reviews/positive", 0.55);
    sim.set("seed", 1);
    sim.reset();
    sim.play();
    return { digest: m.digest, link, tick: m.tick, hash: location.hash.slice(0, 20) };
  });
  check(typeof r.link === "string" && r.link.includes("#motsim=") && r.link.startsWith(`${url}examples/lesson.html#motsim=`),
        `shareLink() gives a link to this page with #motsim= (${r.link ? r.link.length : 0} characters)`);
  check(r.link && r.link.length < 32 * 1024, "the link is under 32 KB");
  check(r.hash.startsWith("#motsim="), "with state: \"hash\" the address bar holds the fragment too", r.hash);
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const p = await context.newPage();
    watchConsole(p, "shared");
    await p.goto(r.link);
    await p.waitForFunction(() => window.lessonPage && window.lessonPage.hotel && window.lessonPage.hotel.ready, null, { timeout: 30000 });
    const s = await p.evaluate(async () => {
      const sim = window.lessonPage.hotel;
      await sim.finish();
      const m = sim.metrics();
      return { digest: m.digest, seed: m.seed, tick: m.tick, rp: sim.scenario().moments.find((x) => x.id === "reviews").positive };
    });
    check(s.digest === r.digest && s.seed === 4242 && s.rp === 0.7,
          `the shared link reproduces the run: digest ${s.digest} = ${r.digest}, seed ${s.seed}, reviews positive ${s.rp}`);
    // The full-window app honours the same fragment.
    const payload = r.link.slice(r.link.indexOf("#motsim="));
    const a = await context.newPage();
    watchConsole(a, "app-shared");
    await a.goto(`${url}index.html${payload}`);
    await a.waitForFunction(() => window.motsim && window.motsim.fragment, null, { timeout: 30000 });
    const ok = await a.evaluate(() => window.motsim.fragment);
    const as = await a.evaluate(async () => { await window.motsim.finish(); return window.motsim.state(); });
    check(ok === true && as.digest === r.digest, `index.html applies the fragment and reproduces the digest (${as.digest})`);
    check(await a.evaluate(() => !location.hash), "index.html takes the applied fragment out of the address");
    const link2 = await a.evaluate(() => window.motsim.shareLink());
    check(/index\.html#motsim=/.test(link2), "index.html makes links too (the menu's copyLink path)");
  } finally {
    await context.close();
  }
}

// g. A lesson step fires its event (script API, and through the iframe).
async function testLessonEvent(ctx) {
  const { page } = ctx;
  const r = await page.evaluate(async () => {
    const sim = window.lessonPage.hotel;
    sim.pause();
    sim.reset();  // a run that finishes checks the lesson by itself: keep the clock still here
    const got = [];
    const fn = (d) => got.push(d);
    sim.on("lesson_step", fn);
    const notYet = await sim.checkLesson();
    sim.set("/moments/ad/positive", 0.9);
    const met = await sim.checkLesson();
    await new Promise((r) => setTimeout(r, 100));
    sim.off("lesson_step", fn);
    return { notYet, met, got, lesson: sim.lesson(), live: document.querySelector("#sim-hotel .motsim-live").textContent };
  });
  check(r.notYet === false, "checkLesson() is false while the goal is not met");
  check(r.met === true && r.got.length === 1 && r.got[0].step === 0, "after raising the ad's odds the step is met and lesson_step fires",
        { met: r.met, got: r.got, lesson: r.lesson });
  check(r.lesson.step === 1 && r.lesson.steps[0].done, "the lesson moves on to step 2", r.lesson);
  await sleep(200);
  const li = await page.locator("#sim-hotel .motsim-lesson li").first().textContent();
  check(/\(done\)/.test(li), "the DOM lesson list marks step 1 done", li);
  const f = await page.evaluate(async () => {
    const c = window.lessonPage.shelf;
    const lesson = { title: "Shelf", steps: [{ text: "Sell more at the shelf", goals: [{ metric: "conversion", at_least: 0.6 }], max_changed_moments: 1 }] };
    const configured = await c.configure({ lesson });
    await c.set("/moments/shelf/positive", 0.85);
    const met = await c.checkLesson();
    await new Promise((r) => setTimeout(r, 300));
    return { configured, met, events: window.lessonPage.shelfEvents.filter((e) => e.name === "lesson_step" || e.name === "lesson_done").map((e) => e.name) };
  });
  check(f.configured && f.met && f.events.includes("lesson_step") && f.events.includes("lesson_done"),
        "through the iframe: configure({lesson}), checkLesson() and lesson_step / lesson_done events reach the parent", f);
}

// h. The accessibility tree names the metrics and the controls.
async function testAccessibility(ctx) {
  const { page } = ctx;
  await page.evaluate(() => { const s = window.lessonPage.hotel; s.reset(); s.play(); });
  await sleep(500);
  let tree = "";
  if (page.accessibility && page.accessibility.snapshot) {
    tree = JSON.stringify(await page.accessibility.snapshot({ root: await page.$("#sim-hotel") }));
  } else {
    tree = await page.locator("#sim-hotel").ariaSnapshot();  // playwright >= 1.57 has no page.accessibility
  }
  fs.writeFileSync(path.join(artifactDir, "accessibility-tree.txt"), tree);
  const need = [
    [/application "Harbour Hotel journey simulator/, "the canvas as a named application"],
    [/button "Play" \[pressed\]|button "Play" \[pressed=true\]|"Play".*pressed/, "a Play toggle button with its pressed state"],
    [/button "Step one tick"/, "a Step button"],
    [/button "Reset to the start"/, "a Reset button"],
    [/slider "Sees an ad for the hotel: chance of a positive experience"/, "a named slider for the ad's positive odds"],
    [/slider "Check-in at the front desk: chance of a positive experience \(locked\)" \[disabled\]/, "the locked slider, named and disabled"],
    [/region "Results"/, "a Results region"],
    [/term: Customers|Customers/, "the customers metric"],
    [/conversion \d/, "the conversion metric"],
    [/term: NPS|NPS/, "the NPS metric"],
    [/term: Rating|Rating/, "the rating metric"],
    [/status/, "a status (live) region"],
    [/region "Lesson: Win the booking"/, "the lesson region"],
    [/button "Check my answer"|button "Lesson complete"/, "the Check my answer button"],
    [/listitem/, "the lesson steps as list items"],
  ];
  for (const [re, what] of need) check(re.test(tree), `the accessibility tree has ${what}`);
  const live = await page.evaluate(() => {
    const l = document.querySelector("#sim-hotel .motsim-live");
    return { live: l.getAttribute("aria-live"), role: l.getAttribute("role") };
  });
  check(live.live === "polite" && live.role === "status", "the live region is aria-live=polite", live);
}

// i. Keyboard only: Tab to the controls, Space on Play, arrows on a slider, Enter on "Check my answer".
async function testKeyboard(ctx) {
  const { browser, url } = ctx;
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  watchConsole(page, "keyboard");
  try {
    await openLesson(page, url);
    await page.evaluate(() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); });
    const focusInfo = () => page.evaluate(() => {
      const a = document.activeElement;
      return a ? { tag: a.tagName, path: a.getAttribute("data-path"), action: a.getAttribute("data-action"),
                   text: a.textContent.trim().slice(0, 30), inHotel: !!a.closest("#sim-hotel") } : null;
    });
    async function tabTo(pred, shift = false, max = 60) {
      for (let i = 0; i < max; i++) {
        await page.keyboard.press(shift ? "Shift+Tab" : "Tab");
        const f = await focusInfo();
        if (f && pred(f)) return i + 1;
      }
      return -1;
    }
    const toCanvas = await tabTo((f) => f.tag === "CANVAS" && f.inHotel);
    check(toCanvas > 0, `Tab reaches the simulator's canvas (${toCanvas} presses)`);
    const toPlay = await tabTo((f) => f.action === "play" && f.inHotel, false, 5);
    check(toPlay === 1, "the next Tab leaves the canvas for the Play button (Tab is not swallowed)", toPlay);
    const playing0 = await page.evaluate(() => window.lessonPage.hotel.metrics().playing);
    await page.keyboard.press("Space");
    await sleep(100);
    const k = await page.evaluate(() => ({ playing: window.lessonPage.hotel.metrics().playing,
                                          pressed: document.querySelector("#sim-hotel [data-action=play]").getAttribute("aria-pressed") }));
    check(playing0 === true && k.playing === false && k.pressed === "false", "Space on Play pauses the run and aria-pressed follows", k);
    const toSlider = await tabTo((f) => f.path === "/moments/ad/positive");
    check(toSlider > 0, `Tab reaches the ad's positive-odds slider (${toSlider} presses)`);
    let met = false, rounds = 0;
    const before = await page.evaluate(() => window.lessonPage.hotel.scenario().moments[0].positive);
    while (!met && rounds < 8) {
      rounds++;
      for (let i = 0; i < 10; i++) await page.keyboard.press("ArrowRight");
      const n = await tabTo((f) => f.action === "check");
      if (n < 0) break;
      await page.keyboard.press("Enter");
      // The check is a fresh run in slices across frames: wait until it is over.
      await sleep(100);
      await page.waitForFunction(() => !window.lessonPage.hotel.metrics().busy, null, { timeout: 60000 });
      met = await page.evaluate(() => window.lessonPage.hotel.lesson().step >= 1);
      if (!met) await tabTo((f) => f.path === "/moments/ad/positive", true);
    }
    const after = await page.evaluate(() => ({
      p: window.lessonPage.hotel.scenario().moments[0].positive,
      live: document.querySelector("#sim-hotel .motsim-live").textContent,
      events: window.lessonPage.hotelEvents.filter((e) => e.name === "lesson_step" || e.name === "param").map((e) => e.name),
      input: document.querySelector('#sim-hotel input[data-path="/moments/ad/positive"]').value,
    }));
    check(met, `keyboard only: arrows and "Check my answer" meet lesson step 1 in ${rounds} round(s) ` +
               `(ad positive ${before} -> ${after.p})`);
    check(after.events.includes("lesson_step") && after.events.includes("param"), "the host got param (learner) and lesson_step events", after.events);
    await sleep(300);
    const live = await page.evaluate(() => document.querySelector("#sim-hotel .motsim-live").textContent);
    check(/Step 1 met/.test(live), "the live region announces the met step", live);
    const focused = await focusInfo();
    check(focused && (focused.action === "check" || focused.inHotel), "focus stays in the lesson after the check", focused);
    check(Math.abs(Number(after.input) - after.p) < 1e-9, "the DOM slider and the simulator agree", after);
  } finally {
    await context.close();
  }
}

// j. Touch on a tablet: a drag on the canvas slider and a tap on the DOM slider change parameters.
async function testTouch(ctx) {
  const { browser, url } = ctx;
  const context = await browser.newContext({ viewport: { width: 768, height: 1024 }, hasTouch: true, isMobile: true, deviceScaleFactor: 1 });
  const page = await context.newPage();
  watchConsole(page, "tablet");
  try {
    await openLesson(page, url);
    const layout = await page.evaluate(() => {
      const stage = document.querySelector("#sim-hotel .motsim-stage").getBoundingClientRect();
      const mirror = document.querySelector("#sim-hotel .motsim-mirror").getBoundingClientRect();
      return { stageBottom: stage.bottom, stageWidth: stage.width, mirrorTop: mirror.top, docWidth: document.documentElement.scrollWidth };
    });
    check(layout.mirrorTop >= layout.stageBottom - 1, "at 768 px the DOM mirror wraps under the canvas", layout);
    check(layout.docWidth <= 768, "no horizontal scrolling at tablet width", layout);
    await page.locator("#sim-hotel canvas").scrollIntoViewIfNeeded();
    await sleep(300);
    await page.screenshot({ path: path.join(artifactDir, "tablet.png") });
    await page.evaluate(() => window.lessonPage.hotel.pause());
    const before = await page.evaluate(() => ({ sel: window.lessonPage.hotel.metrics().selected, p: window.lessonPage.hotel.scenario().moments[0].positive }));
    const sliderRect = () => page.evaluate(() => {
      const r = window.lessonPage.hotel.widget("slider_positive");
      const c = window.lessonPage.hotel.canvas.getBoundingClientRect();
      return r && { x: r.x + c.left, y: r.y + c.top, w: r.w, h: r.h };
    });
    let rect = await sliderRect();
    // Finger-sized controls make the editor taller than a phone-high viewport: scroll the page
    // until the slider is in view, as a learner would.
    if (rect && rect.y + rect.h > 1024 - 10) {
      await page.evaluate((dy) => window.scrollBy(0, dy), rect.y + rect.h - 1024 + 80);
      await frames(page, 3);
      rect = await sliderRect();
    }
    check(rect && rect.w > 20 && rect.y >= 0 && rect.y + rect.h <= 1024, 'widget("slider_positive") is on the tablet screen', rect);
    if (rect) {
      const cdp = await context.newCDPSession(page);
      const y = rect.y + rect.h / 2;
      const x0 = rect.x + rect.w * 0.5, x1 = rect.x + rect.w * 0.95;
      await cdp.send("Input.dispatchTouchEvent", { type: "touchStart", touchPoints: [{ x: x0, y }] });
      await frames(page, 3);
      for (let i = 1; i <= 6; i++) {
        await cdp.send("Input.dispatchTouchEvent", { type: "touchMove", touchPoints: [{ x: x0 + (x1 - x0) * i / 6, y }] });
        await frames(page, 2);
      }
      await cdp.send("Input.dispatchTouchEvent", { type: "touchEnd", touchPoints: [] });
      await frames(page, 3);
      const after = await page.evaluate(() => ({
        p: window.lessonPage.hotel.scenario().moments[0].positive,
        input: document.querySelector('#sim-hotel input[data-path="/moments/ad/positive"]').value,
        learner: window.lessonPage.hotelEvents.filter((e) => e.name === "param" && e.data.by === "learner").length,
      }));
      check(after.p > before.p + 0.1, `a touch drag on the canvas slider raises ${before.sel}'s positive odds (${before.p} -> ${after.p})`);
      check(after.learner > 0, "the drag reaches the host as a learner param event");
      check(Math.abs(Number(after.input) - after.p) < 0.006, "the DOM mirror follows the canvas drag", after);
    }
    // A tap on the DOM range input.
    const input = page.locator('#sim-hotel input[data-path="/moments/booking/positive"]');
    await input.scrollIntoViewIfNeeded();
    const box = await input.boundingBox();
    const b0 = await page.evaluate(() => window.lessonPage.hotel.scenario().moments[2].positive);
    await page.touchscreen.tap(box.x + box.width * 0.95, box.y + box.height / 2);
    await sleep(200);
    const b1 = await page.evaluate(() => window.lessonPage.hotel.scenario().moments[2].positive);
    check(b1 > b0 + 0.1, `a tap on the mirrored booking slider changes the parameter (${b0} -> ${b1})`);
  } finally {
    await context.close();
  }
}

// k. More than one script instance on one page: independent clocks, own canvases, destroy().
async function testMulti(ctx) {
  const { page } = ctx;
  const r = await page.evaluate(async () => {
    const div = document.createElement("div");
    div.id = "extra";
    document.querySelector("main").appendChild(div);
    const sim2 = await MotsimEmbed.mount(div, { scenario: "../scenarios/airline.json", autoplay: false, height: 400, theme: "light", accessible: false });
    const hotel = window.lessonPage.hotel;
    hotel.pause();
    const h0 = hotel.metrics().tick;
    await sim2.step(7);
    const s = sim2.metrics();
    const h1 = hotel.metrics().tick;
    const scripts = document.querySelectorAll('script[src$="motsim_app.js"]').length;
    window.__sim2 = sim2;
    return { h0, h1, tick2: s.tick, name2: s.scenario, scripts, canvases: document.querySelectorAll(".motsim-stage canvas").length,
             mirrorHidden: div.querySelector(".motsim-params") === null || div.querySelector(".motsim-run").hidden };
  });
  check(r.tick2 === 7 && r.name2.startsWith("SAS"), `a second script instance runs its own scenario (${r.name2}, tick ${r.tick2})`);
  check(r.h0 === r.h1, "stepping one instance leaves the other's clock alone");
  check(r.scripts === 1, "motsim_app.js is loaded once for the page", r.scripts);
  check(r.canvases === 2, "each instance has its own canvas", r.canvases);
  check(r.mirrorHidden, "accessible: false hides the mirror");
  await page.locator("#extra canvas").scrollIntoViewIfNeeded();
  await frames(page, 4);
  const c = distinctColours(decodePng(await page.locator("#extra canvas").screenshot({ path: path.join(artifactDir, "second-instance.png") })));
  check(c > 200, `the second instance draws its own canvas (${c} colours)`);
  const d = await page.evaluate(async () => {
    window.__sim2.destroy();
    const hotel = window.lessonPage.hotel;
    await hotel.step(2);
    return { gone: !document.querySelector("#extra .motsim-embed"), after: window.__sim2.metrics(), hotelTick: hotel.metrics().tick };
  });
  check(d.gone && d.after === null && d.hotelTick > 0, "destroy() removes one instance; the other keeps working", d);
}

// ==== Hostile input (issue 9) ======================================================================

// Drops console errors that a test caused on purpose (a trap it provoked), matching `re`, added since `n`.
function expectErrors(n, re) {
  for (let i = consoleErrors.length - 1; i >= n; i--) if (re.test(consoleErrors[i])) consoleErrors.splice(i, 1);
}

// l. Long text through every entry point: refused above 4 MB with a message, the scenario kept;
// a 1.5 MB scenario (past the old stack limit of ~1.3 M characters) loads.
async function testLongText(ctx) {
  const { page, browser, url } = ctx;
  const r = await page.evaluate(async () => {
    const sim = window.lessonPage.hotel;
    const errs = [];
    const on = (e) => errs.push(e && e.message);
    sim.on("error", on);
    const before = sim.scenario();
    // Padding inside the object (text is trimmed at its ends before it is used).
    const pad = (obj, n) => JSON.stringify(obj).replace(/\}$/, " ".repeat(n) + "}");
    const big = pad(before, 5 * 1024 * 1024);
    const r1 = await sim.load(big);
    const mid = sim.metrics().scenario;
    const long = pad(Object.assign({}, before, { name: "A long one" }), 1500000);
    const r2 = await sim.load(long);
    const name2 = sim.metrics().scenario;
    const r3 = await sim.load(before);
    const lessonBefore = JSON.stringify(sim.lesson());
    const r4 = await sim.configure({ lesson: { title: "x".repeat(5000000), steps: [{ text: "t", goals: [{ metric: "conversion", at_least: 0.5 }] }] } });
    const lessonAfter = JSON.stringify(sim.lesson());
    const r5 = await sim.load("{" + " ".repeat(17 * 1024 * 1024) + "}");
    // Text that does not start with "{" is a URL: a 400 KB one is refused before any fetch.
    const r6 = await sim.load("[" + "x".repeat(400000) + "]");
    const longFetches = performance.getEntriesByType("resource").filter((e) => e.name.length > 2048).length;
    sim.off("error", on);
    // Through the frame: the same limit, the reason in the reply.
    const c = window.lessonPage.shelf;
    const rep = await c.request("load", { scenario: pad(await c.scenario(), 5 * 1024 * 1024) });
    const shelfName = (await c.metrics()).scenario;
    const repUrl = await c.request("load", { scenario: "x".repeat(400000) });
    return { r1, mid, r2, name2, r3, r4, r5, r6, longFetches, repUrl: { ok: repUrl.ok, error: repUrl.error }, same: lessonBefore === lessonAfter, errs, rep: { ok: rep.ok, error: rep.error }, shelfName,
             now: sim.metrics().scenario, limit: window.MotsimEmbed.limits.text };
  });
  check(r.limit === 4194304, "MotsimEmbed.limits.text is 4 MiB", r.limit);
  check(r.r1 === false && r.errs.some((m) => /the scenario is 5\.0 MB; the limit is 4 MB/.test(m)) && r.mid.startsWith("A weekend at the Harbour Hotel"),
        "load() of a 5 MB scenario text is refused with its size and the limit; the scenario is kept", { r1: r.r1, errs: r.errs, mid: r.mid });
  check(r.r2 === true && r.name2 === "A long one", "load() of a valid 1.5 MB scenario text works (text goes through the heap)", r);
  check(r.r3 === true && r.now.startsWith("A weekend at the Harbour Hotel"), "and the original scenario loads back");
  check(r.r4 === false && r.same && r.errs.some((m) => /the lesson is 4\.8 MB; the limit is 4 MB/.test(m)),
        "configure({lesson}) with a 4.8 MB lesson answers false, says why, and keeps the lesson", { r4: r.r4, same: r.same });
  check(r.r5 === false && r.errs.some((m) => /more than 16 MB; the limit is 4 MB/.test(m)), "a 17 MB text is refused without measuring it all");
  check(r.r6 === false && r.longFetches === 0 && r.errs.some((m) => /nor a URL \(400,002 characters; a URL is at most 2,048\)/.test(m)),
        "load() of 400 KB of text that is not JSON is refused as a URL longer than 2,048 characters, before any fetch",
        { r6: r.r6, longFetches: r.longFetches, errs: r.errs });
  check(r.repUrl.ok === false && /a URL is at most 2,048/.test(r.repUrl.error),
        "over postMessage, the same text is refused with the reason in the reply", r.repUrl);
  check(r.rep.ok === false && /is 5\.0 MB; the limit is 4 MB/.test(r.rep.error) && r.shelfName.startsWith("Brightwash"),
        "over postMessage, a 5 MB scenario is refused with the reason in the reply; the frame keeps its scenario", r.rep);

  // The Open dialog of an embed: a 5 MB file and a Latin-1 file are refused with clear messages.
  const fileErrs = await (async () => {
    await page.evaluate(() => { window.__fileErrs = []; window.lessonPage.hotel.on("error", (e) => window.__fileErrs.push(e.message)); });
    const input = page.locator("#sim-hotel input[type=file]");
    await input.setInputFiles({ name: "huge.json", mimeType: "application/json", buffer: Buffer.alloc(5 * 1024 * 1024 + 10, 32) });
    await input.setInputFiles({ name: "latin1.json", mimeType: "application/json",
                                buffer: Buffer.from('{"motsim": 1, "name": "Caf\xe9 cr\xe8me"}', "latin1") });
    await page.waitForFunction(() => window.__fileErrs.length >= 2, null, { timeout: 10000 }).catch(() => {});
    return page.evaluate(() => ({ errs: window.__fileErrs, name: window.lessonPage.hotel.metrics().scenario }));
  })();
  check(fileErrs.errs.some((m) => /file huge\.json is 5\.0 MB; the limit is 4 MB/.test(m)), "the Open dialog refuses a 5 MB file with its size", fileErrs.errs);
  check(fileErrs.errs.some((m) => /latin1\.json is not UTF-8 text/.test(m)), "the Open dialog refuses a Latin-1 file (strict UTF-8)", fileErrs.errs);
  check(fileErrs.name.startsWith("A weekend at the Harbour Hotel"), "after both files the scenario is unchanged", fileErrs.name);

  // A link whose scenario grows past the limit when written out again (1e20 -> 21 digits).
  const def = fs.readFileSync(path.join(snapshotDir, "scenarios", "default.json"), "utf8").trim().replace(/\}$/, "");
  const n = 205000;
  const json = `{"v":1,"seed":1,"tick":5,"scenario":${def},"pad":[${"1e20,".repeat(n - 1)}1e20]}}`;
  check(Buffer.byteLength(json) < 1024 * 1024, `the link's JSON is under the 1 MB link limit (${Buffer.byteLength(json)} bytes)`);
  const payload = zlib.deflateRawSync(Buffer.from(json)).toString("base64url");
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const p = await context.newPage();
    watchConsole(p, "long-link");
    await openLesson(p, url, "#motsim=" + payload);
    await sleep(300);
    const st = await p.evaluate(() => ({ m: window.lessonPage.hotel.metrics(), log: window.lessonPage.events.slice() }));
    const msg = st.log.filter((l) => l.startsWith("Problem:")).join(" | ");
    check(/link's scenario is 4\.\d MB; the limit is 4 MB/.test(msg), `a link of ${(payload.length / 1024).toFixed(1)} KB whose scenario writes out to 4.5 MB is refused with a message`, msg);
    const t0 = st.m.tick;
    await sleep(700);
    const t1 = await p.evaluate(() => window.lessonPage.hotel.metrics().tick);
    check(st.m.scenario.startsWith("A weekend at the Harbour Hotel") && t1 > t0, `and the simulator runs its own scenario (${t0} -> ${t1})`);
  } finally {
    await context.close();
  }
}

// m. A trap in a module call or in one of its frames ends in the failure box; later calls are refused.
async function testTrap(ctx) {
  const { page } = ctx;
  const e0 = consoleErrors.length;
  const r = await page.evaluate(async () => {
    const out = {};
    for (const how of ["call", "frame"]) {
      const div = document.createElement("div");
      div.id = "trap-" + how;
      document.querySelector("main").appendChild(div);
      const sim = await MotsimEmbed.mount(div, { autoplay: false, height: 300, accessible: true });
      const errs = [];
      sim.on("error", (e) => errs.push(e.message));
      if (how === "call") {
        // A real trap: the module reads text at an address far outside its memory.
        sim.module.__motsimBridge.call("motsim_load", "number", ["number", "number"], [0x7ffffff0, 0]);
      } else {
        sim.canvas.getBoundingClientRect = () => { throw new WebAssembly.RuntimeError("test: a trap inside a frame"); };
        await new Promise((r) => setTimeout(r, 2000));
      }
      const box = div.querySelector(".motsim-fail");
      const setOk = sim.set("/moments/ad/positive", 0.5);
      const fin = await sim.finish();
      out[how] = { box: box && box.textContent, role: box && box.getAttribute("role"), canvas: !!div.querySelector("canvas"),
                   setOk, fin, errs, controlsHidden: [...div.querySelectorAll(".motsim-run")].every((e) => e.hidden || e.closest("[hidden]")) };
      sim.destroy();
      div.remove();
    }
    return { out, hotel: window.lessonPage.hotel.metrics().scenario };
  });
  for (const how of ["call", "frame"]) {
    const o = r.out[how];
    check(o.box && /stopped/.test(o.box) && o.role === "alert" && !o.canvas,
          `a trap in ${how === "call" ? "a module call" : "a frame"} shows the readable failure box in place of the canvas`, o.box);
    check(o.setOk === false && o.fin === false && o.errs.some((m) => /refused: the simulator stopped/.test(m)),
          `after a trap in ${how === "call" ? "a call" : "a frame"}, later calls are refused with a message`, o.errs);
  }
  check(r.hotel.startsWith("A weekend at the Harbour Hotel"), "the page's other simulators keep running");

  // Start-up: a module that cannot be instantiated (a broken .wasm) ends in the failure box too.
  const s = await page.evaluate(async () => {
    const div = document.createElement("div");
    document.querySelector("main").appendChild(div);
    let rejected = null;
    try { await MotsimEmbed.mount(div, { base: "../broken/", autoplay: false, height: 200 }); } catch (e) { rejected = e.message; }
    const box = div.querySelector(".motsim-fail");
    const out = { rejected, box: box && box.textContent, canvas: !!div.querySelector("canvas") };
    div.remove();
    return out;
  });
  check(s.rejected && s.box && /cannot start/.test(s.box) && !s.canvas,
        "a module that fails at start-up (a broken .wasm): mount() rejects and the element shows the failure box", s);
  expectErrors(e0, /memory access out of bounds|test: a trap inside a frame|stopped after an internal error|broken|wasm|Aborted/i);
}

// n. A hostile page on another origin frames embed.html: the deployer, not the query, decides.
async function testHostileParent(ctx) {
  const { browser, url, url2 } = ctx;
  const o1 = url.replace(/\/$/, ""), o2 = url2.replace(/\/$/, "");
  const deployPath = path.join(snapshotDir, "motsim-deploy.json");
  const shipped = fs.existsSync(deployPath) ? fs.readFileSync(deployPath) : null;
  const SECRET = /SECRET-TOKEN-42|session_token|SECRET-MOMENT/;
  const context = await browser.newContext({ viewport: VIEWPORT });
  const page = await context.newPage();
  watchConsole(page, "hostile");
  const frameReady = async () => {
    await page.waitForFunction(() => document.getElementById("f").contentWindow, null, { timeout: 10000 });
    let inner = null;
    for (let i = 0; i < 100 && !inner; i++) {
      inner = page.frames().find((f) => f !== page.mainFrame() && f.url().startsWith(`${url}embed.html`));
      if (!inner) await sleep(100);
    }
    await inner.waitForFunction(() => window.motsimFrame && window.motsimFrame.sim.ready, null, { timeout: 30000 });
    return inner;
  };
  const talk = (msgs, wait = 2500) => page.evaluate(async ([target, msgs, wait]) => {
    const got = [];
    const f = document.getElementById("f").contentWindow;
    const on = (e) => { if (e.source === f) got.push(e.data); };
    window.addEventListener("message", on);
    for (const m of msgs) f.postMessage(Object.assign({ motsim: 1 }, m), target);
    const t0 = Date.now();
    while (Date.now() - t0 < wait && got.filter((d) => d && d.re !== undefined).length < msgs.length) await new Promise((r) => setTimeout(r, 100));
    window.removeEventListener("message", on);
    return got;
  }, [o1, msgs, wait]);
  const open = async (query) => {
    await page.goto(`${url2}foreign-host.html?frame=${encodeURIComponent(`${url}embed.html?autoplay=0&${query}`)}`);
    return frameReady();
  };
  try {
    // 1. The shipped settings: the query names the attacker's origin and a private file.
    let inner = await open(`origins=${encodeURIComponent(o2)}&scenario=${encodeURIComponent("/private.json")}&lesson=${encodeURIComponent("/private.json")}`);
    let got = await talk([{ id: "h1", type: "get" }, { id: "h2", type: "load", scenario: "/private.json" }], 1500);
    check(got.length === 0, "origins=<attacker> in the query does not let that origin drive the frame (no replies, no events)", got);
    let st = await inner.evaluate(() => ({ m: window.motsimFrame.sim.metrics(), lesson: window.motsimFrame.sim.lesson(), allowed: window.motsimFrame.allowed }));
    check(st.m.scenario.startsWith("A weekend at the Harbour Hotel") && st.lesson === null && !st.allowed.includes(o2),
          "scenario= and lesson= outside the deployer's folders are not fetched; the frame runs its default", { scenario: st.m.scenario, allowed: st.allowed });

    // 2. The deployer lists the parent's origin: it may drive the frame, within the folders.
    fs.writeFileSync(deployPath, JSON.stringify({ origins: [o2], folders: ["scenarios/", "lessons/"] }));
    inner = await open("");
    got = await talk([
      { id: "g1", type: "get" },
      { id: "p1", type: "load", scenario: "/private.json" },
      { id: "p2", type: "load", scenario: "scenarios/../private.json" },
      { id: "p3", type: "load", scenario: "scenarios/%2e%2e/private.json" },
      { id: "p4", type: "load", scenario: "scenarios/..%2fprivate.json" },
      { id: "p5", type: "load", scenario: "scenarios%2f../private.json" },
      { id: "p6", type: "load", scenario: `${url2}scenarios/shelf.json` },
      { id: "p7", type: "load", scenario: "scenarios\\..\\private.json" },
      { id: "s1", type: "load", scenario: "scenarios/secret-bad.json" },
      { id: "ok1", type: "load", scenario: "scenarios/shelf.json" },
      { id: "g2", type: "get" },
      { id: "__proto__", type: "get" },
    ], 6000);
    const reply = (id) => got.find((d) => d && d.re === id);
    check(reply("g1") && reply("g1").ok === true, "with the parent's origin in motsim-deploy.json, it drives the frame", reply("g1") && reply("g1").ok);
    const outside = ["p1", "p2", "p3", "p4", "p5", "p6", "p7"].map((id) => [id, reply(id)]);
    check(outside.every(([, d]) => d && d.ok === false && /(folders|on this site)/.test(d.error)),
          "load() of URLs outside the folders is refused: /private.json, '..', %2e%2e, %2f, another origin, backslashes",
          outside.map(([id, d]) => `${id}: ${d && d.error}`));
    const s1 = reply("s1");
    check(s1 && s1.ok === false && /secret-bad\.json is not a valid scenario \(\d+ problems?\)/.test(s1.error),
          "a bad scenario in an allowed folder is refused with a count of problems", s1);
    const all = JSON.stringify(got);
    check(!SECRET.test(all), "no reply, event or get() result carries the bad file's keys or values");
    check(reply("ok1") && reply("ok1").ok === true && reply("g2") && reply("g2").result.scenario.startsWith("Brightwash"),
          "a scenario in the allowed folders loads");
    check(reply("__proto__") && reply("__proto__").ok === true, "an id of \"__proto__\" is only an id");
    const localMsg = await inner.evaluate(() => document.querySelector(".motsim-live").textContent);
    check(/secret-bad\.json/.test(localMsg), "the details stay inside the frame (its live region)", localMsg.slice(0, 120));

    // 3. The query may narrow the deployer's list: origins=<the site itself> shuts the listed parent out.
    await open(`origins=${encodeURIComponent(o1)}`);
    got = await talk([{ id: "n1", type: "get" }], 1500);
    check(got.length === 0, "origins= in the query narrows the deployer's list (the listed parent is shut out)", got);

    // 4. A deploy file that is not JSON: the most restrictive choice.
    fs.writeFileSync(deployPath, "{not json");
    inner = await open(`origins=${encodeURIComponent(o2)}`);
    got = await talk([{ id: "b1", type: "get" }], 1500);
    const allowed = await inner.evaluate(() => window.motsimFrame.allowed);
    check(got.length === 0 && allowed.length === 1 && allowed[0] === o1, "a broken motsim-deploy.json allows only the site itself", allowed);
  } finally {
    if (shipped) fs.writeFileSync(deployPath, shipped); else fs.rmSync(deployPath, { force: true });
    await context.close();
  }
}

// o. Storage: a saved edit wins over the scenario option; one instance per prefix; the lesson
// page keeps edits and progress across a reload; a bad link keeps the saved work.
async function testStorage(ctx) {
  const { browser, url } = ctx;
  const context = await browser.newContext({ viewport: VIEWPORT });
  try {
    const page = await context.newPage();
    watchConsole(page, "storage");
    await openLesson(page, url);
    const r = await page.evaluate(async () => {
      const mk = (opts) => { const d = document.createElement("div"); document.querySelector("main").appendChild(d);
                              return MotsimEmbed.mount(d, Object.assign({ autoplay: false, height: 240, accessible: false }, opts)); };
      const opts = { storage: "keep-test.", scenario: "../scenarios/airline.json" };
      const a = await mk(opts);
      const id = a.scenario().moments[0].id;
      const setOk = a.set(`/moments/${id}/positive`, 0.777);
      // Same prefix while a runs: refused storage, with a message.
      const errs = [];
      const b = await mk(Object.assign({ on: { error: (e) => errs.push(e.message) } }, opts));
      const bStorage = b.storage;
      b.destroy();
      await new Promise((r) => setTimeout(r, 1500));  // the app saves at most once a second
      a.destroy();
      const c = await mk(opts);
      const kept = c.scenario().moments[0].positive;
      const name = c.metrics().scenario;
      const cStorage = c.storage;
      c.destroy();
      return { setOk, bStorage, errs, kept, name, aStorage: "keep-test.", cStorage };
    });
    check(r.setOk && r.bStorage === null && r.errs.some((m) => /already used by another simulator on this page/.test(m)),
          "a second instance with the same storage prefix runs without storage and says so", r);
    check(r.cStorage === "keep-test." && r.kept === 0.777 && r.name.startsWith("SAS"),
          `with storage and a scenario option, the learner's saved edit wins (${r.kept})`, r);

    // The lesson page: an edit and a met step survive a reload.
    const met = await page.evaluate(async () => {
      const sim = window.lessonPage.hotel;
      sim.pause();
      sim.set("/moments/ad/positive", 0.9);
      const ok = await sim.checkLesson();
      await new Promise((r) => setTimeout(r, 1500));
      return { ok, step: sim.lesson().step, storage: sim.storage };
    });
    check(met.ok && met.step === 1 && met.storage === "motsim-lesson-hotel.", "on the lesson page a step is met (storage on)", met);
    await page.reload();
    await page.waitForFunction(() => window.lessonPage && window.lessonPage.hotel && window.lessonPage.hotel.ready, null, { timeout: 60000 });
    const after = await page.evaluate(async () => {
      const sim = window.lessonPage.hotel;
      sim.pause();
      const lesson = sim.lesson();
      const ad = sim.scenario().moments.find((m) => m.id === "ad").positive;
      let detail = null;
      sim.on("lesson_checked", (d) => { detail = d.detail; });
      await sim.checkLesson();
      await new Promise((r) => setTimeout(r, 100));
      return { step: lesson.step, done0: lesson.steps[0].done, ad, detail,
               li: document.querySelector("#sim-hotel .motsim-lesson li").textContent };
    });
    check(after.step === 1 && after.done0 && /\(done\)/.test(after.li), "after a reload the lesson is still at step 2 (step 1 done)", after);
    check(after.ad === 0.9, "after a reload the learner's edit is kept (ad positive 0.9)", after.ad);
    check(/1 moment changed/.test(after.detail || ""), "changed moments still count from the lesson's start (1 moment changed)", after.detail);

    // A bad link on the lesson page reports and keeps the saved work (a new document: a change
    // of the fragment alone would not reload the page).
    await page.goto("about:blank");
    await page.goto(`${url}examples/lesson.html#motsim=QUJDREVGR0hJSktM`);
    await page.waitForFunction(() => window.lessonPage && window.lessonPage.hotel && window.lessonPage.hotel.ready, null, { timeout: 60000 });
    await sleep(300);
    const bad = await page.evaluate(() => ({ ad: window.lessonPage.hotel.scenario().moments.find((m) => m.id === "ad").positive,
                                             step: window.lessonPage.hotel.lesson().step, log: window.lessonPage.events.join(" | ") }));
    check(bad.ad === 0.9 && bad.step === 1 && /corrupt/.test(bad.log), "a corrupt link is reported and the saved edit and progress stay", bad);
  } finally {
    await context.close();
  }
}

// p. Names are only names (Map tables); configure({mirror}) with a bad path answers false.
async function testNamesAndMirror(ctx) {
  const { page } = ctx;
  const e0 = consoleErrors.length;
  const r = await page.evaluate(async () => {
    const c = window.lessonPage.shelf;
    const frame = document.getElementById("shelf-frame");
    const heard = [];
    const ons = ["__proto__", "constructor", "toString", "hasOwnProperty"].map((n) => c.on(n, (d) => heard.push(n)));
    for (const data of [{ motsim: 1, event: "__proto__", data: 1 }, { motsim: 1, event: "constructor", data: 2 },
                        { motsim: 1, re: "__proto__", ok: true }, { motsim: 1, re: "toString", ok: true }])
      window.dispatchEvent(new MessageEvent("message", { data, origin: location.origin, source: frame.contentWindow }));
    await new Promise((r) => setTimeout(r, 100));
    const stillWorks = (await c.metrics()).scenario;
    const sim = window.lessonPage.hotel;
    const hostOn = sim.on("__proto__", () => {});
    const before = document.querySelectorAll("#sim-hotel .motsim-param input").length;
    const bad = await sim.configure({ mirror: ["/moments/no_such_moment/positive", "/moments/ad/positive"] });
    const good = await sim.configure({ mirror: ["/moments/ad/positive", "/moments/booking/positive"] });
    const viaFrame = await c.configure({ mirror: ["/moments/nope/positive"] });
    return { ons, heard, stillWorks, hostOn, bad, good, viaFrame, before };
  });
  check(r.ons.every((x) => x === true) && r.heard.includes("__proto__") && r.heard.includes("constructor"),
        "connect(): '__proto__', 'constructor', 'toString' are ordinary event names", r);
  check(r.stillWorks.startsWith("Brightwash"), "replies with ids like '__proto__' and 'toString' are ignored harmlessly");
  check(r.hostOn === false, "sim.on('__proto__') is refused as an unknown event, without throwing");
  check(r.bad === false && r.good === true, "configure({mirror}) with a path that is not a parameter answers false; a good one true", r);
  check(r.viaFrame === false, "the same through the frame answers false");
  check(consoleErrors.length === e0, "no page errors from those names", consoleErrors.slice(e0));
}

// ==== Page weight ================================================================================

function pageWeight() {
  const files = { wasm: ["motsim_app.wasm"], js: ["motsim_app.js"], embed: ["motsim-embed.js", "embed.html"],
                  page: ["examples/lesson.html", "examples/lesson.js", "examples/lesson.json"] };
  const out = {};
  let raw = 0, gz = 0;
  for (const [k, list] of Object.entries(files)) {
    let r = 0, g = 0;
    for (const f of list) {
      const b = fs.readFileSync(path.join(snapshotDir, f));
      r += b.length;
      g += zlib.gzipSync(b, { level: 9 }).length;
    }
    out[k] = { raw: r, gzip: g };
    raw += r;
    gz += g;
  }
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
  console.log(`page weight: wasm ${kb(out.wasm.gzip)} + js ${kb(out.js.gzip)} + embed (motsim-embed.js, embed.html) ` +
              `${kb(out.embed.gzip)} + page (lesson.html/.js/.json) ${kb(out.page.gzip)} = ${kb(gz)} gzip ` +
              `(${kb(raw)} uncompressed)`);
  return { raw, gz };
}

// ==== Runner =====================================================================================

const servers = [];
const killServers = () => {
  for (const s of servers) if (s.proc.exitCode === null) s.proc.kill("SIGTERM");
  fs.rmSync(snapshotDir, { recursive: true, force: true });
};
await runSuite({
  checker, artifactDir, seconds: 600, cleanup: killServers,
  setup: async (launch) => {
    servers.push(await startServer(snapshotDir));
    servers.push(await startServer(snapshotDir));  // a second origin (another port) for the disallowed-origin test
    const [a, b] = servers;
    console.log(`serving ${siteDir} at ${a.url} and ${b.url}`);
    pageWeight();
    const browser = await launch();
    const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
    const page = await context.newPage();
    watchConsole(page, "lesson");
    return { browser, context, page, url: a.url, url2: b.url };
  },
  tests: [
    ["a. both instances render under a CSP without 'unsafe-eval'", testRender, true],
    ["b. the host sets a parameter and reads metrics back", testHostSet],
    ["c. locked controls refuse the learner", testLocked],
    ["d. messages from a disallowed origin are ignored", testForeignOrigin],
    ["e. malformed messages and fragments give error events", testMalformed],
    ["f. a #motsim= link reproduces the digest", testFragment],
    ["g. a lesson step fires its event", testLessonEvent],
    ["h. the accessibility tree names metrics and controls", testAccessibility],
    ["i. keyboard-only operation meets a lesson step", testKeyboard],
    ["j. touch on an emulated tablet", testTouch],
    ["k. several instances on one page", testMulti],
    ["l. long text through every entry point", testLongText],
    ["m. a trap ends in the failure box", testTrap],
    ["n. a hostile page on another origin frames embed.html", testHostileParent],
    ["o. storage keeps the learner's work", testStorage],
    ["p. names are only names; configure({mirror}) answers false on a bad path", testNamesAndMirror],
  ],
  after: () => {
    const distinct = [...new Set(consoleErrors)];
    check(consoleErrors.length === 0, `no console errors or page errors over the whole run (${consoleErrors.length})`, distinct);
    console.log(`${consoleWarnings.length} console warning(s) (expected ones: ignored messages, bad fragments)`);
  },
});
