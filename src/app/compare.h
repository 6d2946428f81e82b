// Comparing runs: a run pinned as a baseline, and the few runs before the last restart, kept as
// snapshots of what the panels showed (per-tick series per phase, NPS and rating, the funnel per
// moment, the summary), so the charts can draw them behind the current run and the Compare tab
// can say the differences in numbers ("+4.2 pts"). Built from LiveView, so a snapshot is the
// same whichever engine ran. No ImGui here: the tests check it without a window.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "app/live_view.h"
#include "engine/scenario.h"

namespace motsim::app {

// One run as the panels showed it when it was kept.
struct RunSnapshot {
    std::string label;  // "Baseline: Hotel stay, seed 1, day 120" or "Run 2: Hotel stay, seed 1, day 37"
    bool pinned = false;
    std::string tag;  // "Baseline" or "Run 2": the legend's short name
    // For a legend: "Baseline (seed 1, day 120)", with the scenario's name when it is not `current`.
    std::string short_label(const std::string& current) const;
    std::string scenario, engine, time_unit;
    std::uint64_t seed = 0;
    int tick = 0, ticks = 0;
    double arrivals = 0, purchases = 0, done = 0, lost = 0, nps = 0, rating = 0;
    bool nps_defined = false;  // somebody has left (been asked) by the end of the snapshot
    double conversion() const { return arrivals > 0 ? purchases / arrivals : 0.0; }
    // Per tick: customers in each phase (phase_series[p][t], phases by name), NPS (NaN before
    // anybody left) and the public rating.
    std::vector<std::string> phases;
    std::vector<std::vector<float>> phase_series;
    std::vector<float> nps_series, rating_series;
    // Per moment (ids in the scenario's order): the funnel's numbers.
    std::vector<std::string> moment_ids;
    std::vector<LiveMoment> moments;

    // The index of a phase or a moment by name or id, or -1.
    int phase_index(const std::string& name) const;
    int moment_index(const std::string& id) const;
};

// A run as it stands. `label` is used as given.
RunSnapshot snapshot_of(const LiveView& v, const Scenario& s, std::uint64_t seed, const std::string& label);

// "Hotel stay, seed 1, day 120".
std::string run_description(const Scenario& s, std::uint64_t seed, int tick);

// NPS per tick with NaN (a gap) where nobody has left yet, so the chart does not show 0 or -100
// before anybody was asked.
std::vector<float> nps_series_of(const LiveView& v);

// The kept runs: baselines pinned by the user (newest last) and the earlier runs kept on a
// restart (newest last), at most kMaxPinned and kMaxEarlier of each.
struct CompareRoom {
    static constexpr std::size_t kMaxPinned = 3;
    static constexpr std::size_t kMaxEarlier = 3;
    std::vector<RunSnapshot> runs;  // pinned first, then earlier runs; each group oldest first
    int next_run = 1;               // the number of the next earlier run ("Run 3")

    void pin(RunSnapshot s);           // as the newest baseline (the oldest goes beyond the limit)
    void keep_earlier(RunSnapshot s);  // numbered "Run N: ..." (the oldest goes beyond the limit)
    void clear() { runs.clear(); }
    // The run differences are measured against: the newest pinned baseline, else the newest
    // earlier run; nullptr when there is none.
    const RunSnapshot* reference() const;
};

// A difference for people: in percentage points for shares ("+4.2 pts", conversion and rating
// given as fractions), in points for NPS ("-3 pts"), and as a signed count for counts ("+68").
std::string points_difference(double now, double before);  // shares in [0, 1]
std::string score_difference(double now, double before);   // NPS
std::string count_difference(double now, double before);   // customers

// A file name with safe characters only: "hotel-stay-seed1-sweep-check_in-positive.csv".
// Letters are lowered; anything but [a-z0-9_] becomes one '-'; parts are joined with '-'.
std::string file_slug(const std::string& text);
std::string export_file_name(const std::string& scenario, std::uint64_t seed, const std::string& what,
                             const std::string& extension);

}  // namespace motsim::app
