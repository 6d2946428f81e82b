// The journey map's geometry (see layout.h for the picture). No ImGui here on purpose: the
// tests link this file without a window.
#include "app/layout.h"

#include <algorithm>
#include <cmath>
#include <cstddef>

namespace motsim::app {

namespace {

// Nodes never grow past this many pixels: on a big screen a journey of two moments would
// otherwise become two giant bubbles, and the crowd reads better as a dense cluster.
constexpr float kMaxRadius = 60.0f;

// Base probability of an outcome kind (indexed like Moment::next): positive includes magic.
float base_probability(const Moment& m, int route) {
    const double neutral = std::max(0.0, 1.0 - m.positive - m.negative);
    const double p = route == 0 ? m.positive : route == 1 ? neutral : m.negative;
    return static_cast<float>(std::clamp(p, 0.0, 1.0));
}

// 32-bit integer hash with good avalanche (Chris Wellons' "lowbias32"): neighbouring ids land
// far apart, so customers who arrived together do not line up.
std::uint32_t mix32(std::uint32_t x) {
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

}  // namespace

// ==== Columns and nodes ========================================================================

JourneyLayout layout_journey(const Scenario& s, float x, float y, float w, float h, float header) {
    JourneyLayout out;
    w = std::max(0.0f, w);
    h = std::max(0.0f, h);
    header = std::clamp(header, 0.0f, h * 0.5f);  // labels never eat more than half the map
    out.x = x;
    out.y = y;
    out.w = w;
    out.h = h;

    // Which column each moment goes to: phases with moments, in phase order, then a "?" column
    // for out-of-range phase indices (the loader rejects them, but an editor may be mid-change).
    const int phase_count = static_cast<int>(s.phases.size());
    std::vector<int> column_of_phase(static_cast<std::size_t>(phase_count), -1);
    bool stray = false;
    for (const Moment& m : s.moments) {
        if (m.phase >= 0 && m.phase < phase_count)
            column_of_phase[static_cast<std::size_t>(m.phase)] = 0;
        else
            stray = true;
    }
    for (int p = 0; p < phase_count; ++p) {
        if (column_of_phase[static_cast<std::size_t>(p)] < 0) continue;
        column_of_phase[static_cast<std::size_t>(p)] = static_cast<int>(out.columns.size());
        out.columns.push_back(PhaseColumn{s.phases[static_cast<std::size_t>(p)], p, 0.0f, 0.0f});
    }
    if (stray) out.columns.push_back(PhaseColumn{"?", -1, 0.0f, 0.0f});

    // Equal slots: the moment columns plus one for the terminals.
    const std::size_t ncols = out.columns.size();
    const float slot = w / static_cast<float>(ncols + 1);
    for (std::size_t c = 0; c < ncols; ++c) {
        out.columns[c].x0 = x + slot * static_cast<float>(c);
        out.columns[c].x1 = x + slot * static_cast<float>(c + 1);
    }

    // Moments stack in their column in file order; one radius for all, set by the fullest
    // column, so a node's size never suggests importance.
    std::vector<int> column_of_moment(s.moments.size(), 0);
    std::vector<int> rank(s.moments.size(), 0);
    std::vector<int> count(ncols, 0);
    for (std::size_t i = 0; i < s.moments.size(); ++i) {
        const int p = s.moments[i].phase;
        const int c =
            (p >= 0 && p < phase_count) ? column_of_phase[static_cast<std::size_t>(p)] : static_cast<int>(ncols) - 1;
        column_of_moment[i] = c;
        rank[i] = count[static_cast<std::size_t>(c)]++;
    }
    const int fullest = count.empty() ? 1 : std::max(1, *std::max_element(count.begin(), count.end()));
    const float body_y = y + header;
    const float body_h = h - header;
    // 0.3 of the width and 0.35 of the row height leave a visible gap between neighbours.
    const float radius = std::min({slot * 0.3f, body_h / static_cast<float>(fullest) * 0.35f, kMaxRadius});

    out.nodes.resize(s.moments.size());
    for (std::size_t i = 0; i < s.moments.size(); ++i) {
        const int c = column_of_moment[i];
        const PhaseColumn& col = out.columns[static_cast<std::size_t>(c)];
        const float row_h = body_h / static_cast<float>(count[static_cast<std::size_t>(c)]);
        Node& n = out.nodes[i];
        n.x = 0.5f * (col.x0 + col.x1);
        n.y = body_y + row_h * (static_cast<float>(rank[i]) + 0.5f);
        n.radius = radius;
        n.column = c;
    }

    // Terminals share the last slot: done at 30 % of the height, lost at 80 %. The radius is
    // capped at 20 % of the height so the two can never touch, whatever the moments need.
    const float tx = x + slot * (static_cast<float>(ncols) + 0.5f);
    const float tr = std::min({slot * 0.3f, body_h * 0.2f, kMaxRadius});
    out.done = Node{tx, body_y + body_h * 0.3f, tr, -1};
    out.lost = Node{tx, body_y + body_h * 0.8f, tr, -1};

    // ==== Edges ================================================================================
    const int n = static_cast<int>(s.moments.size());
    for (int i = 0; i < n; ++i) {
        const Moment& m = s.moments[static_cast<std::size_t>(i)];
        for (int route = 0; route < 3; ++route) {
            const Route& r = m.next[static_cast<std::size_t>(route)];
            double total = 0.0;
            for (double wgt : r.weights) total += std::max(0.0, wgt);
            const std::size_t k = std::min(r.targets.size(), r.weights.size());
            for (std::size_t t = 0; t < k; ++t) {
                const int target = r.targets[t];
                if (target != kLost && target != kDone && (target < 0 || target >= n)) continue;
                const float share = total > 0.0 ? static_cast<float>(std::max(0.0, r.weights[t]) / total) : 0.0f;
                out.edges.push_back(
                    Edge{i, target, static_cast<Outcome>(route), share, base_probability(m, route) * share});
            }
        }
    }
    return out;
}

// ==== Reading the layout =======================================================================

int hit_test(const JourneyLayout& layout, float x, float y) {
    int best = -1;
    float best_d2 = 0.0f;
    for (std::size_t i = 0; i < layout.nodes.size(); ++i) {
        const Node& n = layout.nodes[i];
        if (!(n.radius > 0.0f)) continue;  // a zero-size map has nothing to point at
        const float dx = x - n.x, dy = y - n.y;
        const float d2 = dx * dx + dy * dy;
        if (d2 <= n.radius * n.radius && (best < 0 || d2 < best_d2)) {
            best = static_cast<int>(i);
            best_d2 = d2;
        }
    }
    return best;
}

const Node* find_node(const JourneyLayout& layout, int target) {
    if (target == kDone) return &layout.done;
    if (target == kLost) return &layout.lost;
    if (target >= 0 && static_cast<std::size_t>(target) < layout.nodes.size())
        return &layout.nodes[static_cast<std::size_t>(target)];
    return nullptr;
}

Point node_position(const JourneyLayout& layout, int target) {
    const Node* n = find_node(layout, target);
    if (!n) n = &layout.lost;
    return Point{n->x, n->y};
}

// ==== The crowd ================================================================================

Point crowd_offset(std::uint32_t customer_id, float radius) {
    if (!(radius > 0.0f)) return Point{};  // also catches NaN
    // Two 16-bit fractions from one hash; the golden-ratio offset keeps id 0 off the centre.
    const std::uint32_t bits = mix32(customer_id + 0x9e3779b9U);
    const float u = static_cast<float>(bits & 0xffffU) * (1.0f / 65536.0f);
    const float v = static_cast<float>(bits >> 16) * (1.0f / 65536.0f);
    // sqrt(u) makes the density uniform by area; u < 1 keeps the point strictly inside.
    const float r = radius * std::sqrt(u);
    const float angle = 6.28318530718f * v;
    return Point{r * std::cos(angle), r * std::sin(angle)};
}

}  // namespace motsim::app
