// Results export: run summary as JSON, per-tick series as CSV, the exact analysis as JSON.
#pragma once
#include <string>

#include "engine/analysis.h"
#include "engine/simulation.h"

namespace motsim::io {

// The run's metrics (see README "Command line"), `digest` included. 2-space indent.
std::string results_json(const Simulation& sim);
// One row per tick: tick, arrivals, referrals, purchases, done, lost, reviews, rating, nps,
// active, advocates, mean_impression, then the occupancy of each moment (occ_<id>).
std::string series_csv(const Simulation& sim);
// The exact analysis, keyed by moment id.
std::string analysis_json(const Scenario& s, const Analysis& a);

}  // namespace motsim::io
