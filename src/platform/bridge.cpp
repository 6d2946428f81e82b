#include "platform/bridge.h"

#include <string>

#include "app/app.h"

namespace {
motsim::app::App* g_app = nullptr;
std::string g_out;  // the last text returned to the page
}  // namespace

namespace motsim::platform {
void bridge_attach(app::App* app) { g_app = app; }
}  // namespace motsim::platform

// Every function answers "not ready" (0, "null" or "") until the app exists.
extern "C" {
const char* motsim_state() { return g_app ? (g_out = g_app->state_json()).c_str() : "null"; }
const char* motsim_scenario() { return g_app ? (g_out = g_app->scenario_json()).c_str() : "null"; }
const char* motsim_widget(const char* name) {
    return g_app ? (g_out = g_app->widget_rect_json(name ? name : "")).c_str() : "null";
}
int motsim_load(const char* text, const char* name) {
    return g_app && g_app->load_text(text ? text : "", name && *name ? name : "scenario") ? 1 : 0;
}
int motsim_set(const char* path, double value) { return g_app && g_app->set_param(path ? path : "", value) ? 1 : 0; }
// The same, as the learner's own change (locked parameters refused, "param" events say so).
int motsim_set_learner(const char* path, double value) {
    return g_app && g_app->set_param(path ? path : "", value, true) ? 1 : 0;
}
int motsim_configure(const char* json) { return g_app && g_app->configure(json ? json : "") ? 1 : 0; }
const char* motsim_share() { return g_app ? (g_out = g_app->share_json()).c_str() : "null"; }
int motsim_load_share(const char* json) { return g_app && g_app->load_share(json ? json : "") ? 1 : 0; }
const char* motsim_lesson() { return g_app ? (g_out = g_app->lesson_json()).c_str() : "null"; }
// Starts the check (sliced across frames); "lesson_checked" tells the result.
int motsim_check_lesson() { return g_app && g_app->check_lesson() ? 1 : 0; }
// Runs to a tick in slices across frames; "reached" tells when it is there.
int motsim_run_to(int tick) { return g_app && g_app->run_to(tick) ? 1 : 0; }
// An authoring command as JSON (App::edit lists them); answers {"ok": ..., "error": ...}.
const char* motsim_edit(const char* json) {
    return g_app ? (g_out = g_app->edit(json ? json : "")).c_str() : "{\"ok\":false,\"error\":\"not ready\"}";
}
int motsim_command(const char* cmd) {
    if (!g_app) return 0;
    const std::string c = cmd ? cmd : "";
    if (c == "play")
        g_app->play();
    else if (c == "pause")
        g_app->pause();
    else if (c == "step")
        g_app->step();
    else if (c == "reset")
        g_app->reset();
    else if (c == "finish")
        g_app->finish();  // sliced across frames: "reached" tells when done
    else if (c == "cancel")
        g_app->cancel_work();
    else if (c == "undo")
        return g_app->undo() ? 1 : 0;
    else if (c == "redo")
        return g_app->redo() ? 1 : 0;
    else if (c == "pin_baseline")
        g_app->pin_baseline();
    else if (c == "clear_baselines")
        g_app->clear_baselines();
    else if (c == "replicate" || c == "sweep" || c == "rank")
        return g_app->start_experiment(c) ? 1 : 0;
    else
        return 0;
    return 1;
}
// What the page's DOM mirror reads beyond the state: the shipped scenarios by title and the
// charts' per-tick series as a table of about `rows` rows (App::mirror_json).
const char* motsim_mirror(int rows) { return g_app ? (g_out = g_app->mirror_json(rows)).c_str() : "null"; }
// The generated files of an LMS package of the app's lesson (the editor's draft, else the page's
// lesson) on its base scenario, for the page's zip builder (web/motsim-package.js):
// {"ok": true, "files": {"lesson.json": "...", ...}} or {"ok": false, "error": "/pointer: message"}.
const char* motsim_package_files(const char* format) {
    return g_app ? (g_out = g_app->package_files_json(format ? format : "")).c_str()
                 : "{\"ok\":false,\"error\":\"not ready\"}";
}
const char* motsim_story() {
    if (!g_app) return "";
    std::string s;
    for (const std::string& line : g_app->story()) s += line + "\n";
    return (g_out = s).c_str();
}
}
