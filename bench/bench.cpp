// motsim_bench: fixed scenarios and seeds, one line per ratio (style.md habit 8). Not a test:
// timings vary by machine; the ratios are what docs/benchmarks.md reports and scripts/bench.sh
// compares between native, WebAssembly and the SimPy peer.
//
//   motsim_bench            every measurement
//   motsim_bench --quick    shorter runs (CI smoke, under Node)
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "engine/cohort.h"
#include "engine/random.h"
#include "engine/simulation.h"

using namespace motsim;

namespace {

double now() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

Moment moment(const char* id, double pos, double neg, int dmin, int dmax, bool purchase) {
    Moment m;
    m.id = m.name = id;
    m.positive = pos;
    m.negative = neg;
    m.dwell_min = dmin;
    m.dwell_max = dmax;
    m.purchase = purchase;
    return m;
}

// The peer journey (bench/simpy_peer.py writes the same one in SimPy): four moments in a row,
// dwell 1..3 ticks, p+ 0.6, p- 0.2, negative -> lost, a purchase at the third moment, a
// service-recovery loop from the fourth back to the third.
Scenario peer_journey(double arrivals, int ticks) {
    Scenario s;
    s.name = "bench";
    s.moments = {moment("ad", 0.6, 0.2, 1, 3, false), moment("search", 0.6, 0.2, 1, 3, false),
                 moment("shop", 0.6, 0.2, 1, 3, true), moment("use", 0.6, 0.2, 1, 3, false)};
    const int n = static_cast<int>(s.moments.size());
    for (int i = 0; i < n; ++i) {
        const int forward = i + 1 < n ? i + 1 : kDone;
        s.moments[static_cast<std::size_t>(i)].next = {Route{{forward}, {1.0}}, Route{{forward}, {1.0}},
                                                       Route{{kLost}, {1.0}}};
    }
    s.moments[3].next[2] = Route{{2, kLost}, {1.0, 1.0}};  // half the complaints get a second chance
    s.entry = Route{{0}, {1.0}};
    s.arrivals_per_tick = arrivals;
    s.max_customers = 1000000000;
    s.ticks = ticks;
    return s;
}

// Customer-ticks: every customer in the journey during a tick is one unit of work.
double customer_ticks(const Simulation& sim) {
    double sum = 0, prev = 0;
    for (const TickStats& t : sim.series()) {
        sum += prev + static_cast<double>(t.arrivals);
        prev = static_cast<double>(t.active);
    }
    return sum;
}

// The floor: the bare generator drawing `draws` uniforms, in draws per second.
[[gnu::noinline]] double generator_rate(double draws) {  // (a function of its own, so that it gets optimised)
    Random rng(7);
    const double t0 = now();
    double sink = 0;
    const auto n = static_cast<std::int64_t>(draws);
    for (std::int64_t i = 0; i < n; ++i) sink += rng.uniform();
    const double dt = now() - t0;
    if (sink < 0) std::printf("impossible\n");  // keeps the loop
    return draws / dt;
}

}  // namespace

int main(int argc, char** argv) {
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
#ifdef __EMSCRIPTEN__
    const char* where = "wasm";
#else
    const char* where = "native";
#endif
    std::printf("motsim_bench (%s%s)\n", where, quick ? ", quick" : "");

    // ---- agent engine versus the bare generator ----
    // The floor of this work is making the random values it uses: the bare generator draws
    // exactly as many values as the engine used, and the ratio is its time over the engine's.
    {
        const Scenario s = peer_journey(quick ? 2000 : 5000, quick ? 100 : 300);
        Simulation warm(s, 1);
        warm.run(10);
        double best = 1e30, work = 0, draws = 0;
        for (int rep = 0; rep < 3; ++rep) {
            Simulation sim(s, 1);
            const double t0 = now();
            sim.run_to_end();
            best = std::min(best, now() - t0);
            work = customer_ticks(sim);
            draws = static_cast<double>(sim.draws());
        }
        // Warmed first: WebAssembly engines run a function in a quick baseline tier until it has
        // been called a few times, and the floor must be the generator at full speed.
        for (const double t0 = now(); now() - t0 < 0.3;) generator_rate(1e4);
        double gen = 0;
        for (int rep = 0; rep < 3; ++rep) gen = std::max(gen, generator_rate(draws));
        const double floor = draws / gen;
        std::printf("agent engine: %.1f M customer-ticks/s, %.3f draws per customer-tick = %.2f x bare generator "
                    "drawing the same %.0f values (%.0f M draws/s) (target >= 0.25)\n",
                    work / best / 1e6, draws / work, floor / best, draws, gen / 1e6);
        std::printf("agent rate: %.6g customer-ticks/s\n", work / best);  // machine-readable, for bench.sh
    }

    // ---- the peer journey in customers per second (bench/simpy_peer.py runs the same) ----
    {
        const Scenario s = peer_journey(200, 100);  // 20,000 customers
        double best = 0;
        for (int rep = 0; rep < 3; ++rep) {
            Simulation sim(s, 3);
            const double t0 = now();
            sim.run_to_end();
            Scenario closed = s;  // then no more arrivals: let the last ones finish, like the peer
            closed.arrivals_per_tick = 0;
            sim.update_parameters(closed);
            for (int t = 0; t < 100000 && sim.active() > 0; ++t) sim.step();
            const double dt = now() - t0;
            best = std::max(best, static_cast<double>(sim.totals().arrivals) / dt);
        }
        std::printf("peer journey: %.6g customers/s\n", best);
    }

    // ---- cohort engine versus agent engine at 1 million customers ----
    {
        Scenario s = peer_journey(0, 60);
        s.initial = quick ? 200000 : 1000000;
        s.max_customers = s.initial;
        double t0 = now();
        Simulation sim(s, 5);
        sim.run_to_end();
        const double agent = now() - t0;
        t0 = now();
        Cohort c(s, 5);
        c.run_to_end();
        const double cohort = now() - t0;
        std::printf("cohort engine: %lld customers in %.3f ms vs agent %.1f ms = %.0f x faster (agent %lld, cohort %.0f purchases)\n",
                    static_cast<long long>(s.initial), cohort * 1e3, agent * 1e3, agent / cohort,
                    static_cast<long long>(sim.totals().purchases), c.totals().purchases);
        s.initial = 100000000;
        s.max_customers = s.initial;
        t0 = now();
        Cohort big(s, 5);
        big.run_to_end();
        std::printf("cohort engine: 100 M customers, 60 ticks in %.1f ms (%zu cells of state)\n", (now() - t0) * 1e3,
                    big.cells());

        // ---- memory per customer ----
        Scenario m = peer_journey(0, 1);
        m.initial = quick ? 200000 : 1000000;
        m.max_customers = m.initial;
        Simulation mem(m, 1);
        mem.step();
        // Everything held for customers: allocated blocks (in use or spare) and the wheel.
        const double measured = static_cast<double>(mem.memory_bytes()) / static_cast<double>(mem.active());
        std::printf("memory per customer: %zu bytes declared, %.1f bytes measured (all memory held for customers) at %lld customers "
                    "(target <= 32)\n",
                    Simulation::bytes_per_customer(), measured, static_cast<long long>(mem.active()));
    }
    return 0;
}
