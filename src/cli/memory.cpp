#include "cli/memory.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <vector>

#include "engine/cohort.h"
#include "engine/simulation.h"

namespace motsim::cli {

namespace {

// Customers sit in blocks of this many records (Simulation::kBlock); a slot of the timing
// wheel that holds anyone holds one partly filled block.
constexpr double kBlockRecords = 512;
// Growing vectors (the series, the occupancy) hold up to twice what they use.
constexpr double kGrowth = 2.0;

double series_bytes(const Scenario& s, double per_tick) {
    const double ticks = std::max(0, s.ticks);
    return kGrowth * ticks * (per_tick + 8.0 * static_cast<double>(s.moments.size()));
}

// The longest a customer can stay in the journey, in ticks: the longest path of maximum dwells
// through the routes (every target of every outcome, whatever its weight), or infinity when the
// routes hold a loop (a customer may go round it any number of times).
double longest_stay(const Scenario& s) {
    const int n = static_cast<int>(s.moments.size());
    std::vector<double> longest(static_cast<std::size_t>(n), 0.0);  // from moment m to the exit
    std::vector<char> state(static_cast<std::size_t>(n), 0);        // 0 new, 1 on the path, 2 done
    auto next = [&](int m, int o) -> std::vector<int> {
        const Route& r = s.moments[static_cast<std::size_t>(m)].next[static_cast<std::size_t>(o)];
        if (r.targets.empty()) return {o < 2 && m + 1 < n ? m + 1 : kDone};  // the model's default
        return r.targets;
    };
    // Depth-first, iteratively (1000 moments deep would be a deep recursion in WebAssembly).
    struct Frame {
        int m, outcome = 0;
        std::size_t target = 0;
        std::vector<int> targets;
    };
    for (int root = 0; root < n; ++root) {
        if (state[static_cast<std::size_t>(root)]) continue;
        std::vector<Frame> stack;
        stack.push_back({root, 0, 0, next(root, 0)});
        state[static_cast<std::size_t>(root)] = 1;
        while (!stack.empty()) {
            Frame& f = stack.back();
            if (f.target == f.targets.size()) {
                if (++f.outcome < 3) {
                    f.targets = next(f.m, f.outcome);
                    f.target = 0;
                    continue;
                }
                const Moment& mo = s.moments[static_cast<std::size_t>(f.m)];
                longest[static_cast<std::size_t>(f.m)] += std::max(1, mo.dwell_max);
                state[static_cast<std::size_t>(f.m)] = 2;
                const int done = f.m;
                stack.pop_back();
                if (!stack.empty()) {
                    double& up = longest[static_cast<std::size_t>(stack.back().m)];
                    up = std::max(up, longest[static_cast<std::size_t>(done)]);
                }
                continue;
            }
            const int t = f.targets[f.target++];
            if (t < 0 || t >= n) continue;  // done or lost
            const auto ti = static_cast<std::size_t>(t);
            if (state[ti] == 1) return HUGE_VAL;  // a loop
            if (state[ti] == 2) {
                longest[static_cast<std::size_t>(f.m)] = std::max(longest[static_cast<std::size_t>(f.m)], longest[ti]);
                continue;
            }
            state[ti] = 1;
            stack.push_back({t, 0, 0, next(t, 0)});
        }
    }
    double stay = 0;
    for (double v : longest) stay = std::max(stay, v);
    return stay + 1;  // the tick of arrival
}

}  // namespace

MemoryEstimate estimate_agent(const Scenario& s) {
    MemoryEstimate e;
    const double ticks = std::max(0, s.ticks);
    // Customers at once: everyone created so far, or, when nobody can stay longer than L ticks,
    // the initial crowd plus L ticks of arrivals (arrivals are Poisson: their mean is the
    // estimate, and over many ticks the sum is close to it).
    double created = static_cast<double>(s.initial) + s.arrivals_per_tick * ticks;
    double present = static_cast<double>(s.initial) + s.arrivals_per_tick * std::min(ticks, longest_stay(s));
    if (s.referral_rate > 0.0 && s.referral_ticks > 0) {
        // Each advocate refers at most referral_rate customers a tick for referral_ticks ticks;
        // if every customer became one, r referrals per customer grow the crowd by 1 / (1 - r),
        // and without bound (up to max_customers) when r >= 1.
        const double r = s.referral_rate * static_cast<double>(s.referral_ticks);
        created = r < 1.0 ? created / (1.0 - r) : HUGE_VAL;
        present = r < 1.0 ? present / (1.0 - r) : HUGE_VAL;
    }
    e.customers = std::min({created, present, static_cast<double>(std::max<std::int64_t>(0, s.max_customers))});
    const double record = static_cast<double>(Simulation::bytes_per_customer());
    // The wheel as the engine sizes it (an empty wheel costs only its slot table).
    const Simulation probe(s, 1);
    const double slots = static_cast<double>(probe.wheel_rows() * probe.wheel_columns());
    e.bytes = e.customers * record + std::min(slots, e.customers) * kBlockRecords * record +
              static_cast<double>(probe.memory_bytes()) + series_bytes(s, sizeof(TickStats));
    return e;
}

MemoryEstimate estimate_cohort(const Scenario& s) {
    MemoryEstimate e;
    const double cells_per_tick_left =
        static_cast<double>(std::max<std::size_t>(1, s.segments.size())) * CohortOptions{}.buckets;
    double cells = 0;
    for (const Moment& m : s.moments) cells += static_cast<double>(std::max(1, m.dwell_max)) * cells_per_tick_left;
    cells += static_cast<double>(s.moments.size()) * cells_per_tick_left;  // arrivals of a tick
    e.bytes = 8.0 * cells + series_bytes(s, sizeof(CohortTick));
    return e;
}

MemoryEstimate estimate_experiment(const MemoryEstimate& one_run, const Scenario& s, int threads, double runs,
                                   double variants) {
    MemoryEstimate e;
    e.customers = one_run.customers * threads;
    const double ticks = std::max(0, s.ticks);
    const double moments = static_cast<double>(s.moments.size());
    const double summary = 4 * 8 * ticks + 24 * moments + 256;
    // A scenario copy: its moments with their causes and routes (names and ids are short).
    double scenario = sizeof(Scenario) + 256;
    for (const Moment& m : s.moments) {
        scenario += sizeof(Moment) + 64 + static_cast<double>(m.causes.size()) * (sizeof(Cause) + 32);
        for (const Route& r : m.next) scenario += 12.0 * static_cast<double>(r.targets.size());
    }
    e.bytes = one_run.bytes * threads + summary * runs + scenario * variants;
    return e;
}

bool parse_size(const std::string& text, std::uint64_t& bytes) {
    if (text.empty() || text.size() > 32) return false;
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(text.c_str(), &end);
    if (errno || end == text.c_str() || !(v > 0.0)) return false;
    std::string unit(end);
    for (char& c : unit) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
    if (unit.size() >= 2 && unit.compare(unit.size() - 2, 2, "IB") == 0)
        unit.erase(unit.size() - 2);
    else if (!unit.empty() && unit.back() == 'B')
        unit.pop_back();
    double scale;
    if (unit.empty())
        scale = 1;
    else if (unit == "K")
        scale = 0x1p10;
    else if (unit == "M")
        scale = 0x1p20;
    else if (unit == "G")
        scale = 0x1p30;
    else if (unit == "T")
        scale = 0x1p40;
    else
        return false;
    const double b = v * scale;
    if (!(b >= 1.0) || b > 0x1p60) return false;
    bytes = static_cast<std::uint64_t>(b);
    return true;
}

std::string format_bytes(double bytes) {
    const char* units[] = {"bytes", "KB", "MB", "GB", "TB", "PB"};
    int u = 0;
    while (bytes >= 1024.0 && u < 5) {
        bytes /= 1024.0;
        ++u;
    }
    char buf[64];
    if (u == 0)
        std::snprintf(buf, sizeof buf, "%.0f bytes", bytes);
    else
        std::snprintf(buf, sizeof buf, bytes < 100 ? "%.1f %s" : "%.0f %s", bytes, units[u]);
    return buf;
}

bool within_limit(const std::string& file, const MemoryEstimate& e, std::uint64_t limit, const std::string& what) {
    if (e.bytes <= static_cast<double>(limit)) return true;
    std::cerr << file << ": " << what << " needs about " << format_bytes(e.bytes) << " of memory";
    char customers[64];
    if (e.customers > 0) {
        std::snprintf(customers, sizeof customers, "%.0f", e.customers);
        std::cerr << " (up to " << customers << " customers at once)";
    }
    std::cerr << "; the limit is " << format_bytes(static_cast<double>(limit)) << ".\n  ";
    if (e.customers > 0)
        std::cerr << "Lower /population (max_customers, arrivals_per_tick, initial) or the ticks, use --engine cohort "
                     "(it keeps counts, not customers), or r";
    else
        std::cerr << "Shorten the longest dwells, use fewer segments or ticks, or r";
    // A suggestion with some room: the estimate is rough.
    std::cerr << "aise the limit with --max-memory SIZE (e.g. --max-memory "
              << static_cast<long long>(std::ceil(e.bytes * 1.25 / 0x1p30)) << "G) on a machine that has it.\n";
    return false;
}

}  // namespace motsim::cli
