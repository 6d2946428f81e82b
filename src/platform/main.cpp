// The app's one entry point: a GLFW window with Dear ImGui, one frame() for the native loop and
// the browser's requestAnimationFrame (emscripten_set_main_loop). The page talks to the app
// through the exported motsim_* functions at the bottom (web/index.html, the embedding API).
#include <GLFW/glfw3.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

#include "app/app.h"
#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_impl_opengl3.h"
#include "platform/crowd_renderer.h"
#include "platform/gl.h"
#include "platform/png.h"

#ifdef __EMSCRIPTEN__
#include <emscripten.h>
#include <emscripten/html5.h>
#endif

namespace {

using motsim::app::App;

// ==== Hosts: what the app asks of the browser or the desktop ====================================

#ifdef __EMSCRIPTEN__
// Reads the page's storage; the string is malloc'ed for C++ to free (null: nothing stored).
EM_JS(char*, host_load, (const char* key), {
    var v = (Module.motsimHost && Module.motsimHost.load) ? Module.motsimHost.load(UTF8ToString(key)) : null;
    if (v === null || v === undefined) return 0;
    var n = lengthBytesUTF8(v) + 1;
    var p = _malloc(n);
    stringToUTF8(v, p, n);
    return p;
});

// The canvas's CSS box and the device pixel ratio, read from this module's own canvas (a page
// may hold several simulators, so never look the canvas up by a fixed id).
EM_JS(void, canvas_css_size, (double* w, double* h, double* dpr), {
    var c = Module.canvas;
    var r = c ? c.getBoundingClientRect() : {width: 1, height: 1};
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
    if (c) { c.style.removeProperty('width'); c.style.removeProperty('height'); }
});

// The page provides Module.motsimHost (web/index.html or motsim-embed.js): file picker,
// downloads, storage. Every call is guarded so a page without a host still runs the app.
class WebHost final : public motsim::app::Host {
public:
    void open_file(const std::string&) override {
        EM_ASM({ if (Module.motsimHost && Module.motsimHost.openFile) Module.motsimHost.openFile(); });
    }
    std::string save_file(const std::string& name, const std::string& mime, const std::string& text) override {
        EM_ASM({ if (Module.motsimHost && Module.motsimHost.download)
                     Module.motsimHost.download(UTF8ToString($0), UTF8ToString($1), UTF8ToString($2)); },
               name.c_str(), mime.c_str(), text.c_str());
        return name + " (downloaded)";
    }
    void request_screenshot(const std::string& name) override { screenshot = name; }
    void store(const std::string& key, const std::string& value) override {
        EM_ASM({ if (Module.motsimHost && Module.motsimHost.store) Module.motsimHost.store(UTF8ToString($0), UTF8ToString($1)); },
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
        EM_ASM({ if (Module.motsimHost && Module.motsimHost.event) Module.motsimHost.event(UTF8ToString($0), UTF8ToString($1)); },
               name.c_str(), json.c_str());
    }
    void copy_link(const std::string& json) override {
        EM_ASM({ if (Module.motsimHost && Module.motsimHost.copyLink) Module.motsimHost.copyLink(UTF8ToString($0)); },
               json.c_str());
    }
    std::string screenshot;
};

// Input that plays well with a host page: keys reach the simulator only while its canvas has
// focus and Tab is never swallowed (keyboard users must be able to move on), and a finger acts
// as the mouse (GLFW 3.1.6's own touch handling reads fields only SDL sets).
EM_JS(void, adapt_input_to_page, (), {
    var c = Module.canvas;
    if (!c || typeof GLFW === 'undefined') return;
    window.removeEventListener("keydown", GLFW.onKeydown, true);
    window.removeEventListener("keypress", GLFW.onKeyPress, true);
    window.removeEventListener("keyup", GLFW.onKeyup, true);
    c.addEventListener("keydown", function (e) { if (e.keyCode !== 9) GLFW.onKeydown(e); }, true);
    c.addEventListener("keypress", GLFW.onKeyPress, true);
    c.addEventListener("keyup", function (e) { if (e.keyCode !== 9) GLFW.onKeyup(e); }, true);
    c.removeEventListener("touchmove", GLFW.onMousemove, true);
    c.removeEventListener("touchstart", GLFW.onMouseButtonDown, true);
    c.removeEventListener("touchcancel", GLFW.onMouseButtonUp, true);
    c.removeEventListener("touchend", GLFW.onMouseButtonUp, true);
    function forward(type, t) {
        var ev = new MouseEvent(type, { clientX: t.clientX, clientY: t.clientY, button: 0,
                                        buttons: type === "mouseup" ? 0 : 1, bubbles: true, cancelable: true });
        // Emscripten reads pageX/pageY, which a constructed event leaves equal to clientX/Y:
        // on a scrolled page the touch would land off by the scroll distance.
        Object.defineProperty(ev, "pageX", { value: t.pageX });
        Object.defineProperty(ev, "pageY", { value: t.pageY });
        c.dispatchEvent(ev);
    }
    c.addEventListener("touchstart", function (e) {
        var t = e.changedTouches[0]; forward("mousemove", t); forward("mousedown", t); e.preventDefault(); c.focus();
    }, { passive: false });
    c.addEventListener("touchmove", function (e) { forward("mousemove", e.changedTouches[0]); e.preventDefault(); }, { passive: false });
    c.addEventListener("touchend", function (e) { forward("mouseup", e.changedTouches[0]); e.preventDefault(); }, { passive: false });
    c.addEventListener("touchcancel", function (e) { forward("mouseup", e.changedTouches[0]); }, { passive: false });
});
#else
class NativeHost final : public motsim::app::Host {
public:
    App* app = nullptr;
    std::string state_dir;
    void open_file(const std::string& path) override {
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            app->load_text("", path);  // reports the problem through the app's messages
            return;
        }
        std::stringstream ss;
        ss << in.rdbuf();
        app->load_text(ss.str(), path);
    }
    std::string save_file(const std::string& name, const std::string&, const std::string& text) override {
        std::ofstream out(name, std::ios::binary);
        out << text;
        return out ? name : name + " FAILED";
    }
    void request_screenshot(const std::string& name) override { screenshot = name; }
    void store(const std::string& key, const std::string& value) override {
        if (state_dir.empty()) return;
        std::ofstream out(state_dir + "/" + key, std::ios::binary);
        out << value;
    }
    std::string load(const std::string& key) override {
        if (state_dir.empty()) return "";
        std::ifstream in(state_dir + "/" + key, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }
    bool is_browser() const override { return false; }
    std::string screenshot;
};
#endif

// ==== State =====================================================================================

struct Runtime {
    GLFWwindow* window = nullptr;
    std::unique_ptr<App> app;
    motsim::platform::CrowdRenderer crowd;
#ifdef __EMSCRIPTEN__
    WebHost host;
#else
    NativeHost host;
#endif
    double last_time = 0;
    long frames = 0;
    long max_frames = -1;  // native --frames N
    float dpr = 1.0f;
    std::string ini_key = "motsim.layout";
};
Runtime* g = nullptr;

void draw_crowd(const ImDrawList*, const ImDrawCmd* cmd) {
    const ImDrawData* dd = ImGui::GetDrawData();
    const float clip[4] = {cmd->ClipRect.x, cmd->ClipRect.y, cmd->ClipRect.z, cmd->ClipRect.w};
    const float pos[2] = {dd->DisplayPos.x, dd->DisplayPos.y};
    const float size[2] = {dd->DisplaySize.x, dd->DisplaySize.y};
    const float scale[2] = {dd->FramebufferScale.x, dd->FramebufferScale.y};
    const auto& crowd = g->app->crowd();
    g->crowd.draw(crowd.data(), crowd.size(), g->app->crowd_version(), g->app->crowd_radius(), clip, pos, size, scale,
                  static_cast<int>(dd->DisplaySize.y * dd->FramebufferScale.y));
}

void apply_fonts(float scale) {
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    ImFontConfig cfg;
    cfg.SizePixels = std::round(13.0f * scale);
    io.Fonts->AddFontDefault(&cfg);
    ImGui::GetStyle() = ImGuiStyle();
    ImGui::StyleColorsDark();
    ImGuiStyle& st = ImGui::GetStyle();
    st.WindowRounding = 4;
    st.FrameRounding = 3;
    st.ScaleAllSizes(scale);
}

#ifdef __EMSCRIPTEN__
// The canvas follows its CSS box and the device pixel ratio: the drawing buffer is CSS size x
// ratio, and ImGui works in buffer pixels with fonts and sizes scaled by the ratio, so text is
// sharp on HiDPI screens and mouse coordinates (which GLFW reports in buffer pixels) match.
void follow_canvas_size() {
    double css_w = 0, css_h = 0, ratio = 1;
    canvas_css_size(&css_w, &css_h, &ratio);
    const float dpr = static_cast<float>(ratio);
    const int w = std::max(1, static_cast<int>(std::lround(css_w * dpr)));
    const int h = std::max(1, static_cast<int>(std::lround(css_h * dpr)));
    int cw = 0, ch = 0;
    glfwGetWindowSize(g->window, &cw, &ch);
    if (cw != w || ch != h) set_canvas_buffer_size(w, h);
    if (dpr != g->dpr) {
        g->dpr = dpr;
        apply_fonts(dpr);
        ImGui_ImplOpenGL3_DestroyFontsTexture();
        ImGui_ImplOpenGL3_CreateFontsTexture();
        g->app->set_ui_scale(dpr);
    }
}
#endif

void frame() {
    glfwPollEvents();
#ifdef __EMSCRIPTEN__
    follow_canvas_size();
#endif
    const double now = glfwGetTime();
    const double dt = g->last_time > 0 ? now - g->last_time : 1.0 / 60.0;
    g->last_time = now;
    g->app->update(dt);

    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    g->app->draw();
    ImGui::Render();

    int fw = 0, fh = 0;
    glfwGetFramebufferSize(g->window, &fw, &fh);
    glViewport(0, 0, fw, fh);
    glDisable(GL_SCISSOR_TEST);
    glClearColor(0.08f, 0.09f, 0.11f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

    if (ImGui::GetIO().WantSaveIniSettings) {
        ImGui::GetIO().WantSaveIniSettings = false;
        g->host.store(g->ini_key, ImGui::SaveIniSettingsToMemory());
    }
    if (!g->host.screenshot.empty()) {
#ifdef __EMSCRIPTEN__
        // Read the canvas in the same frame it was drawn (WebGL clears it after compositing).
        EM_ASM({ if (Module.motsimHost && Module.motsimHost.screenshot) Module.motsimHost.screenshot(UTF8ToString($0)); },
               g->host.screenshot.c_str());
#else
        std::vector<std::uint8_t> px(static_cast<std::size_t>(fw) * static_cast<std::size_t>(fh) * 4);
        glReadPixels(0, 0, fw, fh, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
        std::vector<std::uint8_t> flipped(px.size());
        const std::size_t row = static_cast<std::size_t>(fw) * 4;
        for (int y = 0; y < fh; ++y)
            std::memcpy(&flipped[static_cast<std::size_t>(y) * row], &px[static_cast<std::size_t>(fh - 1 - y) * row], row);
        motsim::platform::write_png(g->host.screenshot, fw, fh, flipped);
#endif
        g->host.screenshot.clear();
    }
#ifndef __EMSCRIPTEN__
    glfwSwapBuffers(g->window);
#endif
    ++g->frames;
}

int usage() {
    std::fprintf(stderr,
                 "usage: motsim_app [--scenario FILE] [--seed N] [--frames N] [--finish] [--screenshot PNG]\n"
                 "                  [--state-dir DIR] [--print-state]\n"
                 "  --frames N      render N frames and exit (smoke tests)\n"
                 "  --finish        run the simulation to its last tick before the first frame\n"
                 "  --print-state   print the app's metrics (JSON, with the digest) on exit\n");
    return 2;
}

}  // namespace

// ==== The page's bridge ============================================================================

extern "C" {
#ifdef __EMSCRIPTEN__
#define MOTSIM_EXPORT EMSCRIPTEN_KEEPALIVE
#else
#define MOTSIM_EXPORT
#endif
static std::string g_out;
MOTSIM_EXPORT const char* motsim_state() { return (g_out = g->app->state_json()).c_str(); }
MOTSIM_EXPORT const char* motsim_scenario() { return (g_out = g->app->scenario_json()).c_str(); }
MOTSIM_EXPORT const char* motsim_widget(const char* name) { return (g_out = g->app->widget_rect_json(name ? name : "")).c_str(); }
MOTSIM_EXPORT int motsim_load(const char* text, const char* name) {
    return g->app->load_text(text ? text : "", name && *name ? name : "scenario") ? 1 : 0;
}
MOTSIM_EXPORT int motsim_set(const char* path, double value) { return g->app->set_param(path ? path : "", value) ? 1 : 0; }
// The same, as the learner's own change (locked parameters refused, "param" events say so).
MOTSIM_EXPORT int motsim_set_learner(const char* path, double value) {
    return g->app->set_param(path ? path : "", value, true) ? 1 : 0;
}
MOTSIM_EXPORT int motsim_configure(const char* json) { return g->app->configure(json ? json : "") ? 1 : 0; }
MOTSIM_EXPORT const char* motsim_share() { return (g_out = g->app->share_json()).c_str(); }
MOTSIM_EXPORT int motsim_load_share(const char* json) { return g->app->load_share(json ? json : "") ? 1 : 0; }
MOTSIM_EXPORT const char* motsim_lesson() { return (g_out = g->app->lesson_json()).c_str(); }
// Starts the check (sliced across frames); "lesson_checked" tells the result.
MOTSIM_EXPORT int motsim_check_lesson() { return g->app->check_lesson() ? 1 : 0; }
// Runs to a tick in slices across frames; "reached" tells when it is there.
MOTSIM_EXPORT int motsim_run_to(int tick) { return g->app->run_to(tick) ? 1 : 0; }
MOTSIM_EXPORT int motsim_command(const char* cmd) {
    const std::string c = cmd ? cmd : "";
    if (c == "play") g->app->play();
    else if (c == "pause") g->app->pause();
    else if (c == "step") g->app->step();
    else if (c == "reset") g->app->reset();
    else if (c == "finish") g->app->finish();  // sliced across frames: "reached" tells when done
    else if (c == "cancel") g->app->cancel_work();
    else if (c == "replicate" || c == "sweep" || c == "rank") return g->app->start_experiment(c) ? 1 : 0;
    else return 0;
    return 1;
}
MOTSIM_EXPORT const char* motsim_story() {
    std::string s;
    for (const std::string& line : g->app->story()) s += line + "\n";
    return (g_out = s).c_str();
}
}

int main(int argc, char** argv) {
    static Runtime runtime;
    g = &runtime;
    std::string scenario_file, screenshot;
    long long seed = -1;
    bool finish = false;
    [[maybe_unused]] bool print_state = false;
#ifndef __EMSCRIPTEN__
    if (const char* home = std::getenv("HOME")) runtime.host.state_dir = home;
#endif
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
        if (a == "--scenario") { const char* v = next(); if (!v) return usage(); scenario_file = v; }
        else if (a == "--seed") { const char* v = next(); if (!v) return usage(); seed = std::atoll(v); }
        else if (a == "--frames") { const char* v = next(); if (!v) return usage(); runtime.max_frames = std::atol(v); }
        else if (a == "--screenshot") { const char* v = next(); if (!v) return usage(); screenshot = v; }
#ifndef __EMSCRIPTEN__
        else if (a == "--state-dir") { const char* v = next(); if (!v) return usage(); runtime.host.state_dir = v; }
#endif
        else if (a == "--finish") finish = true;
        else if (a == "--print-state") print_state = true;
        else if (a == "--help" || a == "-h") { usage(); return 0; }
        else return usage();
    }

    if (!glfwInit()) {
        std::fprintf(stderr, "motsim_app: cannot initialise GLFW (no display?)\n");
        return 1;
    }
#ifdef __EMSCRIPTEN__
    glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    const char* glsl = "#version 300 es";
#else
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    const char* glsl = "#version 330 core";
#endif
    runtime.window = glfwCreateWindow(1280, 800, "motsim - moments of truth", nullptr, nullptr);
    if (!runtime.window) {
        std::fprintf(stderr, "motsim_app: cannot create an OpenGL 3.3 / WebGL2 window\n");
        glfwTerminate();
        return 1;
    }
    glfwMakeContextCurrent(runtime.window);
#ifndef __EMSCRIPTEN__
    glfwSwapInterval(1);  // skipped on the web: the browser paces frames
#else
    adapt_input_to_page();
#endif

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // layout goes through the host's storage (localStorage or a file)
    apply_fonts(1.0f);
    ImGui_ImplGlfw_InitForOpenGL(runtime.window, true);
    ImGui_ImplOpenGL3_Init(glsl);

    std::string error;
#ifdef __EMSCRIPTEN__
    const bool gles = true;
#else
    const bool gles = false;
#endif
    if (!runtime.crowd.init(gles, error)) std::fprintf(stderr, "motsim_app: %s\n", error.c_str());

    runtime.app = std::make_unique<App>(runtime.host);
#ifndef __EMSCRIPTEN__
    runtime.host.app = runtime.app.get();
#endif
    runtime.app->set_crowd_draw(draw_crowd);
    const std::string ini = runtime.host.load(runtime.ini_key);
    if (!ini.empty()) ImGui::LoadIniSettingsFromMemory(ini.c_str(), ini.size());
    runtime.app->restore_state();
    if (!scenario_file.empty()) runtime.host.open_file(scenario_file);
    if (seed >= 0) runtime.app->set_seed(static_cast<std::uint64_t>(seed));
    if (finish) {
        runtime.app->pause();
        runtime.app->finish_now();
    }

#ifdef __EMSCRIPTEN__
    EM_ASM({ if (Module.motsimHost && Module.motsimHost.ready) Module.motsimHost.ready(); });
    emscripten_set_main_loop(frame, 0, 0);
#else
    while (!glfwWindowShouldClose(runtime.window)) {
        if (runtime.max_frames >= 0 && runtime.frames >= runtime.max_frames) break;
        if (runtime.max_frames >= 0 && runtime.frames == runtime.max_frames - 1 && !screenshot.empty())
            runtime.host.request_screenshot(screenshot);
        frame();
    }
    if (print_state) std::printf("%s\n", runtime.app->state_json().c_str());
    runtime.crowd.shutdown();
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(runtime.window);
    glfwTerminate();
#endif
    return 0;
}
