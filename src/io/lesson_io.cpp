#include "io/lesson_io.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include "engine/parameters.h"

namespace motsim::io {

using nlohmann::json;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

void problem(std::vector<Problem>& out, const std::string& ptr, const std::string& msg) {
    Problem p;
    p.pointer = ptr;
    p.message = msg;
    out.push_back(p);
}

// A text field of at most `max` bytes; false (and a problem) otherwise.
bool read_text(const json& j, const char* key, std::size_t max, const std::string& ptr, std::string& out,
               std::vector<Problem>& problems) {
    const json& v = j[key];
    if (!v.is_string()) {
        problem(problems, ptr, "must be a string");
        return false;
    }
    const auto* s = v.get_ptr<const std::string*>();
    if (s->size() > max) {
        problem(problems, ptr, "is longer than " + std::to_string(max) + " characters");
        return false;
    }
    out = *s;
    return true;
}

void unknown_keys(const json& j, std::initializer_list<const char*> known, const std::string& ptr,
                  std::vector<Problem>& problems) {
    for (auto it = j.begin(); it != j.end(); ++it) {
        const bool ok = std::any_of(known.begin(), known.end(), [&](const char* k) { return it.key() == k; });
        if (!ok) problem(problems, ptr + "/" + pointer_token(it.key()), "unknown key '" + it.key() + "'");
    }
}

bool is_path(const json& v) {
    if (!v.is_string()) return false;
    const auto& s = *v.get_ptr<const std::string*>();
    return !s.empty() && s[0] == '/' && s.size() <= 300;
}

LessonStep read_step(const json& st, const std::string& ptr, std::vector<Problem>& problems) {
    LessonStep step;
    if (!st.is_object()) {
        problem(problems, ptr, "must be an object with text and goals");
        return step;
    }
    unknown_keys(st, {"text", "goals", "max_changed_moments"}, ptr, problems);
    if (st.contains("text"))
        read_text(st, "text", kLessonStepTextMax, ptr + "/text", step.text, problems);
    else
        problem(problems, ptr + "/text", "is missing: what the learner reads");
    if (st.contains("max_changed_moments")) {
        const json& v = st["max_changed_moments"];
        if (v.is_number_integer() && v.get<long long>() >= 0 && v.get<long long>() <= 1000)
            step.max_changed_moments = static_cast<int>(v.get<long long>());
        else
            problem(problems, ptr + "/max_changed_moments", "must be a whole number from 0 to 1000");
    }
    if (!st.contains("goals") || !st["goals"].is_array() || st["goals"].size() > kLessonGoalsMax) {
        problem(problems, ptr + "/goals", "must be an array of at most " + std::to_string(kLessonGoalsMax) + " goals");
        return step;
    }
    const json& goals = st["goals"];
    for (std::size_t g = 0; g < goals.size(); ++g) {
        const json& gj = goals[g];
        const std::string gp = ptr + "/goals/" + std::to_string(g);
        if (!gj.is_object()) {
            problem(problems, gp, "must be an object such as {\"metric\": \"conversion\", \"at_least\": 0.6}");
            continue;
        }
        unknown_keys(gj, {"metric", "at_least", "at_most"}, gp, problems);
        LessonGoal goal;
        if (!gj.contains("metric") || !gj["metric"].is_string()) {
            problem(problems, gp + "/metric", "must be the name of a metric");
        } else {
            goal.metric = gj["metric"].get<std::string>();
            if (!lesson_metric_info(goal.metric)) {
                std::string names;
                for (const std::string& n : lesson_metric_names()) names += (names.empty() ? "" : ", ") + n;
                problem(problems, gp + "/metric",
                        "unknown metric '" + goal.metric.substr(0, 60) + "' (one of " + names + ")");
            }
        }
        const bool least = gj.contains("at_least"), most = gj.contains("at_most");
        if (least == most) {
            problem(problems, gp,
                    least ? "has both at_least and at_most: a goal has one of them" : "needs at_least or at_most");
            continue;
        }
        const char* key = least ? "at_least" : "at_most";
        const json& v = gj[key];
        if (!v.is_number() || !std::isfinite(v.get<double>())) {
            problem(problems, gp + "/" + key, "must be a finite number");
            continue;
        }
        goal.at_least = least;
        goal.value = v.get<double>();
        if (const MetricInfo* info = lesson_metric_info(goal.metric)) {
            if (goal.value < info->min || goal.value > info->max) {
                std::string range = info->share ? "between 0 and 1 (a share: 0.62 is 62%)"
                                    : std::isinf(info->max)
                                        ? "at least " + std::to_string(static_cast<long long>(info->min))
                                        : "between " + std::to_string(static_cast<long long>(info->min)) + " and " +
                                              std::to_string(static_cast<long long>(info->max));
                problem(problems, gp + "/" + key, "is out of range: " + goal.metric + " goals must be " + range);
            }
        }
        step.goals.push_back(goal);
    }
    return step;
}

// Whether `path` names a parameter of `s`, or (a "/x/*" pattern) covers at least one.
bool path_exists(const std::string& path, const Scenario& s, const std::vector<std::string>& all) {
    if (path.size() >= 2 && path.compare(path.size() - 2, 2, "/*") == 0) {
        const std::string prefix = path.substr(0, path.size() - 1);
        return std::any_of(all.begin(), all.end(), [&](const std::string& p) { return p.rfind(prefix, 0) == 0; });
    }
    return get_parameter(s, path).has_value();
}

}  // namespace

const std::vector<MetricInfo>& lesson_metrics() {
    static const std::vector<MetricInfo> list{
        {"conversion", "Conversion (purchases per arrival)", 0, 1, true},
        {"nps", "Net Promoter Score (-100 to 100)", -100, 100, false},
        {"rating", "Average rating (share of good reviews)", 0, 1, true},
        {"done_share", "Finished the journey (share of those who left)", 0, 1, true},
        {"lost_share", "Lost on the way (share of those who left)", 0, 1, true},
        {"purchases", "Purchases", 0, kInf, false},
        {"arrivals", "Arrivals (new customers)", 0, kInf, false},
        {"advocates", "Advocates", 0, kInf, false},
        {"referrals", "Referrals (customers brought by word of mouth)", 0, kInf, false},
        {"profit", "Profit (revenue minus costs)", -kInf, kInf, false},
        {"revenue", "Revenue", 0, kInf, false},
        {"returns", "Returns (loyal customers who came back)", 0, kInf, false},
    };
    return list;
}

const MetricInfo* lesson_metric_info(const std::string& name) {
    for (const MetricInfo& m : lesson_metrics())
        if (name == m.name) return &m;
    return nullptr;
}

bool parse_lesson(const json& j, Lesson& out, std::vector<Problem>& problems, const std::string& root) {
    const std::size_t before = problems.size();
    if (!j.is_object()) {
        problem(problems, root, "a lesson must be a JSON object with title and steps");
        return false;
    }
    unknown_keys(j, {"title", "introduction", "steps", "locked", "panels", "mirror"}, root, problems);
    Lesson lesson;
    if (j.contains("title")) read_text(j, "title", kLessonTitleMax, root + "/title", lesson.title, problems);
    if (j.contains("introduction"))
        read_text(j, "introduction", kLessonIntroMax, root + "/introduction", lesson.introduction, problems);
    if (!j.contains("steps") || !j["steps"].is_array() || j["steps"].empty() || j["steps"].size() > kLessonStepsMax) {
        problem(problems, root + "/steps", "must be an array of 1 to " + std::to_string(kLessonStepsMax) + " steps");
    } else {
        for (std::size_t i = 0; i < j["steps"].size(); ++i)
            lesson.steps.push_back(read_step(j["steps"][i], root + "/steps/" + std::to_string(i), problems));
    }
    if (j.contains("locked")) {
        const json& v = j["locked"];
        if (!v.is_array() || v.size() > kLessonLockedMax) {
            problem(problems, root + "/locked", "must be an array of parameter paths");
        } else {
            for (std::size_t i = 0; i < v.size(); ++i) {
                if (is_path(v[i]))
                    lesson.locked.push_back(v[i].get<std::string>());
                else
                    problem(problems, root + "/locked/" + std::to_string(i),
                            "must be a parameter path such as /moments/check_in/positive or /moments/check_in/*");
            }
        }
    }
    if (j.contains("panels")) {
        const json& v = j["panels"];
        if (!v.is_object()) {
            problem(problems, root + "/panels", "must be an object such as {\"story\": false}");
        } else {
            LessonPanels p;
            for (auto it = v.begin(); it != v.end(); ++it) {
                bool* field = it.key() == "menu"       ? &p.menu
                              : it.key() == "controls" ? &p.controls
                              : it.key() == "editor"   ? &p.editor
                              : it.key() == "charts"   ? &p.charts
                              : it.key() == "story"    ? &p.story
                                                       : nullptr;
                const std::string pp = root + "/panels/" + pointer_token(it.key());
                if (!field)
                    problem(problems, pp, "unknown panel '" + it.key() + "' (menu, controls, editor, charts, story)");
                else if (!it.value().is_boolean())
                    problem(problems, pp, "must be true or false");
                else
                    *field = it.value().get<bool>();
            }
            lesson.panels = p;
        }
    }
    if (j.contains("mirror")) {
        const json& v = j["mirror"];
        if (!v.is_array() || v.size() > kLessonMirrorMax) {
            problem(problems, root + "/mirror",
                    "must be an array of at most " + std::to_string(kLessonMirrorMax) + " parameter paths");
        } else {
            for (std::size_t i = 0; i < v.size(); ++i) {
                if (is_path(v[i]))
                    lesson.mirror.push_back(v[i].get<std::string>());
                else
                    problem(problems, root + "/mirror/" + std::to_string(i),
                            "must be a parameter path such as /moments/ad/positive");
            }
        }
    }
    if (problems.size() != before) return false;
    out = std::move(lesson);
    return true;
}

namespace {

// Deeper nesting than any lesson needs is refused before parsing (a recursive parser's stack).
bool too_deep(const std::string& text, int limit) {
    int depth = 0;
    bool in_string = false, escaped = false;
    for (char c : text) {
        if (in_string) {
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '{' || c == '[') {
            if (++depth > limit) return true;
        } else if (c == '}' || c == ']') {
            --depth;
        }
    }
    return false;
}

}  // namespace

bool load_lesson(const std::string& text, Lesson& out, std::vector<Problem>& problems) {
    if (text.size() > (1u << 20)) {
        problem(problems, "", "the lesson is larger than 1 MB");
        return false;
    }
    if (too_deep(text, 32)) {
        problem(problems, "", "the lesson nests arrays or objects more than 32 deep");
        return false;
    }
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error& e) {
        Problem p;
        p.message = "not valid JSON: the lesson's text could not be read";
        std::tie(p.line, p.column) = line_column(text, e.byte > 0 ? e.byte - 1 : 0);
        problems.push_back(p);
        return false;
    } catch (const json::exception&) {
        // out_of_range: a number beyond double's range (1e999)
        problem(problems, "", "not valid JSON: a number is too large");
        return false;
    }
    return parse_lesson(j, out, problems, "");
}

bool check_lesson_for(const Lesson& lesson, const Scenario& s, std::vector<Problem>& problems,
                      const std::string& root) {
    const std::size_t before = problems.size();
    const std::vector<std::string> all = scenario_parameter_paths(s);
    for (std::size_t i = 0; i < lesson.locked.size(); ++i)
        if (!path_exists(lesson.locked[i], s, all))
            problem(problems, root + "/locked/" + std::to_string(i),
                    "'" + lesson.locked[i].substr(0, 80) + "' is not a parameter of the scenario '" + s.name + "'");
    for (std::size_t i = 0; i < lesson.mirror.size(); ++i) {
        const std::string& p = lesson.mirror[i];
        if (!get_parameter(s, p).has_value())
            problem(problems, root + "/mirror/" + std::to_string(i),
                    "'" + p.substr(0, 80) + "' is not a parameter of the scenario '" + s.name + "'");
    }
    for (std::size_t i = 0; i < lesson.steps.size(); ++i) {
        const LessonStep& st = lesson.steps[i];
        for (std::size_t g = 0; g < st.goals.size(); ++g) {
            const std::string& m = st.goals[g].metric;
            const std::string gp = root + "/steps/" + std::to_string(i) + "/goals/" + std::to_string(g) + "/metric";
            if ((m == "profit" || m == "revenue") && !s.money.enabled)
                problem(problems, gp, "'" + m + "' needs a scenario with a money block; '" + s.name + "' has none");
            if (m == "returns" && !s.loyalty.enabled)
                problem(problems, gp, "'returns' needs a scenario with loyalty; '" + s.name + "' has none");
        }
        if (st.max_changed_moments > static_cast<int>(s.moments.size()))
            problem(problems, root + "/steps/" + std::to_string(i) + "/max_changed_moments",
                    "is more than the scenario's " + std::to_string(s.moments.size()) + " moments");
    }
    return problems.size() == before;
}

nlohmann::ordered_json lesson_json(const Lesson& lesson) {
    nlohmann::ordered_json j;
    j["title"] = lesson.title;
    if (!lesson.introduction.empty()) j["introduction"] = lesson.introduction;
    j["steps"] = nlohmann::ordered_json::array();
    for (const LessonStep& st : lesson.steps) {
        nlohmann::ordered_json sj;
        sj["text"] = st.text;
        sj["goals"] = nlohmann::ordered_json::array();
        for (const LessonGoal& g : st.goals)
            sj["goals"].push_back({{"metric", g.metric}, {g.at_least ? "at_least" : "at_most", g.value}});
        if (st.max_changed_moments >= 0) sj["max_changed_moments"] = st.max_changed_moments;
        j["steps"].push_back(sj);
    }
    if (!lesson.locked.empty()) j["locked"] = lesson.locked;
    if (lesson.panels) {
        const LessonPanels& p = *lesson.panels;
        j["panels"] = {
            {"menu", p.menu}, {"controls", p.controls}, {"editor", p.editor}, {"charts", p.charts}, {"story", p.story}};
    }
    if (!lesson.mirror.empty()) j["mirror"] = lesson.mirror;
    return j;
}

std::string lesson_to_json(const Lesson& lesson) {
    return lesson_json(lesson).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace motsim::io
