// The full page's DOM mirror (index.html): every control of the canvas and its results as plain
// HTML, for screen readers and keyboard users. It sits after the canvas in the Tab order, off
// screen until the keyboard enters it (then it shows as a panel: motsim-page.css, .mirror).
//   - Run: play/pause, step, reset, run to the end; speed, seed, engine.
//   - Scenario: the shipped scenarios by title (fetched from scenarios/ beside the page).
//   - The selected moment: which one, and its parameters as labelled sliders.
//   - Authoring: add a moment, remove the selected one, undo, redo (motsim_edit; the answer,
//     {"ok", "error"}, is announced).
//   - Results: a live summary (at most once a second) and the charts as data tables (the
//     per-tick series sampled to about 20 rows, the counts per moment).
// Everything goes through the page's bridge (MotsimEmbed.bridge); no inline style or script.
"use strict";
var MotsimMirror = (function () {
  var TABLE_ROWS = 20;
  // The counts per moment list at most this many moments (a 1,000-moment journey would make a
  // table of 7,000 cells every two seconds): the selected moment and those around it.
  var MOMENT_ROWS = 60;
  var ENGINES = [["agents", "Agents: each customer a dot with a story"], ["cohort", "Cohort: counts, for any population"],
                 ["expected", "Expected values: no randomness"]];
  // The selected moment's parameters: field, label, min, max, step, percent.
  var FIELDS = [
    ["positive", "chance of a positive experience", 0, 1, 0.01, true],
    ["negative", "chance of a negative experience", 0, 1, 0.01, true],
    ["magic", "share of positive experiences that are moments of magic", 0, 1, 0.01, true],
    ["review", "chance a finishing customer writes a review", 0, 1, 0.01, true],
    ["impact/positive", "impression change after a positive experience", -1, 1, 0.05, false],
    ["impact/neutral", "impression change after a neutral experience", -1, 1, 0.05, false],
    ["impact/negative", "impression change after a negative experience", -1, 1, 0.05, false],
    ["impact/magic", "impression change after a moment of magic", -1, 1, 0.05, false]
  ];

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) {
      if (k === "className") e.className = attrs[k]; else e.setAttribute(k, attrs[k]);
    }
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function fin(x) { return typeof x === "number" && isFinite(x); }
  function num(x) { return fin(x) ? Math.round(x).toLocaleString("en") : "-"; }
  function pct(x) { return fin(x) ? (Math.round(x * 1000) / 10) + "%" : "-"; }
  function short(x) { return fin(x) ? String(Math.round(x * 100) / 100) : "-"; }
  var uid = 0;
  function id(prefix) { return "mirror-" + prefix + "-" + (++uid); }

  function Mirror(bridge, root) {
    this.b = bridge;
    this.root = root;
    this.scenarioKey = "";
    this.lastSummary = "";
    this.lastTables = "";
    this.lastTablesAt = 0;
    this.build();
  }

  Mirror.prototype.say = function (text) {
    var live = this.announcer;
    live.textContent = "";
    setTimeout(function () { live.textContent = text; }, 30);
  };

  Mirror.prototype.button = function (parent, label, action, fn, name) {
    var b = el("button", { type: "button", "data-action": action }, label);
    if (name) b.setAttribute("aria-label", name);
    b.addEventListener("click", fn);
    parent.appendChild(b);
    return b;
  };

  Mirror.prototype.build = function () {
    var self = this, b = this.b, root = this.root;
    root.appendChild(el("h2", null, "motsim: controls and results"));
    root.appendChild(el("p", { className: "mirror-hint" },
      "The same controls as the simulator above, as a text version. In the simulator itself: Space plays or pauses, " +
      "Right arrow steps, R resets, E runs to the end, Ctrl+Z undoes, Ctrl+Y redoes, F1 opens the information, " +
      "F6 moves between windows, Tab between the fields of a window."));
    this.announcer = el("div", { className: "mirror-live", role: "status", "aria-live": "polite", "aria-atomic": "true" });
    root.appendChild(this.announcer);

    // Run controls.
    var run = el("section", { "aria-labelledby": "mirror-run-h" });
    run.appendChild(el("h3", { id: "mirror-run-h" }, "Run"));
    var row = el("div", { className: "mirror-row", role: "group", "aria-label": "Run controls" });
    this.play = this.button(row, "Play", "play", function () {
      var s = b.state();
      if (!s) return;
      if (s.finished) { b.command("reset"); b.command("play"); self.say("Replaying from the start."); }
      else { b.command(s.playing ? "pause" : "play"); self.say(s.playing ? "Paused." : "Playing."); }
      self.refresh(true);
    });
    this.play.setAttribute("aria-pressed", "false");
    this.button(row, "Step", "step", function () { b.command("pause"); b.command("step"); self.refresh(true); self.say("One step: " + self.tickText()); }, "Step one tick");
    this.button(row, "Reset", "reset", function () { b.command("reset"); self.refresh(true); self.say("Reset to the start."); }, "Reset the run");
    this.button(row, "Run to the end", "finish", function () {
      self.say("Running to the end...");
      b.finish().then(function () { self.refresh(true); self.say("At the end: " + self.summaryText(b.state())); });
    });
    run.appendChild(row);
    this.speed = this.numberField(run, "Speed (ticks per second)", "speed", 0.1, 1000, "any", function (v) { return b.set("speed", v); });
    this.seed = this.numberField(run, "Seed", "seed", 0, 4294967295, 1, function (v) { return b.set("seed", v); });
    var eid = id("engine");
    var erow = el("div", { className: "mirror-field" });
    erow.appendChild(el("label", { "for": eid }, "Engine"));
    this.engine = el("select", { id: eid, "data-path": "engine" });
    ENGINES.forEach(function (e, i) { self.engine.appendChild(el("option", { value: String(i) }, e[1])); });
    this.engine.addEventListener("change", function () {
      var ok = b.set("engine", Number(self.engine.value));
      self.say(ok ? "Engine: " + ENGINES[Number(self.engine.value)][0] + "." : "The engine could not be changed.");
    });
    erow.appendChild(this.engine);
    run.appendChild(erow);
    root.appendChild(run);

    // Scenario choice.
    var sc = el("section", { "aria-labelledby": "mirror-scenario-h" });
    sc.appendChild(el("h3", { id: "mirror-scenario-h" }, "Scenario"));
    this.scenarioName = el("p", null, "");
    sc.appendChild(this.scenarioName);
    var sid = id("scenario");
    var srow = el("div", { className: "mirror-field" });
    srow.appendChild(el("label", { "for": sid }, "Shipped scenarios"));
    this.shipped = el("select", { id: sid });
    srow.appendChild(this.shipped);
    this.button(srow, "Load", "load-scenario", function () { self.loadShipped(self.shipped.value); }, "Load the chosen scenario");
    sc.appendChild(srow);
    root.appendChild(sc);

    // The selected moment and its parameters.
    var mo = el("section", { "aria-labelledby": "mirror-moment-h" });
    mo.appendChild(el("h3", { id: "mirror-moment-h" }, "Moment of truth"));
    var mid = id("moment");
    var mrow = el("div", { className: "mirror-field" });
    mrow.appendChild(el("label", { "for": mid }, "Selected moment"));
    this.momentSelect = el("select", { id: mid });
    this.momentSelect.addEventListener("change", function () {
      self.edit({ op: "select", moment: self.momentSelect.value }, "Selected " + self.momentSelect.selectedOptions[0].textContent + ".");
    });
    mrow.appendChild(this.momentSelect);
    mo.appendChild(mrow);
    this.params = el("fieldset", { className: "mirror-params" });
    mo.appendChild(this.params);
    root.appendChild(mo);

    // Authoring.
    var au = el("section", { "aria-labelledby": "mirror-edit-h" });
    au.appendChild(el("h3", { id: "mirror-edit-h" }, "Edit the journey"));
    var nid = id("new-name");
    var nrow = el("div", { className: "mirror-field" });
    nrow.appendChild(el("label", { "for": nid }, "Name of a new moment"));
    this.newName = el("input", { id: nid, type: "text", value: "New moment", maxlength: "200" });
    nrow.appendChild(this.newName);
    au.appendChild(nrow);
    var arow = el("div", { className: "mirror-row", role: "group", "aria-label": "Edit commands" });
    this.button(arow, "Add a moment", "add-moment", function () {
      var name = self.newName.value.trim() || "New moment";
      self.edit({ op: "add_moment", name: name }, "Added the moment " + name + ".");
    }, "Add a moment after the selected one");
    this.button(arow, "Remove the selected moment", "remove-moment", function () {
      var s = b.state();
      if (!s || !s.selected) { self.say("No moment is selected."); return; }
      self.edit({ op: "remove_moment", moment: s.selected }, "Removed the moment " + s.selected + ".");
    });
    this.button(arow, "Undo", "undo", function () { self.edit({ op: "undo" }, "Undone."); }, "Undo the last edit");
    this.button(arow, "Redo", "redo", function () { self.edit({ op: "redo" }, "Redone."); }, "Redo the edit undone last");
    au.appendChild(arow);
    root.appendChild(au);

    // Results.
    var re = el("section", { "aria-labelledby": "mirror-results-h" });
    re.appendChild(el("h3", { id: "mirror-results-h" }, "Results"));
    this.summary = el("p", { className: "mirror-summary", role: "status", "aria-live": "polite", "aria-atomic": "true" });
    re.appendChild(this.summary);
    this.tables = el("div", { className: "mirror-tables" });
    re.appendChild(this.tables);
    root.appendChild(re);

    this.rebuildScenario();
    this.refresh(true);
  };

  Mirror.prototype.numberField = function (parent, label, path, min, max, step, set) {
    var self = this, fid = id(path);
    var row = el("div", { className: "mirror-field" });
    row.appendChild(el("label", { "for": fid }, label));
    var input = el("input", { id: fid, type: "number", min: String(min), max: String(max), step: String(step), "data-path": path });
    input.addEventListener("change", function () {
      var v = Number(input.value);
      var ok = input.value !== "" && fin(v) && set(v);
      self.say(ok ? label + ": " + input.value + "." : label + " could not be set to " + input.value + ".");
      self.refresh(true);
    });
    row.appendChild(input);
    parent.appendChild(row);
    return input;
  };

  // An authoring command; its answer is announced (the loader's message when refused).
  Mirror.prototype.edit = function (cmd, done) {
    var answer = this.b.json("motsim_edit", ["text"], [JSON.stringify(cmd)]);
    if (answer && answer.ok) this.say(done);
    else this.say("Not done: " + (answer && answer.error ? answer.error : "the simulator refused it") + ".");
    this.scenarioKey = "";  // rebuild what depends on the scenario
    this.paramsStale = true;
    this.refresh(true);
    return answer;
  };

  Mirror.prototype.loadShipped = function (file) {
    var self = this;
    if (!file) return;
    fetch("scenarios/" + encodeURIComponent(file), { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.text();
    }).then(function (text) {
      var ok = self.b.load(text, file);
      var s = self.b.state();
      self.say(ok ? "Loaded " + (s ? s.scenario : file) + "." : "The scenario " + file + " could not be loaded.");
      self.scenarioKey = "";
      self.refresh(true);
    }, function (e) { self.say("The scenario " + file + " could not be fetched: " + (e && e.message ? e.message : e) + "."); });
  };

  // What depends on the scenario: its name, the moment list, the selected moment's sliders.
  Mirror.prototype.rebuildScenario = function (state) {
    var self = this;
    // motsim_mirror, not motsim_scenario: the moments by name and the selected one's numbers,
    // without the whole scenario's JSON (large for a 1,000-moment journey).
    var mirror = this.b.json("motsim_mirror", ["number"], [TABLE_ROWS]);
    var s = state || this.b.state();
    if (!mirror || !s) return;
    var sc = { name: mirror.name, time_unit: mirror.time_unit,
               moments: (mirror.moments || []).map(function (m) { return { id: m[0], name: m[1] }; }) };
    this.scenario = sc;
    this.scenarioName.textContent = "Now: " + (sc.name || "untitled") + " (" + sc.moments.length + " moments).";
    if (this.shipped.options.length === 0) {
      (mirror.shipped || []).forEach(function (f) { self.shipped.appendChild(el("option", { value: f.file }, f.title)); });
    }
    var focused = document.activeElement;
    var keepFocus = focused && this.root.contains(focused) ? focused.getAttribute("data-path") : null;
    var ms = sc.moments || [];
    var sel = this.momentSelect;
    while (sel.firstChild) sel.removeChild(sel.firstChild);
    ms.forEach(function (m) { sel.appendChild(el("option", { value: m.id }, (m.name || m.id))); });
    sel.value = s.selected || "";
    var p = this.params;
    while (p.firstChild) p.removeChild(p.firstChild);
    this.inputs = {};
    var m = mirror.selected && mirror.selected.id === s.selected ? mirror.selected : null;
    if (!m) { p.appendChild(el("legend", null, "No moment selected")); return; }
    p.appendChild(el("legend", null, "Parameters of " + (m.name || m.id)));
    var locked = s.locked || [];
    FIELDS.forEach(function (f) {
      var parts = f[0].split("/");
      var v = parts.length === 2 ? (m.impact ? m.impact[parts[1]] : undefined) : m[parts[0]];
      if (!fin(v)) v = f[0] === "impact/positive" ? 0.2 : f[0] === "impact/negative" ? -0.3 : f[0] === "impact/magic" ? 0.5 : 0;
      var path = "/moments/" + m.id + "/" + f[0];
      var isLocked = locked.some(function (l) { return path === l || path.indexOf(l + "/") === 0; });
      var iid = id("param");
      var row = el("div", { className: "mirror-field" });
      row.appendChild(el("label", { "for": iid }, (m.name || m.id) + ": " + f[1] + (isLocked ? " (locked)" : "")));
      var input = el("input", { id: iid, type: "range", min: String(f[2]), max: String(f[3]), step: String(f[4]), "data-path": path });
      input.value = String(v);
      if (isLocked) input.disabled = true;
      var text = function (x) { return f[5] ? Math.round(x * 100) + "%" : short(x); };
      var out = el("output", { "for": iid, "aria-hidden": "true" }, text(v));
      input.setAttribute("aria-valuetext", text(v));
      input.addEventListener("input", function () {
        var x = Number(input.value);
        if (!self.b.set(path, x, true)) {
          self.say(path + (isLocked ? " is locked in this lesson." : " could not be set to " + x + "."));
          var now = self.b.json("motsim_mirror", ["number"], [2]);
          var mm = now && now.selected;
          var back = mm && mm.id === m.id ? (parts.length === 2 ? (mm.impact || {})[parts[1]] : mm[parts[0]]) : null;
          if (fin(back)) input.value = String(back);
        }
        out.textContent = text(Number(input.value));
        input.setAttribute("aria-valuetext", text(Number(input.value)));
      });
      row.appendChild(input);
      row.appendChild(out);
      p.appendChild(row);
      self.inputs[path] = input;
    });
    if (keepFocus) {
      var again = this.root.querySelector("[data-path=\"" + keepFocus.replace(/"/g, "") + "\"]");
      if (again) again.focus();
    }
  };

  Mirror.prototype.tickText = function (s) {
    s = s || this.b.state();
    if (!s) return "";
    var unit = this.scenario && this.scenario.time_unit ? this.scenario.time_unit : "tick";
    return unit + " " + s.tick + " of " + s.ticks + (s.finished ? " (finished)" : "");
  };
  Mirror.prototype.summaryText = function (s) {
    if (!s) return "";
    // v2: who is asked; loyalty's returns, the market's reach and the money, when the journey has them.
    var asked = { buyers: "NPS of buyers", finished: "NPS of those who finished", everyone: "NPS of everyone" }[s.nps_asked] || "NPS";
    var more = "";
    if (s.returns > 0 || s.waiting > 0) more += ", " + num(s.returns) + " returns, " + num(s.waiting) + " waiting to come back";
    if (s.market) more += ", " + pct(s.market.share) + " of the market reached";
    if (s.money) more += ", revenue " + num(s.money.revenue) + " " + s.money.currency + ", profit " + num(s.money.profit) + " " + s.money.currency;
    return this.tickText(s) + ": " + num(s.arrivals) + " customers, " + num(s.purchases) + " purchases (conversion " +
           pct(s.conversion) + "), " + num(s.lost) + " lost, " + asked + " " + (fin(s.nps) ? short(s.nps) : "- (nobody asked yet)") + more + ".";
  };

  // Follows the module: called about every second by the page, and at once after an action.
  Mirror.prototype.refresh = function (now) {
    var s = this.b.state();
    if (!s) return;
    var key = s.scenario + "|" + s.selected + "|" + (s.locked || []).join(",");
    var rebuilt = false;
    if (key !== this.scenarioKey) {
      this.scenarioKey = key;
      this.rebuildScenario(s);
      rebuilt = true;
    }
    var playing = !!s.playing && !s.finished;
    this.play.textContent = s.finished ? "Replay" : playing ? "Pause" : "Play";
    this.play.setAttribute("aria-pressed", String(playing));
    if (document.activeElement !== this.speed) this.speed.value = String(s.speed);
    if (document.activeElement !== this.seed) this.seed.value = String(s.seed);
    var ei = ["agents", "cohort", "expected"].indexOf(s.engine);
    if (document.activeElement !== this.engine && ei >= 0) this.engine.value = String(ei);
    var summary = this.summaryText(s);
    if (summary !== this.lastSummary) {
      this.lastSummary = summary;
      this.summary.textContent = summary;
    }
    var t = Date.now();
    if (rebuilt) {
      // The tables in a task of their own (a big journey's rebuild is enough for one).
      var self = this;
      this.lastTablesAt = t;
      setTimeout(function () { var s2 = self.b.state(); if (s2) self.refreshTables(s2); }, 0);
    } else if (now || t - this.lastTablesAt > 2000) {
      this.lastTablesAt = t;
      this.refreshTables(s);
    }
    if (this.paramsStale) {
      this.paramsStale = false;
      this.refreshParams();
    }
  };

  // A parameter changed somewhere ("param" event from the module, an undo): the sliders follow
  // at the next refresh (the scenario is read once for all of them).
  Mirror.prototype.onEvent = function (name) {
    if (name === "param") this.paramsStale = true;
    if (name === "edit" || name === "loaded") { this.paramsStale = true; this.scenarioKey = ""; }
  };

  // A slider follows a change made elsewhere (the canvas, undo), unless the learner is on it.
  Mirror.prototype.refreshParams = function () {
    var inputs = this.inputs || {};
    var any = Object.keys(inputs).length;
    if (!any) return;
    var now = this.b.json("motsim_mirror", ["number"], [2]);
    var m = now && now.selected;
    if (!m) return;
    Object.keys(inputs).forEach(function (path) {
      var p = path.split("/");
      if (p[2] !== m.id || document.activeElement === inputs[path]) return;
      var v = p.length === 5 ? (m.impact || {})[p[4]] : m[p[3]];
      if (fin(v) && Number(inputs[path].value) !== v) inputs[path].value = String(v);
    });
  };

  Mirror.prototype.refreshTables = function (s) {
    var mirror = this.b.json("motsim_mirror", ["number"], [TABLE_ROWS]);
    var sc = this.scenario || {};
    var text = JSON.stringify([mirror && mirror.series, s.moments]);
    if (text === this.lastTables) return;
    this.lastTables = text;
    var box = this.tables;
    while (box.firstChild) box.removeChild(box.firstChild);
    if (mirror && mirror.series) {
      var series = mirror.series;
      var t1 = el("table", { className: "mirror-table" });
      t1.appendChild(el("caption", null, "Customers in each phase, NPS and rating over time (the Flow and NPS charts; " +
                                        series.rows.length + " of " + series.ticks + " " + (sc.time_unit || "tick") + "s)"));
      var head = el("tr");
      series.columns.forEach(function (c) { head.appendChild(el("th", { scope: "col" }, c)); });
      var thead = el("thead");
      thead.appendChild(head);
      t1.appendChild(thead);
      var body = el("tbody");
      series.rows.forEach(function (r) {
        var tr = el("tr");
        r.forEach(function (v, i) {
          var last = i === r.length - 1;
          tr.appendChild(i === 0 ? el("th", { scope: "row" }, String(v)) : el("td", null, last ? pct(v) : i === r.length - 2 ? short(v) : num(v)));
        });
        body.appendChild(tr);
      });
      t1.appendChild(body);
      box.appendChild(t1);
    }
    var names = {};
    (sc.moments || []).forEach(function (m) { names[m.id] = m.name || m.id; });
    var t2 = el("table", { className: "mirror-table" });
    t2.appendChild(el("caption", null, "Customers per moment so far (the Funnel chart)"));
    var h2 = el("tr");
    ["moment", "entered", "positive", "neutral", "negative", "magic", "lost after"].forEach(function (c) {
      h2.appendChild(el("th", { scope: "col" }, c));
    });
    var thead2 = el("thead");
    thead2.appendChild(h2);
    t2.appendChild(thead2);
    var body2 = el("tbody");
    var keys = Object.keys(s.moments || {});
    if (keys.length > MOMENT_ROWS) {
      var at = Math.max(0, keys.indexOf(s.selected));
      var from = Math.max(0, Math.min(at - Math.floor(MOMENT_ROWS / 2), keys.length - MOMENT_ROWS));
      keys = keys.slice(from, from + MOMENT_ROWS);
      t2.firstChild.textContent += " (" + MOMENT_ROWS + " of " + Object.keys(s.moments).length +
                                   " moments, around the selected one)";
    }
    keys.forEach(function (k) {
      var m = s.moments[k];
      var tr = el("tr");
      tr.appendChild(el("th", { scope: "row" }, names[k] || k));
      ["entered", "positive", "neutral", "negative", "magic", "lost_after"].forEach(function (f) { tr.appendChild(el("td", null, num(m[f]))); });
      body2.appendChild(tr);
    });
    t2.appendChild(body2);
    box.appendChild(t2);
  };

  // Starts the mirror in `root` (an element of the page) and follows the module every second.
  function start(bridge, root) {
    var m = new Mirror(bridge, root);
    // About once a second; reading the state grows with the journey and the crowd, so the
    // pause is at least 20 times the last refresh's cost (the page's share of the thread stays
    // small, as in the embed's mirror).
    function loop() {
      if (bridge.dead) return;
      var t0 = Date.now();
      m.refresh(false);
      m.timer = setTimeout(loop, Math.max(1000, 20 * (Date.now() - t0)));
    }
    m.timer = setTimeout(loop, 1000);
    return m;
  }

  return { start: start };
})();
