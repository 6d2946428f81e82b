// The crowd on the journey map: one dot per customer, or a representative sample of them when
// there are more than a browser draws smoothly. Built from the agent simulation without ImGui,
// so the platform's renderer, the app and the benchmarks share it.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "app/layout.h"
#include "engine/simulation.h"

namespace motsim::app {

struct CrowdInstance {
    float x, y;        // ImGui coordinates
    float impression;  // -1..1
    float flash;       // 0..1: a moment of magic just happened
};

// The most dots drawn: above it every k-th customer is drawn (k = ceil(active / this)), and the
// map says "showing N of M". The cost of a frame's crowd then stays flat as the crowd grows.
inline constexpr std::size_t kMaxDrawnCustomers = 20000;

// What a crowd was built from; an unchanged key means the dots are still right (a paused run
// costs nothing per frame).
struct CrowdKey {
    const Simulation* sim = nullptr;
    std::uint64_t version = 0;  // the app's count of simulation changes (ticks, edits, restarts)
    float x0 = 0, y0 = 0, w = 0, h = 0, scale = 0;
    float glide = -1;  // how far movers have glided (0..1)
    bool flashes = false;
    bool operator==(const CrowdKey&) const = default;
};

struct Crowd {
    std::vector<CrowdInstance> dots;
    std::vector<std::uint32_t> ids;  // the customer behind each dot, for picking
    std::size_t customers = 0;       // customers in the journey (drawn or not)
    float radius = 2.5f;             // dot radius in ImGui units
    std::uint64_t version = 0;       // bumped on every rebuild (the renderer uploads on change)
    CrowdKey key;
};

// Rebuilds `crowd` from the simulation unless `key` equals the last build's. Movers of the last
// tick glide from their previous moment over `key.glide`; `key.flashes` shows moments of magic.
// At most `max_dots` are drawn. Returns true if it rebuilt.
bool build_crowd(Crowd& crowd, const Simulation& sim, const JourneyLayout& layout, const CrowdKey& key,
                 std::size_t max_dots = kMaxDrawnCustomers);

}  // namespace motsim::app
