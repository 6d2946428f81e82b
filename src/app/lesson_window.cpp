// The lesson's windows: "Lesson" (what the learner reads: the introduction, the steps with their
// goals, "Check my answer"), and the trainer's "Lesson editor" (Lesson > Edit lesson...), with the
// lock toggles lock mode puts beside the parameters, the menu bar's Lesson menu and the "Back to
// editing" bar of the learner preview. The editor's commands are in authoring.cpp, its state in
// lesson_editor.h.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "app/app.h"
#include "app/glossary.h"
#include "app/widgets.h"
#include "imgui.h"
#include "imgui_internal.h"  // BringWindowToDisplayFront: the preview bar stays reachable
#include "io/package.h"

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
    if (metric == "profit") return "profit";
    if (metric == "revenue") return "revenue";
    if (metric == "returns") return "returns";
    return nullptr;
}

const ImVec4 kDone{0.5f, 0.85f, 0.55f, 1};
const ImVec4 kProblem{1.0f, 0.62f, 0.35f, 1};

// "Conversion (purchases per arrival) at least 62%": a goal as people say it.
std::string goal_text(const LessonGoal& g, const Scenario& s) {
    const io::MetricInfo* m = io::lesson_metric_info(g.metric);
    char value[64];
    if (m && m->share)
        std::snprintf(value, sizeof value, "%g%%", std::round(g.value * 1000.0) / 10.0);
    else if (g.metric == "profit" || g.metric == "revenue")
        std::snprintf(value, sizeof value, "%g %s", g.value, s.money.currency.c_str());
    else
        std::snprintf(value, sizeof value, "%g", g.value);
    return std::string(m ? m->label : g.metric.c_str()) + (g.at_least ? " at least " : " at most ") + value;
}

// ---- text fields bound to std::string ----

int grow_string(ImGuiInputTextCallbackData* d) {
    if (d->EventFlag == ImGuiInputTextFlags_CallbackResize) {
        auto* s = static_cast<std::string*>(d->UserData);
        s->resize(static_cast<std::size_t>(d->BufTextLen));
        d->Buf = s->data();
    }
    return 0;
}

bool input_line(const char* id, std::string& s) {
    ImGui::SetNextItemWidth(-1);
    return ImGui::InputText(id, s.data(), s.capacity() + 1, ImGuiInputTextFlags_CallbackResize, grow_string, &s);
}

// The text field being written in (one at a time): its id, 0 when none.
ImGuiID g_writing = 0;
bool g_start_writing = false;

// A text a learner reads (the introduction, a step): shown wrapped as they will read it; a press
// (or Space / Enter on it) opens it in a box to write in, which closes when the focus leaves it.
// ImGui 1.86's multi-line box does not wrap, so the wrapped text is what stays on screen.
bool text_field(const char* id, std::string& text, float lines, const char* empty_hint) {
    const ImGuiID key = ImGui::GetID(id);
    const float w = ImGui::GetContentRegionAvail().x;
    const ImGuiStyle& st = ImGui::GetStyle();
    bool changed = false;
    if (g_writing == key) {
        if (g_start_writing) {
            ImGui::SetKeyboardFocusHere();
            g_start_writing = false;
        }
        changed = ImGui::InputTextMultiline(id, text.data(), text.capacity() + 1,
                                            {w, ImGui::GetTextLineHeight() * lines + st.FramePadding.y * 2},
                                            ImGuiInputTextFlags_CallbackResize, grow_string, &text);
        if (ImGui::IsItemDeactivated()) g_writing = 0;
        return changed;
    }
    const bool empty = text.empty();
    const char* shown = empty ? empty_hint : text.c_str();
    const float wrap = std::max(w - st.FramePadding.x * 2, 10.0f);
    const ImVec2 size = ImGui::CalcTextSize(shown, nullptr, false, wrap);
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float h = std::max(size.y, ImGui::GetTextLineHeight()) + st.FramePadding.y * 2;
    if (ImGui::InvisibleButton(id, {w, h})) {
        g_writing = key;
        g_start_writing = true;
    }
    const bool hovered = ImGui::IsItemHovered();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p, {p.x + w, p.y + h}, ImGui::GetColorU32(hovered ? ImGuiCol_FrameBgHovered : ImGuiCol_FrameBg),
                      st.FrameRounding);
    dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(), {p.x + st.FramePadding.x, p.y + st.FramePadding.y},
                ImGui::GetColorU32(empty ? ImGuiCol_TextDisabled : ImGuiCol_Text), shown, nullptr, wrap);
    if (hovered) ImGui::SetTooltip("Press to write");
    return false;
}

// A small button with a colour: the lock toggles, the steps' Up / Down / Remove.
bool tinted_button(const char* label, bool on, const ImVec4& colour) {
    if (on) ImGui::PushStyleColor(ImGuiCol_Button, colour);
    const bool pressed = ImGui::SmallButton(label);
    if (on) ImGui::PopStyleColor();
    return pressed;
}

// The next item on this line when `width` fits after the last one, else on the next line.
// (Decided before SameLine: a SameLine then NewLine would count the spacing as content.)
void same_line_if_fits(float width) {
    const float right = ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + width;
    if (right <= ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x) ImGui::SameLine();
}

// Problems whose JSON pointer starts with `prefix` ("" for all), wrapped, in the problem colour.
void show_problems(const std::vector<io::Problem>& problems, const std::string& prefix, bool exact_prefix = false) {
    for (const io::Problem& p : problems) {
        const bool match = exact_prefix ? p.pointer == prefix
                                        : p.pointer.compare(0, prefix.size(), prefix) == 0 &&
                                              (p.pointer.size() == prefix.size() || p.pointer[prefix.size()] == '/');
        if (!match) continue;
        ImGui::PushStyleColor(ImGuiCol_Text, kProblem);
        ImGui::TextWrapped("%s%s: %s", p.warning ? "(warning) " : "",
                           p.pointer.empty() ? "(lesson)" : p.pointer.c_str(), p.message.c_str());
        ImGui::PopStyleColor();
    }
}

// A combo of parameter paths (and, with `moments`, each moment's "/moments/<id>/*"), filtered by
// what is typed in its first line; the path picked, or "".
std::string path_picker(const char* id, const char* preview, const Scenario& s, const std::vector<std::string>& taken,
                        bool moments, std::string& filter) {
    std::string picked;
    ImGui::SetNextItemWidth(-1);
    if (!ImGui::BeginCombo(id, preview, ImGuiComboFlags_HeightLarge)) return picked;
    std::vector<std::string> paths;
    if (moments)
        for (const Moment& m : s.moments) paths.push_back("/moments/" + m.id + "/*");
    for (std::string& p : parameter_paths(s)) paths.push_back(std::move(p));
    std::vector<const std::string*> shown;
    for (const std::string& p : paths)
        if (std::find(taken.begin(), taken.end(), p) == taken.end() &&
            (filter.empty() || p.find(filter) != std::string::npos))
            shown.push_back(&p);
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    input_line("##filter", filter);
    if (filter.empty() && !ImGui::IsItemActive()) {
        const ImVec2 r = ImGui::GetItemRectMin();
        ImGui::GetWindowDrawList()->AddText(
            {r.x + ImGui::GetStyle().FramePadding.x, r.y + ImGui::GetStyle().FramePadding.y},
            ImGui::GetColorU32(ImGuiCol_TextDisabled), "type to filter");
    }
    ImGuiListClipper clip;
    clip.Begin(static_cast<int>(shown.size()));
    while (clip.Step())
        for (int i = clip.DisplayStart; i < clip.DisplayEnd; ++i)
            if (ImGui::Selectable(shown[static_cast<std::size_t>(i)]->c_str()))
                picked = *shown[static_cast<std::size_t>(i)];
    if (shown.empty()) ImGui::TextDisabled("nothing matches");
    ImGui::EndCombo();
    if (!picked.empty()) filter.clear();
    return picked;
}

std::string g_lock_filter, g_mirror_filter;

}  // namespace

// ==== "Lesson": what the learner reads ============================================================

void App::draw_lesson_window() {
    ImGui::Begin("Lesson");
    remember_rect("lesson");
    const Lesson& lesson = *ui_.lesson;
    ImGui::TextWrapped("%s", lesson.title.c_str());
    // The introduction before the first step; afterwards one press away.
    if (!lesson.introduction.empty()) {
        if (lesson_.step == 0) {
            ImGui::TextWrapped("%s", lesson.introduction.c_str());
            remember_item("lesson_introduction");
            ImGui::Separator();
        } else if (ImGui::TreeNode("Introduction")) {
            ImGui::TextWrapped("%s", lesson.introduction.c_str());
            ImGui::TreePop();
        }
    }
    for (std::size_t i = 0; i < lesson.steps.size(); ++i) {
        const bool done = static_cast<int>(i) < lesson_.step, current = static_cast<int>(i) == lesson_.step;
        // Done in green, the current step in the text colour, the later ones dimmed.
        ImGui::PushStyleColor(ImGuiCol_Text, done      ? kDone
                                             : current ? ImGui::GetStyleColorVec4(ImGuiCol_Text)
                                                       : ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
        ImGui::TextWrapped("%s %zu. %s", done ? "[x]" : "[ ]", i + 1, lesson.steps[i].text.c_str());
        ImGui::PopStyleColor();
    }
    if (lesson_.step < static_cast<int>(lesson.steps.size())) {
        // The current step's goals, each word with its glossary tooltip.
        const LessonStep& step = lesson.steps[static_cast<std::size_t>(lesson_.step)];
        for (const LessonGoal& g : step.goals) {
            ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
            ImGui::TextWrapped("Goal: %s", goal_text(g, edited_).c_str());
            ImGui::PopStyleColor();
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
        ImGui::TextColored(kDone, "Lesson complete.");
    }
    ImGui::End();
}

// ==== The menu bar's Lesson menu ==================================================================

void App::draw_lesson_menu() {
    const bool open = ImGui::BeginMenu("Lesson");
    remember_item("menu_lesson");
    if (!open) return;
    if (editor_.previewing) {
        if (ImGui::MenuItem("Back to editing")) end_preview();
        ImGui::EndMenu();
        return;
    }
    if (ImGui::MenuItem("Edit lesson...", nullptr, editor_.open)) {
        if (editor_.open)
            close_lesson_editor();
        else
            open_lesson_editor();
    }
    remember_item("menu_lesson_edit");
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Write a lesson on this journey: steps with goals, locked parameters, what learners see.");
    if (ImGui::MenuItem("Load lesson file...")) {
        open_lesson_editor();  // the file goes into the editor's draft
        if (host_.is_browser()) host_.open_file("");
    }
    if (!host_.is_browser() && ImGui::BeginMenu("Load lesson from path")) {
        static char path[512] = "lesson.json";
        ImGui::InputText("path##lesson", path, sizeof path);
        if (ImGui::Button("Load")) {
            open_lesson_editor();
            host_.open_file(path);
        }
        ImGui::EndMenu();
    }
    if (ImGui::MenuItem("Save lesson as JSON", nullptr, false, editor_.has_draft)) save_lesson();
    if (ImGui::MenuItem("Preview as learner", nullptr, false, editor_.has_draft)) start_preview();
    if (ImGui::BeginMenu("Download LMS package", editor_.has_draft || ui_.lesson.has_value())) {
        for (const char* f : {"scorm12", "scorm2004", "cmi5"})
            if (ImGui::MenuItem(io::package_format_label(*io::package_format(f)))) download_package(f);
        ImGui::EndMenu();
    }
    ImGui::EndMenu();
}

// ==== Lock mode's toggle ==========================================================================
// Beside a parameter's control while the lesson editor's lock mode is on: "lock" adds the path to
// the draft's locked list, "locked" takes it out. A path a whole-moment pattern covers shows
// "locked" without a press (the pattern is removed in the editor's list or with the moment's toggle).

void App::lock_toggle(const std::string& path, const std::string& also) {
    if (!lock_mode()) return;
    LessonDraft& d = editor_.draft;
    const bool exact = d.is_locked(path);
    const bool covered = !exact && path_locked(d.lesson.locked, path);
    const std::string label = std::string(exact || covered ? "locked" : "lock") + "##lock" + path;
    same_line_if_fits(ImGui::CalcTextSize("locked").x + ImGui::GetStyle().FramePadding.x * 2 + 4);
    if (covered) ImGui::BeginDisabled();
    if (tinted_button(label.c_str(), exact || covered, ImVec4(0.75f, 0.45f, 0.05f, 1))) {
        d.set_locked(path, !exact);
        if (!also.empty()) d.set_locked(also, !exact);
    }
    if (covered) ImGui::EndDisabled();
    remember_item("lock:" + path);
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
        ImGui::SetTooltip(covered ? "%s is locked with its whole moment"
                          : exact ? "Learners cannot change %s. Press to unlock it."
                                  : "Press to lock %s: learners will not be able to change it.",
                          path.c_str());
}

// ==== "Lesson editor" =============================================================================
// In the middle of the screen over the journey map and the charts (the Run and Moment of truth
// windows stay in view for lock mode); in portrait over the map. It does not move: a finger that
// drags over it scrolls it.

void App::draw_lesson_editor_window() {
    if (!editor_.open || editor_.previewing) return;
    place_window(Window::LessonEditor);
    ImGui::SetNextWindowBgAlpha(1.0f);  // over the map: its moving dots would show through
    bool open = true;
    if (!ImGui::Begin("Lesson editor", &open,
                      ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                          ImGuiWindowFlags_NoSavedSettings)) {
        ImGui::End();
        if (!open) close_lesson_editor();
        return;
    }
    remember_rect("lesson_editor");
    LessonDraft& d = editor_.draft;
    Lesson& l = d.lesson;
    const std::vector<io::Problem> problems = lesson_draft_problems();
    const float em = ImGui::GetFontSize();

    // ---- actions: always at the top ----
    if (ImGui::Button("Preview as learner")) start_preview();
    remember_item("lesson_preview");
    ImGui::SameLine();
    if (ImGui::Button("Save lesson")) save_lesson();
    remember_item("lesson_save");
    same_line_if_fits(ImGui::CalcTextSize("Load lesson...").x + ImGui::GetStyle().FramePadding.x * 2);
    if (ImGui::Button("Load lesson...")) {
        if (host_.is_browser())
            host_.open_file("");
        else
            host_.open_file("lesson.json");
    }
    remember_item("lesson_load");
    same_line_if_fits(ImGui::CalcTextSize("Lock mode").x + ImGui::GetFrameHeight() * 2);
    ImGui::Checkbox("Lock mode", &editor_.lock_mode);
    remember_item("lesson_lock_mode");
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip(
            "A lock beside each parameter of the Moment of truth and Run windows: learners cannot change "
            "what is locked.");
    if (!editor_.load_error.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, kProblem);
        ImGui::TextWrapped("%s", editor_.load_error.c_str());
        ImGui::PopStyleColor();
        if (ImGui::SmallButton("Dismiss##load_error")) editor_.load_error.clear();
    }
    if (problems.empty()) {
        ImGui::TextColored(kDone, "Ready: nothing to fix for this journey.");
    } else {
        ImGui::PushStyleColor(ImGuiCol_Text, kProblem);
        ImGui::TextWrapped("%zu thing%s to fix, shown where they are below.", problems.size(),
                           problems.size() == 1 ? "" : "s");
        ImGui::PopStyleColor();
    }
    remember_item("lesson_status");

    // ---- title and introduction ----
    section("Lesson");
    ImGui::TextUnformatted("Title");
    input_line("##lesson_title", l.title);
    remember_item("lesson_title");
    show_problems(problems, "/title");
    ImGui::TextUnformatted("Introduction (shown before step 1)");
    text_field("##lesson_intro", l.introduction, 5, "(none: press to write one)");
    remember_item("lesson_intro");
    show_problems(problems, "/introduction");
    show_problems(problems, "", true);

    // ---- steps ----
    section("Steps");
    int remove_step = -1, move_from = -1, move_by = 0;
    for (std::size_t i = 0; i < l.steps.size(); ++i) {
        LessonStep& step = l.steps[i];
        const int si = static_cast<int>(i);
        ImGui::PushID(si);
        ImGui::AlignTextToFramePadding();
        ImGui::Text("Step %zu", i + 1);
        ImGui::SameLine();
        ImGui::BeginDisabled(i == 0);
        if (ImGui::SmallButton("Up")) move_from = si, move_by = -1;
        ImGui::EndDisabled();
        ImGui::SameLine();
        ImGui::BeginDisabled(i + 1 == l.steps.size());
        if (ImGui::SmallButton("Down")) move_from = si, move_by = 1;
        ImGui::EndDisabled();
        ImGui::SameLine();
        ImGui::BeginDisabled(l.steps.size() <= 1);
        if (ImGui::SmallButton("Remove step")) remove_step = si;
        ImGui::EndDisabled();
        remember_item("step_remove:" + std::to_string(i));
        text_field("##text", step.text, 4, "(what the learner should do: press to write)");
        remember_item("step_text:" + std::to_string(i));
        ImGui::Indent(em * 0.8f);
        int remove_goal = -1;
        for (std::size_t g = 0; g < step.goals.size(); ++g) {
            LessonGoal& goal = step.goals[g];
            ImGui::PushID(static_cast<int>(g));
            const io::MetricInfo* info = io::lesson_metric_info(goal.metric);
            ImGui::SetNextItemWidth(-1);
            if (ImGui::BeginCombo("##metric", info ? info->label : goal.metric.c_str())) {
                for (const io::MetricInfo& m : io::lesson_metrics()) {
                    if (ImGui::Selectable(m.label, goal.metric == m.name)) {
                        // A share keeps its meaning when it stays a share; otherwise a fresh value.
                        const io::MetricInfo* was = io::lesson_metric_info(goal.metric);
                        if (!was || was->share != m.share) goal.value = m.share ? 0.5 : 0.0;
                        goal.metric = m.name;
                    }
                    remember_item(std::string("metric_option:") + m.name);
                }
                ImGui::EndCombo();
            }
            remember_item("goal_metric:" + std::to_string(i) + ":" + std::to_string(g));
            glossary_tip(metric_term(goal.metric));
            const char* sides[] = {"at least", "at most"};
            int side = goal.at_least ? 0 : 1;
            ImGui::SetNextItemWidth(ImGui::CalcTextSize("at least").x + ImGui::GetFrameHeight() +
                                    ImGui::GetStyle().FramePadding.x * 2 + em * 0.5f);
            if (ImGui::BeginCombo("##side", sides[side])) {
                for (int k = 0; k < 2; ++k) {
                    if (ImGui::Selectable(sides[k], side == k)) goal.at_least = k == 0;
                    remember_item(std::string("side_option:") + (k == 0 ? "at_least" : "at_most"));
                }
                ImGui::EndCombo();
            }
            remember_item("goal_side:" + std::to_string(i) + ":" + std::to_string(g));
            ImGui::SameLine();
            double shown = goal_display_value(goal.metric, goal.value);
            ImGui::SetNextItemWidth(em * 6);
            if (ImGui::InputDouble("##value", &shown, 0, 0, "%g") && std::isfinite(shown))
                goal.value = goal_stored_value(goal.metric, shown);
            remember_item("goal_value:" + std::to_string(i) + ":" + std::to_string(g));
            ImGui::SameLine();
            const std::string unit = info && info->share    ? "%"
                                     : goal.metric == "nps" ? "(-100 to 100)"
                                     : goal.metric == "profit" || goal.metric == "revenue"
                                         ? (edited_.money.enabled ? edited_.money.currency : std::string("(money)"))
                                         : std::string();
            if (!unit.empty()) ImGui::TextUnformatted(unit.c_str());
            same_line_if_fits(ImGui::CalcTextSize("Remove goal").x + ImGui::GetStyle().FramePadding.x * 2);
            if (ImGui::SmallButton("Remove goal")) remove_goal = static_cast<int>(g);
            ImGui::PopID();
        }
        if (remove_goal >= 0) d.remove_goal(si, remove_goal);
        ImGui::BeginDisabled(step.goals.size() >= io::kLessonGoalsMax);
        if (ImGui::SmallButton("+ Add goal")) d.add_goal(si);
        ImGui::EndDisabled();
        remember_item("goal_add:" + std::to_string(i));
        bool limit = step.max_changed_moments >= 0;
        if (ImGui::Checkbox("At most", &limit)) step.max_changed_moments = limit ? 2 : -1;
        remember_item("step_limit:" + std::to_string(i));
        ImGui::SameLine();
        if (limit) {
            ImGui::SetNextItemWidth(em * 6);
            int n = step.max_changed_moments;
            if (ImGui::InputInt("##limit", &n)) step.max_changed_moments = std::clamp(n, 0, 1000);
            ImGui::SameLine();
        }
        ImGui::TextUnformatted(limit ? "changed moments" : "changed moments (no limit)");
        show_problems(problems, "/steps/" + std::to_string(i));
        ImGui::Unindent(em * 0.8f);
        ImGui::Spacing();
        ImGui::PopID();
    }
    if (remove_step >= 0) d.remove_step(remove_step);
    if (move_from >= 0) d.move_step(move_from, move_by);
    ImGui::BeginDisabled(l.steps.size() >= io::kLessonStepsMax);
    if (ImGui::Button("+ Add step")) d.add_step();
    ImGui::EndDisabled();
    remember_item("step_add");
    show_problems(problems, "/steps", true);

    // ---- locked parameters ----
    section("Locked parameters");
    ImGui::TextWrapped("%s", editor_.lock_mode
                                 ? "Learners cannot change a locked parameter. Press \"lock\" beside a parameter in "
                                   "the Moment of truth or Run window, or choose its path here."
                                 : "Learners cannot change a locked parameter. Turn on Lock mode (at the top) to lock "
                                   "them on the sliders, or choose a path here.");
    std::string unlock;
    for (const std::string& p : l.locked) {
        ImGui::PushID(p.c_str());
        if (ImGui::SmallButton("Remove")) unlock = p;
        remember_item("locked_remove:" + p);
        ImGui::SameLine();
        ImGui::TextWrapped("%s", p.c_str());
        ImGui::PopID();
    }
    if (!unlock.empty()) d.set_locked(unlock, false);
    if (l.locked.empty()) ImGui::TextDisabled("Nothing is locked.");
    const std::string lock =
        path_picker("##lock_path", "Lock a parameter by its path...", edited_, l.locked, true, g_lock_filter);
    if (!lock.empty()) d.set_locked(lock, true);
    show_problems(problems, "/locked");

    // ---- panels ----
    section("What the learner sees");
    bool choose = l.panels.has_value();
    if (ImGui::Checkbox("Choose the panels", &choose)) {
        if (choose)
            l.panels = LessonPanels{};
        else
            l.panels.reset();
    }
    remember_item("lesson_panels");
    if (!l.panels) ImGui::TextDisabled("(the page that shows the lesson decides)");
    if (l.panels) {
        LessonPanels& p = *l.panels;
        ImGui::Checkbox("Menu bar", &p.menu);
        same_line_if_fits(ImGui::CalcTextSize("Run controls").x + ImGui::GetFrameHeight() * 2);
        ImGui::Checkbox("Run controls", &p.controls);
        same_line_if_fits(ImGui::CalcTextSize("Moment of truth").x + ImGui::GetFrameHeight() * 2);
        ImGui::Checkbox("Moment of truth", &p.editor);
        ImGui::Checkbox("Charts", &p.charts);
        same_line_if_fits(ImGui::CalcTextSize("Customer story").x + ImGui::GetFrameHeight() * 2);
        ImGui::Checkbox("Customer story", &p.story);
    }
    show_problems(problems, "/panels");

    // ---- the mirror's sliders ----
    section("Sliders of the accessible page");
    ImGui::TextWrapped(
        "The page beside the canvas (for screen readers and keyboards) shows these parameters as "
        "sliders; at most %zu. None chosen: its usual ones.",
        io::kLessonMirrorMax);
    std::string unmirror;
    for (const std::string& p : l.mirror) {
        ImGui::PushID(p.c_str());
        if (ImGui::SmallButton("Remove")) unmirror = p;
        ImGui::SameLine();
        ImGui::TextWrapped("%s", p.c_str());
        ImGui::PopID();
    }
    if (!unmirror.empty()) d.remove_mirror(unmirror);
    if (l.mirror.size() < io::kLessonMirrorMax) {
        const std::string add =
            path_picker("##mirror_path", "Add a slider...", edited_, l.mirror, false, g_mirror_filter);
        if (!add.empty()) d.add_mirror(add);
    }
    show_problems(problems, "/mirror");

    // ---- LMS package ----
    section("LMS package");
    ImGui::TextWrapped(
        "A zip file to upload to a learning management system; it reports the steps met as the "
        "score.");
    bool first = true;
    for (const char* f : {"scorm12", "scorm2004", "cmi5"}) {
        const std::string label = std::string(f == std::string("scorm12")     ? "SCORM 1.2"
                                              : f == std::string("scorm2004") ? "SCORM 2004"
                                                                              : "cmi5") +
                                  "##package";
        if (!first) same_line_if_fits(ImGui::CalcTextSize("SCORM 2004").x + ImGui::GetStyle().FramePadding.x * 2);
        first = false;
        if (ImGui::Button(label.c_str())) download_package(f);
        remember_item(std::string("package_") + f);
    }
    if (!editor_.package_error.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, kProblem);
        ImGui::TextWrapped("Not made: %s", editor_.package_error.c_str());
        ImGui::PopStyleColor();
    }
    if (!editor_.package_command.empty()) {
        ImGui::TextWrapped("Saved lesson.json and scenario.json here. Make the package with:");
        ImGui::PushStyleColor(ImGuiCol_Text, kDone);
        ImGui::TextWrapped("%s", editor_.package_command.c_str());
        ImGui::PopStyleColor();
    }
    ImGui::End();
    if (!open) close_lesson_editor();
}

// ==== The learner preview's way back ===============================================================
// Always there while previewing, whatever panels the lesson hides (the menu bar too): a small bar
// at the top in front of every window.

void App::draw_preview_bar() {
    if (!editor_.previewing) return;
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    const float top = ui_.menu ? ImGui::GetFrameHeight() : 0.0f;
    ImGui::SetNextWindowPos({ds.x * 0.5f, top}, ImGuiCond_Always, {0.5f, 0.0f});
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0.45f, 0.28f, 0.02f, 0.97f));
    ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
    ImGui::Begin("##preview_bar", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoFocusOnAppearing);
    if (!ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId))
        ImGui::BringWindowToDisplayFront(ImGui::GetCurrentWindow());
    remember_rect("preview_bar");
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Learner preview");
    ImGui::SameLine();
    if (ImGui::Button("Back to editing")) end_preview();
    remember_item("preview_back");
    ImGui::End();
    ImGui::PopStyleColor(2);
}

}  // namespace motsim::app
