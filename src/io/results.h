// Results export: run summary as JSON, per-tick series as CSV, the exact analysis as JSON; the
// experiments' results (replications, sweeps, where to invest) as CSV and JSON; any chart's data
// as CSV. The experiments' JSON has the command line's shape (motsim replicate|sweep|rank --json).
#pragma once
#include <array>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "engine/analysis.h"
#include "engine/experiments.h"
#include "engine/simulation.h"

namespace motsim::io {

// The run's metrics (see README "Command line"), `digest` included. 2-space indent.
std::string results_json(const Simulation& sim);
// v2 parts of the run's JSON: loyalty {returns, waiting, purchases_per_customer, buyers,
// buyers_share {1, 2, 3+}} and market {size, reached, reached_share, advocates, critics}.
nlohmann::ordered_json loyalty_json(const Totals& t);
nlohmann::ordered_json market_json(const Scenario& sc, const Totals& t);
// One row per tick: tick, arrivals, referrals, purchases, done, lost, reviews, rating, nps
// (empty while nobody was asked), active, advocates, mean_impression, then the occupancy of
// each moment (occ_<id>); with loyalty returns and waiting, with a market its advocates and
// critics.
std::string series_csv(const Simulation& sim);
// The exact analysis, keyed by moment id.
std::string analysis_json(const Scenario& s, const Analysis& a);

// The pieces of the experiments' JSON, shared with the command line (motsim replicate|sweep|rank
// --json): an interval {mean, lo, hi, sd, n}, every run metric's interval, each moment's.
nlohmann::ordered_json interval_json(const Interval& i);
nlohmann::ordered_json metrics_json(const std::array<Interval, kMetricCount>& m);
nlohmann::ordered_json moments_json(const Scenario& s, const std::vector<std::array<Interval, kMomentMetricCount>>& m);

// The unit of a metric, for column headers: "customers", "purchases per arrival", ...
const char* metric_unit(Metric m);

// Replications: JSON {scenario, runs, master_seed, ticks, metrics: {name: {mean, lo, hi, sd, n}},
// moments: {id: {entered, negative, lost_after: {...}}}, bands_columns, bands: {series: [[...]]}};
// CSV one row per metric, then one per moment metric ("<id>.entered"):
// metric,unit,mean,lo,hi,sd,runs.
std::string replications_json(const Scenario& s, const ReplicationResult& r);
std::string replications_csv(const Scenario& s, const ReplicationResult& r);
// Sweeps: JSON {scenario, runs, master_seed, axes: [{path, values}], points: [{values, runs,
// metrics, moments}]}; CSV one row per point: <axis paths>,runs, then <metric>,<metric>_lo,
// <metric>_hi for every metric.
std::string sweep_json(const Scenario& s, const SweepResult& r, std::uint64_t master_seed);
std::string sweep_csv(const SweepResult& r);
// Where to invest: JSON {scenario, objective, delta, runs, master_seed, base, ranking: [{moment,
// positive_before, positive_after, lift, removal_effect, exact_effect, effect: {...}}]};
// CSV one row per moment in ranked order:
// rank,moment,name,positive_before,positive_after,lift,removal_effect,exact_effect,effect,effect_lo,effect_hi.
std::string rank_json(const Scenario& s, const RankResult& r, std::uint64_t master_seed);
std::string rank_csv(const Scenario& s, const RankResult& r);

// A chart's data as a table: the x column (ticks or categories) and one column per series,
// each header naming the series and its unit: "day,stimulus (customers),zmot (customers)".
struct ChartColumn {
    std::string name;
    std::string unit;            // may be empty
    std::vector<double> values;  // one per row; NaN (no value, e.g. NPS before anybody left) is an empty cell
};
struct ChartTable {
    std::string x_name;             // "day", "moment"
    std::vector<std::string> rows;  // the x value of each row, as written
    std::vector<ChartColumn> columns;
};
// RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.
std::string chart_csv(const ChartTable& t);
std::string csv_field(const std::string& text);

}  // namespace motsim::io
