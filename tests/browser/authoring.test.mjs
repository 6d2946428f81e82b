// Browser test of authoring, done as a trainer does it, through the canvas (clicks, drags, keys):
// a blank journey from the Scenario menu, a renamed moment, two moments added with the Moment of
// truth window's button, a route drawn by dragging from one moment to another on the map, a run
// to the end, Ctrl+Z / Ctrl+Shift+Z, a slider drag that is one undo step, the question before
// unsaved edits are left (and Ctrl+Z bringing them back after a load), and the same commands
// through the page's API with a refused edit that changes nothing.
//
// usage: node tests/browser/authoring.test.mjs SITE_DIR ARTIFACT_DIR
import fs from "node:fs";
import path from "node:path";
import { createChecker, frames, runSuite, siteAndArtifactDirs, sleep, startServer } from "./harness.mjs";

const { siteDir, artifactDir } = siteAndArtifactDirs("tests/browser/authoring.test.mjs");
if (!fs.existsSync(path.join(siteDir, "index.html"))) {
  console.error(`${siteDir} does not look like the built site`);
  process.exit(2);
}
fs.mkdirSync(artifactDir, { recursive: true });

const VIEWPORT = { width: 1280, height: 800 };
const checker = createChecker();
const { check } = checker;

const state = (page) => page.evaluate(() => window.motsim.state());
const scenario = (page) => page.evaluate(() => window.motsim.scenario());
const widget = (page, name) => page.evaluate((n) => window.motsim.widget(n), name);
const centre = (r) => [r.x + r.w / 2, r.y + r.h / 2];

async function click(page, x, y) {
  await page.mouse.move(x, y);
  await frames(page, 2);
  await page.mouse.down();
  await frames(page, 2);
  await page.mouse.up();
  await frames(page, 3);
}

async function clickWidget(page, name) {
  const r = await widget(page, name);
  if (!check(r && r.w > 0, `widget "${name}" is on screen`, r)) return false;
  await click(page, ...centre(r));
  return true;
}

// A drag the app sees as a drag: press, several moves over frames, release.
async function drag(page, from, to, steps = 8) {
  await page.mouse.move(from[0], from[1]);
  await frames(page, 2);
  await page.mouse.down();
  await frames(page, 2);
  for (let i = 1; i <= steps; i++) {
    await page.mouse.move(from[0] + ((to[0] - from[0]) * i) / steps, from[1] + ((to[1] - from[1]) * i) / steps);
    await frames(page, 1);
  }
  await frames(page, 2);
  await page.mouse.up();
  await frames(page, 3);
}

async function key(page, combo) {
  await page.keyboard.press(combo);
  await frames(page, 3);
}

const moment = (sc, id) => sc.moments.find((m) => m.id === id);
// A route in the scenario's JSON: a string, or an object of target -> weight.
const targetsOf = (route) => (typeof route === "string" ? [route] : Object.keys(route || {}));

async function openPage(ctx) {
  const page = await ctx.context.newPage();
  page.on("pageerror", (e) => check(false, `page error: ${e.message}`));
  await page.goto(ctx.url);
  await page.waitForFunction(() => typeof window.motsim === "object" && window.motsim !== null, null, { timeout: 30000 });
  await frames(page, 4);
  // The first visit greets with the Info window: close it as a learner would.
  const close = await widget(page, "info_close");
  if (close) await click(page, ...centre(close));
  await page.mouse.move(5, VIEWPORT.height - 5);
  await frames(page, 2);
  return page;
}

// ==== Tests ======================================================================================

async function testBuildThroughCanvas(ctx) {
  const page = (ctx.page = await openPage(ctx));
  // Scenario > New journey > Blank.
  await clickWidget(page, "menu_scenario");
  const newMenu = await widget(page, "menu_new");
  if (!check(newMenu, 'the Scenario menu has "New journey"', newMenu)) return;
  await page.mouse.move(...centre(newMenu));
  await frames(page, 4);
  await clickWidget(page, "menu_new_blank");
  let sc = await scenario(page);
  check(sc.moments.length === 1 && sc.name === "New journey", "Scenario > New journey > Blank gives a one-moment journey",
        { name: sc.name, moments: sc.moments.length });

  // Rename the moment in the Moment of truth window.
  await clickWidget(page, "moment_name");
  await frames(page, 3);  // the field is active from the frame after the click (under load, later)
  await page.keyboard.press("Control+A");
  await frames(page, 2);
  await page.keyboard.type("Sees an ad");
  await key(page, "Enter");
  sc = await scenario(page);
  check(sc.moments[0].name === "Sees an ad", `typing a name renames the moment ("${sc.moments[0].name}")`);

  // Two moments after it, each taking over where the previous one led.
  await clickWidget(page, "moment_add");
  await clickWidget(page, "moment_add");
  sc = await scenario(page);
  const ids = sc.moments.map((m) => m.id);
  check(ids.length === 3, `"+ Add after" twice gives three moments (${ids.join(", ")})`);
  if (ids.length !== 3) return;
  check(targetsOf(moment(sc, ids[0]).next.positive).includes(ids[1]) &&
        targetsOf(moment(sc, ids[1]).next.positive).includes(ids[2]),
        "the added moments are chained after the first", sc.moments.map((m) => m.next));

  // Draw a route on the map: from the first moment to the third, after negative outcomes (a
  // second chance for an unhappy customer), picked in the menu that opens on release.
  const a = await widget(page, `node:${ids[0]}`), c = await widget(page, `node:${ids[2]}`);
  if (!check(a && c, "the map's nodes have rectangles", { a, c })) return;
  await drag(page, centre(a), centre(c));
  const popup = await widget(page, "connect_popup");
  check(popup, "releasing on another moment asks which outcomes the route is for", popup);
  await clickWidget(page, "connect_negative");
  sc = await scenario(page);
  const neg = targetsOf(moment(sc, ids[0]).next.negative);
  check(neg.length === 1 && neg[0] === ids[2], `the drawn route replaces "lost" after negative outcomes (${neg.join(", ")})`);
  await page.screenshot({ path: path.join(artifactDir, "authoring-built.png") });
  ctx.built = sc;

  // Run it to the end with the Run window's buttons.
  await clickWidget(page, "play");
  await sleep(600);
  await page.evaluate(() => window.motsim.finish());
  await page.waitForFunction(() => window.motsim.state().finished, null, { timeout: 60000 });
  const st = await state(page);
  check(st.finished && st.arrivals > 0 && st.done > 0, `the built journey runs (${st.arrivals} customers, ${st.done} done)`);
  check(st.moments[ids[2]] && st.moments[ids[2]].entered > 0, "customers reach the third moment", st.moments[ids[2]]);
}

async function testUndoRedoKeys(ctx) {
  const page = ctx.page;
  if (!ctx.built) return check(false, "needs the built journey");
  const ids = ctx.built.moments.map((m) => m.id);
  // Keys go to the canvas once it has focus (a click on the map's empty corner).
  const j = await widget(page, "journey");
  await click(page, j.x + 8, j.y + j.h - 8);
  await key(page, "Control+Z");
  let sc = await scenario(page);
  check(targetsOf(moment(sc, ids[0]).next.negative)[0] === "lost", "Ctrl+Z takes the drawn route back");
  await key(page, "Control+Shift+Z");
  sc = await scenario(page);
  check(targetsOf(moment(sc, ids[0]).next.negative)[0] === ids[2], "Ctrl+Shift+Z draws it again");
  await key(page, "Control+Z");
  await key(page, "Control+Y");
  sc = await scenario(page);
  check(targetsOf(moment(sc, ids[0]).next.negative)[0] === ids[2], "Ctrl+Y redoes too");
  const st = await state(page);
  check(st.edited === true && st.can_undo === true && st.can_redo === false,
        "the state says the journey is edited, with something to undo and nothing to redo",
        { edited: st.edited, can_undo: st.can_undo, can_redo: st.can_redo });

  // A slider drag is one undo step, however many values it passed through.
  await page.evaluate((id) => window.motsim.edit({ op: "select", moment: id }), ids[1]);
  await frames(page, 3);
  const before = moment(await scenario(page), ids[1]).positive;
  const s = await widget(page, "slider_positive");
  if (check(s, "the positive slider is on screen", s)) {
    await drag(page, [s.x + s.w * 0.6, s.y + s.h / 2], [s.x + s.w * 0.15, s.y + s.h / 2], 10);
    const dragged = moment(await scenario(page), ids[1]).positive;
    check(Math.abs(dragged - before) > 0.05, `the drag changed p+ (${before} -> ${dragged})`);
    await click(page, j.x + 8, j.y + j.h - 8);
    await key(page, "Control+Z");
    const back = moment(await scenario(page), ids[1]).positive;
    check(Math.abs(back - before) < 1e-9, `one Ctrl+Z undoes the whole drag (${dragged} -> ${back}, was ${before})`);
  }
}

async function testLeavingAsks(ctx) {
  const page = ctx.page;
  const mine = await scenario(page);
  // Scenario > (a shipped journey by its title): the app asks first, Cancel keeps the journey.
  await clickWidget(page, "menu_scenario");
  await frames(page, 2);
  const items = await page.evaluate(() => window.motsim.widget("menu_scenario"));
  check(items, "the Scenario menu is open", items);
  // The first entry of the open menu is the first shipped journey's title: click just below the
  // menu bar, where the popup's first item is.
  const bar = await widget(page, "menu_scenario");
  await click(page, bar.x + 30, bar.y + bar.h + 12);
  const ask = await widget(page, "confirm_leave");
  check(ask, "leaving an edited journey asks first (widget confirm_leave)", ask);
  await page.screenshot({ path: path.join(artifactDir, "authoring-ask.png") });
  if (!ask) return;
  await clickWidget(page, "confirm_cancel");
  check(JSON.stringify(await scenario(page)) === JSON.stringify(mine), "Cancel keeps the edited journey");
  await clickWidget(page, "menu_scenario");
  await click(page, bar.x + 30, bar.y + bar.h + 12);
  await clickWidget(page, "confirm_continue");
  const other = await scenario(page);
  check(other.name !== mine.name, `"Continue without saving" loads the other journey (${other.name})`);
  const j = await widget(page, "journey");
  await click(page, j.x + 8, j.y + j.h - 8);
  await key(page, "Control+Z");
  check(JSON.stringify(await scenario(page)) === JSON.stringify(mine), "Ctrl+Z after the load brings the edited journey back");
}

async function testApi(ctx) {
  const page = ctx.page;
  const r = await page.evaluate(() => {
    const m = window.motsim;
    const out = {};
    out.blank = m.edit({ op: "new", from: "blank" });
    out.add = m.edit({ op: "add_moment", name: "Pays", phase: "fmot" });
    out.connect = m.edit({ op: "connect", from: "first_moment", to: "pays" });
    out.flag = m.edit({ op: "set_flag", moment: "pays", flag: "purchase", value: true });
    const before = JSON.stringify(m.scenario());
    out.bad = m.edit({ op: "set", path: "/moments/pays/positive", value: 2 });
    out.badOp = m.edit({ op: "explode" });
    out.unchanged = JSON.stringify(m.scenario()) === before;
    out.undo = m.command("undo");
    out.redo = m.command("redo");
    out.sc = m.scenario();
    return out;
  });
  check(r.blank.ok && r.add.ok && r.add.id === "pays" && r.connect.ok && r.flag.ok, "the page API builds a journey", r);
  check(!r.bad.ok && /positive/.test(r.bad.error) && !r.badOp.ok && r.unchanged,
        "a refused edit names the field and changes nothing", { bad: r.bad, badOp: r.badOp });
  check(r.undo && r.redo && moment(r.sc, "pays").purchase === true, "undo and redo through the API");
  await frames(page, 3);
  const msg = await widget(page, "message");
  check(msg, "the refused edit is shown as a message too", msg);
  await page.screenshot({ path: path.join(artifactDir, "authoring-api.png") });
}

// ==== Run ========================================================================================

let server = null;
const killServer = () => { if (server && server.proc.exitCode === null) server.proc.kill("SIGTERM"); };
await runSuite({
  checker, artifactDir, seconds: 200, cleanup: killServer,
  setup: async (launch) => {
    server = await startServer(siteDir);
    const browser = await launch();
    const context = await browser.newContext({ viewport: VIEWPORT, deviceScaleFactor: 1 });
    return { browser, context, url: server.url };
  },
  tests: [
    ["a. build a three-moment journey through the canvas and run it", testBuildThroughCanvas, true],
    ["b. undo and redo with the keys; a slider drag is one step", testUndoRedoKeys],
    ["c. leaving unsaved edits asks first; a load can be undone", testLeavingAsks],
    ["d. the same commands through the page's API", testApi],
  ],
  after: () => {},
});
