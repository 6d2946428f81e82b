// The page shell of the full-window app: checks WebGL2, shows loading and readable errors,
// and gives the module its host services (file picker, downloads, screenshots, local storage,
// "copy a link to this run"). A #motsim=... fragment (a shared run, see docs/embedding.md) is
// applied at start. Needs motsim-embed.js on the page first (MotsimEmbed: links, the bridge that
// passes text through the module's heap, the text limit, strict file reading, the touch adapter;
// its source is web/embed/).
// No inline script, style or handler is needed: index.html runs under
// script-src 'self' 'wasm-unsafe-eval'; style-src 'self'. This file loads motsim_app.js itself.
"use strict";
var motsimPage = (function () {
  var statusBox = document.getElementById("status");
  var Embed = window.MotsimEmbed;
  var bridge = null;

  function fail(message) {
    statusBox.classList.remove("hidden");
    statusBox.classList.add("failed");
    statusBox.innerHTML = "";
    var box = document.createElement("div");
    box.className = "error";
    box.setAttribute("role", "alert");
    var title = document.createElement("strong");
    title.textContent = bridge ? "motsim stopped" : "motsim cannot start";
    var text = document.createElement("p");
    text.textContent = message;
    box.appendChild(title);
    box.appendChild(text);
    statusBox.appendChild(box);
  }

  function hasWebGL2() {
    try { return !!document.createElement("canvas").getContext("webgl2"); } catch (e) { return false; }
  }

  // Saving a file: the same helper as embedded simulators.
  function download(name, blob) { Embed.download(name, blob); }

  // Storage: one tab at a time (Web Locks where the browser has them). A second tab runs
  // without storage and says so, instead of the two overwriting each other's work.
  var storageOn = true;
  function claimStorage() {
    var locks = navigator.locks && typeof navigator.locks.request === "function" ? navigator.locks : null;
    if (!locks) return Promise.resolve(true);
    return Embed.lockStorage(locks, "motsim-storage:", function () { /* held while the page lives */ });
  }

  function host(canvas) {
    var fileInput = document.getElementById("file");
    // A chosen file goes to the loader: the size limit and strict UTF-8 first; a refused or bad
    // file is reported and the current scenario keeps running.
    fileInput.addEventListener("change", function () {
      var f = fileInput.files[0];
      if (!f || !bridge) return;
      Embed.readTextFile(f).then(function (text) { bridge.load(text, f.name, "file " + f.name); }, function (e) {
        report((e && e.message ? e.message : String(e)) + "; the current scenario keeps running");
      });
    });
    return {
      ready: function () {
        statusBox.classList.add("hidden");
        canvas.focus();
      },
      // The same touch adapter as embedded simulators (web/embed/34-touch.js).
      adaptTouch: Embed.adaptTouch,
      // Tab moves between the fields of the simulator's windows before it leaves the canvas.
      tabInside: true,
      openFile: function () {
        fileInput.value = "";
        fileInput.click();
      },
      download: function (name, mime, text) { download(name, new Blob([text], { type: mime })); },
      screenshot: function (name) {
        canvas.toBlob(function (blob) { if (blob) download(name, blob); }, "image/png");
      },
      store: function (key, value) {
        if (!storageOn) return;
        try { localStorage.setItem(key, value); } catch (e) { /* private mode: no memory */ }
      },
      load: function (key) {
        if (!storageOn) return null;
        try { return localStorage.getItem(key); } catch (e) { return null; }
      },
      event: function (name, json) {
        var data = null;
        try { data = JSON.parse(json); } catch (e) { data = { raw: json }; }
        events.push({ name: name, data: data });
        if (events.length > 100) events.shift();
        if (name === "error") console.warn("motsim: " + (data && data.message ? data.message : json));
        // Later, not inside the module's call (the bridge reads the state back).
        Promise.resolve().then(function () {
          if (bridge) bridge.onEvent(name, data);
          if (window.motsim && window.motsim.mirror) window.motsim.mirror.onEvent(name, data);
          // The lesson editor's "Download package": the page zips it (motsim-package.js).
          if (name === "package") makePackage(data && typeof data.format === "string" ? data.format : "");
        });
      },
      copyLink: function (shareJson) { if (bridge) copyLink(shareJson); }
    };
  }

  // An LMS package of the current lesson (web/motsim-package.js): progress and errors in the notice.
  var packaging = null;
  function makePackage(format) {
    if (!bridge || bridge.dead) return Promise.resolve({ ok: false, error: "the simulator is not running" });
    if (packaging) {
      notice("A package is being made already; it is saved when ready.");
      return packaging;
    }
    if (!window.MotsimPackage) {
      report("the package maker (motsim-package.js) is missing next to index.html");
      return Promise.resolve({ ok: false, error: "motsim-package.js is missing" });
    }
    var m = bridge.module;
    packaging = MotsimPackage.make({
      format: format,
      // An older module without the export would trap in ccall: ask only when it is there.
      filesOf: function (f) {
        if (typeof m._motsim_package_files !== "function")
          return JSON.stringify({ ok: false, error: "this build of the simulator cannot make packages" });
        return bridge.call("motsim_package_files", "string", ["text"], [f], "format");
      },
      download: download,
      status: function (text, kind) {
        if (kind === "error") {
          console.warn("motsim: " + text);
          events.push({ name: "error", data: { message: text } });
        }
        notice(text);
      }
    }).then(function (r) {
      packaging = null;
      return r;
    });
    return packaging;
  }

  // The last events the module sent (window.motsim.events), for tests and curious users.
  var events = [];

  // A refusal from the page (too large, not UTF-8...): the notice and the console.
  function report(message) {
    console.warn("motsim: " + message);
    events.push({ name: "error", data: { message: message } });
    notice((/^[a-z]+ /.test(message) ? message.charAt(0).toUpperCase() + message.slice(1) : message) + ".");  // not a file name
  }

  // A small notice at the bottom of the window; with `url`, a read-only field holding the link.
  function notice(text, url) {
    var box = document.getElementById("notice");
    if (!box) return;
    box.innerHTML = "";
    var p = document.createElement("span");
    p.textContent = text;
    box.appendChild(p);
    if (url) {
      var input = document.createElement("input");
      input.readOnly = true;
      input.value = url;
      input.setAttribute("aria-label", "Link to this run");
      box.appendChild(input);
      input.select();
    }
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Close";
    close.addEventListener("click", function () { box.classList.add("hidden"); });
    box.appendChild(close);
    box.classList.remove("hidden");
    clearTimeout(notice.timer);
    if (!url) notice.timer = setTimeout(function () { box.classList.add("hidden"); }, 8000);
  }

  // shareJson (motsim_share) -> the page URL with #motsim=..., copied when the browser allows.
  function shareUrl(shareJson) {
    return Promise.resolve().then(function () {
      return Embed.encodeState(Embed.shareState(bridge, shareJson));
    }).then(function (payload) {
      return location.href.replace(/#.*$/, "") + "#motsim=" + payload;
    });
  }
  function copyLink(shareJson) {
    shareUrl(shareJson).then(function (url) {
      var clip = navigator.clipboard && navigator.clipboard.writeText ? navigator.clipboard.writeText(url) : Promise.reject();
      return clip.then(function () { notice("A link to this run was copied to the clipboard (" + Math.ceil(url.length / 1024) + " KB)."); },
                       function () { notice("Copy this link to share the run:", url); });
    }).catch(function (e) {
      notice("No link: " + (e && e.message ? e.message : e));
    });
  }

  // A #motsim=... fragment: the shared scenario, seed, speed and tick (the run to the tick is
  // sliced by the module). A bad one is reported and changes nothing: the scenario the app
  // restored from storage (the learner's work) or the default keeps running. A good one is
  // applied and then taken out of the address (the app remembers the run itself, so a reload
  // does not undo later edits). Resolves true once applied and at the link's tick.
  function applyFragment() {
    var at = location.hash.indexOf("motsim=");
    if (at < 0) return Promise.resolve(null);
    return Embed.decodeState(location.hash.slice(at)).then(function (state) {
      // The scenario goes in with its key order kept (motsim_load_share would re-sort it).
      return Embed.applyState(bridge, state).then(function (ok) {
        if (!ok) throw new Error("the link's scenario could not be loaded");
        try { history.replaceState(history.state, "", location.href.replace(/#.*$/, "")); } catch (e) { /* sandboxed */ }
        return true;
      });
    }).catch(function (e) {
      var why = e && e.message ? e.message : String(e);
      console.warn("motsim: " + why);
      events.push({ name: "error", data: { message: "this link could not be used: " + why } });
      notice("This link could not be used: " + why + ". Your current scenario is unchanged.");
      return false;
    });
  }

  function start() {
    if (typeof createMotsim !== "function") return;
    if (!hasWebGL2()) {
      fail("This browser or device has no WebGL2, which the simulator needs to draw. " +
           "Try a current Chrome, Edge, Firefox or Safari, or enable hardware acceleration.");
      return;
    }
    var canvas = document.getElementById("canvas");
    var ref = { bridge: null };
    claimStorage().then(function (mine) {
      storageOn = mine;
      var arg = {
        motsimHost: host(canvas),
        print: function (t) { console.log(t); },
        printErr: function (t) { console.warn(t); },
        onAbort: function (what) {
          if (bridge) bridge.trap(new Error("abort: " + what), "the simulator");
          else fail("The simulator stopped: " + what);
        }
      };
      Embed.countFrames(arg, canvas, ref);
      return createMotsim(arg);
    }).then(function (m) {
      bridge = ref.bridge = Embed.bridge(m, {
        fail: function (message) { fail(message.charAt(0).toUpperCase() + message.slice(1) + "."); },
        report: report
      });
      if (bridge.state() === null) {  // main() trapped: the glue swallows that, the app answers "not ready"
        if (!bridge.dead) fail("The simulator could not start: its start-up stopped with an error (the browser's console says more).");
        return;
      }
      if (!storageOn)
        notice("motsim is open in another tab or window: this one does not save your work (close the other to save here).");
      var text = function (name, ret, types, args, what) { return bridge.call(name, ret, types, args, what); };
      window.motsim = {
        events: events,
        fragment: applyFragment(),
        shareLink: function () { return shareUrl(); },
        module: m,
        bridge: bridge,
        state: function () { return bridge.state(); },
        // An authoring command (App::edit lists them): {"ok": true, ...} or {"ok": false, "error"}.
        edit: function (cmd) { return bridge.json("motsim_edit", ["text"], [typeof cmd === "string" ? cmd : JSON.stringify(cmd)]); },
        load: function (t, name) { return bridge.load(String(t), name || "scenario"); },
        set: function (path, value) { return bridge.set(String(path), value); },
        command: function (c) { return bridge.command(String(c)); },
        runTo: function (tick) { return bridge.runTo(tick); },
        finish: function () { return bridge.finish(); },
        cancel: function () { return bridge.cancel(); },
        checkLesson: function () { return bridge.checkLesson(); },
        scenario: function () { return bridge.json("motsim_scenario"); },
        widget: function (name) { return bridge.json("motsim_widget", ["text"], [String(name)]); },
        story: function () { return text("motsim_story", "string", [], []); },
        makePackage: makePackage,
        storage: storageOn
      };
      // The DOM mirror (motsim-mirror.js): the canvas's controls and results as HTML.
      var mirrorRoot = document.getElementById("mirror");
      if (mirrorRoot && window.MotsimMirror) window.motsim.mirror = MotsimMirror.start(bridge, mirrorRoot);
    }, function (err) {
      fail("The simulator could not start: " + (err && err.message ? err.message : err));
    });
  }

  // The module's script, loaded from here (no inline onerror in the page).
  function boot() {
    if (!Embed) {
      fail("motsim-embed.js is missing next to index.html.");
      return;
    }
    var s = document.createElement("script");
    s.src = "motsim_app.js";
    s.onload = function () {
      if (typeof createMotsim !== "function") fail("motsim_app.js loaded but defines no createMotsim.");
      else start();
    };
    s.onerror = function () {
      fail("The simulator (motsim_app.js) could not be loaded. Is the page served by scripts/run.sh?");
    };
    document.body.appendChild(s);
  }

  return { start: start, fail: fail, boot: boot };
})();
motsimPage.boot();
