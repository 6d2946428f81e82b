// motsim-embed.js - puts the motsim simulator into any page (docs/embedding.md).
//
//   <div id="sim"></div>
//   <script src="https://example.org/motsim/motsim-embed.js"></script>
//   <script>MotsimEmbed.mount(document.getElementById("sim"), { scenario: "scenarios/shelf.json" })
//             .then(function (sim) { sim.on("finished", function (m) { console.log(m.conversion); }); });</script>
//
// A plain script, no build step: window.MotsimEmbed = { mount, connect, encodeState, decodeState,
// serveFrame, version }. mount() loads motsim_app.js once per page and starts one WebAssembly
// module per instance, each with its own canvas; beside the canvas goes an accessible DOM mirror
// (buttons, labelled sliders, metrics, a live region, the lesson). connect() drives a simulator in
// an iframe (embed.html) over postMessage with the same API, promise-based. serveFrame() is the
// iframe's side of that protocol (embed.html starts it through data-motsim-frame).
// Nothing here evaluates text as code; every value a host passes is checked, and problems are
// reported as "error" events instead of exceptions thrown from asynchronous paths.
(function (global) {
  "use strict";

  var PROTOCOL = 1;
  var FRAGMENT_PREFIX = "motsim=";
  var MAX_FRAGMENT = 32 * 1024;        // characters of the encoded fragment
  var MAX_STATE_JSON = 1024 * 1024;    // bytes of decoded JSON
  // Any text handed to the module (a scenario, a lesson or configuration, a link's state) is at
  // most 4 MiB of UTF-8. Longer text is refused before the call (textLimitProblem, enforced in
  // Bridge.call, which every module call goes through), and the simulator keeps its scenario.
  var MAX_TEXT_BYTES = 4 * 1024 * 1024;
  var MAX_FETCH = MAX_TEXT_BYTES;      // a scenario or lesson fetched from a URL
  var PANELS = ["menu", "controls", "editor", "charts", "story"];
  var EVENTS = ["ready", "tick", "finished", "param", "error", "lesson_step", "lesson_done", "loaded", "share",
                "reached", "lesson_checked"];
  var METRICS = ["conversion", "nps", "rating", "done_share", "lost_share", "purchases", "arrivals", "advocates",
                 "referrals"];
  var MIRROR_DEFAULT_MAX = 12;

  var thisScript = document.currentScript;
  var scriptBase = thisScript && thisScript.src ? dirOf(thisScript.src) : dirOf(document.baseURI);

  // ==== Small helpers ===========================================================================

  function dirOf(url) {
    var u = String(url).replace(/[?#].*$/, "");
    return u.slice(0, u.lastIndexOf("/") + 1);
  }
  function isObject(v) { return v !== null && typeof v === "object" && !Array.isArray(v); }
  function isFiniteNumber(v) { return typeof v === "number" && isFinite(v); }
  function errorText(e) { return e && e.message ? e.message : String(e); }
  function later(fn) {
    if (typeof queueMicrotask === "function") queueMicrotask(fn);
    else Promise.resolve().then(fn);
  }
  function pct(x) { return isFiniteNumber(x) ? (Math.round(x * 1000) / 10) + "%" : "-"; }
  function num(x) { return isFiniteNumber(x) ? String(Math.round(x)) : "-"; }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) {
      if (k === "className") e.className = attrs[k];
      else e.setAttribute(k, attrs[k]);
    }
    if (text !== undefined) e.textContent = text;
    return e;
  }
  var uid = 0;
  function nextId(prefix) { return prefix + "-" + (++uid) + "-" + Math.random().toString(36).slice(2, 7); }

  // A tiny event emitter: listener errors are reported on the console, never break the caller.
  // Listeners live in a Map, so any name ("__proto__", "constructor") is only a name.
  function Emitter() { this.map = new Map(); }
  Emitter.prototype.on = function (name, fn) {
    if (typeof name !== "string" || typeof fn !== "function") return false;
    if (!this.map.has(name)) this.map.set(name, []);
    this.map.get(name).push(fn);
    return true;
  };
  Emitter.prototype.off = function (name, fn) {
    var list = this.map.get(name);
    if (!list) return false;
    var i = list.indexOf(fn);
    if (i < 0) return false;
    list.splice(i, 1);
    return true;
  };
  Emitter.prototype.emit = function (name, data) {
    var list = (this.map.get(name) || []).slice();
    for (var i = 0; i < list.length; i++) {
      try { list[i](data); } catch (e) { console.error("motsim: a '" + name + "' listener threw:", e); }
    }
    return list.length;
  };

  // ==== Text for the module: the size limit, strict decoding ======================================

  // Bytes of `s` in UTF-8 (what the module receives).
  function utf8Bytes(s) {
    var n = 0;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c < 0x80) n += 1;
      else if (c < 0x800) n += 2;
      else if (c >= 0xD800 && c <= 0xDBFF && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xFC00) === 0xDC00) { n += 4; i++; }
      else n += 3;
    }
    return n;
  }
  function megabytes(bytes) { return (bytes / 1048576).toFixed(1) + " MB"; }
  // The one rule for text sizes: null when `bytes` of `what` may go to the module, else the message.
  function textLimitProblem(bytes, what) {
    if (bytes <= MAX_TEXT_BYTES) return null;
    return "the " + what + " is " + megabytes(bytes) + "; the limit is 4 MB";
  }
  // The same for a string (cheap for short ones: a UTF-16 unit is at most 3 bytes of UTF-8).
  function textTooLong(s, what) {
    if (s.length * 3 <= MAX_TEXT_BYTES) return null;
    if (s.length > 4 * MAX_TEXT_BYTES) return "the " + what + " is more than 16 MB; the limit is 4 MB";
    return textLimitProblem(utf8Bytes(s), what);
  }
  // Bytes -> text, refusing anything that is not UTF-8 (no silent U+FFFD).
  function decodeUtf8(bytes, what) {
    try { return new TextDecoder("utf-8", { fatal: true }).decode(bytes); } catch (e) {
      throw new Error(what + " is not UTF-8 text (save it as UTF-8 and try again)");
    }
  }
  // A file from a file picker -> Promise of its text: the size limit first (nothing large is
  // read), then strict UTF-8.
  function readTextFile(file) {
    return Promise.resolve().then(function () {
      var tooBig = textLimitProblem(file.size, "file " + file.name);
      if (tooBig) throw new Error(tooBig);
      return file.arrayBuffer();
    }).then(function (buf) { return decodeUtf8(new Uint8Array(buf), file.name); });
  }

  // Fetches text with a size limit (a hostile or mistaken URL cannot fill the memory).
  // `allow(url)`, when given, must accept the final URL after any redirect.
  function fetchText(url, what, allow) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (allow && r.url && !allow(r.url)) throw new Error("the " + what + " at " + url + " was redirected outside the allowed folders");
      if (!r.ok) throw new Error("could not fetch the " + what + " at " + url + " (HTTP " + r.status + ")");
      var tooBig = textLimitProblem(Number(r.headers.get("Content-Length") || 0), what + " at " + url);
      if (tooBig) throw new Error(tooBig);
      return r.arrayBuffer();
    }, function (e) {
      throw new Error("could not fetch the " + what + " at " + url + ": " + errorText(e));
    }).then(function (buf) {
      var tooBig = textLimitProblem(buf.byteLength, what + " at " + url);
      if (tooBig) throw new Error(tooBig);
      return decodeUtf8(new Uint8Array(buf), "the " + what + " at " + url);
    });
  }

  // ==== The bridge to one module: every call, the text limit, traps, long work ====================
  //
  // Text goes through the heap (malloc + stringToUTF8), never through ccall's "string" argument
  // type, which copies onto the small WebAssembly stack. A trap (RuntimeError, abort) in any call
  // stops the bridge: hooks.fail(message) shows the failure box and later calls are refused with
  // a message. Long work (run to a tick, run to the end, the lesson check) is sliced by the
  // module across frames (motsim_run_to, "reached", "lesson_checked"); the bridge turns it into
  // promises. A module without motsim_run_to (an older build) is stepped in slices from here.

  var bridges = [];  // live bridges, for the watch on traps inside frames

  function TextRefused(message) { this.message = message; }

  function Bridge(module, hooks) {
    this.module = module;
    this.hooks = hooks || {};
    this.dead = null;           // the message once the module stopped
    this.waits = [];            // promises of long work: {kind, target, resolve, quiet}
    this.pollTimer = null;
    this.slicer = null;         // the fallback's stepping job
    this.beats = 0;             // frames seen (see watchFrames)
    this.hasRunTo = typeof module._motsim_run_to === "function";
    bridges.push(this);
  }
  Bridge.prototype.report = function (message) {
    if (this.hooks.report) this.hooks.report(message); else console.warn("motsim: " + message);
  };
  Bridge.prototype.close = function () {
    var i = bridges.indexOf(this);
    if (i >= 0) bridges.splice(i, 1);
    this.settleAll(false);
    if (this.slicer) this.slicer.cancelled = true;
  };
  // The module trapped: stop its frames, settle the waiting promises, show the failure box.
  Bridge.prototype.trap = function (e, where) {
    if (this.dead) return;
    var what = errorText(e);
    this.dead = "the simulator stopped after an internal error (" + what + (where ? ", in " + where : "") +
                "); reload the page to start it again";
    console.error("motsim: " + this.dead, e);
    try { if (this.module.pauseMainLoop) this.module.pauseMainLoop(); } catch (x) { /* already stopped */ }
    this.close();
    if (this.hooks.fail) this.hooks.fail(this.dead);
  };
  Bridge.prototype.refuse = function (name) {
    this.report("'" + name + "' was refused: " + this.dead);
  };
  // Copies `s` into the module's heap; the caller frees the pointer.
  Bridge.prototype.heapText = function (s) {
    var m = this.module, n, p;
    if (typeof m.stringToUTF8 === "function" && typeof m.lengthBytesUTF8 === "function") {
      n = m.lengthBytesUTF8(s) + 1;
      p = m._malloc(n);
      if (!p) throw new TextRefused("not enough memory for a text of " + megabytes(n));
      m.stringToUTF8(s, p, n);
      return p;
    }
    var bytes = new TextEncoder().encode(s);  // an older build without stringToUTF8
    p = m._malloc(bytes.length + 1);
    if (!p) throw new TextRefused("not enough memory for a text of " + megabytes(bytes.length));
    m.HEAPU8.set(bytes, p);
    m.HEAPU8[p + bytes.length] = 0;
    return p;
  };
  // call(name, ret, types, args, what): like ccall, where a type "text" passes a string through
  // the heap; `what` names the text in a refusal ("scenario", "lesson"...). A refused or failed
  // call returns 0 (ret "number") or null (ret "string").
  Bridge.prototype.call = function (name, ret, types, args, what) {
    var fail = ret === "string" ? null : 0;
    if (this.dead) { this.refuse(name); return fail; }
    var m = this.module, ptrs = [], t = [], a = [], i;
    for (i = 0; i < types.length; i++) if (types[i] === "text") {
      var tooLong = textTooLong(String(args[i]), what || "text");
      if (tooLong) { this.report(tooLong); return fail; }
    }
    try {
      for (i = 0; i < types.length; i++) {
        if (types[i] === "text") {
          var p = this.heapText(String(args[i]));
          ptrs.push(p);
          t.push("number");
          a.push(p);
        } else {
          t.push(types[i]);
          a.push(args[i]);
        }
      }
      return m.ccall(name, ret, t, a);
    } catch (e) {
      if (e instanceof TextRefused) this.report(e.message);
      else this.trap(e, name);
      return fail;
    } finally {
      for (i = 0; i < ptrs.length; i++) try { m._free(ptrs[i]); } catch (e) { /* trapped */ }
    }
  };
  Bridge.prototype.json = function (name, types, args) {
    var text = this.call(name, "string", types || [], args || []);
    if (text === null) return null;
    try { return JSON.parse(text); } catch (e) { return null; }
  };
  Bridge.prototype.state = function () { return this.json("motsim_state"); };
  Bridge.prototype.command = function (c) { return this.call("motsim_command", "number", ["text"], [c], "command") === 1; };
  Bridge.prototype.load = function (text, name, what) {
    return this.call("motsim_load", "number", ["text", "text"], [text, name || "scenario"], what || "scenario") === 1;
  };
  Bridge.prototype.set = function (path, value, learner) {
    return this.call(learner ? "motsim_set_learner" : "motsim_set", "number", ["text", "number"], [path, value], "path") === 1;
  };
  Bridge.prototype.configure = function (config, what) {
    return this.call("motsim_configure", "number", ["text"], [JSON.stringify(config)], what || "configuration") === 1;
  };

  // ---- long work ----
  // A promise of long work, settled by the module's events or, should one be missed, by the poll.
  Bridge.prototype.wait = function (kind, target, quiet) {
    var self = this;
    return new Promise(function (resolve) {
      self.waits.push({ kind: kind, target: target, resolve: resolve, quiet: !!quiet, idle: 0 });
      self.startPoll();
    });
  };
  Bridge.prototype.settle = function (w, value) {
    var i = this.waits.indexOf(w);
    if (i >= 0) this.waits.splice(i, 1);
    w.resolve(value);
  };
  Bridge.prototype.settleAll = function (value, kind) {
    var self = this;
    this.waits.slice().forEach(function (w) { if (!kind || w.kind === kind) self.settle(w, value); });
  };
  Bridge.prototype.startPoll = function () {
    var self = this;
    if (this.pollTimer) return;
    this.pollTimer = setInterval(function () { self.poll(); }, 2000);  // a safety net: events settle the work
  };
  // Settles runs that are over: the module is no longer busy with them (their "reached" event
  // may also do it). A lesson check with no event after two idle polls counts as not met.
  Bridge.prototype.poll = function () {
    if (!this.waits.length || this.dead) { clearInterval(this.pollTimer); this.pollTimer = null; return; }
    if (!this.hasRunTo) return;  // the fallback settles its own promises
    var s = this.state();
    if (!s) return;
    var self = this;
    this.waits.slice().forEach(function (w) {
      if (busyWith(s, w.kind)) { w.idle = 0; return; }
      if (w.kind === "run") self.settle(w, s.tick >= w.target || !!s.finished);
      else if (++w.idle >= 2) self.settle(w, false);
    });
  };
  // Is the module busy with work of this kind ("run": a run to a tick or to the end; "lesson")?
  // (A finished run starts a lesson check by itself: that must not hold up the run's promise.)
  function busyWith(s, kind) {
    var k = s && s.busy ? s.busy.kind : null;
    if (!k) return false;
    return kind === "lesson" ? k === "lesson" : k !== "lesson";
  }
  // The module's events that end long work (the host passes every event here).
  Bridge.prototype.onEvent = function (name, data) {
    // The module says "reached" once for the work it was doing (a run it replaced says
    // nothing), in the frame that ended it, so the event belongs to the newest run: no need to
    // read the state (which costs tens of ms with a large crowd).
    if (name === "reached") {
      this.settleAll(!(data && data.cancelled), "run");
    } else if (name === "lesson_checked") {
      this.settleAll(!!(data && data.met), "lesson");
    }
  };
  // Runs to `tick` (clamped to the last tick): a promise of true when there, false if cancelled
  // or refused. A newer run replaces an older one (which settles false).
  Bridge.prototype.runTo = function (tick, known) {
    if (this.dead) { this.refuse("run"); return Promise.resolve(false); }
    var s = known || this.state();
    if (!s) return Promise.resolve(false);
    var target = Math.min(Math.floor(tick), s.ticks);
    this.settleAll(false, "run");
    if (this.slicer) this.slicer.cancelled = true;
    if (target <= s.tick) return Promise.resolve(true);
    if (!this.hasRunTo) return this.sliceTo(s.tick, target);
    var p = this.wait("run", target);
    if (this.call("motsim_run_to", "number", ["number"], [target]) !== 1) {
      this.settleAll(false, "run");
      this.report("the simulator did not accept a run to tick " + target);
    }
    return p;
  };
  Bridge.prototype.finish = function () {
    if (this.dead) { this.refuse("finish"); return Promise.resolve(false); }
    var s = this.state();
    if (!s) return Promise.resolve(false);
    if (!this.hasRunTo) return this.runTo(s.ticks);
    this.settleAll(false, "run");
    if (s.finished || s.tick >= s.ticks) return Promise.resolve(true);
    var p = this.wait("run", s.ticks);
    if (!this.command("finish")) this.settleAll(false, "run");
    return p;
  };
  Bridge.prototype.cancel = function () {
    if (this.dead) { this.refuse("cancel"); return false; }
    if (this.slicer) this.slicer.cancelled = true;
    if (!this.hasRunTo) { this.settleAll(false, "run"); return true; }
    var ok = this.command("cancel");
    this.poll();
    return ok;
  };
  // Promise<boolean>: the current lesson step is met (false: not met, no lesson, no step left).
  Bridge.prototype.checkLesson = function () {
    if (this.dead) { this.refuse("checkLesson"); return Promise.resolve(false); }
    if (!this.hasRunTo) return Promise.resolve(this.call("motsim_check_lesson", "number", [], []) === 1);
    this.settleAll(false, "lesson");
    var p = this.wait("lesson", 0);
    if (this.call("motsim_check_lesson", "number", [], []) !== 1) this.settleAll(false, "lesson");
    return p;
  };
  // The fallback for a module without motsim_run_to: steps in slices of ~8 ms between tasks.
  var warnedNoRunTo = false;
  Bridge.prototype.sliceTo = function (from, target) {
    var self = this;
    if (!warnedNoRunTo) {
      warnedNoRunTo = true;
      console.warn("motsim: this build of the simulator has no motsim_run_to; long runs are stepped in slices from the page");
    }
    var job = { cancelled: false };
    this.slicer = job;
    var left = target - from;
    return new Promise(function (resolve) {
      function slice() {
        if (job.cancelled || self.dead) { resolve(false); return; }
        var until = Date.now() + 8;
        while (left > 0 && Date.now() < until) {
          if (!self.command("step")) { resolve(false); return; }
          left--;
        }
        if (left > 0) { setTimeout(slice, 0); return; }
        if (self.slicer === job) self.slicer = null;
        resolve(true);
      }
      setTimeout(slice, 0);
    });
  };

  // A trap inside one of the module's own frames (requestAnimationFrame) reaches the window as
  // an uncaught error and stops that module's frames. Each bridge counts its frames (the module
  // reads its canvas every frame: see countFrames); after such an error, a bridge whose frames
  // stopped is failed, so its element shows the failure box instead of a frozen canvas.
  function countFrames(moduleArg, canvas, bridgeRef) {
    var c = canvas;
    Object.defineProperty(moduleArg, "canvas", {
      configurable: true, enumerable: true,
      get: function () { if (bridgeRef.bridge) bridgeRef.bridge.beats++; return c; },
      set: function (v) { c = v; }
    });
  }
  function looksLikeTrap(e) {
    if (!e) return false;
    if (typeof WebAssembly !== "undefined" && WebAssembly.RuntimeError && e instanceof WebAssembly.RuntimeError) return true;
    return /RuntimeError|Aborted\(|unreachable|memory access out of bounds/.test(errorText(e));
  }
  var trapWatchInstalled = false;
  function watchTraps() {
    if (trapWatchInstalled || typeof window === "undefined") return;
    trapWatchInstalled = true;
    window.addEventListener("error", function (ev) {
      var e = ev.error || ev.message;
      if (!looksLikeTrap(e)) return;
      var seen = bridges.filter(function (b) { return b.beats > 0 && !b.dead; })
                        .map(function (b) { return [b, b.beats]; });
      function check() {
        if (document.visibilityState === "hidden") {  // no frames in a hidden tab: look again later
          document.addEventListener("visibilitychange", function again() {
            document.removeEventListener("visibilitychange", again);
            seen.forEach(function (p) { p[1] = p[0].beats; });
            setTimeout(check, 500);
          });
          return;
        }
        seen.forEach(function (p) { if (p[0].beats === p[1]) p[0].trap(e, "a frame"); });
      }
      setTimeout(check, 500);
    });
  }

  // ==== Shareable state: deflate-raw + base64url in #motsim=... =================================

  function toBase64Url(bytes) {
    var s = "";
    for (var i = 0; i < bytes.length; i += 0x8000)
      s += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(bytes.length, i + 0x8000)));
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function fromBase64Url(text) {
    var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var bin = atob(b64);
    var out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
    return out;
  }
  function streamsAvailable() {
    return typeof CompressionStream === "function" && typeof DecompressionStream === "function";
  }

  // obj (or JSON text) -> Promise of the fragment payload (what follows "#motsim=").
  function encodeState(obj) {
    return Promise.resolve().then(function () {
      if (!streamsAvailable()) throw new Error("this browser cannot compress links (no CompressionStream)");
      var json = typeof obj === "string" ? obj : JSON.stringify(obj);
      if (typeof json !== "string") throw new Error("nothing to encode");
      var bytes = new TextEncoder().encode(json);
      if (bytes.length > MAX_STATE_JSON) throw new Error("the state is larger than 1 MB and cannot go into a link");
      var stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("deflate-raw"));
      return new Response(stream).arrayBuffer();
    }).then(function (buf) {
      var text = toBase64Url(new Uint8Array(buf));
      if (text.length > MAX_FRAGMENT)
        throw new Error("the link would be " + Math.ceil(text.length / 1024) + " KB; the limit is 32 KB " +
                        "(share a smaller scenario, or send the scenario file instead)");
      return text;
    });
  }

  // "#motsim=...", "motsim=..." or the bare payload -> Promise of the state object. Rejects with
  // a message a person can act on: too large, corrupt, or not a motsim state.
  function decodeState(fragment) {
    return Promise.resolve().then(function () {
      if (typeof fragment !== "string") throw new Error("the link's state is not text");
      var s = fragment.charAt(0) === "#" ? fragment.slice(1) : fragment;
      if (s.indexOf(FRAGMENT_PREFIX) === 0) s = s.slice(FRAGMENT_PREFIX.length);
      if (s.length > MAX_FRAGMENT)
        throw new Error("the link's state is too large (" + Math.ceil(s.length / 1024) + " KB; the limit is 32 KB)");
      if (!s.length) throw new Error("the link's state is empty");
      if (!/^[A-Za-z0-9_-]+$/.test(s)) throw new Error("the link's state is corrupt (characters outside base64url)");
      if (!streamsAvailable()) throw new Error("this browser cannot read compressed links (no DecompressionStream)");
      var bytes;
      try { bytes = fromBase64Url(s); } catch (e) { throw new Error("the link's state is corrupt (bad base64url)"); }
      var reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw")).getReader();
      var chunks = [], total = 0;
      function pump() {
        return reader.read().then(function (r) {
          if (r.done) return;
          total += r.value.length;
          if (total > MAX_STATE_JSON) {
            reader.cancel().catch(function () {});
            throw new Error("the link's state unpacks to more than 1 MB; it was not read");
          }
          chunks.push(r.value);
          return pump();
        }, function () {
          throw new Error("the link's state is corrupt (it does not decompress)");
        });
      }
      return pump().then(function () {
        var all = new Uint8Array(total), at = 0;
        for (var i = 0; i < chunks.length; i++) { all.set(chunks[i], at); at += chunks[i].length; }
        var text, state;
        try { text = new TextDecoder("utf-8", { fatal: true }).decode(all); } catch (e) {
          throw new Error("the link's state is corrupt (not UTF-8 text)");
        }
        try { state = JSON.parse(text); } catch (e) { throw new Error("the link's state is corrupt (not JSON)"); }
        if (!isObject(state) || !isObject(state.scenario))
          throw new Error("the link does not hold a motsim state");
        if (state.v !== 1) throw new Error("the link's state is from another version of motsim (v " + state.v + ")");
        return state;
      });
    });
  }

  // A module, or a bridge to it, as a bridge (applyState and shareState accept either).
  function asBridge(target) {
    if (target instanceof Bridge) return target;
    if (target && target.__motsimBridge instanceof Bridge) return target.__motsimBridge;
    var b = new Bridge(target, {});
    bridges.splice(bridges.indexOf(b), 1);  // not watched: its owner did not ask for it
    return b;
  }

  // The state a link carries: seed, speed, selection and tick from motsim_share(), and the
  // scenario as motsim_scenario() writes it. (motsim_share() and motsim_load_share() pass the
  // scenario through a JSON object that sorts its keys, which reorders route targets and causes
  // and so changes the random draws: the run would not be reproduced exactly.)
  function shareState(target, shareJson) {
    var b = asBridge(target);
    var share = {};
    try { share = JSON.parse(shareJson || b.call("motsim_share", "string", [], [])) || {}; } catch (e) { share = {}; }
    var scenario = b.json("motsim_scenario");
    if (!isObject(scenario)) throw new Error("the simulator gave no scenario");
    var out = { v: 1, scenario: scenario };
    ["seed", "speed", "selected", "tick"].forEach(function (k) { if (share[k] !== undefined) out[k] = share[k]; });
    return out;
  }
  // Applies a decoded state (see decodeState): the scenario (its key order kept; the text limit
  // applies to it as written out, since JSON.stringify may write numbers longer than the link
  // did), the seed, the speed; then the run to the link's tick starts (sliced by the module).
  // Returns {loaded, reached}: loaded false if the scenario was refused (the simulator keeps its
  // own), reached a promise of the run to the tick.
  function applyStateParts(b, state) {
    if (!isObject(state) || !isObject(state.scenario)) return { loaded: false, reached: Promise.resolve(false) };
    var text;
    try { text = JSON.stringify(state.scenario); } catch (e) { return { loaded: false, reached: Promise.resolve(false) }; }
    if (!b.load(text, "shared link", "link's scenario")) return { loaded: false, reached: Promise.resolve(false) };
    if (Number.isSafeInteger(state.seed) && state.seed >= 0) b.set("seed", state.seed);
    if (isFiniteNumber(state.speed)) b.set("speed", state.speed);
    var reached = Number.isInteger(state.tick) && state.tick > 0 ? b.runTo(Math.min(state.tick, 1000000)) : Promise.resolve(true);
    return { loaded: true, reached: reached };
  }
  // Public form: a promise of true once the scenario is in and the run is at the link's tick.
  function applyState(target, state) {
    var r = applyStateParts(asBridge(target), state);
    return r.loaded ? r.reached.then(function () { return true; }) : Promise.resolve(false);
  }

  function hashPayload(hash) {
    var h = String(hash || "");
    var at = h.indexOf(FRAGMENT_PREFIX);
    if (at < 0) return null;
    return h.slice(at + FRAGMENT_PREFIX.length).split("&")[0];
  }

  // ==== The runtime: motsim_app.js, loaded once per page ========================================

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

  // ==== Options =================================================================================

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

  // Resolves a scenario option to JSON text (object, JSON text or URL). `allow(url)`: embed.html's
  // limit on what may be fetched (the deployer's folders); null elsewhere.
  function scenarioText(v, allow) {
    if (isObject(v)) {
      try { return Promise.resolve(JSON.stringify(v)); } catch (e) { return Promise.reject(new Error("the scenario object cannot be written as JSON")); }
    }
    var s = String(v).trim();
    if (s.charAt(0) === "{") return Promise.resolve(s);
    var url;
    try { url = new URL(s, document.baseURI).href; } catch (e) { return Promise.reject(new Error("the scenario is neither JSON nor a URL")); }
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
      try { url = new URL(s, document.baseURI).href; } catch (e) { return Promise.reject(new Error("the lesson is neither JSON nor a URL")); }
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

  // ==== Parameters shown in the DOM mirror =======================================================

  function momentOf(scenario, id) {
    var ms = scenario && Array.isArray(scenario.moments) ? scenario.moments : [];
    for (var i = 0; i < ms.length; i++) if (ms[i].id === id) return ms[i];
    var n = Number(id);
    return Number.isInteger(n) && ms[n] ? ms[n] : null;
  }
  // The current value of a parameter path, read from the scenario JSON (null if unknown).
  function paramValue(scenario, path) {
    var p = path.split("/").slice(1);
    if (!scenario) return null;
    var v = null;
    if (p[0] === "moments" && p.length >= 3) {
      var m = momentOf(scenario, p[1]);
      if (!m) return null;
      if (p.length === 3 && p[2] === "dwell") {
        v = m.dwell;
        if (isObject(v)) v = ((v.min || 0) + (v.max || 0)) / 2;
      } else if (p.length === 4 && p[2] === "dwell") v = isObject(m.dwell) ? m.dwell[p[3]] : m.dwell;
      else if (p.length === 4 && p[2] === "impact") v = m.impact ? m.impact[p[3]] : 0;
      else if (p.length === 3) v = m[p[2]] === undefined && (p[2] === "magic" || p[2] === "review") ? 0 : m[p[2]];
    } else if (p[0] === "segments" && p.length === 3) {
      var g = Array.isArray(scenario.segments) ? scenario.segments[Number(p[1])] : null;
      v = g ? g[p[2]] : null;
    } else if (p.length === 1) v = scenario[p[0]];
    else if (p.length === 2 && isObject(scenario[p[0]])) v = scenario[p[0]][p[1]];
    return isFiniteNumber(v) ? v : null;
  }
  var FIELD_LABELS = {
    positive: "chance of a positive experience", negative: "chance of a negative experience",
    magic: "chance of a magic moment", review: "chance of writing a review", dwell: "time spent"
  };
  function paramSpec(scenario, entry) {
    var path = entry.path, p = path.split("/").slice(1), last = p[p.length - 1];
    var v = paramValue(scenario, path);
    var spec = { path: path, value: v, min: 0, max: 1, step: 0.01, percent: false, label: entry.label };
    if (p[0] === "moments" && p.length === 3 && /^(positive|negative|magic|review)$/.test(last)) spec.percent = true;
    else if (p[0] === "moments" && p[2] === "impact") { spec.min = -2; spec.max = 2; spec.step = 0.05; }
    else if (p[0] === "moments" && p[2] === "dwell") { spec.min = 1; spec.max = Math.max(60, v || 0); spec.step = 1; }
    else if (p[0] === "influence") { spec.min = -5; spec.max = 5; spec.step = 0.1; }
    else if (last === "arrivals_per_tick") { spec.max = Math.max(1000, 4 * (v || 0)); spec.step = 1; }
    else if (last === "advocate_threshold" || last === "initial_impression") { spec.min = -1; spec.step = 0.05; }
    else if (last === "referral_boost") { spec.min = -2; spec.max = 2; spec.step = 0.05; }
    else if (last === "referral_ticks" || last === "half_life") { spec.max = 365; spec.step = 1; }
    else if (last === "shift") { spec.min = -5; spec.max = 5; spec.step = 0.1; }
    else if (last === "share") { spec.max = 10; spec.step = 0.05; }
    else { spec.max = Math.max(1, 2 * Math.abs(v || 0)); spec.step = spec.max / 100; }
    if (isFiniteNumber(entry.min)) spec.min = entry.min;
    if (isFiniteNumber(entry.max)) spec.max = entry.max;
    if (isFiniteNumber(entry.step) && entry.step > 0) spec.step = entry.step;
    if (!spec.label) {
      if (p[0] === "moments") {
        var m = momentOf(scenario, p[1]);
        var field = p[2] === "impact" ? "impact of a " + last + " experience" : (FIELD_LABELS[p.slice(2).join("/")] ||
                    FIELD_LABELS[p[2]] || p.slice(2).join(" "));
        spec.label = (m && m.name ? m.name : p[1]) + ": " + field;
      } else spec.label = p.join(" ").replace(/_/g, " ");
    }
    return spec;
  }
  function formatParam(spec, v) {
    if (!isFiniteNumber(v)) return "-";
    if (spec.percent) return Math.round(v * 100) + "%";
    return String(Math.round(v * 1000) / 1000);
  }

  // ==== Styles (injected once) ===================================================================

  var CSS_TEXT = [
    ".motsim-embed{--ms-bg:#14161c;--ms-fg:#e8eaf0;--ms-muted:#aab1c0;--ms-panel:#1d2029;--ms-line:#3a4150;",
    "--ms-accent:#6ea8ff;--ms-focus:#ffbf47;--ms-ok:#5fcf80;box-sizing:border-box;display:flex;flex-wrap:wrap;",
    "gap:12px;align-items:flex-start;color:var(--ms-fg);background:var(--ms-bg);padding:8px;border-radius:6px;",
    "font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif}",
    ".motsim-embed.motsim-light{--ms-bg:#f4f5f8;--ms-fg:#1b1e26;--ms-muted:#4a5263;--ms-panel:#fff;--ms-line:#c5cad6;",
    "--ms-accent:#1f5fbf;--ms-focus:#b35900;--ms-ok:#1d7a3a}",
    ".motsim-embed *,.motsim-embed *::before,.motsim-embed *::after{box-sizing:border-box}",
    ".motsim-stage{flex:1 1 600px;min-width:0;position:relative}",
    ".motsim-stage canvas{display:block;width:100%;height:100%;touch-action:none;outline:none;border-radius:4px}",
    ".motsim-embed :focus-visible,.motsim-stage canvas:focus-visible{outline:3px solid var(--ms-focus);outline-offset:2px}",
    ".motsim-stage canvas:focus-visible{outline-offset:-3px}",
    ".motsim-mirror{flex:1 1 260px;max-width:100%;min-width:240px;display:flex;flex-direction:column;gap:10px}",
    ".motsim-embed.motsim-beside .motsim-mirror{max-width:360px}",
    ".motsim-mirror fieldset,.motsim-mirror .motsim-box{border:1px solid var(--ms-line);border-radius:6px;",
    "background:var(--ms-panel);margin:0;padding:8px 10px}",
    ".motsim-mirror legend,.motsim-box-title{font-weight:600;padding:0 4px;margin:0}",
    ".motsim-run{display:flex;flex-wrap:wrap;gap:6px}",
    ".motsim-embed button{font:inherit;min-height:40px;min-width:44px;padding:6px 12px;border-radius:5px;cursor:pointer;",
    "border:1px solid var(--ms-line);background:var(--ms-panel);color:var(--ms-fg)}",
    ".motsim-embed button[aria-pressed=true]{background:var(--ms-accent);color:#fff;border-color:var(--ms-accent)}",
    ".motsim-embed button:hover{border-color:var(--ms-accent)}",
    ".motsim-param{display:grid;grid-template-columns:1fr auto;gap:2px 8px;margin:6px 0}",
    ".motsim-param label{grid-column:1/3;font-size:14px}",
    ".motsim-param input[type=range]{width:100%;min-height:32px;accent-color:var(--ms-accent);margin:0}",
    ".motsim-param input:disabled{opacity:.45}",
    ".motsim-param output{min-width:3.5em;text-align:right;font-variant-numeric:tabular-nums}",
    ".motsim-locked-note{color:var(--ms-muted);font-size:13px}",
    ".motsim-metrics dl{display:grid;grid-template-columns:auto 1fr;gap:2px 12px;margin:4px 0 0}",
    ".motsim-metrics dt{color:var(--ms-muted)}.motsim-metrics dd{margin:0;font-variant-numeric:tabular-nums}",
    ".motsim-live{min-height:1.4em;font-size:14px}",
    ".motsim-lesson ol{margin:6px 0;padding-left:1.4em}.motsim-lesson li{margin:4px 0}",
    ".motsim-lesson li.motsim-done{color:var(--ms-ok)}.motsim-lesson li[aria-current=step]{font-weight:600}",
    ".motsim-lesson .motsim-status{font-weight:400;color:var(--ms-muted);font-size:13px}",
    ".motsim-lesson-detail{font-size:13px;color:var(--ms-muted);margin:6px 0 0}",
    ".motsim-share input{width:100%;font:inherit;font-size:13px}",
    ".motsim-sr{position:absolute!important;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}",
    ".motsim-fail{border:1px solid #a33;background:#3a1518;color:#fde;padding:12px 16px;border-radius:6px}"
  ].join("");
  function injectCss() {
    if (document.getElementById("motsim-embed-css")) return;
    var s = document.createElement("style");
    s.id = "motsim-embed-css";
    s.textContent = CSS_TEXT;
    (document.head || document.documentElement).appendChild(s);
  }

  // ==== One simulator instance ==================================================================

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

  Instance.prototype.moduleTheme = function () {
    var t = this.opts.theme;
    if (t === "auto") return global.matchMedia && matchMedia("(prefers-color-scheme: light)").matches ? "light" : "dark";
    return t || "dark";
  };

  // What the module asks of the page (the host contract of src/platform/main.cpp).
  Instance.prototype.hostServices = function () {
    var self = this;
    return {
      ready: function () {},
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

  // ---- DOM: shell, mirror, metrics, lesson ----
  Instance.prototype.buildShell = function () {
    var o = this.opts;
    this.root = el("div", { className: "motsim-embed" });
    this.root.style.width = o.width;
    this.stage = el("div", { className: "motsim-stage" });
    this.stage.style.height = o.height;
    this.canvas = el("canvas", {
      tabindex: "0", role: "application", "aria-roledescription": "simulator",
      "aria-label": o.label || "Customer journey simulator (drawn on a canvas; the same controls and results are in the panel beside it)"
    });
    this.canvas.id = nextId("motsim-canvas");
    this.canvas.addEventListener("contextmenu", function (e) { e.preventDefault(); });
    this.adaptTouch();
    this.stage.appendChild(this.canvas);
    this.root.appendChild(this.stage);
    this.fileInput = el("input", { type: "file", accept: ".json,application/json", hidden: "", "aria-hidden": "true", tabindex: "-1" });
    this.fileInput.style.display = "none";
    var self = this;
    // A chosen file: the size limit, strict UTF-8, then the loader (which reports a bad scenario
    // itself); a refused file leaves the current scenario running.
    this.fileInput.addEventListener("change", function () {
      var f = self.fileInput.files[0];
      if (!f || !self.bridge) return;
      readTextFile(f).then(function (text) { self.bridge.load(text, f.name, "file " + f.name); },
                           function (e) { self.report(errorText(e) + "; the current scenario keeps running"); });
    });
    this.root.appendChild(this.fileInput);
    this.mirror = el("section", { className: "motsim-mirror", "aria-label": "Simulator controls and results" });
    this.live = el("div", { className: "motsim-live", role: "status", "aria-live": "polite", "aria-atomic": "true" });
    this.mirror.appendChild(this.live);
    this.root.appendChild(this.mirror);
    this.applyTheme();
    this.applyAccessible();
    this.el.appendChild(this.root);
    this.watchWidth();
  };

  // A finger acts as the mouse. The module does this too (src/platform/main.cpp), but its
  // synthetic mouse events have pageX/pageY = clientX/clientY, which Emscripten reads as page
  // coordinates: on a scrolled page the touch lands off by the scroll offset. These listeners
  // are added before the module's, run first and pass on events with the right page position.
  Instance.prototype.adaptTouch = function () {
    var c = this.canvas;
    function forward(type, t) {
      var ev = new MouseEvent(type, { clientX: t.clientX, clientY: t.clientY, screenX: t.screenX, screenY: t.screenY,
                                      button: 0, buttons: type === "mouseup" ? 0 : 1, bubbles: true, cancelable: true });
      try {
        Object.defineProperty(ev, "pageX", { value: t.pageX });
        Object.defineProperty(ev, "pageY", { value: t.pageY });
      } catch (e) { /* read-only in this browser: the module's own path remains */ }
      c.dispatchEvent(ev);
    }
    var opts = { capture: true, passive: false };
    c.addEventListener("touchstart", function (e) {
      var t = e.changedTouches[0];
      e.stopImmediatePropagation();
      e.preventDefault();
      try { c.focus({ preventScroll: true }); } catch (x) { c.focus(); }
      forward("mousemove", t);
      forward("mousedown", t);
    }, opts);
    c.addEventListener("touchmove", function (e) {
      e.stopImmediatePropagation();
      e.preventDefault();
      forward("mousemove", e.changedTouches[0]);
    }, opts);
    ["touchend", "touchcancel"].forEach(function (name) {
      c.addEventListener(name, function (e) {
        e.stopImmediatePropagation();
        if (name === "touchend") e.preventDefault();
        forward("mouseup", e.changedTouches[0]);
      }, opts);
    });
  };

  Instance.prototype.watchWidth = function () {
    var self = this;
    if (typeof ResizeObserver !== "function") return;
    this.resizeObserver = new ResizeObserver(function () {
      var beside = self.mirror.offsetTop < self.stage.offsetTop + 20;
      self.root.classList.toggle("motsim-beside", beside);
    });
    this.resizeObserver.observe(this.root);
  };

  Instance.prototype.applyTheme = function () {
    var light = this.moduleTheme() === "light";
    this.root.classList.toggle("motsim-light", light);
  };
  Instance.prototype.applyAccessible = function () {
    // Without the mirror the live region stays (announcements), the rest goes.
    var on = this.opts.accessible !== false && !this.failed;
    Array.prototype.forEach.call(this.mirror.children, function (c) {
      if (!c.classList.contains("motsim-live")) c.hidden = !on;
    });
    if (!on) this.live.classList.add("motsim-sr"); else this.live.classList.remove("motsim-sr");
  };

  // The readable failure box in place of the canvas (start-up failed, or the module trapped);
  // the mirror's controls go too (they would only be refused), the live region stays.
  Instance.prototype.fail = function (message) {
    if (!this.root) return;
    var box = el("div", { className: "motsim-fail", role: "alert" });
    box.appendChild(el("strong", null, this.ready ? "motsim stopped" : "motsim cannot start"));
    box.appendChild(el("p", null, message));
    this.stage.innerHTML = "";
    this.stage.style.height = "auto";
    this.stage.appendChild(box);
    this.failed = true;
    if (this.mirror) Array.prototype.forEach.call(this.mirror.children, function (c) {
      if (!c.classList.contains("motsim-live")) c.hidden = true;
    });
  };

  Instance.prototype.announce = function (text) {
    if (!this.live) return;
    var live = this.live;
    live.textContent = "";
    setTimeout(function () { live.textContent = text; }, 30);
  };

  Instance.prototype.buildMirror = function () {
    var self = this;
    var keep = this.live;
    var focusedPath = null, focusedButton = null;
    var active = document.activeElement;
    if (active && this.mirror.contains(active)) {
      focusedPath = active.getAttribute("data-path");
      focusedButton = active.getAttribute("data-action");
    }
    while (this.mirror.firstChild) this.mirror.removeChild(this.mirror.firstChild);
    this.mirrorInputs = {};
    this.lastMetricsText = "";
    this.lastLessonJson = "";

    // Run controls.
    var run = el("div", { className: "motsim-run motsim-box", role: "group", "aria-label": "Run controls" });
    this.playButton = el("button", { type: "button", "aria-pressed": "false", "data-action": "play" }, "Play");
    this.playButton.addEventListener("click", function () {
      var s = self.metrics();
      self.command(s && s.playing ? "pause" : "play");
      self.refresh();
    });
    var step = el("button", { type: "button", "data-action": "step", "aria-label": "Step one tick" }, "Step");
    step.addEventListener("click", function () { self.command("step"); self.refresh(); });
    var reset = el("button", { type: "button", "data-action": "reset", "aria-label": "Reset to the start" }, "Reset");
    reset.addEventListener("click", function () { self.command("reset"); self.refresh(); self.announce("Reset to the start."); });
    var finish = el("button", { type: "button", "data-action": "finish", "aria-label": "Run to the end" }, "Run to end");
    finish.addEventListener("click", function () { self.finish(); });
    var link = el("button", { type: "button", "data-action": "link", "aria-label": "Copy a link to this run" }, "Copy link");
    link.addEventListener("click", function () {
      self.makeLink().then(function (url) { if (url) self.offerLink(url, true); });
    });
    // Long work (a run to the end or to a link's tick, a lesson check) shows its progress here,
    // with a Cancel button.
    this.busyBox = el("span", { className: "motsim-busy", "data-action": "busy" });
    this.busyBox.hidden = true;
    this.busyText = el("span", null, "");
    this.busyBar = el("progress", { max: "1", value: "0", "aria-label": "Progress" });
    var cancel = el("button", { type: "button", "data-action": "cancel", "aria-label": "Cancel the long run" }, "Cancel");
    cancel.addEventListener("click", function () { self.cancel(); });
    this.busyBox.appendChild(this.busyText);
    this.busyBox.appendChild(this.busyBar);
    this.busyBox.appendChild(cancel);
    this.lastBusy = "";
    [this.playButton, step, reset, finish, link, this.busyBox].forEach(function (b) { run.appendChild(b); });
    this.mirror.appendChild(run);

    // Parameters.
    var scenario = this.json("motsim_scenario");
    var state = this.metrics();
    var locked = (state && state.locked) || this.opts.locked || [];
    var entries = this.opts.mirror;
    if (!entries) {
      entries = [];
      (scenario && scenario.moments || []).forEach(function (m) {
        ["positive", "negative"].forEach(function (f) {
          var path = "/moments/" + m.id + "/" + f;
          if (!pathLocked(locked, path) && entries.length < MIRROR_DEFAULT_MAX) entries.push({ path: path });
        });
      });
    }
    var params = el("fieldset", { className: "motsim-params" });
    params.appendChild(el("legend", null, "Parameters"));
    var anyLocked = false, badEntries = 0;
    entries.forEach(function (entry) {
      var spec = paramSpec(scenario, entry);
      if (spec.value === null) {
        self.report("mirror: " + entry.path + " is not a parameter of this scenario");
        badEntries++;
        return;
      }
      var id = nextId("motsim-param");
      var isLocked = pathLocked(locked, entry.path);
      anyLocked = anyLocked || isLocked;
      var row = el("div", { className: "motsim-param" });
      var label = el("label", { "for": id }, spec.label + (isLocked ? " (locked)" : ""));
      var input = el("input", { type: "range", id: id, min: String(spec.min), max: String(spec.max),
                                step: String(spec.step), "data-path": entry.path });
      input.value = String(spec.value);
      if (isLocked) input.disabled = true;
      var output = el("output", { "for": id, "aria-hidden": "true" }, formatParam(spec, spec.value));
      input.setAttribute("aria-valuetext", formatParam(spec, spec.value));
      input.addEventListener("input", function () {
        var v = Number(input.value);
        var ok = self.bridge.set(entry.path, v, true);
        if (!ok) {
          var cur = paramValue(self.json("motsim_scenario"), entry.path);
          if (cur !== null) input.value = String(cur);
          self.report(entry.path + (isLocked ? " is locked in this lesson" : " could not be changed to " + v));
        }
        var now = Number(input.value);
        output.textContent = formatParam(spec, now);
        input.setAttribute("aria-valuetext", formatParam(spec, now));
      });
      row.appendChild(label);
      row.appendChild(input);
      row.appendChild(output);
      params.appendChild(row);
      self.mirrorInputs[entry.path] = { input: input, output: output, spec: spec };
    });
    if (anyLocked) params.appendChild(el("p", { className: "motsim-locked-note" }, "Locked parameters are fixed by this lesson."));
    if (Object.keys(this.mirrorInputs).length) this.mirror.appendChild(params);

    // Metrics.
    var metrics = el("section", { className: "motsim-metrics motsim-box", "aria-label": "Results" });
    metrics.appendChild(el("p", { className: "motsim-box-title", "aria-hidden": "true" }, "Results"));
    this.metricsList = el("dl");
    metrics.appendChild(this.metricsList);
    this.timeUnit = scenario && typeof scenario.time_unit === "string" ? scenario.time_unit : "tick";
    this.mirror.appendChild(metrics);

    this.mirror.appendChild(keep);

    // Lesson.
    this.lessonBox = el("section", { className: "motsim-lesson motsim-box", "aria-label": "Lesson" });
    this.lessonBox.hidden = true;
    this.mirror.appendChild(this.lessonBox);

    this.shareBox = el("p", { className: "motsim-share" });
    this.shareBox.hidden = true;
    this.mirror.appendChild(this.shareBox);

    this.applyAccessible();
    this.refresh();
    this.refreshLesson(true);
    if (focusedPath && this.mirrorInputs[focusedPath]) this.mirrorInputs[focusedPath].input.focus();
    else if (focusedButton) {
      var b = this.mirror.querySelector("[data-action=\"" + focusedButton + "\"]");
      if (b) b.focus();
    }
    return badEntries;
  };

  Instance.prototype.updateMirrorValue = function (path, value) {
    var m = this.mirrorInputs[path];
    if (!m || !isFiniteNumber(value)) return;
    if (document.activeElement === m.input) return;  // the learner is on it: do not fight them
    m.input.value = String(value);
    m.output.textContent = formatParam(m.spec, value);
    m.input.setAttribute("aria-valuetext", formatParam(m.spec, value));
  };

  // The DOM mirror follows the module about three times a second. Reading the state grows with
  // the crowd (tens of ms at 250,000 customers), so the pause between reads is at least 20 times
  // the last read's cost: the page's share of the main thread stays small.
  Instance.prototype.refreshLoop = function () {
    var self = this;
    if (this.destroyed) return;
    var t0 = Date.now();
    this.refresh();
    var cost = Date.now() - t0;
    this.refreshTimer = setTimeout(function () { self.refreshLoop(); }, Math.max(333, 20 * cost));
  };
  // A refresh in a task of its own (several events in one frame share it).
  Instance.prototype.refreshSoon = function () {
    var self = this;
    if (this.refreshQueued) return;
    this.refreshQueued = true;
    setTimeout(function () { self.refreshQueued = false; self.refresh(); }, 0);
  };

  Instance.prototype.refresh = function () {
    if (!this.ready || this.destroyed || !this.metricsList) return;
    var s = this.metrics();
    if (!s) return;
    if (this.playButton) {
      var playing = !!s.playing && !s.finished;
      if (this.playButton.getAttribute("aria-pressed") !== String(playing))
        this.playButton.setAttribute("aria-pressed", String(playing));
    }
    this.showBusy(s.busy || (this.bridge && this.bridge.slicer ? { kind: "run_to", progress: null } : null));
    var unit = this.timeUnit || "tick";
    var rows = [
      [unit.charAt(0).toUpperCase() + unit.slice(1), s.tick + " of " + s.ticks + (s.finished ? " (finished)" : "")],
      ["Customers", num(s.arrivals)],
      ["Purchases", num(s.purchases) + " (conversion " + pct(s.conversion) + ")"],
      ["Lost", num(s.lost)],
      ["NPS", isFiniteNumber(s.nps) ? (Math.round(s.nps * 10) / 10).toString() : "-"],
      ["Rating", isFiniteNumber(s.rating) ? pct(s.rating) + " positive reviews" : "-"]
    ];
    var text = JSON.stringify(rows);
    if (text !== this.lastMetricsText) {
      this.lastMetricsText = text;
      var dl = this.metricsList;
      while (dl.firstChild) dl.removeChild(dl.firstChild);
      rows.forEach(function (r) {
        var div = el("div");
        div.style.display = "contents";
        div.appendChild(el("dt", null, r[0]));
        div.appendChild(el("dd", null, r[1]));
        dl.appendChild(div);
      });
    }
    this.refreshLesson(false, s.lesson);
  };

  var BUSY_TEXT = { run_to: "Running to the chosen time", finish: "Running to the end", lesson: "Checking your answer" };
  Instance.prototype.showBusy = function (busy) {
    if (!this.busyBox) return;
    var key = busy ? busy.kind + ":" + (isFiniteNumber(busy.progress) ? Math.round(busy.progress * 100) : "") : "";
    if (key === this.lastBusy) return;
    var was = this.lastBusy;
    this.lastBusy = key;
    this.busyBox.hidden = !busy;
    if (!busy) {
      if (was && this.busyBox.contains(document.activeElement) && this.playButton) this.playButton.focus();
      return;
    }
    this.busyText.textContent = (BUSY_TEXT[busy.kind] || "Working") + "... ";
    if (isFiniteNumber(busy.progress)) this.busyBar.value = Math.max(0, Math.min(1, busy.progress));
    else this.busyBar.removeAttribute("value");
  };

  Instance.prototype.refreshLesson = function (force, lesson) {
    if (!this.lessonBox) return;
    if (lesson === undefined) lesson = this.json("motsim_lesson");
    var text = JSON.stringify(lesson);
    if (!force && text === this.lastLessonJson) return;
    this.lastLessonJson = text;
    var box = this.lessonBox, self = this;
    if (!lesson || !Array.isArray(lesson.steps)) { box.hidden = true; return; }
    box.hidden = this.opts.accessible === false;
    var hadFocus = box.contains(document.activeElement);
    while (box.firstChild) box.removeChild(box.firstChild);
    box.setAttribute("aria-label", "Lesson: " + (lesson.title || ""));
    box.appendChild(el("p", { className: "motsim-box-title" }, lesson.title || "Lesson"));
    var ol = el("ol");
    lesson.steps.forEach(function (st, i) {
      var li = el("li", null, st.text + " ");
      var status = st.done ? "done" : (i === lesson.step ? "current step" : "to do");
      if (st.done) li.className = "motsim-done";
      if (i === lesson.step) li.setAttribute("aria-current", "step");
      li.appendChild(el("span", { className: "motsim-status" }, "(" + status + ")"));
      ol.appendChild(li);
    });
    box.appendChild(ol);
    var all = lesson.step >= lesson.steps.length;
    var check = el("button", { type: "button", "data-action": "check" }, all ? "Lesson complete" : "Check my answer");
    if (all) check.setAttribute("aria-disabled", "true");
    check.addEventListener("click", function () { self.checkLesson(true); });
    box.appendChild(check);
    if (lesson.detail) box.appendChild(el("p", { className: "motsim-lesson-detail" }, "Last check: " + lesson.detail));
    if (hadFocus) check.focus();
  };

  // Promise<boolean>: the engine checks the current step on a fresh run (sliced by the module).
  Instance.prototype.checkLesson = function (fromButton) {
    var self = this;
    var lesson = this.json("motsim_lesson");
    if (!lesson) { if (fromButton) this.announce("There is no lesson here."); return Promise.resolve(false); }
    if (lesson.step >= lesson.steps.length) { this.announce("The lesson is complete."); return Promise.resolve(false); }
    this.refreshSoon();
    return this.bridge.checkLesson().then(function (met) {
      if (self.destroyed) return false;
      if (!met) {
        var now = self.json("motsim_lesson");
        self.announce("Not yet. " + (now && now.detail ? now.detail : ""));
      }
      self.refreshLesson(true);
      self.refreshSoon();
      return met;
    });
  };

  Instance.prototype.offerLink = function (url, copy) {
    var self = this;
    function show(note) {
      if (!self.shareBox) return;
      while (self.shareBox.firstChild) self.shareBox.removeChild(self.shareBox.firstChild);
      var id = nextId("motsim-link");
      self.shareBox.appendChild(el("label", { "for": id }, note));
      var input = el("input", { id: id, type: "text", readonly: "" });
      input.value = url;
      self.shareBox.appendChild(input);
      self.shareBox.hidden = self.opts.accessible === false;
    }
    if (!copy) return;
    var clip = navigator.clipboard && navigator.clipboard.writeText ? navigator.clipboard.writeText(url) : Promise.reject();
    clip.then(function () {
      show("Link copied to the clipboard:");
      self.announce("A link to this run was copied to the clipboard.");
    }, function () {
      show("Copy this link to share the run:");
      self.announce("A link to this run is ready below; copy it to share.");
    });
  };

  // The share JSON (from the module unless given) -> the URL with #motsim=..., or null.
  Instance.prototype.makeLink = function (shareJson) {
    var self = this;
    return Promise.resolve().then(function () {
      return encodeState(shareState(self.bridge, shareJson));
    }).then(function (payload) {
      var base = self.opts.shareUrl || location.href.replace(/#.*$/, "");
      var url = base + "#" + FRAGMENT_PREFIX + payload;
      if (self.opts.state === "hash" && history.replaceState) {
        try { history.replaceState(history.state, "", "#" + FRAGMENT_PREFIX + payload); } catch (e) { /* sandboxed */ }
      }
      self.emit("share", { url: url, length: url.length });
      return url;
    }).catch(function (e) {
      self.report("no link: " + errorText(e));
      return null;
    });
  };

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

  // ==== mount() ===================================================================================

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

  // ==== connect(): the same API over postMessage to an iframe running embed.html ==================

  function exactOrigin(o) {
    try {
      var u = new URL(o);
      return (u.protocol === "https:" || u.protocol === "http:") && u.origin === o ? o : null;
    } catch (e) { return null; }
  }

  function connect(iframe, options) {
    options = options || {};
    if (!iframe || iframe.tagName !== "IFRAME") throw new Error("MotsimEmbed.connect: the first argument must be an <iframe>");
    var origin = options.origin;
    if (origin === undefined) {
      try { origin = new URL(iframe.getAttribute("src") || "", document.baseURI).origin; } catch (e) { origin = null; }
    }
    if (!exactOrigin(origin)) throw new Error("MotsimEmbed.connect: origin must be the iframe's exact origin, like https://sim.example.org");
    var timeoutMs = isFiniteNumber(options.timeout) && options.timeout > 0 ? options.timeout : 30000;
    // Long work (step n > 1, finish, check) is answered when it ends: a longer wait.
    var workTimeoutMs = isFiniteNumber(options.workTimeout) && options.workTimeout > 0 ? options.workTimeout : 600000;
    var events = new Emitter();
    var pending = new Map();  // id -> {resolve, reject, timer}: any id is only a key
    var seq = 0;
    var closed = false;
    var readyResolve;
    var ready = new Promise(function (r) { readyResolve = r; });
    var isReady = false;
    function markReady() { if (!isReady) { isReady = true; readyResolve(); } }

    function onMessage(ev) {
      if (closed || ev.source !== iframe.contentWindow) return;
      if (ev.origin !== origin) {
        console.warn("motsim: ignored a message from " + ev.origin + " (this client talks to " + origin + ")");
        return;
      }
      var d = ev.data;
      if (!isObject(d) || d.motsim !== PROTOCOL) return;
      if (Object.prototype.hasOwnProperty.call(d, "re")) {
        markReady();
        var p = pending.get(d.re);
        if (!p) return;
        pending.delete(d.re);
        clearTimeout(p.timer);
        p.resolve(d);
      } else if (typeof d.event === "string") {
        if (d.event === "ready") markReady();
        events.emit(d.event, d.data);
      }
    }
    window.addEventListener("message", onMessage);

    function post(msg) {
      try { iframe.contentWindow.postMessage(msg, origin); return true; } catch (e) { return false; }
    }
    function hello() { if (!isReady && !closed) post({ motsim: PROTOCOL, id: "hello-" + (++seq), type: "hello" }); }
    // Say hello once the frame has a document of its own (a message into about:blank is lost).
    iframe.addEventListener("load", hello);
    var loadedAlready = false;
    try {
      var doc = iframe.contentDocument;
      loadedAlready = !!doc && doc.readyState === "complete" && doc.URL !== "about:blank";
    } catch (e) { loadedAlready = true; }  // cross-origin: it has navigated, messages reach it
    if (iframe.contentDocument === null) loadedAlready = true;
    if (loadedAlready) hello();

    var LONG = ["step", "finish", "check"];
    function request(type, payload) {
      if (closed) return Promise.reject(new Error("this client was destroyed"));
      return ready.then(function () {
        return new Promise(function (resolve, reject) {
          var id = "m" + (++seq);
          var msg = { motsim: PROTOCOL, id: id, type: type };
          if (payload) for (var k in payload) if (Object.prototype.hasOwnProperty.call(payload, k)) msg[k] = payload[k];
          var wait = LONG.indexOf(type) >= 0 ? Math.max(timeoutMs, workTimeoutMs) : timeoutMs;
          var timer = setTimeout(function () {
            pending.delete(id);
            reject(new Error("no reply from the simulator to '" + type + "' in " + wait / 1000 + " s"));
          }, wait);
          pending.set(id, { resolve: resolve, reject: reject, timer: timer });
          if (!post(msg)) {
            clearTimeout(timer);
            pending.delete(id);
            reject(new Error("could not post to the simulator frame"));
          }
        });
      });
    }
    function bool(type, payload) {
      return request(type, payload).then(function (r) { return r.ok === true && r.result !== false; });
    }
    function value(type, payload) {
      return request(type, payload).then(function (r) {
        if (!r.ok) throw new Error(r.error || ("'" + type + "' failed"));
        return r.result;
      });
    }
    return {
      ready: ready,
      request: request,
      load: function (scenario) { return bool("load", { scenario: scenario }); },
      set: function (path, v) { return bool("set", { path: path, value: v }); },
      play: function () { return bool("play"); },
      pause: function () { return bool("pause"); },
      step: function (n) { return bool("step", n === undefined ? undefined : { n: n }); },
      reset: function () { return bool("reset"); },
      finish: function () { return bool("finish"); },
      cancel: function () { return bool("cancel"); },
      metrics: function () { return value("get"); },
      scenario: function () { return value("scenario"); },
      lesson: function () { return value("lesson"); },
      checkLesson: function () { return bool("check"); },
      configure: function (opts) { return bool("configure", { options: opts }); },
      lock: function (paths) { return bool("lock", { paths: paths }); },
      shareLink: function () { return value("share"); },
      on: function (name, fn) { return events.on(name, fn); },
      off: function (name, fn) { return events.off(name, fn); },
      destroy: function () {
        closed = true;
        window.removeEventListener("message", onMessage);
        iframe.removeEventListener("load", hello);
        pending.forEach(function (p) { clearTimeout(p.timer); p.reject(new Error("this client was destroyed")); });
        pending.clear();
      },
      origin: origin
    };
  }

  // ==== serveFrame(): the iframe side (embed.html) ================================================
  //
  // Who may drive the frame, and what it may fetch, is the deployer's choice, read from
  // motsim-deploy.json beside embed.html (same origin, never from the query):
  //   {"origins": ["https://lms.example.org"], "folders": ["scenarios/", "lessons/"]}
  // origins: parent pages (exact origins) allowed to send messages, besides the site's own origin;
  // folders: where scenario and lesson URLs may point (same origin, relative to the file).
  // Without the file (or with a bad one): only the site's own origin, the shipped scenarios/ and
  // lessons/. The query's origins= can only narrow the deployer's list. Messages and events carry
  // no values from fetched files: a bad fetched scenario is "X is not a valid scenario (3 problems)".

  var FRAME_TYPES = ["hello", "load", "set", "play", "pause", "step", "reset", "finish", "cancel", "get", "scenario",
                     "configure", "lock", "share", "check", "lesson"];
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

  // mount() for serveFrame: also hands back the instance (for collecting a call's errors).
  function mountWithInstance(element, options, fetchAllow) {
    var problems = [];
    var opts = normalizeOptions(options, function (m) { problems.push(m); }, false);
    var inst = new Instance(element, opts, problems);
    inst.fetchAllow = fetchAllow || null;
    return inst.start().then(function (api) { return { api: api, inst: inst }; });
  }

  var api = {
    version: PROTOCOL,
    mount: mount,
    connect: connect,
    encodeState: encodeState,
    decodeState: decodeState,
    shareState: shareState,
    applyState: applyState,
    serveFrame: serveFrame,
    download: download,
    limits: { fragment: MAX_FRAGMENT, json: MAX_STATE_JSON, text: MAX_TEXT_BYTES },
    // For the full-window page (motsim-page.js): the same bridge, frame watch and file reading.
    bridge: function (module, hooks) { watchTraps(); var b = new Bridge(module, hooks); module.__motsimBridge = b; return b; },
    countFrames: countFrames,
    lockStorage: lockStorage,
    readTextFile: readTextFile,
    textLimitProblem: textLimitProblem
  };
  global.MotsimEmbed = api;

  // embed.html: <script src="motsim-embed.js" data-motsim-frame="ELEMENT_ID"></script>
  if (thisScript && thisScript.hasAttribute("data-motsim-frame")) {
    var frameTarget = thisScript.getAttribute("data-motsim-frame");
    var go = function () { serveFrame(frameTarget || document.body); };
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", go);
    else go();
  }
})(typeof window !== "undefined" ? window : this);
