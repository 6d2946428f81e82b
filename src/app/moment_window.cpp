// The "Moment of truth" window: the selected moment's odds (as probabilities and as odds), impacts,
// dwell, flags and routes. Each edit makes a copy of the scenario, changes it and hands it to
// apply_edit, so live changes keep the run.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "app/app.h"
#include "app/glossary.h"
#include "app/widgets.h"
#include "imgui.h"

namespace motsim::app {

void App::draw_moment_editor(Moment& m, int index, Scenario& s, bool& changed) {
    ImGui::PushID(index);
    ImGui::Text("%s", m.name.c_str());
    ImGui::TextDisabled("id %s, phase %s", m.id.c_str(), s.phases[static_cast<std::size_t>(m.phase)].c_str());
    glossary_tip(s.phases[static_cast<std::size_t>(m.phase)].c_str(), "The phase is the map's column of this moment.");
    const std::string base = "/moments/" + m.id + "/";
    if (lock_mode()) {
        // Lock mode (the lesson editor): the whole moment at once, or each parameter below.
        ImGui::TextWrapped("Lock mode: learners cannot change what is locked.");
        ImGui::TextUnformatted("The whole moment");
        lock_toggle(base + "*");
    }
    section("Odds");
    auto lk = [&](const char* field) { return locked(base + field); };
    double pos = m.positive, neg = m.negative;
    if (slider_double("positive", pos, 0, 1, "%.3f", nullptr, lk("positive"))) {
        m.positive = pos;
        if (m.positive + m.negative > 1) m.negative = 1 - m.positive;
        changed = true;
    }
    remember_item("slider_positive");
    glossary_tip("p+");
    lock_toggle(base + "positive");
    if (slider_double("negative", neg, 0, 1, "%.3f", nullptr, lk("negative"))) {
        m.negative = neg;
        if (m.positive + m.negative > 1) m.positive = 1 - m.negative;
        changed = true;
    }
    remember_item("slider_negative");
    glossary_tip("p-");
    lock_toggle(base + "negative");
    ImGui::TextDisabled("neutral %.3f   %s", std::max(0.0, 1 - m.positive - m.negative),
                        odds_text(m.positive, m.negative).c_str());
    glossary_tip("odds");
    changed |= slider_double("magic", m.magic, 0, 1, "%.3f", nullptr, lk("magic"));
    glossary_tip("magic");
    lock_toggle(base + "magic");
    section("Impact on impression");
    const char* onames[4] = {"positive##imp", "neutral##imp", "negative##imp", "magic##imp"};
    const char* opaths[4] = {"impact/positive", "impact/neutral", "impact/negative", "impact/magic"};
    for (int o = 0; o < 4; ++o) {
        changed |=
            slider_double(onames[o], m.impact[static_cast<std::size_t>(o)], -1, 1, "%+.2f", nullptr, lk(opaths[o]));
        glossary_tip("impact");
        lock_toggle(base + opaths[o]);
    }
    section("Dwell and flags");
    int dw[2] = {m.dwell_min, m.dwell_max};
    if (lk("dwell/min") || lk("dwell/max")) ImGui::BeginDisabled();
    const bool dwell_changed = ImGui::DragInt2("dwell", dw, 0.1f, 1, 10000);
    glossary_tip("dwell", "The shortest and the longest stay here.");
    if (lk("dwell/min") || lk("dwell/max")) ImGui::EndDisabled();
    lock_toggle(base + "dwell/min", base + "dwell/max");
    if (dwell_changed) {
        m.dwell_min = std::clamp(dw[0], 1, 10000);
        m.dwell_max = std::clamp(std::max(dw[1], m.dwell_min), 1, 10000);
        changed = true;
    }
    changed |= ImGui::Checkbox("purchase", &m.purchase);
    glossary_tip("purchase");
    ImGui::SameLine();
    changed |= ImGui::Checkbox("reads reviews", &m.reads_reviews);
    glossary_tip("reads reviews");
    changed |= slider_double("review rate", m.review, 0, 1, "%.2f", nullptr, lk("review"));
    glossary_tip("review rate");
    lock_toggle(base + "review");

    section("Routes");
    const char* rnames[3] = {"after positive", "after neutral", "after negative"};
    for (int o = 0; o < 3; ++o) {
        Route& r = m.next[static_cast<std::size_t>(o)];
        ImGui::PushID(o);
        ImGui::TextUnformatted(rnames[o]);
        glossary_tip("route");
        double total = 0;
        for (double w : r.weights) total += w;
        for (std::size_t k = 0; k < r.targets.size(); ++k) {
            ImGui::PushID(static_cast<int>(k));
            char label[96];
            std::snprintf(label, sizeof label, "-> %s (%.0f%%)", target_name(s, r.targets[k]),
                          total > 0 ? 100 * r.weights[k] / total : 0.0);
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

void App::draw_moment_window() {
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
            if (ImGui::Selectable(edited_.moments[m].name.c_str(), static_cast<int>(m) == selected_))
                selected_ = static_cast<int>(m);
        ImGui::EndCombo();
    }
    draw_authoring_controls();  // authoring_window.cpp: name, phase, add, remove, move, entry
    Scenario s = edited_;
    bool changed = false;
    draw_moment_editor(s.moments[static_cast<std::size_t>(selected_)], selected_, s, changed);
    if (run_.analysis.ok && static_cast<std::size_t>(selected_) < run_.analysis.lift.size()) {
        section("Exact analysis");
        ImGui::Text("expected visits %.3f per customer",
                    run_.analysis.expected_visits[static_cast<std::size_t>(selected_)]);
        glossary_tip("expected visits");
        ImGui::Text("removal effect %.1f%%", 100 * run_.analysis.removal_effect[static_cast<std::size_t>(selected_)]);
        glossary_tip("removal effect");
        ImGui::Text("lift %.3f purchases per +1 p+", run_.analysis.lift[static_cast<std::size_t>(selected_)]);
        glossary_tip("lift");
    }
    ImGui::PopItemWidth();
    if (changed) apply_edit(s, edited_.moments[static_cast<std::size_t>(selected_)].id);
    ImGui::End();
}

}  // namespace motsim::app
