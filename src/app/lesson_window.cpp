// The "Lesson" window: the lesson's steps, "Check my answer" (a fresh run in slices) and the result.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "app/app.h"
#include "app/glossary.h"
#include "app/widgets.h"
#include "imgui.h"

namespace motsim::app {

namespace {
// The glossary's word for a lesson goal's metric (engine/lesson.h names them).
const char* metric_term(const std::string& metric) {
    if (metric == "conversion") return "conversion";
    if (metric == "nps") return "NPS";
    if (metric == "rating") return "rating";
    if (metric == "done_share") return "done";
    if (metric == "lost_share") return "lost";
    if (metric == "purchases") return "purchase";
    if (metric == "arrivals") return "arrivals";
    if (metric == "advocates") return "advocate";
    if (metric == "referrals") return "referral";
    return nullptr;
}
}  // namespace

void App::draw_lesson_window() {
    ImGui::Begin("Lesson");
    remember_rect("lesson");
    const Lesson& lesson = *ui_.lesson;
    ImGui::TextWrapped("%s", lesson.title.c_str());
    for (std::size_t i = 0; i < lesson.steps.size(); ++i) {
        const bool done = static_cast<int>(i) < lesson_.step, current = static_cast<int>(i) == lesson_.step;
        ImGui::PushStyleColor(ImGuiCol_Text, done      ? ImVec4(0.5f, 0.85f, 0.55f, 1)
                                             : current ? ImVec4(1, 1, 1, 1)
                                                       : ImVec4(0.6f, 0.6f, 0.65f, 1));
        ImGui::TextWrapped("%s %zu. %s", done ? "[x]" : "[ ]", i + 1, lesson.steps[i].text.c_str());
        ImGui::PopStyleColor();
    }
    if (lesson_.step < static_cast<int>(lesson.steps.size())) {
        // The current step's goals, each word with its glossary tooltip.
        const LessonStep& step = lesson.steps[static_cast<std::size_t>(lesson_.step)];
        for (const LessonGoal& g : step.goals) {
            ImGui::TextDisabled("Goal: %s %s %g", g.metric.c_str(), g.at_least ? "at least" : "at most", g.value);
            glossary_tip(metric_term(g.metric));
        }
        if (step.max_changed_moments >= 0)
            ImGui::TextDisabled("Change at most %d moment%s", step.max_changed_moments,
                                step.max_changed_moments == 1 ? "" : "s");
        if (lesson_checking()) {
            ImGui::ProgressBar(static_cast<float>(busy_progress()), {-1, 0}, "Checking your answer...");
        } else if (ImGui::Button("Check my answer")) {
            check_lesson();
        }
        remember_item("lesson_check");
        if (!lesson_.detail.empty()) ImGui::TextWrapped("Last check: %s", lesson_.detail.c_str());
    } else {
        ImGui::TextColored({0.5f, 0.85f, 0.55f, 1}, "Lesson complete.");
    }
    ImGui::End();
}

}  // namespace motsim::app
