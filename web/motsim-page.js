// The page shell of the full-window app: checks WebGL2, shows loading and readable errors,
// and gives the module its host services (file picker, downloads, screenshots, local storage).
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

  function download(name, blob) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  }

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
      }
    };
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
