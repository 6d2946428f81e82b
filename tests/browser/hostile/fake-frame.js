// A frame that answers MotsimEmbed.connect() like embed.html, but whose event names and reply
// ids are the names of Object.prototype members. A client with plain-object tables throws on
// them; one with maps delivers them or ignores them.
"use strict";
(function () {
  var parentOrigin = location.origin;  // the test frames this page from its own origin
  function post(msg) { window.parent.postMessage(msg, parentOrigin); }
  var evil = ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"];
  window.addEventListener("message", function (ev) {
    if (ev.source !== window.parent || ev.origin !== parentOrigin) return;
    var d = ev.data;
    if (!d || d.motsim !== 1) return;
    if (d.type === "hello") {
      post({ motsim: 1, re: d.id, ok: true, result: { protocol: 1, ready: true } });
      post({ motsim: 1, event: "ready", data: { fake: true } });
      return;
    }
    if (d.type === "evil") return;
    // Before the real reply: replies to ids nobody asked for, named like prototype members.
    evil.forEach(function (name) { post({ motsim: 1, re: name, ok: true, result: "forged " + name }); });
    evil.forEach(function (name) { post({ motsim: 1, event: name, data: { forged: name } }); });
    post({ motsim: 1, re: d.id, ok: true, result: { answered: d.type } });
  });
  post({ motsim: 1, event: "ready", data: { fake: true } });
})();
