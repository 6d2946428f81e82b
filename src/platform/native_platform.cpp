// The desktop's side of the platform (platform.h): files in the working directory, storage as
// files in a folder (the home directory unless --state-dir), PNG screenshots, vsync and the
// blocking loop.
#include <GLFW/glfw3.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "app/app.h"
#include "platform/gl.h"
#include "platform/platform.h"
#include "platform/png.h"

namespace motsim::platform {

namespace {

class NativeHost final : public PlatformHost {
public:
    void attach(app::App* a) override { app = a; }
    void open_file(const std::string& path) override {
        if (!app) return;
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

    app::App* app = nullptr;
    std::string state_dir;
};

NativeHost g_host;

}  // namespace

PlatformHost& host() { return g_host; }
void set_state_dir(const std::string& dir) { g_host.state_dir = dir; }

void window_hints() {
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
}
const char* glsl_version() { return "#version 330 core"; }
bool gles() { return false; }

void adapt_window(GLFWwindow*) { glfwSwapInterval(1); }

float follow_canvas(GLFWwindow*) { return 1.0f; }

void save_screenshot(const std::string& name, int fw, int fh) {
    std::vector<std::uint8_t> px(static_cast<std::size_t>(fw) * static_cast<std::size_t>(fh) * 4);
    glReadPixels(0, 0, fw, fh, GL_RGBA, GL_UNSIGNED_BYTE, px.data());
    // OpenGL's rows run bottom-up, a PNG's top-down.
    std::vector<std::uint8_t> flipped(px.size());
    const std::size_t row = static_cast<std::size_t>(fw) * 4;
    for (int y = 0; y < fh; ++y)
        std::memcpy(&flipped[static_cast<std::size_t>(y) * row], &px[static_cast<std::size_t>(fh - 1 - y) * row], row);
    write_png(name, fw, fh, flipped);
}

void present(GLFWwindow* window) { glfwSwapBuffers(window); }

void announce_ready() {}

// A desktop window: a mouse, and nothing beyond the window to give the keyboard to.
bool touch_device() { return false; }
bool touch_input() { return false; }
void take_wheel(float& x, float& y) { x = y = 0; }
void leave_canvas(bool) {}

bool run(void (*frame)(), bool (*keep_going)()) {
    while (keep_going()) frame();
    return true;
}

}  // namespace motsim::platform
