#include "app/crowd.h"

#include <algorithm>
#include <cmath>

namespace motsim::app {

bool build_crowd(Crowd& crowd, const Simulation& sim, const JourneyLayout& layout, const CrowdKey& key,
                 std::size_t max_dots) {
    if (crowd.key == key && crowd.version != 0) return false;
    crowd.key = key;
    ++crowd.version;
    crowd.dots.clear();
    crowd.ids.clear();
    crowd.customers = static_cast<std::size_t>(std::max<std::int64_t>(sim.active(), 0));
    // Every k-th customer in the wheel's order: the wheel holds customers by due tick and
    // moment, not by id, so the sample is spread over every moment in proportion.
    max_dots = std::max<std::size_t>(max_dots, 1);
    const std::size_t stride = std::max<std::size_t>(1, (crowd.customers + max_dots - 1) / max_dots);
    crowd.dots.reserve(crowd.customers / stride + 1);
    crowd.ids.reserve(crowd.customers / stride + 1);
    const float t = std::clamp(key.glide, 0.0f, 1.0f);
    const float glide = t * t * (3 - 2 * t);
    const int last_tick = sim.tick() - 1;
    sim.for_each_customer_strided(stride, [&](const Customer& c) {
        const Node* node = find_node(layout, c.moment);
        const float r = (node ? node->radius * 1.6f : 10.0f);
        const Point off = crowd_offset(c.id, r);
        Point at = node_position(layout, c.moment);
        float flash = 0;
        if (c.since == last_tick) {
            const Point src = c.from >= 0 ? node_position(layout, c.from) : Point{key.x0, at.y};
            at.x = src.x + (at.x - src.x) * glide;
            at.y = src.y + (at.y - src.y) * glide;
            // The flash fades over the tick; a finished or paused run shows no stale flashes.
            if ((c.flags & Simulation::kFlagMagic) && key.flashes) flash = 1.0f - 0.7f * t;
        }
        crowd.dots.push_back({at.x + off.x, at.y + off.y, c.impression, flash});
        crowd.ids.push_back(c.id);
    });
    // Smaller dots for bigger crowds so many customers stay readable.
    const float n = static_cast<float>(std::max<std::size_t>(crowd.dots.size(), 1));
    crowd.radius = std::clamp(14.0f / std::sqrt(std::sqrt(n)), 1.2f, 4.0f) * key.scale;
    return true;
}

}  // namespace motsim::app
