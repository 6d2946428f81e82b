// The app's one entry point: a GLFW window with Dear ImGui and one frame() for the native loop
// and the browser's requestAnimationFrame alike. What differs between the two lives in
// platform.h (web_platform.cpp, native_platform.cpp); the page's bridge in bridge.cpp.
#include <GLFW/glfw3.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "app/app.h"
#include "imgui.h"
#include "imgui_impl_glfw.h"
#include "imgui_internal.h"
#include "imgui_impl_opengl3.h"
#include "platform/bridge.h"
#include "platform/crowd_renderer.h"
#include "platform/gl.h"
#include "platform/platform.h"

namespace {

using motsim::app::App;
namespace platform = motsim::platform;

struct Runtime {
    GLFWwindow* window = nullptr;
    std::unique_ptr<App> app;
    platform::CrowdRenderer crowd;
    double last_time = 0;
    long frames = 0;
    long max_frames = -1;  // --frames N
    std::string screenshot_at_end;
    float dpr = 1.0f;
    float font_scale = 1.0f;    // the app's text size the fonts were built for
    bool presentation = false;  // ... and its presentation mode
    std::string ini_key = "motsim.layout";
    bool touch = false;  // the device has touch: bigger targets (apply_touch_style)
    // Touch scrolling (touch_scroll): the window a finger pressed on and the press's move id.
    ImGuiWindow* scroll_window = nullptr;
    ImGuiID scroll_press_id = 0;
    // Tab inside the canvas (keyboard_tab): where the highlight was when Tab was pressed.
    int tab_dir = 0;  // +1 Tab, -1 Shift+Tab, 0 none pending
    ImGuiID tab_from = 0;
    ImRect tab_from_rect;
};
Runtime* g = nullptr;

// The crowd is drawn inside the journey window through an ImGui draw callback.
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

// ==== Fonts ====================================================================================
// DejaVu Sans (Debian's fonts-dejavu-core, found by CMake at build time: natively read from where
// Debian put it, in WebAssembly embedded in the module's file system as /fonts/DejaVuSans.ttf).
// The atlas is rasterised at the exact pixel size on screen (text size x device pixel ratio), so
// text stays crisp at every size instead of being a scaled bitmap; without the file, ImGui's
// built-in 13 px font, with a message.
#ifndef MOTSIM_FONT_FILE
#define MOTSIM_FONT_FILE ""
#endif
constexpr float kBaseFontPixels = 13.0f;

// The TTF's bytes, read once (the atlas is rebuilt from them at each size); empty if missing.
std::vector<unsigned char>& font_bytes() {
    static std::vector<unsigned char> bytes;
    static bool tried = false;
    if (!tried) {
        tried = true;
        const char* path = MOTSIM_FONT_FILE;
        if (std::FILE* f = path[0] ? std::fopen(path, "rb") : nullptr) {
            unsigned char buf[16384];
            std::size_t n = 0;
            while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) bytes.insert(bytes.end(), buf, buf + n);
            std::fclose(f);
        }
        if (bytes.empty())
            std::printf(
                "motsim_app: the font '%s' could not be read (fonts-dejavu-core at build time); "
                "using ImGui's built-in font\n",
                path);
    }
    return bytes;
}

// Latin-1 and Latin Extended-A (scenario names in European languages), general punctuation
// (dashes, curly quotes, the ellipsis, bullets), arrows, the minus sign and comparison signs.
const ImWchar kGlyphRanges[] = {0x0020, 0x017F, 0x2010, 0x205E, 0x2190, 0x2199, 0x2212,
                                0x2212, 0x2248, 0x2248, 0x2260, 0x2265, 0};

// Fonts and sizes for a scale (device pixel ratio x the app's text size): the font is built at
// that pixel size and the style's paddings and spacings grow with it, so bigger text keeps its
// room. The colours (the app's theme) are kept. `presentation` adds borders around frames.
void apply_fonts(float scale, bool presentation) {
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    std::vector<unsigned char>& ttf = font_bytes();
    ImFontConfig cfg;
    cfg.SizePixels = std::round(kBaseFontPixels * scale);
    if (!ttf.empty()) {
        cfg.FontDataOwnedByAtlas = false;  // the bytes stay ours, for the next rebuild
        cfg.OversampleH = 2;
        cfg.OversampleV = 1;
        std::snprintf(cfg.Name, sizeof cfg.Name, "DejaVu Sans, %.0f px", cfg.SizePixels);
        io.Fonts->AddFontFromMemoryTTF(ttf.data(), static_cast<int>(ttf.size()), cfg.SizePixels, &cfg, kGlyphRanges);
    } else {
        io.Fonts->AddFontDefault(&cfg);
    }
    ImGuiStyle& st = ImGui::GetStyle();
    ImVec4 colors[ImGuiCol_COUNT];
    std::copy(std::begin(st.Colors), std::end(st.Colors), colors);
    st = ImGuiStyle();
    std::copy(std::begin(colors), std::end(colors), st.Colors);
    st.WindowRounding = 4;
    st.FrameRounding = 3;
    st.ScaleAllSizes(scale);
    if (presentation) {
        st.FrameBorderSize = std::max(1.0f, std::round(scale));
        st.WindowBorderSize = std::max(1.0f, std::round(1.5f * scale));
    }
}

// ==== Touch and keyboard =======================================================================
// Touch targets of at least 40 CSS pixels when the device has touch (a coarse pointer, or touch
// events seen): taller frames, more room between items, a wider margin around what a finger hits.
void apply_touch_style(float dpr) {
    ImGuiStyle& st = ImGui::GetStyle();
    const ImGuiIO& io = ImGui::GetIO();
    const float font = io.Fonts->Fonts.empty() ? 13.0f * dpr : io.Fonts->Fonts[0]->FontSize;
    const float target = 40.0f * dpr;
    st.FramePadding.y = std::max(st.FramePadding.y, std::ceil((target - font) * 0.5f));
    st.FramePadding.x = std::max(st.FramePadding.x, 10.0f * dpr);
    st.ItemSpacing = {std::max(st.ItemSpacing.x, 10.0f * dpr), std::max(st.ItemSpacing.y, 8.0f * dpr)};
    st.ItemInnerSpacing.x = std::max(st.ItemInnerSpacing.x, 8.0f * dpr);
    st.TouchExtraPadding = {4.0f * dpr, 4.0f * dpr};
    st.ScrollbarSize = std::max(st.ScrollbarSize, 20.0f * dpr);
    st.GrabMinSize = std::max(st.GrabMinSize, 24.0f * dpr);
    st.TabRounding = std::max(st.TabRounding, 4.0f * dpr);
}

// A finger dragged over a window's body scrolls that window (windows move only by their title
// bar). A press a widget took (a slider, a button, the journey map) keeps the drag for itself.
// The mouse is left as it is: a mouse drag on empty space does nothing.
void touch_scroll() {
    ImGuiContext& ctx = *GImGui;
    const ImGuiIO& io = ctx.IO;
    if (!platform::touch_input() || !io.MouseDown[0]) {
        g->scroll_window = nullptr;
        return;
    }
    if (io.MouseClicked[0]) {
        g->scroll_window = nullptr;
        ImGuiWindow* w = ctx.HoveredWindow;
        g->scroll_press_id = w ? w->MoveId : 0;
        while (w && w->ScrollMax.y <= 0 && w->ScrollMax.x <= 0 && (w->Flags & ImGuiWindowFlags_ChildWindow))
            w = w->ParentWindow;
        if (w && (w->ScrollMax.y > 0 || w->ScrollMax.x > 0) && !w->TitleBarRect().Contains(io.MouseClickedPos[0]))
            g->scroll_window = w;
        return;
    }
    ImGuiWindow* w = g->scroll_window;
    if (!w || (ctx.ActiveId != 0 && ctx.ActiveId != g->scroll_press_id && ctx.ActiveId != w->MoveId)) return;
    if (io.MouseDelta.y != 0) ImGui::SetScrollY(w, std::clamp(w->Scroll.y - io.MouseDelta.y, 0.0f, w->ScrollMax.y));
    if (io.MouseDelta.x != 0) ImGui::SetScrollX(w, std::clamp(w->Scroll.x - io.MouseDelta.x, 0.0f, w->ScrollMax.x));
}

// Tab inside the canvas moves between the fields and sliders of the focused window (ImGui's
// tabbing). When there is nowhere further to go (nothing to reach, or Tab came round to the
// first field again) the keyboard leaves the canvas for the page's next control, so the canvas
// never traps it. Called after NewFrame, where ImGui applied last frame's Tab.
void keyboard_tab() {
    ImGuiContext& ctx = *GImGui;
    const ImGuiIO& io = ctx.IO;
    if (g->tab_dir != 0) {
        const int dir = g->tab_dir;
        g->tab_dir = 0;
        bool leave = ctx.NavJustMovedToId == 0 || ctx.NavId == g->tab_from;
        if (!leave && g->tab_from != 0 && ctx.NavWindow) {
            const ImRect now = ImGui::WindowRectRelToAbs(ctx.NavWindow, ctx.NavWindow->NavRectRel[ctx.NavLayer]);
            const ImRect& was = g->tab_from_rect;
            const bool before =
                now.Min.y < was.Min.y - 1 || (std::fabs(now.Min.y - was.Min.y) <= 1 && now.Min.x < was.Min.x);
            const bool after =
                now.Min.y > was.Min.y + 1 || (std::fabs(now.Min.y - was.Min.y) <= 1 && now.Min.x > was.Min.x);
            leave = dir > 0 ? before : after;  // came round the window
        }
        if (leave) {
            ImGui::ClearActiveID();
            ctx.NavActivateId = ctx.NavActivateDownId = ctx.NavActivatePressedId = ctx.NavActivateInputId = 0;
            ctx.NavDisableHighlight = true;
            platform::leave_canvas(dir > 0);
        }
    }
    if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Tab), true) && !io.KeyCtrl && !io.KeyAlt && !io.WantTextInput) {
        g->tab_dir = io.KeyShift ? -1 : 1;
        g->tab_from = ctx.NavDisableHighlight && ctx.ActiveId == 0 ? 0 : ctx.NavId;
        g->tab_from_rect = ctx.NavWindow
                               ? ImGui::WindowRectRelToAbs(ctx.NavWindow, ctx.NavWindow->NavRectRel[ctx.NavLayer])
                               : ImRect();
    }
}

void frame() {
    glfwPollEvents();
    const bool touch = platform::touch_device();
    if (touch != g->touch) {
        g->touch = touch;
        g->dpr = 0;  // rebuild the style below
    }
    const float dpr = platform::follow_canvas(g->window);
    // A new pixel ratio, text size or presentation mode: the fonts are rebuilt here, between two
    // frames (never while ImGui holds the atlas's texture for a frame).
    const float font_scale = g->app->font_scale();
    const bool presentation = g->app->presentation();
    if (dpr != g->dpr || font_scale != g->font_scale || presentation != g->presentation) {
        g->dpr = dpr;
        g->font_scale = font_scale;
        g->presentation = presentation;
        apply_fonts(dpr * font_scale, presentation);
        if (g->touch) apply_touch_style(dpr);
        ImGui_ImplOpenGL3_DestroyFontsTexture();
        ImGui_ImplOpenGL3_CreateFontsTexture();
        g->app->set_ui_scale(dpr);
    }
    const double now = glfwGetTime();
    const double dt = g->last_time > 0 ? now - g->last_time : 1.0 / 60.0;
    g->last_time = now;
    g->app->update(dt);

    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    float wheel_x = 0, wheel_y = 0;
    platform::take_wheel(wheel_x, wheel_y);
    ImGui::GetIO().MouseWheelH += wheel_x;
    ImGui::GetIO().MouseWheel += wheel_y;
    ImGui::NewFrame();
    touch_scroll();
    keyboard_tab();
    g->app->draw();
    ImGui::Render();

    int fw = 0, fh = 0;
    glfwGetFramebufferSize(g->window, &fw, &fh);
    glViewport(0, 0, fw, fh);
    glDisable(GL_SCISSOR_TEST);
    glClearColor(0.08f, 0.09f, 0.11f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());

    platform::PlatformHost& host = platform::host();
    if (ImGui::GetIO().WantSaveIniSettings) {
        ImGui::GetIO().WantSaveIniSettings = false;
        host.store(g->ini_key, ImGui::SaveIniSettingsToMemory());
    }
    if (!host.screenshot.empty()) {
        platform::save_screenshot(host.screenshot, fw, fh);
        host.screenshot.clear();
    }
    platform::present(g->window);
    ++g->frames;
    // --frames N --screenshot PNG: the last frame is the picture.
    if (g->max_frames >= 0 && g->frames == g->max_frames - 1 && !g->screenshot_at_end.empty())
        host.request_screenshot(g->screenshot_at_end);
}

bool keep_going() {
    if (glfwWindowShouldClose(g->window)) return false;
    return g->max_frames < 0 || g->frames < g->max_frames;
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

int main(int argc, char** argv) {
    static Runtime runtime;
    g = &runtime;
    std::string scenario_file;
    long long seed = -1;
    bool finish = false, print_state = false;
    if (const char* home = std::getenv("HOME")) platform::set_state_dir(home);
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto next = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
        if (a == "--scenario") {
            const char* v = next();
            if (!v) return usage();
            scenario_file = v;
        } else if (a == "--seed") {
            const char* v = next();
            if (!v) return usage();
            seed = std::atoll(v);
        } else if (a == "--frames") {
            const char* v = next();
            if (!v) return usage();
            runtime.max_frames = std::atol(v);
        } else if (a == "--screenshot") {
            const char* v = next();
            if (!v) return usage();
            runtime.screenshot_at_end = v;
        } else if (a == "--state-dir") {
            const char* v = next();
            if (!v) return usage();
            platform::set_state_dir(v);
        } else if (a == "--finish")
            finish = true;
        else if (a == "--print-state")
            print_state = true;
        else if (a == "--help" || a == "-h") {
            usage();
            return 0;
        } else
            return usage();
    }

    if (!glfwInit()) {
        std::fprintf(stderr, "motsim_app: cannot initialise GLFW (no display?)\n");
        return 1;
    }
    platform::window_hints();
    runtime.window = glfwCreateWindow(1280, 800, "motsim - moments of truth", nullptr, nullptr);
    if (!runtime.window) {
        std::fprintf(stderr, "motsim_app: cannot create an OpenGL 3.3 / WebGL2 window\n");
        glfwTerminate();
        return 1;
    }
    glfwMakeContextCurrent(runtime.window);
    platform::adapt_window(runtime.window);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;                     // the layout goes through the host's storage
    io.IniSavingRate = 1.0f;                      // a moved window is saved within a second (a reload keeps it)
    io.ConfigWindowsMoveFromTitleBarOnly = true;  // dragging a window's body never moves it
    io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;  // Tab, arrows, Space, Enter (shortcuts.cpp)
    ImGui::StyleColorsDark();
    apply_fonts(1.0f, false);
    ImGui_ImplGlfw_InitForOpenGL(runtime.window, true);
    ImGui_ImplOpenGL3_Init(platform::glsl_version());
    std::string error;
    if (!runtime.crowd.init(platform::gles(), error)) std::fprintf(stderr, "motsim_app: %s\n", error.c_str());

    platform::PlatformHost& host = platform::host();
    runtime.app = std::make_unique<App>(host);
    host.attach(runtime.app.get());
    platform::bridge_attach(runtime.app.get());
    runtime.app->set_crowd_draw(draw_crowd);
    const std::string ini = host.load(runtime.ini_key);
    if (!ini.empty()) ImGui::LoadIniSettingsFromMemory(ini.c_str(), ini.size());
    runtime.app->restore_state();
    if (!scenario_file.empty()) host.open_file(scenario_file);
    if (seed >= 0) runtime.app->set_seed(static_cast<std::uint64_t>(seed));
    if (finish) {
        runtime.app->pause();
        runtime.app->finish_now();
    }

    platform::announce_ready();
    // In a browser run() returns at once and the frames go on for the page's life.
    if (platform::run(frame, keep_going)) {  // the desktop's loop has ended: tidy up
        if (print_state) std::printf("%s\n", runtime.app->state_json().c_str());
        runtime.crowd.shutdown();
        ImGui_ImplOpenGL3_Shutdown();
        ImGui_ImplGlfw_Shutdown();
        ImGui::DestroyContext();
        glfwDestroyWindow(runtime.window);
        glfwTerminate();
    }
    return 0;
}
