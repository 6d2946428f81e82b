// The agent engine: every customer a 20-byte record on a timing wheel (slots by the tick its
// dwell ends and by moment), so a tick touches only the customers who finish in it.
// Never reads files, never sleeps; the caller decides how many ticks to run.
// How a tick goes: simulation.cpp (arrivals, the commit of a tick's counts), pass.cpp (the
// outcomes and routes of the customers due); their parts: wheel.h, moment_tables.h, tally.h.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/metrics.h"
#include "engine/moment_tables.h"
#include "engine/random.h"
#include "engine/scenario.h"
#include "engine/tally.h"
#include "engine/wheel.h"

namespace motsim {

struct MomentStats {
    std::int64_t entered = 0;
    std::int64_t positive = 0;  // includes magic (magic is a kind of positive)
    std::int64_t neutral = 0;
    std::int64_t negative = 0;
    std::int64_t magic = 0;
    std::int64_t lost_after = 0;  // customers routed to lost from here
    std::int64_t done_after = 0;
    std::int64_t purchases = 0;
    std::int64_t reviews = 0;
    std::vector<std::int64_t> causes;  // negative outcomes per cause (Moment::causes order)
};

// One row of the per-tick series.
struct TickStats {
    int tick = 0;
    std::int64_t arrivals = 0;  // all new customers this tick, referrals included
    std::int64_t referrals = 0;
    std::int64_t purchases = 0;
    std::int64_t done = 0;
    std::int64_t lost = 0;
    std::int64_t reviews_positive = 0;
    std::int64_t reviews_negative = 0;
    std::int64_t magic = 0;
    std::int64_t active = 0;       // customers in the journey at the end of the tick
    std::int64_t advocates = 0;    // advocates currently referring
    double rating = 0.0;           // public rating R used during this tick
    double nps = 0.0;              // cumulative NPS at the end of the tick
    double mean_impression = 0.0;  // over active customers at the end of the tick
    // v2
    std::int64_t returns = 0;           // customers who came back this tick (loyalty)
    std::int64_t waiting = 0;           // customers who will come back, at the end of the tick
    std::int64_t market_advocates = 0;  // A: customers whose latest departure made them advocates
    std::int64_t market_critics = 0;    // D: ... critics (the market's word of mouth)
};

struct Totals {
    std::int64_t arrivals = 0, referrals = 0, purchases = 0, done = 0, lost = 0;
    std::int64_t reviews_positive = 0, reviews_negative = 0, advocates = 0;
    std::int64_t promoters = 0, passives = 0, detractors = 0;
    // Sum of squared purchases per finished customer, for the standard error of the mean.
    std::int64_t purchases_sq = 0;
    std::int64_t exits_with_purchase = 0;
    std::vector<std::int64_t> exit_histogram = std::vector<std::int64_t>(kHistogramBins, 0);
    // v2. Returns: comebacks (loyalty). buyers[k]: customers with at least k + 1 purchases
    // (k = 0, 1, 2), so the share with exactly one purchase is (buyers[0] - buyers[1]) /
    // buyers[0]. Advocates and critics by their latest departure, for the market.
    std::int64_t returns = 0, waiting = 0;
    std::array<std::int64_t, 3> buyers{0, 0, 0};
    std::int64_t market_advocates = 0, market_critics = 0;
    // NPS over the customers asked (Scenario::nps_asked); NaN when nobody was asked.
    double nps() const { return nps_of(promoters, passives, detractors); }
};

// One thing that happened to one customer, for stories (only for watched customers).
struct StoryEvent {
    int tick;
    std::uint32_t customer;
    int moment;  // where the outcome happened (-1 for arrival)
    Outcome outcome;
    float impression;  // after the impact
    int target;        // moment index, kLost or kDone
    int cause;         // index into the moment's causes for negative outcomes, else -1
    bool purchase;
    bool review;
    bool comes_back = false;  // (moment -1) a loyal customer re-entering at `target`
};

class Simulation {
public:
    explicit Simulation(const Scenario& scenario);
    Simulation(const Scenario& scenario, std::uint64_t seed);

    void step();          // advance one tick
    void run(int ticks);  // step `ticks` times
    void run_to_end();    // until scenario().ticks
    bool finished() const { return tick_ >= scenario_.ticks; }

    // Applies edited parameters to a running simulation (odds, impacts, routes, dwell, influence,
    // population, segments' shifts). The moments and segments must be the same in number; the
    // customers keep where they are (a shorter maximum dwell cuts their remaining dwell to it).
    // Returns false (and changes nothing) otherwise.
    bool update_parameters(const Scenario& edited);

    const Scenario& scenario() const { return scenario_; }
    std::uint64_t seed() const { return seed_; }
    std::uint64_t draws() const { return rng_.drawn(); }  // random values used so far
    int tick() const { return tick_; }
    std::int64_t active() const { return active_; }
    double rating() const;  // current public rating R

    const Totals& totals() const { return totals_; }
    const std::vector<MomentStats>& moments() const { return stats_; }
    const std::vector<TickStats>& series() const { return series_; }
    // occupancy()[t * moments + m]: customers at moment m during tick t (after arrivals).
    const std::vector<std::int64_t>& occupancy() const { return occupancy_; }

    // The crowd, read-only, for drawing and inspection: calls f(customer, ticks_left) for every
    // customer in the journey, where ticks_left >= 1 counts the ticks it still spends at its
    // moment, this one included (1: its outcome is drawn in the next step). The order is
    // fixed for a given state (soonest due first) but not the order of arrival.
    template <class F>
    void for_each_customer(F&& f) const;
    std::vector<std::uint32_t> customer_ids() const;  // in for_each_customer order
    // Every `stride`-th customer of for_each_customer's order, f(customer): the cost is the
    // customers visited plus one step per block skipped (a sample for drawing a huge crowd).
    template <class F>
    void for_each_customer_strided(std::size_t stride, F&& f) const;
    static constexpr std::uint8_t kFlagMagic = 1, kFlagNegative = 2, kFlagReferred = 4;
    // What a customer counted as at its latest departure (v2: a returner's next departure
    // replaces it): an advocate, a critic, its NPS group + 1 (0: not asked) in two bits.
    static constexpr std::uint8_t kFlagAdvocate = 8, kFlagCritic = 16, kGroupShift = 5;
    static constexpr std::uint8_t kFlagsKept = kFlagReferred | kFlagAdvocate | kFlagCritic | (3u << kGroupShift);
    // Impression histogram of the customers in the journey now.
    std::vector<std::int64_t> live_histogram() const;

    // Stories: events of watched customers are kept (a handful of ids; cheap when empty).
    void watch(std::uint32_t customer_id);
    void unwatch_all();
    const std::vector<StoryEvent>& story_events() const { return events_; }

    // A hex hash (FNV-1a 64) of every metric: totals, per-moment stats and the series.
    std::string digest() const;

    // Bytes of state per customer in the journey (one record).
    static constexpr std::size_t bytes_per_customer() { return sizeof(Customer); }
    // Bytes held for customers now: every block allocated, in use or spare, and the wheel.
    std::size_t memory_bytes() const;
    // The wheel's rows (ticks ahead) and columns (moments, shared when there would be too many).
    std::size_t wheel_rows() const { return wheel_.rows(); }
    std::size_t wheel_columns() const { return wheel_.columns(); }

private:
    void prepare();
    void spawn(std::int64_t count, bool referred);
    void come_back();     // loyal customers due this tick re-enter
    void decide_returns();  // this tick's finishers: who comes back, and when
    void pass(double gamma_term);
    void commit(TickStats row);
    void rebuild_wheel(std::size_t ticks);
    void size_wheel(std::size_t ticks);
    std::size_t wheel_size_needed() const;

    Scenario scenario_;
    std::uint64_t seed_;
    Batched rng_;
    int tick_ = 0;
    std::int64_t created_ = 0;  // customers created so far (the next id)

    // Customers, and what the pass needs beside them.
    Wheel wheel_;
    std::vector<std::uint32_t> taken_;   // the due slot's blocks, detached during the pass
    std::vector<PendingEvent> pending_;  // watched customers' details between two stages
    MomentTables tables_;                // derived from the scenario (prepare)
    OddsMemo memo_;
    std::vector<std::uint32_t> watched_;
    std::vector<StoryEvent> events_;

    // The tick's counts (written by spawn and the pass) and what commit makes of them.
    Tally tally_;
    std::int64_t active_ = 0;
    std::int64_t impression_sum_ = 0;           // sum of impressions in units of 2^-32 (exact, no drift)
    double reviews_pos_ = 0, reviews_neg_ = 0;  // decaying counts
    AdvocatePool<std::int64_t> advocates_;
    // v2 loyalty: customers waiting to come back, by the tick they return (a ring).
    std::vector<std::vector<Customer>> waiting_;
    std::vector<Customer> finishers_;  // this tick's, while loyalty is on
    std::int64_t waiting_count_ = 0;
    std::vector<double> return_weights_;
    double return_total_ = 0;
    Totals totals_;
    std::vector<MomentStats> stats_;
    std::vector<TickStats> series_;
    std::vector<std::int64_t> occupancy_;
};

template <class F>
void Simulation::for_each_customer(F&& f) const {
    wheel_.for_each(f);
}

template <class F>
void Simulation::for_each_customer_strided(std::size_t stride, F&& f) const {
    wheel_.for_each_strided(stride, f);
}

}  // namespace motsim
