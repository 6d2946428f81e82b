// Lesson JSON <-> motsim::Lesson (docs/lms.md, assets/lesson.schema.json). The same rules serve a
// lesson file (the lesson editor's Save, `motsim package`, a package's lesson.json) and the
// `lesson` of a host page's configuration: every problem is reported with the JSON pointer of its
// field (under `root`: "" for a file, "/lesson" inside a configuration) and nothing throws.
#pragma once
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/lesson.h"
#include "engine/scenario.h"
#include "io/loader.h"

namespace motsim::io {

// Limits: the texts a learner reads and the lists a trainer sets.
inline constexpr std::size_t kLessonTitleMax = 200, kLessonIntroMax = 4000, kLessonStepTextMax = 2000;
inline constexpr std::size_t kLessonStepsMax = 50, kLessonGoalsMax = 20, kLessonLockedMax = 1000;
inline constexpr std::size_t kLessonMirrorMax = 12;

// The lesson in `j` (an object with title, introduction, steps, locked, panels, mirror). On any
// problem: false, `out` unchanged, every problem appended.
bool parse_lesson(const nlohmann::json& j, Lesson& out, std::vector<Problem>& problems, const std::string& root = "");
// The same from text (at most 1 MB), with the line and column of a syntax error.
bool load_lesson(const std::string& text, Lesson& out, std::vector<Problem>& problems);

// What only the scenario can tell: locked and mirror paths that are parameters of `s` (a "/x/*"
// pattern must cover at least one), goal values in their metric's range, and money or loyalty
// metrics on a scenario with those blocks. Appends problems (under `root`); true if none.
bool check_lesson_for(const Lesson& lesson, const Scenario& s, std::vector<Problem>& problems,
                      const std::string& root = "");

// The lesson as JSON (keys in a fixed order; optional keys only when set). load_lesson reads it
// back to the same lesson.
nlohmann::ordered_json lesson_json(const Lesson& lesson);
std::string lesson_to_json(const Lesson& lesson);  // lesson_json, indented by 2

// For people: "Conversion (purchases per arrival)", and the range of a metric's values.
struct MetricInfo {
    const char* name;
    const char* label;
    double min, max;  // what a goal may ask (infinite: no bound)
    bool share;       // 0..1, shown as a percentage
};
const std::vector<MetricInfo>& lesson_metrics();  // in lesson_metric_names() order
const MetricInfo* lesson_metric_info(const std::string& name);

}  // namespace motsim::io
