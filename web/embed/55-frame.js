// ==== 55-frame.js: serveFrame(), the iframe's side (embed.html) ==================================
// Who may drive the frame and what it may fetch (motsim-deploy.json), the frame's options from
// its query, and the requests it answers, one at a time, with nothing of fetched files in them.

// Who may drive the frame, and what it may fetch, is the deployer's choice, read from
// motsim-deploy.json beside embed.html (same origin, never from the query):
//   {"origins": ["https://lms.example.org"], "folders": ["scenarios/", "lessons/"]}
// origins: parent pages (exact origins) allowed to send messages, besides the site's own origin;
// folders: where scenario and lesson URLs may point (same origin, relative to the file).
// Without the file (or with a bad one): only the site's own origin, the shipped scenarios/ and
// lessons/. The query's origins= can only narrow the deployer's list. Messages and events carry
// no values from fetched files: a bad fetched scenario is "X is not a valid scenario (3 problems)".

var FRAME_TYPES = ["hello", "load", "set", "play", "pause", "step", "reset", "finish", "cancel", "get", "scenario",
                   "configure", "lock", "share", "check", "lesson", "edit", "undo", "redo"];
var FRAME_CONFIG_KEYS = ["panels", "locked", "theme", "lesson", "speed", "seed", "autoplay", "mirror", "accessible"];
var DEPLOY_FILE = "motsim-deploy.json";
var DEFAULT_FOLDERS = ["scenarios/", "lessons/"];

// -> Promise of {origins: [exact origins], folders: [absolute folder URLs ending in "/"]}.
function deploySettings(report) {
  var fileUrl = new URL(DEPLOY_FILE, location.href).href;
  function folderUrls(list) {
    var out = [];
    list.forEach(function (f) {
      var u;
      try { u = new URL(String(f).replace(/\/?$/, "/"), fileUrl); } catch (e) { u = null; }
      if (!u || u.origin !== location.origin || u.search || u.hash) {
        report(DEPLOY_FILE + ": folder '" + String(f).slice(0, 100) + "' is not a folder on this site (ignored)");
        return;
      }
      if (out.indexOf(u.href) < 0) out.push(u.href);
    });
    return out;
  }
  var defaults = function () { return { origins: [], folders: folderUrls(DEFAULT_FOLDERS), file: false }; };
  return fetch(fileUrl, { credentials: "same-origin", cache: "no-store", redirect: "error" }).then(function (r) {
    if (r.status === 404) return null;
    if (!r.ok) throw new Error("HTTP " + r.status);
    return r.text();
  }).then(function (text) {
    if (text === null) return defaults();
    var d;
    try { d = JSON.parse(text); } catch (e) { throw new Error("not valid JSON"); }
    if (!isObject(d)) throw new Error("not an object");
    var out = defaults();
    out.file = true;
    if (d.origins !== undefined) {
      if (!Array.isArray(d.origins)) throw new Error("origins must be a list of origins");
      d.origins.forEach(function (o) {
        if (typeof o === "string" && exactOrigin(o)) { if (out.origins.indexOf(o) < 0) out.origins.push(o); }
        else report(DEPLOY_FILE + ": '" + String(o).slice(0, 100) + "' is not an origin like https://lms.example.org (ignored)");
      });
    }
    if (d.folders !== undefined) {
      if (!Array.isArray(d.folders)) throw new Error("folders must be a list of folders");
      out.folders = folderUrls(d.folders);
    }
    return out;
  }).catch(function (e) {
    report(DEPLOY_FILE + " could not be used (" + errorText(e) + "); only this site may drive the simulator, " +
           "with the shipped scenarios/ and lessons/");
    return defaults();
  });
}

// Is `href` a URL inside one of `folders`? Resolved against the page; same origin; no encoded
// separators or dot segments (a server may decode them after this check); no credentials.
function inFolders(href, folders) {
  var u;
  try { u = new URL(href, location.href); } catch (e) { return false; }
  if (u.origin !== location.origin || u.username || u.password) return false;
  var path = u.pathname;
  if (/%2f|%5c|%2e|%00|\\/i.test(path)) return false;
  var decoded;
  try { decoded = decodeURIComponent(path); } catch (e) { return false; }
  if (decoded.split("/").some(function (seg) { return seg === ".." || seg === "."; })) return false;
  for (var i = 0; i < folders.length; i++) {
    var f = new URL(folders[i]).pathname;
    if (path.length > f.length && path.indexOf(f) === 0) return true;
  }
  return false;
}

// Options from the frame's query: scenario, lesson (URLs in the deployer's folders), locked,
// panels (hidden), theme, seed, speed, autoplay, accessible. (origins: see frameOrigins.)
function frameOptions(search, report, folders) {
  var q = new URLSearchParams(search);
  var o = { state: "hash", width: "100%", height: "calc(100vh - 16px)" };
  function inAllowedFolder(name) {
    var v = q.get(name);
    if (v === null || v === "") return undefined;
    var u;
    try { u = new URL(v, location.href); } catch (e) { report(name + "= is not a URL"); return undefined; }
    if (!inFolders(u.href, folders)) {
      report(name + "=" + v.slice(0, 200) + " is outside the folders this site allows for embedding and was not used");
      return undefined;
    }
    return u.href;
  }
  o.scenario = inAllowedFolder("scenario");
  o.lesson = inAllowedFolder("lesson");
  var list = function (name) {
    var v = q.get(name);
    return v ? v.split(",").map(function (s) { return s.trim(); }).filter(Boolean) : undefined;
  };
  o.locked = list("locked");
  o.panels = list("panels");
  if (q.get("theme")) o.theme = q.get("theme");
  ["seed", "speed"].forEach(function (k) { if (q.get(k) !== null && q.get(k) !== "") o[k] = Number(q.get(k)); });
  ["autoplay", "accessible"].forEach(function (k) {
    var v = q.get(k);
    if (v === null) return;
    if (/^(1|true|yes|on)$/i.test(v)) o[k] = true;
    else if (/^(0|false|no|off)$/i.test(v)) o[k] = false;
    else report(k + " must be 1 or 0");
  });
  for (var k in o) if (o[k] === undefined) delete o[k];
  return o;
}

// The deployer's origins plus the site's own; the query's origins= keeps only those of them it
// names (it can narrow the list, never widen it). The site's own origin always stays: a page
// of the same origin can reach into the frame anyway.
function frameOrigins(search, deployOrigins, report) {
  var base = [location.origin].concat(deployOrigins.filter(function (o) { return o !== location.origin; }));
  var raw = new URLSearchParams(search).get("origins");
  if (!raw) return base;
  var out = [location.origin];
  raw.split(",").forEach(function (s) {
    s = s.trim();
    if (!s) return;
    if (!exactOrigin(s)) report("origins: '" + s.slice(0, 100) + "' is not an origin like https://lms.example.org (ignored)");
    else if (base.indexOf(s) < 0) report("origins: " + s + " is not allowed by this site's " + DEPLOY_FILE + " (ignored)");
    else if (out.indexOf(s) < 0) out.push(s);
  });
  return out;
}

// Text for the parent about an error: its first line, short, with the count of problems the
// loader found but none of their text (it may quote a fetched file's keys and values).
function parentSafe(message, problems) {
  var m = String(message || "error").split("\n")[0].slice(0, 300);
  if (typeof problems === "string" && problems) {
    var n = problems.split("\n").filter(function (l) { return l && !/: warning: /.test(l); }).length;
    var name = m.replace(/^could not load /i, "");
    if (/^could not load /i.test(m)) m = name + " is not a valid scenario (" + n + (n === 1 ? " problem)" : " problems)");
  }
  return m;
}
// The metrics for the parent: the app's messages cut to their first line, and a loader line
// ("file: /pointer: text") replaced by a count.
function parentSafeState(st) {
  if (!isObject(st) || !Array.isArray(st.messages)) return st;
  st.messages = st.messages.map(function (m) {
    var first = String(m && m.text || "").split("\n")[0];
    var lines = String(m && m.text || "").split("\n").filter(Boolean).length;
    var loader = /^(.{1,200}?): (line \d+, column \d+|\/[^\s]*): /.exec(first);
    if (loader) first = loader[1] + ": " + lines + (lines === 1 ? " note" : " notes") + " from the loader";
    return { text: first.slice(0, 300), error: !!(m && m.error) };
  });
  return st;
}

function serveFrame(element, extra) {
  var problems = [];
  var report = function (m) { problems.push(m); console.warn("motsim embed: " + m); };
  var inParent = window.parent && window.parent !== window;
  var allowed = null;   // known once the deployer's settings are read
  var folders = [];
  var eventOrigin = null;
  var sim = null;
  var queue = [];       // [event, data] waiting for the simulator
  var early = [];       // message events before the settings were read
  var earlyEvents = [];

  function postEvent(name, data) {
    if (!inParent || !eventOrigin) return;
    try { window.parent.postMessage({ motsim: PROTOCOL, event: name, data: data === undefined ? null : data }, eventOrigin); } catch (e) {
      console.warn("motsim embed: could not post the '" + name + "' event: " + errorText(e));
    }
  }

  function reply(ev, id, ok, result, error) {
    var msg = { motsim: PROTOCOL, re: id, ok: ok };
    if (ok) msg.result = result === undefined ? null : result; else msg.error = parentSafe(error);
    try { ev.source.postMessage(msg, ev.origin); } catch (e) { console.warn("motsim embed: could not reply: " + errorText(e)); }
  }

  // Runs one validated request; returns a promise of [ok, result, error].
  function handle(d) {
    var errors = [];
    var inst = sim.__inst;
    inst.collectors.add(errors);
    function done(ok, result) {
      inst.collectors.delete(errors);
      return ok ? [true, result] : [false, null, errors.length ? errors[errors.length - 1] : "'" + d.type + "' was refused"];
    }
    // Errors of long work arrive while it runs: collect them until it ends.
    function boolResult(v) {
      return Promise.resolve(v).then(function (ok) { return done(!!ok, !!ok); });
    }
    try {
      switch (d.type) {
        case "hello": return Promise.resolve(done(true, { protocol: PROTOCOL, ready: true }));
        case "get": return Promise.resolve(done(true, parentSafeState(sim.metrics())));
        case "scenario": return Promise.resolve(done(true, sim.scenario()));
        case "lesson": return Promise.resolve(done(true, sim.lesson()));
        case "play": case "pause": case "reset": case "finish": case "cancel": return boolResult(sim[d.type]());
        case "check": return boolResult(sim.checkLesson());
        case "step":
          if (d.n !== undefined && (!Number.isInteger(d.n) || d.n < 1 || d.n > 1000000)) {
            errors.push("step: n must be a whole number from 1 to 1000000");
            return Promise.resolve(done(false));
          }
          return boolResult(sim.step(d.n === undefined ? 1 : d.n));
        case "set":
          return boolResult(sim.set(d.path, d.value));
        case "load":
          if (!isObject(d.scenario) && typeof d.scenario !== "string") {
            errors.push("load: scenario must be a scenario object, its JSON text or a URL in this site's scenario folders");
            return Promise.resolve(done(false));
          }
          if (typeof d.scenario === "string" && d.scenario.trim().charAt(0) !== "{") {
            var tooLong = urlTooLong(d.scenario.trim(), "scenario");
            if (tooLong) {
              errors.push("load: " + tooLong);
              return Promise.resolve(done(false));
            }
            var u;
            try { u = new URL(d.scenario.trim(), location.href); } catch (e) { u = null; }
            if (!u || u.origin !== location.origin) {
              errors.push("load: a scenario URL must be on this site (" + location.origin + ")");
              return Promise.resolve(done(false));
            }
            if (!inFolders(u.href, folders)) {
              errors.push("load: a scenario URL must be in one of the folders this site allows for embedding");
              return Promise.resolve(done(false));
            }
          }
          return boolResult(sim.load(d.scenario));
        case "configure":
          if (!isObject(d.options)) { errors.push("configure: options must be an object"); return Promise.resolve(done(false)); }
          for (var key in d.options) if (FRAME_CONFIG_KEYS.indexOf(key) < 0) {
            errors.push("configure: option '" + key.slice(0, 40) + "' cannot be set through messages (allowed: " + FRAME_CONFIG_KEYS.join(", ") + ")");
            return Promise.resolve(done(false));
          }
          if (typeof d.options.lesson === "string") {
            errors.push("configure: the lesson must be an object in messages");
            return Promise.resolve(done(false));
          }
          return boolResult(sim.configure(d.options));
        case "lock": return boolResult(sim.lock(d.paths));
        case "edit": {
          if (!isObject(d.command)) { errors.push("edit: command must be an object with an op"); return Promise.resolve(done(false)); }
          var r = sim.edit(d.command);
          if (!r.ok && r.error) errors.push("edit: " + String(r.error).slice(0, 300));
          return Promise.resolve(done(!!r.ok, r));
        }
        case "undo": case "redo": return boolResult(sim[d.type]());
        case "share":
          return sim.shareLink().then(function (url) { return url ? done(true, url) : done(false); });
      }
    } catch (e) {
      errors.push("'" + d.type + "' failed: " + errorText(e));
      return Promise.resolve(done(false));
    }
    errors.push("unknown type");
    return Promise.resolve(done(false));
  }

  // One request at a time: a reply's errors are those of its own request.
  var chain = Promise.resolve();
  function process(ev, d) {
    var longWork = d.type === "step" && d.n > 1 || d.type === "finish" || d.type === "check";
    if (longWork) {  // do not hold the queue while it runs: cancel must get through
      handle(d).then(function (r) { reply(ev, d.id, r[0], r[1], r[2]); });
      return;
    }
    chain = chain.then(function () { return handle(d); }).then(function (r) { reply(ev, d.id, r[0], r[1], r[2]); },
      function (e) { reply(ev, d.id, false, null, errorText(e)); });
  }

  function onMessage(ev) {
    if (!allowed) { early.push(ev); return; }
    if (allowed.indexOf(ev.origin) < 0) {
      console.warn("motsim embed: ignored a message from " + ev.origin + " (allowed: " + (allowed.join(", ") || "none") + ")");
      return;
    }
    if (!inParent || ev.source !== window.parent) {
      console.warn("motsim embed: ignored a message that did not come from the page around this frame");
      return;
    }
    var d = ev.data;
    var validId = isObject(d) && ((typeof d.id === "string" && d.id.length > 0 && d.id.length <= 100) ||
                                  (isFiniteNumber(d.id)));
    function bad(message) {
      console.warn("motsim embed: " + message);
      if (validId) reply(ev, d.id, false, null, message);
      else {
        var saved = eventOrigin;
        eventOrigin = ev.origin;
        postEvent("error", { message: message });
        eventOrigin = saved || ev.origin;
      }
    }
    if (!isObject(d)) { bad("malformed message: expected an object like {motsim: 1, id, type}"); return; }
    if (d.motsim !== PROTOCOL) { bad("unsupported protocol version " + String(JSON.stringify(d.motsim)).slice(0, 40) + " (this frame speaks motsim: 1)"); return; }
    if (!validId) { bad("malformed message: id must be a short string or a number"); return; }
    if (typeof d.type !== "string" || FRAME_TYPES.indexOf(d.type) < 0) {
      bad("unknown message type " + JSON.stringify(typeof d.type === "string" ? d.type.slice(0, 40) : typeof d.type) +
          " (types: " + FRAME_TYPES.join(", ") + ")");
      return;
    }
    if (!eventOrigin) eventOrigin = ev.origin;
    if (!sim) queue.push([ev, d]); else process(ev, d);
  }
  window.addEventListener("message", onMessage);

  var forward = {};
  EVENTS.forEach(function (name) {
    forward[name] = function (data) {
      // Errors reach the parent as one safe line (see parentSafe).
      if (name === "error") data = { message: parentSafe(data && data.message, data && data.problems) };
      if (sim) postEvent(name, data); else earlyEvents.push([name, data]);
    };
  });
  var target = typeof element === "string" ? document.getElementById(element) : element;
  if (!target) target = document.body;

  return deploySettings(report).then(function (settings) {
    folders = settings.folders;
    allowed = frameOrigins(location.search, settings.origins, report);
    // Where events go: the parent's origin when the browser tells it (ancestorOrigins), else
    // the only allowed origin, else the origin of the first valid message.
    if (inParent) {
      var anc = location.ancestorOrigins && location.ancestorOrigins.length ? location.ancestorOrigins[0] : null;
      if (anc) {
        if (allowed.indexOf(anc) >= 0) eventOrigin = anc;
        else console.warn("motsim embed: the page around this frame (" + anc + ") is not in the origins allow-list; " +
                          "it gets no events and its messages are ignored");
      } else if (allowed.length === 1) eventOrigin = allowed[0];
    }
    var opts = frameOptions(location.search, report, folders);
    opts.shareUrl = location.href.replace(/#.*$/, "");
    if (extra) for (var k in extra) if (Object.prototype.hasOwnProperty.call(extra, k)) opts[k] = extra[k];
    opts.on = forward;
    early.splice(0).forEach(onMessage);
    var problemsBefore = problems.slice();
    return mountWithInstance(target, opts, function (url) { return inFolders(url, folders); }).then(function (r) {
      sim = r.api;
      sim.__inst = r.inst;
      problemsBefore.forEach(function (m) { r.inst.report(m); });
      earlyEvents.forEach(function (e) { postEvent(e[0], e[1]); });
      earlyEvents = [];
      queue.forEach(function (q) { process(q[0], q[1]); });
      queue = [];
      global.motsimFrame = { sim: sim, allowed: allowed.slice(), folders: folders.slice() };
      return sim;
    });
  }).catch(function (e) {
    postEvent("error", { message: parentSafe(errorText(e)) });
    return null;
  });
}
