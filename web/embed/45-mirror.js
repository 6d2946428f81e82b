// ==== 45-mirror.js: the DOM mirror beside the canvas =============================================
// Run controls, labelled sliders for parameters (their ranges and labels from the path), the
// metrics, the busy indicator, the lesson panel and the share box: what the canvas shows, in a
// form screen readers and keyboards can use. Follows the module about three times a second.

// ---- Parameters shown in the DOM mirror ----

function momentOf(scenario, id) {
  var ms = scenario && Array.isArray(scenario.moments) ? scenario.moments : [];
  for (var i = 0; i < ms.length; i++) if (ms[i].id === id) return ms[i];
  var n = Number(id);
  return Number.isInteger(n) && ms[n] ? ms[n] : null;
}
// The current value of a parameter path, read from the scenario JSON (null if unknown).
function paramValue(scenario, path) {
  var p = path.split("/").slice(1);
  if (!scenario) return null;
  var v = null;
  if (p[0] === "moments" && p.length >= 3) {
    var m = momentOf(scenario, p[1]);
    if (!m) return null;
    if (p.length === 3 && p[2] === "dwell") {
      v = m.dwell;
      if (isObject(v)) v = ((v.min || 0) + (v.max || 0)) / 2;
    } else if (p.length === 4 && p[2] === "dwell") v = isObject(m.dwell) ? m.dwell[p[3]] : m.dwell;
    else if (p.length === 4 && p[2] === "impact") v = m.impact ? m.impact[p[3]] : 0;
    else if (p.length === 3) v = m[p[2]] === undefined && (p[2] === "magic" || p[2] === "review") ? 0 : m[p[2]];
  } else if (p[0] === "segments" && p.length === 3) {
    var g = Array.isArray(scenario.segments) ? scenario.segments[Number(p[1])] : null;
    v = g ? g[p[2]] : null;
  } else if (p.length === 1) v = scenario[p[0]];
  else if (p.length === 2 && isObject(scenario[p[0]])) v = scenario[p[0]][p[1]];
  return isFiniteNumber(v) ? v : null;
}
var FIELD_LABELS = {
  positive: "chance of a positive experience", negative: "chance of a negative experience",
  magic: "chance of a magic moment", review: "chance of writing a review", dwell: "time spent"
};
function paramSpec(scenario, entry) {
  var path = entry.path, p = path.split("/").slice(1), last = p[p.length - 1];
  var v = paramValue(scenario, path);
  var spec = { path: path, value: v, min: 0, max: 1, step: 0.01, percent: false, label: entry.label };
  if (p[0] === "moments" && p.length === 3 && /^(positive|negative|magic|review)$/.test(last)) spec.percent = true;
  else if (p[0] === "moments" && p[2] === "impact") { spec.min = -2; spec.max = 2; spec.step = 0.05; }
  else if (p[0] === "moments" && p[2] === "dwell") { spec.min = 1; spec.max = Math.max(60, v || 0); spec.step = 1; }
  else if (p[0] === "influence") { spec.min = -5; spec.max = 5; spec.step = 0.1; }
  else if (last === "arrivals_per_tick") { spec.max = Math.max(1000, 4 * (v || 0)); spec.step = 1; }
  else if (last === "advocate_threshold" || last === "initial_impression") { spec.min = -1; spec.step = 0.05; }
  else if (last === "referral_boost") { spec.min = -2; spec.max = 2; spec.step = 0.05; }
  else if (last === "referral_ticks" || last === "half_life") { spec.max = 365; spec.step = 1; }
  else if (last === "shift") { spec.min = -5; spec.max = 5; spec.step = 0.1; }
  else if (last === "share") { spec.max = 10; spec.step = 0.05; }
  else { spec.max = Math.max(1, 2 * Math.abs(v || 0)); spec.step = spec.max / 100; }
  if (isFiniteNumber(entry.min)) spec.min = entry.min;
  if (isFiniteNumber(entry.max)) spec.max = entry.max;
  if (isFiniteNumber(entry.step) && entry.step > 0) spec.step = entry.step;
  if (!spec.label) {
    if (p[0] === "moments") {
      var m = momentOf(scenario, p[1]);
      var field = p[2] === "impact" ? "impact of a " + last + " experience" : (FIELD_LABELS[p.slice(2).join("/")] ||
                  FIELD_LABELS[p[2]] || p.slice(2).join(" "));
      spec.label = (m && m.name ? m.name : p[1]) + ": " + field;
    } else spec.label = p.join(" ").replace(/_/g, " ");
  }
  return spec;
}
function formatParam(spec, v) {
  if (!isFiniteNumber(v)) return "-";
  if (spec.percent) return Math.round(v * 100) + "%";
  return String(Math.round(v * 1000) / 1000);
}

Instance.prototype.buildMirror = function () {
  var self = this;
  var keep = this.live;
  var focusedPath = null, focusedButton = null;
  var active = document.activeElement;
  if (active && this.mirror.contains(active)) {
    focusedPath = active.getAttribute("data-path");
    focusedButton = active.getAttribute("data-action");
  }
  while (this.mirror.firstChild) this.mirror.removeChild(this.mirror.firstChild);
  this.mirrorInputs = {};
  this.lastMetricsText = "";
  this.lastLessonJson = "";

  // Run controls.
  var run = el("div", { className: "motsim-run motsim-box", role: "group", "aria-label": "Run controls" });
  this.playButton = el("button", { type: "button", "aria-pressed": "false", "data-action": "play" }, "Play");
  this.playButton.addEventListener("click", function () {
    var s = self.metrics();
    self.command(s && s.playing ? "pause" : "play");
    self.refresh();
  });
  var step = el("button", { type: "button", "data-action": "step", "aria-label": "Step one tick" }, "Step");
  step.addEventListener("click", function () { self.command("step"); self.refresh(); });
  var reset = el("button", { type: "button", "data-action": "reset", "aria-label": "Reset to the start" }, "Reset");
  reset.addEventListener("click", function () { self.command("reset"); self.refresh(); self.announce("Reset to the start."); });
  var finish = el("button", { type: "button", "data-action": "finish" }, "Run to the end");
  finish.addEventListener("click", function () { self.finish(); });
  var link = el("button", { type: "button", "data-action": "link", "aria-label": "Copy link to this run" }, "Copy link");
  link.addEventListener("click", function () {
    self.makeLink().then(function (url) { if (url) self.offerLink(url, true); });
  });
  // Long work (a run to the end or to a link's tick, a lesson check) shows its progress here,
  // with a Cancel button.
  this.busyBox = el("span", { className: "motsim-busy", "data-action": "busy" });
  this.busyBox.hidden = true;
  this.busyText = el("span", null, "");
  this.busyBar = el("progress", { max: "1", value: "0", "aria-label": "Progress" });
  var cancel = el("button", { type: "button", "data-action": "cancel", "aria-label": "Cancel the long run" }, "Cancel");
  cancel.addEventListener("click", function () { self.cancel(); });
  this.busyBox.appendChild(this.busyText);
  this.busyBox.appendChild(this.busyBar);
  this.busyBox.appendChild(cancel);
  this.lastBusy = "";
  [this.playButton, step, reset, finish, link, this.busyBox].forEach(function (b) { run.appendChild(b); });
  this.mirror.appendChild(run);

  // Parameters.
  var scenario = this.json("motsim_scenario");
  var state = this.metrics();
  var locked = (state && state.locked) || this.opts.locked || [];
  // Sliders grouped by moment, a fieldset each (the scenario's own parameters in one more).
  // With more than MIRROR_DEFAULT_MAX moments (and no list from the host), a list chooses the
  // moment whose sliders are shown: every moment is reachable, the panel stays short, and a
  // 1,000-moment journey builds two sliders, not two thousand.
  var entries = this.opts.mirror, pickList = null;
  if (!entries) {
    entries = [];
    var ms = scenario && scenario.moments || [];
    if (ms.length > MIRROR_DEFAULT_MAX) {
      pickList = ms;
      var ids = {};
      ms.forEach(function (m) { ids[m.id] = true; });
      if (!this.mirrorMoment || !ids[this.mirrorMoment])
        this.mirrorMoment = state && state.selected && ids[state.selected] ? state.selected : ms[0].id;
      ms = ms.filter(function (m) { return m.id === self.mirrorMoment; });
    }
    ms.forEach(function (m) {
      ["positive", "negative"].forEach(function (f) {
        var path = "/moments/" + m.id + "/" + f;
        if (!pathLocked(locked, path)) entries.push({ path: path });
      });
    });
  }
  var params = el("section", { className: "motsim-params", "aria-label": "Parameters" });
  var groups = {}, order = [];
  function groupOf(path) {
    var p = path.split("/");
    var key = p[1] === "moments" && p.length > 3 ? p[2] : "";
    if (!groups[key]) {
      var m = key ? momentOf(scenario, key) : null;
      var fs = el("fieldset", { className: "motsim-moment", "data-moment": key });
      fs.appendChild(el("legend", null, key ? (m && m.name ? m.name : key) : "Scenario"));
      groups[key] = fs;
      order.push(key);
    }
    return groups[key];
  }
  var anyLocked = false, badEntries = 0;
  entries.forEach(function (entry) {
    var spec = paramSpec(scenario, entry);
    if (spec.value === null) {
      self.report("mirror: " + entry.path + " is not a parameter of this scenario");
      badEntries++;
      return;
    }
    var id = nextId("motsim-param");
    var isLocked = pathLocked(locked, entry.path);
    anyLocked = anyLocked || isLocked;
    var row = el("div", { className: "motsim-param" });
    var label = el("label", { "for": id }, spec.label + (isLocked ? " (locked)" : ""));
    var input = el("input", { type: "range", id: id, min: String(spec.min), max: String(spec.max),
                              step: String(spec.step), "data-path": entry.path });
    input.value = String(spec.value);
    if (isLocked) input.disabled = true;
    var output = el("output", { "for": id, "aria-hidden": "true" }, formatParam(spec, spec.value));
    input.setAttribute("aria-valuetext", formatParam(spec, spec.value));
    input.addEventListener("input", function () {
      var v = Number(input.value);
      var ok = self.bridge.set(entry.path, v, true);
      if (!ok) {
        var cur = paramValue(self.json("motsim_scenario"), entry.path);
        if (cur !== null) input.value = String(cur);
        self.report(entry.path + (isLocked ? " is locked in this lesson" : " could not be changed to " + v));
      }
      var now = Number(input.value);
      output.textContent = formatParam(spec, now);
      input.setAttribute("aria-valuetext", formatParam(spec, now));
    });
    row.appendChild(label);
    row.appendChild(input);
    row.appendChild(output);
    groupOf(entry.path).appendChild(row);
    self.mirrorInputs[entry.path] = { input: input, output: output, spec: spec };
  });
  if (pickList) {
    var pickId = nextId("motsim-pick");
    var pickRow = el("div", { className: "motsim-param" });
    pickRow.appendChild(el("label", { "for": pickId }, "Moment to edit (" + pickList.length + " moments)"));
    var pick = el("select", { id: pickId, "data-action": "pick-moment" });
    pickList.forEach(function (m) { pick.appendChild(el("option", { value: m.id }, m.name ? m.name : m.id)); });
    pick.value = this.mirrorMoment;
    pick.addEventListener("change", function () {
      self.mirrorMoment = pick.value;
      self.buildMirror();  // the chosen moment's sliders (focus stays on the list)
    });
    pickRow.appendChild(pick);
    params.appendChild(pickRow);
  }
  order.forEach(function (k) { params.appendChild(groups[k]); });
  if (anyLocked) params.appendChild(el("p", { className: "motsim-locked-note" }, "Locked parameters are fixed by this lesson."));
  if (Object.keys(this.mirrorInputs).length) this.mirror.appendChild(params);

  // Metrics.
  var metrics = el("section", { className: "motsim-metrics motsim-box", "aria-label": "Results" });
  metrics.appendChild(el("p", { className: "motsim-box-title", "aria-hidden": "true" }, "Results"));
  this.metricsList = el("dl");
  metrics.appendChild(this.metricsList);
  this.timeUnit = scenario && typeof scenario.time_unit === "string" ? scenario.time_unit : "tick";
  this.mirror.appendChild(metrics);

  this.mirror.appendChild(keep);

  // Lesson.
  this.lessonBox = el("section", { className: "motsim-lesson motsim-box", "aria-label": "Lesson" });
  this.lessonBox.hidden = true;
  this.mirror.appendChild(this.lessonBox);

  this.shareBox = el("p", { className: "motsim-share" });
  this.shareBox.hidden = true;
  this.mirror.appendChild(this.shareBox);

  this.applyAccessible();
  this.refresh();
  this.refreshLesson(true);
  if (focusedPath && this.mirrorInputs[focusedPath]) this.mirrorInputs[focusedPath].input.focus();
  else if (focusedButton) {
    var b = this.mirror.querySelector("[data-action=\"" + focusedButton + "\"]");
    if (b) b.focus();
  }
  return badEntries;
};

Instance.prototype.updateMirrorValue = function (path, value) {
  var m = this.mirrorInputs[path];
  if (!m || !isFiniteNumber(value)) return;
  if (document.activeElement === m.input) return;  // the learner is on it: do not fight them
  m.input.value = String(value);
  m.output.textContent = formatParam(m.spec, value);
  m.input.setAttribute("aria-valuetext", formatParam(m.spec, value));
};

// The DOM mirror follows the module about three times a second. Reading the state grows with
// the crowd (tens of ms at 250,000 customers), so the pause between reads is at least 20 times
// the last read's cost: the page's share of the main thread stays small.
Instance.prototype.refreshLoop = function () {
  var self = this;
  if (this.destroyed) return;
  var t0 = Date.now();
  this.refresh();
  var cost = Date.now() - t0;
  this.refreshTimer = setTimeout(function () { self.refreshLoop(); }, Math.max(333, 20 * cost));
};
// A refresh in a task of its own (several events in one frame share it).
Instance.prototype.refreshSoon = function () {
  var self = this;
  if (this.refreshQueued) return;
  this.refreshQueued = true;
  setTimeout(function () { self.refreshQueued = false; self.refresh(); }, 0);
};

Instance.prototype.refresh = function () {
  if (!this.ready || this.destroyed || !this.metricsList) return;
  var s = this.metrics();
  if (!s) return;
  if (this.playButton) {
    var playing = !!s.playing && !s.finished;
    if (this.playButton.getAttribute("aria-pressed") !== String(playing))
      this.playButton.setAttribute("aria-pressed", String(playing));
  }
  this.showBusy(s.busy || (this.bridge && this.bridge.slicer ? { kind: "run_to", progress: null } : null));
  var unit = this.timeUnit || "tick";
  var rows = [
    [unit.charAt(0).toUpperCase() + unit.slice(1), s.tick + " of " + s.ticks + (s.finished ? " (finished)" : "")],
    ["Customers", num(s.arrivals)],
    ["Purchases", num(s.purchases) + " (conversion " + pct(s.conversion) + ")"],
    ["Lost", num(s.lost)],
    ["NPS", isFiniteNumber(s.nps) ? (Math.round(s.nps * 10) / 10).toString() : "-"],
    ["Rating", isFiniteNumber(s.rating) ? pct(s.rating) + " positive reviews" : "-"]
  ];
  var text = JSON.stringify(rows);
  if (text !== this.lastMetricsText) {
    this.lastMetricsText = text;
    var dl = this.metricsList;
    while (dl.firstChild) dl.removeChild(dl.firstChild);
    rows.forEach(function (r) {
      var div = el("div");
      div.style.display = "contents";
      div.appendChild(el("dt", null, r[0]));
      div.appendChild(el("dd", null, r[1]));
      dl.appendChild(div);
    });
  }
  this.refreshLesson(false, s.lesson);
};

var BUSY_TEXT = { run_to: "Running to the chosen time", finish: "Running to the end", lesson: "Checking your answer" };
Instance.prototype.showBusy = function (busy) {
  if (!this.busyBox) return;
  var key = busy ? busy.kind + ":" + (isFiniteNumber(busy.progress) ? Math.round(busy.progress * 100) : "") : "";
  if (key === this.lastBusy) return;
  var was = this.lastBusy;
  this.lastBusy = key;
  this.busyBox.hidden = !busy;
  if (!busy) {
    if (was && this.busyBox.contains(document.activeElement) && this.playButton) this.playButton.focus();
    return;
  }
  this.busyText.textContent = (BUSY_TEXT[busy.kind] || "Working") + "... ";
  if (isFiniteNumber(busy.progress)) this.busyBar.value = Math.max(0, Math.min(1, busy.progress));
  else this.busyBar.removeAttribute("value");
};

Instance.prototype.refreshLesson = function (force, lesson) {
  if (!this.lessonBox) return;
  if (lesson === undefined) lesson = this.json("motsim_lesson");
  var text = JSON.stringify(lesson);
  if (!force && text === this.lastLessonJson) return;
  this.lastLessonJson = text;
  var box = this.lessonBox, self = this;
  if (!lesson || !Array.isArray(lesson.steps)) { box.hidden = true; return; }
  box.hidden = this.opts.accessible === false;
  var hadFocus = box.contains(document.activeElement);
  while (box.firstChild) box.removeChild(box.firstChild);
  box.setAttribute("aria-label", "Lesson: " + (lesson.title || ""));
  box.appendChild(el("p", { className: "motsim-box-title" }, lesson.title || "Lesson"));
  var ol = el("ol");
  lesson.steps.forEach(function (st, i) {
    var li = el("li", null, st.text + " ");
    var status = st.done ? "done" : (i === lesson.step ? "current step" : "to do");
    if (st.done) li.className = "motsim-done";
    if (i === lesson.step) li.setAttribute("aria-current", "step");
    li.appendChild(el("span", { className: "motsim-status" }, "(" + status + ")"));
    ol.appendChild(li);
  });
  box.appendChild(ol);
  var all = lesson.step >= lesson.steps.length;
  var check = el("button", { type: "button", "data-action": "check" }, all ? "Lesson complete" : "Check my answer");
  if (all) check.setAttribute("aria-disabled", "true");
  check.addEventListener("click", function () { self.checkLesson(true); });
  box.appendChild(check);
  if (lesson.detail) box.appendChild(el("p", { className: "motsim-lesson-detail" }, "Last check: " + lesson.detail));
  if (hadFocus) check.focus();
};

// Promise<boolean>: the engine checks the current step on a fresh run (sliced by the module).
Instance.prototype.checkLesson = function (fromButton) {
  var self = this;
  var lesson = this.json("motsim_lesson");
  if (!lesson) { if (fromButton) this.announce("There is no lesson here."); return Promise.resolve(false); }
  if (lesson.step >= lesson.steps.length) { this.announce("The lesson is complete."); return Promise.resolve(false); }
  this.refreshSoon();
  return this.bridge.checkLesson().then(function (met) {
    if (self.destroyed) return false;
    if (!met) {
      var now = self.json("motsim_lesson");
      self.announce("Not yet. " + (now && now.detail ? now.detail : ""));
    }
    self.refreshLesson(true);
    self.refreshSoon();
    return met;
  });
};

Instance.prototype.offerLink = function (url, copy) {
  var self = this;
  function show(note) {
    if (!self.shareBox) return;
    while (self.shareBox.firstChild) self.shareBox.removeChild(self.shareBox.firstChild);
    var id = nextId("motsim-link");
    self.shareBox.appendChild(el("label", { "for": id }, note));
    var input = el("input", { id: id, type: "text", readonly: "" });
    input.value = url;
    self.shareBox.appendChild(input);
    self.shareBox.hidden = self.opts.accessible === false;
  }
  if (!copy) return;
  var clip = navigator.clipboard && navigator.clipboard.writeText ? navigator.clipboard.writeText(url) : Promise.reject();
  clip.then(function () {
    show("Link copied to the clipboard:");
    self.announce("A link to this run was copied to the clipboard.");
  }, function () {
    show("Copy this link to share the run:");
    self.announce("A link to this run is ready below; copy it to share.");
  });
};

// The share JSON (from the module unless given) -> the URL with #motsim=..., or null.
Instance.prototype.makeLink = function (shareJson) {
  var self = this;
  return Promise.resolve().then(function () {
    return encodeState(shareState(self.bridge, shareJson));
  }).then(function (payload) {
    var base = self.opts.shareUrl || location.href.replace(/#.*$/, "");
    var url = base + "#" + FRAGMENT_PREFIX + payload;
    if (self.opts.state === "hash" && history.replaceState) {
      try { history.replaceState(history.state, "", "#" + FRAGMENT_PREFIX + payload); } catch (e) { /* sandboxed */ }
    }
    self.emit("share", { url: url, length: url.length });
    return url;
  }).catch(function (e) {
    self.report("no link: " + errorText(e));
    return null;
  });
};
