// The agent engine's per-moment tables: what the pass reads about each moment, derived from the
// scenario by build_moment_tables() alone (again whenever parameters change). Internal to the
// engine. A new per-moment field goes into one of the two rows below and is filled there
// (README.md, "Extending the model").
#pragma once
#include <cstdint>
#include <limits>
#include <vector>

#include "engine/scenario.h"

namespace motsim {

// A route with more than one target: the pass picks one per customer by the route's weights.
inline constexpr std::int32_t kPickByWeight = std::numeric_limits<std::int32_t>::min();

// What every customer finishing at a moment reads, in one cache line: all a plain moment (base
// odds, no magic, reviews or causes) needs to draw an outcome, apply it and route the customer.
struct alignas(64) MomentBasics {
    double cut_pos = 0, cut_neutral = 0;  // 16: base odds as cumulative cuts (z = 0)
    double impact[3] = {0, 0, 0};         // 24: positive, neutral, negative
    std::int32_t single[3] = {0, 0, 0};   // 12: each outcome's only target, or kPickByWeight
    std::int32_t dwell_min = 1;           //  4
    std::uint32_t dwell_span = 0;         //  4: dwell_max - dwell_min
    bool purchase = false;                //  1: positive and neutral outcomes buy
    std::uint16_t column = 0;             //  2: the wheel's column for this moment
};
static_assert(sizeof(MomentBasics) == 64, "what every finishing customer reads fits one cache line");

// What only some moments need: odds shifted by segment, impression or rating; magic; reviews;
// causes of negative outcomes; totals of weighted routes.
struct MomentExtras {
    double logit_pos = 0, logit_neg = 0;  // base odds as logits, for shifting
    double p_pos = 0, p_neg = 0;
    double magic = 0, review = 0;  // chance of magic (on a positive), of a review (the largest)
    double review_group[3] = {0, 0, 0};  // of a review by NPS group (detractor, passive, promoter)
    double magic_impact = 0;
    double cause_total = 0;  // sum of the causes' weights (0: no causes)
    std::vector<double> cause_weights;
    double route_total[3] = {0, 0, 0};  // sum of each outcome's route weights
    bool varies = false;                // z can differ from 0 here
    bool reads_reviews = false;
};

struct MomentTables {
    std::vector<MomentBasics> basics;  // by moment
    std::vector<MomentExtras> extras;  // by moment
    bool all_plain = true;             // no moment varies its odds, has magic, reviews or causes
    // Arrivals: segments and entry moments by weight.
    std::vector<double> segment_weights, segment_shift;
    double segment_total = 0, entry_total = 0;
    double review_decay = 1.0;  // per tick
};

// The tables of `scenario` for a wheel of `columns` columns.
MomentTables build_moment_tables(const Scenario& scenario, std::size_t columns);

// Odds memo for moments where z varies: z depends on (moment, segment, impression) within a
// tick, and impressions take few distinct values, so most lookups skip two sigmoids. The result
// is the same with or without it.
class OddsMemo {
public:
    struct Entry {
        std::uint32_t epoch = 0, bits = 0;  // bits: the impression's float bits
        std::int32_t moment = -1, segment = -1;
        double cut_pos = 0, cut_neutral = 0;
    };
    void stale() { ++epoch_; }  // parameters or the rating changed
    // The entry for these keys: it holds their cuts when holds() says so, else fill() it.
    Entry& find(std::uint32_t bits, int moment, int segment) {
        const std::uint32_t key = (bits * 0x9e3779b1U) ^ (static_cast<std::uint32_t>(moment) * 0x85ebca77U) ^
                                  (static_cast<std::uint32_t>(segment) * 0xc2b2ae3dU);
        return entries_[(key >> 22) & (kSize - 1)];
    }
    bool holds(const Entry& e, std::uint32_t bits, int moment, int segment) const {
        return e.epoch == epoch_ && e.bits == bits && e.moment == moment && e.segment == segment;
    }
    void fill(Entry& e, std::uint32_t bits, int moment, int segment, double cut_pos, double cut_neutral) const {
        e = {epoch_, bits, moment, segment, cut_pos, cut_neutral};
    }

private:
    static constexpr std::size_t kSize = 1024;
    std::vector<Entry> entries_ = std::vector<Entry>(kSize);
    std::uint32_t epoch_ = 0;
};

}  // namespace motsim
