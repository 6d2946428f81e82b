// Small charts drawn with ImGui's draw lists (ImPlot is not part of the build): a line chart
// for the per-tick series, grouped bars for the funnel, and the impression histogram.
//
// Each chart is one ImGui item: it reserves its rectangle with InvisibleButton, draws axes
// with tick labels, a legend on top, and a tooltip with the values under the mouse. A size
// component <= 0 means "fill the available width" / "a default height", as ImGui widgets do.
// Empty data, a single point and non-finite values (drawn as gaps) are all safe.
//
//   std::vector<app::Series> s{{"purchases", purchases, IM_COL32(80, 160, 240, 255)}};
//   app::LineChartOptions opt;
//   opt.x_label = "day";
//   opt.references.push_back({expected, "exact expectation", IM_COL32(240, 200, 80, 255)});
//   app::line_chart("##purchases", ImVec2(-1, 220), s, opt);
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "app/plot_math.h"
#include "imgui.h"

namespace motsim::app {

// ==== Data =====================================================================================

struct Series {
    std::string label{};
    std::vector<float> values{};
    ImU32 color = IM_COL32(200, 200, 200, 255);
    bool dashed = false;
    // Optional, same length as values (otherwise ignored): a shaded band around a line (e.g.
    // +-2 standard errors over replications) or error whiskers on a bar.
    std::vector<float> lower{};
    std::vector<float> upper{};
    float thickness = 0.0f;  // line width; 0: the default (a baseline drawn behind is thinner)
    bool legend = true;      // an entry in the legend (a baseline's many lines share one)
    bool tooltip = true;     // a line in the tooltip
    // Bar charts: drawn as an outline over the bar of series `overlay_of` (a baseline's value
    // behind the current one) instead of a bar of its own; -1: a bar of its own.
    int overlay_of = -1;
};

// A horizontal line across the plot with a label at its right end, e.g. the exact expectation
// from the analysis that a sampled series should scatter around.
struct RefLine {
    float value = 0.0f;
    std::string label{};
    ImU32 color = IM_COL32(240, 200, 80, 255);
    bool dashed = true;
    bool label_on_plot = true;  // else only in the tooltip (many lines' labels would overlap)
};

// ==== Line chart ===============================================================================

struct LineChartOptions {
    float x_start = 0.0f;  // value i of every series sits at x = x_start + i * x_step
    float x_step = 1.0f;
    bool fixed_x = false;  // axis from x_min to x_max (e.g. 0..scenario ticks while running)
    float x_min = 0.0f;
    float x_max = 1.0f;
    bool fixed_y = false;  // else from the data, bands and reference lines, widened to ticks
    float y_min = 0.0f;
    float y_max = 1.0f;
    bool include_zero = true;  // counts and shares mislead when the axis does not start at 0
    std::vector<RefLine> references;
    const char* x_label = nullptr;       // under the axis and in the tooltip ("day 12")
    const char* y_label = nullptr;       // at the top left, before the legend
    const char* value_format = nullptr;  // printf format for tooltip values; nullptr: automatic
    const char* unit = nullptr;          // of the values, in the tooltip ("68 customers")
};

void line_chart(const char* id, ImVec2 size, const std::vector<Series>& series, const LineChartOptions& options = {});

// ==== Grouped bars =============================================================================

struct BarChartOptions {
    const char* y_label = nullptr;
    const char* value_format = nullptr;  // nullptr: automatic (integers without decimals)
    const char* unit = nullptr;          // of the values, in the tooltip
};

// One group of bars per category (e.g. per moment), one bar per series in each group (e.g.
// entered / purchased / lost); series[k].values[c] is the bar of series k in category c.
// Category names are wrapped over two lines under the axis (every other one a row lower when
// the groups are narrow), shortened only when even that is too narrow; whole in the tooltip.
void bar_chart(const char* id, ImVec2 size, const std::vector<std::string>& categories,
               const std::vector<Series>& series, const BarChartOptions& options = {});

// ==== Impression histogram =====================================================================

struct HistogramOptions {
    bool percent = false;  // y axis as % of all customers counted instead of counts
    const char* x_label = "impression";
    bool show_marker = false;  // a vertical line, e.g. at the mean impression
    float marker = 0.0f;
    const char* marker_label = "mean";
};

// counts[k] covers impressions [-1 + 2k/n, -1 + 2(k+1)/n] for n = counts.size() (the engine's
// kHistogramBins); each bar takes the impression colour of its centre.
void histogram(const char* id, ImVec2 size, const std::vector<float>& counts, const HistogramOptions& options = {});
void histogram(const char* id, ImVec2 size, const std::vector<std::int64_t>& counts,
               const HistogramOptions& options = {});

// ==== Tornado ===================================================================================

// One horizontal bar per row, largest first as given: the bar from 0 to `value`, whiskers from
// `lower` to `upper` and a diamond at `marker` (NaN: none). An x axis with ticks, its title and
// a legend saying what the bar, the whiskers and the diamond are.
struct TornadoRow {
    std::string label;
    float value = 0.0f, lower = 0.0f, upper = 0.0f, marker = 0.0f;
    std::string tooltip;  // shown when the row is hovered (the label whole, the numbers)
};
struct TornadoOptions {
    const char* x_label = nullptr;   // the axis title with its unit
    const char* bar = "mean";        // what the bar means (legend)
    const char* whiskers = nullptr;  // what the whiskers mean, e.g. "95% interval"
    const char* marker = nullptr;    // what the diamond means
    const char* value_format = "%+.4f";
};
void tornado_chart(const char* id, ImVec2 size, const std::vector<TornadoRow>& rows, const TornadoOptions& options);

// ==== Toolbars above the charts ===================================================================

// Controls that wrap to the window's width: call before each control but the first, with the
// control's width; it goes on the same line when it fits there, else on the next line.
void same_line_if_fits(float next_width);
float button_width(const char* label);                      // a button with this label
float labelled_width(float item_width, const char* label);  // a slider or combo with its label

// ==== Colours ==================================================================================

// impression_rgb (plot_math.h) packed for ImGui: red (-1) through grey (0) to green (+1).
ImU32 impression_color(float s, float alpha = 1.0f);

}  // namespace motsim::app
