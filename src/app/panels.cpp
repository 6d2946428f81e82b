// The app's panels: menu, run controls, the odds editor, stories and messages. Each edit makes
// a copy of the scenario, changes it and hands it to apply_edit, so live changes keep the run.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "app/app.h"
#include "imgui.h"
#include "io/results.h"
#include "scenarios_embedded.h"

namespace motsim::app {

namespace {

// "0.75 (odds 3:1)": probabilities as trainers say them, and as gamblers do.
std::string odds_text(double p_pos, double p_neg) {
    char buf[64];
    if (p_neg <= 0) std::snprintf(buf, sizeof buf, "odds %.3g:0", p_pos);
    else std::snprintf(buf, sizeof buf, "odds %.2g:1", p_pos / p_neg);
    return buf;
}

// A slider for a double; `locked` shows it greyed out and read-only (a lesson's locked parameter).
bool slider_double(const char* label, double& v, double lo, double hi, const char* fmt, const char* help = nullptr,
                   bool locked = false) {
    float f = static_cast<float>(v);
    if (locked) ImGui::BeginDisabled();
    const bool changed = ImGui::SliderFloat(label, &f, static_cast<float>(lo), static_cast<float>(hi), fmt);
    if (locked) ImGui::EndDisabled();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled) && (help || locked))
        ImGui::SetTooltip("%s%s", help ? help : "", locked ? (help ? "\n(locked in this lesson)" : "(locked in this lesson)") : "");
    if (locked) return false;
    if (changed) v = std::clamp(static_cast<double>(f), lo, hi);
    return changed;
}

const char* target_name(const Scenario& s, int t) {
    if (t == kDone) return "done";
    if (t == kLost) return "lost";
    if (t >= 0 && static_cast<std::size_t>(t) < s.moments.size()) return s.moments[static_cast<std::size_t>(t)].id.c_str();
    return "?";
}

// A labelled divider (ImGui 1.86 has no SeparatorText yet).
void section(const char* label) {
    ImGui::Spacing();
    ImGui::TextColored({0.55f, 0.75f, 1.0f, 1.0f}, "%s", label);
    ImGui::Separator();
}

}  // namespace

void App::remember_rect(const std::string& name) {
    const ImVec2 p = ImGui::GetWindowPos(), sz = ImGui::GetWindowSize();
    rects_.push_back({name, p.x, p.y, sz.x, sz.y});
}

void App::remember_item(const std::string& name) {
    const ImVec2 p = ImGui::GetItemRectMin(), sz = ImGui::GetItemRectSize();
    rects_.push_back({name, p.x, p.y, sz.x, sz.y});
}

// ==== Layout ===================================================================================

// Windows start in a layout that fits the screen; the user may move them (ImGui keeps that in
// its settings, which survive a reload). When the screen size changes, the layout is redone so
// nothing ends up off screen.
void App::layout_windows() {
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    if (ds.x != last_w_ || ds.y != last_h_) {
        if (last_w_ > 0) relayout_ = true;
        last_w_ = ds.x;
        last_h_ = ds.y;
    }
    const ImGuiCond cond = relayout_ ? ImGuiCond_Always : ImGuiCond_FirstUseEver;
    relayout_ = false;
    const float top = ui_.menu ? ImGui::GetFrameHeight() : 0.0f;
    const float W = ds.x, H = ds.y - top;
    // Panels a host page hid give their room to the journey map.
    const bool show_right = ui_.editor || ui_.story || ui_.lesson.has_value();
    const float left = ui_.controls ? std::clamp(W * 0.22f, 220.0f * ui_scale_, 340.0f * ui_scale_) : 0.0f;
    const float right = show_right ? std::clamp(W * 0.26f, 250.0f * ui_scale_, 400.0f * ui_scale_) : 0.0f;
    const float bottom = ui_.charts ? std::clamp(H * 0.36f, 180.0f * ui_scale_, 360.0f * ui_scale_) : 0.0f;
    const float mid = std::max(W - left - right, 200.0f);
    if (ui_.controls) {
        ImGui::SetNextWindowPos({0, top}, cond);
        ImGui::SetNextWindowSize({left, H}, cond);
        draw_controls();
    }
    ImGui::SetNextWindowPos({left, top}, cond);
    ImGui::SetNextWindowSize({mid, H - bottom}, cond);
    draw_journey();
    if (ui_.charts) {
        ImGui::SetNextWindowPos({left, top + H - bottom}, cond);
        ImGui::SetNextWindowSize({mid, bottom}, cond);
        draw_charts();
    }
    // The right column: lesson (when there is one), the editor and the story share it.
    float y = top;
    const int parts = (ui_.lesson ? 1 : 0) + (ui_.editor ? 2 : 0) + (ui_.story ? 1 : 0);
    const float unit = parts > 0 ? H / static_cast<float>(parts) : H;
    if (ui_.lesson) {
        ImGui::SetNextWindowPos({left + mid, y}, cond);
        ImGui::SetNextWindowSize({right, unit}, cond);
        draw_lesson();
        y += unit;
    }
    if (ui_.editor) {
        ImGui::SetNextWindowPos({left + mid, y}, cond);
        ImGui::SetNextWindowSize({right, 2 * unit}, cond);
        draw_editor();
        y += 2 * unit;
    }
    if (ui_.story) {
        ImGui::SetNextWindowPos({left + mid, y}, cond);
        ImGui::SetNextWindowSize({right, unit}, cond);
        draw_story();
    }
}

void App::draw_lesson() {
    ImGui::Begin("Lesson");
    remember_rect("lesson");
    const Lesson& lesson = *ui_.lesson;
    ImGui::TextWrapped("%s", lesson.title.c_str());
    for (std::size_t i = 0; i < lesson.steps.size(); ++i) {
        const bool done = static_cast<int>(i) < lesson_step_, current = static_cast<int>(i) == lesson_step_;
        ImGui::PushStyleColor(ImGuiCol_Text, done ? ImVec4(0.5f, 0.85f, 0.55f, 1) : current ? ImVec4(1, 1, 1, 1)
                                                                                         : ImVec4(0.6f, 0.6f, 0.65f, 1));
        ImGui::TextWrapped("%s %zu. %s", done ? "[x]" : "[ ]", i + 1, lesson.steps[i].text.c_str());
        ImGui::PopStyleColor();
    }
    if (lesson_step_ < static_cast<int>(lesson.steps.size())) {
        if (lesson_checking()) {
            ImGui::ProgressBar(static_cast<float>(busy_progress()), {-1, 0}, "Checking your answer...");
        } else if (ImGui::Button("Check my answer")) {
            check_lesson();
        }
        remember_item("lesson_check");
        if (!lesson_detail_.empty()) ImGui::TextWrapped("Last check: %s", lesson_detail_.c_str());
    } else {
        ImGui::TextColored({0.5f, 0.85f, 0.55f, 1}, "Lesson complete.");
    }
    ImGui::End();
}

void App::draw() {
    rects_.clear();  // widget() answers for the last frame only
    if (theme_applied_ != ui_.theme) {
        theme_applied_ = ui_.theme;
        if (ui_.theme == "light") ImGui::StyleColorsLight();
        else ImGui::StyleColorsDark();
    }
    if (ui_.menu) draw_menu();
    layout_windows();
    draw_messages();
}

// ==== Menu =====================================================================================

void App::draw_menu() {
    if (!ImGui::BeginMainMenuBar()) return;
    if (ImGui::BeginMenu("Scenario")) {
        for (const auto& f : scenarios::kFiles) {
            if (ImGui::MenuItem(f.name)) load_text(f.text, f.name);
        }
        ImGui::Separator();
        if (host_.is_browser()) {
            if (ImGui::MenuItem("Open JSON file...")) host_.open_file("");
        } else if (ImGui::BeginMenu("Open JSON file")) {
            ImGui::InputText("path", open_path_, sizeof open_path_);
            if (ImGui::Button("Open")) host_.open_file(open_path_);
            ImGui::EndMenu();
        }
        if (ImGui::MenuItem("Save scenario as JSON")) {
            note("Saved " + host_.save_file("scenario.json", "application/json", scenario_json()), false);
        }
        ImGui::Separator();
        // Results files are the agent engine's (the command line's format, digest included).
        if (ImGui::MenuItem("Export results (JSON)", nullptr, false, view_.individuals()))
            note("Exported " + host_.save_file("results.json", "application/json", io::results_json(*sim_)), false);
        if (ImGui::MenuItem("Export per-tick series (CSV)", nullptr, false, view_.individuals()))
            note("Exported " + host_.save_file("series.csv", "text/csv", io::series_csv(*sim_)), false);
        if (ImGui::MenuItem("Export analysis (JSON)"))
            note("Exported " + host_.save_file("analysis.json", "application/json", io::analysis_json(edited_, analysis_)), false);
        if (ImGui::MenuItem("Save a picture (PNG)")) host_.request_screenshot("motsim.png");
        if (host_.is_browser() && ImGui::MenuItem("Copy a link to this run")) host_.copy_link(share_json());
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("View")) {
        if (ImGui::MenuItem("Reset window layout")) relayout_ = true;
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Help")) {
        ImGui::TextUnformatted("Customers (dots) flow left to right through the moments of truth.");
        ImGui::TextUnformatted("Colour = impression: red negative, grey neutral, green positive;");
        ImGui::TextUnformatted("a golden flash is a moment of magic.");
        ImGui::TextUnformatted("Click a moment to edit its odds on the right; shift-click a dot");
        ImGui::TextUnformatted("(or press 'Random customer') to read that customer's story.");
        ImGui::TextUnformatted("Dashed lines and hollow markers are the exact expectation.");
        ImGui::EndMenu();
    }
    ImGui::SameLine(0, 30);
    ImGui::TextDisabled("%s   %s %d / %d   %s   (%s)", edited_.name.c_str(), edited_.time_unit.c_str(), tick(),
                        edited_.ticks, playing_ ? (finished() ? "finished" : "playing") : "paused", view_.engine.c_str());
    ImGui::EndMainMenuBar();
}

// ==== Controls =================================================================================

void App::draw_controls() {
    ImGui::Begin("Run");
    remember_rect("controls");
    // Leave room for the labels: sliders take a little over half the width.
    ImGui::PushItemWidth(ImGui::GetWindowWidth() * 0.55f);
    const LiveView& v = view_;
    const float bw = (ImGui::GetContentRegionAvail().x - 3 * ImGui::GetStyle().ItemSpacing.x) / 4;
    if (ImGui::Button(playing_ ? "Pause" : "Play", {bw, 0})) playing_ = !playing_;
    remember_item("play");
    ImGui::SameLine();
    if (ImGui::Button("Step", {bw, 0})) {
        playing_ = false;
        step();
    }
    ImGui::SameLine();
    if (ImGui::Button("Reset", {bw, 0})) reset();
    ImGui::SameLine();
    if (ImGui::Button("End", {bw, 0})) finish();
    if (!busy().empty()) {
        // Long work runs a slice a frame: show how far, and let the learner stop it.
        const float cw = ImGui::CalcTextSize("Cancel").x + 2 * ImGui::GetStyle().FramePadding.x;
        const std::string what = busy() == "lesson" ? "Checking the lesson" : busy() == "finish" ? "Running to the end"
                                                                                               : "Running to the tick";
        ImGui::ProgressBar(static_cast<float>(busy_progress()),
                           {ImGui::GetContentRegionAvail().x - cw - ImGui::GetStyle().ItemSpacing.x, 0}, what.c_str());
        ImGui::SameLine();
        if (ImGui::Button("Cancel")) cancel_work();
        remember_item("cancel");
    }
    ImGui::ProgressBar(static_cast<float>(v.tick) / static_cast<float>(std::max(1, edited_.ticks)), {-1, 0},
                       (std::string(edited_.time_unit) + " " + std::to_string(v.tick) + " of " +
                        std::to_string(edited_.ticks))
                           .c_str());
    float speed = static_cast<float>(speed_);
    if (ImGui::SliderFloat("speed", &speed, 0.5f, 200.0f, "%.1f ticks/s", ImGuiSliderFlags_Logarithmic)) set_speed(speed);
    int seed = static_cast<int>(seed_ & 0x7fffffff);
    if (ImGui::InputInt("seed", &seed) && seed >= 0) set_seed(static_cast<std::uint64_t>(seed));
    int engine = engine_;
    const char* engines[] = {"agents (each customer)", "cohort (counts)", "expected values"};
    if (ImGui::Combo("engine", &engine, engines, 3)) set_engine(engine);
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Agents: every customer is a dot with a story.\nCohort: counts per moment, dwell, segment and "
                          "impression,\nthe same rules for any population size (no dots).\nExpected values: the cohort "
                          "engine without randomness.");

    section("Outcome so far");
    const double conv = v.arrivals > 0 ? v.purchases / v.arrivals : 0.0;
    ImGui::Text("Customers   %.0f  (%.0f referred)", v.arrivals, v.referrals);
    ImGui::Text("In journey  %.0f", v.active);
    ImGui::Text("Purchases   %.0f  (%.1f%% of arrivals)", v.purchases, 100 * conv);
    if (analysis_.ok) {
        ImGui::SameLine();
        ImGui::TextDisabled("exact %.1f%%", 100 * analysis_.expected_purchases);
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("Expected purchases per customer from the exact Markov analysis%s",
                              analysis_.ignores_feedback ? ",\nignoring reviews, impression carry-over and referrals" : "");
    }
    ImGui::Text("Done        %.0f", v.done);
    ImGui::Text("Lost        %.0f", v.lost);
    ImGui::Text("NPS         %+.1f", v.nps);
    ImGui::Text("Rating      %.2f  (%.0f+ / %.0f- reviews)", v.rating, v.reviews_positive, v.reviews_negative);

    Scenario s = edited_;
    bool changed = false;
    section("Population");
    changed |= slider_double("arrivals", s.arrivals_per_tick, 0, 2000, "%.0f", "Mean new customers per tick (Poisson)",
                              locked("/population/arrivals_per_tick"));
    int maxc = static_cast<int>(std::min<std::int64_t>(s.max_customers, 1000000000));
    if (ImGui::DragInt("max total", &maxc, 1000, 0, 1000000000)) {
        s.max_customers = maxc;
        changed = true;
    }
    int ticks = s.ticks;
    if (ImGui::DragInt("ticks", &ticks, 1, 1, 100000)) {
        s.ticks = std::clamp(ticks, 1, 100000);
        changed = true;
    }
    section("Influence and word of mouth");
    changed |= slider_double("impression", s.beta, 0, 5, "%.2f", "beta: how much a customer's impression so far tilts the odds of the next moment",
                              locked("/influence/impression"));
    changed |= slider_double("reviews", s.gamma, 0, 5, "%.2f", "gamma: how much the public rating tilts the odds where reviews are read (ZMOT)",
                              locked("/influence/reviews"));
    changed |= slider_double("referrals", s.referral_rate, 0, 1, "%.3f", "New customers an advocate brings per tick",
                              locked("/word_of_mouth/referral_rate"));
    changed |= slider_double("advocate", s.advocate_threshold, -1, 1, "%.2f", "Impression at the end of the journey that makes an advocate",
                              locked("/word_of_mouth/advocate_threshold"));
    section("Segments");
    for (std::size_t g = 0; g < s.segments.size(); ++g) {
        ImGui::PushID(static_cast<int>(g));
        ImGui::TextUnformatted(s.segments[g].name.c_str());
        const std::string seg = "/segments/" + std::to_string(g) + "/";
        changed |= slider_double("share", s.segments[g].share, 0, 10, "%.2f", nullptr, locked(seg + "share"));
        changed |= slider_double("shift", s.segments[g].shift, -3, 3, "%+.2f", "Log-odds shift towards positive outcomes for this customer type",
                                 locked(seg + "shift"));
        ImGui::PopID();
    }
    ImGui::PopItemWidth();
    if (changed) {
        const bool total_zero = std::all_of(s.segments.begin(), s.segments.end(), [](const Segment& g) { return g.share <= 0; });
        if (!total_zero) apply_edit(s, "run settings");
    }
    ImGui::End();
}

// ==== Odds editor ==============================================================================

void App::draw_moment_editor(Moment& m, int index, Scenario& s, bool& changed) {
    ImGui::PushID(index);
    ImGui::Text("%s", m.name.c_str());
    ImGui::TextDisabled("id %s, phase %s", m.id.c_str(), s.phases[static_cast<std::size_t>(m.phase)].c_str());
    section("Odds");
    const std::string base = "/moments/" + m.id + "/";
    auto lk = [&](const char* field) { return locked(base + field); };
    double pos = m.positive, neg = m.negative;
    if (slider_double("positive", pos, 0, 1, "%.3f", "Probability of a positive outcome", lk("positive"))) {
        m.positive = pos;
        if (m.positive + m.negative > 1) m.negative = 1 - m.positive;
        changed = true;
    }
    remember_item("slider_positive");
    if (slider_double("negative", neg, 0, 1, "%.3f", "Probability of a negative outcome", lk("negative"))) {
        m.negative = neg;
        if (m.positive + m.negative > 1) m.positive = 1 - m.negative;
        changed = true;
    }
    remember_item("slider_negative");
    ImGui::TextDisabled("neutral %.3f   %s", std::max(0.0, 1 - m.positive - m.negative), odds_text(m.positive, m.negative).c_str());
    changed |= slider_double("magic", m.magic, 0, 1, "%.3f", "Share of positive outcomes that are moments of magic", lk("magic"));
    section("Impact on impression");
    const char* onames[4] = {"positive##imp", "neutral##imp", "negative##imp", "magic##imp"};
    const char* opaths[4] = {"impact/positive", "impact/neutral", "impact/negative", "impact/magic"};
    for (int o = 0; o < 4; ++o)
        changed |= slider_double(onames[o], m.impact[static_cast<std::size_t>(o)], -1, 1, "%+.2f", nullptr, lk(opaths[o]));
    section("Dwell and flags");
    int dw[2] = {m.dwell_min, m.dwell_max};
    if (lk("dwell/min") || lk("dwell/max")) ImGui::BeginDisabled();
    const bool dwell_changed = ImGui::DragInt2("dwell", dw, 0.1f, 1, 10000);
    if (lk("dwell/min") || lk("dwell/max")) ImGui::EndDisabled();
    if (dwell_changed) {
        m.dwell_min = std::clamp(dw[0], 1, 10000);
        m.dwell_max = std::clamp(std::max(dw[1], m.dwell_min), 1, 10000);
        changed = true;
    }
    changed |= ImGui::Checkbox("purchase", &m.purchase);
    ImGui::SameLine();
    changed |= ImGui::Checkbox("reads reviews", &m.reads_reviews);
    changed |= slider_double("review rate", m.review, 0, 1, "%.2f", "Probability a finishing customer posts a review", lk("review"));

    section("Routes");
    const char* rnames[3] = {"after positive", "after neutral", "after negative"};
    for (int o = 0; o < 3; ++o) {
        Route& r = m.next[static_cast<std::size_t>(o)];
        ImGui::PushID(o);
        ImGui::TextUnformatted(rnames[o]);
        double total = 0;
        for (double w : r.weights) total += w;
        for (std::size_t k = 0; k < r.targets.size(); ++k) {
            ImGui::PushID(static_cast<int>(k));
            char label[96];
            std::snprintf(label, sizeof label, "-> %s (%.0f%%)", target_name(s, r.targets[k]), total > 0 ? 100 * r.weights[k] / total : 0.0);
            ImGui::SetNextItemWidth(ImGui::GetContentRegionAvail().x * 0.45f);
            changed |= slider_double(label, r.weights[k], 0.01, 10, "%.2f");
            if (r.targets.size() > 1) {
                ImGui::SameLine();
                if (ImGui::SmallButton("x")) {
                    r.targets.erase(r.targets.begin() + static_cast<long>(k));
                    r.weights.erase(r.weights.begin() + static_cast<long>(k));
                    changed = true;
                    ImGui::PopID();
                    break;
                }
            }
            ImGui::PopID();
        }
        if (ImGui::BeginCombo("add target", "+", ImGuiComboFlags_NoPreview)) {
            for (int t = -2; t < static_cast<int>(s.moments.size()); ++t) {
                if (std::find(r.targets.begin(), r.targets.end(), t) != r.targets.end()) continue;
                if (ImGui::Selectable(target_name(s, t))) {
                    r.targets.push_back(t);
                    r.weights.push_back(1.0);
                    changed = true;
                }
            }
            ImGui::EndCombo();
        }
        ImGui::PopID();
    }
    ImGui::PopID();
}

void App::draw_editor() {
    ImGui::Begin("Moment of truth");
    remember_rect("editor");
    ImGui::PushItemWidth(ImGui::GetWindowWidth() * 0.55f);
    if (edited_.moments.empty()) {
        ImGui::PopItemWidth();
        ImGui::End();
        return;
    }
    selected_ = std::clamp(selected_, 0, static_cast<int>(edited_.moments.size()) - 1);
    if (ImGui::BeginCombo("moment", edited_.moments[static_cast<std::size_t>(selected_)].name.c_str())) {
        for (std::size_t m = 0; m < edited_.moments.size(); ++m)
            if (ImGui::Selectable(edited_.moments[m].name.c_str(), static_cast<int>(m) == selected_)) selected_ = static_cast<int>(m);
        ImGui::EndCombo();
    }
    Scenario s = edited_;
    bool changed = false;
    draw_moment_editor(s.moments[static_cast<std::size_t>(selected_)], selected_, s, changed);
    if (analysis_.ok && static_cast<std::size_t>(selected_) < analysis_.lift.size()) {
        section("Exact analysis");
        ImGui::Text("expected visits %.3f per customer", analysis_.expected_visits[static_cast<std::size_t>(selected_)]);
        ImGui::Text("removal effect %.1f%%", 100 * analysis_.removal_effect[static_cast<std::size_t>(selected_)]);
        ImGui::Text("lift %.3f purchases per +1 p+", analysis_.lift[static_cast<std::size_t>(selected_)]);
    }
    ImGui::PopItemWidth();
    if (changed) apply_edit(s, edited_.moments[static_cast<std::size_t>(selected_)].id);
    ImGui::End();
}

// ==== Stories and messages ========================================================================

void App::draw_story() {
    ImGui::Begin("Customer story");
    remember_rect("story");
    if (!view_.individuals()) {
        ImGui::TextWrapped("The %s engine moves counts, not individual customers: switch the engine to agents "
                           "(Run panel) to follow one customer's story.", view_.engine.c_str());
        ImGui::End();
        return;
    }
    if (ImGui::Button("Random customer") && sim_->active() > 0) {
        // A pick that does not touch the simulation's random stream.
        const std::vector<std::uint32_t> ids = sim_->customer_ids();
        const std::size_t k = static_cast<std::size_t>((static_cast<std::uint64_t>(time_ * 1000.0) * 2654435761u) % ids.size());
        watch_customer(ids[k]);
    }
    ImGui::SameLine();
    ImGui::TextDisabled("or shift-click a dot");
    if (watched_) {
        ImGui::Text("Customer #%u", *watched_);
        ImGui::BeginChild("lines");
        for (const std::string& line : story()) ImGui::TextWrapped("%s", line.c_str());
        ImGui::EndChild();
    } else {
        ImGui::TextWrapped("Pick a customer to read their journey, moment by moment.");
    }
    ImGui::End();
}

void App::draw_messages() {
    // The newest message for a few seconds (errors until dismissed), bottom centre.
    if (messages_.empty()) return;
    const Message& m = messages_.back();
    if (!m.error && time_ - m.shown_at > 6.0) return;
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    // Top centre, under the menu: the charts' axes at the bottom stay readable.
    ImGui::SetNextWindowPos({ds.x * 0.5f, ImGui::GetFrameHeight() * 2.0f}, ImGuiCond_Always, {0.5f, 0.0f});
    ImGui::SetNextWindowBgAlpha(0.92f);
    ImGui::PushStyleColor(ImGuiCol_WindowBg, m.error ? ImVec4(0.45f, 0.08f, 0.08f, 1) : ImVec4(0.10f, 0.18f, 0.28f, 1));
    ImGui::Begin("##message", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoFocusOnAppearing);
    remember_rect("message");
    ImGui::PushTextWrapPos(ds.x * 0.6f);
    ImGui::TextUnformatted(m.text.c_str());
    ImGui::PopTextWrapPos();
    if (m.error && ImGui::SmallButton("Dismiss")) {
        messages_.back().error = false;
        messages_.back().shown_at = -100;  // long ago: hidden from the next frame on
    }
    ImGui::End();
    ImGui::PopStyleColor();
}

}  // namespace motsim::app
