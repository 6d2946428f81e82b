// The "Journey map" window: phases as columns, moments as nodes, routes as edges whose width follows the
// live flow, and the crowd as dots drawn by the platform's GLSL renderer (one upload a frame).
// Sections: the phase headers, the node labels (wrapped, never cut at 1024x768 and larger), the
// edges, the crowd and the followed customer, the nodes and terminals, clicks and tooltips.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "app/app.h"
#include "app/format.h"
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

// Lines of text centred on x with a dark backing, from y down, moved sideways as needed to stay
// between x_min and x_max (the map's edges); returns the box drawn.
ImVec4 draw_text_block(ImDrawList* dl, const std::vector<std::string>& lines, float x, float y, ImU32 col, float pad,
                       float x_min, float x_max) {
    const float lh = ImGui::GetTextLineHeight();
    float w = 0;
    for (const std::string& l : lines) w = std::max(w, ImGui::CalcTextSize(l.c_str()).x);
    x = std::clamp(x, std::min(x_min + w * 0.5f + pad, x_max), std::max(x_max - w * 0.5f - pad, x_min));
    const float h = lh * static_cast<float>(lines.size());
    const ImVec4 box(x - w * 0.5f - pad, y - pad * 0.5f, x + w * 0.5f + pad, y + h + pad * 0.5f);
    dl->AddRectFilled({box.x, box.y}, {box.z, box.w}, IM_COL32(20, 22, 28, 200), 3);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const float tw = ImGui::CalcTextSize(lines[i].c_str()).x;
        dl->AddText({x - tw * 0.5f, y + lh * static_cast<float>(i)}, col, lines[i].c_str());
    }
    return box;
}

// ==== Phase headers ===============================================================================
// One row of upper-case phase names when each fits its column; when one does not (a tablet, a
// large text size), two staggered rows, each name then having two columns' width. A name that
// still does not fit is shortened (and counted) with the full name as a tooltip.

struct PhaseHeaders {
    int rows = 1;
    float height = 0;  // the header band above the nodes, for layout_journey
};

std::string upper(const std::string& s) {
    std::string out = s;
    for (char& ch : out) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return out;
}

PhaseHeaders plan_phase_headers(const JourneyLayout& provisional, float scale) {
    PhaseHeaders h;
    const float margin = 6 * scale;
    for (const PhaseColumn& col : provisional.columns)
        if (ImGui::CalcTextSize(upper(col.label).c_str()).x > (col.x1 - col.x0) - margin) h.rows = 2;
    h.height = 6 * scale + static_cast<float>(h.rows) * ImGui::GetTextLineHeight() + 9 * scale;
    return h;
}

void draw_phase_headers(ImDrawList* dl, const JourneyLayout& layout, const PhaseHeaders& plan, float top, float bottom,
                        float scale) {
    const float lh = ImGui::GetTextLineHeight();
    const ImVec2 mouse = ImGui::GetMousePos();
    for (std::size_t c = 0; c < layout.columns.size(); ++c) {
        const PhaseColumn& col = layout.columns[c];
        if (c % 2 == 0) dl->AddRectFilled({col.x0, top}, {col.x1, bottom}, IM_COL32(255, 255, 255, 8));
        const float slot = col.x1 - col.x0;
        const float room = (plan.rows == 2 ? 2 * slot : slot) - 6 * scale;
        const std::string full = upper(col.label);
        const std::string shown = fit_text(full, room);
        const ImVec2 ts = ImGui::CalcTextSize(shown.c_str());
        const float row = plan.rows == 2 ? static_cast<float>(c % 2) : 0.0f;
        const ImVec2 at((col.x0 + col.x1 - ts.x) * 0.5f, top + 6 * scale + row * lh);
        dl->AddText(at, IM_COL32(200, 205, 215, 255), shown.c_str());
        if (shown != full && ImGui::IsWindowHovered() && mouse.x >= at.x && mouse.x <= at.x + ts.x && mouse.y >= at.y &&
            mouse.y <= at.y + lh)
            ImGui::SetTooltip("%s", col.label.c_str());
    }
}

// ==== Node labels =================================================================================
// A moment's name is wrapped under its node in its column's width. When a name would need more
// than three lines there (or a word is wider than the column), the labels take turns: even
// columns below their nodes, odd columns above, so each may use two columns' width without
// touching its neighbours'. The lines allowed follow the free height (two at least); a name
// longer than that is shortened (and counted) and reads in full in the node's tooltip.

struct NodeLabel {
    std::vector<std::string> lines;
    bool above = false;
    float lo = 0, hi = 0;  // the label stays between these x (its columns, inside the map)
    ImVec4 box;            // drawn rectangle, for hovering
};

std::vector<NodeLabel> plan_node_labels(const Scenario& s, const JourneyLayout& layout, float bottom, float scale) {
    const std::size_t nm = std::min(s.moments.size(), layout.nodes.size());
    const float lh = ImGui::GetTextLineHeight();
    const float gap = 2 * scale, margin = 6 * scale;
    auto slot_of = [&](const Node& nd) {
        return nd.column >= 0 ? layout.columns[static_cast<std::size_t>(nd.column)].x1 -
                                    layout.columns[static_cast<std::size_t>(nd.column)].x0
                              : 200 * scale;
    };
    // Do the names fit their own column in three lines, with no word split?
    bool alternate = false;
    for (std::size_t m = 0; m < nm && !alternate; ++m) {
        const std::vector<std::string> lines = wrap_text(s.moments[m].name, slot_of(layout.nodes[m]) - margin, 0);
        if (lines.size() > 3) alternate = true;
        for (const std::string& l : lines)
            if (!l.empty() && l.back() == '-' && s.moments[m].name.find(l) == std::string::npos) alternate = true;
    }
    std::vector<NodeLabel> out(nm);
    for (std::size_t m = 0; m < nm; ++m) {
        const Node& nd = layout.nodes[m];
        NodeLabel& label = out[m];
        label.above = alternate && nd.column % 2 == 1;
        // The free height on the label's side: to the neighbour node in the same column, or to the
        // header / the map's bottom.
        float limit = label.above ? layout.y : bottom;
        for (std::size_t k = 0; k < nm; ++k) {
            const Node& other = layout.nodes[k];
            if (k == m || other.column != nd.column) continue;
            if (label.above && other.y < nd.y) limit = std::max(limit, other.y + other.radius);
            if (!label.above && other.y > nd.y) limit = std::min(limit, other.y - other.radius);
        }
        if (label.above) limit = std::max(limit, layout.y);  // below the headers
        const float room_h = std::fabs((label.above ? nd.y - nd.radius : nd.y + nd.radius) - limit) - 2 * gap;
        const int max_lines = std::clamp(static_cast<int>(room_h / lh), 2, 5);
        // Its own column, or (taking turns) half of each neighbour's too; never into the
        // terminals' discs nor past the map's edges.
        const float half = alternate ? slot_of(nd) : 0.5f * slot_of(nd);
        label.lo = std::max(nd.x - half, layout.x);
        label.hi = std::min({nd.x + half, layout.x + layout.w, layout.done.x - layout.done.radius});
        label.lines = wrap_text(s.moments[m].name, std::max(label.hi - label.lo - margin, 10 * scale), max_lines);
    }
    return out;
}

void draw_node_labels(ImDrawList* dl, const JourneyLayout& layout, std::vector<NodeLabel>& labels, float bottom,
                      float scale) {
    const float lh = ImGui::GetTextLineHeight();
    const float gap = 2 * scale;
    for (std::size_t m = 0; m < labels.size(); ++m) {
        const Node& nd = layout.nodes[m];
        NodeLabel& label = labels[m];
        const float h = lh * static_cast<float>(label.lines.size());
        float y = label.above ? nd.y - nd.radius - gap - h : nd.y + nd.radius + gap;
        // Never cut by the map's foot or hidden under the phase names: over the node's rim instead.
        y = std::max(std::min(y, bottom - h - gap), layout.y);
        label.box =
            draw_text_block(dl, label.lines, nd.x, y, IM_COL32(235, 238, 245, 255), 3 * scale, label.lo, label.hi);
    }
}

// The moment whose label box holds the point; -1 if none.
int label_hit(const std::vector<NodeLabel>& labels, ImVec2 p) {
    for (std::size_t m = 0; m < labels.size(); ++m) {
        const ImVec4& b = labels[m].box;
        if (p.x >= b.x && p.x <= b.z && p.y >= b.y && p.y <= b.w) return static_cast<int>(m);
    }
    return -1;
}

}  // namespace

// ==== The crowd and the followed customer =========================================================

void App::update_crowd(const JourneyLayout& layout) {
    // Movers glide from where they were over the fraction of the tick that has passed (frame-rate
    // independent); while paused nothing changes and the crowd is not rebuilt.
    CrowdKey key;
    key.sim = run_.sim.get();
    key.version = run_.version;
    key.x0 = layout.x, key.y0 = layout.y, key.w = layout.w, key.h = layout.h, key.scale = ui_scale_;
    key.glide = static_cast<float>(std::clamp(run_.tick_clock, 0.0, 1.0));
    key.flashes = run_.playing && !run_.sim->finished();
    // The header (text size, staggered phase names) moves the nodes in the same rectangle: the
    // dots must follow.
    const float first_node_y = layout.nodes.empty() ? 0.0f : layout.nodes.front().y;
    if (map_header_ != first_node_y) crowd_.key = CrowdKey{};
    map_header_ = first_node_y;
    build_crowd(crowd_, *run_.sim, layout, key);
}

// A ring around the followed customer's dot (shift-click a dot, or "Random customer") and the
// word "followed", so the story on the right has a face on the map. A sample that left the
// customer out is searched once per crowd; a customer who has left the journey is said so.
void App::draw_followed_customer(ImDrawList* dl, const JourneyLayout& layout) {
    if (!run_.watched || !run_.view.individuals()) return;
    const std::uint32_t id = *run_.watched;
    FollowedSpot& spot = followed_spot_;
    if (spot.crowd_version != crowd_.version || spot.id != id) {
        spot = FollowedSpot{crowd_.version, id, false, 0, 0};
        for (std::size_t i = 0; i < crowd_.ids.size(); ++i)
            if (crowd_.ids[i] == id) {
                spot.on_map = true;
                spot.x = crowd_.dots[i].x;
                spot.y = crowd_.dots[i].y;
                break;
            }
        if (!spot.on_map && crowd_.dots.size() < crowd_.customers) {
            run_.sim->for_each_customer([&](const Customer& c, int) {
                if (c.id != id) return;
                const Node* node = find_node(layout, c.moment);
                const Point at = node_position(layout, c.moment);
                const Point off = crowd_offset(c.id, node ? node->radius * 1.6f : 10.0f);  // as build_crowd
                spot.on_map = true;
                spot.x = at.x + off.x;
                spot.y = at.y + off.y;
            });
        }
    }
    const float s = ui_scale_ * line_scale();
    const float lh = ImGui::GetTextLineHeight();
    if (!spot.on_map) {
        const std::string note = "The followed customer #" + std::to_string(id) + " has left the journey";
        const std::vector<std::string> lines = wrap_text(note, layout.w - 12 * ui_scale_, 2);
        draw_text_block(dl, lines, layout.x + layout.w * 0.5f, layout.y + layout.h - 2 * lh - 30 * ui_scale_,
                        IM_COL32(120, 210, 255, 255), 3 * ui_scale_, layout.x, layout.x + layout.w);
        return;
    }
    const float r = std::max(7.0f * ui_scale_, crowd_radius() * 2.6f);
    dl->AddCircle({spot.x, spot.y}, r + 1.5f * s, IM_COL32(10, 12, 16, 230), 24, 4.0f * s);
    dl->AddCircle({spot.x, spot.y}, r, IM_COL32(120, 210, 255, 255), 24, 2.0f * s);
    const char* word = "followed";
    const ImVec2 ts = ImGui::CalcTextSize(word);
    // Right of the ring, or left of it near the map's right edge.
    float x = spot.x + r + 4 * ui_scale_;
    if (x + ts.x > layout.x + layout.w) x = spot.x - r - 4 * ui_scale_ - ts.x;
    const float y = spot.y - ts.y * 0.5f;
    dl->AddRectFilled({x - 2 * ui_scale_, y - 1}, {x + ts.x + 2 * ui_scale_, y + ts.y + 1}, IM_COL32(10, 12, 16, 220),
                      3);
    dl->AddText({x, y}, IM_COL32(120, 210, 255, 255), word);
}

// ==== The window ==================================================================================

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
    const float lw = ui_scale_ * line_scale();  // line widths (thicker in presentation mode)
    // The header's height depends on whether the phase names need two rows, which depends on
    // the columns' width: a first layout tells.
    const float one_row = 6 * ui_scale_ + ImGui::GetTextLineHeight() + 9 * ui_scale_;
    const PhaseHeaders headers =
        plan_phase_headers(layout_journey(edited_, p0.x, p0.y, size.x, size.y, one_row), ui_scale_);
    const JourneyLayout layout = layout_journey(edited_, p0.x, p0.y, size.x, size.y, headers.height);
    const LiveView& v = run_.view;
    const float map_bottom = p0.y + size.y;

    draw_phase_headers(dl, layout, headers, p0.y, map_bottom, ui_scale_);

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
        const float width = (1.0f + 7.0f * std::sqrt(frac)) * lw;
        const bool sel = ed.from == selected_;
        draw_edge(dl, {a->x, a->y}, {b->x, b->y}, a->radius, b->radius, outcome_color(ed.outcome, sel ? 0.85f : 0.45f),
                  width, static_cast<int>(ed.outcome));
    }

    // Crowd: the platform draws it here through a callback, under the node labels. The cohort
    // engine has counts, not customers: no dots, the counts in the nodes tell the story.
    if (v.individuals()) {
        update_crowd(layout);
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
    float free_bottom = map_bottom;  // above the sample note, if there is one
    if (crowd_.dots.size() < crowd_.customers) {
        // A sample is drawn: say so, so nobody counts dots and gets the wrong population.
        const std::string note = "Showing " + human_count(static_cast<double>(crowd_.dots.size())) + " of " +
                                 human_count(static_cast<double>(crowd_.customers)) + " customers (a sample)";
        const float lh = ImGui::GetTextLineHeight();
        const std::vector<std::string> lines = wrap_text(note, size.x - 12 * ui_scale_, 2);
        const float y = map_bottom - lh * static_cast<float>(lines.size()) - 4 * ui_scale_;
        for (std::size_t i = 0; i < lines.size(); ++i)
            dl->AddText({p0.x + 6 * ui_scale_, y + lh * static_cast<float>(i)}, IM_COL32(200, 205, 215, 230),
                        lines[i].c_str());
        free_bottom = y - 2 * ui_scale_;
    }

    // Nodes with their live counts inside (human numbers: "12.3 k"), then their labels.
    const std::size_t nm = edited_.moments.size();
    const std::size_t recorded = v.ticks_recorded();
    for (std::size_t m = 0; m < nm; ++m) {
        const Node& nd = layout.nodes[m];
        const bool sel = static_cast<int>(m) == selected_;
        dl->AddCircle({nd.x, nd.y}, nd.radius, sel ? IM_COL32(255, 210, 80, 255) : IM_COL32(210, 215, 225, 200), 32,
                      (sel ? 3.0f : 1.5f) * lw);
        // "moment:<id>" for motsim.widget(): a test (or a tour) can point at a node.
        layout_.rects.push_back(
            {"moment:" + edited_.moments[m].id, nd.x - nd.radius, nd.y - nd.radius, 2 * nd.radius, 2 * nd.radius});
        const double here = recorded > 0 && m < v.moments.size() ? v.occupancy(recorded - 1, m) : 0.0;
        const std::string count = human_count(here);
        const ImVec2 ts = ImGui::CalcTextSize(count.c_str());
        dl->AddText({nd.x - ts.x * 0.5f, nd.y - ts.y * 0.5f}, IM_COL32(235, 238, 245, 230), count.c_str());
    }
    std::vector<NodeLabel> labels = plan_node_labels(edited_, layout, free_bottom, ui_scale_);
    draw_node_labels(dl, layout, labels, free_bottom, ui_scale_);

    // Terminals: the count inside, the name under it.
    const char* names[2] = {"done", "lost"};
    const Node* terms[2] = {&layout.done, &layout.lost};
    const double counts[2] = {v.done, v.lost};
    for (int k = 0; k < 2; ++k) {
        const Node& nd = *terms[k];
        dl->AddCircleFilled({nd.x, nd.y}, nd.radius, k == 0 ? IM_COL32(40, 120, 60, 200) : IM_COL32(140, 45, 40, 200),
                            32);
        const std::string count = human_count(counts[k]);
        const ImVec2 cs = ImGui::CalcTextSize(count.c_str());
        dl->AddText({nd.x - cs.x * 0.5f, nd.y - cs.y * 0.5f}, IM_COL32(245, 247, 250, 255), count.c_str());
        draw_text_block(dl, {names[k]}, nd.x, nd.y + nd.radius + 2 * ui_scale_, IM_COL32(235, 238, 245, 255),
                        3 * ui_scale_, layout.x, layout.x + layout.w);
    }

    draw_followed_customer(dl, layout);

    // Clicks: a node (or its label) selects the moment for editing; a dot picks a customer for
    // its story.
    const ImVec2 mp = ImGui::GetMousePos();
    int hit = hovered ? hit_test(layout, mp.x, mp.y) : -1;
    if (hovered && hit < 0) hit = label_hit(labels, mp);
    if (hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
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
    // The tooltip: the moment's full name and phase, and what happened there.
    if (hit >= 0) {
        const Moment& mo = edited_.moments[static_cast<std::size_t>(hit)];
        const LiveMoment& st = v.moments[static_cast<std::size_t>(hit)];
        const double entered = st.entered > 0 ? st.entered : 1.0;
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 28.0f);
        ImGui::TextWrapped("%s  (%s)", mo.name.c_str(), edited_.phases[static_cast<std::size_t>(mo.phase)].c_str());
        ImGui::TextWrapped("Entered %s: %s positive (%s magic), %s neutral, %s negative.",
                           human_count(st.entered).c_str(), percent(st.positive / entered).c_str(),
                           human_count(st.magic).c_str(), percent(st.neutral / entered).c_str(),
                           percent(st.negative / entered).c_str());
        ImGui::TextWrapped("Lost right after: %s (%s). Click to edit its odds.", human_count(st.lost_after).c_str(),
                           percent(st.lost_after / entered).c_str());
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
    }
    draw_route_drag(layout, hovered);  // authoring_window.cpp: drag from a moment to draw a route
    ImGui::End();
}

}  // namespace motsim::app
