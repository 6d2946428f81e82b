// What a host page (a lesson, an LMS) sets about the simulator beyond the scenario: visible
// panels, parameters the learner may not touch, the theme and a lesson. Parsed from JSON with
// the loader's error style (JSON pointer + message); nothing throws.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "engine/lesson.h"
#include "io/loader.h"

namespace motsim::app {

struct UiConfig {
    bool menu = true, controls = true, editor = true, charts = true, story = true;
    std::vector<std::string> locked;  // parameter paths; "/moments/*" or "/moments/x/*" lock a subtree
    std::string theme = "dark";       // "dark" or "light"
    std::optional<Lesson> lesson;
};

// Reads {"panels": {"menu": bool, "controls": bool, "editor": bool, "charts": bool, "story": bool},
//        "locked": ["/moments/check_in/positive", "/influence/*"], "theme": "dark"|"light",
//        "lesson": {"title": "...", "steps": [{"text": "...", "goals": [{"metric": "conversion",
//                   "at_least": 0.4}], "max_changed_moments": 2}]}}
// The lesson is lesson JSON v2 (io::parse_lesson, pointers under "/lesson"); its own "locked" and
// "panels" apply as if configured, unless the configuration names those keys itself.
// Keys left out keep `out`'s current values. False (and `out` unchanged) on any error.
bool parse_ui_config(const std::string& text, UiConfig& out, std::vector<io::Problem>& problems);

// True if `path` is locked by one of the patterns.
bool path_locked(const std::vector<std::string>& locked, const std::string& path);

// Every parameter path of a scenario that set_parameter understands (moments by id), for
// diffs: which parameters did an edit change? (engine/parameters.h: scenario_parameter_paths)
std::vector<std::string> parameter_paths(const Scenario& s);
// The parameters (of parameter_paths) whose values differ between two scenarios with the same
// moments, with their new values. Only moments that differ are looked at, so an edit of a
// 1,000-moment journey costs one moment's paths, not ten thousand look-ups of all of them.
std::vector<std::pair<std::string, double>> changed_parameters(const Scenario& before, const Scenario& after);

}  // namespace motsim::app
