// ==== 32-storage.js: an instance's storage and saved lesson progress ============================
// One instance per storage prefix (Web Locks across tabs); the lesson's progress saved as the
// scenarios that met each step, replayed on reload.

// ---- storage: one instance per prefix (in this page, and across tabs where the browser has
// Web Locks); a second one runs without storage and says so ----
var storageClaims = new Map();
function storageKey(prefix, key) { return prefix + key; }
Instance.prototype.claimStorage = function () {
  var self = this, prefix = this.opts.storage;
  if (!prefix) return Promise.resolve(null);
  if (storageClaims.has(prefix)) {
    this.pendingProblems.push("storage '" + prefix + "' is already used by another simulator on this page; " +
                              "this one runs without storage (give each simulator its own prefix)");
    return Promise.resolve(null);
  }
  storageClaims.set(prefix, this);
  var locks = typeof navigator !== "undefined" && navigator.locks && typeof navigator.locks.request === "function" ? navigator.locks : null;
  if (!locks) return Promise.resolve(prefix);
  function refused() {
    storageClaims.delete(prefix);
    self.pendingProblems.push("storage '" + prefix + "' is in use by this simulator in another tab or window; " +
                              "this one runs without storage, so its changes are not saved");
    return null;
  }
  return lockStorage(locks, "motsim-storage:" + prefix, function (release) { self.releaseLock = release; })
    .then(function (mine) { return mine ? prefix : refused(); });
};
// Holds the Web Lock `name` until release() (handed to onHeld); a promise of whether it was
// got. A page being reloaded may still hold it for a moment: wait up to 1.5 s for it.
function lockStorage(locks, name, onHeld) {
  var timed = typeof AbortSignal !== "undefined" && typeof AbortSignal.timeout === "function";
  return new Promise(function (resolve) {
    var opts = timed ? { signal: AbortSignal.timeout(1500) } : { ifAvailable: true };
    locks.request(name, opts, function (lock) {
      if (!lock) { resolve(false); return null; }
      resolve(true);
      return new Promise(function (release) { onHeld(release); });
    }).catch(function (e) { resolve(!(e && (e.name === "AbortError" || e.name === "TimeoutError"))); });
  });
}
Instance.prototype.releaseStorage = function () {
  if (this.storage && storageClaims.get(this.storage) === this) storageClaims.delete(this.storage);
  if (this.releaseLock) { this.releaseLock(); this.releaseLock = null; }
};
Instance.prototype.readStorage = function (key) {
  if (!this.storage) return null;
  try { return localStorage.getItem(storageKey(this.storage, key)); } catch (e) { return null; }
};
Instance.prototype.writeStorage = function (key, value) {
  if (!this.storage || this.restoring) return;
  try { localStorage.setItem(storageKey(this.storage, key), value); } catch (e) { /* private mode or full */ }
};

// ---- lesson progress with storage: {v, lesson, step, base, met[]} under PREFIX + "motsim.lesson".
// base: the scenario the lesson started from (its "changed moments" count from it); met[i]:
// the scenario that met step i. On reload each met step is checked again on its own scenario
// (the engine is deterministic, so it is met again), then the base and the learner's edits
// are put back.
function lessonHash(lesson) {
  var t = JSON.stringify(lesson), h = 2166136261;
  for (var i = 0; i < t.length; i++) { h ^= t.charCodeAt(i); h = Math.imul(h, 16777619) >>> 0; }
  return h.toString(16) + ":" + t.length;
}
Instance.prototype.savedProgress = function () {
  var text = this.readStorage("motsim.lesson");
  if (!text) return null;
  var p;
  try { p = JSON.parse(text); } catch (e) { return null; }
  if (!isObject(p) || p.v !== 1 || p.lesson !== this.lessonKey || typeof p.base !== "string" ||
      !Array.isArray(p.met) || !Number.isInteger(p.step) || p.step < 0) return null;
  return p;
};
// why: "start" (a fresh lesson), "loaded" (a new scenario: the lesson's new base), "step" (a
// step was met), or null (after a restore: the step as it now stands).
Instance.prototype.saveProgress = function (why) {
  if (!this.storage || this.restoring || !this.lessonKey) return;
  var lesson = this.json("motsim_lesson");
  var now = this.ccall("motsim_scenario", "string", [], []);
  if (!lesson || now === null) return;
  var p = why === "start" ? null : this.savedProgress();
  if (!p) p = { v: 1, lesson: this.lessonKey, step: 0, base: now, met: [] };
  if (why === "loaded") p.base = now;
  if (why === "step" && lesson.step > 0) p.met[lesson.step - 1] = now;
  p.step = Math.max(0, Math.min(lesson.step, p.met.length));
  p.met = p.met.slice(0, p.step);
  var text = JSON.stringify(p);
  if (textTooLong(text, "lesson progress")) return;
  this.writeStorage("motsim.lesson", text);
};
Instance.prototype.restoreProgress = function (p) {
  var self = this, b = this.bridge;
  var current = b.call("motsim_scenario", "string", [], []);
  if (current === null) return Promise.resolve();
  this.restoring = true;
  var i = 0;
  function next() {
    if (i >= p.step || typeof p.met[i] !== "string" || b.dead) return Promise.resolve();
    if (!b.load(p.met[i], "saved lesson step")) return Promise.resolve();
    return b.checkLesson().then(function (met) {
      if (!met) return;
      i++;
      return next();
    });
  }
  return next().then(function () {
    // The lesson counts changed moments from its base: load it, then the learner's edits on top.
    if (b.dead) return;
    if (b.load(p.base, "lesson start") && !applyEdits(b, p.base, current)) b.load(current, "your saved scenario");
    if (i < p.step) console.warn("motsim: only " + i + " of " + p.step + " saved lesson steps could be restored");
  }).then(function () {
    self.restoring = false;
  }, function (e) {
    self.restoring = false;
    throw e;
  });
};

// Puts the parameter edits that turn scenario text `from` into `to` into the module (motsim_set),
// and checks the result is `to` exactly. False when the difference is not only parameters.
function applyEdits(b, fromText, toText) {
  var from, to;
  try { from = JSON.parse(fromText); to = JSON.parse(toText); } catch (e) { return false; }
  var paths = editablePaths(to);
  // Twice: setting one odd may move its partner (positive + negative <= 1); the second pass,
  // against the module's scenario as it then is, puts such values right.
  for (var pass = 0; pass < 2; pass++) {
    var have = pass ? b.json("motsim_scenario") : from;
    if (!have) return false;
    paths.forEach(function (path) {
      var want = paramValue(to, path);
      if (want !== null && want !== paramValue(have, path)) b.set(path, want);
    });
  }
  var now = b.call("motsim_scenario", "string", [], []);
  return now !== null && now === toText;
}
function editablePaths(s) {
  var out = ["/ticks"];
  [["population", ["arrivals_per_tick", "max_customers", "initial"]], ["influence", ["impression", "reviews"]],
   ["reviews", ["prior", "half_life"]],
   ["word_of_mouth", ["advocate_threshold", "referral_rate", "referral_ticks", "referral_boost"]]].forEach(function (g) {
    g[1].forEach(function (k) { out.push("/" + g[0] + "/" + k); });
  });
  (Array.isArray(s.segments) ? s.segments : []).forEach(function (g, i) {
    ["share", "shift", "initial_impression"].forEach(function (k) { out.push("/segments/" + i + "/" + k); });
  });
  (Array.isArray(s.moments) ? s.moments : []).forEach(function (m) {
    if (!isObject(m) || typeof m.id !== "string") return;
    var base = "/moments/" + m.id + "/";
    ["positive", "negative", "magic", "review"].forEach(function (k) { out.push(base + k); });
    if (isObject(m.dwell)) { out.push(base + "dwell/min"); out.push(base + "dwell/max"); } else out.push(base + "dwell");
    ["positive", "neutral", "negative", "magic"].forEach(function (k) { out.push(base + "impact/" + k); });
  });
  return out;
}

// The scenario's parameter paths as the module lists them (src/app/ui_config.cpp parameter_paths):
// for hosts that keep a learner's edits as [path, value] pairs (web/lms/motsim-lms.js), through
// MotsimEmbed.params.
var MOMENT_PARAMS = ["positive", "negative", "magic", "review", "dwell/min", "dwell/max", "impact/positive",
                     "impact/neutral", "impact/negative", "impact/magic"];
function parameterPaths(s) {
  var out = ["/population/arrivals_per_tick", "/population/max_customers", "/population/initial", "/ticks",
             "/influence/impression", "/influence/reviews", "/reviews/prior", "/reviews/half_life",
             "/word_of_mouth/advocate_threshold", "/word_of_mouth/referral_rate", "/word_of_mouth/referral_ticks",
             "/word_of_mouth/referral_boost"];
  if (!isObject(s)) return out;
  if (isObject(s.loyalty)) out.push("/loyalty/base", "/loyalty/impression");
  if (isObject(s.market)) out.push("/market/advertising", "/market/word_of_mouth", "/market/negative");
  if (isObject(s.money)) out.push("/money/revenue");
  (Array.isArray(s.segments) ? s.segments : []).forEach(function (g, i) {
    ["share", "shift", "initial_impression"].forEach(function (k) { out.push("/segments/" + i + "/" + k); });
  });
  (Array.isArray(s.moments) ? s.moments : []).forEach(function (m) {
    if (!isObject(m) || typeof m.id !== "string") return;
    MOMENT_PARAMS.forEach(function (k) { out.push("/moments/" + m.id + "/" + k); });
  });
  return out;
}
