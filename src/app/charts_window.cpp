// The charts window: occupancy per phase over time, the funnel per moment, the impression
// histogram, NPS and rating over time, why customers left, the comparison with baselines, and
// the experiments' tabs. The exact expectation from the analysis is drawn beside the sampled
// values where it applies (dashed lines, "exact" bars); pinned baselines and earlier runs
// (compare.h) are drawn thin and dashed behind the current run, or as outlines over its bars.
// Every chart tab leaves its data in chart_table_, which "Export chart data" saves as CSV.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "app/app.h"
#include "app/format.h"
#include "app/plot.h"
#include "app/plot_math.h"
#include "imgui.h"

namespace motsim::app {

namespace {
const ImU32 kPhaseColors[] = {IM_COL32(120, 170, 255, 255), IM_COL32(255, 190, 90, 255),  IM_COL32(120, 220, 160, 255),
                              IM_COL32(220, 130, 220, 255), IM_COL32(250, 120, 110, 255), IM_COL32(160, 220, 240, 255),
                              IM_COL32(230, 230, 120, 255), IM_COL32(200, 160, 120, 255)};
// Kept runs, newest brightest: a colour each where a chart has one line per run.
const ImU32 kRunColors[] = {IM_COL32(235, 235, 245, 220), IM_COL32(190, 160, 250, 220), IM_COL32(250, 170, 120, 220),
                            IM_COL32(150, 210, 250, 220), IM_COL32(240, 150, 200, 220), IM_COL32(200, 200, 140, 220)};
constexpr float kBaselineWidth = 1.2f;

Series named(std::string label, ImU32 color) {
    Series s;
    s.label = std::move(label);
    s.color = color;
    return s;
}

// The same colour, fainter: a baseline's line in a series' colour.
ImU32 faint(ImU32 color) { return (color & ~IM_COL32_A_MASK) | (150u << IM_COL32_A_SHIFT); }

// A legend-only entry for a kept run (its lines carry no legend of their own).
Series run_legend(const RunSnapshot& r, const std::string& scenario, ImU32 color) {
    Series s = named(r.short_label(scenario), color);
    s.dashed = true;
    s.thickness = kBaselineWidth;
    s.tooltip = false;
    return s;
}

// Per-tick series as a table: the x column counts ticks.
io::ChartTable tick_table(const std::string& time_unit, const std::vector<Series>& series, const char* unit) {
    io::ChartTable t;
    t.x_name = time_unit;
    std::size_t n = 0;
    for (const Series& s : series) n = std::max(n, s.values.size());
    for (std::size_t i = 0; i < n; ++i) t.rows.push_back(std::to_string(i));  // value i is tick i
    for (const Series& s : series) {
        if (s.values.empty()) continue;  // a legend-only entry
        io::ChartColumn c{s.label, unit ? unit : "", {}};
        for (float v : s.values) c.values.push_back(v);
        t.columns.push_back(std::move(c));
    }
    return t;
}
}  // namespace

void App::draw_charts_window() {
    ImGui::Begin("Charts");
    remember_rect("charts");
    const LiveView& v = run_.view;
    const Scenario& sc = edited_;
    const std::size_t nm = sc.moments.size();
    const std::size_t nt = v.ticks_recorded();
    // The exact analysis describes one customer; with constant arrivals its steady state
    // multiplies by the arrival rate. It ignores feedback, which the legend says.
    const bool exact = run_.analysis.ok;
    const char* exact_label = run_.analysis.ignores_feedback ? "exact (no feedback)" : "exact";
    const std::vector<RunSnapshot>& kept = compare_.runs;
    const float tick_max = static_cast<float>(std::max(1, sc.ticks));

    // ---- compare and export: pin, clear, this chart's data ----------------------------------------
    if (ImGui::Button("Pin as baseline")) pin_baseline();
    remember_item("pin_baseline");
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Keep this run to compare with: the charts draw it dashed behind the runs that follow");
    ImGui::BeginDisabled(kept.empty());
    same_line_if_fits(button_width("Clear baselines"));
    if (ImGui::Button("Clear baselines")) clear_baselines();
    remember_item("clear_baselines");
    ImGui::EndDisabled();
    ImGui::BeginDisabled(chart_table_.columns.empty());
    same_line_if_fits(button_width("Export chart data (CSV)"));
    if (ImGui::Button("Export chart data (CSV)")) export_data("chart");
    remember_item("export_chart");
    ImGui::EndDisabled();
    if (const RunSnapshot* ref = compare_.reference()) {
        // The headline difference beside the buttons; the Compare tab has the rest.
        char line[160];
        std::snprintf(line, sizeof line, "conversion %s vs %s",
                      percent(v.arrivals > 0 ? v.purchases / v.arrivals : 0.0).c_str(),
                      ref->pinned ? "baseline" : "earlier run");
        const std::string diff = points_difference(v.arrivals > 0 ? v.purchases / v.arrivals : 0.0, ref->conversion());
        const std::string text = std::string(line) + ": " + diff;
        same_line_if_fits(ImGui::CalcTextSize(text.c_str()).x);
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(text.c_str());
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", ref->label.c_str());
    }

    const ImVec2 size(-1, std::max(60.0f, ImGui::GetContentRegionAvail().y - ImGui::GetFrameHeightWithSpacing() - 4));
    // Tabs keep their whole labels: when they do not fit they scroll, with a list of all of them.
    // A tab whose rectangle the page and tests can ask for (widget("tab_sweep")).
    const auto tab = [this](const char* label, const char* name, ImGuiTabItemFlags flags = 0) {
        const bool open = ImGui::BeginTabItem(label, nullptr, flags);
        remember_item(name);
        return open;
    };
    if (ImGui::BeginTabBar("charts", ImGuiTabBarFlags_FittingPolicyScroll | ImGuiTabBarFlags_TabListPopupButton)) {
        if (tab("Flow", "tab_flow")) {
            std::vector<Series> series;
            LineChartOptions opt;
            opt.x_label = sc.time_unit.c_str();
            opt.y_label = "customers in each phase (dashed: exact steady state)";
            opt.unit = "customers";
            opt.fixed_x = true;
            opt.x_min = 0;
            opt.x_max = tick_max;
            // Kept runs first, so the current run is drawn over them.
            const bool many = kept.size() * sc.phases.size() > 6;  // too many tooltip lines: the legend names them
            for (std::size_t k = 0; k < kept.size(); ++k)
                series.push_back(run_legend(kept[k], sc.name, kRunColors[k % 6]));
            std::vector<Series> current;
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
                if (exact && sc.arrivals_per_tick > 0 && sc.initial == 0) {
                    RefLine r{static_cast<float>(expect * sc.arrivals_per_tick), sc.phases[p] + " (exact steady state)",
                              s.color, true};
                    r.label_on_plot = false;
                    opt.references.push_back(r);
                }
                for (const RunSnapshot& r : kept) {
                    const int q = r.phase_index(sc.phases[p]);
                    if (q < 0) continue;
                    Series b = named(sc.phases[p] + " - " + r.tag, faint(s.color));
                    b.values = r.phase_series[static_cast<std::size_t>(q)];
                    b.dashed = true;
                    b.thickness = kBaselineWidth;
                    b.legend = false;
                    b.tooltip = !many;
                    series.push_back(std::move(b));
                }
                current.push_back(std::move(s));
            }
            for (Series& s : current) series.push_back(std::move(s));
            line_chart("##flow", size, series, opt);
            chart_table_ = tick_table(sc.time_unit, series, "customers");
            chart_table_what_ = "flow";
            ImGui::EndTabItem();
        }
        if (tab("Funnel", "tab_funnel")) {
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
            const int purchased_at = static_cast<int>(series.size());
            series.push_back(purchased);
            series.push_back(lost);
            // Each kept run as outlines over the bars it compares with, matched by moment id.
            for (std::size_t k = 0; k < kept.size(); ++k) {
                const RunSnapshot& r = kept[k];
                Series be = named("entered - " + r.short_label(sc.name), kRunColors[k % 6]);
                Series bp = named("purchased - " + r.tag, kRunColors[k % 6]);
                be.overlay_of = 0;
                bp.overlay_of = purchased_at;
                bp.legend = false;
                for (std::size_t m = 0; m < nm; ++m) {
                    const int q = r.moment_index(sc.moments[m].id);
                    const float nan = std::numeric_limits<float>::quiet_NaN();
                    be.values.push_back(q < 0 ? nan
                                              : static_cast<float>(r.moments[static_cast<std::size_t>(q)].entered));
                    bp.values.push_back(q < 0 ? nan
                                              : static_cast<float>(r.moments[static_cast<std::size_t>(q)].purchases));
                }
                series.push_back(std::move(be));
                series.push_back(std::move(bp));
            }
            BarChartOptions opt;
            opt.y_label = "customers per moment (exact: expected entries for the customers so far)";
            opt.unit = "customers";
            bar_chart("##funnel", size, cats, series, opt);
            io::ChartTable t;
            t.x_name = "moment";
            t.rows = cats;
            for (const Series& s : series)
                t.columns.push_back({s.label, "customers", {s.values.begin(), s.values.end()}});
            chart_table_ = std::move(t);
            chart_table_what_ = "funnel";
            ImGui::EndTabItem();
        }
        if (tab("Impressions", "tab_impressions")) {
            const float w = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
            HistogramOptions opt;
            opt.show_marker = true;
            opt.marker = static_cast<float>(nt ? v.mean_impression_at(nt - 1) : 0.0);
            opt.marker_label = "mean";
            opt.x_label = "impression of those in the journey now";
            std::vector<float> live;
            for (double x : v.live_histogram()) live.push_back(static_cast<float>(x));
            histogram("##live", ImVec2(w, size.y), live, opt);
            io::ChartTable t;
            t.x_name = "impression bin";
            const std::size_t bins = live.size();
            for (std::size_t k = 0; k < bins; ++k) {
                char b[48];
                std::snprintf(b, sizeof b, "%+.2f to %+.2f",
                              -1.0 + 2.0 * static_cast<double>(k) / static_cast<double>(bins),
                              -1.0 + 2.0 * static_cast<double>(k + 1) / static_cast<double>(bins));
                t.rows.push_back(b);
            }
            t.columns.push_back({"in the journey now", "customers", {live.begin(), live.end()}});
            ImGui::SameLine();
            if (v.individuals()) {
                HistogramOptions done;
                done.x_label = "impression when they left (NPS: 9-10 promoters, 0-6 detractors)";
                const auto& exits = run_.sim->totals().exit_histogram;
                histogram("##exit", ImVec2(w, size.y), exits, done);
                io::ChartColumn col{"when they left", "customers", {}};
                for (std::int64_t n : exits) col.values.push_back(static_cast<double>(n));
                t.columns.push_back(std::move(col));
            } else {
                ImGui::TextWrapped("The impressions of those who left are kept by the agent engine.");
            }
            chart_table_ = std::move(t);
            chart_table_what_ = "impressions-" + sc.time_unit + std::to_string(v.tick);
            ImGui::EndTabItem();
        }
        if (tab("NPS & rating", "tab_nps")) {
            const float w = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
            // NPS is undefined until somebody has left (been asked): a gap, not 0 or -100.
            std::vector<Series> nps_series, rating_series;
            for (std::size_t k = 0; k < kept.size(); ++k) {
                const RunSnapshot& r = kept[k];
                Series a = named("NPS - " + r.short_label(sc.name), kRunColors[k % 6]);
                a.values = r.nps_series;
                a.dashed = true;
                a.thickness = kBaselineWidth;
                Series b = named("rating - " + r.short_label(sc.name), kRunColors[k % 6]);
                b.values = r.rating_series;
                b.dashed = true;
                b.thickness = kBaselineWidth;
                nps_series.push_back(std::move(a));
                rating_series.push_back(std::move(b));
            }
            Series nps = named("NPS", IM_COL32(120, 220, 160, 255));
            Series rating = named("rating", IM_COL32(255, 190, 90, 255));
            nps.values = nps_series_of(v);
            for (std::size_t t = 0; t < nt; ++t) rating.values.push_back(static_cast<float>(v.rating_at(t)));
            nps_series.push_back(nps);
            rating_series.push_back(rating);
            LineChartOptions a;
            a.x_label = sc.time_unit.c_str();
            a.y_label = "NPS (% promoters - % detractors; none until someone leaves)";
            a.unit = "points";
            a.value_format = "%+.0f";
            a.fixed_y = true;
            a.y_min = -100;
            a.y_max = 100;
            a.fixed_x = true;
            a.x_max = tick_max;
            line_chart("##nps", ImVec2(w, size.y), nps_series, a);
            ImGui::SameLine();
            LineChartOptions b = a;
            b.y_label = "public rating R (share of positive reviews)";
            b.unit = nullptr;
            b.value_format = "%.3f";
            b.y_min = 0;
            b.y_max = 1;
            b.references.push_back({0.5f, "prior", IM_COL32(160, 160, 160, 255), true});
            line_chart("##rating", ImVec2(w, size.y), rating_series, b);
            io::ChartTable t = tick_table(sc.time_unit, nps_series, "points");
            for (io::ChartColumn& c : tick_table(sc.time_unit, rating_series, "0 to 1").columns)
                t.columns.push_back(std::move(c));
            chart_table_ = std::move(t);
            chart_table_what_ = "nps-rating";
            ImGui::EndTabItem();
        }
        if (sc.market.enabled && tab("Adoption", "tab_adoption")) {
            draw_adoption_tab(size.y);
            ImGui::EndTabItem();
        }
        if (sc.loyalty.enabled && tab("Retention", "tab_retention")) {
            draw_retention_tab(size.y);
            ImGui::EndTabItem();
        }
        if (tab("Why they left", "tab_why")) {
            if (!v.individuals()) {
                ImGui::TextWrapped(
                    "The causes of negative outcomes are drawn per customer by the agent engine: "
                    "switch the engine to agents (Run panel) to see why customers left.");
                chart_table_ = {};
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
                opt.unit = "negative outcomes";
                if (series.empty())
                    ImGui::TextDisabled("No negative outcomes yet.");
                else
                    bar_chart("##why", size, causes, series, opt);
                io::ChartTable t;
                t.x_name = "cause";
                t.rows = causes;
                for (const Series& s : series)
                    t.columns.push_back({s.label, "negative outcomes", {s.values.begin(), s.values.end()}});
                chart_table_ = std::move(t);
            }
            chart_table_what_ = "why-they-left";
            ImGui::EndTabItem();
        }
        if (tab("Compare", "tab_compare")) {
            draw_compare_tab(size.y);
            ImGui::EndTabItem();
        }
        const float h = std::max(60.0f, ImGui::GetContentRegionAvail().y - 2 * ImGui::GetFrameHeightWithSpacing());
        auto flags = [&](ExperimentKind kind) {
            return experiments_.select_tab == kind ? ImGuiTabItemFlags_SetSelected : ImGuiTabItemFlags_None;
        };
        if (tab("Replications", "tab_replications", flags(ExperimentKind::Replications))) {
            draw_replications_tab(h);
            ImGui::EndTabItem();
        }
        if (tab("Sweep", "tab_sweep", flags(ExperimentKind::Sweep))) {
            draw_sweep_tab(h);
            ImGui::EndTabItem();
        }
        if (tab("Where to invest", "tab_rank", flags(ExperimentKind::Rank))) {
            draw_rank_tab(h);
            ImGui::EndTabItem();
        }
        if (tab("Large populations", "tab_large")) {
            draw_cohort_tab(h);
            ImGui::EndTabItem();
        }
        experiments_.select_tab = ExperimentKind::None;
        ImGui::EndTabBar();
    }
    ImGui::End();
}

// The Adoption tab (a market): the cumulative share of the market reached, its advocates and
// critics, beside the Bass curve for the same p and q; new customers per tick beside the Bass
// model's.
void App::draw_adoption_tab(float height) {
    const LiveView& v = run_.view;
    const Scenario& sc = edited_;
    const std::size_t nt = v.ticks_recorded();
    // The market the engine runs (the live view runs a very large market scaled down).
    const Market& mk = v.individuals() && run_.sim ? run_.sim->scenario().market : sc.market;
    const double size = static_cast<double>(std::max<std::int64_t>(1, mk.size));
    const float w = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
    char bass_label[96];
    std::snprintf(bass_label, sizeof bass_label, "Bass model (p %.4g, q %.4g)", mk.advertising, mk.word_of_mouth);
    Series reached = named("reached", IM_COL32(120, 170, 255, 255));
    Series bass = named(bass_label, IM_COL32(200, 200, 200, 220));
    bass.dashed = true;
    Series adv = named("advocates", IM_COL32(120, 220, 160, 255));
    Series crit = named("critics", IM_COL32(250, 120, 110, 255));
    Series fresh = named("new customers", IM_COL32(120, 170, 255, 255));
    Series bass_new = named(bass_label, IM_COL32(200, 200, 200, 220));
    bass_new.dashed = true;
    double cumulative = 0;
    const double initial = static_cast<double>(sc.initial);
    for (std::size_t t = 0; t < nt; ++t) {
        const double arrived = v.arrivals_at(t) - (t == 0 ? std::min(initial, v.arrivals_at(t)) : 0.0);
        cumulative += v.arrivals_at(t);
        reached.values.push_back(static_cast<float>(100.0 * cumulative / size));
        adv.values.push_back(static_cast<float>(100.0 * v.market_advocates_at(t) / size));
        crit.values.push_back(static_cast<float>(100.0 * v.market_critics_at(t) / size));
        fresh.values.push_back(static_cast<float>(arrived));
    }
    // The Bass curve over the whole run, so the run's line walks along it.
    const std::size_t all = static_cast<std::size_t>(std::max(1, sc.ticks));
    for (std::size_t t = 0; t < all; ++t) {
        const double f1 = bass_share(mk.advertising, mk.word_of_mouth, static_cast<double>(t + 1));
        const double f0 = bass_share(mk.advertising, mk.word_of_mouth, static_cast<double>(t));
        bass.values.push_back(static_cast<float>(100.0 * f1));
        bass_new.values.push_back(static_cast<float>(size * (f1 - f0)));
    }
    LineChartOptions a;
    a.x_label = sc.time_unit.c_str();
    a.y_label = "share of the market (%): reached so far, advocates, critics";
    a.unit = "% of the market";
    a.value_format = "%.1f";
    a.fixed_x = true;
    a.x_max = static_cast<float>(std::max(1, sc.ticks));
    const std::vector<Series> shares{bass, reached, adv, crit};
    line_chart("##adoption", ImVec2(w, height), shares, a);
    ImGui::SameLine();
    LineChartOptions b = a;
    b.y_label = "new customers per tick (the Bass model's beside)";
    b.unit = "customers";
    b.value_format = nullptr;
    const std::vector<Series> counts{bass_new, fresh};
    line_chart("##arrivals", ImVec2(w, height), counts, b);
    io::ChartTable t = tick_table(sc.time_unit, shares, "% of the market");
    for (io::ChartColumn& c : tick_table(sc.time_unit, counts, "customers").columns) {
        c.name += " (new per tick)";
        t.columns.push_back(std::move(c));
    }
    chart_table_ = std::move(t);
    chart_table_what_ = "adoption";
}

// The Retention tab (loyalty): comebacks per tick and customers waiting to come back; the
// buyers' shares with 1, 2 and 3 or more purchases.
void App::draw_retention_tab(float height) {
    const LiveView& v = run_.view;
    const Scenario& sc = edited_;
    const std::size_t nt = v.ticks_recorded();
    const float w = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) * 0.5f;
    Series back = named("returns per tick", IM_COL32(120, 220, 160, 255));
    Series waiting = named("waiting to come back", IM_COL32(255, 190, 90, 255));
    for (std::size_t t = 0; t < nt; ++t) {
        back.values.push_back(static_cast<float>(v.returns_at(t)));
        waiting.values.push_back(static_cast<float>(v.waiting_at(t)));
    }
    LineChartOptions a;
    a.x_label = sc.time_unit.c_str();
    a.y_label = "customers coming back (per tick) and waiting to";
    a.unit = "customers";
    a.fixed_x = true;
    a.x_max = static_cast<float>(std::max(1, sc.ticks));
    const std::vector<Series> lines{back, waiting};
    line_chart("##retention", ImVec2(w, height), lines, a);
    ImGui::SameLine();
    const double b = v.buyers[0];
    const std::vector<std::string> cats{"1 purchase", "2 purchases", "3 or more"};
    Series shares = named("share of buyers", IM_COL32(120, 170, 255, 255));
    for (double x : {v.buyers[0] - v.buyers[1], v.buyers[1] - v.buyers[2], v.buyers[2]})
        shares.values.push_back(static_cast<float>(b > 0 ? 100.0 * x / b : 0.0));
    BarChartOptions o;
    o.y_label = "buyers by their number of purchases (%)";
    o.unit = "% of buyers";
    o.value_format = "%.1f";
    if (b > 0)
        bar_chart("##repeat", ImVec2(w, height), cats, {shares}, o);
    else
        ImGui::TextWrapped("No buyers yet: the shares of buyers with 1, 2 and 3 or more purchases appear here.");
    io::ChartTable t = tick_table(sc.time_unit, lines, "customers");
    chart_table_ = std::move(t);
    chart_table_what_ = "retention";
}

// The Compare tab: this run beside each kept run, with the differences in numbers.
void App::draw_compare_tab(float height) {
    const LiveView& v = run_.view;
    const std::vector<RunSnapshot>& kept = compare_.runs;
    io::ChartTable t;
    t.x_name = "run";
    chart_table_what_ = "compare";
    if (kept.empty()) {
        ImGui::TextWrapped(
            "Pin this run as a baseline (the button above), change something and run again: the charts "
            "draw the baseline dashed behind the new run, and this tab gives the differences. The last %d "
            "runs before a restart are kept here too.",
            static_cast<int>(CompareRoom::kMaxEarlier));
        chart_table_ = t;
        return;
    }
    const double conv = v.arrivals > 0 ? v.purchases / v.arrivals : 0.0;
    const bool nps_now = v.done + v.lost > 0 && std::isfinite(v.nps);
    ImGui::BeginChild("compare", ImVec2(0, height), false, ImGuiWindowFlags_HorizontalScrollbar);
    const ImGuiTableFlags flags =
        ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingFixedFit;
    if (ImGui::BeginTable("runs", 5, flags)) {
        ImGui::TableSetupColumn("run", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableSetupColumn("conversion");
        ImGui::TableSetupColumn("purchases");
        ImGui::TableSetupColumn("NPS");
        ImGui::TableSetupColumn("rating");
        ImGui::TableHeadersRow();
        const auto row = [&](const std::string& label, const std::string c, const std::string p, const std::string n,
                             const std::string r, bool dim) {
            ImGui::TableNextRow();
            for (const std::string* s : {&label, &c, &p, &n, &r}) {
                ImGui::TableNextColumn();
                if (dim)
                    ImGui::TextDisabled("%s", s->c_str());
                else
                    ImGui::TextWrapped("%s", s->c_str());
            }
        };
        row("This run: " + run_description(edited_, run_.seed, v.tick), percent(conv), human_count(v.purchases),
            nps_now ? signed_score(v.nps) : "-", percent(v.rating), false);
        io::ChartColumn cc{"conversion", "purchases per arrival", {conv}}, pc{"purchases", "purchases", {v.purchases}},
            nc{"NPS", "points", {nps_now ? v.nps : std::nan("")}}, rc{"rating", "0 to 1", {v.rating}};
        t.rows.push_back("This run: " + run_description(edited_, run_.seed, v.tick));
        for (const RunSnapshot& b : kept) {
            row(b.label, percent(b.conversion()), human_count(b.purchases), b.nps_defined ? signed_score(b.nps) : "-",
                percent(b.rating), false);
            // The differences, this run minus that one.
            row("   this run's difference", points_difference(conv, b.conversion()),
                count_difference(v.purchases, b.purchases),
                b.nps_defined && nps_now ? score_difference(v.nps, b.nps) : "-", points_difference(v.rating, b.rating),
                true);
            t.rows.push_back(b.label);
            cc.values.push_back(b.conversion());
            pc.values.push_back(b.purchases);
            nc.values.push_back(b.nps_defined ? b.nps : std::nan(""));
            rc.values.push_back(b.rating);
        }
        t.columns = {cc, pc, nc, rc};
        ImGui::EndTable();
    }
    ImGui::TextDisabled("Differences in percentage points (pts) for conversion and rating, points for NPS.");
    ImGui::EndChild();
    chart_table_ = std::move(t);
}

}  // namespace motsim::app
