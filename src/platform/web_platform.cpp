// The browser's side of the platform (platform.h): the page's services through
// Module.motsimHost (web/motsim-page.js, or the embed script built from web/embed/), the canvas
// following its CSS box and the device pixel ratio, keyboard input that plays well with a host page, and
// requestAnimationFrame as the loop. Every call into the page is guarded, so a page without a
// host still runs the app.
#include <GLFW/glfw3.h>
#include <emscripten.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "platform/platform.h"

namespace motsim::platform {

namespace {

// Reads the page's storage; the string is malloc'ed for C++ to free (null: nothing stored).
// clang-format off
EM_JS(char*, host_load, (const char* key), {
    var v = (Module.motsimHost && Module.motsimHost.load) ? Module.motsimHost.load(UTF8ToString(key)) : null;
    if (v === null || v === undefined) return 0;
    var n = lengthBytesUTF8(v) + 1;
    var p = _malloc(n);
    stringToUTF8(v, p, n);
    return p;
});
// clang-format on

// The canvas's CSS box and the device pixel ratio, read from this module's own canvas (a page
// may hold several simulators, so never look the canvas up by a fixed id).
EM_JS(void, canvas_css_size, (double* w, double* h, double* dpr), {
    var c = Module.canvas;
    var r = c ? c.getBoundingClientRect() : {width : 1, height : 1};
    HEAPF64[w >> 3] = r.width;
    HEAPF64[h >> 3] = r.height;
    HEAPF64[dpr >> 3] = window.devicePixelRatio || 1;
});

// Sets the drawing buffer through Emscripten's Browser helper, which tells GLFW (its resize
// listener) the new size, then hands the CSS size back to the page. glfwSetWindowSize is not
// used: when the size equals the screen's it asks for fullscreen instead of resizing.
EM_JS(void, set_canvas_buffer_size, (int w, int h), {
    Browser.setCanvasSize(w, h);
    var c = Module.canvas;
    if (c) {
        c.style.removeProperty('width');
        c.style.removeProperty('height');
    }
});

// Keys reach the simulator only while its canvas has focus. Tab goes to ImGui (between the
// fields of a window) until there is nowhere further to go; then main.cpp hands the focus to the
// page's next control (leave_canvas), so keyboard users can always move on. Touch is the
// page's job: the host services carry adaptTouch (MotsimEmbed.adaptTouch,
// web/embed/34-touch.js), the one adapter for the full page and embeds. GLFW 3.1.6's own touch
// handling reads fields only SDL sets, so its listeners are removed here; a page without
// adaptTouch gets no touch input.
// clang-format off
// (EM_JS stringifies its body as JavaScript: the formatter would turn === into "== =".)
EM_JS(void, adapt_input_to_page, (), {
    var c = Module.canvas;
    if (!c || typeof GLFW === 'undefined') return;
    window.removeEventListener("keydown", GLFW.onKeydown, true);
    window.removeEventListener("keypress", GLFW.onKeyPress, true);
    window.removeEventListener("keyup", GLFW.onKeyup, true);
    // Tab goes to ImGui where the page asks for it (the full page: motsim-page.js, tabInside);
    // in an embed it stays the host page's (its mirror follows the canvas).
    var tabInside = !!(Module.motsimHost && Module.motsimHost.tabInside);
    c.addEventListener("keydown", function (e) { if (e.keyCode !== 9 || tabInside) GLFW.onKeydown(e); }, true);
    c.addEventListener("keypress", GLFW.onKeyPress, true);
    // A release goes in an animation frame later: ImGui 1.86 reads keys once a frame, and a
    // press and release in the same frame would be no press at all.
    c.addEventListener("keyup", function (e) {
        var code = e.keyCode;
        if (code === 9 && !tabInside) return;
        requestAnimationFrame(function () { GLFW.onKeyup({ keyCode: code }); });
    }, true);
    // Focus lost (Tab left, a click elsewhere): no key stays down in ImGui.
    c.addEventListener("blur", GLFW.onBlur, true);
    // The wheel in ImGui's steps (up positive; a step is 100 pixels, 3 lines or a tenth of a
    // page), collected for take_wheel: GLFW would hand on the pixels scrolled down as they are.
    c.removeEventListener("wheel", GLFW.onMouseWheel, true);
    c.removeEventListener("mousewheel", GLFW.onMouseWheel, true);
    Module.motsimWheel = { x: 0, y: 0 };
    c.addEventListener("wheel", function (e) {
        var k = e.deltaMode === 1 ? 1 / 3 : e.deltaMode === 2 ? 10 : 1 / 100;
        var w = Module.motsimWheel;
        if (isFinite(e.deltaX) && isFinite(e.deltaY)) {
            w.x = Math.max(-100, Math.min(100, w.x - e.deltaX * k));
            w.y = Math.max(-100, Math.min(100, w.y - e.deltaY * k));
        }
        e.preventDefault();  // the page does not scroll under the canvas (as GLFW did)
    }, { capture: true, passive: false });
    c.removeEventListener("touchmove", GLFW.onMousemove, true);
    c.removeEventListener("touchstart", GLFW.onMouseButtonDown, true);
    c.removeEventListener("touchcancel", GLFW.onMouseButtonUp, true);
    c.removeEventListener("touchend", GLFW.onMouseButtonUp, true);
    if (Module.motsimHost && Module.motsimHost.adaptTouch) Module.motsimHost.adaptTouch(c);
});

// The wheel steps adapt_input_to_page collected since the last frame.
EM_JS(void, take_wheel_steps, (float* x, float* y), {
    var w = Module.motsimWheel;
    if (!w) return;
    HEAPF32[x >> 2] = w.x;
    HEAPF32[y >> 2] = w.y;
    w.x = 0;
    w.y = 0;
});

// Touch, as the page's adapter (web/embed/34-touch.js) marks it on the canvas.
EM_JS(int, touch_flags, (), {
    var c = Module.canvas;
    var coarse = false;
    // A device with a touch screen gets the finger-sized style from the first frame (also when a
    // mouse is its main pointer), so nothing moves under the finger at its first touch.
    try { coarse = !!(window.matchMedia && window.matchMedia("(pointer: coarse)").matches); } catch (e) {}
    try { coarse = coarse || navigator.maxTouchPoints > 0; } catch (e) {}
    return ((coarse || (c && c.__motsimTouchSeen)) ? 1 : 0) | ((c && c.__motsimTouchInput) ? 2 : 0);
});

// The page's next (or previous) focusable control after the canvas gets the focus; with none,
// the canvas lets go of it (the browser's own next stop follows).
EM_JS(void, focus_past_canvas, (int forward), {
    var c = Module.canvas;
    if (!c) return;
    var sel = "a[href],button,input,select,textarea,summary,[tabindex]";
    var all = Array.prototype.filter.call(document.querySelectorAll(sel), function (e) {
        if (e === c) return true;
        if (e.disabled || e.tabIndex < 0 || e.closest("[hidden],[inert]")) return false;
        return e.getClientRects().length > 0;
    });
    var at = all.indexOf(c);
    var next = at < 0 ? null : all[forward ? at + 1 : at - 1];
    if (next) next.focus(); else c.blur();
});
// clang-format on

class WebHost final : public PlatformHost {
public:
    void open_file(const std::string&) override {
        EM_ASM({
            if (Module.motsimHost && Module.motsimHost.openFile) Module.motsimHost.openFile();
        });
    }
    std::string save_file(const std::string& name, const std::string& mime, const std::string& text) override {
        EM_ASM(
            {
                if (Module.motsimHost && Module.motsimHost.download)
                    Module.motsimHost.download(UTF8ToString($0), UTF8ToString($1), UTF8ToString($2));
            },
            name.c_str(), mime.c_str(), text.c_str());
        return name + " (downloaded)";
    }
    void store(const std::string& key, const std::string& value) override {
        EM_ASM(
            {
                if (Module.motsimHost && Module.motsimHost.store)
                    Module.motsimHost.store(UTF8ToString($0), UTF8ToString($1));
            },
            key.c_str(), value.c_str());
    }
    std::string load(const std::string& key) override {
        char* text = host_load(key.c_str());
        if (!text) return "";
        std::string out(text);
        std::free(text);
        return out;
    }
    bool is_browser() const override { return true; }
    void emit(const std::string& name, const std::string& json) override {
        EM_ASM(
            {
                if (Module.motsimHost && Module.motsimHost.event)
                    Module.motsimHost.event(UTF8ToString($0), UTF8ToString($1));
            },
            name.c_str(), json.c_str());
    }
    void copy_link(const std::string& json) override {
        EM_ASM(
            {
                if (Module.motsimHost && Module.motsimHost.copyLink) Module.motsimHost.copyLink(UTF8ToString($0));
            },
            json.c_str());
    }
};

WebHost g_host;

}  // namespace

PlatformHost& host() { return g_host; }
void set_state_dir(const std::string&) {}

void window_hints() {
    glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
}
const char* glsl_version() { return "#version 300 es"; }
bool gles() { return true; }

// glfwSwapInterval is skipped: the browser paces frames (and logs an error if asked).
void adapt_window(GLFWwindow*) { adapt_input_to_page(); }

// The drawing buffer is CSS size x ratio, and ImGui works in buffer pixels with fonts and sizes
// scaled by the ratio, so text is sharp on HiDPI screens and mouse coordinates (which GLFW
// reports in buffer pixels) match.
float follow_canvas(GLFWwindow* window) {
    double css_w = 0, css_h = 0, ratio = 1;
    canvas_css_size(&css_w, &css_h, &ratio);
    const float dpr = static_cast<float>(ratio);
    const int w = std::max(1, static_cast<int>(std::lround(css_w * dpr)));
    const int h = std::max(1, static_cast<int>(std::lround(css_h * dpr)));
    int cw = 0, ch = 0;
    glfwGetWindowSize(window, &cw, &ch);
    if (cw != w || ch != h) set_canvas_buffer_size(w, h);
    return dpr;
}

// Read the canvas in the same frame it was drawn (WebGL clears it after compositing).
void save_screenshot(const std::string& name, int, int) {
    EM_ASM(
        {
            if (Module.motsimHost && Module.motsimHost.screenshot) Module.motsimHost.screenshot(UTF8ToString($0));
        },
        name.c_str());
}

void present(GLFWwindow*) {}

bool touch_device() { return (touch_flags() & 1) != 0; }
bool touch_input() { return (touch_flags() & 2) != 0; }
void take_wheel(float& x, float& y) {
    x = y = 0;
    take_wheel_steps(&x, &y);
}
void leave_canvas(bool forward) { focus_past_canvas(forward ? 1 : 0); }

void announce_ready() {
    EM_ASM({
        if (Module.motsimHost && Module.motsimHost.ready) Module.motsimHost.ready();
    });
}

bool run(void (*frame)(), bool (*)()) {
    emscripten_set_main_loop(frame, 0, 0);
    return false;
}

}  // namespace motsim::platform
