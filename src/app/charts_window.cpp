// The charts window: occupancy per phase over time, the funnel per moment, the impression
// histogram, NPS and rating over time, and why customers left. The exact expectation from the
// analysis is drawn beside the sampled values where it applies (dashed lines, "exact" bars).
#include <algorithm>
#include <cstdio>

#include "app/app.h"
#include "app/plot.h"
#include "imgui.h"

namespace motsim::app {

namespace {
const ImU32 kPhaseColors[] = {IM_COL32(120, 170, 255, 255), IM_COL32(255, 190, 90, 255),  IM_COL32(120, 220, 160, 255),
                              IM_COL32(220, 130, 220, 255), IM_COL32(250, 120, 110, 255), IM_COL32(160, 220, 240, 255),
                              IM_COL32(230, 230, 120, 255), IM_COL32(200, 160, 120, 255)};

Series named(std::string label, ImU32 color) {
    Series s;
    s.label = std::move(label);
    s.color = color;
    return s;
}
}  // namespace

void App::draw_charts_window() {
    ImGui::Begin("Charts");
    remember_rect("charts");
    const LiveView& v = run_.view;
    const Scenario& sc = edited_;
    const std::size_t nm = sc.moments.size();
    const std::size_t nt = v.ticks_recorded();
    const ImVec2 size(-1, std::max(60.0f, ImGui::GetContentRegionAvail().y - ImGui::GetFrameHeightWithSpacing() - 4));
    // The exact analysis describes one customer; with constant arrivals its steady state
    // multiplies by the arrival rate. It ignores feedback, which the legend says.
    const bool exact = run_.analysis.ok;
    const char* exact_label = run_.analysis.ignores_feedback ? "exact (no feedback)" : "exact";

    if (ImGui::BeginTabBar("charts")) {
        if (ImGui::BeginTabItem("Flow")) {
            std::vector<Series> series;
            LineChartOptions opt;
            opt.x_label = sc.time_unit.c_str();
            opt.y_label = "customers in each phase (dashed: exact steady state)";
            opt.fixed_x = true;
            opt.x_min = 0;
            opt.x_max = static_cast<float>(std::max(1, sc.ticks));
            for (std::size_t p = 0; p < sc.phases.size(); ++p) {
                Series s;
                s.label = sc.phases[p];
                s.color = kPhaseColors[p % 8];
                bool any = false;
                double expect = 0;
                for (std::size_t m = 0; m < nm; ++m)
                    if (static_cast<std::size_t>(sc.moments[m].phase) == p) {
                        any = true;
                        if (exact)
                            expect += run_.analysis.expected_visits[m] * 0.5 *
                                      (sc.moments[m].dwell_min + sc.moments[m].dwell_max);
                    }
                if (!any) continue;
                s.values.resize(nt);
                for (std::size_t t = 0; t < nt; ++t) {
                    double n = 0;
                    for (std::size_t m = 0; m < nm; ++m)
                        if (static_cast<std::size_t>(sc.moments[m].phase) == p) n += v.occupancy(t, m);
                    s.values[t] = static_cast<float>(n);
                }
                if (exact && sc.arrivals_per_tick > 0 && sc.initial == 0)
                    opt.references.push_back({static_cast<float>(expect * sc.arrivals_per_tick), "", s.color, true});
                series.push_back(std::move(s));
            }
            line_chart("##flow", size, series, opt);
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem("Funnel")) {
            std::vector<std::string> cats;
            Series entered = named("entered", IM_COL32(120, 170, 255, 255));
            Series expected = named(exact_label, IM_COL32(120, 170, 255, 110));
            Series purchased = named("purchased", IM_COL32(120, 220, 160, 255));
            Series lost = named("lost after", IM_COL32(250, 120, 110, 255));
            const double arrivals = v.arrivals;
            for (std::size_t m = 0; m < nm; ++m) {
                cats.push_back(sc.moments[m].name);
                const LiveMoment& st = v.moments[m];
                entered.values.push_back(static_cast<float>(st.entered));
                if (exact) expected.values.push_back(static_cast<float>(run_.analysis.expected_visits[m] * arrivals));
                purchased.values.push_back(static_cast<float>(st.purchases));
                lost.values.push_back(static_cast<float>(st.lost_after));
            }
            std::vector<Series> series{entered};
            if (exact) series.push_back(expected);
            series.push_back(purchased);
            series.push_back(lost);
            BarChartOptions opt;
            opt.y_label = "customers per moment (exact: expected entries for the customers so far)";
            bar_chart("##funnel", size, cats, series, opt);
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem("Impressions")) {
            const float w = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
            HistogramOptions opt;
            opt.show_marker = true;
            opt.marker = static_cast<float>(nt ? v.mean_impression_at(nt - 1) : 0.0);
            opt.marker_label = "mean";
            opt.x_label = "impression of customers in the journey now";
            std::vector<float> live;
            for (double x : v.live_histogram()) live.push_back(static_cast<float>(x));
            histogram("##live", ImVec2(w, size.y), live, opt);
            ImGui::SameLine();
            if (v.individuals()) {
                HistogramOptions done;
                done.x_label = "impression when they left (NPS: 9-10 promoters, 0-6 detractors)";
                histogram("##exit", ImVec2(w, size.y), run_.sim->totals().exit_histogram, done);
            } else {
                ImGui::TextWrapped("The impressions of those who left are kept by the agent engine.");
            }
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem("NPS & rating")) {
            const float w = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
            Series nps = named("NPS", IM_COL32(120, 220, 160, 255));
            Series rating = named("rating", IM_COL32(255, 190, 90, 255));
            for (std::size_t t = 0; t < nt; ++t) {
                nps.values.push_back(static_cast<float>(v.nps_at(t)));
                rating.values.push_back(static_cast<float>(v.rating_at(t)));
            }
            LineChartOptions a;
            a.x_label = sc.time_unit.c_str();
            a.y_label = "NPS (promoters% - detractors%)";
            a.fixed_y = true;
            a.y_min = -100;
            a.y_max = 100;
            a.fixed_x = true;
            a.x_max = static_cast<float>(std::max(1, sc.ticks));
            line_chart("##nps", ImVec2(w, size.y), {nps}, a);
            ImGui::SameLine();
            LineChartOptions b = a;
            b.y_label = "public rating R (reviews read at ZMOT)";
            b.y_min = 0;
            b.y_max = 1;
            b.references.push_back({0.5f, "prior", IM_COL32(160, 160, 160, 255), true});
            line_chart("##rating", ImVec2(w, size.y), {rating}, b);
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem("Why they left")) {
            if (!v.individuals()) {
                ImGui::TextWrapped(
                    "The causes of negative outcomes are drawn per customer by the agent engine: "
                    "switch the engine to agents (Run panel) to see why customers left.");
            } else {
                // Negative outcomes by cause (the seven deadly sins by default), per moment.
                const Simulation& sim = *run_.sim;
                std::vector<std::string> causes;
                for (const Moment& m : sc.moments)
                    for (const Cause& c : m.causes)
                        if (std::find(causes.begin(), causes.end(), c.name) == causes.end()) causes.push_back(c.name);
                std::vector<Series> series;
                for (std::size_t m = 0; m < nm; ++m) {
                    const MomentStats& st = sim.moments()[m];
                    if (st.negative == 0) continue;
                    Series s = named(sc.moments[m].name, kPhaseColors[m % 8]);
                    s.values.assign(causes.size(), 0.0f);
                    for (std::size_t c = 0; c < st.causes.size() && c < sc.moments[m].causes.size(); ++c) {
                        const auto it = std::find(causes.begin(), causes.end(), sc.moments[m].causes[c].name);
                        s.values[static_cast<std::size_t>(it - causes.begin())] += static_cast<float>(st.causes[c]);
                    }
                    series.push_back(std::move(s));
                }
                BarChartOptions opt;
                opt.y_label = "negative outcomes by cause, per moment";
                if (series.empty())
                    ImGui::TextDisabled("No negative outcomes yet.");
                else
                    bar_chart("##why", size, causes, series, opt);
            }
            ImGui::EndTabItem();
        }
        const float h = std::max(60.0f, ImGui::GetContentRegionAvail().y - 2 * ImGui::GetFrameHeightWithSpacing());
        auto flags = [&](ExperimentKind tab) {
            return experiments_.select_tab == tab ? ImGuiTabItemFlags_SetSelected : ImGuiTabItemFlags_None;
        };
        if (ImGui::BeginTabItem("Replications", nullptr, flags(ExperimentKind::Replications))) {
            draw_replications_tab(h);
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem("Sweep", nullptr, flags(ExperimentKind::Sweep))) {
            draw_sweep_tab(h);
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem("Where to invest", nullptr, flags(ExperimentKind::Rank))) {
            draw_rank_tab(h);
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem("Large populations")) {
            draw_cohort_tab(h);
            ImGui::EndTabItem();
        }
        experiments_.select_tab = ExperimentKind::None;
        ImGui::EndTabBar();
    }
    ImGui::End();
}

}  // namespace motsim::app
