// What the panels read of the running engine, the same whichever engine runs the live view:
// the agent engine (each customer a dot, with stories and causes) or the cohort engine (counts,
// stochastic or expected values, any population size). Built once a frame from references to
// the engine's own data, so a long run costs nothing to copy.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/cohort.h"
#include "engine/simulation.h"

namespace motsim::app {

struct LiveMoment {
    double entered = 0, positive = 0, neutral = 0, negative = 0, magic = 0, lost_after = 0, purchases = 0;
};

struct LiveView {
    const Simulation* agents = nullptr;  // set for the agent engine: dots, stories, causes
    const Cohort* cohort = nullptr;      // set for the cohort engine
    std::string engine;                  // "agents", "cohort" or "expected"
    int tick = 0;
    bool finished = false;
    double active = 0, arrivals = 0, referrals = 0, purchases = 0, done = 0, lost = 0;
    double reviews_positive = 0, reviews_negative = 0, advocates = 0, nps = 0, rating = 0;
    // v2: comebacks so far and customers waiting to come back (loyalty); buyers[k]: customers
    // with at least k + 1 purchases; advocates and critics by their latest departure (market).
    double returns = 0, waiting = 0, market_advocates = 0, market_critics = 0;
    std::array<double, 3> buyers{0, 0, 0};
    std::vector<LiveMoment> moments;

    bool individuals() const { return agents != nullptr; }
    std::size_t ticks_recorded() const;
    // Per tick t: customers at moment m, and the tick's NPS, rating and mean impression.
    double occupancy(std::size_t t, std::size_t m) const;
    double nps_at(std::size_t t) const;
    double rating_at(std::size_t t) const;
    double mean_impression_at(std::size_t t) const;
    // v2, per tick t: new customers (the market's arrivals), comebacks, customers waiting at
    // its end, and the market's advocates and critics so far.
    double arrivals_at(std::size_t t) const;
    double returns_at(std::size_t t) const;
    double waiting_at(std::size_t t) const;
    double market_advocates_at(std::size_t t) const;
    double market_critics_at(std::size_t t) const;
    std::vector<double> live_histogram() const;
};

LiveView view_of(const Simulation& sim);
LiveView view_of(const Cohort& cohort);

}  // namespace motsim::app
