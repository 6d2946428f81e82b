// Charts with ImGui draw lists (see plot.h). Every chart follows the same steps: reserve the
// item, measure the legend and the margins, fix the data ranges, draw grid and axes, the data,
// the hover marker, and last the tooltip. The tick arithmetic lives in plot_math.h.
#include "app/plot.h"

#include "app/format.h"
#include "app/widgets.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace motsim::app {

namespace {

// ==== Small helpers ============================================================================

constexpr float kPad = 4.0f;        // between labels and the plot area
constexpr float kLineWidth = 2.0f;  // data lines
constexpr float kMinSide = 40.0f;   // below this a chart is not readable, and ImGui asserts on 0
constexpr float kDefaultHeight = 200.0f;

ImU32 text_color() { return ImGui::GetColorU32(ImGuiCol_Text); }
ImU32 dim_color() { return ImGui::GetColorU32(ImGuiCol_TextDisabled); }
ImU32 grid_color() { return ImGui::GetColorU32(ImGuiCol_TextDisabled, 0.25f); }

// The same colour with its alpha scaled (bands, highlights).
ImU32 with_alpha(ImU32 color, float scale) {
    const unsigned a = (color >> IM_COL32_A_SHIFT) & 0xFFu;
    const unsigned scaled = static_cast<unsigned>(std::clamp(static_cast<float>(a) * scale, 0.0f, 255.0f));
    return (color & ~IM_COL32_A_MASK) | (scaled << IM_COL32_A_SHIFT);
}

bool finite(float v) { return std::isfinite(v); }

// A value for a tooltip: the caller's format, or as people read counts (human_count: "68",
// "8.07 M") and a few decimals for small fractions (rates, impressions); "-" for no value.
void format_value(char* buf, std::size_t size, double v, const char* format) {
    if (!std::isfinite(v)) {
        std::snprintf(buf, size, "-");
    } else if (format) {
        std::snprintf(buf, size, format, v);
    } else if (std::fabs(v) >= 100.0 || v == std::round(v)) {
        std::snprintf(buf, size, "%s", human_count(std::fabs(v) >= 100.0 ? std::round(v) : v).c_str());
    } else {
        std::snprintf(buf, size, std::fabs(v) >= 10.0 ? "%.1f" : "%.3g", v);
    }
}

// "label: value unit" for a tooltip line.
void tooltip_value(const std::string& label, const char* value, const char* unit) {
    if (unit && *unit)
        ImGui::Text("%s: %s %s", label.c_str(), value, unit);
    else
        ImGui::Text("%s: %s", label.c_str(), value);
}

// The text broken at spaces into lines no wider than max_width (a single word wider than that
// stays whole on its own line).
std::vector<std::string> split_lines(const std::string& text, float max_width) {
    std::vector<std::string> lines;
    std::string line;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t j = text.find(' ', i);
        if (j == std::string::npos) j = text.size();
        const std::string word = text.substr(i, j - i);
        const std::string joined = line.empty() ? word : line + " " + word;
        if (!line.empty() && ImGui::CalcTextSize(joined.c_str()).x > max_width) {
            lines.push_back(line);
            line = word;
        } else {
            line = joined;
        }
        i = j + 1;
    }
    if (!line.empty() || lines.empty()) lines.push_back(line);
    return lines;
}

// A dashed polyline; the dash pattern runs on across vertices so short segments still dash.
void dashed_polyline(ImDrawList* dl, const ImVec2* p, int n, ImU32 col, float thickness) {
    constexpr float dash = 6.0f, gap = 4.0f, period = dash + gap;
    float phase = 0.0f;
    for (int i = 0; i + 1 < n; ++i) {
        const ImVec2 a = p[i], b = p[i + 1];
        const float dx = b.x - a.x, dy = b.y - a.y;
        const float len = std::sqrt(dx * dx + dy * dy);
        if (!(len > 0.0f)) continue;
        if (len > 4096.0f) {  // a point far off screen: one solid piece, not thousands of dashes
            dl->AddLine(a, b, col, thickness);
            continue;
        }
        const float ux = dx / len, uy = dy / len;
        float t = 0.0f;
        while (t < len) {
            const float in = std::fmod(phase, period);
            const float piece = std::min((in < dash ? dash : period) - in, len - t);
            if (in < dash)
                dl->AddLine(ImVec2(a.x + ux * t, a.y + uy * t), ImVec2(a.x + ux * (t + piece), a.y + uy * (t + piece)),
                            col, thickness);
            t += piece;
            phase = std::fmod(phase + piece, period);
        }
    }
}

// A coloured square in front of a tooltip line, so the line is matched to its series.
void tooltip_swatch(ImU32 color) {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float h = ImGui::GetTextLineHeight();
    ImGui::GetWindowDrawList()->AddRectFilled(ImVec2(p.x, p.y + h * 0.2f), ImVec2(p.x + h * 0.6f, p.y + h * 0.8f),
                                              color);
    ImGui::Dummy(ImVec2(h * 0.6f, h));
    ImGui::SameLine();
}

// ==== The chart frame ==========================================================================

struct LegendEntry {
    std::string label;
    ImU32 color = 0;
    bool dashed = false;
    bool title = false;    // the y axis label: dim text, no swatch
    bool outline = false;  // a hollow swatch: a baseline's bars
};

// The legend of a set of series: the title (wrapped over lines when the chart is narrow), then
// one entry per series that asks for one.
std::vector<LegendEntry> legend_entries(const char* title, const std::vector<Series>& series, float width) {
    std::vector<LegendEntry> entries;
    if (title && *title)
        for (const std::string& line : split_lines(title, width - 4.0f * kPad))
            entries.push_back({line, 0, false, true});
    for (const Series& s : series)
        if (s.legend) entries.push_back({s.label, s.color, s.dashed, false, s.overlay_of >= 0});
    return entries;
}

// The item's rectangle, the plot area inside the margins and the data ranges mapped onto it.
struct Chart {
    ImDrawList* dl = nullptr;
    ImVec2 p0, p1;  // the whole item
    ImVec2 a0, a1;  // the plot area
    bool hovered = false;
    ImVec2 mouse;
    double x0 = 0.0, x1 = 1.0, y0 = 0.0, y1 = 1.0;
    std::vector<double> y_ticks;

    float px(double x) const { return a0.x + static_cast<float>((x - x0) / (x1 - x0)) * (a1.x - a0.x); }
    float py(double y) const { return a1.y - static_cast<float>((y - y0) / (y1 - y0)) * (a1.y - a0.y); }
    double data_x(float sx) const { return x0 + static_cast<double>((sx - a0.x) / (a1.x - a0.x)) * (x1 - x0); }
    bool mouse_in_area() const {
        return hovered && mouse.x >= a0.x && mouse.x <= a1.x && mouse.y >= a0.y && mouse.y <= a1.y;
    }
};

// Reserves the item. Sizes follow ImGui: 0 = default (available width, kDefaultHeight),
// negative = the available space minus that much.
Chart begin_chart(const char* id, ImVec2 size) {
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    if (size.x <= 0.0f) size.x = avail.x + size.x;
    if (size.y == 0.0f)
        size.y = kDefaultHeight;
    else if (size.y < 0.0f)
        size.y = avail.y + size.y;
    size.x = std::max(size.x, kMinSide);
    size.y = std::max(size.y, kMinSide);

    Chart c;
    ImGui::InvisibleButton(id, size);
    c.hovered = ImGui::IsItemHovered();
    c.mouse = ImGui::GetIO().MousePos;
    c.p0 = ImGui::GetItemRectMin();
    c.p1 = ImGui::GetItemRectMax();
    c.dl = ImGui::GetWindowDrawList();
    c.dl->PushClipRect(c.p0, c.p1, true);
    return c;
}

void end_chart(Chart& c) { c.dl->PopClipRect(); }

// Lays the legend out in rows across the width; draws it when `draw`. Returns its height.
float legend(Chart& c, const std::vector<LegendEntry>& entries, bool draw) {
    if (entries.empty()) return 0.0f;
    const float h = ImGui::GetTextLineHeight();
    const float swatch = h * 0.9f;
    float x = c.p0.x, y = c.p0.y;
    for (const LegendEntry& e : entries) {
        const float text_w = ImGui::CalcTextSize(e.label.c_str()).x;
        const float w = (e.title ? 0.0f : swatch + kPad) + text_w + 3.0f * kPad;
        // Wrap, unless it is the first of its row; the lines of a wrapped title each start one.
        const bool title_line = e.title && &e != &entries.front();
        if (x > c.p0.x && (x + w > c.p1.x || title_line)) {
            x = c.p0.x;
            y += h + 2.0f;
        }
        if (draw) {
            float tx = x;
            if (!e.title) {
                const float mid = y + h * 0.5f;
                if (e.outline) {
                    c.dl->AddRect(ImVec2(x, mid - swatch * 0.35f), ImVec2(x + swatch, mid + swatch * 0.35f), e.color,
                                  0.0f, 0, 1.5f);
                } else if (e.dashed) {
                    const ImVec2 pts[2] = {ImVec2(x, mid), ImVec2(x + swatch, mid)};
                    dashed_polyline(c.dl, pts, 2, e.color, kLineWidth);
                } else {
                    c.dl->AddRectFilled(ImVec2(x, mid - swatch * 0.3f), ImVec2(x + swatch, mid + swatch * 0.3f),
                                        e.color);
                }
                tx += swatch + kPad;
            }
            c.dl->AddText(ImVec2(tx, y), e.title ? dim_color() : text_color(), e.label.c_str());
        }
        x += w;
    }
    return y + h + kPad - c.p0.y;
}

// Fixes the plot area from the margins and the y range (widened to nice ticks unless fixed),
// then draws the background, the horizontal grid and the y tick labels.
void frame_y(Chart& c, float top, float bottom_margin, double lo, double hi, bool fixed) {
    const float h = ImGui::GetTextLineHeight();
    c.a0.y = c.p0.y + top + h * 0.5f;  // half a line so the top tick label is not cut
    c.a1.y = std::max(c.a0.y + 1.0f, c.p1.y - bottom_margin);
    const int max_ticks = std::clamp(static_cast<int>((c.a1.y - c.a0.y) / (h * 1.8f)) + 1, 2, 10);
    if (fixed) {
        if (lo > hi) std::swap(lo, hi);
        if (!(hi > lo)) hi = lo + 1.0;  // a zero range would divide by zero in py()
        c.y0 = lo;
        c.y1 = hi;
        c.y_ticks = nice_ticks(lo, hi, max_ticks);
    } else {
        const NiceRange r = nice_range(lo, hi, max_ticks);
        c.y0 = r.lo;
        c.y1 = r.hi > r.lo ? r.hi : r.lo + 1.0;
        c.y_ticks = range_ticks(r);
    }
    const double step = c.y_ticks.size() >= 2 ? c.y_ticks[1] - c.y_ticks[0] : 1.0;

    // The widest label sets the left margin.
    char buf[32];
    float label_w = 0.0f;
    for (double t : c.y_ticks) {
        format_tick(buf, sizeof buf, t, step);
        label_w = std::max(label_w, ImGui::CalcTextSize(buf).x);
    }
    c.a0.x = c.p0.x + label_w + kPad * 2.0f;
    c.a1.x = std::max(c.a0.x + 1.0f, c.p1.x - kPad * 2.0f);

    c.dl->AddRectFilled(c.a0, c.a1, ImGui::GetColorU32(ImGuiCol_FrameBg, 0.5f));
    for (double t : c.y_ticks) {
        const float y = c.py(t);
        c.dl->AddLine(ImVec2(c.a0.x, y), ImVec2(c.a1.x, y), grid_color());
        format_tick(buf, sizeof buf, t, step);
        const float w = ImGui::CalcTextSize(buf).x;
        c.dl->AddText(ImVec2(c.a0.x - kPad - w, y - h * 0.5f), dim_color(), buf);
    }
    c.dl->AddLine(ImVec2(c.a0.x, c.a0.y), ImVec2(c.a0.x, c.a1.y), dim_color());
    c.dl->AddLine(ImVec2(c.a0.x, c.a1.y), ImVec2(c.a1.x, c.a1.y), dim_color());
}

// The axis title under the tick labels, centred, wrapped to the chart's width.
void frame_x_title(Chart& c, const char* x_label) {
    if (!x_label || !*x_label) return;
    const float h = ImGui::GetTextLineHeight();
    float y = c.a1.y + kPad + h;
    for (const std::string& line : split_lines(x_label, c.p1.x - c.p0.x - 2.0f * kPad)) {
        const float w = ImGui::CalcTextSize(line.c_str()).x;
        const float left = std::max(c.p0.x, std::min(0.5f * (c.a0.x + c.a1.x) - w * 0.5f, c.p1.x - w));
        c.dl->AddText(ImVec2(left, y), dim_color(), line.c_str());
        y += h;
    }
}

// The x ticks and labels of a numeric axis (labels that would overlap the previous are left
// out), and the axis title centred below.
void frame_x(Chart& c, const char* x_label) {
    const int max_ticks = std::clamp(static_cast<int>((c.a1.x - c.a0.x) / 70.0f) + 1, 2, 12);
    const std::vector<double> ticks = nice_ticks(c.x0, c.x1, max_ticks);
    const double step = ticks.size() >= 2 ? ticks[1] - ticks[0] : 1.0;
    char buf[32];
    float last_right = -1e30f;
    for (double t : ticks) {
        const float x = c.px(t);
        c.dl->AddLine(ImVec2(x, c.a1.y), ImVec2(x, c.a1.y + kPad), dim_color());
        format_tick(buf, sizeof buf, t, step);
        const float w = ImGui::CalcTextSize(buf).x;
        const float left = std::clamp(x - w * 0.5f, c.p0.x, c.p1.x - w);
        if (left < last_right + kPad) continue;
        c.dl->AddText(ImVec2(left, c.a1.y + kPad), dim_color(), buf);
        last_right = left + w;
    }
    frame_x_title(c, x_label);
}

// Under the plot: the tick labels and the axis title, wrapped to the chart's width.
float bottom_margin(const char* x_label, float chart_width) {
    const float h = ImGui::GetTextLineHeight();
    const float lines =
        x_label && *x_label ? static_cast<float>(split_lines(x_label, chart_width - 2.0f * kPad).size()) : 0.0f;
    return kPad + h + lines * h + kPad;
}

// Widens [lo, hi] to hold v when v is finite.
void extend(double& lo, double& hi, bool& any, float v) {
    if (!finite(v)) return;
    lo = any ? std::min(lo, static_cast<double>(v)) : v;
    hi = any ? std::max(hi, static_cast<double>(v)) : v;
    any = true;
}

bool has_band(const Series& s) {
    return !s.lower.empty() && s.lower.size() == s.values.size() && s.upper.size() == s.values.size();
}

}  // namespace

// ==== Toolbars ===================================================================================

void same_line_if_fits(float next_width) {
    const float right = ImGui::GetWindowPos().x + ImGui::GetWindowContentRegionMax().x;
    if (ImGui::GetItemRectMax().x + ImGui::GetStyle().ItemSpacing.x + next_width <= right) ImGui::SameLine();
}

float button_width(const char* label) {
    return ImGui::CalcTextSize(label, nullptr, true).x + 2.0f * ImGui::GetStyle().FramePadding.x;
}

float labelled_width(float item_width, const char* label) {
    const float text = ImGui::CalcTextSize(label, nullptr, true).x;
    return item_width + (text > 0.0f ? ImGui::GetStyle().ItemInnerSpacing.x + text : 0.0f);
}

// ==== Colours ==================================================================================

ImU32 impression_color(float s, float alpha) {
    const std::array<float, 3> rgb = impression_rgb(s);
    return ImGui::ColorConvertFloat4ToU32(ImVec4(rgb[0], rgb[1], rgb[2], std::clamp(alpha, 0.0f, 1.0f)));
}

// ==== Line chart ===============================================================================

void line_chart(const char* id, ImVec2 size, const std::vector<Series>& series, const LineChartOptions& opt) {
    Chart c = begin_chart(id, size);

    const std::vector<LegendEntry> entries = legend_entries(opt.y_label, series, c.p1.x - c.p0.x);
    const float top = legend(c, entries, false);

    // Data extents. A negative step runs right to left in the data but the axis still ascends.
    std::size_t n = 0;
    for (const Series& s : series) n = std::max(n, s.values.size());
    const double x_step = finite(opt.x_step) && opt.x_step != 0.0f ? opt.x_step : 1.0;
    const auto x_of = [&](std::size_t i) { return static_cast<double>(opt.x_start) + static_cast<double>(i) * x_step; };
    if (opt.fixed_x) {
        c.x0 = std::min(opt.x_min, opt.x_max);
        c.x1 = std::max(opt.x_min, opt.x_max);
    } else {
        c.x0 = std::min(x_of(0), x_of(n ? n - 1 : 0));
        c.x1 = std::max(x_of(0), x_of(n ? n - 1 : 0));
    }
    if (!(c.x1 > c.x0)) {  // one point or none: give it room on both sides
        c.x0 -= 1.0;
        c.x1 += 1.0;
    }

    double lo = 0.0, hi = 1.0;
    bool any = false;
    if (opt.include_zero) extend(lo, hi, any, 0.0f);
    for (const Series& s : series) {
        for (float v : s.values) extend(lo, hi, any, v);
        if (has_band(s)) {
            for (float v : s.lower) extend(lo, hi, any, v);
            for (float v : s.upper) extend(lo, hi, any, v);
        }
    }
    for (const RefLine& r : opt.references) extend(lo, hi, any, r.value);
    if (!any) hi = 1.0;

    frame_y(c, top, bottom_margin(opt.x_label, c.p1.x - c.p0.x), opt.fixed_y ? opt.y_min : lo,
            opt.fixed_y ? opt.y_max : hi, opt.fixed_y);
    frame_x(c, opt.x_label);
    legend(c, entries, true);

    // ---- data, clipped to the plot area -------------------------------------------------------
    c.dl->PushClipRect(ImVec2(c.a0.x, c.a0.y - 1.0f), ImVec2(c.a1.x + 1.0f, c.a1.y + 1.0f), true);
    for (const Series& s : series) {  // bands first so no line hides under another's band
        if (!has_band(s)) continue;
        const ImU32 fill = with_alpha(s.color, 0.2f);
        // A band over far more points than pixels is drawn every `stride` points.
        const std::size_t stride = std::max<std::size_t>(
            1, static_cast<std::size_t>(static_cast<float>(s.values.size()) / std::max(1.0f, c.a1.x - c.a0.x)));
        for (std::size_t i = 0; i < s.values.size(); i += stride) {
            if (!finite(s.lower[i]) || !finite(s.upper[i])) continue;
            const float xa = c.px(x_of(i));
            const float la = c.py(std::min(s.lower[i], s.upper[i])), ua = c.py(std::max(s.lower[i], s.upper[i]));
            const std::size_t j = std::min(i + stride, s.values.size() - 1);
            if (j > i && finite(s.lower[j]) && finite(s.upper[j])) {
                const float xb = c.px(x_of(j));
                const float lb = c.py(std::min(s.lower[j], s.upper[j]));
                const float ub = c.py(std::max(s.lower[j], s.upper[j]));
                c.dl->AddQuadFilled(ImVec2(xa, ua), ImVec2(xb, ub), ImVec2(xb, lb), ImVec2(xa, la), fill);
            } else if (s.values.size() == 1) {
                c.dl->AddLine(ImVec2(xa, ua), ImVec2(xa, la), with_alpha(s.color, 0.6f), kLineWidth);
            }
        }
    }
    for (const RefLine& r : opt.references) {
        if (!finite(r.value)) continue;
        const float y = c.py(r.value);
        const ImVec2 pts[2] = {ImVec2(c.a0.x, y), ImVec2(c.a1.x, y)};
        if (r.dashed)
            dashed_polyline(c.dl, pts, 2, r.color, 1.5f);
        else
            c.dl->AddLine(pts[0], pts[1], r.color, 1.5f);
        if (!r.label_on_plot) continue;
        const ImVec2 ts = ImGui::CalcTextSize(r.label.c_str());
        const float ty = y - ts.y - 1.0f < c.a0.y ? y + 1.0f : y - ts.y - 1.0f;  // below if no room above
        c.dl->AddText(ImVec2(c.a1.x - ts.x - kPad, ty), r.color, r.label.c_str());
    }
    std::vector<ImVec2> run;
    for (const Series& s : series) {
        // Non-finite values break the line into runs; a lone point becomes a dot.
        const float width = s.thickness > 0.0f ? s.thickness : kLineWidth;
        const auto flush = [&]() {
            if (run.size() == 1)
                c.dl->AddCircleFilled(run[0], width * 1.5f, s.color);
            else if (s.dashed)
                dashed_polyline(c.dl, run.data(), static_cast<int>(run.size()), s.color, width);
            else if (run.size() > 1)
                c.dl->AddPolyline(run.data(), static_cast<int>(run.size()), s.color, 0, width);
            run.clear();
        };
        // Far more points than pixels (a long run): each pixel column keeps its lowest and highest
        // value in the order they came, so a 100,000-tick series costs a few segments a pixel
        // and still shows every spike.
        const bool dense = static_cast<float>(s.values.size()) > 2.0f * (c.a1.x - c.a0.x);
        float col = 0, lo_y = 0, hi_y = 0;  // screen y: lo_y is the top of the column
        std::size_t lo_i = 0, hi_i = 0;
        bool in_col = false;
        const auto end_column = [&]() {
            if (!in_col) return;
            const bool lo_first = lo_i <= hi_i;
            run.push_back(ImVec2(col, lo_first ? lo_y : hi_y));
            if (lo_y != hi_y) run.push_back(ImVec2(col, lo_first ? hi_y : lo_y));
            in_col = false;
        };
        for (std::size_t i = 0; i < s.values.size(); ++i) {
            if (!finite(s.values[i])) {
                end_column();
                flush();
                continue;
            }
            const ImVec2 p(c.px(x_of(i)), c.py(s.values[i]));
            if (!dense) {
                run.push_back(p);
                continue;
            }
            if (in_col && std::floor(p.x) == std::floor(col)) {
                if (p.y < lo_y) lo_y = p.y, lo_i = i;
                if (p.y > hi_y) hi_y = p.y, hi_i = i;
                continue;
            }
            end_column();
            col = p.x, lo_y = hi_y = p.y, lo_i = hi_i = i, in_col = true;
        }
        end_column();
        flush();
    }

    // ---- hover: the nearest index, a marker line and the values -------------------------------
    const bool show = c.mouse_in_area() && n > 0;
    std::size_t at = 0;
    if (show) {
        const double k = std::round((c.data_x(c.mouse.x) - opt.x_start) / x_step);
        at = static_cast<std::size_t>(std::clamp(k, 0.0, static_cast<double>(n - 1)));
        const float x = c.px(x_of(at));
        c.dl->AddLine(ImVec2(x, c.a0.y), ImVec2(x, c.a1.y), dim_color());
        for (const Series& s : series)
            if (s.tooltip && at < s.values.size() && finite(s.values[at]))
                c.dl->AddCircleFilled(ImVec2(x, c.py(s.values[at])), 3.5f, s.color);
    }
    c.dl->PopClipRect();
    end_chart(c);

    if (show) {
        char buf[64];
        ImGui::BeginTooltip();
        // The x value with the axis's name ("day 42"); a sweep's x is a parameter value.
        char xs[32];
        std::snprintf(xs, sizeof xs, "%.6g", x_of(at) == 0.0 ? 0.0 : x_of(at));
        if (opt.x_label)
            ImGui::Text("%s %s", opt.x_label, xs);
        else
            ImGui::Text("x = %s", xs);
        for (const Series& s : series) {
            if (!s.tooltip || at >= s.values.size()) continue;
            tooltip_swatch(s.color);
            format_value(buf, sizeof buf, s.values[at], opt.value_format);
            if (has_band(s)) {
                char both[160], lo_buf[32], hi_buf[32];
                format_value(lo_buf, sizeof lo_buf, s.lower[at], opt.value_format);
                format_value(hi_buf, sizeof hi_buf, s.upper[at], opt.value_format);
                std::snprintf(both, sizeof both, "%s  (%s to %s)", buf, lo_buf, hi_buf);
                tooltip_value(s.label, both, opt.unit);
            } else {
                tooltip_value(s.label, buf, opt.unit);
            }
        }
        for (const RefLine& r : opt.references) {
            if (r.label.empty()) continue;
            tooltip_swatch(r.color);
            format_value(buf, sizeof buf, r.value, opt.value_format);
            tooltip_value(r.label, buf, opt.unit);
        }
        ImGui::EndTooltip();
    }
}

// ==== Grouped bars =============================================================================

void bar_chart(const char* id, ImVec2 size, const std::vector<std::string>& categories,
               const std::vector<Series>& series, const BarChartOptions& opt) {
    Chart c = begin_chart(id, size);

    const std::vector<LegendEntry> entries = legend_entries(opt.y_label, series, c.p1.x - c.p0.x);
    const float top = legend(c, entries, false);

    // Bars grow from 0, so 0 is always on the axis.
    double lo = 0.0, hi = 0.0;
    bool any = true;
    for (const Series& s : series) {
        const std::size_t k = std::min(s.values.size(), categories.size());
        for (std::size_t i = 0; i < k; ++i) extend(lo, hi, any, s.values[i]);
        if (has_band(s))
            for (std::size_t i = 0; i < k; ++i) {
                extend(lo, hi, any, s.lower[i]);
                extend(lo, hi, any, s.upper[i]);
            }
    }
    if (!(hi > lo)) hi = lo + 1.0;

    // The category names under the axis: two lines under each group; when a group is too narrow
    // for that, every other name a row lower with twice the room; shortened only past that.
    const std::size_t nc = categories.size();
    const float h = ImGui::GetTextLineHeight();
    const float group_guess = (c.p1.x - c.p0.x - 40.0f) / static_cast<float>(std::max<std::size_t>(1, nc));
    const auto fits = [&](float width) {
        for (const std::string& name : categories) {
            const std::vector<std::string> lines = split_lines(name, width);
            if (lines.size() > 2) return false;
            for (const std::string& l : lines)
                if (ImGui::CalcTextSize(l.c_str()).x > width) return false;
        }
        return true;
    };
    const bool stagger = !fits(group_guess - 4.0f);
    const float label_rows = stagger ? 4.0f : 2.0f;
    frame_y(c, top, kPad + label_rows * h + kPad, lo, hi, false);
    legend(c, entries, true);

    if (nc == 0) {
        const char* empty = "no data";
        const ImVec2 ts = ImGui::CalcTextSize(empty);
        c.dl->AddText(ImVec2(0.5f * (c.a0.x + c.a1.x - ts.x), 0.5f * (c.a0.y + c.a1.y - ts.y)), dim_color(), empty);
        end_chart(c);
        return;
    }
    // Bars of their own take a slot in each group; an overlay is drawn over its series' slot.
    std::vector<int> slot(series.size(), -1);
    int slots = 0;
    for (std::size_t k = 0; k < series.size(); ++k)
        if (series[k].overlay_of < 0) slot[k] = slots++;
    for (std::size_t k = 0; k < series.size(); ++k)
        if (series[k].overlay_of >= 0 && static_cast<std::size_t>(series[k].overlay_of) < series.size())
            slot[k] = slot[static_cast<std::size_t>(series[k].overlay_of)];
    const float group_w = (c.a1.x - c.a0.x) / static_cast<float>(nc);
    const float bar_w = group_w * 0.8f / static_cast<float>(std::max(1, slots));
    const float gap = bar_w > 4.0f ? 1.0f : 0.0f;  // a hairline between neighbours when there is room
    const float zero = c.py(0.0);

    // The group under the mouse, highlighted behind its bars.
    int hovered = -1;
    if (c.mouse_in_area())
        hovered = std::clamp(static_cast<int>((c.mouse.x - c.a0.x) / group_w), 0, static_cast<int>(nc) - 1);
    if (hovered >= 0) {
        const float gx = c.a0.x + group_w * static_cast<float>(hovered);
        c.dl->AddRectFilled(ImVec2(gx, c.a0.y), ImVec2(gx + group_w, c.a1.y),
                            ImGui::GetColorU32(ImGuiCol_HeaderHovered, 0.35f));
    }

    for (std::size_t ci = 0; ci < nc; ++ci) {
        const float gx = c.a0.x + group_w * static_cast<float>(ci);
        for (std::size_t k = 0; k < series.size(); ++k) {
            const Series& s = series[k];
            if (s.overlay_of >= 0 || slot[k] < 0 || ci >= s.values.size() || !finite(s.values[ci])) continue;
            const float x = gx + group_w * 0.1f + bar_w * static_cast<float>(slot[k]);
            const float y = c.py(s.values[ci]);
            c.dl->AddRectFilled(ImVec2(x + gap, std::min(y, zero)), ImVec2(x + bar_w - gap, std::max(y, zero)),
                                s.color);
            if (has_band(s) && finite(s.lower[ci]) && finite(s.upper[ci])) {
                const float mid = x + bar_w * 0.5f, cap = std::max(1.0f, bar_w * 0.25f);
                const float yl = c.py(s.lower[ci]), yu = c.py(s.upper[ci]);
                c.dl->AddLine(ImVec2(mid, yl), ImVec2(mid, yu), text_color());
                c.dl->AddLine(ImVec2(mid - cap, yl), ImVec2(mid + cap, yl), text_color());
                c.dl->AddLine(ImVec2(mid - cap, yu), ImVec2(mid + cap, yu), text_color());
            }
        }
        // Overlays (a baseline's outline over the current bar), after every bar of the group.
        for (std::size_t k = 0; k < series.size(); ++k) {
            const Series& s = series[k];
            if (s.overlay_of < 0 || slot[k] < 0 || ci >= s.values.size() || !finite(s.values[ci])) continue;
            const float x = gx + group_w * 0.1f + bar_w * static_cast<float>(slot[k]);
            const float y = c.py(s.values[ci]);
            c.dl->AddRect(ImVec2(x, std::min(y, zero)), ImVec2(x + bar_w, std::max(y, zero)), s.color, 0.0f, 0,
                          s.thickness > 0.0f ? s.thickness : 1.5f);
        }
        const float room = stagger ? 2.0f * group_w - 4.0f : group_w - 4.0f;
        const float centre = gx + 0.5f * group_w;
        float y = c.a1.y + kPad + (stagger && ci % 2 == 1 ? 2.0f * h : 0.0f);
        std::vector<std::string> lines = split_lines(categories[ci], room);
        if (lines.size() > 2) {  // past two lines: the second holds the rest, shortened
            std::string rest;
            for (std::size_t l = 1; l < lines.size(); ++l) rest += (l > 1 ? " " : "") + lines[l];
            lines.resize(2);
            lines[1] = rest;
        }
        for (std::string& line : lines) {
            line = fit_text(line, room);
            const float w = ImGui::CalcTextSize(line.c_str()).x;
            const float left = std::clamp(centre - 0.5f * w, c.p0.x, c.p1.x - w);
            c.dl->AddText(ImVec2(left, y), dim_color(), line.c_str());
            y += h;
        }
    }
    end_chart(c);

    if (hovered >= 0) {
        char buf[64];
        const std::size_t at = static_cast<std::size_t>(hovered);
        ImGui::BeginTooltip();
        ImGui::TextUnformatted(categories[at].c_str());
        for (const Series& s : series) {
            if (!s.tooltip || at >= s.values.size()) continue;
            tooltip_swatch(s.color);
            format_value(buf, sizeof buf, s.values[at], opt.value_format);
            if (has_band(s)) {
                char both[160], lo_buf[32], hi_buf[32];
                format_value(lo_buf, sizeof lo_buf, s.lower[at], opt.value_format);
                format_value(hi_buf, sizeof hi_buf, s.upper[at], opt.value_format);
                std::snprintf(both, sizeof both, "%s  (%s to %s)", buf, lo_buf, hi_buf);
                tooltip_value(s.label, both, opt.unit);
            } else {
                tooltip_value(s.label, buf, opt.unit);
            }
        }
        ImGui::EndTooltip();
    }
}

// ==== Tornado ===================================================================================

void tornado_chart(const char* id, ImVec2 size, const std::vector<TornadoRow>& rows, const TornadoOptions& opt) {
    Chart c = begin_chart(id, size);
    const float h = ImGui::GetTextLineHeight();
    const ImU32 positive = IM_COL32(90, 180, 110, 230), negative = IM_COL32(220, 90, 80, 230);
    const ImU32 whisker = text_color(), diamond = IM_COL32(255, 210, 80, 255);

    // The legend on top: a bar, whiskers and a diamond, each with what it means.
    float lx = c.p0.x, ly = c.p0.y;
    const auto entry = [&](int kind, const char* text) {
        if (!text) return;
        const float w = h + kPad + ImGui::CalcTextSize(text).x + 3.0f * kPad;
        if (lx > c.p0.x && lx + w > c.p1.x) lx = c.p0.x, ly += h + 2.0f;
        const float mid = ly + h * 0.5f;
        if (kind == 0) {
            c.dl->AddRectFilled(ImVec2(lx, mid - h * 0.3f), ImVec2(lx + h, mid + h * 0.3f), positive);
        } else if (kind == 1) {
            c.dl->AddLine(ImVec2(lx, mid), ImVec2(lx + h, mid), whisker, 1.5f);
            c.dl->AddLine(ImVec2(lx, mid - 3), ImVec2(lx, mid + 3), whisker, 1.5f);
            c.dl->AddLine(ImVec2(lx + h, mid - 3), ImVec2(lx + h, mid + 3), whisker, 1.5f);
        } else {
            const float dx = lx + h * 0.5f;
            c.dl->AddQuadFilled({dx, mid - 5}, {dx + 5, mid}, {dx, mid + 5}, {dx - 5, mid}, diamond);
        }
        c.dl->AddText(ImVec2(lx + h + kPad, ly), text_color(), text);
        lx += w;
    };
    entry(0, opt.bar);
    entry(1, opt.whiskers);
    entry(2, opt.marker);
    const float top = ly + h + kPad - c.p0.y;

    // The label column: as wide as the longest name up to 40 % of the chart; longer names wrap
    // over two lines when a row has room for them, and are shortened only past that.
    float label_w = 0.0f;
    for (const TornadoRow& r : rows) label_w = std::max(label_w, ImGui::CalcTextSize(r.label.c_str()).x);
    label_w = std::min(label_w + 2.0f * kPad, 0.4f * (c.p1.x - c.p0.x));

    double lo = 0.0, hi = 0.0;
    for (const TornadoRow& r : rows)
        for (float v : {r.value, r.lower, r.upper, r.marker})
            if (finite(v)) lo = std::min(lo, static_cast<double>(v)), hi = std::max(hi, static_cast<double>(v));
    const float plot_w = c.p1.x - c.p0.x - label_w - 2.0f * kPad;
    const NiceRange range = nice_range(lo, hi, std::clamp(static_cast<int>(plot_w / 80.0f) + 1, 3, 8));
    c.x0 = range.lo;
    c.x1 = range.hi > range.lo ? range.hi : range.lo + 1.0;
    c.a0 = ImVec2(c.p0.x + label_w, c.p0.y + top);
    c.a1 = ImVec2(c.p1.x - 2.0f * kPad, std::max(c.a0.y + 1.0f, c.p1.y - bottom_margin(opt.x_label, c.p1.x - c.p0.x)));

    // Grid, ticks and their labels, the zero line.
    char buf[32];
    float last_right = -1e30f;
    for (double t : range_ticks(range)) {
        const float x = c.px(t);
        c.dl->AddLine(ImVec2(x, c.a0.y), ImVec2(x, c.a1.y), t == 0.0 ? dim_color() : grid_color());
        format_tick(buf, sizeof buf, t, range.step);
        const float w = ImGui::CalcTextSize(buf).x;
        const float left = std::clamp(x - 0.5f * w, c.p0.x, c.p1.x - w);
        if (left < last_right + kPad) continue;
        c.dl->AddText(ImVec2(left, c.a1.y + kPad), dim_color(), buf);
        last_right = left + w;
    }
    c.dl->AddLine(ImVec2(c.a0.x, c.a1.y), ImVec2(c.a1.x, c.a1.y), dim_color());
    frame_x_title(c, opt.x_label);

    const float row = rows.empty() ? h : std::min(2.2f * h, (c.a1.y - c.a0.y) / static_cast<float>(rows.size()));
    int hovered = -1;
    if (c.hovered && c.mouse.y >= c.a0.y && c.mouse.y < c.a0.y + row * static_cast<float>(rows.size()))
        hovered = std::clamp(static_cast<int>((c.mouse.y - c.a0.y) / row), 0, static_cast<int>(rows.size()) - 1);
    for (std::size_t k = 0; k < rows.size(); ++k) {
        const TornadoRow& r = rows[k];
        const float y = c.a0.y + row * static_cast<float>(k);
        if (static_cast<int>(k) == hovered)
            c.dl->AddRectFilled(ImVec2(c.p0.x, y), ImVec2(c.p1.x, y + row),
                                ImGui::GetColorU32(ImGuiCol_HeaderHovered, 0.35f));
        std::vector<std::string> lines = split_lines(r.label, label_w - kPad);
        const std::size_t fit_lines = row >= 2.0f * h ? 2 : 1;
        if (lines.size() > fit_lines) {  // the rest on the last line, shortened
            std::string rest;
            for (std::size_t l = fit_lines - 1; l < lines.size(); ++l)
                rest += (l > fit_lines - 1 ? " " : "") + lines[l];
            lines.resize(fit_lines);
            lines.back() = rest;
        }
        float ty = y + 0.5f * (row - h * static_cast<float>(lines.size()));
        for (const std::string& line : lines) {
            c.dl->AddText(ImVec2(c.p0.x, ty), text_color(), fit_text(line, label_w - kPad).c_str());
            ty += h;
        }
        if (finite(r.value))
            c.dl->AddRectFilled(ImVec2(std::min(c.px(0.0), c.px(r.value)), y + row * 0.2f),
                                ImVec2(std::max(c.px(0.0), c.px(r.value)), y + row * 0.8f),
                                r.value >= 0 ? positive : negative, 2.0f);
        if (finite(r.lower) && finite(r.upper)) {
            const float mid = y + row * 0.5f, xl = c.px(r.lower), xu = c.px(r.upper);
            c.dl->AddLine(ImVec2(xl, mid), ImVec2(xu, mid), whisker, 1.5f);
            c.dl->AddLine(ImVec2(xl, mid - row * 0.2f), ImVec2(xl, mid + row * 0.2f), whisker, 1.5f);
            c.dl->AddLine(ImVec2(xu, mid - row * 0.2f), ImVec2(xu, mid + row * 0.2f), whisker, 1.5f);
        }
        if (finite(r.marker)) {
            const float dx = c.px(r.marker), mid = y + row * 0.5f, d = std::min(5.0f, row * 0.3f);
            c.dl->AddQuadFilled({dx, mid - d}, {dx + d, mid}, {dx, mid + d}, {dx - d, mid}, diamond);
        }
    }
    end_chart(c);
    if (hovered >= 0 && !rows[static_cast<std::size_t>(hovered)].tooltip.empty())
        ImGui::SetTooltip("%s", rows[static_cast<std::size_t>(hovered)].tooltip.c_str());
}

// ==== Impression histogram =====================================================================

void histogram(const char* id, ImVec2 size, const std::vector<float>& counts, const HistogramOptions& opt) {
    Chart c = begin_chart(id, size);

    double total = 0.0;
    for (float v : counts)
        if (finite(v) && v > 0.0f) total += v;
    // What the bars show: counts, or shares of the total (0 when there is nobody to count).
    const auto shown = [&](float v) -> double {
        if (!finite(v) || v < 0.0f) return 0.0;
        return opt.percent ? (total > 0.0 ? 100.0 * v / total : 0.0) : v;
    };
    double hi = 0.0;
    for (float v : counts) hi = std::max(hi, shown(v));
    if (!(hi > 0.0)) hi = opt.percent ? 10.0 : 1.0;

    const std::vector<LegendEntry> entries{{opt.percent ? "% of customers" : "customers", 0, false, true}};
    const float top = legend(c, entries, false);
    c.x0 = -1.0;
    c.x1 = 1.0;
    frame_y(c, top, bottom_margin(opt.x_label, c.p1.x - c.p0.x), 0.0, hi, false);
    frame_x(c, opt.x_label);
    legend(c, entries, true);

    const std::size_t n = counts.size();
    const double bin_w = n ? 2.0 / static_cast<double>(n) : 2.0;
    const auto bin_lo = [&](std::size_t k) { return -1.0 + bin_w * static_cast<double>(k); };
    int hovered = -1;
    if (c.mouse_in_area() && n > 0)
        hovered = std::clamp(static_cast<int>((c.data_x(c.mouse.x) + 1.0) / bin_w), 0, static_cast<int>(n) - 1);

    for (std::size_t k = 0; k < n; ++k) {
        const float xa = c.px(bin_lo(k)), xb = c.px(bin_lo(k + 1));
        const float gap = xb - xa > 4.0f ? 1.0f : 0.0f;
        const float centre = static_cast<float>(bin_lo(k) + 0.5 * bin_w);
        const bool lit = static_cast<int>(k) == hovered;
        c.dl->AddRectFilled(ImVec2(xa + gap, c.py(shown(counts[k]))), ImVec2(xb - gap, c.a1.y),
                            impression_color(centre, lit ? 1.0f : 0.85f));
        if (lit) c.dl->AddRect(ImVec2(xa + gap, c.py(shown(counts[k]))), ImVec2(xb - gap, c.a1.y), text_color());
    }
    if (opt.show_marker && finite(opt.marker)) {
        const float x = c.px(std::clamp(static_cast<double>(opt.marker), -1.0, 1.0));
        const ImVec2 pts[2] = {ImVec2(x, c.a0.y), ImVec2(x, c.a1.y)};
        dashed_polyline(c.dl, pts, 2, text_color(), 1.5f);
        char buf[64];
        std::snprintf(buf, sizeof buf, "%s %+.2f", opt.marker_label ? opt.marker_label : "", opt.marker);
        const float w = ImGui::CalcTextSize(buf).x;
        // Right of the line, or left of it when it would run off the plot.
        const float tx = x + kPad + w > c.a1.x ? x - kPad - w : x + kPad;
        c.dl->AddText(ImVec2(tx, c.a0.y), text_color(), buf);
    }
    end_chart(c);

    if (hovered >= 0) {
        const std::size_t k = static_cast<std::size_t>(hovered);
        const double v = finite(counts[k]) ? counts[k] : 0.0;
        ImGui::BeginTooltip();
        tooltip_swatch(impression_color(static_cast<float>(bin_lo(k) + 0.5 * bin_w)));
        ImGui::Text("impression %+.2f to %+.2f", bin_lo(k), bin_lo(k + 1));
        ImGui::Text("%.0f customers (%.1f %%)", v, total > 0.0 ? 100.0 * v / total : 0.0);
        ImGui::EndTooltip();
    }
}

void histogram(const char* id, ImVec2 size, const std::vector<std::int64_t>& counts, const HistogramOptions& opt) {
    std::vector<float> f(counts.size());
    for (std::size_t i = 0; i < counts.size(); ++i) f[i] = static_cast<float>(counts[i]);
    histogram(id, size, f, opt);
}

}  // namespace motsim::app
