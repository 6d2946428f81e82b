// The cohort engine: moves counts instead of customers, for populations far beyond what one
// object per customer allows (100 million customers cost the same memory as 100).
//
// State: how many customers share each cell (moment, ticks left there, segment, purchases 0 /
// 1 / 2 / 3+, what they counted as at their latest departure, impression). A tick draws, per
// occupied cell, how many finish positive / neutral / negative (binomial draws chained into a
// multinomial), how many of the positives are magic, where the impacts move them, who posts a
// review and which route each group takes; finishers who will come back (v2 loyalty) wait in a
// ring of cells. The rules are the agent engine's (engine/simulation.h), tick order included,
// so the two can be compared.
//
// Two modes: Stochastic draws the counts (same scenario + seed => same numbers), Expected
// splits every count by its probabilities (fractional customers, no randomness). Expected mode
// is the exact mean of the agent engine wherever customers do not interact (it follows each
// customer's own state exactly: impression, purchases, returns, beta); where they do (the
// public rating through gamma, referrals, the market's word of mouth, the population cap) it is
// the mean-field approximation: the feedback is fed with the mean instead of a random count.
//
// Impressions are exact. prepare() enumerates every impression the scenario can reach,
// computed as the agent engine stores them (float: a start is float(clamp(initial [+ referral
// boost], -1, 1)), an outcome makes float(min(max(double(before) + impact, -1), 1))), by a
// breadth-first closure over every moment's impacts; cells hold an index into that sorted set
// and every threshold (NPS score, advocate, critic, a review's sign, the return probability,
// beta's odds) reads the value, as in the agent engine. One caveat: the same decimal reached
// along different paths (0.2 + 0.12 - 0.3 and 0.12 - 0.3 + 0.2) can differ in its last float
// bits, and loops of such moves would make the set endless; so floats within kSameImpression
// (2^-21) of a value already found are that value (the first found: the fewest moves). A
// cohort impression then differs from the agent engine's float by at most 2^-21 a move, in
// practice by a few float steps (1e-7), inside the 1e-6 every threshold allows around a
// decimal value (kImpressionEdge), so the counts are the agent engine's in distribution. Usual impacts reach a few
// dozen to a few hundred values.
//
// Only when the set has more than CohortOptions::max_values values (impacts that never line
// up, e.g. 0.1234 and -0.3071 together) does the engine fall back to a uniform grid of
// CohortOptions::buckets points w = 2 / (buckets - 1) apart: a move that does not land on a
// point is split between the two neighbours in proportion, which keeps every customer's
// expected impression exact (up to clamping at +-1) but adds a rounding noise of mean 0 and at
// most w per move: after n moves a customer's impression is its exact value plus a noise of
// standard deviation at most w sqrt(n) / 2 (and always less than n w), so shares read at a
// threshold (NPS groups, advocates, critics, reviews' sign) are off by the customers within
// that distance of it. exact() says which representation a run uses.
#pragma once
#include <array>
#include <cstdint>
#include <deque>
#include <utility>
#include <vector>

#include "engine/metrics.h"
#include "engine/odds.h"
#include "engine/random.h"
#include "engine/scenario.h"

namespace motsim {

enum class CohortMode { Stochastic, Expected };

struct CohortOptions {
    CohortMode mode = CohortMode::Stochastic;
    int buckets = 41;       // the fallback grid's points over [-1, 1] (at least 3 and odd)
    int max_values = 4096;  // the most exact impression values; beyond (or 0), the grid
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
    // v2, as TickStats
    double returns = 0, waiting = 0, market_advocates = 0, market_critics = 0;
};

struct CohortTotals {
    double arrivals = 0, referrals = 0, purchases = 0, done = 0, lost = 0;
    double reviews_positive = 0, reviews_negative = 0, advocates = 0;
    double promoters = 0, passives = 0, detractors = 0;
    // v2, as Totals: comebacks, those waiting to come back, customers with at least 1, 2, 3
    // purchases, the market's advocates and critics by their latest departure.
    double returns = 0, waiting = 0;
    std::array<double, 3> buyers{0, 0, 0};
    double market_advocates = 0, market_critics = 0;
    double nps() const { return nps_of(promoters, passives, detractors); }
};

// Two floats closer than this are one impression value of the cohort engine (see the top).
inline constexpr double kSameImpression = 0x1p-21;  // 4.8e-7: a few float steps

// The impressions `scenario` can reach, as the agent engine stores them (floats), sorted, one
// per kSameImpression (the first found, breadth first; -0 counts as 0); empty when there are
// more than `cap`.
std::vector<float> reachable_impressions(const Scenario& scenario, std::size_t cap);

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

    // The impressions cells can hold: exact (the reachable set) or the fallback grid.
    bool exact() const { return exact_; }
    int buckets() const { return static_cast<int>(values_.size()); }
    double bucket_centre(int b) const { return values_[static_cast<std::size_t>(b)]; }
    // Purchase classes (1: no purchase moment; up to 4: 0, 1, 2, 3+) and departure memories
    // (1 without loyalty) the cells distinguish.
    int purchase_classes() const { return static_cast<int>(P_); }
    int memories() const { return static_cast<int>(K_); }
    // Occupied cells now (memory is 16 bytes a cell, whatever the population).
    std::size_t cells() const;

private:
    struct Target {
        std::vector<int> to;    // moment index, kLost or kDone
        std::vector<double> p;  // normalised weights
    };
    // A cell: its kind ((segment, purchases, memory, impression) packed, see type()) and count.
    struct Cell {
        std::uint32_t type;
        double n;
    };
    using Cells = std::vector<Cell>;  // unordered, merged when read
    struct Move {
        int to = 0;       // impression index
        double up = 0.0;  // share that goes to the next one up (the grid only)
    };
    struct MomentCache {
        double logit_pos = 0, logit_neg = 0;
        int dwell_slots = 1;  // ring length: dwell_max
        int head = 0;         // ring slot of "finishes this tick"
        std::vector<Cells> ring;
        Cells incoming;  // moved here during this tick's pass: their dwell starts after it
        std::array<Target, 3> routes;
        std::vector<double> dwell_p;                        // uniform over dwell_min..dwell_max
        std::array<std::vector<Move>, kOutcomeCount> move;  // by outcome and impression index
        std::array<double, 3> review{0, 0, 0};              // by NPS group of the impression after
    };

    void prepare();
    Move locate(double s) const;  // the grid: point and share of the next one up
    // Splits n by probabilities p (summing to 1) into out: multinomial or expected.
    void split(double n, const std::vector<double>& p, std::vector<double>& out);
    double draw_binomial(double n, double p);
    double draw_poisson(double mean);
    void spawn(double count, bool referred);
    void come_back();
    void place(int moment, std::uint32_t type, double count, bool now);
    void settle(MomentCache& c);  // this tick's movers start their dwell
    void route(int m, int outcome, std::size_t g, std::size_t p, std::size_t k, int v, double count);
    void leave(int terminal, std::size_t g, std::size_t p, std::size_t k, int v, double count);
    void pass_moment(int m, double gamma_term);
    void decide_returns();  // this tick's finishers: who comes back, and when
    // One cell per type, in the order each type first appears (deterministic: the order cells
    // were added); through a dense scratch when the types are few enough, else sorted.
    void merge(Cells& cells);

    std::uint32_t type(std::size_t g, std::size_t p, std::size_t k, std::size_t v) const {
        return static_cast<std::uint32_t>(((g * P_ + p) * K_ + k) * V_ + v);
    }

    Scenario scenario_;
    CohortOptions options_;
    std::uint64_t seed_ = 0;
    Random rng_;
    int tick_ = 0;
    double created_ = 0, active_ = 0;
    std::size_t G_ = 1, P_ = 1, K_ = 1, V_ = 1;
    bool exact_ = true;
    double width_ = 0.0;  // the grid's step (fallback only)

    // By impression index: the value and what it counts as.
    std::vector<double> values_, return_p_;
    std::vector<std::uint8_t> group_, advocate_, critic_, review_positive_;
    // Departure memories: the agent's flags (advocate 1, critic 2, NPS group + 1 << 2) by index.
    std::vector<std::uint8_t> codes_;
    std::array<int, 16> memory_of_{};

    std::vector<MomentCache> cache_;
    std::vector<double> segment_p_, segment_shift_;
    Target entry_, return_to_;
    std::vector<Move> start_, referred_start_;  // per segment
    double review_decay_ = 1.0;
    std::vector<Cells> waiting_;     // loyalty: by the tick they come back (a ring)
    Cells finishers_;                // loyalty: this tick's, by type (memory: what they count as now)
    std::array<Cells, 3> finished_;  // scratch of one moment: who finished, by route and new type
    std::vector<double> delay_p_;
    int delay_min_ = 0;
    double waiting_count_ = 0;
    double impression_sum_ = 0;        // of the customers in the journey
    double groups_[4] = {0, 0, 0, 0};  // not asked, detractors, passives, promoters

    double reviews_pos_ = 0, reviews_neg_ = 0;
    AdvocatePool<double> advocates_;

    CohortTotals totals_;
    std::vector<CohortMomentStats> stats_;
    std::vector<CohortTick> series_;
    std::vector<double> occupancy_;
    CohortTick current_;
    std::vector<double> merged_;  // scratch of merge(), by type (when dense)
    std::vector<std::uint8_t> seen_;
    std::vector<std::uint32_t> order_;
    std::vector<Odds> odds_table_;  // of one moment's pass, by (segment, impression)
    std::vector<std::uint32_t> odds_stamp_;
    std::uint32_t odds_epoch_ = 0;
    std::vector<double> odds_, outcome_parts_, route_parts_, dwell_parts_, delay_parts_, segment_parts_, entry_parts_;
};

}  // namespace motsim
