// motsim_bench: fixed scenarios and seeds, one line per ratio (style.md habit 8). Not a test:
// timings vary by machine; the ratios are what docs/benchmarks.md reports and scripts/bench.sh
// compares between native, WebAssembly and the SimPy peer.
//
//   motsim_bench [--quick] [--pairs N] [SCENARIO.json ...]
//                  every measurement; the scenarios listed against the generator (default: every
//                  file in assets/scenarios, read from the working folder)
//   motsim_bench --probe [--quick]
//                  one agent-engine rate and one cohort time, for scripts/bench.sh to interleave
//                  native and WebAssembly processes
//
// On a shared machine one timing means little: the load changes from one second to the next, and
// it slows the engine and the generator alike only when they run close together. So every ratio
// here comes from pairs run back to back (the engine, then the bare generator doing the same
// amount of work), at least five of them, and is printed as the median with its spread.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "engine/cohort.h"
#include "engine/random.h"
#include "engine/simulation.h"
#include "io/loader.h"

using namespace motsim;

namespace {

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

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

// The floor: the bare generator (xoshiro256**) drawing `draws` uniforms; returns the seconds.
[[gnu::noinline]] double generator_seconds(double draws) {  // (a function of its own, so that it gets optimised)
    Random rng(7);
    const double t0 = now();
    double sink = 0;
    const auto n = static_cast<std::int64_t>(draws);
    for (std::int64_t i = 0; i < n; ++i) sink += rng.uniform();
    const double dt = now() - t0;
    if (sink < 0) std::printf("impossible\n");  // keeps the loop
    return dt;
}

// WebAssembly engines run a function in a quick baseline tier until it has been called a few
// times, and the floor must be the generator at full speed: warm it first.
void warm_generator() {
    for (const double t0 = now(); now() - t0 < 0.3;) generator_seconds(1e4);
}

// The median of a handful of values and their spread (min-max, and the quartiles).
struct Spread {
    double median = 0, min = 0, max = 0, q1 = 0, q3 = 0;
};
Spread spread(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const auto at = [&](double q) {  // linear interpolation between the closest ranks
        const double x = q * static_cast<double>(v.size() - 1);
        const auto k = static_cast<std::size_t>(x);
        const double f = x - static_cast<double>(k);
        return k + 1 < v.size() ? v[k] * (1 - f) + v[k + 1] * f : v[k];
    };
    return {at(0.5), v.front(), v.back(), at(0.25), at(0.75)};
}

// One engine run against the bare generator doing as much: `draws` values in `seconds`.
struct Run {
    double seconds = 0, draws = 0, work = 0;  // work: customer-ticks
};

// `pairs` times: the engine, then at once the generator on the run's draws; the ratios
// (generator time over engine time) and the engine's rates (customer-ticks per second).
template <class Engine>
void interleave(int pairs, Engine&& engine, std::vector<double>& ratios, std::vector<double>& rates, double& draws_out,
                double& gen_rate_out) {
    std::vector<double> gens;
    for (int p = 0; p < pairs; ++p) {
        const Run r = engine();
        const double g = generator_seconds(r.draws);
        ratios.push_back(g / r.seconds);
        rates.push_back(r.work / r.seconds);
        gens.push_back(r.draws / g);
        draws_out = r.draws;
    }
    gen_rate_out = spread(gens).median;
}

std::string show(const Spread& s) {
    char buf[128];
    std::snprintf(buf, sizeof buf, "%.2f x (min %.2f, IQR %.2f-%.2f, max %.2f)", s.median, s.min, s.q1, s.q3, s.max);
    return buf;
}

Run run_bench_journey(const Scenario& s) {
    Simulation sim(s, 1);
    const double t0 = now();
    sim.run_to_end();
    return {now() - t0, static_cast<double>(sim.draws()), customer_ticks(sim)};
}

// A shipped scenario as the CLI would run it, at a fixed size: the bare generator draws one
// value per customer-tick (the floor of any agent simulation), whatever the scenario draws.
Run run_scenario(const Scenario& s) {
    Simulation sim(s, 1);
    const double t0 = now();
    sim.run_to_end();
    const double dt = now() - t0;
    const double work = customer_ticks(sim);
    return {dt, work, work};
}

// Seconds for the cohort engine to run `s`, averaged over as many runs as fit in 0.2 s (one run
// of a million customers takes under a millisecond: too short to time alone).
double cohort_seconds(const Scenario& s) {
    int runs = 0;
    const double t0 = now();
    double dt = 0;
    do {
        Cohort c(s, 5);
        c.run_to_end();
        ++runs;
        dt = now() - t0;
    } while (dt < 0.2);
    return dt / runs;
}

std::vector<std::string> shipped_scenarios() {
    std::vector<std::string> files;
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator("assets/scenarios", ec))
        if (e.path().extension() == ".json") files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    return files;
}

}  // namespace

int main(int argc, char** argv) {
    bool quick = false, probe = false;
    int pairs = 7;
    std::vector<std::string> files;
    for (int k = 1; k < argc; ++k) {
        if (std::strcmp(argv[k], "--quick") == 0)
            quick = true;
        else if (std::strcmp(argv[k], "--probe") == 0)
            probe = true;
        else if (std::strcmp(argv[k], "--pairs") == 0 && k + 1 < argc)
            pairs = std::max(5, std::atoi(argv[++k]));
        else
            files.push_back(argv[k]);
    }
#ifdef __EMSCRIPTEN__
    const char* where = "wasm";
#else
    const char* where = "native";
#endif
    const Scenario bench = peer_journey(quick ? 2000 : 5000, quick ? 100 : 300);
    Scenario million = peer_journey(0, 60);
    million.initial = quick ? 200000 : 1000000;
    million.max_customers = million.initial;

    if (probe) {                       // machine-readable lines only, for scripts/bench.sh
        Simulation(bench, 1).run(10);  // warm
        std::vector<double> rates;
        for (int rep = 0; rep < 3; ++rep) {
            const Run r = run_bench_journey(bench);
            rates.push_back(r.work / r.seconds);
        }
        std::printf("agent rate: %.6g customer-ticks/s\n", spread(rates).median);
        std::printf("cohort time: %.6g s\n", cohort_seconds(million));
        return 0;
    }
    std::printf("motsim_bench (%s%s), %d interleaved pairs per ratio, median (min, IQR, max)\n", where,
                quick ? ", quick" : "", pairs);

    // ---- agent engine versus the bare generator, on the bench journey ----
    // The floor of this work is making the random values it uses: the bare generator draws
    // exactly as many values as the engine used, and the ratio is its time over the engine's.
    warm_generator();
    Simulation(bench, 1).run(10);  // warm
    {
        std::vector<double> ratios, rates;
        double draws = 0, gen = 0;
        interleave(
            pairs, [&] { return run_bench_journey(bench); }, ratios, rates, draws, gen);
        const Spread r = spread(ratios), rate = spread(rates);
        std::printf(
            "agent engine: %s the bare generator drawing the same %.0f values; %.1f M customer-ticks/s, "
            "generator %.0f M draws/s (target >= 0.35)\n",
            show(r).c_str(), draws, rate.median / 1e6, gen / 1e6);
        std::printf("agent ratio: %.4g\n", r.median);  // machine-readable, for bench.sh
        std::printf("agent rate: %.6g customer-ticks/s\n", rate.median);
    }

    // ---- every shipped scenario versus the bare generator ----
    // As the CLI runs it (scenario as written, its seed 1), at 5,000 arrivals a tick for 300
    // ticks with no cap on customers; the generator draws one value per customer-tick.
    if (files.empty()) files = shipped_scenarios();
    if (files.empty()) std::printf("shipped scenarios: none found (run from the repository root)\n");
    double worst = 1e30;
    for (const std::string& file : files) {
        io::LoadResult loaded = io::load_scenario_file(file);
        if (!loaded.ok()) {
            std::printf("scenario %s: does not load\n", file.c_str());
            continue;
        }
        Scenario s = *loaded.scenario;
        s.arrivals_per_tick = quick ? 1000 : 5000;
        s.ticks = quick ? 100 : 300;
        s.max_customers = 1000000000;
        std::vector<double> ratios, rates;
        double draws = 0, gen = 0;
        interleave(
            pairs, [&] { return run_scenario(s); }, ratios, rates, draws, gen);
        const Spread r = spread(ratios);
        worst = std::min(worst, r.median);
        const std::string name = std::filesystem::path(file).stem().string();
        std::printf("scenario %-10s %s the bare generator; %.1f M customer-ticks, %.1f M customer-ticks/s\n",
                    (name + ":").c_str(), show(r).c_str(), draws / 1e6, spread(rates).median / 1e6);
    }
    if (!files.empty())
        std::printf("shipped scenarios: the slowest at %.2f x the bare generator (target >= 0.15)\n", worst);

    // ---- the peer journey in customers per second (bench/simpy_peer.py runs the same) ----
    {
        const Scenario s = peer_journey(200, 100);  // 20,000 customers
        std::vector<double> rates;
        for (int rep = 0; rep < 5; ++rep) {
            Simulation sim(s, 3);
            const double t0 = now();
            sim.run_to_end();
            Scenario closed = s;  // then no more arrivals: let the last ones finish, like the peer
            closed.arrivals_per_tick = 0;
            sim.update_parameters(closed);
            for (int t = 0; t < 100000 && sim.active() > 0; ++t) sim.step();
            rates.push_back(static_cast<double>(sim.totals().arrivals) / (now() - t0));
        }
        std::printf("peer journey: %.6g customers/s\n", spread(rates).median);
    }

    // ---- cohort engine versus agent engine at 1 million customers, interleaved ----
    {
        std::vector<double> speedups;
        std::int64_t agent_purchases = 0;
        double cohort_purchases = 0, agent_ms = 0, cohort_ms = 0;
        for (int p = 0; p < 5; ++p) {
            double t0 = now();
            Simulation sim(million, 5);
            sim.run_to_end();
            const double agent = now() - t0;
            const double cohort = cohort_seconds(million);
            speedups.push_back(agent / cohort);
            agent_purchases = sim.totals().purchases;
            Cohort c(million, 5);
            c.run_to_end();
            cohort_purchases = c.totals().purchases;
            agent_ms = agent * 1e3;
            cohort_ms = cohort * 1e3;
        }
        const Spread s = spread(speedups);
        std::printf(
            "cohort engine: %lld customers, 60 ticks: %.0f x faster than the agent engine (min %.0f, max %.0f; "
            "last pair %.3f ms vs %.1f ms) (agent %lld, cohort %.0f purchases)\n",
            static_cast<long long>(million.initial), s.median, s.min, s.max, cohort_ms, agent_ms,
            static_cast<long long>(agent_purchases), cohort_purchases);
        Scenario big = million;
        big.initial = 100000000;
        big.max_customers = big.initial;
        const double t0 = now();
        Cohort c(big, 5);
        c.run_to_end();
        std::printf("cohort engine: 100 M customers, 60 ticks in %.1f ms (%zu cells of state)\n", (now() - t0) * 1e3,
                    c.cells());
    }

    // ---- v2: a market of 1 million with loyalty, a 365-tick year ----
    // The launch journey: the peer journey on a Bass market (p = 0.003, q = 0.3 per tick, so
    // nearly everyone is reached within the year) whose buyers come back (base 0.3, more when
    // pleased) 20-40 ticks after they finish. Against its baseline in the same run: the same
    // journey with the same million customers all arriving at tick 0 (v1, no loyalty).
    {
        Scenario v2 = peer_journey(0, 365);
        v2.market = Market{true, quick ? 200000 : 1000000, 0.003, 0.3, 0.05};
        v2.max_customers = v2.market.size;
        v2.loyalty.enabled = true;
        v2.loyalty.return_to = Route{{1}, {1.0}};
        v2.loyalty.after_min = 20;
        v2.loyalty.after_max = 40;
        v2.loyalty.base = 0.3;
        v2.loyalty.impression = 2.0;
        Scenario v1 = peer_journey(0, 365);
        v1.initial = v2.market.size;
        v1.max_customers = v1.initial;
        std::vector<double> ratios, v2_seconds;
        std::int64_t returns = 0, reached = 0;
        for (int p = 0; p < 5; ++p) {
            double t0 = now();
            Simulation base(v1, 5);
            base.run_to_end();
            const double t_v1 = now() - t0;
            t0 = now();
            Simulation year(v2, 5);
            year.run_to_end();
            const double t_v2 = now() - t0;
            ratios.push_back(t_v2 / t_v1);
            v2_seconds.push_back(t_v2);
            returns = year.totals().returns;
            reached = year.totals().arrivals;
        }
        const Spread r = spread(ratios), sec = spread(v2_seconds);
        std::printf(
            "v2 market of %lld with loyalty, 365 ticks, agent engine: %.3f s (min %.3f, max %.3f; target < 1 s); "
            "%s the same journey with everyone at tick 0 (v1); %lld reached, %lld returns\n",
            static_cast<long long>(v2.market.size), sec.median, sec.min, sec.max, show(r).c_str(),
            static_cast<long long>(reached), static_cast<long long>(returns));
        for (std::int64_t size : {std::int64_t{1000000}, std::int64_t{100000000}}) {
            Scenario big = v2;
            big.market.size = size;
            big.max_customers = size;
            const double t0 = now();
            Cohort c(big, 5);
            c.run_to_end();
            std::printf("v2 market of %lld with loyalty, 365 ticks, cohort engine: %.3f s (%zu cells of state)\n",
                        static_cast<long long>(size), now() - t0, c.cells());
        }
    }

    // ---- memory per customer ----
    {
        Scenario m = peer_journey(0, 1);
        m.initial = quick ? 200000 : 1000000;
        m.max_customers = m.initial;
        Simulation mem(m, 1);
        mem.step();
        // Everything held for customers: allocated blocks (in use or spare) and the wheel.
        const double measured = static_cast<double>(mem.memory_bytes()) / static_cast<double>(mem.active());
        std::printf(
            "memory per customer: %zu bytes declared, %.1f bytes measured (all memory held for customers) at %lld "
            "customers "
            "(target <= 32)\n",
            Simulation::bytes_per_customer(), measured, static_cast<long long>(mem.active()));
    }
    return 0;
}
