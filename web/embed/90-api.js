// ==== 90-api.js: the public MotsimEmbed object, and embed.html's auto-start =====================

var api = {
  version: PROTOCOL,
  mount: mount,
  connect: connect,
  encodeState: encodeState,
  decodeState: decodeState,
  shareState: shareState,
  applyState: applyState,
  serveFrame: serveFrame,
  download: download,
  adaptTouch: adaptTouch,
  limits: { fragment: MAX_FRAGMENT, json: MAX_STATE_JSON, text: MAX_TEXT_BYTES },
  // For the full-window page (motsim-page.js): the same bridge, frame watch and file reading.
  bridge: function (module, hooks) { watchTraps(); var b = new Bridge(module, hooks); module.__motsimBridge = b; return b; },
  countFrames: countFrames,
  lockStorage: lockStorage,
  readTextFile: readTextFile,
  textLimitProblem: textLimitProblem,
  // A scenario's parameters (for a host that keeps edits as [path, value] pairs): the paths the
  // module knows, a path's value in a scenario object (null when it has none), whether a locked
  // list covers a path.
  params: { paths: parameterPaths, value: paramValue, locked: pathLocked }
};
global.MotsimEmbed = api;

// embed.html: <script src="motsim-embed.js" data-motsim-frame="ELEMENT_ID"></script>
if (thisScript && thisScript.hasAttribute("data-motsim-frame")) {
  var frameTarget = thisScript.getAttribute("data-motsim-frame");
  var go = function () { serveFrame(frameTarget || document.body); };
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", go);
  else go();
}
