// Experiments in the app: replications (per-tick bands and intervals), a one-parameter sweep and
// "where to invest" (a tornado of the simulated effect of improving each moment, beside the
// exact lift). Jobs run in slices of a few milliseconds per frame, so the page never blocks;
// a progress bar and Cancel show while they run. The numbers are the engine's (experiments.h),
// the same whatever the thread count, so the CLI and the app agree for a master seed.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <string>

#include "app/app.h"
#include "app/format.h"
#include "app/guidance.h"
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

// Under the controls: what is left of the tab for its charts.
float chart_height() { return std::max(60.0f, ImGui::GetContentRegionAvail().y - 4.0f); }

// A metric's value as people read it: a share as "56.7 %", NPS as "+12", counts as "8.07 M".
std::string metric_text(Metric m, double v) {
    if (m == Metric::Conversion || m == Metric::Rating) return percent(v);
    if (m == Metric::Nps) return signed_score(v);
    return human_count(v);
}

// The export buttons of a result, on the controls' line when they fit; `remember` records each
// button's rectangle under "<kind>_export_csv" / "<kind>_export_json".
void export_buttons(App& app, const std::string& kind, const std::function<void(const std::string&)>& remember) {
    ImGui::PushID(kind.c_str());
    same_line_if_fits(button_width("Export CSV"));
    if (ImGui::Button("Export CSV")) app.export_data(kind + "_csv");
    remember(kind + "_export_csv");
    same_line_if_fits(button_width("Export JSON"));
    if (ImGui::Button("Export JSON")) app.export_data(kind + "_json");
    remember(kind + "_export_json");
    ImGui::PopID();
}

}  // namespace

void App::draw_replications_tab(float height) {
    (void)height;
    const bool stale = experiments_.replications && experiments_.version != scenario_version_;
    bool cancel = false;
    if (!job_progress(experiments_.job.get(), experiments_.kind, ExperimentKind::Replications, cancel)) {
        ImGui::SetNextItemWidth(120 * ui_scale_);
        ImGui::SliderInt("runs", &experiments_.runs, 5, 200);
        same_line_if_fits(button_width("Run replications"));
        if (ImGui::Button("Run replications")) start_experiment("replicate");
        remember_item("replicate_start");
        if (experiments_.replications) {
            export_buttons(*this, "replications", [this](const std::string& n) { remember_item(n); });
        }
        char seeds[64];
        std::snprintf(seeds, sizeof seeds, "seeds derived from seed %llu", static_cast<unsigned long long>(run_.seed));
        same_line_if_fits(ImGui::CalcTextSize(seeds).x);
        ImGui::AlignTextToFramePadding();
        ImGui::TextDisabled("%s", seeds);
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
    const float height_left = chart_height();
    const float table_w = std::min(300 * ui_scale_, ImGui::GetContentRegionAvail().x * 0.4f);
    ImGui::BeginChild("reptable", ImVec2(table_w, height_left));
    if (ImGui::BeginTable("metrics", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV)) {
        ImGui::TableSetupColumn("metric");
        ImGui::TableSetupColumn("mean (95% interval)");
        ImGui::TableHeadersRow();
        for (int k = 0; k < kMetricCount; ++k) {
            const Metric m = static_cast<Metric>(k);
            const Interval& iv = r.metrics[static_cast<std::size_t>(k)];
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(metric_name(m));
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s, in %s", metric_name(m), io::metric_unit(m));
            ImGui::TableNextColumn();
            ImGui::TextWrapped("%s (%s to %s)", metric_text(m, iv.mean).c_str(), metric_text(m, iv.lo).c_str(),
                               metric_text(m, iv.hi).c_str());
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
    opt.unit = "customers";
    const std::vector<Series> a{band_series("95% of runs", IM_COL32(120, 170, 255, 140), active, false),
                                band_series("50% of runs", IM_COL32(120, 170, 255, 255), active, true)};
    line_chart("##repactive", ImVec2(w, height_left), a, opt);
    ImGui::SameLine();
    LineChartOptions o2 = opt;
    o2.y_label = "NPS: median, 50% and 95% of runs";
    o2.unit = "points";
    o2.value_format = "%+.0f";
    const std::vector<Series> b{band_series("95% of runs", IM_COL32(120, 220, 160, 140), nps, false),
                                band_series("50% of runs", IM_COL32(120, 220, 160, 255), nps, true)};
    line_chart("##repnps", ImVec2(w, height_left), b, o2);
    // The chart data: median and bands per tick.
    io::ChartTable t;
    t.x_name = edited_.time_unit;
    for (std::size_t i = 0; i < active.size(); ++i) t.rows.push_back(std::to_string(i));
    const auto columns = [&](const std::vector<Band>& bands, const std::string& name, const std::string& unit) {
        io::ChartColumn p2{name + " p2.5", unit, {}}, p25{name + " p25", unit, {}}, med{name + " median", unit, {}},
            p75{name + " p75", unit, {}}, p97{name + " p97.5", unit, {}};
        for (const Band& x : bands) {
            p2.values.push_back(x.p2_5);
            p25.values.push_back(x.p25);
            med.values.push_back(x.median);
            p75.values.push_back(x.p75);
            p97.values.push_back(x.p97_5);
        }
        for (io::ChartColumn* c : {&p2, &p25, &med, &p75, &p97}) t.columns.push_back(std::move(*c));
    };
    columns(active, "in the journey", "customers");
    columns(nps, "NPS", "points");
    chart_table_ = std::move(t);
    chart_table_what_ = "replications-bands";
}

void App::draw_sweep_tab(float height) {
    (void)height;
    const Moment* sel = edited_.moments.empty() ? nullptr : &edited_.moments[static_cast<std::size_t>(selected_)];
    bool cancel = false;
    if (!job_progress(experiments_.job.get(), experiments_.kind, ExperimentKind::Sweep, cancel)) {
        // Each control on this line while it fits, else on the next: the Sweep button is
        // always on screen, however narrow the window.
        ImGui::SetNextItemWidth(100 * ui_scale_);
        ImGui::Combo("##field", &experiments_.sweep_field, kSweepFields, 3);
        const std::string of = std::string("odds of ") + (sel ? sel->name : "") + " from";
        same_line_if_fits(ImGui::CalcTextSize(of.c_str()).x);
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(of.c_str());
        same_line_if_fits(160 * ui_scale_);
        ImGui::SetNextItemWidth(160 * ui_scale_);
        ImGui::DragFloatRange2("##range", &experiments_.sweep_lo, &experiments_.sweep_hi, 0.01f, 0.0f, 1.0f, "%.2f",
                               "%.2f");
        same_line_if_fits(labelled_width(90 * ui_scale_, "points"));
        ImGui::SetNextItemWidth(90 * ui_scale_);
        ImGui::SliderInt("points", &experiments_.sweep_steps, 2, 20);
        same_line_if_fits(labelled_width(90 * ui_scale_, "runs each"));
        ImGui::SetNextItemWidth(90 * ui_scale_);
        ImGui::SliderInt("runs each", &experiments_.runs, 5, 200);
        same_line_if_fits(button_width("Sweep"));
        if (ImGui::Button("Sweep")) start_experiment("sweep");
        remember_item("sweep_start");
        if (experiments_.sweep && !experiments_.sweep->axes.empty()) {
            export_buttons(*this, "sweep", [this](const std::string& n) { remember_item(n); });
        }
    }
    if (cancel) cancel_experiments();
    if (!experiments_.sweep || experiments_.sweep->axes.empty()) {
        ImGui::TextWrapped(
            "A sweep runs the scenario at each value of one parameter (with replications at each "
            "point) and plots conversion and NPS against it, with 95%% intervals.");
        return;
    }
    const SweepResult& r = *experiments_.sweep;
    if (experiments_.version != scenario_version_)
        ImGui::TextColored({1, 0.7f, 0.3f, 1}, "The scenario changed since this sweep: sweep again.");
    const float h = chart_height();
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
    opt.value_format = "%.3f";
    line_chart("##sweepconv", ImVec2(w, h),
               {metric_series(Metric::Conversion, "conversion", IM_COL32(120, 170, 255, 255))}, opt);
    ImGui::SameLine();
    opt.y_label = "NPS, 95% interval";
    opt.include_zero = false;
    opt.value_format = "%+.1f";
    opt.unit = "points";
    line_chart("##sweepnps", ImVec2(w, h), {metric_series(Metric::Nps, "NPS", IM_COL32(120, 220, 160, 255))}, opt);
    io::ChartTable t;
    t.x_name = r.axes[0].path;
    for (double x : xs) {
        char b[32];
        std::snprintf(b, sizeof b, "%.6g", x);
        t.rows.push_back(b);
    }
    for (Metric m : {Metric::Conversion, Metric::Nps}) {
        io::ChartColumn mean{metric_name(m), io::metric_unit(m), {}},
            lo{std::string(metric_name(m)) + " lo", io::metric_unit(m), {}},
            hi{std::string(metric_name(m)) + " hi", io::metric_unit(m), {}};
        for (const SweepPoint& p : r.points) {
            mean.values.push_back(p.metric(m).mean);
            lo.values.push_back(p.metric(m).lo);
            hi.values.push_back(p.metric(m).hi);
        }
        for (io::ChartColumn* c : {&mean, &lo, &hi}) t.columns.push_back(std::move(*c));
    }
    chart_table_ = std::move(t);
    std::string path = r.axes[0].path;
    if (path.rfind("/moments/", 0) == 0) path = path.substr(9);
    chart_table_what_ = "sweep-chart-" + path;
}

void App::draw_rank_tab(float height) {
    (void)height;
    bool cancel = false;
    if (!job_progress(experiments_.job.get(), experiments_.kind, ExperimentKind::Rank, cancel)) {
        ImGui::SetNextItemWidth(120 * ui_scale_);
        ImGui::SliderFloat("improve p+ by", &experiments_.rank_delta, 0.01f, 0.3f, "%.2f");
        same_line_if_fits(labelled_width(100 * ui_scale_, "runs"));
        ImGui::SetNextItemWidth(100 * ui_scale_);
        ImGui::SliderInt("runs", &experiments_.runs, 5, 200);
        if (edited_.money.enabled) {
            // v2 money: rank by purchases, or by profit gained per unit of improvement cost.
            const char* by[] = {"purchases per customer", "profit per improvement cost"};
            same_line_if_fits(labelled_width(210 * ui_scale_, "rank by"));
            ImGui::SetNextItemWidth(210 * ui_scale_);
            ImGui::Combo("rank by", &experiments_.rank_by, by, 2);
            remember_item("rank_by");
            if (ImGui::IsItemHovered())
                ImGui::SetTooltip(
                    "Profit per improvement cost: each moment with an improvement cost is improved, and the "
                    "profit it adds over the paired runs is divided by what the improvement costs.");
        }
        same_line_if_fits(button_width("Rank the moments"));
        if (ImGui::Button("Rank the moments")) start_experiment("rank");
        remember_item("rank_start");
        if (experiments_.rank) {
            export_buttons(*this, "rank", [this](const std::string& n) { remember_item(n); });
        }
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
    if (r.by == RankBy::Profit) {
        draw_rank_by_profit(r);
        return;
    }
    // A tornado: one bar per moment, largest effect on top, whiskers for the 95% interval, a
    // diamond for the exact (memoryless) effect.
    std::vector<TornadoRow> rows;
    io::ChartTable t;
    t.x_name = "moment";
    io::ChartColumn effect{"simulated effect", r.objective + " per customer", {}},
        lo{"effect lo (95%)", r.objective + " per customer", {}},
        hi{"effect hi (95%)", r.objective + " per customer", {}},
        exact{"exact effect (no feedback)", r.objective + " per customer", {}};
    for (std::size_t k = 0; k < r.entries.size(); ++k) {
        const RankEntry& e = r.entries[k];
        const int mi = e.moment;
        const std::string& name = mi >= 0 && static_cast<std::size_t>(mi) < edited_.moments.size()
                                      ? edited_.moments[static_cast<std::size_t>(mi)].name
                                      : e.id;
        TornadoRow row;
        row.label = std::to_string(k + 1) + ". " + name;
        row.value = static_cast<float>(e.effect.mean);
        row.lower = static_cast<float>(e.effect.lo);
        row.upper = static_cast<float>(e.effect.hi);
        row.marker = static_cast<float>(e.exact_effect);
        char tip[512];
        std::snprintf(tip, sizeof tip,
                      "%s: positive odds +%.2f (%.2f to %.2f)\n"
                      "simulated effect on %s per customer: %+.4f (95%% interval %+.4f to %+.4f)\n"
                      "exact effect (no feedback): %+.4f   lift %.4f   removal effect %.1f %%",
                      name.c_str(), r.delta, e.positive_before, e.positive_after, r.objective.c_str(), e.effect.mean,
                      e.effect.lo, e.effect.hi, e.exact_effect, e.lift, 100 * e.removal_effect);
        row.tooltip = tip;
        rows.push_back(std::move(row));
        t.rows.push_back(name);
        effect.values.push_back(e.effect.mean);
        lo.values.push_back(e.effect.lo);
        hi.values.push_back(e.effect.hi);
        exact.values.push_back(e.exact_effect);
    }
    char axis[200];
    std::snprintf(axis, sizeof axis, "effect on %s per customer of raising the positive odds by %.2f (%d paired runs)",
                  r.objective.c_str(), r.delta, r.runs);
    TornadoOptions opt;
    opt.x_label = axis;
    opt.bar = "simulated effect (mean)";
    opt.whiskers = "95% interval";
    opt.marker = "exact effect (no feedback)";
    tornado_chart("##tornado", ImVec2(-1, chart_height()), rows, opt);
    t.columns = {effect, lo, hi, exact};
    chart_table_ = std::move(t);
    chart_table_what_ = "where-to-invest-chart";
}

void App::draw_cohort_tab(float height) {
    // The cohort engine moves counts (per moment, dwell, segment and impression) instead of
    // customers, so a city of customers takes milliseconds. Same scenario, same rules.
    ImGui::SetNextItemWidth(150 * ui_scale_);
    const char* scales[] = {"x1", "x10", "x100", "x1,000", "x10,000", "x100,000"};
    ImGui::Combo("arrivals", &experiments_.cohort_scale, scales, 6);
    // Expected values are the exact mean of random runs only without feedback loops (guidance.h).
    const char* expected = expected_is_approximate(edited_) ? "expected values (mean-field approximation)"
                                                            : "expected values (no randomness, exact mean)";
    same_line_if_fits(labelled_width(ImGui::GetFrameHeight(), expected));
    ImGui::Checkbox(expected, &experiments_.cohort_expected);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", expected_values_tip(edited_));
    ExperimentRoom& x = experiments_;
    same_line_if_fits(x.large_run ? 200 * ui_scale_ : button_width("Run with the cohort engine"));
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
    opt.unit = "customers";
    opt.fixed_x = true;
    opt.x_max = static_cast<float>(std::max(1, edited_.ticks));
    (void)height;
    const float h = chart_height();
    line_chart("##cohortactive", ImVec2(w, h), {agents, cohort}, opt);
    ImGui::SameLine();
    opt.y_label = "conversion so far (purchases per arrival)";
    line_chart("##cohortconv", ImVec2(w, h), {agents_conv, cohort_conv}, opt);
}

}  // namespace motsim::app

namespace motsim::app {

// "Where to invest" by profit (v2 money): profit gained per unit of improvement cost, each moment
// with an improvement cost improved by the same step; whiskers the paired runs' 95% interval.
void App::draw_rank_by_profit(const RankResult& r) {
    const std::string& cur = edited_.money.currency;
    std::vector<TornadoRow> rows;
    io::ChartTable t;
    t.x_name = "moment";
    io::ChartColumn per{"profit per improvement cost", cur + " per " + cur, {}},
        lo{"per cost lo (95%)", cur + " per " + cur, {}}, hi{"per cost hi (95%)", cur + " per " + cur, {}},
        gain{"profit gained", cur, {}}, cost{"improvement cost", cur, {}};
    for (std::size_t k = 0; k < r.entries.size(); ++k) {
        const RankEntry& e = r.entries[k];
        const int mi = e.moment;
        const std::string& name = mi >= 0 && static_cast<std::size_t>(mi) < edited_.moments.size()
                                      ? edited_.moments[static_cast<std::size_t>(mi)].name
                                      : e.id;
        TornadoRow row;
        row.label = std::to_string(k + 1) + ". " + name;
        row.value = static_cast<float>(e.profit_per_cost.mean);
        row.lower = static_cast<float>(e.profit_per_cost.lo);
        row.upper = static_cast<float>(e.profit_per_cost.hi);
        row.marker = std::numeric_limits<float>::quiet_NaN();
        char tip[512];
        std::snprintf(tip, sizeof tip,
                      "%s: positive odds +%.2f (%.2f to %.2f) for %s\n"
                      "profit gained over the run: %s (95%% interval %s to %s)\n"
                      "per %s spent: %+.2f (95%% interval %+.2f to %+.2f)",
                      name.c_str(), r.delta, e.positive_before, e.positive_after,
                      human_amount(e.improve_cost, cur).c_str(), human_amount(e.profit_gain.mean, cur).c_str(),
                      human_amount(e.profit_gain.lo, cur).c_str(), human_amount(e.profit_gain.hi, cur).c_str(),
                      cur.c_str(), e.profit_per_cost.mean, e.profit_per_cost.lo, e.profit_per_cost.hi);
        row.tooltip = tip;
        rows.push_back(std::move(row));
        t.rows.push_back(name);
        per.values.push_back(e.profit_per_cost.mean);
        lo.values.push_back(e.profit_per_cost.lo);
        hi.values.push_back(e.profit_per_cost.hi);
        gain.values.push_back(e.profit_gain.mean);
        cost.values.push_back(e.improve_cost);
    }
    if (rows.empty()) {
        ImGui::TextWrapped(
            "No moment has an improvement cost (cost.improve in the journey), so there is nothing to rank by "
            "profit per cost.");
    } else {
        char axis[200];
        std::snprintf(axis, sizeof axis,
                      "profit gained per %s of improvement cost, positive odds +%.2f (%d paired runs)", cur.c_str(),
                      r.delta, r.runs);
        TornadoOptions opt;
        opt.x_label = axis;
        opt.bar = "profit per cost (mean)";
        opt.whiskers = "95% interval";
        opt.value_format = "%+.2f";
        tornado_chart("##tornado_profit", ImVec2(-1, chart_height()), rows, opt);
    }
    t.columns = {per, lo, hi, gain, cost};
    chart_table_ = std::move(t);
    chart_table_what_ = "where-to-invest-by-profit-chart";
}

}  // namespace motsim::app
