// ==== 05-bridge.js: the bridge to one module =====================================================
// Every call into a module goes through a Bridge, for embedded instances (30-instance.js) and
// the full page (motsim-page.js, through MotsimEmbed.bridge) alike.
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
// An authoring command ({op: "add_moment", name: "Pays"}; docs/embedding.md lists them), checked by
// the module with the loader's rules: its answer {ok, error, ...}, never a throw.
Bridge.prototype.edit = function (cmd) {
  var text;
  try { text = JSON.stringify(cmd); } catch (e) { return { ok: false, error: "the command could not be written as JSON" }; }
  var r = this.json("motsim_edit", ["text"], [text]);
  return r && typeof r === "object" ? r : { ok: false, error: "the simulator did not answer" };
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
