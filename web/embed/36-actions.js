// ==== 36-actions.js: what a host calls, and mount() ==============================================
// The instance's actions (finish, cancel, configure, load, set), the sim object mount() resolves
// to (makeApi), destroy(), and mount() itself.

// ---- host actions ----
Instance.prototype.metrics = function () { return this.bridge ? this.json("motsim_state") : null; };
Instance.prototype.command = function (c) { return this.bridge ? this.bridge.command(c) : false; };
Instance.prototype.guard = function (what) {
  if (this.destroyed) { console.warn("motsim: " + what + " after destroy() is ignored"); return false; }
  if (this.bridge && this.bridge.dead) { this.report(what + " was refused: " + this.bridge.dead); return false; }
  if (!this.ready) { this.report(what + " before the simulator is ready is ignored"); return false; }
  return true;
};
Instance.prototype.finish = function () {
  var self = this;
  var p = this.bridge.finish();
  this.refreshSoon();
  return p.then(function (ok) { self.refreshSoon(); return ok; });
};
Instance.prototype.cancel = function () {
  var ok = this.bridge.cancel();
  this.refreshSoon();
  return ok;
};

Instance.prototype.configure = function (partial) {
  var self = this;
  var problems = [];
  var o = normalizeOptions(partial, function (m) { problems.push(m); }, true);
  ["base", "scenario", "state", "storage", "on", "label"].forEach(function (k) {
    if (o[k] !== undefined) { problems.push("option '" + k + "' can only be given to mount()"); delete o[k]; }
  });
  var lessonP = o.lesson !== undefined && o.lesson !== null ? lessonObject(o.lesson, function (m) { problems.push(m); }, this.fetchAllow)
    .catch(function (e) { problems.push(errorText(e)); return undefined; }) : Promise.resolve(o.lesson);
  return lessonP.then(function (lesson) {
    if (lesson) {  // the lesson's own locked, panels and mirror, where this call gives none
      var parts = splitLesson(lesson, function (m) { problems.push(m); });
      lesson = parts.lesson;
      LESSON_OPTIONS.forEach(function (k) { if (o[k] === undefined && parts[k] !== undefined) o[k] = parts[k]; });
    }
    problems.forEach(function (m) { self.report(m); });
    if (!self.guard("configure()")) return false;
    var ok = problems.length === 0;
    var config = {};
    if (o.panels) config.panels = o.panels;
    if (o.locked) config.locked = o.locked;
    if (o.theme) { self.opts.theme = o.theme; config.theme = self.moduleTheme(); self.applyTheme(); }
    if (lesson) config.lesson = lesson;
    if (Object.keys(config).length) {
      // The text limit applies to the configuration as written out (a long lesson is refused
      // here, before the module sees it, and nothing of this call is applied).
      if (!self.bridge.configure(config, lesson ? "lesson" : "configuration")) return false;
      if (o.panels) self.opts.panels = o.panels;
      if (o.locked) self.opts.locked = o.locked;
    }
    if (lesson) {
      var fresh = self.lessonKey !== lessonHash(lesson);
      self.lessonKey = lessonHash(lesson);
      if (fresh) self.saveProgress("start");
    }
    if (o.seed !== undefined) ok = self.bridge.set("seed", o.seed) && ok;
    if (o.speed !== undefined) ok = self.bridge.set("speed", o.speed) && ok;
    if (o.autoplay !== undefined) { self.opts.autoplay = o.autoplay; self.command(o.autoplay ? "play" : "pause"); }
    if (o.width) { self.opts.width = o.width; self.root.style.width = o.width; }
    if (o.height) { self.opts.height = o.height; self.stage.style.height = o.height; }
    if (o.accessible !== undefined) self.opts.accessible = o.accessible;
    if (o.mirror) self.opts.mirror = o.mirror;
    // A mirror entry that is not a parameter of the scenario is reported and makes the answer false.
    if (o.locked || o.mirror || lesson || o.accessible !== undefined) ok = self.buildMirror() === 0 && ok;
    self.refresh();
    return ok;
  });
};

Instance.prototype.load = function (scenario) {
  var self = this;
  if (!isObject(scenario) && typeof scenario !== "string") {
    this.report("load() needs a scenario object, its JSON text or a URL");
    return Promise.resolve(false);
  }
  return scenarioText(scenario, this.fetchAllow).then(function (text) {
    if (!self.guard("load()")) return false;
    return self.bridge.load(text, scenarioName(scenario));
  }, function (e) {
    self.report(errorText(e));
    return false;
  });
};

Instance.prototype.set = function (path, value) {
  if (!this.guard("set()")) return false;
  if (typeof path !== "string" || !(path === "seed" || path === "speed" || /^\/[A-Za-z0-9_.\/-]{1,200}$/.test(path))) {
    this.report("set(): '" + String(path).slice(0, 80) + "' is not a parameter path like /moments/check_in/positive");
    return false;
  }
  if (!isFiniteNumber(value)) {
    this.report("set(" + path + "): the value must be a finite number");
    return false;
  }
  this.moduleErrorSeen = false;
  var ok = this.bridge.set(path, value);
  if (!ok && !this.bridge.dead) {
    // The module reports some refusals itself (an "error" event, delivered in a microtask
    // queued during the call); the others only as a message in the app: report those here.
    var s = this.metrics(), self = this;
    var last = s && s.messages && s.messages.length ? s.messages[s.messages.length - 1] : null;
    later(function () {
      if (!self.moduleErrorSeen) self.report("set(" + path + ", " + value + ") was refused" + (last && last.error ? ": " + last.text : ""));
    });
  }
  return ok;
};

Instance.prototype.makeApi = function () {
  var self = this;
  var api = {
    load: function (scenario) { return self.load(scenario); },
    set: function (path, value) { return self.set(path, value); },
    play: function () { return self.guard("play()") && self.command("play"); },
    pause: function () { return self.guard("pause()") && self.command("pause"); },
    // step() and step(1): one tick, at once (boolean). step(n > 1): a promise of true once the
    // run is n ticks on (the module runs it in slices across frames), false if cancelled.
    step: function (n) {
      if (n === undefined) n = 1;
      if (!Number.isInteger(n) || n < 1 || n > 1000000) {
        self.report("step(n): n must be a whole number from 1 to 1000000");
        return false;
      }
      if (!self.guard("step()")) return n === 1 ? false : Promise.resolve(false);
      if (n === 1) {
        var ok = self.command("step");
        self.refresh();
        return ok;
      }
      var s = self.metrics();
      if (!s) return Promise.resolve(false);
      var p = self.bridge.runTo(s.tick + n, s);
      self.refreshSoon();
      return p.then(function (done) { self.refreshSoon(); return done; });
    },
    reset: function () { return self.guard("reset()") && self.command("reset"); },
    // Authoring: one command object ({op: "add_moment" | "connect" | ...}, docs/embedding.md),
    // answered {ok: true, ...} or {ok: false, error: "/pointer: message"}; locked parameters and a
    // lesson's fixed structure stay as they are. undo() and redo() walk the same history as Ctrl+Z.
    edit: function (cmd) {
      if (!isObject(cmd) || typeof cmd.op !== "string") {
        var msg = "edit(command): a command object with an op, e.g. {op: \"add_moment\", name: \"Pays\"}";
        self.report(msg);
        return { ok: false, error: msg };
      }
      if (!self.guard("edit()")) return { ok: false, error: "the simulator is not ready" };
      var r = self.bridge.edit(cmd);
      if (r.ok) self.buildMirror();
      self.refresh();
      return r;
    },
    undo: function () { var ok = self.guard("undo()") && self.command("undo"); if (ok) self.buildMirror(); return ok; },
    redo: function () { var ok = self.guard("redo()") && self.command("redo"); if (ok) self.buildMirror(); return ok; },
    finish: function () { return self.guard("finish()") ? self.finish() : Promise.resolve(false); },
    cancel: function () { return self.guard("cancel()") && self.cancel(); },
    metrics: function () { return self.ready ? self.metrics() : null; },
    scenario: function () { return self.ready ? self.json("motsim_scenario") : null; },
    lesson: function () { return self.ready ? self.json("motsim_lesson") : null; },
    checkLesson: function () { return self.guard("checkLesson()") ? self.checkLesson(false) : Promise.resolve(false); },
    widget: function (name) {
      return self.ready && typeof name === "string" && name.length <= 100 ? self.json("motsim_widget", ["text"], [name]) : null;
    },
    configure: function (partial) { return self.configure(partial); },
    lock: function (paths) {
      var problems = [];
      var list = checkPaths(paths, function (m) { problems.push(m); }, "lock(paths)");
      if (problems.length || !list) { problems.forEach(function (m) { self.report(m); }); return false; }
      if (!self.guard("lock()")) return false;
      var ok = self.bridge.configure({ locked: list }, "list of locked paths");
      if (ok) self.opts.locked = list;
      self.buildMirror();
      return ok;
    },
    shareLink: function () { return self.ready ? self.makeLink() : Promise.resolve(null); },
    on: function (name, fn) {
      if (EVENTS.indexOf(name) < 0) { self.report("on(): unknown event '" + String(name).slice(0, 40) + "' (events: " + EVENTS.join(", ") + ")"); return false; }
      return self.events.on(name, fn);
    },
    off: function (name, fn) { return self.events.off(name, fn); },
    destroy: function () { self.destroy(); },
    element: this.el,
    canvas: null,
    module: null
  };
  Object.defineProperty(api, "canvas", { get: function () { return self.canvas; }, enumerable: true });
  Object.defineProperty(api, "module", { get: function () { return self.module; }, enumerable: true });
  Object.defineProperty(api, "ready", { get: function () { return self.ready; }, enumerable: true });
  Object.defineProperty(api, "storage", { get: function () { return self.storage; }, enumerable: true });
  return api;
};

Instance.prototype.destroy = function () {
  if (this.destroyed) return;
  this.timers.forEach(clearInterval);
  this.timers = [];
  clearTimeout(this.refreshTimer);
  if (this.resizeObserver) this.resizeObserver.disconnect();
  if (this.module) {
    try { if (!this.bridge.dead) this.command("pause"); } catch (e) { /* already stopped */ }
    try { if (this.module.pauseMainLoop) this.module.pauseMainLoop(); } catch (e) { /* gone */ }
    try {
      var gl = this.canvas.getContext("webgl2");
      var lose = gl && gl.getExtension("WEBGL_lose_context");
      if (lose) lose.loseContext();
    } catch (e) { /* no context */ }
  }
  if (this.bridge) this.bridge.close();
  this.releaseStorage();
  this.destroyed = true;
  this.ready = false;
  if (this.root && this.root.parentNode) this.root.parentNode.removeChild(this.root);
  this.module = null;
};

function pathLocked(locked, path) {
  for (var i = 0; i < locked.length; i++) {
    var l = locked[i];
    if (l === path) return true;
    if (l.slice(-2) === "/*" && path.indexOf(l.slice(0, -1)) === 0) return true;
  }
  return false;
}

function download(name, blob) {
  var a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
}

// ---- mount() ----

function mount(element, options) {
  return new Promise(function (resolve, reject) {
    if (typeof element === "string") element = document.querySelector(element);
    if (!element || element.nodeType !== 1) {
      reject(new Error("MotsimEmbed.mount: the first argument must be an element (or a selector that finds one)"));
      return;
    }
    var problems = [];
    var opts = normalizeOptions(options, function (m) { problems.push(m); }, false);
    var inst = new Instance(element, opts, problems);
    inst.start().then(resolve, reject);
  });
}

// mount() for serveFrame: also hands back the instance (for collecting a call's errors).
function mountWithInstance(element, options, fetchAllow) {
  var problems = [];
  var opts = normalizeOptions(options, function (m) { problems.push(m); }, false);
  var inst = new Instance(element, opts, problems);
  inst.fetchAllow = fetchAllow || null;
  return inst.start().then(function (api) { return { api: api, inst: inst }; });
}
