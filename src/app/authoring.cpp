// Authoring: edit commands, undo and redo (filled in by the authoring work; stubs for now).
#include <nlohmann/json.hpp>

#include "app/app.h"

namespace motsim::app {

std::string App::edit(const std::string& json, bool by_learner) {
    (void)json;
    (void)by_learner;
    return nlohmann::json{{"ok", false}, {"error", "not implemented yet"}}.dump();
}
bool App::undo() { return false; }
bool App::redo() { return false; }
bool App::can_undo() const { return false; }
bool App::can_redo() const { return false; }
bool App::edited() const { return false; }
void App::revert() {}

}  // namespace motsim::app
