// The "Journey map" window: phases as columns, moments as nodes, routes as edges whose width follows the
// live flow, and the crowd as dots drawn by the platform's GLSL renderer (one upload a frame).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/app.h"
#include "app/layout.h"
#include "app/plot.h"
#include "app/widgets.h"
#include "imgui.h"

namespace motsim::app {

namespace {

ImU32 outcome_color(Outcome o, float alpha) {
    switch (o) {
        case Outcome::Positive:
        case Outcome::Magic:
            return ImGui::ColorConvertFloat4ToU32({0.30f, 0.75f, 0.40f, alpha});
        case Outcome::Neutral:
            return ImGui::ColorConvertFloat4ToU32({0.65f, 0.67f, 0.72f, alpha});
        case Outcome::Negative:
            return ImGui::ColorConvertFloat4ToU32({0.90f, 0.35f, 0.30f, alpha});
    }
    return IM_COL32_WHITE;
}

// A curved edge from a to b; bends so that loops back to the left stay readable.
void draw_edge(ImDrawList* dl, Point a, Point b, float ra, float rb, ImU32 col, float width, int lane) {
    const float dx = b.x - a.x, dy = b.y - a.y;
    const float len = std::sqrt(dx * dx + dy * dy);
    if (len < 1e-3f) {  // a self loop
        const ImVec2 p(a.x, a.y - ra);
        dl->AddBezierCubic(p, {p.x - 30, p.y - 40}, {p.x + 30, p.y - 40}, p, col, width);
        return;
    }
    const float ux = dx / len, uy = dy / len;
    const ImVec2 p0(a.x + ux * ra, a.y + uy * ra), p3(b.x - ux * rb, b.y - uy * rb);
    // Backward edges (loops) arc above, forward edges bend slightly by outcome lane.
    const float bend = (dx < 0 ? -0.35f * len : 0.08f * len * static_cast<float>(lane - 1));
    const ImVec2 c1(p0.x + dx * 0.3f - uy * bend, p0.y + dy * 0.3f + ux * bend);
    const ImVec2 c2(p3.x - dx * 0.3f - uy * bend, p3.y - dy * 0.3f + ux * bend);
    dl->AddBezierCubic(p0, c1, c2, p3, col, width);
    // Arrow head.
    const float hx = p3.x - c2.x, hy = p3.y - c2.y, hl = std::sqrt(hx * hx + hy * hy);
    if (hl > 1e-3f) {
        const float ax = hx / hl, ay = hy / hl, s = 4.0f + width;
        dl->AddTriangleFilled(p3, {p3.x - ax * s - ay * s * 0.6f, p3.y - ay * s + ax * s * 0.6f},
                              {p3.x - ax * s + ay * s * 0.6f, p3.y - ay * s - ax * s * 0.6f}, col);
    }
}

// 250000 -> "250,000".
std::string with_thousands(double v) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    std::string digits = buf, out;
    const std::size_t lead = digits.size() % 3;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (i + 3 - lead) % 3 == 0) out += ',';
        out += digits[i];
    }
    return out;
}

}  // namespace

void App::update_crowd(float x0, float y0, float w, float h) {
    const JourneyLayout layout = layout_journey(edited_, x0, y0, w, h, 28.0f * ui_scale_);
    // Movers glide from where they were over the fraction of the tick that has passed (frame-rate
    // independent); while paused nothing changes and the crowd is not rebuilt.
    CrowdKey key;
    key.sim = run_.sim.get();
    key.version = run_.version;
    key.x0 = x0, key.y0 = y0, key.w = w, key.h = h, key.scale = ui_scale_;
    key.glide = static_cast<float>(std::clamp(run_.tick_clock, 0.0, 1.0));
    key.flashes = run_.playing && !run_.sim->finished();
    build_crowd(crowd_, *run_.sim, layout, key);
}

void App::draw_journey_map_window() {
    ImGui::Begin("Journey map", nullptr, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
    remember_rect("journey");
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImVec2 size = ImGui::GetContentRegionAvail();
    size.x = std::max(size.x, 50.0f);
    size.y = std::max(size.y, 50.0f);
    ImGui::InvisibleButton("##map", size);
    const bool hovered = ImGui::IsItemHovered();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const JourneyLayout layout = layout_journey(edited_, p0.x, p0.y, size.x, size.y, 28.0f * ui_scale_);
    const LiveView& v = run_.view;

    // Columns.
    for (std::size_t c = 0; c < layout.columns.size(); ++c) {
        const PhaseColumn& col = layout.columns[c];
        if (c % 2 == 0) dl->AddRectFilled({col.x0, p0.y}, {col.x1, p0.y + size.y}, IM_COL32(255, 255, 255, 8));
        const std::string label = col.label;
        std::string shown = label;
        for (char& ch : shown) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        const ImVec2 ts = ImGui::CalcTextSize(shown.c_str());
        dl->AddText({(col.x0 + col.x1 - ts.x) * 0.5f, p0.y + 6 * ui_scale_}, IM_COL32(200, 205, 215, 255),
                    shown.c_str());
    }

    // Edges: width follows the live flow through each route in the last ticks (outcomes per
    // moment times route share), so a bottleneck shows as a thick red drain.
    float max_flow = 1;
    std::vector<float> flow(layout.edges.size(), 0);
    for (std::size_t e = 0; e < layout.edges.size(); ++e) {
        const Edge& ed = layout.edges[e];
        const LiveMoment& st = v.moments[static_cast<std::size_t>(ed.from)];
        const double n = ed.outcome == Outcome::Negative  ? st.negative
                         : ed.outcome == Outcome::Neutral ? st.neutral
                                                          : st.positive;
        flow[e] = static_cast<float>(n) * ed.share;
        max_flow = std::max(max_flow, flow[e]);
    }
    for (std::size_t e = 0; e < layout.edges.size(); ++e) {
        const Edge& ed = layout.edges[e];
        const Node* a = find_node(layout, ed.from);
        const Node* b = find_node(layout, ed.to);
        if (!a || !b) continue;
        const float frac = flow[e] / max_flow;
        const float width = (1.0f + 7.0f * std::sqrt(frac)) * ui_scale_;
        const bool sel = ed.from == selected_;
        draw_edge(dl, {a->x, a->y}, {b->x, b->y}, a->radius, b->radius, outcome_color(ed.outcome, sel ? 0.85f : 0.45f),
                  width, static_cast<int>(ed.outcome));
    }

    // Crowd: the platform draws it here through a callback, under the node labels. The cohort
    // engine has counts, not customers: no dots, the counts in the nodes tell the story.
    if (v.individuals()) {
        update_crowd(p0.x, p0.y, size.x, size.y);
    } else if (!crowd_.dots.empty()) {
        crowd_.dots.clear();
        crowd_.ids.clear();
        crowd_.customers = 0;
        crowd_.key = CrowdKey{};
        ++crowd_.version;
    }
    if (crowd_draw_ && !crowd_.dots.empty()) {
        dl->AddCallback(crowd_draw_, this);
        dl->AddCallback(ImDrawCallback_ResetRenderState, nullptr);
    }
    if (crowd_.dots.size() < crowd_.customers) {
        // A sample is drawn: say so, so nobody counts dots and gets the wrong population.
        const std::string note = "Showing " + with_thousands(static_cast<double>(crowd_.dots.size())) + " of " +
                                 with_thousands(static_cast<double>(crowd_.customers)) + " customers (a sample)";
        const float lh = ImGui::GetTextLineHeight();
        dl->AddText({p0.x + 6 * ui_scale_, p0.y + size.y - lh - 4 * ui_scale_}, IM_COL32(200, 205, 215, 230),
                    note.c_str());
    }

    // Nodes with labels and live counts.
    const std::size_t nm = edited_.moments.size();
    const std::size_t recorded = v.ticks_recorded();
    for (std::size_t m = 0; m < nm; ++m) {
        const Node& nd = layout.nodes[m];
        const Moment& mo = edited_.moments[m];
        const bool sel = static_cast<int>(m) == selected_;
        dl->AddCircle({nd.x, nd.y}, nd.radius, sel ? IM_COL32(255, 210, 80, 255) : IM_COL32(210, 215, 225, 200), 32,
                      (sel ? 3.0f : 1.5f) * ui_scale_);
        const double here = recorded > 0 && m < v.moments.size() ? v.occupancy(recorded - 1, m) : 0.0;
        const PhaseColumn* col = nd.column >= 0 ? &layout.columns[static_cast<std::size_t>(nd.column)] : nullptr;
        const float max_w = col ? (col->x1 - col->x0) - 6 * ui_scale_ : 200 * ui_scale_;
        char line[160];
        std::snprintf(line, sizeof line, "%s", fit_text(mo.name, max_w).c_str());
        ImVec2 ts = ImGui::CalcTextSize(line);
        const ImVec2 tp(nd.x - ts.x * 0.5f, nd.y + nd.radius + 2 * ui_scale_);
        dl->AddRectFilled({tp.x - 3, tp.y - 1}, {tp.x + ts.x + 3, tp.y + ts.y + 1}, IM_COL32(20, 22, 28, 190), 3);
        dl->AddText(tp, IM_COL32(235, 238, 245, 255), line);
        // The live count sits inside the node, so stacked moments keep one label line each.
        std::snprintf(line, sizeof line, "%.0f", here);
        ts = ImGui::CalcTextSize(line);
        dl->AddText({nd.x - ts.x * 0.5f, nd.y - ts.y * 0.5f}, IM_COL32(235, 238, 245, 230), line);
    }
    // Terminals.
    const char* names[2] = {"done", "lost"};
    const Node* terms[2] = {&layout.done, &layout.lost};
    const double counts[2] = {v.done, v.lost};
    for (int k = 0; k < 2; ++k) {
        const Node& nd = *terms[k];
        dl->AddCircleFilled({nd.x, nd.y}, nd.radius, k == 0 ? IM_COL32(40, 120, 60, 200) : IM_COL32(140, 45, 40, 200),
                            32);
        char line[64];
        std::snprintf(line, sizeof line, "%s %.0f", names[k], counts[k]);
        const ImVec2 ts = ImGui::CalcTextSize(line);
        dl->AddText({nd.x - ts.x * 0.5f, nd.y + nd.radius + 2}, IM_COL32(235, 238, 245, 255), line);
    }

    // Clicks: a node selects the moment for editing; a dot picks a customer for its story.
    if (hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
        const ImVec2 mp = ImGui::GetMousePos();
        const int hit = hit_test(layout, mp.x, mp.y);
        float best = 36.0f * ui_scale_ * ui_scale_;
        int pick = -1;
        for (std::size_t i = 0; i < crowd_.dots.size(); ++i) {
            const float dx = crowd_.dots[i].x - mp.x, dy = crowd_.dots[i].y - mp.y;
            if (dx * dx + dy * dy < best) {
                best = dx * dx + dy * dy;
                pick = static_cast<int>(i);
            }
        }
        if (hit >= 0) selected_ = hit;
        if (pick >= 0 && (hit < 0 || ImGui::GetIO().KeyShift))
            watch_customer(crowd_.ids[static_cast<std::size_t>(pick)]);
    }
    if (hovered) {
        const ImVec2 mp = ImGui::GetMousePos();
        const int hit = hit_test(layout, mp.x, mp.y);
        if (hit >= 0) {
            const Moment& mo = edited_.moments[static_cast<std::size_t>(hit)];
            const LiveMoment& st = v.moments[static_cast<std::size_t>(hit)];
            ImGui::BeginTooltip();
            ImGui::Text("%s  (%s)", mo.name.c_str(), edited_.phases[static_cast<std::size_t>(mo.phase)].c_str());
            ImGui::Text("entered %.0f: %.0f positive (%.0f magic), %.0f neutral, %.0f negative", st.entered,
                        st.positive, st.magic, st.neutral, st.negative);
            ImGui::Text("lost right after: %.0f.  Click to edit its odds.", st.lost_after);
            ImGui::EndTooltip();
        }
    }
    ImGui::End();
}

}  // namespace motsim::app
