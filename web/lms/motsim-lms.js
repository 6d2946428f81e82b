// motsim-lms.js - the LMS runtime of a motsim lesson package (SCORM 1.2, SCORM 2004 4th edition;
// cmi5 through web/lms/motsim-cmi5.js). Loaded by the package's index.html (web/lms/launch.html)
// after motsim-embed.js and vendor/fflate.js; docs/lms.md describes the packages.
//
// ==== The adapter interface (one adapter per standard) ==========================================
//
// window.MotsimLMS.adapters[format] = function (env) -> adapter | null | Promise<adapter | null>
//   format: "scorm12", "scorm2004", "cmi5" (package.json's "format"). motsim-cmi5.js registers
//   MotsimLMS.adapters.cmi5 when it loads (launch.html loads vendor/cmi5.js and motsim-cmi5.js,
//   after this file, only for cmi5 packages). The factory answers null (or a promise of null)
//   when no LMS launched the page (no API found, no cmi5 launch parameters): the page then runs
//   as a plain lesson with the notice "Progress is not being recorded: no learning management
//   system found." A factory that throws or rejects counts as null, with its message on the page.
//   env = {
//     window,                  // the launch page's window
//     pkg,                     // package.json (checked: format, title, identifier, motsim)
//     lesson,                  // lesson.json (checked by the runtime)
//     log(message)             // a line on the console (never the learner's data)
//   }
//
// adapter = {
//   name: "SCORM 1.2",         // shown: "Recording to your LMS (SCORM 1.2)"
//   suspendLimit: 4096,        // the most characters save() takes (the runtime keeps under it)
//   start() -> Promise<{resume: {suspend: string} | null, learner: string | null}>
//       Opens the session (LMSInitialize / Initialize / cmi5 initialized). resume.suspend is the
//       text last given to save() (the runtime checks it: it is untrusted). learner: the
//       learner's name for the page, or null. A rejection: the page says the LMS could not be
//       reached and runs without recording.
//   progress(p) -> void | Promise          after start and after every change of progress
//       p = {step,        // index of the current step (= steps met, in order)
//            steps,       // number of steps
//            met: [bool], // per step
//            score,       // steps met (raw score; min 0, max steps); scaled = score / steps
//            passed,      // every step met
//            interactions: [interaction]}   // one per step that was checked, in step order
//       interaction = {id: "step_1", index: 0, type: "numeric" | "performance",
//            description,                    // the step's text (adapters cut it to their limit)
//            result: "correct" | "wrong",
//            goals: [{metric, at_least | at_most: number, value: number | null}],  // value measured
//            changed: number | null, max_changed: number | null,   // moments changed / allowed
//            response: "0.6371",             // the measured value(s) as text (numeric: one number;
//            pattern: "0.62:"}               //   performance: "metric=value;..."), the goal as text
//       The SCORM adapters commit after each change (throttled).
//   save(text) -> {ok, truncated} | Promise<{ok, truncated}>   the suspend data (ASCII text,
//       at most suspendLimit characters); called after each change of progress or edits (throttled)
//   param({path, value}) -> void           optional: each parameter change the learner made (cmi5
//       sends "interacted" statements); at most a few a second (the runtime throttles drags)
//   finish({passed, score, steps, resumed}) -> void | Promise   the lesson's outcome, once: when
//       the last step is met (passed: true). resumed: true when a relaunch restored a lesson that
//       was already complete (the outcome was recorded before).
//   end({reason, passed, score, steps, ms}) -> void   the session ends, at most once: reason
//       "finish" (the learner pressed Finish) or "pagehide" (the page goes away; keep it
//       synchronous or use fetch keepalive). ms: milliseconds since start(). SCORM: session time,
//       exit "suspend", commit, LMSFinish / Terminate.
// }
// No adapter method may throw into the runtime: the runtime catches and reports, but an adapter
// should answer {ok: false} / resolve rather than throw.
//
// MotsimLMS also gives adapters: findApi(win, name) (the standards' search of parent frames, then
// the opener), sessionTime12(ms) ("HHHH:MM:SS.SS"), sessionTime2004(ms) ("PT1H2M3.45S"), cut(text, n).
(function (global) {
  "use strict";

  var adapters = {};
  var MotsimLMS = { version: 1, adapters: adapters };
  global.MotsimLMS = MotsimLMS;
})(typeof window !== "undefined" ? window : this);
