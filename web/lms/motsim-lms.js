// motsim-lms.js - the LMS runtime of a motsim lesson package (SCORM 1.2, SCORM 2004 4th edition;
// cmi5 through web/lms/motsim-cmi5.js). Loaded by the package's index.html (web/lms/launch.html)
// after motsim-embed.js and vendor/fflate.js; docs/lms.md describes the packages.
//
// ==== The adapter interface (one adapter per standard) ==========================================
//
// window.MotsimLMS.adapters[format] = function (env) -> adapter | null | Promise<adapter | null>
//   format: "scorm12", "scorm2004", "cmi5" (package.json's "format"). motsim-cmi5.js registers
//   MotsimLMS.adapters.cmi5 when it loads (launch.html loads vendor/cmi5.js and motsim-cmi5.js,
//   after this file, only for cmi5 packages). The factory answers null (or a promise of null)
//   when no LMS launched the page (no API found, no cmi5 launch parameters): the page then runs
//   as a plain lesson with the notice "Progress is not being recorded: no learning management
//   system found." A factory that throws or rejects counts as null, with its message on the page.
//   env = {
//     window,                  // the launch page's window
//     pkg,                     // package.json (checked: format, title, identifier, motsim)
//     lesson,                  // lesson.json (checked by the runtime)
//     log(message)             // a line on the console (never the learner's data)
//   }
//
// adapter = {
//   name: "SCORM 1.2",         // shown: "Recording to your LMS (SCORM 1.2)"
//   suspendLimit: 4096,        // the most characters save() takes (the runtime keeps under it)
//   start() -> Promise<{resume: {suspend: string} | null, learner: string | null}>
//       Opens the session (LMSInitialize / Initialize / cmi5 initialized). resume.suspend is the
//       text last given to save() (the runtime checks it: it is untrusted). learner: the
//       learner's name for the page, or null. A rejection: the page says the LMS could not be
//       reached and runs without recording.
//   progress(p) -> void | Promise          after start and after every change of progress
//       p = {step,        // index of the current step (= steps met, in order)
//            steps,       // number of steps
//            met: [bool], // per step
//            score,       // steps met (raw score; min 0, max steps); scaled = score / steps
//            passed,      // every step met
//            interactions: [interaction]}   // one per step that was checked, in step order
//       interaction = {id: "step_1", index: 0, type: "numeric" | "performance",
//            description,                    // the step's text (adapters cut it to their limit)
//            result: "correct" | "wrong",
//            goals: [{metric, at_least | at_most: number, value: number | null}],  // value measured
//            changed: number | null, max_changed: number | null,   // moments changed / allowed
//            response: "0.6371",             // the measured value(s) as text (numeric: one number;
//            pattern: "0.62:"}               //   performance: "metric=value;..."), the goal as text
//       The SCORM adapters commit after each change (throttled).
//   save(text) -> {ok, truncated} | Promise<{ok, truncated}>   the suspend data (ASCII text,
//       at most suspendLimit characters); called after each change of progress or edits (throttled)
//   param({path, value}) -> void           optional: each parameter change the learner made (cmi5
//       sends "interacted" statements); at most a few a second (the runtime throttles drags)
//   finish({passed, score, steps, resumed}) -> void | Promise   the lesson's outcome, once: when
//       the last step is met (passed: true). resumed: true when a relaunch restored a lesson that
//       was already complete (the outcome was recorded before).
//   end({reason, passed, score, steps, ms}) -> void   the session ends, at most once: reason
//       "finish" (the learner pressed Finish) or "pagehide" (the page goes away; keep it
//       synchronous or use fetch keepalive). ms: milliseconds since start(). SCORM: session time,
//       exit "suspend", commit, LMSFinish / Terminate.
// }
// No adapter method may throw into the runtime: the runtime catches and reports, but an adapter
// should answer {ok: false} / resolve rather than throw.
//
// MotsimLMS also gives adapters: findApi(win, name) (the standards' search of parent frames, then
// the opener), sessionTime12(ms) ("HHHH:MM:SS.SS"), sessionTime2004(ms) ("PT1H2M3.45S"), cut(text, n).
//
// ==== The suspend data ==========================================================================
// "j1:" + JSON, or "z1:" + base64 of the same JSON deflated (raw deflate, vendor/fflate.js),
// whichever is shorter; ASCII only. The JSON: {v: 1, k: KEY, n: steps met, m: [per met step, the
// edits that met it, or null where they were dropped to fit], e: the current edits, x: 1 when the
// current edits were dropped to fit}; edits: [[path, value], ...] against the package's scenario
// ("seed" for the seed). KEY: a hash of lesson.json and scenario.json, so saved work of another
// lesson is never applied. Everything read back is checked: only parameters of the scenario that
// the lesson does not lock, finite numbers the module accepts, at most MAX_SUSPEND_JSON bytes.
(function (global) {
  "use strict";

  // (An adapter registered before this file loaded is kept.)
  var MotsimLMS = global.MotsimLMS = isObject(global.MotsimLMS) ? global.MotsimLMS : {};
  var adapters = MotsimLMS.adapters = isObject(MotsimLMS.adapters) ? MotsimLMS.adapters : {};
  MotsimLMS.version = 1;
  var PREFIX_JSON = "j1:", PREFIX_ZIP = "z1:";
  var MAX_SUSPEND_TEXT = 70000;        // characters read back (SCORM 2004 keeps 64,000)
  var MAX_SUSPEND_JSON = 1024 * 1024;  // bytes of JSON unpacked from it (a zip bomb stops here)
  var MAX_EDITS = 5000;
  var MAX_STEPS = 50;
  var FILE_LIMITS = { "package.json": 64 * 1024, "lesson.json": 1024 * 1024, "scenario.json": 4 * 1024 * 1024 };
  var SLICE_MS = 25;                   // the most one task of the resume takes before it yields
  var NOT_READ = "Saved progress could not be read; starting again.";
  var NOT_RECORDED = "Progress is not being recorded: no learning management system found.";

  // ---- small helpers ----
  function isObject(v) { return v !== null && typeof v === "object" && !Array.isArray(v); }
  function isFiniteNumber(v) { return typeof v === "number" && isFinite(v); }
  function errorText(e) { return e && e.message ? String(e.message) : String(e); }
  function cut(text, n) {
    text = text === undefined || text === null ? "" : String(text);
    return text.length > n ? text.slice(0, Math.max(0, n - 3)) + "..." : text;
  }
  function pad(n, w) { var s = String(n); while (s.length < w) s = "0" + s; return s; }
  function centiseconds(ms) { return Math.max(0, Math.round((isFiniteNumber(ms) ? ms : 0) / 10)); }
  // SCORM 1.2 CMITimespan: HHHH:MM:SS.SS (at most 9999 hours).
  function sessionTime12(ms) {
    var cs = Math.min(centiseconds(ms), 9999 * 360000 + 359999);
    return pad(Math.floor(cs / 360000), 4) + ":" + pad(Math.floor(cs / 6000) % 60, 2) + ":" +
           pad(Math.floor(cs / 100) % 60, 2) + "." + pad(cs % 100, 2);
  }
  // SCORM 2004 timeinterval (ISO 8601 duration): PT1H2M3.45S.
  function sessionTime2004(ms) {
    var cs = centiseconds(ms);
    var c = cs % 100;
    return "PT" + Math.floor(cs / 360000) + "H" + (Math.floor(cs / 6000) % 60) + "M" + (Math.floor(cs / 100) % 60) +
           (c ? "." + pad(c, 2) : "") + "S";
  }
  // A number as a plain decimal (no exponent, at most 10 digits before the point: CMIDecimal);
  // "" for a value that is not a finite number.
  function decimal(v, digits) {
    if (!isFiniteNumber(v)) return "";
    v = Math.max(-9999999999, Math.min(9999999999, v));
    var t = v.toFixed(digits === undefined ? 6 : digits);
    if (t.indexOf(".") >= 0) t = t.replace(/0+$/, "").replace(/\.$/, "");
    return t === "-0" ? "0" : t;
  }
  function hash(text) {  // FNV-1a, 32 bits, and the length
    var h = 2166136261;
    for (var i = 0; i < text.length; i++) { h ^= text.charCodeAt(i); h = Math.imul(h, 16777619) >>> 0; }
    return h.toString(16) + ":" + text.length;
  }
  function asciiJson(value) {
    return JSON.stringify(value).replace(/[\u007f-\uffff]/g, function (c) { return "\\u" + pad(c.charCodeAt(0).toString(16), 4); });
  }
  function yieldTask() { return new Promise(function (r) { setTimeout(r, 0); }); }
  function now() { return global.performance && performance.now ? performance.now() : Date.now(); }

  // ---- finding a SCORM API: the window and up to 7 parents, then the opener's (ADL's search) ----
  function apiIn(w, name) {
    try {
      var a = w[name];
      return a && (typeof a === "object" || typeof a === "function") ? a : null;
    } catch (e) { return null; }  // a frame of another origin
  }
  function parentOf(w) {
    try { var p = w.parent; return p && p !== w ? p : null; } catch (e) { return null; }
  }
  function searchUp(w, name) {
    for (var tries = 0; w && tries <= 7; tries++) {
      var api = apiIn(w, name);
      if (api) return api;
      w = parentOf(w);
    }
    return null;
  }
  function findApi(win, name) {
    var api = searchUp(win, name);
    if (api) return api;
    var openers = [];
    try { if (win.opener) openers.push(win.opener); } catch (e) { /* another origin */ }
    try { if (win.top && win.top !== win && win.top.opener) openers.push(win.top.opener); } catch (e) { /* another origin */ }
    for (var i = 0; i < openers.length; i++) {
      api = searchUp(openers[i], name);
      if (api) return api;
    }
    return null;
  }

  // ---- base64 and deflate (fflate) ----
  function toBase64(bytes) {
    var s = "";
    for (var i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(s);
  }
  function fromBase64(text) {
    if (text.length % 4 !== 0 || !/^[A-Za-z0-9+\/]*={0,2}$/.test(text)) throw new Error("the packed form is not base64");
    var bin = atob(text), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  function fflate() {
    var f = global.fflate;
    if (!f || typeof f.deflateSync !== "function" || typeof f.Inflate !== "function") throw new Error("vendor/fflate.js is missing");
    return f;
  }
  // A long job in slices: pause() yields to the page once the current slice took SLICE_MS, and
  // keeps the longest slice in stats.longest (ms).
  function Slices(stats) { this.stats = stats || { longest: 0 }; this.t = now(); }
  Slices.prototype.end = function () {
    var ms = now() - this.t;
    if (ms > this.stats.longest) this.stats.longest = ms;
  };
  Slices.prototype.pause = async function (always) {
    if (!always && now() - this.t <= SLICE_MS) return;
    this.end();
    await yieldTask();
    this.t = now();
  };
  // Inflates 128 bytes at a time (at most ~130 KB out each), in slices, and stops as soon as the
  // output passes `max` bytes: a zip bomb costs a few slices, never one long task.
  async function inflateLimited(bytes, max, slices) {
    var parts = [], total = 0, done = false;
    var inf = new (fflate().Inflate)(function (chunk, final) {
      total += chunk.length;
      if (total > max) throw new Error("the packed form unpacks to more than " + max + " bytes");
      parts.push(chunk);
      if (final) done = true;
    });
    for (var i = 0; i < bytes.length || i === 0; i += 128) {
      inf.push(bytes.subarray(i, i + 128), i + 128 >= bytes.length);
      await slices.pause();
    }
    if (!done) throw new Error("the packed form is cut short");
    var out = new Uint8Array(total), at = 0;
    parts.forEach(function (p) { out.set(p, at); at += p.length; });
    return out;
  }

  // state -> the shorter of its two forms.
  function encodeSuspend(state) {
    var json = asciiJson(state);
    var plain = PREFIX_JSON + json;
    var packed = PREFIX_ZIP + toBase64(fflate().deflateSync(new TextEncoder().encode(json), { level: 9 }));
    return packed.length < plain.length ? packed : plain;
  }
  // The state's text within `limit` characters: the oldest step's edits are dropped first, then
  // the current edits; the progress (n) always stays. {text, dropped: how many edit lists went}.
  function fitSuspend(state, limit) {
    var s = { v: state.v, k: state.k, n: state.n, m: state.m.slice(), e: state.e };
    var dropped = 0;
    for (;;) {
      var text = encodeSuspend(s);
      if (text.length <= limit) return { text: text, dropped: dropped };
      var i = 0;
      while (i < s.m.length && s.m[i] === null) i++;
      if (i < s.m.length) s.m[i] = null;
      else if (s.e.length) { s.e = []; s.x = 1; }
      else return { text: encodeSuspend({ v: s.v, k: s.k, n: s.n, m: s.m.map(function () { return null; }), e: [], x: 1 }), dropped: dropped + 1 };
      dropped++;
    }
  }
  function suspendError(message, kind) { var e = new Error(message); e.kind = kind || "bad"; return e; }
  // Edits read back: [[path, value], ...], each path allowed (ctx.allowed: Map path -> base value),
  // once, with a finite number.
  function checkEdits(list, ctx, where) {
    if (!Array.isArray(list) || list.length > MAX_EDITS) throw suspendError(where + " is not a list of edits");
    var seen = new Map(), out = [];
    for (var i = 0; i < list.length; i++) {
      var pair = list[i];
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== "string" || !isFiniteNumber(pair[1]))
        throw suspendError(where + "[" + i + "] is not a [path, number] pair");
      if (!ctx.allowed.has(pair[0])) throw suspendError(where + "[" + i + "]: " + cut(pair[0], 80) + " is not a parameter the learner may change");
      if (seen.has(pair[0])) throw suspendError(where + "[" + i + "]: " + cut(pair[0], 80) + " twice");
      if (pair[0] === "seed" && !(Number.isInteger(pair[1]) && pair[1] >= 0 && pair[1] <= 9007199254740991))
        throw suspendError(where + "[" + i + "]: the seed is not a whole number");
      seen.set(pair[0], true);
      out.push([pair[0], pair[1]]);
    }
    return out;
  }
  // Text read back from the LMS -> a promise of {n, m, e, x}; rejects (error.kind "bad" or
  // "other") otherwise. ctx = {key, steps, allowed}; stats.longest: the longest slice (ms).
  async function decodeSuspend(text, ctx, stats) {
    var slices = new Slices(stats);
    try { return await decodeSlices(text, ctx, slices); } finally { slices.end(); }
  }
  async function decodeSlices(text, ctx, slices) {
    if (typeof text !== "string") throw suspendError("the saved data is not text");
    if (text.length > MAX_SUSPEND_TEXT) throw suspendError("the saved data is longer than " + MAX_SUSPEND_TEXT + " characters");
    var head = text.slice(0, 3), json;
    if (head === PREFIX_JSON) json = text.slice(3);
    else if (head === PREFIX_ZIP) {
      var bytes;
      try { bytes = await inflateLimited(fromBase64(text.slice(3)), MAX_SUSPEND_JSON, slices); } catch (e) { throw suspendError(errorText(e)); }
      try { json = new TextDecoder("utf-8", { fatal: true }).decode(bytes); } catch (e) { throw suspendError("the packed form is not UTF-8"); }
    } else throw suspendError("the saved data is in an unknown form");
    if (json.length > MAX_SUSPEND_JSON) throw suspendError("the saved data is too long");
    await slices.pause();
    var d;
    try { d = JSON.parse(json); } catch (e) { throw suspendError("the saved data is not JSON"); }
    if (!isObject(d) || d.v !== 1) throw suspendError("the saved data has an unknown version");
    if (d.k !== ctx.key) throw suspendError("the saved data belongs to another lesson", "other");
    if (!Number.isInteger(d.n) || d.n < 0 || d.n > ctx.steps) throw suspendError("the saved number of steps met is not valid");
    if (!Array.isArray(d.m) || d.m.length !== d.n) throw suspendError("the saved steps do not match the steps met");
    var m = d.m.map(function (x, i) { return x === null ? null : checkEdits(x, ctx, "m[" + i + "]"); });
    var e = checkEdits(d.e === undefined ? [] : d.e, ctx, "e");
    if (d.x !== undefined && d.x !== 1) throw suspendError("the saved data has an unknown flag");
    return { n: d.n, m: m, e: e, x: d.x === 1 };
  }

  // ==== SCORM 1.2 and SCORM 2004 4th edition ======================================================
  // One adapter for both: the data model's names differ, the flow is the same. Values are set
  // only when they change; commits are at most one every COMMIT_MS (the last change always
  // reaches a commit). Status never goes back: a lesson the LMS has as passed stays passed.
  var COMMIT_MS = 2000;
  function Scorm(api, env, v2004) {
    this.api = api;
    this.env = env;
    this.v2004 = v2004;
    this.name = v2004 ? "SCORM 2004" : "SCORM 1.2";
    this.suspendLimit = v2004 ? 64000 : 4096;
    this.open = false;
    this.values = new Map();  // element -> the value last set
    this.written = [];        // interaction index -> what was written there
    this.count = 0;           // cmi.interactions._count
    this.lastCommit = 0;
    this.commitTimer = null;
    this.dirty = false;
  }
  Scorm.prototype.call = function (name, a, b) {
    var f = this.api[name];
    if (typeof f !== "function") return "";
    try {
      var r = f.call(this.api, a, b);
      return r === undefined || r === null ? "" : String(r);
    } catch (e) {
      this.env.log(name + " threw: " + errorText(e));
      return "";
    }
  };
  Scorm.prototype.fn = function (what) {
    var names = { init: ["LMSInitialize", "Initialize"], get: ["LMSGetValue", "GetValue"], set: ["LMSSetValue", "SetValue"],
                  commit: ["LMSCommit", "Commit"], finish: ["LMSFinish", "Terminate"], error: ["LMSGetLastError", "GetLastError"],
                  text: ["LMSGetErrorString", "GetErrorString"] };
    return names[what][this.v2004 ? 1 : 0];
  };
  Scorm.prototype.lastError = function () {
    var code = cut(this.call(this.fn("error")), 20);
    var text = cut(this.call(this.fn("text"), code), 200);
    return { code: code, text: text };
  };
  Scorm.prototype.get = function (element) { return cut(this.call(this.fn("get"), element), MAX_SUSPEND_TEXT + 1); };
  Scorm.prototype.set = function (element, value) {
    value = String(value);
    if (this.values.get(element) === value) return true;
    var ok = this.call(this.fn("set"), element, value) === "true";
    if (!ok) {
      var e = this.lastError();
      this.env.log("the LMS refused " + element + " (error " + e.code + (e.text ? ": " + e.text : "") + ")");
      return false;
    }
    this.values.set(element, value);
    this.dirty = true;
    return true;
  };
  Scorm.prototype.start = function () {
    var self = this;
    return new Promise(function (resolve, reject) {
      if (self.call(self.fn("init"), "") !== "true") {
        var e = self.lastError();
        // SCORM 2004 error 103: already initialized (by an earlier page of this attempt): go on.
        if (!(self.v2004 && e.code === "103")) {
          reject(new Error("the LMS did not start the session (error " + (e.code || "?") + (e.text ? ": " + e.text : "") + ")"));
          return;
        }
      }
      self.open = true;
      var learner, suspend;
      if (self.v2004) {
        self.completedBefore = self.get("cmi.completion_status") === "completed";
        self.passedBefore = self.get("cmi.success_status") === "passed";
        learner = self.get("cmi.learner_name");
      } else {
        var status = self.get("cmi.core.lesson_status");
        self.completedBefore = self.passedBefore = status === "passed" || status === "completed";
        learner = self.get("cmi.core.student_name");
      }
      // The score the LMS has from earlier sessions: never reported lower (a step that could not be
      // confirmed again on a relaunch is the page's business, not a lost grade).
      var raw = Number(self.get(self.v2004 ? "cmi.score.raw" : "cmi.core.score.raw") || "x");
      self.floor = isFiniteNumber(raw) && raw > 0 ? raw : 0;
      suspend = self.get("cmi.suspend_data");
      var count = parseInt(self.get("cmi.interactions._count"), 10);
      self.count = Number.isInteger(count) && count >= 0 && count < 100000 ? count : 0;
      resolve({ resume: suspend ? { suspend: suspend } : null, learner: learner ? cut(learner, 200) : null });
    });
  };
  Scorm.prototype.progress = function (p) {
    if (!this.open) return;
    var steps = Math.max(1, p.steps), score = Math.max(0, Math.min(Math.max(p.score, this.floor || 0), steps));
    if (this.v2004) {
      this.set("cmi.score.min", "0");
      this.set("cmi.score.max", String(steps));
      this.set("cmi.score.raw", String(score));
      this.set("cmi.score.scaled", decimal(score / steps, 4));
      this.set("cmi.progress_measure", decimal(score / steps, 4));
      if (p.passed) { this.set("cmi.completion_status", "completed"); this.set("cmi.success_status", "passed"); }
      else {
        if (!this.completedBefore) this.set("cmi.completion_status", "incomplete");
        if (!this.passedBefore) this.set("cmi.success_status", "unknown");
      }
    } else {
      this.set("cmi.core.score.min", "0");
      this.set("cmi.core.score.max", String(steps));
      this.set("cmi.core.score.raw", String(score));
      if (p.passed) this.set("cmi.core.lesson_status", "passed");
      else if (!this.passedBefore) this.set("cmi.core.lesson_status", "incomplete");
    }
    var self = this;
    (p.interactions || []).forEach(function (it) { self.interaction(it); });
    this.commitSoon();
  };
  // One interaction per step, at the step's index (an LMS's list grows one index at a time).
  Scorm.prototype.interaction = function (it) {
    var sig = JSON.stringify(it);
    if (this.written[it.index] === sig || it.index > this.count) return;
    var n = "cmi.interactions." + it.index + ".";
    var numeric = it.type === "numeric", g = it.goals || [];
    var ok = this.set(n + "id", it.id) && this.set(n + "type", it.type);
    if (!ok) return;
    if (this.v2004) {
      this.set(n + "timestamp", new Date().toISOString());
      var d = cut(it.description, 250);
      this.set(n + "description", d.charAt(0) === "{" ? "{lang=en}" + cut(d, 241) : d);
      var lr, pattern;
      if (numeric) {
        lr = decimal(g[0].value);
        pattern = (g[0].at_least !== undefined ? decimal(g[0].at_least) + "[:]" : "[:]" + decimal(g[0].at_most));
      } else {
        lr = g.map(function (x) { return x.metric + "[.]" + (decimal(x.value) || "-"); });
        pattern = g.map(function (x) {
          return x.metric + "[.]" + (x.at_least !== undefined ? decimal(x.at_least) + "[:]" : "[:]" + decimal(x.at_most));
        });
        if (it.max_changed !== null) {
          lr.push("changed_moments[.]" + (it.changed === null ? "-" : it.changed));
          pattern.push("changed_moments[.][:]" + it.max_changed);
        }
        lr = lr.join("[,]");
        pattern = pattern.join("[,]");
      }
      this.set(n + "correct_responses.0.pattern", pattern);
      if (lr) this.set(n + "learner_response", lr);
      this.set(n + "result", it.result === "correct" ? "correct" : "incorrect");
    } else {
      // SCORM 1.2 interactions have no description; numeric answers are one number each.
      this.set(n + "correct_responses.0.pattern", cut(numeric ? decimal(g[0].at_least !== undefined ? g[0].at_least : g[0].at_most) : it.pattern, 255));
      var sr = numeric ? decimal(g[0].value) : cut(it.response, 255);
      if (sr) this.set(n + "student_response", sr);
      this.set(n + "result", it.result === "correct" ? "correct" : "wrong");
    }
    this.written[it.index] = sig;
    if (it.index === this.count) this.count++;
  };
  Scorm.prototype.save = function (text) {
    if (!this.open) return { ok: false, truncated: false };
    var ok = this.set("cmi.suspend_data", text.slice(0, this.suspendLimit));
    this.commitSoon();
    return { ok: ok, truncated: text.length > this.suspendLimit };
  };
  Scorm.prototype.commitSoon = function () {
    var self = this;
    if (!this.dirty || this.commitTimer || !this.open) return;
    var wait = Math.max(0, this.lastCommit + COMMIT_MS - Date.now());
    this.commitTimer = setTimeout(function () { self.commitTimer = null; self.commit(); }, wait);
  };
  Scorm.prototype.commit = function () {
    if (!this.open) return;
    clearTimeout(this.commitTimer);
    this.commitTimer = null;
    this.dirty = false;
    this.lastCommit = Date.now();
    if (this.call(this.fn("commit"), "") !== "true") {
      var e = this.lastError();
      this.env.log("the LMS did not commit (error " + e.code + (e.text ? ": " + e.text : "") + ")");
    }
  };
  Scorm.prototype.finish = function () { this.commit(); };
  Scorm.prototype.end = function (r) {
    if (!this.open) return;
    this.set(this.v2004 ? "cmi.session_time" : "cmi.core.session_time",
             this.v2004 ? sessionTime2004(r && r.ms) : sessionTime12(r && r.ms));
    this.set(this.v2004 ? "cmi.exit" : "cmi.core.exit", "suspend");
    this.commit();
    this.open = false;
    if (this.call(this.fn("finish"), "") !== "true") {
      var e = this.lastError();
      this.env.log("the LMS did not end the session (error " + e.code + (e.text ? ": " + e.text : "") + ")");
    }
  };
  function scormFactory(v2004) {
    return function (env) {
      var api = findApi(env.window, v2004 ? "API_1484_11" : "API");
      var need = v2004 ? ["Initialize", "GetValue", "SetValue", "Commit", "Terminate"]
                       : ["LMSInitialize", "LMSGetValue", "LMSSetValue", "LMSCommit", "LMSFinish"];
      if (!api || need.some(function (f) { return typeof api[f] !== "function"; })) return null;
      return new Scorm(api, env, v2004);
    };
  }
  adapters.scorm12 = scormFactory(false);
  adapters.scorm2004 = scormFactory(true);

  // ==== The launch page (index.html of a package) =================================================
  // Reads package.json, lesson.json and scenario.json next to it (untrusted: a bad file is a
  // message on the page), mounts the simulator with the lesson, finds the LMS, resumes the saved
  // work, and from then on reports progress and saves the learner's edits.

  // Fetches a file of the package as JSON: {value} or {error: "lesson.json is not valid JSON"}.
  function fetchJson(name) {
    var limit = FILE_LIMITS[name];
    return fetch(name, { cache: "no-store", credentials: "same-origin" }).then(function (r) {
      if (!r.ok) return { error: name + " could not be loaded (HTTP " + r.status + ")" };
      if (Number(r.headers.get("Content-Length") || 0) > limit) return { error: name + " is larger than " + limit + " bytes" };
      return r.arrayBuffer().then(function (buf) {
        if (buf.byteLength > limit) return { error: name + " is larger than " + limit + " bytes" };
        var text;
        try { text = new TextDecoder("utf-8", { fatal: true }).decode(new Uint8Array(buf)); } catch (e) { return { error: name + " is not UTF-8 text" }; }
        try { return { value: JSON.parse(text) }; } catch (e) { return { error: name + " is not valid JSON" }; }
      });
    }, function () {
      return { error: name + " could not be loaded" };
    });
  }
  // Loads a script of the package (cmi5's two); a promise of whether it ran.
  function loadScript(doc, src) {
    return new Promise(function (resolve) {
      var s = doc.createElement("script");
      s.src = src;
      s.async = false;
      s.onload = function () { resolve(true); };
      s.onerror = function () { resolve(false); };
      doc.head.appendChild(s);
    });
  }
  // The measured values of a check, from its detail ("conversion 0.6371 (goal >= 0.62); 1 moment
  // changed (at most 2)") unless the event carries them.
  function measured(data, goals) {
    var values = goals.map(function () { return null; });
    var detail = data && typeof data.detail === "string" ? data.detail.slice(0, 2000) : "";
    if (data && Array.isArray(data.values)) {
      goals.forEach(function (g, i) { if (isFiniteNumber(data.values[i])) values[i] = data.values[i]; });
    } else {
      var re = /([a-z_]+) (\S+) \(goal (?:>=|<=) [^)]*\)/g, hit, k = 0;
      while ((hit = re.exec(detail)) !== null && k < goals.length) {
        if (hit[1] === goals[k].metric) {
          var v = Number(hit[2]);
          values[k] = hit[2] !== "-" && isFinite(v) ? v : null;
        }
        k++;
      }
    }
    var c = /(\d+) moments? changed/.exec(detail);
    return { values: values, changed: c ? Number(c[1]) : null };
  }

  function Launch(doc) {
    this.doc = doc;
    this.win = doc.defaultView;
    var byId = function (id) { return doc.getElementById(id); };
    this.el = { title: byId("lms-title"), intro: byId("lms-intro"), status: byId("lms-status"), notices: byId("lms-notices"),
                finish: byId("lms-finish"), sim: byId("lms-sim") };
    this.adapter = null;
    this.sim = null;
    this.lesson = null;      // lesson.json as checked
    this.key = "";
    this.allowed = new Map();  // path -> the package scenario's value (what the learner may change)
    this.checks = [];        // per step: the last check {met, values, changed}
    this.metEdits = [];      // per step met: the edits that met it (null: not known)
    this.restoring = false;
    this.ended = false;
    this.outcomeSent = false;
    this.lastSaved = null;
    this.droppedSaid = 0;
    this.saveTimer = null;
    this.firstUnsaved = 0;
    this.params = new Map(); // learner's changes not yet handed to the adapter
    this.paramTimer = null;
    this.learner = null;
    this.said = {};
    this.t0 = Date.now();
  }
  Launch.prototype.log = function (m) { console.info("motsim-lms: " + m); };
  Launch.prototype.status = function (text) { if (this.el.status) this.el.status.textContent = text; };
  // A notice on the page (once per text).
  Launch.prototype.note = function (text, kind) {
    if (kind === "warn") this.warned = true;
    if (this.said[text] || !this.el.notices) return;
    this.said[text] = true;
    var p = this.doc.createElement("p");
    p.className = "lms-note" + (kind ? " lms-" + kind : "");
    p.textContent = text;
    this.el.notices.appendChild(p);
    this.el.notices.hidden = false;
  };
  // A package that cannot run: the message, nothing recorded.
  Launch.prototype.fail = function (text) {
    this.failed = true;
    this.status("This lesson cannot start.");
    this.note(text, "error");
  };
  // Calls an adapter method; never throws, always a promise (of undefined when it failed).
  Launch.prototype.call = function (method, arg) {
    var a = this.adapter, self = this;
    if (!a || typeof a[method] !== "function") return Promise.resolve(undefined);
    try {
      return Promise.resolve(a[method](arg)).catch(function (e) { self.log(method + " failed: " + errorText(e)); });
    } catch (e) {
      this.log(method + " threw: " + errorText(e));
      return Promise.resolve(undefined);
    }
  };

  // Opened from a plain folder (file://), where a page may not fetch: the package's files from
  // package-data.js (window.MOTSIM_PACKAGE_FILES: name -> text) and the simulator's WebAssembly
  // from motsim_app.wasm.js (window.MOTSIM_WASM_BASE64, which motsim-embed.js then uses).
  Launch.prototype.localFiles = async function () {
    var names = ["package.json", "lesson.json", "scenario.json"];
    var ok = await loadScript(this.doc, "package-data.js") && await loadScript(this.doc, "motsim_app.wasm.js");
    var data = global.MOTSIM_PACKAGE_FILES;
    if (!ok || !isObject(data)) return null;
    return names.map(function (name) {
      var text = Object.prototype.hasOwnProperty.call(data, name) ? data[name] : null;
      if (typeof text !== "string") return { error: name + " is missing from package-data.js" };
      if (text.length > FILE_LIMITS[name]) return { error: name + " is larger than " + FILE_LIMITS[name] + " bytes" };
      try { return { value: JSON.parse(text) }; } catch (e) { return { error: name + " is not valid JSON" }; }
    });
  };

  Launch.prototype.run = async function () {
    var self = this;
    this.status("Loading the lesson...");
    var files;
    if (this.win.location.protocol === "file:") {
      files = await this.localFiles();
      if (!files) {
        this.fail("This page was opened from a file, and this package cannot run that way: " +
                  "open it through your learning management system or a web server.");
        return;
      }
    } else files = await Promise.all(["package.json", "lesson.json", "scenario.json"].map(fetchJson));
    var problems = files.filter(function (f) { return f.error; }).map(function (f) { return f.error; });
    if (problems.length) { this.fail("This lesson package is damaged: " + problems.join("; ") + "."); return; }
    var pkg = files[0].value, lesson = files[1].value, scenario = files[2].value;
    if (!isObject(pkg)) problems.push("package.json is not an object");
    if (!isObject(lesson) || !Array.isArray(lesson.steps) || lesson.steps.length < 1 || lesson.steps.length > MAX_STEPS ||
        !lesson.steps.every(function (s) { return isObject(s) && typeof s.text === "string"; }))
      problems.push("lesson.json is not a lesson (a title and 1 to " + MAX_STEPS + " steps, each with a text)");
    if (!isObject(scenario) || !Array.isArray(scenario.moments)) problems.push("scenario.json is not a scenario");
    if (problems.length) { this.fail("This lesson package is damaged: " + problems.join("; ") + "."); return; }
    this.lesson = lesson;
    var title = typeof lesson.title === "string" && lesson.title ? lesson.title : typeof pkg.title === "string" ? pkg.title : "Lesson";
    title = cut(title, 200);
    this.doc.title = title;
    if (this.el.title) this.el.title.textContent = title;
    if (this.el.intro && typeof lesson.introduction === "string" && lesson.introduction.trim()) {
      this.el.intro.textContent = cut(lesson.introduction, 5000);
      this.el.intro.hidden = false;
    }
    this.key = hash(JSON.stringify(lesson) + "\n" + JSON.stringify(scenario));

    // The simulator, paused until the saved work is back.
    this.status("Starting the simulator...");
    var errors = [];
    var options = { scenario: scenario, lesson: lesson, autoplay: false, label: "Simulator: " + title,
                    on: { error: function (e) { errors.push(e && e.message ? String(e.message) : "error"); } } };
    if (Array.isArray(lesson.mirror)) options.mirror = lesson.mirror;
    var sim;
    try {
      if (!global.MotsimEmbed) throw new Error("motsim-embed.js is missing");
      sim = await global.MotsimEmbed.mount(this.el.sim, options);
    } catch (e) {
      this.fail("The simulator could not start: " + errorText(e));
      return;
    }
    this.sim = sim;
    var state = sim.lesson(), base = sim.scenario();
    // A scenario the module did not load leaves its default one running: not this lesson's.
    var badScenario = errors.some(function (m) { return /scenario/i.test(m) && /not a valid|default scenario|could not/i.test(m); }) ||
                      (typeof scenario.name === "string" && isObject(base) && base.name !== scenario.name);
    if (!state || !Array.isArray(state.steps) || state.steps.length !== lesson.steps.length || badScenario || !base) {
      var why = errors.length ? " (" + cut(errors.join("; "), 600) + ")" : "";
      this.fail(badScenario ? "This lesson package is damaged: scenario.json is not a valid scenario" + why + "."
                            : "This lesson package is damaged: the lesson does not fit its scenario" + why + ".");
      return;
    }
    // What the learner may change: the scenario's parameters that the lesson does not lock.
    var P = global.MotsimEmbed.params, metrics = sim.metrics() || {};
    var locked = (Array.isArray(metrics.locked) ? metrics.locked : []).concat(Array.isArray(lesson.locked) ? lesson.locked : [])
      .filter(function (p) { return typeof p === "string"; });
    P.paths(base).forEach(function (path) {
      var v = P.value(base, path);
      if (v !== null && !P.locked(locked, path)) self.allowed.set(path, v);
    });
    if (isFiniteNumber(metrics.seed)) this.allowed.set("seed", metrics.seed);

    sim.on("param", function (p) { self.onParam(p); });
    sim.on("lesson_checked", function (d) { self.onChecked(d); });
    sim.on("lesson_step", function (d) { self.onStep(d); });
    sim.on("lesson_done", function () { if (!self.restoring) self.outcome(false); });

    // The LMS.
    this.status("Looking for your learning management system...");
    var started = null;
    this.adapter = await this.findAdapter(pkg, lesson);
    if (this.adapter) {
      try {
        started = await Promise.race([this.adapter.start(), new Promise(function (resolve, reject) {
          setTimeout(function () { reject(new Error("it did not answer within 30 seconds")); }, 30000);
        })]);
        if (!isObject(started)) started = { resume: null, learner: null };
      } catch (e) {
        this.note("Progress is not being recorded: the learning management system could not be reached (" + cut(errorText(e), 300) + ").", "warn");
        this.adapter = null;
      }
    }
    if (this.adapter) {
      this.learner = typeof started.learner === "string" && started.learner.trim() ? cut(started.learner.trim(), 100) : null;
      var limit = Number(this.adapter.suspendLimit);
      this.limit = Number.isInteger(limit) && limit >= 100 ? Math.min(limit, 1000000) : 4096;
      if (started.resume) await this.resume(started.resume);
      var finish = this.el.finish;
      if (finish) {
        finish.hidden = false;
        finish.addEventListener("click", function () { self.end("finish"); });
      }
      var bye = function () { self.end("pagehide"); };
      this.win.addEventListener("pagehide", bye);
      this.win.addEventListener("unload", bye);
      this.doc.addEventListener("visibilitychange", function () { if (self.doc.visibilityState === "hidden") self.saveNow(); });
      this.report();
      this.saveNow();
      var l = sim.lesson();
      if (l && l.step >= l.steps.length) this.outcome(true);
    } else {
      if (!this.warned) this.note(NOT_RECORDED, "warn");
    }
    this.showStatus();
    sim.play();
    this.ready = true;
  };

  // The adapter of package.json's format, or null (then nothing is recorded).
  Launch.prototype.findAdapter = async function (pkg, lesson) {
    var format = pkg.format;
    if (format !== "scorm12" && format !== "scorm2004" && format !== "cmi5") {
      this.log("package.json names no known format (scorm12, scorm2004, cmi5)");
      return null;
    }
    if (format === "cmi5" && typeof adapters.cmi5 !== "function") {
      var ok = await loadScript(this.doc, "vendor/cmi5.js") && await loadScript(this.doc, "motsim-cmi5.js");
      if (!ok) this.log("the cmi5 scripts of this package could not be loaded");
    }
    var factory = adapters[format];
    if (typeof factory !== "function") return null;
    var self = this, adapter = null;
    try {
      adapter = await Promise.resolve(factory({ window: this.win, pkg: pkg, lesson: lesson, log: function (m) { self.log(String(m)); } }));
    } catch (e) {
      this.log("the " + format + " adapter failed: " + errorText(e));
      return null;
    }
    if (!adapter || ["start", "progress", "save", "end"].some(function (f) { return typeof adapter[f] !== "function"; })) return null;
    return adapter;
  };

  Launch.prototype.showStatus = function () {
    var l = this.sim ? this.sim.lesson() : null;
    var met = l ? Math.min(l.step, l.steps.length) : 0, steps = l ? l.steps.length : 0;
    var progress = steps ? " " + met + " of " + steps + " step" + (steps === 1 ? "" : "s") + " met." : "";
    if (this.ended) this.status("Finished: your progress is recorded in your LMS. You can close this window." + progress);
    else if (this.adapter) this.status("Recording to your LMS (" + cut(this.adapter.name, 40) + ")" +
                                       (this.learner ? " for " + this.learner : "") + "." + progress);
    else this.status("Progress is not being recorded." + progress);
  };

  // ---- the learner's edits ----
  // The current value of every parameter the learner may change.
  Launch.prototype.values = function () {
    var P = global.MotsimEmbed.params, s = this.sim.scenario(), out = new Map();
    this.allowed.forEach(function (base, path) { if (path !== "seed") out.set(path, P.value(s, path)); });
    if (this.allowed.has("seed")) {
      var m = this.sim.metrics();
      out.set("seed", m && isFiniteNumber(m.seed) ? m.seed : null);
    }
    return out;
  };
  // [[path, value], ...] where the scenario differs from the package's.
  Launch.prototype.edits = function () {
    var out = [], values = this.values();
    this.allowed.forEach(function (base, path) {
      var v = values.get(path);
      if (v !== null && v !== undefined && v !== base) out.push([path, v]);
    });
    return out;
  };
  // Puts the package's scenario with `list` applied into the simulator, a slice of sets per task.
  // False when the module refused a value or the result is not exactly the list.
  Launch.prototype.applyEdits = async function (list) {
    var want = new Map(list), self = this;
    for (var pass = 0; pass < 3; pass++) {
      // Twice at most: setting one odd may move its partner (positive + negative <= 1).
      var have = this.values(), todo = [];
      this.allowed.forEach(function (base, path) {
        var v = want.has(path) ? want.get(path) : base;
        if (have.get(path) !== v) todo.push([path, v]);
      });
      if (!todo.length) return true;
      if (pass === 2) return false;
      var t = now();
      for (var i = 0; i < todo.length; i++) {
        var ok = self.sim.set(todo[i][0], todo[i][1]);
        if (now() - t > SLICE_MS || !ok) { this.slice(t); await yieldTask(); t = now(); }
        if (!ok) return false;
      }
      this.slice(t);
      await yieldTask();
    }
    return false;
  };

  // The longest stretch of resume work in one task, in ms (resumeStats: tests read it).
  Launch.prototype.slice = function (t) {
    var ms = now() - t;
    if (this.resumeStats && ms > this.resumeStats.longest) this.resumeStats.longest = ms;
  };

  // ---- resuming ----
  Launch.prototype.resume = async function (resume) {
    var text = typeof resume === "string" ? resume : isObject(resume) ? resume.suspend : null;
    if (typeof text !== "string" || !text) return;
    var data, steps = this.sim.lesson().steps.length;
    this.resumeStats = { longest: 0, started: now(), ended: null, met: 0, saved: 0 };
    try {
      data = await decodeSuspend(text, { key: this.key, steps: steps, allowed: this.allowed }, this.resumeStats);
    } catch (e) {
      this.resumeStats.ended = now();
      this.log("saved progress not used: " + errorText(e));
      this.note(e.kind === "other" ? "Saved progress belongs to another version of this lesson; starting again." : NOT_READ, "warn");
      return;
    }
    var self = this, sim = this.sim, box = this.el.sim;
    this.restoring = true;
    this.status("Restoring your saved work...");
    if (box) { box.setAttribute("aria-busy", "true"); box.inert = true; }
    try {
      // Every saved list must go in exactly as saved (the module checks each value's range).
      var lists = data.m.filter(function (x) { return x; }).concat([data.e]);
      for (var i = 0; i < lists.length; i++) {
        if (!(await this.applyEdits(lists[i]))) {
          await this.applyEdits([]);
          this.log("saved progress not used: the simulator refused saved values");
          this.note(NOT_READ, "warn");
          return;
        }
      }
      // Each met step is checked again on the edits that met it (a dropped list: the next one kept).
      var met = 0;
      for (var k = 0; k < data.n; k++) {
        var list = data.m[k];
        for (var j = k + 1; !list && j < data.n; j++) list = data.m[j];
        if (!list) list = data.e;
        if (!(await this.applyEdits(list)) || !(await sim.checkLesson())) break;
        this.metEdits[k] = list;
        met++;
      }
      if (!(await this.applyEdits(data.e))) await this.applyEdits([]);
      if (met < data.n) this.note("Your saved work is back, but step " + (met + 1) + " could not be confirmed again: please meet it again.", "warn");
      if (data.x) this.note("Your latest changes were not kept (your LMS keeps little saved data); your progress is back.", "warn");
      this.resumeStats.met = met;
      this.resumeStats.saved = data.n;
    } finally {
      this.resumeStats.ended = now();
      this.restoring = false;
      if (box) { box.removeAttribute("aria-busy"); box.inert = false; }
    }
  };

  // ---- events of the simulator ----
  Launch.prototype.onParam = function (p) {
    if (this.restoring || this.ended || !this.adapter || !p || typeof p.path !== "string") return;
    var self = this;
    if (typeof this.adapter.param === "function") {
      this.params.set(p.path, p.value);
      if (!this.paramTimer) this.paramTimer = setTimeout(function () { self.flushParams(); }, 500);
    }
    this.saveSoon();
  };
  Launch.prototype.flushParams = function () {
    var self = this;
    clearTimeout(this.paramTimer);
    this.paramTimer = null;
    var list = Array.from(this.params);
    this.params.clear();
    list.forEach(function (p) { self.call("param", { path: p[0], value: p[1] }); });
  };
  Launch.prototype.onChecked = function (d) {
    if (!isObject(d) || !Number.isInteger(d.step) || d.step < 0 || d.step >= this.lesson.steps.length || d.cancelled) return;
    var goals = Array.isArray(this.lesson.steps[d.step].goals) ? this.lesson.steps[d.step].goals : [];
    var m = measured(d, goals);
    this.checks[d.step] = { met: !!d.met, values: m.values, changed: m.changed };
    this.checkCount = (this.checkCount || 0) + 1;
    if (!this.restoring) this.report();
  };
  Launch.prototype.onStep = function (d) {
    if (this.restoring || !isObject(d) || !Number.isInteger(d.step) || d.step < 0 || d.step >= this.lesson.steps.length) return;
    this.metEdits[d.step] = this.edits();
    this.report();
    this.saveNow();
  };
  // The lesson's outcome (every step met), once.
  Launch.prototype.outcome = function (resumed) {
    if (this.outcomeSent || !this.adapter || this.ended) return;
    this.outcomeSent = true;
    var l = this.sim.lesson();
    this.call("finish", { passed: true, score: l.steps.length, steps: l.steps.length, resumed: !!resumed });
  };

  // ---- progress ----
  Launch.prototype.interactions = function () {
    var out = [], steps = this.lesson.steps;
    for (var i = 0; i < steps.length; i++) {
      var c = this.checks[i];
      if (!c) continue;
      var st = steps[i];
      var goals = (Array.isArray(st.goals) ? st.goals : []).map(function (g, k) {
        var o = { metric: String(g.metric), value: c.values[k] };
        if (isFiniteNumber(g.at_least)) o.at_least = g.at_least; else o.at_most = g.at_most;
        return o;
      });
      var max = Number.isInteger(st.max_changed_moments) ? st.max_changed_moments : null;
      var numeric = goals.length === 1 && max === null;
      var response = goals.map(function (g) { return g.metric + "=" + (decimal(g.value) || "-"); });
      var pattern = goals.map(function (g) {
        return g.metric + (g.at_least !== undefined ? ">=" + decimal(g.at_least) : "<=" + decimal(g.at_most));
      });
      if (max !== null) {
        response.push("changed_moments=" + (c.changed === null ? "-" : c.changed));
        pattern.push("changed_moments<=" + max);
      }
      out.push({ id: "step_" + (i + 1), index: i, type: numeric ? "numeric" : "performance", description: st.text,
                 result: c.met ? "correct" : "wrong", goals: goals, changed: c.changed, max_changed: max,
                 response: numeric ? decimal(goals[0].value) : response.join(";"),
                 pattern: numeric ? (goals[0].at_least !== undefined ? decimal(goals[0].at_least) + ":" : ":" + decimal(goals[0].at_most))
                                  : pattern.join(";") });
    }
    return out;
  };
  Launch.prototype.report = function () {
    this.showStatus();
    if (!this.adapter || this.ended) return;
    var l = this.sim.lesson();
    if (!l) return;
    var steps = l.steps.length, step = Math.min(l.step, steps);
    this.call("progress", { step: step, steps: steps, met: l.steps.map(function (s) { return !!s.done; }), score: step,
                            passed: step >= steps, interactions: this.interactions() });
  };

  // ---- saving ----
  Launch.prototype.saveSoon = function () {
    var self = this;
    if (!this.firstUnsaved) this.firstUnsaved = Date.now();
    clearTimeout(this.saveTimer);
    // A second after the last change, and at least every 5 s while the learner keeps changing.
    var wait = Math.max(0, Math.min(1000, this.firstUnsaved + 5000 - Date.now()));
    this.saveTimer = setTimeout(function () { self.saveNow(); }, wait);
  };
  Launch.prototype.saveNow = function () {
    clearTimeout(this.saveTimer);
    this.saveTimer = null;
    this.firstUnsaved = 0;
    if (!this.adapter || this.ended || this.restoring || !this.sim) return;
    var l = this.sim.lesson();
    if (!l) return;
    var n = Math.min(l.step, l.steps.length), m = [];
    for (var i = 0; i < n; i++) m.push(this.metEdits[i] || null);
    var fitted;
    try { fitted = fitSuspend({ v: 1, k: this.key, n: n, m: m, e: this.edits() }, this.limit); } catch (e) {
      this.log("the saved data could not be written: " + errorText(e));
      return;
    }
    if (fitted.text === this.lastSaved) return;
    this.lastSaved = fitted.text;
    if (fitted.dropped > this.droppedSaid) {
      this.droppedSaid = fitted.dropped;
      this.note("Your LMS keeps at most " + this.limit.toLocaleString("en-US") + " characters of saved work: your progress is kept, " +
                "but not every change that met your earlier steps.", "warn");
    }
    this.call("save", fitted.text);
  };

  // ---- the end of the session: the Finish button, or the page going away ----
  Launch.prototype.end = function (reason) {
    if (this.ended || !this.adapter) return;
    if (this.paramTimer) this.flushParams();
    this.saveNow();
    this.ended = true;
    var l = this.sim.lesson(), steps = l ? l.steps.length : 0, met = l ? Math.min(l.step, steps) : 0;
    this.call("end", { reason: reason, passed: steps > 0 && met >= steps, score: met, steps: steps, ms: Date.now() - this.t0 });
    if (reason === "finish") {
      this.showStatus();
      if (this.el.finish) this.el.finish.hidden = true;
      if (this.el.status) { this.el.status.setAttribute("tabindex", "-1"); this.el.status.focus(); }
    }
  };

  MotsimLMS.findApi = findApi;
  MotsimLMS.sessionTime12 = sessionTime12;
  MotsimLMS.sessionTime2004 = sessionTime2004;
  MotsimLMS.cut = cut;
  MotsimLMS.decimal = decimal;
  MotsimLMS.encodeSuspend = encodeSuspend;
  MotsimLMS.fitSuspend = fitSuspend;
  MotsimLMS.decodeSuspend = decodeSuspend;
  MotsimLMS.Launch = Launch;

  // index.html: <script src="motsim-lms.js" data-motsim-launch></script>
  var me = global.document && document.currentScript;
  if (me && me.hasAttribute("data-motsim-launch")) {
    var go = function () {
      var page = new Launch(document);
      MotsimLMS.page = page;
      page.run().catch(function (e) {
        console.error("motsim-lms:", e);
        page.fail("The lesson stopped with an error: " + cut(errorText(e), 300));
      });
    };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", go);
    else go();
  }
})(typeof window !== "undefined" ? window : this);
