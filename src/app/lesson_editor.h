// The lesson editor's state: the draft lesson a trainer builds in the app (Lesson > Edit lesson...),
// the lock mode (a lock toggle beside each parameter), and what "Preview as learner" put aside
// to give back when the trainer returns. The draft's structural edits live here as small plain
// functions with the lesson format's limits (io/lesson_io.h), so the window and the tests share
// them; the App's commands that need the scenario, the host or the panels are in authoring.cpp,
// the window in lesson_window.cpp.
#pragma once
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "app/rooms.h"
#include "app/ui_config.h"
#include "engine/lesson.h"
#include "io/lesson_io.h"

namespace motsim::app {

// ==== The draft =================================================================================
// Edits a trainer makes to a lesson, each refused (false) when it would break the format's limits
// (at least one step, at most 50; at most 20 goals a step; at most 12 mirror sliders) or has
// nothing to act on. Texts and goal values are plain fields of the lesson, edited in place.
struct LessonDraft {
    Lesson lesson;

    // A new lesson: one step with one goal, so a trainer starts from a shape that works.
    static Lesson starter(const std::string& title) {
        Lesson l;
        l.title = title;
        LessonStep step;
        step.goals.push_back(LessonGoal{"conversion", true, 0.5});
        l.steps.push_back(step);
        return l;
    }

    bool valid_step(int i) const { return i >= 0 && static_cast<std::size_t>(i) < lesson.steps.size(); }

    // A step after `after` (-1: at the end) with one conversion goal; its index, or -1 when full.
    int add_step(int after = -1) {
        if (lesson.steps.size() >= io::kLessonStepsMax) return -1;
        LessonStep step;
        step.goals.push_back(LessonGoal{"conversion", true, 0.5});
        const std::size_t at = valid_step(after) ? static_cast<std::size_t>(after) + 1 : lesson.steps.size();
        lesson.steps.insert(lesson.steps.begin() + static_cast<long>(at), step);
        return static_cast<int>(at);
    }
    bool remove_step(int i) {
        if (!valid_step(i) || lesson.steps.size() <= 1) return false;  // a lesson has a step
        lesson.steps.erase(lesson.steps.begin() + i);
        return true;
    }
    // Moves step i one place up (delta -1) or down (+1).
    bool move_step(int i, int delta) {
        const int j = i + delta;
        if (!valid_step(i) || !valid_step(j) || (delta != 1 && delta != -1)) return false;
        std::swap(lesson.steps[static_cast<std::size_t>(i)], lesson.steps[static_cast<std::size_t>(j)]);
        return true;
    }
    // A goal on step i; its index, or -1.
    int add_goal(int i, const std::string& metric = "conversion", bool at_least = true, double value = 0.5) {
        if (!valid_step(i)) return -1;
        std::vector<LessonGoal>& goals = lesson.steps[static_cast<std::size_t>(i)].goals;
        if (goals.size() >= io::kLessonGoalsMax) return -1;
        goals.push_back(LessonGoal{metric, at_least, value});
        return static_cast<int>(goals.size()) - 1;
    }
    bool remove_goal(int i, int g) {
        if (!valid_step(i)) return false;
        std::vector<LessonGoal>& goals = lesson.steps[static_cast<std::size_t>(i)].goals;
        if (g < 0 || static_cast<std::size_t>(g) >= goals.size()) return false;
        goals.erase(goals.begin() + g);
        return true;
    }

    // Locked paths: exactly this path (a pattern such as "/moments/ad/*" is one path too).
    bool is_locked(const std::string& path) const {
        return std::find(lesson.locked.begin(), lesson.locked.end(), path) != lesson.locked.end();
    }
    bool set_locked(const std::string& path, bool on) {
        if (path.empty() || path[0] != '/' || on == is_locked(path)) return false;
        if (on) {
            if (lesson.locked.size() >= io::kLessonLockedMax) return false;
            lesson.locked.push_back(path);
        } else {
            lesson.locked.erase(std::find(lesson.locked.begin(), lesson.locked.end(), path));
        }
        return true;
    }
    // The DOM mirror's sliders (at most 12, each once).
    bool add_mirror(const std::string& path) {
        if (path.empty() || path[0] != '/' || lesson.mirror.size() >= io::kLessonMirrorMax ||
            std::find(lesson.mirror.begin(), lesson.mirror.end(), path) != lesson.mirror.end())
            return false;
        lesson.mirror.push_back(path);
        return true;
    }
    bool remove_mirror(const std::string& path) {
        const auto it = std::find(lesson.mirror.begin(), lesson.mirror.end(), path);
        if (it == lesson.mirror.end()) return false;
        lesson.mirror.erase(it);
        return true;
    }
};

// ==== The editor's room =========================================================================
struct LessonEditorRoom {
    bool open = false;       // the "Lesson editor" window is shown
    bool has_draft = false;  // a draft exists (the editor was opened, or a lesson file loaded)
    LessonDraft draft;
    bool lock_mode = false;  // lock toggles beside the parameters of the other windows
    // What io::check_lesson_for and the format's own rules say about the draft on the scenario,
    // recomputed when either changes (the JSON of the draft and the scenario version are the key).
    std::vector<io::Problem> problems;
    std::string checked_text;
    std::uint64_t checked_version = ~std::uint64_t{0};
    // The last problems of a lesson file that was not loaded, shown in the editor with their pointers.
    std::string load_error;
    // The last package that could not be made (its first problem, with the JSON pointer).
    std::string package_error;
    // Natively: the command that packages the saved files, shown after a download was asked for.
    std::string package_command;

    // "Preview as learner": the trainer's side, put aside while the learner's view is shown.
    bool previewing = false;
    struct PutAside {
        UiConfig ui;
        Scenario scenario;
        std::uint64_t seed = 1;
        EditHistory history;
        int lesson_step = 0;
        std::string lesson_detail;
        Scenario lesson_base;
        int selected = 0;
        bool show_details = false;
        bool host_page = false;
    };
    std::optional<PutAside> aside;
};

// A goal's value as a trainer writes it: shares in percent, everything else as it is.
inline double goal_display_value(const std::string& metric, double value) {
    const io::MetricInfo* m = io::lesson_metric_info(metric);
    return m && m->share ? value * 100.0 : value;
}
inline double goal_stored_value(const std::string& metric, double shown) {
    const io::MetricInfo* m = io::lesson_metric_info(metric);
    return m && m->share ? shown / 100.0 : shown;
}

}  // namespace motsim::app
