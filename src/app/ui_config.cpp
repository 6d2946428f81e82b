#include "app/ui_config.h"

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

#include "engine/lesson.h"
#include "engine/parameters.h"
#include "io/lesson_io.h"

namespace motsim::app {

using nlohmann::json;

namespace {

void problem(std::vector<io::Problem>& out, const std::string& ptr, const std::string& msg) {
    io::Problem p;
    p.pointer = ptr;
    p.message = msg;
    out.push_back(p);
}

}  // namespace

bool parse_ui_config(const std::string& text, UiConfig& out, std::vector<io::Problem>& problems) {
    if (text.size() > 1 << 20) {
        problem(problems, "", "configuration larger than 1 MB");
        return false;
    }
    const json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
        problem(problems, "", "configuration must be a JSON object");
        return false;
    }
    UiConfig c = out;
    const std::size_t before = problems.size();
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string& k = it.key();
        const json& v = it.value();
        if (k == "panels") {
            if (!v.is_object()) {
                problem(problems, "/panels", "must be an object");
                continue;
            }
            for (auto p = v.begin(); p != v.end(); ++p) {
                bool* field = p.key() == "menu"       ? &c.menu
                              : p.key() == "controls" ? &c.controls
                              : p.key() == "editor"   ? &c.editor
                              : p.key() == "charts"   ? &c.charts
                              : p.key() == "story"    ? &c.story
                                                      : nullptr;
                if (!field)
                    problem(problems, "/panels/" + p.key(), "unknown panel '" + p.key() + "'");
                else if (!p.value().is_boolean())
                    problem(problems, "/panels/" + p.key(), "must be true or false");
                else
                    *field = p.value().get<bool>();
            }
        } else if (k == "locked") {
            if (!v.is_array() || v.size() > 1000) {
                problem(problems, "/locked", "must be an array of parameter paths");
                continue;
            }
            c.locked.clear();
            for (std::size_t i = 0; i < v.size(); ++i) {
                if (!v[i].is_string() || v[i].get<std::string>().empty() || v[i].get<std::string>()[0] != '/')
                    problem(problems, "/locked/" + std::to_string(i),
                            "must be a path such as /moments/check_in/positive");
                else
                    c.locked.push_back(v[i].get<std::string>());
            }
        } else if (k == "theme") {
            if (!v.is_string() || (v.get<std::string>() != "dark" && v.get<std::string>() != "light"))
                problem(problems, "/theme", "must be \"dark\" or \"light\"");
            else
                c.theme = v.get<std::string>();
        } else if (k == "lesson") {
            if (v.is_null()) {
                c.lesson.reset();
                continue;
            }
            Lesson lesson;
            if (!io::parse_lesson(v, lesson, problems, "/lesson")) continue;
            // A lesson's own locks and panels act as if configured; the configuration's
            // "locked" and "panels" keys (read after "lesson": keys come in name order) win.
            if (!lesson.locked.empty()) c.locked = lesson.locked;
            if (lesson.panels) {
                const LessonPanels& p = *lesson.panels;
                c.menu = p.menu, c.controls = p.controls, c.editor = p.editor, c.charts = p.charts, c.story = p.story;
            }
            c.lesson = lesson;
        } else {
            problem(problems, "/" + k, "unknown key '" + k + "'");
        }
    }
    if (problems.size() != before) return false;
    out = c;
    return true;
}

bool path_locked(const std::vector<std::string>& locked, const std::string& path) {
    for (const std::string& p : locked) {
        if (p == path) return true;
        if (p.size() >= 2 && p.compare(p.size() - 2, 2, "/*") == 0 &&
            path.compare(0, p.size() - 1, p, 0, p.size() - 1) == 0)
            return true;
    }
    return false;
}

std::vector<std::string> parameter_paths(const Scenario& s) { return scenario_parameter_paths(s); }

std::vector<std::pair<std::string, double>> changed_parameters(const Scenario& before, const Scenario& after) {
    std::vector<std::pair<std::string, double>> out;
    auto compare = [&](const std::string& path) {
        const auto b = get_parameter(before, path), a = get_parameter(after, path);
        if (a && (!b || *b != *a)) out.emplace_back(path, *a);
    };
    Scenario no_moments = after;  // the scenario-wide and segment paths
    no_moments.moments.clear();
    for (const std::string& path : parameter_paths(no_moments)) compare(path);
    for (std::size_t i = 0; i < after.moments.size() && i < before.moments.size(); ++i) {
        const Moment& m = after.moments[i];
        if (m.id == before.moments[i].id && same_moment(before.moments[i], m)) continue;
        for (const std::string& f : moment_parameter_fields()) compare("/moments/" + m.id + "/" + f);
    }
    return out;
}

}  // namespace motsim::app
