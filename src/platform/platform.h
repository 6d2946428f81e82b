// What differs between the browser and the desktop, behind one interface, so that main.cpp has
// one frame() for both (sokol's and Dear ImGui's examples do the same). web_platform.cpp holds
// the browser's side (canvas, page services, requestAnimationFrame), native_platform.cpp the
// desktop's (files, a PNG writer, the blocking loop); CMake compiles the one that fits.
#pragma once
#include <string>

#include "app/host.h"

struct GLFWwindow;

namespace motsim::app {
class App;
}

namespace motsim::platform {

// The host services the app asks for (storage, files, downloads, events), plus the screenshot
// the frame takes after drawing.
class PlatformHost : public app::Host {
public:
    void request_screenshot(const std::string& name) override { screenshot = name; }
    // The app the host reports files to (natively open_file reads the file and loads it).
    virtual void attach(app::App* app) { (void)app; }
    std::string screenshot;  // the file name asked for, taken at the end of the frame
};

PlatformHost& host();
// Natively: the folder storage goes to (layout, edited scenario). Ignored in a browser.
void set_state_dir(const std::string& dir);

// The OpenGL context: window hints before the window, the GLSL version line for the shaders.
void window_hints();
const char* glsl_version();
bool gles();
// After the window exists: vsync natively; page-friendly keyboard input in a browser.
void adapt_window(GLFWwindow* window);
// Sizes the drawing buffer for this frame and returns the device pixel ratio the UI is scaled
// by (a browser's canvas follows its CSS box times the ratio; natively 1).
float follow_canvas(GLFWwindow* window);
// Saves the drawn frame as a PNG (a download in a browser, a file natively).
void save_screenshot(const std::string& name, int framebuffer_w, int framebuffer_h);
// Shows the frame: swap natively; the browser composites by itself.
void present(GLFWwindow* window);
// Touch (the page's adapter, web/embed/34-touch.js): whether the device has touch (a coarse
// pointer, or touch events seen), and whether the mouse ImGui sees is a finger right now.
// Natively both false.
bool touch_device();
bool touch_input();
// Mouse wheel steps since the last call (up and left positive, as ImGui counts them) that the
// platform reads itself: in a browser, where GLFW 3.1.6 hands on the page's pixels scrolled down
// as they are (a notch scrolled the other way, and 100 times too far). Natively GLFW's own
// callback serves ImGui and this is nothing.
void take_wheel(float& x, float& y);
// Moves the keyboard focus from the canvas to the page's next (or previous) control: Tab came
// to the end of what the simulator offers (nothing natively).
void leave_canvas(bool forward);
// Tells the page that the simulator is ready (nothing natively).
void announce_ready();
// Runs frame() until keep_going() says no and returns true (natively), or hands frame() to the
// browser's animation frames and returns false at once (the page's life is the loop).
bool run(void (*frame)(), bool (*keep_going)());

}  // namespace motsim::platform
