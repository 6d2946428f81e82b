// The example lesson page: one simulator mounted by script (with a lesson and locked moments),
// one in an iframe (embed.html) driven by the page's buttons through MotsimEmbed.connect().
// window.lessonPage holds both, for the browser tests and for anyone poking in the console.
"use strict";
(function () {
  var page = { hotel: null, shelf: null, events: [] };
  window.lessonPage = page;
  var log = document.getElementById("hotel-log");

  function note(text) {
    page.events.push(text);
    var li = document.createElement("li");
    li.textContent = text;
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
  }
  function pct(x) { return Math.round(x * 1000) / 10 + "%"; }

  // 1. The hotel, mounted by script: the default scenario, a lesson, the stay locked; the
  // learner's work is kept in this browser.
  MotsimEmbed.mount(document.getElementById("sim-hotel"), {
    lesson: "lesson.json",
    locked: ["/moments/waiting/*", "/moments/check_in/*", "/moments/recovery/*", "/moments/stay/*",
             "/moments/guest_review/*", "/influence/*", "/word_of_mouth/*", "/population/*"],
    mirror: ["/moments/ad/positive", "/moments/ad/negative", "/moments/reviews/positive", "/moments/reviews/negative",
             "/moments/booking/positive", "/moments/booking/negative", "/moments/check_in/positive"],
    // The run controls and results are in the page's own panel beside the drawing, so the
    // drawing keeps the journey, the editor, the charts and the lesson.
    panels: { story: false, controls: false },
    speed: 20,
    theme: "dark",
    height: "620px",
    state: "hash",
    // The learner's edits and lesson progress survive a reload (localStorage, under this prefix).
    storage: "motsim-lesson-hotel.",
    label: "Harbour Hotel journey simulator (drawn; the controls and results are also in the panel beside it)",
    on: {
      ready: function (m) { note("Ready: " + m.scenario + "."); },
      error: function (e) { note("Problem: " + (e && e.message)); }
    }
  }).then(function (sim) {
    page.hotel = sim;
    sim.on("param", function (p) { note("The learner set " + p.path + " to " + Math.round(p.value * 100) / 100 + "."); });
    sim.on("lesson_step", function (s) { note("Step " + (s.step + 1) + " met: " + s.detail); });
    sim.on("lesson_done", function () { note("The learner finished the lesson."); });
    sim.on("finished", function (m) { note("A run finished: conversion " + pct(m.conversion) + ", NPS " + Math.round(m.nps) + "."); });
  }, function (e) {
    note("The simulator could not start: " + e.message);
  });

  // 2. The shelf, in an iframe: only this page's origin may talk to it.
  var frame = document.getElementById("shelf-frame");
  var results = document.getElementById("shelf-results");
  frame.src = "../embed.html?scenario=scenarios/shelf.json&panels=story&speed=20&origins=" +
              encodeURIComponent(location.origin);
  var shelf = MotsimEmbed.connect(frame, { origin: location.origin });
  page.shelf = shelf;
  shelf.ready.then(function () { results.textContent = "The shelf simulator is ready. Try the buttons above."; });
  shelf.on("error", function (e) { results.textContent = "Problem: " + (e && e.message); });
  shelf.on("finished", function (m) {
    results.textContent = "Run finished: " + m.purchases + " purchases from " + m.arrivals + " shoppers (conversion " +
                          pct(m.conversion) + "), NPS " + Math.round(m.nps) + ".";
  });

  function setShelf(p) {
    shelf.set("/moments/shelf/positive", p).then(function (ok) {
      results.textContent = ok ? "The shelf's chance of a positive moment is now " + Math.round(p * 100) + "%. Press Reset, then run it."
                               : "The simulator refused the change.";
    });
  }
  function button(id, fn) {
    document.getElementById(id).addEventListener("click", function () {
      Promise.resolve().then(fn).catch(function (e) { results.textContent = "Problem: " + e.message; });
    });
  }
  button("shelf-tidy", function () { setShelf(0.7); });
  button("shelf-messy", function () { setShelf(0.45); });
  button("shelf-play", function () { return shelf.play(); });
  button("shelf-pause", function () { return shelf.pause(); });
  button("shelf-reset", function () { return shelf.reset().then(function () { results.textContent = "Back to day 0."; }); });
  button("shelf-run", function () {
    results.textContent = "Running...";
    return shelf.finish().then(function () { return shelf.metrics(); }).then(function (m) {
      results.textContent = "At the end: " + m.purchases + " purchases from " + m.arrivals + " shoppers (conversion " +
                            pct(m.conversion) + "), " + m.lost + " lost, NPS " + Math.round(m.nps) + ".";
    });
  });
})();
