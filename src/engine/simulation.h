// The agent engine: every customer a 20-byte record on a timing wheel (slots by the tick its
// dwell ends and by moment), so a tick touches only the customers who finish in it.
// Never reads files, never sleeps; the caller decides how many ticks to run.
#pragma once
#include <array>
#include <cstdint>
#include <deque>
#include <memory>
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

// One customer in the journey: 20 bytes, moved as one record.
struct Customer {
    float impression;         // s in [-1, 1]
    std::uint32_t id;         // order of arrival
    std::int32_t since;       // the tick it entered its current moment
    std::int16_t moment;      // where it is (scenarios have at most 1000 moments)
    std::int16_t from;        // where it came from (-1: it arrived), for animation
    std::uint16_t purchases;  // purchases so far (saturates at 65535)
    std::uint8_t segment;
    std::uint8_t flags;       // Simulation::kFlag*: how it entered its current moment
};
static_assert(sizeof(Customer) == 20, "customer records are packed to 20 bytes");

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
    std::size_t wheel_rows() const { return wheel_ticks_; }
    std::size_t wheel_columns() const { return columns_; }

private:
    // Customers live in a timing wheel: slot (due tick mod wheel size) holds the customers whose
    // outcome is drawn at that tick, so a tick touches only the customers who finish in it and
    // waiting costs nothing. A slot is a list of fixed-size blocks from a shared pool (all full
    // but the last), so memory stays within one block per slot of what the customers need.
    static constexpr std::size_t kBlock = 512;
    struct Block {
        Customer c[kBlock];
    };
    struct Slot {
        std::vector<std::uint32_t> blocks;  // indices into the wheel's blocks, all full but the last
        Customer* tail = nullptr;           // the next free place in the last block
        Customer* end = nullptr;            // the end of the last block (tail == end: full)
        std::size_t size() const { return blocks.size() * kBlock - static_cast<std::size_t>(end - tail); }
    };
    // The slots and the blocks they hold. Copying a simulation copies the blocks and points
    // each slot's tail into the copies.
    struct Wheel {
        std::vector<std::unique_ptr<Block>> blocks;
        std::vector<std::uint32_t> spare;  // blocks in no slot
        std::vector<Slot> slots;
        Wheel() = default;
        Wheel(const Wheel& o) { *this = o; }
        Wheel& operator=(const Wheel& o);
        Wheel(Wheel&&) noexcept = default;
        Wheel& operator=(Wheel&&) noexcept = default;
        void append(Slot& s, const Customer& c) {
            if (s.tail == s.end) fresh(s);
            *s.tail++ = c;
        }
        void fresh(Slot& s);  // a new last block for s (a spare or a new one)
        void empty(Slot& s);  // its blocks back to the spares
    };
    // Per moment, what a finishing customer needs, gathered in one place.
    // Per moment, what a finishing customer needs beyond Fast: odds shifts, magic, reviews,
    // causes and weighted routes.
    struct Hot {
        double logit_pos = 0, logit_neg = 0;
        double p_pos = 0, p_neg = 0;
        double magic = 0, review = 0;
        double magic_impact = 0;
        double cause_total = 0;
        double route_total[3] = {0, 0, 0};
        bool varies = false;  // z can differ from 0 here
        bool reads_reviews = false;
    };
    static constexpr std::int32_t kPick = -100;
    // Per moment, what every finishing customer reads, in one cache line.
    struct alignas(64) Fast {
        double cut_pos = 0, cut_neutral = 0;  // base odds as cumulative cuts (z = 0)
        double impact[3] = {0, 0, 0};         // positive, neutral, negative
        std::int32_t single[3] = {0, 0, 0};   // the route's only target, or kPick
        std::int32_t dwell_min = 1;
        std::uint32_t dwell_span = 0;  // dwell_max - dwell_min
        bool purchase = false;
        std::uint16_t column = 0;  // the wheel's column for this moment
    };
    // Odds memo for moments where z varies: z depends on (moment, segment, impression) within a
    // tick, and impressions take few distinct values, so most lookups skip two sigmoids.
    struct Memo {
        std::uint32_t epoch = 0, bits = 0;
        std::int32_t moment = -1, segment = -1;
        double cut_pos = 0, cut_neutral = 0;
    };
    static constexpr std::size_t kMemo = 1024;

    void prepare();
    void spawn(std::int64_t count, bool referred);
    template <bool Plain>
    void pass(double gamma_term);
    const Route& route(int moment, int outcome) const;
    void flush_entered();
    template <bool Identity>
    static void sort_by_dwell(Batched& rng, std::uint32_t span, const std::uint16_t* items, std::size_t count,
                              std::uint16_t (&by)[4][kBlock], std::size_t (&parts)[4]);
    void odds(const Customer& x, const Hot& h, double gamma_term, double& cut_pos, double& cut_neutral);
    bool watched(std::uint32_t id) const;
    // The slot of the tick `ahead` ticks from now (0 <= ahead < wheel size): no division.
    std::size_t slot(int ahead) const {
        const std::size_t k = now_ + static_cast<std::size_t>(ahead);
        return k >= wheel_ticks_ ? k - wheel_ticks_ : k;
    }
    void rebuild_wheel(std::size_t ticks);
    void size_wheel(std::size_t ticks);
    std::size_t wheel_size_needed() const;

    Scenario scenario_;
    std::uint64_t seed_;
    Batched rng_;
    int tick_ = 0;
    std::int64_t created_ = 0;

    // Customers.
    Wheel wheel_;
    // Slots by due tick (rows, wheel_ticks_ of them) and moment (columns): slot row * columns_
    // + column. Each moment has its own column unless that would make too many slots; then
    // moment m shares column m % columns_.
    std::size_t wheel_ticks_ = 0, columns_ = 1;
    static constexpr std::size_t kMaxSlots = 1 << 16;
    std::size_t now_ = 0;               // tick_ % wheel_ticks_
    std::vector<std::uint32_t> taken_;  // the slot being drawn, detached during the pass
    std::int64_t active_ = 0;
    std::int64_t impression_sum_ = 0;  // sum of impressions in units of 2^-32 (exact, no drift)

    // Derived from the scenario.
    std::vector<Hot> hot_;
    std::vector<Fast> fast_;
    bool plain_ = true;  // no moment varies its odds, has magic, reviews or causes
    std::vector<std::vector<double>> cause_weights_;
    std::vector<double> segment_weights_;
    std::vector<double> segment_shift_;
    double segment_total_ = 0, entry_total_ = 0, review_decay_ = 1.0;
    std::vector<Memo> memo_;
    std::uint32_t epoch_ = 0;

    // Reviews (decaying counts) and advocates (count per expiry tick).
    double reviews_pos_ = 0, reviews_neg_ = 0;
    std::deque<std::pair<int, std::int64_t>> advocate_batches_;
    std::int64_t advocates_active_ = 0;

    Totals totals_;
    std::vector<MomentStats> stats_;
    std::vector<std::array<std::int64_t, 3>> outcomes_;  // positive, neutral, negative per moment
    std::vector<std::int64_t> ok_before_;                // positive + neutral before this pass
    struct Pending {  // what a watched customer's event needs from the outcome loop
        std::uint16_t index;
        bool magic, reviewed;
        int cause;
    };
    std::vector<Pending> pending_;
    std::vector<std::int64_t> entered_;                  // entries this tick by target + 2 (done, lost first)
    std::vector<TickStats> series_;
    std::vector<std::int64_t> occupancy_;
    TickStats current_;

    std::vector<std::uint32_t> watched_;
    std::vector<StoryEvent> events_;
};

template <class F>
void Simulation::for_each_customer(F&& f) const {
    const std::size_t w = wheel_ticks_;
    for (std::size_t k = 0; k < w; ++k)
        for (std::size_t col = 0; col < columns_; ++col) {
            const Slot& s = wheel_.slots[(now_ + k) % w * columns_ + col];
            std::size_t left = s.size();
            for (std::uint32_t b : s.blocks) {
                const std::size_t n = left < kBlock ? left : kBlock;
                const Block& block = *wheel_.blocks[b];
                for (std::size_t i = 0; i < n; ++i) f(block.c[i], static_cast<int>(k) + 1);
                left -= n;
            }
        }
}

template <class F>
void Simulation::for_each_customer_strided(std::size_t stride, F&& f) const {
    if (stride == 0) stride = 1;
    const std::size_t w = wheel_ticks_;
    std::size_t next = 0;  // position (in for_each_customer's order) of the next one to visit
    std::size_t pos = 0;   // position of the current block's first customer
    for (std::size_t k = 0; k < w; ++k)
        for (std::size_t col = 0; col < columns_; ++col) {
            const Slot& s = wheel_.slots[(now_ + k) % w * columns_ + col];
            std::size_t left = s.size();
            for (std::uint32_t b : s.blocks) {
                const std::size_t n = left < kBlock ? left : kBlock;
                if (next < pos + n) {
                    const Block& block = *wheel_.blocks[b];
                    std::size_t i = next - pos;
                    for (; i < n; i += stride) f(block.c[i]);
                    next = pos + i;
                }
                pos += n;
                left -= n;
            }
        }
}

// Impressions are sums of decimal impacts kept as floats (about seven digits): one within
// kImpressionEdge of a threshold counts as on it, so that 0.15 + 0.15 is 0.3 for the NPS
// rounding, the advocate threshold and a review's sign, as in the exact analysis and the
// cohort engine (a float 0.29999998 would otherwise make a detractor of a passive).
inline constexpr double kImpressionEdge = 1e-6;
inline bool is_advocate(double s, double threshold) { return s >= threshold - kImpressionEdge; }
inline bool review_is_positive(double s) { return s > kImpressionEdge; }

// NPS score 0..10 of an impression s in [-1, 1]: round(5 (s + 1)), halves up.
int nps_score(double s);
// The NPS group of a score: promoters score 9-10, detractors 0-6, passives 7-8.
enum class NpsGroup { Detractor, Passive, Promoter };
inline NpsGroup nps_group(int score) {
    return score >= 9 ? NpsGroup::Promoter : score <= 6 ? NpsGroup::Detractor : NpsGroup::Passive;
}
int histogram_bin(double s);  // of an impression, kHistogramBins over [-1, 1]

}  // namespace motsim
