// The page shell of the full-window app: checks WebGL2, shows loading and readable errors,
// and gives the module its host services (file picker, downloads, screenshots, local storage,
// "copy a link to this run"). A #motsim=... fragment (a shared run, see docs/embedding.md) is
// applied at start; it needs motsim-embed.js (MotsimEmbed.encodeState/decodeState) on the page.
"use strict";
var motsimPage = (function () {
  var statusBox = document.getElementById("status");
  var statusText = document.getElementById("status-text");

  function fail(message) {
    statusBox.classList.remove("hidden");
    statusBox.innerHTML = "";
    var box = document.createElement("div");
    box.className = "error";
    var title = document.createElement("strong");
    title.textContent = "motsim cannot start";
    var text = document.createElement("p");
    text.textContent = message;
    box.appendChild(title);
    box.appendChild(text);
    statusBox.appendChild(box);
  }

  function hasWebGL2() {
    try { return !!document.createElement("canvas").getContext("webgl2"); } catch (e) { return false; }
  }

  // Saving a file: the same helper as embedded simulators (motsim-embed.js is on the page).
  function download(name, blob) { window.MotsimEmbed.download(name, blob); }

  function host(getModule, canvas, storagePrefix) {
    var fileInput = document.getElementById("file");
    // A chosen file goes to the loader; a bad one is reported in the app, which keeps running.
    fileInput.addEventListener("change", function () {
      var f = fileInput.files[0];
      if (!f || !getModule()) return;
      if (f.size > 16 * 1024 * 1024) {
        getModule().ccall("motsim_load", "number", ["string", "string"], ["", f.name + " (larger than 16 MB)"]);
        return;
      }
      f.text().then(function (text) {
        getModule().ccall("motsim_load", "number", ["string", "string"], [text, f.name]);
      });
    });
    return {
      ready: function () {
        statusBox.classList.add("hidden");
        canvas.focus();
      },
      openFile: function () {
        fileInput.value = "";
        fileInput.click();
      },
      download: function (name, mime, text) { download(name, new Blob([text], { type: mime })); },
      screenshot: function (name) {
        canvas.toBlob(function (blob) { if (blob) download(name, blob); }, "image/png");
      },
      store: function (key, value) {
        try { localStorage.setItem(storagePrefix + key, value); } catch (e) { /* private mode: no memory */ }
      },
      load: function (key) {
        try { return localStorage.getItem(storagePrefix + key); } catch (e) { return null; }
      },
      event: function (name, json) {
        var data = null;
        try { data = JSON.parse(json); } catch (e) { data = { raw: json }; }
        events.push({ name: name, data: data });
        if (events.length > 100) events.shift();
        if (name === "error") console.warn("motsim: " + (data && data.message ? data.message : json));
      },
      copyLink: function (shareJson) { if (getModule()) copyLink(getModule(), shareJson); }
    };
  }

  // The last events the module sent (window.motsim.events), for tests and curious users.
  var events = [];

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
    if (!url) notice.timer = setTimeout(function () { box.classList.add("hidden"); }, 6000);
  }

  // shareJson (motsim_share) -> the page URL with #motsim=..., copied when the browser allows.
  function shareUrl(m, shareJson) {
    if (!window.MotsimEmbed) return Promise.reject(new Error("motsim-embed.js is not loaded"));
    return window.MotsimEmbed.encodeState(window.MotsimEmbed.shareState(m, shareJson)).then(function (payload) {
      return location.href.replace(/#.*$/, "") + "#motsim=" + payload;
    });
  }
  function copyLink(m, shareJson) {
    shareUrl(m, shareJson).then(function (url) {
      var clip = navigator.clipboard && navigator.clipboard.writeText ? navigator.clipboard.writeText(url) : Promise.reject();
      return clip.then(function () { notice("A link to this run was copied to the clipboard (" + Math.ceil(url.length / 1024) + " KB)."); },
                       function () { notice("Copy this link to share the run:", url); });
    }).catch(function (e) {
      notice("No link: " + (e && e.message ? e.message : e));
    });
  }

  // A #motsim=... fragment: the shared scenario, seed, speed and tick. A bad one gives a clear
  // message and the default scenario; a good one is applied and then taken out of the address
  // (the app remembers the run itself, so a reload does not undo later edits).
  function applyFragment(m) {
    var at = location.hash.indexOf("motsim=");
    if (at < 0 || !window.MotsimEmbed) return Promise.resolve(null);
    return window.MotsimEmbed.decodeState(location.hash.slice(at)).then(function (state) {
      // The scenario goes in with its key order kept (motsim_load_share would re-sort it).
      if (!window.MotsimEmbed.applyState(m, state)) throw new Error("the link's scenario could not be loaded");
      try { history.replaceState(history.state, "", location.href.replace(/#.*$/, "")); } catch (e) { /* sandboxed */ }
      return true;
    }).catch(function (e) {
      var why = e && e.message ? e.message : String(e);
      console.warn("motsim: " + why);
      m.ccall("motsim_load_share", "number", ["string"], [""]);  // the app's own message: default scenario
      notice("This link could not be used: " + why + ". Showing the default scenario.");
      return fetch("scenarios/default.json").then(function (r) { return r.ok ? r.text() : null; }).then(function (text) {
        if (text) m.ccall("motsim_load", "number", ["string", "string"], [text, "default.json"]);
        return false;
      }, function () { return false; });
    });
  }

  function start() {
    if (typeof createMotsim !== "function") return;  // the script error handler already said why
    if (!hasWebGL2()) {
      fail("This browser or device has no WebGL2, which the simulator needs to draw. " +
           "Try a current Chrome, Edge, Firefox or Safari, or enable hardware acceleration.");
      return;
    }
    var canvas = document.getElementById("canvas");
    var module = null;
    createMotsim({
      canvas: canvas,
      motsimHost: host(function () { return module; }, canvas, ""),
      print: function (t) { console.log(t); },
      printErr: function (t) { console.warn(t); },
      onAbort: function (what) { fail("The simulator stopped: " + what); }
    }).then(function (m) {
      module = m;
      window.motsim = {
        events: events,
        fragment: applyFragment(m),
        shareLink: function () { return shareUrl(m); },
        module: m,
        state: function () { return JSON.parse(m.ccall("motsim_state", "string", [], [])); },
        load: function (text, name) { return m.ccall("motsim_load", "number", ["string", "string"], [text, name || "scenario"]) === 1; },
        set: function (path, value) { return m.ccall("motsim_set", "number", ["string", "number"], [path, value]) === 1; },
        command: function (c) { return m.ccall("motsim_command", "number", ["string"], [c]) === 1; },
        scenario: function () { return JSON.parse(m.ccall("motsim_scenario", "string", [], [])); },
        widget: function (name) { return JSON.parse(m.ccall("motsim_widget", "string", ["string"], [name])); },
        story: function () { return m.ccall("motsim_story", "string", [], []); }
      };
    }, function (err) {
      fail("The simulator could not start: " + (err && err.message ? err.message : err));
    });
  }

  return { start: start, fail: fail };
})();
