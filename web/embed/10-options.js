// ==== 10-options.js: what a host may pass to mount() and configure() ============================
// normalizeOptions checks each option (a bad one is reported and left out, nothing throws);
// scenarioText and lessonObject turn a scenario or lesson option (object, JSON text or URL) into
// what the module reads, fetching with the limits of 00-core.js.

function cssLength(v) {
  if (isFiniteNumber(v) && v > 0) return v + "px";
  if (typeof v === "string" && v.length < 64 && global.CSS && CSS.supports && CSS.supports("width", v)) return v;
  return null;
}

function checkPaths(list, report, what) {
  if (!Array.isArray(list)) { report(what + " must be a list of parameter paths"); return null; }
  var out = [];
  for (var i = 0; i < list.length && i < 500; i++) {
    var p = list[i];
    if (typeof p === "string" && /^\/[A-Za-z0-9_.*\/-]{1,200}$/.test(p)) out.push(p);
    else report(what + "[" + i + "] is not a parameter path like /moments/check_in/positive");
  }
  return out;
}

function checkLesson(lesson, report) {
  if (!isObject(lesson) || !Array.isArray(lesson.steps) || !lesson.steps.length) {
    report("lesson must be an object with a non-empty steps list");
    return null;
  }
  if (lesson.introduction !== undefined && typeof lesson.introduction !== "string") {
    report("lesson.introduction must be text");
    return null;
  }
  for (var i = 0; i < lesson.steps.length; i++) {
    var st = lesson.steps[i];
    if (!isObject(st) || typeof st.text !== "string") { report("lesson.steps[" + i + "] needs a text"); return null; }
    var goals = st.goals || [];
    if (!Array.isArray(goals)) { report("lesson.steps[" + i + "].goals must be a list"); return null; }
    for (var g = 0; g < goals.length; g++) {
      var goal = goals[g];
      if (!isObject(goal) || METRICS.indexOf(goal.metric) < 0) {
        report("lesson.steps[" + i + "].goals[" + g + "].metric must be one of " + METRICS.join(", "));
        return null;
      }
      if (!isFiniteNumber(goal.at_least) && !isFiniteNumber(goal.at_most)) {
        report("lesson.steps[" + i + "].goals[" + g + "] needs at_least or at_most (a number)");
        return null;
      }
    }
  }
  return lesson;
}

// Lesson JSON v2 (docs/lms.md): a lesson may carry its own `locked`, `panels` and `mirror`, which
// are options of the simulator. They are taken out of the lesson here (checked as the options of
// the same names) and used where the host gave none; the module gets the lesson's title, steps
// and introduction. {lesson, locked, panels, mirror} (undefined: the lesson has none).
// (Every other key, the introduction too, goes to the module, which names what it does not know.)
var LESSON_OPTIONS = ["locked", "panels", "mirror"];
function splitLesson(lesson, report) {
  var out = { lesson: {}, locked: undefined, panels: undefined, mirror: undefined };
  var extra = {};
  for (var k in lesson) if (Object.prototype.hasOwnProperty.call(lesson, k)) {
    if (LESSON_OPTIONS.indexOf(k) >= 0) extra[k] = lesson[k];
    else out.lesson[k] = lesson[k];
  }
  var o = normalizeOptions(extra, function (m) { report("lesson." + m); }, true);
  LESSON_OPTIONS.forEach(function (k) { if (o[k] !== undefined) out[k] = o[k]; });
  return out;
}

// Host options -> checked options. Bad values are reported and left out; nothing throws.
function normalizeOptions(raw, report, partial) {
  var o = {};
  if (raw === undefined || raw === null) raw = {};
  if (!isObject(raw)) { report("options must be an object"); raw = {}; }
  var has = function (k) { return Object.prototype.hasOwnProperty.call(raw, k) && raw[k] !== undefined; };
  var known = ["base", "scenario", "seed", "autoplay", "speed", "panels", "locked", "theme", "width", "height",
               "lesson", "accessible", "mirror", "state", "storage", "shareUrl", "on", "label"];
  for (var k in raw) if (Object.prototype.hasOwnProperty.call(raw, k) && known.indexOf(k) < 0)
    report("unknown option '" + k + "' (ignored)");
  if (!partial) {
    o.base = scriptBase;
    o.autoplay = true;
    o.accessible = true;
    o.width = "100%";
    o.height = "560px";
    o.state = null;
    o.storage = null;
    o.theme = "dark";
  }
  if (has("base")) {
    try { o.base = dirOf(new URL(String(raw.base).replace(/\/?$/, "/"), document.baseURI).href); } catch (e) {
      report("base is not a URL");
    }
  }
  if (has("scenario")) {
    if (isObject(raw.scenario) || typeof raw.scenario === "string") o.scenario = raw.scenario;
    else report("scenario must be a scenario object, its JSON text or a URL");
  }
  if (has("seed")) {
    if (isFiniteNumber(raw.seed) && raw.seed >= 0 && Math.floor(raw.seed) === raw.seed && raw.seed <= 9007199254740991)
      o.seed = raw.seed;
    else report("seed must be a whole number from 0 to 2^53");
  }
  if (has("speed")) {
    if (isFiniteNumber(raw.speed) && raw.speed >= 0.1 && raw.speed <= 1000) o.speed = raw.speed;
    else report("speed must be a number of ticks per second from 0.1 to 1000");
  }
  if (has("autoplay")) {
    if (typeof raw.autoplay === "boolean") o.autoplay = raw.autoplay; else report("autoplay must be true or false");
  }
  if (has("accessible")) {
    if (typeof raw.accessible === "boolean") o.accessible = raw.accessible; else report("accessible must be true or false");
  }
  if (has("panels")) {
    var panels = null;
    if (Array.isArray(raw.panels)) {  // a list of the panels to hide
      panels = {};
      raw.panels.forEach(function (p) {
        if (PANELS.indexOf(p) >= 0) panels[p] = false; else report("unknown panel '" + p + "' (panels: " + PANELS.join(", ") + ")");
      });
    } else if (isObject(raw.panels)) {
      panels = {};
      for (var p in raw.panels) if (Object.prototype.hasOwnProperty.call(raw.panels, p)) {
        if (PANELS.indexOf(p) < 0) report("unknown panel '" + p + "' (panels: " + PANELS.join(", ") + ")");
        else if (typeof raw.panels[p] !== "boolean") report("panels." + p + " must be true or false");
        else panels[p] = raw.panels[p];
      }
    } else report("panels must be an object like {editor: false} or a list of panels to hide");
    if (panels) o.panels = panels;
  }
  if (has("locked")) {
    var locked = checkPaths(raw.locked, report, "locked");
    if (locked) o.locked = locked;
  }
  if (has("theme")) {
    if (raw.theme === "dark" || raw.theme === "light" || raw.theme === "auto") o.theme = raw.theme;
    else report("theme must be \"dark\", \"light\" or \"auto\"");
  }
  ["width", "height"].forEach(function (k) {
    if (!has(k)) return;
    var v = cssLength(raw[k]);
    if (v) o[k] = v; else report(k + " must be a CSS length like 100% or 560px");
  });
  if (has("lesson")) {
    if (typeof raw.lesson === "string") o.lesson = raw.lesson;
    else if (raw.lesson === null) o.lesson = null;
    else {
      var lesson = checkLesson(raw.lesson, report);
      if (lesson) o.lesson = lesson;
    }
  }
  if (has("mirror")) {
    if (!Array.isArray(raw.mirror)) report("mirror must be a list of parameter paths");
    else {
      o.mirror = [];
      raw.mirror.forEach(function (m, i) {
        if (typeof m === "string") m = { path: m };
        if (!isObject(m) || typeof m.path !== "string" || !/^\/[A-Za-z0-9_.\/-]{1,200}$/.test(m.path)) {
          report("mirror[" + i + "] must be a parameter path or {path, label, min, max, step}");
          return;
        }
        var e = { path: m.path };
        if (typeof m.label === "string") e.label = m.label.slice(0, 200);
        ["min", "max", "step"].forEach(function (k) { if (isFiniteNumber(m[k])) e[k] = m[k]; });
        o.mirror.push(e);
      });
    }
  }
  if (has("state")) {
    if (raw.state === "hash" || raw.state === "none" || raw.state === false) o.state = raw.state === "hash" ? "hash" : null;
    else report("state must be \"hash\" or \"none\"");
  }
  if (has("storage")) {
    if (typeof raw.storage === "string" && raw.storage.length && raw.storage.length <= 100) o.storage = raw.storage;
    else if (raw.storage === false || raw.storage === null || raw.storage === "") o.storage = null;
    else report("storage must be a key prefix (text) or false");
  }
  if (has("shareUrl")) {
    try { o.shareUrl = new URL(String(raw.shareUrl), document.baseURI).href.replace(/#.*$/, ""); } catch (e) {
      report("shareUrl is not a URL");
    }
  }
  if (has("label")) {
    if (typeof raw.label === "string") o.label = raw.label.slice(0, 200); else report("label must be text");
  }
  if (has("on")) {
    if (!isObject(raw.on)) report("on must be an object of event listeners");
    else {
      o.on = {};
      for (var ev in raw.on) if (Object.prototype.hasOwnProperty.call(raw.on, ev)) {
        if (EVENTS.indexOf(ev) < 0) report("unknown event '" + ev + "' (events: " + EVENTS.join(", ") + ")");
        else if (typeof raw.on[ev] !== "function") report("on." + ev + " must be a function");
        else o.on[ev] = raw.on[ev];
      }
    }
  }
  return o;
}

// Text that is not JSON (it does not start with "{") as an absolute URL, or an Error that says
// why not. A URL longer than MAX_URL is refused here, before anything is fetched.
function urlTooLong(s, what) {
  if (s.length <= MAX_URL) return null;
  return "the " + what + " is neither JSON (it does not start with \"{\") nor a URL (" +
         s.length.toLocaleString("en-US") + " characters; a URL is at most " + MAX_URL.toLocaleString("en-US") + ")";
}
function textAsUrl(s, what) {
  var tooLong = urlTooLong(s, what);
  if (tooLong) throw new Error(tooLong);
  try { return new URL(s, document.baseURI).href; } catch (e) { throw new Error("the " + what + " is neither JSON nor a URL"); }
}

// Resolves a scenario option to JSON text (object, JSON text or URL). `allow(url)`: embed.html's
// limit on what may be fetched (the deployer's folders); null elsewhere.
function scenarioText(v, allow) {
  if (isObject(v)) {
    try { return Promise.resolve(JSON.stringify(v)); } catch (e) { return Promise.reject(new Error("the scenario object cannot be written as JSON")); }
  }
  var s = String(v).trim();
  if (s.charAt(0) === "{") return Promise.resolve(s);
  var url;
  try { url = textAsUrl(s, "scenario"); } catch (e) { return Promise.reject(e); }
  if (allow && !allow(url)) return Promise.reject(new Error("the scenario URL " + s.slice(0, 200) + " is outside the folders this site allows"));
  return fetchText(url, "scenario", allow);
}
function scenarioName(v) {
  if (isObject(v)) return typeof v.name === "string" ? v.name.slice(0, 200) : "scenario";
  var s = String(v).trim();
  if (s.charAt(0) === "{") return "scenario";
  return s.replace(/[?#].*$/, "").split("/").pop().slice(0, 200) || "scenario";
}
// Resolves a lesson option (object or URL) to a checked lesson object.
function lessonObject(v, report, allow) {
  if (v === null || isObject(v)) return Promise.resolve(v);  // an object was checked with the options
  var s = String(v).trim();
  var p;
  if (s.charAt(0) === "{") {
    var tooLong = textTooLong(s, "lesson");
    p = tooLong ? Promise.reject(new Error(tooLong)) : Promise.resolve(s);
  } else {
    var url;
    try { url = textAsUrl(s, "lesson"); } catch (e) { return Promise.reject(e); }
    if (allow && !allow(url)) return Promise.reject(new Error("the lesson URL " + s.slice(0, 200) + " is outside the folders this site allows"));
    p = fetchText(url, "lesson", allow);
  }
  return p.then(function (text) {
    var obj;
    try { obj = JSON.parse(text); } catch (e) { throw new Error("the lesson is not valid JSON"); }
    var ok = checkLesson(obj, report);
    if (!ok) throw new Error("the lesson was not used");
    return ok;
  });
}
