// motsim-embed.js - puts the motsim simulator into any page (docs/embedding.md).
//
//   <div id="sim"></div>
//   <script src="https://example.org/motsim/motsim-embed.js"></script>
//   <script>MotsimEmbed.mount(document.getElementById("sim"), { scenario: "scenarios/shelf.json" })
//             .then(function (sim) { sim.on("finished", function (m) { console.log(m.conversion); }); });</script>
//
// A plain script for host pages: window.MotsimEmbed = { mount, connect, encodeState, decodeState,
// serveFrame, adaptTouch, version, ... }. mount() loads motsim_app.js once per page and starts one
// WebAssembly module per instance, each with its own canvas; beside the canvas goes an accessible
// DOM mirror (buttons, labelled sliders, metrics, a live region, the lesson). connect() drives a
// simulator in an iframe (embed.html) over postMessage with the same API, promise-based.
// serveFrame() is the iframe's side of that protocol (embed.html starts it through
// data-motsim-frame). Nothing here evaluates text as code; every value a host passes is checked,
// and problems are reported as "error" events instead of exceptions thrown from asynchronous paths.
//
// The source is split by role in web/embed/NN-name.js; the build (cmake/concat.cmake) joins the
// parts in name order into one function scope, so they share their private names and a page
// sees only window.MotsimEmbed. Edit the parts, never the joined file.
//
// ==== 00-core.js: constants, small helpers, the event emitter, text for the module ===============
// (the 4 MB limit, strict UTF-8, fetching with a limit). Everything below may use these.

var PROTOCOL = 1;
var FRAGMENT_PREFIX = "motsim=";
var MAX_FRAGMENT = 32 * 1024;        // characters of the encoded fragment
var MAX_STATE_JSON = 1024 * 1024;    // bytes of decoded JSON
// Any text handed to the module (a scenario, a lesson or configuration, a link's state) is at
// most 4 MiB of UTF-8. Longer text is refused before the call (textLimitProblem, enforced in
// Bridge.call, which every module call goes through), and the simulator keeps its scenario.
var MAX_TEXT_BYTES = 4 * 1024 * 1024;
// Text that does not start with "{" is taken for a URL; one longer than this is refused before
// any fetch (it is almost surely JSON that starts otherwise: 400 KB of it once went to the
// server as a URL, which answered HTTP 431). Browsers and servers commonly cap URLs near 2 KB.
var MAX_URL = 2048;
var MAX_FETCH = MAX_TEXT_BYTES;      // a scenario or lesson fetched from a URL
var PANELS = ["menu", "controls", "editor", "charts", "story"];
var EVENTS = ["ready", "tick", "finished", "param", "error", "lesson_step", "lesson_done", "loaded", "share",
              "reached", "lesson_checked", "edit"];
var METRICS = ["conversion", "nps", "rating", "done_share", "lost_share", "purchases", "arrivals", "advocates",
               "referrals", "profit", "revenue", "returns"];
var MIRROR_DEFAULT_MAX = 12;

var thisScript = document.currentScript;
var scriptBase = thisScript && thisScript.src ? dirOf(thisScript.src) : dirOf(document.baseURI);

// ---- Small helpers ----

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

// ---- Text for the module: the size limit, strict decoding ----

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
