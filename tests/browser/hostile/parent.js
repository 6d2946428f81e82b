// The hostile parent: frames SITE/embed.html?origins=<this origin>&scenario=...&lesson=...
// (query: site, scenario, lesson), records every message it receives (window.__got), and on
// window.__attack() asks the frame for everything it might hand back: replies to get, scenario,
// lesson, share, and loads of private URLs on the frame's site.
"use strict";
(function () {
  var q = new URLSearchParams(location.search);
  var site = q.get("site");
  var got = [];
  window.__got = got;
  window.__sent = 0;
  window.addEventListener("message", function (ev) {
    var text;
    try { text = JSON.stringify(ev.data); } catch (e) { text = String(ev.data); }
    got.push({ origin: ev.origin, text: text, data: ev.data });
  });
  var src = site + "/embed.html?autoplay=0&origins=" + encodeURIComponent(location.origin);
  if (q.get("scenario")) src += "&scenario=" + encodeURIComponent(q.get("scenario"));
  if (q.get("lesson")) src += "&lesson=" + encodeURIComponent(q.get("lesson"));
  var f = document.createElement("iframe");
  f.id = "victim";
  f.title = "framed simulator";
  f.style.width = "640px";
  f.style.height = "420px";
  f.src = src;
  document.body.appendChild(f);
  var n = 0;
  var tries = [
    { type: "hello" }, { type: "get" }, { type: "scenario" }, { type: "lesson" }, { type: "share" },
    { type: "load", scenario: "/profile.json" },
    { type: "load", scenario: site + "/profile.json" },
    { type: "load", scenario: "/private/plan.json" },
    { type: "load", scenario: "../private/plan.json" },
    { type: "load", scenario: "/scenarios/../private/plan.json" },
    { type: "scenario" },
    { type: "configure", options: { lesson: "/profile.json" } },
    { type: "get" }, { type: "lesson" }, { type: "share" }
  ];
  window.__attack = function () {
    tries.forEach(function (t) {
      var m = { motsim: 1, id: "x" + (++n) };
      for (var k in t) m[k] = t[k];
      try { f.contentWindow.postMessage(m, "*"); window.__sent++; } catch (e) { /* gone */ }
    });
  };
  f.addEventListener("load", function () { window.__attack(); });
})();
