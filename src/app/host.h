// What the app needs from the platform it runs on (browser page or native window), so src/app
// never includes GLFW, Emscripten or GL. The platform implements it; tests use a fake.
#pragma once
#include <string>

namespace motsim::app {

class Host {
public:
    virtual ~Host() = default;
    // Lets the user choose a scenario file; the platform calls App::load_text when one is read
    // (asynchronously in a browser). Natively `path` is what the user typed.
    virtual void open_file(const std::string& path) = 0;
    // Saves text under a file name: a download in a browser, a file in the working directory
    // natively. Returns where it went, for the status line.
    virtual std::string save_file(const std::string& name, const std::string& mime, const std::string& text) = 0;
    // A PNG of the whole view, taken after the frame is drawn.
    virtual void request_screenshot(const std::string& name) = 0;
    // Small persistent storage (localStorage in a browser, a file natively).
    virtual void store(const std::string& key, const std::string& value) = 0;
    virtual std::string load(const std::string& key) = 0;
    virtual bool is_browser() const = 0;
    // Tells the host page something happened: "tick", "finished", "param", "error",
    // "lesson_step", "lesson_done", "loaded". `json` is a JSON object. Default: nobody listens.
    virtual void emit(const std::string& name, const std::string& json) {
        (void)name;
        (void)json;
    }
    // Copies a shareable link of the current state (the browser builds the URL fragment).
    virtual void copy_link(const std::string& state_json) { (void)state_json; }
};

}  // namespace motsim::app
