// The cohort engine: moves counts instead of customers, for populations far beyond what one
// object per customer allows (100 million customers cost the same memory as 100).
//
// State: how many customers sit in each cell (moment, ticks left there, segment, impression
// bucket). A tick draws, per occupied cell, how many finish positive / neutral / negative
// (binomial draws chained into a multinomial), how many of the positives are magic, where the
// impacts move them, who posts a review and which route each group takes. The rules are the
// agent engine's (engine/simulation.h), tick order included, so the two can be compared.
//
// Two modes: Stochastic draws the counts (same scenario + seed => same numbers), Expected
// splits every count by its probabilities (fractional customers, no randomness): for a
// memoryless scenario it reproduces the exact Markov analysis.
//
// Impression: a continuous s in [-1, 1] becomes `buckets` points -1, -1 + w, ..., 1. A move
// that does not land on a point is split between the two neighbours in proportion (so the mean
// impression is kept exactly). The default 41 points (w = 0.05) represent the usual impacts
// (0.05, 0.1, 0.2, -0.3 ...) without any splitting.
#pragma once
#include <array>
#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

#include "engine/metrics.h"
#include "engine/random.h"
#include "engine/scenario.h"

namespace motsim {

enum class CohortMode { Stochastic, Expected };

struct CohortOptions {
    CohortMode mode = CohortMode::Stochastic;
    int buckets = 41;  // impression points over [-1, 1], at least 3 and odd (0 is a point)
};

// As the agent engine's MomentStats, TickStats and Totals, in doubles: counts are whole in
// stochastic mode and fractional in expected mode.
struct CohortMomentStats {
    double entered = 0, positive = 0, neutral = 0, negative = 0, magic = 0;  // positive includes magic
    double lost_after = 0, done_after = 0, purchases = 0, reviews = 0;
};

struct CohortTick {
    int tick = 0;
    double arrivals = 0, referrals = 0, purchases = 0, done = 0, lost = 0;
    double reviews_positive = 0, reviews_negative = 0, magic = 0;
    double active = 0, advocates = 0;
    double rating = 0, nps = 0, mean_impression = 0;
};

struct CohortTotals {
    double arrivals = 0, referrals = 0, purchases = 0, done = 0, lost = 0;
    double reviews_positive = 0, reviews_negative = 0, advocates = 0;
    double promoters = 0, passives = 0, detractors = 0;
    double nps() const { return nps_of(promoters, passives, detractors); }
};

class Cohort {
public:
    explicit Cohort(const Scenario& scenario, CohortOptions options = {});
    Cohort(const Scenario& scenario, std::uint64_t seed, CohortOptions options = {});

    void step();
    void run(int ticks);
    void run_to_end();
    bool finished() const { return tick_ >= scenario_.ticks; }

    const Scenario& scenario() const { return scenario_; }
    CohortMode mode() const { return options_.mode; }
    std::uint64_t seed() const { return seed_; }
    int tick() const { return tick_; }
    double active() const { return active_; }
    double rating() const;

    const CohortTotals& totals() const { return totals_; }
    const std::vector<CohortMomentStats>& moments() const { return stats_; }
    const std::vector<CohortTick>& series() const { return series_; }
    // occupancy()[t * moments + m]: customers at moment m during tick t (after arrivals).
    const std::vector<double>& occupancy() const { return occupancy_; }
    // Impression histogram (kHistogramBins over [-1, 1]) of the customers in the journey now.
    std::vector<double> live_histogram() const;

    int buckets() const { return options_.buckets; }
    double bucket_centre(int b) const { return -1.0 + width_ * b; }
    // Number of cells of state (memory is 8 bytes a cell, whatever the population).
    std::size_t cells() const { return state_.size(); }

private:
    struct Target {
        std::vector<int> to;    // moment index, kLost or kDone
        std::vector<double> p;  // normalised weights
    };
    struct MomentCache {
        double logit_pos = 0, logit_neg = 0;
        std::size_t offset = 0;  // of the moment's ring in state_
        int dwell_slots = 1;     // ring length: dwell_max
        int head = 0;            // ring slot of "finishes this tick"
        std::array<Target, 3> routes;
        std::vector<double> dwell_p;  // uniform over dwell_min..dwell_max
        // Where each outcome moves each bucket: lower point and the share that goes one up.
        std::array<std::vector<std::pair<int, double>>, kOutcomeCount> move;
    };

    void prepare();
    std::pair<int, double> locate(double s) const;  // bucket and share of the next one up
    // Splits n by probabilities p (summing to 1) into out: multinomial or expected.
    void split(double n, const std::vector<double>& p, std::vector<double>& out);
    double draw_binomial(double n, double p);
    double draw_poisson(double mean);
    void spawn(double count, bool referred);
    void place(int moment, int segment, int bucket, double count, bool now);
    void leave(int terminal, int bucket, double count);
    void pass_moment(int m, double gamma_term);

    std::size_t cell(const MomentCache& c, int slot, int g, int b) const {
        return c.offset + (static_cast<std::size_t>(slot) * G_ + static_cast<std::size_t>(g)) * B_ +
               static_cast<std::size_t>(b);
    }

    Scenario scenario_;
    CohortOptions options_;
    std::uint64_t seed_ = 0;
    Random rng_;
    int tick_ = 0;
    double created_ = 0, active_ = 0;
    std::size_t G_ = 1, B_ = 41;
    double width_ = 0.05;

    std::vector<double> state_;     // the cells
    std::vector<double> incoming_;  // [moment][segment][bucket]: entering during this tick
    std::vector<double> leaving_;   // [route class][segment][bucket]: scratch of one moment
    std::vector<MomentCache> cache_;
    std::vector<double> segment_p_;
    Target entry_;
    std::vector<std::pair<int, double>> start_bucket_, referred_bucket_;  // per segment
    double review_decay_ = 1.0;

    double reviews_pos_ = 0, reviews_neg_ = 0;
    AdvocatePool<double> advocates_;

    CohortTotals totals_;
    std::vector<CohortMomentStats> stats_;
    std::vector<CohortTick> series_;
    std::vector<double> occupancy_;
    CohortTick current_;
    std::vector<double> scratch_, scratch2_;
};

}  // namespace motsim
