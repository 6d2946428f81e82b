// motsim-cmi5.js - the cmi5 (xAPI) adapter of the LMS runtime (motsim-lms.js describes the
// interface). Loaded by the package's index.html after vendor/cmi5.js (npm @xapi/cmi5, global
// `Cmi5`) and motsim-lms.js, only in cmi5 packages. cmi5 is the Quartz edition of the AICC/ADL
// specification; section numbers below are its.
//
// What the learner's session sends, in this order (each statement uses the LMS's context template,
// registration and session id):
//   initialized                         the library's, after it fetched the auth token (8.2), the
//                                       LMS.LaunchData state (10) and the learner preferences (11)
//   interacted ...                      "cmi5 allowed" (7.1.3): the learner's parameter changes,
//                                       result extensions urn:motsim:xapi:parameter-path / -value,
//                                       batched: one POST of at most one statement per parameter
//                                       every few seconds, so a slider drag does not flood the LRS
//   progressed ...                      "cmi5 allowed", with the cmi5 progress extension (0..100)
//                                       when a step is met (not at 100: "completed" says that)
//   passed (score scaled = steps met / steps, raw / min / max) then completed
//                                       when every step is met; only in launchMode Normal (10), once
//                                       per registration (9.3); a masteryScore in LaunchData decides
//                                       passed or failed (9.3.4, 9.3.5)
//   failed                              when the learner presses Finish with steps unmet and the
//                                       score is under the masteryScore (or there is none)
//   terminated (result.duration)        on Finish or when the page goes away (then with fetch
//                                       keepalive, built here like the library's), always last
// The suspend data lives in the xAPI State API (stateId "motsim.suspend", per registration), with
// whether this registration was already passed / completed, so a relaunch resumes and never sends
// "passed" or "completed" twice. Every value from the URL and the LRS is checked first.
(function (global) {
  "use strict";

  var STATE_ID = "motsim.suspend";
  var EXT_PATH = "urn:motsim:xapi:parameter-path";
  var EXT_VALUE = "urn:motsim:xapi:parameter-value";
  var VERB_INTERACTED = { id: "http://adlnet.gov/expapi/verbs/interacted", display: { "en-US": "interacted" } };
  var VERB_TERMINATED = { id: "http://adlnet.gov/expapi/verbs/terminated", display: { "en-US": "terminated" } };
  var CAT_CMI5 = { id: "https://w3id.org/xapi/cmi5/context/categories/cmi5" };
  var PROGRESS_EXT = "https://w3id.org/xapi/cmi5/result/extensions/progress";
  var BATCH_MS = 3000;          // parameter changes are sent at most this often
  var STATE_MS = 2000;          // the suspend data is written at most this often
  var MAX_BATCH = 25;           // parameters in one batch (the most recently changed win)
  var MAX_SUSPEND = 64 * 1024;  // characters of suspend data kept
  var UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

  function isObject(v) { return !!v && typeof v === "object" && !Array.isArray(v); }
  function httpUrl(text) {
    if (typeof text !== "string" || text.length > 2048) return null;
    try {
      var u = new URL(text);
      return u.protocol === "http:" || u.protocol === "https:" ? u.href : null;
    } catch (e) { return null; }
  }
  // An absolute IRI (scheme:rest), no spaces or controls: what xAPI takes as an activity id.
  function isIri(text) {
    return typeof text === "string" && text.length <= 2048 && /^[A-Za-z][A-Za-z0-9+.-]*:[^\s\u0000-\u001f]+$/.test(text);
  }
  function cut(text, n) { text = String(text); return text.length > n ? text.slice(0, n - 1) + "\u2026" : text; }
  function uuid() {
    if (global.crypto && typeof global.crypto.randomUUID === "function") return global.crypto.randomUUID();
    var b = new Uint8Array(16);
    global.crypto.getRandomValues(b);
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  // ISO 8601 duration of ms milliseconds ("PT1H2M3.45S"; "PT0S" for none), hundredths of a second.
  function isoDuration(ms) {
    var cs = Math.max(0, Math.round((Number(ms) || 0) / 10));
    var h = Math.floor(cs / 360000), m = Math.floor(cs / 6000) % 60, s = (cs % 6000) / 100;
    return "PT" + (h ? h + "H" : "") + (m ? m + "M" : "") + (s || (!h && !m) ? String(s) + "S" : "");
  }
  // What went wrong in a request of the library (axios): a short reason for the learner's notice.
  function why(e) {
    if (!e) return "unknown error";
    var r = e.response;
    if (r && r.status) {
      var body = r.data && typeof r.data === "object" ? r.data.error || r.data.message : typeof r.data === "string" ? r.data : "";
      return "HTTP " + r.status + (body ? ": " + cut(body, 160) : "");
    }
    return cut(e.message || String(e), 200);
  }

  // ---- launch parameters (section 8.1), checked before the library sees them -------------------
  function launchParameters(win) {
    var q;
    try { q = new URLSearchParams(win.location.search); } catch (e) { return null; }
    var names = ["endpoint", "fetch", "actor", "registration", "activityId"];
    var present = names.filter(function (n) { return q.has(n); });
    if (!present.length) return null;  // not launched by a cmi5 LMS
    var missing = names.filter(function (n) { return !q.get(n); });
    if (missing.length) throw new Error("the launch address lacks the cmi5 parameter(s) " + missing.join(", "));
    var endpoint = httpUrl(q.get("endpoint")), fetchUrl = httpUrl(q.get("fetch"));
    if (!endpoint) throw new Error("the launch's endpoint is not an http(s) address");
    if (!fetchUrl) throw new Error("the launch's fetch address is not an http(s) address");
    var actor;
    try { actor = JSON.parse(q.get("actor")); } catch (e) { throw new Error("the launch's actor is not JSON"); }
    if (!isObject(actor)) throw new Error("the launch's actor is not an object");
    var account = actor.account;
    // cmi5 9.2: an Agent with an account (homePage, name); an mbox is taken too (xAPI allows it).
    var hasAccount = isObject(account) && typeof account.homePage === "string" && typeof account.name === "string" &&
                     httpUrl(account.homePage) && account.name.length > 0;
    var hasMbox = typeof actor.mbox === "string" && /^mailto:[^\s@]+@[^\s@]+$/.test(actor.mbox);
    if (!hasAccount && !hasMbox) throw new Error("the launch's actor has no account (homePage and name)");
    if (actor.objectType !== undefined && actor.objectType !== "Agent") throw new Error("the launch's actor is not an Agent");
    var clean = { objectType: "Agent" };
    if (hasAccount) clean.account = { homePage: account.homePage, name: account.name };
    else clean.mbox = actor.mbox;
    if (typeof actor.name === "string" && actor.name.trim()) clean.name = cut(actor.name.trim(), 200);
    var registration = q.get("registration");
    if (!UUID.test(registration)) throw new Error("the launch's registration is not a UUID");
    var activityId = q.get("activityId");
    if (!isIri(activityId)) throw new Error("the launch's activityId is not an IRI");
    if (!endpoint.endsWith("/")) endpoint += "/";
    return { endpoint: endpoint, fetch: fetchUrl, actor: clean, registration: registration, activityId: activityId };
  }

  // ---- the adapter ------------------------------------------------------------------------------
  function Cmi5Adapter(env, params) {
    this.env = env;
    this.win = env.window || global;
    this.params = params;
    this.name = "cmi5";
    this.suspendLimit = MAX_SUSPEND;
    this.cmi5 = null;
    this.mode = null;            // launchMode
    this.mastery = null;         // masteryScore, or null
    this.returnURL = null;
    this.record = false;         // Normal mode: passed / failed / completed are sent
    this.flags = { passed: false, completed: false };  // of this registration (from the state doc)
    this.sent = { passed: false, failed: false, completed: false };  // in this session
    this.suspend = null;         // the last text given to save()
    this.stateDirty = false;
    this.stateTimer = null;
    this.pending = {};           // path -> {value, at}: parameter changes not sent yet
    this.pendingCount = 0;
    this.batchTimer = null;
    this.lastProgress = -1;
    this.queue = Promise.resolve();  // statements go out one after another, in order
    this.started = 0;
    this.ended = false;
    this.errors = [];            // what failed (for tests and the console)
    var self = this;
    this.onPageHide = function () { self.end({ reason: "pagehide" }); };
  }

  Cmi5Adapter.prototype.log = function (message) {
    this.errors.push(message);
    if (this.env && typeof this.env.log === "function") this.env.log("cmi5: " + message);
    else if (global.console) console.warn("motsim cmi5: " + message);
  };

  // Runs fn after everything queued before it; a failure is logged, never thrown.
  Cmi5Adapter.prototype.enqueue = function (what, fn) {
    var self = this;
    var p = this.queue.then(function () { return fn(); }).then(null, function (e) {
      self.log(what + " was not recorded (" + why(e) + ")");
    });
    this.queue = p;
    return p;
  };

  Cmi5Adapter.prototype.start = function () {
    var self = this;
    var Lib = global.Cmi5;
    if (typeof Lib !== "function") return Promise.reject(new Error("the cmi5 library (vendor/cmi5.js) is missing"));
    var cmi5;
    try { cmi5 = new Lib(this.params); } catch (e) { return Promise.reject(new Error("cmi5: " + (e && e.message ? e.message : e))); }
    this.cmi5 = cmi5;
    return Promise.resolve().then(function () {
      return cmi5.initialize();
    }).then(function () {
      self.started = Date.now();
      self.checkLaunchData(cmi5.getLaunchData());
      self.win.addEventListener("pagehide", self.onPageHide);
      return self.readState();
    }, function (e) {
      var token = cmi5.getAuthToken();
      if (typeof token !== "string" || !token)
        throw new Error("the LMS gave no authorization token (a launch address works once: open the lesson again from the LMS)");
      if (!cmi5.getLaunchData()) throw new Error("the LMS's launch data could not be read (" + why(e) + ")");
      throw new Error("the LMS did not accept the session's start (" + why(e) + ")");
    }).then(function (resume) {
      var learner = self.params.actor.name || null;
      return { resume: resume, learner: learner };
    });
  };

  // LMS.LaunchData (section 10): the library already used its contextTemplate; the rest is
  // checked here. A bad launchMode counts as not Normal (nothing about completion is recorded).
  Cmi5Adapter.prototype.checkLaunchData = function (data) {
    if (!isObject(data)) throw new Error("the LMS's launch data is not an object");
    var mode = data.launchMode;
    this.mode = mode === "Normal" || mode === "Browse" || mode === "Review" ? mode : null;
    if (!this.mode) this.log("launchMode " + cut(JSON.stringify(mode), 40) + " is not Normal, Browse or Review: nothing about completion is recorded");
    this.record = this.mode === "Normal";
    var ms = data.masteryScore;
    if (ms === undefined || ms === null) this.mastery = null;
    else if (typeof ms === "number" && isFinite(ms) && ms >= 0 && ms <= 1) this.mastery = ms;
    else {
      // The library would compare against it too: an unusable one is removed from its copy.
      this.log("masteryScore " + cut(JSON.stringify(ms), 40) + " is not a number from 0 to 1: ignored");
      this.mastery = null;
      try { delete data.masteryScore; } catch (e) { /* frozen: the library reads it as it is */ }
    }
    this.returnURL = data.returnURL === undefined ? null : httpUrl(data.returnURL);
    if (data.returnURL !== undefined && !this.returnURL) this.log("returnURL is not an http(s) address: not followed");
  };

  function stateQuery(self) {
    return { agent: self.params.actor, activityId: self.params.activityId, registration: self.params.registration, stateId: STATE_ID };
  }

  // The state document of this registration -> {suspend} or null. Anything unexpected: a fresh
  // start (the runtime says so when it cannot use the text).
  Cmi5Adapter.prototype.readState = function () {
    var self = this;
    return this.cmi5.xapi.getState(stateQuery(this)).then(function (r) {
      var d = r && r.data;
      if (typeof d === "string") { try { d = JSON.parse(d); } catch (e) { d = null; } }
      if (!isObject(d)) { if (d !== null && d !== undefined && d !== "") self.log("the saved state is not an object: a fresh start"); return null; }
      self.flags.passed = d.passed === true;
      self.flags.completed = d.completed === true;
      if (typeof d.suspend !== "string" || !d.suspend) return null;
      if (d.suspend.length > MAX_SUSPEND) { self.log("the saved state is too long: a fresh start"); return null; }
      self.suspend = d.suspend;
      return { suspend: d.suspend };
    }, function (e) {
      if (!(e && e.response && e.response.status === 404)) self.log("the saved state could not be read (" + why(e) + ")");
      return null;
    });
  };

  Cmi5Adapter.prototype.stateDoc = function () {
    return { v: 1, suspend: this.suspend || "", passed: this.flags.passed, completed: this.flags.completed,
             updated: new Date().toISOString() };
  };

  // The suspend data, written at most every STATE_MS (Browse and Review write nothing: cmi5 10).
  Cmi5Adapter.prototype.save = function (text) {
    if (typeof text !== "string") return { ok: false, truncated: false };
    if (text.length > MAX_SUSPEND) return { ok: false, truncated: false };
    if (this.ended) return { ok: false, truncated: false };
    this.suspend = text;
    if (!this.record) return { ok: true, truncated: false };
    this.stateDirty = true;
    var self = this;
    if (!this.stateTimer) this.stateTimer = setTimeout(function () { self.stateTimer = null; self.writeState(); }, STATE_MS);
    return { ok: true, truncated: false };
  };

  // Queued after the statements before it, so the document holds their outcome (passed, completed).
  Cmi5Adapter.prototype.writeState = function () {
    if (!this.record || !this.started || !this.stateDirty) return this.queue;
    this.stateDirty = false;
    var self = this;
    return this.enqueue("the saved state", function () {
      var q = stateQuery(self);
      q.state = self.stateDoc();
      q.contentType = "application/json";
      return self.cmi5.xapi.setState(q);
    });
  };

  // ---- parameter changes ("cmi5 allowed" interacted statements) ---------------------------------
  Cmi5Adapter.prototype.param = function (p) {
    if (this.ended || !this.started || !p) return;
    var path = p.path, value = p.value;
    if (typeof path !== "string" || !path || path.length > 300) return;
    if (typeof value !== "number" || !isFinite(value)) return;
    if (!Object.prototype.hasOwnProperty.call(this.pending, path)) this.pendingCount++;
    else delete this.pending[path];  // re-inserted: the most recent last
    this.pending[path] = { value: value, at: new Date().toISOString() };
    if (this.pendingCount > MAX_BATCH) {
      for (var k in this.pending) { delete this.pending[k]; this.pendingCount--; break; }
    }
    var self = this;
    if (!this.batchTimer) this.batchTimer = setTimeout(function () { self.batchTimer = null; self.flushParams(); }, BATCH_MS);
  };

  // A statement as the cmi5 profile wants it: the context template (session id, publisher id)
  // copied, the registration added; cmi5 defined ones get the cmi5 category, allowed ones not.
  Cmi5Adapter.prototype.statement = function (verb, extra, defined) {
    var ld = this.cmi5.getLaunchData() || {};
    var ctx = JSON.parse(JSON.stringify(isObject(ld.contextTemplate) ? ld.contextTemplate : {}));
    ctx.registration = this.params.registration;
    if (defined) {
      ctx.contextActivities = isObject(ctx.contextActivities) ? ctx.contextActivities : {};
      var cat = Array.isArray(ctx.contextActivities.category) ? ctx.contextActivities.category : [];
      ctx.contextActivities.category = cat.concat([CAT_CMI5]);
    }
    var s = { id: uuid(), actor: this.params.actor, verb: verb, timestamp: new Date().toISOString(),
              object: { objectType: "Activity", id: this.params.activityId }, context: ctx };
    for (var k in extra) if (Object.prototype.hasOwnProperty.call(extra, k)) s[k] = extra[k];
    return s;
  };

  Cmi5Adapter.prototype.paramStatements = function () {
    var out = [];
    for (var path in this.pending) if (Object.prototype.hasOwnProperty.call(this.pending, path)) {
      var c = this.pending[path], ext = {};
      ext[EXT_PATH] = path;
      ext[EXT_VALUE] = c.value;
      var s = this.statement(VERB_INTERACTED, { result: { response: String(c.value), extensions: ext } }, false);
      s.timestamp = c.at;
      out.push(s);
    }
    this.pending = {};
    this.pendingCount = 0;
    if (this.batchTimer) { clearTimeout(this.batchTimer); this.batchTimer = null; }
    return out;
  };

  Cmi5Adapter.prototype.flushParams = function () {
    if (!this.pendingCount || !this.started || this.ended) return this.queue;
    var list = this.paramStatements(), self = this;
    return this.enqueue(list.length + " parameter change(s)", function () {
      return self.cmi5.xapi.sendStatements({ statements: list });
    });
  };

  // ---- progress and outcome ---------------------------------------------------------------------
  function counts(p) {
    var steps = p && typeof p.steps === "number" && isFinite(p.steps) && p.steps > 0 ? Math.floor(p.steps) : 0;
    var met = p && Array.isArray(p.met) ? p.met.filter(function (m) { return m === true; }).length
                                         : p && typeof p.score === "number" && isFinite(p.score) ? Math.floor(p.score) : 0;
    met = Math.max(0, Math.min(met, steps));
    return { met: met, steps: steps };
  }
  function score(c) {
    return { scaled: c.steps ? Math.round(10000 * c.met / c.steps) / 10000 : 0, raw: c.met, min: 0, max: c.steps };
  }

  // A step met: a "progressed" statement (cmi5 allowed) with the share of steps met, below 100.
  Cmi5Adapter.prototype.progress = function (p) {
    if (this.ended || !this.started) return;
    var c = counts(p);
    if (!c.steps) return;
    var pct = Math.floor(100 * c.met / c.steps);
    if (pct === this.lastProgress) return;
    var first = this.lastProgress < 0;
    this.lastProgress = pct;
    if (first || pct >= 100 || pct <= 0 || this.flags.completed) return;  // the start's own value is not news
    this.flushParams();
    var self = this, ext = {};
    ext[PROGRESS_EXT] = pct;
    var s = this.statement({ id: "http://adlnet.gov/expapi/verbs/progressed", display: { "en-US": "progressed" } },
                           { result: { extensions: ext } }, false);
    this.enqueue("progress", function () { return self.cmi5.xapi.sendStatement({ statement: s }); });
  };

  // Every step met: passed (unless this registration already passed) then completed.
  Cmi5Adapter.prototype.finish = function (f) {
    if (this.ended || !this.started) return Promise.resolve();
    var c = counts({ steps: f && f.steps, score: f && f.score });
    if (!(f && f.passed === true) || !c.steps || c.met < c.steps) return Promise.resolve();
    return this.outcome(c, true);
  };

  // passed / failed and completed for counts c; all: every step met.
  Cmi5Adapter.prototype.outcome = function (c, all) {
    var self = this;
    this.flushParams();
    if (!this.record) return this.queue;
    var sc = score(c);
    var pass = this.mastery === null ? all : sc.scaled >= this.mastery;
    if (pass && !this.flags.passed && !this.sent.passed && !this.sent.failed) {
      this.sent.passed = true;
      this.enqueue("passed", function () {
        return self.cmi5.pass(sc).then(function () { self.flags.passed = true; self.stateDirty = true; });
      });
    } else if (!pass && !this.flags.passed && !this.sent.passed && !this.sent.failed) {
      this.sent.failed = true;
      this.enqueue("failed", function () { return self.cmi5.fail(sc); });
    }
    if (all && !this.flags.completed && !this.sent.completed) {
      this.sent.completed = true;
      this.enqueue("completed", function () {
        return self.cmi5.complete().then(function () { self.flags.completed = true; self.stateDirty = true; });
      });
    }
    this.stateDirty = true;
    return this.writeState();
  };

  // The session ends: on Finish the outcome if none was sent (failed, or passed by masteryScore),
  // the last parameter changes and the state, then terminated; on pagehide the same without an
  // outcome, sent with fetch keepalive in one POST, since the page may be gone before a reply.
  Cmi5Adapter.prototype.end = function (e) {
    if (this.ended || !this.started) { this.ended = true; return Promise.resolve(); }
    var reason = e && e.reason === "finish" ? "finish" : "pagehide";
    var self = this;
    try { this.win.removeEventListener("pagehide", this.onPageHide); } catch (x) { /* gone */ }
    if (this.stateTimer) { clearTimeout(this.stateTimer); this.stateTimer = null; }
    if (reason === "pagehide") {
      this.ended = true;
      return this.sendOnExit();
    }
    var c = counts({ steps: e && e.steps, score: e && e.score });
    if (c.steps && !this.sent.passed && !this.sent.failed) this.outcome(c, c.met >= c.steps);
    this.flushParams();
    this.stateDirty = true;
    this.writeState();
    this.ended = true;
    return this.enqueue("terminated", function () { return self.cmi5.terminate(); }).then(function () {
      if (self.returnURL) {
        try { self.win.location.assign(self.returnURL); } catch (x) { self.log("the LMS's returnURL could not be opened"); }
      }
    });
  };

  Cmi5Adapter.prototype.sendOnExit = function () {
    var list = this.paramStatements();
    var initialized = this.cmi5.getInitializedDate();
    var ms = initialized ? Date.now() - initialized.getTime() : Date.now() - this.started;
    list.push(this.statement(VERB_TERMINATED, { result: { duration: isoDuration(ms) } }, true));
    var headers = { "Content-Type": "application/json", "X-Experience-API-Version": "1.0.3",
                    Authorization: "Basic " + this.cmi5.getAuthToken() };
    var base = this.params.endpoint, sent = [];
    try {
      if (this.record) {
        var qs = stateQuery(this);
        var url = base + "activities/state?agent=" + encodeURIComponent(JSON.stringify(qs.agent)) +
                  "&activityId=" + encodeURIComponent(qs.activityId) + "&registration=" + encodeURIComponent(qs.registration) +
                  "&stateId=" + encodeURIComponent(STATE_ID);
        var doc = JSON.stringify(this.stateDoc());
        if (doc.length < 60000) sent.push(fetch(url, { method: "PUT", keepalive: true, headers: headers, body: doc }));
      }
      var body = JSON.stringify(list);
      if (body.length > 60000) body = JSON.stringify(list.slice(-1));  // keepalive bodies are small
      sent.push(fetch(base + "statements", { method: "POST", keepalive: true, headers: headers, body: body }));
    } catch (x) {
      this.log("the session's end was not recorded (" + why(x) + ")");
    }
    var self = this;
    return Promise.all(sent).then(function () {}, function (x) { self.log("the session's end was not recorded (" + why(x) + ")"); });
  };

  // A launch whose parameters are unusable: an adapter whose start() gives the reason, so the page
  // says why progress is not recorded (the runtime shows a start's failure; a factory's only logs).
  function refused(error) {
    var none = function () {};
    return { name: "cmi5", suspendLimit: MAX_SUSPEND, progress: none, param: none, finish: none, end: none,
             save: function () { return { ok: false, truncated: false }; },
             start: function () { return Promise.reject(error); } };
  }

  // The factory (motsim-lms.js): null when the page was not launched by a cmi5 LMS.
  function factory(env) {
    var win = (env && env.window) || global, params;
    try {
      params = launchParameters(win);
    } catch (e) {
      return refused(new Error((e && e.message ? e.message : String(e)) + "; nothing is sent to it"));
    }
    if (!params) return null;
    return new Cmi5Adapter(env || {}, params);
  }
  factory.launchParameters = launchParameters;
  factory.isoDuration = isoDuration;

  var L = global.MotsimLMS = global.MotsimLMS || { adapters: {} };
  L.adapters = L.adapters || {};
  L.adapters.cmi5 = factory;
})(typeof window !== "undefined" ? window : this);
