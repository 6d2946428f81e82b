// The LMS side of tests/browser/lms.test.mjs. window.lmsHost.launch({std, pkg, cmi}) puts a fresh
// scorm-again API on this window as an LMS does (window.API for SCORM 1.2, window.API_1484_11 for
// SCORM 2004), loaded from a stored data model `cmi` (renderCMIToJSONObject of an earlier session)
// when given, and opens the package's index.html in an iframe; it records the calls the content
// makes. remove() takes the iframe away (the page's pagehide / unload), cmi() reads the data model.
(function () {
  "use strict";
  var frame = null;
  var host = {
    std: null, api: null, calls: [], initialized: 0, commits: 0, finished: 0,
    launch: function (opts) {
      host.remove();
      delete window.API;
      delete window.API_1484_11;
      host.std = opts.std;
      host.calls = [];
      host.initialized = host.commits = host.finished = 0;
      var settings = { autocommit: false, lmsCommitUrl: false, logLevel: 5 };
      var v12 = opts.std === "12";
      var api = v12 ? new window.Scorm12API(settings) : new window.Scorm2004API(settings);
      if (opts.cmi) api.loadFromJSON(opts.cmi, "");
      var names = v12 ? ["LMSInitialize", "LMSSetValue", "LMSCommit", "LMSFinish"] : ["Initialize", "SetValue", "Commit", "Terminate"];
      api.on(names[0], function () { host.initialized++; });
      api.on(names[1] + ".cmi.*", function (element, value) { host.calls.push([element, value]); });
      api.on(names[2], function () { host.commits++; });
      api.on(names[3], function () { host.finished++; });
      if (v12) window.API = api; else window.API_1484_11 = api;
      host.api = api;
      frame = document.createElement("iframe");
      frame.title = "Lesson";
      frame.src = opts.pkg + "index.html" + (opts.query || "");
      document.getElementById("course").appendChild(frame);
      return true;
    },
    remove: function () {
      if (frame && frame.parentNode) frame.parentNode.removeChild(frame);
      frame = null;
      return true;
    },
    cmi: function () { return host.api ? JSON.parse(JSON.stringify(host.api.renderCMIToJSONObject())) : null; },
    get: function (element) { return host.api ? host.api.getCMIValue(element) : null; }
  };
  window.lmsHost = host;
})();
