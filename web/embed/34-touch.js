// ==== 34-touch.js: a finger acts as the mouse ====================================================
// The one touch adapter, for embeds and the full page alike: both hand it to the module as the
// host service adaptTouch (30-instance.js, motsim-page.js), and the module calls it with its
// canvas once it has removed GLFW's own touch listeners (src/platform/web_platform.cpp,
// adapt_input_to_page). GLFW's would send mouse events whose pageX/pageY are clientX/clientY,
// which Emscripten reads as page coordinates: on a scrolled page a touch would land off by the
// scroll offset. These listeners pass on mouse events with the right page position instead.
//
// Dear ImGui reads the mouse once a frame, so a finger's events go out one animation frame
// apart: the move to where the finger is, then (a frame later, when ImGui knows what is under
// it) the press, so the first tap on a tab or a button counts; after the finger lifts, the
// pointer moves off the canvas, so no hover or tooltip stays behind. The canvas carries two
// marks the module reads (web_platform.cpp, touch_flags): __motsimTouchSeen (the device has
// touch: bigger targets) and __motsimTouchInput (the mouse ImGui sees is a finger: a drag over a
// window's body scrolls it, src/platform/main.cpp touch_scroll). A real mouse clears the second.
// Public as MotsimEmbed.adaptTouch(canvas).

var touchAdapted = typeof WeakSet === "function" ? new WeakSet() : null;
var OFF_CANVAS = -100000;  // where the pointer goes after a touch: over nothing

function adaptTouch(canvas) {
  var c = canvas;
  if (!c || typeof c.addEventListener !== "function") return false;
  if (touchAdapted) {
    if (touchAdapted.has(c)) return true;  // once per canvas: twice would press twice
    touchAdapted.add(c);
  }
  function forward(type, p) {
    var ev = new MouseEvent(type, { clientX: p.clientX, clientY: p.clientY, screenX: p.screenX, screenY: p.screenY,
                                    button: 0, buttons: type === "mouseup" ? 0 : 1, bubbles: true, cancelable: true });
    try {
      Object.defineProperty(ev, "pageX", { value: p.pageX });
      Object.defineProperty(ev, "pageY", { value: p.pageY });
    } catch (e) { /* read-only in this browser: the client position remains */ }
    c.dispatchEvent(ev);
  }
  function point(t) {
    return { clientX: t.clientX, clientY: t.clientY, screenX: t.screenX, screenY: t.screenY, pageX: t.pageX, pageY: t.pageY };
  }
  // Events waiting for their frame: the first goes at once, each next one a frame later. Moves
  // in a row keep only the newest (ImGui would only see the last one of a frame anyway).
  var queue = [], pumping = false;
  var raf = typeof requestAnimationFrame === "function" ? requestAnimationFrame : function (f) { return setTimeout(f, 16); };
  function pump() {
    if (!queue.length) { pumping = false; return; }
    var e = queue.shift();
    forward(e.type, e.p);
    raf(pump);
  }
  function send(type, p) {
    var last = queue[queue.length - 1];
    if (type === "mousemove" && last && last.type === "mousemove") last.p = p;
    else queue.push({ type: type, p: p });
    if (!pumping) { pumping = true; pump(); }
  }
  var finger = null;  // the identifier of the finger that acts; other fingers are ignored
  function ours(list) {
    for (var i = 0; i < list.length; i++) if (list[i].identifier === finger) return list[i];
    return null;
  }
  var opts = { capture: true, passive: false };
  c.addEventListener("touchstart", function (e) {
    e.stopImmediatePropagation();
    e.preventDefault();
    c.__motsimTouchSeen = true;
    c.__motsimTouchInput = true;
    try { c.focus({ preventScroll: true }); } catch (x) { c.focus(); }
    // The only finger on the screen is ours (an end that never came cannot block later touches).
    if (finger !== null && e.touches.length > 1) return;
    var t = e.changedTouches[0];
    finger = t.identifier;
    send("mousemove", point(t));
    send("mousedown", point(t));
  }, opts);
  c.addEventListener("touchmove", function (e) {
    e.stopImmediatePropagation();
    e.preventDefault();
    var t = ours(e.changedTouches);
    if (t) send("mousemove", point(t));
  }, opts);
  ["touchend", "touchcancel"].forEach(function (name) {
    c.addEventListener(name, function (e) {
      e.stopImmediatePropagation();
      if (name === "touchend") e.preventDefault();
      var t = ours(e.changedTouches) || (e.touches.length === 0 && finger !== null ? e.changedTouches[0] : null);
      if (!t) return;
      finger = null;
      send("mouseup", point(t));
      send("mousemove", { clientX: OFF_CANVAS, clientY: OFF_CANVAS, screenX: OFF_CANVAS, screenY: OFF_CANVAS,
                          pageX: OFF_CANVAS, pageY: OFF_CANVAS });
    }, opts);
  });
  // After Ctrl+A the page's selection spans the canvas, and a drag on it would start the
  // browser's drag-and-drop of that selection: the app would see no more moves and no release
  // (a route drawn on the map, a slider held). The canvas is never dragged, and never selected.
  c.addEventListener("dragstart", function (e) { e.preventDefault(); }, true);
  c.addEventListener("selectstart", function (e) { e.preventDefault(); }, true);
  c.addEventListener("mousedown", function () {
    var sel = typeof getSelection === "function" ? getSelection() : null;
    if (sel && sel.rangeCount && !sel.isCollapsed) try { sel.removeAllRanges(); } catch (x) { /* nothing to clear */ }
  }, true);
  // A real mouse (trusted events; the ones above are not): the mouse is a mouse again.
  ["mousedown", "mousemove", "wheel"].forEach(function (name) {
    c.addEventListener(name, function (e) { if (e.isTrusted) c.__motsimTouchInput = false; }, true);
  });
  return true;
}
