// Experiments in the app: replications (per-tick bands and intervals), a one-parameter sweep and
// "where to invest" (a tornado of the simulated effect of improving each moment, beside the
// exact lift). Jobs run in slices of a few milliseconds per frame, so the page never blocks;
// a progress bar and Cancel show while they run. The numbers are the engine's (experiments.h),
// the same whatever the thread count, so the CLI and the app agree for a master seed.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "app/app.h"
#include "app/plot.h"
#include "engine/cohort.h"
#include "imgui.h"

namespace motsim::app {

namespace {

using Clock = std::chrono::steady_clock;

Series band_series(const std::string& label, ImU32 color, const std::vector<Band>& bands, bool inner) {
    Series s;
    s.label = label;
    s.color = color;
    for (const Band& b : bands) {
        s.values.push_back(static_cast<float>(b.median));
        s.lower.push_back(static_cast<float>(inner ? b.p25 : b.p2_5));
        s.upper.push_back(static_cast<float>(inner ? b.p75 : b.p97_5));
    }
    return s;
}

// The progress bar and Cancel button of a running job; true while it runs.
bool job_progress(ExperimentJob* job, ExperimentKind kind, ExperimentKind want, bool& cancel) {
    if (!job || kind != want) return false;
    char text[64];
    std::snprintf(text, sizeof text, "%d of %d runs", job->completed(), job->total());
    ImGui::ProgressBar(static_cast<float>(job->progress()), ImVec2(-90, 0), text);
    ImGui::SameLine();
    cancel = ImGui::Button("Cancel", ImVec2(-1, 0));
    return true;
}

}  // namespace

void App::draw_replications_tab(float height) {
    const bool stale = experiments_.replications && experiments_.version != scenario_version_;
    bool cancel = false;
    if (!job_progress(experiments_.job.get(), experiments_.kind, ExperimentKind::Replications, cancel)) {
        ImGui::SetNextItemWidth(120);
        ImGui::SliderInt("runs", &experiments_.runs, 5, 200);
        ImGui::SameLine();
        if (ImGui::Button("Run replications")) start_experiment("replicate");
        ImGui::SameLine();
        ImGui::TextDisabled("seeds derived from seed %llu", static_cast<unsigned long long>(run_.seed));
    }
    if (cancel) cancel_experiments();
    if (!experiments_.replications) {
        ImGui::TextWrapped(
            "One run is one story. Replications run the whole scenario many times with "
            "independent seeds and show the spread: a 95%% interval for every number and "
            "50%% / 95%% bands over time.");
        return;
    }
    const ReplicationResult& r = *experiments_.replications;
    if (stale) ImGui::TextColored({1, 0.7f, 0.3f, 1}, "The scenario changed since these %d runs: run again.", r.runs);
    const float table_w = 300 * ui_scale_;
    ImGui::BeginChild("reptable", ImVec2(table_w, height - ImGui::GetFrameHeightWithSpacing()));
    if (ImGui::BeginTable("metrics", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) {
        ImGui::TableSetupColumn("metric");
        ImGui::TableSetupColumn("mean (95% interval)");
        ImGui::TableHeadersRow();
        for (int k = 0; k < kMetricCount; ++k) {
            const Interval& iv = r.metrics[static_cast<std::size_t>(k)];
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(metric_name(static_cast<Metric>(k)));
            ImGui::TableNextColumn();
            ImGui::Text("%.4g  (%.4g .. %.4g)", iv.mean, iv.lo, iv.hi);
        }
        ImGui::EndTable();
    }
    ImGui::EndChild();
    ImGui::SameLine();
    const float w = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
    const auto& active = r.bands[static_cast<std::size_t>(motsim::Series::Active)];
    const auto& nps = r.bands[static_cast<std::size_t>(motsim::Series::Nps)];
    LineChartOptions opt;
    opt.x_label = edited_.time_unit.c_str();
    opt.y_label = "in the journey: median, 50% and 95% of runs";
    line_chart("##repactive", ImVec2(w, height),
               {band_series("95%", IM_COL32(120, 170, 255, 140), active, false),
                band_series("50%", IM_COL32(120, 170, 255, 255), active, true)},
               opt);
    ImGui::SameLine();
    LineChartOptions o2 = opt;
    o2.y_label = "NPS: median, 50% and 95% of runs";
    line_chart("##repnps", ImVec2(w, height),
               {band_series("95%", IM_COL32(120, 220, 160, 140), nps, false),
                band_series("50%", IM_COL32(120, 220, 160, 255), nps, true)},
               o2);
}

void App::draw_sweep_tab(float height) {
    const std::string moment = edited_.moments.empty() ? "" : edited_.moments[static_cast<std::size_t>(selected_)].id;
    bool cancel = false;
    if (!job_progress(experiments_.job.get(), experiments_.kind, ExperimentKind::Sweep, cancel)) {
        ImGui::SetNextItemWidth(100);
        ImGui::Combo("##field", &experiments_.sweep_field, kSweepFields, 3);
        ImGui::SameLine();
        ImGui::Text("of %s from", moment.c_str());
        ImGui::SameLine();
        ImGui::SetNextItemWidth(160);
        ImGui::DragFloatRange2("##range", &experiments_.sweep_lo, &experiments_.sweep_hi, 0.01f, 0.0f, 1.0f, "%.2f",
                               "%.2f");
        ImGui::SameLine();
        ImGui::SetNextItemWidth(90);
        ImGui::SliderInt("points", &experiments_.sweep_steps, 2, 20);
        ImGui::SameLine();
        ImGui::SetNextItemWidth(90);
        ImGui::SliderInt("runs each", &experiments_.runs, 5, 200);
        ImGui::SameLine();
        if (ImGui::Button("Sweep")) start_experiment("sweep");
    }
    if (cancel) cancel_experiments();
    if (!experiments_.sweep || experiments_.sweep->axes.empty()) {
        ImGui::TextWrapped(
            "A sweep runs the scenario at each value of one parameter (with replications at each "
            "point) and plots conversion and NPS against it, with 95%% intervals.");
        return;
    }
    const SweepResult& r = *experiments_.sweep;
    const float w = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
    const std::vector<double>& xs = r.axes[0].values;
    auto metric_series = [&](Metric m, const char* label, ImU32 col) {
        Series s;
        s.label = label;
        s.color = col;
        for (const SweepPoint& p : r.points) {
            s.values.push_back(static_cast<float>(p.metric(m).mean));
            s.lower.push_back(static_cast<float>(p.metric(m).lo));
            s.upper.push_back(static_cast<float>(p.metric(m).hi));
        }
        return s;
    };
    LineChartOptions opt;
    opt.x_start = static_cast<float>(xs.front());
    opt.x_step = xs.size() > 1 ? static_cast<float>(xs[1] - xs[0]) : 1.0f;
    opt.x_label = r.axes[0].path.c_str();
    opt.y_label = "conversion (purchases per arrival), 95% interval";
    line_chart("##sweepconv", ImVec2(w, height),
               {metric_series(Metric::Conversion, "conversion", IM_COL32(120, 170, 255, 255))}, opt);
    ImGui::SameLine();
    opt.y_label = "NPS, 95% interval";
    opt.include_zero = false;
    line_chart("##sweepnps", ImVec2(w, height), {metric_series(Metric::Nps, "NPS", IM_COL32(120, 220, 160, 255))}, opt);
}

void App::draw_rank_tab(float height) {
    bool cancel = false;
    if (!job_progress(experiments_.job.get(), experiments_.kind, ExperimentKind::Rank, cancel)) {
        ImGui::SetNextItemWidth(120);
        ImGui::SliderFloat("improve p+ by", &experiments_.rank_delta, 0.01f, 0.3f, "%.2f");
        ImGui::SameLine();
        ImGui::SetNextItemWidth(100);
        ImGui::SliderInt("runs", &experiments_.runs, 5, 200);
        ImGui::SameLine();
        if (ImGui::Button("Rank the moments")) start_experiment("rank");
    }
    if (cancel) cancel_experiments();
    if (!experiments_.rank) {
        ImGui::TextWrapped(
            "Which moment of truth should we fix first? For every moment, motsim raises its "
            "positive odds a little and measures the effect on purchases per customer over "
            "paired runs (feedback loops included), beside the exact lift of the Markov analysis.");
        return;
    }
    const RankResult& r = *experiments_.rank;
    if (experiments_.version != scenario_version_)
        ImGui::TextColored({1, 0.7f, 0.3f, 1}, "The scenario changed: rank again.");
    // A tornado: one horizontal bar per moment, largest effect on top, whiskers for the 95%
    // interval, a diamond for the exact (memoryless) effect.
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    const float w = ImGui::GetContentRegionAvail().x;
    const float label_w = 190 * ui_scale_;
    ImGui::InvisibleButton("##tornado", ImVec2(w, std::max(height - ImGui::GetFrameHeightWithSpacing(), 40.0f)));
    double lo = 0, hi = 0;
    for (const RankEntry& e : r.entries) {
        lo = std::min({lo, e.effect.lo, e.exact_effect});
        hi = std::max({hi, e.effect.hi, e.exact_effect});
    }
    if (hi - lo < 1e-9) hi = lo + 1e-3;
    const float x0 = p0.x + label_w, x1 = p0.x + w - 10;
    auto X = [&](double v) { return x0 + static_cast<float>((v - lo) / (hi - lo)) * (x1 - x0); };
    const float row =
        std::min(26.0f * ui_scale_, (ImGui::GetItemRectSize().y - 20) / std::max<std::size_t>(1, r.entries.size()));
    dl->AddLine({X(0), p0.y}, {X(0), p0.y + row * static_cast<float>(r.entries.size())}, IM_COL32(160, 160, 160, 200));
    for (std::size_t k = 0; k < r.entries.size(); ++k) {
        const RankEntry& e = r.entries[k];
        const float y = p0.y + row * static_cast<float>(k);
        const int mi = e.moment;
        const std::string& name = mi >= 0 && static_cast<std::size_t>(mi) < edited_.moments.size()
                                      ? edited_.moments[static_cast<std::size_t>(mi)].name
                                      : e.id;
        char label[96];
        std::snprintf(label, sizeof label, "%zu. %s", k + 1, name.c_str());
        dl->PushClipRect({p0.x, y}, {x0 - 6, y + row}, true);
        dl->AddText({p0.x, y + row * 0.2f}, IM_COL32(230, 232, 240, 255), label);
        dl->PopClipRect();
        const ImU32 col = e.effect.mean >= 0 ? IM_COL32(90, 180, 110, 230) : IM_COL32(220, 90, 80, 230);
        dl->AddRectFilled({std::min(X(0), X(e.effect.mean)), y + row * 0.15f},
                          {std::max(X(0), X(e.effect.mean)), y + row * 0.85f}, col, 2);
        dl->AddLine({X(e.effect.lo), y + row * 0.5f}, {X(e.effect.hi), y + row * 0.5f}, IM_COL32(240, 240, 240, 255),
                    1.5f);
        const float dx = X(e.exact_effect);
        dl->AddQuadFilled({dx, y + row * 0.25f}, {dx + 5, y + row * 0.5f}, {dx, y + row * 0.75f},
                          {dx - 5, y + row * 0.5f}, IM_COL32(255, 210, 80, 255));
        if (ImGui::IsItemHovered() && ImGui::GetMousePos().y >= y && ImGui::GetMousePos().y < y + row)
            ImGui::SetTooltip(
                "%s: +%.2f p+ (%.2f -> %.2f)\nsimulated effect on %s per customer: %+.4f (95%%: %+.4f .. %+.4f)\n"
                "exact (no feedback): %+.4f   lift %.4f   removal effect %.1f%%",
                name.c_str(), r.delta, e.positive_before, e.positive_after, r.objective.c_str(), e.effect.mean,
                e.effect.lo, e.effect.hi, e.exact_effect, e.lift, 100 * e.removal_effect);
    }
    char axis[160];
    std::snprintf(axis, sizeof axis,
                  "effect on %s per customer of +%.2f positive odds (%d paired runs; diamond: exact)",
                  r.objective.c_str(), r.delta, r.runs);
    dl->AddText({x0, p0.y + row * static_cast<float>(r.entries.size()) + 4}, IM_COL32(170, 175, 185, 255), axis);
}

void App::draw_cohort_tab(float height) {
    // The cohort engine moves counts (per moment, dwell, segment and impression) instead of
    // customers, so a city of customers takes milliseconds. Same scenario, same rules.
    ImGui::SetNextItemWidth(150);
    const char* scales[] = {"x1", "x10", "x100", "x1,000", "x10,000", "x100,000"};
    ImGui::Combo("arrivals", &experiments_.cohort_scale, scales, 6);
    ImGui::SameLine();
    ImGui::Checkbox("expected values (no randomness)", &experiments_.cohort_expected);
    ImGui::SameLine();
    ExperimentRoom& x = experiments_;
    if (x.large_run) {
        // Running in slices across frames (a long journey can take seconds): progress and Cancel.
        char text[64];
        std::snprintf(text, sizeof text, "%s %d of %d", edited_.time_unit.c_str(), x.large_run->tick(),
                      x.large_run->scenario().ticks);
        ImGui::ProgressBar(
            static_cast<float>(x.large_run->tick()) / static_cast<float>(std::max(1, x.large_run->scenario().ticks)),
            ImVec2(-90, 0), text);
        ImGui::SameLine();
        if (ImGui::Button("Cancel", ImVec2(-1, 0))) x.large_run.reset();
    } else if (ImGui::Button("Run with the cohort engine")) {
        start_large_population_run();
    }
    if (experiments_.cohort_summary.empty()) {
        ImGui::TextWrapped(
            "The cohort engine moves counts instead of individual customers: the same scenario with "
            "a hundred million customers runs in milliseconds. Choose how many times more arrivals, "
            "then compare its curve (per %s, divided by the scale) with the agents' run above.",
            edited_.time_unit.c_str());
        return;
    }
    ImGui::TextWrapped("%s", experiments_.cohort_summary.c_str());
    const float w = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
    Series agents;
    agents.label = "agents (this run)";
    agents.color = IM_COL32(120, 170, 255, 255);
    Series agents_conv = agents;
    double arrivals = 0, purchases = 0;
    for (const TickStats& t : run_.sim->series()) {
        agents.values.push_back(static_cast<float>(t.active));
        arrivals += static_cast<double>(t.arrivals);
        purchases += static_cast<double>(t.purchases);
        agents_conv.values.push_back(static_cast<float>(arrivals > 0 ? purchases / arrivals : 0));
    }
    Series cohort;
    cohort.label = "cohort / scale";
    cohort.color = IM_COL32(255, 190, 90, 255);
    cohort.values = experiments_.cohort_active;
    Series cohort_conv = cohort;
    cohort_conv.label = "cohort";
    cohort_conv.values = experiments_.cohort_conversion;
    LineChartOptions opt;
    opt.x_label = edited_.time_unit.c_str();
    opt.y_label = "customers in the journey";
    opt.fixed_x = true;
    opt.x_max = static_cast<float>(std::max(1, edited_.ticks));
    const float h = height - ImGui::GetTextLineHeightWithSpacing() * 2;
    line_chart("##cohortactive", ImVec2(w, h), {agents, cohort}, opt);
    ImGui::SameLine();
    opt.y_label = "conversion so far (purchases per arrival)";
    line_chart("##cohortconv", ImVec2(w, h), {agents_conv, cohort_conv}, opt);
}

}  // namespace motsim::app
