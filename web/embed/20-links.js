// ==== 20-links.js: shareable state in a link (#motsim=...) =======================================
// encodeState / decodeState (deflate-raw + base64url, with size limits), and the state a link
// carries: shareState reads it from a module, applyState puts it back.

function toBase64Url(bytes) {
  var s = "";
  for (var i = 0; i < bytes.length; i += 0x8000)
    s += String.fromCharCode.apply(null, bytes.subarray(i, Math.min(bytes.length, i + 0x8000)));
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
function fromBase64Url(text) {
  var b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  while (b64.length % 4) b64 += "=";
  var bin = atob(b64);
  var out = new Uint8Array(bin.length);
  for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
function streamsAvailable() {
  return typeof CompressionStream === "function" && typeof DecompressionStream === "function";
}

// obj (or JSON text) -> Promise of the fragment payload (what follows "#motsim=").
function encodeState(obj) {
  return Promise.resolve().then(function () {
    if (!streamsAvailable()) throw new Error("this browser cannot compress links (no CompressionStream)");
    var json = typeof obj === "string" ? obj : JSON.stringify(obj);
    if (typeof json !== "string") throw new Error("nothing to encode");
    var bytes = new TextEncoder().encode(json);
    if (bytes.length > MAX_STATE_JSON) throw new Error("the state is larger than 1 MB and cannot go into a link");
    var stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("deflate-raw"));
    return new Response(stream).arrayBuffer();
  }).then(function (buf) {
    var text = toBase64Url(new Uint8Array(buf));
    if (text.length > MAX_FRAGMENT)
      throw new Error("the link would be " + Math.ceil(text.length / 1024) + " KB; the limit is 32 KB " +
                      "(share a smaller scenario, or send the scenario file instead)");
    return text;
  });
}

// "#motsim=...", "motsim=..." or the bare payload -> Promise of the state object. Rejects with
// a message a person can act on: too large, corrupt, or not a motsim state.
function decodeState(fragment) {
  return Promise.resolve().then(function () {
    if (typeof fragment !== "string") throw new Error("the link's state is not text");
    var s = fragment.charAt(0) === "#" ? fragment.slice(1) : fragment;
    if (s.indexOf(FRAGMENT_PREFIX) === 0) s = s.slice(FRAGMENT_PREFIX.length);
    if (s.length > MAX_FRAGMENT)
      throw new Error("the link's state is too large (" + Math.ceil(s.length / 1024) + " KB; the limit is 32 KB)");
    if (!s.length) throw new Error("the link's state is empty");
    if (!/^[A-Za-z0-9_-]+$/.test(s)) throw new Error("the link's state is corrupt (characters outside base64url)");
    if (!streamsAvailable()) throw new Error("this browser cannot read compressed links (no DecompressionStream)");
    var bytes;
    try { bytes = fromBase64Url(s); } catch (e) { throw new Error("the link's state is corrupt (bad base64url)"); }
    var reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw")).getReader();
    var chunks = [], total = 0;
    function pump() {
      return reader.read().then(function (r) {
        if (r.done) return;
        total += r.value.length;
        if (total > MAX_STATE_JSON) {
          reader.cancel().catch(function () {});
          throw new Error("the link's state unpacks to more than 1 MB; it was not read");
        }
        chunks.push(r.value);
        return pump();
      }, function () {
        throw new Error("the link's state is corrupt (it does not decompress)");
      });
    }
    return pump().then(function () {
      var all = new Uint8Array(total), at = 0;
      for (var i = 0; i < chunks.length; i++) { all.set(chunks[i], at); at += chunks[i].length; }
      var text, state;
      try { text = new TextDecoder("utf-8", { fatal: true }).decode(all); } catch (e) {
        throw new Error("the link's state is corrupt (not UTF-8 text)");
      }
      try { state = JSON.parse(text); } catch (e) { throw new Error("the link's state is corrupt (not JSON)"); }
      if (!isObject(state) || !isObject(state.scenario))
        throw new Error("the link does not hold a motsim state");
      if (state.v !== 1) throw new Error("the link's state is from another version of motsim (v " + state.v + ")");
      return state;
    });
  });
}

// A module, or a bridge to it, as a bridge (applyState and shareState accept either).
function asBridge(target) {
  if (target instanceof Bridge) return target;
  if (target && target.__motsimBridge instanceof Bridge) return target.__motsimBridge;
  var b = new Bridge(target, {});
  bridges.splice(bridges.indexOf(b), 1);  // not watched: its owner did not ask for it
  return b;
}

// The state a link carries: seed, speed, selection and tick from motsim_share(), and the
// scenario as motsim_scenario() writes it. (motsim_share() and motsim_load_share() pass the
// scenario through a JSON object that sorts its keys, which reorders route targets and causes
// and so changes the random draws: the run would not be reproduced exactly.)
function shareState(target, shareJson) {
  var b = asBridge(target);
  var share = {};
  try { share = JSON.parse(shareJson || b.call("motsim_share", "string", [], [])) || {}; } catch (e) { share = {}; }
  var scenario = b.json("motsim_scenario");
  if (!isObject(scenario)) throw new Error("the simulator gave no scenario");
  var out = { v: 1, scenario: scenario };
  ["seed", "speed", "selected", "tick"].forEach(function (k) { if (share[k] !== undefined) out[k] = share[k]; });
  return out;
}
// Applies a decoded state (see decodeState): the scenario (its key order kept; the text limit
// applies to it as written out, since JSON.stringify may write numbers longer than the link
// did), the seed, the speed; then the run to the link's tick starts (sliced by the module).
// Returns {loaded, reached}: loaded false if the scenario was refused (the simulator keeps its
// own), reached a promise of the run to the tick.
function applyStateParts(b, state) {
  if (!isObject(state) || !isObject(state.scenario)) return { loaded: false, reached: Promise.resolve(false) };
  var text;
  try { text = JSON.stringify(state.scenario); } catch (e) { return { loaded: false, reached: Promise.resolve(false) }; }
  if (!b.load(text, "shared link", "link's scenario")) return { loaded: false, reached: Promise.resolve(false) };
  if (Number.isSafeInteger(state.seed) && state.seed >= 0) b.set("seed", state.seed);
  if (isFiniteNumber(state.speed)) b.set("speed", state.speed);
  var reached = Number.isInteger(state.tick) && state.tick > 0 ? b.runTo(Math.min(state.tick, 1000000)) : Promise.resolve(true);
  return { loaded: true, reached: reached };
}
// Public form: a promise of true once the scenario is in and the run is at the link's tick.
function applyState(target, state) {
  var r = applyStateParts(asBridge(target), state);
  return r.loaded ? r.reached.then(function () { return true; }) : Promise.resolve(false);
}

function hashPayload(hash) {
  var h = String(hash || "");
  var at = h.indexOf(FRAGMENT_PREFIX);
  if (at < 0) return null;
  return h.slice(at + FRAGMENT_PREFIX.length).split("&")[0];
}
