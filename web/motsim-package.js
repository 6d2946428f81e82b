// The full page's LMS package maker: when the lesson editor asks for a package (the module's
// host event "package" {format}), this builds the same zip as `motsim package LESSON --scenario
// FILE --format F -o OUT.zip` in the browser and saves it:
//   1. the generated files (lesson.json, scenario.json, package.json, imsmanifest.xml or
//      cmi5.xml) from the module's motsim_package_files(format), made by the same C++ as the CLI;
//   2. the site's runtime files, listed in lms/files.json ({"all": [{from, to}], "<format>": [...]},
//      the list the CLI reads too), fetched from this site;
//   3. a zip made with fflate (vendor/fflate.js, loaded on first use) in slices of a few
//      milliseconds on the page's thread, so no task runs long (the page's policy allows no blob
//      workers, which fflate's own asynchronous zip would need), with progress in the notice area.
// Everything read is checked: the module's answer, the file list, the names (relative paths only,
// no "..", no duplicates), the sizes. A failure is a message, never a half-made download.
// No inline script: index.html loads this file; motsim-page.js calls MotsimPackage.make().
"use strict";
(function () {
  var FORMATS = { scorm12: "SCORM 1.2", scorm2004: "SCORM 2004", cmi5: "cmi5" };
  var MAX_TOTAL = 64 * 1024 * 1024;   // bytes of all files together
  var MAX_LIST = 64 * 1024;           // bytes of lms/files.json
  var MAX_FILES = 200;
  var SLICE_MS = 8;                   // work between two yields to the page
  var CHUNK = 8 * 1024;               // bytes given to the compressor at a time (about 1 ms)

  function fail(message) { var e = new Error(message); e.packageError = true; return e; }

  // A zip member name: a relative path of plain segments ("vendor/cmi5.js"), nothing that could
  // climb out of the folder it is unpacked into.
  function safePath(p) {
    if (typeof p !== "string" || !p.length || p.length > 200) return false;
    if (/[\\:*?"<>|\u0000-\u001f\u007f]/.test(p) || p.charAt(0) === "/") return false;
    var parts = p.split("/");
    for (var i = 0; i < parts.length; i++) if (!parts[i] || parts[i] === "." || parts[i] === "..") return false;
    return true;
  }

  // "<lesson title>-<format>.zip" with only letters, digits, spaces, dots, dashes and underscores.
  function fileName(title, format) {
    var t = String(title || "").normalize ? String(title || "").normalize("NFKD") : String(title || "");
    t = t.replace(/[\u0300-\u036f]/g, "").replace(/[^A-Za-z0-9 ._-]+/g, "-").replace(/\s+/g, " ")
         .replace(/-{2,}/g, "-").replace(/^[\s.-]+|[\s.-]+$/g, "").slice(0, 60).replace(/[\s.-]+$/, "");
    return (t || "lesson") + "-" + format + ".zip";
  }

  // The module's answer {"ok": true, "files": {name: text}} -> [{name, text}]; throws the reason.
  function generatedFiles(answer) {
    if (answer === null || answer === undefined || answer === "") throw fail("the simulator did not answer");
    var j;
    try { j = typeof answer === "string" ? JSON.parse(answer) : answer; } catch (e) { throw fail("the simulator's answer is not JSON"); }
    if (!j || typeof j !== "object") throw fail("the simulator's answer is not an object");
    if (j.ok !== true) {
      var why = typeof j.error === "string" && j.error ? j.error : "the simulator could not make the files";
      throw fail(why.length > 300 ? why.slice(0, 300) + "..." : why);
    }
    if (!j.files || typeof j.files !== "object" || Array.isArray(j.files)) throw fail("the simulator's answer has no files");
    var out = [];
    for (var name in j.files) if (Object.prototype.hasOwnProperty.call(j.files, name)) {
      if (!safePath(name)) throw fail("the simulator named a file " + JSON.stringify(String(name).slice(0, 80)));
      if (typeof j.files[name] !== "string") throw fail("the simulator's " + name + " is not text");
      out.push({ name: name, text: j.files[name] });
    }
    if (!out.length) throw fail("the simulator gave no files");
    return out;
  }

  // lms/files.json -> [{from, to}] for `format`: "all" then the format's own entries.
  function siteList(list, format) {
    if (!list || typeof list !== "object" || !Array.isArray(list.all)) throw fail("lms/files.json has no \"all\" list");
    var entries = list.all.concat(Array.isArray(list[format]) ? list[format] : []);
    if (entries.length > MAX_FILES) throw fail("lms/files.json lists too many files");
    return entries.map(function (e) {
      if (!e || typeof e !== "object" || !safePath(e.from) || !safePath(e.to))
        throw fail("lms/files.json has a bad entry " + JSON.stringify(e).slice(0, 100));
      return { from: e.from, to: e.to };
    });
  }

  function fetchWithin(url, limit, what) {
    return fetch(url, { cache: "no-store", credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw fail(what + " could not be loaded (HTTP " + r.status + ")");
      var n = Number(r.headers.get("content-length"));
      if (n > limit) throw fail(what + " is too large");
      return r.arrayBuffer();
    }, function () { throw fail(what + " could not be loaded (network error)"); }).then(function (b) {
      if (b.byteLength > limit) throw fail(what + " is too large");
      return new Uint8Array(b);
    });
  }

  // vendor/fflate.js, once per page.
  var fflateLoad = null;
  function loadFflate(base) {
    if (window.fflate && window.fflate.Zip) return Promise.resolve(window.fflate);
    if (fflateLoad) return fflateLoad;
    fflateLoad = new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = new URL("vendor/fflate.js", base).href;
      s.onload = function () {
        if (window.fflate && window.fflate.Zip && window.fflate.ZipDeflate) resolve(window.fflate);
        else reject(fail("vendor/fflate.js loaded but defines no zip maker"));
      };
      s.onerror = function () { reject(fail("the zip maker (vendor/fflate.js) could not be loaded")); };
      document.head.appendChild(s);
    });
    fflateLoad.catch(function () { fflateLoad = null; });
    return fflateLoad;
  }

  // Each slice's milliseconds (the last 2,000): for tests and the curious.
  var stats = { longestSliceMs: 0, slices: 0, sliceMs: [] };
  // A yield that lets input and frames run but, unlike nested setTimeout(0), is not clamped to 4 ms.
  var channel = typeof MessageChannel === "function" ? new MessageChannel() : null, waiting = [];
  if (channel) channel.port1.onmessage = function () { var r = waiting.shift(); if (r) r(); };
  function yieldToPage() {
    return new Promise(function (r) {
      if (channel) { waiting.push(r); channel.port2.postMessage(0); } else setTimeout(r, 0);
    });
  }

  // [{name, data: Uint8Array}] -> Uint8Array of a zip, deflated in slices of about SLICE_MS.
  // onProgress(done, total) in bytes.
  function zipInSlices(fflate, files, onProgress) {
    var total = 0, done = 0;
    files.forEach(function (f) { total += f.data.length; });
    var parts = [], size = 0, error = null, finished = false;
    var zip = new fflate.Zip(function (err, chunk, final) {
      if (err) { error = err; return; }
      parts.push(chunk);
      size += chunk.length;
      if (final) finished = true;
    });
    var mtime = new Date();
    var i = 0, at = 0, current = null;
    function work() {
      var t0 = performance.now();
      while (i < files.length && !error) {
        var f = files[i];
        if (!current) {
          current = new fflate.ZipDeflate(f.name, { level: 6, mtime: mtime });
          zip.add(current);
          at = 0;
        }
        var end = Math.min(at + CHUNK, f.data.length);
        current.push(f.data.subarray(at, end), end >= f.data.length);
        done += end - at;
        at = end;
        if (at >= f.data.length) { i++; current = null; }
        if (performance.now() - t0 > SLICE_MS) break;
      }
      var spent = performance.now() - t0;
      stats.slices++;
      stats.sliceMs.push(Math.round(spent * 10) / 10);
      if (stats.sliceMs.length > 2000) stats.sliceMs.shift();
      if (spent > stats.longestSliceMs) {
        stats.longestSliceMs = spent;
        stats.longestSliceAt = (files[Math.min(i, files.length - 1)] || {}).name + " @" + at;
      }
      if (error) return Promise.reject(fail("the zip could not be made: " + (error.message || error)));
      if (onProgress) onProgress(done, total);
      if (i < files.length) return yieldToPage().then(work);
      zip.end();
      if (error || !finished) return Promise.reject(fail("the zip could not be made" + (error ? ": " + (error.message || error) : "")));
      var out = new Uint8Array(size), o = 0;
      parts.forEach(function (p) { out.set(p, o); o += p.length; });
      return Promise.resolve(out);
    }
    return yieldToPage().then(work);
  }

  // make({format, filesOf(format) -> the module's answer, status(text, kind), download(name, blob),
  //       base}) -> Promise<{ok: true, name, size, files: [names]} | {ok: false, error}>.
  // status kinds: "progress", "done", "error".
  function make(opts) {
    opts = opts || {};
    var format = opts.format;
    var status = typeof opts.status === "function" ? opts.status : function () {};
    var base = opts.base || document.baseURI;
    var label = FORMATS[format];
    var lastStatus = 0;
    function progress(text, force) {
      var now = Date.now();
      if (!force && now - lastStatus < 400) return;
      lastStatus = now;
      status(text, "progress");
    }
    return Promise.resolve().then(function () {
      if (!Object.prototype.hasOwnProperty.call(FORMATS, format))
        throw fail("unknown package format " + JSON.stringify(String(format).slice(0, 40)) + " (scorm12, scorm2004 or cmi5)");
      if (typeof opts.filesOf !== "function") throw fail("this page cannot ask the simulator for package files");
      progress("Making the " + label + " package...", true);
      var generated = generatedFiles(opts.filesOf(format));
      return Promise.all([
        generated,
        fetchWithin(new URL("lms/files.json", base).href, MAX_LIST, "the list of package files (lms/files.json)").then(function (bytes) {
          var list;
          try { list = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes)); } catch (e) { throw fail("lms/files.json is not JSON"); }
          return siteList(list, format);
        }),
        loadFflate(base)
      ]);
    }).then(function (got) {
      var generated = got[0], site = got[1], fflate = got[2];
      var names = {};
      function claim(name) {
        if (Object.prototype.hasOwnProperty.call(names, name)) throw fail("two files would be named " + name + " in the package");
        names[name] = true;
      }
      site.forEach(function (e) { claim(e.to); });
      generated.forEach(function (g) { claim(g.name); });
      var title = "";
      generated.forEach(function (g) {
        if (g.name === "package.json" || (!title && g.name === "lesson.json")) {
          try { var t = JSON.parse(g.text).title; if (typeof t === "string" && t.trim()) title = t; } catch (e) { /* named "lesson" */ }
        }
      });
      // The site files, four at a time.
      var files = [], total = 0, fetched = 0, next = 0;
      function one() {
        if (next >= site.length) return Promise.resolve();
        var e = site[next++];
        return fetchWithin(new URL(e.from, base).href, MAX_TOTAL, e.from).then(function (data) {
          total += data.length;
          if (total > MAX_TOTAL) throw fail("the package would be over " + (MAX_TOTAL >> 20) + " MB");
          files.push({ name: e.to, data: data, order: site.indexOf(e) });
          fetched++;
          progress("Making the " + label + " package: fetched " + fetched + " of " + site.length + " files...");
          return one();
        });
      }
      var workers = [];
      for (var k = 0; k < Math.min(4, site.length); k++) workers.push(one());
      return Promise.all(workers).then(function () {
        files.sort(function (a, b) { return a.order - b.order; });
        var enc = new TextEncoder();
        generated.forEach(function (g) { files.push({ name: g.name, data: enc.encode(g.text) }); });
        return zipInSlices(fflate, files, function (done, all) {
          progress("Making the " + label + " package: compressing, " + Math.floor(100 * done / Math.max(all, 1)) + " %...");
        });
      }).then(function (zip) {
        var name = fileName(title, format);
        var blob = new Blob([zip], { type: "application/zip" });
        if (typeof opts.download === "function") opts.download(name, blob);
        var size = zip.length < 1024 * 1024 ? Math.ceil(zip.length / 1024) + " KB" : (zip.length / 1048576).toFixed(1) + " MB";
        status("Saved " + name + " (" + size + "): upload it to your LMS as a " + label + " package.", "done");
        return { ok: true, name: name, size: zip.length, files: files.map(function (f) { return f.name; }) };
      });
    }).catch(function (e) {
      var why = e && e.packageError ? e.message : "an unexpected error (" + (e && e.message ? e.message : e) + ")";
      status("The package was not made: " + why + ".", "error");
      return { ok: false, error: why };
    });
  }

  window.MotsimPackage = { make: make, fileName: fileName, safePath: safePath, stats: stats, formats: Object.keys(FORMATS) };
})();
