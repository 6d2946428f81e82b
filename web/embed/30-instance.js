// ==== 30-instance.js: one embedded simulator ====================================================
// Loading the runtime (motsim_app.js, once per page), the Instance and its start-up (options,
// storage, link and lesson in their order), the host services the module calls
// (Module.motsimHost, called from src/platform/web_platform.cpp) and the events it sends. Storage is in 32-storage.js,
// the actions a host calls in 36-actions.js, the DOM in 40-shell.js and 45-mirror.js.

// ---- The runtime: motsim_app.js, loaded once per page ----

var runtimes = {};
function loadRuntime(base) {
  var url = base + "motsim_app.js";
  if (runtimes[url]) return runtimes[url];
  runtimes[url] = new Promise(function (resolve, reject) {
    if (typeof global.createMotsim === "function") { resolve(global.createMotsim); return; }
    var s = document.createElement("script");
    s.src = url;
    s.async = true;
    s.onload = function () {
      if (typeof global.createMotsim === "function") resolve(global.createMotsim);
      else reject(new Error(url + " loaded but defines no createMotsim"));
    };
    s.onerror = function () {
      delete runtimes[url];
      reject(new Error("the simulator (" + url + ") could not be loaded"));
    };
    document.head.appendChild(s);
  });
  return runtimes[url];
}

function hasWebGL2() {
  try { return !!document.createElement("canvas").getContext("webgl2"); } catch (e) { return false; }
}

// ---- One simulator instance ----

function Instance(element, opts, problems) {
  this.el = element;
  this.opts = opts;
  this.events = new Emitter();
  this.module = null;
  this.bridge = null;
  this.ready = false;
  this.destroyed = false;
  this.timers = [];
  this.mirrorInputs = {};  // path -> {input, output, spec}
  this.lastMetricsText = "";
  this.lastLessonJson = "";
  this.collectors = new Set();  // arrays collecting error messages while a host call runs (embed.html)
  this.pendingProblems = problems || [];
  this.storage = null;     // the claimed storage prefix (opts.storage unless another instance has it)
  this.restoring = false;  // replaying saved lesson progress: no events, no storage writes
  this.fetchAllow = null;  // embed.html: which URLs may be fetched (the deployer's folders)
  if (opts.on) for (var k in opts.on) this.events.on(k, opts.on[k]);
  this.api = this.makeApi();
}

Instance.prototype.report = function (message) {
  var msg = "motsim: " + message;
  this.collectors.forEach(function (c) { c.push(message); });
  console.warn(msg);
  this.emit("error", { message: message });
  this.announce(/^[a-z]+ /.test(message) ? message.charAt(0).toUpperCase() + message.slice(1) : message);  // not a file name
};
Instance.prototype.emit = function (name, data) {
  if (this.destroyed) return;
  this.events.emit(name, data);
};
Instance.prototype.ccall = function (name, ret, types, args, what) {
  if (!this.bridge || this.destroyed) return ret === "string" ? null : 0;
  return this.bridge.call(name, ret, types, args, what);
};
Instance.prototype.json = function (name, types, args) {
  if (!this.bridge || this.destroyed) return null;
  return this.bridge.json(name, types, args);
};

// ---- start-up ----
Instance.prototype.start = function () {
  var self = this, o = this.opts;
  injectCss();
  watchTraps();
  this.buildShell();
  if (!hasWebGL2()) {
    var why = "This browser or device has no WebGL2, which the simulator needs to draw. Try a current " +
              "Chrome, Edge, Firefox or Safari, or enable hardware acceleration.";
    this.fail(why);
    return Promise.reject(new Error(why));
  }
  var fetchAllow = this.fetchAllow;
  var scenarioP = o.scenario !== undefined ? scenarioText(o.scenario, fetchAllow).catch(function (e) {
    self.pendingProblems.push(errorText(e) + "; showing the default scenario");
    return null;
  }) : Promise.resolve(null);
  var lessonP = o.lesson !== undefined && o.lesson !== null ? lessonObject(o.lesson, function (m) {
    self.pendingProblems.push(m);
  }, fetchAllow).catch(function (e) {
    self.pendingProblems.push(errorText(e));
    return null;
  }) : Promise.resolve(null);
  var hash = o.state === "hash" ? hashPayload(location.hash) : null;
  var shareP = hash !== null ? decodeState(hash).catch(function (e) {
    self.pendingProblems.push(errorText(e) + (o.storage ? "" : "; showing the default scenario"));
    return null;
  }) : Promise.resolve(null);
  var bridgeRef = { bridge: null };
  return this.claimStorage().then(function (prefix) {
    self.storage = prefix;
    self.savedScenario = !!self.readStorage("motsim.scenario");
    return loadRuntime(o.base);
  }).then(function (createMotsim) {
    if (self.destroyed) throw new Error("destroyed before it was ready");
    var arg = {
      motsimHost: self.hostServices(),
      locateFile: function (path) { return o.base + path; },
      print: function (t) { console.log(t); },
      printErr: function (t) { console.warn(t); },
      onAbort: function (what) {
        if (self.bridge) self.bridge.trap(new Error("abort: " + what), "the simulator");
        else self.fail("The simulator stopped: " + what);
        self.emit("error", { message: "the simulator stopped: " + what });
      }
    };
    // A page opened from a plain folder (file://) cannot fetch the .wasm: an LMS package then
    // ships it as a script (motsim_app.wasm.js sets MOTSIM_WASM_BASE64, web/lms/motsim-lms.js).
    if (location.protocol === "file:" && typeof global.MOTSIM_WASM_BASE64 === "string") {
      try {
        var bin = atob(global.MOTSIM_WASM_BASE64), bytes = new Uint8Array(bin.length);
        for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        arg.wasmBinary = bytes;
      } catch (e) { console.warn("motsim: MOTSIM_WASM_BASE64 is not base64; fetching the .wasm instead"); }
    }
    countFrames(arg, self.canvas, bridgeRef);
    return createMotsim(arg);
  }).then(function (module) {
    self.module = module;
    self.bridge = bridgeRef.bridge = new Bridge(module, {
      fail: function (m) {
        self.fail(m.charAt(0).toUpperCase() + m.slice(1) + ".");
        self.emit("error", { message: m });
        self.announce("The simulator stopped after an internal error. Reload the page to start it again.");
      },
      report: function (m) { self.report(m); }
    });
    module.__motsimBridge = self.bridge;
    // main() has run by now; a trap inside it is swallowed by the glue, and the app then
    // answers "not ready" (null): say so instead of showing a canvas that never draws.
    if (self.bridge.state() === null) throw new Error(self.bridge.dead || "its start-up stopped with an error (the browser's console says more)");
    return Promise.all([scenarioP, lessonP, shareP]);
  }).then(function (r) {
    if (self.destroyed) throw new Error("destroyed before it was ready");
    return self.initialise(r[0], r[1], r[2]);
  }).then(function () {
    if (self.bridge.dead) throw new Error(self.bridge.dead);
    return self.api;
  }).catch(function (e) {
    var msg = errorText(e);
    if (!self.bridge || !self.bridge.dead) self.fail("The simulator could not start: " + msg);
    self.emit("error", { message: msg });
    self.releaseStorage();
    throw e instanceof Error ? e : new Error(msg);
  });
};

// Order: a good link wins; else a scenario the learner edited and saved (storage) wins over
// the scenario option; a bad link is reported and changes nothing.
Instance.prototype.initialise = function (scenario, lesson, share) {
  var o = this.opts, b = this.bridge, self = this;
  var restored = this.savedScenario && !this.savedUnreadable();
  if (scenario !== null && !share) {
    if (restored) console.info("motsim: kept the scenario saved in this browser (storage '" + this.storage +
                               "') over the scenario option");
    else b.load(scenario, scenarioName(o.scenario));
  }
  if (!restored || share) {
    if (o.seed !== undefined) b.set("seed", o.seed);
    if (o.speed !== undefined) b.set("speed", o.speed);
  }
  var applied = share ? applyStateParts(b, share) : null;
  // With storage the applied link leaves the address, as on the full page: the simulator now
  // remembers the run itself, and a reload must not put the link back over later edits.
  if (applied && applied.loaded && this.storage && history.replaceState) {
    try { history.replaceState(history.state, "", location.href.replace(/#.*$/, "")); } catch (e) { /* sandboxed */ }
  }
  if (applied && !applied.loaded)
    this.pendingProblems.push("the link's scenario could not be loaded; " +
                              (restored ? "keeping your saved scenario" : "showing the " + (scenario !== null ? "page's" : "default") + " scenario"));
  if (lesson) {  // the lesson's own locked, panels and mirror, where the host gave none
    var parts = splitLesson(lesson, function (m) { self.pendingProblems.push(m); });
    lesson = parts.lesson;
    LESSON_OPTIONS.forEach(function (k) { if (o[k] === undefined && parts[k] !== undefined) o[k] = parts[k]; });
  }
  var config = { theme: this.moduleTheme() };
  if (o.panels) config.panels = o.panels;
  if (o.locked) config.locked = o.locked;
  if (lesson) config.lesson = lesson;
  b.configure(config, lesson ? "lesson" : "configuration");
  this.lessonKey = lesson ? lessonHash(lesson) : null;
  var progress = lesson && this.storage && !(applied && applied.loaded) ? this.savedProgress() : null;
  return (progress ? this.restoreProgress(progress) : Promise.resolve()).then(function () {
    if (lesson) self.saveProgress(progress ? null : "start");
    b.command(o.autoplay ? "play" : "pause");
    self.ready = true;
    self.buildMirror();
    self.refreshLoop();
    var problems = self.pendingProblems;
    self.pendingProblems = [];
    problems.forEach(function (m) { self.report(m); });
    self.emit("ready", self.metrics());
  });
};

// True when the module said the saved scenario could not be read (it then runs the default).
Instance.prototype.savedUnreadable = function () {
  var s = this.bridge.state();
  var msgs = s && s.messages ? s.messages : [];
  return msgs.some(function (m) { return m.error && /saved in this browser could not be read/.test(m.text); });
};

Instance.prototype.moduleTheme = function () {
  var t = this.opts.theme;
  if (t === "auto") return global.matchMedia && matchMedia("(prefers-color-scheme: light)").matches ? "light" : "dark";
  return t || "dark";
};

// What the module asks of the page (Module.motsimHost, called from src/platform/web_platform.cpp).
Instance.prototype.hostServices = function () {
  var self = this;
  return {
    ready: function () {},
    adaptTouch: adaptTouch,  // 34-touch.js: the module calls it with its canvas
    openFile: function () {
      if (!self.fileInput) return;
      self.fileInput.value = "";
      self.fileInput.click();
    },
    download: function (name, mime, text) { download(name, new Blob([text], { type: mime })); },
    screenshot: function (name) {
      self.canvas.toBlob(function (blob) { if (blob) download(name, blob); }, "image/png");
    },
    store: function (key, value) { self.writeStorage(key, value); },
    load: function (key) { return self.readStorage(key); },
    event: function (name, json) {
      var data = null;
      try { data = JSON.parse(json); } catch (e) { data = { raw: json }; }
      var quiet = self.restoring;
      // Later, not inside the module's call: a listener may call back into the simulator.
      later(function () { self.onModuleEvent(name, data, quiet); });
    },
    copyLink: function (shareJson) {
      self.makeLink(shareJson).then(function (url) {
        if (url) self.offerLink(url, true);
      });
    }
  };
};

// quiet: the event came while saved lesson progress was replayed (not news to the host).
Instance.prototype.onModuleEvent = function (name, data, quiet) {
  if (this.destroyed) return;
  if (this.bridge) this.bridge.onEvent(name, data);
  if (quiet) return;
  if (name === "param") {
    if (data && typeof data.path === "string") this.updateMirrorValue(data.path, data.value);
    if (data && data.by === "learner") this.emit("param", data);
    return;
  }
  if (name === "error") {
    this.moduleErrorSeen = true;
    var msg = data && data.message ? data.message : "error";
    var safe = parentSafe(msg, data && data.problems);
    this.collectors.forEach(function (c) { c.push(safe); });
    this.emit("error", data);
    this.announce("Problem: " + msg);
    return;
  }
  if (name === "finished") {
    this.refreshSoon();
    this.emit("finished", data);
    if (data) this.announce("Run finished: " + num(data.arrivals) + " customers, " + num(data.purchases) +
                            " purchases (conversion " + pct(data.conversion) + "), " + num(data.lost) +
                            " lost, NPS " + num(data.nps) + ".");
    return;
  }
  if (name === "lesson_step") {
    this.saveProgress("step");
    this.refreshLesson(true);
    this.emit("lesson_step", data);
    this.announce("Step " + ((data && data.step) + 1) + " met. " + (data && data.detail ? data.detail : ""));
    return;
  }
  if (name === "lesson_done") {
    this.refreshLesson(true);
    this.emit("lesson_done", data);
    var self = this;
    setTimeout(function () { self.announce("Lesson complete: every step is met. Well done."); }, 1200);
    return;
  }
  if (name === "loaded") {
    if (this.ready) {
      this.saveProgress("loaded");
      this.buildMirror();
    }
    this.emit("loaded", data);
    return;
  }
  if (name === "reached") this.refreshSoon();
  this.emit(name, data);  // tick, reached, lesson_checked and anything newer
};
