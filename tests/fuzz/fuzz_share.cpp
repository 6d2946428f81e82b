// libFuzzer target for the share-link decoder (issue 9): any bytes given to App::load_share -
// what a `#motsim=` link or a host page's message delivers - and to the scenario loader must
// give a loaded state or a refusal with a message, never a crash, a hang, an uncaught exception
// or unbounded memory. A link that loads must survive its own round trip: the app's share_json()
// loads again. After a load the app runs a few frames, as the page would, and reports its state.
//
// The app logic (src/app without ImGui) runs against a Host that does nothing. A fresh App per
// input keeps every input independent of the ones before it (a crash replays from its file).
//
// Seed corpus: tests/fuzz/share_corpus (links made from the shipped scenarios and broken ones);
// dictionary: tests/fuzz/share.dict. scripts/test.sh runs it for 20 s after the loader's fuzzer.
#include <cstddef>
#include <cstdint>
#include <string>

#include "app/app.h"
#include "app/host.h"
#include "io/loader.h"

namespace {

class NullHost final : public motsim::app::Host {
public:
    void open_file(const std::string&) override {}
    std::string save_file(const std::string& name, const std::string&, const std::string&) override { return name; }
    void request_screenshot(const std::string&) override {}
    void store(const std::string&, const std::string&) override {}
    std::string load(const std::string&) override { return ""; }
    bool is_browser() const override { return true; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);

    // The loader on the same bytes (a share link's scenario reaches it through load_text too,
    // but the bytes themselves may be a scenario: the Open dialog and load() give it those).
    (void)motsim::io::load_scenario(text);

    NullHost host;
    motsim::app::App app(host);
    if (!app.load_share(text)) {
        // Refused: the app must still answer with its current (default) scenario.
        if (app.scenario().moments.empty()) __builtin_trap();
        (void)app.state_json();
        return 0;
    }
    // A page's frames after a link: a link's tick is reached in slices (each at most a few ms).
    for (int frame = 0; frame < 3; ++frame) app.update(1.0 / 60.0);
    (void)app.state_json();
    const std::string again = app.share_json();
    NullHost host2;
    motsim::app::App reloaded(host2);
    if (!reloaded.load_share(again)) __builtin_trap();  // what we share we must be able to open
    return 0;
}
