// How much memory a run will need, estimated before it starts, so that an in-range but enormous
// scenario (a million arrivals a tick, a billion customers) is refused with a message instead of
// growing until the machine gives out (issue 9). `--max-memory SIZE` raises the limit.
//
// The agent engine keeps one record per customer in the journey (Simulation::
// bytes_per_customer()) in blocks of the timing wheel; the estimate takes every customer that can
// be created as present at once (an upper bound: customers who leave free their place), plus the
// wheel's partly filled blocks, the per-tick series and the occupancy table. The cohort engines
// keep counts, not customers: their memory is their cells (moments x dwell x segments x impression
// points) and the same series, whatever the population.
#pragma once
#include <cstdint>
#include <string>

#include "engine/scenario.h"

namespace motsim::cli {

inline constexpr std::uint64_t kDefaultMaxMemory = std::uint64_t{2} << 30;  // 2 GiB

struct MemoryEstimate {
    double customers = 0;  // the most customers the run can hold at once (agent engine)
    double bytes = 0;      // everything the run holds, in bytes
};

// One agent-engine run of `s` to its ticks.
MemoryEstimate estimate_agent(const Scenario& s);
// One cohort or expected-value run.
MemoryEstimate estimate_cohort(const Scenario& s);

// An experiment (replicate, sweep, rank): `threads` runs at a time, each as big as `one_run`,
// and every run's summary (four series and three numbers per moment) kept to the end, over
// `runs` runs of `variants` copies of the scenario.
MemoryEstimate estimate_experiment(const MemoryEstimate& one_run, const Scenario& s, int threads, double runs,
                                   double variants);

// "8G", "512M", "1.5GB", "64KiB", "1000000" (bytes); K, M, G, T are powers of 1024. False for
// anything else, zero, or more than 2^60 bytes.
bool parse_size(const std::string& text, std::uint64_t& bytes);
// "6.8 GB", "512 MB", "900 KB" (powers of 1024, as parse_size reads them back).
std::string format_bytes(double bytes);

// The refusal: prints "FILE: this run needs about X of memory (...); the limit is Y: ..." to
// standard error and returns false when the estimate is above the limit.
bool within_limit(const std::string& file, const MemoryEstimate& e, std::uint64_t limit, const std::string& what);

}  // namespace motsim::cli
