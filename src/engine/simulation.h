// The agent engine: customers as a structure of arrays, one tick a linear pass over them.
// Never draws, never reads files, never sleeps; the caller decides how many ticks to run.
#pragma once
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

#include "engine/random.h"
#include "engine/scenario.h"

namespace motsim {

inline constexpr int kHistogramBins = 20;  // impression histogram over [-1, 1]

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
    std::int64_t arrivals = 0;   // all new customers this tick, referrals included
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
};

struct Totals {
    std::int64_t arrivals = 0, referrals = 0, purchases = 0, done = 0, lost = 0;
    std::int64_t reviews_positive = 0, reviews_negative = 0, advocates = 0;
    std::int64_t promoters = 0, passives = 0, detractors = 0;
    // Sum of squared purchases per finished customer, for the standard error of the mean.
    std::int64_t purchases_sq = 0;
    std::int64_t exits_with_purchase = 0;
    std::vector<std::int64_t> exit_histogram = std::vector<std::int64_t>(kHistogramBins, 0);
    double nps() const {
        const std::int64_t n = promoters + passives + detractors;
        return n ? 100.0 * static_cast<double>(promoters - detractors) / static_cast<double>(n) : 0.0;
    }
};

// One thing that happened to one customer, for stories (only for watched customers).
struct StoryEvent {
    int tick;
    std::uint32_t customer;
    int moment;        // where the outcome happened (-1 for arrival)
    Outcome outcome;
    float impression;  // after the impact
    int target;        // moment index, kLost or kDone
    int cause;         // index into the moment's causes for negative outcomes, else -1
    bool purchase;
    bool review;
};

class Simulation {
public:
    explicit Simulation(const Scenario& scenario);
    Simulation(const Scenario& scenario, std::uint64_t seed);

    void step();                 // advance one tick
    void run(int ticks);         // step `ticks` times
    void run_to_end();           // until scenario().ticks
    bool finished() const { return tick_ >= scenario_.ticks; }

    // Applies edited parameters to a running simulation (odds, impacts, routes, dwell, influence,
    // population, segments' shifts). The moments and segments must be the same in number; the
    // customers keep where they are. Returns false (and changes nothing) otherwise.
    bool update_parameters(const Scenario& edited);

    const Scenario& scenario() const { return scenario_; }
    std::uint64_t seed() const { return seed_; }
    int tick() const { return tick_; }
    std::int64_t active() const { return static_cast<std::int64_t>(moment_.size()); }
    double rating() const;  // current public rating R

    const Totals& totals() const { return totals_; }
    const std::vector<MomentStats>& moments() const { return stats_; }
    const std::vector<TickStats>& series() const { return series_; }
    // occupancy()[t * moments + m]: customers at moment m during tick t (after arrivals).
    const std::vector<std::int64_t>& occupancy() const { return occupancy_; }

    // The crowd, read-only, for drawing: index i is one active customer.
    const std::vector<std::int32_t>& customer_moment() const { return moment_; }
    const std::vector<std::uint16_t>& customer_ticks_left() const { return ticks_left_; }
    const std::vector<float>& customer_impression() const { return impression_; }
    const std::vector<std::uint8_t>& customer_segment() const { return segment_; }
    const std::vector<std::uint32_t>& customer_id() const { return id_; }
    // Where the customer came from when it entered its current moment (-1: it arrived), the
    // tick it entered, and whether that move followed a moment of magic: for animation.
    const std::vector<std::int16_t>& customer_from() const { return from_; }
    const std::vector<std::int32_t>& customer_since() const { return since_; }
    const std::vector<std::uint8_t>& customer_flags() const { return flags_; }
    static constexpr std::uint8_t kFlagMagic = 1, kFlagNegative = 2, kFlagReferred = 4;
    // Impression histogram of the customers in the journey now.
    std::vector<std::int64_t> live_histogram() const;

    // Stories: events of watched customers are kept (a handful of ids; cheap when empty).
    void watch(std::uint32_t customer_id);
    void unwatch_all();
    const std::vector<StoryEvent>& story_events() const { return events_; }

    // A hex hash (FNV-1a 64) of every metric: totals, per-moment stats and the series.
    std::string digest() const;

    // Bytes of customer state per customer in the journey (structure of arrays).
    static constexpr std::size_t bytes_per_customer() {
        return sizeof(std::int32_t) + sizeof(std::uint16_t) + sizeof(float) + sizeof(std::uint8_t) +
               sizeof(std::uint16_t) + sizeof(std::uint32_t) + sizeof(std::int16_t) +
               sizeof(std::int32_t) + sizeof(std::uint8_t);
    }

private:
    struct MomentCache {
        double logit_pos = 0, logit_neg = 0;
        std::array<double, 3> route_total{};
        double cause_total = 0;
        std::vector<double> cause_weights;
    };
    // Raw views of the customer arrays for one pass: nothing reallocates during a pass, and
    // plain pointers let the compiler keep them in registers (vectors would be reloaded
    // after every store, which cost a third of the tick).
    struct Crowd {
        std::int32_t* moment;
        std::uint16_t* ticks_left;
        float* impression;
        std::uint8_t* segment;
        std::uint16_t* purchases;
        std::uint32_t* id;
        std::int16_t* from;
        std::int32_t* since;
        std::uint8_t* flags;
        std::size_t n;
    };
    Crowd crowd();
    void resize_crowd(std::size_t n);
    void prepare();
    void spawn(std::int64_t count, bool referred);
    void enter(Crowd& c, std::size_t i, int moment, int from, std::uint8_t flags);
    // Returns true when the customer left (the last one now stands at i).
    bool finish(Crowd& c, std::size_t i, double gamma_term);
    void leave(Crowd& c, std::size_t i, int terminal);
    bool watched(std::uint32_t id) const;

    Scenario scenario_;
    std::uint64_t seed_;
    Random rng_;
    int tick_ = 0;
    std::int64_t created_ = 0;

    // Customers (structure of arrays, swap-removed when they leave).
    std::vector<std::int32_t> moment_;
    std::vector<std::uint16_t> ticks_left_;
    std::vector<float> impression_;
    std::vector<std::uint8_t> segment_;
    std::vector<std::uint16_t> purchases_;
    std::vector<std::uint32_t> id_;
    std::vector<std::int16_t> from_;
    std::vector<std::int32_t> since_;
    std::vector<std::uint8_t> flags_;

    // Derived from the scenario.
    std::vector<MomentCache> cache_;
    std::vector<double> segment_weights_;
    std::vector<double> segment_shift_;
    double segment_total_ = 0, entry_total_ = 0, review_decay_ = 1.0;

    // Reviews (decaying counts) and advocates (count per expiry tick).
    double reviews_pos_ = 0, reviews_neg_ = 0;
    std::deque<std::pair<int, std::int64_t>> advocate_batches_;
    std::int64_t advocates_active_ = 0;

    Totals totals_;
    std::vector<MomentStats> stats_;
    std::vector<TickStats> series_;
    std::vector<std::int64_t> occupancy_;
    TickStats current_;

    std::vector<std::uint32_t> watched_;
    std::vector<StoryEvent> events_;
};

// NPS score 0..10 of an impression s in [-1, 1]: round(5 (s + 1)).
int nps_score(double s);
// The NPS group of a score: promoters score 9-10, detractors 0-6, passives 7-8.
enum class NpsGroup { Detractor, Passive, Promoter };
inline NpsGroup nps_group(int score) {
    return score >= 9 ? NpsGroup::Promoter : score <= 6 ? NpsGroup::Detractor : NpsGroup::Passive;
}
int histogram_bin(double s);

}  // namespace motsim
