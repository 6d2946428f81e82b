// motsim_bench_crowd: the CPU time of one frame's crowd preparation (the dots the journey map
// draws) at 10k, 100k and 1M customers in the journey, against drawing every customer (what the
// map did before it drew a sample) in the same run. Target: under 2 ms at any size (issue 9).
//
//   motsim_bench_crowd            every size
//   motsim_bench_crowd --quick    10k and 100k only (CI smoke, under Node)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <vector>

#include "app/crowd.h"
#include "app/layout.h"

using namespace motsim;
using namespace motsim::app;

namespace {

double now_ms() {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Two moments with a long dwell, so the crowd grows to `customers` and stays (a worst case for
// drawing: everyone who ever came is still on the map).
Scenario crowd_journey(double customers) {
    Scenario s;
    s.name = "crowd";
    s.ticks = 100;
    s.arrivals_per_tick = customers / 20;
    s.max_customers = 1000000000;
    for (const char* id : {"browse", "buy"}) {
        Moment m;
        m.id = m.name = id;
        m.positive = 0.6;
        m.negative = 0.1;
        m.dwell_min = 30;
        m.dwell_max = 60;
        m.next = {Route{{kDone}, {1.0}}, Route{{kDone}, {1.0}}, Route{{kLost}, {1.0}}};
        s.moments.push_back(m);
    }
    s.moments[0].next[0] = Route{{1}, {1.0}};
    s.entry = Route{{0}, {1.0}};
    return s;
}

// Median of `reps` rebuilds (each with a new key, as when a tick passed), in milliseconds.
double rebuild_ms(const Simulation& sim, const JourneyLayout& layout, std::size_t max_dots, int reps,
                  std::size_t& drawn) {
    std::vector<double> t;
    Crowd crowd;
    CrowdKey key;
    key.sim = &sim;
    key.w = 1000, key.h = 600, key.scale = 1;
    for (int r = 0; r < reps; ++r) {
        key.version = static_cast<std::uint64_t>(r + 1);
        const double t0 = now_ms();
        build_crowd(crowd, sim, layout, key, max_dots);
        t.push_back(now_ms() - t0);
    }
    drawn = crowd.dots.size();
    std::sort(t.begin(), t.end());
    return t[t.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
#ifdef __EMSCRIPTEN__
    const char* where = "WebAssembly";
#else
    const char* where = "native";
#endif
    std::printf("motsim_bench_crowd (%s%s)\n", where, quick ? ", quick" : "");
    const double sizes[] = {10000, 100000, 1000000};
    for (double size : sizes) {
        if (quick && size > 100000) break;
        const Scenario s = crowd_journey(size);
        Simulation sim(s, 7);
        while (static_cast<double>(sim.active()) < size && !sim.finished()) sim.step();
        const JourneyLayout layout = layout_journey(s, 0, 0, 1000, 600, 28.0f);
        std::size_t sampled = 0, all = 0;
        const double sample_ms = rebuild_ms(sim, layout, kMaxDrawnCustomers, quick ? 5 : 11, sampled);
        const double full_ms = rebuild_ms(sim, layout, static_cast<std::size_t>(-1), quick ? 3 : 5, all);
        std::printf(
            "crowd preparation at %lld customers: %.3f ms for %zu dots (target < 2 ms); every customer "
            "(%zu dots) %.3f ms = %.1f x the sample's time\n",
            static_cast<long long>(sim.active()), sample_ms, sampled, all, full_ms,
            full_ms / std::max(sample_ms, 1e-6));
        // A paused frame: same key, nothing rebuilt.
        Crowd crowd;
        CrowdKey key;
        key.sim = &sim;
        key.version = 1;
        key.w = 1000, key.h = 600, key.scale = 1;
        build_crowd(crowd, sim, layout, key);
        const double t0 = now_ms();
        for (int r = 0; r < 1000; ++r) build_crowd(crowd, sim, layout, key);
        std::printf("  paused frame (unchanged crowd): %.5f ms\n", (now_ms() - t0) / 1000);
    }
    return 0;
}
