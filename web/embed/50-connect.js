// ==== 50-connect.js: connect(), the page's side of the postMessage protocol ======================
// The same API as mount(), promise-based, for a simulator in an iframe (embed.html, 55-frame.js).

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
    // The module's answer to an authoring command: {ok: true, ...} or {ok: false, error}.
    edit: function (cmd) {
      return request("edit", { command: cmd }).then(function (r) {
        return r.ok ? r.result : { ok: false, error: r.error || "'edit' was refused" };
      });
    },
    undo: function () { return bool("undo"); },
    redo: function () { return bool("redo"); },
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
