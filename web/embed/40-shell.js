// ==== 40-shell.js: the instance's frame on the page ==============================================
// The injected styles, the shell (stage, canvas, file input, the mirror's section and live
// region), theme, the failure box and announcements.

// ---- Styles (injected once) ----

var CSS_TEXT = [
  ".motsim-embed{--ms-bg:#14161c;--ms-fg:#e8eaf0;--ms-muted:#aab1c0;--ms-panel:#1d2029;--ms-line:#3a4150;",
  "--ms-accent:#6ea8ff;--ms-on-accent:#0b0d12;--ms-focus:#ffbf47;--ms-ok:#5fcf80;box-sizing:border-box;display:flex;flex-wrap:wrap;",
  "gap:12px;align-items:flex-start;color:var(--ms-fg);background:var(--ms-bg);padding:8px;border-radius:6px;",
  "font:15px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif}",
  ".motsim-embed.motsim-light{--ms-bg:#f4f5f8;--ms-fg:#1b1e26;--ms-muted:#4a5263;--ms-panel:#fff;--ms-line:#c5cad6;",
  "--ms-accent:#1f5fbf;--ms-on-accent:#fff;--ms-focus:#b35900;--ms-ok:#1d7a3a}",
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
  ".motsim-embed button[aria-pressed=true]{background:var(--ms-accent);color:var(--ms-on-accent);border-color:var(--ms-accent)}",
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

// ---- the shell ----
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
