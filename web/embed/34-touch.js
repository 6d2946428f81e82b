// ==== 34-touch.js: a finger acts as the mouse ====================================================
// The one touch adapter, for embeds and the full page alike: both hand it to the module as the
// host service adaptTouch (30-instance.js, motsim-page.js), and the module calls it with its
// canvas once it has removed GLFW's own touch listeners (src/platform/web_platform.cpp,
// adapt_input_to_page). GLFW's would send mouse events whose pageX/pageY are clientX/clientY,
// which Emscripten reads as page coordinates: on a scrolled page a touch would land off by the
// scroll offset. These listeners pass on mouse events with the right page position instead.
// Public as MotsimEmbed.adaptTouch(canvas).

var touchAdapted = typeof WeakSet === "function" ? new WeakSet() : null;

function adaptTouch(canvas) {
  var c = canvas;
  if (!c || typeof c.addEventListener !== "function") return false;
  if (touchAdapted) {
    if (touchAdapted.has(c)) return true;  // once per canvas: twice would press twice
    touchAdapted.add(c);
  }
  function forward(type, t) {
    var ev = new MouseEvent(type, { clientX: t.clientX, clientY: t.clientY, screenX: t.screenX, screenY: t.screenY,
                                    button: 0, buttons: type === "mouseup" ? 0 : 1, bubbles: true, cancelable: true });
    try {
      Object.defineProperty(ev, "pageX", { value: t.pageX });
      Object.defineProperty(ev, "pageY", { value: t.pageY });
    } catch (e) { /* read-only in this browser: the client position remains */ }
    c.dispatchEvent(ev);
  }
  var opts = { capture: true, passive: false };
  c.addEventListener("touchstart", function (e) {
    var t = e.changedTouches[0];
    e.stopImmediatePropagation();
    e.preventDefault();
    try { c.focus({ preventScroll: true }); } catch (x) { c.focus(); }
    forward("mousemove", t);
    forward("mousedown", t);
  }, opts);
  c.addEventListener("touchmove", function (e) {
    e.stopImmediatePropagation();
    e.preventDefault();
    forward("mousemove", e.changedTouches[0]);
  }, opts);
  ["touchend", "touchcancel"].forEach(function (name) {
    c.addEventListener(name, function (e) {
      e.stopImmediatePropagation();
      if (name === "touchend") e.preventDefault();
      forward("mouseup", e.changedTouches[0]);
    }, opts);
  });
  return true;
}
